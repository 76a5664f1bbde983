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

/// Removes anything that looks like a credential from free text (server error messages can echo
/// argument values, e.g. a validation error quoting the `sessionToken` that was sent).
pub(crate) fn scrub(text: &str) -> String {
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
}
