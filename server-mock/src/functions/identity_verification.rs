//! `identityVerification.ts`: HMAC identity verification of `externalUserId`.
//!
//! `userHash = lowercase_hex(HMAC_SHA256(key = secret, msg = externalUserId))`.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::convex::FnResult;
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "identityVerification:isRequired",
        object(vec![req("workspaceId", id("workspaces"))]),
        is_required,
    );
}

/// The user hash a host app computes for `external_user_id` with the workspace `secret`:
/// `lowercase_hex(HMAC_SHA256(key = secret, msg = external_user_id))`.
///
/// ```
/// let hash = server_mock::user_hash("Jefe", "what do ya want for nothing?");
/// assert_eq!(hash, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
/// ```
pub fn user_hash(secret: &str, external_user_id: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(external_user_id.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// The outcome of `verifyIdentity`.
pub(crate) struct Verification {
    pub(crate) verified: bool,
    /// Verification is disabled for the workspace: the visitor is accepted unverified.
    pub(crate) skipped: bool,
}

/// `identityVerification:verifyIdentity` (internal): checks the hash and records the result
/// on the visitor.
pub(crate) fn verify_identity(
    ctx: &mut Ctx<'_>,
    workspace_id: &str,
    visitor_id: &str,
    user_id: &str,
    hash: &str,
) -> Verification {
    let Some(workspace) = ctx.db.get(workspace_id) else {
        return Verification {
            verified: false,
            skipped: false,
        };
    };
    if workspace.bool_field("identityVerificationEnabled") != Some(true) {
        return Verification {
            verified: false,
            skipped: true,
        };
    }
    let Some(secret) = workspace.str_field("identitySecret") else {
        return Verification {
            verified: false,
            skipped: false,
        };
    };
    let verified = user_hash(secret, user_id) == hash.to_lowercase();
    let patch = if verified {
        doc([
            ("identityVerified", Some(json!(true))),
            ("identityVerifiedAt", Some(json!(ctx.now))),
        ])
    } else {
        doc([("identityVerified", Some(json!(false)))])
    };
    ctx.db.patch(visitor_id, patch);
    Verification {
        verified,
        skipped: false,
    }
}

/// The workspace's mode is `"required"` (the check Opencom makes after a failed verification).
pub(crate) fn mode_is_required(db: &Db, workspace_id: &str) -> bool {
    db.get(workspace_id)
        .and_then(|w| w.str_field("identityVerificationMode"))
        == Some("required")
}

/// Verification is enabled and required (the check for a user id sent without a hash).
pub(crate) fn enabled_and_required(db: &Db, workspace_id: &str) -> bool {
    db.get(workspace_id)
        .is_some_and(|w| w.bool_field("identityVerificationEnabled") == Some(true))
        && mode_is_required(db, workspace_id)
}

fn is_required(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let Some(workspace) = ctx.db.get(workspace_id) else {
        return Ok(json!({"required": false, "enabled": false}));
    };
    let enabled = workspace.bool_field("identityVerificationEnabled");
    // `enabled && mode === "required"` in JavaScript: `undefined` when never enabled.
    let required = match enabled {
        Some(true) => Value::Bool(mode_is_required(ctx.db, workspace_id)),
        Some(false) => Value::Bool(false),
        None => Value::Null,
    };
    let mut out = json!({"enabled": enabled.unwrap_or(false)});
    if !required.is_null() {
        out["required"] = required;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_hash_is_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            user_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
