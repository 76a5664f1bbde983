//! Carousels against server-mock: the demo carousel typed, impressions once per session,
//! error mapping, live updates and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::common;

use common::{next_snapshot, Harness};
use opencom_sdk::{CarouselAction, CarouselImpression, Delivery, Error, MemoryStorage};
use serde_json::json;

fn carousel(name: &str) -> serde_json::Value {
    json!({"name": name, "screens": [
        {"id": "one", "title": "Hello", "buttons": [
            {"text": "Open app", "action": "deeplink", "deepLink": "myapp://home"}]},
    ]})
}

#[tokio::test]
async fn the_demo_carousel_is_typed_and_each_impression_is_recorded_once() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let session = client.start().await.unwrap();
    let carousels = client.carousels();

    let active = carousels.active().await.unwrap();
    assert_eq!(active.len(), 1);
    let c = &active[0];
    assert_eq!(c.id, demo.carousel_id);
    assert_eq!(c.name, "Welcome to Opencom");
    assert_eq!(c.screens.len(), 3);
    assert_eq!(
        c.screens[0].image_url.as_deref(),
        Some("https://opencom.dev/media/welcome.png")
    );
    assert_eq!(c.screens[0].buttons[0].action, CarouselAction::Next);
    let last: Vec<_> = c.screens[2]
        .buttons
        .iter()
        .map(|b| b.action.clone())
        .collect();
    assert_eq!(
        last,
        [
            CarouselAction::Url("https://opencom.dev".into()),
            CarouselAction::Dismiss
        ]
    );

    for action in [
        CarouselImpression::Shown { screen_index: 0 },
        CarouselImpression::Shown { screen_index: 0 },
        CarouselImpression::Shown { screen_index: 1 },
        CarouselImpression::Completed,
        CarouselImpression::Completed,
    ] {
        carousels.record(&c.id, action).await.unwrap();
    }
    let rows = h.mock.carousel_impressions(&c.id);
    let recorded: Vec<_> = rows
        .iter()
        .map(|r| (r["action"].clone(), r.get("screenIndex").cloned()))
        .collect();
    assert_eq!(
        recorded,
        [
            (json!("shown"), Some(json!(0))),
            (json!("shown"), Some(json!(1))),
            (json!("completed"), None),
        ]
    );
    assert!(rows
        .iter()
        .all(|r| r["visitorId"] == session.visitor_id.as_str()));
    assert_eq!(h.calls_to("carousels:recordImpression").len(), 3);
    let call = h.calls_to("carousels:recordImpression").remove(0);
    assert!(call.args.get("workspaceId").is_none());
    // Completed: no longer active.
    assert!(carousels.active().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_or_inactive_carousel_is_not_found() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let paused = h.mock.add_carousel(&ws, carousel("Paused"));
    let gone = h.mock.add_carousel(&ws, carousel("Gone"));
    let client = h.client();
    client.start().await.unwrap();
    assert!(h.mock.set_engagement_status(&paused, "paused"));
    assert!(h.mock.delete_engagement_item(&gone));

    let err = client
        .carousels()
        .record(&paused, CarouselImpression::Dismissed)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { message } if message.contains("not active")),
        "{err:?}"
    );
    let err = client
        .carousels()
        .record(&gone, CarouselImpression::Shown { screen_index: 0 })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    // A failure is not remembered: once active again, the impression is sent.
    assert!(h.mock.set_engagement_status(&paused, "active"));
    client
        .carousels()
        .record(&paused, CarouselImpression::Dismissed)
        .await
        .unwrap();
    assert_eq!(h.mock.carousel_impressions(&paused).len(), 1);

    h.mock.clear_calls();
    let err = client
        .carousels()
        .record(" ", CarouselImpression::Completed)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "carousel_id"));
    assert!(h.calls_to("carousels:recordImpression").is_empty());
}

#[tokio::test]
async fn carousels_are_live() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let client = h.client();
    client.start().await.unwrap();
    let mut live = client.carousels().watch_active().unwrap();
    assert!(next_snapshot(&mut live).await.value.is_empty());
    let added = h.mock.add_carousel(&ws, carousel("New"));
    let snapshot = next_snapshot(&mut live).await;
    assert_eq!(snapshot.value.len(), 1);
    assert_eq!(snapshot.value[0].id, added);
    assert_eq!(
        snapshot.value[0].screens[0].buttons[0].action,
        CarouselAction::DeepLink("myapp://home".into())
    );
    assert_eq!(snapshot.via, Delivery::Socket);
    // Dismissed: it leaves the live list.
    client
        .carousels()
        .record(&added, CarouselImpression::Dismissed)
        .await
        .unwrap();
    assert!(next_snapshot(&mut live).await.value.is_empty());
}

#[tokio::test]
async fn a_visitor_sees_only_its_own_workspace_carousels() {
    let h = Harness::new().await;
    let ws_b = h.mock.create_workspace("Tenant B");
    let theirs = h.mock.add_carousel(&ws_b, carousel("B only"));
    let client = h.client();
    client.start().await.unwrap();
    assert!(client.carousels().active().await.unwrap().is_empty());
    let err = client
        .carousels()
        .record(&theirs, CarouselImpression::Shown { screen_index: 0 })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert!(h.mock.carousel_impressions(&theirs).is_empty());

    let client_b = h
        .builder_for(&ws_b)
        .storage(Arc::new(MemoryStorage::new()))
        .build()
        .unwrap();
    client_b.start().await.unwrap();
    let list = client_b.carousels().active().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, theirs);
}
