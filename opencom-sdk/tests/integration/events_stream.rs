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

#[tokio::test]
async fn the_domains_publish_visitor_conversation_and_message_events() {
    use crate::common::next_domain_event;
    use opencom_sdk::{OutgoingMessage, User};
    use server_mock::{Fault, FaultKind};

    let h = Harness::new().await;
    let client = h.client();
    let mut events = client.events_stream();
    let session = client.start().await.unwrap();
    assert_eq!(
        next_domain_event(&mut events).await,
        Some(ClientEvent::VisitorCreated {
            visitor_id: session.visitor_id.clone()
        })
    );
    let visitor = client
        .visitor()
        .identify(User::new().email("events@example.com"))
        .await
        .unwrap();
    assert_eq!(
        next_domain_event(&mut events).await,
        Some(ClientEvent::VisitorIdentified {
            visitor_id: visitor.id.clone()
        })
    );
    let conversation = client.conversations().create().await.unwrap();
    assert_eq!(
        next_domain_event(&mut events).await,
        Some(ClientEvent::ConversationCreated {
            conversation_id: conversation.id.clone()
        })
    );
    let handle = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("hello"))
        .await
        .unwrap();
    let message_id = handle.sent().await.unwrap();
    assert_eq!(
        next_domain_event(&mut events).await,
        Some(ClientEvent::MessageSent {
            conversation_id: conversation.id.clone(),
            local_id: handle.local_id().to_owned(),
            message_id,
        })
    );
    // A refusal (403: not authorized) pauses the queue: the message failed.
    h.mock.faults().inject(Fault {
        only_path: Some("messages:send".into()),
        kind: FaultKind::Status(403),
        times: 1,
    });
    let refused = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("refused"))
        .await
        .unwrap();
    match next_domain_event(&mut events).await {
        Some(ClientEvent::MessageFailed {
            conversation_id,
            local_id,
            error,
        }) => {
            assert_eq!(conversation_id, conversation.id);
            assert_eq!(local_id, refused.local_id());
            assert!(
                matches!(error, opencom_sdk::Error::NotAuthorized { .. }),
                "{error:?}"
            );
        }
        other => panic!("expected MessageFailed, got {other:?}"),
    }
}

/// A session the server refuses again right after a re-boot: the call fails with
/// `SessionExpired` and the stream says so.
#[tokio::test]
async fn a_session_refused_after_a_re_boot_is_a_session_expired_event() {
    use crate::common::next_domain_event;
    use crate::common::proxy::{Proxy, Reply};
    use std::sync::Arc;

    let h = Harness::new().await;
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new(|seen| match seen.function.as_deref() {
            Some("events:track") => Reply::Respond {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: br#"{"status":"error","errorMessage":"Session expired"}"#.to_vec(),
                chunked: false,
            },
            _ => Reply::Forward,
        }),
    )
    .await;
    let client = opencom_sdk::Opencom::builder(&proxy.url, &h.mock.workspace_id())
        .storage(h.storage.clone())
        .clock(Arc::new(crate::common::SharedClock(h.mock.clock())))
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client.start().await.unwrap();
    let mut events = client.events_stream();
    let err = client
        .events()
        .track("refused", Attributes::new())
        .await
        .unwrap_err();
    assert!(matches!(err, opencom_sdk::Error::SessionExpired), "{err:?}");
    // The first refusal re-booted once; the second ended it.
    assert_eq!(h.calls_to("widgetSessions:boot").len(), 2);
    // The re-boot kept the visitor (no VisitorCreated): the next domain event is this one.
    assert_eq!(
        next_domain_event(&mut events).await,
        Some(ClientEvent::SessionExpired)
    );
}
