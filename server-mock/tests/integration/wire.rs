//! The Convex wire behaviour: argument validation texts, kinds, unknown functions, malformed
//! bodies, path forms, the run endpoint, headers, discovery and the `/_mock` control API.

use crate::common;

use common::{boot_anonymous, client, detail, mutation, post, query, uncaught};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{CallOutcome, ServerMock};

async fn boot_error(mock: &ServerMock, args: Value) -> String {
    let message = mutation(mock, "widgetSessions:boot", args)
        .await
        .err()
        .unwrap_or_else(|| panic!("boot should fail"));
    detail(&message).to_owned()
}

#[tokio::test]
async fn unknown_field_is_rejected() {
    let mock = ServerMock::start().await.unwrap();
    let text = boot_error(
        &mock,
        json!({"workspaceId": mock.workspace_id(), "sessionId": "s", "foo": 1}),
    )
    .await;
    assert!(
        text.starts_with(
            "ArgumentValidationError: Object contains extra field `foo` that is not in the validator."
        ),
        "{text}"
    );
    assert!(
        text.contains("\nValidator: v.object({workspaceId: v.id(\"workspaces\")"),
        "{text}"
    );
    // Nothing ran.
    assert!(mock.visitors(&mock.workspace_id()).is_empty());
}

#[tokio::test]
async fn missing_required_field_is_rejected() {
    let mock = ServerMock::start().await.unwrap();
    let text = boot_error(&mock, json!({"workspaceId": mock.workspace_id()})).await;
    assert_eq!(
        text,
        "ArgumentValidationError: Validator error: Missing required field `sessionId` in object"
    );
}

#[tokio::test]
async fn null_is_not_an_optional_value() {
    let mock = ServerMock::start().await.unwrap();
    let (_, visitor) = boot_anonymous(&mock, &mock.workspace_id(), "s").await;
    let error = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor, "email": null}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        detail(&error),
        "ArgumentValidationError: Value does not match validator.\nPath: .email\nValue: null\n\
         Validator: v.string()"
    );
}

#[tokio::test]
async fn wrong_type_is_rejected() {
    let mock = ServerMock::start().await.unwrap();
    let text = boot_error(
        &mock,
        json!({"workspaceId": mock.workspace_id(), "sessionId": 5}),
    )
    .await;
    assert_eq!(
        text,
        "ArgumentValidationError: Value does not match validator.\nPath: .sessionId\nValue: 5\n\
         Validator: v.string()"
    );
}

#[tokio::test]
async fn nested_objects_are_validated() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let text = boot_error(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s", "device": {"os": "iOS", "appVersion": "1.0"}}),
    )
    .await;
    assert!(
        text.contains("Object contains extra field `appVersion`"),
        "{text}"
    );
    assert!(text.contains("\nPath: .device\n"), "{text}");

    let text = boot_error(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s", "location": {"city": 7}}),
    )
    .await;
    assert!(text.contains("Path: .location.city"), "{text}");

    // customAttributes: three levels of objects are one too many.
    let text = boot_error(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s",
               "customAttributes": {"a": {"b": {"c": {"d": 1}}}}}),
    )
    .await;
    assert!(
        text.starts_with(
            "ArgumentValidationError: Value does not match validator.\nPath: .customAttributes.a\n"
        ),
        "{text}"
    );
    // … while two are fine, as are arrays of primitives.
    let ok = mutation(
        &mock,
        "widgetSessions:boot",
        json!({"workspaceId": ws, "sessionId": "s",
               "customAttributes": {"a": {"b": {"c": 1}, "l": [1, "x", null]}, "n": null}}),
    )
    .await;
    assert!(ok.is_ok(), "{ok:?}");
}

#[tokio::test]
async fn unions_records_and_arrays_are_validated() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, _) = boot_anonymous(&mock, &ws, "s").await;
    let error = mutation(
        &mock,
        "events:trackAutoEvent",
        json!({"workspaceId": ws, "sessionToken": token, "eventType": "click"}),
    )
    .await
    .unwrap_err();
    assert!(
        detail(&error).contains(
            "Path: .eventType\nValue: \"click\"\nValidator: v.union(v.literal(\"page_view\")"
        ),
        "{error}"
    );

    let error = mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "sessionToken": token, "name": "x",
               "properties": {"items": [true]}}),
    )
    .await
    .unwrap_err();
    assert!(
        detail(&error).contains("Path: .properties.items"),
        "{error}"
    );

    let error = mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "sessionToken": token, "name": "x",
               "properties": {"nested": {"a": 1}}}),
    )
    .await
    .unwrap_err();
    assert!(
        detail(&error).contains("Path: .properties.nested"),
        "{error}"
    );
}

#[tokio::test]
async fn ids_must_belong_to_their_table() {
    let mock = ServerMock::start().await.unwrap();
    let (_, visitor) = boot_anonymous(&mock, &mock.workspace_id(), "s").await;
    let text = boot_error(&mock, json!({"workspaceId": visitor, "sessionId": "s"})).await;
    assert!(text.starts_with("ArgumentValidationError: "), "{text}");
    assert!(text.contains("from table `visitors`"), "{text}");
    assert!(text.contains("v.id(\"workspaces\")"), "{text}");
    assert!(text.contains("Path: .workspaceId"), "{text}");

    let text = boot_error(
        &mock,
        json!({"workspaceId": "10000;workspaces", "sessionId": "s"}),
    )
    .await;
    assert_eq!(
        text,
        "ArgumentValidationError: Value does not match validator.\nPath: .workspaceId\n\
         Value: \"10000;workspaces\"\nValidator: v.id(\"workspaces\")"
    );
}

#[tokio::test]
async fn refresh_takes_only_the_token() {
    let mock = ServerMock::start().await.unwrap();
    let (token, _) = boot_anonymous(&mock, &mock.workspace_id(), "s").await;
    let error = mutation(
        &mock,
        "widgetSessions:refresh",
        json!({"sessionToken": token, "workspaceId": mock.workspace_id()}),
    )
    .await
    .unwrap_err();
    assert!(
        detail(&error).contains("extra field `workspaceId`"),
        "{error}"
    );
}

#[tokio::test]
async fn wrong_kind_and_unknown_functions() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let error = query(
        &mock,
        "widgetSessions:boot",
        json!({"workspaceId": ws, "sessionId": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        detail(&error),
        "Trying to execute widgetSessions:boot as Query, but it is defined as Mutation."
    );
    let error = mutation(&mock, "visitors:isOnline", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        detail(&error),
        "Trying to execute visitors:isOnline as Mutation, but it is defined as Query."
    );
    let (status, body) = post(&mock, "action", "visitors:identify", json!({})).await;
    assert_eq!(status.as_u16(), 560);
    assert!(detail(body["errorMessage"].as_str().unwrap())
        .contains("as Action, but it is defined as Mutation"));

    let error = query(&mock, "nope:missing", json!({})).await.unwrap_err();
    assert_eq!(
        detail(&error),
        "Could not find public function for 'nope:missing'. Did you forget to run \
         `npx convex dev` or `npx convex deploy`?"
    );
    // Not-yet-implemented Opencom functions answer the same way.
    let error = query(&mock, "emailCampaigns:list", json!({}))
        .await
        .unwrap_err();
    assert!(detail(&error).starts_with("Could not find public function for 'emailCampaigns:list'"));
}

#[tokio::test]
async fn malformed_bodies_are_rejected_with_400() {
    let mock = ServerMock::start().await.unwrap();
    let http = client();
    let send = |body: &'static str| {
        http.post(format!("{}/api/query", mock.url()))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let response = send("{not json").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"code": "BadJsonBody", "message": "Failed to parse JSON body"})
    );
    let response = send("{}").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"code": "BadJsonBody", "message": "Missing `path` in request body"})
    );
    let response = send(r#"{"path":"discovery:getMetadata","args":{},"format":"xml"}"#)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "BadFormat");
    let response =
        send(r#"{"path":"discovery:getMetadata","args":{},"format":"convex_encoded_json"}"#)
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let calls = mock.calls();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].outcome, CallOutcome::Rejected(400));
    assert_eq!(calls[0].path, "");
    assert_eq!(calls[3].outcome, CallOutcome::Success);
}

#[tokio::test]
async fn js_suffix_and_run_endpoint_with_legacy_array_args() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let value = mutation(
        &mock,
        "visitors.js:identify",
        json!({"visitorId": visitor, "sessionToken": token, "name": "Jane"}),
    )
    .await
    .unwrap();
    assert_eq!(value["name"], "Jane");
    assert_eq!(mock.calls().last().unwrap().path, "visitors:identify");

    // /api/run: kind-agnostic, args as a one-element array, format defaulted.
    let response = client()
        .post(format!(
            "{}/api/run/widgetSessions/validateSessionToken",
            mock.url()
        ))
        .json(&json!({"args": [{"workspaceId": ws, "sessionToken": token}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["value"]["valid"], true);
    assert_eq!(body["value"]["visitorId"], json!(visitor));
    let last = mock.calls().last().cloned().unwrap();
    assert_eq!(last.endpoint, "run");
    assert_eq!(last.path, "widgetSessions:validateSessionToken");

    let response = client()
        .post(format!("{}/api/run/visitors/heartbeat", mock.url()))
        .json(&json!({"args": {"visitorId": visitor}, "format": "json"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "success");
}

#[tokio::test]
async fn numbers_are_printed_like_javascript() {
    let mock = ServerMock::start().await.unwrap();
    let response = client()
        .post(format!("{}/api/mutation", mock.url()))
        .json(&json!({"path": "widgetSessions:boot", "args": {"workspaceId": mock.workspace_id(), "sessionId": "s"}, "format": "json"}))
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert!(!text.contains(".0,") && !text.contains(".0}"), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert!(body["value"]["expiresAt"].is_u64(), "{text}");
}

#[tokio::test]
async fn authorization_and_client_headers_are_checked() {
    let mock = ServerMock::start().await.unwrap();
    let response = client()
        .post(format!("{}/api/query", mock.url()))
        .bearer_auth("not-a-jwt")
        .json(&json!({"path": "discovery:getMetadata", "args": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"code": "InvalidAuthHeader", "message": "Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired. (Invalid Compact JWS)"})
    );
    let response = client()
        .post(format!("{}/api/query", mock.url()))
        .header("Convex-Client", "opencom")
        .json(&json!({"path": "discovery:getMetadata", "args": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "InvalidClientVersion"
    );
    let response = client()
        .post(format!("{}/api/query", mock.url()))
        .header("Convex-Client", "opencom-rust-0.1.0")
        .json(&json!({"path": "discovery:getMetadata", "args": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn discovery_route_and_query() {
    let mock = ServerMock::start().await.unwrap();
    mock.create_workspace("Younger Workspace");
    let url = format!("{}/.well-known/opencom.json", mock.url());
    let response = client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"version": "1.0", "name": "Opencom Demo", "convexUrl": mock.url(),
               "features": ["chat", "knowledge-base"]})
    );
    let response = client()
        .get(&url)
        .header("Origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let response = client()
        .get(&url)
        .header("Origin", "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"error": "Origin not allowed"})
    );
    let value = query(&mock, "discovery:getMetadata", json!({}))
        .await
        .unwrap();
    assert_eq!(
        value,
        json!({"version": "1.0", "name": "Opencom Demo", "features": ["chat", "knowledge-base"]})
    );
    // The site route is not an /api call.
    assert_eq!(mock.calls().len(), 1);
}

#[tokio::test]
async fn public_workspace_queries() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let value = query(&mock, "workspaces:get", json!({"id": ws}))
        .await
        .unwrap();
    let mut keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["_creationTime", "_id", "createdAt", "name"]);
    mock.set_allowed_origins(&ws, &["*.example.com"]);
    let value = query(
        &mock,
        "workspaces:validateOrigin",
        json!({"workspaceId": ws, "origin": "https://a.example.com"}),
    )
    .await
    .unwrap();
    assert_eq!(value, json!({"valid": true, "reason": "Origin allowed"}));
    let value = query(
        &mock,
        "identityVerification:isRequired",
        json!({"workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(value, json!({"enabled": false}));
    let value = query(&mock, "workspaces:getPublicWorkspaceContext", json!({}))
        .await
        .unwrap();
    assert_eq!(
        value,
        json!({"_id": ws, "name": "Opencom Demo", "helpCenterAccessPolicy": "public"})
    );
}

#[tokio::test]
async fn control_api_mirrors_the_library() {
    let mock = ServerMock::start().await.unwrap();
    let http = client();
    let base = format!("{}/_mock", mock.url());
    let info: Value = http
        .get(format!("{base}/info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["workspaceId"], json!(mock.workspace_id()));
    assert_eq!(info["url"], json!(mock.url()));

    let created: Value = http
        .post(format!("{base}/workspaces"))
        .json(&json!({"name": "Other"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other = created["workspaceId"].as_str().unwrap().to_owned();
    assert_eq!(mock.workspace(&other).unwrap()["name"], "Other");

    let response = http
        .post(format!("{base}/workspaces/{other}/allowed-origins"))
        .json(&json!({"origins": ["https://app.example.com"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let error = mutation(
        &mock,
        "widgetSessions:boot",
        json!({"workspaceId": other, "sessionId": "s"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Origin validation failed: Origin header is required when allowed origins are configured"
    );

    let iv: Value = http
        .post(format!("{base}/workspaces/{other}/identity-verification"))
        .json(&json!({"mode": "required"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(iv["secret"].as_str().unwrap().len(), 64);
    assert_eq!(
        mock.workspace(&other).unwrap()["identityVerificationMode"],
        "required"
    );

    let response = http
        .post(format!("{base}/workspaces/{other}/session-lifetime"))
        .json(&json!({"ms": 7_200_000}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        mock.workspace(&other).unwrap()["sessionLifetimeMs"],
        7_200_000
    );
    let response = http
        .post(format!("{base}/workspaces/nope/session-lifetime"))
        .json(&json!({"ms": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let frozen: Value = http
        .post(format!("{base}/clock/freeze"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let advanced: Value = http
        .post(format!("{base}/clock/advance"))
        .json(&json!({"ms": 60_000}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        advanced["nowMs"].as_f64().unwrap() - frozen["nowMs"].as_f64().unwrap(),
        60_000.0
    );
    assert_eq!(mock.clock().now_ms(), advanced["nowMs"].as_f64().unwrap());

    http.post(format!("{base}/faults"))
        .json(&json!({"kind": "status", "status": 502, "onlyPath": "discovery:getMetadata"}))
        .send()
        .await
        .unwrap();
    let pending: Value = http
        .get(format!("{base}/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        pending,
        json!([{"kind": "status", "status": 502, "onlyPath": "discovery:getMetadata", "times": 1}])
    );
    let (status, _) = post(&mock, "query", "discovery:getMetadata", json!({})).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);

    let (token, visitor) = boot_anonymous(&mock, &mock.workspace_id(), "s").await;
    let seen: Value = http
        .get(format!("{base}/visitors/{visitor}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen["_id"], json!(visitor));
    let sessions: Value = http
        .get(format!("{base}/visitors/{visitor}/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions[0]["token"], json!(token));
    let visitors: Value = http
        .get(format!(
            "{base}/workspaces/{}/visitors",
            mock.workspace_id()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(visitors.as_array().unwrap().len(), 1);

    let calls: Value = http
        .get(format!("{base}/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let outcomes: Vec<&str> = calls
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["functionError", "faulted", "success"]);
    http.delete(format!("{base}/calls")).send().await.unwrap();
    assert!(mock.calls().is_empty());
}
