//! `carousels:listActive` / `getEligible`, `recordImpression` / `trackImpression`, `get`.

use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use super::{fails, ids, validates};
use crate::common::{as_agent, boot_anonymous, member, mutation, query};

fn screens() -> Value {
    json!([{"id": "one", "title": "Hello", "buttons": [{"text": "Next", "action": "next"}]}])
}

async fn eligible(mock: &ServerMock, path: &str, token: &str) -> Value {
    query(
        mock,
        path,
        json!({"workspaceId": mock.workspace_id(), "sessionToken": token}),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn eligible_carousels_are_active_deliverable_matching_and_by_priority() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let low = mock.add_carousel(&ws, json!({"name": "Low", "screens": screens()}));
    let high = mock.add_carousel(
        &ws,
        json!({"name": "High", "priority": 5, "screens": [
            {"title": "  Padded  ", "body": "", "buttons": [
                {"text": "Open", "action": "url", "url": " https://opencom.dev "},
                {"text": "App", "action": "deeplink", "deepLink": "myapp://home"},
                {"text": "", "action": "next"},
                {"text": "Weird", "action": "explode"},
            ]},
            {"id": "two", "body": "Second"},
        ]}),
    );
    let pro = mock.add_carousel(
        &ws,
        json!({"name": "Pro only", "priority": 1, "screens": screens(),
               "audienceRules": {"type": "group", "operator": "and", "conditions": [
                   {"type": "condition", "property": {"source": "custom", "key": "plan"},
                    "operator": "equals", "value": "pro"}]}}),
    );
    mock.add_carousel(
        &ws,
        json!({"name": "Draft", "status": "draft", "screens": screens()}),
    );
    mock.add_carousel(&ws, json!({"name": "Empty", "screens": []}));
    mock.add_carousel(
        &ws,
        json!({"name": "Bad URL", "screens": [{"title": "x", "buttons": [
            {"text": "Go", "action": "url", "url": "ftp://nope"}]}]}),
    );
    mock.add_carousel(
        &ws,
        json!({"name": "No text", "screens": [{"imageUrl": "https://x/y.png"}]}),
    );
    mock.add_carousel(&other, json!({"name": "Elsewhere", "screens": screens()}));

    let (token, visitor) = boot_anonymous(&mock, &ws, "c1").await;
    let list = eligible(&mock, "carousels:listActive", &token).await;
    assert_eq!(ids(&list, None), [&high, &low]);
    assert_eq!(list, eligible(&mock, "carousels:getEligible", &token).await);
    // Screens come back normalized.
    assert_eq!(
        list[0]["screens"],
        json!([
            {"id": "screen-1", "title": "Padded", "buttons": [
                {"text": "Open", "action": "url", "url": "https://opencom.dev"},
                {"text": "App", "action": "deeplink", "deepLink": "myapp://home"},
            ]},
            {"id": "two", "body": "Second"},
        ])
    );

    // The audience rule matches once the visitor has the attribute.
    super::identify(
        &mock,
        &visitor,
        &token,
        json!({"customAttributes": {"plan": "pro"}}),
    )
    .await;
    let list = eligible(&mock, "carousels:listActive", &token).await;
    assert_eq!(ids(&list, None), [&high, &pro, &low]);
}

#[tokio::test]
async fn completed_or_dismissed_carousels_are_no_longer_eligible() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let first = mock.add_carousel(&ws, json!({"name": "First", "screens": screens()}));
    let second = mock.add_carousel(&ws, json!({"name": "Second", "screens": screens()}));
    let (token, visitor) = boot_anonymous(&mock, &ws, "c1").await;
    let track = |path: &'static str, id: &str, action: &str, screen: Option<u32>| {
        let mut args = json!({"carouselId": id, "sessionToken": token, "visitorId": visitor,
                              "action": action});
        if let Some(screen) = screen {
            args["screenIndex"] = json!(screen);
        }
        (path, args)
    };
    for (path, args) in [
        track("carousels:recordImpression", &first, "shown", Some(0)),
        track("carousels:trackImpression", &second, "shown", None),
    ] {
        assert!(mutation(&mock, path, args).await.unwrap().is_string());
    }
    assert_eq!(
        ids(
            &eligible(&mock, "carousels:getEligible", &token).await,
            None
        ),
        [&first, &second],
        "a shown carousel stays eligible"
    );
    let (path, args) = track("carousels:recordImpression", &first, "completed", Some(2));
    let completed = mutation(&mock, path, args).await.unwrap();
    let (path, args) = track("carousels:trackImpression", &second, "dismissed", Some(0));
    let dismissed = mutation(&mock, path, args).await.unwrap();
    assert!(eligible(&mock, "carousels:listActive", &token)
        .await
        .as_array()
        .unwrap()
        .is_empty());
    // A second terminal impression returns the first one's id and records nothing.
    let (path, args) = track("carousels:trackImpression", &first, "dismissed", None);
    assert_eq!(mutation(&mock, path, args).await.unwrap(), completed);
    let rows = mock.carousel_impressions(&first);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["_id"], completed);
    assert_eq!(rows[1]["action"], "completed");
    assert_eq!(rows[1]["screenIndex"], 2);
    assert_eq!(mock.carousel_impressions(&second)[1]["_id"], dismissed);
    assert!(mock.carousel_impressions(&second)[0]
        .get("screenIndex")
        .is_none());

    // Another visitor still gets both.
    let (other_token, _) = boot_anonymous(&mock, &ws, "c2").await;
    assert_eq!(
        ids(
            &eligible(&mock, "carousels:listActive", &other_token).await,
            None
        ),
        [&first, &second]
    );
}

#[tokio::test]
async fn carousel_errors_use_opencoms_texts() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let active = mock.add_carousel(&ws, json!({"name": "On", "screens": screens()}));
    let paused = mock.add_carousel(&ws, json!({"name": "Paused", "screens": screens()}));
    assert!(mock.set_engagement_status(&paused, "paused"));
    let gone = mock.add_carousel(&ws, json!({"name": "Gone", "screens": screens()}));
    assert!(mock.delete_engagement_item(&gone));
    let empty = mock.add_carousel(&ws, json!({"name": "Empty", "screens": []}));
    let foreign = mock.add_carousel(&other, json!({"name": "Theirs", "screens": screens()}));
    let (token, _) = boot_anonymous(&mock, &ws, "c1").await;
    let (_, someone) = boot_anonymous(&mock, &ws, "c2").await;
    let (_, stranger) = boot_anonymous(&mock, &other, "c3").await;
    let shown = |id: &str| json!({"carouselId": id, "sessionToken": token, "action": "shown"});
    for (args, expected) in [
        (shown(&gone), "Carousel not found"),
        (shown(&paused), "Carousel is not active."),
        (shown(&empty), "Carousel requires at least one screen."),
        (shown(&foreign), "Session token does not match workspace"),
        (
            json!({"carouselId": active, "sessionToken": token, "visitorId": someone,
                   "action": "shown"}),
            "Not authorized for requested visitor",
        ),
        (
            json!({"carouselId": active, "action": "shown"}),
            "Session token required",
        ),
    ] {
        assert_eq!(
            fails(&mock, "mutation", "carousels:trackImpression", args).await,
            expected
        );
    }
    assert_eq!(
        fails(
            &mock,
            "query",
            "carousels:listActive",
            json!({"workspaceId": ws, "sessionToken": token, "visitorId": someone}),
        )
        .await,
        "Not authorized for requested visitor"
    );

    // The agent branch: needs conversations.read and an explicit visitor of the workspace.
    let (_, agent) = member(&mock, &ws, "ana@example.com", Role::Agent);
    let run = |path: &'static str, args: Value| {
        let agent = agent.clone();
        let mock = &mock;
        async move { as_agent(mock, "query", path, args, &agent).await }
    };
    assert_eq!(
        ids(
            &run(
                "carousels:getEligible",
                json!({"workspaceId": ws, "visitorId": someone})
            )
            .await
            .unwrap(),
            None
        ),
        [&active]
    );
    let missing = run("carousels:getEligible", json!({"workspaceId": ws})).await;
    assert!(missing
        .unwrap_err()
        .ends_with("visitorId is required for authenticated carousel access"));
    let foreign_visitor = run(
        "carousels:getEligible",
        json!({"workspaceId": ws, "visitorId": stranger}),
    )
    .await;
    assert!(foreign_visitor
        .unwrap_err()
        .ends_with("Visitor not found in workspace"));
    let not_member = run(
        "carousels:getEligible",
        json!({"workspaceId": other, "visitorId": stranger}),
    )
    .await;
    assert!(not_member
        .unwrap_err()
        .ends_with("Not a member of this workspace"));

    // carousels:get is agent-only (settings.workspace).
    assert_eq!(
        fails(&mock, "query", "carousels:get", json!({"id": active})).await,
        "Not authenticated"
    );
    assert!(run("carousels:get", json!({"id": active}))
        .await
        .unwrap_err()
        .ends_with("Permission denied: settings.workspace"));
    let (_, admin) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let doc = as_agent(
        &mock,
        "query",
        "carousels:get",
        json!({"id": paused}),
        &admin,
    )
    .await
    .unwrap();
    assert_eq!(doc["name"], "Paused");
    assert_eq!(doc["status"], "paused");
    assert!(as_agent(
        &mock,
        "query",
        "carousels:get",
        json!({"id": foreign}),
        &admin
    )
    .await
    .unwrap_err()
    .ends_with("Not a member of this workspace"));
}

#[tokio::test]
async fn carousel_arguments_are_validated_like_convex() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let id = mock.add_carousel(&ws, json!({"name": "On", "screens": screens()}));
    let (token, _) = boot_anonymous(&mock, &ws, "c1").await;
    for path in ["carousels:listActive", "carousels:getEligible"] {
        validates(
            &mock,
            "query",
            path,
            json!({"workspaceId": ws, "sessionToken": token}),
            "sessionToken",
            "workspaceId",
        )
        .await;
    }
    for path in ["carousels:recordImpression", "carousels:trackImpression"] {
        validates(
            &mock,
            "mutation",
            path,
            json!({"carouselId": id, "sessionToken": token, "action": "shown"}),
            "screenIndex",
            "carouselId",
        )
        .await;
        super::rejected(
            &mock,
            "mutation",
            path,
            json!({"carouselId": id, "sessionToken": token, "action": "shown",
                   "workspaceId": ws}),
        )
        .await;
        super::rejected(
            &mock,
            "mutation",
            path,
            json!({"carouselId": id, "sessionToken": token, "action": "clicked"}),
        )
        .await;
    }
    validates(
        &mock,
        "query",
        "carousels:get",
        json!({"id": id}),
        "id",
        "id",
    )
    .await;
    assert!(mock.carousel_impressions(&id).is_empty());
}
