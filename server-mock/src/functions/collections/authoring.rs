//! Collection authoring for agents (CONTRACT §15.3, ported from `collections.ts`): create,
//! update (rename, move), remove, reorder.
//!
//! Every function needs a Convex Auth JWT (`"Not authenticated"`) of a member of the row's
//! workspace (`"Not a member of this workspace"`) whose role grants the permission (`"Permission
//! denied: <perm>"`): `articles.create` for every one of them. Owners and admins hold them all;
//! agents and viewers only `articles.read`.
//!
//! A deliberate difference from Opencom, for tenant isolation: `create` refuses a parent of
//! another workspace (`"Parent collection not found"`).

use serde_json::{json, Value};

use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::functions::articles::{generate_slug, row, unique_slug_except};
use crate::functions::auth::{require_permission, require_user};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) const COLLECTION_NOT_FOUND: &str = "Collection not found";
const PARENT_NOT_FOUND: &str = "Parent collection not found";

pub(super) fn register(r: &mut Registry) {
    r.mutation(
        "collections:create",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("name", string()),
            opt("description", string()),
            opt("icon", string()),
            opt("parentId", id("collections")),
        ]),
        create_collection,
    );
    r.mutation(
        "collections:update",
        object(vec![
            req("id", id("collections")),
            opt("name", string()),
            opt("description", string()),
            opt("icon", string()),
            opt("parentId", union(vec![id("collections"), null()])),
        ]),
        update_collection,
    );
    r.mutation(
        "collections:remove",
        object(vec![req("id", id("collections"))]),
        remove_collection,
    );
    r.mutation(
        "collections:reorder",
        object(vec![
            req("id", id("collections")),
            req("newOrder", number()),
        ]),
        reorder_collection,
    );
}

/// A collection of the workspace, or `missing`.
pub(crate) fn collection_in(
    db: &Db,
    workspace_id: &str,
    id: &str,
    missing: &str,
) -> Result<(), FnError> {
    row(db, "collections", id)
        .filter(|c| c.str_field("workspaceId") == Some(workspace_id))
        .map(drop)
        .ok_or_else(|| FnError::msg(missing))
}

fn create_collection(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    require_permission(ctx, &workspace_id, "articles.create")?;
    let parent = args.str_field("parentId").map(str::to_owned);
    if let Some(parent_id) = &parent {
        collection_in(ctx.db, &workspace_id, parent_id, PARENT_NOT_FOUND)?;
    }
    let name = args.str_field("name").unwrap_or_default();
    let slug = unique_slug_except(
        ctx.db,
        "collections",
        &workspace_id,
        &generate_slug(name),
        None,
    );
    let max_order = ctx
        .db
        .scan("collections")
        .filter(|c| {
            c.str_field("workspaceId") == Some(workspace_id.as_str())
                && c.str_field("parentId") == parent.as_deref()
        })
        .filter_map(|c| c.f64_field("order"))
        .fold(0.0, f64::max);
    let now = ctx.now;
    let id = ctx.db.insert(
        "collections",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("name", Some(json!(name))),
            ("slug", Some(json!(slug))),
            ("description", args.get("description").cloned()),
            ("icon", args.get("icon").cloned()),
            ("parentId", parent.map(|p| json!(p))),
            ("order", Some(json!(max_order + 1.0))),
            ("createdAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(id))
}

/// The collection (authenticated caller first) and its workspace, after the permission check
/// of the `authMutation` wrapper.
fn collection_for(ctx: &Ctx<'_>, args: &Doc) -> Result<(String, Doc), FnError> {
    require_user(ctx)?;
    let id = args.str_field("id").unwrap_or_default();
    let collection = row(ctx.db, "collections", id)
        .cloned()
        .ok_or_else(|| FnError::msg(COLLECTION_NOT_FOUND))?;
    let workspace_id = collection
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    require_permission(ctx, &workspace_id, "articles.create")?;
    Ok((workspace_id, collection))
}

fn update_collection(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (workspace_id, collection) = collection_for(ctx, args)?;
    let id = collection.id().to_owned();
    let mut updates = doc([("updatedAt", Some(json!(ctx.now)))]);
    let mut unset: Vec<&str> = Vec::new();
    if let Some(name) = args
        .str_field("name")
        .filter(|n| Some(*n) != collection.str_field("name"))
    {
        let slug = unique_slug_except(
            ctx.db,
            "collections",
            &workspace_id,
            &generate_slug(name),
            Some(&id),
        );
        updates.insert("name".into(), json!(name));
        updates.insert("slug".into(), json!(slug));
    }
    for key in ["description", "icon"] {
        if let Some(value) = args.get(key) {
            updates.insert(key.into(), value.clone());
        }
    }
    match args.get("parentId") {
        None => {}
        Some(Value::Null) => unset.push("parentId"),
        Some(parent) => {
            let parent_id = parent.as_str().unwrap_or_default();
            if parent_id == id {
                return Err(FnError::msg("Collection cannot be its own parent"));
            }
            let parent_doc = row(ctx.db, "collections", parent_id)
                .filter(|p| p.str_field("workspaceId") == Some(workspace_id.as_str()))
                .ok_or_else(|| FnError::msg(PARENT_NOT_FOUND))?;
            let mut seen = vec![parent_id.to_owned()];
            let mut cursor = parent_doc.str_field("parentId").map(str::to_owned);
            while let Some(ancestor_id) = cursor.filter(|c| !seen.contains(c)) {
                if ancestor_id == id {
                    return Err(FnError::msg(
                        "Collection cannot be moved into its own descendant",
                    ));
                }
                let Some(ancestor) = row(ctx.db, "collections", &ancestor_id)
                    .filter(|a| a.str_field("workspaceId") == Some(workspace_id.as_str()))
                else {
                    break;
                };
                cursor = ancestor.str_field("parentId").map(str::to_owned);
                seen.push(ancestor_id);
            }
            updates.insert("parentId".into(), json!(parent_id));
        }
    }
    ctx.db.patch_unset(&id, updates, &unset);
    Ok(json!(id))
}

fn remove_collection(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (workspace_id, collection) = collection_for(ctx, args)?;
    let id = collection.id();
    let has_children = ctx
        .db
        .find("collections", |c| {
            c.str_field("workspaceId") == Some(workspace_id.as_str())
                && c.str_field("parentId") == Some(id)
        })
        .is_some();
    if has_children {
        return Err(FnError::msg(
            "Cannot delete collection with child collections",
        ));
    }
    if ctx
        .db
        .find("articles", |a| a.str_field("collectionId") == Some(id))
        .is_some()
    {
        return Err(FnError::msg("Cannot delete collection with articles"));
    }
    ctx.db.delete(id);
    Ok(json!({"success": true}))
}

fn reorder_collection(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (_, collection) = collection_for(ctx, args)?;
    let id = collection.id().to_owned();
    let fields = doc([
        ("order", args.get("newOrder").cloned()),
        ("updatedAt", Some(json!(ctx.now))),
    ]);
    ctx.db.patch(&id, fields);
    Ok(json!(id))
}
