//! Convex's HTTP functions API. It knows function paths, kinds and the
//! `{status, value | errorMessage}` envelope, and nothing about Opencom's functions or domains
//! (those are in `crate::wire`).

mod function;
pub(crate) mod http;
mod retry;
pub(crate) mod tls;

pub(crate) use function::Function;
pub(crate) use http::ConvexHttp;
pub use retry::RetryPolicy;

use std::time::Duration;

use crate::error_source::ErrorSource;

/// The default cap on one response body: 32 MiB, far above the largest real answer (a long
/// conversation's message list is a few MiB). Change it with
/// [`OpencomBuilder::max_response_bytes`](crate::OpencomBuilder::max_response_bytes).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// Everything that can go wrong on the wire, before it is turned into a public [`crate::Error`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum TransportError {
    /// The connection could not be opened: the request provably never reached the server.
    #[error("could not connect: {message}")]
    Connect {
        message: String,
        #[source]
        source: Option<ErrorSource>,
    },
    /// The connection broke after the request was sent: the function may or may not have run.
    #[error("connection failed: {message}")]
    Io {
        message: String,
        #[source]
        source: Option<ErrorSource>,
    },
    /// No answer within the per-request timeout: the function may or may not have run.
    #[error("timed out")]
    Timeout,
    /// A non-2xx answer with Convex's `{code, message}` body (rejected outside the function).
    #[error("HTTP {status} {code}: {message}")]
    Http {
        status: u16,
        code: String,
        message: String,
        retry_after: Option<Duration>,
    },
    /// The function ran and threw (`status: "error"`). The message is already scrubbed.
    #[error("function failed: {message}")]
    Function { message: String },
    /// The body was not the envelope we expect.
    #[error("undecodable response: {0}")]
    Decode(String),
    /// A 3xx answer. Redirects are never followed: the request body carries credentials and
    /// must not be re-sent elsewhere (least of all to plain http).
    #[error(
        "the deployment answered HTTP {status} (a redirect, not followed): the deployment URL is probably wrong"
    )]
    Redirect { status: u16 },
    /// The response body is larger than the configured `max_response_bytes`.
    #[error("the response body is larger than max_response_bytes ({limit} bytes)")]
    BodyTooLarge { limit: u64 },
    /// `generateUploadUrl` answered a URL that is neither https nor http on loopback.
    #[error("the upload URL is not https (plain http only on loopback); nothing was uploaded")]
    InsecureUploadUrl,
}

impl TransportError {
    /// A connect failure with no underlying error to keep.
    pub(crate) fn connect(message: impl Into<String>) -> Self {
        TransportError::Connect {
            message: message.into(),
            source: None,
        }
    }

    /// Whether the function certainly did not run, so even a non-idempotent call may be re-sent.
    pub(crate) fn provably_not_run(&self) -> bool {
        matches!(self, TransportError::Connect { .. })
            || matches!(self, TransportError::Http { status: 429, .. })
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            TransportError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
