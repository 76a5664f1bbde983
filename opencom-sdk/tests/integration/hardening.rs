//! Hardening over real HTTP: redirects are never followed (a token-bearing body is never
//! re-sent), response bodies are capped, upload URLs must be https (http on loopback only).
//! A proxy in front of server-mock plays the misbehaving deployment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::Arc;

use common::proxy::{Proxy, Reply};
use common::Harness;
use opencom_sdk::{AssetUpload, AttachmentSource, Error, Opencom, WorkspaceClient};
use server_mock::Role;

use super::workspace::PASSWORD;

/// A client of the workspace behind `url` (the proxy), on the harness's clock and storage.
fn client_at(h: &Harness, url: &str) -> Opencom {
    Opencom::builder(url, &h.mock.workspace_id())
        .storage(h.storage.clone())
        .clock(Arc::new(common::SharedClock(h.mock.clock())))
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .heartbeat_interval(None)
        .build()
        .unwrap()
}

fn assert_redirect_error(err: &Error, status: u16) {
    match err {
        Error::Config { message } => {
            assert!(message.contains(&format!("HTTP {status}")), "{message}");
            assert!(
                message.contains("deployment URL is probably wrong"),
                "{message}"
            );
        }
        other => panic!("expected Config for a {status}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_redirected_function_call_is_a_config_error_and_is_not_followed() {
    let h = Harness::new().await;
    let sink = Proxy::sink().await;
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/api/mutation", sink.url);
        let proxy = Proxy::start(
            &h.mock.url(),
            Arc::new(move |_| Reply::redirect(status, &location)),
        )
        .await;
        let err = client_at(&h, &proxy.url).start().await.unwrap_err();
        assert_redirect_error(&err, status);
        assert_eq!(proxy.seen().len(), 1, "one request, no retry of a {status}");
    }
    assert!(
        sink.seen().is_empty(),
        "nothing reached the redirect target"
    );
}

#[tokio::test]
async fn a_redirect_of_a_token_bearing_call_never_re_sends_the_token() {
    let h = Harness::new().await;
    let sink = Proxy::sink().await;
    // Plain http elsewhere: the worst place a token could be re-sent to.
    let location = format!(
        "{}/api/mutation",
        sink.url.replace("127.0.0.1", "localhost")
    );
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new(move |seen| match seen.function.as_deref() {
            Some("events:track") => Reply::redirect(307, &location),
            _ => Reply::Forward,
        }),
    )
    .await;
    let client = client_at(&h, &proxy.url);
    let session = client.start().await.unwrap();
    let err = client
        .events()
        .track("redirected", Default::default())
        .await
        .unwrap_err();
    assert_redirect_error(&err, 307);
    assert!(sink.seen().is_empty(), "the session token was not re-sent");
    assert!(h.mock.events(&session.visitor_id).is_empty());
    // The session is intact: nothing was mistaken for a dead token.
    assert_eq!(h.calls_to("widgetSessions:boot").len(), 1);
    assert!(h.calls_to("widgetSessions:validateSessionToken").is_empty());

    // Discovery (a GET on the site URL) does not follow redirects either.
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new({
            let sink = sink.url.clone();
            move |_| Reply::redirect(302, &format!("{sink}/.well-known/opencom.json"))
        }),
    )
    .await;
    let err = client_at(&h, &proxy.url).discover().await.unwrap_err();
    assert_redirect_error(&err, 302);
    assert!(sink.seen().is_empty());
}

#[tokio::test]
async fn a_redirected_workspace_sign_in_never_re_sends_the_password() {
    let h = Harness::new().await;
    h.mock.create_agent(
        &h.mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let sink = Proxy::sink().await;
    let location = format!("{}/api/action", sink.url);
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new(move |_| Reply::redirect(308, &location)),
    )
    .await;
    let client = WorkspaceClient::builder(&proxy.url)
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .sign_in_password("ana@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert_redirect_error(&err, 308);
    assert!(sink.seen().is_empty());
    assert!(!client.is_signed_in());
}

#[tokio::test]
async fn a_redirected_upload_is_a_config_error_and_is_not_followed() {
    let h = Harness::new().await;
    let sink = Proxy::sink().await;
    let sink_url = sink.url.clone();
    // The proxy hands out an upload URL on itself, and answers the upload with a redirect.
    let proxy = Arc::new(std::sync::OnceLock::<String>::new());
    let own = Arc::clone(&proxy);
    let front = Proxy::start(
        &h.mock.url(),
        Arc::new(move |seen| {
            if seen.function.as_deref() == Some("supportAttachments:generateUploadUrl") {
                let me = own.get().unwrap();
                Reply::success(serde_json::json!(format!(
                    "{me}/api/storage/upload?token=upload-secret"
                )))
            } else if seen.target.starts_with("/api/storage/upload") {
                Reply::redirect(307, &format!("{sink_url}/api/storage/upload?token=x"))
            } else {
                Reply::Forward
            }
        }),
    )
    .await;
    proxy.set(front.url.clone()).unwrap();
    let client = client_at(&h, &front.url);
    client.start().await.unwrap();
    let err = client
        .conversations()
        .upload(AttachmentSource::Bytes(b"hello".to_vec()), "a.txt", None)
        .await
        .unwrap_err();
    assert_redirect_error(&err, 307);
    assert!(!err.to_string().contains("upload-secret"), "{err}");
    assert!(sink.seen().is_empty());
    assert!(h.calls_to("supportAttachments:finalizeUpload").is_empty());
}

/// Only https upload URLs are used (plain http only on loopback): anything else is refused
/// before a single byte is sent.
#[tokio::test]
async fn an_upload_url_that_is_not_https_is_refused_without_uploading() {
    let h = Harness::new().await;
    for url in [
        "http://uploads.example.com/api/storage/upload?token=t",
        "http://10.255.255.1/api/storage/upload?token=t",
        "ftp://127.0.0.1/upload",
    ] {
        let proxy = Proxy::start(
            &h.mock.url(),
            Arc::new(move |seen| match seen.function.as_deref() {
                Some("supportAttachments:generateUploadUrl") => {
                    Reply::success(serde_json::json!(url))
                }
                _ => Reply::Forward,
            }),
        )
        .await;
        let client = client_at(&h, &proxy.url);
        client.start().await.unwrap();
        let err = client
            .conversations()
            .upload(AttachmentSource::Bytes(b"hello".to_vec()), "a.txt", None)
            .await
            .unwrap_err();
        match &err {
            Error::Config { message } => assert!(message.contains("not https"), "{message}"),
            other => panic!("{url}: {other:?}"),
        }
        assert!(!err.to_string().contains("token=t"));
        // Only the function calls went through the proxy: no upload, no finalize.
        assert!(proxy
            .seen()
            .iter()
            .all(|s| !s.target.starts_with("/api/storage")));
    }
    assert!(h.calls_to("supportAttachments:finalizeUpload").is_empty());

    // The real (loopback http) upload URL of the mock still works.
    let client = h.client();
    client.start().await.unwrap();
    client
        .conversations()
        .upload(AttachmentSource::Bytes(b"hello".to_vec()), "a.txt", None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_workspace_asset_upload_url_that_is_not_https_is_refused() {
    let h = Harness::new().await;
    h.mock.create_agent(
        &h.mock.workspace_id(),
        "ada@example.com",
        PASSWORD,
        Role::Admin,
    );
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new(|seen| match seen.function.as_deref() {
            Some(f) if f.ends_with("UploadUrl") => Reply::success(serde_json::json!(
                "http://assets.example.com/upload?token=t"
            )),
            _ => Reply::Forward,
        }),
    )
    .await;
    let client = WorkspaceClient::builder(&proxy.url).build().unwrap();
    let me = client
        .sign_in_password("ada@example.com", PASSWORD)
        .await
        .unwrap();
    let err = client
        .help_center()
        .upload_asset(
            &me.workspace_id,
            AssetUpload::new("a.png", b"\x89PNG".to_vec()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config { message } if message.contains("not https")),
        "{err:?}"
    );
    assert!(proxy.seen().iter().any(|s| s
        .function
        .as_deref()
        .is_some_and(|f| f.ends_with("UploadUrl"))));
}

fn big_envelope(bytes: usize) -> Vec<u8> {
    let filler = "x".repeat(bytes);
    serde_json::to_vec(&serde_json::json!({"status": "success", "value": {"filler": filler}}))
        .unwrap()
}

#[tokio::test]
async fn response_bodies_over_the_cap_are_a_typed_error_chunked_or_not() {
    let h = Harness::new().await;
    const CAP: u64 = 256 * 1024;
    for chunked in [true, false] {
        let proxy = Proxy::start(
            &h.mock.url(),
            Arc::new(move |seen| match seen.function.as_deref() {
                Some("discovery:getMetadata") => Reply::Respond {
                    status: 200,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: big_envelope(CAP as usize + 1),
                    chunked,
                },
                _ => Reply::Forward,
            }),
        )
        .await;
        let client = Opencom::builder(&proxy.url, &h.mock.workspace_id())
            .max_response_bytes(CAP)
            .retry_policy(opencom_sdk::RetryPolicy::none())
            .heartbeat_interval(None)
            .build()
            .unwrap();
        match client.metadata().await.unwrap_err() {
            Error::Config { message } => {
                assert!(message.contains("max_response_bytes"), "{message}");
                assert!(message.contains(&CAP.to_string()), "{message}");
            }
            other => panic!("chunked={chunked}: {other:?}"),
        }
        // Calls whose answers fit go through the same client.
        client.start().await.unwrap();
    }

    // Under the default cap (32 MiB) the same 256 KiB answer is fine.
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new(|_| Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: big_envelope(CAP as usize + 1),
            chunked: true,
        }),
    )
    .await;
    let client = Opencom::builder(&proxy.url, "ws")
        .heartbeat_interval(None)
        .build()
        .unwrap();
    let value = client.metadata().await.unwrap();
    assert_eq!(value["filler"].as_str().unwrap().len(), CAP as usize + 1);
    assert_eq!(opencom_sdk::DEFAULT_MAX_RESPONSE_BYTES, 32 * 1024 * 1024);
}

#[tokio::test]
async fn the_workspace_client_caps_response_bodies_too() {
    let h = Harness::new().await;
    h.mock.create_agent(
        &h.mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let proxy = Proxy::start(
        &h.mock.url(),
        Arc::new(|seen| match seen.function.as_deref() {
            Some("auth:signIn") => Reply::Forward,
            _ => Reply::Respond {
                status: 200,
                headers: Vec::new(),
                body: big_envelope(70_000),
                chunked: true,
            },
        }),
    )
    .await;
    let client = WorkspaceClient::builder(&proxy.url)
        .max_response_bytes(64 * 1024)
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    // Sign-in fits; the profile read that follows it does not.
    let err = client
        .sign_in_password("ana@example.com", PASSWORD)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config { message } if message.contains("max_response_bytes")),
        "{err:?}"
    );
}

/// A production deployment hides its messages: the error keeps the request id (to search the
/// deployment's logs for) and says the message was redacted, never an empty text.
#[tokio::test]
async fn a_redacted_production_error_keeps_its_request_id_and_says_so() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.set_redact_errors(true);
    let err = client
        .conversations()
        .rate("not-a-real-conversation-id-00000", 3, None)
        .await
        .unwrap_err();
    let Error::Server { message } = &err else {
        panic!("{err:?}");
    };
    let raw = h
        .mock
        .calls()
        .into_iter()
        .find_map(|c| match c.outcome {
            server_mock::CallOutcome::FunctionError(m) => Some(m),
            _ => None,
        })
        .unwrap();
    let request_id = raw
        .strip_prefix("[Request ID: ")
        .and_then(|r| r.split_once(']'))
        .map(|(id, _)| id)
        .unwrap();
    assert_eq!(
        message,
        &format!("Server Error (message redacted by the deployment) [Request ID: {request_id}]")
    );
    assert!(err.to_string().contains(request_id));
}
