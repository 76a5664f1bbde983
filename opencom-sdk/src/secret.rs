//! Secrets that must never reach a log line, an error message or a `Debug` print.

use std::fmt;

/// A credential string (session token, user hash, JWT, refresh token).
///
/// `Debug` and `Display` print only a recognisable prefix followed by `…(redacted)`, so a secret
/// held in a struct that derives `Debug`, or formatted by accident, never leaks. The value is
/// reachable only through [`Secret::expose`], which makes every use greppable.
///
/// ```
/// use opencom_sdk::Secret;
/// let token = Secret::new("wst_0123456789abcdef");
/// assert_eq!(format!("{token:?}"), "wst_…(redacted)");
/// assert_eq!(token.to_string(), "wst_…(redacted)");
/// assert_eq!(token.expose(), "wst_0123456789abcdef");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value, for putting on the wire or into storage. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn visible_prefix(&self) -> &'static str {
        if self.0.starts_with("wst_") {
            "wst_"
        } else if self.0.starts_with("eyJ") {
            "eyJ"
        } else {
            ""
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…(redacted)", self.visible_prefix())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Argument names whose values are credentials. A server message that echoes arguments
/// (Convex's validation errors print the rejected object) has the value after such a name
/// removed, whatever its shape.
const SECRET_ARGS: [&str; 7] = [
    "sessionToken",
    "userHash",
    "refreshToken",
    "token",
    "password",
    "secret",
    "code",
];

const REDACTED: &str = "…(redacted)";

/// Removes anything that looks like a credential from free text (server error messages can echo
/// argument values, e.g. a validation error quoting the `sessionToken` that was sent): values
/// named by [`SECRET_ARGS`] (`name: "v"`, `"name":"v"`, `name=v`, and a validation error's
/// `Value:` line under a `Path:` naming one), then anything token- or JWT-shaped.
pub(crate) fn scrub(text: &str) -> String {
    scrub_shapes(&scrub_path_values(&scrub_named(text)))
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The length of the secret argument name starting at `i`, if one does (as a whole word, any
/// case).
fn secret_name_at(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && is_ident(b[i - 1]) {
        return None;
    }
    let rest = &b[i..];
    SECRET_ARGS
        .iter()
        .map(|n| n.as_bytes())
        .find(|n| {
            rest.len() >= n.len()
                && rest[..n.len()].eq_ignore_ascii_case(n)
                && rest.get(n.len()).is_none_or(|&c| !is_ident(c))
        })
        .map(<[u8]>::len)
}

/// Skips one closing quote of a key (`"`, `'`, or JSON-escaped `\"`).
fn skip_quote(b: &[u8], j: usize) -> usize {
    match (b.get(j), b.get(j + 1)) {
        (Some(b'\\'), Some(b'"')) => j + 2,
        (Some(b'"' | b'\''), _) => j + 1,
        _ => j,
    }
}

fn skip_blanks(b: &[u8], mut j: usize) -> usize {
    while matches!(b.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    j
}

/// The byte range of the value following a secret name at `i` (`name: value`, `"name": "value"`,
/// `name=value`), quotes excluded.
fn secret_value_at(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let len = secret_name_at(b, i)?;
    let mut j = skip_blanks(b, skip_quote(b, i + len));
    if !matches!(b.get(j), Some(b':' | b'=')) {
        return None;
    }
    j = skip_blanks(b, j + 1);
    let (start, end) = match (b.get(j), b.get(j + 1)) {
        (Some(b'\\'), Some(b'"')) => {
            let start = j + 2;
            let end = (start..b.len().saturating_sub(1))
                .find(|&k| b[k] == b'\\' && b[k + 1] == b'"')
                .unwrap_or(b.len());
            (start, end)
        }
        (Some(&q @ (b'"' | b'\'')), _) => {
            let start = j + 1;
            let mut k = start;
            while k < b.len() && b[k] != q && b[k] != b'\n' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            (start, k.min(b.len()))
        }
        // `Validator: v.object({sessionToken: v.string(), …})` prints validators, not values.
        _ if b[j..].starts_with(b"v.") => return None,
        _ => {
            let end = (j..b.len())
                .find(|&k| {
                    b[k].is_ascii_whitespace()
                        || matches!(b[k], b',' | b'}' | b']' | b')' | b';' | b'&' | b'"' | b'\'')
                })
                .unwrap_or(b.len());
            (j, end)
        }
    };
    (end > start).then_some((start, end))
}

/// Replaces the values that follow secret argument names.
fn scrub_named(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        // Names are ASCII, so `i` and the value's bounds are char boundaries.
        if let Some((start, end)) = secret_value_at(b, i) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Convex's `Value does not match validator.\nPath: .userHash\nValue: "…"`: the value printed
/// under a path whose last step is a secret name is removed.
fn scrub_path_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut secret_path = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if let Some(path) = bare.trim_start().strip_prefix("Path: ") {
            let last = path.rsplit(['.', '[']).next().unwrap_or("");
            let last = last.trim_end_matches(']').trim_matches(['"', '\'']);
            secret_path = secret_name_at(last.as_bytes(), 0) == Some(last.len());
            out.push_str(line);
        } else if let (true, Some(pos)) = (secret_path, bare.find("Value: ")) {
            out.push_str(&bare[..pos + "Value: ".len()]);
            out.push_str(REDACTED);
            out.push_str(&line[bare.len()..]);
            secret_path = false;
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Removes anything token- or JWT-shaped.
fn scrub_shapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = find_secret_start(rest) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        let (prefix, len) = if let Some(body) = tail.strip_prefix("wst_") {
            let n = body
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            ("wst_", 4 + n)
        } else {
            let n = tail
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                .count();
            ("eyJ", n)
        };
        out.push_str(prefix);
        out.push_str("…(redacted)");
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

fn find_secret_start(text: &str) -> Option<usize> {
    let wst = text.find("wst_");
    let jwt = text.find("eyJ");
    match (wst, jwt) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("wst_abcdef0123");
        assert!(!format!("{s:?}").contains("abcdef"));
        assert!(!format!("{s}").contains("abcdef"));
        let h = Secret::new("deadbeef");
        assert_eq!(format!("{h:?}"), "…(redacted)");
    }

    #[test]
    fn scrub_removes_tokens_and_jwts() {
        let text = "Value: \"wst_0011aabb\" and Bearer eyJhbGciOi.eyJzdWIi.sig-x_y and more";
        let clean = scrub(text);
        assert_eq!(
            clean,
            "Value: \"wst_…(redacted)\" and Bearer eyJ…(redacted) and more"
        );
        assert_eq!(scrub("nothing secret"), "nothing secret");
    }

    #[test]
    fn scrub_removes_values_by_argument_name() {
        // Convex's JS-object print style, as in an ArgumentValidationError.
        let convex = "ArgumentValidationError: Object contains extra field `x` that is not in the validator.\n\nObject: {sessionToken: \"wst_00aa\", userHash: \"9f86d081884c7d65\", visitorId: \"v1\", x: 1}\nValidator: v.object({...})";
        let clean = scrub(convex);
        assert_eq!(
            clean,
            "ArgumentValidationError: Object contains extra field `x` that is not in the validator.\n\nObject: {sessionToken: \"…(redacted)\", userHash: \"…(redacted)\", visitorId: \"v1\", x: 1}\nValidator: v.object({...})"
        );
        // The validator that follows is not a value.
        let validator =
            "Validator: v.object({sessionToken: v.optional(v.string()), userHash: v.string()})";
        assert_eq!(scrub(validator), validator);
        // JSON, spaced or not, and JSON escaped inside a string.
        assert_eq!(
            scrub(r#"{"refreshToken":"abc123","password": "hunter2","ok":"yes"}"#),
            r#"{"refreshToken":"…(redacted)","password": "…(redacted)","ok":"yes"}"#
        );
        assert_eq!(
            scrub(r#"body: {\"token\":\"opaque-1\"} end"#),
            r#"body: {\"token\":\"…(redacted)\"} end"#
        );
        // Unquoted values, single quotes, query strings, any case.
        assert_eq!(
            scrub("{code: 123456, name: 'x'}"),
            "{code: …(redacted), name: 'x'}"
        );
        assert_eq!(scrub("{Secret: 's3cr3t'}"), "{Secret: '…(redacted)'}");
        assert_eq!(
            scrub("POST /upload?token=abc&x=1"),
            "POST /upload?token=…(redacted)&x=1"
        );
        // Words that only contain a name, or a name not followed by a value, stay.
        for plain in [
            "Invalid session token",
            "Session token required",
            "Could not verify code",
            "Missing required field `sessionToken` in object",
            "tokens: 3, mycode: 4, passwordless: true",
        ] {
            assert_eq!(scrub(plain), plain);
        }
    }

    #[test]
    fn scrub_removes_a_secret_value_printed_under_its_path() {
        let text = "ArgumentValidationError: Value does not match validator.\nPath: .userHash\nValue: 123456789\nValidator: v.string()";
        assert_eq!(
            scrub(text),
            "ArgumentValidationError: Value does not match validator.\nPath: .userHash\nValue: …(redacted)\nValidator: v.string()"
        );
        let other =
            "Value does not match validator.\nPath: .email\nValue: 42\nValidator: v.string()";
        assert_eq!(scrub(other), other);
    }
}
