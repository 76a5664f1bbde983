//! `widgetSessions.ts`: visitor session tokens (`wst_…`): boot, refresh, revoke, validate.

use serde_json::{json, Value};

use super::identity_verification::{enabled_and_required, mode_is_required, verify_identity};
use super::origin_validation::require_valid_origin;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::util::{new_session_token, readable_visitor_id};
use crate::validator::{shared, v::*};

const HOUR_MS: f64 = 60.0 * 60.0 * 1000.0;
/// Lifetime when the workspace sets none.
pub(crate) const DEFAULT_SESSION_LIFETIME_MS: f64 = 24.0 * HOUR_MS;
const MIN_SESSION_LIFETIME_MS: f64 = HOUR_MS;
const MAX_SESSION_LIFETIME_MS: f64 = 7.0 * 24.0 * HOUR_MS;

pub(crate) fn register(r: &mut Registry) {
    r.mutation(
        "widgetSessions:boot",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("sessionId", string()),
            opt("email", string()),
            opt("name", string()),
            opt("externalUserId", string()),
            opt("userHash", string()),
            opt("location", shared::location()),
            opt("device", shared::device()),
            opt("referrer", string()),
            opt("currentUrl", string()),
            opt("customAttributes", shared::custom_attributes()),
            opt("existingVisitorId", id("visitors")),
            opt("origin", string()),
            opt("clientType", string()),
            opt("clientVersion", string()),
            opt("clientIdentifier", string()),
        ]),
        boot,
    );
    r.mutation(
        "widgetSessions:refresh",
        object(vec![req("sessionToken", string())]),
        refresh,
    );
    r.mutation(
        "widgetSessions:revoke",
        object(vec![req("sessionToken", string())]),
        revoke,
    );
    r.query(
        "widgetSessions:validateSessionToken",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("sessionToken", string()),
            opt("visitorId", id("visitors")),
        ]),
        validate_session_token,
    );
}

/// The workspace's session lifetime, clamped to [1 h, 7 d]; 24 h when unset (or 0).
pub(crate) fn session_lifetime(configured: Option<f64>) -> f64 {
    match configured {
        Some(ms) if ms != 0.0 && !ms.is_nan() => {
            ms.clamp(MIN_SESSION_LIFETIME_MS, MAX_SESSION_LIFETIME_MS)
        }
        _ => DEFAULT_SESSION_LIFETIME_MS,
    }
}

/// The visitor a valid session token stands for.
pub(crate) struct ResolvedSession {
    pub(crate) visitor_id: String,
    pub(crate) identity_verified: bool,
}

/// `resolveVisitorFromSession`: the session errors, with their exact texts.
pub(crate) fn resolve_visitor_from_session(
    ctx: &Ctx<'_>,
    session_token: Option<&str>,
    workspace_id: &str,
) -> Result<ResolvedSession, FnError> {
    let Some(token) = session_token.filter(|t| !t.is_empty()) else {
        return Err(FnError::msg("Session token required"));
    };
    let Some(session) = find_session(ctx, token) else {
        return Err(FnError::msg("Invalid session token"));
    };
    if session.str_field("workspaceId") != Some(workspace_id) {
        return Err(FnError::msg("Session token does not match workspace"));
    }
    if session.f64_field("expiresAt").unwrap_or(0.0) < ctx.now {
        return Err(FnError::msg("Session expired"));
    }
    Ok(ResolvedSession {
        visitor_id: session
            .str_field("visitorId")
            .unwrap_or_default()
            .to_owned(),
        identity_verified: session.bool_field("identityVerified").unwrap_or(false),
    })
}

fn find_session<'a>(ctx: &'a Ctx<'_>, token: &str) -> Option<&'a Doc> {
    ctx.db
        .find("widgetSessions", |s| s.str_field("token") == Some(token))
}

/// The profile fields boot copies onto an existing visitor when they are non-empty.
fn profile_patch(args: &Doc, keys: &[&'static str]) -> Doc {
    let mut patch = Doc::new();
    for key in keys {
        let present = match args.get(*key) {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Null) | None => false,
            Some(_) => true,
        };
        if present {
            if let Some(value) = args.get(*key) {
                patch.insert((*key).to_owned(), value.clone());
            }
        }
    }
    patch
}

const PROFILE_FIELDS: &[&str] = &[
    "email",
    "name",
    "externalUserId",
    "location",
    "device",
    "referrer",
    "currentUrl",
    "customAttributes",
];

/// Fills in `readableId` when a visitor lacks one, and returns the visitor as stored.
fn ensure_readable_id(ctx: &mut Ctx<'_>, visitor_id: &str) -> Option<Doc> {
    let visitor = ctx.db.get(visitor_id)?;
    if visitor.str_field("readableId").is_none() {
        ctx.db.patch(
            visitor_id,
            doc([("readableId", Some(json!(readable_visitor_id(visitor_id))))]),
        );
    }
    ctx.db.get_cloned(visitor_id)
}

fn boot(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let session_id = args.str_field("sessionId").unwrap_or_default();
    require_valid_origin(ctx.db, workspace_id, args.str_field("origin"))?;
    let Some(workspace) = ctx.db.get_cloned(workspace_id) else {
        return Err(FnError::msg("Workspace not found"));
    };
    let now = ctx.now;
    let mut visitor: Option<Doc> = None;

    // 1. The persisted visitor id, if it belongs to this workspace.
    if let Some(existing) = args.str_field("existingVisitorId") {
        let persisted_in_workspace = ctx
            .db
            .get(existing)
            .is_some_and(|p| p.str_field("workspaceId") == Some(workspace_id));
        if persisted_in_workspace {
            let mut patch = doc([
                ("sessionId", Some(json!(session_id))),
                ("lastSeenAt", Some(json!(now))),
            ]);
            patch.extend(profile_patch(args, PROFILE_FIELDS));
            ctx.db.patch(existing, patch);
            visitor = ensure_readable_id(ctx, existing);
        }
    }

    // 2. The visitor with the same sessionId (global index, then the workspace check).
    if visitor.is_none() {
        let by_session = ctx
            .db
            .find("visitors", |v| v.str_field("sessionId") == Some(session_id))
            .filter(|v| v.str_field("workspaceId") == Some(workspace_id))
            .map(|v| v.id().to_owned());
        if let Some(found) = by_session {
            let mut patch = doc([("lastSeenAt", Some(json!(now)))]);
            patch.extend(profile_patch(args, PROFILE_FIELDS));
            ctx.db.patch(&found, patch);
            visitor = ensure_readable_id(ctx, &found);
        }
    }

    // 3. The first visitor of the workspace with that email (unverified!).
    if visitor.is_none() {
        if let Some(email) = args.non_empty("email") {
            let by_email = ctx
                .db
                .find("visitors", |v| {
                    v.str_field("workspaceId") == Some(workspace_id)
                        && v.str_field("email") == Some(email)
                })
                .map(|v| v.id().to_owned());
            if let Some(found) = by_email {
                let mut patch = doc([
                    ("sessionId", Some(json!(session_id))),
                    ("lastSeenAt", Some(json!(now))),
                ]);
                patch.extend(profile_patch(args, &PROFILE_FIELDS[1..]));
                ctx.db.patch(&found, patch);
                visitor = ensure_readable_id(ctx, &found);
            }
        }
    }

    // 4. A new visitor.
    if visitor.is_none() {
        let mut fields = doc([
            ("sessionId", Some(json!(session_id))),
            ("workspaceId", Some(json!(workspace_id))),
        ]);
        for key in PROFILE_FIELDS {
            if let Some(value) = args.get(*key) {
                fields.insert((*key).to_owned(), value.clone());
            }
        }
        fields.insert("firstSeenAt".into(), json!(now));
        fields.insert("lastSeenAt".into(), json!(now));
        fields.insert("createdAt".into(), json!(now));
        let id = ctx.db.insert("visitors", fields, now);
        visitor = ensure_readable_id(ctx, &id);
    }

    let Some(visitor) = visitor else {
        return Err(FnError::msg("Failed to create or retrieve visitor"));
    };
    let visitor_id = visitor.id().to_owned();

    // 5. Identity verification. The returned visitor is the one read before this step, as in
    // Opencom (so it does not show `identityVerified` yet).
    let mut identity_verified = false;
    match (args.non_empty("externalUserId"), args.non_empty("userHash")) {
        (Some(user_id), Some(hash)) => {
            let result = verify_identity(ctx, workspace_id, &visitor_id, user_id, hash);
            if result.verified {
                identity_verified = true;
            } else if !result.skipped && mode_is_required(ctx.db, workspace_id) {
                return Err(FnError::msg(
                    "Identity verification failed: invalid userHash",
                ));
            }
        }
        (Some(_), None) if enabled_and_required(ctx.db, workspace_id) => {
            return Err(FnError::msg(
                "Identity verification failed: userHash is required",
            ));
        }
        _ => {}
    }

    // 6. The session row.
    let lifetime = session_lifetime(workspace.f64_field("sessionLifetimeMs"));
    let token = new_session_token();
    let expires_at = now + lifetime;
    let device_platform = args
        .obj_field("device")
        .and_then(|d| d.str_field("platform"))
        .map(str::to_owned);
    let client_type = args.str_field("clientType").map_or_else(
        || match device_platform.as_deref() {
            Some("ios") | Some("android") => "mobile_sdk".to_owned(),
            _ => "web_widget".to_owned(),
        },
        str::to_owned,
    );
    let session = doc([
        ("token", Some(json!(token))),
        ("visitorId", Some(json!(visitor_id))),
        ("workspaceId", Some(json!(workspace_id))),
        ("identityVerified", Some(json!(identity_verified))),
        ("clientType", Some(json!(client_type))),
        ("clientVersion", args.get("clientVersion").cloned()),
        ("clientIdentifier", args.get("clientIdentifier").cloned()),
        ("origin", args.get("origin").cloned()),
        ("currentUrl", args.get("currentUrl").cloned()),
        ("devicePlatform", device_platform.map(Value::from)),
        ("expiresAt", Some(json!(expires_at))),
        ("createdAt", Some(json!(now))),
    ]);
    ctx.db.insert("widgetSessions", session, now);

    Ok(json!({
        "visitor": visitor,
        "sessionToken": token,
        "expiresAt": expires_at,
    }))
}

fn refresh(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let token = args.str_field("sessionToken").unwrap_or_default();
    let Some(session) = find_session(ctx, token).cloned() else {
        return Err(FnError::msg("Invalid session token"));
    };
    let now = ctx.now;
    if session.f64_field("expiresAt").unwrap_or(0.0) < now {
        // Opencom deletes the row and throws; Convex then rolls the delete back with the rest
        // of the transaction, and so does the mock.
        ctx.db.delete(session.id());
        return Err(FnError::msg("Session expired: please re-boot"));
    }
    let workspace_lifetime = session
        .str_field("workspaceId")
        .and_then(|w| ctx.db.get(w))
        .and_then(|w| w.f64_field("sessionLifetimeMs"));
    let new_token = new_session_token();
    let new_expires_at = now + session_lifetime(workspace_lifetime);
    ctx.db.insert(
        "widgetSessions",
        doc([
            ("token", Some(json!(new_token))),
            ("visitorId", session.get("visitorId").cloned()),
            ("workspaceId", session.get("workspaceId").cloned()),
            ("identityVerified", session.get("identityVerified").cloned()),
            ("expiresAt", Some(json!(new_expires_at))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    ctx.db.delete(session.id());
    Ok(json!({"sessionToken": new_token, "expiresAt": new_expires_at}))
}

fn revoke(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let token = args.str_field("sessionToken").unwrap_or_default();
    if let Some(id) = find_session(ctx, token).map(|s| s.id().to_owned()) {
        ctx.db.delete(&id);
    }
    Ok(json!({"success": true}))
}

pub(crate) fn validate_session_token(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    match resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id) {
        Ok(resolved) => {
            if let Some(claimed) = args.str_field("visitorId") {
                if claimed != resolved.visitor_id {
                    return Ok(json!({
                        "valid": false,
                        "reason": "Session token does not match visitor",
                    }));
                }
            }
            Ok(json!({
                "valid": true,
                "visitorId": resolved.visitor_id,
                "identityVerified": resolved.identity_verified,
            }))
        }
        Err(FnError::Uncaught(reason)) => Ok(json!({"valid": false, "reason": reason})),
        Err(_) => Ok(json!({"valid": false, "reason": "Session token validation failed"})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_clamped() {
        assert_eq!(session_lifetime(None), DEFAULT_SESSION_LIFETIME_MS);
        assert_eq!(session_lifetime(Some(0.0)), DEFAULT_SESSION_LIFETIME_MS);
        assert_eq!(session_lifetime(Some(60_000.0)), HOUR_MS);
        assert_eq!(
            session_lifetime(Some(30.0 * 24.0 * HOUR_MS)),
            7.0 * 24.0 * HOUR_MS
        );
        assert_eq!(session_lifetime(Some(2.0 * HOUR_MS)), 2.0 * HOUR_MS);
    }
}
