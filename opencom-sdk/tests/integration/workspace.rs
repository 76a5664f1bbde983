//! The agent API (`WorkspaceClient`) over real HTTP against server-mock: sign-in, token
//! refresh (single-flight under concurrency, rotation, replay), permissions, tenant isolation,
//! the inbox and the visitor directory, and no secret in logs or Debug output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::SharedClock;
use futures::TryStreamExt;
use opencom_sdk::{
    ConversationStatus, Error, InboxFilter, MemoryStorage, Opencom, RetryPolicy, SenderType,
    Storage, WorkspaceClient,
};
use server_mock::{Role, ServerMock};

pub(crate) const PASSWORD: &str = "Passw0rd-123!";

pub(crate) fn builder(
    mock: &ServerMock,
    storage: Arc<MemoryStorage>,
) -> opencom_sdk::WorkspaceClientBuilder {
    WorkspaceClient::builder(&mock.url())
        .storage(storage)
        .clock(Arc::new(SharedClock(mock.clock())))
        .retry_policy(
            RetryPolicy::default()
                .delays(Duration::from_millis(5), Duration::from_millis(50))
                .jitter(false),
        )
}

fn client(mock: &ServerMock) -> WorkspaceClient {
    builder(mock, Arc::new(MemoryStorage::new()))
        .build()
        .unwrap()
}

/// An agent account with `role` in the default workspace and a client signed in as it.
pub(crate) async fn signed_in(mock: &ServerMock, email: &str, role: Role) -> WorkspaceClient {
    mock.create_agent(&mock.workspace_id(), email, PASSWORD, role);
    let client = client(mock);
    client.sign_in_password(email, PASSWORD).await.unwrap();
    client
}

/// A visitor who opened a conversation and wrote in it; returns the conversation id.
pub(crate) async fn visitor_conversation(mock: &ServerMock, text: &str) -> String {
    let visitor = Opencom::builder(&mock.url(), &mock.workspace_id())
        .clock(Arc::new(SharedClock(mock.clock())))
        .heartbeat_interval(None)
        .build()
        .unwrap();
    visitor.start().await.unwrap();
    let conversation = visitor.conversations().create().await.unwrap();
    visitor
        .conversations()
        .send(&conversation.id, opencom_sdk::OutgoingMessage::text(text))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    conversation.id
}

pub(crate) fn refreshes(mock: &ServerMock) -> usize {
    mock.calls()
        .iter()
        .filter(|c| c.path == "auth:signIn" && c.args.get("refreshToken").is_some())
        .count()
}

#[tokio::test]
async fn password_sign_in_persists_tokens_under_their_own_key() {
    let mock = ServerMock::start().await.unwrap();
    let user_id = mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Admin,
    );
    let storage = Arc::new(MemoryStorage::new());
    let client = builder(&mock, storage.clone()).build().unwrap();
    let me = client
        .sign_in_password(" Ana@Example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(me.id, user_id);
    assert_eq!(me.email, "ana@example.com");
    assert_eq!(me.role, "admin");
    assert_eq!(me.workspace_id, mock.workspace_id());
    assert_eq!(me.workspaces.len(), 1);
    assert_eq!(client.user_id().as_deref(), Some(user_id.as_str()));

    let keys = storage.keys("opencom/").await.unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].ends_with("/workspace/tokens"), "{keys:?}");

    // A second process restores them without signing in.
    let again = builder(&mock, storage.clone()).build().unwrap();
    assert!(again.restore().await.unwrap());
    assert_eq!(again.current_user().await.unwrap().id, user_id);

    // Every call carried the Bearer: the agent-only query answered.
    client.sign_out().await.unwrap();
    assert!(!client.is_signed_in());
    assert!(storage.keys("opencom/").await.unwrap().is_empty());
    assert_eq!(client.current_user().await, Err(Error::SessionExpired));
    // The server session is gone: the restored copy's refresh token is refused.
    let (_, refresh) = again.token_pair().unwrap();
    let replay = client_with_tokens(&mock, "stale", refresh.expose()).await;
    assert_eq!(replay.current_user().await, Err(Error::SessionExpired));
}

/// A client holding a token pair (a garbage JWT forces a refresh on first use).
async fn client_with_tokens(mock: &ServerMock, jwt: &str, refresh: &str) -> WorkspaceClient {
    let client = client(mock);
    client.from_tokens(jwt, refresh).await.unwrap();
    client
}

#[tokio::test]
async fn wrong_passwords_are_not_authorized() {
    let mock = ServerMock::start().await.unwrap();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let client = client(&mock);
    let err = client
        .sign_in_password("ana@example.com", "wrong-password-1")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::NotAuthorized {
            message: "InvalidSecret".into()
        }
    );
    let err = client
        .sign_in_password("nobody@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert!(!client.is_signed_in());
    assert!(matches!(
        client.sign_in_password("", PASSWORD).await,
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn email_codes_sign_in_once() {
    let mock = ServerMock::start().await.unwrap();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let storage = Arc::new(MemoryStorage::new());
    let client = builder(&mock, storage.clone()).build().unwrap();
    assert!(matches!(
        client.request_code(" ").await,
        Err(Error::InvalidInput { .. })
    ));
    client.request_code("ana@example.com").await.unwrap();
    let code = mock.otp_code("ana@example.com").unwrap();
    assert_eq!(code.len(), 6);
    assert!(matches!(
        client.verify_code("ana@example.com", "").await,
        Err(Error::InvalidInput { .. })
    ));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = client
        .verify_code("ana@example.com", wrong)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert!(!client.is_signed_in());
    let me = client.verify_code("ana@example.com", &code).await.unwrap();
    assert_eq!(me.email, "ana@example.com");
    assert!(client.is_signed_in());
    assert!(!storage.keys("").await.unwrap().is_empty(), "tokens kept");
    // A code works once.
    let again = builder(&mock, Arc::new(MemoryStorage::new()))
        .build()
        .unwrap();
    assert!(matches!(
        again.verify_code("ana@example.com", &code).await,
        Err(Error::NotAuthorized { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_crossing_expiry_refresh_exactly_once() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let storage = Arc::new(MemoryStorage::new());
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let client = builder(&mock, storage.clone()).build().unwrap();
    client
        .sign_in_password("ana@example.com", PASSWORD)
        .await
        .unwrap();
    let (first_jwt, first_refresh) = client.token_pair().unwrap();
    assert_eq!(refreshes(&mock), 0);

    // 5 s before the hour is inside the 10 s leeway: every call needs a fresh JWT.
    mock.clock().advance(Duration::from_secs(3595));
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.current_user().await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().email, "ana@example.com");
    }
    assert_eq!(refreshes(&mock), 1);
    let (jwt, refresh) = client.token_pair().unwrap();
    assert_ne!(jwt, first_jwt);
    assert_ne!(refresh, first_refresh);
    // The rotated pair is what storage holds.
    let raw = storage
        .get(&storage.keys("opencom/").await.unwrap()[0])
        .await
        .unwrap()
        .unwrap();
    assert!(raw.contains(refresh.expose()));

    // Past the old JWT's expiry nothing more is needed.
    mock.clock().advance(Duration::from_secs(60));
    client.current_user().await.unwrap();
    assert_eq!(refreshes(&mock), 1);
}

#[tokio::test]
async fn replaying_an_old_refresh_token_signs_out() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let client = signed_in(&mock, "ana@example.com", Role::Agent).await;
    let (_, old_refresh) = client.token_pair().unwrap();
    mock.clock().advance(Duration::from_secs(3595));
    client.current_user().await.unwrap();
    assert_eq!(refreshes(&mock), 1);

    // Within 10 s of its first use the old token still works (a concurrent tab's refresh).
    mock.clock().advance(Duration::from_secs(5));
    let twin = client_with_tokens(&mock, "not.a.jwt", old_refresh.expose()).await;
    twin.current_user().await.unwrap();

    // After the window, a replay is treated as theft: typed SessionExpired, tokens forgotten.
    mock.clock().advance(Duration::from_secs(6));
    let thief = client_with_tokens(&mock, "not.a.jwt", old_refresh.expose()).await;
    assert_eq!(thief.current_user().await, Err(Error::SessionExpired));
    assert!(!thief.is_signed_in());

    // ... and the tokens issued from it are revoked too: the original client, at its next
    // refresh, is signed out as well.
    mock.clock().advance(Duration::from_secs(3600));
    assert_eq!(client.current_user().await, Err(Error::SessionExpired));
}

#[tokio::test]
async fn a_viewer_cannot_reply() {
    let mock = ServerMock::start().await.unwrap();
    let conversation = visitor_conversation(&mock, "Help!").await;
    let viewer = signed_in(&mock, "viewer@example.com", Role::Viewer).await;
    let err = viewer
        .inbox()
        .reply(&conversation, "I'd like to answer")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert_eq!(err.denied_permission(), Some("conversations.reply"));
    let err = viewer
        .inbox()
        .set_status(&conversation, ConversationStatus::Closed)
        .await
        .unwrap_err();
    assert_eq!(err.denied_permission(), Some("conversations.close"));
    // Reading is allowed.
    assert_eq!(
        viewer.inbox().messages(&conversation).await.unwrap().len(),
        2
    );
}

#[tokio::test]
async fn other_workspaces_are_not_reachable() {
    let mock = ServerMock::start().await.unwrap();
    let conversation = visitor_conversation(&mock, "Private").await;
    let other = mock.create_workspace("Other Co");
    mock.create_agent(&other, "out@example.com", PASSWORD, Role::Owner);
    let outsider = client(&mock);
    let me = outsider
        .sign_in_password("out@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(me.workspace_id, other);

    let err = outsider
        .inbox()
        .list(&mock.workspace_id(), InboxFilter::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::NotAuthorized {
            message: "Not a member of this workspace".into()
        }
    );
    assert!(matches!(
        outsider.inbox().get(&conversation).await,
        Err(Error::NotFound { .. })
    ));
    assert!(outsider
        .inbox()
        .messages(&conversation)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        outsider.inbox().reply(&conversation, "spoof").await,
        Err(Error::NotAuthorized { .. })
    ));
    assert!(matches!(
        outsider
            .visitors()
            .search(&mock.workspace_id(), "an", None)
            .await,
        Err(Error::NotAuthorized { .. })
    ));
}

#[tokio::test]
async fn the_inbox_streams_pages_and_agents_work_conversations() {
    let mock = ServerMock::start().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(visitor_conversation(&mock, &format!("question {i}")).await);
        mock.clock().advance(Duration::from_secs(1));
    }
    let agent = signed_in(&mock, "agent@example.com", Role::Agent).await;
    let me = agent.user_id().unwrap();
    mock.clear_calls();

    let all: Vec<_> = agent
        .inbox()
        .list(&mock.workspace_id(), InboxFilter::new().page_size(2))
        .try_collect()
        .await
        .unwrap();
    let listed: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    let mut newest_first: Vec<&str> = ids.iter().map(String::as_str).collect();
    newest_first.reverse();
    assert_eq!(listed, newest_first);
    let pages = mock
        .calls()
        .iter()
        .filter(|c| c.path == "conversations:listForInbox")
        .count();
    assert_eq!(pages, 3);
    assert_eq!(all[0].unread_by_agent, 1);
    assert_eq!(all[0].ai_state, "none");
    assert!(all[0].visitor.is_some());
    assert_eq!(
        all[0]
            .conversation
            .last_message
            .as_ref()
            .map(|m| m.content.as_str()),
        Some("question 4")
    );

    let target = &ids[2];
    let message_id = agent.inbox().reply(target, "On it!").await.unwrap();
    let messages = agent.inbox().messages(target).await.unwrap();
    let last = messages.last().unwrap();
    assert_eq!(last.id, message_id);
    assert_eq!(last.sender_type, SenderType::Agent);
    assert_eq!(last.sender_id, me);
    agent.inbox().assign(target, &me).await.unwrap();
    agent.inbox().mark_read(target).await.unwrap();
    agent
        .inbox()
        .set_status(target, ConversationStatus::Closed)
        .await
        .unwrap();
    assert_eq!(
        agent.inbox().get(target).await.unwrap().status,
        ConversationStatus::Closed
    );

    let closed: Vec<_> = agent
        .inbox()
        .list(
            &mock.workspace_id(),
            InboxFilter::new().status(ConversationStatus::Closed),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].assigned_agent_id.as_deref(), Some(me.as_str()));
    assert_eq!(closed[0].unread_by_agent, 0);
    assert!(matches!(
        agent
            .inbox()
            .list(&mock.workspace_id(), InboxFilter::new().page_size(0))
            .try_collect::<Vec<_>>()
            .await,
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn visitors_are_searched_listed_and_read() {
    let mock = ServerMock::start().await.unwrap();
    let visitor = Opencom::builder(&mock.url(), &mock.workspace_id())
        .heartbeat_interval(None)
        .build()
        .unwrap();
    let session = visitor.start().await.unwrap();
    visitor
        .visitor()
        .identify(
            opencom_sdk::User::new()
                .email("jane@example.com")
                .name("Jane Doe"),
        )
        .await
        .unwrap();
    let agent = signed_in(&mock, "viewer@example.com", Role::Viewer).await;
    let ws = mock.workspace_id();

    let found = agent.visitors().search(&ws, "jane", None).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, session.visitor_id);
    assert_eq!(found[0].email.as_deref(), Some("jane@example.com"));
    assert!(matches!(
        agent.visitors().search(&ws, "j", None).await,
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(agent.visitors().list(&ws, None).await.unwrap().len(), 1);
    let one = agent.visitors().get(&session.visitor_id).await.unwrap();
    assert_eq!(one.name.as_deref(), Some("Jane Doe"));
}

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

#[test]
fn no_token_reaches_logs_or_debug_output() {
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let mock = server_rt.block_on(ServerMock::start()).unwrap();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Admin,
    );
    mock.clock().freeze();

    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // Global, not thread-local: with a thread-local default, other tests of this binary running
    // at the same time can leave callsites cached as "never interested" (tracing's interest
    // cache is global) and this test would capture nothing. Other tests' lines land here too;
    // none of them may contain a secret either.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut secrets = Vec::new();
    let mut prints = Vec::new();
    client_rt.block_on(async {
        let client = client(&mock);
        let me = client
            .sign_in_password("ana@example.com", PASSWORD)
            .await
            .unwrap();
        let (jwt, refresh) = client.token_pair().unwrap();
        secrets.push(jwt.expose().to_owned());
        secrets.push(refresh.expose().to_owned());
        mock.clock().advance(Duration::from_secs(3595));
        client.current_user().await.unwrap();
        let (jwt, refresh) = client.token_pair().unwrap();
        secrets.push(jwt.expose().to_owned());
        secrets.push(refresh.expose().to_owned());
        prints.push(format!(
            "{client:?} {me:?} {jwt:?} {refresh} {:?}",
            client.token_pair()
        ));
        let err = client
            .sign_in_password("ana@example.com", "wrong-password")
            .await
            .unwrap_err();
        prints.push(format!("{err:?} {err}"));
        client.sign_out().await.unwrap();
    });
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("auth:signIn"), "the journey was logged");
    assert!(!logs.contains(PASSWORD));
    // Every part of every token (JWT header, claims, signature; refresh token and session
    // ids) stays out of the logs and the prints.
    let parts: Vec<&str> = secrets
        .iter()
        .flat_map(|s| s.split(['.', '|']))
        .filter(|p| p.len() >= 16)
        .collect();
    assert!(parts.len() >= 10);
    for part in parts {
        assert!(!logs.contains(part), "a token reached the logs");
        for print in &prints {
            assert!(
                !print.contains(part),
                "a token reached a Debug print: {print}"
            );
        }
    }
}

/// A device clock 3 h ahead: by the wall clock every JWT is expired on arrival. Its expiry is
/// judged by the time elapsed since it arrived (`exp - iat`), so calls do not refresh it each
/// time, and exactly one refresh happens once it is due.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_clock_hours_ahead_refreshes_the_jwt_once_when_due_not_on_every_call() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let client = WorkspaceClient::builder(&mock.url())
        .clock(Arc::new(common::SkewedClock {
            mock: mock.clock(),
            ahead: Duration::from_secs(3 * 3600),
        }))
        .build()
        .unwrap();
    client
        .sign_in_password("ana@example.com", PASSWORD)
        .await
        .unwrap();
    let concurrent = |n: usize| {
        let client = client.clone();
        async move {
            let calls: Vec<_> = (0..n)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move { client.current_user().await })
                })
                .collect();
            for call in calls {
                assert_eq!(call.await.unwrap().unwrap().email, "ana@example.com");
            }
        }
    };
    concurrent(30).await;
    assert_eq!(refreshes(&mock), 0, "no refresh per call");
    mock.clock().advance(Duration::from_secs(3000));
    concurrent(30).await;
    assert_eq!(refreshes(&mock), 0);
    // 5 s before the hour: inside the 10 s leeway.
    mock.clock().advance(Duration::from_secs(595));
    concurrent(30).await;
    assert_eq!(refreshes(&mock), 1, "exactly one refresh when due");
    concurrent(30).await;
    assert_eq!(refreshes(&mock), 1);
}
