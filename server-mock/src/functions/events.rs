//! `events.ts`: custom events (`track`), automatic events with a per-visitor rate limit
//! (`trackAutoEvent`), and the visitor-side reads (`list`, `count`).

use serde_json::{json, Value};

use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::{shared, v::*};

const AUTO_EVENT_TYPES: &[&str] = &["page_view", "screen_view", "session_start", "session_end"];
const RATE_LIMIT_WINDOW_MS: f64 = 60.0 * 1000.0;
const RATE_LIMIT_MAX_EVENTS: usize = 100;
const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

pub(crate) fn register(r: &mut Registry) {
    r.mutation(
        "events:track",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("name", string()),
            opt("properties", shared::event_properties()),
            opt("url", string()),
            opt("sessionId", string()),
        ]),
        track,
    );
    r.mutation(
        "events:trackAutoEvent",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("eventType", literals(AUTO_EVENT_TYPES)),
            opt("properties", shared::event_properties()),
            opt("url", string()),
            opt("sessionId", string()),
        ]),
        track_auto_event,
    );
    r.query(
        "events:list",
        object(vec![
            req("visitorId", id("visitors")),
            opt("limit", number()),
            opt("sessionToken", string()),
            opt("workspaceId", id("workspaces")),
        ]),
        list,
    );
    r.query(
        "events:count",
        object(vec![
            req("visitorId", id("visitors")),
            req("name", string()),
            opt("withinDays", number()),
            opt("sessionToken", string()),
            opt("workspaceId", id("workspaces")),
        ]),
        count,
    );
}

/// The visitor an event is recorded for: the token's visitor when a token is sent (session
/// errors propagate), else the `visitorId` argument.
fn event_visitor(ctx: &Ctx<'_>, args: &Doc) -> Result<Option<String>, FnError> {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    if let Some(token) = args.non_empty("sessionToken") {
        let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
        return Ok(Some(resolved.visitor_id));
    }
    Ok(args.str_field("visitorId").map(str::to_owned))
}

fn insert_event(ctx: &mut Ctx<'_>, args: &Doc, visitor_id: &str, name: &str, kind: &str) -> String {
    let now = ctx.now;
    ctx.db.insert(
        "events",
        doc([
            ("workspaceId", args.get("workspaceId").cloned()),
            ("visitorId", Some(json!(visitor_id))),
            ("name", Some(json!(name))),
            ("properties", args.get("properties").cloned()),
            ("timestamp", Some(json!(now))),
            ("url", args.get("url").cloned()),
            ("sessionId", args.get("sessionId").cloned()),
            ("eventType", Some(json!(kind))),
        ]),
        now,
    )
}

fn track(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor_id) = event_visitor(ctx, args)? else {
        return Err(FnError::msg("Visitor ID required"));
    };
    let name = args.str_field("name").unwrap_or_default().to_owned();
    let event_id = insert_event(ctx, args, &visitor_id, &name, "manual");
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    super::checklists::check_auto_completion(ctx, &workspace_id, &visitor_id, Some(&name));
    Ok(json!(event_id))
}

fn track_auto_event(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor_id) = event_visitor(ctx, args)? else {
        return Ok(Value::Null);
    };
    let window_start = ctx.now - RATE_LIMIT_WINDOW_MS;
    let recent_auto_events = ctx
        .db
        .scan("events")
        .filter(|e| {
            e.str_field("visitorId") == Some(visitor_id.as_str())
                && e.f64_field("timestamp").is_some_and(|t| t >= window_start)
                && e.str_field("eventType")
                    .is_some_and(|k| AUTO_EVENT_TYPES.contains(&k))
        })
        .count();
    if recent_auto_events >= RATE_LIMIT_MAX_EVENTS {
        return Ok(Value::Null);
    }
    let kind = args.str_field("eventType").unwrap_or_default().to_owned();
    Ok(json!(insert_event(ctx, args, &visitor_id, &kind, &kind)))
}

/// The visitor path of `events:list`/`count`: both a token and a workspace, matching the visitor.
fn visitor_may_read(ctx: &Ctx<'_>, args: &Doc, visitor: &Doc) -> bool {
    let (Some(token), Some(workspace_id)) = (
        args.non_empty("sessionToken"),
        args.str_field("workspaceId"),
    ) else {
        return false;
    };
    resolve_visitor_from_session(ctx, Some(token), workspace_id).is_ok_and(|resolved| {
        resolved.visitor_id == visitor.id()
            && visitor.str_field("workspaceId") == Some(workspace_id)
    })
}

fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = args.str_field("visitorId").unwrap_or_default();
    let Some(visitor) = ctx.db.get(visitor_id) else {
        return Ok(json!([]));
    };
    // No agent identities in this phase: only the visitor path can succeed.
    if !visitor_may_read(ctx, args, visitor) {
        return Ok(json!([]));
    }
    let limit = args.f64_field("limit").unwrap_or(100.0).max(0.0) as usize;
    let mut events = ctx
        .db
        .filter("events", |e| e.str_field("visitorId") == Some(visitor_id));
    events.reverse();
    events.truncate(limit);
    Ok(Value::Array(
        events.into_iter().map(Value::Object).collect(),
    ))
}

fn count(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = args.str_field("visitorId").unwrap_or_default();
    let Some(visitor) = ctx.db.get(visitor_id) else {
        return Ok(json!(0));
    };
    if !visitor_may_read(ctx, args, visitor) {
        return Ok(json!(0));
    }
    let name = args.str_field("name").unwrap_or_default();
    let cutoff = args.f64_field("withinDays").map(|d| ctx.now - d * DAY_MS);
    let n = ctx
        .db
        .scan("events")
        .filter(|e| {
            e.str_field("visitorId") == Some(visitor_id)
                && e.str_field("name") == Some(name)
                && cutoff.is_none_or(|c| e.f64_field("timestamp").is_some_and(|t| t >= c))
        })
        .count();
    Ok(json!(n))
}
