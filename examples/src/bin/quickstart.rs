//! The Opencom Rust SDK in one journey: boot, identify, track, restart from storage, log out.
//!
//! Runs against an in-process server-mock by default; set `OPENCOM_URL` and
//! `OPENCOM_WORKSPACE_ID` to use a real deployment instead.
//!
//! ```text
//! cargo run -p opencom-examples --bin quickstart
//! ```
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::Arc;

use opencom_sdk::{Attributes, FileStorage, Opencom, OpencomBuilder, TrackOutcome, User};
use server_mock::ServerMock;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_string()))
        .init();

    // 1. Where to talk to: a real deployment, or an embedded server-mock.
    let (_mock, url, workspace_id) = match (
        std::env::var("OPENCOM_URL"),
        std::env::var("OPENCOM_WORKSPACE_ID"),
    ) {
        (Ok(url), Ok(ws)) => {
            println!("Using the deployment at {url}");
            (None, url, ws)
        }
        _ => {
            let mock = ServerMock::start().await?;
            println!(
                "Started server-mock at {} (workspace {})",
                mock.url(),
                mock.workspace_id()
            );
            let (url, ws) = (mock.url(), mock.workspace_id());
            (Some(mock), url, ws)
        }
    };

    // 2. A client whose session survives restarts (file storage in a temp dir).
    let dir = std::env::temp_dir().join(format!("opencom-quickstart-{}", std::process::id()));
    let storage = Arc::new(FileStorage::new(&dir)?);
    let builder = || -> OpencomBuilder {
        Opencom::builder(&url, &workspace_id)
            .origin("https://quickstart.example.com")
            .storage(storage.clone())
    };
    let client = builder().build()?;

    let session = client.start().await?;
    println!(
        "Booted visitor {} (session {})",
        session.visitor_id, session.session_id
    );

    // 3. Identify with custom attributes.
    let visitor = client
        .visitor()
        .identify(
            User::new()
                .email("jane@example.com")
                .name("Jane Doe")
                .user_id("user-42")
                .company("Acme")
                .attribute("plan", "pro")
                .attribute("seats", 5),
        )
        .await?;
    println!(
        "Identified as {} <{}> with attributes {:?}",
        visitor.name.as_deref().unwrap_or("?"),
        visitor.email.as_deref().unwrap_or("?"),
        visitor.custom_attributes.keys().collect::<Vec<_>>()
    );

    // 4. Track an event and a screen view.
    let mut props = Attributes::new();
    props.insert("amount".into(), 42.5.into());
    props.insert("currency".into(), "EUR".into());
    let event_id = client.events().track("purchase_completed", props).await?;
    println!("Tracked purchase_completed ({event_id})");
    match client.events().track_screen("Checkout").await? {
        TrackOutcome::Recorded { .. } => println!("Tracked screen view Checkout"),
        TrackOutcome::RateLimited => println!("Screen view dropped by the server's rate limit"),
    }

    // 5. Restart: a new client on the same storage restores the session with no network call.
    drop(client);
    let client = builder().build()?;
    let restored = client.start().await?;
    println!(
        "Restarted: visitor {} restored from storage without a network call: {}",
        restored.visitor_id, restored.restored
    );

    // 6. Log out: revoke, wipe, and start over as a fresh anonymous visitor.
    let fresh = client.logout().await?;
    println!("Logged out; new anonymous visitor {}", fresh.visitor_id);

    std::fs::remove_dir_all(&dir).ok();
    println!("Done.");
    Ok(())
}
