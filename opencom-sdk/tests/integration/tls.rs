//! HTTPS as deployed: server-mock serving TLS from its own test CA, ALPN offering `h2` and
//! `http/1.1` (or `http/1.1` only), the sync socket over `wss://`. The CA reaches the client
//! through `add_root_certificate_pem`, and the same roots serve calls, uploads and the socket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::{Harness, HOUR};
use futures::StreamExt;
use opencom_sdk::{AttachmentSource, Attributes, Delivery, Error, OutgoingMessage, User};
use server_mock::{HttpVersion, MockOptions, TlsMode, Transport};

const LIMIT: Duration = Duration::from_secs(20);

async fn tls_harness(mode: TlsMode) -> Harness {
    Harness::with_options(MockOptions {
        tls: Some(mode),
        ..MockOptions::default()
    })
    .await
}

/// Boot, identify, an event, conversation calls, an upload, sends through the outbox and a
/// live stream over `wss://`; returns the HTTP versions the server saw for `/api` calls.
async fn journey(h: &Harness) -> Vec<HttpVersion> {
    assert!(h.mock.url().starts_with("https://"));
    let client = h
        .builder()
        .add_root_certificate_pem(h.mock.ca_pem().unwrap())
        .poll_interval(HOUR)
        .build()
        .unwrap();
    client.start().await.unwrap();
    client
        .visitor()
        .identify(User::new().email("tls@example.com").user_id("tls-1"))
        .await
        .unwrap();
    client
        .events()
        .track("checked_out", Attributes::new())
        .await
        .unwrap();
    let conversation = client.conversations().create().await.unwrap();
    assert!(client
        .conversations()
        .list()
        .await
        .unwrap()
        .iter()
        .any(|c| c.id == conversation.id));
    let uploaded = client
        .conversations()
        .upload(
            AttachmentSource::Bytes(b"%PDF-1.4 over tls".to_vec()),
            "receipt.pdf",
            None,
        )
        .await
        .unwrap();
    let mut stream = client
        .conversations()
        .watch_messages(&conversation.id)
        .unwrap();
    let first = tokio::time::timeout(LIMIT, stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.via, Delivery::Socket, "the socket runs over wss");
    let a = client
        .conversations()
        .send(
            &conversation.id,
            OutgoingMessage::text("with a receipt").attachment(uploaded.id.clone()),
        )
        .await
        .unwrap();
    let b = client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("second"))
        .await
        .unwrap();
    a.sent().await.unwrap();
    b.sent().await.unwrap();
    client
        .conversations()
        .mark_read(&conversation.id)
        .await
        .unwrap();
    h.mock.agent_reply(&conversation.id, "over wss");
    loop {
        let snapshot = tokio::time::timeout(LIMIT, stream.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if snapshot.value.iter().any(|m| m.content == "over wss") {
            assert_eq!(snapshot.via, Delivery::Socket);
            break;
        }
    }
    let messages = client
        .conversations()
        .messages(&conversation.id)
        .await
        .unwrap();
    let texts: Vec<&str> = messages.iter().map(|m| m.content.as_str()).collect();
    assert!(
        texts.ends_with(&["with a receipt", "second", "over wss"]),
        "{texts:?}"
    );
    assert_eq!(messages[messages.len() - 3].attachments.len(), 1);
    h.mock
        .calls()
        .into_iter()
        .filter(|c| c.transport == Transport::Http)
        .map(|c| c.http_version)
        .collect()
}

#[tokio::test]
async fn the_visitor_journey_runs_over_https_with_http2() {
    let h = tls_harness(TlsMode::H2AndHttp11).await;
    let versions = journey(&h).await;
    assert!(!versions.is_empty());
    assert!(
        versions.iter().all(|v| *v == HttpVersion::Http2),
        "h2 negotiated for every call: {versions:?}"
    );
}

#[tokio::test]
async fn the_visitor_journey_runs_over_https_with_http1() {
    let h = tls_harness(TlsMode::Http11Only).await;
    let versions = journey(&h).await;
    assert!(!versions.is_empty());
    assert!(
        versions.iter().all(|v| *v == HttpVersion::Http11),
        "{versions:?}"
    );
}

#[tokio::test]
async fn without_the_private_ca_the_server_is_not_trusted() {
    let h = tls_harness(TlsMode::H2AndHttp11).await;
    let client = h
        .builder()
        .retry_policy(opencom_sdk::RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.start().await.unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    assert!(h.mock.calls().is_empty(), "nothing reached a function");
}

#[tokio::test]
async fn the_workspace_client_trusts_the_same_private_ca_for_calls_and_the_inbox_socket() {
    let h = tls_harness(TlsMode::H2AndHttp11).await;
    let workspace = h.mock.workspace_id();
    h.mock.create_agent(
        &workspace,
        "tls-agent@example.com",
        "Passw0rd!",
        server_mock::Role::Agent,
    );
    let agent = opencom_sdk::WorkspaceClient::builder(&h.mock.url())
        .add_root_certificate_pem(h.mock.ca_pem().unwrap())
        .poll_interval(HOUR)
        .build()
        .unwrap();
    agent
        .sign_in_password("tls-agent@example.com", "Passw0rd!")
        .await
        .unwrap();
    let mut inbox = agent
        .inbox()
        .watch(&workspace, opencom_sdk::InboxFilter::new())
        .unwrap();
    let first = tokio::time::timeout(LIMIT, inbox.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.via, Delivery::Socket);
    let visitor = h.client_with_ca();
    visitor.start().await.unwrap();
    let conversation = visitor.conversations().create().await.unwrap();
    visitor
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("hello agent"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    loop {
        let snapshot = tokio::time::timeout(LIMIT, inbox.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if snapshot.value.iter().any(|c| c.id == conversation.id) {
            assert_eq!(snapshot.via, Delivery::Socket);
            break;
        }
    }
}
