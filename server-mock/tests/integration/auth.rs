//! Convex Auth over HTTP and the agent functions: password and email-code sign-in, refresh
//! rotation with the reuse window, sign-out, `currentUser`, roles and permissions, tenant
//! isolation, the inbox, and the JWT over the WebSocket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use convex::{ConvexClient, FunctionResult};
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use common::{action, client, control, envelope, mutation, uncaught, visitor_with_conversation};

const PASSWORD: &str = "Passw0rd-123!";

/// POSTs a call with an optional `Authorization: Bearer`.
async fn call(
    mock: &ServerMock,
    endpoint: &str,
    path: &str,
    args: Value,
    jwt: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = client()
        .post(format!("{}/api/{endpoint}", mock.url()))
        .json(&json!({"path": path, "args": args, "format": "json"}));
    if let Some(jwt) = jwt {
        request = request.bearer_auth(jwt);
    }
    let response = request.send().await.expect("send");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

async fn as_agent(
    mock: &ServerMock,
    endpoint: &str,
    path: &str,
    args: Value,
    jwt: &str,
) -> Result<Value, String> {
    let (status, body) = call(mock, endpoint, path, args, Some(jwt)).await;
    envelope(status, body)
}

/// Signs in with the password provider; returns `{token, refreshToken}`.
async fn sign_in(mock: &ServerMock, email: &str, password: &str) -> Result<Value, String> {
    action(
        mock,
        "auth:signIn",
        json!({"provider": "password",
               "params": {"email": email, "password": password, "flow": "signIn"}}),
    )
    .await
    .map(|v| v["tokens"].clone())
}

async fn refresh(mock: &ServerMock, refresh_token: &str) -> Value {
    action(mock, "auth:signIn", json!({"refreshToken": refresh_token}))
        .await
        .unwrap()["tokens"]
        .clone()
}

/// A user with `role` in the default workspace, signed in: `(userId, jwt, refreshToken)`.
async fn agent(mock: &ServerMock, email: &str, role: Role) -> (String, String, String) {
    let user = mock.create_agent(&mock.workspace_id(), email, PASSWORD, role);
    let tokens = sign_in(mock, email, PASSWORD).await.unwrap();
    (
        user,
        tokens["token"].as_str().unwrap().to_owned(),
        tokens["refreshToken"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn password_sign_in_issues_a_jwt_that_current_user_accepts() {
    let mock = ServerMock::start().await.unwrap();
    let user = mock.create_agent(
        &mock.workspace_id(),
        " Ana@Example.com ",
        PASSWORD,
        Role::Admin,
    );
    let tokens = sign_in(&mock, "ana@example.com", PASSWORD).await.unwrap();
    let jwt = tokens["token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3);
    let refresh_token = tokens["refreshToken"].as_str().unwrap();
    assert_eq!(refresh_token.split('|').count(), 2);

    let me = as_agent(&mock, "query", "auth:currentUser", json!({}), jwt)
        .await
        .unwrap();
    assert_eq!(me["user"]["_id"], user.as_str());
    assert_eq!(me["user"]["email"], "ana@example.com");
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["user"]["workspaceId"], mock.workspace_id().as_str());
    assert_eq!(me["workspaces"][0]["_id"], mock.workspace_id().as_str());
    assert_eq!(me["workspaces"][0]["role"], "admin");

    // Anonymous: null, not an error.
    let (status, body) = call(&mock, "query", "auth:currentUser", json!({}), None).await;
    assert_eq!(envelope(status, body).unwrap(), Value::Null);
    let authed = as_agent(&mock, "query", "auth:isAuthenticated", json!({}), jwt).await;
    assert_eq!(authed.unwrap(), json!(true));
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_are_refused() {
    let mock = ServerMock::start().await.unwrap();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let wrong = sign_in(&mock, "ana@example.com", "wrong-password-1").await;
    assert_eq!(uncaught(&wrong.unwrap_err()), "InvalidSecret");
    let unknown = sign_in(&mock, "bob@example.com", PASSWORD).await;
    assert_eq!(uncaught(&unknown.unwrap_err()), "InvalidAccountId");
    let missing = action(
        &mock,
        "auth:signIn",
        json!({"provider": "password", "params": {"email": "ana@example.com", "flow": "signIn"}}),
    )
    .await;
    assert_eq!(
        uncaught(&missing.unwrap_err()),
        "Missing `password` param for `signIn` flow"
    );
}

#[tokio::test]
async fn sign_up_creates_an_admin_of_a_new_workspace() {
    let mock = ServerMock::start().await.unwrap();
    let short = action(
        &mock,
        "auth:signIn",
        json!({"provider": "password",
               "params": {"email": "new@example.com", "password": "short", "flow": "signUp"}}),
    )
    .await;
    assert_eq!(uncaught(&short.unwrap_err()), "Invalid password");
    let tokens = action(
        &mock,
        "auth:signIn",
        json!({"provider": "password",
               "params": {"email": "new@example.com", "password": PASSWORD, "flow": "signUp",
                          "workspaceName": "Acme"}}),
    )
    .await
    .unwrap()["tokens"]
        .clone();
    let me = as_agent(
        &mock,
        "query",
        "auth:currentUser",
        json!({}),
        tokens["token"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["workspaces"][0]["name"], "Acme");
    assert_ne!(me["user"]["workspaceId"], mock.workspace_id().as_str());
}

#[tokio::test]
async fn garbage_and_expired_bearers_are_rejected_with_401() {
    let mock = ServerMock::start().await.unwrap();
    let (status, body) = call(
        &mock,
        "query",
        "auth:currentUser",
        json!({}),
        Some("not-a-jwt"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Fixture 47, byte for byte.
    assert_eq!(
        body,
        json!({"code": "InvalidAuthHeader", "message": "Could not verify OIDC token claim. Check \
               that the token signature is valid and the token hasn't expired. (Invalid Compact JWS)"})
    );

    let (_, jwt, _) = agent(&mock, "ana@example.com", Role::Agent).await;
    let forged = format!("{}x", jwt);
    let (status, body) = call(&mock, "query", "auth:currentUser", json!({}), Some(&forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "InvalidAuthHeader");

    mock.clock().advance(Duration::from_secs(3599));
    let (status, _) = call(&mock, "query", "auth:currentUser", json!({}), Some(&jwt)).await;
    assert_eq!(status, StatusCode::OK, "still valid just before the hour");
    mock.clock().advance(Duration::from_secs(1));
    let (status, body) = call(&mock, "query", "auth:currentUser", json!({}), Some(&jwt)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["message"],
        "Could not verify OIDC token claim. Check that the token signature is valid and the \
         token hasn't expired."
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_with_a_ten_second_reuse_window() {
    let mock = ServerMock::start().await.unwrap();
    // The window is measured on the mock clock: hold it still so only `advance` moves it.
    mock.clock().freeze();
    let (_, _, first) = agent(&mock, "ana@example.com", Role::Agent).await;

    let second = refresh(&mock, &first).await;
    let second_rt = second["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(second_rt, first);
    let jwt = second["token"].as_str().unwrap();
    assert!(as_agent(&mock, "query", "auth:currentUser", json!({}), jwt)
        .await
        .unwrap()
        .is_object());

    // A concurrent refresh with the same token within 10 s still works (and is another child).
    mock.clock().advance(Duration::from_millis(9_999));
    let again = refresh(&mock, &first).await;
    assert!(again["refreshToken"].is_string());

    // Outside the window, the replay signs out the whole subtree, the rotated token included.
    mock.clock().advance(Duration::from_millis(1));
    assert_eq!(refresh(&mock, &first).await, Value::Null);
    assert_eq!(refresh(&mock, &second_rt).await, Value::Null);

    // Garbage and unknown tokens are `{tokens: null}` too.
    assert_eq!(refresh(&mock, "garbage").await, Value::Null);
    assert_eq!(refresh(&mock, "a|b").await, Value::Null);
}

#[tokio::test]
async fn an_unused_rotated_token_keeps_working_and_sign_out_ends_the_session() {
    let mock = ServerMock::start().await.unwrap();
    let (_, jwt, first) = agent(&mock, "ana@example.com", Role::Agent).await;
    mock.clock().advance(Duration::from_secs(50 * 60));
    let second = refresh(&mock, &first).await;
    mock.clock().advance(Duration::from_secs(50 * 60));
    let third = refresh(&mock, second["refreshToken"].as_str().unwrap()).await;
    assert!(third["token"].is_string());

    let out = as_agent(
        &mock,
        "action",
        "auth:signOut",
        json!({}),
        third["token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(out.unwrap(), Value::Null);
    assert_eq!(
        refresh(&mock, third["refreshToken"].as_str().unwrap()).await,
        Value::Null
    );
    // The first JWT expired long ago.
    let (status, _) = call(&mock, "query", "auth:currentUser", json!({}), Some(&jwt)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn email_codes_sign_in_existing_users() {
    let mock = ServerMock::start().await.unwrap();
    let user = mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let started = action(
        &mock,
        "auth:signIn",
        json!({"provider": "resend-otp", "params": {"email": "ana@example.com"}}),
    )
    .await
    .unwrap();
    assert_eq!(started, json!({"started": true}));
    let code = mock.otp_code("ANA@example.com").unwrap();
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let (status, body) = control(
        &mock,
        "POST",
        "/otp-code",
        Some(json!({"email": "ana@example.com"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["code"], code.as_str());

    let wrong = if code == "000000" { "000001" } else { "000000" };
    let refused = action(
        &mock,
        "auth:signIn",
        json!({"provider": "resend-otp", "params": {"email": "ana@example.com", "code": wrong}}),
    )
    .await;
    assert_eq!(uncaught(&refused.unwrap_err()), "Could not verify code");

    let tokens = action(
        &mock,
        "auth:signIn",
        json!({"provider": "resend-otp", "params": {"email": "ana@example.com", "code": code}}),
    )
    .await
    .unwrap()["tokens"]
        .clone();
    let me = as_agent(
        &mock,
        "query",
        "auth:currentUser",
        json!({}),
        tokens["token"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(me["user"]["_id"], user.as_str());
    // Codes are single-use.
    assert_eq!(mock.otp_code("ana@example.com"), None);
}

#[tokio::test]
async fn agent_replies_need_conversations_reply() {
    let mock = ServerMock::start().await.unwrap();
    let (_, visitor, conversation) = visitor_with_conversation(&mock, "s1").await;
    let (agent_id, agent_jwt, _) = agent(&mock, "agent@example.com", Role::Agent).await;
    let (viewer_id, viewer_jwt, _) = agent(&mock, "viewer@example.com", Role::Viewer).await;
    let send = |sender: &str| {
        json!({"conversationId": conversation, "senderId": sender, "senderType": "agent",
               "content": "Hello from a human"})
    };

    let anonymous = mutation(&mock, "messages:send", send(&visitor)).await;
    assert_eq!(uncaught(&anonymous.unwrap_err()), "Not authenticated");
    let denied = as_agent(
        &mock,
        "mutation",
        "messages:send",
        send(&viewer_id),
        &viewer_jwt,
    )
    .await;
    assert_eq!(
        uncaught(&denied.unwrap_err()),
        "Permission denied: conversations.reply"
    );

    let id = as_agent(
        &mock,
        "mutation",
        "messages:send",
        send(&agent_id),
        &agent_jwt,
    )
    .await
    .unwrap();
    assert!(id.is_string());
    let messages = as_agent(
        &mock,
        "query",
        "messages:list",
        json!({"conversationId": conversation}),
        &viewer_jwt,
    )
    .await
    .unwrap();
    let last = messages.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["senderType"], "agent");
    assert_eq!(last["senderId"], agent_id.as_str());
    assert_eq!(last["senderName"], "agent");
    let conv = mock.conversations(&visitor)[0].clone();
    assert_eq!(conv["unreadByVisitor"], 1);
}

#[tokio::test]
async fn other_workspaces_are_out_of_reach() {
    let mock = ServerMock::start().await.unwrap();
    let (_, _, conversation) = visitor_with_conversation(&mock, "s1").await;
    let other = mock.create_workspace("Other");
    let outsider = mock.create_agent(&other, "out@example.com", PASSWORD, Role::Owner);
    let jwt = sign_in(&mock, "out@example.com", PASSWORD).await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let inbox = as_agent(
        &mock,
        "query",
        "conversations:listForInbox",
        json!({"workspaceId": mock.workspace_id()}),
        &jwt,
    )
    .await;
    assert_eq!(
        uncaught(&inbox.unwrap_err()),
        "Not a member of this workspace"
    );
    let send = as_agent(
        &mock,
        "mutation",
        "messages:send",
        json!({"conversationId": conversation, "senderId": outsider, "senderType": "agent",
               "content": "spoof"}),
        &jwt,
    )
    .await;
    assert_eq!(
        uncaught(&send.unwrap_err()),
        "Not a member of this workspace"
    );
    let get = as_agent(
        &mock,
        "query",
        "conversations:get",
        json!({"id": conversation}),
        &jwt,
    )
    .await;
    assert_eq!(get.unwrap(), Value::Null);
    let messages = as_agent(
        &mock,
        "query",
        "messages:list",
        json!({"conversationId": conversation}),
        &jwt,
    )
    .await;
    assert_eq!(messages.unwrap(), json!([]));
    // Their own workspace works.
    let own = as_agent(
        &mock,
        "query",
        "conversations:listForInbox",
        json!({"workspaceId": other}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(own, json!({"conversations": [], "nextCursor": null}));
    let switched = as_agent(
        &mock,
        "mutation",
        "auth:switchWorkspace",
        json!({"workspaceId": mock.workspace_id()}),
        &jwt,
    )
    .await;
    assert_eq!(
        uncaught(&switched.unwrap_err()),
        "Not a member of this workspace"
    );
}

#[tokio::test]
async fn the_inbox_pages_with_a_cursor_and_filters() {
    let mock = ServerMock::start().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let (_, _, conversation) = visitor_with_conversation(&mock, &format!("s{i}")).await;
        mock.clock().advance(Duration::from_secs(1));
        ids.push(conversation);
    }
    let (_, jwt, _) = agent(&mock, "agent@example.com", Role::Agent).await;
    as_agent(
        &mock,
        "mutation",
        "conversations:updateStatus",
        json!({"id": ids[0], "status": "closed"}),
        &jwt,
    )
    .await
    .unwrap();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut args = json!({"workspaceId": mock.workspace_id(), "limit": 2});
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let page = as_agent(&mock, "query", "conversations:listForInbox", args, &jwt)
            .await
            .unwrap();
        pages += 1;
        for row in page["conversations"].as_array().unwrap() {
            assert!(row["visitor"]["_id"].is_string());
            assert_eq!(
                row["lastMessage"]["content"],
                "Hi! How can we help you today?"
            );
            assert_eq!(row["aiWorkflow"]["state"], "none");
            seen.push(row["_id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    // Newest activity first.
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(seen, expected);

    let open = as_agent(
        &mock,
        "query",
        "conversations:listForInbox",
        json!({"workspaceId": mock.workspace_id(), "status": "closed"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(open["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(open["conversations"][0]["_id"], ids[0].as_str());
    assert!(open["conversations"][0]["resolvedAt"].is_number());
}

#[tokio::test]
async fn status_assignment_and_read_state_follow_the_role() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "s1").await;
    mutation(
        &mock,
        "messages:send",
        json!({"conversationId": conversation, "senderId": visitor, "senderType": "visitor",
               "content": "help", "sessionToken": token}),
    )
    .await
    .unwrap();
    let (agent_id, agent_jwt, _) = agent(&mock, "agent@example.com", Role::Agent).await;
    let (_, viewer_jwt, _) = agent(&mock, "viewer@example.com", Role::Viewer).await;

    let denied = as_agent(
        &mock,
        "mutation",
        "conversations:updateStatus",
        json!({"id": conversation, "status": "snoozed"}),
        &viewer_jwt,
    )
    .await;
    assert_eq!(
        uncaught(&denied.unwrap_err()),
        "Permission denied: conversations.close"
    );
    let denied = as_agent(
        &mock,
        "mutation",
        "conversations:assign",
        json!({"id": conversation, "agentId": agent_id}),
        &viewer_jwt,
    )
    .await;
    assert_eq!(
        uncaught(&denied.unwrap_err()),
        "Permission denied: conversations.assign"
    );

    as_agent(
        &mock,
        "mutation",
        "conversations:assign",
        json!({"id": conversation, "agentId": agent_id}),
        &agent_jwt,
    )
    .await
    .unwrap();
    assert_eq!(mock.conversations(&visitor)[0]["unreadByAgent"], 1);
    // Viewers may read, so they may mark as read.
    as_agent(
        &mock,
        "mutation",
        "conversations:markAsRead",
        json!({"id": conversation, "readerType": "agent"}),
        &viewer_jwt,
    )
    .await
    .unwrap();
    let doc = as_agent(
        &mock,
        "query",
        "conversations:get",
        json!({"id": conversation}),
        &viewer_jwt,
    )
    .await
    .unwrap();
    assert_eq!(doc["assignedAgentId"], agent_id.as_str());
    assert_eq!(doc["unreadByAgent"], 0);

    as_agent(
        &mock,
        "mutation",
        "conversations:updateStatus",
        json!({"id": conversation, "status": "closed"}),
        &agent_jwt,
    )
    .await
    .unwrap();
    as_agent(
        &mock,
        "mutation",
        "conversations:updateStatus",
        json!({"id": conversation, "status": "open"}),
        &agent_jwt,
    )
    .await
    .unwrap();
    let doc = mock.conversations(&visitor)[0].clone();
    assert_eq!(doc["status"], "open");
    assert!(doc.get("resolvedAt").is_none());
}

#[tokio::test]
async fn visitors_search_list_and_get_need_users_read() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor, _) = visitor_with_conversation(&mock, "s1").await;
    mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor, "sessionToken": token, "name": "Jane Doe",
               "email": "jane@example.com"}),
    )
    .await
    .unwrap();
    visitor_with_conversation(&mock, "s2").await;
    let (_, jwt, _) = agent(&mock, "viewer@example.com", Role::Viewer).await;

    let by_name = as_agent(
        &mock,
        "query",
        "visitors:search",
        json!({"workspaceId": ws, "query": "jane"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(by_name.as_array().unwrap().len(), 1);
    assert_eq!(by_name[0]["_id"], visitor.as_str());
    let by_email = as_agent(
        &mock,
        "query",
        "visitors:search",
        json!({"workspaceId": ws, "query": "JANE@example.com"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(by_email[0]["_id"], visitor.as_str());
    let short = as_agent(
        &mock,
        "query",
        "visitors:search",
        json!({"workspaceId": ws, "query": "j"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(short, json!([]));

    let all = as_agent(
        &mock,
        "query",
        "visitors:list",
        json!({"workspaceId": ws}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let one = as_agent(&mock, "query", "visitors:get", json!({"id": visitor}), &jwt)
        .await
        .unwrap();
    assert_eq!(one["name"], "Jane Doe");

    let (status, body) = call(
        &mock,
        "query",
        "visitors:list",
        json!({"workspaceId": ws}),
        None,
    )
    .await;
    assert_eq!(
        uncaught(&envelope(status, body).unwrap_err()),
        "Not authenticated"
    );
    let (status, body) = call(&mock, "query", "visitors:get", json!({"id": visitor}), None).await;
    assert_eq!(envelope(status, body).unwrap(), Value::Null);
}

#[tokio::test]
async fn the_control_api_creates_agents() {
    let mock = ServerMock::start().await.unwrap();
    let (status, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{}/agents", mock.workspace_id()),
        Some(json!({"email": "ops@example.com", "password": PASSWORD, "role": "viewer"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["userId"].is_string());
    assert!(sign_in(&mock, "ops@example.com", PASSWORD).await.is_ok());
    let (status, _) = control(
        &mock,
        "POST",
        &format!("/workspaces/{}/agents", mock.workspace_id()),
        Some(json!({"email": "x@example.com", "password": PASSWORD, "role": "king"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(mock.agents(&mock.workspace_id())[0]["role"], "viewer");
}

#[tokio::test]
async fn the_websocket_honours_the_jwt() {
    let mock = ServerMock::start().await.unwrap();
    let (user, jwt, _) = agent(&mock, "agent@example.com", Role::Agent).await;
    let mut convex = ConvexClient::new(&mock.url()).await.unwrap();
    convex.set_auth(Some(jwt)).await;
    let mut me = convex
        .subscribe("auth:currentUser", BTreeMap::new())
        .await
        .unwrap();
    let value = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match me.next().await {
                Some(FunctionResult::Value(value)) => {
                    let value = value.export();
                    if !value.is_null() {
                        return value;
                    }
                }
                Some(other) => panic!("unexpected {other:?}"),
                None => panic!("subscription closed"),
            }
        }
    })
    .await
    .expect("within the limit");
    assert_eq!(value["user"]["_id"], user.as_str());
}
