//! Article authoring for agents (CONTRACT §15.3, ported from `articles.ts`): create, update,
//! publish, unpublish, archive, remove. The image assets are in [`super::assets`].
//!
//! Every function needs a Convex Auth JWT (`"Not authenticated"`) of a member of the row's
//! workspace (`"Not a member of this workspace"`) whose role grants the permission (`"Permission
//! denied: <perm>"`): `articles.create` to write articles, `articles.publish` to change an
//! article's status, `articles.delete` to delete them. Owners and admins hold them all; agents and
//! viewers only `articles.read`.
//!
//! A deliberate difference from Opencom, for tenant isolation: `create`/`update` refuse a
//! collection of another workspace (`"Collection not found"`).

use serde_json::json;

use super::{article_id, generate_slug, row, unique_slug_except, ARTICLE_NOT_FOUND};
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::functions::auth::{require_permission, require_user};
use crate::functions::collections::authoring::{collection_in, COLLECTION_NOT_FOUND};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

fn visibility() -> crate::validator::Validator {
    literals(&["public", "internal"])
}

pub(super) fn register(r: &mut Registry) {
    r.mutation(
        "articles:create",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("title", string()),
            req("content", string()),
            opt("collectionId", id("collections")),
            opt("visibility", visibility()),
            opt("tags", array(string())),
            opt("authorId", id("users")),
        ]),
        create_article,
    );
    r.mutation(
        "articles:update",
        object(vec![
            req("id", article_id()),
            // Optional in `articles.ts` (CONTRACT §15.3 lists it without `opt`): accepting
            // both keeps callers that always send it working.
            opt("title", string()),
            opt("content", string()),
            opt("widgetLargeScreen", boolean()),
            opt("collectionId", id("collections")),
            opt("folderId", id("contentFolders")),
            opt("visibility", visibility()),
            opt("tags", array(string())),
            opt("audienceRules", any()),
        ]),
        update_article,
    );
    for (path, handler) in [
        ("articles:publish", publish as crate::registry::Handler),
        ("articles:unpublish", unpublish),
        ("articles:archive", archive),
        ("articles:remove", remove_article),
    ] {
        r.mutation(path, object(vec![req("id", article_id())]), handler);
    }
}

/// The article (authenticated caller first, as the handlers check), and its workspace.
fn article_for(ctx: &Ctx<'_>, args: &Doc) -> Result<(String, String), FnError> {
    require_user(ctx)?;
    let id = args.str_field("id").unwrap_or_default();
    let article = row(ctx.db, "articles", id).ok_or_else(|| FnError::msg(ARTICLE_NOT_FOUND))?;
    Ok((
        article.id().to_owned(),
        article
            .str_field("workspaceId")
            .unwrap_or_default()
            .to_owned(),
    ))
}

fn create_article(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    require_permission(ctx, &workspace_id, "articles.create")?;
    let collection = args.str_field("collectionId").map(str::to_owned);
    if let Some(collection_id) = &collection {
        collection_in(ctx.db, &workspace_id, collection_id, COLLECTION_NOT_FOUND)?;
    }
    let title = args.str_field("title").unwrap_or_default();
    let slug = unique_slug_except(
        ctx.db,
        "articles",
        &workspace_id,
        &generate_slug(title),
        None,
    );
    // Opencom takes the max over the `by_collection` index (all workspaces at the root); the
    // mock keeps it within the workspace.
    let max_order = ctx
        .db
        .scan("articles")
        .filter(|a| {
            a.str_field("workspaceId") == Some(workspace_id.as_str())
                && a.str_field("collectionId") == collection.as_deref()
        })
        .filter_map(|a| a.f64_field("order"))
        .fold(0.0, f64::max);
    let now = ctx.now;
    let id = ctx.db.insert(
        "articles",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("collectionId", collection.map(|c| json!(c))),
            ("title", Some(json!(title))),
            ("slug", Some(json!(slug))),
            ("content", args.get("content").cloned()),
            ("widgetLargeScreen", Some(json!(false))),
            (
                "visibility",
                Some(json!(args.str_field("visibility").unwrap_or("public"))),
            ),
            ("status", Some(json!("draft"))),
            ("order", Some(json!(max_order + 1.0))),
            ("createdAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
            ("tags", args.get("tags").cloned()),
            ("authorId", args.get("authorId").cloned()),
        ]),
        now,
    );
    Ok(json!(id))
}

fn update_article(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (id, workspace_id) = article_for(ctx, args)?;
    require_permission(ctx, &workspace_id, "articles.create")?;
    if let Some(collection_id) = args.str_field("collectionId") {
        collection_in(ctx.db, &workspace_id, collection_id, COLLECTION_NOT_FOUND)?;
    }
    let current_title = ctx
        .db
        .get(&id)
        .and_then(|a| a.str_field("title"))
        .unwrap_or_default()
        .to_owned();
    let mut updates = doc([("updatedAt", Some(json!(ctx.now)))]);
    let mut unset: Vec<&str> = Vec::new();
    if let Some(title) = args.str_field("title").filter(|t| *t != current_title) {
        let slug = unique_slug_except(
            ctx.db,
            "articles",
            &workspace_id,
            &generate_slug(title),
            Some(&id),
        );
        updates.insert("title".into(), json!(title));
        updates.insert("slug".into(), json!(slug));
    }
    for key in [
        "content",
        "widgetLargeScreen",
        "collectionId",
        "visibility",
        "tags",
        "audienceRules",
    ] {
        if let Some(value) = args.get(key) {
            updates.insert(key.into(), value.clone());
        }
    }
    if let Some(folder) = args.get("folderId") {
        updates.insert("legacyFolderId".into(), folder.clone());
        unset.push("folderId");
    }
    if args.get("audienceRules").is_none() && args.str_field("visibility") == Some("internal") {
        unset.push("audienceRules");
    }
    ctx.db.patch_unset(&id, updates, &unset);
    Ok(json!(id))
}

fn set_status(ctx: &mut Ctx<'_>, args: &Doc, status: &str) -> FnResult {
    let (id, workspace_id) = article_for(ctx, args)?;
    require_permission(ctx, &workspace_id, "articles.publish")?;
    let now = ctx.now;
    let mut fields = doc([
        ("status", Some(json!(status))),
        ("updatedAt", Some(json!(now))),
    ]);
    let mut unset: Vec<&str> = Vec::new();
    match status {
        "published" => {
            fields.insert("publishedAt".into(), json!(now));
        }
        "draft" => unset.push("publishedAt"),
        _ => {}
    }
    ctx.db.patch_unset(&id, fields, &unset);
    Ok(json!(id))
}

fn publish(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    set_status(ctx, args, "published")
}

fn unpublish(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    set_status(ctx, args, "draft")
}

fn archive(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    set_status(ctx, args, "archived")
}

fn remove_article(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (id, workspace_id) = article_for(ctx, args)?;
    require_permission(ctx, &workspace_id, "articles.delete")?;
    ctx.db.delete(&id);
    Ok(json!({"success": true}))
}
