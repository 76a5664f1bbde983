//! `workspaces.ts`: the public workspace reads (`get`, `validateOrigin`,
//! `getPublicWorkspaceContext`).

use serde_json::{json, Value};

use super::articles::{help_center_is_public, is_visible};
use super::origin_validation::{allowed_origins, matches_allowed_origin};
use crate::convex::FnResult;
use crate::db::{Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "workspaces:get",
        object(vec![req("id", id("workspaces"))]),
        get,
    );
    r.query(
        "workspaces:validateOrigin",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("origin", string()),
        ]),
        validate_origin,
    );
    r.query(
        "workspaces:getPublicWorkspaceContext",
        object(vec![
            opt("workspaceId", id("workspaces")),
            opt("articleSlug", string()),
        ]),
        get_public_workspace_context,
    );
}

/// Non-members (everyone, in this phase) see `{_id, _creationTime, name, createdAt}`.
fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    Ok(ctx.db.get(id).map_or(Value::Null, |w| {
        json!({
            "_id": w.get("_id"),
            "_creationTime": w.get("_creationTime"),
            "name": w.get("name"),
            "createdAt": w.get("createdAt"),
        })
    }))
}

pub(crate) fn validate_origin(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let origin = args.str_field("origin").unwrap_or_default();
    if ctx.db.get(workspace_id).is_none() {
        return Ok(json!({"valid": false, "reason": "Workspace not found"}));
    }
    let allowed = allowed_origins(ctx.db, workspace_id);
    if allowed.is_empty() {
        return Ok(json!({"valid": true, "reason": "No origin restrictions configured"}));
    }
    if !(origin.starts_with("http://") || origin.starts_with("https://")) {
        return Ok(json!({"valid": false, "reason": "Origin must be a valid http(s) origin"}));
    }
    let valid = allowed
        .iter()
        .any(|entry| matches_allowed_origin(origin, entry));
    Ok(json!({
        "valid": valid,
        "reason": if valid { "Origin allowed" } else { "Origin not in allowed list" },
    }))
}

fn public_context(workspace: &Doc) -> Value {
    json!({
        "_id": workspace.get("_id"),
        "name": workspace.get("name"),
        "helpCenterAccessPolicy": workspace
            .str_field("helpCenterAccessPolicy")
            .unwrap_or("public"),
    })
}

/// With a `workspaceId`: that workspace. Else, with an `articleSlug` that exactly one public
/// help center publishes: that workspace. Else the oldest workspace with a published public
/// article, else the oldest workspace.
fn get_public_workspace_context(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    if let Some(id) = args.str_field("workspaceId") {
        return Ok(ctx.db.get(id).map_or(Value::Null, public_context));
    }
    let readable = |article: &Doc| {
        article
            .str_field("workspaceId")
            .is_some_and(|w| help_center_is_public(ctx.db, w))
            && is_visible(article)
    };
    if let Some(slug) = args.non_empty("articleSlug") {
        let mut workspaces: Vec<&str> = ctx
            .db
            .scan("articles")
            .filter(|a| a.str_field("slug") == Some(slug) && readable(a))
            .filter_map(|a| a.str_field("workspaceId"))
            .collect();
        workspaces.sort_unstable();
        workspaces.dedup();
        if let [only] = workspaces.as_slice() {
            return Ok(ctx.db.get(only).map_or(Value::Null, public_context));
        }
    }
    let mut by_age: Vec<&Doc> = ctx.db.scan("workspaces").collect();
    by_age.sort_by(|a, b| {
        let created = |d: &Doc| d.f64_field("createdAt").unwrap_or(0.0);
        created(a).total_cmp(&created(b))
    });
    let with_content = by_age.iter().find(|w| {
        help_center_is_public(ctx.db, w.id())
            && ctx
                .db
                .scan("articles")
                .any(|a| a.str_field("workspaceId") == Some(w.id()) && is_visible(a))
    });
    Ok(with_content
        .or(by_age.first())
        .map_or(Value::Null, |w| public_context(w)))
}
