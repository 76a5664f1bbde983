//! The sync protocol as the official clients expect it: `clientClockSkew`/`serverTs`, the
//! client version in the URL, `maxObservedTimestamp`, WebSocket ping frames; and the HTTP
//! endpoints `ConvexHttpClient` also calls (`/api/query_ts`, `/api/function`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use futures::StreamExt;
use serde_json::{json, Value};
use server_mock::{MockOptions, ServerMock};
use tokio_tungstenite::tungstenite::Message;

use crate::common::{client, visitor_with_conversation};
use crate::sync::{recv_raw, send_raw, ts_of, within, Socket, LIMIT};

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn socket_at(mock: &ServerMock, path: &str) -> Socket {
    let url = format!("{}{path}", mock.url().replacen("http://", "ws://", 1));
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

fn connect(client_ts: Option<i64>, max_observed: Option<&str>) -> Value {
    let mut connect = json!({"type": "Connect", "sessionId": "3e1a2b4c-5d6e-4f70-8192-a3b4c5d6e7f8",
                             "connectionCount": 0, "lastCloseReason": "InitialConnect"});
    if let Some(ts) = client_ts {
        connect["clientTs"] = json!(ts);
    }
    if let Some(max) = max_observed {
        connect["maxObservedTimestamp"] = json!(max);
    }
    connect
}

fn add_metadata_query() -> Value {
    json!({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": [
        {"type": "Add", "queryId": 0, "udfPath": "discovery:getMetadata", "args": [{}]}]})
}

fn encode_ts(ts: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(ts.to_le_bytes())
}

#[tokio::test]
async fn transitions_carry_the_clock_skew_and_the_server_time() {
    let mock = ServerMock::start().await.unwrap();
    let mut socket = socket_at(&mock, "/api/1.49.0/sync").await;
    // A client whose clock is 5 minutes behind the server's.
    let behind = 5 * 60 * 1000;
    send_raw(&mut socket, connect(Some(wall_ms() - behind), None)).await;
    send_raw(&mut socket, add_metadata_query()).await;
    let transition = recv_raw(&mut socket).await.unwrap();
    assert_eq!(transition["type"], "Transition");
    let skew = transition["clientClockSkew"].as_i64().expect("a number");
    assert!((skew + behind).abs() < 5_000, "skew {skew} ≈ -{behind}");
    let server_ts = transition["serverTs"].as_i64().expect("a number (ns)");
    let server_ms = server_ts / 1_000_000;
    assert!(
        (server_ms - wall_ms()).abs() < 5_000,
        "serverTs {server_ts}"
    );
    // The JS client's transit time (now - skew - serverTs) is then near zero, not 20 s.
    let transit = (wall_ms() - behind) - skew - server_ms;
    assert!(transit.abs() < 5_000, "transit {transit} ms");

    // Every Transition has them, also after a mutation; the mock clock does not matter.
    mock.clock().advance(Duration::from_secs(3600));
    send_raw(
        &mut socket,
        json!({"type": "Mutation", "requestId": 0, "udfPath": "nope:missing", "args": [{}]}),
    )
    .await;
    let response = recv_raw(&mut socket).await.unwrap();
    assert_eq!(response["type"], "MutationResponse");
    let later = recv_raw(&mut socket).await.unwrap();
    assert_eq!(later["type"], "Transition");
    assert_eq!(later["clientClockSkew"], transition["clientClockSkew"]);
    let later_ms = later["serverTs"].as_i64().unwrap() / 1_000_000;
    assert!((later_ms - wall_ms()).abs() < 5_000);
}

#[tokio::test]
async fn sync_urls_must_carry_a_supported_client_version() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.url().replacen("http://", "ws://", 1);
    let refused = |path: &'static str| {
        let url = format!("{ws}{path}");
        async move {
            match tokio_tungstenite::connect_async(url).await {
                Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                    let body: Value =
                        serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
                    (response.status().as_u16(), body)
                }
                other => panic!("{path}: not refused: {:?}", other.map(|(_, r)| r)),
            }
        }
    };
    let (status, body) = refused("/api/banana/sync").await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "InvalidClientVersion");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to parse client version: "),
        "{body}"
    );
    let (status, body) = refused("/api/0.19.1/sync").await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "ClientVersionUnsupported");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("The Convex npm package at version 0.19.1 is no longer supported."));
    // Supported versions (and no version at all) connect.
    for path in ["/api/0.19.2/sync", "/api/1.49.0/sync", "/api/sync"] {
        let url = format!("{ws}{path}");
        let (_, response) = tokio_tungstenite::connect_async(url).await.unwrap();
        assert_eq!(response.status(), 101, "{path}");
    }
}

#[tokio::test]
async fn a_client_that_saw_a_later_timestamp_is_refused() {
    let mock = ServerMock::start().await.unwrap();
    let (_, _, _) = visitor_with_conversation(&mock, "ts").await;
    let latest = query_ts(&mock).await;

    // Observed exactly the latest commit: fine.
    let mut socket = socket_at(&mock, "/api/sync").await;
    send_raw(&mut socket, connect(Some(0), Some(&encode_ts(latest)))).await;
    send_raw(&mut socket, add_metadata_query()).await;
    assert_eq!(recv_raw(&mut socket).await.unwrap()["type"], "Transition");

    // Ahead of it (a client that talked to another deployment): FatalError, then closed.
    let mut socket = socket_at(&mock, "/api/sync").await;
    let ahead = latest + 60_000_000_000;
    send_raw(&mut socket, connect(Some(0), Some(&encode_ts(ahead)))).await;
    let fatal = recv_raw(&mut socket).await.unwrap();
    assert_eq!(fatal["type"], "FatalError", "{fatal}");
    assert!(
        fatal["error"]
            .as_str()
            .unwrap()
            .contains("ahead of the backend latest known timestamp"),
        "{fatal}"
    );
    assert_eq!(recv_raw(&mut socket).await, None);
}

async fn query_ts(mock: &ServerMock) -> u64 {
    let response = client()
        .post(format!("{}/api/query_ts", mock.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    ts_of(&body)
}

#[tokio::test]
async fn query_ts_answers_the_latest_commit_timestamp() {
    let mock = ServerMock::start().await.unwrap();
    let first = query_ts(&mock).await;
    let now_ns = mock.clock().now_ms() * 1e6;
    assert!((first as f64 - now_ns).abs() < 60e9, "nanoseconds: {first}");
    assert_eq!(query_ts(&mock).await, first, "nothing committed");
    visitor_with_conversation(&mock, "q").await;
    let after = query_ts(&mock).await;
    assert!(after > first);
}

#[tokio::test]
async fn the_function_endpoint_runs_any_kind() {
    let mock = ServerMock::start().await.unwrap();
    let call = |body: Value| {
        let url = format!("{}/api/function", mock.url());
        async move {
            let response = client().post(url).json(&body).send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    // A mutation (args in the JS client's `[{…}]` form) …
    let (status, booted) = call(
        json!({"path": "widgetSessions:boot", "format": "convex_encoded_json",
        "args": [{"workspaceId": mock.workspace_id(), "sessionId": "fn"}]}),
    )
    .await;
    assert_eq!(status, 200, "{booted}");
    assert_eq!(booted["status"], "success");
    let token = booted["value"]["sessionToken"].as_str().unwrap();
    // … a query …
    let (status, validated) = call(json!({"path": "widgetSessions:validateSessionToken",
        "args": {"sessionToken": token, "workspaceId": mock.workspace_id()}}))
    .await;
    assert_eq!(status, 200);
    assert_eq!(validated["value"]["valid"], true, "{validated}");
    // … and an unknown function is Convex's error, not a 404.
    let (status, missing) = call(json!({"path": "nope:missing", "args": {}})).await;
    assert_eq!(status, 560);
    assert!(missing["errorMessage"]
        .as_str()
        .unwrap()
        .contains("Could not find public function for 'nope:missing'"));
    let endpoints: Vec<String> = mock.calls().into_iter().map(|c| c.endpoint).collect();
    assert_eq!(endpoints, ["function", "function", "function"]);
}

#[tokio::test]
async fn sockets_get_websocket_ping_frames_at_the_configured_interval() {
    let mock = ServerMock::start_with(MockOptions {
        ws_ping_interval: Some(Duration::from_millis(150)),
        ..MockOptions::default()
    })
    .await
    .unwrap();
    let mut socket = socket_at(&mock, "/api/sync").await;
    let started = tokio::time::Instant::now();
    let mut pings = Vec::new();
    while pings.len() < 4 {
        match within(socket.next()).await.unwrap().unwrap() {
            Message::Ping(_) => pings.push(started.elapsed()),
            other => panic!("unexpected {other:?}"),
        }
    }
    // The first after one interval, then one per interval (not a burst).
    assert!(pings[0] >= Duration::from_millis(140), "{pings:?}");
    assert!(pings[3] >= Duration::from_millis(590), "{pings:?}");
    assert!(pings[3] < LIMIT);

    // The default is Convex's 5 s: nothing in the first second.
    let mock = ServerMock::start().await.unwrap();
    let mut socket = socket_at(&mock, "/api/sync").await;
    let quiet = tokio::time::timeout(Duration::from_secs(1), socket.next()).await;
    assert!(quiet.is_err(), "{quiet:?}");
}
