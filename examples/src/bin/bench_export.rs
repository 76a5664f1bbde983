//! `bench_export`: times `opencom export conversations` against an in-process server-mock.
//!
//! Seeds `--conversations` conversations (3 messages each) straight into the mock's store,
//! then exports them all with `--concurrency` (default 8) and with concurrency 1, over HTTP,
//! with `--latency-ms` of added per-request latency (default 5: the in-memory mock answers
//! far faster than a real deployment). Each export runs in a child process (this binary again,
//! with the hidden `--child-export` flag) that signs in and exports over HTTP, so the peak RSS
//! it reports (VmHWM) is the exporter's alone, apart from the mock's store. Prints wall times,
//! the speed-up and both peaks.
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
    /// Internal: run one export against `<url> <workspace> <file>` and report on stdout.
    #[arg(long, hide = true, num_args = 3, value_names = ["URL", "WORKSPACE", "FILE"])]
    child_export: Option<Vec<String>>,
}

const EMAIL: &str = "bench@opencom.test";
const PASSWORD: &str = "bench-password";

/// The child: sign in, export, print `exported=<n> skipped=<n> secs=<f> vmhwm_kb=<n>`.
async fn child_export(target: &[String], concurrency: usize) -> Result<(), String> {
    let [url, workspace, file] = target else {
        return Err("--child-export needs URL WORKSPACE FILE".into());
    };
    let client = WorkspaceClient::builder(url)
        .build()
        .map_err(|e| e.to_string())?;
    client
        .sign_in_password(EMAIL, PASSWORD)
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let summary = export::conversations(&client, workspace, file.as_ref(), concurrency, false)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "exported={} skipped={} secs={:.3} vmhwm_kb={}",
        summary.exported,
        summary.skipped,
        started.elapsed().as_secs_f64(),
        proc_status_kb("VmHWM").unwrap_or(0)
    );
    Ok(())
}

/// Runs one export in a child process; returns (exported, seconds, child peak RSS in kB).
async fn spawn_export(
    url: &str,
    workspace: &str,
    file: &std::path::Path,
    concurrency: usize,
) -> Result<(u64, f64, u64), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(exe);
    command
        .arg("--concurrency")
        .arg(concurrency.to_string())
        .arg("--child-export")
        .arg(url)
        .arg(workspace)
        .arg(file);
    // The mock serves from this process's runtime meanwhile: wait off its worker threads.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| format!("cannot wait for the exporter: {e}"))?
        .map_err(|e| format!("cannot start the exporter: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the exporter failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let field = |name: &str| -> Option<String> {
        stdout
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=').map(str::to_owned))
    };
    let parse = || -> Option<(u64, f64, u64)> {
        Some((
            field("exported")?.parse().ok()?,
            field("secs")?.parse().ok()?,
            field("vmhwm_kb")?.parse().ok()?,
        ))
    };
    parse().ok_or_else(|| format!("unreadable exporter report: {stdout}"))
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
    mock.create_agent(&ws, EMAIL, PASSWORD, Role::Admin);
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
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for concurrency in [args.concurrency, 1] {
        let path = dir.path().join(format!("export-{concurrency}.jsonl"));
        let (exported, secs, child_kb) = spawn_export(&mock.url(), &ws, &path, concurrency).await?;
        if exported != args.conversations as u64 {
            return Err(format!(
                "exported {exported}, expected {}",
                args.conversations
            ));
        }
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        println!(
            "concurrency {concurrency:>3}: {secs:>8.2} s  ({:.0} conversations/s, {:.1} MiB file); exporter peak RSS: {}",
            args.conversations as f64 / secs,
            size as f64 / (1024.0 * 1024.0),
            mib(Some(child_kb))
        );
        times.push(Duration::from_secs_f64(secs));
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
        "peak RSS of the mock's process (VmHWM, its store and serving): {}",
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
    let result = match &args.child_export {
        Some(target) => runtime.block_on(child_export(target, args.concurrency)),
        None => runtime.block_on(run(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_export: {e}");
            ExitCode::FAILURE
        }
    }
}
