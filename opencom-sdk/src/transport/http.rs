//! `POST {deployment}/api/{query|mutation|action}` with `{"path","args","format":"json"}`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::Retryable;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;
use url::Url;

use super::retry::{is_retryable, RetryPolicy};
use super::tls::{client_config, Alpn, TrustSettings};
use super::{Function, TransportError};
use crate::error_source::ErrorSource;
use crate::secret::{scrub, Secret};

/// The `Convex-Client` header value. Not `rust-…`: that name is the official crate's and is
/// subject to Convex's deprecation thresholds.
const CLIENT_HEADER: &str = concat!("opencom-rust-sdk-", env!("CARGO_PKG_VERSION"));

/// A Convex HTTP functions client for one deployment.
#[derive(Debug, Clone)]
pub(crate) struct ConvexHttp {
    http: reqwest::Client,
    base: Url,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    /// The WebSocket's TLS configuration: the same roots as `http`, ALPN `http/1.1`.
    ws_tls: Arc<rustls::ClientConfig>,
    /// The largest response body read (counted while streaming; Content-Length alone is not
    /// trusted).
    max_response_bytes: u64,
}

impl ConvexHttp {
    pub(crate) fn new(
        base: Url,
        retry: RetryPolicy,
        timeout: Duration,
        connect_timeout: Duration,
        trust: &TrustSettings,
    ) -> Result<Self, TransportError> {
        let tls =
            |alpn| client_config(trust, alpn).map_err(|e| TransportError::connect(e.to_string()));
        let http_tls = tls(Alpn::Http)?;
        let ws_tls = tls(Alpn::WebSocket)?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(rustls::ClientConfig::clone(&http_tls))
            .connect_timeout(connect_timeout)
            .user_agent(CLIENT_HEADER)
            // Never follow a redirect: function calls carry the session token or the agent JWT
            // in their body or headers. A 3xx is a typed error instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TransportError::Connect {
                message: format!("cannot build HTTP client: {e}"),
                source: Some(ErrorSource::new(e)),
            })?;
        Ok(Self {
            http,
            base,
            retry,
            timeout,
            connect_timeout,
            ws_tls,
            max_response_bytes: super::DEFAULT_MAX_RESPONSE_BYTES,
        })
    }

    /// The TLS configuration for the sync WebSocket (same roots, ALPN `http/1.1`).
    pub(crate) fn ws_tls(&self) -> Arc<rustls::ClientConfig> {
        Arc::clone(&self.ws_tls)
    }

    /// The TCP/TLS connect timeout (the WebSocket uses it too).
    pub(crate) fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The largest response body (and WebSocket message) accepted.
    pub(crate) fn max_response_bytes(&self) -> usize {
        usize::try_from(self.max_response_bytes).unwrap_or(usize::MAX)
    }

    /// Caps response bodies at `limit` bytes (see [`read_capped`]).
    pub(crate) fn with_max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends a request built on [`http`](Self::http) (site routes, uploads): a 3xx is
    /// [`TransportError::Redirect`], the body is read with the response cap. Returns the status
    /// and the body. `strip_url`: keep the URL out of error texts (it carries an upload token).
    pub(crate) async fn send_raw(
        &self,
        request: reqwest::RequestBuilder,
        strip_url: bool,
    ) -> Result<(u16, Vec<u8>), TransportError> {
        let map = |e: reqwest::Error| {
            if strip_url {
                map_reqwest_error(e.without_url())
            } else {
                map_reqwest_error(e)
            }
        };
        let response = request.send().await.map_err(map)?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(TransportError::Redirect { status });
        }
        let body = read_capped(response, self.max_response_bytes)
            .await
            .map_err(|e| match e {
                Fetch::TooLarge(limit) => TransportError::BodyTooLarge { limit },
                Fetch::Http(e) => map(e),
            })?;
        Ok((status, body))
    }

    /// `POST`s `bytes` to an upload URL handed out by the deployment, which must be https
    /// (plain http only on loopback: localhost, 127.0.0.0/8, ::1); otherwise nothing is sent.
    pub(crate) async fn upload(
        &self,
        raw_url: &str,
        mime: &str,
        bytes: Vec<u8>,
        timeout: Duration,
    ) -> Result<(u16, Vec<u8>), TransportError> {
        let url = check_upload_url(raw_url)?;
        let request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, mime)
            .timeout(timeout)
            .body(bytes);
        self.send_raw(request, true).await
    }

    /// The deployment URL (what the WebSocket connects to as well).
    pub(crate) fn base_url(&self) -> &Url {
        &self.base
    }

    /// The underlying HTTP client (shared connection pool), for uploads and site routes.
    #[allow(dead_code)]
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `function` with `args`, retrying per the policy, and returns the unwrapped `value`.
    pub(crate) async fn call<A: Serialize + ?Sized>(
        &self,
        function: Function,
        args: &A,
    ) -> Result<Value, TransportError> {
        self.call_as(function, args, None).await
    }

    /// Like [`call`](Self::call), with an optional agent JWT sent as `Authorization: Bearer`.
    pub(crate) async fn call_as<A: Serialize + ?Sized>(
        &self,
        function: Function,
        args: &A,
        bearer: Option<&Secret>,
    ) -> Result<Value, TransportError> {
        // Only the encoding is generic: the request, its retries and the decoding are one
        // function for every call (the library stays small however many functions there are).
        let body = encode_request(function, args)?;
        self.send_call(function, body, bearer).await
    }

    /// Sends an encoded `{path, args, format}` body, retrying per the policy.
    async fn send_call(
        &self,
        function: Function,
        body: Vec<u8>,
        bearer: Option<&Secret>,
    ) -> Result<Value, TransportError> {
        let body = Arc::new(body);
        let url = self
            .base
            .join(&format!("api/{}", function.kind.endpoint()))
            .map_err(|e| TransportError::connect(format!("bad deployment URL: {e}")))?;

        let span = tracing::info_span!(
            "opencom.call",
            function = function.path,
            kind = function.kind.endpoint(),
        );
        async {
            let started = Instant::now();
            let mut attempts = 0u32;
            let result = (|| {
                attempts += 1;
                self.send_once(url.clone(), Arc::clone(&body), bearer)
            })
            .retry(self.retry.backoff())
            .sleep(tokio::time::sleep)
            .when(|err| is_retryable(err, function.idempotent))
            .adjust(|err, planned| self.retry.adjust(err, planned))
            .notify(|err, delay| {
                tracing::debug!(error = %err, delay_ms = delay.as_millis() as u64, "retrying");
            })
            .await;
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            match &result {
                Ok(_) => tracing::info!(outcome = "success", attempts, latency_ms, "call finished"),
                Err(err) => {
                    tracing::info!(outcome = "error", error = %err, attempts, latency_ms, "call finished")
                }
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn send_once(
        &self,
        url: Url,
        body: Arc<Vec<u8>>,
        bearer: Option<&Secret>,
    ) -> Result<Value, TransportError> {
        let mut request = self
            .http
            .post(url)
            .timeout(self.timeout)
            .header(CONTENT_TYPE, "application/json")
            .header("Convex-Client", CLIENT_HEADER)
            .body(body.as_ref().clone());
        if let Some(token) = bearer {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                .map_err(|_| TransportError::Decode("token is not a valid header value".into()))?;
            value.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        let response = request.send().await.map_err(map_reqwest_error)?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(TransportError::Redirect { status });
        }
        let retry_after = parse_retry_after(response.headers());
        let bytes = read_capped(response, self.max_response_bytes)
            .await
            .map_err(|e| match e {
                Fetch::TooLarge(limit) => TransportError::BodyTooLarge { limit },
                Fetch::Http(e) => map_reqwest_error(e),
            })?;
        decode_response(status, &bytes, retry_after)
    }
}

/// Why reading a body stopped.
enum Fetch {
    TooLarge(u64),
    Http(reqwest::Error),
}

/// Reads a response body, stopping as soon as more than `limit` bytes arrived. A declared
/// Content-Length over the limit is refused before reading; a body that lies about its length
/// (or has none, chunked) is counted as it streams.
async fn read_capped(mut response: reqwest::Response, limit: u64) -> Result<Vec<u8>, Fetch> {
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(Fetch::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Fetch::Http)? {
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Err(Fetch::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An upload URL from the deployment: https, or http on loopback only.
/// `{path, args, format: "json"}`. The arguments must serialize to an object (Convex's `args`).
fn encode_request<A: Serialize + ?Sized>(
    function: Function,
    args: &A,
) -> Result<Vec<u8>, TransportError> {
    #[derive(Serialize)]
    struct Request<'a, A: ?Sized> {
        path: &'static str,
        args: &'a A,
        format: &'static str,
    }
    let args_value = serde_json::to_value(args)
        .map_err(|e| TransportError::Decode(format!("cannot encode arguments: {e}")))?;
    if !args_value.is_object() {
        return Err(TransportError::Decode(format!(
            "the arguments of {} are not an object",
            function.path
        )));
    }
    serde_json::to_vec(&Request {
        path: function.path,
        args: &args_value,
        format: "json",
    })
    .map_err(|e| TransportError::Decode(format!("cannot encode arguments: {e}")))
}

pub(crate) fn check_upload_url(raw: &str) -> Result<Url, TransportError> {
    let url = Url::parse(raw)
        .map_err(|_| TransportError::Decode("the upload URL is not a valid URL".into()))?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        _ => Err(TransportError::InsecureUploadUrl),
    }
}

fn map_reqwest_error(err: reqwest::Error) -> TransportError {
    // reqwest's Display may include the URL; ours carries no credentials (visitors pass the token
    // in the body), but scrub anyway.
    let text = scrub(&error_chain(&err));
    if err.is_timeout() && !err.is_connect() {
        return TransportError::Timeout;
    }
    let connect = err.is_connect();
    let source = Some(ErrorSource::new(err));
    if connect {
        TransportError::Connect {
            message: text,
            source,
        }
    } else {
        TransportError::Io {
            message: text,
            source,
        }
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    parse_retry_after_value(headers.get(RETRY_AFTER)?.to_str().ok()?)
}

/// The longest `Retry-After` reported: larger (absurd) values are clamped to it rather than
/// overflowing `Duration` (or a caller's `Instant + retry_after`). Still far above any
/// `RetryPolicy::max_retry_after`, so such an answer ends the retries with `RateLimited`.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(24 * 60 * 60);

/// A `Retry-After` value: delay-seconds (fractions tolerated) or an HTTP date, at most
/// [`RETRY_AFTER_CAP`]. Never panics.
pub(crate) fn parse_retry_after_value(raw: &str) -> Option<Duration> {
    let raw = raw.trim();
    if let Ok(secs) = raw.parse::<f64>() {
        // `Duration::from_secs_f64` panics above ~1.8e19 s: found by the `envelope` fuzz target.
        return (secs.is_finite() && secs >= 0.0).then(|| {
            Duration::try_from_secs_f64(secs)
                .unwrap_or(RETRY_AFTER_CAP)
                .min(RETRY_AFTER_CAP)
        });
    }
    let when = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO).min(RETRY_AFTER_CAP))
}

/// Turns an HTTP answer into the function's value or a typed error. Never panics.
pub(crate) fn decode_response(
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<Value, TransportError> {
    if (200..300).contains(&status) || status == 560 {
        let mut envelope: Value = serde_json::from_slice(body).map_err(|e| {
            TransportError::Decode(format!("HTTP {status}: body is not JSON ({e})"))
        })?;
        return match envelope.get("status").and_then(Value::as_str) {
            // Take the value out instead of cloning it (a long thread is megabytes).
            Some("success") => Ok(envelope
                .as_object_mut()
                .and_then(|o| o.remove("value"))
                .unwrap_or(Value::Null)),
            Some("error") => {
                let message = envelope
                    .get("errorMessage")
                    .and_then(Value::as_str)
                    .unwrap_or("Server Error");
                Err(TransportError::Function {
                    message: scrub(message),
                })
            }
            _ => Err(TransportError::Decode(format!(
                "HTTP {status}: no `status` field in the response envelope"
            ))),
        };
    }
    let (code, message) = match serde_json::from_slice::<Value>(body) {
        Ok(v) => (
            v.get("code")
                .and_then(Value::as_str)
                .unwrap_or("Unknown")
                .to_owned(),
            v.get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        ),
        Err(_) => (
            "Unknown".to_owned(),
            String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
        ),
    };
    // `code` is the server's (or a proxy's) text too: scrub it like the message.
    Err(TransportError::Http {
        status,
        code: scrub(&code),
        message: scrub(&message),
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn upload_urls_must_be_https_except_on_loopback() {
        for ok in [
            "https://happy-otter-123.convex.cloud/api/storage/upload?token=x",
            "http://localhost:3210/api/storage/upload?token=x",
            "http://LOCALHOST/u",
            "http://127.0.0.1:3210/u",
            "http://127.8.9.10/u",
            "http://[::1]:3210/u",
        ] {
            assert!(check_upload_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/u?token=x",
            "http://128.0.0.1/u",
            "http://10.0.0.2/u",
            "http://[::2]/u",
            "http://localhost.example.com/u",
            "ftp://127.0.0.1/u",
            "file:///etc/passwd",
        ] {
            assert_eq!(
                check_upload_url(bad),
                Err(TransportError::InsecureUploadUrl),
                "{bad}"
            );
        }
        assert!(matches!(
            check_upload_url("not a url"),
            Err(TransportError::Decode(_))
        ));
    }

    #[test]
    fn success_envelope_is_unwrapped() {
        let body = br#"{"status":"success","value":{"a":1},"logLines":[]}"#;
        assert_eq!(decode_response(200, body, None), Ok(json!({"a": 1})));
        let null = br#"{"status":"success","value":null}"#;
        assert_eq!(decode_response(200, null, None), Ok(Value::Null));
    }

    #[test]
    fn errors_arrive_with_200_and_560() {
        let body = br#"{"status":"error","errorMessage":"[Request ID: 1] Server Error\nUncaught Error: Invalid session token","logLines":[]}"#;
        for status in [200, 560] {
            match decode_response(status, body, None) {
                Err(TransportError::Function { message }) => {
                    assert!(message.ends_with("Invalid session token"))
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn error_messages_are_scrubbed() {
        let body = br#"{"status":"error","errorMessage":"Value: \"wst_00ff\""}"#;
        match decode_response(560, body, None) {
            Err(TransportError::Function { message }) => {
                assert_eq!(message, "Value: \"wst_…(redacted)\"")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn code_message_bodies_on_4xx_5xx() {
        let body = br#"{"code":"BadJsonBody","message":"Failed to parse JSON body"}"#;
        assert_eq!(
            decode_response(400, body, None),
            Err(TransportError::Http {
                status: 400,
                code: "BadJsonBody".into(),
                message: "Failed to parse JSON body".into(),
                retry_after: None
            })
        );
        match decode_response(502, b"<html>bad gateway</html>", None) {
            Err(TransportError::Http {
                status: 502, code, ..
            }) => assert_eq!(code, "Unknown"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_bodies_are_decode_errors() {
        for body in [
            &b"{not json"[..],
            b"",
            b"[1,2]",
            br#"{"status":"maybe"}"#,
            &[0xff, 0xfe],
        ] {
            assert!(matches!(
                decode_response(200, body, None),
                Err(TransportError::Decode(_))
            ));
        }
    }

    /// Found by the `envelope` fuzz target: the `code` of a `{code, message}` body reached the
    /// error's `Display` unscrubbed.
    #[test]
    fn regression_fuzz_credentials_in_the_error_code_are_scrubbed() {
        let body = br#"{"code":"On\n\n E\n~~eyJE\n\nn \n;","message":""}"#;
        let err = decode_response(429, body, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "HTTP 429 On\n\n E\n~~eyJ\u{2026}(redacted)\n\nn \n;: "
        );
        let body = br#"{"code":"wst_00ff11","message":"eyJhbGciOi.x"}"#;
        let err = decode_response(403, body, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "HTTP 403 wst_\u{2026}(redacted): eyJ\u{2026}(redacted)"
        );
    }

    /// Found by the `envelope` fuzz target: a 21-digit `Retry-After` panicked in
    /// `Duration::from_secs_f64`.
    #[test]
    fn regression_fuzz_huge_retry_after_is_clamped_not_a_panic() {
        for raw in ["111111111111111111111", "1e300", "1.7e308", "99999999999"] {
            assert_eq!(parse_retry_after_value(raw), Some(RETRY_AFTER_CAP), "{raw}");
        }
        assert_eq!(
            parse_retry_after_value("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(RETRY_AFTER_CAP)
        );
        assert_eq!(parse_retry_after_value("-1"), None);
        assert_eq!(parse_retry_after_value("NaN"), None);
        assert_eq!(
            parse_retry_after_value(" 1.5 "),
            Some(Duration::from_millis(1500))
        );
        // And the answer carrying it is a typed rate-limit error, not a crash.
        let body = br#"{"code":"RateLimited","message":""}"#;
        let err = decode_response(429, body, parse_retry_after_value("111111111111111111111"));
        let public: crate::Error = err.unwrap_err().into();
        assert_eq!(
            public,
            crate::Error::RateLimited {
                retry_after: Some(RETRY_AFTER_CAP)
            }
        );
    }

    #[test]
    fn retry_after_in_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(parse_retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(parse_retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&headers), None);
    }
}
