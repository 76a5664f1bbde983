//! Article image assets (CONTRACT §15.3, ported from `articles.ts`): `generateAssetUploadUrl`
//! → `POST` the bytes → `saveAsset`, `listAssets`, `deleteAsset`.
//!
//! Every function needs a Convex Auth JWT (`"Not authenticated"`) of a member of the row's
//! workspace (`"Not a member of this workspace"`) whose role grants the permission (`"Permission
//! denied: <perm>"`): `articles.create` to upload, `articles.delete` to delete, `articles.read` to
//! list. Owners and admins hold them all; agents and viewers only `articles.read`.
//!
//! A deliberate difference from Opencom, for tenant isolation: `saveAsset` only accepts a file
//! uploaded through an upload URL of the same workspace (`"Uploaded file not found"`). As on
//! Convex, the asset's MIME type is the `Content-Type` the bytes were uploaded with.

use serde_json::{json, Value};

use super::{article_id, row, ARTICLE_NOT_FOUND};
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::functions::auth::require_permission;
use crate::functions::support_attachments::{STAGED_TTL_MS, STORAGE, UPLOAD_TOKENS};
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

pub(super) fn register(r: &mut Registry) {
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
