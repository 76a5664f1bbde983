//! Messenger configuration fetched at start-up (CONTRACT §12): office hours, messenger settings
//! and home configuration, automation settings, common-issue buttons (their defaults and
//! configured values), and `events:list` (CONTRACT §5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::{boot_anonymous, control, mutation, query};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{NewArticle, ServerMock};

/// 2026-01-05 (a Monday) 00:00 UTC.
const MONDAY: f64 = 1_767_571_200_000.0;
const HOUR: f64 = 3_600_000.0;

async fn ws_query(mock: &ServerMock, path: &str) -> Value {
    query(mock, path, json!({"workspaceId": mock.workspace_id()}))
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn an_unconfigured_workspace_gets_the_documented_defaults() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();

    assert_eq!(
        ws_query(&mock, "officeHours:isCurrentlyOpen").await,
        json!({"isOpen": true, "offlineMessage": null, "expectedReplyTimeMinutes": null})
    );
    assert_eq!(ws_query(&mock, "officeHours:get").await, Value::Null);
    assert_eq!(
        ws_query(&mock, "officeHours:getExpectedReplyTime").await,
        Value::Null
    );
    let defaults = ws_query(&mock, "officeHours:getOrDefault").await;
    assert_eq!(defaults["workspaceId"], ws.as_str());
    assert_eq!(defaults["timezone"], "America/New_York");
    assert_eq!(defaults["expectedReplyTimeMinutes"], 60);
    assert_eq!(
        defaults["offlineMessage"],
        "We're currently offline. We'll get back to you as soon as possible."
    );
    let schedule = defaults["schedule"].as_array().unwrap();
    assert_eq!(schedule.len(), 7);
    assert_eq!(
        schedule[0],
        json!({"day": "monday", "enabled": true, "startTime": "09:00", "endTime": "17:00"})
    );
    assert_eq!(schedule[6]["day"], "sunday");
    assert_eq!(schedule[6]["enabled"], false);

    assert_eq!(
        ws_query(&mock, "messengerSettings:getPublicSettings").await,
        json!({
            "primaryColor": "#792cd4",
            "backgroundColor": "#792cd4",
            "themeMode": "system",
            "launcherPosition": "right",
            "launcherSideSpacing": 20,
            "launcherBottomSpacing": 20,
            "showLauncher": true,
            "welcomeMessage": "Hi there! How can we help you today?",
            "teamIntroduction": null,
            "showTeammateAvatars": true,
            "supportedLanguages": ["en"],
            "defaultLanguage": "en",
            "mobileEnabled": true,
            "logo": null,
            "launcherIconUrl": null,
            "privacyPolicyUrl": null,
            "launcherAudienceRules": null,
        })
    );
    let home = ws_query(&mock, "messengerSettings:getPublicHomeConfig").await;
    assert_eq!(home["enabled"], true);
    assert_eq!(home["defaultSpace"], "home");
    assert_eq!(home["launchDirectlyToConversation"], false);
    let card_ids: Vec<&str> = home["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        card_ids,
        [
            "welcome-1",
            "search-1",
            "conversations-1",
            "startConversation-1"
        ]
    );
    let tab_ids: Vec<&str> = home["tabs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        tab_ids,
        ["home", "messages", "help", "tours", "tasks", "tickets"]
    );

    assert_eq!(
        ws_query(&mock, "automationSettings:getOrCreate").await,
        json!({
            "workspaceId": ws,
            "suggestArticlesEnabled": false,
            "showReplyTimeEnabled": false,
            "collectEmailEnabled": true,
            "askForRatingEnabled": false,
            "createdAt": now as i64,
            "updatedAt": now as i64,
        })
    );
    assert_eq!(ws_query(&mock, "automationSettings:get").await, Value::Null);
    assert_eq!(ws_query(&mock, "commonIssueButtons:list").await, json!([]));
}

#[tokio::test]
async fn office_hours_decide_open_and_closed() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    assert!(mock.set_office_hours(
        &ws,
        json!({"timezone": "UTC", "offlineMessage": "Back at nine", "expectedReplyTimeMinutes": 30}),
    ));
    let stored = ws_query(&mock, "officeHours:get").await;
    assert_eq!(
        stored["schedule"].as_array().unwrap().len(),
        7,
        "default schedule"
    );
    assert_eq!(ws_query(&mock, "officeHours:getOrDefault").await, stored);
    let at = |ms: f64| {
        query(
            &mock,
            "officeHours:isCurrentlyOpen",
            json!({"workspaceId": ws, "nowMs": ms}),
        )
    };
    assert_eq!(
        at(MONDAY + 10.0 * HOUR).await.unwrap(),
        json!({"isOpen": true, "offlineMessage": null, "expectedReplyTimeMinutes": 30})
    );
    let closed = json!({"isOpen": false, "offlineMessage": "Back at nine", "expectedReplyTimeMinutes": null});
    assert_eq!(
        at(MONDAY + 17.0 * HOUR).await.unwrap(),
        closed,
        "the end is exclusive"
    );
    assert_eq!(
        at(MONDAY + 5.0 * 24.0 * HOUR + 10.0 * HOUR).await.unwrap(),
        closed,
        "Saturday"
    );
    assert_eq!(
        ws_query(&mock, "officeHours:getExpectedReplyTime").await,
        "30 minutes"
    );

    // New York (UTC-5 in January): Monday 15:00 UTC is 10:00 there, 23:00 UTC is 18:00.
    assert!(mock.set_office_hours(
        &ws,
        json!({"timezone": "America/New_York", "expectedReplyTimeMinutes": 120}),
    ));
    assert_eq!(at(MONDAY + 15.0 * HOUR).await.unwrap()["isOpen"], true);
    assert_eq!(at(MONDAY + 23.0 * HOUR).await.unwrap()["isOpen"], false);
    assert_eq!(
        at(MONDAY + 2.0 * HOUR).await.unwrap()["isOpen"],
        false,
        "Sunday evening there"
    );
    assert_eq!(
        ws_query(&mock, "officeHours:getExpectedReplyTime").await,
        "2 hours"
    );

    // Without nowMs the mock clock decides; an overnight schedule every day.
    let overnight: Vec<Value> = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .iter()
    .map(|d| json!({"day": d, "enabled": true, "startTime": "22:00", "endTime": "06:00"}))
    .collect();
    assert!(mock.set_office_hours(&ws, json!({"timezone": "UTC", "schedule": overnight})));
    mock.clock().set_ms(MONDAY + 23.0 * HOUR);
    assert_eq!(
        ws_query(&mock, "officeHours:isCurrentlyOpen").await["isOpen"],
        true
    );
    mock.clock().advance(Duration::from_secs(8 * 3600));
    let now = ws_query(&mock, "officeHours:isCurrentlyOpen").await;
    assert_eq!(now["isOpen"], false);
    assert_eq!(
        now["offlineMessage"], "Back at nine",
        "earlier fields are kept"
    );

    // Invalid configuration is refused.
    assert!(!mock.set_office_hours(&ws, json!({"schedule": [{"day": "funday"}]})));
    assert!(!mock.set_office_hours(&ws, json!({"color": "red"})));
    assert!(!mock.set_office_hours("nope", json!({})));
    let (status, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/office-hours"),
        Some(json!({"expectedReplyTimeMinutes": 2880})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        ws_query(&mock, "officeHours:getExpectedReplyTime").await,
        "2 days"
    );
    let (status, _) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/office-hours"),
        Some(json!({"timezone": 5})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = control(
        &mock,
        "POST",
        "/workspaces/nope/office-hours",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn stored_messenger_settings_are_merged_over_the_defaults() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    assert!(mock.set_messenger_settings(
        &ws,
        json!({
            "primaryColor": "#112233",
            "teamIntroduction": "We reply fast",
            "logo": "https://cdn.example.com/logo.png",
            "supportedLanguages": ["en", "fr"],
            "homeConfig": {
                "enabled": true,
                "defaultSpace": "help",
                "cards": [
                    {"id": "w", "type": "welcome", "visibleTo": "all"},
                    {"id": "u", "type": "conversations", "visibleTo": "users"},
                    {"id": "v", "type": "search", "visibleTo": "visitors", "config": {"title": "Ask"}}
                ],
                "tabs": [{"id": "tours", "enabled": false, "visibleTo": "all"},
                         {"id": "tickets", "enabled": true, "visibleTo": "users"}]
            }
        }),
    ));
    let settings = ws_query(&mock, "messengerSettings:getPublicSettings").await;
    assert_eq!(settings["primaryColor"], "#112233");
    assert_eq!(settings["backgroundColor"], "#792cd4");
    assert_eq!(settings["teamIntroduction"], "We reply fast");
    assert_eq!(settings["logo"], "https://cdn.example.com/logo.png");
    assert_eq!(settings["supportedLanguages"], json!(["en", "fr"]));
    assert_eq!(settings.as_object().unwrap().len(), 17);

    let home = |identified: bool| {
        query(
            &mock,
            "messengerSettings:getPublicHomeConfig",
            json!({"workspaceId": ws, "isIdentified": identified}),
        )
    };
    let anonymous = home(false).await.unwrap();
    assert_eq!(anonymous["defaultSpace"], "help");
    let cards: Vec<&str> = anonymous["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(cards, ["w", "v"]);
    assert_eq!(anonymous["cards"][1]["config"]["title"], "Ask");
    let tabs = |v: &Value| -> Vec<String> {
        v["tabs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(tabs(&anonymous), ["home", "messages", "help", "tasks"]);
    let user = home(true).await.unwrap();
    assert_eq!(
        tabs(&user),
        ["home", "messages", "help", "tasks", "tickets"]
    );

    // Home switched off: no cards, no home tab, the default space falls back.
    assert!(mock.set_messenger_settings(
        &ws,
        json!({"homeConfig": {"enabled": false, "defaultSpace": "home", "cards": []}}),
    ));
    let off = home(false).await.unwrap();
    assert_eq!(off["enabled"], false);
    assert_eq!(off["cards"], json!([]));
    assert_eq!(off["defaultSpace"], "messages");
    assert!(!tabs(&off).contains(&"home".to_owned()));
    assert_eq!(
        ws_query(&mock, "messengerSettings:getPublicSettings").await["primaryColor"],
        "#112233",
        "earlier fields are kept"
    );

    assert!(!mock.set_messenger_settings(&ws, json!({"themeMode": "neon"})));
    let (status, _) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/messenger-settings"),
        Some(json!({"welcomeMessage": "Hello!"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ws_query(&mock, "messengerSettings:getPublicSettings").await["welcomeMessage"],
        "Hello!"
    );
}

#[tokio::test]
async fn automation_settings_and_buttons_reflect_the_controls() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.set_csat_enabled(&ws, true);
    let stored = ws_query(&mock, "automationSettings:getOrCreate").await;
    assert!(stored["_id"].is_string(), "the stored row");
    assert_eq!(stored["askForRatingEnabled"], true);
    assert_eq!(
        stored["collectEmailEnabled"], true,
        "a new row starts from the defaults"
    );
    assert_eq!(stored["suggestArticlesEnabled"], false);
    assert_eq!(stored["showReplyTimeEnabled"], false);
    mock.set_suggestions_enabled(&ws, true);
    let stored = ws_query(&mock, "automationSettings:getOrCreate").await;
    assert_eq!(stored["suggestArticlesEnabled"], true);
    assert_eq!(stored["askForRatingEnabled"], true);
    assert_eq!(
        ws_query(&mock, "automationSettings:get").await,
        Value::Null,
        "agent-only"
    );

    let article = mock.add_article(&ws, NewArticle::published("Reset your password", "…"));
    let start = mock.add_common_issue_button(&ws, "Talk to sales", None);
    let read = mock.add_common_issue_button(&ws, "Password help", Some(&article));
    assert_eq!(mock.add_common_issue_button("nope", "x", None), "");
    let buttons = ws_query(&mock, "commonIssueButtons:list").await;
    assert_eq!(buttons[0]["_id"], start.as_str());
    assert_eq!(buttons[0]["action"], "start_conversation");
    assert_eq!(buttons[0]["conversationStarter"], "Talk to sales");
    assert!(buttons[0]["article"].is_null());
    assert_eq!(buttons[1]["_id"], read.as_str());
    assert_eq!(
        buttons[1]["article"],
        json!({"_id": article, "title": "Reset your password", "slug": "reset-your-password"})
    );
    let (status, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/common-issue-buttons"),
        Some(json!({"label": "Billing"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["buttonId"].is_string());
    assert_eq!(
        ws_query(&mock, "commonIssueButtons:list")
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn events_list_returns_the_visitors_events_newest_first() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    for name in ["first", "second", "third"] {
        mutation(
            &mock,
            "events:track",
            json!({"workspaceId": ws, "sessionToken": token, "name": name}),
        )
        .await
        .unwrap();
    }
    let list = |args: Value| query(&mock, "events:list", args);
    let events = list(json!({"visitorId": visitor, "sessionToken": token, "workspaceId": ws}))
        .await
        .unwrap();
    let names: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["third", "second", "first"]);
    let limited = list(
        json!({"visitorId": visitor, "sessionToken": token, "workspaceId": ws,
                              "limit": 10000}),
    )
    .await
    .unwrap();
    assert_eq!(limited.as_array().unwrap().len(), 3);
    let one =
        list(json!({"visitorId": visitor, "sessionToken": token, "workspaceId": ws, "limit": 1}))
            .await
            .unwrap();
    assert_eq!(one[0]["name"], "third");
    // Denied without both the token and the workspace: [].
    for args in [
        json!({"visitorId": visitor, "sessionToken": token}),
        json!({"visitorId": visitor, "workspaceId": ws}),
        json!({"visitorId": visitor, "sessionToken": "wst_bogus", "workspaceId": ws}),
    ] {
        assert_eq!(list(args.clone()).await.unwrap(), json!([]), "{args}");
    }
}
