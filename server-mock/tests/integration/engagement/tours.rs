//! `tours:listAll` and `tourProgress:*`.

use std::time::Duration;

use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use super::{fails, rejected, strings_at, validates};
use crate::common::{as_agent, boot_anonymous, member, mutation, query};

fn steps() -> Value {
    json!([
        {"type": "post", "title": "Welcome", "content": "Hi"},
        {"type": "pointer", "title": "Click", "content": "Here", "elementSelector": "#new",
         "advanceOn": "elementClick", "routePath": "/inbox"},
        {"type": "pointer", "title": "Fill", "content": "Your name", "elementSelector": "#name",
         "advanceOn": "fieldFill"},
    ])
}

struct Visitor {
    ws: String,
    token: String,
}

impl Visitor {
    fn args(&self, tour: &str, extra: Value) -> Value {
        let mut args = json!({"workspaceId": self.ws, "sessionToken": self.token, "tourId": tour});
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    }

    async fn call(&self, mock: &ServerMock, f: &str, tour: &str, extra: Value) -> Value {
        mutation(mock, &format!("tourProgress:{f}"), self.args(tour, extra))
            .await
            .unwrap_or_else(|e| panic!("{f}: {e}"))
    }

    async fn active(&self, mock: &ServerMock) -> Value {
        query(
            mock,
            "tourProgress:getActive",
            json!({"workspaceId": self.ws, "sessionToken": self.token}),
        )
        .await
        .unwrap()
    }
}

async fn visitor(mock: &ServerMock, session: &str) -> Visitor {
    let ws = mock.workspace_id();
    let (token, _) = boot_anonymous(mock, &ws, session).await;
    Visitor { ws, token }
}

#[tokio::test]
async fn a_tour_is_started_advanced_through_its_checks_and_completed() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let tour = mock.add_tour(&ws, json!({"name": "Dashboard"}), steps());
    let me = visitor(&mock, "t1").await;
    assert_eq!(me.active(&mock).await, json!([]));
    let url = json!({"currentUrl": "https://app.example.com/inbox"});
    let progress = me.call(&mock, "start", &tour, url.clone()).await;
    assert!(progress.is_string());
    let active = me.active(&mock).await;
    assert_eq!(active.as_array().unwrap().len(), 1);
    assert_eq!(active[0]["_id"], progress);
    assert_eq!(active[0]["status"], "in_progress");
    assert_eq!(active[0]["currentStep"], 0);
    assert_eq!(active[0]["tour"]["name"], "Dashboard");
    assert_eq!(active[0]["steps"].as_array().unwrap().len(), 3);
    // Starting again keeps the same progress.
    assert_eq!(me.call(&mock, "start", &tour, json!({})).await, progress);

    let advanced = me.call(&mock, "advance", &tour, url.clone()).await;
    assert_eq!(
        advanced,
        json!({"progressId": progress, "advanced": true, "blockedReason": null,
               "status": "in_progress", "nextStep": 1})
    );
    let row = &mock.tour_progress(&tour)[0];
    assert_eq!(row["checkpointStep"], 1);
    assert_eq!(row["checkpointSelector"], "#new");
    assert_eq!(row["checkpointRoute"], "/inbox");

    // Step 1 wants an element click on /inbox.
    let blocked = |reason: &str| {
        json!({"progressId": progress, "advanced": false, "blockedReason": reason,
               "status": "in_progress", "nextStep": 1})
    };
    for (extra, reason) in [
        (
            json!({"currentUrl": "https://app.example.com/home"}),
            "route_mismatch",
        ),
        (url.clone(), "mode_mismatch"),
        (
            json!({"currentUrl": "https://app.example.com/inbox", "mode": "elementClick"}),
            "element_click_required",
        ),
    ] {
        assert_eq!(
            me.call(&mock, "advance", &tour, extra).await,
            blocked(reason)
        );
    }
    let diagnostics = mock.tour_diagnostics(&tour);
    let reasons: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["route_mismatch", "mode_mismatch", "element_click_required"]
    );
    assert_eq!(diagnostics[1]["metadata"]["expectedMode"], "elementClick");
    assert_eq!(diagnostics[1]["stepOrder"], 1);
    assert_eq!(
        mock.tour_progress(&tour)[0]["lastBlockedReason"],
        "element_click_required"
    );

    let clicked = me
        .call(
            &mock,
            "advance",
            &tour,
            json!({"mode": "elementClick", "targetMatched": true, "selector": "#new"}),
        )
        .await;
    assert_eq!(clicked["nextStep"], 2);
    assert!(mock.tour_progress(&tour)[0]
        .get("lastBlockedReason")
        .is_none());
    // Step 2 wants a filled field.
    let empty = me
        .call(
            &mock,
            "advance",
            &tour,
            json!({"mode": "fieldFill", "fieldValue": "  "}),
        )
        .await;
    assert_eq!(empty["blockedReason"], "field_fill_required");
    let filled = me
        .call(
            &mock,
            "advance",
            &tour,
            json!({"mode": "fieldFill", "fieldValue": "Jo"}),
        )
        .await;
    assert_eq!(
        filled,
        json!({"progressId": progress, "advanced": true, "blockedReason": null,
               "status": "completed", "nextStep": 3})
    );
    let row = &mock.tour_progress(&tour)[0];
    assert_eq!(row["status"], "completed");
    assert!(row["completedAt"].is_number());
    assert!(row.get("checkpointStep").is_none());
    assert_eq!(me.active(&mock).await, json!([]));
    assert_eq!(
        fails(
            &mock,
            "mutation",
            "tourProgress:advance",
            me.args(&tour, json!({}))
        )
        .await,
        "Tour is not in progress"
    );
    // Restart goes back to the first step.
    assert_eq!(me.call(&mock, "restart", &tour, json!({})).await, progress);
    let row = &mock.tour_progress(&tour)[0];
    assert_eq!(row["status"], "in_progress");
    assert_eq!(row["currentStep"], 0);
    assert!(row.get("completedAt").is_none());
}

#[tokio::test]
async fn skip_checkpoint_snooze_dismiss_and_complete() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let ws = mock.workspace_id();
    // The session must outlive the 24 h snooze.
    mock.set_session_lifetime(&ws, Duration::from_secs(7 * 24 * 3600));
    let tour = mock.add_tour(&ws, json!({"name": "Tour"}), steps());
    let me = visitor(&mock, "t1").await;
    let progress = me.call(&mock, "start", &tour, json!({})).await;
    let skipped = me
        .call(
            &mock,
            "skipStep",
            &tour,
            json!({"reason": "selector_missing", "selector": "#x"}),
        )
        .await;
    assert_eq!(
        skipped,
        json!({"progressId": progress, "skipped": true, "reason": "selector_missing",
               "status": "in_progress", "nextStep": 1})
    );
    assert_eq!(mock.tour_diagnostics(&tour)[0]["mode"], "system");
    assert_eq!(mock.tour_diagnostics(&tour)[0]["selector"], "#x");
    let checkpoint = me
        .call(
            &mock,
            "checkpoint",
            &tour,
            json!({"currentUrl": "https://app.example.com/inbox",
                   "blockedReason": "route_mismatch", "mode": "click"}),
        )
        .await;
    assert_eq!(checkpoint, json!({"progressId": progress}));
    let row = &mock.tour_progress(&tour)[0];
    assert_eq!(row["lastBlockedReason"], "route_mismatch");
    assert_eq!(row["lastBlockedMode"], "click");
    assert_eq!(row["lastSeenUrl"], "https://app.example.com/inbox");
    me.call(&mock, "checkpoint", &tour, json!({})).await;
    assert!(mock.tour_progress(&tour)[0]
        .get("lastBlockedReason")
        .is_none());

    // Snoozed for 24 h: not active until then; then start resumes it from the top.
    assert_eq!(me.call(&mock, "snooze", &tour, json!({})).await, progress);
    assert_eq!(me.active(&mock).await, json!([]));
    assert_eq!(me.call(&mock, "start", &tour, json!({})).await, progress);
    assert_eq!(mock.tour_progress(&tour)[0]["status"], "snoozed");
    mock.clock().advance(Duration::from_secs(24 * 3600 + 1));
    assert_eq!(me.active(&mock).await[0]["status"], "snoozed");
    me.call(&mock, "start", &tour, json!({})).await;
    let row = &mock.tour_progress(&tour)[0];
    assert_eq!(row["status"], "in_progress");
    assert_eq!(row["currentStep"], 0);
    assert!(row.get("snoozedUntil").is_none());

    assert_eq!(me.call(&mock, "dismiss", &tour, json!({})).await, progress);
    assert_eq!(mock.tour_progress(&tour)[0]["status"], "dismissed");
    assert_eq!(
        fails(
            &mock,
            "mutation",
            "tourProgress:skipStep",
            me.args(&tour, json!({"reason": "mode_mismatch"}))
        )
        .await,
        "Tour is not in progress"
    );
    me.call(&mock, "start", &tour, json!({"force": true})).await;
    assert_eq!(me.call(&mock, "complete", &tour, json!({})).await, progress);
    assert_eq!(mock.tour_progress(&tour)[0]["status"], "completed");

    // dismissPermanently without progress creates a dismissed record.
    let other_tour = mock.add_tour(&ws, json!({"name": "Other"}), steps());
    let dismissed = me
        .call(&mock, "dismissPermanently", &other_tour, json!({}))
        .await;
    let row = &mock.tour_progress(&other_tour)[0];
    assert_eq!(row["_id"], dismissed);
    assert_eq!(row["status"], "dismissed");
    assert_eq!(
        me.call(&mock, "dismissPermanently", &other_tour, json!({}))
            .await,
        dismissed
    );
}

#[tokio::test]
async fn list_all_and_available_tours_follow_progress_display_mode_and_page() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let once = mock.add_tour(&ws, json!({"name": "Once", "priority": 2}), steps());
    let sticky = mock.add_tour(
        &ws,
        json!({"name": "Sticky", "priority": 1, "displayMode": "until_dismissed"}),
        steps(),
    );
    let paged = mock.add_tour(
        &ws,
        json!({"name": "Paged", "priority": 3,
               "targetingRules": {"pageUrl": "https://app.example.com/settings/*"}}),
        json!([{"title": "Only", "content": "step"}]),
    );
    mock.add_tour(&ws, json!({"name": "Draft", "status": "draft"}), steps());
    mock.add_tour(&other, json!({"name": "Theirs"}), steps());
    let me = visitor(&mock, "t1").await;
    let list = |v: &Visitor| {
        query(
            &mock,
            "tours:listAll",
            json!({"workspaceId": v.ws, "sessionToken": v.token}),
        )
    };
    let all = list(&me).await.unwrap();
    let summary: Vec<(String, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tour"]["name"].as_str().unwrap().to_owned(),
                t["tourStatus"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Sticky".into(), "new".into()),
            ("Once".into(), "new".into()),
            ("Paged".into(), "new".into())
        ]
    );
    assert_eq!(all[0]["elementSelectors"], json!(["#new", "#name"]));
    let orders: Vec<i64> = all[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["order"].as_i64().unwrap())
        .collect();
    assert_eq!(orders, [0, 1, 2]);

    let available = |url: Option<&str>| {
        let mut args = json!({"workspaceId": me.ws, "sessionToken": me.token});
        if let Some(url) = url {
            args["currentUrl"] = json!(url);
        }
        let mock = &mock;
        async move {
            let value = query(mock, "tourProgress:getAvailableTours", args)
                .await
                .unwrap();
            strings_at(&value, "/tour/name")
        }
    };
    assert_eq!(available(None).await, ["Sticky", "Once", "Paged"]);
    assert_eq!(
        available(Some("https://app.example.com/home")).await,
        ["Sticky", "Once"]
    );
    assert_eq!(
        available(Some("https://app.example.com/settings/billing")).await,
        ["Sticky", "Once", "Paged"]
    );

    me.call(&mock, "start", &once, json!({})).await;
    me.call(&mock, "start", &sticky, json!({})).await;
    let all = list(&me).await.unwrap();
    assert_eq!(all[0]["tourStatus"], "in_progress");
    let with_progress = query(
        &mock,
        "tourProgress:getAvailableTours",
        json!({"workspaceId": ws, "sessionToken": me.token}),
    )
    .await
    .unwrap();
    assert_eq!(with_progress[0]["progress"]["status"], "in_progress");
    assert!(with_progress[2].get("progress").is_none());
    me.call(&mock, "complete", &once, json!({})).await;
    me.call(&mock, "complete", &sticky, json!({})).await;
    assert_eq!(list(&me).await.unwrap()[1]["tourStatus"], "completed");
    // first_time_only: gone once seen; until_dismissed: back until dismissed.
    assert_eq!(available(None).await, ["Sticky", "Paged"]);
    me.call(&mock, "dismiss", &sticky, json!({})).await;
    assert_eq!(available(None).await, ["Paged"]);
    assert_eq!(
        list(&me).await.unwrap()[0]["tourStatus"],
        "new",
        "dismissed counts as new in listAll"
    );

    // Another visitor starts fresh; a mismatched visitorId is refused.
    let them = visitor(&mock, "t2").await;
    assert_eq!(list(&them).await.unwrap()[1]["tourStatus"], "new");
    let (_, someone) = boot_anonymous(&mock, &ws, "t3").await;
    assert_eq!(
        fails(
            &mock,
            "query",
            "tours:listAll",
            json!({"workspaceId": ws, "sessionToken": me.token, "visitorId": someone}),
        )
        .await,
        "Not authorized to list tours for this visitor"
    );
    assert_eq!(
        fails(
            &mock,
            "query",
            "tourProgress:getAvailableTours",
            json!({"workspaceId": ws, "sessionToken": me.token, "visitorId": someone}),
        )
        .await,
        "Not authorized for requested visitor"
    );
    // An agent with tours.manage may list without a visitor; an agent role without it may not.
    let (_, admin) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let listed = as_agent(
        &mock,
        "query",
        "tours:listAll",
        json!({"workspaceId": ws}),
        &admin,
    )
    .await
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(listed[0]["tourStatus"], "new");
    let (_, agent) = member(&mock, &ws, "ana@example.com", Role::Agent);
    let denied = as_agent(
        &mock,
        "query",
        "tours:listAll",
        json!({"workspaceId": ws}),
        &agent,
    )
    .await
    .unwrap_err();
    assert!(denied.ends_with("Permission denied: tours.manage"));
    let _ = paged;
}

#[tokio::test]
async fn tour_errors_and_validation() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let tour = mock.add_tour(&ws, json!({"name": "Tour"}), steps());
    let foreign = mock.add_tour(&other, json!({"name": "Theirs"}), steps());
    let gone = mock.add_tour(&ws, json!({"name": "Gone"}), steps());
    assert!(mock.delete_engagement_item(&gone));
    let me = visitor(&mock, "t1").await;
    for f in [
        "start",
        "complete",
        "dismiss",
        "dismissPermanently",
        "snooze",
        "restart",
        "advance",
    ] {
        let path = format!("tourProgress:{f}");
        assert_eq!(
            fails(&mock, "mutation", &path, me.args(&gone, json!({}))).await,
            "Tour not found",
            "{f}"
        );
        assert_eq!(
            fails(&mock, "mutation", &path, me.args(&foreign, json!({}))).await,
            "Tour does not belong to workspace",
            "{f}"
        );
    }
    for f in [
        "complete",
        "dismiss",
        "snooze",
        "restart",
        "advance",
        "checkpoint",
    ] {
        assert_eq!(
            fails(
                &mock,
                "mutation",
                &format!("tourProgress:{f}"),
                me.args(&tour, json!({}))
            )
            .await,
            "Tour progress not found",
            "{f}"
        );
    }
    assert_eq!(
        fails(
            &mock,
            "mutation",
            "tourProgress:start",
            json!({"workspaceId": ws, "tourId": tour}),
        )
        .await,
        "Session token required"
    );
    // A tour with no steps has no current step to skip.
    let bare = mock.add_tour(&ws, json!({"name": "Bare"}), json!([]));
    me.call(&mock, "start", &bare, json!({})).await;
    assert_eq!(
        fails(
            &mock,
            "mutation",
            "tourProgress:skipStep",
            me.args(&bare, json!({"reason": "selector_missing"}))
        )
        .await,
        "Current step not found"
    );
    assert_eq!(
        me.call(&mock, "advance", &bare, json!({})).await["status"],
        "completed"
    );

    validates(
        &mock,
        "mutation",
        "tourProgress:start",
        me.args(&tour, json!({"force": false})),
        "force",
        "tourId",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "tourProgress:advance",
        me.args(&tour, json!({"mode": "click"})),
        "mode",
        "tourId",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "tourProgress:skipStep",
        me.args(&tour, json!({"reason": "mode_mismatch"})),
        "selector",
        "reason",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "tourProgress:checkpoint",
        me.args(&tour, json!({"mode": "system"})),
        "blockedReason",
        "tourId",
    )
    .await;
    validates(
        &mock,
        "query",
        "tourProgress:getAvailableTours",
        json!({"workspaceId": ws, "sessionToken": me.token}),
        "currentUrl",
        "workspaceId",
    )
    .await;
    validates(
        &mock,
        "query",
        "tours:listAll",
        json!({"workspaceId": ws, "sessionToken": me.token}),
        "visitorId",
        "workspaceId",
    )
    .await;
    for f in [
        "complete",
        "dismiss",
        "dismissPermanently",
        "snooze",
        "restart",
    ] {
        validates(
            &mock,
            "mutation",
            &format!("tourProgress:{f}"),
            me.args(&tour, json!({})),
            "sessionToken",
            "tourId",
        )
        .await;
    }
    for (f, extra) in [
        ("advance", json!({"mode": "system"})),
        ("skipStep", json!({"reason": "bored"})),
        ("checkpoint", json!({"mode": "hover"})),
    ] {
        rejected(
            &mock,
            "mutation",
            &format!("tourProgress:{f}"),
            me.args(&tour, extra),
        )
        .await;
    }
    assert!(mock.tour_progress(&tour).is_empty());
}
