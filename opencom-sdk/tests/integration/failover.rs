//! Live streams never go quiet: every test names the transport that delivered each value
//! (`Snapshot::via`), so a broken socket cannot hide behind polling or the other way round.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::next_snapshot as next;

use std::time::Duration;

use common::{Harness, HOUR};
use futures::{Stream, StreamExt};
use opencom_sdk::{ConnectionState, Delivery, Message};
use server_mock::Transport;

const LIMIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(200);

fn texts(messages: &[Message]) -> Vec<&str> {
    messages.iter().map(|m| m.content.as_str()).collect()
}

/// An agent reply, and the next snapshot: it shows the reply last and arrived `via`.
async fn reply_arrives_via<S>(
    h: &Harness,
    stream: &mut S,
    conversation_id: &str,
    text: &str,
    via: Delivery,
) where
    S: futures::Stream<Item = Result<opencom_sdk::Snapshot<Vec<Message>>, opencom_sdk::Error>>
        + Unpin,
{
    h.mock.agent_reply(conversation_id, text);
    let snapshot = next(stream).await;
    assert_eq!(texts(&snapshot.value).last(), Some(&text));
    assert_eq!(snapshot.via, via, "{text}");
}

/// Waits until the connection state stream reports `wanted`.
async fn state_reaches(
    states: &mut (impl Stream<Item = ConnectionState> + Unpin),
    wanted: ConnectionState,
) {
    tokio::time::timeout(LIMIT, async {
        while let Some(state) = states.next().await {
            if state == wanted {
                return;
            }
        }
        panic!("the state stream ended before {wanted:?}");
    })
    .await
    .unwrap_or_else(|_| panic!("no {wanted:?} within the limit"));
}

#[tokio::test]
async fn with_an_hour_between_polls_every_value_comes_over_the_socket() {
    let h = Harness::new().await;
    let client = h.builder().poll_interval(HOUR).build().unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = next(&mut stream).await;
    assert_eq!(first.via, Delivery::Socket);
    reply_arrives_via(
        &h,
        &mut stream,
        &conversation.id,
        "over the socket",
        Delivery::Socket,
    )
    .await;
    let http_lists: Vec<_> = h
        .calls_to("messages:list")
        .into_iter()
        .filter(|c| c.transport == Transport::Http)
        .collect();
    assert!(http_lists.is_empty(), "nothing was polled: {http_lists:?}");
}

#[tokio::test]
async fn a_dropped_and_refused_socket_fails_over_to_polling_and_back_without_gaps_or_repeats() {
    let h = Harness::new().await;
    let client = h.builder().poll_interval(POLL).build().unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut states = client.connection_state();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = next(&mut stream).await;
    assert_eq!(first.via, Delivery::Socket);
    state_reaches(&mut states, ConnectionState::Connected).await;

    // The socket goes away and stays away.
    h.mock.set_ws_enabled(false);
    h.mock.drop_ws_connections();
    state_reaches(&mut states, ConnectionState::Disconnected).await;
    h.mock.agent_reply(&conversation.id, "during the outage");
    let during = next(&mut stream).await;
    assert_eq!(
        texts(&during.value),
        vec!["Hi! How can we help you today?", "during the outage"]
    );
    assert_eq!(during.via, Delivery::Polling, "delivered while refused");
    assert_eq!(h.mock.ws_connections(), 0);

    // Back: the socket serves again, and its first snapshot (the same data) is not repeated.
    h.mock.set_ws_enabled(true);
    state_reaches(&mut states, ConnectionState::Connected).await;
    h.mock.agent_reply(&conversation.id, "after the outage");
    let after = next(&mut stream).await;
    assert_eq!(
        texts(&after.value),
        vec![
            "Hi! How can we help you today?",
            "during the outage",
            "after the outage"
        ],
        "nothing missed, nothing repeated"
    );
    assert_eq!(after.via, Delivery::Socket);
}

#[tokio::test]
async fn a_socket_refused_from_the_start_is_polled_at_once() {
    let h = Harness::new().await;
    h.mock.set_ws_enabled(false);
    let client = h.builder().poll_interval(POLL).build().unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = next(&mut stream).await;
    assert_eq!(first.via, Delivery::Polling);
    reply_arrives_via(
        &h,
        &mut stream,
        &conversation.id,
        "polled",
        Delivery::Polling,
    )
    .await;
}

#[tokio::test]
async fn the_connection_state_yields_changes_only() {
    let h = Harness::new().await;
    let client = h.builder().poll_interval(POLL).build().unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut states = client.connection_state();
    let collector = {
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Some(state) = states.next().await {
                seen.lock().unwrap().push(state);
            }
        })
    };
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    next(&mut stream).await;
    let count = |wanted: ConnectionState, n: usize| {
        let seen = seen.clone();
        move || {
            seen.lock()
                .unwrap()
                .iter()
                .filter(|s| **s == wanted)
                .count()
                >= n
        }
    };
    let connected_count = |n| count(ConnectionState::Connected, n);
    assert!(common::eventually(LIMIT, connected_count(1)).await);
    // Two outages with reconnects refused: many failed attempts, each a non-event.
    for round in 0..2 {
        h.mock.set_ws_enabled(false);
        h.mock.drop_ws_connections();
        assert!(common::eventually(LIMIT, count(ConnectionState::Disconnected, round + 1)).await);
        h.mock
            .agent_reply(&conversation.id, &format!("outage {round}"));
        let polled = next(&mut stream).await;
        assert_eq!(polled.via, Delivery::Polling);
        h.mock.set_ws_enabled(true);
        assert!(common::eventually(LIMIT, connected_count(round + 2)).await);
    }
    collector.abort();
    let seen = seen.lock().unwrap().clone();
    for pair in seen.windows(2) {
        assert_ne!(pair[0], pair[1], "a repeated state in {seen:?}");
    }
    assert_eq!(
        seen.iter()
            .filter(|s| **s == ConnectionState::Disconnected)
            .count(),
        2,
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_hanging_upgrade_is_polled_around_and_the_socket_taken_when_it_answers() {
    let h = Harness::new().await;
    h.mock.hang_ws_upgrade(true);
    let client = h
        .builder()
        .poll_interval(POLL)
        .websocket_handshake_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut states = client.connection_state();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = next(&mut stream).await;
    assert_eq!(
        first.via,
        Delivery::Polling,
        "served while the upgrade hangs"
    );
    reply_arrives_via(
        &h,
        &mut stream,
        &conversation.id,
        "behind a black-holing proxy",
        Delivery::Polling,
    )
    .await;
    // The upgrade timed out (the state says so) and is retried; once answered, the socket serves.
    state_reaches(&mut states, ConnectionState::Disconnected).await;
    h.mock.hang_ws_upgrade(false);
    state_reaches(&mut states, ConnectionState::Connected).await;
    h.mock.agent_reply(&conversation.id, "socket again");
    let third = next(&mut stream).await;
    assert_eq!(texts(&third.value).len(), 3, "nothing repeated");
    assert_eq!(third.via, Delivery::Socket);
}

#[tokio::test]
async fn a_stalled_socket_is_noticed_polled_around_and_replaced() {
    let h = Harness::with_options(server_mock::MockOptions {
        ws_ping_interval: Some(Duration::from_millis(50)),
        ..server_mock::MockOptions::default()
    })
    .await;
    let client = h
        .builder()
        .poll_interval(POLL)
        .websocket_inactivity_timeout(Duration::from_millis(600))
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut states = client.connection_state();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    assert_eq!(next(&mut stream).await.via, Delivery::Socket);
    state_reaches(&mut states, ConnectionState::Connected).await;

    // Connected, then silent: no transitions, no pings; the socket stays open.
    h.mock.stall_ws(true);
    reply_arrives_via(
        &h,
        &mut stream,
        &conversation.id,
        "while the socket is stalled",
        Delivery::Polling,
    )
    .await;
    state_reaches(&mut states, ConnectionState::Disconnected).await;

    h.mock.stall_ws(false);
    state_reaches(&mut states, ConnectionState::Connected).await;
    h.mock.agent_reply(&conversation.id, "fresh socket");
    let after = next(&mut stream).await;
    assert_eq!(texts(&after.value).len(), 3, "nothing missed or repeated");
    assert_eq!(after.via, Delivery::Socket);
}
