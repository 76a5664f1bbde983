//! Surveys against server-mock: the demo survey typed, impressions once per session, answers
//! validated before any call, partial responses upserted, the trigger stream after a track,
//! live updates and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::common;

use common::{next_snapshot, Harness, LIVE_LIMIT};
use futures::StreamExt;
use opencom_sdk::{
    ClientEvent, Delivery, Error, MemoryStorage, QuestionKind, SurveyAnswer, SurveyFormat,
    SurveyImpression, SurveyTrigger,
};
use serde_json::json;

fn nps_survey(name: &str, trigger: serde_json::Value) -> serde_json::Value {
    json!({
        "name": name, "triggers": trigger,
        "questions": [
            {"id": "score", "type": "nps", "title": "How likely…?", "required": true},
            {"id": "ease", "type": "numeric_scale", "title": "How easy?", "required": false,
             "options": {"scaleStart": 1, "scaleEnd": 7}},
            {"id": "why", "type": "long_text", "title": "Why?", "required": false},
        ],
    })
}

#[tokio::test]
async fn the_demo_survey_is_typed_and_each_impression_is_recorded_once() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let session = client.start().await.unwrap();
    let mut events = client.events_stream();

    let active = client.surveys().active().await.unwrap();
    let survey = active.iter().find(|s| s.id == demo.survey_id).unwrap();
    assert_eq!(survey.name, "Product feedback");
    assert_eq!(survey.format, SurveyFormat::Large);
    assert_eq!(survey.trigger, Some(SurveyTrigger::Immediate));
    assert_eq!(
        survey.intro.as_ref().unwrap().button_text.as_deref(),
        Some("Start")
    );
    assert_eq!(
        survey.thank_you.as_ref().unwrap().title.as_deref(),
        Some("Thank you!")
    );
    let kinds: Vec<_> = survey.questions.iter().map(|q| q.kind.clone()).collect();
    assert_eq!(kinds[0], QuestionKind::Nps);
    assert!(survey.questions[0].required);
    assert!(matches!(
        &kinds[1],
        QuestionKind::StarRating { max: 5, low_label: Some(low), .. } if low == "Poor"
    ));
    assert!(matches!(
        &kinds[2],
        QuestionKind::MultipleChoice { choices, allow_multiple: true } if choices.len() == 4
    ));
    assert!(matches!(kinds[3], QuestionKind::ShortText { .. }));
    assert!(matches!(kinds[4], QuestionKind::LongText { .. }));

    let surveys = client.surveys();
    surveys
        .record(&survey.id, SurveyImpression::Shown)
        .await
        .unwrap();
    surveys
        .record(&survey.id, SurveyImpression::Shown)
        .await
        .unwrap();
    surveys
        .record(&survey.id, SurveyImpression::Started)
        .await
        .unwrap();
    surveys
        .record(&survey.id, SurveyImpression::Started)
        .await
        .unwrap();
    let rows = h.mock.survey_impressions(&survey.id);
    let actions: Vec<_> = rows.iter().map(|r| r["action"].clone()).collect();
    assert_eq!(actions, [json!("shown"), json!("started")]);
    assert_eq!(rows[0]["visitorId"], session.visitor_id.as_str());
    assert_eq!(rows[0]["sessionId"], session.session_id.as_str());
    assert_eq!(h.calls_to("surveys:recordImpression").len(), 2);

    // One SurveyShown, for the first `shown` only.
    let first = tokio::time::timeout(LIVE_LIMIT, events.next())
        .await
        .unwrap();
    assert_eq!(
        first,
        Some(ClientEvent::SurveyShown {
            survey_id: survey.id.clone()
        })
    );

    // The second `shown` published nothing: the next event is this one.
    client
        .events()
        .track("probe", Default::default())
        .await
        .unwrap();
    let next = tokio::time::timeout(LIVE_LIMIT, events.next())
        .await
        .unwrap();
    assert_eq!(
        next,
        Some(ClientEvent::EventTracked {
            name: "probe".into()
        })
    );

    // `frequency: "once"`: shown, it is no longer active.
    let after = client.surveys().active().await.unwrap();
    assert!(after.iter().all(|s| s.id != demo.survey_id));

    // A new visitor (after logout) starts with nothing recorded.
    client.logout().await.unwrap();
    let other = h.mock.add_survey(
        &h.mock.workspace_id(),
        nps_survey("Again", json!({"type": "immediate"})),
    );
    client
        .surveys()
        .record(&other, SurveyImpression::Shown)
        .await
        .unwrap();
    assert_eq!(h.mock.survey_impressions(&other).len(), 1);
}

#[tokio::test]
async fn bad_answers_are_refused_before_any_call() {
    let h = Harness::new().await;
    h.mock.add_survey(
        &h.mock.workspace_id(),
        nps_survey("NPS", json!({"type": "immediate"})),
    );
    let client = h.client();
    client.start().await.unwrap();
    let survey = client.surveys().active().await.unwrap().remove(0);
    h.mock.clear_calls();
    let cases = [
        (vec![SurveyAnswer::number("nope", 5)], false, "answers.nope"),
        (
            vec![SurveyAnswer::number("score", 11)],
            false,
            "answers.score",
        ),
        (
            vec![SurveyAnswer::text("score", "ten")],
            false,
            "answers.score",
        ),
        (vec![SurveyAnswer::number("ease", 8)], false, "answers.ease"),
        (vec![SurveyAnswer::text("why", " ")], false, "answers.why"),
        (
            vec![SurveyAnswer::choice("ease", "3")],
            false,
            "answers.ease",
        ),
        // Complete without the required score.
        (vec![SurveyAnswer::number("ease", 3)], true, "answers.score"),
    ];
    for (answers, complete, expected) in cases {
        let err = client
            .surveys()
            .submit(&survey, answers, complete)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == expected),
            "{expected}: {err:?}"
        );
    }
    assert!(h.calls_to("surveys:submitResponse").is_empty());
    assert!(h.mock.survey_responses(&survey.id).is_empty());
}

#[tokio::test]
async fn partial_responses_are_upserted_into_one_row() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let session = client.start().await.unwrap();
    let survey = client
        .surveys()
        .active()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == demo.survey_id)
        .unwrap();
    let surveys = client.surveys();
    surveys
        .submit(&survey, vec![SurveyAnswer::number("nps", 8)], false)
        .await
        .unwrap();
    surveys
        .submit(
            &survey,
            vec![
                SurveyAnswer::number("nps", 9),
                SurveyAnswer::choices("features", ["Messenger", "Tickets"]),
            ],
            false,
        )
        .await
        .unwrap();
    let partial = h.mock.survey_responses(&survey.id);
    assert_eq!(partial.len(), 1);
    assert_eq!(partial[0]["status"], "partial");
    let id = surveys
        .submit(
            &survey,
            vec![
                SurveyAnswer::number("nps", 10),
                SurveyAnswer::number("rating", 4),
                SurveyAnswer::choices("features", ["Messenger", "Tickets"]),
                SurveyAnswer::text("role", "Engineer"),
            ],
            true,
        )
        .await
        .unwrap();
    let rows = h.mock.survey_responses(&survey.id);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["_id"], id.as_str());
    assert_eq!(rows[0]["status"], "completed");
    assert_eq!(rows[0]["visitorId"], session.visitor_id.as_str());
    assert_eq!(rows[0]["sessionId"], session.session_id.as_str());
    assert_eq!(
        rows[0]["answers"],
        json!([
            {"questionId": "nps", "value": 10},
            {"questionId": "rating", "value": 4},
            {"questionId": "features", "value": ["Messenger", "Tickets"]},
            {"questionId": "role", "value": "Engineer"},
        ])
    );
    // The wire call: no workspaceId, no userId.
    let call = h.calls_to("surveys:submitResponse").remove(0);
    assert!(call.args.get("workspaceId").is_none());
    assert!(call.args.get("userId").is_none());
    // Completed: no longer active.
    assert!(client
        .surveys()
        .active()
        .await
        .unwrap()
        .iter()
        .all(|s| s.id != survey.id));
}

#[tokio::test]
async fn tracking_an_event_yields_the_surveys_it_triggers() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let checkout = h.mock.add_survey(
        &ws,
        nps_survey(
            "After checkout",
            json!({"type": "event", "eventName": "checkout_completed"}),
        ),
    );
    h.mock.add_survey(
        &ws,
        nps_survey(
            "After signup",
            json!({"type": "event", "eventName": "signed_up"}),
        ),
    );
    h.mock
        .add_survey(&ws, nps_survey("Always", json!({"type": "immediate"})));
    let client = h.client();
    client.start().await.unwrap();
    let mut triggered = client.surveys().triggers().unwrap();
    h.mock.clear_calls();

    client
        .events()
        .track("viewed_pricing", Default::default())
        .await
        .unwrap();
    client
        .events()
        .track("checkout_completed", Default::default())
        .await
        .unwrap();
    let survey = tokio::time::timeout(LIVE_LIMIT, triggered.next())
        .await
        .expect("a triggered survey")
        .unwrap();
    assert_eq!(survey.id, checkout);
    assert_eq!(
        survey.trigger,
        Some(SurveyTrigger::Event {
            name: "checkout_completed".into()
        })
    );
    // Fetched fresh after each track (the one for `viewed_pricing` yielded nothing).
    assert!(h.calls_to("surveys:getActiveSurveys").len() >= 2);
    // Nothing else was pending, and the stream ends with the client.
    drop(client);
    let rest: Vec<_> = tokio::time::timeout(LIVE_LIMIT, triggered.collect::<Vec<_>>())
        .await
        .expect("the stream ends when the client is dropped");
    assert!(rest.is_empty(), "{rest:?}");
}

#[tokio::test]
async fn a_survey_added_on_the_server_appears_on_the_live_list() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    h.mock
        .add_survey(&ws, nps_survey("First", json!({"type": "immediate"})));
    let client = h.client();
    client.start().await.unwrap();
    let mut live = client.surveys().watch_active().unwrap();
    let first = next_snapshot(&mut live).await;
    assert_eq!(first.value.len(), 1);
    let added = h
        .mock
        .add_survey(&ws, nps_survey("Second", json!({"type": "immediate"})));
    let second = next_snapshot(&mut live).await;
    assert!(second.value.iter().any(|s| s.id == added), "{second:?}");
    assert_eq!(second.via, Delivery::Socket);
}

#[tokio::test]
async fn a_visitor_sees_only_its_own_workspace_surveys() {
    let h = Harness::new().await;
    let ws_b = h.mock.create_workspace("Tenant B");
    let theirs = h
        .mock
        .add_survey(&ws_b, nps_survey("B only", json!({"type": "immediate"})));
    let ours = h.mock.add_survey(
        &h.mock.workspace_id(),
        nps_survey("A", json!({"type": "immediate"})),
    );
    let client = h.client();
    client.start().await.unwrap();
    let ids: Vec<_> = client
        .surveys()
        .active()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, [ours]);
    let err = client
        .surveys()
        .record(&theirs, SurveyImpression::Shown)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert!(h.mock.survey_impressions(&theirs).is_empty());

    // Workspace B's own visitor sees it.
    let client_b = h
        .builder_for(&ws_b)
        .storage(Arc::new(MemoryStorage::new()))
        .build()
        .unwrap();
    client_b.start().await.unwrap();
    let ids: Vec<_> = client_b
        .surveys()
        .active()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, [theirs]);
}
