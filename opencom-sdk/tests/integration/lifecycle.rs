//! App lifecycle: `pause()` on background, `resume()` on foreground.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::next_snapshot as next;

use std::time::Duration;

use common::Harness;
use futures::StreamExt;
use opencom_sdk::{Delivery, OutgoingMessage};
use server_mock::{Fault, FaultKind};

const LIMIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

fn auto_events(h: &Harness, kind: &str) -> usize {
    h.calls_to("events:trackAutoEvent")
        .iter()
        .filter(|c| c.args.get("eventType").and_then(|v| v.as_str()) == Some(kind))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_goes_quiet_and_resume_resyncs_every_stream() {
    let h = Harness::new().await;
    let heartbeat = Duration::from_millis(50);
    let client = h
        .builder()
        .poll_interval(POLL)
        .heartbeat_interval(Some(heartbeat))
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    assert_eq!(next(&mut stream).await.via, Delivery::Socket);
    assert!(common::eventually(LIMIT, || !h.calls_to("visitors:heartbeat").is_empty()).await);

    client.pause().await;
    assert!(client.is_paused());
    assert_eq!(auto_events(&h, "session_end"), 1);
    assert!(
        common::eventually(LIMIT, || h.mock.ws_connections() == 0).await,
        "pause closes the socket"
    );
    let heartbeats = h.calls_to("visitors:heartbeat").len();
    let polls = h.calls_to("messages:list").len();
    h.mock
        .agent_reply(&conversation.id, "while in the background");
    // An observation window of 10 heartbeat and 5 poll intervals: nothing is sent, nothing
    // arrives (absence can only be observed over time).
    let quiet = tokio::time::timeout(heartbeat * 10, stream.next()).await;
    assert!(quiet.is_err(), "no delivery while paused: {quiet:?}");
    assert_eq!(h.calls_to("visitors:heartbeat").len(), heartbeats);
    assert_eq!(h.calls_to("messages:list").len(), polls, "no polling");
    assert_eq!(h.mock.ws_connections(), 0, "no reconnect while paused");
    client.pause().await;
    assert_eq!(auto_events(&h, "session_end"), 1, "pause is idempotent");

    client.resume().await.unwrap();
    assert!(!client.is_paused());
    assert_eq!(auto_events(&h, "session_start"), 1);
    let fresh = next(&mut stream).await;
    assert_eq!(
        fresh.value.last().map(|m| m.content.as_str()),
        Some("while in the background"),
        "a fresh snapshot after resume"
    );
    assert!(common::eventually(LIMIT, || h.mock.ws_connections() == 1).await);
    assert!(
        common::eventually(LIMIT, || h.calls_to("visitors:heartbeat").len()
            > heartbeats)
        .await,
        "the heartbeat runs again"
    );
    h.mock
        .agent_reply(&conversation.id, "back in the foreground");
    let live = next(&mut stream).await;
    assert_eq!(
        live.value.last().map(|m| m.content.as_str()),
        Some("back in the foreground")
    );
    client.resume().await.unwrap();
    assert_eq!(auto_events(&h, "session_start"), 1, "resume is idempotent");
}

#[tokio::test]
async fn resume_restarts_a_paused_outbox() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    h.mock.faults().inject(Fault {
        only_path: Some("messages:send".into()),
        kind: FaultKind::Status(503),
        times: 10_000,
    });
    let handle = client
        .conversations()
        .send(
            &conversation.id,
            OutgoingMessage::text("queued in the background"),
        )
        .await
        .unwrap();
    assert!(handle.sent().await.is_err(), "the queue paused");
    h.mock.faults().clear();
    client.pause().await;
    client.resume().await.unwrap();
    handle.sent().await.unwrap();
    let texts: Vec<String> = h
        .mock
        .messages(&conversation.id)
        .iter()
        .filter_map(|m| m.get("content").and_then(|c| c.as_str()).map(str::to_owned))
        .collect();
    assert_eq!(
        texts.last().map(String::as_str),
        Some("queued in the background")
    );
}
