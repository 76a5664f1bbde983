//! The WebSocket failure modes for failover tests: hung upgrades, stalled sockets, and lost
//! `MutationResponse`s (with Convex's per-session mutation deduplication).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use server_mock::{MockOptions, ServerMock};
use tokio_tungstenite::tungstenite::Message;

use crate::common::{control, visitor_with_conversation};
use crate::sync::{args, eventually, raw, recv_raw, send_raw, within, Socket};

/// How long the "nothing arrives" checks watch: many ping intervals of the mocks below.
const SILENCE: Duration = Duration::from_millis(1200);

/// Every frame (text, ping, close, …) that arrives within `window`.
async fn frames_within(socket: &mut Socket, window: Duration) -> Vec<Message> {
    let mut frames = Vec::new();
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some(frame)) = tokio::time::timeout_at(deadline, socket.next()).await {
        match frame {
            Ok(frame) => frames.push(frame),
            Err(_) => break,
        }
    }
    frames
}

#[tokio::test]
async fn a_hung_upgrade_is_never_answered() {
    let mock = ServerMock::start().await.unwrap();
    mock.hang_ws_upgrade(true);
    let url = format!("{}/api/sync", mock.url().replacen("http://", "ws://", 1));
    let tcp = tokio::net::TcpStream::connect(mock.url().replacen("http://", "", 1))
        .await
        .unwrap();
    let mut handshake = tokio::spawn(tokio_tungstenite::client_async(url.clone(), tcp));
    assert!(
        tokio::time::timeout(SILENCE, &mut handshake).await.is_err(),
        "the upgrade was answered"
    );
    assert_eq!(mock.ws_connections(), 0);
    // The control API shows (and switches) the mode too.
    let (_, state) = control(&mock, "GET", "/ws/faults", None).await;
    assert_eq!(state["hangUpgrade"], true);
    let (_, state) = control(
        &mock,
        "POST",
        "/ws/hang-upgrade",
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(state["hangUpgrade"], false);
    assert!(
        within(handshake).await.unwrap().is_err(),
        "cut once hanging stops"
    );
    let (socket, response) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(response.status(), 101);
    drop(socket);
}

#[tokio::test]
async fn a_stalled_socket_stays_open_and_sends_nothing() {
    let mock = ServerMock::start_with(MockOptions {
        ws_ping_interval: Some(Duration::from_millis(100)),
        ..MockOptions::default()
    })
    .await
    .unwrap();
    let (token, _, conversation) = visitor_with_conversation(&mock, "stall").await;
    let mut socket = raw(&mock).await;
    let add = json!({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1,
        "modifications": [{"type": "Add", "queryId": 1, "udfPath": "messages:list",
                           "args": [{"conversationId": conversation, "sessionToken": token}]}]});
    send_raw(&mut socket, add).await;
    let first = recv_raw(&mut socket).await.unwrap();
    assert_eq!(first["type"], "Transition");

    // Before the stall, ping frames flow (about one per 100 ms).
    let before = frames_within(&mut socket, SILENCE).await;
    let pings = before
        .iter()
        .filter(|f| matches!(f, Message::Ping(_)))
        .count();
    assert!(pings >= 5, "{before:?}");

    mock.stall_ws(true);
    mock.agent_reply(&conversation, "while stalled");
    let remove = json!({"type": "ModifyQuerySet", "baseVersion": 1, "newVersion": 2,
        "modifications": [{"type": "Remove", "queryId": 1}]});
    send_raw(&mut socket, remove).await;
    let during = frames_within(&mut socket, SILENCE).await;
    // At most one frame that was already on its way when the stall began.
    assert!(during.len() <= 1, "{during:?}");
    assert!(
        during.iter().all(|f| matches!(f, Message::Ping(_))),
        "{during:?}"
    );
    assert_eq!(mock.ws_connections(), 1, "the socket stays open");

    // Resumed: the queued work is done in order, from the version sent last.
    mock.stall_ws(false);
    let next = recv_raw(&mut socket).await.unwrap();
    assert_eq!(next["type"], "Transition", "{next}");
    assert_eq!(next["startVersion"], first["endVersion"]);
    let mut seen = vec![next];
    while seen.last().unwrap()["endVersion"]["querySet"] != 2 {
        seen.push(recv_raw(&mut socket).await.unwrap());
    }
    let last = seen.last().unwrap();
    assert!(last["modifications"]
        .as_array()
        .unwrap()
        .contains(&json!({"type": "QueryRemoved", "queryId": 1})));

    // Dropping works while stalled too.
    mock.stall_ws(true);
    mock.drop_ws_connections();
    assert!(eventually(|| mock.ws_connections() == 0).await);
    mock.stall_ws(false);
}

const SESSION: &str = "5d7f6c1e-9a0b-4c3d-8e2f-1a2b3c4d5e6f";

async fn connect(mock: &ServerMock, session: &str, count: u32) -> Socket {
    let url = format!("{}/api/sync", mock.url().replacen("http://", "ws://", 1));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    send_raw(
        &mut socket,
        json!({"type": "Connect", "sessionId": session, "connectionCount": count,
               "lastCloseReason": if count == 0 { "InitialConnect" } else { "Lost" },
               "clientTs": 0}),
    )
    .await;
    socket
}

fn send_message(request_id: u32, conversation: &str, visitor: &str, token: &str) -> Value {
    json!({"type": "Mutation", "requestId": request_id, "udfPath": "messages:send",
           "args": [{"conversationId": conversation, "senderId": visitor,
                     "senderType": "visitor", "content": "once", "sessionToken": token}]})
}

/// The next `MutationResponse` (Transitions and Pings skipped).
async fn mutation_response(socket: &mut Socket) -> Value {
    loop {
        let message = recv_raw(socket).await.expect("open");
        if message["type"] == "MutationResponse" {
            return message;
        }
    }
}

#[tokio::test]
async fn a_mutation_resent_after_a_lost_response_runs_once() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "once").await;
    let before = mock.messages(&conversation).len();

    mock.drop_next_mutation_response(Some("messages.js:send"));
    let mut socket = connect(&mock, SESSION, 0).await;
    send_raw(
        &mut socket,
        send_message(0, &conversation, &visitor, &token),
    )
    .await;
    assert_eq!(
        recv_raw(&mut socket).await,
        None,
        "the socket dies instead of answering"
    );
    assert_eq!(mock.messages(&conversation).len(), before + 1, "it ran");

    // The client reconnects with the same session and re-sends request 0: the original result.
    let mut socket = connect(&mock, SESSION, 1).await;
    send_raw(
        &mut socket,
        send_message(0, &conversation, &visitor, &token),
    )
    .await;
    let response = mutation_response(&mut socket).await;
    assert_eq!(response["success"], true, "{response}");
    let stored = mock.messages(&conversation);
    assert_eq!(stored.len(), before + 1, "not run a second time");
    assert_eq!(response["result"], stored.last().unwrap()["_id"]);
    let first_ts = crate::sync::ts_of(&response);

    // Sent once more on the same socket: still the same answer and commit timestamp.
    send_raw(
        &mut socket,
        send_message(0, &conversation, &visitor, &token),
    )
    .await;
    let again = mutation_response(&mut socket).await;
    assert_eq!(again["result"], response["result"]);
    assert_eq!(crate::sync::ts_of(&again), first_ts);
    assert_eq!(mock.messages(&conversation).len(), before + 1);

    // Another session's request 0, or this session's request 1, is a new mutation.
    send_raw(
        &mut socket,
        send_message(1, &conversation, &visitor, &token),
    )
    .await;
    assert_eq!(mutation_response(&mut socket).await["success"], true);
    let mut other = connect(&mock, "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f", 0).await;
    send_raw(&mut other, send_message(0, &conversation, &visitor, &token)).await;
    assert_eq!(mutation_response(&mut other).await["success"], true);
    assert_eq!(mock.messages(&conversation).len(), before + 3);
}

#[tokio::test]
async fn a_failed_mutation_is_not_remembered() {
    // Convex records only committed mutations: a failure re-sent runs (and fails) again.
    let mock = ServerMock::start().await.unwrap();
    let (_, visitor, conversation) = visitor_with_conversation(&mock, "fail").await;
    let mut socket = connect(&mock, SESSION, 0).await;
    for _ in 0..2 {
        send_raw(
            &mut socket,
            send_message(0, &conversation, &visitor, "wst_not_a_token"),
        )
        .await;
        assert_eq!(mutation_response(&mut socket).await["success"], false);
    }
    let runs = mock
        .calls()
        .iter()
        .filter(|c| c.path == "messages:send")
        .count();
    assert_eq!(runs, 2);
}

/// The `convex` crate (0.10.4) starts every connection with a fresh `sessionId`
/// (`web_socket_manager.rs`), so a mutation it re-sends after a lost response is a new
/// request to Convex and runs again: the mock reproduces that duplicate (SDKs that send
/// mutations through the crate must deduplicate themselves, or send them over HTTP).
#[tokio::test]
async fn the_convex_crate_resends_a_lost_mutation_under_a_new_session_so_it_runs_twice() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "crate").await;
    let before = mock.messages(&conversation).len();
    let (_, state) = control(
        &mock,
        "POST",
        "/ws/drop-next-mutation-response",
        Some(json!({"onlyPath": "messages:send"})),
    )
    .await;
    assert_eq!(state["pendingResponseDrops"], 1);
    let mut client = convex::ConvexClient::new(&mock.url()).await.unwrap();
    let result = within(client.mutation(
        "messages:send",
        args(json!({"conversationId": conversation, "senderId": visitor,
                    "senderType": "visitor", "content": "twice", "sessionToken": token})),
    ))
    .await
    .unwrap();
    let convex::FunctionResult::Value(id) = result else {
        panic!("{result:?}");
    };
    let stored = mock.messages(&conversation);
    assert_eq!(
        stored.len(),
        before + 2,
        "re-sent under a new session: ran again"
    );
    assert_eq!(id.export(), stored.last().unwrap()["_id"]);
    assert_eq!(stored[before]["content"], stored[before + 1]["content"]);
    let (_, state) = control(&mock, "GET", "/ws/faults", None).await;
    assert_eq!(state["pendingResponseDrops"], 0);
}
