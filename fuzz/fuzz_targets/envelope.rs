//! The Convex HTTP response decoder (`transport::http::decode_response`) and the `Retry-After`
//! parser: never panic, every failure is a typed error of the right kind, and no credential-like
//! text (`wst_…`, `eyJ…`) survives into an error's `Display`.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use opencom_sdk::fuzzing::{decode_response, parse_retry_after};
use opencom_sdk::Error;
use serde_json::{json, Value};

#[derive(Arbitrary, Debug)]
struct Input {
    status_pick: u8,
    status: u16,
    /// How the body is built: raw bytes, or text placed into one of the envelope shapes.
    shape: u8,
    retry_after: Option<String>,
    code: String,
    body: Vec<u8>,
}

/// Whether `text` still holds something that looks like a credential.
fn leaks(text: &str) -> bool {
    let bytes = text.as_bytes();
    let after = |i: usize, ok: &dyn Fn(u8) -> bool| bytes.get(i).copied().is_some_and(ok);
    (0..bytes.len()).any(|i| {
        (bytes[i..].starts_with(b"wst_") && after(i + 4, &|b: u8| b.is_ascii_alphanumeric()))
            || (bytes[i..].starts_with(b"eyJ")
                && after(i + 3, &|b: u8| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
                }))
    })
}

fuzz_target!(|input: Input| {
    let status = match input.status_pick % 6 {
        0 => 200,
        1 => 560,
        2 => 400 + input.status % 100,
        3 => 500 + input.status % 100,
        4 => 429,
        _ => input.status,
    };
    let text = String::from_utf8_lossy(&input.body).into_owned();
    let body = match input.shape % 5 {
        0 => input.body.clone(),
        1 => serde_json::to_vec(&json!({"status": "error", "errorMessage": text})).unwrap(),
        2 => serde_json::to_vec(&json!({"code": input.code, "message": text})).unwrap(),
        3 => serde_json::to_vec(&json!({"status": "success", "value": text})).unwrap(),
        _ => {
            serde_json::to_vec(&json!({"status": input.code, "value": text, "errorMessage": text}))
                .unwrap()
        }
    };

    let retry_after = input.retry_after.as_deref().and_then(parse_retry_after);
    let success_range = (200..300).contains(&status) || status == 560;
    match decode_response(status, &body, input.retry_after.as_deref()) {
        Ok(value) => {
            assert!(success_range, "HTTP {status} decoded to a value");
            // Only a `{"status":"success"}` envelope yields a value, and it is that envelope's.
            let envelope: Value = serde_json::from_slice(&body).expect("a value came from JSON");
            assert_eq!(envelope["status"], "success");
            assert_eq!(value, envelope.get("value").cloned().unwrap_or(Value::Null));
        }
        Err(failure) => {
            if success_range {
                assert!(
                    matches!(failure.kind, "decode" | "function"),
                    "HTTP {status}: {failure:?}"
                );
            } else {
                assert_eq!(failure.kind, "http", "HTTP {status}: {failure:?}");
                assert_eq!(failure.status, Some(status));
                if status == 429 {
                    assert!(
                        matches!(failure.error, Error::RateLimited { retry_after: r } if r == retry_after),
                        "{failure:?}"
                    );
                }
            }
            let public = failure.error.to_string();
            assert!(
                !leaks(&failure.transport),
                "secret in {:?}",
                failure.transport
            );
            assert!(!leaks(&public), "secret in {public:?}");
            assert!(
                !leaks(&format!("{:?}", failure.error)),
                "secret in {:?}",
                failure.error
            );
        }
    }
});
