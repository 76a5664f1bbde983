//! `snippets.ts` (CONTRACT §15.3): saved replies. Every function, reads included, is an
//! `authQuery`/`authMutation` with `snippets.manage` (owners, admins and agents; viewers are
//! refused). For an id whose snippet is gone the wrappers cannot find the workspace and throw
//! `"Auth wrapper misconfigured: missing workspace resolver"`, as Opencom does.

use std::cmp::Ordering;

use serde_json::{json, Value};

use super::auth::require_permission;
use super::tickets::require_resolved_permission;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

const MANAGE: &str = "snippets.manage";
/// `snippets:search` answers at most this many.
const SEARCH_LIMIT: usize = 20;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "snippets:list",
        object(vec![req("workspaceId", id("workspaces"))]),
        list,
    );
    r.query("snippets:get", object(vec![req("id", id("snippets"))]), get);
    r.query(
        "snippets:search",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("query", string()),
        ]),
        search,
    );
    r.query(
        "snippets:getByShortcut",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("shortcut", string()),
        ]),
        get_by_shortcut,
    );
    r.mutation(
        "snippets:create",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("name", string()),
            req("content", string()),
            opt("shortcut", string()),
            opt("createdBy", id("users")),
        ]),
        create,
    );
    r.mutation(
        "snippets:update",
        object(vec![
            req("id", id("snippets")),
            opt("name", string()),
            opt("content", string()),
            opt("shortcut", string()),
            opt("folderId", id("contentFolders")),
        ]),
        update,
    );
    r.mutation(
        "snippets:remove",
        object(vec![req("id", id("snippets"))]),
        remove,
    );
}

fn in_workspace(ctx: &Ctx<'_>, workspace_id: &str) -> Vec<Doc> {
    ctx.db.filter("snippets", |s| {
        s.str_field("workspaceId") == Some(workspace_id)
    })
}

/// The snippet (if it still exists) after the wrapper's permission check on its workspace.
fn checked(ctx: &Ctx<'_>, id: &str) -> Result<Option<Doc>, FnError> {
    let snippet = ctx.db.get_cloned(id);
    let workspace_id = snippet.as_ref().and_then(|s| s.str_field("workspaceId"));
    require_resolved_permission(ctx, workspace_id, MANAGE)?;
    Ok(snippet)
}

/// By name (`localeCompare`, approximated by a case-insensitive comparison).
fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    require_permission(ctx, workspace_id, MANAGE)?;
    let mut snippets = in_workspace(ctx, workspace_id);
    snippets.sort_by(|a, b| {
        let (a, b) = (
            a.str_field("name").unwrap_or_default(),
            b.str_field("name").unwrap_or_default(),
        );
        match a.to_lowercase().cmp(&b.to_lowercase()) {
            Ordering::Equal => a.cmp(b),
            other => other,
        }
    });
    Ok(Value::Array(
        snippets.into_iter().map(Value::Object).collect(),
    ))
}

fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let snippet = checked(ctx, args.str_field("id").unwrap_or_default())?;
    Ok(snippet.map_or(Value::Null, Value::Object))
}

/// Case-insensitive substring of the name, shortcut or content; at most 20, in creation order.
fn search(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    require_permission(ctx, workspace_id, MANAGE)?;
    let term = args.str_field("query").unwrap_or_default().to_lowercase();
    let hits: Vec<Value> = in_workspace(ctx, workspace_id)
        .into_iter()
        .filter(|s| {
            ["name", "shortcut", "content"].iter().any(|key| {
                s.str_field(key)
                    .is_some_and(|v| v.to_lowercase().contains(&term))
            })
        })
        .take(SEARCH_LIMIT)
        .map(Value::Object)
        .collect();
    Ok(Value::Array(hits))
}

/// The first snippet with exactly this shortcut, or `null`.
fn get_by_shortcut(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    require_permission(ctx, workspace_id, MANAGE)?;
    let shortcut = args.str_field("shortcut").unwrap_or_default();
    Ok(in_workspace(ctx, workspace_id)
        .into_iter()
        .find(|s| s.str_field("shortcut") == Some(shortcut))
        .map_or(Value::Null, Value::Object))
}

fn shortcut_owner(ctx: &Ctx<'_>, workspace_id: &str, shortcut: &str) -> Option<String> {
    ctx.db
        .find("snippets", |s| {
            s.str_field("workspaceId") == Some(workspace_id)
                && s.str_field("shortcut") == Some(shortcut)
        })
        .map(|s| s.id().to_owned())
}

/// Shortcuts are unique per workspace (`"Shortcut already exists"`); `createdBy` may only name
/// the caller. Returns the id.
fn create(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    let user_id = require_permission(ctx, &workspace_id, MANAGE)?;
    if args.str_field("createdBy").is_some_and(|by| by != user_id) {
        return Err(FnError::msg(
            "Cannot create snippet on behalf of another user",
        ));
    }
    if let Some(shortcut) = args.non_empty("shortcut") {
        if shortcut_owner(ctx, &workspace_id, shortcut).is_some() {
            return Err(FnError::msg("Shortcut already exists"));
        }
    }
    let now = ctx.now;
    let id = ctx.db.insert(
        "snippets",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("name", args.get("name").cloned()),
            ("content", args.get("content").cloned()),
            ("shortcut", args.get("shortcut").cloned()),
            ("createdAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
            ("createdBy", args.get("createdBy").cloned()),
        ]),
        now,
    );
    Ok(json!(id))
}

/// Sets the given fields; a `folderId` argument clears the folder (Opencom's behaviour).
/// Returns the id.
fn update(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default().to_owned();
    let snippet = checked(ctx, &id)?.ok_or_else(|| FnError::msg("Snippet not found"))?;
    if let Some(shortcut) = args.str_field("shortcut") {
        let workspace_id = snippet.str_field("workspaceId").unwrap_or_default();
        let taken = snippet.str_field("shortcut") != Some(shortcut)
            && shortcut_owner(ctx, workspace_id, shortcut).is_some_and(|owner| owner != id);
        if taken {
            return Err(FnError::msg("Shortcut already exists"));
        }
    }
    let now = ctx.now;
    let fields = doc([
        ("name", args.get("name").cloned()),
        ("content", args.get("content").cloned()),
        ("shortcut", args.get("shortcut").cloned()),
        ("updatedAt", Some(json!(now))),
    ]);
    if args.get("folderId").is_some() {
        ctx.db.patch_unset(&id, fields, &["folderId"]);
    } else {
        ctx.db.patch(&id, fields);
    }
    Ok(json!(id))
}

/// Returns `{success: true}`.
fn remove(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default().to_owned();
    checked(ctx, &id)?.ok_or_else(|| FnError::msg("Snippet not found"))?;
    ctx.db.delete(&id);
    Ok(json!({"success": true}))
}
