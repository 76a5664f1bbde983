//! `opencom conformance` against an in-process server-mock: every step passes on a faithful
//! deployment, an injected failure is one FAIL row with the server's message, and `--origin`
//! reaches `widgetSessions:boot`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;
use server_mock::{CallOutcome, Fault, FaultKind, NewArticle, ServerMock};

/// Every function the conformance run must exercise.
const EXPECTED: &[&str] = &[
    "widgetSessions:boot",
    "visitors:identify",
    "events:track",
    "conversations:createForVisitor",
    "messages:send",
    "conversations:listByVisitor",
    "messages:list",
    "conversations:markAsRead",
    "conversations:getTotalUnreadForVisitor",
    "collections:listHierarchyForVisitor",
    "articles:listForVisitor",
    "articles:searchForVisitor",
    "articles:getForVisitor",
    "messengerSettings:getPublicSettings",
    "officeHours:isCurrentlyOpen",
    "officeHours:getExpectedReplyTime",
    "visitorPushTokens:register",
    "visitorPushTokens:unregister",
    "ticketForms:getDefaultForVisitor",
    "surveys:getActiveSurveys",
    "surveys:recordImpression",
    "surveys:submitResponse",
    "carousels:listActive",
    "carousels:recordImpression",
    "outboundMessages:getEligible",
    "outboundMessages:trackImpression",
    "checklists:getEligible",
    "checklists:getAllProgress",
    "tours:listAll",
    "tourProgress:getAvailableTours",
    "aiAgent:getPublicSettings",
    "aiAgent:getConversationResponses",
    "widgetSessions:revoke",
];

/// Functions the run only calls with an invalid id, to see their argument validator refuse it.
const PROBED: &[&str] = &["checklists:getProgress", "checklists:completeTask"];

/// The writes probed with an invalid id before the real call (when there is content).
const PROBED_THEN_CALLED: &[(&str, &str)] = &[
    ("surveys:recordImpression", "surveyId"),
    ("surveys:submitResponse", "surveyId"),
    ("carousels:recordImpression", "carouselId"),
    ("outboundMessages:trackImpression", "messageId"),
    ("checklists:getProgress", "checklistId"),
    ("checklists:completeTask", "checklistId"),
];

/// Every row of a run.
const STEPS: usize = 33;

/// Runs the binary; returns (exit code, stdout, stderr).
async fn opencom(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_opencom"))
            .args(&args)
            .env("XDG_CONFIG_HOME", home.path())
            .env("HOME", home.path())
            .env_remove("OPENCOM_URL")
            .env_remove("OPENCOM_PASSWORD")
            .output()
            .expect("run opencom");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

async fn seeded_mock() -> ServerMock {
    let mock = bare_mock().await;
    mock.seed_engagement_demo(&mock.workspace_id());
    mock
}

/// An article, but no engagement content.
async fn bare_mock() -> ServerMock {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let billing = mock.add_collection(&ws, "Billing", None, 1.0);
    mock.add_article(
        &ws,
        NewArticle::published("Refunds", "How to get help with a refund.").collection(&billing),
    );
    mock
}

async fn conformance_json(mock: &ServerMock, extra: &[&str]) -> (i32, Value, String) {
    let (url, ws) = (mock.url(), mock.workspace_id());
    let mut args = vec!["--url", &url, "conformance", "--workspace", &ws, "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = opencom(&args).await;
    let report: Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: stdout {out:?} stderr {err}"));
    (code, report, err)
}

/// The row whose `functions` include `path`.
fn row<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["functions"].as_array().unwrap().iter().any(|f| f == path))
        .unwrap_or_else(|| panic!("no row for {path} in {report:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_passes_against_the_mock() {
    let mock = seeded_mock().await;
    let (code, report, err) = conformance_json(&mock, &[]).await;
    assert_eq!(code, 0, "{report:#}\n{err}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["workspaceId"], mock.workspace_id().as_str());
    for path in EXPECTED {
        let row = row(&report, path);
        assert_eq!(row["status"], "PASS", "{path}: {row}");
        assert!(row["latencyMs"].is_u64(), "{path}: {row}");
        assert!(row["error"].is_null(), "{path}: {row}");
    }
    // The rows are not just labels: the mock saw each of those functions succeed over HTTP.
    let succeeded: BTreeSet<String> = mock
        .calls()
        .into_iter()
        .filter(|c| c.outcome == CallOutcome::Success)
        .map(|c| c.path)
        .collect();
    for path in EXPECTED {
        assert!(
            succeeded.contains(*path),
            "{path} never succeeded on the mock"
        );
    }
    // The probes reached the functions, whose validators refused the invalid id by name.
    for (path, field) in PROBED_THEN_CALLED {
        assert!(
            mock.calls().iter().any(|c| c.path == *path
                && matches!(&c.outcome, CallOutcome::FunctionError(m)
                    if m.contains("ArgumentValidationError") && m.contains(&format!("Path: .{field}")))),
            "{path} was not probed with an invalid {field}"
        );
    }
    for path in PROBED {
        let row = row(&report, path);
        assert_eq!(row["status"], "PASS", "{path}: {row}");
    }
    // The demo content was really used: an impression and a partial response of this visitor.
    let demo_survey = mock
        .calls()
        .into_iter()
        .find(|c| c.path == "surveys:submitResponse" && c.outcome == CallOutcome::Success)
        .map(|c| c.args["surveyId"].as_str().unwrap().to_owned())
        .unwrap();
    let responses = mock.survey_responses(&demo_survey);
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0]["status"], "partial");
    assert_eq!(mock.survey_impressions(&demo_survey).len(), 1);
    // A throwaway visitor: it was created by this run, identified, and its message is stored.
    let visitors = mock.visitors(&mock.workspace_id());
    let checked = visitors
        .iter()
        .find(|v| v["name"] == "Opencom conformance check")
        .expect("the identified conformance visitor");
    let conversations = mock.conversations(checked["_id"].as_str().unwrap());
    assert_eq!(conversations.len(), 1);
    let messages = mock.messages(conversations[0]["_id"].as_str().unwrap());
    assert!(messages.iter().any(|m| m["content"]
        .as_str()
        .unwrap()
        .starts_with("Opencom conformance check")));
    assert!(
        mock.push_tokens(checked["_id"].as_str().unwrap())
            .is_empty(),
        "the fake push token was unregistered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_table_is_aligned() {
    let mock = seeded_mock().await;
    let (url, ws) = (mock.url(), mock.workspace_id());
    let (code, out, err) = opencom(&["--url", &url, "conformance", "--workspace", &ws]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let lines: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("STEP"), "{out}");
    let column = lines[0].find("RESULT").unwrap();
    for line in &lines[1..] {
        assert_eq!(line.get(column..column + 4), Some("PASS"), "{out}");
    }
    assert_eq!(lines.len(), 1 + STEPS, "one row per step: {out}");
    assert!(
        out.contains(&format!(
            "{STEPS} of {STEPS} steps passed, 0 failed, 0 skipped"
        )),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_injected_failure_is_one_fail_row_and_the_rest_still_run() {
    let mock = seeded_mock().await;
    mock.faults()
        .inject(Fault::new(FaultKind::Status(500)).only_path("visitorPushTokens:register"));
    let (code, report, err) = conformance_json(&mock, &[]).await;
    assert_eq!(code, 4, "{report:#}\n{err}");
    assert_eq!(report["passed"], false);

    let register = row(&report, "visitorPushTokens:register");
    assert_eq!(register["status"], "FAIL", "{register}");
    let message = register["error"].as_str().unwrap();
    assert!(
        message.contains("Injected fault: HTTP 500"),
        "the server's message: {message}"
    );
    // The dependent step is skipped with the reason, not failed.
    let unregister = row(&report, "visitorPushTokens:unregister");
    assert_eq!(unregister["status"], "SKIP", "{unregister}");
    assert!(unregister["error"]
        .as_str()
        .unwrap()
        .contains("push register"));
    assert!(unregister["latencyMs"].is_null());
    // Independent later steps still ran and passed.
    for path in EXPECTED
        .iter()
        .filter(|p| !p.starts_with("visitorPushTokens"))
    {
        let row = row(&report, path);
        assert_eq!(row["status"], "PASS", "{path}: {row}");
    }
    assert_eq!(report["counts"]["fail"], 1);
    assert_eq!(report["counts"]["skip"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_step_skips_only_the_steps_that_need_it() {
    let mock = seeded_mock().await;
    mock.faults()
        .inject(Fault::new(FaultKind::Status(502)).only_path("conversations:createForVisitor"));
    let (code, report, _) = conformance_json(&mock, &[]).await;
    assert_eq!(code, 4, "{report:#}");
    let create = row(&report, "conversations:createForVisitor");
    assert_eq!(create["status"], "FAIL", "{create}");
    assert!(
        create["error"].as_str().unwrap().contains("502"),
        "{create}"
    );
    // Everything that needs the conversation is skipped, naming it…
    for path in [
        "messages:send",
        "messages:list",
        "conversations:markAsRead",
        "aiAgent:getConversationResponses",
    ] {
        let row = row(&report, path);
        assert_eq!(row["status"], "SKIP", "{path}: {row}");
        assert!(
            row["error"]
                .as_str()
                .unwrap()
                .contains("create conversation"),
            "{path}: {row}"
        );
    }
    // …and nothing of it was called.
    assert!(mock.calls().iter().all(|c| c.path != "messages:send"));
    // The conversation-independent steps still ran.
    for path in [
        "conversations:listByVisitor",
        "conversations:getTotalUnreadForVisitor",
        "articles:getForVisitor",
        "visitorPushTokens:unregister",
        "widgetSessions:revoke",
    ] {
        assert_eq!(row(&report, path)["status"], "PASS", "{path}");
    }
    assert_eq!(report["counts"]["fail"], 1);
    assert_eq!(report["counts"]["skip"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_engagement_content_the_probes_still_check_every_function() {
    let mock = bare_mock().await;
    let (code, report, err) = conformance_json(&mock, &[]).await;
    // Only the survey response needs a survey to answer: SKIP with the reason, so exit 4.
    assert_eq!(code, 4, "{report:#}\n{err}");
    let response = row(&report, "surveys:submitResponse");
    assert_eq!(response["status"], "SKIP", "{response}");
    assert_eq!(response["error"], "the workspace has no active survey");
    assert_eq!(report["counts"]["skip"], 1);
    assert_eq!(report["counts"]["fail"], 0);
    // The lists are empty and the writes were probed with an invalid id only.
    for (path, _) in PROBED_THEN_CALLED
        .iter()
        .filter(|(p, _)| *p != "surveys:submitResponse")
    {
        assert_eq!(row(&report, path)["status"], "PASS", "{path}");
        assert!(
            mock.calls()
                .iter()
                .filter(|c| c.path == *path)
                .all(|c| matches!(c.outcome, CallOutcome::FunctionError(_))),
            "{path}: nothing real to record"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_refused_otherwise_than_by_the_validator_fails_its_row() {
    let mock = seeded_mock().await;
    // The invalid-id probe meets something else than the function's argument validator
    // (here a 500, as a proxy or a deployment without the function would answer).
    mock.faults()
        .inject(Fault::new(FaultKind::Status(500)).only_path("carousels:recordImpression"));
    let (code, report, _) = conformance_json(&mock, &[]).await;
    assert_eq!(code, 4, "{report:#}");
    let impression = row(&report, "carousels:recordImpression");
    assert_eq!(impression["status"], "FAIL", "{impression}");
    let message = impression["error"].as_str().unwrap();
    assert!(message.contains("Injected fault: HTTP 500"), "{message}");
    assert!(message.contains("carouselId"), "{message}");
    assert_eq!(report["counts"]["fail"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_revoke_fails_the_logout_step() {
    let mock = seeded_mock().await;
    mock.faults()
        .inject(Fault::new(FaultKind::Status(500)).only_path("widgetSessions:revoke"));
    let (code, report, _) = conformance_json(&mock, &[]).await;
    assert_eq!(code, 4, "{report:#}");
    let logout = row(&report, "widgetSessions:revoke");
    assert_eq!(logout["status"], "FAIL", "{logout}");
    let message = logout["error"].as_str().unwrap();
    assert!(
        message.contains("widgetSessions:revoke failed"),
        "{message}"
    );
    assert!(message.contains("Injected fault: HTTP 500"), "{message}");
    assert!(
        !message.contains("wst_"),
        "no session token in the report: {message}"
    );
    assert_eq!(report["counts"]["fail"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_is_passed_through_to_boot() {
    let mock = seeded_mock().await;
    let ws = mock.workspace_id();
    mock.set_allowed_origins(&ws, &["https://app.example.com"]);

    let (code, report, _) =
        conformance_json(&mock, &["--origin", "https://evil.example.net"]).await;
    assert_eq!(code, 4, "{report:#}");
    let boot = row(&report, "widgetSessions:boot");
    assert_eq!(boot["status"], "FAIL", "{boot}");
    let message = boot["error"].as_str().unwrap();
    assert!(
        message.contains("Origin validation failed"),
        "the real error text: {message}"
    );
    // Everything that needs a session is skipped because of boot; public reads still pass.
    assert_eq!(row(&report, "visitors:identify")["status"], "SKIP");
    assert_eq!(
        row(&report, "conversations:createForVisitor")["status"],
        "SKIP"
    );
    assert_eq!(
        row(&report, "messengerSettings:getPublicSettings")["status"],
        "PASS"
    );
    assert_eq!(
        row(&report, "ticketForms:getDefaultForVisitor")["status"],
        "PASS"
    );
    let booted: Vec<_> = mock
        .calls()
        .into_iter()
        .filter(|c| c.path == "widgetSessions:boot")
        .collect();
    assert!(!booted.is_empty());
    assert!(booted
        .iter()
        .all(|c| c.args["origin"] == "https://evil.example.net"));

    // With no origin at all the allowlist refuses too (Opencom's "required" text)…
    let (code, report, _) = conformance_json(&mock, &[]).await;
    assert_eq!(code, 4);
    assert!(row(&report, "widgetSessions:boot")["error"]
        .as_str()
        .unwrap()
        .contains("Origin validation failed"));

    // …and the allowed origin passes every step.
    let (code, report, err) =
        conformance_json(&mock, &["--origin", "https://app.example.com"]).await;
    assert_eq!(code, 0, "{report:#}\n{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_and_usage_errors() {
    let (code, out, err) = opencom(&["--demo", "conformance", "--json"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["passed"], true);
    // The demo seeds an article, so the article read is not skipped.
    assert_eq!(row(&report, "articles:getForVisitor")["status"], "PASS");

    let (code, _, err) = opencom(&["--url", "http://127.0.0.1:9", "conformance"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--workspace"), "{err}");

    // Nothing listens there: a network failure, every session step FAIL or SKIP, exit 4.
    let (code, out, _) = opencom(&[
        "--url",
        "http://127.0.0.1:9",
        "conformance",
        "--workspace",
        "ws",
        "--json",
        "--timeout",
        "5",
    ])
    .await;
    assert_eq!(code, 4);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(row(&report, "widgetSessions:boot")["status"], "FAIL");
}
