//! Messenger configuration, discovery, data export and redacted production errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Harness;
use opencom_sdk::{Attributes, NewTicket, OutgoingMessage, User};

#[tokio::test]
async fn configuration_is_fetched_once_and_served_from_cache() {
    let h = Harness::new().await;
    let client = h.client();
    let messenger = client.messenger();
    let settings = messenger.settings().await.unwrap();
    assert_eq!(settings.primary_color, "#792cd4");
    assert!(settings.mobile_enabled);
    let again = messenger.settings().await.unwrap();
    assert_eq!(again, settings);
    assert_eq!(
        h.calls_to("messengerSettings:getPublicSettings").len(),
        1,
        "cached"
    );

    let hours = messenger.office_hours().await.unwrap();
    assert!(hours.is_open);
    let automation = messenger.automation_settings().await.unwrap();
    assert!(automation.collect_email_enabled);
    assert!(
        h.calls_to("automationSettings:get").is_empty(),
        "never the agent-only query"
    );
    assert_eq!(h.calls_to("automationSettings:getOrCreate").len(), 1);
    messenger.common_issue_buttons().await.unwrap();
    messenger.home_config(false).await.unwrap();
    let ai = messenger.ai_settings().await.unwrap();
    assert_eq!(ai["enabled"], false);
    messenger.expected_reply_time().await.unwrap();

    // After the TTL the next read fetches again; offline it serves the stale copy.
    h.mock
        .clock()
        .advance(std::time::Duration::from_secs(6 * 60));
    h.mock.faults().inject(server_mock::Fault {
        only_path: None,
        kind: server_mock::FaultKind::Status(503),
        times: 100,
    });
    let offline = h
        .builder()
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(
        offline.messenger().settings().await.unwrap(),
        settings,
        "from storage"
    );
    h.mock.faults().clear();

    let discovery = messenger.discovery().await.unwrap();
    assert_eq!(discovery.convex_url, h.mock.url());
}

#[tokio::test]
async fn export_my_data_writes_one_complete_json_document() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    client
        .visitor()
        .identify(
            User::new()
                .email("export@example.com")
                .attribute("plan", "pro"),
        )
        .await
        .unwrap();
    let conversation = client.conversations().create().await.unwrap();
    client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("mine"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    h.mock.agent_reply(&conversation.id, "theirs");
    let ticket = client.tickets().create(NewTicket::new("T")).await.unwrap();
    h.mock.add_ticket_comment(&ticket, "internal only", true);
    client
        .events()
        .track("exported", Attributes::new())
        .await
        .unwrap();

    let mut buffer: Vec<u8> = Vec::new();
    let summary = client.export_my_data(&mut buffer).await.unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&buffer).expect("valid JSON");
    assert_eq!(doc["schemaVersion"], 1);
    assert_eq!(doc["visitor"]["email"], "export@example.com");
    assert_eq!(doc["visitor"]["customAttributes"]["plan"], "pro");
    assert_eq!(doc["conversations"].as_array().unwrap().len(), 1);
    let messages = doc["conversations"][0]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "greeting, mine, theirs");
    assert_eq!(doc["tickets"][0]["ticket"]["_id"], ticket.as_str());
    assert!(!String::from_utf8_lossy(&buffer).contains("internal only"));
    assert!(doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == "exported"));
    assert_eq!(summary.messages, 3);
    assert_eq!(summary.bytes as usize, buffer.len());
    assert!(
        !String::from_utf8_lossy(&buffer).contains("wst_"),
        "no session token in the export"
    );
}

#[tokio::test]
async fn redacted_production_errors_still_recover_the_session() {
    let h = Harness::new().await;
    let client = h.client();
    let first = client.start().await.unwrap();
    // Production Convex says only "Server Error": the SDK must ask validateSessionToken.
    h.mock.set_redact_errors(true);
    let token = h.stored_token().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
        .post(format!("{}/api/mutation", h.mock.url()))
        .json(&serde_json::json!({"path": "widgetSessions:revoke", "args": {"sessionToken": token}, "format": "json"}))
        .send()
        .await
        .unwrap();
    h.mock.clear_calls();
    client
        .events()
        .track("after_redacted_failure", Attributes::new())
        .await
        .unwrap();
    let paths: Vec<String> = h.mock.calls().into_iter().map(|c| c.path).collect();
    assert_eq!(
        paths,
        vec![
            "events:track",
            "widgetSessions:validateSessionToken",
            "widgetSessions:boot",
            "events:track"
        ]
    );
    assert_eq!(h.mock.events(&first.visitor_id).len(), 1);

    // A redacted failure with a valid token is reported, not "recovered" by a re-boot.
    h.mock.clear_calls();
    let err = client
        .conversations()
        .rate("not-a-real-conversation-id-00000", 3, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            opencom_sdk::Error::Server { .. } | opencom_sdk::Error::InvalidInput { .. }
        ),
        "{err:?}"
    );
    assert!(h.calls_to("widgetSessions:boot").is_empty());
}

/// A deployment answering outside the contract: a decode error naming the function, never a
/// default, and a malformed configuration is not cached (the next read asks again).
#[tokio::test]
async fn malformed_answers_are_decode_errors_and_are_not_cached() {
    use common::proxy::{Proxy, Reply};
    use opencom_sdk::Error;
    use std::sync::Arc;

    let h = Harness::new().await;
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new(|seen| match seen.function.as_deref() {
            Some("messengerSettings:getPublicSettings") => {
                Reply::success(serde_json::json!({"primaryColor": "#000000"}))
            }
            Some("tickets:listByVisitor") => {
                Reply::success(serde_json::json!([{"_id": "t1", "subject": "no status"}]))
            }
            Some("visitorPushTokens:register") => {
                Reply::success(serde_json::json!({"tokenId": "p1", "status": "moved"}))
            }
            _ => Reply::Forward,
        }),
    )
    .await;
    let client = opencom_sdk::Opencom::builder(&proxy.url, &h.mock.workspace_id())
        .storage(h.storage.clone())
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .heartbeat_interval(None)
        .build()
        .unwrap();
    let decode_error = |result: Result<_, Error>, function: &str| match result {
        Err(Error::Decode { message }) => assert!(message.contains(function), "{message}"),
        other => panic!("{function}: {other:?}"),
    };
    for _ in 0..2 {
        decode_error(
            client.messenger().settings().await.map(|_| ()),
            "messengerSettings:getPublicSettings",
        );
    }
    let asked = proxy
        .seen()
        .iter()
        .filter(|s| s.function.as_deref() == Some("messengerSettings:getPublicSettings"))
        .count();
    assert_eq!(asked, 2, "a malformed answer is not served from the cache");

    client.start().await.unwrap();
    decode_error(
        client.tickets().list().await.map(|_| ()),
        "tickets:listByVisitor",
    );
    decode_error(
        client
            .push()
            .register(
                "ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]",
                opencom_sdk::PushPlatform::Ios,
                None,
            )
            .await
            .map(|_| ()),
        "visitorPushTokens:register",
    );
    assert_eq!(client.push().registered_token().await.unwrap(), None);
}
