//! The Opencom Rust SDK in one journey: boot, identify, track, a live conversation with an
//! attachment and an agent reply, help center, push, a ticket, restart from storage, log out.
//!
//! Runs against an in-process server-mock by default (which also plays the support agent); set
//! `OPENCOM_URL` and `OPENCOM_WORKSPACE_ID` to use a real deployment instead (the agent steps are
//! then skipped).
//!
//! ```text
//! cargo run -p opencom-examples --bin quickstart
//! ```
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use opencom_sdk::{
    parse_push, AttachmentSource, Attributes, FileStorage, Message, NewTicket, Opencom,
    OpencomBuilder, OutgoingMessage, PushPlatform, TrackOutcome, User,
};
use server_mock::{NewArticle, ServerMock};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // The embedded server-mock shares this process's subscriber: its WebSocket library
    // (tungstenite, through axum) prints every frame it receives at TRACE, session tokens
    // included. The SDK uses no tungstenite, so capping that target hides only the server's side.
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_string());
    tracing_subscriber::fmt()
        .with_env_filter(format!("{filter},tungstenite=info"))
        .init();

    // 1. Where to talk to: a real deployment, or an embedded server-mock.
    let (mock, url, workspace_id) = match (
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
    if let Some(mock) = &mock {
        seed_help_center(mock);
        mock.set_csat_enabled(&workspace_id, true);
        mock.set_default_ticket_form(
            &workspace_id,
            serde_json::json!([
                {"id": "order", "type": "text", "label": "Order number", "required": true},
                {"id": "area", "type": "select", "label": "Area", "required": false,
                 "options": ["billing", "technical"]}
            ]),
        );
    }

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

    // 5. Push: register an Expo token (raw APNs/FCM tokens are refused).
    client
        .push()
        .register(
            "ExponentPushToken[quickstart-device-0001]",
            PushPlatform::Ios,
            None,
        )
        .await?;
    println!("Registered an Expo push token");

    // 6. A conversation: send a message with an attachment, receive the agent's reply live.
    let conversations = client.conversations();
    let conversation = conversations.get_or_create().await?;
    let mut live = conversations.watch_messages(&conversation.id)?;
    let first = live.next().await.ok_or("stream ended")??;
    println!(
        "Conversation {} opened with {} message(s)",
        conversation.id,
        first.value.len()
    );
    let invoice = conversations
        .upload(
            AttachmentSource::Bytes(b"%PDF-1.4 quickstart invoice".to_vec()),
            "invoice.pdf",
            None,
        )
        .await?;
    let handle = conversations
        .send(
            &conversation.id,
            OutgoingMessage::text("Hi! I was charged twice, invoice attached.")
                .attachment(invoice.id.clone()),
        )
        .await?;
    let message_id = handle.sent().await?;
    println!("Sent message {message_id} with {}", invoice.file_name);
    if let Some(mock) = &mock {
        mock.agent_reply(&conversation.id, "Sorry about that! Refund on its way.");
        let reply = wait_for(&mut live, |m| m.content.starts_with("Sorry")).await?;
        println!("Agent replied live: {:?}", reply.content);
        if let Some(push) = mock.push_deliveries().last() {
            println!(
                "The reply was pushed; its payload routes to {:?}",
                parse_push(push)
            );
        }
    }
    println!("Unread: {}", conversations.total_unread().await?);
    conversations.mark_read(&conversation.id).await?;
    println!(
        "Marked read; unread now {}",
        conversations.total_unread().await?
    );
    if let Some(mock) = &mock {
        mock.close_conversation(&conversation.id);
        if conversations
            .csat_eligibility(&conversation.id)
            .await?
            .eligible
        {
            conversations
                .rate(&conversation.id, 5, Some("Quick and kind"))
                .await?;
            println!("Rated the closed conversation 5/5");
        }
    }
    drop(live);

    // 7. Help center: browse the tree, search, open an article by slug, send feedback.
    let help = client.help_center();
    for node in help.collections().await? {
        println!(
            "Collection {} ({} sub-collections)",
            node.collection.name,
            node.children.len()
        );
    }
    if let Some(article) = help.search("password").await?.first() {
        let by_slug = help.article_by_slug(&article.slug).await?;
        println!(
            "Found {:?} (slug {}); opened by slug: {}",
            article.title,
            article.slug,
            by_slug.is_some()
        );
        help.submit_feedback(&article.id, true).await?;
    }

    // 8. A ticket with the workspace's default form, read back.
    let mut ticket = NewTicket::new("Refund request").description("Charged twice");
    if let Some(form) = client.tickets().default_form().await? {
        println!(
            "Default ticket form {:?} asks for: {:?}",
            form.name,
            form.fields
                .iter()
                .map(|f| f.label.as_str())
                .collect::<Vec<_>>()
        );
        ticket = ticket.field("order", "A-1001").field("area", "billing");
    }
    let ticket_id = client.tickets().create(ticket).await?;
    let ticket = client.tickets().get(&ticket_id).await?;
    println!(
        "Ticket {:?} is {:?}",
        ticket.ticket.subject, ticket.ticket.status
    );

    // 9. Restart: a new client on the same storage restores the session with no network call.
    drop(client);
    let client = builder().build()?;
    let restored = client.start().await?;
    println!(
        "Restarted: visitor {} restored from storage without a network call: {}",
        restored.visitor_id, restored.restored
    );

    // 10. Log out: unregister push, revoke, wipe, and start over as a fresh anonymous visitor.
    let fresh = client.logout().await?;
    println!("Logged out; new anonymous visitor {}", fresh.visitor_id);

    std::fs::remove_dir_all(&dir).ok();
    println!("Done.");
    Ok(())
}

async fn wait_for(
    live: &mut opencom_sdk::LiveStream<Vec<Message>>,
    pred: impl Fn(&Message) -> bool,
) -> Result<Message, Box<dyn Error>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let next = tokio::time::timeout_at(deadline, live.next())
            .await?
            .ok_or("stream ended")??;
        if let Some(m) = next.value.iter().find(|m| pred(m)) {
            return Ok(m.clone());
        }
    }
}

fn seed_help_center(mock: &ServerMock) {
    let ws = mock.workspace_id();
    let start = mock.add_collection(&ws, "Getting started", None, 1.0);
    let account = mock.add_collection(&ws, "Your account", Some(&start), 1.0);
    mock.add_article(
        &ws,
        NewArticle::published(
            "Reset your password",
            "Open Settings, choose Security and click **Reset password**.",
        )
        .collection(&account),
    );
}
