//! Convex file storage, as far as support attachments need it: the upload URLs that
//! `supportAttachments:generateUploadUrl` hands out (`POST /api/storage/upload?token=…`, raw
//! bytes → `{"storageId"}`) and the file URLs of attachment descriptors
//! (`GET /api/storage/{storageId}`).
//!
//! An upload URL is bound to the visitor that asked for it and expires after an hour on the
//! mock clock; it can be used more than once while valid. File contents live beside the
//! database, keyed by storage id; the `_storage` document (`size`, `contentType`, `sha256`,
//! and who uploaded it) is what the functions see.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{to_bytes, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::calls::{CallOutcome, HttpVersion, Transport};
use crate::db::{doc, DocExt};
use crate::functions::support_attachments::{STORAGE, UPLOAD_TOKENS};
use crate::server::{json_response, Shared};
use crate::util::lock;

/// The largest upload the route accepts (larger than the 10 MiB attachment limit, so that
/// `finalizeUpload` is the one that rejects a 10 MiB + 1 file, as on Convex).
pub(crate) const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// The path an upload is recorded under in the call log.
pub(crate) const UPLOAD_CALL_PATH: &str = "_storage:upload";

/// Stored file contents, by storage id.
#[derive(Debug, Default)]
pub(crate) struct Blobs {
    pub(crate) files: HashMap<String, Bytes>,
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

/// Why an upload was refused.
struct Refused {
    status: StatusCode,
    code: &'static str,
    message: &'static str,
}

/// `POST /api/storage/upload?token=…`.
pub(crate) async fn upload(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let version = HttpVersion::of(parts.version);
    let record = |args: Value, outcome: CallOutcome| {
        let path = UPLOAD_CALL_PATH;
        shared.record(Transport::Http, version, "upload", path, args, outcome);
    };
    let Ok(bytes) = to_bytes(body, MAX_UPLOAD_BYTES).await else {
        record(Value::Null, CallOutcome::Rejected(413));
        return refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            "Upload body too large",
        );
    };
    let args = json!({"size": bytes.len(), "contentType": content_type});
    let Some(token) = params.get("token").filter(|t| !t.is_empty()) else {
        record(args, CallOutcome::Rejected(400));
        return refusal(
            StatusCode::BAD_REQUEST,
            "InvalidUploadUrl",
            "The upload URL has no token",
        );
    };
    let digest = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as f64;
    let stored = shared.write(|db, now| {
        let Some(grant) = db
            .find(UPLOAD_TOKENS, |t| {
                t.str_field("token") == Some(token.as_str())
            })
            .cloned()
        else {
            return Err(Refused {
                status: StatusCode::BAD_REQUEST,
                code: "InvalidUploadUrl",
                message: "Invalid upload URL",
            });
        };
        if grant.f64_field("expiresAt").is_none_or(|at| at <= now) {
            return Err(Refused {
                status: StatusCode::BAD_REQUEST,
                code: "UploadUrlExpired",
                message: "The upload URL has expired",
            });
        }
        Ok(db.insert(
            STORAGE,
            doc([
                ("sha256", Some(json!(digest))),
                ("size", Some(json!(size))),
                ("contentType", content_type.as_ref().map(|c| json!(c))),
                ("workspaceId", grant.get("workspaceId").cloned()),
                ("uploadedByType", grant.get("uploadedByType").cloned()),
                ("uploadedById", grant.get("uploadedById").cloned()),
                ("createdAt", Some(json!(now))),
            ]),
            now,
        ))
    });
    match stored {
        Ok(storage_id) => {
            lock(&shared.blobs).files.insert(storage_id.clone(), bytes);
            record(args, CallOutcome::Success);
            json_response(StatusCode::OK, &json!({"storageId": storage_id}))
        }
        Err(refused) => {
            record(args, CallOutcome::Rejected(refused.status.as_u16()));
            refusal(refused.status, refused.code, refused.message)
        }
    }
}

/// `GET /api/storage/{storageId}`: the file, with the content type it was uploaded with.
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(storage_id): Path<String>,
) -> Response {
    let content_type = {
        let db = lock(&shared.db);
        if db.table_of(&storage_id) != Some(STORAGE) {
            None
        } else {
            db.get(&storage_id).map(|file| {
                file.str_field("contentType")
                    .unwrap_or("application/octet-stream")
                    .to_owned()
            })
        }
    };
    let bytes = content_type
        .as_ref()
        .and_then(|_| lock(&shared.blobs).files.get(&storage_id).cloned());
    match (content_type, bytes) {
        (Some(content_type), Some(bytes)) => {
            let header = HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            (StatusCode::OK, [(CONTENT_TYPE, header)], bytes).into_response()
        }
        _ => refusal(StatusCode::NOT_FOUND, "NotFound", "File not found"),
    }
}
