//! `outboundMessages:getEligible` and `trackImpression`.

use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use super::{fails, ids, ok, validates};
use crate::common::{as_agent, boot_anonymous, member, mutation, query};

fn message(name: &str, extra: Value) -> Value {
    let mut message = json!({"type": "post", "name": name,
                             "content": {"title": name, "body": "…"}});
    message
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    message
}

async fn eligible(
    mock: &ServerMock,
    token: &str,
    url: &str,
    session: Option<&str>,
) -> Vec<super::Id> {
    let mut args = json!({"workspaceId": mock.workspace_id(), "sessionToken": token,
                          "currentUrl": url});
    if let Some(session) = session {
        args["sessionId"] = json!(session);
    }
    ids(
        &query(mock, "outboundMessages:getEligible", args)
            .await
            .unwrap(),
        None,
    )
}

fn page(url: &str, how: Option<&str>) -> Value {
    let mut triggers = json!({"type": "page_visit", "pageUrl": url});
    if let Some(how) = how {
        triggers["pageUrlMatch"] = json!(how);
    }
    json!({"triggers": triggers})
}

#[tokio::test]
async fn eligibility_follows_page_url_schedule_audience_and_priority() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let everywhere = mock.add_outbound_message(&ws, message("Everywhere", json!({})));
    let contains = mock.add_outbound_message(
        &ws,
        message(
            "Settings",
            json!({"priority": 3, "triggers": page("/settings", None)["triggers"]}),
        ),
    );
    let exact = mock.add_outbound_message(
        &ws,
        message(
            "Exact",
            json!({"priority": 2,
                   "triggers": page("https://app.example.com/pricing", Some("exact"))["triggers"]}),
        ),
    );
    let regex = mock.add_outbound_message(
        &ws,
        message(
            "Regex",
            json!({"priority": 1,
                   "triggers": page(r"/orders/\d+$", Some("regex"))["triggers"]}),
        ),
    );
    mock.add_outbound_message(
        &ws,
        message(
            "Bad regex",
            json!({"triggers": page("([", Some("regex"))["triggers"]}),
        ),
    );
    let banner = mock.add_outbound_message(
        &ws,
        json!({"type": "banner", "name": "Banner", "priority": 10,
               "content": {"text": "Maintenance tonight"},
               "audienceRules": {"type": "group", "operator": "or", "conditions": [
                   {"type": "condition", "property": {"source": "system", "key": "email"},
                    "operator": "ends_with", "value": "@acme.com"}]}}),
    );
    mock.add_outbound_message(&ws, message("Paused", json!({"status": "paused"})));
    mock.add_outbound_message(
        &ws,
        message("Future", json!({"scheduling": {"startDate": now + 1000.0}})),
    );
    mock.add_outbound_message(
        &ws,
        message("Past", json!({"scheduling": {"endDate": now - 1000.0}})),
    );
    mock.add_outbound_message(&other, message("Elsewhere", json!({})));

    let (token, visitor) = boot_anonymous(&mock, &ws, "o1").await;
    let home = "https://app.example.com/home";
    assert_eq!(eligible(&mock, &token, home, None).await, [&everywhere]);
    assert_eq!(
        eligible(
            &mock,
            &token,
            "https://app.example.com/settings/billing",
            None
        )
        .await,
        [&contains, &everywhere]
    );
    assert_eq!(
        eligible(&mock, &token, "https://app.example.com/pricing", None).await,
        [&exact, &everywhere]
    );
    assert_eq!(
        eligible(&mock, &token, "https://app.example.com/pricing?x=1", None).await,
        [&everywhere]
    );
    assert_eq!(
        eligible(&mock, &token, "https://app.example.com/orders/42", None).await,
        [&regex, &everywhere]
    );
    assert_eq!(
        eligible(&mock, &token, "https://app.example.com/orders/42/x", None).await,
        [&everywhere]
    );
    super::identify(&mock, &visitor, &token, json!({"email": "jo@acme.com"})).await;
    assert_eq!(
        eligible(&mock, &token, home, None).await,
        [&banner, &everywhere]
    );
    // The documents come back whole.
    let docs = ok(
        &mock,
        "outboundMessages:getEligible",
        json!({"workspaceId": ws, "sessionToken": token, "currentUrl": home}),
    )
    .await;
    assert_eq!(docs[0]["type"], "banner");
    assert_eq!(docs[0]["content"]["text"], "Maintenance tonight");
    assert_eq!(docs[0]["workspaceId"], json!(ws));
}

#[tokio::test]
async fn frequency_once_once_per_session_and_always() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let once = mock.add_outbound_message(&ws, message("Once", json!({"frequency": "once"})));
    let session = mock.add_outbound_message(
        &ws,
        message("Session", json!({"frequency": "once_per_session"})),
    );
    let always = mock.add_outbound_message(&ws, message("Always", json!({"frequency": "always"})));
    let (token, visitor) = boot_anonymous(&mock, &ws, "o1").await;
    let url = "app://home";
    let track = |id: &str, action: &str, session: &str, button: Option<u32>| {
        let mut args = json!({"messageId": id, "sessionToken": token, "visitorId": visitor,
                              "sessionId": session, "action": action});
        if let Some(button) = button {
            args["buttonIndex"] = json!(button);
        }
        args
    };
    // Clicks and dismissals do not count as shown.
    for args in [
        track(&once, "clicked", "a", Some(1)),
        track(&session, "dismissed", "a", None),
    ] {
        let id = mutation(&mock, "outboundMessages:trackImpression", args)
            .await
            .unwrap();
        assert!(id.is_string());
    }
    assert_eq!(
        eligible(&mock, &token, url, Some("a")).await,
        [&once, &session, &always]
    );
    for id in [&once, &session, &always] {
        mutation(
            &mock,
            "outboundMessages:trackImpression",
            track(id, "shown", "a", None),
        )
        .await
        .unwrap();
    }
    assert_eq!(eligible(&mock, &token, url, Some("a")).await, [&always]);
    assert_eq!(
        eligible(&mock, &token, url, Some("b")).await,
        [&session, &always],
        "a new session shows the once-per-session message again"
    );
    assert_eq!(
        eligible(&mock, &token, url, None).await,
        [&session, &always],
        "without a sessionId once_per_session is not filtered"
    );
    let rows = mock.outbound_impressions(&once);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["action"], "clicked");
    assert_eq!(rows[0]["buttonIndex"], 1);
    assert_eq!(rows[0]["sessionId"], "a");
    assert_eq!(rows[0]["visitorId"], json!(visitor));
    assert_eq!(rows[1]["action"], "shown");

    // Another visitor is not affected.
    let (token2, _) = boot_anonymous(&mock, &ws, "o2").await;
    assert_eq!(
        eligible(&mock, &token2, url, Some("a")).await,
        [&once, &session, &always]
    );

    // A deleted message answers null and records nothing.
    assert!(mock.delete_engagement_item(&always));
    assert_eq!(
        mutation(
            &mock,
            "outboundMessages:trackImpression",
            track(&always, "shown", "a", None)
        )
        .await
        .unwrap(),
        Value::Null
    );
    assert_eq!(mock.outbound_impressions(&always).len(), 1);
}

#[tokio::test]
async fn outbound_errors_use_opencoms_texts() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let mine = mock.add_outbound_message(&ws, message("Mine", json!({})));
    let theirs = mock.add_outbound_message(&other, message("Theirs", json!({})));
    let (token, _) = boot_anonymous(&mock, &ws, "o1").await;
    let (_, someone) = boot_anonymous(&mock, &ws, "o2").await;
    let (_, stranger) = boot_anonymous(&mock, &other, "o3").await;
    let url = "app://home";
    for (args, expected) in [
        (
            json!({"workspaceId": ws, "sessionToken": token, "visitorId": someone,
                   "currentUrl": url}),
            "Not authorized for requested visitor",
        ),
        (
            json!({"workspaceId": ws, "currentUrl": url}),
            "Session token required",
        ),
        (
            json!({"workspaceId": other, "sessionToken": token, "currentUrl": url}),
            "Session token does not match workspace",
        ),
    ] {
        assert_eq!(
            fails(&mock, "query", "outboundMessages:getEligible", args).await,
            expected
        );
    }
    for (args, expected) in [
        (
            json!({"messageId": theirs, "sessionToken": token, "action": "shown"}),
            "Session token does not match workspace",
        ),
        (
            json!({"messageId": mine, "sessionToken": token, "visitorId": someone,
                   "action": "shown"}),
            "Not authorized for requested visitor",
        ),
    ] {
        assert_eq!(
            fails(&mock, "mutation", "outboundMessages:trackImpression", args).await,
            expected
        );
    }
    let (_, agent) = member(&mock, &ws, "ana@example.com", Role::Agent);
    let foreign_visitor = as_agent(
        &mock,
        "mutation",
        "outboundMessages:trackImpression",
        json!({"messageId": mine, "visitorId": stranger, "action": "shown"}),
        &agent,
    )
    .await
    .unwrap_err();
    assert!(foreign_visitor.ends_with("Visitor not found in message workspace"));
    let no_visitor = as_agent(
        &mock,
        "mutation",
        "outboundMessages:trackImpression",
        json!({"messageId": mine, "action": "shown"}),
        &agent,
    )
    .await
    .unwrap_err();
    assert!(no_visitor.ends_with("visitorId is required for authenticated impression tracking"));
    let no_visitor = as_agent(
        &mock,
        "query",
        "outboundMessages:getEligible",
        json!({"workspaceId": ws, "currentUrl": url}),
        &agent,
    )
    .await
    .unwrap_err();
    assert!(no_visitor.ends_with("visitorId is required for authenticated outbound access"));
    let for_visitor = as_agent(
        &mock,
        "query",
        "outboundMessages:getEligible",
        json!({"workspaceId": ws, "currentUrl": url, "visitorId": someone}),
        &agent,
    )
    .await
    .unwrap();
    assert_eq!(ids(&for_visitor, None), [&mine]);
    assert!(mock.outbound_impressions(&mine).is_empty());
    assert!(mock.outbound_impressions(&theirs).is_empty());
}

#[tokio::test]
async fn outbound_arguments_are_validated_like_convex() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let id = mock.add_outbound_message(&ws, message("Mine", json!({})));
    let (token, _) = boot_anonymous(&mock, &ws, "o1").await;
    validates(
        &mock,
        "query",
        "outboundMessages:getEligible",
        json!({"workspaceId": ws, "sessionToken": token, "currentUrl": "app://home"}),
        "sessionId",
        "currentUrl",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "outboundMessages:trackImpression",
        json!({"messageId": id, "sessionToken": token, "action": "clicked", "buttonIndex": 0}),
        "buttonIndex",
        "action",
    )
    .await;
    for args in [
        json!({"messageId": id, "sessionToken": token, "action": "shown", "workspaceId": ws}),
        json!({"messageId": id, "sessionToken": token, "action": "completed"}),
        json!({"messageId": id, "sessionToken": token, "action": "clicked", "buttonIndex": "1"}),
    ] {
        super::rejected(&mock, "mutation", "outboundMessages:trackImpression", args).await;
    }
    assert!(mock.outbound_impressions(&id).is_empty());
}
