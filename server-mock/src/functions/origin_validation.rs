//! `originValidation.ts`: the workspace origin allowlist checked by boot, identify and heartbeat.
//!
//! `origin` is a plain function argument, not the HTTP header. It is compared by URL origin;
//! entries like `*.example.com` match the apex and every subdomain.

use url::Url;

use crate::convex::FnError;
use crate::db::Db;

fn parse_http_origin(value: &str) -> Option<Url> {
    let parsed = Url::parse(value).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return None;
    }
    Some(parsed)
}

/// Whether `origin` matches one allowlist entry.
pub(crate) fn matches_allowed_origin(origin: &str, allowed: &str) -> bool {
    let Some(parsed_origin) = parse_http_origin(origin) else {
        return false;
    };
    let allowed = allowed.trim();
    if allowed.is_empty() {
        return false;
    }
    if let Some(domain) = allowed.strip_prefix("*.") {
        let domain = domain.trim().to_lowercase();
        if domain.is_empty() || domain.contains('/') || domain.contains(':') {
            return false;
        }
        let host = parsed_origin.host_str().unwrap_or_default().to_lowercase();
        return host == domain || host.ends_with(&format!(".{domain}"));
    }
    let Some(parsed_allowed) = parse_http_origin(allowed) else {
        return false;
    };
    parsed_origin.origin() == parsed_allowed.origin()
}

/// `validateVisitorOrigin`: `Ok(())` or the reason the origin is refused.
pub(crate) fn validate_visitor_origin(
    db: &Db,
    workspace_id: &str,
    origin: Option<&str>,
) -> Result<(), String> {
    let Some(workspace) = db.get(workspace_id) else {
        return Err("Workspace not found".into());
    };
    let allowed: Vec<&str> = workspace
        .get("allowedOrigins")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if allowed.is_empty() {
        return Ok(());
    }
    let Some(origin) = origin.filter(|o| !o.is_empty()) else {
        return Err("Origin header is required when allowed origins are configured".into());
    };
    let Some(parsed) = parse_http_origin(origin) else {
        return Err("Origin must be a valid http(s) origin".into());
    };
    let serialized = parsed.origin().ascii_serialization();
    if allowed
        .iter()
        .any(|entry| matches_allowed_origin(&serialized, entry))
    {
        Ok(())
    } else {
        Err("Origin not in allowed list".into())
    }
}

/// `requireValidOrigin`: throws `Origin validation failed: <reason>`.
pub(crate) fn require_valid_origin(
    db: &Db,
    workspace_id: &str,
    origin: Option<&str>,
) -> Result<(), FnError> {
    validate_visitor_origin(db, workspace_id, origin)
        .map_err(|reason| FnError::msg(format!("Origin validation failed: {reason}")))
}

/// The allowlist of a workspace (empty when none is configured).
pub(crate) fn allowed_origins(db: &Db, workspace_id: &str) -> Vec<String> {
    db.get(workspace_id)
        .and_then(|w| w.get("allowedOrigins"))
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DocExt;

    #[test]
    fn wildcards_match_apex_and_subdomains() {
        assert!(matches_allowed_origin(
            "https://example.com",
            "*.example.com"
        ));
        assert!(matches_allowed_origin(
            "https://a.b.example.com",
            "*.example.com"
        ));
        assert!(matches_allowed_origin(
            "http://app.example.com:8080",
            "*.example.com"
        ));
        assert!(!matches_allowed_origin(
            "https://evilexample.com",
            "*.example.com"
        ));
        assert!(!matches_allowed_origin(
            "https://example.com.evil.org",
            "*.example.com"
        ));
    }

    #[test]
    fn exact_entries_compare_url_origins() {
        assert!(matches_allowed_origin(
            "https://app.example.com",
            "https://app.example.com/"
        ));
        assert!(matches_allowed_origin(
            "https://APP.example.com",
            "https://app.example.com"
        ));
        assert!(matches_allowed_origin(
            "https://app.example.com:443",
            "https://app.example.com"
        ));
        assert!(!matches_allowed_origin(
            "http://app.example.com",
            "https://app.example.com"
        ));
        assert!(!matches_allowed_origin(
            "https://app.example.com:8443",
            "https://app.example.com"
        ));
        assert!(!matches_allowed_origin(
            "https://u:p@app.example.com",
            "https://app.example.com"
        ));
        assert!(!matches_allowed_origin(
            "ftp://app.example.com",
            "ftp://app.example.com"
        ));
    }

    #[test]
    fn allowlist_reasons() {
        let mut db = Db::default();
        let ws = db.insert(
            "workspaces",
            serde_json::json!({"name": "w", "allowedOrigins": ["https://app.example.com"]})
                .as_object()
                .cloned()
                .unwrap(),
            1.0,
        );
        assert_eq!(
            validate_visitor_origin(&db, &ws, None).unwrap_err(),
            "Origin header is required when allowed origins are configured"
        );
        assert_eq!(
            validate_visitor_origin(&db, &ws, Some("not a url")).unwrap_err(),
            "Origin must be a valid http(s) origin"
        );
        assert_eq!(
            validate_visitor_origin(&db, &ws, Some("https://evil.example.org")).unwrap_err(),
            "Origin not in allowed list"
        );
        assert!(validate_visitor_origin(&db, &ws, Some("https://app.example.com/path")).is_ok());
        assert_eq!(db.get(&ws).and_then(|w| w.str_field("name")), Some("w"));
    }
}
