//! HTTPS as deployed (`MockOptions::tls`): clients that trust only the mock's CA, ALPN `h2` and
//! `http/1.1`, the sync socket over `wss://`, and faults cutting TLS connections.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use futures::StreamExt;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{json, Value};
use server_mock::{HttpVersion, MockOptions, ServerMock, TlsMode};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::Connector;

use crate::sync::{send_raw, within, LIMIT};

const H2: &[u8] = b"h2";
const HTTP11: &[u8] = b"http/1.1";

pub(crate) async fn tls_mock(mode: TlsMode) -> ServerMock {
    ServerMock::start_with(MockOptions {
        tls: Some(mode),
        ..MockOptions::default()
    })
    .await
    .unwrap()
}

/// A rustls client configuration whose only root is the mock's CA, offering `alpn`.
pub(crate) fn client_config(mock: &ServerMock, alpn: &[&[u8]]) -> rustls::ClientConfig {
    let pem = mock.ca_pem().expect("a TLS mock has a CA");
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    config
}

fn https_client(mock: &ServerMock, alpn: &[&[u8]]) -> reqwest::Client {
    let builder = reqwest::Client::builder().use_preconfigured_tls(client_config(mock, alpn));
    let builder = if alpn == [HTTP11] {
        builder.http1_only()
    } else {
        builder
    };
    builder.build().unwrap()
}

/// Boots a visitor over `client`; returns the HTTP version the answer came on and the body.
async fn boot(client: &reqwest::Client, mock: &ServerMock) -> (reqwest::Version, Value) {
    let response = client
        .post(format!("{}/api/mutation", mock.url()))
        .json(&json!({"path": "widgetSessions:boot", "format": "json",
                      "args": {"workspaceId": mock.workspace_id(), "sessionId": "tls"}}))
        .send()
        .await
        .unwrap();
    let version = response.version();
    (version, response.json().await.unwrap())
}

#[tokio::test]
async fn a_client_trusting_only_the_mock_ca_gets_h2() {
    let mock = tls_mock(TlsMode::H2AndHttp11).await;
    assert!(
        mock.url().starts_with("https://127.0.0.1:"),
        "{}",
        mock.url()
    );
    let client = https_client(&mock, &[H2, HTTP11]);
    let (version, body) = boot(&client, &mock).await;
    assert_eq!(version, reqwest::Version::HTTP_2);
    assert_eq!(body["status"], "success", "{body}");
    // The URLs the mock hands out are https ones too.
    let discovery: Value = client
        .get(format!("{}/.well-known/opencom.json", mock.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["convexUrl"], mock.url().as_str());
    let calls = mock.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].http_version, HttpVersion::Http2);
    assert_eq!(mock.http_versions(), vec![HttpVersion::Http2]);
}

#[tokio::test]
async fn a_client_offering_only_http1_gets_http1() {
    let mock = tls_mock(TlsMode::H2AndHttp11).await;
    let client = https_client(&mock, &[HTTP11]);
    let (version, body) = boot(&client, &mock).await;
    assert_eq!(version, reqwest::Version::HTTP_11);
    assert_eq!(body["status"], "success", "{body}");
    assert_eq!(mock.http_versions(), vec![HttpVersion::Http11]);
}

#[tokio::test]
async fn the_http1_only_mode_never_negotiates_h2() {
    let mock = tls_mock(TlsMode::Http11Only).await;
    let client = https_client(&mock, &[H2, HTTP11]);
    let (version, body) = boot(&client, &mock).await;
    assert_eq!(version, reqwest::Version::HTTP_11);
    assert_eq!(body["status"], "success", "{body}");
    assert_eq!(mock.http_versions(), vec![HttpVersion::Http11]);
}

#[tokio::test]
async fn a_client_without_the_ca_is_refused() {
    let mock = tls_mock(TlsMode::H2AndHttp11).await;
    // Only another CA (a second mock's) is trusted.
    let other = tls_mock(TlsMode::H2AndHttp11).await;
    let config = client_config(&other, &[H2, HTTP11]);
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .build()
        .unwrap();
    let error = client
        .post(format!("{}/api/query_ts", mock.url()))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert!(mock.calls().is_empty());
}

#[tokio::test]
async fn faults_cut_tls_connections_over_h2_and_http1() {
    let mock = tls_mock(TlsMode::H2AndHttp11).await;
    for alpn in [&[H2, HTTP11][..], &[HTTP11][..]] {
        let client = https_client(&mock, alpn);
        mock.faults().drop_after_run_next();
        let error = client
            .post(format!("{}/api/mutation", mock.url()))
            .json(&json!({"path": "widgetSessions:boot", "format": "json",
                          "args": {"workspaceId": mock.workspace_id(), "sessionId": "cut"}}))
            .send()
            .await
            .unwrap_err();
        assert!(!error.is_status(), "no response at all: {error:?}");
        // The same client recovers on a new connection.
        let (_, body) = boot(&client, &mock).await;
        assert_eq!(body["status"], "success", "{body}");
    }
    // Each drop ran the function: one visitor per round (the retry boots the same session id).
    assert_eq!(mock.visitors(&mock.workspace_id()).len(), 2);
}

/// A `wss://` sync socket with `alpn` offered.
async fn wss(
    mock: &ServerMock,
    alpn: &[&[u8]],
) -> Result<crate::sync::Socket, tokio_tungstenite::tungstenite::Error> {
    let url = format!(
        "{}/api/1.49.0/sync",
        mock.url().replacen("https://", "wss://", 1)
    );
    let connector = Connector::Rustls(Arc::new(client_config(mock, alpn)));
    let connected =
        tokio_tungstenite::connect_async_tls_with_config(url, None, true, Some(connector));
    within(connected).await.map(|(socket, _)| socket)
}

#[tokio::test]
async fn the_sync_socket_works_over_wss_on_http1() {
    let mock = tls_mock(TlsMode::H2AndHttp11).await;
    let mut socket = wss(&mock, &[HTTP11]).await.unwrap();
    send_raw(
        &mut socket,
        json!({"type": "Connect", "sessionId": "0b6f4f0e-52a5-4a7e-8f6b-8d4f3d2c1b0a",
               "connectionCount": 0, "lastCloseReason": "InitialConnect", "clientTs": 0}),
    )
    .await;
    send_raw(
        &mut socket,
        json!({"type": "ModifyQuerySet", "baseVersion": 0, "newVersion": 1, "modifications": [
            {"type": "Add", "queryId": 0, "udfPath": "discovery:getMetadata", "args": [{}]}]}),
    )
    .await;
    let transition = loop {
        match tokio::time::timeout(LIMIT, socket.next()).await.unwrap() {
            Some(Ok(Message::Text(text))) => {
                break serde_json::from_str::<Value>(text.as_str()).unwrap()
            }
            Some(Ok(_)) => continue,
            other => panic!("socket ended: {other:?}"),
        }
    };
    assert_eq!(transition["type"], "Transition", "{transition}");
    assert_eq!(transition["modifications"][0]["type"], "QueryUpdated");
    assert_eq!(mock.ws_connections(), 1);
    assert_eq!(mock.http_versions(), vec![HttpVersion::Http11]);
}

#[tokio::test]
async fn a_websocket_client_that_negotiates_h2_cannot_upgrade() {
    // FFI-NOTES trap 13: the upgrade is HTTP/1.1; on a connection where ALPN chose h2 the
    // server speaks only HTTP/2, as deployed servers do.
    let mock = tls_mock(TlsMode::H2AndHttp11).await;
    let result = wss(&mock, &[H2, HTTP11]).await;
    assert!(result.is_err(), "{:?}", result.map(|_| ()));
    assert_eq!(mock.ws_connections(), 0);
}

#[tokio::test]
async fn a_hung_upgrade_completes_tcp_and_tls_then_waits() {
    let mock = tls_mock(TlsMode::H2AndHttp11).await;
    mock.hang_ws_upgrade(true);
    let address = mock.url().replacen("https://", "", 1);
    let tcp = tokio::net::TcpStream::connect(&address).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(&mock, &[HTTP11])));
    let server_name = ServerName::try_from("127.0.0.1").unwrap();
    let tls = within(connector.connect(server_name, tcp)).await.unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(HTTP11));
    let url = format!("wss://{address}/api/sync");
    let mut handshake = tokio::spawn(tokio_tungstenite::client_async(url, tls));
    // The upgrade is never answered (a second of silence, a hundred round trips here) …
    let waited = tokio::time::timeout(std::time::Duration::from_secs(1), &mut handshake).await;
    assert!(waited.is_err(), "the upgrade was answered");
    // … until hanging stops: then the hung connection is cut.
    mock.hang_ws_upgrade(false);
    let result = within(handshake).await.unwrap();
    assert!(result.is_err(), "the hung upgrade is cut, not answered");
    assert!(
        wss(&mock, &[HTTP11]).await.is_ok(),
        "new upgrades work again"
    );
}

/// Kills the child process when dropped (also when the test panics).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_tls_and_writes_its_ca() {
    use std::io::BufRead;
    let ca_path =
        std::env::temp_dir().join(format!("server-mock-test-ca-{}.pem", std::process::id()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server-mock"))
        .args(["--port", "0", "--tls", "--tls-ca-out"])
        .arg(&ca_path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _child = KillOnDrop(child);
    let lines = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .map(Result::unwrap)
            .take_while(|line| !line.starts_with("OPENCOM_WORKSPACE_ID="))
            .collect::<Vec<_>>()
    });
    let lines = within(lines).await.unwrap();
    assert_eq!(lines[0], format!("CA certificate: {}", ca_path.display()));
    let url = lines[1].strip_prefix("OPENCOM_URL=").unwrap().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let pem = std::fs::read(&ca_path).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(&pem).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![H2.to_vec(), HTTP11.to_vec()];
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .build()
        .unwrap();
    let response = client
        .post(format!("{url}/api/query_ts"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(response.status(), 200);
    std::fs::remove_file(&ca_path).unwrap();
}
