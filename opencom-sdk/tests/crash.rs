//! Crash safety: a process killed (SIGKILL) while messages are in flight loses and doubles
//! nothing once a new process starts on the same storage.
//!
//! The test re-runs its own binary as the child (`crash_child_entry` with `OPENCOM_CRASH_CHILD`
//! set), so the child is a real separate process that can be killed mid-send.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use opencom_sdk::{FileStorage, Opencom, OutgoingMessage, RetryPolicy, Storage};
use server_mock::ServerMock;

const MESSAGES: usize = 20;

fn client(url: &str, workspace: &str, dir: &str) -> Opencom {
    Opencom::builder(url, workspace)
        .storage(Arc::new(FileStorage::new(dir).unwrap()))
        .heartbeat_interval(None)
        .retry_policy(
            RetryPolicy::default().delays(Duration::from_millis(5), Duration::from_millis(50)),
        )
        .build()
        .unwrap()
}

/// The child: queue messages, report, then wait to be killed.
#[tokio::test]
async fn crash_child_entry() {
    let Ok(dir) = std::env::var("OPENCOM_CRASH_CHILD") else {
        return; // a normal test run: nothing to do
    };
    let url = std::env::var("OPENCOM_URL").unwrap();
    let workspace = std::env::var("OPENCOM_WORKSPACE_ID").unwrap();
    let client = client(&url, &workspace, &dir);
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    for i in 0..MESSAGES {
        client
            .conversations()
            .send(
                &conversation.id,
                OutgoingMessage::text(format!("crash {i}")),
            )
            .await
            .unwrap();
    }
    println!("QUEUED {}", conversation.id);
    std::future::pending::<()>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_process_loses_and_doubles_nothing() {
    let mock = ServerMock::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().to_str().unwrap().to_owned();
    // Sends take a while, so some are in flight when the child dies.
    mock.faults().set_latency(Duration::from_millis(150));

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_child_entry",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("OPENCOM_CRASH_CHILD", &dir_path)
        .env("OPENCOM_URL", mock.url())
        .env("OPENCOM_WORKSPACE_ID", mock.workspace_id())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = tokio::task::spawn_blocking(move || {
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            // The harness prints "test crash_child_entry ... " on the same line first.
            if let Some((_, id)) = line.split_once("QUEUED ") {
                return id.trim().to_owned();
            }
        }
        panic!("the child ended without queueing");
    });
    let conversation_id = match tokio::time::timeout(Duration::from_secs(60), reader).await {
        Ok(id) => id.unwrap(),
        Err(_) => {
            child.kill().unwrap();
            panic!("the child did not queue its messages within 60 s");
        }
    };

    // Kill it once at least one send reached the server and some are still queued.
    let sends = || {
        mock.calls()
            .iter()
            .filter(|c| c.path == "messages:send")
            .count()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while sends() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the child never sent"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let visitor_texts = || -> Vec<String> {
        mock.messages(&conversation_id)
            .into_iter()
            .filter(|m| m["senderType"] == "visitor")
            .map(|m| m["content"].as_str().unwrap().to_owned())
            .collect()
    };
    let before_restart = visitor_texts().len();
    assert!(
        before_restart < MESSAGES,
        "the kill came too late to prove anything"
    );

    mock.faults().set_latency(Duration::ZERO);
    let restarted = client(&mock.url(), &mock.workspace_id(), &dir_path);
    restarted.start().await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let storage = FileStorage::new(&dir_path).unwrap();
        let pending = storage
            .keys("opencom/")
            .await
            .unwrap()
            .into_iter()
            .filter(|k| k.contains("/outbox/item/"))
            .count();
        if pending == 0 && visitor_texts().len() >= MESSAGES {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{pending} still queued; server has {:?}",
            visitor_texts()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let expected: Vec<String> = (0..MESSAGES).map(|i| format!("crash {i}")).collect();
    assert_eq!(visitor_texts(), expected, "each exactly once, in order");
    println!(
        "killed with {before_restart}/{MESSAGES} on the server; the restart delivered the rest"
    );
}
