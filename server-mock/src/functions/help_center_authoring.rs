//! Help-center authoring for agents (CONTRACT §15.3, ported from `articles.ts` and
//! `collections.ts`): article create/update/publish/unpublish/archive/remove, the article image
//! assets (`generateAssetUploadUrl` → `POST` the bytes → `saveAsset`, `listAssets`,
//! `deleteAsset`) and collection create/update/remove/reorder.
//!
//! Every function needs a Convex Auth JWT (`"Not authenticated"`) of a member of the row's
//! workspace (`"Not a member of this workspace"`) whose role grants the permission
//! (`"Permission denied: <perm>"`): `articles.create` to write articles and collections,
//! `articles.publish` to change an article's status, `articles.delete` to delete articles and
//! assets, `articles.read` to list assets. Owners and admins hold them all; agents and viewers
//! only `articles.read`.
//!
//! Deliberate differences from Opencom, for tenant isolation: `articles:create`/`update` and
//! `collections:create` refuse a collection (or parent) of another workspace
//! (`"Collection not found"` / `"Parent collection not found"`), and `saveAsset` only accepts a
//! file uploaded through an upload URL of the same workspace (`"Uploaded file not found"`).
//! As on Convex, the asset's MIME type is the `Content-Type` the bytes were uploaded with.

use serde_json::{json, Value};

use super::articles::generate_slug;
use super::auth::{require_permission, require_user};
use super::support_attachments::{STAGED_TTL_MS, STORAGE, UPLOAD_TOKENS};
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::util::new_upload_token;
use crate::validator::v::*;

/// `MAX_ARTICLE_ASSET_BYTES`: 5 MiB.
pub(crate) const MAX_ASSET_BYTES: f64 = 5.0 * 1024.0 * 1024.0;
/// `SUPPORTED_ARTICLE_ASSET_MIME_TYPES`.
pub(crate) const ASSET_MIME_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
];
const ASSET_PREFIX: &str = "oc-asset://";
const ASSETS: &str = "articleAssets";

const ARTICLE_NOT_FOUND: &str = "Article not found";
const COLLECTION_NOT_FOUND: &str = "Collection not found";
const PARENT_NOT_FOUND: &str = "Parent collection not found";

fn article_id() -> crate::validator::Validator {
    union(vec![id("articles"), id("internalArticles")])
}

fn visibility() -> crate::validator::Validator {
    literals(&["public", "internal"])
}

pub(crate) fn register(r: &mut Registry) {
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
    r.mutation(
        "articles:generateAssetUploadUrl",
        object(vec![req("workspaceId", id("workspaces"))]),
        generate_asset_upload_url,
    );
    r.mutation(
        "articles:saveAsset",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("articleId", article_id()),
            opt("importSourceId", id("helpCenterImportSources")),
            opt("importPath", string()),
            req("storageId", id(STORAGE)),
            opt("fileName", string()),
        ]),
        save_asset,
    );
    r.query(
        "articles:listAssets",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("articleId", article_id()),
        ]),
        list_assets,
    );
    r.mutation(
        "articles:deleteAsset",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("assetId", id(ASSETS)),
        ]),
        delete_asset,
    );
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

/// `ensureUniqueSlug` with an excluded row (the one being renamed keeps its own slug free).
fn unique_slug_except(
    db: &Db,
    table: &str,
    workspace_id: &str,
    base: &str,
    except: Option<&str>,
) -> String {
    let taken = |slug: &str| {
        db.find(table, |d| {
            d.str_field("workspaceId") == Some(workspace_id)
                && d.str_field("slug") == Some(slug)
                && Some(d.id()) != except
        })
        .is_some()
    };
    let mut slug = base.to_owned();
    let mut counter = 1u32;
    while taken(&slug) {
        slug = format!("{base}-{counter}");
        counter += 1;
    }
    slug
}

/// A row of `table` by id, if it is one.
fn row<'a>(db: &'a Db, table: &str, id: &str) -> Option<&'a Doc> {
    db.get(id).filter(|_| db.table_of(id) == Some(table))
}

/// A collection of the workspace, or `missing`.
fn collection_in(db: &Db, workspace_id: &str, id: &str, missing: &str) -> Result<(), FnError> {
    row(db, "collections", id)
        .filter(|c| c.str_field("workspaceId") == Some(workspace_id))
        .map(drop)
        .ok_or_else(|| FnError::msg(missing))
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

fn storage_url(ctx: &Ctx<'_>, storage_id: &str) -> Value {
    if ctx.db.get(storage_id).is_some() {
        json!(format!("{}/api/storage/{storage_id}", ctx.url))
    } else {
        Value::Null
    }
}

fn generate_asset_upload_url(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    let user_id = require_permission(ctx, &workspace_id, "articles.create")?;
    if row(ctx.db, "workspaces", &workspace_id).is_none() {
        return Err(FnError::msg("Workspace not found"));
    }
    let token = new_upload_token();
    let now = ctx.now;
    ctx.db.insert(
        UPLOAD_TOKENS,
        doc([
            ("token", Some(json!(token))),
            ("workspaceId", Some(json!(workspace_id))),
            ("uploadedByType", Some(json!("agent"))),
            ("uploadedById", Some(json!(user_id))),
            ("expiresAt", Some(json!(now + STAGED_TTL_MS))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(format!(
        "{}/api/storage/upload?token={token}",
        ctx.url
    )))
}

/// `normalizeAssetFileName`: path-unsafe characters and whitespace runs become `-`, dash runs
/// collapse, edge dashes go; `article-image-<now>` when nothing is left.
fn normalize_asset_file_name(raw: Option<&str>, now: f64) -> String {
    let mut out = String::new();
    for c in raw.unwrap_or_default().trim().chars() {
        let mapped = if matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
            || (c as u32) <= 31
            || c.is_whitespace()
        {
            '-'
        } else {
            c
        };
        if mapped == '-' && out.ends_with('-') {
            continue;
        }
        out.push(mapped);
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        format!("article-image-{}", now as i64)
    } else {
        trimmed.to_owned()
    }
}

fn save_asset(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    let user_id = require_permission(ctx, &workspace_id, "articles.create")?;
    let article = match args.str_field("articleId") {
        Some(article_id) => Some(
            row(ctx.db, "articles", article_id)
                .filter(|a| a.str_field("workspaceId") == Some(workspace_id.as_str()))
                .ok_or_else(|| FnError::msg(ARTICLE_NOT_FOUND))?
                .id()
                .to_owned(),
        ),
        None => None,
    };
    if let Some(source) = args.str_field("importSourceId") {
        row(ctx.db, "helpCenterImportSources", source)
            .filter(|s| s.str_field("workspaceId") == Some(workspace_id.as_str()))
            .ok_or_else(|| FnError::msg("Import source not found"))?;
    }
    let storage_id = args.str_field("storageId").unwrap_or_default().to_owned();
    let file = row(ctx.db, STORAGE, &storage_id)
        .filter(|f| f.str_field("workspaceId") == Some(workspace_id.as_str()))
        .ok_or_else(|| FnError::msg("Uploaded file not found"))?;
    let mime_type = file.str_field("contentType").unwrap_or_default().to_owned();
    let size = file.f64_field("size").unwrap_or(0.0);
    if !ASSET_MIME_TYPES.contains(&mime_type.as_str()) {
        return Err(FnError::msg(
            "Unsupported image type. Allowed: PNG, JPEG, GIF, WEBP, AVIF.",
        ));
    }
    if size > MAX_ASSET_BYTES {
        return Err(FnError::msg("Image exceeds 5MB maximum size."));
    }
    let now = ctx.now;
    let file_name = normalize_asset_file_name(args.str_field("fileName"), now);
    let fields = doc([
        ("workspaceId", Some(json!(workspace_id))),
        ("articleId", article.as_ref().map(|a| json!(a))),
        ("importSourceId", args.get("importSourceId").cloned()),
        ("importPath", args.get("importPath").cloned()),
        ("storageId", Some(json!(storage_id))),
        ("fileName", Some(json!(file_name))),
        ("mimeType", Some(json!(mime_type))),
        ("size", Some(json!(size))),
        ("createdBy", Some(json!(user_id))),
        ("createdAt", Some(json!(now))),
        ("updatedAt", Some(json!(now))),
    ]);
    let existing = match (
        args.str_field("importSourceId"),
        args.str_field("importPath"),
    ) {
        (Some(source), Some(path)) => ctx
            .db
            .find(ASSETS, |a| {
                a.str_field("importSourceId") == Some(source)
                    && a.str_field("importPath") == Some(path)
            })
            .map(|a| {
                (
                    a.id().to_owned(),
                    a.str_field("storageId").unwrap_or_default().to_owned(),
                )
            }),
        _ => None,
    };
    let asset_id = match existing {
        Some((asset_id, old_storage)) => {
            if old_storage != storage_id {
                ctx.db.delete(&old_storage);
            }
            let mut patch = fields;
            for key in ["createdBy", "createdAt", "workspaceId"] {
                patch.remove(key);
            }
            let unset: &[&str] = if article.is_none() {
                &["articleId"]
            } else {
                &[]
            };
            ctx.db.patch_unset(&asset_id, patch, unset);
            asset_id
        }
        None => ctx.db.insert(ASSETS, fields, now),
    };
    Ok(json!({
        "assetId": asset_id,
        "reference": format!("{ASSET_PREFIX}{asset_id}"),
        "url": storage_url(ctx, &storage_id),
        "fileName": file_name,
        "mimeType": mime_type,
        "size": size,
    }))
}

fn list_assets(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    require_permission(ctx, &workspace_id, "articles.read")?;
    let article = match args.str_field("articleId") {
        Some(article_id) => {
            if row(ctx.db, "internalArticles", article_id).is_some() {
                return Ok(json!([]));
            }
            Some(
                row(ctx.db, "articles", article_id)
                    .filter(|a| a.str_field("workspaceId") == Some(workspace_id.as_str()))
                    .ok_or_else(|| FnError::msg(ARTICLE_NOT_FOUND))?
                    .id()
                    .to_owned(),
            )
        }
        None => None,
    };
    let mut assets = ctx.db.filter(ASSETS, |a| {
        a.str_field("workspaceId") == Some(workspace_id.as_str())
            && article
                .as_deref()
                .is_none_or(|id| a.str_field("articleId") == Some(id))
    });
    let created = |a: &Doc| a.f64_field("createdAt").unwrap_or(0.0);
    assets.sort_by(|a, b| created(b).total_cmp(&created(a)));
    Ok(Value::Array(
        assets
            .into_iter()
            .map(|mut a| {
                let reference = format!("{ASSET_PREFIX}{}", a.id());
                let url = storage_url(ctx, a.str_field("storageId").unwrap_or_default());
                a.insert("reference".into(), json!(reference));
                a.insert("url".into(), url);
                Value::Object(a)
            })
            .collect(),
    ))
}

fn delete_asset(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    require_permission(ctx, &workspace_id, "articles.delete")?;
    let asset_id = args.str_field("assetId").unwrap_or_default().to_owned();
    let storage_id = row(ctx.db, ASSETS, &asset_id)
        .filter(|a| a.str_field("workspaceId") == Some(workspace_id.as_str()))
        .ok_or_else(|| FnError::msg("Asset not found"))?
        .str_field("storageId")
        .unwrap_or_default()
        .to_owned();
    let reference = format!("{ASSET_PREFIX}{asset_id}");
    let referencing: Vec<String> = ctx
        .db
        .scan("articles")
        .filter(|a| {
            a.str_field("workspaceId") == Some(workspace_id.as_str())
                && a.str_field("content")
                    .is_some_and(|c| c.contains(&reference))
        })
        .map(|a| a.str_field("title").unwrap_or_default().to_owned())
        .collect();
    if !referencing.is_empty() {
        let sample: Vec<&str> = referencing.iter().take(3).map(String::as_str).collect();
        return Err(FnError::msg(format!(
            "Asset is still referenced by {} article(s): {}",
            referencing.len(),
            sample.join(", ")
        )));
    }
    ctx.db.delete(&storage_id);
    ctx.db.delete(&asset_id);
    Ok(json!({"success": true}))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_file_names_are_sanitised() {
        assert_eq!(
            normalize_asset_file_name(Some(" my photo:v2?.png "), 5.0),
            "my-photo-v2-.png"
        );
        assert_eq!(normalize_asset_file_name(Some("a//b"), 5.0), "a-b");
        assert_eq!(
            normalize_asset_file_name(Some("///"), 7.0),
            "article-image-7"
        );
        assert_eq!(normalize_asset_file_name(None, 7.0), "article-image-7");
    }
}
