//! The demo content of `seed_engagement_demo` (what `server-mock --seed demo` serves): one of
//! each engagement feature, visible to a fresh visitor.

use serde_json::json;
use server_mock::ServerMock;

use super::{ids, ok, strings_at};
use crate::common::{action, boot_anonymous, control, mutation, visitor_with_conversation};

#[tokio::test]
async fn the_demo_shows_one_of_each_feature_to_a_new_visitor() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let demo = mock.seed_engagement_demo(&ws);
    let (token, _) = boot_anonymous(&mock, &ws, "demo").await;
    let me = json!({"workspaceId": ws, "sessionToken": token});
    let with = |key: &str, value: serde_json::Value| {
        let mut args = me.clone();
        args[key] = value;
        args
    };

    let surveys = ok(&mock, "surveys:getActiveSurveys", me.clone()).await;
    assert_eq!(ids(&surveys, None), [&demo.survey_id]);
    assert_eq!(
        strings_at(&surveys[0]["questions"], "/type"),
        [
            "nps",
            "star_rating",
            "multiple_choice",
            "short_text",
            "long_text"
        ]
    );
    let carousels = ok(&mock, "carousels:listActive", me.clone()).await;
    assert_eq!(ids(&carousels, None), [&demo.carousel_id]);
    assert_eq!(carousels[0]["screens"].as_array().unwrap().len(), 3);
    let checklists = ok(&mock, "checklists:getEligible", me.clone()).await;
    assert_eq!(ids(&checklists, Some("checklist")), [&demo.checklist_id]);
    assert_eq!(
        strings_at(&checklists[0]["checklist"]["tasks"], "/completionType"),
        ["manual", "auto_event", "auto_attribute"]
    );
    let home = ok(
        &mock,
        "outboundMessages:getEligible",
        with("currentUrl", json!("https://app.example.com/home")),
    )
    .await;
    assert_eq!(ids(&home, None), [&demo.post_id]);
    let settings = ok(
        &mock,
        "outboundMessages:getEligible",
        with("currentUrl", json!("https://app.example.com/settings")),
    )
    .await;
    assert_eq!(ids(&settings, None), [&demo.post_id, &demo.banner_id]);
    assert_eq!(settings[1]["type"], "banner");
    let tours = ok(&mock, "tours:listAll", me.clone()).await;
    assert_eq!(ids(&tours, Some("tour")), [&demo.tour_id]);
    assert_eq!(tours[0]["elementSelectors"], json!(["#new-conversation"]));
    let tooltips = ok(
        &mock,
        "tooltips:getAvailableTooltips",
        with(
            "triggerContext",
            json!({"currentUrl": "https://app.example.com/reports"}),
        ),
    )
    .await;
    assert_eq!(ids(&tooltips, None), [&demo.tooltip_id]);
    assert!(mock.article(&demo.article_id).is_some());

    // The AI agent answers.
    let (token, _, conversation) = visitor_with_conversation(&mock, "ai").await;
    let answer = action(
        &mock,
        "aiAgentActions:generateResponse",
        json!({"workspaceId": ws, "conversationId": conversation, "sessionToken": token,
               "query": "How do I reset my password?"}),
    )
    .await
    .unwrap();
    assert_eq!(answer["handoff"], false);
    assert!(answer["messageId"].is_string());
}

#[tokio::test]
async fn the_control_api_creates_reads_and_pauses_content_over_http() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (status, created) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/engagement/carousels"),
        Some(json!({"name": "Over HTTP", "screens": [{"title": "Hi"}]})),
    )
    .await;
    assert!(status.is_success(), "{created}");
    let carousel = created["id"].as_str().unwrap().to_owned();
    let (status, tour) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/engagement/tours"),
        Some(json!({"tour": {"name": "T"}, "steps": [{"title": "a", "content": "b"}]})),
    )
    .await;
    assert!(status.is_success(), "{tour}");
    assert_eq!(
        mock.engagement_item(tour["id"].as_str().unwrap()).unwrap()["name"],
        "T"
    );
    let (token, _) = boot_anonymous(&mock, &ws, "http").await;
    let me = json!({"workspaceId": ws, "sessionToken": token});
    assert_eq!(
        ids(&ok(&mock, "carousels:listActive", me.clone()).await, None),
        [&carousel]
    );

    let (status, item) = control(&mock, "GET", &format!("/engagement/{carousel}"), None).await;
    assert!(status.is_success());
    assert_eq!(item["status"], "active");
    let (status, _) = control(
        &mock,
        "POST",
        &format!("/engagement/{carousel}/status"),
        Some(json!({"status": "paused"})),
    )
    .await;
    assert!(status.is_success());
    assert_eq!(
        ok(&mock, "carousels:listActive", me.clone()).await,
        json!([])
    );

    let (status, _) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/engagement/widgets"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status.as_u16(), 404);
    let (status, _) = control(
        &mock,
        "POST",
        "/workspaces/nope/engagement/surveys",
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(status.as_u16(), 404);

    let (status, demo) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/engagement-demo"),
        None,
    )
    .await;
    assert!(status.is_success(), "{demo}");
    let surveys = ok(&mock, "surveys:getActiveSurveys", me).await;
    assert_eq!(
        ids(&surveys, None),
        [&demo["surveyId"].as_str().unwrap().to_owned()]
    );
    assert!(demo["tooltipId"].is_string() && demo["articleId"].is_string());
}

#[tokio::test]
async fn the_control_api_reads_back_what_visitors_did() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let demo = mock.seed_engagement_demo(&ws);
    let (token, visitor) = boot_anonymous(&mock, &ws, "records").await;
    let records = |id: &str, what: &str| {
        let route = format!("/engagement/{id}/{what}");
        let mock = &mock;
        async move {
            let (status, body) = control(mock, "GET", &route, None).await;
            assert!(status.is_success(), "{route}: {body}");
            body.as_array().cloned().unwrap_or_default()
        }
    };
    assert!(records(&demo.survey_id, "impressions").await.is_empty());

    mutation(
        &mock,
        "surveys:recordImpression",
        json!({"surveyId": demo.survey_id, "sessionToken": token, "visitorId": visitor,
               "sessionId": "records", "action": "shown"}),
    )
    .await
    .unwrap();
    mutation(
        &mock,
        "surveys:submitResponse",
        json!({"surveyId": demo.survey_id, "sessionToken": token,
               "answers": [{"questionId": "nps", "value": 9}], "isComplete": true}),
    )
    .await
    .unwrap();
    mutation(
        &mock,
        "carousels:recordImpression",
        json!({"carouselId": demo.carousel_id, "sessionToken": token, "visitorId": visitor,
               "action": "shown", "screenIndex": 0}),
    )
    .await
    .unwrap();

    let shown = records(&demo.survey_id, "impressions").await;
    assert_eq!(shown, mock.survey_impressions(&demo.survey_id));
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["action"], "shown");
    let responses = records(&demo.survey_id, "responses").await;
    assert_eq!(responses, mock.survey_responses(&demo.survey_id));
    assert_eq!(
        responses[0]["answers"],
        json!([{"questionId": "nps", "value": 9}])
    );
    let carousel = records(&demo.carousel_id, "impressions").await;
    assert_eq!(carousel, mock.carousel_impressions(&demo.carousel_id));
    assert_eq!(carousel[0]["screenIndex"], 0);
    assert!(records(&demo.checklist_id, "progress").await.is_empty());
    assert!(records("nope", "responses").await.is_empty());
    let (status, _) = control(
        &mock,
        "GET",
        &format!("/engagement/{}/likes", demo.survey_id),
        None,
    )
    .await;
    assert_eq!(status.as_u16(), 404);

    // The AI agent's answers of a conversation.
    let (token, _, conversation) = visitor_with_conversation(&mock, "ai-records").await;
    action(
        &mock,
        "aiAgentActions:generateResponse",
        json!({"workspaceId": ws, "conversationId": conversation, "sessionToken": token,
               "query": "How do I reset my password?"}),
    )
    .await
    .unwrap();
    let (status, answers) = control(
        &mock,
        "GET",
        &format!("/conversations/{conversation}/ai-responses"),
        None,
    )
    .await;
    assert!(status.is_success());
    assert_eq!(answers, json!(mock.ai_responses(&conversation)));
    assert_eq!(answers[0]["query"], "How do I reset my password?");
}
