//! The Convex HTTP functions API on the wire: request bodies, function paths, the response
//! envelopes and the non-2xx rejections (`{"code","message"}`).

use std::fmt;

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use crate::util::new_request_id;

/// HTTP status of a function that ran and threw, as the recorded fixtures show
/// (`STATUS_CODE_UDF_FAILED` in the Convex JS client).
pub(crate) const UDF_FAILED: u16 = 560;

/// The kind a function is defined as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Query,
    Mutation,
    Action,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Query => "Query",
            Self::Mutation => "Mutation",
            Self::Action => "Action",
        })
    }
}

/// The `/api/…` endpoint a request arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Query,
    Mutation,
    Action,
    /// `/api/run/<module>/<fn>`: runs a function of any kind.
    Run,
    /// `/api/function` (`{path, args, format?, componentPath?}`): runs a function of any kind,
    /// as `ConvexHttpClient.function` calls it.
    Function,
}

impl Endpoint {
    /// The name used in [`RecordedCall::endpoint`](crate::RecordedCall::endpoint).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Mutation => "mutation",
            Self::Action => "action",
            Self::Run => "run",
            Self::Function => "function",
        }
    }

    /// The function kind this endpoint requires (`None` for `/api/run` and `/api/function`).
    pub(crate) fn required_kind(self) -> Option<Kind> {
        match self {
            Self::Query => Some(Kind::Query),
            Self::Mutation => Some(Kind::Mutation),
            Self::Action => Some(Kind::Action),
            Self::Run | Self::Function => None,
        }
    }
}

/// A function that ran (or was looked up) and failed: sent as `{"status":"error"}` with HTTP 560.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FnError {
    /// `throw new Error(message)` in the function: `Uncaught Error: <message>`.
    Uncaught(String),
    /// The arguments did not pass the validator: `ArgumentValidationError: <text>`.
    ArgumentValidation(String),
    /// A system error shown as is (unknown function, wrong kind, bad argument shape).
    System(String),
}

impl FnError {
    /// `throw new Error(message)`.
    pub(crate) fn msg(message: impl Into<String>) -> Self {
        Self::Uncaught(message.into())
    }

    /// The text after the `[Request ID: …] Server Error` line.
    pub(crate) fn detail(&self) -> String {
        match self {
            Self::Uncaught(m) => format!("Uncaught Error: {m}"),
            Self::ArgumentValidation(m) => format!("ArgumentValidationError: {m}"),
            Self::System(m) => m.clone(),
        }
    }

    /// The `errorMessage` of the envelope, with a fresh request id.
    pub(crate) fn error_message(&self) -> String {
        format!(
            "[Request ID: {}] Server Error\n{}",
            new_request_id(),
            self.detail()
        )
    }

    /// The `errorMessage` as sent: [`error_message`](Self::error_message), or when `redact` is
    /// set only `[Request ID: <16 hex>] Server Error`, as a production deployment redacts every
    /// error that is not a `ConvexError` (argument validation errors included).
    pub(crate) fn error_message_for(&self, redact: bool) -> String {
        if redact {
            format!("[Request ID: {}] Server Error", new_request_id())
        } else {
            self.error_message()
        }
    }
}

/// The result of running a function.
pub(crate) type FnResult = Result<Value, FnError>;

/// The success envelope.
pub(crate) fn success_body(value: Value) -> Value {
    json!({"status": "success", "value": value, "logLines": []})
}

/// The error envelope for an already formatted `errorMessage`.
pub(crate) fn error_body(error_message: &str) -> Value {
    json!({"status": "error", "errorMessage": error_message, "logLines": []})
}

/// A request refused before any function ran: a non-2xx status with `{"code","message"}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rejection {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Rejection {
    pub(crate) fn bad_json(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "BadJsonBody",
            message: message.into(),
        }
    }

    pub(crate) fn body(&self) -> Value {
        json!({"code": self.code, "message": self.message})
    }
}

/// The `format` values Convex accepts (the output of every function here is the same in all).
const FORMATS: &[&str] = &[
    "json",
    "convex_encoded_json",
    "convex_json",
    "convex_clean_json",
    "export_json",
];

/// A parsed `/api/…` request.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ApiRequest {
    /// Normalised `module:function`.
    pub(crate) path: String,
    /// The `args` as sent (object, legacy array, or absent → `{}`).
    pub(crate) args: Value,
}

/// Parses the body of `POST /api/query|mutation|action` (`path` from the body) or of
/// `POST /api/run/<route_path>` (`path` from the URL).
pub(crate) fn parse_request(
    body: &[u8],
    route_path: Option<&str>,
) -> Result<ApiRequest, Rejection> {
    let parsed: Value = serde_json::from_slice(body)
        .map_err(|_| Rejection::bad_json("Failed to parse JSON body"))?;
    let Value::Object(obj) = parsed else {
        return Err(Rejection::bad_json("Failed to parse JSON body"));
    };
    let path = match route_path {
        Some(route) => run_route_to_path(route),
        None => match obj.get("path") {
            None | Some(Value::Null) => {
                return Err(Rejection::bad_json("Missing `path` in request body"))
            }
            Some(Value::String(p)) => normalize_path(p),
            Some(_) => return Err(Rejection::bad_json("Failed to parse JSON body")),
        },
    };
    match obj.get("format") {
        None | Some(Value::Null) => {}
        Some(Value::String(f)) if FORMATS.contains(&f.as_str()) => {}
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_owned);
            return Err(Rejection {
                status: StatusCode::BAD_REQUEST,
                code: "BadFormat",
                message: format!("Invalid value format: {shown}"),
            });
        }
    }
    let args = obj
        .get("args")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    Ok(ApiRequest { path, args })
}

/// Normalises a function path: `visitors.js:identify` → `visitors:identify`; a path without
/// `:` names the default export.
pub(crate) fn normalize_path(path: &str) -> String {
    let (module, function) = path.split_once(':').unwrap_or((path, "default"));
    let module = module.strip_suffix(".js").unwrap_or(module);
    format!("{module}:{function}")
}

/// `/api/run/messages/list` → `messages:list` (the last segment is the function).
pub(crate) fn run_route_to_path(route: &str) -> String {
    let route = route.trim_matches('/');
    match route.rsplit_once('/') {
        Some((module, function)) => normalize_path(&format!("{module}:{function}")),
        None => normalize_path(route),
    }
}

/// Turns the wire `args` into the argument object: an object as is, or a legacy positional
/// array holding one object.
pub(crate) fn args_object(args: &Value) -> Result<Map<String, Value>, FnError> {
    match args {
        Value::Object(map) => Ok(map.clone()),
        Value::Array(items) if items.is_empty() => Ok(Map::new()),
        Value::Array(items) => match items.as_slice() {
            [Value::Object(map)] => Ok(map.clone()),
            _ => Err(FnError::System(format!(
                "Expected a single argument object, but received {} arguments",
                items.len()
            ))),
        },
        other => Err(FnError::System(format!(
            "Expected the arguments to be an object, but received {other}"
        ))),
    }
}

/// Checks a `Convex-Client` header value (`<name>-<semver>`), and refuses the versions
/// Convex no longer supports (`deprecation.json`: npm ≤ 0.19.1, python ≤ 0.0.2, rust ≤ 0.0.1).
pub(crate) fn check_client_version(value: &str) -> Result<(), Rejection> {
    let split = value.match_indices('-').map(|(i, _)| i).find(|&i| {
        let rest = &value[i + 1..];
        let mut parts = rest.splitn(3, '.');
        let numeric = |s: Option<&str>| {
            s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        };
        let major = parts.next();
        let minor = parts.next();
        let patch = parts.next().map(|p| {
            p.split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or_default()
        });
        i > 0 && numeric(major) && numeric(minor) && numeric(patch)
    });
    let Some(split) = split else {
        return Err(Rejection {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidClientVersion",
            message: format!("Invalid Convex-Client header: {value}"),
        });
    };
    match semver::Version::parse(&value[split + 1..]) {
        Ok(version) => check_supported(&value[..split], &version),
        Err(_) => Ok(()),
    }
}

/// Checks the version in `/api/{client_version}/sync`: a semver (else 400
/// `InvalidClientVersion`), of the npm client, which must still be supported (else 400
/// `ClientVersionUnsupported`), as Convex's `ExtractClientVersion` does.
pub(crate) fn check_path_client_version(version: &str) -> Result<(), Rejection> {
    let parsed = semver::Version::parse(version).map_err(|e| Rejection {
        status: StatusCode::BAD_REQUEST,
        code: "InvalidClientVersion",
        message: format!("Failed to parse client version: {e}"),
    })?;
    check_supported("npm", &parsed)
}

/// Convex's `ClientVersion::current_state`: a version at or below the `unsupported` threshold
/// of its client type is refused.
fn check_supported(client: &str, version: &semver::Version) -> Result<(), Rejection> {
    let (threshold, shown, instructions) = match client {
        "npm" | "npm-cli" | "actions" => (
            semver::Version::new(0, 19, 1),
            client,
            " Update your Convex npm version with `npx convex update` or `npm update`.",
        ),
        "python" | "python-convex" => (
            semver::Version::new(0, 0, 2),
            "python",
            " Update your Convex python version with `pip install --upgrade convex`.",
        ),
        "rust" => (
            semver::Version::new(0, 0, 1),
            "rust",
            " Update your Convex rust version with `cargo update -p convex` or by updating \
             `Cargo.toml`.",
        ),
        _ => return Ok(()),
    };
    if *version <= threshold {
        return Err(Rejection {
            status: StatusCode::BAD_REQUEST,
            code: "ClientVersionUnsupported",
            message: format!(
                "The Convex {shown} package at version {version} is no longer supported.\
                 {instructions}"
            ),
        });
    }
    Ok(())
}

/// Checks an `Authorization` header: `Bearer <JWT>` that `verify` accepts gives its identity;
/// anything else is refused as Convex refuses a token it cannot verify (401
/// `InvalidAuthHeader`, with ` (Invalid Compact JWS)` when it is not even a JWS).
pub(crate) fn check_authorization<T>(
    value: &str,
    verify: impl FnOnce(&str) -> Option<T>,
) -> Result<T, Rejection> {
    let reason = match value.strip_prefix("Bearer ") {
        Some(token) if token.split('.').count() != 3 => " (Invalid Compact JWS)",
        Some(token) => match verify(token) {
            Some(identity) => return Ok(identity),
            None => "",
        },
        None => {
            return Err(Rejection {
                status: StatusCode::UNAUTHORIZED,
                code: "InvalidAuthHeader",
                message: "Invalid Authorization header. Expected \"Bearer <token>\".".into(),
            })
        }
    };
    Err(Rejection {
        status: StatusCode::UNAUTHORIZED,
        code: "InvalidAuthHeader",
        message: format!(
            "Could not verify OIDC token claim. Check that the token signature is valid and the \
             token hasn't expired.{reason}"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalize_path("visitors.js:identify"), "visitors:identify");
        assert_eq!(
            normalize_path("carousels/delivery:listActive"),
            "carousels/delivery:listActive"
        );
        assert_eq!(normalize_path("messages"), "messages:default");
        assert_eq!(run_route_to_path("messages/list"), "messages:list");
        assert_eq!(
            run_route_to_path("carousels/delivery/listActive"),
            "carousels/delivery:listActive"
        );
    }

    #[test]
    fn bodies_are_parsed_like_convex() {
        assert_eq!(
            parse_request(b"{not json", None).unwrap_err().body(),
            json!({"code": "BadJsonBody", "message": "Failed to parse JSON body"})
        );
        assert_eq!(
            parse_request(b"{}", None).unwrap_err().body(),
            json!({"code": "BadJsonBody", "message": "Missing `path` in request body"})
        );
        assert_eq!(
            parse_request(br#"{"path":"a:b","format":"xml"}"#, None)
                .unwrap_err()
                .code,
            "BadFormat"
        );
        let ok = parse_request(br#"{"args":[{"a":1}]}"#, Some("messages/list")).unwrap();
        assert_eq!(ok.path, "messages:list");
        assert_eq!(args_object(&ok.args).unwrap().get("a"), Some(&json!(1)));
        assert!(args_object(&json!([{}, {}])).is_err());
    }

    #[test]
    fn client_versions() {
        assert!(check_client_version("opencom-rust-0.1.0").is_ok());
        assert!(check_client_version("npm-1.28.0-alpha.1").is_ok());
        assert!(check_client_version("opencom").is_err());
        let old = check_client_version("npm-0.19.1").unwrap_err();
        assert_eq!(old.code, "ClientVersionUnsupported");
        assert!(check_client_version("npm-0.19.2").is_ok());
        assert!(check_client_version("rust-0.10.4").is_ok());
        assert!(check_path_client_version("1.49.0").is_ok());
        let bad = check_path_client_version("1.49").unwrap_err();
        assert_eq!(
            (bad.status.as_u16(), bad.code),
            (400, "InvalidClientVersion")
        );
        assert!(bad.message.starts_with("Failed to parse client version: "));
        let old = check_path_client_version("0.19.0").unwrap_err();
        assert_eq!(old.code, "ClientVersionUnsupported");
        assert!(old.message.contains("npm package at version 0.19.0"));
    }
}
