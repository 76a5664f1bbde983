//! Live delivery latency on loopback: server-mock's agent reply → the visitor's
//! `watch_messages` stream yields it. Reports p50/p99/max over N replies for the WebSocket
//! transport (one thread growing to N messages — every update re-sends the whole list, as Convex
//! does — and N replies spread over 10 threads of ~N/10 messages) and for the HTTP polling
//! fallback.
//!
//! ```text
//! cargo bench -p opencom-sdk --bench live_latency            # 1000 replies each
//! LATENCY_SAMPLES=200 cargo bench -p opencom-sdk --bench live_latency
//! LATENCY_ONLY=one-thread cargo bench -p opencom-sdk --bench live_latency   # the first case only
//! LATENCY_ONLY=polling cargo bench -p opencom-sdk --bench live_latency     # polling, 1,000 replies
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use opencom_sdk::{Opencom, RealtimeMode};
use server_mock::ServerMock;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn measure(mode: RealtimeMode, poll: Duration, samples: usize) -> Vec<Duration> {
    let mock = ServerMock::start().await.unwrap();
    let client = Opencom::builder(&mock.url(), &mock.workspace_id())
        .realtime(mode)
        .poll_interval(poll)
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let mut seen = stream.next().await.unwrap().unwrap().value.len();
    // Let the socket settle so the first sample is not the connection set-up.
    mock.agent_reply(&conversation.id, "warm-up");
    while seen < 2 {
        seen = stream.next().await.unwrap().unwrap().value.len();
    }
    let mut latencies = Vec::with_capacity(samples);
    for i in 0..samples {
        let started = Instant::now();
        mock.agent_reply(&conversation.id, &format!("reply {i}"));
        loop {
            let snapshot = tokio::time::timeout(Duration::from_secs(30), stream.next())
                .await
                .expect("delivered within 30 s")
                .unwrap()
                .unwrap();
            if snapshot.value.len() > seen {
                seen = snapshot.value.len();
                break;
            }
        }
        latencies.push(started.elapsed());
    }
    // In arrival order: the caller reads the short-thread and long-thread ends separately.
    latencies
}

/// Time to deliver during an outage: the socket dropped and refused, the stream polls every
/// `poll`; an agent reply → the stream yields it (the bug this guards against: nothing for 60 s).
async fn measure_outage(poll: Duration, samples: usize) -> Vec<Duration> {
    let mock = ServerMock::start().await.unwrap();
    let client = Opencom::builder(&mock.url(), &mock.workspace_id())
        .poll_interval(poll)
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let mut seen = stream.next().await.unwrap().unwrap().value.len();
    let mut states = client.connection_state();
    mock.set_ws_enabled(false);
    mock.drop_ws_connections();
    // Measure from the moment the client knows the socket is gone.
    while let Some(state) = states.next().await {
        if state == opencom_sdk::ConnectionState::Disconnected {
            break;
        }
    }
    let mut latencies = Vec::with_capacity(samples);
    for i in 0..samples {
        let started = Instant::now();
        mock.agent_reply(&conversation.id, &format!("outage reply {i}"));
        loop {
            let snapshot = tokio::time::timeout(Duration::from_secs(30), stream.next())
                .await
                .expect("delivered within 30 s")
                .unwrap()
                .unwrap();
            if snapshot.value.len() > seen {
                assert_eq!(snapshot.via, opencom_sdk::Delivery::Polling);
                seen = snapshot.value.len();
                break;
            }
        }
        latencies.push(started.elapsed());
    }
    latencies.sort();
    latencies
}

/// The floor under the SDK: the same thread watched with the `convex` crate directly (its
/// `messages:list` subscription, no decoding, no merge), so the SDK's own share can be read off.
async fn measure_raw_convex(samples: usize) -> Vec<Duration> {
    use opencom_sdk::{MemoryStorage, Storage};
    use std::sync::Arc;
    let mock = ServerMock::start().await.unwrap();
    let storage = Arc::new(MemoryStorage::new());
    let client = Opencom::builder(&mock.url(), &mock.workspace_id())
        .storage(storage.clone())
        .heartbeat_interval(None)
        .build()
        .unwrap();
    let session = client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let keys = storage.keys("opencom/").await.unwrap();
    let key = keys.iter().find(|k| k.ends_with("/session")).unwrap();
    let raw: serde_json::Value =
        serde_json::from_str(&storage.get(key).await.unwrap().unwrap()).unwrap();
    let token = raw["token"].as_str().unwrap().to_owned();
    let mut convex = convex::ConvexClient::new(&mock.url()).await.unwrap();
    let mut args = std::collections::BTreeMap::new();
    args.insert(
        "conversationId".to_owned(),
        convex::Value::from(conversation.id.clone()),
    );
    args.insert(
        "visitorId".to_owned(),
        convex::Value::from(session.visitor_id.clone()),
    );
    args.insert("sessionToken".to_owned(), convex::Value::from(token));
    let mut sub = convex.subscribe("messages:list", args).await.unwrap();
    let len = |r: &convex::FunctionResult| match r {
        convex::FunctionResult::Value(convex::Value::Array(items)) => items.len(),
        _ => 0,
    };
    let mut seen = len(&sub.next().await.unwrap());
    let mut latencies = Vec::with_capacity(samples);
    for i in 0..samples {
        let started = Instant::now();
        mock.agent_reply(&conversation.id, &format!("reply {i}"));
        loop {
            let n = len(&sub.next().await.unwrap());
            if n > seen {
                seen = n;
                break;
            }
        }
        latencies.push(started.elapsed());
    }
    latencies.sort();
    latencies
}

/// 1000 replies spread over 10 conversations of at most ~100 messages each (typical threads).
async fn measure_spread(samples: usize) -> Vec<Duration> {
    let mock = ServerMock::start().await.unwrap();
    let client = Opencom::builder(&mock.url(), &mock.workspace_id())
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client.start().await.unwrap();
    let mut threads = Vec::new();
    for _ in 0..10 {
        let conversation = client.conversations().create().await.unwrap();
        let mut stream = client
            .conversations()
            .watch_messages(&conversation.id)
            .unwrap();
        let seen = stream.next().await.unwrap().unwrap().value.len();
        threads.push((conversation.id, stream, seen));
    }
    let mut latencies = Vec::with_capacity(samples);
    for i in 0..samples {
        let (id, stream, seen) = &mut threads[i % 10];
        let started = Instant::now();
        mock.agent_reply(id, &format!("reply {i}"));
        loop {
            let snapshot = tokio::time::timeout(Duration::from_secs(30), stream.next())
                .await
                .expect("delivered within 30 s")
                .unwrap()
                .unwrap();
            if snapshot.value.len() > *seen {
                *seen = snapshot.value.len();
                break;
            }
        }
        // The first reply of each thread also pays for the socket warm-up.
        if i >= 10 {
            latencies.push(started.elapsed());
        }
    }
    latencies.sort();
    latencies
}

fn report(name: &str, latencies: &[Duration]) {
    println!(
        "{name:<28} n={:<5} p50={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms",
        latencies.len(),
        percentile(latencies, 0.50).as_secs_f64() * 1e3,
        percentile(latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
}

fn main() {
    let samples: usize = std::env::var("LATENCY_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // LATENCY_ONLY=one-thread runs the first case alone (for profiling).
    let only = std::env::var("LATENCY_ONLY").unwrap_or_default();
    let only_one = only == "one-thread";
    runtime.block_on(async {
        if only == "polling" {
            let polling = measure(RealtimeMode::Polling, Duration::from_millis(50), samples).await;
            let mut all = polling.clone();
            all.sort();
            report("polling (50 ms interval)", &all);
            let mut short = polling[..polling.len().min(100)].to_vec();
            short.sort();
            report("polling, thread <= 100", &short);
            let mut long = polling[polling.len().saturating_sub(100)..].to_vec();
            long.sort();
            report("polling, thread ~1000", &long);
            return;
        }
        if only == "raw-convex" {
            report(
                "convex crate alone, one thread",
                &measure_raw_convex(samples).await,
            );
            return;
        }
        let ws = measure(RealtimeMode::WebSocket, Duration::from_secs(3), samples).await;
        let sorted = |v: &[Duration]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        report("websocket, one thread", &sorted(&ws));
        report(
            "websocket, thread <= 100",
            &sorted(&ws[..ws.len().min(100)]),
        );
        report(
            "websocket, thread ~1000",
            &sorted(&ws[ws.len().saturating_sub(100)..]),
        );
        if only_one {
            return;
        }
        report(
            "convex crate alone, one thread",
            &measure_raw_convex(samples).await,
        );
        report(
            "outage, polling every 500 ms",
            &measure_outage(Duration::from_millis(500), 20).await,
        );
        let spread = measure_spread(samples + 10).await;
        report("websocket, 10 threads", &spread);
        let polling = measure(RealtimeMode::Polling, Duration::from_millis(50), samples).await;
        report("polling (50 ms interval)", &sorted(&polling));
        report(
            "polling, thread <= 100",
            &sorted(&polling[..polling.len().min(100)]),
        );
        report(
            "polling, thread ~1000",
            &sorted(&polling[polling.len().saturating_sub(100)..]),
        );
    });
}
