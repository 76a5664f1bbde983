//! The durable outbox: persisted first, sent in order, exactly once, across faults and restarts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Harness;
use opencom_sdk::{DeliveryState, OutgoingMessage, Storage, MAX_FAILURES};
use server_mock::{Fault, FaultKind};

fn visitor_texts(h: &Harness, conversation_id: &str) -> Vec<String> {
    h.mock
        .messages(conversation_id)
        .into_iter()
        .filter(|m| m["senderType"] == "visitor")
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect()
}

fn on(path: &str, kind: FaultKind, times: u32) -> Fault {
    Fault {
        only_path: Some(path.to_owned()),
        kind,
        times,
    }
}

#[tokio::test]
async fn messages_are_persisted_before_they_are_sent() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    h.mock.faults().inject(on(
        "messages:send",
        FaultKind::Latency(Duration::from_millis(500)),
        1,
    ));
    let handle = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("durable"))
        .await
        .unwrap();
    let items = h.storage.keys("opencom/").await.unwrap();
    let item_key = items.iter().find(|k| k.contains("/outbox/item/")).unwrap();
    let stored = h.storage.get(item_key).await.unwrap().unwrap();
    assert!(stored.contains("durable"));
    handle.sent().await.unwrap();
    let items = h.storage.keys("opencom/").await.unwrap();
    assert!(
        !items.iter().any(|k| k.contains("/outbox/item/")),
        "removed once sent"
    );
}

#[tokio::test]
async fn many_quick_sends_arrive_in_order() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut handles = Vec::new();
    for i in 0..30 {
        handles.push(
            client
                .conversations()
                .send(&conversation.id, OutgoingMessage::text(format!("m{i}")))
                .await
                .unwrap(),
        );
    }
    for handle in &handles {
        handle.sent().await.unwrap();
    }
    let expected: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
    assert_eq!(visitor_texts(&h, &conversation.id), expected);
}

#[tokio::test]
async fn an_ambiguous_failure_is_reconciled_not_resent() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    // The mutation runs, the answer is lost.
    h.mock
        .faults()
        .inject(on("messages:send", FaultKind::DropAfterRun, 1));
    let id = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("exactly once"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    assert_eq!(visitor_texts(&h, &conversation.id), vec!["exactly once"]);
    assert_eq!(
        h.calls_to("messages:send").len(),
        1,
        "reconciled by listing, not re-sent"
    );
    assert!(h
        .mock
        .messages(&conversation.id)
        .iter()
        .any(|m| m["_id"] == id.as_str()));

    // Same text again, answer lost again: the earlier identical message must not be mistaken for it.
    h.mock
        .faults()
        .inject(on("messages:send", FaultKind::DropBeforeRun, 1));
    client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("exactly once"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    assert_eq!(
        visitor_texts(&h, &conversation.id),
        vec!["exactly once", "exactly once"]
    );
}

#[tokio::test]
async fn repeated_failure_pauses_the_queue_until_resumed() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    h.mock
        .faults()
        .inject(on("messages:send", FaultKind::Status(503), 10_000));
    let first = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("first"))
        .await
        .unwrap();
    let second = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("second"))
        .await
        .unwrap();
    assert!(first.sent().await.is_err(), "paused with an error");
    let echoes = client
        .conversations()
        .messages(&conversation.id)
        .await
        .unwrap();
    assert_eq!(echoes.len(), 1, "nothing reached the server");
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let snapshot = futures::StreamExt::next(&mut stream)
        .await
        .unwrap()
        .unwrap();
    let failed = snapshot
        .value
        .iter()
        .find(|m| m.content == "first")
        .unwrap();
    assert!(matches!(failed.delivery, DeliveryState::Failed { .. }));
    let queued = snapshot
        .value
        .iter()
        .find(|m| m.content == "second")
        .unwrap();
    assert_eq!(
        queued.delivery,
        DeliveryState::Queued,
        "order kept: second waits"
    );
    let attempts = h.calls_to("messages:send").len();
    assert!(attempts >= MAX_FAILURES as usize);

    h.mock.faults().clear();
    client.conversations().resume_outbox().await;
    first.sent().await.unwrap();
    second.sent().await.unwrap();
    assert_eq!(visitor_texts(&h, &conversation.id), vec!["first", "second"]);
}

#[test]
fn a_client_killed_mid_send_is_finished_by_the_next_one_exactly_once() {
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let h = server_rt.block_on(Harness::new());
    let conversation_id = {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let id = rt.block_on(async {
            let client = h.client();
            client.start().await.unwrap();
            let conversation = client.conversations().create().await.unwrap();
            // The first send hangs on the server long enough for the "crash".
            h.mock
                .faults()
                .inject(on("messages:send", FaultKind::DropAfterRun, 1));
            h.mock.faults().set_latency(Duration::from_millis(300));
            for text in ["one", "two", "three"] {
                client
                    .conversations()
                    .send(&conversation.id, OutgoingMessage::text(text))
                    .await
                    .unwrap();
            }
            // Wait until the first send is in flight, then kill everything.
            assert!(
                common::eventually(Duration::from_secs(10), || !h
                    .calls_to("messages:send")
                    .is_empty())
                .await
            );
            conversation.id
        });
        rt.shutdown_background();
        id
    };
    h.mock.faults().set_latency(Duration::ZERO);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let restarted = h.client();
        restarted.start().await.unwrap(); // resumes the outbox
        let done = common::eventually(Duration::from_secs(20), || {
            visitor_texts(&h, &conversation_id).len() >= 3
        })
        .await;
        assert!(done, "{:?}", visitor_texts(&h, &conversation_id));
        // And the outbox drains: nothing is left to send again.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let keys = h.storage.keys("opencom/").await.unwrap();
            if keys.iter().all(|k| !k.contains("/outbox/item/")) {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{keys:?}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            visitor_texts(&h, &conversation_id),
            vec!["one", "two", "three"]
        );
    });
    drop(rt);
    drop(h);
    drop(server_rt);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_two_thousand_messages_with_faults_arrive_exactly_once_in_order() {
    let h = Harness::new().await;
    h.mock.faults().set_random_faults(
        0.12,
        vec![
            FaultKind::Status(503),
            FaultKind::DropBeforeRun,
            FaultKind::DropAfterRun,
            FaultKind::Latency(Duration::from_millis(400)),
        ],
    );
    let client = h
        .builder()
        .request_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    // Session set-up without faults: the soak is about messages.
    h.mock.faults().pause_random(true);
    client.start().await.unwrap();
    let mut conversations = Vec::new();
    for _ in 0..10 {
        conversations.push(client.conversations().create().await.unwrap().id);
    }
    h.mock.faults().pause_random(false);

    let client = Arc::new(client);
    let mut handles = Vec::new();
    for i in 0..2000 {
        let conversation = &conversations[i % conversations.len()];
        handles.push(
            client
                .conversations()
                .send(conversation, OutgoingMessage::text(format!("soak {i}")))
                .await
                .unwrap(),
        );
    }
    for handle in &handles {
        // A paused queue would surface here; with bounded faults none should pause.
        handle.sent().await.unwrap();
    }
    let faulted = h
        .mock
        .calls()
        .iter()
        .filter(|c| c.path == "messages:send" && c.outcome == server_mock::CallOutcome::Faulted)
        .count();
    assert!(
        faulted >= 150,
        "at least ~10% of sends were faulted: {faulted}"
    );
    for (n, conversation) in conversations.iter().enumerate() {
        let expected: Vec<String> = (0..2000)
            .filter(|i| i % conversations.len() == n)
            .map(|i| format!("soak {i}"))
            .collect();
        assert_eq!(
            visitor_texts(&h, conversation),
            expected,
            "conversation {n}"
        );
    }
}
