//! Live subscriptions to the engagement queries follow the mutations and the control API.

use convex::ConvexClient;
use serde_json::{json, Value};
use server_mock::ServerMock;

use super::ids;
use crate::common::{action, boot_anonymous, mutation, visitor_with_conversation};
use crate::sync::{args, next, until};

#[tokio::test]
async fn engagement_queries_update_live() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.set_ai_enabled(&ws, true);
    let (token, _, conversation) = visitor_with_conversation(&mock, "live").await;
    let survey = mock.add_survey(&ws, json!({"name": "S", "questions": []}));
    let checklist = mock.add_checklist(
        &ws,
        json!({"name": "C", "tasks": [{"id": "t", "title": "T", "completionType": "manual"}]}),
    );
    let tour = mock.add_tour(
        &ws,
        json!({"name": "T"}),
        json!([{"title": "a", "content": "b"}]),
    );
    let me = json!({"workspaceId": ws, "sessionToken": token});
    let with = |extra: Value| {
        let mut a = me.clone();
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    let mut client = ConvexClient::new(&mock.url()).await.unwrap();
    let mut surveys = client
        .subscribe("surveys:getActiveSurveys", args(me.clone()))
        .await
        .unwrap();
    let mut carousels = client
        .subscribe("carousels:listActive", args(me.clone()))
        .await
        .unwrap();
    let mut progress = client
        .subscribe(
            "checklists:getProgress",
            args(with(json!({"checklistId": checklist}))),
        )
        .await
        .unwrap();
    let mut outbound = client
        .subscribe(
            "outboundMessages:getEligible",
            args(with(json!({"currentUrl": "app://home"}))),
        )
        .await
        .unwrap();
    let mut tours = client
        .subscribe("tourProgress:getActive", args(me.clone()))
        .await
        .unwrap();
    let mut answers = client
        .subscribe(
            "aiAgent:getConversationResponses",
            args(json!({"conversationId": conversation, "sessionToken": token})),
        )
        .await
        .unwrap();
    assert_eq!(ids(&next(&mut surveys).await.unwrap(), None), [&survey]);
    assert_eq!(next(&mut carousels).await.unwrap(), json!([]));
    assert_eq!(next(&mut progress).await.unwrap(), Value::Null);
    assert_eq!(next(&mut outbound).await.unwrap(), json!([]));
    assert_eq!(next(&mut tours).await.unwrap(), json!([]));
    assert_eq!(next(&mut answers).await.unwrap(), json!([]));

    // The control API wakes subscriptions.
    let carousel = mock.add_carousel(&ws, json!({"name": "K", "screens": [{"title": "x"}]}));
    let listed = until(&mut carousels, |r| {
        r.as_ref().is_ok_and(|v| v != &json!([]))
    })
    .await;
    assert_eq!(ids(&listed.unwrap(), None), [&carousel]);
    let post = mock.add_outbound_message(
        &ws,
        json!({"type": "post", "name": "P", "content": {"title": "x"}}),
    );
    let listed = until(&mut outbound, |r| r.as_ref().is_ok_and(|v| v != &json!([]))).await;
    assert_eq!(ids(&listed.unwrap(), None), [&post]);

    // So do visitor mutations over HTTP.
    mutation(
        &mock,
        "surveys:submitResponse",
        json!({"surveyId": survey, "sessionToken": token, "answers": [], "isComplete": true}),
    )
    .await
    .unwrap();
    let empty = |r: &Result<Value, String>| r.as_ref().is_ok_and(|v| v == &json!([]));
    until(&mut surveys, empty).await.unwrap();
    mutation(
        &mock,
        "carousels:trackImpression",
        json!({"carouselId": carousel, "sessionToken": token, "action": "dismissed"}),
    )
    .await
    .unwrap();
    until(&mut carousels, empty).await.unwrap();
    mutation(
        &mock,
        "checklists:completeTask",
        with(json!({"checklistId": checklist, "taskId": "t"})),
    )
    .await
    .unwrap();
    let done = until(&mut progress, |r| r.as_ref().is_ok_and(|v| !v.is_null()))
        .await
        .unwrap();
    assert_eq!(done["completedTaskIds"], json!(["t"]));
    // As in Opencom, the record a first completion creates has no `completedAt`, even when
    // that task was the checklist's only one.
    assert!(done.get("completedAt").is_none());
    mutation(&mock, "tourProgress:start", with(json!({"tourId": tour})))
        .await
        .unwrap();
    let active = until(&mut tours, |r| r.as_ref().is_ok_and(|v| v != &json!([])))
        .await
        .unwrap();
    assert_eq!(active[0]["tourId"], json!(tour));
    action(
        &mock,
        "aiAgentActions:generateResponse",
        json!({"workspaceId": ws, "conversationId": conversation, "sessionToken": token,
               "query": "Hi"}),
    )
    .await
    .unwrap();
    let answered = until(&mut answers, |r| r.as_ref().is_ok_and(|v| v != &json!([])))
        .await
        .unwrap();
    assert_eq!(answered[0]["query"], "Hi");

    // Impressions that do not end the message's eligibility keep it; pausing it ends it.
    let (other, _) = boot_anonymous(&mock, &ws, "other").await;
    mutation(
        &mock,
        "outboundMessages:trackImpression",
        json!({"messageId": post, "sessionToken": other, "action": "shown"}),
    )
    .await
    .unwrap();
    mutation(
        &mock,
        "outboundMessages:trackImpression",
        json!({"messageId": post, "sessionToken": token, "action": "dismissed"}),
    )
    .await
    .unwrap();
    mock.set_engagement_status(&post, "paused");
    until(&mut outbound, empty).await.unwrap();
}
