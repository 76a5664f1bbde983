//! The Rust side of the host-overhead bench: times `conversations().total_unread()` called
//! directly on `opencom_sdk` against a running server-mock, and prints the timings as JSON.
//! Run through `opencom-ffi/bench/run.sh`.
//!
//! ```text
//! bench_total_unread <deployment-url> <workspace-id> <iterations> <warmup> [direct|hop]
//! ```
//!
//! `direct` (default) awaits the call in a `#[tokio::main]` app, as a Rust app would. `hop`
//! calls it as the FFI layer does — spawned on a runtime from a thread outside it, the caller
//! blocking on the join handle — to separate the cost of the runtime hop from the host's.

#![allow(clippy::print_stdout)]

use std::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    let (url, workspace_id, iterations, warmup, mode): (_, _, usize, usize, _) = match args
        .as_slice()
    {
        [_, u, w, i, m] => (u, w, i.parse()?, m.parse()?, "direct"),
        [_, u, w, i, m, mode] => (u, w, i.parse()?, m.parse()?, mode.as_str()),
        _ => {
            return Err("usage: bench_total_unread <url> <ws> <iterations> <warmup> [mode]".into())
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let client = runtime.block_on(async {
        let client = opencom_sdk::Opencom::builder(url, workspace_id)
            .origin("https://app.example.com")
            .heartbeat_interval(None)
            .build()?;
        client.start().await?;
        Ok::<_, BoxError>(client)
    })?;
    let call = |client: opencom_sdk::Opencom| async move {
        client
            .conversations()
            .total_unread()
            .await
            .map_err(BoxError::from)
    };
    let mut micros = Vec::with_capacity(iterations);
    for i in 0..warmup + iterations {
        let started = Instant::now();
        match mode {
            "hop" => {
                futures::executor::block_on(runtime.spawn(call(client.clone())))??;
            }
            _ => {
                runtime.block_on(call(client.clone()))?;
            }
        }
        if i >= warmup {
            micros.push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    let samples: Vec<String> = micros.iter().map(|m| format!("{m:.1}")).collect();
    println!("{{\"samples_us\": [{}]}}", samples.join(","));
    Ok(())
}
