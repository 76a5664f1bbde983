//! Outbound messages against server-mock: eligibility by page and session, typed actions,
//! impressions (`shown` once), validation, live updates and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::common;

use common::{next_snapshot, Harness, LIVE_LIMIT};
use futures::StreamExt;
use opencom_sdk::{ClientEvent, Delivery, Error, MemoryStorage, OutboundAction, OutboundKind};
use serde_json::json;

const HOME: &str = "https://app.example/home";
const SETTINGS: &str = "https://app.example/settings/profile";

#[tokio::test]
async fn the_demo_messages_are_eligible_by_page_and_typed() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let session = client.start().await.unwrap();
    let outbound = client.outbound();

    let home = outbound.eligible(HOME).await.unwrap();
    assert_eq!(home.len(), 1);
    let post = &home[0];
    assert_eq!(post.id, demo.post_id);
    assert_eq!(post.kind, OutboundKind::Post);
    assert_eq!(
        post.content.title.as_deref(),
        Some("What's new this spring")
    );
    let actions: Vec<_> = post
        .content
        .buttons
        .iter()
        .map(|b| b.action.clone())
        .collect();
    assert_eq!(
        actions,
        [
            OutboundAction::Url("https://opencom.dev/changelog".into()),
            OutboundAction::Dismiss
        ]
    );
    let call = h.calls_to("outboundMessages:getEligible").remove(0);
    assert_eq!(call.args["currentUrl"], HOME);
    assert_eq!(call.args["sessionId"], session.session_id.as_str());

    // On /settings the banner too, after the higher-priority post.
    let settings = outbound.eligible(SETTINGS).await.unwrap();
    let ids: Vec<_> = settings.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids, [demo.post_id.clone(), demo.banner_id.clone()]);
    assert_eq!(settings[1].kind, OutboundKind::Banner);
    assert!(settings[1]
        .content
        .text
        .as_deref()
        .unwrap()
        .starts_with("Maintenance"));
}

#[tokio::test]
async fn impressions_are_recorded_and_shown_only_once() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let session = client.start().await.unwrap();
    let mut events = client.events_stream();
    let outbound = client.outbound();

    outbound.shown(&demo.banner_id).await.unwrap();
    outbound.shown(&demo.banner_id).await.unwrap();
    outbound.clicked(&demo.banner_id, Some(0)).await.unwrap();
    outbound.clicked(&demo.banner_id, None).await.unwrap();
    outbound.dismissed(&demo.banner_id).await.unwrap();
    let rows = h.mock.outbound_impressions(&demo.banner_id);
    let recorded: Vec<_> = rows
        .iter()
        .map(|r| (r["action"].clone(), r.get("buttonIndex").cloned()))
        .collect();
    assert_eq!(
        recorded,
        [
            (json!("shown"), None),
            (json!("clicked"), Some(json!(0))),
            (json!("clicked"), None),
            (json!("dismissed"), None),
        ]
    );
    assert!(rows
        .iter()
        .all(|r| r["sessionId"] == session.session_id.as_str()
            && r["visitorId"] == session.visitor_id.as_str()));
    assert_eq!(h.calls_to("outboundMessages:trackImpression").len(), 4);
    let first = tokio::time::timeout(LIVE_LIMIT, events.next())
        .await
        .unwrap();
    assert_eq!(
        first,
        Some(ClientEvent::OutboundMessageShown {
            message_id: demo.banner_id.clone()
        })
    );

    // `once_per_session`: shown in this session, the banner is no longer eligible.
    let ids: Vec<_> = outbound
        .eligible(SETTINGS)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, [demo.post_id.as_str()]);

    // A deleted message: nothing to record, not an error.
    assert!(h.mock.delete_engagement_item(&demo.post_id));
    outbound.dismissed(&demo.post_id).await.unwrap();
    assert!(h.mock.outbound_impressions(&demo.post_id).is_empty());
}

#[tokio::test]
async fn bad_input_is_refused_before_any_call() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.clear_calls();
    let outbound = client.outbound();
    let err = outbound.eligible("").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "current_url"));
    let err = outbound.watch_eligible("  ").unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "current_url"));
    let err = outbound.shown("").await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "message_id"));
    let err = outbound.clicked("a b", Some(1)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "message_id"));
    assert!(h.calls_to("outboundMessages:getEligible").is_empty());
    assert!(h.calls_to("outboundMessages:trackImpression").is_empty());
}

#[tokio::test]
async fn a_post_shown_once_leaves_the_live_list() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let client = h.client();
    client.start().await.unwrap();
    let mut live = client.outbound().watch_eligible(HOME).unwrap();
    assert!(next_snapshot(&mut live).await.value.is_empty());
    let post = h.mock.add_outbound_message(
        &ws,
        json!({"type": "post", "name": "Launch", "frequency": "once",
               "content": {"title": "We launched", "buttons": [
                   {"text": "Tour", "action": "tour", "tourId": "tour_1"},
                   {"text": "Ask", "action": "open_new_conversation"},
                   {"text": "Help", "action": "open_widget_tab", "tabId": "help"}]}}),
    );
    let snapshot = next_snapshot(&mut live).await;
    assert_eq!(snapshot.via, Delivery::Socket);
    assert_eq!(snapshot.value.len(), 1);
    let actions: Vec<_> = snapshot.value[0]
        .content
        .buttons
        .iter()
        .map(|b| b.action.clone())
        .collect();
    assert_eq!(
        actions,
        [
            OutboundAction::Tour(Some("tour_1".into())),
            OutboundAction::OpenNewConversation,
            OutboundAction::OpenWidgetTab("help".into()),
        ]
    );
    client.outbound().shown(&post).await.unwrap();
    assert!(next_snapshot(&mut live).await.value.is_empty());
}

#[tokio::test]
async fn a_visitor_sees_only_its_own_workspace_messages() {
    let h = Harness::new().await;
    let ws_b = h.mock.create_workspace("Tenant B");
    let theirs = h.mock.add_outbound_message(
        &ws_b,
        json!({"type": "chat", "name": "Hi B", "content": {"text": "Hello B"}}),
    );
    let client = h.client();
    client.start().await.unwrap();
    assert!(client.outbound().eligible(HOME).await.unwrap().is_empty());
    let err = client.outbound().shown(&theirs).await.unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert!(h.mock.outbound_impressions(&theirs).is_empty());

    let client_b = h
        .builder_for(&ws_b)
        .storage(Arc::new(MemoryStorage::new()))
        .build()
        .unwrap();
    client_b.start().await.unwrap();
    let list = client_b.outbound().eligible(HOME).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, OutboundKind::Chat);
    assert_eq!(list[0].content.text.as_deref(), Some("Hello B"));
}
