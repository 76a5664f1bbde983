//! Push registration and routing against server-mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Harness;
use opencom_sdk::{parse_push, Error, OutgoingMessage, PushPlatform, PushRegistration, Route};

const TOKEN: &str = "ExponentPushToken[abcdefghijklmnopqrstuv]";

#[tokio::test]
async fn register_route_an_agent_reply_and_unregister_on_logout() {
    let h = Harness::new().await;
    let client = h.client();
    let session = client.start().await.unwrap();
    let push = client.push();

    let apns = "0f".repeat(32);
    h.mock.clear_calls();
    let err = push
        .register(&apns, PushPlatform::Ios, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref reason, .. } if reason.contains("Expo")));
    assert!(h.mock.calls().is_empty());

    assert_eq!(
        push.register(TOKEN, PushPlatform::Ios, Some("device-1"))
            .await
            .unwrap(),
        PushRegistration::Created
    );
    assert_eq!(
        push.registered_token().await.unwrap().as_deref(),
        Some(TOKEN)
    );
    let tokens = h.mock.push_tokens(&session.visitor_id);
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["platform"], "ios");
    assert!(
        h.calls_to("pushTokens:register").is_empty(),
        "never the agent functions"
    );

    // An agent reply sends a push to this device; its payload routes to the conversation.
    let conversation = client.conversations().create().await.unwrap();
    client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("hi"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    h.mock.agent_reply(&conversation.id, "we're on it");
    let deliveries = h.mock.push_deliveries();
    let delivery = deliveries
        .iter()
        .find(|d| d["to"] == TOKEN)
        .expect("a push was sent");
    assert_eq!(
        parse_push(delivery),
        Some(Route::NewMessage {
            conversation_id: conversation.id.clone()
        })
    );

    push.set_enabled(false).await.unwrap();
    assert_eq!(
        h.mock.push_tokens(&session.visitor_id)[0]["notificationsEnabled"],
        false
    );

    client.logout().await.unwrap();
    assert!(
        h.mock.push_tokens(&session.visitor_id).is_empty(),
        "logout unregistered it"
    );
    assert_eq!(client.push().registered_token().await.unwrap(), None);
}
