//! Live streams over Convex's WebSocket sync protocol (and the polling fallback) against
//! server-mock, with the agent played by `mock.agent_reply`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::next_snapshot as next;

use std::time::Duration;

use common::{Harness, HOUR};
use futures::{Stream, StreamExt};
use opencom_sdk::{
    ConnectionState, DeliveryState, Error, Message, OutgoingMessage, RealtimeMode, SenderType,
    Snapshot,
};

const LIMIT: Duration = Duration::from_secs(20);

/// Waits for a snapshot satisfying `pred`, returning it.
async fn until<T, S>(stream: &mut S, mut pred: impl FnMut(&T) -> bool) -> Snapshot<T>
where
    S: Stream<Item = Result<Snapshot<T>, Error>> + Unpin,
{
    loop {
        let snapshot = next(stream).await;
        if pred(&snapshot.value) {
            return snapshot;
        }
    }
}

fn contents(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.content.as_str()).collect()
}

#[tokio::test]
async fn agent_replies_arrive_live_after_the_initial_snapshot() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();

    let first = next(&mut stream).await;
    assert!(!first.from_cache);
    assert_eq!(
        contents(&first.value),
        vec!["Hi! How can we help you today?"]
    );

    h.mock.agent_reply(&conversation.id, "Hello from support");
    let second = next(&mut stream).await;
    assert_eq!(
        contents(&second.value),
        vec!["Hi! How can we help you today?", "Hello from support"]
    );
    assert_eq!(second.value[1].sender_type, SenderType::Agent);

    h.mock.agent_reply(&conversation.id, "Second");
    let third = next(&mut stream).await;
    assert_eq!(third.value.len(), 3, "each change once, no repeats");
}

#[tokio::test]
async fn outgoing_messages_show_a_local_echo_that_becomes_sent() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    next(&mut stream).await;

    h.mock.faults().latency_next(Duration::from_millis(300));
    let handle = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("echo me"))
        .await
        .unwrap();
    let echo = until(&mut stream, |m: &Vec<Message>| m.len() == 2).await;
    let local = &echo.value[1];
    assert_eq!(local.local_id.as_deref(), Some(handle.local_id()));
    assert!(matches!(
        local.delivery,
        DeliveryState::Queued | DeliveryState::Sending
    ));
    assert!(local.id.starts_with("local:"));

    let id = handle.sent().await.unwrap();
    let sent = until(&mut stream, |m: &Vec<Message>| {
        m.iter()
            .any(|x| x.id == id && x.delivery == DeliveryState::Sent)
    })
    .await;
    assert_eq!(sent.value.len(), 2, "the echo is replaced, not duplicated");
    assert_eq!(sent.value[1].local_id.as_deref(), Some(handle.local_id()));
}

#[tokio::test]
async fn the_unread_count_and_conversation_list_are_live() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut unread = client.conversations().watch_unread_count().unwrap();
    let mut list = client.conversations().watch_conversations().unwrap();
    assert_eq!(next(&mut unread).await.value, 0);
    assert_eq!(next(&mut list).await.value.len(), 1);

    h.mock.agent_reply(&conversation.id, "ping");
    assert_eq!(until(&mut unread, |n| *n == 1).await.value, 1);
    let updated = until(&mut list, |l: &Vec<opencom_sdk::Conversation>| {
        l[0].last_message
            .as_ref()
            .is_some_and(|m| m.content == "ping")
    })
    .await;
    assert_eq!(updated.value[0].unread_count, 1);

    client
        .conversations()
        .mark_read(&conversation.id)
        .await
        .unwrap();
    assert_eq!(until(&mut unread, |n| *n == 0).await.value, 0);
}

#[tokio::test]
async fn the_connection_state_is_observable_and_recovers_after_a_drop() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut states = client.connection_state();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    next(&mut stream).await;
    let connected = tokio::time::timeout(LIMIT, async {
        while let Some(state) = states.next().await {
            if state == ConnectionState::Connected {
                return true;
            }
        }
        false
    })
    .await
    .unwrap();
    assert!(connected);

    h.mock.drop_ws_connections();
    // While the socket is down the reply still arrives (reconnect or polling).
    h.mock.agent_reply(&conversation.id, "during the outage");
    let got = until(&mut stream, |m: &Vec<Message>| {
        m.iter().any(|x| x.content == "during the outage")
    })
    .await;
    assert_eq!(got.value.len(), 2);
    let reconnected = tokio::time::timeout(LIMIT, async {
        let mut saw_disconnect = false;
        while let Some(state) = states.next().await {
            match state {
                ConnectionState::Disconnected => saw_disconnect = true,
                ConnectionState::Connected if saw_disconnect => return true,
                _ => {}
            }
        }
        false
    })
    .await
    .unwrap();
    assert!(reconnected);
    h.mock.agent_reply(&conversation.id, "after reconnect");
    until(&mut stream, |m: &Vec<Message>| m.len() == 3).await;
}

#[tokio::test]
async fn polling_mode_delivers_the_same_stream() {
    let h = Harness::new().await;
    let client = h
        .builder()
        .realtime(RealtimeMode::Polling)
        .poll_interval(Duration::from_millis(20))
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut states = client.connection_state();
    assert_eq!(states.next().await, Some(ConnectionState::Polling));
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    assert_eq!(next(&mut stream).await.value.len(), 1);
    h.mock.agent_reply(&conversation.id, "polled");
    let snapshot = next(&mut stream).await;
    assert_eq!(contents(&snapshot.value)[1], "polled");
    assert_eq!(h.mock.ws_connections(), 0, "no WebSocket in polling mode");
}

#[tokio::test]
async fn without_websockets_on_the_server_the_client_falls_back_to_polling() {
    let h = Harness::new().await;
    h.mock.set_ws_enabled(false);
    let client = h
        .builder()
        .poll_interval(Duration::from_millis(20))
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    next(&mut stream).await;
    h.mock.agent_reply(&conversation.id, "fallback");
    let snapshot = next(&mut stream).await;
    assert_eq!(contents(&snapshot.value)[1], "fallback");
}

#[tokio::test]
async fn subscriptions_follow_the_token_across_a_refresh() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    next(&mut stream).await;

    h.mock.clock().advance(19 * HOUR);
    client.visitor().heartbeat().await.unwrap(); // refreshes: the old token is deleted
    assert_eq!(h.calls_to("widgetSessions:refresh").len(), 1);
    h.mock.agent_reply(&conversation.id, "after refresh");
    until(&mut stream, |m: &Vec<Message>| {
        m.iter().any(|x| x.content == "after refresh")
    })
    .await;
    assert_eq!(
        h.calls_to("widgetSessions:boot").len(),
        1,
        "no re-boot was needed"
    );
}

#[tokio::test]
async fn a_restarted_client_shows_the_cached_snapshot_first_even_offline() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    h.mock.agent_reply(&conversation.id, "cached reply");
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    until(&mut stream, |m: &Vec<Message>| m.len() == 2).await;
    drop(stream);
    drop(client);

    // The network is down for the restarted client.
    h.mock.set_ws_enabled(false);
    h.mock.faults().inject(server_mock::Fault {
        only_path: None,
        kind: server_mock::FaultKind::Status(503),
        times: 10_000,
    });
    let restarted = h
        .builder()
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    restarted.start().await.unwrap(); // restored from storage: no network needed
    let mut offline = restarted
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = next(&mut offline).await;
    assert!(first.from_cache);
    assert_eq!(
        contents(&first.value),
        vec!["Hi! How can we help you today?", "cached reply"]
    );

    // Logout wipes the cache with the visitor.
    h.mock.faults().clear();
    h.mock.set_ws_enabled(true);
    drop(offline);
    restarted.logout().await.unwrap();
    let keys = {
        use opencom_sdk::Storage;
        h.storage.keys("").await.unwrap()
    };
    assert!(keys.iter().all(|k| !k.contains("/cache/")), "{keys:?}");
}

/// Every `watch_*` returns its stream or a typed error; outside a tokio runtime that is a
/// `Config` error naming the runtime, not tokio's panic.
#[test]
fn watching_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    let client = opencom_sdk::Opencom::builder("https://happy-otter-123.convex.cloud", "ws1")
        .build()
        .unwrap();
    let conversations = client.conversations();
    let errors = [
        conversations.watch_messages("c1").err(),
        conversations.watch_conversations().err(),
        conversations.watch_unread_count().err(),
    ];
    for error in errors {
        let error = error.expect("no stream can run without a runtime");
        assert!(
            matches!(error, opencom_sdk::Error::Config { .. })
                && error.to_string().contains("tokio runtime"),
            "{error:?}"
        );
    }
}
