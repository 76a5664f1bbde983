//! No secret (session token, user hash, agent password, JWT, refresh token) reaches a log line,
//! an error or a Debug print, across whole journeys: boot, identify with a hash, events,
//! refresh, recovery, logout; live streams receiving an agent reply; a validation failure whose
//! server message echoes the arguments; the workspace sign-in and its refresh. Every public value
//! that holds credentials (clients, builders, sub-clients, storages, errors) is `Debug`-printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use std::time::Duration;

use common::proxy::{Proxy, Reply};
use common::{SharedClock, HOUR};
use futures::StreamExt;
use opencom_sdk::identity::user_hash;
use opencom_sdk::{
    Error, FileStorage, InboxFilter, MemoryStorage, Opencom, SenderType, Storage, User,
    WorkspaceClient,
};
use server_mock::{CallOutcome, IdentityMode, Role, ServerMock};

/// The journeys run one at a time: each installs its own thread-local subscriber, and tracing's
/// callsite interest is global.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

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

async fn stored_token(storage: &dyn Storage) -> String {
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
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The server runs on its own runtime (its threads do not carry our subscriber), so what is
    // captured is the SDK's own output plus the HTTP client stack's.
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let mock = server_rt.block_on(ServerMock::start()).unwrap();
    let secret = mock.enable_identity_verification(&mock.workspace_id(), IdentityMode::Optional);
    let hash = user_hash(&secret, "user-1");

    let capture = Capture::default();
    let writer = capture.clone();
    forward_log_records();
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
        tokens.push(stored_token(storage.as_ref()).await);
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
        tokens.push(stored_token(storage.as_ref()).await);
        // Expiry and re-boot (the user, with its hash, goes into boot).
        mock.clock().advance(30 * HOUR);
        client
            .events()
            .track("e2", Default::default())
            .await
            .unwrap();
        tokens.push(stored_token(storage.as_ref()).await);
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
        debug_prints.push(sub_client_debugs(&client));
        debug_prints.push(format!("{storage:?}"));
        // Builders holding a storage that holds the session.
        let builder = Opencom::builder(&mock.url(), &mock.workspace_id()).storage(storage.clone());
        let agent_builder = WorkspaceClient::builder(&mock.url()).storage(storage.clone());
        debug_prints.push(format!("{builder:?}\n{agent_builder:?}"));
        client.logout().await.unwrap();
        tokens.push(stored_token(storage.as_ref()).await);
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

/// The `Debug` of every visitor-side sub-client.
fn sub_client_debugs(client: &Opencom) -> String {
    let prints = [
        format!("{:?}", client.session()),
        format!("{:?}", client.visitor()),
        format!("{:?}", client.events()),
        format!("{:?}", client.conversations()),
        format!("{:?}", client.push()),
        format!("{:?}", client.tickets()),
        format!("{:?}", client.messenger()),
        format!("{:?}", client.help_center()),
    ];
    for print in &prints {
        assert!(print.contains("workspace_id"), "{print}");
    }
    prints.join("\n")
}

/// The subscriber every journey logs to: everything at TRACE, every library included, and the
/// `log` records of the libraries that log through `log` (rustls, …) forwarded into it.
fn capture_subscriber(capture: &Capture) -> impl tracing::Subscriber + Send + Sync {
    forward_log_records();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish()
}

const AGENT_PASSWORD: &str = "Corr3ct-Horse-Battery!";

#[test]
fn live_streams_a_validation_echo_and_the_workspace_sign_in_log_no_secret() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let mock = server_rt.block_on(ServerMock::start()).unwrap();
    let ws = mock.workspace_id();
    let secret = mock.enable_identity_verification(&ws, IdentityMode::Optional);
    let hash = user_hash(&secret, "user-7");
    mock.create_agent(&ws, "ana@example.com", AGENT_PASSWORD, Role::Admin);
    // A deployment that does not know one argument the client sends (`visitors:identify` gets
    // an extra field on the way): Convex's validator answers with the whole argument object,
    // session token and user hash included.
    let proxy = server_rt.block_on(Proxy::start(
        &mock.url(),
        Arc::new(|seen| match seen.function.as_deref() {
            Some("visitors:identify") => {
                let mut body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
                body["args"]["unexpectedField"] = serde_json::json!(true);
                Reply::ForwardBody(serde_json::to_vec(&body).unwrap())
            }
            _ => Reply::Forward,
        }),
    ));

    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture_subscriber(&capture));
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut secrets: Vec<String> = vec![hash.clone(), secret.clone(), AGENT_PASSWORD.to_owned()];
    let mut debug_prints = Vec::new();
    let echoed =
        client_rt.block_on(async {
            // --- Visitor: identify with a hash, then live streams receiving an agent reply.
            let storage = Arc::new(FileStorage::new(files.path()).unwrap());
            let builder = Opencom::builder(&mock.url(), &ws)
                .storage(storage.clone())
                .clock(Arc::new(SharedClock(mock.clock())))
                .heartbeat_interval(None);
            debug_prints.push(format!("{builder:?}"));
            let client = builder.build().unwrap();
            client.start().await.unwrap();
            client
                .visitor()
                .identify(
                    User::new()
                        .email("v@example.com")
                        .user_id("user-7")
                        .user_hash(hash.clone()),
                )
                .await
                .unwrap();
            secrets.push(stored_token(storage.as_ref()).await);
            let conversation = client.conversations().create().await.unwrap();
            let mut messages = client
                .conversations()
                .watch_messages(&conversation.id)
                .unwrap();
            let mut conversations = client.conversations().watch_conversations().unwrap();
            let limit = Duration::from_secs(20);
            tokio::time::timeout(limit, messages.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            tokio::time::timeout(limit, conversations.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            mock.agent_reply(&conversation.id, "An agent answers");
            tokio::time::timeout(limit, async {
                loop {
                    let snapshot = messages.next().await.unwrap().unwrap();
                    if snapshot.value.iter().any(|m| {
                        m.sender_type == SenderType::Agent && m.content == "An agent answers"
                    }) {
                        break;
                    }
                }
            })
            .await
            .expect("the agent reply arrived live");
            // A refresh while the streams are open: they re-subscribe with the new token.
            mock.clock().advance(20 * HOUR);
            client.visitor().heartbeat().await.unwrap();
            secrets.push(stored_token(storage.as_ref()).await);
            debug_prints.push(format!("{client:?}\n{}", sub_client_debugs(&client)));
            debug_prints.push(format!("{storage:?}"));
            drop(messages);
            drop(conversations);

            // --- A validation failure that echoes the arguments.
            let echo_storage = Arc::new(MemoryStorage::new());
            let skewed = Opencom::builder(&proxy.url, &ws)
                .storage(echo_storage.clone())
                .clock(Arc::new(SharedClock(mock.clock())))
                .heartbeat_interval(None)
                .build()
                .unwrap();
            skewed.start().await.unwrap();
            let err = skewed
                .visitor()
                .identify(User::new().user_id("user-7").user_hash(hash.clone()))
                .await
                .unwrap_err();
            secrets.push(stored_token(echo_storage.as_ref()).await);
            match &err {
                Error::InvalidInput { field, reason } => {
                    assert_eq!(field, "unexpectedField");
                    assert!(reason.contains("userHash"), "{reason}");
                    assert!(reason.contains("…(redacted)"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
            debug_prints.push(format!("{err:?} {err}"));
            debug_prints.push(format!("{echo_storage:?}"));

            // --- Errors of the other types.
            let build = Opencom::builder("https://ana:hunter2@x.convex.cloud", "ws")
                .build()
                .unwrap_err();
            debug_prints.push(format!("{build:?} {build}"));
            assert!(!format!("{build:?} {build}").contains("hunter2"));
            let not_a_dir = files.path().join("file");
            std::fs::write(&not_a_dir, b"x").unwrap();
            let storage_err = FileStorage::new(not_a_dir.join("sub")).unwrap_err();
            debug_prints.push(format!("{storage_err:?} {storage_err}"));

            // --- The agent: password sign-in, a refresh, calls, sign-out.
            let builder = WorkspaceClient::builder(&mock.url())
                .storage(Arc::new(MemoryStorage::new()))
                .clock(Arc::new(SharedClock(mock.clock())));
            debug_prints.push(format!("{builder:?}"));
            let agent = builder.build().unwrap();
            let refused = agent
                .sign_in_password("ana@example.com", "Wrong-Passw0rd!")
                .await
                .unwrap_err();
            debug_prints.push(format!("{refused:?} {refused}"));
            let me = agent
                .sign_in_password("ana@example.com", AGENT_PASSWORD)
                .await
                .unwrap();
            let (jwt, refresh) = agent.token_pair().unwrap();
            secrets.push(jwt.expose().to_owned());
            secrets.push(refresh.expose().to_owned());
            mock.clock().advance(Duration::from_secs(3595));
            let inbox: Vec<_> = agent
                .inbox()
                .list(&me.workspace_id, InboxFilter::new())
                .collect()
                .await;
            assert!(inbox.iter().all(Result::is_ok));
            let (jwt, refresh) = agent.token_pair().unwrap();
            secrets.push(jwt.expose().to_owned());
            secrets.push(refresh.expose().to_owned());
            debug_prints.push(format!(
                "{agent:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{me:?}",
                agent.inbox(),
                agent.visitors(),
                agent.tickets(),
                agent.tags(),
                agent.snippets(),
                agent.help_center(),
            ));
            agent.sign_out().await.unwrap();
            client.logout().await.unwrap();
            err
        });
    drop(client_rt);

    // The server did echo the secrets: the test is not vacuous.
    let raw_echo = mock
        .calls()
        .into_iter()
        .find_map(|c| match (c.path.as_str(), c.outcome) {
            ("visitors:identify", CallOutcome::FunctionError(m)) => Some(m),
            _ => None,
        })
        .expect("the identify was refused");
    assert!(raw_echo.contains(&hash), "{raw_echo}");
    // In Convex's JS-object print style, keys unquoted.
    assert!(
        raw_echo.contains(&format!("userHash: \"{hash}\"")),
        "{raw_echo}"
    );
    assert!(raw_echo.contains("wst_"), "{raw_echo}");

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    for traced in [
        "opencom_sdk::realtime",
        "visitors:identify",
        "auth:signIn",
        "extra field",
    ] {
        assert!(logs.contains(traced), "`{traced}` was traced:\n{logs}");
    }
    let everything = format!("{logs}\n{}\n{echoed:?}", debug_prints.join("\n"));
    for secret in &secrets {
        let needle = secret.strip_prefix("wst_").unwrap_or(secret);
        assert!(needle.len() >= 8, "a real secret: {secret:?}");
        assert!(
            !everything.contains(needle),
            "a secret leaked: {}…",
            &secret[..6]
        );
    }
    assert!(secrets.len() >= 10);
    drop(proxy);
    drop(mock);
    drop(server_rt);
}

/// Forwards `log` records to the current tracing subscriber (once per process).
fn forward_log_records() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing_log::LogTracer::init_with_filter(tracing_log::log::LevelFilter::Trace);
    });
}
