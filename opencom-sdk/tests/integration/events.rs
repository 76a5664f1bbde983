//! events:track and screen views against server-mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Harness;
use opencom_sdk::{AttributeValue, Attributes, Error, TrackOutcome};

#[tokio::test]
async fn track_records_the_event_with_its_properties() {
    let h = Harness::new().await;
    let client = h.client();
    let session = client.start().await.unwrap();
    let mut props = Attributes::new();
    props.insert("amount".into(), 42.5.into());
    props.insert(
        "skus".into(),
        vec![AttributeValue::from("a"), 7.into()].into(),
    );
    let id = client
        .events()
        .track("purchase_completed", props)
        .await
        .unwrap();
    assert!(!id.is_empty());

    let events = h.mock.events(&session.visitor_id);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["name"], "purchase_completed");
    assert_eq!(events[0]["properties"]["amount"], 42.5);
    let call = &h.calls_to("events:track")[0];
    assert_eq!(call.args["workspaceId"], h.mock.workspace_id().as_str());
}

#[tokio::test]
async fn bad_properties_fail_before_the_network() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.clear_calls();
    let mut props = Attributes::new();
    props.insert("flags".into(), vec![true, false].into());
    let err = client.events().track("x", props).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "flags[0]"),
        "{err:?}"
    );
    let err = client
        .events()
        .track("  ", Attributes::new())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "name"));
    assert!(h.mock.calls().is_empty());
}

#[tokio::test]
async fn screen_views_report_the_servers_rate_limit_as_an_outcome() {
    let h = Harness::new().await;
    let client = h.client();
    let session = client.start().await.unwrap();
    let mut recorded = 0;
    let mut limited = 0;
    for i in 0..105 {
        match client
            .events()
            .track_screen(&format!("Screen {i}"))
            .await
            .unwrap()
        {
            TrackOutcome::Recorded { .. } => recorded += 1,
            TrackOutcome::RateLimited => limited += 1,
        }
    }
    assert_eq!((recorded, limited), (100, 5));
    let call = &h.calls_to("events:trackAutoEvent")[0];
    assert_eq!(call.args["eventType"], "screen_view");
    assert_eq!(call.args["properties"]["screenName"], "Screen 0");
    assert_eq!(h.mock.events(&session.visitor_id).len(), 100);

    // A minute later the window has moved on.
    h.mock.clock().advance(std::time::Duration::from_secs(61));
    assert!(matches!(
        client.events().track_screen("Later").await.unwrap(),
        TrackOutcome::Recorded { .. }
    ));
}
