//! Product tours (`client.tours()`) against server-mock: the demo tour's typed steps, a run
//! from start to finish with advances the server blocks (and the diagnostics it records),
//! availability by page, display mode, dismissal and snooze, validation before any call, error
//! mapping and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use crate::common::{Harness, SharedClock};
use opencom_sdk::{
    AdvanceInput, AdvanceMode, AdvanceOutcome, BlockReason, DisplayMode, Error, MemoryStorage,
    Opencom, ProgressStatus, SkipReason, StepKind, TourStatus,
};
use serde_json::json;

#[tokio::test]
async fn the_demo_tour_lists_typed_steps_and_the_visitors_status() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    client.start().await.unwrap();

    let listed = client.tours().list().await.unwrap();
    let item = listed.iter().find(|t| t.tour.id == demo.tour_id).unwrap();
    assert_eq!(item.status, TourStatus::New);
    let tour = &item.tour;
    assert_eq!(tour.name, "Dashboard tour");
    assert_eq!(tour.display_mode, DisplayMode::UntilDismissed);
    assert!(tour.allow_snooze && tour.allow_restart);
    let kinds: Vec<&StepKind> = tour.steps.iter().map(|s| &s.kind).collect();
    assert_eq!(
        kinds,
        vec![&StepKind::Post, &StepKind::Pointer, &StepKind::Video]
    );
    assert_eq!(tour.steps[1].selector.as_deref(), Some("#new-conversation"));
    assert_eq!(tour.steps[1].advance_on, AdvanceMode::ElementClick);
    assert_eq!(tour.steps[1].position.as_deref(), Some("bottom"));
    assert_eq!(tour.steps[0].advance_on, AdvanceMode::Click);
    assert_eq!(
        tour.steps[2].media_url.as_deref(),
        Some("https://opencom.dev/media/tour.mp4")
    );
    assert_eq!(tour.selectors(), vec!["#new-conversation"]);

    client.tours().start(&demo.tour_id, false).await.unwrap();
    let listed = client.tours().list().await.unwrap();
    let item = listed.iter().find(|t| t.tour.id == demo.tour_id).unwrap();
    assert_eq!(item.status, TourStatus::InProgress);
}

#[tokio::test]
async fn a_tour_runs_to_the_end_through_blocked_advances_and_a_skip() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let tours_client = h.client();
    let session = tours_client.start().await.unwrap();
    let tours = tours_client.tours();
    let id = &demo.tour_id;

    let progress_id = tours.start(id, false).await.unwrap();
    let rows = h.mock.tour_progress(id);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["_id"], progress_id.as_str());
    assert_eq!(rows[0]["visitorId"], session.visitor_id.as_str());
    assert_eq!(rows[0]["status"], "in_progress");
    // Starting again resumes the same progress.
    assert_eq!(tours.start(id, false).await.unwrap(), progress_id);

    let active = tours.active().await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].progress.id, progress_id);
    assert_eq!(active[0].current_step().unwrap().kind, StepKind::Post);

    assert_eq!(
        tours.advance(id, &AdvanceInput::click()).await.unwrap(),
        AdvanceOutcome::Advanced {
            status: ProgressStatus::InProgress,
            next_step: 1
        }
    );
    // Step 1 wants a click on its element.
    assert_eq!(
        tours.advance(id, &AdvanceInput::click()).await.unwrap(),
        AdvanceOutcome::Blocked {
            reason: BlockReason::ModeMismatch,
            status: ProgressStatus::InProgress,
            step: 1
        }
    );
    let missed = AdvanceInput::element_click(false).current_url("https://app.example.com/inbox");
    assert_eq!(
        tours.advance(id, &missed).await.unwrap(),
        AdvanceOutcome::Blocked {
            reason: BlockReason::ElementClickRequired,
            status: ProgressStatus::InProgress,
            step: 1
        }
    );
    let call = h.calls_to("tourProgress:advance").pop().unwrap();
    assert_eq!(call.args["mode"], "elementClick");
    assert_eq!(call.args["targetMatched"], false);
    assert_eq!(call.args["currentUrl"], "https://app.example.com/inbox");
    assert!(call.args.get("fieldValue").is_none());
    let reasons: Vec<String> = h
        .mock
        .tour_diagnostics(id)
        .iter()
        .map(|d| d["reason"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(reasons, vec!["mode_mismatch", "element_click_required"]);
    let active = tours.active().await.unwrap();
    assert_eq!(
        active[0].progress.last_blocked_reason,
        Some(BlockReason::ElementClickRequired)
    );
    assert_eq!(active[0].progress.current_step, 1);

    let hit = AdvanceInput::element_click(true).selector("#new-conversation");
    assert_eq!(
        tours.advance(id, &hit).await.unwrap(),
        AdvanceOutcome::Advanced {
            status: ProgressStatus::InProgress,
            next_step: 2
        }
    );
    assert!(h.mock.tour_progress(id)[0]
        .get("lastBlockedReason")
        .is_none());

    // The video cannot play: skipped, which finishes the tour.
    let skipped = tours
        .skip_step(id, SkipReason::SelectorMissing)
        .await
        .unwrap();
    assert_eq!(skipped.status, ProgressStatus::Completed);
    assert_eq!(skipped.next_step, 3);
    assert_eq!(
        h.calls_to("tourProgress:skipStep")[0].args["reason"],
        "selector_missing"
    );
    assert_eq!(h.mock.tour_progress(id)[0]["status"], "completed");
    assert!(tours.active().await.unwrap().is_empty());
    let listed = tours.list().await.unwrap();
    assert_eq!(
        listed.iter().find(|t| &t.tour.id == id).unwrap().status,
        TourStatus::Completed
    );

    // A finished tour cannot advance; `force` starts it over.
    let err = tours.advance(id, &AdvanceInput::click()).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "tour_id"),
        "{err:?}"
    );
    tours.start(id, true).await.unwrap();
    assert_eq!(
        h.calls_to("tourProgress:start").pop().unwrap().args["force"],
        true
    );
    let row = &h.mock.tour_progress(id)[0];
    assert_eq!(row["status"], "in_progress");
    assert_eq!(row["currentStep"], 0);
}

#[tokio::test]
async fn availability_follows_pages_display_modes_dismissal_and_snooze() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    h.mock
        .set_session_lifetime(&ws, Duration::from_secs(7 * 24 * 3600));
    let settings = h.mock.add_tour(
        &ws,
        json!({"name": "Settings tour", "displayMode": "until_dismissed", "priority": 1,
               "targetingRules": {"pageUrl": "/settings/*"}}),
        json!([{"title": "Settings", "content": "Change things here"}]),
    );
    let once = h.mock.add_tour(
        &ws,
        json!({"name": "Once", "priority": 2}),
        json!([{"content": "Hello"}]),
    );
    let snoozy = h.mock.add_tour(
        &ws,
        json!({"name": "Snoozy", "displayMode": "until_dismissed", "priority": 3,
               "allowSnooze": true}),
        json!([{"content": "One"}, {"content": "Two"}]),
    );
    let client = h.client();
    client.start().await.unwrap();
    let tours = client.tours();
    let names = |items: &[opencom_sdk::AvailableTour]| -> Vec<String> {
        items.iter().map(|t| t.tour.name.clone()).collect()
    };

    let home = tours
        .available(Some("https://app.example.com/home"))
        .await
        .unwrap();
    assert_eq!(names(&home), vec!["Once", "Snoozy"]);
    assert_eq!(
        h.calls_to("tourProgress:getAvailableTours")[0].args["currentUrl"],
        "https://app.example.com/home"
    );
    let billing = tours
        .available(Some("https://app.example.com/settings/billing"))
        .await
        .unwrap();
    assert_eq!(names(&billing), vec!["Settings tour", "Once", "Snoozy"]);
    assert!(billing.iter().all(|t| t.progress.is_none()));

    // first_time_only: dismissed once, not offered again.
    tours.start(&once, false).await.unwrap();
    let resumed = tours.available(None).await.unwrap();
    let item = resumed.iter().find(|t| t.tour.id == once).unwrap();
    assert_eq!(
        item.progress.as_ref().unwrap().status,
        ProgressStatus::InProgress
    );
    tours.dismiss(&once).await.unwrap();
    assert_eq!(h.mock.tour_progress(&once)[0]["status"], "dismissed");
    // until_dismissed, never started: dismissed for good.
    tours.dismiss_permanently(&settings).await.unwrap();
    assert_eq!(h.mock.tour_progress(&settings)[0]["status"], "dismissed");
    let billing = tours
        .available(Some("https://app.example.com/settings/billing"))
        .await
        .unwrap();
    assert_eq!(names(&billing), vec!["Snoozy"]);

    // Snoozed for 24 h: neither available nor active, then both again.
    tours.start(&snoozy, false).await.unwrap();
    tours
        .advance(&snoozy, &AdvanceInput::click())
        .await
        .unwrap();
    tours.snooze(&snoozy).await.unwrap();
    let row = &h.mock.tour_progress(&snoozy)[0];
    assert_eq!(row["status"], "snoozed");
    assert!(row["snoozedUntil"].as_f64().unwrap() > h.mock.clock().now_ms());
    assert!(tours.available(None).await.unwrap().is_empty());
    assert!(tours.active().await.unwrap().is_empty());
    h.mock.clock().advance(Duration::from_secs(25 * 3600));
    let active = tours.active().await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].progress.status, ProgressStatus::Snoozed);
    assert_eq!(active[0].progress.current_step, 1);
    assert_eq!(names(&tours.available(None).await.unwrap()), vec!["Snoozy"]);

    tours.restart(&snoozy).await.unwrap();
    let row = &h.mock.tour_progress(&snoozy)[0];
    assert_eq!(row["status"], "in_progress");
    assert_eq!(row["currentStep"], 0);
    assert!(row.get("snoozedUntil").is_none());
    tours.complete(&snoozy).await.unwrap();
    assert_eq!(h.mock.tour_progress(&snoozy)[0]["status"], "completed");
}

#[tokio::test]
async fn bad_input_fails_before_any_call() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.clear_calls();
    let tours = client.tours();
    let err = tours.start("", false).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "tour_id"));
    let unknown = AdvanceInput {
        mode: AdvanceMode::Other("swipe".into()),
        ..AdvanceInput::default()
    };
    let err = tours.advance("tour1", &unknown).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "mode"));
    let err = tours
        .advance("tour1", &AdvanceInput::click().current_url(" "))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "current_url"));
    let err = tours.available(Some("")).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "current_url"));
    let err = tours.snooze("a b").await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "tour_id"));
    let err = tours
        .skip_step(" ", SkipReason::RouteMismatch)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "tour_id"));
    assert!(h.mock.calls().is_empty(), "{:?}", h.mock.calls());
}

#[tokio::test]
async fn refusals_map_to_typed_errors_and_other_tenants_tours_stay_out_of_reach() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let mine = h
        .mock
        .add_tour(&ws, json!({"name": "Mine"}), json!([{"content": "Hi"}]));
    let client = h.client();
    client.start().await.unwrap();
    // Never started: "Tour progress not found".
    let err = client
        .tours()
        .advance(&mine, &AdvanceInput::click())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotFound { .. }), "{err:?}");
    let err = client.tours().complete(&mine).await.unwrap_err();
    assert!(matches!(&err, Error::NotFound { .. }), "{err:?}");
    // A deleted tour: "Tour not found".
    let gone = h
        .mock
        .add_tour(&ws, json!({"name": "Gone"}), json!([{"content": "x"}]));
    assert!(h.mock.delete_engagement_item(&gone));
    let err = client.tours().start(&gone, false).await.unwrap_err();
    assert!(matches!(&err, Error::NotFound { .. }), "{err:?}");

    // Tenant B's tour, started by B's visitor.
    let ws_b = h.mock.create_workspace("Tenant B");
    let theirs = h
        .mock
        .add_tour(&ws_b, json!({"name": "Theirs"}), json!([{"content": "B"}]));
    let client_b = Opencom::builder(&h.mock.url(), &ws_b)
        .storage(Arc::new(MemoryStorage::new()))
        .clock(Arc::new(SharedClock(h.mock.clock())))
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client_b.tours().start(&theirs, false).await.unwrap();

    assert!(client
        .tours()
        .list()
        .await
        .unwrap()
        .iter()
        .all(|t| t.tour.id != theirs));
    assert!(client.tours().active().await.unwrap().is_empty());
    for result in [
        client.tours().start(&theirs, true).await.map(|_| ()),
        client.tours().dismiss_permanently(&theirs).await,
        client.tours().restart(&theirs).await,
    ] {
        let err = result.unwrap_err();
        assert!(matches!(&err, Error::NotAuthorized { .. }), "{err:?}");
    }
    let err = client
        .tours()
        .advance(&theirs, &AdvanceInput::click())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotAuthorized { .. }), "{err:?}");
    let rows = h.mock.tour_progress(&theirs);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["visitorId"],
        client_b.session().visitor_id().unwrap().as_str()
    );
    assert_eq!(rows[0]["currentStep"], 0);
}
