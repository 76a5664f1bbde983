//! Helpers shared by the integration tests: a reqwest client and thin Convex-call wrappers.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::sync::Once;

use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::ServerMock;

/// A plain-HTTP reqwest client (the rustls provider is installed once, as reqwest is built
/// without one). One client per test thread: each `#[tokio::test]` runs its own runtime on its
/// own thread, and pooled connections must not outlive their runtime.
pub fn client() -> reqwest::Client {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    thread_local! {
        static CLIENT: reqwest::Client = reqwest::Client::builder().build().expect("client");
    }
    CLIENT.with(Clone::clone)
}

/// POSTs `{path, args, format:"json"}` to `/api/<endpoint>`; returns the HTTP status and body.
pub async fn post(
    mock: &ServerMock,
    endpoint: &str,
    path: &str,
    args: Value,
) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}/api/{endpoint}", mock.url()))
        .json(&json!({"path": path, "args": args, "format": "json"}))
        .send()
        .await
        .expect("send");
    let status = response.status();
    let body = response.json::<Value>().await.expect("json body");
    (status, body)
}

/// Unwraps a Convex envelope: `Ok(value)` for success, `Err(errorMessage)` for an error
/// (asserting the HTTP status matches the envelope).
pub fn envelope(status: StatusCode, body: Value) -> Result<Value, String> {
    match body["status"].as_str() {
        Some("success") => {
            assert_eq!(status, StatusCode::OK, "{body}");
            Ok(body["value"].clone())
        }
        Some("error") => {
            assert_eq!(status.as_u16(), 560, "{body}");
            assert_eq!(body["logLines"], json!([]));
            Err(body["errorMessage"]
                .as_str()
                .expect("errorMessage")
                .to_owned())
        }
        _ => panic!("not a Convex envelope (HTTP {status}): {body}"),
    }
}

pub async fn mutation(mock: &ServerMock, path: &str, args: Value) -> Result<Value, String> {
    let (status, body) = post(mock, "mutation", path, args).await;
    envelope(status, body)
}

pub async fn query(mock: &ServerMock, path: &str, args: Value) -> Result<Value, String> {
    let (status, body) = post(mock, "query", path, args).await;
    envelope(status, body)
}

pub async fn action(mock: &ServerMock, path: &str, args: Value) -> Result<Value, String> {
    let (status, body) = post(mock, "action", path, args).await;
    envelope(status, body)
}

/// `GET`/`POST` (with a JSON body) on the control API; returns the HTTP status and body.
pub async fn control(
    mock: &ServerMock,
    method: &str,
    route: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let url = format!("{}/_mock{route}", mock.url());
    let request = match method {
        "GET" => client().get(url),
        "DELETE" => client().delete(url),
        _ => client().post(url),
    };
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.expect("control request");
    let status = response.status();
    let body = response.json::<Value>().await.expect("json body");
    (status, body)
}

/// The text after `[Request ID: <16 hex>] Server Error\n`, checking the prefix.
pub fn detail(error_message: &str) -> &str {
    let rest = error_message
        .strip_prefix("[Request ID: ")
        .unwrap_or_else(|| panic!("no request id: {error_message}"));
    let (id, rest) = rest.split_at(16);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "request id {id}"
    );
    rest.strip_prefix("] Server Error\n")
        .unwrap_or_else(|| panic!("bad prefix: {error_message}"))
}

/// `Uncaught Error: <message>` of a thrown function error.
pub fn uncaught(error_message: &str) -> &str {
    detail(error_message)
        .strip_prefix("Uncaught Error: ")
        .unwrap_or_else(|| panic!("not an uncaught error: {error_message}"))
}

/// A successful boot; returns `(sessionToken, visitorId, value)`.
pub async fn boot(mock: &ServerMock, args: Value) -> (String, String, Value) {
    let value = mutation(mock, "widgetSessions:boot", args)
        .await
        .unwrap_or_else(|e| panic!("boot failed: {e}"));
    let token = value["sessionToken"].as_str().expect("token").to_owned();
    let visitor = value["visitor"]["_id"]
        .as_str()
        .expect("visitor id")
        .to_owned();
    (token, visitor, value)
}

/// Boots a fresh anonymous visitor in `workspace_id`.
pub async fn boot_anonymous(
    mock: &ServerMock,
    workspace_id: &str,
    session_id: &str,
) -> (String, String) {
    let (token, visitor, _) = boot(
        mock,
        json!({"workspaceId": workspace_id, "sessionId": session_id}),
    )
    .await;
    (token, visitor)
}

/// Boots a visitor and opens a conversation for it; returns `(token, visitorId, conversationId)`.
pub async fn visitor_with_conversation(
    mock: &ServerMock,
    session_id: &str,
) -> (String, String, String) {
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(mock, &ws, session_id).await;
    let conversation = mutation(
        mock,
        "conversations:createForVisitor",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap_or_else(|e| panic!("createForVisitor failed: {e}"));
    let id = conversation["_id"].as_str().expect("id").to_owned();
    (token, visitor, id)
}

/// POSTs raw bytes to an upload URL; returns the HTTP status and the JSON body.
pub async fn upload(url: &str, bytes: Vec<u8>, content_type: &str) -> (StatusCode, Value) {
    let response = client()
        .post(url)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    let body = response.json::<Value>().await.expect("json body");
    (status, body)
}

/// The password of agents made by [`member`].
pub const AGENT_PASSWORD: &str = "Passw0rd-123!";

/// Calls `path` on `/api/{endpoint}` with `Authorization: Bearer <jwt>`.
pub async fn as_agent(
    mock: &ServerMock,
    endpoint: &str,
    path: &str,
    args: Value,
    jwt: &str,
) -> Result<Value, String> {
    let response = client()
        .post(format!("{}/api/{endpoint}", mock.url()))
        .bearer_auth(jwt)
        .json(&json!({"path": path, "args": args, "format": "json"}))
        .send()
        .await
        .expect("send");
    let status = response.status();
    envelope(status, response.json().await.expect("json"))
}

/// A member of `workspace_id` with `role` (password [`AGENT_PASSWORD`]) and a JWT:
/// `(userId, jwt)`.
pub fn member(
    mock: &ServerMock,
    workspace_id: &str,
    email: &str,
    role: server_mock::Role,
) -> (String, String) {
    let user = mock.create_agent(workspace_id, email, AGENT_PASSWORD, role);
    let jwt = mock.agent_token(&user).expect("jwt");
    (user, jwt)
}
