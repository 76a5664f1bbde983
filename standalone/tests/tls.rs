//! `opencom-sdk` as an app builds it (no server-mock in the dependency graph, so none of its
//! hyper features are unified into the SDK's), against a TLS server that offers HTTP/2: the
//! configuration that panicked inside hyper-util ("http2 feature is not enabled").
//!
//! The server is the server-mock binary (`SERVER_MOCK_BIN`, or the workspace's
//! `target/debug/server-mock`), started with `--tls --port 0`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use opencom_sdk::{Attributes, Delivery, Opencom, OutgoingMessage, RealtimeMode, User};

struct Server {
    child: Child,
    url: String,
    workspace_id: String,
    ca_pem: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_mock_bin() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("SERVER_MOCK_BIN") {
        return path.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug/server-mock")
}

fn start_server() -> Server {
    let bin = server_mock_bin();
    assert!(
        bin.exists(),
        "the server-mock binary is missing at {} (build it: cargo build -p server-mock)",
        bin.display()
    );
    static SERVERS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ca_out = std::env::temp_dir().join(format!("standalone-ca-{}-{n}.pem", std::process::id()));
    let mut child = Command::new(&bin)
        .args(["--port", "0", "--seed", "demo", "--tls", "--tls-ca-out"])
        .arg(&ca_out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server-mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut url = None;
    let mut workspace_id = None;
    let mut ca_path = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if let Some(v) = line.strip_prefix("OPENCOM_URL=") {
            url = Some(v.to_owned());
        } else if let Some(v) = line.strip_prefix("OPENCOM_WORKSPACE_ID=") {
            workspace_id = Some(v.to_owned());
        } else if let Some(v) = line.strip_prefix("CA certificate: ") {
            ca_path = Some(v.to_owned());
        }
        if url.is_some() && workspace_id.is_some() && ca_path.is_some() {
            break;
        }
    }
    let ca_pem = std::fs::read_to_string(ca_path.expect("the CA path is printed")).unwrap();
    Server {
        child,
        url: url.expect("the URL is printed"),
        workspace_id: workspace_id.expect("the workspace is printed"),
        ca_pem,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_and_the_socket_work_over_tls_with_h2_offered() {
    let server = start_server();
    assert!(server.url.starts_with("https://"), "{}", server.url);
    let client = Opencom::builder(&server.url, &server.workspace_id)
        .add_root_certificate_pem(&server.ca_pem)
        .poll_interval(Duration::from_secs(3600))
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client.start().await.unwrap();
    client
        .visitor()
        .identify(User::new().email("standalone@example.com"))
        .await
        .unwrap();
    client
        .events()
        .track("standalone_build", Attributes::new())
        .await
        .unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("a snapshot")
        .expect("open")
        .expect("no error");
    assert_eq!(first.via, Delivery::Socket, "the socket works over wss");
    client
        .conversations()
        .send(
            &conversation.id,
            OutgoingMessage::text("from a standalone build"),
        )
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    let messages = client
        .conversations()
        .messages(&conversation.id)
        .await
        .unwrap();
    assert_eq!(
        messages.last().map(|m| m.content.as_str()),
        Some("from a standalone build")
    );
}

#[tokio::test]
async fn polling_mode_works_over_tls_with_h2_offered() {
    let server = start_server();
    let client = Opencom::builder(&server.url, &server.workspace_id)
        .add_root_certificate_pem(&server.ca_pem)
        .realtime(RealtimeMode::Polling)
        .poll_interval(Duration::from_millis(50))
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("a snapshot")
        .expect("open")
        .expect("no error");
    assert_eq!(first.via, Delivery::Polling);
}
