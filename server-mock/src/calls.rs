//! The log of every `/api` request the mock received.

use serde::Serialize;
use serde_json::Value;

/// One `/api/…` request (or sync-socket request) as the mock saw it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use server_mock::{CallOutcome, ServerMock};
///
/// let mock = ServerMock::start().await?;
/// // … the code under test calls the mock …
/// for call in mock.calls() {
///     if let CallOutcome::FunctionError(message) = &call.outcome {
///         eprintln!("{} ({}) failed: {message}", call.path, call.endpoint);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedCall {
    /// The function path, normalised to `module:function` (`visitors.js:identify` →
    /// `visitors:identify`); empty when the body had none.
    pub path: String,
    /// `"query"`, `"mutation"`, `"action"` or `"run"` (the kind asked for: over the WebSocket a
    /// subscription is `"query"`), or `"upload"` for `POST /api/storage/upload` (recorded with
    /// the path `"_storage:upload"`).
    pub endpoint: String,
    /// How the request arrived.
    pub transport: Transport,
    /// The `args` exactly as sent (an object, or a legacy one-element array); `null` when the
    /// body could not be parsed. Over the sync socket: the argument object (unwrapped from
    /// Convex's `[{…}]`). For an upload: `{size, contentType}`.
    pub args: Value,
    /// What the mock answered.
    pub outcome: CallOutcome,
    /// The HTTP version the request arrived on: over TLS, [`HttpVersion::Http2`] proves the
    /// client negotiated `h2` by ALPN. For a message on a sync socket, the version of the
    /// upgrade request (always HTTP/1.1).
    pub http_version: HttpVersion,
}

/// The HTTP version of a recorded request.
///
/// ```
/// assert_eq!(server_mock::HttpVersion::Http2.as_str(), "HTTP/2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum HttpVersion {
    /// HTTP/1.0.
    #[serde(rename = "HTTP/1.0")]
    Http10,
    /// HTTP/1.1 (plain HTTP, TLS with `http/1.1` negotiated, every WebSocket upgrade).
    #[serde(rename = "HTTP/1.1")]
    Http11,
    /// HTTP/2 (TLS with `h2` negotiated by ALPN, or prior knowledge on plain HTTP).
    #[serde(rename = "HTTP/2")]
    Http2,
}

impl HttpVersion {
    /// `"HTTP/1.0"`, `"HTTP/1.1"` or `"HTTP/2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Http10 => "HTTP/1.0",
            Self::Http11 => "HTTP/1.1",
            Self::Http2 => "HTTP/2",
        }
    }

    /// The version of a request as hyper saw it (HTTP/3 and anything unknown count as
    /// HTTP/2, which the mock cannot receive anyway).
    pub(crate) fn of(version: axum::http::Version) -> Self {
        match version {
            axum::http::Version::HTTP_09 | axum::http::Version::HTTP_10 => Self::Http10,
            axum::http::Version::HTTP_11 => Self::Http11,
            _ => Self::Http2,
        }
    }
}

/// How a recorded request reached the mock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Transport {
    /// A plain HTTP request (`/api/query|mutation|action|run`, the storage upload).
    #[serde(rename = "http")]
    Http,
    /// A message on a sync WebSocket (`/api/sync`): a subscription being added (not its
    /// re-runs), a mutation or an action.
    #[serde(rename = "websocket")]
    WebSocket,
}

/// How the mock answered a recorded request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "detail", rename_all = "camelCase")]
pub enum CallOutcome {
    /// The function ran and returned (`{"status":"success"}`).
    Success,
    /// The function was looked up or ran and failed (`{"status":"error"}`, HTTP 560); the
    /// `errorMessage` as sent, e.g. `"[Request ID: …] Server Error\nUncaught Error: Session expired"`.
    FunctionError(String),
    /// The request was refused before any function ran (bad JSON, bad format, bad auth header)
    /// with this HTTP status.
    Rejected(u16),
    /// An injected fault answered instead of the function (status, rate limit, malformed body,
    /// dropped connection). For a drop *after* the run, the function did run.
    Faulted,
}
