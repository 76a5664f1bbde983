//! SDK overhead against a hand-written client, on the same server-mock in the same process:
//! - `conversations:listByVisitor` through `client.conversations().list()` vs a raw
//!   reqwest + serde_json request with the same arguments (median ratio);
//! - a 10,000-message `messages:list` (every message with an attachment) decoded into typed
//!   `Message`s vs parsed as raw JSON (median time and allocations per call);
//! - start-up: building a client on stored state and `start()` (median time; no network).
//!
//! ```text
//! cargo bench -p opencom-sdk --bench call_overhead
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs,
    unsafe_code
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use opencom_sdk::{MemoryStorage, Opencom, Storage};
use serde_json::{json, Value};
use server_mock::ServerMock;

/// Counts allocations so the decode cost can be reported in allocations, not only time.
struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn token(storage: &MemoryStorage) -> String {
    let keys = storage.keys("opencom/").await.unwrap();
    let key = keys.iter().find(|k| k.ends_with("/session")).unwrap();
    let raw = storage.get(key).await.unwrap().unwrap();
    serde_json::from_str::<Value>(&raw).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mock = ServerMock::start().await.unwrap();
        let storage = Arc::new(MemoryStorage::new());
        let client = Opencom::builder(&mock.url(), &mock.workspace_id())
            .storage(storage.clone())
            .heartbeat_interval(None)
            .build()
            .unwrap();
        let session = client.start().await.unwrap();
        for _ in 0..5 {
            let c = client.conversations().create().await.unwrap();
            mock.agent_reply(&c.id, "hello");
        }
        let token = token(&storage).await;
        let raw = reqwest::Client::new();
        let url = format!("{}/api/query", mock.url());
        let body = json!({"path": "conversations:listByVisitor", "args": {
            "visitorId": session.visitor_id, "sessionToken": token,
            "workspaceId": mock.workspace_id()}, "format": "json"});

        let rounds = 2000;
        let (mut sdk, mut hand) = (Vec::new(), Vec::new());
        for i in 0..rounds * 2 {
            let started = Instant::now();
            if i % 2 == 0 {
                let list = client.conversations().list().await.unwrap();
                assert_eq!(list.len(), 5);
                sdk.push(started.elapsed());
            } else {
                let value: Value = raw.post(&url).json(&body).send().await.unwrap().json().await.unwrap();
                assert_eq!(value["value"].as_array().unwrap().len(), 5);
                hand.push(started.elapsed());
            }
        }
        let (sdk, hand) = (median(sdk), median(hand));
        println!(
            "listByVisitor: SDK median {:.1} µs, hand-written median {:.1} µs, ratio {:.3}",
            sdk.as_secs_f64() * 1e6,
            hand.as_secs_f64() * 1e6,
            sdk.as_secs_f64() / hand.as_secs_f64()
        );

        // A long conversation: 10,000 agent messages (with sender names), each with a file.
        let conversation = client.conversations().create().await.unwrap();
        for i in 0..10_000 {
            let id = mock.agent_reply_with_file(
                &conversation.id,
                &format!("message number {i} with some text in it"),
                &format!("receipt-{i}.pdf"),
                "application/pdf",
                b"%PDF-1.4 receipt",
            );
            assert!(!id.is_empty());
        }
        let body = json!({"path": "messages:list", "args": {
            "conversationId": conversation.id, "visitorId": session.visitor_id,
            "sessionToken": token}, "format": "json"});
        let (mut typed, mut untyped, mut typed_allocs, mut raw_allocs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..40 {
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            let started = Instant::now();
            if i % 2 == 0 {
                let messages = client.conversations().messages(&conversation.id).await.unwrap();
                assert_eq!(messages.len(), 10_001);
                assert_eq!(messages[10_000].attachments.len(), 1);
                typed.push(started.elapsed());
                typed_allocs.push(ALLOCATIONS.load(Ordering::Relaxed) - before);
            } else {
                let value: Value = raw.post(format!("{}/api/query", mock.url())).json(&body).send().await.unwrap().json().await.unwrap();
                assert_eq!(value["value"].as_array().unwrap().len(), 10_001);
                untyped.push(started.elapsed());
                raw_allocs.push(ALLOCATIONS.load(Ordering::Relaxed) - before);
            }
        }
        typed_allocs.sort();
        raw_allocs.sort();
        println!(
            "messages:list of 10,001: typed median {:.2} ms ({} allocations), raw JSON median {:.2} ms ({} allocations)",
            median(typed).as_secs_f64() * 1e3,
            typed_allocs[typed_allocs.len() / 2],
            median(untyped).as_secs_f64() * 1e3,
            raw_allocs[raw_allocs.len() / 2],
        );

        // Start-up on stored state: build + start() with the session already in storage.
        let calls_before = mock.calls().len();
        let mut startups = Vec::new();
        for _ in 0..200 {
            let started = Instant::now();
            let again = Opencom::builder(&mock.url(), &mock.workspace_id())
                .storage(storage.clone())
                .heartbeat_interval(None)
                .build()
                .unwrap();
            let restored = again.start().await.unwrap();
            startups.push(started.elapsed());
            assert_eq!(restored.visitor_id, session.visitor_id);
        }
        assert_eq!(mock.calls().len(), calls_before, "start-up made network calls");
        println!(
            "start-up on stored state (build + start, 0 network calls): median {:.1} µs",
            median(startups).as_secs_f64() * 1e6
        );
    });
}
