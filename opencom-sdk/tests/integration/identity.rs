//! identify, email merge, identity verification and origin checks against server-mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Harness;
use opencom_sdk::identity::user_hash;
use opencom_sdk::{AttributeValue, Error, User};
use server_mock::IdentityMode;

#[tokio::test]
async fn identify_stores_the_profile_and_attributes() {
    let h = Harness::new().await;
    let client = h
        .builder()
        .origin("https://app.example.com")
        .build()
        .unwrap();
    let session = client.start().await.unwrap();
    let visitor = client
        .visitor()
        .identify(
            User::new()
                .email("jane@example.com")
                .name("Jane Doe")
                .user_id("user-42")
                .company("Acme")
                .attribute("plan", "pro")
                .attribute("seats", 5)
                .attribute("tags", vec!["a", "b"]),
        )
        .await
        .unwrap();
    assert_eq!(visitor.id, session.visitor_id);
    assert_eq!(visitor.user_id.as_deref(), Some("user-42"));
    assert_eq!(
        visitor.custom_attributes["company"],
        AttributeValue::from("Acme")
    );

    let doc = h.mock.visitor(&session.visitor_id).unwrap();
    assert_eq!(doc["email"], "jane@example.com");
    assert_eq!(doc["externalUserId"], "user-42");
    assert_eq!(doc["customAttributes"]["seats"], 5.0);
    assert_eq!(doc["customAttributes"]["company"], "Acme");

    let call = &h.calls_to("visitors:identify")[0];
    assert_eq!(call.args["origin"], "https://app.example.com");
    assert_eq!(call.args["visitorId"], session.visitor_id.as_str());
    assert!(call.args.get("userHash").is_none());
}

#[tokio::test]
async fn invalid_attributes_fail_before_any_network_call() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.clear_calls();
    let nested = AttributeValue::Map(
        [(
            "b".to_string(),
            AttributeValue::Map(
                [(
                    "c".to_string(),
                    AttributeValue::Map([("d".to_string(), 1.into())].into()),
                )]
                .into(),
            ),
        )]
        .into(),
    );
    let err = client
        .visitor()
        .identify(User::new().attribute("a", nested))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "a.b.c"),
        "{err:?}"
    );
    let err = client
        .visitor()
        .identify(User::new().attribute("_id", 1))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field.ends_with("_id")));
    assert!(h.mock.calls().is_empty());
}

#[tokio::test]
async fn an_email_merge_adopts_and_persists_the_canonical_visitor() {
    let h = Harness::new().await;
    // Someone with this email already exists in the workspace (another device).
    let other = Harness::new_sharing(&h);
    let existing = other.client();
    let canonical = existing.start().await.unwrap().visitor_id;
    existing
        .visitor()
        .identify(
            User::new()
                .email("merge@example.com")
                .attribute("from", "web"),
        )
        .await
        .unwrap();

    let client = h.client();
    let mine = client.start().await.unwrap().visitor_id;
    assert_ne!(mine, canonical);
    let visitor = client
        .visitor()
        .identify(
            User::new()
                .email("merge@example.com")
                .attribute("device", "phone"),
        )
        .await
        .unwrap();
    assert_eq!(
        visitor.id, canonical,
        "the server returned the canonical visitor"
    );
    assert_eq!(client.session().visitor_id().unwrap(), canonical);
    assert!(h.mock.visitor(&mine).is_none(), "the duplicate was deleted");

    // Later calls use the canonical id and still work with the same token.
    client
        .events()
        .track("after_merge", Default::default())
        .await
        .unwrap();
    assert_eq!(h.mock.events(&canonical).len(), 1);
    // And a restart restores the canonical visitor without a network call.
    h.mock.clear_calls();
    let restored = h.client().start().await.unwrap();
    assert!(restored.restored);
    assert_eq!(restored.visitor_id, canonical);
    assert!(h.mock.calls().is_empty());
}

#[tokio::test]
async fn identity_verification_required_accepts_only_a_good_hash() {
    let h = Harness::new().await;
    let secret = h
        .mock
        .enable_identity_verification(&h.mock.workspace_id(), IdentityMode::Required);
    let client = h.client();
    let session = client.start().await.unwrap();

    let bad = client
        .visitor()
        .identify(
            User::new()
                .user_id("user-7")
                .user_hash(user_hash("not-the-secret", "user-7")),
        )
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::NotAuthorized { .. }), "{bad:?}");
    assert!(
        client.visitor().current_user().await.is_none(),
        "a refused user is not kept"
    );

    let good = client
        .visitor()
        .identify(
            User::new()
                .user_id("user-7")
                .user_hash(user_hash(&secret, "user-7")),
        )
        .await
        .unwrap();
    assert!(good.identity_verified);
    assert_eq!(
        h.mock.visitor(&session.visitor_id).unwrap()["identityVerified"],
        true
    );
}

#[tokio::test]
async fn origin_allowlists_need_the_configured_origin() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    h.mock.set_allowed_origins(&ws, &["*.example.com"]);

    let without = h.client().start().await.unwrap_err();
    assert!(
        matches!(without, Error::NotAuthorized { ref message } if message.contains("Origin")),
        "{without:?}"
    );

    let wrong = h
        .builder()
        .origin("https://evil.example.org")
        .build()
        .unwrap();
    assert!(matches!(
        wrong.start().await,
        Err(Error::NotAuthorized { .. })
    ));

    let right = h
        .builder()
        .origin("https://app.example.com")
        .build()
        .unwrap();
    right.start().await.unwrap();
    right.visitor().heartbeat().await.unwrap();
    right
        .visitor()
        .identify(User::new().name("Ok"))
        .await
        .unwrap();
}
