//! Production-style error redaction (`set_redact_errors`): every function error becomes
//! `[Request ID: <16 hex>] Server Error`, over HTTP and over the sync WebSocket (query,
//! mutation and action errors alike), and live subscriptions are re-sent when it is switched.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{boot_anonymous, control, detail, mutation, post, query};
use convex::{ConvexClient, FunctionResult, QuerySubscription};
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{CallOutcome, ServerMock};

const LIMIT: Duration = Duration::from_secs(20);

/// Checks a redacted `errorMessage`: exactly `[Request ID: <16 lowercase hex>] Server Error`.
fn assert_redacted(message: &str) {
    let id = message
        .strip_prefix("[Request ID: ")
        .and_then(|rest| rest.strip_suffix("] Server Error"))
        .unwrap_or_else(|| panic!("not redacted: {message:?}"));
    assert_eq!(id.len(), 16, "{message}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{message}"
    );
}

fn args(value: Value) -> BTreeMap<String, convex::Value> {
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

async fn next(subscription: &mut QuerySubscription) -> Result<Value, String> {
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

#[tokio::test]
async fn http_errors_of_every_kind_are_redacted() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    mock.set_redact_errors(true);
    assert!(mock.redact_errors());

    let thrown = query(
        &mock,
        "conversations:listByVisitor",
        json!({"workspaceId": ws, "sessionToken": "wst_bogus"}),
    )
    .await
    .unwrap_err();
    assert_redacted(&thrown);
    let validation = mutation(&mock, "widgetSessions:boot", json!({"workspaceId": ws}))
        .await
        .unwrap_err();
    assert_redacted(&validation);
    let bad_id = query(
        &mock,
        "reporting:getCsatEligibility",
        json!({"conversationId": "not-a-real-conversation-id-00000"}),
    )
    .await
    .unwrap_err();
    assert_redacted(&bad_id);
    let unknown = query(&mock, "nope:missing", json!({})).await.unwrap_err();
    assert_redacted(&unknown);
    let (status, body) = post(&mock, "query", "widgetSessions:boot", json!({})).await;
    assert_eq!(status.as_u16(), 560);
    assert_redacted(body["errorMessage"].as_str().unwrap());
    assert_eq!(body["status"], "error");

    // Successes and values that describe a failure are untouched.
    let valid = query(
        &mock,
        "widgetSessions:validateSessionToken",
        json!({"workspaceId": ws, "sessionToken": "wst_bogus"}),
    )
    .await
    .unwrap();
    assert_eq!(
        valid,
        json!({"valid": false, "reason": "Invalid session token"})
    );
    let listed = query(
        &mock,
        "conversations:listByVisitor",
        json!({"workspaceId": ws, "sessionToken": token, "visitorId": visitor}),
    )
    .await
    .unwrap();
    assert_eq!(listed, json!([]));
    // Transport rejections are not function errors.
    let response = common::client()
        .post(format!("{}/api/query", mock.url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // The call log records what was sent.
    let recorded: Vec<String> = mock
        .calls()
        .into_iter()
        .filter_map(|c| match c.outcome {
            CallOutcome::FunctionError(message) => Some(message),
            _ => None,
        })
        .collect();
    assert_eq!(recorded.len(), 5);
    recorded.iter().for_each(|m| assert_redacted(m));

    // Off again: the details are back.
    mock.set_redact_errors(false);
    let plain = mutation(&mock, "widgetSessions:boot", json!({"workspaceId": ws}))
        .await
        .unwrap_err();
    assert_eq!(
        detail(&plain),
        "ArgumentValidationError: Validator error: Missing required field `sessionId` in object"
    );
}

#[tokio::test]
async fn websocket_errors_are_redacted_and_resent_when_switched() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let mut client = ConvexClient::new(&mock.url()).await.unwrap();
    let mut failing = client
        .subscribe(
            "conversations:listByVisitor",
            args(json!({"workspaceId": ws, "sessionToken": "wst_bogus"})),
        )
        .await
        .unwrap();
    let first = next(&mut failing).await.unwrap_err();
    assert_eq!(detail(&first), "Uncaught Error: Invalid session token");

    // Switching redaction on re-runs subscriptions: the failure is sent again, redacted.
    mock.set_redact_errors(true);
    let redacted = next(&mut failing).await.unwrap_err();
    assert_redacted(&redacted);

    let mutation_error = tokio::time::timeout(
        LIMIT,
        client.mutation(
            "widgetSessions:refresh",
            args(json!({"sessionToken": "wst_bogus"})),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    let FunctionResult::ErrorMessage(message) = mutation_error else {
        panic!("expected an error, got {mutation_error:?}")
    };
    assert_redacted(&message);
    let action_error = tokio::time::timeout(
        LIMIT,
        client.action(
            "suggestions:searchForWidget",
            args(json!({"workspaceId": ws, "query": "reset"})),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    let FunctionResult::ErrorMessage(message) = action_error else {
        panic!("expected an error, got {action_error:?}")
    };
    assert_redacted(&message);

    // And back. (The client may hand out the redacted result again after the transitions that
    // followed the mutation and the action: it re-yields current results.)
    mock.set_redact_errors(false);
    let plain = loop {
        let error = next(&mut failing).await.unwrap_err();
        if error != redacted {
            break error;
        }
    };
    assert_eq!(detail(&plain), "Uncaught Error: Invalid session token");
    let sent: Vec<CallOutcome> = mock
        .calls()
        .into_iter()
        .filter(|c| c.path != "conversations:listByVisitor")
        .map(|c| c.outcome)
        .collect();
    assert_eq!(sent.len(), 2);
    for outcome in sent {
        let CallOutcome::FunctionError(message) = outcome else {
            panic!("{outcome:?}")
        };
        assert_redacted(&message);
    }
}

#[tokio::test]
async fn the_control_route_switches_redaction() {
    let mock = ServerMock::start().await.unwrap();
    let (status, body) = control(&mock, "GET", "/redact-errors", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"enabled": false}));
    let (_, body) = control(
        &mock,
        "POST",
        "/redact-errors",
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(body, json!({"enabled": true}));
    assert!(mock.redact_errors());
    let err = query(&mock, "nope:missing", json!({})).await.unwrap_err();
    assert_redacted(&err);
}
