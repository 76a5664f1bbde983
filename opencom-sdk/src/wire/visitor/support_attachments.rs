//! `supportAttachments:*`: staging an upload for a message.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, WorkspaceAuth};

/// `supportAttachments:generateUploadUrl`: a Convex storage upload URL.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GenerateUploadUrl<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for GenerateUploadUrl<'_> {
    const FUNCTION: Function = fns::GENERATE_UPLOAD_URL;
    type Output = String;
}

/// What the storage upload URL answers to the `POST` of the bytes (not a Convex function).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StoredFile {
    pub(crate) storage_id: String,
}

/// `supportAttachments:finalizeUpload`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FinalizeUpload<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) storage_id: &'a str,
    pub(crate) file_name: Option<&'a str>,
}

/// `{status: 'staged', attachmentId, fileName, mimeType, size} | {status: 'rejected', message}`:
/// a rejection is returned, not thrown.
#[derive(Deserialize, Debug)]
#[serde(tag = "status", rename_all = "lowercase")]
pub(crate) enum Finalized {
    #[serde(rename_all = "camelCase")]
    Staged {
        attachment_id: String,
        file_name: String,
        mime_type: String,
        size: f64,
    },
    Rejected {
        message: String,
    },
}

impl Call for FinalizeUpload<'_> {
    const FUNCTION: Function = fns::FINALIZE_UPLOAD;
    type Output = Finalized;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::{assert_decode_errors, workspace_auth as auth};
    use serde_json::json;

    #[test]
    fn arguments_serialize_to_the_contract_fields() {
        assert_eq!(
            serde_json::to_value(GenerateUploadUrl { auth: auth() }).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x"})
        );
        let finalize = |file_name| FinalizeUpload {
            auth: auth(),
            storage_id: "st1",
            file_name,
        };
        assert_eq!(
            serde_json::to_value(finalize(Some("a.png"))).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                "storageId": "st1", "fileName": "a.png"})
        );
        assert_eq!(
            serde_json::to_value(finalize(None)).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                "storageId": "st1"})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors_naming_the_function() {
        let staged: Finalized = decode(
            fns::FINALIZE_UPLOAD,
            json!({"status": "staged", "attachmentId": "a1", "fileName": "a.png",
                "mimeType": "image/png", "size": 3}),
        )
        .unwrap();
        assert!(matches!(staged, Finalized::Staged { size, .. } if size == 3.0));
        let rejected: Finalized = decode(
            fns::FINALIZE_UPLOAD,
            json!({"status": "rejected", "message": "too big"}),
        )
        .unwrap();
        assert!(matches!(rejected, Finalized::Rejected { .. }));
        assert_decode_errors::<Finalized>(
            fns::FINALIZE_UPLOAD,
            vec![
                json!({"status": "staged", "fileName": "a.png", "mimeType": "image/png",
                    "size": 3}),
                json!({"status": "weird"}),
                json!({"status": "rejected"}),
            ],
        );
        assert_decode_errors::<String>(fns::GENERATE_UPLOAD_URL, vec![json!(null)]);
        assert_decode_errors::<StoredFile>(fns::GENERATE_UPLOAD_URL, vec![json!({"id": "x"})]);
    }
}
