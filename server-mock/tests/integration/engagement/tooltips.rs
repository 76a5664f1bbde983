//! `tooltips:getAvailableTooltips`.

use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use super::{fails, ids, ok, validates};
use crate::common::{as_agent, boot_anonymous, member};

#[tokio::test]
async fn tooltips_follow_triggers_audience_and_workspace() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let always = mock.add_tooltip(&ws, json!({"name": "Always", "elementSelector": "#a"}));
    let page = mock.add_tooltip(
        &ws,
        json!({"name": "Reports", "elementSelector": "#export",
               "triggers": {"type": "page_visit", "pageUrl": "/reports"}}),
    );
    let event = mock.add_tooltip(
        &ws,
        json!({"name": "Event", "elementSelector": "#e",
               "triggers": {"type": "event", "eventName": "opened_export"}}),
    );
    let timed = mock.add_tooltip(
        &ws,
        json!({"name": "Timed", "elementSelector": "#t",
               "triggers": {"type": "time_on_page", "delaySeconds": 10}}),
    );
    mock.add_tooltip(
        &ws,
        json!({"name": "VIP", "elementSelector": "#v",
               "audienceRules": {"type": "group", "operator": "and", "conditions": [
                   {"type": "condition", "property": {"source": "custom", "key": "vip"},
                    "operator": "equals", "value": true}]}}),
    );
    mock.add_tooltip(&other, json!({"name": "Theirs", "elementSelector": "#x"}));
    let (token, _) = boot_anonymous(&mock, &ws, "tt").await;
    let available = |context: Value| {
        let mut args = json!({"workspaceId": ws, "sessionToken": token});
        if !context.is_null() {
            args["triggerContext"] = context;
        }
        let mock = &mock;
        async move { ids(&ok(mock, "tooltips:getAvailableTooltips", args).await, None) }
    };
    // Newest first.
    assert_eq!(available(Value::Null).await, [&always]);
    assert_eq!(
        available(json!({"currentUrl": "https://app.example.com/reports/q1"})).await,
        [&page, &always]
    );
    assert_eq!(
        available(json!({"firedEventName": "opened_export", "timeOnPageSeconds": 12})).await,
        [&timed, &event, &always]
    );
    assert_eq!(available(json!({"timeOnPageSeconds": 9})).await, [&always]);

    let (_, someone) = boot_anonymous(&mock, &ws, "other").await;
    assert_eq!(
        fails(
            &mock,
            "query",
            "tooltips:getAvailableTooltips",
            json!({"workspaceId": ws, "sessionToken": token, "visitorId": someone}),
        )
        .await,
        "Not authorized to list tooltips for this visitor"
    );
    // An agent (articles.read) gets [] without a visitor, the visitor's tooltips with one.
    let (_, agent) = member(&mock, &ws, "ana@example.com", Role::Agent);
    let run = |args: Value| {
        let agent = agent.clone();
        let mock = &mock;
        async move {
            as_agent(mock, "query", "tooltips:getAvailableTooltips", args, &agent)
                .await
                .unwrap()
        }
    };
    assert_eq!(run(json!({"workspaceId": ws})).await, json!([]));
    assert_eq!(
        ids(
            &run(json!({"workspaceId": ws, "visitorId": someone})).await,
            None
        ),
        [&always]
    );
    validates(
        &mock,
        "query",
        "tooltips:getAvailableTooltips",
        json!({"workspaceId": ws, "sessionToken": token, "triggerContext": {}}),
        "triggerContext",
        "workspaceId",
    )
    .await;
    super::rejected(
        &mock,
        "query",
        "tooltips:getAvailableTooltips",
        json!({"workspaceId": ws, "sessionToken": token,
               "triggerContext": {"currentUrl": "x", "scroll": 3}}),
    )
    .await;
}
