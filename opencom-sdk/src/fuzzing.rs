//! Entry points for the cargo-fuzz targets in `fuzz/` (feature `fuzzing`, off by default).
//!
//! Not part of the supported API: these re-export crate-internal parsers and validators that see
//! untrusted input, so the fuzz crate can drive them. Nothing here changes behaviour.

use std::time::Duration;

use serde_json::Value;

use crate::attributes::Attributes;
use crate::error::Error;

/// A typed failure of [`decode_response`], with both renderings a caller could log.
#[derive(Debug)]
pub struct DecodeFailure {
    /// Which transport error it was: `"http"`, `"function"` or `"decode"`.
    pub kind: &'static str,
    /// The HTTP status kept in an `"http"` failure.
    pub status: Option<u16>,
    /// The internal transport error's `Display`.
    pub transport: String,
    /// The public [`Error`] it becomes.
    pub error: Error,
}

/// Decodes one Convex HTTP answer (`status`, body, raw `Retry-After` header) as the transport
/// does.
///
/// ```
/// let ok = opencom_sdk::fuzzing::decode_response(200, br#"{"status":"success","value":1}"#, None);
/// assert_eq!(ok.unwrap(), serde_json::json!(1));
/// ```
pub fn decode_response(
    status: u16,
    body: &[u8],
    retry_after: Option<&str>,
) -> Result<Value, DecodeFailure> {
    use crate::transport::TransportError;
    let retry_after = retry_after.and_then(parse_retry_after);
    crate::transport::http::decode_response(status, body, retry_after).map_err(|err| {
        let (kind, status) = match &err {
            TransportError::Http { status, .. } => ("http", Some(*status)),
            TransportError::Function { .. } => ("function", None),
            TransportError::Decode(_) => ("decode", None),
            TransportError::Connect { .. } => ("connect", None),
            TransportError::Io { .. } => ("io", None),
            TransportError::Timeout => ("timeout", None),
            TransportError::Redirect { status } => ("redirect", Some(*status)),
            TransportError::BodyTooLarge { .. } => ("too_large", None),
            TransportError::InsecureUploadUrl => ("insecure_upload_url", None),
        };
        DecodeFailure {
            kind,
            status,
            transport: err.to_string(),
            error: err.into(),
        }
    })
}

/// Parses a raw `Retry-After` header value as the transport does.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(opencom_sdk::fuzzing::parse_retry_after("2"), Some(Duration::from_secs(2)));
/// ```
pub fn parse_retry_after(raw: &str) -> Option<Duration> {
    crate::transport::http::parse_retry_after_value(raw)
}

/// Validates `customAttributes` as `visitor().identify` / `update` do.
///
/// ```
/// let attrs = opencom_sdk::Attributes::new();
/// assert!(opencom_sdk::fuzzing::validate_custom_attributes(&attrs).is_ok());
/// ```
pub fn validate_custom_attributes(attributes: &Attributes) -> Result<(), Error> {
    crate::attributes::validate_custom_attributes(attributes)
}

/// Validates event `properties` as `events().track` does.
///
/// ```
/// let props = opencom_sdk::Attributes::new();
/// assert!(opencom_sdk::fuzzing::validate_event_properties(&props).is_ok());
/// ```
pub fn validate_event_properties(properties: &Attributes) -> Result<(), Error> {
    crate::attributes::validate_event_properties(properties)
}

/// Removes credentials from free text, as every server message is before it reaches an error.
///
/// ```
/// assert_eq!(opencom_sdk::fuzzing::scrub("token wst_abc"), "token wst_…(redacted)");
/// ```
pub fn scrub(text: &str) -> String {
    crate::secret::scrub(text)
}
