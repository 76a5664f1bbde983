//! Errors at the boundary: [`OpencomError`] for everything the SDK returns to the host, and
//! [`StorageError`] for what a host-implemented [`crate::Storage`] returns to the SDK.

use std::time::Duration;

/// The SDK's error, as the host sees it (`OpencomException` in Kotlin). Each variant names
/// something the app can do about it; it mirrors `opencom_sdk::Error` one to one (the core's
/// `message` fields are called `detail` here: Kotlin exceptions already have a `message`).
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum OpencomError {
    /// The server could not be reached, or the connection broke. Retry later.
    #[error("network error: {detail}")]
    Network {
        /// What went wrong, for logs.
        detail: String,
    },
    /// The request did not complete in time. Retry later.
    #[error("the request timed out")]
    Timeout,
    /// The visitor session is gone and could not be restored automatically. Call `start()`
    /// again (or `logout()`) to get a fresh session.
    #[error("the visitor session expired or was revoked")]
    SessionExpired,
    /// The server refused the call for this visitor or workspace (origin not allowed, identity
    /// verification failed, someone else's data). Retrying will not help.
    #[error("not authorized: {detail}")]
    NotAuthorized {
        /// The server's reason, with any credentials removed.
        detail: String,
    },
    /// An argument is invalid; fix it and retry. Checked before any network call where
    /// possible.
    #[error("invalid input for `{field}`: {reason}")]
    InvalidInput {
        /// The offending argument or key, e.g. `customAttributes.$plan`.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The server is rate limiting this client; retry after the given delay if there is one.
    #[error("rate limited")]
    RateLimited {
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
    },
    /// The thing asked for does not exist (or is not visible to this visitor).
    #[error("not found: {detail}")]
    NotFound {
        /// The server's message.
        detail: String,
    },
    /// The server failed for a reason the SDK cannot act on.
    #[error("server error: {detail}")]
    Server {
        /// The server's message, with any credentials removed.
        detail: String,
    },
    /// The server answered something the SDK could not understand.
    #[error("could not decode the server's answer: {detail}")]
    Decode {
        /// What did not decode.
        detail: String,
    },
    /// The SDK was configured wrongly (bad URL, empty workspace id…). Fix the configuration.
    #[error("invalid configuration: {detail}")]
    Config {
        /// What is wrong.
        detail: String,
    },
    /// The host's storage failed to read or write SDK state.
    #[error("storage error: {detail}")]
    Storage {
        /// What failed.
        detail: String,
    },
    /// A failure inside the SDK itself (a panic, or an error this binding does not know yet).
    /// Please report it.
    #[error("internal SDK error: {detail}")]
    Internal {
        /// What happened.
        detail: String,
    },
}

impl OpencomError {
    /// Whether retrying the same call later may succeed.
    pub(crate) fn is_transient(&self) -> bool {
        matches!(
            self,
            OpencomError::Network { .. } | OpencomError::Timeout | OpencomError::RateLimited { .. }
        )
    }
}

/// Whether retrying the same call later may succeed (network trouble, timeout, rate limit).
#[uniffi::export]
pub fn error_is_transient(error: OpencomError) -> bool {
    error.is_transient()
}

impl From<opencom_sdk::Error> for OpencomError {
    fn from(err: opencom_sdk::Error) -> Self {
        use opencom_sdk::Error as E;
        match err {
            E::Network { message, .. } => OpencomError::Network { detail: message },
            E::Timeout => OpencomError::Timeout,
            E::SessionExpired => OpencomError::SessionExpired,
            E::NotAuthorized { message } => OpencomError::NotAuthorized { detail: message },
            E::InvalidInput { field, reason } => OpencomError::InvalidInput { field, reason },
            E::RateLimited { retry_after } => OpencomError::RateLimited { retry_after },
            E::NotFound { message } => OpencomError::NotFound { detail: message },
            E::Server { message } => OpencomError::Server { detail: message },
            E::Decode { message } => OpencomError::Decode { detail: message },
            E::Config { message } => OpencomError::Config { detail: message },
            E::Storage { message, .. } => OpencomError::Storage { detail: message },
            // The bindings keep what hosts have always seen here (no new exception type); an
            // FFI host cannot drop the client under a live handle anyway.
            E::ClientDropped => OpencomError::Config {
                detail: E::ClientDropped.to_string(),
            },
            other => OpencomError::Internal {
                detail: other.to_string(),
            },
        }
    }
}

impl From<opencom_sdk::BuildError> for OpencomError {
    fn from(err: opencom_sdk::BuildError) -> Self {
        opencom_sdk::Error::from(err).into()
    }
}

/// What a host [`crate::Storage`] implementation reports when it fails (`StorageException` in
/// Kotlin). Throw `Io` when the Keychain/Keystore/file could not be used, `Corrupt` when a
/// stored value cannot be read back: the SDK then starts a fresh session instead of failing.
///
/// Any other exception thrown by the host arrives as `Unexpected`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum StorageError {
    /// The backing store could not be read or written.
    #[error("storage I/O failed: {detail}")]
    Io {
        /// What failed.
        detail: String,
    },
    /// A stored value exists but cannot be read back.
    #[error("stored value for `{key}` is corrupt")]
    Corrupt {
        /// The key whose value is unreadable.
        key: String,
    },
    /// The host threw something that is not a `StorageError`.
    #[error("the host storage failed unexpectedly: {detail}")]
    Unexpected {
        /// The host's exception, as text.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for StorageError {
    fn from(err: uniffi::UnexpectedUniFFICallbackError) -> Self {
        StorageError::Unexpected { detail: err.reason }
    }
}

impl From<StorageError> for opencom_sdk::StorageError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::Io { detail } => opencom_sdk::StorageError::Io {
                message: detail,
                source: None,
            },
            StorageError::Corrupt { key } => opencom_sdk::StorageError::Corrupt { key },
            StorageError::Unexpected { detail } => opencom_sdk::StorageError::Io {
                message: detail,
                source: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_variant_keeps_its_meaning() {
        let cases = [
            (
                opencom_sdk::Error::InvalidInput {
                    field: "customAttributes.$x".into(),
                    reason: "bad".into(),
                },
                OpencomError::InvalidInput {
                    field: "customAttributes.$x".into(),
                    reason: "bad".into(),
                },
            ),
            (opencom_sdk::Error::Timeout, OpencomError::Timeout),
            (
                opencom_sdk::Error::SessionExpired,
                OpencomError::SessionExpired,
            ),
            (
                opencom_sdk::Error::RateLimited {
                    retry_after: Some(Duration::from_secs(2)),
                },
                OpencomError::RateLimited {
                    retry_after: Some(Duration::from_secs(2)),
                },
            ),
            (
                opencom_sdk::Error::Storage {
                    message: "disk".into(),
                    source: None,
                },
                OpencomError::Storage {
                    detail: "disk".into(),
                },
            ),
        ];
        for (core, ffi) in cases {
            assert_eq!(OpencomError::from(core.clone()), ffi);
            assert_eq!(core.is_transient(), ffi.is_transient());
        }
    }

    #[test]
    fn unexpected_host_failures_become_io_errors() {
        let err = StorageError::from(uniffi::UnexpectedUniFFICallbackError {
            reason: "KeyError('x')".into(),
        });
        assert_eq!(
            opencom_sdk::StorageError::from(err),
            opencom_sdk::StorageError::Io {
                message: "KeyError('x')".into(),
                source: None,
            }
        );
    }
}
