//! The Convex WebSocket sync protocol (`/api/sync`), driven by the official `convex` crate
//! (0.10.4) and, for the wire details, by a raw WebSocket client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use convex::{
    ConvexClient, ConvexClientBuilder, FunctionResult, QuerySubscription, WebSocketState,
};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server_mock::{CallOutcome, ServerMock, Transport};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use common::{detail, mutation, visitor_with_conversation};

/// Every wait in this file is bounded by this.
pub(crate) const LIMIT: Duration = Duration::from_secs(20);

pub(crate) fn args(value: Value) -> BTreeMap<String, convex::Value> {
    value
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                convex::Value::try_from(v.clone()).expect("convex value"),
            )
        })
        .collect()
}

/// The next result of a subscription, within the limit.
pub(crate) async fn next(subscription: &mut QuerySubscription) -> Result<Value, String> {
    let item = tokio::time::timeout(LIMIT, subscription.next())
        .await
        .expect("a result within the limit")
        .expect("the subscription is open");
    match item {
        FunctionResult::Value(value) => Ok(value.export()),
        FunctionResult::ErrorMessage(message) => Err(message),
        FunctionResult::ConvexError(error) => Err(error.message),
    }
}

/// Waits for a result satisfying `pred`.
pub(crate) async fn until(
    subscription: &mut QuerySubscription,
    mut pred: impl FnMut(&Result<Value, String>) -> bool,
) -> Result<Value, String> {
    loop {
        let result = next(subscription).await;
        if pred(&result) {
            return result;
        }
    }
}

pub(crate) async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future)
        .await
        .expect("within the limit")
}

fn contents(messages: &Value) -> Vec<String> {
    messages
        .as_array()
        .expect("array")
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect()
}

/// Waits (bounded) until `condition` holds.
pub(crate) async fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + LIMIT;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    condition()
}

/// Waits for a connection state (the channel stays open while the client lives).
async fn wait_for(
    states: &mut mpsc::Receiver<WebSocketState>,
    pred: impl Fn(&WebSocketState) -> bool,
) {
    while let Some(state) = states.recv().await {
        if pred(&state) {
            return;
        }
    }
    panic!("the state channel closed");
}

#[tokio::test]
async fn a_subscription_gets_its_result_then_live_updates() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let mut client = ConvexClient::new(&mock.url()).await.unwrap();
    let mut messages = client
        .subscribe(
            "messages:list",
            args(json!({"conversationId": conversation, "visitorId": visitor,
                        "sessionToken": token})),
        )
        .await
        .unwrap();
    let first = next(&mut messages).await.unwrap();
    assert_eq!(contents(&first), ["Hi! How can we help you today?"]);
    assert_eq!(mock.ws_connections(), 1);

    mock.agent_reply(&conversation, "Hello from support");
    let second = next(&mut messages).await.unwrap();
    assert_eq!(
        contents(&second),
        ["Hi! How can we help you today?", "Hello from support"]
    );
    assert_eq!(second[1]["senderName"], "Alex from Support");

    // An HTTP mutation shows up too.
    mutation(
        &mock,
        "messages:send",
        json!({"conversationId": conversation, "senderId": visitor, "senderType": "visitor",
               "content": "over HTTP", "sessionToken": token}),
    )
    .await
    .unwrap();
    let third = next(&mut messages).await.unwrap();
    assert_eq!(contents(&third).last().unwrap(), "over HTTP");

    // Several queries on one socket; the unread count follows agent replies.
    let ws = mock.workspace_id();
    let mut unread = client
        .subscribe(
            "conversations:getTotalUnreadForVisitor",
            args(json!({"sessionToken": token, "workspaceId": ws})),
        )
        .await
        .unwrap();
    assert_eq!(next(&mut unread).await.unwrap(), json!(1.0));
    mock.agent_reply(&conversation, "Still there?");
    assert_eq!(
        until(&mut unread, |r| r.as_ref().is_ok_and(|v| *v == json!(2.0)))
            .await
            .unwrap(),
        json!(2.0)
    );
    assert_eq!(mock.ws_connections(), 1, "one socket per client");

    // Subscriptions are recorded once, not per re-run.
    let recorded: Vec<_> = mock
        .calls()
        .into_iter()
        .filter(|c| c.transport == Transport::WebSocket)
        .collect();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].path, "messages:list");
    assert_eq!(recorded[0].endpoint, "query");
    assert_eq!(recorded[0].args["conversationId"], json!(conversation));
}

#[tokio::test]
async fn mutations_and_actions_run_over_the_socket() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let mut client = ConvexClient::new(&mock.url()).await.unwrap();
    let mut messages = client
        .subscribe(
            "messages:list",
            args(json!({"conversationId": conversation, "sessionToken": token})),
        )
        .await
        .unwrap();
    next(&mut messages).await.unwrap();

    let sent = within(client.mutation(
        "messages:send",
        args(json!({"conversationId": conversation, "senderId": visitor,
                    "senderType": "visitor", "content": "over the socket",
                    "sessionToken": token})),
    ))
    .await
    .unwrap();
    let FunctionResult::Value(id) = sent else {
        panic!("expected a value, got {sent:?}")
    };
    let id = id.export();
    assert!(mock.messages(&conversation).iter().any(|m| m["_id"] == id));
    // Read-your-writes: the subscription has it by the time the mutation completed.
    let latest = next(&mut messages).await.unwrap();
    assert_eq!(latest.as_array().unwrap().last().unwrap()["_id"], id);

    mock.set_ai_enabled(&mock.workspace_id(), true);
    let answered = within(client.action(
        "aiAgentActions:generateResponse",
        args(
            json!({"workspaceId": mock.workspace_id(), "conversationId": conversation,
                    "sessionToken": token, "query": "How do I reset my password?"}),
        ),
    ))
    .await
    .unwrap();
    let FunctionResult::Value(answer) = answered else {
        panic!("expected a value, got {answered:?}")
    };
    let answer = answer.export();
    assert_eq!(answer["handoff"], false);
    let with_ai = until(&mut messages, |r| {
        r.as_ref().is_ok_and(|m| {
            m.as_array()
                .unwrap()
                .iter()
                .any(|x| x["senderId"] == "ai-agent")
        })
    })
    .await
    .unwrap();
    assert_eq!(
        with_ai.as_array().unwrap().last().unwrap()["_id"],
        answer["messageId"]
    );

    let recorded: Vec<(String, String)> = mock
        .calls()
        .into_iter()
        .filter(|c| c.transport == Transport::WebSocket && c.endpoint != "query")
        .map(|c| (c.endpoint, c.path))
        .collect();
    assert_eq!(
        recorded,
        [
            ("mutation".to_owned(), "messages:send".to_owned()),
            (
                "action".to_owned(),
                "aiAgentActions:generateResponse".to_owned()
            )
        ]
    );
}

#[tokio::test]
async fn failed_mutations_complete_with_the_http_error_text() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let mut client = ConvexClient::new(&mock.url()).await.unwrap();
    let failed = within(client.mutation(
        "messages:send",
        args(
            json!({"conversationId": conversation, "senderId": visitor, "senderType": "bot",
                    "content": "x", "sessionToken": token}),
        ),
    ))
    .await
    .unwrap();
    let FunctionResult::ErrorMessage(message) = failed else {
        panic!("expected an error, got {failed:?}")
    };
    assert_eq!(
        detail(&message),
        "Uncaught Error: Not authorized: bot messages can only be sent by internal system callers"
    );
    // Validation, kind and unknown-function errors too.
    let wrong_kind = within(client.mutation(
        "messages:list",
        args(json!({"conversationId": conversation})),
    ))
    .await
    .unwrap();
    assert!(matches!(&wrong_kind, FunctionResult::ErrorMessage(m)
        if detail(m) == "Trying to execute messages:list as Mutation, but it is defined as Query."));
    let invalid = within(client.mutation("messages:send", args(json!({}))))
        .await
        .unwrap();
    assert!(matches!(&invalid, FunctionResult::ErrorMessage(m)
        if detail(m).starts_with("ArgumentValidationError: ")));
    let action = within(client.action("nope:missing", args(json!({}))))
        .await
        .unwrap();
    assert!(matches!(&action, FunctionResult::ErrorMessage(m)
        if detail(m).starts_with("Could not find public function for 'nope:missing'")));
    assert_eq!(mock.messages(&conversation).len(), 1, "nothing was written");

    // The client is not stuck: the next mutation works.
    let ok = within(client.mutation(
        "messages:send",
        args(json!({"conversationId": conversation, "senderId": visitor,
                    "senderType": "visitor", "content": "fine", "sessionToken": token})),
    ))
    .await
    .unwrap();
    assert!(matches!(ok, FunctionResult::Value(_)), "{ok:?}");
    let outcomes: Vec<bool> = mock
        .calls()
        .iter()
        .filter(|c| c.transport == Transport::WebSocket)
        .map(|c| c.outcome == CallOutcome::Success)
        .collect();
    assert_eq!(outcomes, [false, false, false, false, true]);
}

#[tokio::test]
async fn query_errors_are_query_failed_with_the_http_text() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, _, conversation) = visitor_with_conversation(&mock, "a").await;
    let mut client = ConvexClient::new(&mock.url()).await.unwrap();
    let mut list = client
        .subscribe(
            "conversations:listByVisitor",
            args(json!({"sessionToken": token, "workspaceId": ws})),
        )
        .await
        .unwrap();
    let mut unread = client
        .subscribe(
            "conversations:getTotalUnreadForVisitor",
            args(json!({"sessionToken": token, "workspaceId": ws})),
        )
        .await
        .unwrap();
    assert_eq!(next(&mut list).await.unwrap().as_array().unwrap().len(), 1);
    assert_eq!(next(&mut unread).await.unwrap(), json!(0.0));

    // The token is rotated away over HTTP: the subscription now fails like HTTP would.
    mutation(
        &mock,
        "widgetSessions:refresh",
        json!({"sessionToken": token}),
    )
    .await
    .unwrap();
    let error = next(&mut list).await.unwrap_err();
    assert_eq!(detail(&error), "Uncaught Error: Invalid session token");
    // A later change does not repeat the same error.
    mock.agent_reply(&conversation, "ping");
    let error = next(&mut unread).await.unwrap_err();
    assert_eq!(detail(&error), "Uncaught Error: Invalid session token");

    // Moving the clock re-runs subscriptions: an expired session shows at once.
    let (token, _) = common::boot_anonymous(&mock, &ws, "b").await;
    let mut fresh = client
        .subscribe(
            "conversations:getTotalUnreadForVisitor",
            args(json!({"sessionToken": token, "workspaceId": ws})),
        )
        .await
        .unwrap();
    assert_eq!(next(&mut fresh).await.unwrap(), json!(0.0));
    mock.clock().advance(Duration::from_secs(25 * 3600));
    let error = next(&mut fresh).await.unwrap_err();
    assert_eq!(detail(&error), "Uncaught Error: Session expired");
}

#[tokio::test]
async fn clients_reconnect_after_the_sockets_are_dropped() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let (states_tx, mut states) = mpsc::channel(64);
    let mut client = ConvexClientBuilder::new(&mock.url())
        .with_on_state_change(states_tx)
        .build()
        .await
        .unwrap();
    let mut messages = client
        .subscribe(
            "messages:list",
            args(json!({"conversationId": conversation, "sessionToken": token})),
        )
        .await
        .unwrap();
    next(&mut messages).await.unwrap();
    within(wait_for(&mut states, |s| {
        matches!(s, WebSocketState::Connected)
    }))
    .await;
    assert_eq!(mock.ws_connections(), 1);

    mock.drop_ws_connections();
    mock.agent_reply(&conversation, "during the outage");
    // The client notices, reconnects, re-subscribes (with `messages.js:list`) and catches up.
    within(async {
        wait_for(&mut states, |s| matches!(s, WebSocketState::Connecting)).await;
        wait_for(&mut states, |s| matches!(s, WebSocketState::Connected)).await;
    })
    .await;
    let caught_up = until(&mut messages, |r| {
        r.as_ref()
            .is_ok_and(|m| contents(m).contains(&"during the outage".to_owned()))
    })
    .await
    .unwrap();
    assert_eq!(caught_up.as_array().unwrap().len(), 2);
    assert!(eventually(|| mock.ws_connections() == 1).await);

    // Live again, and mutations still work on the new socket.
    mock.agent_reply(&conversation, "after the outage");
    until(&mut messages, |r| {
        r.as_ref().is_ok_and(|m| m.as_array().unwrap().len() == 3)
    })
    .await
    .unwrap();
    let sent = within(client.mutation(
        "messages:send",
        args(json!({"conversationId": conversation, "senderId": visitor,
                    "senderType": "visitor", "content": "back", "sessionToken": token})),
    ))
    .await
    .unwrap();
    assert!(matches!(sent, FunctionResult::Value(_)), "{sent:?}");
    let resubscribed = mock
        .calls()
        .iter()
        .filter(|c| c.transport == Transport::WebSocket && c.path == "messages:list")
        .count();
    assert_eq!(resubscribed, 2, "subscribed again after the reconnect");
}

#[tokio::test]
async fn upgrades_are_refused_while_websockets_are_off() {
    let mock = ServerMock::start().await.unwrap();
    mock.set_ws_enabled(false);
    let url = mock.url().replacen("http://", "ws://", 1);
    for path in ["/api/sync", "/api/1.28.0/sync"] {
        let refused = tokio_tungstenite::connect_async(format!("{url}{path}")).await;
        match refused {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), 503);
                let body: Value =
                    serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
                assert_eq!(body["code"], "WebSocketsDisabled");
            }
            other => panic!("expected a refused upgrade, got {other:?}"),
        }
    }
    assert_eq!(mock.ws_connections(), 0);

    // The convex client keeps retrying (each refusal is a new `Connecting`) and connects once
    // they are back on.
    let (token, _, conversation) = visitor_with_conversation(&mock, "a").await;
    let (states_tx, mut states) = mpsc::channel(64);
    let mut client = ConvexClientBuilder::new(&mock.url())
        .with_on_state_change(states_tx)
        .build()
        .await
        .unwrap();
    for _ in 0..3 {
        within(wait_for(&mut states, |s| {
            matches!(s, WebSocketState::Connecting)
        }))
        .await;
    }
    assert_eq!(mock.ws_connections(), 0);
    mock.set_ws_enabled(true);
    // `subscribe` fails ("channel closed") when a connection attempt fails while it runs, a
    // quirk of the crate: retry until it is accepted.
    let deadline = tokio::time::Instant::now() + LIMIT;
    let mut messages = loop {
        match client
            .subscribe(
                "messages:list",
                args(json!({"conversationId": conversation, "sessionToken": token})),
            )
            .await
        {
            Ok(subscription) => break subscription,
            Err(error) => assert!(
                tokio::time::Instant::now() < deadline,
                "subscribe kept failing: {error}"
            ),
        }
    };
    assert_eq!(
        next(&mut messages).await.unwrap().as_array().unwrap().len(),
        1
    );
    assert_eq!(mock.ws_connections(), 1);

    // Turning them off does not close the open sockets; dropping does.
    mock.set_ws_enabled(false);
    mock.agent_reply(&conversation, "still live");
    assert_eq!(
        next(&mut messages).await.unwrap().as_array().unwrap().len(),
        2
    );
    mock.drop_ws_connections();
    assert!(eventually(|| mock.ws_connections() == 0).await);
}

// ---------------------------------------------------------------------------------------------
// The wire, with a raw WebSocket client.

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn raw(mock: &ServerMock) -> Socket {
    let url = format!("{}/api/sync", mock.url().replacen("http://", "ws://", 1));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    send_raw(
        &mut socket,
        json!({"type": "Connect", "sessionId": "8b3c0a4e-4b8f-4a6e-9a43-0b1c2d3e4f50",
               "connectionCount": 0, "lastCloseReason": "InitialConnect", "clientTs": 0}),
    )
    .await;
    socket
}

pub(crate) async fn send_raw(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON message (skipping WebSocket ping/pong frames), or `None` when closed.
pub(crate) async fn recv_raw(socket: &mut Socket) -> Option<Value> {
    loop {
        let frame = within(socket.next()).await?;
        match frame {
            Ok(Message::Text(text)) => return Some(serde_json::from_str(text.as_str()).unwrap()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The `ts` of a `StateVersion` or `MutationResponse`: base64 of a little-endian u64.
pub(crate) fn ts_of(message: &Value) -> u64 {
    let version = json!({"querySet": 0, "identity": 0, "ts": message["ts"]});
    u64::from(
        convex_sync_types::StateVersion::try_from(version)
            .unwrap()
            .ts,
    )
}

#[tokio::test]
async fn transitions_chain_versions_exactly() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let mut socket = raw(&mock).await;

    // A query added with the canonicalised `.js` path, args as a one-element array.
    send_raw(
        &mut socket,
        json!({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": [
            {"type": "Add", "queryId": 7, "udfPath": "messages.js:list",
             "args": [{"conversationId": conversation, "sessionToken": token}]}]}),
    )
    .await;
    let first = recv_raw(&mut socket).await.unwrap();
    assert_eq!(first["type"], "Transition");
    assert_eq!(
        first["startVersion"],
        json!({"querySet": 0, "identity": 0, "ts": "AAAAAAAAAAA="})
    );
    assert_eq!(first["endVersion"]["querySet"], 1);
    assert_eq!(first["endVersion"]["identity"], 0);
    let now_ns = mock.clock().now_ms() * 1e6;
    let ts = ts_of(&first["endVersion"]) as f64;
    assert!(
        (now_ns - ts).abs() < 60e9,
        "ts {ts} is nanoseconds near {now_ns}"
    );
    let update = &first["modifications"][0];
    assert_eq!(update["type"], "QueryUpdated");
    assert_eq!(update["queryId"], 7);
    assert_eq!(update["value"].as_array().unwrap().len(), 1);
    assert_eq!(update["logLines"], json!([]));

    // Authenticate (no token): the identity version moves on.
    send_raw(
        &mut socket,
        json!({"type": "Authenticate", "baseVersion": 0, "tokenType": "None"}),
    )
    .await;
    let authed = recv_raw(&mut socket).await.unwrap();
    assert_eq!(authed["startVersion"], first["endVersion"]);
    assert_eq!(authed["endVersion"]["identity"], 1);

    // A failed mutation: the response, then a Transition from the current version.
    send_raw(
        &mut socket,
        json!({"type": "Mutation", "requestId": 0, "udfPath": "messages:send",
               "args": [{"conversationId": conversation, "senderId": visitor,
                         "senderType": "bot", "content": "x"}]}),
    )
    .await;
    let response = recv_raw(&mut socket).await.unwrap();
    assert_eq!(response["type"], "MutationResponse");
    assert_eq!(response["requestId"], 0);
    assert_eq!(response["success"], false);
    assert_eq!(
        detail(response["result"].as_str().unwrap()),
        "Uncaught Error: Not authorized: bot messages can only be sent by internal system callers"
    );
    let after_failure = recv_raw(&mut socket).await.unwrap();
    assert_eq!(after_failure["type"], "Transition");
    assert_eq!(after_failure["startVersion"], authed["endVersion"]);

    // A successful one: its ts is covered by the next Transition, which has the new message.
    send_raw(
        &mut socket,
        json!({"type": "Mutation", "requestId": 1, "udfPath": "messages.js:send",
               "args": [{"conversationId": conversation, "senderId": visitor,
                         "senderType": "visitor", "content": "hi", "sessionToken": token}]}),
    )
    .await;
    let response = recv_raw(&mut socket).await.unwrap();
    assert_eq!(response["success"], true);
    let message_id = response["result"].clone();
    let mutation_ts = ts_of(&response);
    let applied = recv_raw(&mut socket).await.unwrap();
    assert_eq!(applied["startVersion"], after_failure["endVersion"]);
    assert!(ts_of(&applied["endVersion"]) >= mutation_ts);
    assert!(mutation_ts > ts_of(&after_failure["endVersion"]));
    let value = &applied["modifications"][0]["value"];
    assert_eq!(value.as_array().unwrap().last().unwrap()["_id"], message_id);

    // A failing query is QueryFailed; removing a query is QueryRemoved.
    send_raw(
        &mut socket,
        json!({"type": "ModifyQuerySet", "baseVersion": 1, "newVersion": 2, "modifications": [
            {"type": "Add", "queryId": 8, "udfPath": "conversations:listByVisitor",
             "args": [{"sessionToken": "wst_bogus", "workspaceId": mock.workspace_id()}]},
            {"type": "Remove", "queryId": 7}]}),
    )
    .await;
    let changed = recv_raw(&mut socket).await.unwrap();
    assert_eq!(changed["startVersion"], applied["endVersion"]);
    assert_eq!(changed["endVersion"]["querySet"], 2);
    let modifications = changed["modifications"].as_array().unwrap();
    assert!(modifications.contains(&json!({"type": "QueryRemoved", "queryId": 7})));
    let failed = modifications
        .iter()
        .find(|m| m["type"] == "QueryFailed")
        .unwrap();
    assert_eq!(failed["queryId"], 8);
    assert_eq!(
        detail(failed["errorMessage"].as_str().unwrap()),
        "Uncaught Error: Invalid session token"
    );

    // A change elsewhere re-runs the queries; an unchanged result sends nothing, so the next
    // message is the result of the next request.
    mock.agent_reply(&conversation, "not watched any more");
    send_raw(
        &mut socket,
        json!({"type": "Action", "requestId": 2, "udfPath": "nope:missing", "args": [{}]}),
    )
    .await;
    let response = recv_raw(&mut socket).await.unwrap();
    assert_eq!(response["type"], "ActionResponse");
    assert_eq!(response["requestId"], 2);
    assert_eq!(response["success"], false);

    // Wrong base versions are fatal.
    send_raw(
        &mut socket,
        json!({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": []}),
    )
    .await;
    let fatal = recv_raw(&mut socket).await.unwrap();
    assert_eq!(fatal["type"], "FatalError");
    assert!(fatal["error"]
        .as_str()
        .unwrap()
        .contains("query set version"));
    assert_eq!(
        recv_raw(&mut socket).await,
        None,
        "closed after a FatalError"
    );
    assert!(eventually(|| mock.ws_connections() == 0).await);
}

#[tokio::test]
async fn an_idle_socket_gets_a_ping() {
    let mock = ServerMock::start().await.unwrap();
    let mut socket = raw(&mock).await;
    let started = tokio::time::Instant::now();
    let ping = recv_raw(&mut socket).await.unwrap();
    assert_eq!(ping, json!({"type": "Ping"}));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(15),
        "{waited:?}"
    );
}

#[tokio::test]
async fn an_agent_socket_whose_jwt_expires_gets_an_auth_error_and_is_closed() {
    let mock = ServerMock::start().await.unwrap();
    let user = mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        "Passw0rd-123!",
        server_mock::Role::Agent,
    );
    let jwt = mock.agent_token(&user).unwrap();
    let mut socket = raw(&mock).await;
    send_raw(
        &mut socket,
        json!({"type": "Authenticate", "baseVersion": 0, "tokenType": "User", "value": jwt}),
    )
    .await;
    send_raw(
        &mut socket,
        json!({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": [
            {"type": "Add", "queryId": 1, "udfPath": "conversations:listForInbox",
             "args": [{"workspaceId": mock.workspace_id()}]}]}),
    )
    .await;
    // Authenticated: the inbox query answers with rows, not an auth failure.
    let answered = loop {
        let message = recv_raw(&mut socket).await.unwrap();
        if let Some(update) = message["modifications"]
            .as_array()
            .and_then(|m| m.iter().find(|u| u["queryId"] == 1))
        {
            break update.clone();
        }
    };
    assert_eq!(answered["type"], "QueryUpdated", "{answered}");

    // Past the JWT's hour, the next transition is an AuthError and the socket closes.
    mock.clock()
        .advance(std::time::Duration::from_secs(2 * 3600));
    let error = recv_raw(&mut socket).await.unwrap();
    assert_eq!(error["type"], "AuthError", "{error}");
    assert!(error["error"].as_str().unwrap().contains("OIDC"), "{error}");
    assert!(
        recv_raw(&mut socket).await.is_none(),
        "closed after the AuthError"
    );
}
