//! `bench_export`: times `opencom export conversations` against an in-process server-mock.
//!
//! Seeds `--conversations` conversations (3 messages each) straight into the mock's store,
//! then exports them all with `--concurrency` (default 8) and with concurrency 1, over HTTP,
//! with `--latency-ms` of added per-request latency (default 5: the in-memory mock answers
//! far faster than a real deployment). Prints wall times, the speed-up and peak RSS (VmHWM).
//!
//! ```text
//! cargo run --release -p opencom-examples --bin bench_export -- --conversations 10000
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use opencom_sdk::WorkspaceClient;
use server_mock::{Role, ServerMock};

#[path = "../export.rs"]
mod export;

#[derive(Parser, Debug)]
#[command(name = "bench_export", about = "Times the conversation export")]
struct Args {
    /// Conversations to seed.
    #[arg(long, default_value_t = 10_000)]
    conversations: usize,
    /// Concurrency of the fast run.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 5)]
    latency_ms: u64,
}

/// A `/proc/self/status` field in kB (Linux only).
fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or_else(
        || "n/a".into(),
        |kb| format!("{:.1} MiB", kb as f64 / 1024.0),
    )
}

async fn run(args: Args) -> Result<(), String> {
    let mock = ServerMock::start().await.map_err(|e| e.to_string())?;
    let ws = mock.workspace_id();
    mock.create_agent(&ws, "bench@opencom.test", "bench-password", Role::Admin);
    let seeded = Instant::now();
    for i in 0..args.conversations {
        let texts = [
            format!("Hello, I need help with order #{i}"),
            format!("Sure, looking at order #{i} now."),
            "Thanks!".to_owned(),
        ];
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        if mock.seed_conversation(&ws, &refs).is_empty() {
            return Err("seeding failed".into());
        }
    }
    println!(
        "seeded {} conversations x 3 messages in {:.2?}; VmHWM after seeding: {}",
        args.conversations,
        seeded.elapsed(),
        mib(proc_status_kb("VmHWM"))
    );
    mock.faults()
        .set_latency(Duration::from_millis(args.latency_ms));
    let client = WorkspaceClient::builder(&mock.url())
        .build()
        .map_err(|e| e.to_string())?;
    client
        .sign_in_password("bench@opencom.test", "bench-password")
        .await
        .map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for concurrency in [args.concurrency, 1] {
        let path = dir.path().join(format!("export-{concurrency}.jsonl"));
        let started = Instant::now();
        let summary = export::conversations(&client, &ws, &path, concurrency, false)
            .await
            .map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        if summary.exported != args.conversations as u64 || summary.skipped != 0 {
            return Err(format!(
                "exported {} (skipped {}), expected {}",
                summary.exported, summary.skipped, args.conversations
            ));
        }
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        println!(
            "concurrency {concurrency:>3}: {:>8.2?}  ({:.0} conversations/s, {:.1} MiB file); VmHWM so far: {}",
            elapsed,
            args.conversations as f64 / elapsed.as_secs_f64(),
            size as f64 / (1024.0 * 1024.0),
            mib(proc_status_kb("VmHWM"))
        );
        times.push(elapsed);
    }
    if let [fast, slow] = times[..] {
        println!(
            "speed-up (concurrency {} vs 1, {} ms latency per request): {:.2}x",
            args.concurrency,
            args.latency_ms,
            slow.as_secs_f64() / fast.as_secs_f64()
        );
    }
    println!(
        "peak RSS (VmHWM, whole process incl. the mock's store): {}",
        mib(proc_status_kb("VmHWM"))
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bench_export: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_export: {e}");
            ExitCode::FAILURE
        }
    }
}
