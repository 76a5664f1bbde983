//! `tooltips.ts`, the visitor side (CONTRACT §13): `getAvailableTooltips`, the workspace's
//! tooltips (most recently updated first) whose audience matches the visitor and whose trigger
//! matches the `triggerContext`. Tooltips are created through the control API
//! ([`ServerMock::add_tooltip`](crate::ServerMock::add_tooltip)).
//!
//! The trigger evaluation follows Opencom's trigger types: none or `immediate` always,
//! `page_visit` (the `pageUrl` against `currentUrl`, `pageUrlMatch` as in outbound messages),
//! `time_on_page` (`delaySeconds` reached), `scroll_depth` (`scrollPercent` reached), `event`
//! (`eventName` fired) and `exit_intent`.

use serde_json::Value;

use super::audience::{clamp_limit, match_page_url, matches_audience, values};
use super::auth::{require_permission, require_user};
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::shared;
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "tooltips:getAvailableTooltips",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("limit", number()),
            opt(
                "triggerContext",
                object(vec![
                    opt("currentUrl", string()),
                    opt("timeOnPageSeconds", number()),
                    opt("scrollPercent", number()),
                    opt("firedEventName", string()),
                    opt("firedEventProperties", shared::event_properties()),
                    opt("isExitIntent", boolean()),
                ]),
            ),
        ]),
        get_available_tooltips,
    );
}

/// `evaluateTrigger(tooltip.triggers, triggerContext)`.
fn trigger_matches(triggers: Option<&Doc>, context: &Doc) -> bool {
    let Some(triggers) = triggers else {
        return true;
    };
    let number = |d: &Doc, k: &str| d.f64_field(k);
    match triggers.str_field("type").unwrap_or("immediate") {
        "immediate" => true,
        "page_visit" => match (
            triggers.non_empty("pageUrl"),
            context.str_field("currentUrl"),
        ) {
            (None, _) => true,
            (Some(pattern), Some(url)) => match_page_url(
                url,
                pattern,
                triggers.str_field("pageUrlMatch").unwrap_or("contains"),
            ),
            (Some(_), None) => false,
        },
        "time_on_page" => number(context, "timeOnPageSeconds")
            .is_some_and(|t| t >= number(triggers, "delaySeconds").unwrap_or(0.0)),
        "scroll_depth" => number(context, "scrollPercent")
            .is_some_and(|s| s >= number(triggers, "scrollPercent").unwrap_or(0.0)),
        "event" => triggers
            .non_empty("eventName")
            .is_some_and(|name| context.str_field("firedEventName") == Some(name)),
        "exit_intent" => context.bool_field("isExitIntent") == Some(true),
        _ => false,
    }
}

fn get_available_tooltips(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let limit = clamp_limit(args.f64_field("limit"), 100, 500);
    let visitor_id = if require_user(ctx).is_ok() {
        require_permission(ctx, workspace_id, "articles.read")?;
        match args.non_empty("visitorId") {
            Some(v) => v.to_owned(),
            None => return Ok(Value::Array(Vec::new())),
        }
    } else {
        let resolved =
            resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
        if args
            .non_empty("visitorId")
            .is_some_and(|v| v != resolved.visitor_id)
        {
            return Err(FnError::msg(
                "Not authorized to list tooltips for this visitor",
            ));
        }
        resolved.visitor_id
    };
    let Some(visitor) = ctx
        .db
        .get(&visitor_id)
        .filter(|v| v.str_field("workspaceId") == Some(workspace_id))
        .cloned()
    else {
        return Ok(Value::Array(Vec::new()));
    };
    let mut tooltips = ctx.db.filter("tooltips", |t| {
        t.str_field("workspaceId") == Some(workspace_id)
    });
    // `by_workspace_updated_at`, descending (the newest row first among equal times).
    tooltips.reverse();
    tooltips.sort_by(|a, b| {
        let at = |d: &Doc| d.f64_field("updatedAt").unwrap_or(0.0);
        at(b).total_cmp(&at(a))
    });
    tooltips.truncate(limit);
    let context = args
        .obj_field("triggerContext")
        .cloned()
        .unwrap_or_default();
    tooltips.retain(|t| {
        matches_audience(t, &visitor) && trigger_matches(t.obj_field("triggers"), &context)
    });
    Ok(values(tooltips))
}
