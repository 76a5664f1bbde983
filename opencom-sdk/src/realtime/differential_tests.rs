//! The official `convex` crate as an oracle: the same journey (authenticate, subscribe, add a
//! second query, drop the first, a server-side drop and the reconnect) through our engine and
//! through `convex::ConvexClient`, both behind a proxy that records every frame the client sends
//! to server-mock. The frames must be the same, ids and timestamps aside.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};

use super::engine::{LiveEngine, LiveTimeouts};
use super::socket::SocketConfig;
use super::ConnectionState;
use crate::secret::Secret;

const LIMIT: Duration = Duration::from_secs(20);

type Frames = Arc<Mutex<Vec<Value>>>;

/// A WebSocket proxy to `upstream` that records the text frames clients send.
async fn recording_proxy(upstream: String) -> (String, Frames) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let frames: Frames = Arc::default();
    let record = frames.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let upstream = upstream.clone();
            let record = record.clone();
            tokio::spawn(async move {
                let Ok((_, mut client)) = tokio_websockets::ServerBuilder::new().accept(tcp).await
                else {
                    return;
                };
                let Ok((mut server, _)) = tokio_websockets::ClientBuilder::new()
                    .uri(&upstream)
                    .unwrap()
                    .connect()
                    .await
                else {
                    return;
                };
                loop {
                    tokio::select! {
                        from_client = client.next() => match from_client {
                            Some(Ok(m)) if m.is_text() => {
                                let text = m.as_text().unwrap_or_default().to_owned();
                                record.lock().unwrap().push(serde_json::from_str(&text).unwrap());
                                if server.send(m).await.is_err() { return; }
                            }
                            Some(Ok(m)) if m.is_close() => { let _ = server.close().await; return; }
                            Some(Ok(_)) => {}
                            _ => return,
                        },
                        from_server = server.next() => match from_server {
                            Some(Ok(m)) if m.is_text() => {
                                if client.send(m).await.is_err() { return; }
                            }
                            Some(Ok(m)) if m.is_close() => { let _ = client.close().await; return; }
                            Some(Ok(_)) => {}
                            _ => return,
                        },
                    }
                }
            });
        }
    });
    (format!("127.0.0.1:{port}"), frames)
}

/// A frame without what legitimately differs between clients: the session id, the client's
/// clock, timestamps, the close-reason text, and `.js` in function paths (the official client
/// canonicalises paths on reconnect).
fn normalise(mut frame: Value) -> Value {
    if let Some(obj) = frame.as_object_mut() {
        for key in [
            "sessionId",
            "clientTs",
            "maxObservedTimestamp",
            "lastCloseReason",
        ] {
            obj.remove(key);
        }
        if let Some(mods) = obj.get_mut("modifications").and_then(Value::as_array_mut) {
            for m in mods {
                if let Some(path) = m.get("udfPath").and_then(Value::as_str) {
                    let path = path.replace(".js:", ":");
                    m["udfPath"] = json!(path);
                }
            }
        }
    }
    frame
}

async fn wait_for(frames: &Frames, n: usize) {
    let deadline = tokio::time::Instant::now() + LIMIT;
    while frames.lock().unwrap().len() < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {:?} frames",
            frames.lock().unwrap()
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn args(workspace: &str, status: Option<&str>) -> Map<String, Value> {
    let mut args = Map::new();
    args.insert("workspaceId".into(), json!(workspace));
    if let Some(status) = status {
        args.insert("status".into(), json!(status));
    }
    args
}

fn convex_args(args: Map<String, Value>) -> std::collections::BTreeMap<String, convex::Value> {
    args.into_iter()
        .map(|(k, v)| (k, convex::Value::try_from(v).unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_engine_sends_the_frames_the_official_client_sends() {
    let mock = server_mock::ServerMock::start().await.unwrap();
    let workspace = mock.workspace_id();
    mock.create_agent(
        &workspace,
        "oracle@example.com",
        "Passw0rd!",
        server_mock::Role::Agent,
    );
    let agent = crate::WorkspaceClient::builder(&mock.url())
        .build()
        .unwrap();
    agent
        .sign_in_password("oracle@example.com", "Passw0rd!")
        .await
        .unwrap();
    let jwt = agent.token_pair().unwrap().0.expose().to_owned();
    let upstream = format!("{}/api/sync", mock.url().replace("http://", "ws://"));

    // Our engine.
    let (ours_addr, ours) = recording_proxy(upstream.clone()).await;
    let token = jwt.clone();
    let engine = LiveEngine::start(
        SocketConfig {
            url: url::Url::parse(&format!("ws://{ours_addr}/api/sync")).unwrap(),
            tls: crate::transport::tls::client_config(
                &Default::default(),
                crate::transport::tls::Alpn::WebSocket,
            )
            .unwrap(),
            connect_timeout: LIMIT,
            handshake_timeout: LIMIT,
            max_message_bytes: 1 << 20,
            client_id: super::CLIENT_ID,
        },
        LiveTimeouts::default(),
        Some(Arc::new(move |_force| {
            let token = token.clone();
            Box::pin(async move { Some(Secret::new(token)) })
        })),
        false,
        watch::channel(ConnectionState::Connecting).0,
        broadcast::channel(8).0,
    );
    let mut first = engine.subscribe("conversations:listForInbox", args(&workspace, None));
    tokio::time::timeout(LIMIT, first.next())
        .await
        .unwrap()
        .unwrap();
    let mut second = engine.subscribe("conversations:listForInbox", args(&workspace, Some("open")));
    tokio::time::timeout(LIMIT, second.next())
        .await
        .unwrap()
        .unwrap();
    drop(first);
    wait_for(&ours, 5).await;
    mock.drop_ws_connections();
    wait_for(&ours, 8).await;

    // The official client, the same steps.
    let (theirs_addr, theirs) = recording_proxy(upstream).await;
    let mut convex = convex::ConvexClient::new(&format!("http://{theirs_addr}"))
        .await
        .unwrap();
    convex.set_auth(Some(jwt)).await;
    let mut first = convex
        .subscribe(
            "conversations:listForInbox",
            convex_args(args(&workspace, None)),
        )
        .await
        .unwrap();
    tokio::time::timeout(LIMIT, first.next())
        .await
        .unwrap()
        .unwrap();
    let mut second = convex
        .subscribe(
            "conversations:listForInbox",
            convex_args(args(&workspace, Some("open"))),
        )
        .await
        .unwrap();
    tokio::time::timeout(LIMIT, second.next())
        .await
        .unwrap()
        .unwrap();
    drop(first);
    wait_for(&theirs, 5).await;
    mock.drop_ws_connections();
    wait_for(&theirs, 8).await;

    let ours: Vec<Value> = ours
        .lock()
        .unwrap()
        .iter()
        .cloned()
        .map(normalise)
        .collect();
    let theirs: Vec<Value> = theirs
        .lock()
        .unwrap()
        .iter()
        .cloned()
        .map(normalise)
        .collect();
    assert_eq!(ours.len(), 8, "{ours:#?}");
    assert_eq!(ours, theirs);
    let types: Vec<&str> = ours.iter().map(|f| f["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "Connect",
            "Authenticate",
            "ModifyQuerySet",
            "ModifyQuerySet",
            "ModifyQuerySet",
            "Connect",
            "Authenticate",
            "ModifyQuerySet"
        ]
    );
}
