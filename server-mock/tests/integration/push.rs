//! Visitor push tokens over HTTP (CONTRACT §10): register (created / updated / reassigned),
//! unregister, setNotificationsEnabled, getByVisitor with their errors; the simulated Expo
//! deliveries of agent replies, bot messages and ticket comments; the email merge.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{
    action, boot, boot_anonymous, control, detail, mutation, query, uncaught,
    visitor_with_conversation,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::ServerMock;

const TOKEN: &str = "ExponentPushToken[aaaaaaaaaaaaaaaaaaaaaa]";

async fn register(mock: &ServerMock, args: Value) -> Result<Value, String> {
    mutation(mock, "visitorPushTokens:register", args).await
}

#[tokio::test]
async fn register_creates_updates_and_reassigns_a_globally_unique_token() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let created = register(
        &mock,
        json!({"visitorId": visitor, "token": TOKEN, "platform": "ios", "deviceId": "d1",
               "sessionToken": token, "workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(created["status"], "created");
    let token_id = created["tokenId"].as_str().unwrap().to_owned();
    let stored = mock.push_tokens(&visitor);
    assert_eq!(stored.len(), 1);
    let mut keys: Vec<&String> = stored[0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_creationTime",
            "_id",
            "createdAt",
            "deviceId",
            "notificationsEnabled",
            "platform",
            "token",
            "updatedAt",
            "visitorId",
            "workspaceId"
        ]
    );
    assert_eq!(stored[0]["createdAt"].as_f64().unwrap(), now);

    // The same visitor again: updated (a missing deviceId removes the stored one).
    let updated = register(
        &mock,
        json!({"visitorId": visitor, "token": TOKEN, "platform": "android", "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(updated, json!({"tokenId": token_id, "status": "updated"}));
    let stored = mock.push_tokens(&visitor);
    assert_eq!(stored[0]["platform"], "android");
    assert!(stored[0].get("deviceId").is_none());

    // Another visitor registers it: the token moves (it is unique globally).
    let (token_b, visitor_b) = boot_anonymous(&mock, &ws, "b").await;
    let moved = register(
        &mock,
        json!({"visitorId": visitor_b, "token": TOKEN, "platform": "ios", "sessionToken": token_b}),
    )
    .await
    .unwrap();
    assert_eq!(moved, json!({"tokenId": token_id, "status": "reassigned"}));
    assert!(mock.push_tokens(&visitor).is_empty());
    assert_eq!(mock.push_tokens(&visitor_b)[0]["_id"], token_id.as_str());

    // Even across workspaces.
    let other = mock.create_workspace("Other");
    let (token_c, visitor_c) = boot_anonymous(&mock, &other, "c").await;
    let moved = register(
        &mock,
        json!({"visitorId": visitor_c, "token": TOKEN, "platform": "ios", "sessionToken": token_c}),
    )
    .await
    .unwrap();
    assert_eq!(moved["status"], "reassigned");
    assert_eq!(
        mock.push_tokens(&visitor_c)[0]["workspaceId"],
        other.as_str()
    );
}

#[tokio::test]
async fn token_functions_check_the_session() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let (token_b, _) = boot_anonymous(&mock, &ws, "b").await;
    let other = mock.create_workspace("Other");
    let base = json!({"visitorId": visitor, "token": TOKEN, "platform": "ios"});
    let with = |extra: Value| {
        let mut args = base.clone();
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    };
    for (extra, expected) in [
        (json!({}), "Not authorized to manage visitor push tokens"),
        (
            json!({"sessionToken": ""}),
            "Not authorized to manage visitor push tokens",
        ),
        (
            json!({"sessionToken": "wst_bogus"}),
            "Invalid session token",
        ),
        (
            json!({"sessionToken": token_b}),
            "Session token does not match visitor",
        ),
        (
            json!({"sessionToken": token, "workspaceId": other}),
            "Session token does not match workspace",
        ),
    ] {
        let err = register(&mock, with(extra.clone())).await.unwrap_err();
        assert_eq!(uncaught(&err), expected, "{extra}");
    }
    let err = register(
        &mock,
        with(json!({"platform": "web", "sessionToken": token})),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).starts_with("ArgumentValidationError: "));
    mock.clock()
        .advance(std::time::Duration::from_secs(25 * 3600));
    let err = register(&mock, with(json!({"sessionToken": token})))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&err), "Session expired");

    // A visitor document that is gone: "Visitor not found" (its id still validates).
    let (token_c, visitor_c) = boot_anonymous(&mock, &ws, "c").await;
    boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "d", "email": "merge@example.com"}),
    )
    .await;
    mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor_c, "sessionToken": token_c, "email": "merge@example.com"}),
    )
    .await
    .unwrap();
    let err = register(
        &mock,
        json!({"visitorId": visitor_c, "token": TOKEN, "platform": "ios", "sessionToken": token_c}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Visitor not found");
}

#[tokio::test]
async fn unregister_and_enable_check_ownership() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let (token_b, visitor_b) = boot_anonymous(&mock, &ws, "b").await;
    let id = register(
        &mock,
        json!({"visitorId": visitor, "token": TOKEN, "platform": "ios", "sessionToken": token}),
    )
    .await
    .unwrap()["tokenId"]
        .clone();

    let disable = |session: &str, extra: Value| {
        let mut args = json!({"token": TOKEN, "enabled": false, "sessionToken": session});
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    };
    let err = mutation(
        &mock,
        "visitorPushTokens:setNotificationsEnabled",
        disable(&token_b, json!({})),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Session token does not match visitor");
    let err = mutation(
        &mock,
        "visitorPushTokens:setNotificationsEnabled",
        disable(&token, json!({"visitorId": visitor_b})),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Visitor/token mismatch");
    let err = mutation(
        &mock,
        "visitorPushTokens:setNotificationsEnabled",
        json!({"token": TOKEN, "enabled": false}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&err),
        "Not authorized to manage visitor push tokens"
    );

    let off = mutation(
        &mock,
        "visitorPushTokens:setNotificationsEnabled",
        disable(&token, json!({})),
    )
    .await
    .unwrap();
    assert_eq!(
        off,
        json!({"success": true, "status": "updated", "tokenId": id, "enabled": false})
    );
    let stored = &mock.push_tokens(&visitor)[0];
    assert_eq!(stored["notificationsEnabled"], false);
    assert!(stored["disabledAt"].is_number());
    let on = mutation(
        &mock,
        "visitorPushTokens:setNotificationsEnabled",
        json!({"token": TOKEN, "enabled": true, "sessionToken": token, "visitorId": visitor}),
    )
    .await
    .unwrap();
    assert_eq!(on["enabled"], true);
    assert!(mock.push_tokens(&visitor)[0].get("disabledAt").is_none());

    // Unknown tokens are not an error.
    let missing = json!({"token": "ExponentPushToken[nope]", "sessionToken": token});
    assert_eq!(
        mutation(&mock, "visitorPushTokens:unregister", missing.clone())
            .await
            .unwrap(),
        json!({"success": true, "status": "not_found"})
    );
    let mut missing_enable = missing;
    missing_enable["enabled"] = json!(true);
    assert_eq!(
        mutation(
            &mock,
            "visitorPushTokens:setNotificationsEnabled",
            missing_enable
        )
        .await
        .unwrap(),
        json!({"success": true, "status": "not_found"})
    );

    let err = mutation(
        &mock,
        "visitorPushTokens:unregister",
        json!({"token": TOKEN, "sessionToken": token_b}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Session token does not match visitor");
    let removed = mutation(
        &mock,
        "visitorPushTokens:unregister",
        json!({"token": TOKEN, "sessionToken": token, "workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(
        removed,
        json!({"success": true, "status": "removed", "tokenId": id})
    );
    assert!(mock.push_tokens(&visitor).is_empty());
}

#[tokio::test]
async fn get_by_visitor_needs_the_visitors_own_session() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let (token_b, _) = boot_anonymous(&mock, &ws, "b").await;
    for i in 0..3 {
        register(
            &mock,
            json!({"visitorId": visitor, "token": format!("ExponentPushToken[{i}]"),
                   "platform": "ios", "sessionToken": token}),
        )
        .await
        .unwrap();
    }
    let list = |args: Value| query(&mock, "visitorPushTokens:getByVisitor", args);
    let mine = list(json!({"visitorId": visitor, "sessionToken": token, "workspaceId": ws}))
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 3);
    assert_eq!(mine[0]["token"], "ExponentPushToken[0]");
    let limited = list(json!({"visitorId": visitor, "sessionToken": token, "limit": 2}))
        .await
        .unwrap();
    assert_eq!(limited.as_array().unwrap().len(), 2);
    let at_least_one = list(json!({"visitorId": visitor, "sessionToken": token, "limit": 0}))
        .await
        .unwrap();
    assert_eq!(at_least_one.as_array().unwrap().len(), 1, "clamped to 1");
    // Everything else is [] (never an error).
    let other = mock.create_workspace("Other");
    for args in [
        json!({"visitorId": visitor}),
        json!({"visitorId": visitor, "sessionToken": token_b}),
        json!({"visitorId": visitor, "sessionToken": "wst_bogus"}),
        json!({"visitorId": visitor, "sessionToken": token, "workspaceId": other}),
    ] {
        assert_eq!(list(args.clone()).await.unwrap(), json!([]), "{args}");
    }
    let (status, body) = control(
        &mock,
        "GET",
        &format!("/visitors/{visitor}/push-tokens"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn support_messages_are_pushed_to_enabled_tokens() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    // The greeting sent no push, and a visitor's own message sends none either.
    mutation(
        &mock,
        "messages:send",
        json!({"conversationId": conversation, "senderId": visitor, "senderType": "visitor",
               "content": "hi", "sessionToken": token}),
    )
    .await
    .unwrap();
    assert!(mock.agent_reply(&conversation, "before any token").len() > 1);
    assert!(mock.push_deliveries().is_empty(), "no token yet");

    for (i, device) in ["ios", "android"].iter().enumerate() {
        register(
            &mock,
            json!({"visitorId": visitor, "token": format!("ExponentPushToken[{i}]"),
                   "platform": device, "sessionToken": token}),
        )
        .await
        .unwrap();
    }
    let long = "x".repeat(150);
    mock.agent_reply(&conversation, &long);
    let deliveries = mock.push_deliveries();
    assert_eq!(deliveries.len(), 2);
    let body = format!("{}...", "x".repeat(100));
    assert_eq!(
        deliveries[0],
        json!({
            "to": "ExponentPushToken[0]",
            "title": "Support",
            "body": body,
            "data": {"conversationId": conversation, "type": "new_message"},
            "sound": "default",
            "priority": "high",
        })
    );
    assert_eq!(deliveries[1]["to"], "ExponentPushToken[1]");

    // A disabled token gets nothing.
    mutation(
        &mock,
        "visitorPushTokens:setNotificationsEnabled",
        json!({"token": "ExponentPushToken[1]", "enabled": false, "sessionToken": token}),
    )
    .await
    .unwrap();
    mock.agent_reply(&conversation, "short");
    let deliveries = mock.push_deliveries();
    assert_eq!(deliveries.len(), 3);
    assert_eq!(deliveries[2]["to"], "ExponentPushToken[0]");
    assert_eq!(deliveries[2]["body"], "short");

    // Bot messages (the AI agent's answer, in a conversation no human answered yet) are
    // support messages too.
    mock.set_ai_enabled(&ws, true);
    let fresh = mutation(
        &mock,
        "conversations:createForVisitor",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    let answer = action(
        &mock,
        "aiAgentActions:generateResponse",
        json!({"workspaceId": ws, "conversationId": fresh["_id"], "sessionToken": token,
               "query": "How do I export?"}),
    )
    .await
    .unwrap();
    assert_eq!(answer["handoff"], false);
    let deliveries = mock.push_deliveries();
    assert_eq!(deliveries.len(), 4);
    assert_eq!(deliveries[3]["title"], "Support");
    assert_eq!(
        deliveries[3]["data"],
        json!({"conversationId": fresh["_id"], "type": "new_message"})
    );

    let (status, body) = control(&mock, "GET", "/push-deliveries", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn public_ticket_comments_are_pushed_internal_ones_are_not() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    register(
        &mock,
        json!({"visitorId": visitor, "token": TOKEN, "platform": "ios", "sessionToken": token}),
    )
    .await
    .unwrap();
    let ticket = mutation(
        &mock,
        "tickets:create",
        json!({"workspaceId": ws, "sessionToken": token, "subject": "Help"}),
    )
    .await
    .unwrap();
    let ticket = ticket.as_str().unwrap();
    mock.add_ticket_comment(ticket, "escalate", true);
    assert!(mock.push_deliveries().is_empty());
    let comment = mock.add_ticket_comment(ticket, "We are on it", false);
    assert_eq!(
        mock.push_deliveries(),
        [json!({
            "to": TOKEN,
            "title": "Ticket update",
            "body": "We are on it",
            "data": {"ticketId": ticket, "type": "ticket_comment", "commentId": comment},
            "sound": "default",
            "priority": "high",
        })]
    );
}

#[tokio::test]
async fn the_email_merge_moves_push_tokens() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    // The canonical visitor (the oldest with the email) has a token switched off; the merged
    // visitor's token joins it, the settings of both stay.
    let (token_a, visitor_a, _) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "a", "email": "jane@example.com"}),
    )
    .await;
    let (token_b, visitor_b) = boot_anonymous(&mock, &ws, "b").await;
    register(
        &mock,
        json!({"visitorId": visitor_a, "token": "ExponentPushToken[shared]", "platform": "ios",
               "sessionToken": token_a}),
    )
    .await
    .unwrap();
    mutation(
        &mock,
        "visitorPushTokens:setNotificationsEnabled",
        json!({"token": "ExponentPushToken[shared]", "enabled": false, "sessionToken": token_a}),
    )
    .await
    .unwrap();
    register(
        &mock,
        json!({"visitorId": visitor_b, "token": "ExponentPushToken[phone]", "platform": "android",
               "sessionToken": token_b}),
    )
    .await
    .unwrap();

    let merged = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor_b, "sessionToken": token_b, "email": "jane@example.com"}),
    )
    .await
    .unwrap();
    assert_eq!(merged["_id"], visitor_a.as_str());
    let tokens: Vec<String> = mock
        .push_tokens(&visitor_a)
        .iter()
        .map(|t| t["token"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tokens,
        ["ExponentPushToken[shared]", "ExponentPushToken[phone]"]
    );
    assert!(mock.push_tokens(&visitor_b).is_empty());
    // The session moved too, so the merged device still manages its token.
    let listed = query(
        &mock,
        "visitorPushTokens:getByVisitor",
        json!({"visitorId": visitor_a, "sessionToken": token_b}),
    )
    .await
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}
