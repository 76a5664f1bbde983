//! `commonIssueButtons.ts`: `list`, the enabled quick-action buttons of the messenger home
//! (CONTRACT §12), with the linked article's `{_id, title, slug}`. The mock has no control for
//! adding buttons, so the list is empty unless a test writes `commonIssueButtons` rows.

use serde_json::{json, Value};

use crate::convex::FnResult;
use crate::db::{Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "commonIssueButtons:list",
        object(vec![req("workspaceId", id("workspaces"))]),
        list,
    );
}

fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let mut buttons = ctx.db.filter("commonIssueButtons", |b| {
        b.str_field("workspaceId") == Some(workspace_id)
    });
    // The `by_workspace_order` index.
    let order = |b: &Doc| b.f64_field("order").unwrap_or(0.0);
    buttons.sort_by(|a, b| order(a).total_cmp(&order(b)));
    let out: Vec<Value> = buttons
        .into_iter()
        .map(|mut button| {
            let article = match (button.str_field("action"), button.str_field("articleId")) {
                (Some("article"), Some(article_id)) => {
                    ctx.db.get(article_id).map_or(Value::Null, |a| {
                        json!({"_id": a.get("_id"), "title": a.get("title"), "slug": a.get("slug")})
                    })
                }
                _ => Value::Null,
            };
            button.insert("article".into(), article);
            button
        })
        .filter(|b| b.bool_field("enabled") == Some(true))
        .map(Value::Object)
        .collect();
    Ok(Value::Array(out))
}
