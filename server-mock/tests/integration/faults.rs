//! Every fault kind, observed from reqwest over real HTTP.

use crate::common;

use std::time::{Duration, Instant};

use common::{client, mutation, post};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{CallOutcome, Fault, FaultKind, ServerMock};

fn boot_args(mock: &ServerMock, session: &str) -> Value {
    json!({"path": "widgetSessions:boot",
           "args": {"workspaceId": mock.workspace_id(), "sessionId": session},
           "format": "json"})
}

async fn send_boot(mock: &ServerMock, session: &str) -> reqwest::Result<reqwest::Response> {
    client()
        .post(format!("{}/api/mutation", mock.url()))
        .json(&boot_args(mock, session))
        .send()
        .await
}

#[tokio::test]
async fn fail_next_returns_the_status_without_running() {
    let mock = ServerMock::start().await.unwrap();
    mock.faults().fail_next(503);
    let response = send_boot(&mock, "s").await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "Overloaded");
    assert!(body["message"].is_string());
    assert!(
        mock.visitors(&mock.workspace_id()).is_empty(),
        "the function did not run"
    );
    assert_eq!(mock.calls()[0].outcome, CallOutcome::Faulted);
    assert_eq!(mock.calls()[0].path, "widgetSessions:boot");

    // Consumed: the next request is served.
    assert_eq!(
        send_boot(&mock, "s").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(mock.visitors(&mock.workspace_id()).len(), 1);
}

#[tokio::test]
async fn rate_limit_next_sends_retry_after() {
    let mock = ServerMock::start().await.unwrap();
    mock.faults().rate_limit_next(Duration::from_millis(1500));
    let response = send_boot(&mock, "s").await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "2");
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "RateLimited"
    );
    assert!(mock.visitors(&mock.workspace_id()).is_empty());
}

#[tokio::test]
async fn drop_before_run_cuts_the_connection_and_runs_nothing() {
    let mock = ServerMock::start().await.unwrap();
    mock.faults().drop_before_run_next();
    let error = send_boot(&mock, "s")
        .await
        .expect_err("no response may arrive");
    assert!(!error.is_status() && !error.is_decode(), "{error:?}");
    assert!(mock.visitors(&mock.workspace_id()).is_empty());
    assert_eq!(mock.calls()[0].outcome, CallOutcome::Faulted);
    assert_eq!(
        send_boot(&mock, "s").await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn drop_after_run_cuts_the_connection_but_keeps_the_effects() {
    let mock = ServerMock::start().await.unwrap();
    mock.faults().drop_after_run_next();
    let error = send_boot(&mock, "s")
        .await
        .expect_err("no response may arrive");
    assert!(!error.is_status(), "{error:?}");
    let visitors = mock.visitors(&mock.workspace_id());
    assert_eq!(visitors.len(), 1, "the function ran");
    let visitor = visitors[0]["_id"].as_str().unwrap();
    assert_eq!(mock.sessions(visitor).len(), 1);
    // A retry of the same boot finds the same visitor (by sessionId) and adds a session.
    assert_eq!(
        send_boot(&mock, "s").await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(mock.visitors(&mock.workspace_id()).len(), 1);
    assert_eq!(mock.sessions(visitor).len(), 2);
}

#[tokio::test]
async fn malformed_next_answers_200_with_a_non_json_body() {
    let mock = ServerMock::start().await.unwrap();
    mock.faults().malformed_next();
    let response = send_boot(&mock, "s").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert!(mock.visitors(&mock.workspace_id()).is_empty());
}

#[tokio::test]
async fn latency_delays_requests() {
    let mock = ServerMock::start().await.unwrap();
    mock.faults().latency_next(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(
        send_boot(&mock, "s").await.unwrap().status(),
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_millis(300));

    mock.faults().set_latency(Duration::from_millis(150));
    let started = Instant::now();
    let (status, _) = post(&mock, "query", "discovery:getMetadata", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150));
    mock.faults().clear();
}

#[tokio::test]
async fn faults_can_target_one_function_and_repeat() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.faults().inject(
        Fault::new(FaultKind::Status(500))
            .only_path("events.js:track")
            .times(2),
    );
    // Other functions are untouched.
    let (status, body) = post(
        &mock,
        "mutation",
        "widgetSessions:boot",
        json!({"workspaceId": ws, "sessionId": "s"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token = body["value"]["sessionToken"].as_str().unwrap().to_owned();
    let track = || {
        post(
            &mock,
            "mutation",
            "events:track",
            json!({"workspaceId": ws, "sessionToken": token, "name": "e"}),
        )
    };
    assert_eq!(track().await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(mock.faults().pending()[0].times, 1);
    assert_eq!(track().await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(mock.faults().pending().is_empty());
    assert_eq!(track().await.0, StatusCode::OK);
    let outcomes: Vec<CallOutcome> = mock.calls().into_iter().map(|c| c.outcome).collect();
    assert_eq!(
        outcomes,
        [
            CallOutcome::Success,
            CallOutcome::Faulted,
            CallOutcome::Faulted,
            CallOutcome::Success
        ]
    );
}

#[tokio::test]
async fn random_faults_are_seedable() {
    let run = || async {
        let mock = ServerMock::start().await.unwrap();
        mock.faults().set_random_seed(1234);
        mock.faults()
            .set_random_faults(0.5, vec![FaultKind::Status(500), FaultKind::Status(503)]);
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(
                post(&mock, "query", "discovery:getMetadata", json!({}))
                    .await
                    .0
                    .as_u16(),
            );
        }
        statuses
    };
    let first = run().await;
    assert_eq!(first, run().await, "same seed, same faults");
    assert!(first.contains(&200));
    assert!(first.iter().any(|s| *s == 500 || *s == 503));

    let mock = ServerMock::start().await.unwrap();
    mock.faults()
        .set_random_faults(1.0, vec![FaultKind::DropBeforeRun]);
    assert!(send_boot(&mock, "s").await.is_err());
    mock.faults().clear();
    assert_eq!(
        send_boot(&mock, "s").await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn function_errors_are_recorded() {
    let mock = ServerMock::start().await.unwrap();
    let error = mutation(
        &mock,
        "widgetSessions:refresh",
        json!({"sessionToken": "wst_x"}),
    )
    .await
    .unwrap_err();
    let calls = mock.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].endpoint, "mutation");
    assert_eq!(calls[0].args, json!({"sessionToken": "wst_x"}));
    assert_eq!(calls[0].outcome, CallOutcome::FunctionError(error));
    mock.clear_calls();
    assert!(mock.calls().is_empty());
}

#[tokio::test]
async fn dropping_the_mock_shuts_it_down() {
    let mock = ServerMock::start().await.unwrap();
    let url = mock.url();
    assert!(client()
        .get(format!("{url}/.well-known/opencom.json"))
        .send()
        .await
        .is_ok());
    drop(mock);
    // The listener is closed once the server task has been cancelled; poll (bounded) until
    // connects are refused.
    let mut refused = false;
    for _ in 0..100 {
        match client()
            .get(format!("{url}/.well-known/opencom.json"))
            .send()
            .await
        {
            Err(e) if e.is_connect() => {
                refused = true;
                break;
            }
            _ => tokio::task::yield_now().await,
        }
    }
    assert!(refused, "the mock still answers after drop");
}
