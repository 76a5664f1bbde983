//! [`ErrorSource`]: the lower-level error behind an SDK error, kept for
//! [`std::error::Error::source`].

use std::fmt;
use std::sync::Arc;

/// The lower-level error (an I/O, TLS or HTTP failure, a storage backend's error) behind an SDK
/// error, so `source()` chains reach it. Cheap to clone (shared); two sources are equal when
/// their messages are. Its messages are scrubbed of anything token- or JWT-shaped.
///
/// ```
/// use std::error::Error as _;
/// let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "disk is read-only");
/// let err = opencom_sdk::StorageError::Io {
///     message: "cannot write the session".into(),
///     source: Some(opencom_sdk::ErrorSource::new(io)),
/// };
/// assert_eq!(err.source().unwrap().to_string(), "disk is read-only");
/// ```
#[derive(Clone)]
pub struct ErrorSource(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl ErrorSource {
    /// Wraps `error`.
    pub fn new<E>(error: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Self(Arc::new(error))
    }
}

impl fmt::Display for ErrorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::secret::scrub(&self.0.to_string()))
    }
}

/// The message only (scrubbed): a foreign error's own `Debug` may print what it holds.
impl fmt::Debug for ErrorSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ErrorSource")
            .field(&self.to_string())
            .finish()
    }
}

impl std::error::Error for ErrorSource {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for ErrorSource {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl Eq for ErrorSource {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn the_chain_is_kept_and_secrets_are_scrubbed() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer with wst_0123456789abcdef")]
        struct Outer(#[source] std::io::Error);
        let source = ErrorSource::new(Outer(std::io::Error::other("inner")));
        assert!(!source.to_string().contains("0123456789abcdef"));
        assert!(!format!("{source:?}").contains("0123456789abcdef"));
        assert_eq!(source.source().unwrap().to_string(), "inner");
        assert_eq!(source.clone(), source);
    }
}
