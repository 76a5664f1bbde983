//! `tours.ts`, the visitor side (CONTRACT §13): `listAll` (every active tour of the workspace
//! with its ordered steps, the visitor's `tourStatus` and the steps' element selectors, by
//! ascending priority). The visitor's progress through a tour is [`tour_progress`](super::tour_progress).
//! Tours are created through the control API ([`ServerMock::add_tour`](crate::ServerMock::add_tour)).

use serde_json::{json, Value};

use super::audience::{
    active_in_workspace, is_agent, visitor_in_workspace, VISITOR_NOT_IN_WORKSPACE,
};
use super::auth::require_permission;
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "tours:listAll",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        list_all,
    );
}

/// The steps of a tour ordered by `order`.
pub(crate) fn ordered_steps(ctx: &Ctx<'_>, tour_id: &str) -> Vec<Doc> {
    let mut steps = ctx
        .db
        .filter("tourSteps", |s| s.str_field("tourId") == Some(tour_id));
    steps.sort_by(|a, b| {
        let o = |d: &Doc| d.f64_field("order").unwrap_or(0.0);
        o(a).total_cmp(&o(b))
    });
    steps
}

/// A stable sort by the tour's `priority` (absent: 0), lowest first.
pub(crate) fn priority_ascending(tour: &Doc) -> f64 {
    tour.f64_field("priority").unwrap_or(0.0)
}

/// `requireTourListAccess`: an agent needs `tours.manage` (the visitor is optional); a visitor
/// is the session's, which `visitorId` must name.
fn list_access(ctx: &Ctx<'_>, args: &Doc, workspace_id: &str) -> Result<Option<String>, FnError> {
    if is_agent(ctx) {
        require_permission(ctx, workspace_id, "tours.manage")?;
        return Ok(args.non_empty("visitorId").map(str::to_owned));
    }
    let resolved = resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
    if args
        .non_empty("visitorId")
        .is_some_and(|v| v != resolved.visitor_id)
    {
        return Err(FnError::msg(
            "Not authorized to list tours for this visitor",
        ));
    }
    Ok(Some(resolved.visitor_id))
}

fn list_all(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor_id = list_access(ctx, args, workspace_id)?;
    if let Some(visitor_id) = &visitor_id {
        visitor_in_workspace(ctx, visitor_id, workspace_id, VISITOR_NOT_IN_WORKSPACE)?;
    }
    let mut tours = active_in_workspace(ctx, "tours", workspace_id);
    tours.sort_by(|a, b| priority_ascending(a).total_cmp(&priority_ascending(b)));
    let items: Vec<Value> = tours
        .into_iter()
        .map(|tour| {
            let steps = ordered_steps(ctx, tour.id());
            let status = visitor_id
                .as_deref()
                .and_then(|v| {
                    ctx.db.find("tourProgress", |p| {
                        p.str_field("visitorId") == Some(v)
                            && p.str_field("tourId") == Some(tour.id())
                    })
                })
                .and_then(|p| p.str_field("status"));
            let tour_status = match status {
                Some("completed") => "completed",
                Some("in_progress") => "in_progress",
                _ => "new",
            };
            let selectors: Vec<&str> = steps
                .iter()
                .filter_map(|s| s.non_empty("elementSelector"))
                .collect();
            json!({
                "tour": tour,
                "steps": steps,
                "tourStatus": tour_status,
                "elementSelectors": selectors,
            })
        })
        .collect();
    Ok(Value::Array(items))
}
