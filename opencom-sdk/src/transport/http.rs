//! `POST {deployment}/api/{query|mutation|action}` with `{"path","args","format":"json"}`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::Retryable;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use serde_json::{json, Map, Value};
use tracing::Instrument;
use url::Url;

use super::retry::{is_retryable, RetryPolicy};
use super::{Function, TransportError};
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
}

impl ConvexHttp {
    pub(crate) fn new(
        base: Url,
        retry: RetryPolicy,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Self, TransportError> {
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config()?)
            .connect_timeout(connect_timeout)
            .user_agent(CLIENT_HEADER)
            .build()
            .map_err(|e| TransportError::Connect(format!("cannot build HTTP client: {e}")))?;
        Ok(Self {
            http,
            base,
            retry,
            timeout,
        })
    }

    /// The underlying HTTP client (shared connection pool), for uploads and site routes.
    #[allow(dead_code)]
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `function` with `args`, retrying per the policy, and returns the unwrapped `value`.
    pub(crate) async fn call(
        &self,
        function: Function,
        args: Map<String, Value>,
    ) -> Result<Value, TransportError> {
        self.call_as(function, args, None).await
    }

    /// Like [`call`](Self::call), with an optional agent JWT sent as `Authorization: Bearer`.
    pub(crate) async fn call_as(
        &self,
        function: Function,
        args: Map<String, Value>,
        bearer: Option<&Secret>,
    ) -> Result<Value, TransportError> {
        let body = serde_json::to_vec(&json!({
            "path": function.path,
            "args": Value::Object(args),
            "format": "json",
        }))
        .map_err(|e| TransportError::Decode(format!("cannot encode arguments: {e}")))?;
        let body = Arc::new(body);
        let url = self
            .base
            .join(&format!("api/{}", function.kind.endpoint()))
            .map_err(|e| TransportError::Connect(format!("bad deployment URL: {e}")))?;

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
        let retry_after = parse_retry_after(response.headers());
        let bytes = response.bytes().await.map_err(map_reqwest_error)?;
        decode_response(status, &bytes, retry_after)
    }
}

/// One rustls stack (ring provider, webpki roots) shared with the WebSocket client: no aws-lc,
/// no OpenSSL, no platform verifier that needs JNI on Android.
fn tls_config() -> Result<rustls::ClientConfig, TransportError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::Connect(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn map_reqwest_error(err: reqwest::Error) -> TransportError {
    // reqwest's Display may include the URL; ours carries no credentials (visitors pass the token
    // in the body), but scrub anyway.
    let text = scrub(&error_chain(&err));
    if err.is_connect() {
        TransportError::Connect(text)
    } else if err.is_timeout() {
        TransportError::Timeout
    } else {
        TransportError::Io(text)
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
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = raw.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
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
    Err(TransportError::Http {
        status,
        code,
        message: scrub(&message),
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
