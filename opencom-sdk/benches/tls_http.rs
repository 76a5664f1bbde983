//! HTTP/2 or HTTP/1.1 for function calls? The same journey over TLS against server-mock
//! offering `h2, http/1.1` (the client, built with the `http2` feature, negotiates h2) and
//! offering `http/1.1` only:
//! - sequential `conversations:listByVisitor` calls on a warm connection (p50/p99);
//! - a cold burst: a fresh client's first 20 concurrent calls (connection set-up included:
//!   HTTP/1.1 opens up to 20 TLS connections, HTTP/2 multiplexes one).
//!
//! ```text
//! cargo bench -p opencom-sdk --bench tls_http
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::time::{Duration, Instant};

use opencom_sdk::Opencom;
use server_mock::{HttpVersion, MockOptions, ServerMock, TlsMode, Transport};

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

async fn client(mock: &ServerMock) -> Opencom {
    let client = Opencom::builder(&mock.url(), &mock.workspace_id())
        .add_root_certificate_pem(mock.ca_pem().unwrap())
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client.start().await.unwrap();
    client
}

async fn run(mode: TlsMode, label: &str) {
    let mock = ServerMock::start_with(MockOptions {
        tls: Some(mode),
        ..MockOptions::default()
    })
    .await
    .unwrap();
    let warm = client(&mock).await;
    for _ in 0..20 {
        warm.conversations().list().await.unwrap();
    }
    let mut sequential = Vec::new();
    for _ in 0..500 {
        let t = Instant::now();
        warm.conversations().list().await.unwrap();
        sequential.push(t.elapsed());
    }
    let mut bursts = Vec::new();
    for _ in 0..30 {
        let cold = client(&mock).await;
        let t = Instant::now();
        let calls = (0..20).map(|_| {
            let c = cold.clone();
            tokio::spawn(async move { c.conversations().list().await.unwrap() })
        });
        for call in futures::future::join_all(calls).await {
            call.unwrap();
        }
        bursts.push(t.elapsed());
    }
    let versions: Vec<HttpVersion> = mock
        .calls()
        .into_iter()
        .filter(|c| c.transport == Transport::Http)
        .map(|c| c.http_version)
        .collect();
    let h2 = versions
        .iter()
        .filter(|v| **v == HttpVersion::Http2)
        .count();
    println!(
        "{label:<24} sequential p50 {:>7.3} ms p99 {:>7.3} ms | cold burst of 20: p50 {:>7.3} ms p99 {:>7.3} ms | {h2}/{} calls on h2",
        percentile(&mut sequential, 0.5).as_secs_f64() * 1e3,
        percentile(&mut sequential, 0.99).as_secs_f64() * 1e3,
        percentile(&mut bursts, 0.5).as_secs_f64() * 1e3,
        percentile(&mut bursts, 0.99).as_secs_f64() * 1e3,
        versions.len(),
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for _ in 0..2 {
            run(TlsMode::H2AndHttp11, "TLS, h2 negotiated").await;
            run(TlsMode::Http11Only, "TLS, http/1.1").await;
        }
    });
}
