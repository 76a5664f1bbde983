//! `surveys:getActiveSurveys`, `recordImpression`, `submitResponse`.

use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use super::{fails, ids, validates};
use crate::common::{boot_anonymous, member, mutation, query};

fn survey(name: &str, extra: Value) -> Value {
    let mut survey = json!({
        "name": name,
        "questions": [
            {"id": "nps", "type": "nps", "title": "Recommend us?", "required": true},
            {"id": "role", "type": "short_text", "title": "Role?", "storeAsAttribute": "role"},
            {"id": "tools", "type": "multiple_choice", "title": "Tools?",
             "options": {"choices": ["a", "b"], "allowMultiple": true}},
        ],
    });
    survey
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    survey
}

async fn active(mock: &ServerMock, args: Value) -> Vec<super::Id> {
    ids(
        &query(mock, "surveys:getActiveSurveys", args).await.unwrap(),
        None,
    )
}

#[tokio::test]
async fn active_surveys_follow_status_schedule_frequency_and_completion() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let once = mock.add_survey(&ws, survey("Once", json!({"frequency": "once"})));
    let always = mock.add_survey(&ws, survey("Always", json!({})));
    mock.add_survey(&ws, survey("Draft", json!({"status": "draft"})));
    mock.add_survey(
        &ws,
        survey(
            "Later",
            json!({"scheduling": {"startDate": now + 60_000.0}}),
        ),
    );
    mock.add_survey(
        &ws,
        survey("Over", json!({"scheduling": {"endDate": now - 1.0}})),
    );
    let running = mock.add_survey(
        &ws,
        survey(
            "Running",
            json!({"scheduling": {"startDate": now - 1.0, "endDate": now + 60_000.0}}),
        ),
    );
    mock.add_survey(&other, survey("Elsewhere", json!({})));
    let (token, visitor) = boot_anonymous(&mock, &ws, "s1").await;
    let me = json!({"workspaceId": ws, "sessionToken": token});
    assert_eq!(active(&mock, me.clone()).await, [&once, &always, &running]);

    // A shown "once" survey is not offered again; a shown other one still is.
    for id in [&once, &always] {
        mutation(
            &mock,
            "surveys:recordImpression",
            json!({"surveyId": id, "sessionToken": token, "visitorId": visitor,
                   "sessionId": "s1", "action": "shown"}),
        )
        .await
        .unwrap();
    }
    assert_eq!(active(&mock, me.clone()).await, [&always, &running]);
    let impressions = mock.survey_impressions(&once);
    assert_eq!(impressions.len(), 1);
    assert_eq!(impressions[0]["visitorId"], json!(visitor));
    assert_eq!(impressions[0]["sessionId"], "s1");
    assert_eq!(impressions[0]["action"], "shown");

    // A partial response keeps the survey; a completed one removes it.
    let answer = |complete: bool| {
        json!({"surveyId": always, "sessionToken": token,
               "answers": [{"questionId": "nps", "value": 9}], "isComplete": complete})
    };
    mutation(&mock, "surveys:submitResponse", answer(false))
        .await
        .unwrap();
    assert_eq!(active(&mock, me.clone()).await, [&always, &running]);
    mutation(&mock, "surveys:submitResponse", answer(true))
        .await
        .unwrap();
    assert_eq!(active(&mock, me.clone()).await, [&running]);

    // Another visitor still gets them all; a bad token or another visitor's id gets [].
    let (token2, _) = boot_anonymous(&mock, &ws, "s2").await;
    assert_eq!(
        active(&mock, json!({"workspaceId": ws, "sessionToken": token2})).await,
        [&once, &always, &running]
    );
    for args in [
        json!({"workspaceId": ws}),
        json!({"workspaceId": ws, "sessionToken": "wst_nope"}),
        json!({"workspaceId": other, "sessionToken": token}),
        json!({"workspaceId": ws, "sessionToken": token2, "visitorId": visitor}),
    ] {
        assert!(active(&mock, args).await.is_empty());
    }

    // An agent with settings.workspace sees every scheduled active survey; a viewer gets [].
    let (_, admin) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let all = crate::common::as_agent(
        &mock,
        "query",
        "surveys:getActiveSurveys",
        json!({"workspaceId": ws}),
        &admin,
    )
    .await
    .unwrap();
    assert_eq!(ids(&all, None), [&once, &always, &running]);
    let (_, viewer) = member(&mock, &ws, "viewer@example.com", Role::Viewer);
    let none = crate::common::as_agent(
        &mock,
        "query",
        "surveys:getActiveSurveys",
        json!({"workspaceId": ws}),
        &viewer,
    )
    .await
    .unwrap();
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn a_partial_response_is_upserted_until_it_is_completed() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let id = mock.add_survey(&ws, survey("Feedback", json!({})));
    let (token, visitor) = boot_anonymous(&mock, &ws, "s1").await;
    let submit = |answers: Value, complete: bool| {
        json!({"surveyId": id, "sessionToken": token, "visitorId": visitor,
               "sessionId": "s1", "answers": answers, "isComplete": complete})
    };
    let first = mutation(
        &mock,
        "surveys:submitResponse",
        submit(json!([{"questionId": "nps", "value": 7}]), false),
    )
    .await
    .unwrap();
    let second = mutation(
        &mock,
        "surveys:submitResponse",
        submit(
            json!([{"questionId": "nps", "value": 8}, {"questionId": "tools", "value": ["a", "b"]}]),
            false,
        ),
    )
    .await
    .unwrap();
    assert_eq!(first, second, "the partial response is updated in place");
    let rows = mock.survey_responses(&id);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "partial");
    assert_eq!(rows[0]["answers"][1]["value"], json!(["a", "b"]));
    assert!(rows[0].get("completedAt").is_none());

    let answers = json!([
        {"questionId": "nps", "value": 10},
        {"questionId": "role", "value": "CTO"},
        {"questionId": "tools", "value": null},
    ]);
    let done = mutation(
        &mock,
        "surveys:submitResponse",
        submit(answers.clone(), true),
    )
    .await
    .unwrap();
    assert_eq!(done, first);
    let rows = mock.survey_responses(&id);
    assert_eq!(rows[0]["status"], "completed");
    assert_eq!(rows[0]["answers"], answers);
    assert!(rows[0]["completedAt"].is_number());
    assert_eq!(rows[0]["visitorId"], json!(visitor));
    // `storeAsAttribute` copies the completed answer onto the visitor.
    assert_eq!(
        mock.visitor(&visitor).unwrap()["customAttributes"]["role"],
        "CTO"
    );

    // After completion a new submission starts a new response.
    let again = mutation(
        &mock,
        "surveys:submitResponse",
        submit(json!([{"questionId": "nps", "value": 1}]), false),
    )
    .await
    .unwrap();
    assert_ne!(again, first);
    assert_eq!(mock.survey_responses(&id).len(), 2);
}

#[tokio::test]
async fn survey_calls_check_the_session_the_visitor_and_the_survey() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let id = mock.add_survey(&ws, survey("Feedback", json!({})));
    let foreign = mock.add_survey(&other, survey("Theirs", json!({})));
    let gone = mock.add_survey(&ws, survey("Gone", json!({})));
    assert!(mock.delete_engagement_item(&gone));
    let (token, _) = boot_anonymous(&mock, &ws, "s1").await;
    let (_, someone) = boot_anonymous(&mock, &ws, "s2").await;
    let user = mock.create_agent(&ws, "ana@example.com", "Passw0rd-123!", Role::Agent);
    let impression = |survey: &str, extra: Value| {
        let mut args = json!({"surveyId": survey, "sessionToken": token, "action": "started"});
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    };
    let response = |survey: &str, extra: Value| {
        let mut args = json!({"surveyId": survey, "sessionToken": token,
                              "answers": [], "isComplete": false});
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    };
    let cases = [
        (
            "surveys:recordImpression",
            impression(&gone, json!({})),
            "Survey not found",
        ),
        (
            "surveys:recordImpression",
            impression(&id, json!({"visitorId": someone})),
            "Not authorized to record survey impression",
        ),
        (
            "surveys:recordImpression",
            impression(&foreign, json!({})),
            "Session token does not match workspace",
        ),
        (
            "surveys:recordImpression",
            json!({"surveyId": id, "action": "shown"}),
            "Session token required",
        ),
        (
            "surveys:recordImpression",
            impression(&id, json!({"sessionToken": "wst_unknown"})),
            "Invalid session token",
        ),
        (
            "surveys:submitResponse",
            response(&gone, json!({})),
            "Survey not found",
        ),
        (
            "surveys:submitResponse",
            response(&id, json!({"visitorId": someone})),
            "Not authorized to submit survey response",
        ),
        (
            "surveys:submitResponse",
            response(&id, json!({"userId": user})),
            "Cannot submit visitor response with userId",
        ),
        (
            "surveys:submitResponse",
            response(&foreign, json!({})),
            "Session token does not match workspace",
        ),
    ];
    for (path, args, expected) in cases {
        assert_eq!(
            fails(&mock, "mutation", path, args).await,
            expected,
            "{path}"
        );
    }
    assert!(mock.survey_impressions(&id).is_empty());
    assert!(mock.survey_responses(&id).is_empty());
    assert!(mock.survey_responses(&foreign).is_empty());
}

#[tokio::test]
async fn survey_arguments_are_validated_like_convex() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let id = mock.add_survey(&ws, survey("Feedback", json!({})));
    let (token, visitor) = boot_anonymous(&mock, &ws, "s1").await;
    validates(
        &mock,
        "query",
        "surveys:getActiveSurveys",
        json!({"workspaceId": ws, "sessionToken": token}),
        "visitorId",
        "workspaceId",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "surveys:recordImpression",
        json!({"surveyId": id, "sessionToken": token, "action": "shown"}),
        "sessionId",
        "action",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "surveys:submitResponse",
        json!({"surveyId": id, "sessionToken": token, "visitorId": visitor,
               "answers": [], "isComplete": true}),
        "userId",
        "isComplete",
    )
    .await;
    // No workspaceId on the mutations; a bad action or answer value fails too.
    for (path, args) in [
        (
            "surveys:recordImpression",
            json!({"surveyId": id, "sessionToken": token, "action": "shown", "workspaceId": ws}),
        ),
        (
            "surveys:recordImpression",
            json!({"surveyId": id, "sessionToken": token, "action": "clicked"}),
        ),
        (
            "surveys:submitResponse",
            json!({"surveyId": id, "sessionToken": token, "isComplete": true,
                   "answers": [{"questionId": "nps", "value": {"x": 1}}]}),
        ),
        (
            "surveys:submitResponse",
            json!({"surveyId": id, "sessionToken": token, "isComplete": true,
                   "answers": [{"questionId": "nps", "value": [1, "a"]}]}),
        ),
    ] {
        super::rejected(&mock, "mutation", path, args).await;
    }
    assert!(mock.survey_impressions(&id).is_empty());
    assert!(mock.survey_responses(&id).is_empty());
}
