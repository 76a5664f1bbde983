//! `Opencom::events_stream`: the typed events a host reacts to, fed by the domains and, while
//! someone listens, by the live unread count, conversation list and connection state.

use crate::common::{Harness, LIVE_LIMIT};

use futures::StreamExt;
use opencom_sdk::{Attributes, ClientEvent, ClientEvents, ConnectionState};

/// The next event matching `wanted`, failing the test instead of hanging.
#[allow(clippy::expect_used)]
async fn next_matching(
    events: &mut ClientEvents,
    mut wanted: impl FnMut(&ClientEvent) -> bool,
) -> ClientEvent {
    tokio::time::timeout(LIVE_LIMIT, async {
        loop {
            let event = events.next().await.expect("the stream stays open");
            if wanted(&event) {
                return event;
            }
        }
    })
    .await
    .expect("the event within the limit")
}

#[tokio::test]
async fn an_agent_reply_is_a_received_message_and_an_unread_change() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut events = client.events_stream();
    // The pump reports the current total first.
    assert_eq!(
        next_matching(&mut events, |e| matches!(
            e,
            ClientEvent::UnreadChanged { .. }
        ))
        .await,
        ClientEvent::UnreadChanged { total: 0 }
    );
    let reply_id = h.mock.agent_reply(&conversation.id, "Hello from support");
    // Two live queries answer: their order is not fixed.
    let expected = [
        ClientEvent::MessageReceived {
            conversation_id: conversation.id.clone(),
            message_id: reply_id,
        },
        ClientEvent::UnreadChanged { total: 1 },
    ];
    let mut got = Vec::new();
    while got.len() < expected.len() {
        let event = next_matching(&mut events, |e| {
            matches!(
                e,
                ClientEvent::MessageReceived { .. } | ClientEvent::UnreadChanged { .. }
            )
        })
        .await;
        got.push(event);
    }
    for event in &expected {
        assert!(got.contains(event), "{event:?} missing from {got:?}");
    }
}

#[tokio::test]
async fn a_tracked_event_is_on_the_stream_of_every_listener() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let mut first = client.events_stream();
    let mut second = client.events_stream();
    client
        .events()
        .track("profile_completed", Attributes::new())
        .await
        .unwrap();
    for events in [&mut first, &mut second] {
        assert_eq!(
            next_matching(events, |e| matches!(e, ClientEvent::EventTracked { .. })).await,
            ClientEvent::EventTracked {
                name: "profile_completed".into()
            }
        );
    }
}

#[tokio::test]
async fn a_dropped_socket_is_a_connection_change_and_back() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let mut events = client.events_stream();
    // Connected once the pump's live queries are on the socket.
    next_matching(&mut events, |e| {
        *e == ClientEvent::ConnectionChanged {
            state: ConnectionState::Connected,
        }
    })
    .await;
    h.mock.drop_ws_connections();
    next_matching(&mut events, |e| {
        *e == ClientEvent::ConnectionChanged {
            state: ConnectionState::Disconnected,
        }
    })
    .await;
    next_matching(&mut events, |e| {
        *e == ClientEvent::ConnectionChanged {
            state: ConnectionState::Connected,
        }
    })
    .await;
}
