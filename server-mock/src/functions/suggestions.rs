//! `suggestions.ts`, the widget side: `searchForWidget` (an action), the instant article
//! suggestions (CONTRACT §8).
//!
//! Opencom ranks by a vector search over article embeddings; the mock has no model and scores
//! each published public article of the workspace by word overlap instead (see [`score`]).
//! The checks run in Opencom's order: the query length, then the session
//! (`widgetSessions:validateSessionToken`), then the origin (`workspaces:validateOrigin`), then
//! `automationSettings.suggestArticlesEnabled`.

use serde_json::{json, Value};

use super::articles::is_visible;
use super::widget_sessions::validate_session_token;
use super::workspaces::validate_origin;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

/// Longer (normalised) queries are refused.
const MAX_QUERY_CHARS: usize = 200;
/// Snippets are cut to this many characters (`createSnippet`).
const SNIPPET_CHARS: usize = 200;

pub(crate) fn register(r: &mut Registry) {
    r.action(
        "suggestions:searchForWidget",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("visitorId", id("visitors")),
            req("sessionToken", string()),
            opt("origin", string()),
            req("query", string()),
            opt("limit", number()),
        ]),
        search_for_widget,
    );
}

/// `automationSettings.suggestArticlesEnabled` of a workspace (false when unset).
pub(crate) fn suggestions_enabled(db: &Db, workspace_id: &str) -> bool {
    db.find("automationSettings", |s| {
        s.str_field("workspaceId") == Some(workspace_id)
    })
    .and_then(|s| s.bool_field("suggestArticlesEnabled"))
    .unwrap_or(false)
}

/// The lowercase alphanumeric words of a text.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The mock's stand-in for vector similarity, in [0, 1]: the mean over the query's distinct
/// words of 1 (the word is in the title), 0.5 (only in the content) or 0.
pub(crate) fn score(query: &str, title: &str, content: &str) -> f64 {
    let mut query_words = words(query);
    query_words.sort();
    query_words.dedup();
    if query_words.is_empty() {
        return 0.0;
    }
    let title_words = words(title);
    let content_words = words(content);
    let total: f64 = query_words
        .iter()
        .map(|w| {
            if title_words.contains(w) {
                1.0
            } else if content_words.contains(w) {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    total / query_words.len() as f64
}

/// `createSnippet`: tags stripped, whitespace collapsed, at most 200 characters (197 + `...`).
pub(crate) fn snippet(content: &str) -> String {
    let mut without_tags = String::with_capacity(content.len());
    let mut in_tag = false;
    for c in content.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => without_tags.push(c),
            _ => {}
        }
    }
    let cleaned = without_tags
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if cleaned.chars().count() <= SNIPPET_CHARS {
        return cleaned;
    }
    let cut: String = cleaned.chars().take(SNIPPET_CHARS - 3).collect();
    format!("{cut}...")
}

/// `Math.max(1, Math.min(limit || 3, 5))`: 0, NaN and absent mean 3.
pub(crate) fn clamp_limit(limit: Option<f64>) -> f64 {
    let limit = limit.filter(|l| *l != 0.0 && !l.is_nan()).unwrap_or(3.0);
    limit.clamp(1.0, 5.0)
}

fn search_for_widget(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let query = args
        .str_field("query")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if query.chars().count() < 2 {
        return Ok(json!([]));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(FnError::msg("Query exceeds max length"));
    }
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    let session = validate_session_token(
        ctx,
        &doc([
            ("workspaceId", args.get("workspaceId").cloned()),
            ("visitorId", args.get("visitorId").cloned()),
            ("sessionToken", args.get("sessionToken").cloned()),
        ]),
    )?;
    if session["valid"] != Value::Bool(true) {
        let reason = session["reason"]
            .as_str()
            .filter(|r| !r.is_empty())
            .unwrap_or("Session token validation failed");
        return Err(FnError::msg(reason));
    }
    let origin = validate_origin(
        ctx,
        &doc([
            ("workspaceId", args.get("workspaceId").cloned()),
            (
                "origin",
                Some(args.get("origin").cloned().unwrap_or_else(|| json!(""))),
            ),
        ]),
    )?;
    if origin["valid"] != Value::Bool(true) {
        let reason = origin["reason"]
            .as_str()
            .filter(|r| !r.is_empty())
            .unwrap_or("Origin validation failed");
        return Err(FnError::msg(reason));
    }
    let limit = clamp_limit(args.f64_field("limit"));
    if !suggestions_enabled(ctx.db, &workspace_id) {
        return Ok(json!([]));
    }
    let mut scored: Vec<(f64, f64, Value)> = ctx
        .db
        .scan("articles")
        .filter(|a| a.str_field("workspaceId") == Some(workspace_id.as_str()) && is_visible(a))
        .filter_map(|a| {
            let title = a.str_field("title").unwrap_or_default();
            let content = a.str_field("content").unwrap_or_default();
            let s = score(&query, title, content);
            (s > 0.0).then(|| {
                (
                    s,
                    a.f64_field("order").unwrap_or(0.0),
                    json!({"id": a.id(), "title": title, "snippet": snippet(content), "score": s}),
                )
            })
        })
        .collect();
    // Best first; ties by `order`, then creation order (the sort is stable).
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.total_cmp(&b.1)));
    let mut out = Vec::new();
    for (_, _, item) in scored {
        if out.len() as f64 >= limit {
            break;
        }
        out.push(item);
    }
    Ok(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_prefer_title_words() {
        assert_eq!(score("reset password", "Reset your password", ""), 1.0);
        assert_eq!(
            score("reset password", "Account", "Reset it in settings"),
            0.25
        );
        assert_eq!(score("Reset RESET", "reset", ""), 1.0);
        assert_eq!(score("billing", "Refunds", "How refunds work"), 0.0);
        assert_eq!(score("!!", "x", "y"), 0.0);
    }

    #[test]
    fn limits_are_clamped_like_javascript() {
        assert_eq!(clamp_limit(None), 3.0);
        assert_eq!(clamp_limit(Some(0.0)), 3.0);
        assert_eq!(clamp_limit(Some(f64::NAN)), 3.0);
        assert_eq!(clamp_limit(Some(-4.0)), 1.0);
        assert_eq!(clamp_limit(Some(9.0)), 5.0);
        assert_eq!(clamp_limit(Some(2.0)), 2.0);
    }

    #[test]
    fn snippets_are_cleaned_and_cut() {
        assert_eq!(
            snippet("<p>Open   <b>Settings</b></p>\n now"),
            "Open Settings now"
        );
        let long = "word ".repeat(100);
        let cut = snippet(&long);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with("..."));
    }
}
