//! Widget sessions (CONTRACT §3): boot, refresh rotation, revoke, expiry on the mock clock,
//! lifetime clamping, visitor resolution, tenant isolation, the origin allowlist and identity
//! verification.

use crate::common;

use std::time::Duration;

use common::{boot, boot_anonymous, detail, mutation, query, uncaught};
use serde_json::{json, Value};
use server_mock::{user_hash, IdentityMode, ServerMock};

const HOUR_MS: f64 = 3_600_000.0;

async fn validate(mock: &ServerMock, workspace_id: &str, token: &str) -> Value {
    query(
        mock,
        "widgetSessions:validateSessionToken",
        json!({"workspaceId": workspace_id, "sessionToken": token}),
    )
    .await
    .unwrap_or_else(|e| panic!("validateSessionToken failed: {e}"))
}

#[tokio::test]
async fn boot_issues_a_token_and_a_session_row() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let (token, visitor, value) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s1",
               "device": {"os": "iOS 17.4", "platform": "ios", "deviceType": "mobile", "browser": "SDK"},
               "clientVersion": "0.1.0", "clientIdentifier": "com.example.app",
               "email": "", "name": "Jane"}),
    )
    .await;
    assert!(token.starts_with("wst_") && token.len() == 68);
    assert!(token[4..]
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    assert_eq!(value["expiresAt"].as_f64().unwrap(), now + 24.0 * HOUR_MS);
    let v = &value["visitor"];
    assert_eq!(v["sessionId"], "s1");
    assert_eq!(v["workspaceId"], json!(ws));
    assert_eq!(v["name"], "Jane");
    assert_eq!(v["email"], "", "a new visitor stores the fields as sent");
    assert_eq!(v["createdAt"].as_f64().unwrap(), now);
    let readable = v["readableId"].as_str().unwrap();
    assert_eq!(readable.split('-').count(), 3, "{readable}");
    assert_eq!(v["_id"].as_str().unwrap().len(), 32);

    let sessions = mock.sessions(&visitor);
    assert_eq!(sessions.len(), 1);
    let row = &sessions[0];
    assert_eq!(row["token"], json!(token));
    assert_eq!(row["clientType"], "mobile_sdk");
    assert_eq!(row["devicePlatform"], "ios");
    assert_eq!(row["clientIdentifier"], "com.example.app");
    assert_eq!(row["identityVerified"], false);

    let valid = validate(&mock, &ws, &token).await;
    assert_eq!(
        valid,
        json!({"valid": true, "visitorId": visitor, "identityVerified": false})
    );
}

#[tokio::test]
async fn client_type_defaults() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let cases = [
        (json!({"workspaceId": ws, "sessionId": "a"}), "web_widget"),
        (
            json!({"workspaceId": ws, "sessionId": "b", "device": {"platform": "android"}}),
            "mobile_sdk",
        ),
        (
            json!({"workspaceId": ws, "sessionId": "c", "device": {"platform": "web"}}),
            "web_widget",
        ),
        (
            json!({"workspaceId": ws, "sessionId": "d", "device": {"platform": "ios"}, "clientType": "custom"}),
            "custom",
        ),
    ];
    for (args, expected) in cases {
        let (_, visitor, _) = boot(&mock, args).await;
        assert_eq!(mock.sessions(&visitor)[0]["clientType"], expected);
    }
}

#[tokio::test]
async fn refresh_rotates_and_invalidates_the_old_token() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (old, visitor) = boot_anonymous(&mock, &ws, "s").await;
    mock.clock().advance(Duration::from_secs(3600));
    let now = mock.clock().now_ms();
    let refreshed = mutation(
        &mock,
        "widgetSessions:refresh",
        json!({"sessionToken": old}),
    )
    .await
    .unwrap();
    let new = refreshed["sessionToken"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    let mut keys: Vec<&String> = refreshed.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["expiresAt", "sessionToken"]);
    let expires = refreshed["expiresAt"].as_f64().unwrap();
    assert!(expires >= now + 24.0 * HOUR_MS && expires < now + 24.0 * HOUR_MS + 60_000.0);

    let sessions = mock.sessions(&visitor);
    assert_eq!(sessions.len(), 1, "old row deleted at once");
    assert_eq!(sessions[0]["token"], json!(new));

    assert_eq!(
        validate(&mock, &ws, &old).await,
        json!({"valid": false, "reason": "Invalid session token"})
    );
    assert_eq!(validate(&mock, &ws, &new).await["valid"], true);
    let second = mutation(
        &mock,
        "widgetSessions:refresh",
        json!({"sessionToken": old}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&second), "Invalid session token");
}

#[tokio::test]
async fn revoke_always_succeeds() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    for _ in 0..2 {
        let value = mutation(
            &mock,
            "widgetSessions:revoke",
            json!({"sessionToken": token}),
        )
        .await
        .unwrap();
        assert_eq!(value, json!({"success": true}));
    }
    assert!(mock.sessions(&visitor).is_empty());
    assert_eq!(
        validate(&mock, &ws, &token).await["reason"],
        "Invalid session token"
    );
}

#[tokio::test]
async fn sessions_expire_on_the_mock_clock() {
    let mock = ServerMock::start().await.unwrap();
    let clock = mock.clock();
    clock.freeze();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;

    clock.advance(Duration::from_secs(24 * 3600));
    assert_eq!(
        validate(&mock, &ws, &token).await["valid"],
        true,
        "valid up to expiresAt"
    );
    clock.advance(Duration::from_millis(1));
    assert_eq!(
        validate(&mock, &ws, &token).await,
        json!({"valid": false, "reason": "Session expired"})
    );
    let error = mutation(
        &mock,
        "events:track",
        json!({"workspaceId": ws, "sessionToken": token, "name": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Session expired");

    let error = mutation(
        &mock,
        "widgetSessions:refresh",
        json!({"sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Session expired: please re-boot");
    // Opencom deletes the row before throwing, but a Convex mutation that throws commits
    // nothing: the row is still there and a retry gets the same answer.
    assert_eq!(mock.sessions(&visitor).len(), 1);
    let error = mutation(
        &mock,
        "widgetSessions:refresh",
        json!({"sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Session expired: please re-boot");

    // Recovery: boot again with the same sessionId → same visitor, new token.
    let (fresh, again) = boot_anonymous(&mock, &ws, "s").await;
    assert_eq!(again, visitor);
    assert_eq!(validate(&mock, &ws, &fresh).await["valid"], true);
}

#[tokio::test]
async fn lifetimes_are_clamped_to_one_hour_and_seven_days() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let cases = [
        (Duration::from_secs(60), HOUR_MS),
        (Duration::from_secs(2 * 3600), 2.0 * HOUR_MS),
        (Duration::from_secs(30 * 24 * 3600), 7.0 * 24.0 * HOUR_MS),
        (Duration::ZERO, 24.0 * HOUR_MS),
    ];
    for (i, (configured, expected)) in cases.into_iter().enumerate() {
        mock.set_session_lifetime(&ws, configured);
        let (token, _, value) = boot(
            &mock,
            json!({"workspaceId": ws, "sessionId": format!("s{i}")}),
        )
        .await;
        assert_eq!(
            value["expiresAt"].as_f64().unwrap() - now,
            expected,
            "{configured:?}"
        );
        let refreshed = mutation(
            &mock,
            "widgetSessions:refresh",
            json!({"sessionToken": token}),
        )
        .await
        .unwrap();
        assert_eq!(refreshed["expiresAt"].as_f64().unwrap() - now, expected);
    }
}

#[tokio::test]
async fn boot_resolves_the_visitor_in_order() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, first, _) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s1", "email": "a@x.io"}),
    )
    .await;

    // Same sessionId → same visitor, non-empty profile fields patched.
    let (_, same, value) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s1", "name": "Ann", "email": ""}),
    )
    .await;
    assert_eq!(same, first);
    assert_eq!(value["visitor"]["name"], "Ann");
    assert_eq!(value["visitor"]["email"], "a@x.io");

    // existingVisitorId wins over sessionId, and takes the new sessionId.
    let (_, other) = boot_anonymous(&mock, &ws, "s2").await;
    let (_, persisted, value) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s2", "existingVisitorId": first}),
    )
    .await;
    assert_eq!(persisted, first);
    assert_eq!(value["visitor"]["sessionId"], "s2");
    assert_ne!(other, first);

    // Email fallback (unverified) binds a new session to the existing visitor.
    let (_, by_email, _) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "s3", "email": "a@x.io"}),
    )
    .await;
    assert_eq!(by_email, first);
    assert_eq!(mock.visitor(&first).unwrap()["sessionId"], "s3");

    // Otherwise a new visitor.
    let (_, fresh) = boot_anonymous(&mock, &ws, "s4").await;
    assert_ne!(fresh, first);
    assert_eq!(mock.visitors(&ws).len(), 3);
}

#[tokio::test]
async fn tokens_never_cross_workspaces() {
    let mock = ServerMock::start().await.unwrap();
    let a = mock.workspace_id();
    let b = mock.create_workspace("Tenant B");
    let (token_a, visitor_a) = boot_anonymous(&mock, &a, "shared-session").await;
    let (token_b, visitor_b) = boot_anonymous(&mock, &b, "b-session").await;

    assert_eq!(
        validate(&mock, &b, &token_a).await,
        json!({"valid": false, "reason": "Session token does not match workspace"})
    );
    let error = mutation(
        &mock,
        "events:track",
        json!({"workspaceId": b, "sessionToken": token_a, "name": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Session token does not match workspace");
    let error = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor_b, "sessionToken": token_a, "name": "Mallory"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Session token does not match workspace");
    assert!(mock.visitor(&visitor_b).unwrap().get("name").is_none());
    assert!(mock.visitor(&visitor_a).unwrap().get("name").is_none());

    let before = mock.visitor(&visitor_b).unwrap()["lastSeenAt"].clone();
    mock.clock().advance(Duration::from_secs(10));
    let value = mutation(
        &mock,
        "visitors:heartbeat",
        json!({"visitorId": visitor_b, "sessionToken": token_a}),
    )
    .await
    .unwrap();
    assert_eq!(value, Value::Null);
    assert_eq!(mock.visitor(&visitor_b).unwrap()["lastSeenAt"], before);

    // Boot in B never picks A's visitor: not by existingVisitorId, sessionId or email.
    mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor_a, "sessionToken": token_a, "email": "a@a.io"}),
    )
    .await
    .unwrap();
    for args in [
        json!({"workspaceId": b, "sessionId": "x1", "existingVisitorId": visitor_a}),
        json!({"workspaceId": b, "sessionId": "shared-session"}),
        json!({"workspaceId": b, "sessionId": "x2", "email": "a@a.io"}),
    ] {
        let (_, visitor, value) = boot(&mock, args.clone()).await;
        assert_ne!(visitor, visitor_a, "{args}");
        assert_eq!(value["visitor"]["workspaceId"], json!(b));
    }
    assert_eq!(mock.visitors(&a).len(), 1);
    assert_eq!(validate(&mock, &b, &token_b).await["valid"], true);
}

#[tokio::test]
async fn origin_allowlist_guards_boot_identify_and_heartbeat() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    // A visitor from before the allowlist.
    let (token, visitor) = boot_anonymous(&mock, &ws, "early").await;
    mock.set_allowed_origins(&ws, &["https://app.example.com", "*.example.org"]);

    let boot_with = |origin: Option<&str>| {
        let mut args = json!({"workspaceId": ws, "sessionId": "s"});
        if let Some(o) = origin {
            args["origin"] = json!(o);
        }
        mutation(&mock, "widgetSessions:boot", args)
    };
    let missing = boot_with(None).await.unwrap_err();
    assert_eq!(
        uncaught(&missing),
        "Origin validation failed: Origin header is required when allowed origins are configured"
    );
    for bad in [
        "https://evil.example.com",
        "http://app.example.com",
        "https://notexample.org",
        "https://app.example.com:8443",
    ] {
        let error = boot_with(Some(bad)).await.unwrap_err();
        assert_eq!(
            uncaught(&error),
            "Origin validation failed: Origin not in allowed list",
            "{bad}"
        );
    }
    let error = boot_with(Some("app.example.com")).await.unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Origin validation failed: Origin must be a valid http(s) origin"
    );
    assert_eq!(
        mock.visitors(&ws).len(),
        1,
        "failed boots leave nothing behind"
    );

    for good in [
        "https://app.example.com",
        "https://app.example.com/some/page",
        "https://example.org",
        "https://a.b.example.org:9000",
    ] {
        assert!(boot_with(Some(good)).await.is_ok(), "{good}");
    }

    let error = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor, "sessionToken": token, "name": "X"}),
    )
    .await
    .unwrap_err();
    assert!(uncaught(&error).starts_with("Origin validation failed"));
    let ok = mutation(&mock, "visitors:identify", json!({"visitorId": visitor, "sessionToken": token, "name": "X", "origin": "https://app.example.com"}))
        .await
        .unwrap();
    assert_eq!(ok["name"], "X");
    let error = mutation(
        &mock,
        "visitors:heartbeat",
        json!({"visitorId": visitor, "origin": "https://evil.io"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Origin validation failed: Origin not in allowed list"
    );
    assert!(mutation(
        &mock,
        "visitors:heartbeat",
        json!({"visitorId": visitor, "origin": "https://x.example.org"})
    )
    .await
    .is_ok());

    mock.set_allowed_origins(&ws, &[]);
    assert!(
        boot_with(None).await.is_ok(),
        "an empty allowlist allows everything"
    );
}

#[tokio::test]
async fn identity_verification_off_optional_required() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let boot_user = |session: &str, user: Option<&str>, hash: Option<&str>| {
        let mut args = json!({"workspaceId": ws, "sessionId": session});
        if let Some(u) = user {
            args["externalUserId"] = json!(u);
        }
        if let Some(h) = hash {
            args["userHash"] = json!(h);
        }
        mutation(&mock, "widgetSessions:boot", args)
    };

    // Off: any hash is accepted, unverified.
    let value = boot_user("off", Some("u1"), Some("garbage")).await.unwrap();
    let token = value["sessionToken"].as_str().unwrap();
    assert_eq!(validate(&mock, &ws, token).await["identityVerified"], false);

    // Optional: a wrong hash is accepted unverified, a right one verifies.
    let secret = mock.enable_identity_verification(&ws, IdentityMode::Optional);
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
    let value = boot_user("opt-bad", Some("u2"), Some("deadbeef"))
        .await
        .unwrap();
    let visitor = value["visitor"]["_id"].as_str().unwrap();
    assert_eq!(mock.visitor(visitor).unwrap()["identityVerified"], false);
    assert_eq!(mock.sessions(visitor)[0]["identityVerified"], false);

    let hash = user_hash(&secret, "u3").to_uppercase(); // the server lowercases it
    let value = boot_user("opt-good", Some("u3"), Some(&hash))
        .await
        .unwrap();
    let visitor = value["visitor"]["_id"].as_str().unwrap();
    let token = value["sessionToken"].as_str().unwrap();
    assert!(
        value["visitor"].get("identityVerified").is_none(),
        "boot returns the visitor as read before verification"
    );
    let stored = mock.visitor(visitor).unwrap();
    assert_eq!(stored["identityVerified"], true);
    assert!(stored["identityVerifiedAt"].is_number());
    assert_eq!(
        validate(&mock, &ws, token).await,
        json!({"valid": true, "visitorId": visitor, "identityVerified": true})
    );
    assert!(boot_user("opt-nohash", Some("u4"), None).await.is_ok());

    // Required.
    let same_secret = mock.enable_identity_verification(&ws, IdentityMode::Required);
    assert_eq!(same_secret, secret, "enabling again keeps the secret");
    assert_eq!(
        query(
            &mock,
            "identityVerification:isRequired",
            json!({"workspaceId": ws})
        )
        .await
        .unwrap(),
        json!({"enabled": true, "required": true})
    );
    let error = boot_user("req-bad", Some("u5"), Some("deadbeef"))
        .await
        .unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Identity verification failed: invalid userHash"
    );
    let error = boot_user("req-nohash", Some("u5"), None).await.unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Identity verification failed: userHash is required"
    );
    let good = user_hash(&secret, "u5");
    let value = boot_user("req-good", Some("u5"), Some(&good))
        .await
        .unwrap();
    let (token, visitor) = (
        value["sessionToken"].as_str().unwrap().to_owned(),
        value["visitor"]["_id"].as_str().unwrap().to_owned(),
    );
    assert!(
        boot_user("req-anon", None, None).await.is_ok(),
        "anonymous visitors pass"
    );

    let error = mutation(&mock, "visitors:identify", json!({"visitorId": visitor, "sessionToken": token, "externalUserId": "u6", "userHash": "00"}))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&error), "Identity verification failed");
    let error = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor, "sessionToken": token, "externalUserId": "u6"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Identity verification failed: userHash is required"
    );
    let ok = mutation(&mock, "visitors:identify", json!({"visitorId": visitor, "sessionToken": token, "externalUserId": "u6", "userHash": user_hash(&secret, "u6")}))
        .await
        .unwrap();
    assert_eq!(ok["externalUserId"], "u6");
    assert_eq!(ok["identityVerified"], true);

    mock.disable_identity_verification(&ws);
    assert!(boot_user("off-again", Some("u7"), Some("bad"))
        .await
        .is_ok());
    let error_text = detail(
        &mutation(&mock, "widgetSessions:boot", json!({"workspaceId": ws}))
            .await
            .unwrap_err(),
    )
    .to_owned();
    assert!(error_text.starts_with("ArgumentValidationError"));
}
