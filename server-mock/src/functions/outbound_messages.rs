//! `outboundMessages.ts`, the visitor side (CONTRACT §13): `getEligible` (active messages in
//! their schedule, filtered by frequency — `once` after any `shown`, `once_per_session` after a
//! `shown` in the same `sessionId` — by the `page_visit` trigger's page URL and by audience,
//! priority descending) and `trackImpression` (`null` for a deleted message). Messages are
//! created through the control API
//! ([`ServerMock::add_outbound_message`](crate::ServerMock::add_outbound_message)).

use serde_json::{json, Value};

use super::audience::{
    active_in_workspace, in_schedule, match_page_url, matches_audience, resolve_visitor,
    rows_of_visitor, values, Access, VISITOR_NOT_IN_WORKSPACE,
};
use super::carousels::sort_by_priority_desc;
use crate::convex::FnResult;
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "outboundMessages:getEligible",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("currentUrl", string()),
            opt("sessionId", string()),
        ]),
        get_eligible,
    );
    r.mutation(
        "outboundMessages:trackImpression",
        object(vec![
            req("messageId", id("outboundMessages")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("sessionId", string()),
            req("action", literals(&["shown", "clicked", "dismissed"])),
            opt("buttonIndex", number()),
        ]),
        track_impression,
    );
}

/// The `page_visit` trigger's `pageUrl` (when set) matches `current_url`.
fn page_matches(message: &Doc, current_url: &str) -> bool {
    let Some(triggers) = message.obj_field("triggers") else {
        return true;
    };
    if triggers.str_field("type") != Some("page_visit") {
        return true;
    }
    match triggers.non_empty("pageUrl") {
        Some(pattern) => match_page_url(
            current_url,
            pattern,
            triggers.str_field("pageUrlMatch").unwrap_or("contains"),
        ),
        None => true,
    }
}

fn get_eligible(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let access = Access {
        permission: "conversations.read",
        what: "outbound access",
        not_found: Some(VISITOR_NOT_IN_WORKSPACE),
    };
    let visitor_id = resolve_visitor(ctx, args, workspace_id, &access)?;
    let visitor = ctx.db.get_cloned(&visitor_id).unwrap_or_default();
    let now = ctx.now;
    let current_url = args.str_field("currentUrl").unwrap_or_default();
    let session_id = args.non_empty("sessionId");
    let impressions = rows_of_visitor(ctx, "outboundMessageImpressions", &visitor_id);
    let mut eligible: Vec<Doc> = active_in_workspace(ctx, "outboundMessages", workspace_id)
        .into_iter()
        .filter(|message| {
            let shown: Vec<&Doc> = impressions
                .iter()
                .filter(|i| {
                    i.str_field("messageId") == Some(message.id())
                        && i.str_field("action") == Some("shown")
                })
                .collect();
            let blocked_by_frequency = match message.str_field("frequency") {
                Some("once") => !shown.is_empty(),
                Some("once_per_session") => session_id
                    .is_some_and(|s| shown.iter().any(|i| i.str_field("sessionId") == Some(s))),
                _ => false,
            };
            in_schedule(message, now)
                && !blocked_by_frequency
                && page_matches(message, current_url)
                && matches_audience(message, &visitor)
        })
        .collect();
    sort_by_priority_desc(&mut eligible);
    Ok(values(eligible))
}

fn track_impression(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let message_id = args.str_field("messageId").unwrap_or_default();
    let Some(message) = ctx.db.get_cloned(message_id) else {
        return Ok(Value::Null);
    };
    let workspace_id = message.str_field("workspaceId").unwrap_or_default();
    let access = Access {
        permission: "conversations.read",
        what: "impression tracking",
        not_found: Some("Visitor not found in message workspace"),
    };
    let visitor_id = resolve_visitor(ctx, args, workspace_id, &access)?;
    let now = ctx.now;
    let id = ctx.db.insert(
        "outboundMessageImpressions",
        doc([
            ("messageId", Some(json!(message_id))),
            ("visitorId", Some(json!(visitor_id))),
            ("sessionId", args.get("sessionId").cloned()),
            ("action", args.get("action").cloned()),
            ("buttonIndex", args.get("buttonIndex").cloned()),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(id))
}
