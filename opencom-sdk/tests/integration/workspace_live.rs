//! The live inbox (`InboxClient::watch`) over real WebSocket and HTTP against server-mock:
//! Bearer-authenticated subscriptions, re-authentication after the JWT expires (one refresh),
//! the polling mode, and the socket closing on sign-out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::workspace::{builder, refreshes, signed_in, visitor_conversation};

use std::sync::Arc;
use std::time::Duration;

use common::{eventually, HOUR};
use futures::StreamExt;
use opencom_sdk::{
    Error, InboxConversation, InboxFilter, LiveStream, MemoryStorage, RealtimeMode, WorkspaceClient,
};
use server_mock::{Role, ServerMock, Transport};

const WAIT: Duration = Duration::from_secs(20);

/// The next snapshot that satisfies `pred` (errors fail the test).
async fn next_matching(
    stream: &mut LiveStream<Vec<InboxConversation>>,
    mut pred: impl FnMut(&[InboxConversation]) -> bool,
) -> Vec<InboxConversation> {
    tokio::time::timeout(WAIT, async {
        loop {
            let snapshot = stream
                .next()
                .await
                .expect("stream ended")
                .expect("error item");
            assert!(!snapshot.from_cache, "the inbox has no offline cache");
            if pred(&snapshot.value) {
                return snapshot.value;
            }
        }
    })
    .await
    .expect("no matching snapshot in time")
}

fn inbox_subscriptions(mock: &ServerMock, transport: Transport) -> usize {
    mock.calls()
        .iter()
        .filter(|c| c.path == "conversations:listForInbox" && c.transport == transport)
        .count()
}

#[tokio::test]
async fn the_live_inbox_follows_new_conversations_over_an_authenticated_websocket() {
    let mock = ServerMock::start().await.unwrap();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        crate::workspace::PASSWORD,
        Role::Agent,
    );
    // Polled at most once (the first tick, before the socket is up): later changes must come
    // over the socket.
    let agent = builder(&mock, Arc::new(MemoryStorage::new()))
        .poll_interval(HOUR)
        .build()
        .unwrap();
    agent
        .sign_in_password("ana@example.com", crate::workspace::PASSWORD)
        .await
        .unwrap();
    let mut inbox = agent
        .inbox()
        .watch(&mock.workspace_id(), InboxFilter::new())
        .unwrap();
    let first = next_matching(&mut inbox, |_| true).await;
    assert!(first.is_empty());
    assert!(
        eventually(WAIT, || inbox_subscriptions(&mock, Transport::WebSocket)
            == 1)
        .await,
        "subscribed over the socket"
    );
    assert_eq!(mock.ws_connections(), 1, "one socket for the client");
    let polled = inbox_subscriptions(&mock, Transport::Http);
    assert!(polled <= 1);

    let id = visitor_conversation(&mock, "Where is my parcel?").await;
    // The conversation appears, then its first message makes it unread for the team.
    let rows = next_matching(&mut inbox, |rows| {
        rows.iter().any(|c| c.id == id && c.unread_by_agent == 1)
    })
    .await;
    assert_eq!(rows.len(), 1);

    // A second watch shares the socket.
    let mut small = agent
        .inbox()
        .watch(&mock.workspace_id(), InboxFilter::new().page_size(10))
        .unwrap();
    next_matching(&mut small, |rows| rows.len() == 1).await;
    assert_eq!(mock.ws_connections(), 1);
    assert_eq!(
        inbox_subscriptions(&mock, Transport::Http),
        polled,
        "the change arrived over the socket, not by polling"
    );
}

#[tokio::test]
async fn the_live_inbox_reauthenticates_with_one_refresh_after_the_jwt_expires() {
    let mock = ServerMock::start().await.unwrap();
    let agent = signed_in(&mock, "ana@example.com", Role::Admin).await;
    let mut inbox = agent
        .inbox()
        .watch(&mock.workspace_id(), InboxFilter::new())
        .unwrap();
    assert!(next_matching(&mut inbox, |_| true).await.is_empty());
    assert_eq!(refreshes(&mock), 0);

    // Past the JWT's hour: the mock refuses the socket's identity (AuthError, close), the SDK
    // reconnects with a refreshed JWT.
    mock.clock().advance(2 * HOUR);
    let id = visitor_conversation(&mock, "Still there?").await;
    next_matching(&mut inbox, |rows| rows.iter().any(|c| c.id == id)).await;
    assert_eq!(refreshes(&mock), 1, "exactly one refresh for the socket");

    // The HTTP side uses the same refreshed pair: no second refresh.
    agent.current_user().await.unwrap();
    assert_eq!(refreshes(&mock), 1);
}

#[tokio::test]
async fn polling_mode_follows_the_inbox_over_http_without_a_socket() {
    let mock = ServerMock::start().await.unwrap();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        crate::workspace::PASSWORD,
        Role::Agent,
    );
    let agent = builder(&mock, Arc::new(MemoryStorage::new()))
        .realtime(RealtimeMode::Polling)
        .poll_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    agent
        .sign_in_password("ana@example.com", crate::workspace::PASSWORD)
        .await
        .unwrap();
    let mut inbox = agent
        .inbox()
        .watch(&mock.workspace_id(), InboxFilter::new())
        .unwrap();
    assert!(next_matching(&mut inbox, |_| true).await.is_empty());
    let id = visitor_conversation(&mock, "Polling works?").await;
    next_matching(&mut inbox, |rows| rows.iter().any(|c| c.id == id)).await;
    assert_eq!(mock.ws_connections(), 0);
    assert!(inbox_subscriptions(&mock, Transport::Http) >= 2);
}

#[tokio::test]
async fn without_websockets_the_inbox_is_polled_until_a_socket_opens() {
    let mock = ServerMock::start().await.unwrap();
    mock.set_ws_enabled(false);
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        crate::workspace::PASSWORD,
        Role::Agent,
    );
    let agent = builder(&mock, Arc::new(MemoryStorage::new()))
        .poll_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    agent
        .sign_in_password("ana@example.com", crate::workspace::PASSWORD)
        .await
        .unwrap();
    let mut inbox = agent
        .inbox()
        .watch(&mock.workspace_id(), InboxFilter::new())
        .unwrap();
    assert!(next_matching(&mut inbox, |_| true).await.is_empty());
    let id = visitor_conversation(&mock, "No socket here").await;
    next_matching(&mut inbox, |rows| rows.iter().any(|c| c.id == id)).await;
    assert!(inbox_subscriptions(&mock, Transport::Http) >= 1);

    // Sockets allowed again: the stream moves onto one and keeps following.
    mock.set_ws_enabled(true);
    assert!(
        eventually(WAIT, || inbox_subscriptions(&mock, Transport::WebSocket)
            >= 1)
        .await,
        "the inbox subscribes over the socket once it can"
    );
    let second = visitor_conversation(&mock, "Socket back").await;
    next_matching(&mut inbox, |rows| rows.iter().any(|c| c.id == second)).await;
}

#[tokio::test]
async fn a_signed_out_client_gets_session_expired_and_sign_out_closes_the_socket() {
    let mock = ServerMock::start().await.unwrap();
    let nobody = WorkspaceClient::builder(&mock.url()).build().unwrap();
    let mut stream = nobody
        .inbox()
        .watch(&mock.workspace_id(), InboxFilter::new())
        .unwrap();
    let first = tokio::time::timeout(WAIT, stream.next())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(first, Err(Error::SessionExpired)), "{first:?}");
    assert!(matches!(
        nobody.inbox().watch(" ", InboxFilter::new()),
        Err(Error::InvalidInput { .. })
    ));

    let agent = signed_in(&mock, "ana@example.com", Role::Agent).await;
    let mut inbox = agent
        .inbox()
        .watch(&mock.workspace_id(), InboxFilter::new())
        .unwrap();
    next_matching(&mut inbox, |_| true).await;
    assert_eq!(mock.ws_connections(), 1);
    agent.sign_out().await.unwrap();
    assert!(
        eventually(WAIT, || mock.ws_connections() == 0).await,
        "the socket closes on sign-out"
    );
}

/// Like the visitor's `watch_*`, the inbox watch outside a tokio runtime is a typed error.
#[test]
fn watching_the_inbox_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    let client = WorkspaceClient::builder("https://happy-otter-123.convex.cloud")
        .build()
        .unwrap();
    let Err(err) = client.inbox().watch("workspace-1", InboxFilter::new()) else {
        panic!("no stream without a runtime");
    };
    assert!(
        matches!(err, Error::Config { .. }) && err.to_string().contains("tokio runtime"),
        "{err:?}"
    );
}
