//! Attachment uploads: `generateUploadUrl` → `POST` the bytes → `finalizeUpload`, with the
//! server's limits checked on the client first.

use std::path::PathBuf;

use serde_json::Value;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::wire::visitor::support_attachments::{
    FinalizeUpload, Finalized, GenerateUploadUrl, StoredFile,
};
use crate::wire::{self, Call};

/// At most this many bytes per file (10 MiB).
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// At most this many attachments per message.
pub const MAX_ATTACHMENTS_PER_MESSAGE: usize = 5;
/// File-name extensions Opencom accepts (the MIME type is derived from the extension).
pub const ALLOWED_EXTENSIONS: [&str; 10] = [
    "png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "csv", "json", "zip",
];

/// What to upload.
#[derive(Debug, Clone)]
pub enum AttachmentSource {
    /// Bytes already in memory.
    Bytes(Vec<u8>),
    /// A file to read.
    File(PathBuf),
}

/// An uploaded, staged attachment: pass its `id` when sending a message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadedAttachment {
    /// The attachment id for `attachmentIds`.
    pub id: String,
    /// The file name the server kept.
    pub file_name: String,
    /// The MIME type the server derived.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// Reduces a name to its basename and checks its extension.
pub(crate) fn check_file_name(file_name: &str) -> Result<String> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    if base.is_empty() {
        return Err(Error::invalid("file_name", "must not be empty"));
    }
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !ALLOWED_EXTENSIONS.contains(&ext.as_str()) {
        return Err(Error::invalid(
            "file_name",
            format!(
                "unsupported file type `.{ext}`; allowed: {}",
                ALLOWED_EXTENSIONS.join(", ")
            ),
        ));
    }
    Ok(base.to_owned())
}

pub(crate) fn check_size(size: u64) -> Result<()> {
    if size > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid(
            "attachment",
            format!("{size} bytes is over the 10 MiB limit"),
        ));
    }
    if size == 0 {
        return Err(Error::invalid("attachment", "the file is empty"));
    }
    Ok(())
}

pub(crate) fn check_count(ids: &[String]) -> Result<()> {
    let mut unique: Vec<&String> = ids.iter().collect();
    unique.sort();
    unique.dedup();
    if unique.len() > MAX_ATTACHMENTS_PER_MESSAGE {
        return Err(Error::invalid(
            "attachments",
            format!("at most {MAX_ATTACHMENTS_PER_MESSAGE} attachments per message"),
        ));
    }
    Ok(())
}

fn mime_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

pub(crate) async fn upload(
    ctx: &Context,
    source: AttachmentSource,
    file_name: &str,
    mime: Option<&str>,
) -> Result<UploadedAttachment> {
    let file_name = check_file_name(file_name)?;
    let bytes = match source {
        AttachmentSource::Bytes(bytes) => bytes,
        AttachmentSource::File(path) => {
            let meta = tokio::fs::metadata(&path).await.map_err(|e| {
                Error::invalid("file", format!("cannot read {}: {e}", path.display()))
            })?;
            check_size(meta.len())?;
            tokio::fs::read(&path).await.map_err(|e| {
                Error::invalid("file", format!("cannot read {}: {e}", path.display()))
            })?
        }
    };
    check_size(bytes.len() as u64)?;
    let mime = mime.unwrap_or_else(|| mime_for(&file_name)).to_owned();
    let workspace_id = &ctx.config.workspace_id;

    let upload_url = ctx
        .session
        .request(|c| GenerateUploadUrl {
            auth: c.workspace(workspace_id),
        })
        .await?;
    let (status, body) = ctx
        .transport
        .upload(&upload_url, &mime, bytes, ctx.config.request_timeout * 4)
        .await?;
    let body: Value = serde_json::from_slice(&body).map_err(|e| Error::Decode {
        message: format!("upload answer: {e}"),
    })?;
    if !(200..300).contains(&status) {
        return Err(Error::Server {
            message: format!("upload refused with HTTP {status}"),
        });
    }
    // The storage answers the URL `generateUploadUrl` gave: a decode error names that function.
    let StoredFile { storage_id } = wire::decode(GenerateUploadUrl::FUNCTION, body)?;

    let finalized = ctx
        .session
        .request(|c| FinalizeUpload {
            auth: c.workspace(workspace_id),
            storage_id: &storage_id,
            file_name: Some(&file_name),
        })
        .await?;
    match finalized {
        Finalized::Staged {
            attachment_id,
            file_name,
            mime_type,
            size,
        } => Ok(UploadedAttachment {
            id: attachment_id,
            file_name,
            mime_type,
            size: size.max(0.0) as u64,
        }),
        Finalized::Rejected { message } => Err(Error::InvalidInput {
            field: "attachment".into(),
            reason: message,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sizes_and_counts_are_checked() {
        assert_eq!(check_file_name("../../etc/Photo.PNG").unwrap(), "Photo.PNG");
        assert!(check_file_name("virus.exe").is_err());
        assert!(check_file_name("noext").is_err());
        assert!(check_file_name("  ").is_err());
        assert!(check_size(MAX_ATTACHMENT_BYTES).is_ok());
        assert!(check_size(MAX_ATTACHMENT_BYTES + 1).is_err());
        assert!(check_size(0).is_err());
        let ids: Vec<String> = (0..5).map(|i| i.to_string()).collect();
        assert!(check_count(&ids).is_ok());
        let mut six = ids.clone();
        six.push("5".into());
        assert!(check_count(&six).is_err());
        let mut dup = ids;
        dup.push("0".into());
        assert!(check_count(&dup).is_ok(), "duplicates count once");
        assert_eq!(mime_for("a.JPG"), "image/jpeg");
    }
}
