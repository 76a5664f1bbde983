//! Visitor session lifecycle over real HTTP against server-mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use common::{eventually, Harness, SkewedClock, HOUR};
use opencom_sdk::{DeviceInfo, Error, FileStorage, Opencom, Storage, User};

#[tokio::test]
async fn boot_sends_exactly_the_documented_arguments() {
    let h = Harness::new().await;
    let client = h
        .builder()
        .origin("https://app.example.com/page")
        .device(DeviceInfo {
            os: Some("iOS 18".into()),
            platform: Some("ios".into()),
            device_type: Some("mobile".into()),
            browser: None,
        })
        .build()
        .unwrap();
    let info = client.start().await.unwrap();
    assert!(!info.restored);
    assert!(!info.visitor_id.is_empty());

    let boots = h.calls_to("widgetSessions:boot");
    assert_eq!(boots.len(), 1);
    let args = boots[0].args.as_object().unwrap();
    let keys: BTreeSet<&str> = args.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "workspaceId",
            "sessionId",
            "device",
            "origin",
            "clientType",
            "clientVersion",
            "clientIdentifier"
        ])
    );
    assert_eq!(args["origin"], "https://app.example.com");
    assert_eq!(args["sessionId"], info.session_id.as_str());
    assert!(args["device"].get("appVersion").is_none());
    assert_eq!(boots[0].endpoint, "mutation");
}

#[tokio::test]
async fn a_stored_unexpired_session_starts_without_any_network_call() {
    let h = Harness::new().await;
    let first = h.client().start().await.unwrap();
    h.mock.clear_calls();

    let restarted = h.client();
    let info = restarted.start().await.unwrap();
    assert!(info.restored);
    assert_eq!(info.visitor_id, first.visitor_id);
    assert_eq!(info.session_id, first.session_id);
    assert!(h.mock.calls().is_empty(), "{:?}", h.mock.calls());
}

#[tokio::test]
async fn the_session_survives_a_restart_on_file_storage() {
    let h = Harness::new().await;
    let dir = tempfile::tempdir().unwrap();
    let build = || {
        h.builder()
            .storage(Arc::new(FileStorage::new(dir.path()).unwrap()))
            .build()
            .unwrap()
    };
    let first = build().start().await.unwrap();
    h.mock.clear_calls();
    let second = build().start().await.unwrap();
    assert!(second.restored);
    assert_eq!(second.visitor_id, first.visitor_id);
    assert!(h.mock.calls().is_empty());
}

#[tokio::test]
async fn a_corrupt_session_file_gives_a_fresh_session_not_a_panic() {
    let h = Harness::new().await;
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(FileStorage::new(dir.path()).unwrap());
    let client = h.builder().storage(storage.clone()).build().unwrap();
    let first = client.start().await.unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        std::fs::write(entry.unwrap().path(), b"{\"v\":1,\"ke").unwrap();
    }
    let info = h
        .builder()
        .storage(storage)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    assert!(info.discarded_corrupt_state);
    assert!(!info.restored);
    assert_ne!(info.session_id, first.session_id);
}

#[tokio::test]
async fn refresh_happens_once_below_a_quarter_of_the_lifetime() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let token_before = h.stored_token().await;

    // 24 h lifetime: at 17 h (7 h = 29% left) no refresh yet.
    h.mock.clock().advance(17 * HOUR);
    client.visitor().heartbeat().await.unwrap();
    assert!(h.calls_to("widgetSessions:refresh").is_empty());

    // At 19 h (5 h = 21% left) the next call refreshes first.
    h.mock.clock().advance(2 * HOUR);
    client.visitor().heartbeat().await.unwrap();
    let refreshes = h.calls_to("widgetSessions:refresh");
    assert_eq!(refreshes.len(), 1);
    let args = refreshes[0].args.as_object().unwrap();
    assert_eq!(args.keys().collect::<Vec<_>>(), vec!["sessionToken"]);
    let token_after = h.stored_token().await;
    assert_ne!(token_before, token_after);
    assert!(h.calls_to("widgetSessions:boot").len() == 1, "no re-boot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_around_the_threshold_refresh_once() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.clock().advance(Duration::from_secs(19 * 3600));
    h.mock.clear_calls();

    // Spawned tasks on a multi-thread runtime: the calls really run at the same time.
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    client.visitor().heartbeat().await
                } else {
                    client
                        .events()
                        .track("tick", Default::default())
                        .await
                        .map(|_| ())
                }
            })
        })
        .collect();
    for call in calls {
        let r = call.await.unwrap();
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(h.calls_to("widgetSessions:refresh").len(), 1);
    assert!(
        h.calls_to("widgetSessions:boot").is_empty(),
        "the session never broke"
    );
    assert_eq!(h.calls_to("events:track").len(), 50);
}

#[tokio::test]
async fn an_expired_session_reboots_and_keeps_the_identified_user() {
    let h = Harness::new().await;
    let client = h.client();
    let first = client.start().await.unwrap();
    client
        .visitor()
        .identify(
            User::new()
                .email("kept@example.com")
                .user_id("u-1")
                .attribute("plan", "pro"),
        )
        .await
        .unwrap();

    h.mock.clock().advance(25 * HOUR);
    h.mock.clear_calls();
    client
        .events()
        .track("after_expiry", Default::default())
        .await
        .unwrap();

    let boots = h.calls_to("widgetSessions:boot");
    assert_eq!(boots.len(), 1, "re-booted once");
    let args = &boots[0].args;
    assert_eq!(args["existingVisitorId"], first.visitor_id.as_str());
    assert_eq!(args["email"], "kept@example.com");
    assert_eq!(args["externalUserId"], "u-1");
    assert_eq!(client.session().visitor_id().unwrap(), first.visitor_id);
    let visitor = h.mock.visitor(&first.visitor_id).unwrap();
    assert_eq!(visitor["email"], "kept@example.com");
    assert_eq!(h.mock.events(&first.visitor_id).len(), 1);
}

#[tokio::test]
async fn a_revoked_token_is_replaced_transparently() {
    let h = Harness::new().await;
    let client = h.client();
    let first = client.start().await.unwrap();
    // Someone revokes the token server-side (another device logging out, an admin…).
    let token = h.stored_token().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let revoke = reqwest::Client::new()
        .post(format!("{}/api/mutation", h.mock.url()))
        .json(&serde_json::json!({"path": "widgetSessions:revoke", "args": {"sessionToken": token}, "format": "json"}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 200);
    h.mock.clear_calls();

    let event = client
        .events()
        .track("still_works", Default::default())
        .await;
    assert!(event.is_ok(), "{event:?}");
    let paths: Vec<String> = h.mock.calls().into_iter().map(|c| c.path).collect();
    assert_eq!(
        paths,
        vec!["events:track", "widgetSessions:boot", "events:track"],
        "fail, re-boot, repeat"
    );
    assert_eq!(client.session().visitor_id().unwrap(), first.visitor_id);
    assert_eq!(
        h.mock.events(&first.visitor_id).len(),
        1,
        "recorded exactly once"
    );
}

#[tokio::test]
async fn logout_leaves_nothing_of_the_previous_visitor() {
    let h = Harness::new().await;
    let client = h.client();
    let first = client.start().await.unwrap();
    client
        .visitor()
        .identify(
            User::new()
                .email("gone@example.com")
                .attribute("secret_plan", "gold"),
        )
        .await
        .unwrap();
    let old_token = h.stored_token().await;

    let fresh = client.logout().await.unwrap();
    assert_ne!(fresh.visitor_id, first.visitor_id);
    assert_ne!(fresh.session_id, first.session_id);
    assert_eq!(client.session().visitor_id().unwrap(), fresh.visitor_id);
    assert!(client.visitor().current_user().await.is_none());

    // The old token is dead server-side.
    let revokes = h.calls_to("widgetSessions:revoke");
    assert_eq!(revokes.len(), 1);
    let sessions = h.mock.sessions(&first.visitor_id);
    assert!(sessions.iter().all(|s| s["token"] != old_token.as_str()));

    // The new visitor is anonymous: no email, no attributes of the old one.
    let new_visitor = h.mock.visitor(&fresh.visitor_id).unwrap();
    assert!(new_visitor.get("email").is_none());
    assert!(new_visitor.get("customAttributes").is_none());
    // Storage holds only the new session.
    for key in h.storage.keys("").await.unwrap() {
        let value = h.storage.get(&key).await.unwrap().unwrap();
        assert!(
            !value.contains(&first.visitor_id),
            "{key} still holds the old visitor"
        );
        assert!(
            !value.contains("gone@example.com"),
            "{key} still holds the old email"
        );
    }
    let new_token = h.stored_token().await;
    assert_ne!(new_token, old_token);
    // And a restart restores the new visitor, not the old one.
    let restarted = h.client().start().await.unwrap();
    assert_eq!(restarted.visitor_id, fresh.visitor_id);
}

#[tokio::test]
async fn the_heartbeat_runs_while_the_client_lives_and_stops_when_dropped() {
    let h = Harness::new().await;
    let client = h
        .builder()
        .heartbeat_interval(Some(Duration::from_millis(20)))
        .build()
        .unwrap();
    client.start().await.unwrap();
    let beats = || h.calls_to("visitors:heartbeat").len();
    assert!(eventually(Duration::from_secs(10), || beats() >= 3).await);
    let args = h.calls_to("visitors:heartbeat")[0].args.clone();
    let keys: BTreeSet<String> = args.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        BTreeSet::from(["visitorId".to_string(), "sessionToken".to_string()])
    );
    drop(client);
    // Let any in-flight beat finish, then the count must stay put.
    tokio::task::yield_now().await;
    let after_drop = beats();
    let grew = eventually(Duration::from_millis(200), || beats() > after_drop + 1).await;
    assert!(!grew, "heartbeat kept running after the client was dropped");
}

#[tokio::test]
async fn bad_configuration_is_a_typed_error() {
    let bad = [
        Opencom::builder("http://example.com", "ws")
            .build()
            .map(|_| ()),
        Opencom::builder("not a url", "ws").build().map(|_| ()),
        Opencom::builder("https://x.convex.cloud", " ")
            .build()
            .map(|_| ()),
        Opencom::builder("https://x.convex.cloud", "ws")
            .origin("nope")
            .build()
            .map(|_| ()),
        Opencom::builder("https://x.convex.cloud", "ws")
            .request_timeout(Duration::ZERO)
            .build()
            .map(|_| ()),
    ];
    for result in bad {
        let err: Error = result.unwrap_err().into();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn an_unreachable_deployment_is_a_network_error() {
    // Bind then drop a listener: the port is closed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Opencom::builder(&format!("http://127.0.0.1:{port}"), "ws")
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .heartbeat_interval(None)
        .build()
        .unwrap();
    assert!(matches!(client.start().await, Err(Error::Network { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_calls_at_expiry_reboots_once() {
    let h = Harness::new().await;
    let client = h.client();
    let first = client.start().await.unwrap();
    h.mock.clock().advance(25 * HOUR);
    h.mock.clear_calls();
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    client.visitor().heartbeat().await
                } else {
                    client
                        .events()
                        .track("storm", Default::default())
                        .await
                        .map(|_| ())
                }
            })
        })
        .collect();
    for call in calls {
        let result = call.await.unwrap();
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(
        h.calls_to("widgetSessions:boot").len(),
        1,
        "one re-boot for 100 calls"
    );
    assert!(h.calls_to("widgetSessions:refresh").is_empty());
    assert_eq!(client.session().visitor_id().unwrap(), first.visitor_id);
    assert_eq!(h.mock.events(&first.visitor_id).len(), 50);
}

/// Spawns `n` session-bearing calls as tasks (heartbeats and events, half each) and checks they
/// all succeed.
async fn spawn_calls(client: &Opencom, n: usize) {
    let calls: Vec<_> = (0..n)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    client.visitor().heartbeat().await
                } else {
                    client
                        .events()
                        .track("skewed", Default::default())
                        .await
                        .map(|_| ())
                }
            })
        })
        .collect();
    for call in calls {
        let result = call.await.unwrap();
        assert!(result.is_ok(), "{result:?}");
    }
}

/// A device clock 30 h ahead (more than the 24 h lifetime: by the wall clock every token is
/// expired on arrival). Expiry follows the time elapsed since the token arrived, so there is one
/// boot, no boot per call, and exactly one refresh once one is due. The lifetime estimate
/// (`expiresAt` minus the skewed clock) is clamped to the server's 1 h minimum, so "due" is
/// 45 min after the boot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_clock_hours_ahead_causes_no_boot_storm_and_one_refresh_when_due() {
    let h = Harness::new().await;
    let skewed = Arc::new(SkewedClock {
        mock: h.mock.clock(),
        ahead: 30 * HOUR,
    });
    let client = h.builder().clock(skewed.clone()).build().unwrap();
    let first = client.start().await.unwrap();
    spawn_calls(&client, 40).await;
    assert_eq!(h.calls_to("widgetSessions:boot").len(), 1, "no boot storm");
    assert!(h.calls_to("widgetSessions:refresh").is_empty());

    // 30 min later: nothing due yet.
    h.mock.clock().advance(Duration::from_secs(30 * 60));
    spawn_calls(&client, 40).await;
    assert_eq!(h.calls_to("widgetSessions:boot").len(), 1);
    assert!(h.calls_to("widgetSessions:refresh").is_empty());

    // 50 min after the boot the refresh is due: 40 concurrent calls, one refresh, no boot.
    h.mock.clock().advance(Duration::from_secs(20 * 60));
    spawn_calls(&client, 40).await;
    assert_eq!(h.calls_to("widgetSessions:refresh").len(), 1, "one refresh");
    assert_eq!(h.calls_to("widgetSessions:boot").len(), 1, "no re-boot");
    spawn_calls(&client, 20).await;
    assert_eq!(h.calls_to("widgetSessions:refresh").len(), 1);
    assert_eq!(client.session().visitor_id().unwrap(), first.visitor_id);
    assert_eq!(h.mock.events(&first.visitor_id).len(), 70);

    // A restart: the stored token has no Instant, so the (skewed) wall clock judges it once —
    // expired — and the new process boots once, then no more.
    drop(client);
    let restarted = h.builder().clock(skewed).build().unwrap();
    let again = restarted.start().await.unwrap();
    assert!(!again.restored);
    assert_eq!(again.visitor_id, first.visitor_id, "the visitor is kept");
    spawn_calls(&restarted, 40).await;
    assert_eq!(
        h.calls_to("widgetSessions:boot").len(),
        2,
        "one boot at restart"
    );
    assert_eq!(h.calls_to("widgetSessions:refresh").len(), 1);
}

/// A device clock 5 h ahead of a 24 h lifetime: the token is refreshed early (the estimate is
/// 19 h), once, and never re-booted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_clock_a_few_hours_ahead_refreshes_once_and_never_reboots() {
    let h = Harness::new().await;
    let client = h
        .builder()
        .clock(Arc::new(SkewedClock {
            mock: h.mock.clock(),
            ahead: 5 * HOUR,
        }))
        .build()
        .unwrap();
    client.start().await.unwrap();
    h.mock.clock().advance(13 * HOUR);
    spawn_calls(&client, 40).await;
    assert!(h.calls_to("widgetSessions:refresh").is_empty());
    // 15 h: less than a quarter of the estimated 19 h is left.
    h.mock.clock().advance(2 * HOUR);
    spawn_calls(&client, 40).await;
    assert_eq!(h.calls_to("widgetSessions:refresh").len(), 1);
    // 20 h after the boot (past the estimate, within the server's lifetime of the new token).
    h.mock.clock().advance(5 * HOUR);
    spawn_calls(&client, 40).await;
    assert_eq!(
        h.calls_to("widgetSessions:boot").len(),
        1,
        "never re-booted"
    );
}
