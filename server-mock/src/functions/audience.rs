//! What the engagement modules (surveys, carousels, checklists, outbound messages, tours)
//! share: resolving the visitor a call is for (an agent JWT takes the agent branch, else the
//! `sessionToken` + `workspaceId` session, which a `visitorId` argument must name), the audience
//! rules of `audienceRules.ts`, the `scheduling` window and `matchPageUrl`.

use serde_json::Value;

use super::auth::{require_permission, require_user};
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::FnError;
use crate::db::{Doc, DocExt};
use crate::registry::Ctx;

/// What a visitor branch throws when `visitorId` names another visitor than the session's.
pub(crate) const NOT_AUTHORIZED_VISITOR: &str = "Not authorized for requested visitor";
/// What the visitor checks throw for a visitor of another workspace (or none).
pub(crate) const VISITOR_NOT_IN_WORKSPACE: &str = "Visitor not found in workspace";

/// `getAuthenticatedUserFromSession`: whether the caller is a signed-in agent.
pub(crate) fn is_agent(ctx: &Ctx<'_>) -> bool {
    require_user(ctx).is_ok()
}

/// How a module resolves the visitor of a call.
pub(crate) struct Access {
    /// What an agent needs in the workspace.
    pub(crate) permission: &'static str,
    /// Ends `"visitorId is required for authenticated {what}"`.
    pub(crate) what: &'static str,
    /// The error when the visitor is not one of the workspace, checked for both callers; `None`:
    /// only an agent's visitor is checked (with [`VISITOR_NOT_IN_WORKSPACE`]).
    pub(crate) not_found: Option<&'static str>,
}

/// The common `resolve…VisitorAccess` of the engagement modules. An agent needs the
/// permission in the workspace and must name the visitor; a visitor is the session's, which
/// `visitorId` (when given) must name. Then the visitor is checked to be in the workspace.
pub(crate) fn resolve_visitor(
    ctx: &Ctx<'_>,
    args: &Doc,
    workspace_id: &str,
    access: &Access,
) -> Result<String, FnError> {
    let agent = is_agent(ctx);
    let visitor_id = if agent {
        require_permission(ctx, workspace_id, access.permission)?;
        args.non_empty("visitorId")
            .map(str::to_owned)
            .ok_or_else(|| {
                FnError::msg(format!(
                    "visitorId is required for authenticated {}",
                    access.what
                ))
            })?
    } else {
        let resolved =
            resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
        if args
            .non_empty("visitorId")
            .is_some_and(|claimed| claimed != resolved.visitor_id)
        {
            return Err(FnError::msg(NOT_AUTHORIZED_VISITOR));
        }
        resolved.visitor_id
    };
    let check = match (access.not_found, agent) {
        (Some(error), _) => Some(error),
        (None, true) => Some(VISITOR_NOT_IN_WORKSPACE),
        (None, false) => None,
    };
    if let Some(error) = check {
        visitor_in_workspace(ctx, &visitor_id, workspace_id, error)?;
    }
    Ok(visitor_id)
}

/// The visitor document, if it belongs to `workspace_id`; else `error`.
pub(crate) fn visitor_in_workspace(
    ctx: &Ctx<'_>,
    visitor_id: &str,
    workspace_id: &str,
    error: &str,
) -> Result<Doc, FnError> {
    ctx.db
        .get(visitor_id)
        .filter(|v| {
            ctx.db.table_of(visitor_id) == Some("visitors")
                && v.str_field("workspaceId") == Some(workspace_id)
        })
        .cloned()
        .ok_or_else(|| FnError::msg(error))
}

/// The active documents of `table` in the workspace, oldest first.
pub(crate) fn active_in_workspace(ctx: &Ctx<'_>, table: &str, workspace_id: &str) -> Vec<Doc> {
    ctx.db.filter(table, |d| {
        d.str_field("workspaceId") == Some(workspace_id) && d.str_field("status") == Some("active")
    })
}

/// The `scheduling: {startDate?, endDate?}` window contains `now` (no window: always).
pub(crate) fn in_schedule(item: &Doc, now: f64) -> bool {
    let Some(scheduling) = item.obj_field("scheduling") else {
        return true;
    };
    let start = scheduling.f64_field("startDate").filter(|s| *s != 0.0);
    let end = scheduling.f64_field("endDate").filter(|e| *e != 0.0);
    !(start.is_some_and(|s| now < s) || end.is_some_and(|e| now > e))
}

/// `audienceRules ?? targeting` of an item matches the visitor (no rules: everyone).
pub(crate) fn matches_audience(item: &Doc, visitor: &Doc) -> bool {
    match item.get("audienceRules").or_else(|| item.get("targeting")) {
        None | Some(Value::Null) => true,
        Some(rule) => evaluate_rule(rule, visitor),
    }
}

/// `evaluateRule`: a group `{type:"group", operator:"and"|"or", conditions:[…]}` or a condition
/// `{type:"condition", property:{source:"system"|"custom", key}, operator, value?}`. A segment
/// reference (`{segmentId}`) is not modelled and matches nobody.
pub(crate) fn evaluate_rule(rule: &Value, visitor: &Doc) -> bool {
    let Some(rule) = rule.as_object() else {
        return false;
    };
    if rule.get("type").and_then(Value::as_str) == Some("group") || rule.contains_key("conditions")
    {
        let conditions = rule
            .get("conditions")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if conditions.is_empty() {
            return true;
        }
        return match rule.get("operator").and_then(Value::as_str) {
            Some("or") => conditions.iter().any(|c| evaluate_rule(c, visitor)),
            _ => conditions.iter().all(|c| evaluate_rule(c, visitor)),
        };
    }
    if rule.contains_key("property") {
        return evaluate_condition(rule, visitor);
    }
    false
}

fn property_value<'a>(property: &Doc, visitor: &'a Doc) -> Option<&'a Value> {
    let key = property.str_field("key")?;
    let value = match property.str_field("source") {
        Some("custom") => visitor.obj_field("customAttributes")?.get(key),
        _ => match key.split_once('.') {
            Some((outer, inner)) => visitor.obj_field(outer)?.get(inner),
            None => visitor.get(key),
        },
    };
    value.filter(|v| !v.is_null())
}

fn evaluate_condition(condition: &Doc, visitor: &Doc) -> bool {
    let Some(property) = condition.obj_field("property") else {
        return false;
    };
    let actual = property_value(property, visitor);
    let expected = condition.get("value");
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.to_lowercase()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    let numbers = || Some((actual?.as_f64()?, expected?.as_f64()?));
    match condition.str_field("operator").unwrap_or_default() {
        "equals" => actual.is_some() && text(actual) == text(expected),
        "not_equals" => text(actual) != text(expected),
        "contains" => {
            matches!((text(actual), text(expected)), (Some(a), Some(e)) if a.contains(&e))
        }
        "not_contains" => {
            !matches!((text(actual), text(expected)), (Some(a), Some(e)) if a.contains(&e))
        }
        "starts_with" => {
            matches!((text(actual), text(expected)), (Some(a), Some(e)) if a.starts_with(&e))
        }
        "ends_with" => {
            matches!((text(actual), text(expected)), (Some(a), Some(e)) if a.ends_with(&e))
        }
        "greater_than" => numbers().is_some_and(|(a, e)| a > e),
        "less_than" => numbers().is_some_and(|(a, e)| a < e),
        "greater_than_or_equals" => numbers().is_some_and(|(a, e)| a >= e),
        "less_than_or_equals" => numbers().is_some_and(|(a, e)| a <= e),
        "is_set" => actual.is_some(),
        "is_not_set" => actual.is_none(),
        _ => false,
    }
}

/// `matchPageUrl` of `outboundMessages.ts`: `exact`, `contains` (the default) or `regex` (an
/// invalid pattern matches nothing).
pub(crate) fn match_page_url(current_url: &str, pattern: &str, match_type: &str) -> bool {
    match match_type {
        "exact" => current_url == pattern,
        "contains" => current_url.contains(pattern),
        "regex" => regex::Regex::new(pattern).is_ok_and(|re| re.is_match(current_url)),
        _ => false,
    }
}

/// The oldest-first rows of `table` whose `visitorId` is `visitor_id`.
pub(crate) fn rows_of_visitor(ctx: &Ctx<'_>, table: &str, visitor_id: &str) -> Vec<Doc> {
    ctx.db
        .filter(table, |r| r.str_field("visitorId") == Some(visitor_id))
}

/// `Math.min(Math.floor(limit ?? default), max)`, `default` for a non-finite or non-positive
/// limit (`clampLimit`).
pub(crate) fn clamp_limit(limit: Option<f64>, default: usize, max: usize) -> usize {
    match limit {
        Some(l) if l.is_finite() && l > 0.0 => (l.floor() as usize).min(max),
        _ => default,
    }
}

/// A non-empty list of `Value`s as JSON.
pub(crate) fn values(docs: Vec<Doc>) -> Value {
    Value::Array(docs.into_iter().map(Value::Object).collect())
}
