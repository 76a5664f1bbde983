//! No secret (session token, user hash) reaches a log line, an error or a Debug print, across a
//! whole journey: boot, identify with a hash, events, refresh, recovery, logout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{SharedClock, HOUR};
use opencom_sdk::identity::user_hash;
use opencom_sdk::{MemoryStorage, Opencom, Storage, User};
use server_mock::{IdentityMode, ServerMock};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn stored_token(storage: &MemoryStorage) -> String {
    let keys = storage.keys("opencom/").await.unwrap();
    let key = keys.iter().find(|k| k.ends_with("/session")).unwrap();
    let raw = storage.get(key).await.unwrap().unwrap();
    serde_json::from_str::<serde_json::Value>(&raw).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_full_journey_logs_no_secret() {
    // The server runs on its own runtime (its threads do not carry our subscriber), so what is
    // captured is the SDK's own output plus the HTTP client stack's.
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let mock = server_rt.block_on(ServerMock::start()).unwrap();
    let secret = mock.enable_identity_verification(&mock.workspace_id(), IdentityMode::Optional);
    let hash = user_hash(&secret, "user-1");

    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut tokens = Vec::new();
    let mut debug_prints = Vec::new();
    client_rt.block_on(async {
        let storage = Arc::new(MemoryStorage::new());
        let client = Opencom::builder(&mock.url(), &mock.workspace_id())
            .storage(storage.clone())
            .clock(Arc::new(SharedClock(mock.clock())))
            .heartbeat_interval(None)
            .build()
            .unwrap();
        let info = client.start().await.unwrap();
        tokens.push(stored_token(&storage).await);
        let user = User::new()
            .email("j@example.com")
            .user_id("user-1")
            .user_hash(hash.clone());
        debug_prints.push(format!("{user:?}"));
        client.visitor().identify(user).await.unwrap();
        client
            .events()
            .track("e", Default::default())
            .await
            .unwrap();
        // Refresh.
        mock.clock().advance(20 * HOUR);
        client.visitor().heartbeat().await.unwrap();
        tokens.push(stored_token(&storage).await);
        // Expiry and re-boot (the user, with its hash, goes into boot).
        mock.clock().advance(30 * HOUR);
        client
            .events()
            .track("e2", Default::default())
            .await
            .unwrap();
        tokens.push(stored_token(&storage).await);
        // An error path: identify refused by the origin check.
        mock.set_allowed_origins(&mock.workspace_id(), &["https://only.example.com"]);
        let err = client
            .visitor()
            .identify(User::new().name("x"))
            .await
            .unwrap_err();
        debug_prints.push(format!("{err:?} {err}"));
        mock.set_allowed_origins(&mock.workspace_id(), &[]);
        debug_prints.push(format!("{client:?} {info:?}"));
        client.logout().await.unwrap();
        tokens.push(stored_token(&storage).await);
    });
    drop(client_rt);

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("opencom.call"),
        "the journey was traced:\n{logs}"
    );
    assert!(logs.contains("widgetSessions:refresh"));
    let everything = format!("{logs}\n{}", debug_prints.join("\n"));
    for token in &tokens {
        assert!(token.starts_with("wst_"));
        assert!(!everything.contains(&token[4..]), "a session token leaked");
    }
    assert!(!everything.contains(&hash), "the user hash leaked");
    assert!(!everything.contains(&secret), "the identity secret leaked");
    drop(mock);
    drop(server_rt);
}
