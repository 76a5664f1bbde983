//! Opening the sync WebSocket: TCP (connect timeout, `TCP_NODELAY`), TLS with the client's one
//! rustls configuration (ALPN `http/1.1`: the upgrade is HTTP/1.1), then the upgrade, with the
//! TLS handshake and the upgrade under a handshake timeout, so a proxy that never answers the
//! upgrade cannot freeze the streams.
//!
//! The WebSocket library is `tokio-websockets`: it has no logging at all. tungstenite logs every
//! frame it writes at TRACE (`Sending frame: {frame:?}` prints the payload, session tokens and
//! agent JWTs included), through `log`, with no switch but the process-wide `log` level.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_websockets::{ClientBuilder, Limits, WebSocketStream};
use url::Url;

/// A byte stream the socket can run on (plain TCP on loopback, TLS otherwise).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// An open sync socket.
pub(crate) type Socket = WebSocketStream<Box<dyn Io>>;

/// How to reach the sync endpoint.
#[derive(Clone)]
pub(crate) struct SocketConfig {
    /// `wss://host/api/sync` (`ws://` only on loopback, as for HTTP).
    pub(crate) url: Url,
    pub(crate) tls: Arc<rustls::ClientConfig>,
    pub(crate) connect_timeout: Duration,
    pub(crate) handshake_timeout: Duration,
    /// The largest message accepted (the HTTP body cap's counterpart).
    pub(crate) max_message_bytes: usize,
    pub(crate) client_id: &'static str,
}

impl std::fmt::Debug for SocketConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketConfig")
            .field("url", &self.url.as_str())
            .field("connect_timeout", &self.connect_timeout)
            .field("handshake_timeout", &self.handshake_timeout)
            .finish_non_exhaustive()
    }
}

/// Why the socket could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum OpenError {
    #[error("connecting timed out")]
    ConnectTimeout,
    #[error("the TLS handshake or the upgrade timed out")]
    HandshakeTimeout,
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("TLS failed: {0}")]
    Tls(String),
    #[error("the upgrade was refused: {0}")]
    Upgrade(String),
}

/// The sync URL of a deployment: `https://x` → `wss://x/api/sync`, `http://` → `ws://`.
pub(crate) fn sync_url(deployment: &Url) -> Option<Url> {
    let mut url = deployment.join("api/sync").ok()?;
    let scheme = match deployment.scheme() {
        "https" => "wss",
        "http" => "ws",
        _ => return None,
    };
    url.set_scheme(scheme).ok()?;
    Some(url)
}

/// Opens and upgrades one socket.
pub(crate) async fn open(config: &SocketConfig) -> Result<Socket, OpenError> {
    let host = config
        .url
        .host_str()
        .ok_or_else(|| OpenError::Connect("no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = config
        .url
        .port_or_known_default()
        .ok_or_else(|| OpenError::Connect("no port".into()))?;
    let tcp = tokio::time::timeout(
        config.connect_timeout,
        TcpStream::connect((host.as_str(), port)),
    )
    .await
    .map_err(|_| OpenError::ConnectTimeout)?
    .map_err(|e| OpenError::Connect(e.to_string()))?;
    // Back-to-back small frames must not wait for Nagle.
    let _ = tcp.set_nodelay(true);

    tokio::time::timeout(config.handshake_timeout, handshake(config, &host, tcp))
        .await
        .map_err(|_| OpenError::HandshakeTimeout)?
}

async fn handshake(config: &SocketConfig, host: &str, tcp: TcpStream) -> Result<Socket, OpenError> {
    let stream: Box<dyn Io> = if config.url.scheme() == "wss" {
        let name = rustls::pki_types::ServerName::try_from(host.to_owned())
            .map_err(|e| OpenError::Tls(e.to_string()))?;
        let tls = tokio_rustls::TlsConnector::from(Arc::clone(&config.tls))
            .connect(name, tcp)
            .await
            .map_err(|e| OpenError::Tls(e.to_string()))?;
        Box::new(tls)
    } else {
        Box::new(tcp)
    };
    let builder = ClientBuilder::new()
        .uri(config.url.as_str())
        .map_err(|e| OpenError::Connect(e.to_string()))?
        .limits(Limits::default().max_payload_len(Some(config.max_message_bytes)))
        .add_header(
            reqwest::header::HeaderName::from_static("convex-client"),
            reqwest::header::HeaderValue::from_static(config.client_id),
        )
        .map_err(|e| OpenError::Connect(e.to_string()))?;
    let (socket, _response) = builder
        .connect_on(stream)
        .await
        .map_err(|e| OpenError::Upgrade(e.to_string()))?;
    Ok(socket)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_urls() {
        let https = Url::parse("https://x.convex.cloud/").unwrap();
        assert_eq!(
            sync_url(&https).unwrap().as_str(),
            "wss://x.convex.cloud/api/sync"
        );
        let local = Url::parse("http://127.0.0.1:3210/").unwrap();
        assert_eq!(
            sync_url(&local).unwrap().as_str(),
            "ws://127.0.0.1:3210/api/sync"
        );
        let prefixed = Url::parse("https://proxy.example.com/convex/").unwrap();
        assert_eq!(
            sync_url(&prefixed).unwrap().as_str(),
            "wss://proxy.example.com/convex/api/sync"
        );
    }
}
