//! Errors: a small public [`Error`] whose variants map to what a host can do, built from the rich
//! internal errors of the transport and storage layers.
//!
//! Opencom throws plain `Error("…")`s, so the only thing the server tells us is a message text.
//! Every mapping from a text to a variant lives in [`server_message`], with a test per text. In
//! production Convex redacts those texts to "Server Error", so the session layer never depends on
//! them for recovery: it asks `widgetSessions:validateSessionToken` instead.

pub(crate) mod server_message;

use std::time::Duration;

use crate::error_source::ErrorSource;
use crate::storage::StorageError;
use crate::transport::TransportError;

/// The SDK's public error. Each variant names something the caller can do about it.
///
/// ```
/// use opencom_sdk::Error;
/// fn user_message(err: &Error) -> &'static str {
///     match err {
///         Error::Network { .. } | Error::Timeout => "You're offline. We'll retry.",
///         Error::RateLimited { .. } => "Slow down a little.",
///         Error::InvalidInput { .. } => "Please check what you entered.",
///         _ => "Something went wrong.",
///     }
/// }
/// assert_eq!(user_message(&Error::Timeout), "You're offline. We'll retry.");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server could not be reached, or the connection broke. Retry later.
    #[error("network error: {message}")]
    Network {
        /// What went wrong, for logs.
        message: String,
        /// The I/O, TLS or HTTP error underneath, when there is one (also [`source()`](std::error::Error::source)).
        #[source]
        source: Option<ErrorSource>,
    },
    /// The request did not complete in time. Retry later.
    #[error("the request timed out")]
    Timeout,
    /// The visitor session is gone and could not be restored automatically. Call
    /// `Opencom::start` again (or `logout`) to get a fresh session.
    #[error("the visitor session expired or was revoked")]
    SessionExpired,
    /// The server refused the call for this visitor or workspace (origin not allowed, identity
    /// verification failed, someone else's data). Retrying will not help.
    #[error("not authorized: {message}")]
    NotAuthorized {
        /// The server's reason, with any credentials removed.
        message: String,
    },
    /// An argument is invalid; fix it and retry. Checked before any network call where possible.
    #[error("invalid input for `{field}`: {reason}")]
    InvalidInput {
        /// The offending argument or key.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The server is rate limiting this client; retry after the given delay if there is one.
    #[error("rate limited{}", retry_after.map(|d| format!(", retry after {} s", d.as_secs_f64())).unwrap_or_default())]
    RateLimited {
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
    },
    /// The thing asked for does not exist (or is not visible to this visitor).
    #[error("not found: {message}")]
    NotFound {
        /// The server's message.
        message: String,
    },
    /// The server failed for a reason the SDK cannot act on.
    #[error("server error: {message}")]
    Server {
        /// The server's message, with any credentials removed.
        message: String,
    },
    /// The server answered something the SDK could not understand.
    #[error("could not decode the server's answer: {message}")]
    Decode {
        /// What did not decode.
        message: String,
    },
    /// The SDK was configured wrongly (bad URL, empty workspace id…), or the deployment answered
    /// something only a configuration change can fix: a redirect (never followed; the
    /// deployment URL is probably wrong), a body over `max_response_bytes`, an upload URL that
    /// is not https. Fix the configuration.
    #[error("invalid configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
    /// The host's storage failed to read or write SDK state.
    #[error("storage error: {message}")]
    Storage {
        /// What failed.
        message: String,
        /// The storage backend's error, when there is one (also [`source()`](std::error::Error::source)).
        #[source]
        source: Option<ErrorSource>,
    },
    /// The [`Opencom`](crate::Opencom) client this handle belongs to was dropped before the
    /// operation finished, so it never will. Keep the client alive for as long as its handles
    /// (e.g. a [`SendHandle`](crate::SendHandle)) are awaited; a queued message is still sent by
    /// the next client on the same storage.
    #[error("the client was dropped")]
    ClientDropped,
}

impl Error {
    /// Whether retrying the same call later may succeed.
    ///
    /// ```
    /// assert!(opencom_sdk::Error::Timeout.is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Network { .. } | Error::Timeout | Error::RateLimited { .. }
        )
    }

    /// The permission named by a [`Error::NotAuthorized`] refusal (`"Permission denied:
    /// <permission>"`, the agent API's text), e.g. `conversations.reply`.
    ///
    /// ```
    /// let err = opencom_sdk::Error::NotAuthorized {
    ///     message: "Permission denied: conversations.reply".into(),
    /// };
    /// assert_eq!(err.denied_permission(), Some("conversations.reply"));
    /// assert_eq!(opencom_sdk::Error::Timeout.denied_permission(), None);
    /// ```
    pub fn denied_permission(&self) -> Option<&str> {
        match self {
            Error::NotAuthorized { message } => message
                .strip_prefix("Permission denied:")
                .map(str::trim)
                .filter(|p| !p.is_empty()),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }
}

impl From<TransportError> for Error {
    fn from(err: TransportError) -> Self {
        match err {
            TransportError::Connect { message, source }
            | TransportError::Io { message, source } => Error::Network { message, source },
            TransportError::Timeout => Error::Timeout,
            TransportError::Http {
                status,
                code,
                message,
                retry_after,
            } => match status {
                429 => Error::RateLimited { retry_after },
                401 | 403 => Error::NotAuthorized {
                    message: format!("{code}: {message}"),
                },
                404 => Error::NotFound {
                    message: format!("{code}: {message}"),
                },
                400 => Error::InvalidInput {
                    field: "request".into(),
                    reason: format!("{code}: {message}"),
                },
                _ => Error::Server {
                    message: format!("HTTP {status} {code}: {message}"),
                },
            },
            TransportError::Function { message } => server_message::classify(&message).into(),
            TransportError::Decode(message) => Error::Decode { message },
            // Not transient: the URL or the configuration must change.
            err @ (TransportError::Redirect { .. }
            | TransportError::BodyTooLarge { .. }
            | TransportError::InsecureUploadUrl) => Error::Config {
                message: err.to_string(),
            },
        }
    }
}

impl From<StorageError> for Error {
    fn from(err: StorageError) -> Self {
        Error::Storage {
            message: err.to_string(),
            source: Some(ErrorSource::new(err)),
        }
    }
}

/// The SDK's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
