//! `supportAttachments.ts`: upload URLs, finalising uploads into staged attachments, binding
//! them to messages, and the `attachments` descriptors the read functions add (CONTRACT §7).
//!
//! Deviation from Opencom, on purpose: the MIME type is derived from the file-name extension
//! (as the contract describes), and a storage file can only be finalised by the visitor whose
//! upload URL produced it (anyone else gets `"Uploaded file not found"`).

use serde_json::{json, Value};

use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::util::{lock, new_upload_token};
use crate::validator::v::*;

/// At most this many bytes per file (10 MiB).
pub(crate) const MAX_ATTACHMENT_BYTES: f64 = 10.0 * 1024.0 * 1024.0;
/// At most this many attachments per message.
const MAX_ATTACHMENTS_PER_PARENT: usize = 5;
/// A staged upload (and an upload URL) expires after an hour.
pub(crate) const STAGED_TTL_MS: f64 = 60.0 * 60.0 * 1000.0;
/// The table of upload URLs handed out by `generateUploadUrl`.
pub(crate) const UPLOAD_TOKENS: &str = "_uploadTokens";
/// Convex's file storage table.
pub(crate) const STORAGE: &str = "_storage";

const UNSUPPORTED_TYPE: &str =
    "Unsupported file type. Allowed: PNG, JPEG, GIF, WEBP, PDF, TXT, CSV, JSON, and ZIP.";
const TOO_LARGE: &str = "File exceeds 10MB maximum size.";

pub(crate) fn register(r: &mut Registry) {
    r.mutation(
        "supportAttachments:generateUploadUrl",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        generate_upload_url,
    );
    r.mutation(
        "supportAttachments:finalizeUpload",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("storageId", id(STORAGE)),
            opt("fileName", string()),
        ]),
        finalize_upload,
    );
}

/// The MIME type for a file name, from its extension; `None` when the type is not allowed.
pub(crate) fn mime_for_file_name(file_name: &str) -> Option<&'static str> {
    let (_, extension) = file_name.rsplit_once('.')?;
    Some(match extension.to_ascii_lowercase().as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => return None,
    })
}

/// The basename of a file name, trimmed; `"attachment"` when nothing is left.
pub(crate) fn normalize_file_name(file_name: Option<&str>) -> String {
    let base = file_name
        .and_then(|name| name.rsplit(['/', '\\']).next())
        .map(str::trim)
        .unwrap_or_default();
    if base.is_empty() {
        "attachment".to_owned()
    } else {
        base.to_owned()
    }
}

/// `requireSupportAttachmentWorkspaceAccess` for visitors (there are no agents): the visitor
/// the session token stands for.
fn require_access(ctx: &Ctx<'_>, args: &Doc) -> Result<String, FnError> {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    if ctx.db.get(workspace_id).is_none() {
        return Err(FnError::msg("Workspace not found"));
    }
    let Some(token) = args.non_empty("sessionToken") else {
        return Err(FnError::msg("Authentication required"));
    };
    let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
    if args
        .str_field("visitorId")
        .is_some_and(|claimed| claimed != resolved.visitor_id)
    {
        return Err(FnError::msg(
            "Not authorized to upload files for this visitor",
        ));
    }
    Ok(resolved.visitor_id)
}

fn generate_upload_url(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = require_access(ctx, args)?;
    let token = new_upload_token();
    let now = ctx.now;
    ctx.db.insert(
        UPLOAD_TOKENS,
        doc([
            ("token", Some(json!(token))),
            ("workspaceId", args.get("workspaceId").cloned()),
            ("uploadedByType", Some(json!("visitor"))),
            ("uploadedById", Some(json!(visitor_id))),
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

fn rejected(ctx: &mut Ctx<'_>, storage_id: &str, message: &str) -> FnResult {
    ctx.db.delete(storage_id);
    Ok(json!({"status": "rejected", "message": message}))
}

fn finalize_upload(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = require_access(ctx, args)?;
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let storage_id = args.str_field("storageId").unwrap_or_default().to_owned();
    let Some(file) = ctx.db.get(&storage_id).filter(|file| {
        file.str_field("workspaceId") == Some(workspace_id)
            && file.str_field("uploadedById") == Some(visitor_id.as_str())
    }) else {
        return Err(FnError::msg("Uploaded file not found"));
    };
    let size = file.f64_field("size").unwrap_or(0.0);
    let file_name = normalize_file_name(args.str_field("fileName"));

    let armed = lock(&ctx.hooks.reject_next_finalize).take();
    if let Some(message) = armed {
        return rejected(ctx, &storage_id, &message);
    }
    let Some(mime_type) = mime_for_file_name(&file_name) else {
        return rejected(ctx, &storage_id, UNSUPPORTED_TYPE);
    };
    if size > MAX_ATTACHMENT_BYTES {
        return rejected(ctx, &storage_id, TOO_LARGE);
    }

    let now = ctx.now;
    let attachment_id = ctx.db.insert(
        "supportAttachments",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("storageId", Some(json!(storage_id))),
            ("fileName", Some(json!(file_name))),
            ("mimeType", Some(json!(mime_type))),
            ("size", Some(json!(size))),
            ("status", Some(json!("staged"))),
            ("uploadedByType", Some(json!("visitor"))),
            ("uploadedById", Some(json!(visitor_id))),
            ("createdAt", Some(json!(now))),
            ("expiresAt", Some(json!(now + STAGED_TTL_MS))),
        ]),
        now,
    );
    Ok(json!({
        "status": "staged",
        "attachmentId": attachment_id,
        "fileName": file_name,
        "mimeType": mime_type,
        "size": size,
    }))
}

/// The distinct ids, first occurrence first.
fn distinct(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    out
}

/// What staged attachments are bound to: the field set on them and the parent's id.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Binding<'a> {
    /// `messageId`.
    Message(&'a str),
    /// `ticketId`.
    Ticket(&'a str),
    /// `ticketCommentId`.
    TicketComment(&'a str),
}

impl Binding<'_> {
    fn field(self) -> (&'static str, String) {
        match self {
            Self::Message(id) => ("messageId", id.to_owned()),
            Self::Ticket(id) => ("ticketId", id.to_owned()),
            Self::TicketComment(id) => ("ticketCommentId", id.to_owned()),
        }
    }
}

/// The attachment ids of an `attachmentIds` argument (absent → none).
pub(crate) fn requested_ids(args: &Doc) -> Vec<String> {
    args.get("attachmentIds")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `bindStagedSupportAttachments`: checks every attachment, then marks them attached to the
/// message, ticket or ticket comment. Returns the bound ids (distinct, in the order given).
pub(crate) fn bind_staged(
    ctx: &mut Ctx<'_>,
    workspace_id: &str,
    attachment_ids: &[String],
    visitor_id: &str,
    binding: Binding<'_>,
) -> Result<Vec<String>, FnError> {
    let ids = distinct(attachment_ids);
    if ids.is_empty() {
        return Ok(ids);
    }
    if ids.len() > MAX_ATTACHMENTS_PER_PARENT {
        return Err(FnError::msg(format!(
            "You can attach up to {MAX_ATTACHMENTS_PER_PARENT} files at a time."
        )));
    }
    let now = ctx.now;
    for id in &ids {
        let Some(attachment) = ctx
            .db
            .get(id)
            .filter(|a| a.str_field("workspaceId") == Some(workspace_id))
        else {
            return Err(FnError::msg(format!("Attachment {id} was not found")));
        };
        if attachment.str_field("status") != Some("staged") {
            return Err(FnError::msg("Attachment has already been used"));
        }
        if attachment
            .f64_field("expiresAt")
            .is_none_or(|expires| expires <= now)
        {
            return Err(FnError::msg(
                "Attachment upload expired. Please upload again.",
            ));
        }
        if ["messageId", "ticketId", "ticketCommentId"]
            .iter()
            .any(|key| attachment.get(*key).is_some())
        {
            return Err(FnError::msg("Attachment has already been attached"));
        }
        if attachment.str_field("uploadedByType") != Some("visitor")
            || attachment.str_field("uploadedById") != Some(visitor_id)
        {
            return Err(FnError::msg("Not authorized to use this attachment"));
        }
    }
    let (key, parent_id) = binding.field();
    for id in &ids {
        let mut fields = doc([
            ("status", Some(json!("attached"))),
            ("attachedAt", Some(json!(now))),
        ]);
        fields.insert(key.to_owned(), json!(parent_id));
        ctx.db.patch_unset(id, fields, &["expiresAt"]);
    }
    Ok(ids)
}

/// The `attachments` a read function adds to a message: `[{_id, fileName, mimeType, size,
/// url?}]` for its attached (not staged) attachments.
pub(crate) fn descriptors(db: &Db, url: &str, attachment_ids: Option<&Value>) -> Value {
    let ids: Vec<String> = attachment_ids
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let items = distinct(&ids)
        .iter()
        .filter_map(|id| db.get(id))
        .filter(|a| a.str_field("status") == Some("attached"))
        .map(|a| {
            let mut descriptor = doc([
                ("_id", a.get("_id").cloned()),
                ("fileName", a.get("fileName").cloned()),
                ("mimeType", a.get("mimeType").cloned()),
                ("size", a.get("size").cloned()),
            ]);
            if let Some(storage_id) = a
                .str_field("storageId")
                .filter(|storage_id| db.get(storage_id).is_some())
            {
                descriptor.insert(
                    "url".into(),
                    json!(format!("{url}/api/storage/{storage_id}")),
                );
            }
            Value::Object(descriptor)
        })
        .collect();
    Value::Array(items)
}

/// Email merge: the source visitor's uploads (upload URLs, stored files, staged attachments)
/// now belong to the canonical visitor.
pub(crate) fn move_uploads(ctx: &mut Ctx<'_>, source: &str, target: &str) {
    for table in [UPLOAD_TOKENS, STORAGE, "supportAttachments"] {
        let ids: Vec<String> = ctx
            .db
            .filter(table, |row| {
                row.str_field("uploadedByType") == Some("visitor")
                    && row.str_field("uploadedById") == Some(source)
            })
            .iter()
            .map(|row| row.id().to_owned())
            .collect();
        for id in ids {
            ctx.db
                .patch(&id, doc([("uploadedById", Some(json!(target)))]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_come_from_the_extension() {
        assert_eq!(mime_for_file_name("invoice.PDF"), Some("application/pdf"));
        assert_eq!(mime_for_file_name("a.b.jpeg"), Some("image/jpeg"));
        assert_eq!(mime_for_file_name("archive.zip"), Some("application/zip"));
        assert_eq!(mime_for_file_name("setup.exe"), None);
        assert_eq!(mime_for_file_name("README"), None);
    }

    #[test]
    fn file_names_are_reduced_to_their_basename() {
        assert_eq!(normalize_file_name(Some("C:\\tmp\\a.png")), "a.png");
        assert_eq!(normalize_file_name(Some("/x/y/ notes.txt ")), "notes.txt");
        assert_eq!(normalize_file_name(Some("dir/")), "attachment");
        assert_eq!(normalize_file_name(None), "attachment");
    }
}
