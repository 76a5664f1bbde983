//! Visitors (CONTRACT §4: identify, the email merge, heartbeat, presence) and events (§5:
//! track, trackAutoEvent and its rate limit, list, count).

use crate::common;

use std::time::Duration;

use common::{boot, boot_anonymous, mutation, query, uncaught};
use serde_json::{json, Value};
use server_mock::ServerMock;

#[tokio::test]
async fn identify_patches_non_empty_fields_and_merges_attributes() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let first = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor, "sessionToken": token, "name": "Jane", "email": "jane@x.io",
               "customAttributes": {"plan": "pro", "seats": 5},
               "device": {"os": "iOS 17.4", "platform": "ios"}}),
    )
    .await
    .unwrap();
    assert_eq!(first["_id"], json!(visitor));
    assert_eq!(first["name"], "Jane");
    assert_eq!(
        first["device"],
        json!({"os": "iOS 17.4", "platform": "ios"})
    );
    let second = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor, "sessionToken": token, "name": "", "email": "jane@x.io",
               "customAttributes": {"seats": 6, "beta": true}}),
    )
    .await
    .unwrap();
    assert_eq!(second["name"], "Jane", "empty strings do not overwrite");
    assert_eq!(
        second["customAttributes"],
        json!({"plan": "pro", "seats": 6, "beta": true})
    );
    assert_eq!(mock.visitor(&visitor).unwrap(), second);
}

#[tokio::test]
async fn identify_resolves_the_visitor_from_the_token() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token_a, visitor_a) = boot_anonymous(&mock, &ws, "a").await;
    let (_, visitor_b) = boot_anonymous(&mock, &ws, "b").await;

    // Token wins over visitorId.
    let value = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor_b, "sessionToken": token_a, "name": "A"}),
    )
    .await
    .unwrap();
    assert_eq!(value["_id"], json!(visitor_a));
    assert!(mock.visitor(&visitor_b).unwrap().get("name").is_none());

    // A token alone is not enough; a visitorId alone is (visitor-weak).
    let error = mutation(
        &mock,
        "visitors:identify",
        json!({"sessionToken": token_a, "name": "A"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Visitor ID required");
    let value = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor_b, "name": "B"}),
    )
    .await
    .unwrap();
    assert_eq!(value["name"], "B");

    let error = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor_a, "sessionToken": "wst_bogus"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Invalid session token");
}

#[tokio::test]
async fn email_merge_moves_sessions_and_events_to_the_oldest_visitor() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token_old, canonical) = boot_anonymous(&mock, &ws, "phone").await;
    mutation(&mock, "visitors:identify", json!({"visitorId": canonical, "sessionToken": token_old,
        "email": "jane@x.io", "name": "Jane", "customAttributes": {"plan": "free", "from": "canonical"}}))
        .await
        .unwrap();

    mock.clock().advance(Duration::from_secs(5));
    let (token, source) = boot_anonymous(&mock, &ws, "laptop").await;
    mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": source, "sessionToken": token,
        "customAttributes": {"from": "source", "onlySource": 1}, "referrer": "https://ref.io"}),
    )
    .await
    .unwrap();
    let event = mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "sessionToken": token, "name": "opened"}),
    )
    .await
    .unwrap();

    let merged = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": source, "sessionToken": token,
        "email": "jane@x.io", "customAttributes": {"plan": "pro"}}),
    )
    .await
    .unwrap();
    assert_eq!(
        merged["_id"],
        json!(canonical),
        "the canonical visitor is returned"
    );
    assert_eq!(merged["name"], "Jane");
    assert_eq!(
        merged["referrer"], "https://ref.io",
        "filled from the source when missing"
    );
    assert_eq!(
        merged["customAttributes"],
        json!({"plan": "pro", "from": "canonical", "onlySource": 1}),
        "source < canonical < patch"
    );
    assert!(mock.visitor(&source).is_none(), "source visitor deleted");

    let sessions = mock.sessions(&canonical);
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().any(|s| s["token"] == json!(token)));
    let events = mock.events(&canonical);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["_id"], event);

    // The token keeps working and now stands for the canonical visitor.
    let valid = query(
        &mock,
        "widgetSessions:validateSessionToken",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(valid["visitorId"], json!(canonical));
    // An SDK that keeps the old visitorId gets "Visitor not found".
    let error = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": source, "sessionToken": token, "name": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Visitor not found");
}

#[tokio::test]
async fn email_merge_picks_the_oldest_duplicate() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, oldest, _) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "1", "email": "dup@x.io"}),
    )
    .await;
    mock.clock().advance(Duration::from_secs(1));
    let (_, younger) = boot_anonymous(&mock, &ws, "2").await;
    // existingVisitorId lets boot set an email another visitor already has.
    boot(&mock, json!({"workspaceId": ws, "sessionId": "2", "existingVisitorId": younger, "email": "dup@x.io"})).await;
    mock.clock().advance(Duration::from_secs(1));
    let (token, third) = boot_anonymous(&mock, &ws, "3").await;
    let merged = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": third, "sessionToken": token, "email": "dup@x.io"}),
    )
    .await
    .unwrap();
    assert_eq!(merged["_id"], json!(oldest));
    assert!(mock.visitor(&younger).is_some());
    assert_eq!(mock.visitors(&ws).len(), 2);
}

#[tokio::test]
async fn heartbeat_presence_and_lookups() {
    let mock = ServerMock::start().await.unwrap();
    let clock = mock.clock();
    clock.freeze();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "sess-1").await;

    clock.advance(Duration::from_secs(90));
    let value = mutation(
        &mock,
        "visitors:heartbeat",
        json!({"visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(value, Value::Null);
    assert_eq!(
        mock.visitor(&visitor).unwrap()["lastSeenAt"].as_f64(),
        Some(clock.now_ms())
    );
    assert_eq!(
        query(&mock, "visitors:isOnline", json!({"visitorId": visitor}))
            .await
            .unwrap(),
        true
    );
    clock.advance(Duration::from_secs(121));
    assert_eq!(
        query(&mock, "visitors:isOnline", json!({"visitorId": visitor}))
            .await
            .unwrap(),
        false
    );

    // Bad tokens are silent and change nothing.
    let seen = mock.visitor(&visitor).unwrap()["lastSeenAt"].clone();
    let value = mutation(
        &mock,
        "visitors:heartbeat",
        json!({"visitorId": visitor, "sessionToken": "wst_nope"}),
    )
    .await
    .unwrap();
    assert_eq!(value, Value::Null);
    assert_eq!(mock.visitor(&visitor).unwrap()["lastSeenAt"], seen);
    assert_eq!(
        mutation(&mock, "visitors:heartbeat", json!({}))
            .await
            .unwrap(),
        Value::Null
    );

    let found = query(
        &mock,
        "visitors:getBySession",
        json!({"sessionId": "sess-1"}),
    )
    .await
    .unwrap();
    assert_eq!(found["_id"], json!(visitor));
    assert_eq!(
        query(&mock, "visitors:getBySession", json!({"sessionId": "nope"}))
            .await
            .unwrap(),
        Value::Null
    );
    assert_eq!(
        query(&mock, "visitors:get", json!({"id": visitor}))
            .await
            .unwrap(),
        Value::Null,
        "agents only"
    );

    let location = json!({"city": "Lyon", "countryCode": "FR"});
    mutation(
        &mock,
        "visitors:updateLocation",
        json!({"visitorId": visitor, "sessionToken": token, "location": location}),
    )
    .await
    .unwrap();
    assert_eq!(mock.visitor(&visitor).unwrap()["location"], location);
    let (other_token, _) = boot_anonymous(&mock, &ws, "sess-2").await;
    let error = mutation(
        &mock,
        "visitors:updateLocation",
        json!({"visitorId": visitor, "sessionToken": other_token, "location": {}}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Not authorized to update location for this visitor"
    );
}

#[tokio::test]
async fn track_records_events_for_the_resolved_visitor() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let id = mutation(&mock, "events:track", json!({"workspaceId": ws, "sessionToken": token,
        "name": "purchase_completed", "properties": {"amount": 49.99, "items": ["a", 2], "gift": false, "note": null},
        "url": "https://shop.io/cart", "sessionId": "s"}))
        .await
        .unwrap();
    assert_eq!(id.as_str().unwrap().len(), 32);
    let events = mock.events(&visitor);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["_id"], id);
    assert_eq!(e["name"], "purchase_completed");
    assert_eq!(e["eventType"], "manual");
    assert_eq!(e["properties"]["amount"], 49.99);
    assert_eq!(e["workspaceId"], json!(ws));

    // visitorId alone works; nothing at all does not.
    assert!(mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "visitorId": visitor, "name": "x"})
    )
    .await
    .is_ok());
    let error = mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "name": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Visitor ID required");
    let error = mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": "wst_bad", "name": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Invalid session token");

    // The visitor-side reads.
    let listed = query(
        &mock,
        "events:list",
        json!({"visitorId": visitor, "sessionToken": token, "workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["name"], "x", "newest first");
    let count = query(
        &mock,
        "events:count",
        json!({"visitorId": visitor, "name": "x", "sessionToken": token, "workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(count, 1);
    assert_eq!(
        query(&mock, "events:list", json!({"visitorId": visitor}))
            .await
            .unwrap(),
        json!([])
    );
}

#[tokio::test]
async fn auto_events_are_capped_at_100_per_minute() {
    let mock = ServerMock::start().await.unwrap();
    let clock = mock.clock();
    clock.freeze();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let auto = |kind: &'static str| {
        mutation(
            &mock,
            "events:trackAutoEvent",
            json!({"workspaceId": ws, "sessionToken": token,
            "eventType": kind, "properties": {"screenName": "Home"}}),
        )
    };
    for i in 0..100 {
        let kind = ["page_view", "screen_view", "session_start", "session_end"][i % 4];
        let id = auto(kind).await.unwrap();
        assert!(id.is_string(), "event {i}: {id}");
    }
    assert_eq!(
        auto("screen_view").await.unwrap(),
        Value::Null,
        "101st is dropped"
    );
    // Manual events are not limited and do not count.
    assert!(mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "sessionToken": token, "name": "m"})
    )
    .await
    .unwrap()
    .is_string());
    assert_eq!(mock.events(&visitor).len(), 101);
    let auto_event = &mock.events(&visitor)[0];
    assert_eq!(auto_event["name"], "page_view");
    assert_eq!(auto_event["eventType"], "page_view");

    clock.advance(Duration::from_secs(59));
    assert_eq!(
        auto("page_view").await.unwrap(),
        Value::Null,
        "still inside the window"
    );
    clock.advance(Duration::from_millis(1001));
    assert!(
        auto("page_view").await.unwrap().is_string(),
        "window has passed"
    );

    // No visitor at all: null, not an error.
    let value = mutation(
        &mock,
        "events:trackAutoEvent",
        json!({"workspaceId": ws, "eventType": "page_view"}),
    )
    .await
    .unwrap();
    assert_eq!(value, Value::Null);
}
