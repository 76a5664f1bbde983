//! `carousels/delivery.ts` and `carousels/helpers.ts`, the visitor side (CONTRACT §13):
//! `listActive` = `getEligible` (active, deliverable carousels the visitor has not completed
//! or dismissed, audience-matched, priority descending, with normalized screens),
//! `recordImpression` = `trackImpression` (a second terminal impression returns the first's
//! id), and the agent-only `get`. Carousels are created through the control API
//! ([`ServerMock::add_carousel`](crate::ServerMock::add_carousel)).

use serde_json::{json, Map, Value};

use super::audience::{
    active_in_workspace, matches_audience, resolve_visitor, rows_of_visitor, values, Access,
    VISITOR_NOT_IN_WORKSPACE,
};
use super::tickets::require_resolved_permission;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    let list_args = || {
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ])
    };
    r.query("carousels:listActive", list_args(), list_eligible);
    r.query("carousels:getEligible", list_args(), list_eligible);
    let impression_args = || {
        object(vec![
            req("carouselId", id("carousels")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("action", literals(&["shown", "completed", "dismissed"])),
            opt("screenIndex", number()),
        ])
    };
    r.mutation(
        "carousels:recordImpression",
        impression_args(),
        track_impression,
    );
    r.mutation(
        "carousels:trackImpression",
        impression_args(),
        track_impression,
    );
    r.query(
        "carousels:get",
        object(vec![req("id", id("carousels"))]),
        get,
    );
}

/// `resolveCarouselVisitorAccess`: the visitor, checked to be in the workspace.
const ACCESS: Access = Access {
    permission: "conversations.read",
    what: "carousel access",
    not_found: Some(VISITOR_NOT_IN_WORKSPACE),
};

fn carousel_visitor(ctx: &Ctx<'_>, args: &Doc, workspace_id: &str) -> Result<Doc, FnError> {
    let visitor_id = resolve_visitor(ctx, args, workspace_id, &ACCESS)?;
    Ok(ctx.db.get_cloned(&visitor_id).unwrap_or_default())
}

fn trimmed(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `normalizeCarouselScreens`: trimmed strings, buttons with a known action and a text, ids
/// defaulting to `screen-<n>`.
pub(crate) fn normalize_screens(raw: Option<&Value>) -> Vec<Value> {
    let Some(screens) = raw.and_then(Value::as_array) else {
        return Vec::new();
    };
    screens
        .iter()
        .enumerate()
        .map(|(index, screen)| {
            let buttons: Vec<Value> = screen
                .get("buttons")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|button| {
                    let action = button.get("action").and_then(Value::as_str)?;
                    if !["url", "dismiss", "next", "deeplink"].contains(&action) {
                        return None;
                    }
                    let text = trimmed(button.get("text"))?;
                    let mut out = Map::new();
                    out.insert("text".into(), json!(text));
                    out.insert("action".into(), json!(action));
                    if let Some(url) = trimmed(button.get("url")) {
                        out.insert("url".into(), json!(url));
                    }
                    if let Some(link) = trimmed(button.get("deepLink")) {
                        out.insert("deepLink".into(), json!(link));
                    }
                    Some(Value::Object(out))
                })
                .collect();
            let id = trimmed(screen.get("id")).unwrap_or_else(|| format!("screen-{}", index + 1));
            Value::Object(doc([
                ("id", Some(json!(id))),
                ("title", trimmed(screen.get("title")).map(Value::from)),
                ("body", trimmed(screen.get("body")).map(Value::from)),
                ("imageUrl", trimmed(screen.get("imageUrl")).map(Value::from)),
                (
                    "buttons",
                    (!buttons.is_empty()).then(|| Value::Array(buttons)),
                ),
            ]))
        })
        .collect()
}

fn is_http_url(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|u| u.scheme() == "http" || u.scheme() == "https")
}

/// `/^[a-z][a-z0-9+.-]*:\/\/.+/i`.
fn is_deep_link(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        && !rest.is_empty()
}

/// `validateCarouselScreens`, with its error texts.
fn validate_screens(raw: Option<&Value>) -> Result<(), FnError> {
    let screens = normalize_screens(raw);
    if screens.is_empty() {
        return Err(FnError::msg("Carousel requires at least one screen."));
    }
    for (i, screen) in screens.iter().enumerate() {
        if screen.get("title").is_none() && screen.get("body").is_none() {
            return Err(FnError::msg(format!(
                "Screen {} must include a title or body.",
                i + 1
            )));
        }
        let buttons = screen.get("buttons").and_then(Value::as_array);
        for (j, button) in buttons
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let field = |k: &str| button.get(k).and_then(Value::as_str).unwrap_or_default();
            match field("action") {
                "url" if !is_http_url(field("url")) => {
                    return Err(FnError::msg(format!(
                        "Screen {}, button {} requires a valid http(s) URL.",
                        i + 1,
                        j + 1
                    )));
                }
                "deeplink" if !is_deep_link(field("deepLink")) => {
                    return Err(FnError::msg(format!(
                        "Screen {}, button {} requires a valid deep link URL.",
                        i + 1,
                        j + 1
                    )));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// `assertCarouselDeliverable`.
fn assert_deliverable(carousel: &Doc) -> Result<(), FnError> {
    if carousel.str_field("status") != Some("active") {
        return Err(FnError::msg("Carousel is not active."));
    }
    validate_screens(carousel.get("screens"))
}

fn is_terminal(impression: &Doc) -> bool {
    matches!(
        impression.str_field("action"),
        Some("completed") | Some("dismissed")
    )
}

fn list_eligible(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor = carousel_visitor(ctx, args, workspace_id)?;
    let impressions = rows_of_visitor(ctx, "carouselImpressions", visitor.id());
    let mut eligible: Vec<Doc> = active_in_workspace(ctx, "carousels", workspace_id)
        .into_iter()
        .filter(|c| {
            !impressions
                .iter()
                .any(|i| i.str_field("carouselId") == Some(c.id()) && is_terminal(i))
        })
        .filter(|c| assert_deliverable(c).is_ok() && matches_audience(c, &visitor))
        .map(|mut c| {
            let screens = normalize_screens(c.get("screens"));
            c.insert("screens".into(), Value::Array(screens));
            c
        })
        .collect();
    sort_by_priority_desc(&mut eligible);
    Ok(values(eligible))
}

/// A stable sort by `priority` (absent: 0), highest first.
pub(crate) fn sort_by_priority_desc(items: &mut [Doc]) {
    items.sort_by(|a, b| {
        let p = |d: &Doc| d.f64_field("priority").unwrap_or(0.0);
        p(b).total_cmp(&p(a))
    });
}

fn track_impression(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let carousel_id = args.str_field("carouselId").unwrap_or_default();
    let carousel = ctx
        .db
        .get_cloned(carousel_id)
        .ok_or_else(|| FnError::msg("Carousel not found"))?;
    assert_deliverable(&carousel)?;
    let workspace_id = carousel.str_field("workspaceId").unwrap_or_default();
    let visitor = carousel_visitor(ctx, args, workspace_id)?;
    let action = args.str_field("action").unwrap_or_default();
    if action == "completed" || action == "dismissed" {
        if let Some(existing) = ctx.db.find("carouselImpressions", |i| {
            i.str_field("visitorId") == Some(visitor.id())
                && i.str_field("carouselId") == Some(carousel_id)
                && is_terminal(i)
        }) {
            return Ok(json!(existing.id()));
        }
    }
    let now = ctx.now;
    let id = ctx.db.insert(
        "carouselImpressions",
        doc([
            ("carouselId", Some(json!(carousel_id))),
            ("visitorId", Some(json!(visitor.id()))),
            ("action", Some(json!(action))),
            ("screenIndex", args.get("screenIndex").cloned()),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(id))
}

/// `carousels:get`, an `authQuery` with `settings.workspace`.
fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let carousel = ctx.db.get_cloned(id);
    let workspace_id = carousel
        .as_ref()
        .and_then(|c| c.str_field("workspaceId"))
        .map(str::to_owned);
    require_resolved_permission(ctx, workspace_id.as_deref(), "settings.workspace")?;
    Ok(carousel.map_or(Value::Null, Value::Object))
}
