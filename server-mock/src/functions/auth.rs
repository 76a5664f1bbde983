//! Convex Auth (`auth.ts` / `authConvex.ts`, CONTRACT §15, CONVEX-PROTOCOL §5): password and
//! email-code sign-in, refresh-token rotation with the 10 s reuse window, sign-out,
//! `currentUser`, `switchWorkspace`; the mock's JWTs; and the roles and permission checks every
//! agent function uses (`"Not authenticated"`, `"Not a member of this workspace"`,
//! `"Permission denied: <perm>"`).
//!
//! Deliberate differences from Opencom: JWTs are HS256 with a per-mock random key instead of
//! RS256 (nothing outside the mock verifies them), passwords are salted SHA-256, and the
//! `resend-otp` provider sends no email: the code is read through the control API.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

/// JWT lifetime (the library default, `jwt.durationMs`).
pub(crate) const JWT_LIFETIME_MS: f64 = 3_600_000.0;
/// A used refresh token may be used again for this long (`REFRESH_TOKEN_REUSE_WINDOW_MS`).
pub(crate) const REUSE_WINDOW_MS: f64 = 10_000.0;
/// Session and refresh-token lifetime (30 days).
const SESSION_LIFETIME_MS: f64 = 30.0 * 24.0 * 3_600_000.0;
/// Email sign-in codes live 10 minutes.
const OTP_LIFETIME_MS: f64 = 600_000.0;

/// The `AuthError` text sent on the socket for a token the mock cannot verify.
pub(crate) const AUTH_ERROR: &str = "Could not verify OIDC token claim. Check that the token \
                                     signature is valid and the token hasn't expired.";

/// Every permission Opencom knows (`permissions.ts`); owners hold them all.
#[cfg(test)]
pub(crate) const ALL_PERMISSIONS: &[&str] = &[
    "conversations.read",
    "conversations.reply",
    "conversations.assign",
    "conversations.close",
    "conversations.delete",
    "users.read",
    "users.manage",
    "users.invite",
    "articles.read",
    "articles.create",
    "articles.publish",
    "articles.delete",
    "snippets.manage",
    "checklists.manage",
    "tours.manage",
    "settings.workspace",
    "settings.security",
    "settings.integrations",
    "settings.billing",
    "data.export",
    "data.delete",
    "audit.read",
];

/// Whether `role` grants `permission` (CONTRACT §15.2).
pub(crate) fn role_has(role: &str, permission: &str) -> bool {
    match role {
        "owner" => true,
        "admin" => permission != "settings.billing",
        "agent" => [
            "conversations.read",
            "conversations.reply",
            "conversations.assign",
            "conversations.close",
            "users.read",
            "articles.read",
            "snippets.manage",
            "checklists.manage",
        ]
        .contains(&permission),
        "viewer" => [
            "conversations.read",
            "users.read",
            "articles.read",
            "audit.read",
        ]
        .contains(&permission),
        _ => false,
    }
}

/// Who a verified JWT speaks for: `sub = "<userId>|<sessionId>"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    pub(crate) user_id: String,
    pub(crate) session_id: String,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hs256(key: &[u8], input: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so this never fails.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// A JWT for a session: `iss` = the mock's URL, `aud` = `"convex"`, 1 h from `now_ms`.
pub(crate) fn sign_jwt(key: &[u8], issuer: &str, identity: &Identity, now_ms: f64) -> String {
    let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
    let iat = (now_ms / 1000.0).floor();
    let claims = json!({
        "sub": format!("{}|{}", identity.user_id, identity.session_id),
        "iss": issuer,
        "aud": "convex",
        "iat": iat as i64,
        "exp": ((now_ms + JWT_LIFETIME_MS) / 1000.0).floor() as i64,
    });
    let payload = b64(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let signature = b64(&hs256(key, &signing_input));
    format!("{signing_input}.{signature}")
}

/// The identity of a JWT this mock signed that has not expired at `now_ms`.
pub(crate) fn verify_jwt(key: &[u8], token: &str, now_ms: f64) -> Option<Identity> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let expected = hs256(key, &format!("{header}.{payload}"));
    let given = URL_SAFE_NO_PAD.decode(signature).ok()?;
    // Constant-time enough for a mock; still compare the whole thing.
    if expected.is_empty() || expected != given {
        return None;
    }
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    if exp * 1000.0 <= now_ms {
        return None;
    }
    let (user_id, session_id) = claims.get("sub")?.as_str()?.split_once('|')?;
    Some(Identity {
        user_id: user_id.to_owned(),
        session_id: session_id.to_owned(),
    })
}

/// The `exp` claim of a JWT, in ms (no signature check: use after [`verify_jwt`]).
pub(crate) fn jwt_expiry_ms(token: &str) -> Option<f64> {
    let payload = token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(claims.get("exp")?.as_f64()? * 1000.0)
}

/// `profile()` of the password provider: trimmed, lowercased.
pub(crate) fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Salted SHA-256: `<salt hex>$<digest hex>`.
fn hash_password(password: &str) -> String {
    let salt: [u8; 16] = rand::random();
    format!("{}${}", hex::encode(salt), digest(&salt, password))
}

fn digest(salt: &[u8], password: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(password.as_bytes());
    hex::encode(hasher.finalize())
}

fn password_matches(stored: &str, password: &str) -> bool {
    let Some((salt, hash)) = stored.split_once('$') else {
        return false;
    };
    hex::decode(salt).is_ok_and(|salt| digest(&salt, password) == hash)
}

/// Creates a user with a password account and a membership of `workspace_id` with `role`
/// (an existing user with that email gets the membership). Returns the user id.
pub(crate) fn create_user(
    db: &mut Db,
    now: f64,
    workspace_id: &str,
    email: &str,
    password: &str,
    role: &str,
    name: Option<&str>,
) -> String {
    let email = normalize_email(email);
    let existing = db
        .find("users", |u| u.str_field("email") == Some(email.as_str()))
        .map(|u| u.id().to_owned());
    let user_id = match existing {
        Some(id) => id,
        None => db.insert(
            "users",
            doc([
                ("email", Some(json!(email))),
                ("name", name.map(|n| json!(n))),
                ("workspaceId", Some(json!(workspace_id))),
                ("role", Some(json!(role))),
                ("createdAt", Some(json!(now))),
            ]),
            now,
        ),
    };
    let has_account = db
        .find("authAccounts", |a| {
            a.str_field("provider") == Some("password")
                && a.str_field("providerAccountId") == Some(email.as_str())
        })
        .map(|a| a.id().to_owned());
    match has_account {
        Some(account) => {
            db.patch(
                &account,
                doc([("secret", Some(json!(hash_password(password))))]),
            );
        }
        None => {
            db.insert(
                "authAccounts",
                doc([
                    ("userId", Some(json!(user_id))),
                    ("provider", Some(json!("password"))),
                    ("providerAccountId", Some(json!(email))),
                    ("secret", Some(json!(hash_password(password)))),
                ]),
                now,
            );
        }
    }
    let membership = db
        .find("workspaceMembers", |m| {
            m.str_field("userId") == Some(user_id.as_str())
                && m.str_field("workspaceId") == Some(workspace_id)
        })
        .map(|m| m.id().to_owned());
    match membership {
        Some(id) => {
            db.patch(&id, doc([("role", Some(json!(role)))]));
        }
        None => {
            db.insert(
                "workspaceMembers",
                doc([
                    ("userId", Some(json!(user_id))),
                    ("workspaceId", Some(json!(workspace_id))),
                    ("role", Some(json!(role))),
                    ("createdAt", Some(json!(now))),
                ]),
                now,
            );
        }
    }
    user_id
}

/// The role of `user_id` in `workspace_id`, if a member.
pub(crate) fn member_role(db: &Db, user_id: &str, workspace_id: &str) -> Option<String> {
    db.find("workspaceMembers", |m| {
        m.str_field("userId") == Some(user_id) && m.str_field("workspaceId") == Some(workspace_id)
    })
    .and_then(|m| m.str_field("role"))
    .map(str::to_owned)
}

/// The authenticated user's id, or `"Not authenticated"` (the `authQuery`/`authMutation`
/// wrappers).
pub(crate) fn require_user(ctx: &Ctx<'_>) -> Result<String, FnError> {
    let identity = ctx
        .identity
        .ok_or_else(|| FnError::msg("Not authenticated"))?;
    let user = ctx
        .db
        .get(&identity.user_id)
        .filter(|u| u.str_field("email").is_some())
        .ok_or_else(|| FnError::msg("Not authenticated"))?;
    Ok(user.id().to_owned())
}

/// `requirePermission(ctx, userId, workspaceId, permission)`: the user id when the caller is a
/// member of `workspace_id` whose role grants `permission`.
pub(crate) fn require_permission(
    ctx: &Ctx<'_>,
    workspace_id: &str,
    permission: &str,
) -> Result<String, FnError> {
    let user_id = require_user(ctx)?;
    let role = member_role(ctx.db, &user_id, workspace_id)
        .ok_or_else(|| FnError::msg("Not a member of this workspace"))?;
    if !role_has(&role, permission) {
        return Err(FnError::msg(format!("Permission denied: {permission}")));
    }
    Ok(user_id)
}

/// Whether the caller holds `permission` in `workspace_id` (the reads that answer `[]`/`null`
/// instead of throwing).
pub(crate) fn has_permission(ctx: &Ctx<'_>, workspace_id: &str, permission: &str) -> bool {
    require_permission(ctx, workspace_id, permission).is_ok()
}

pub(crate) fn register(r: &mut Registry) {
    let sign_in_args = || {
        object(vec![
            opt("provider", string()),
            opt("params", any()),
            opt("verifier", string()),
            opt("refreshToken", string()),
            opt("calledBy", string()),
        ])
    };
    r.action("auth:signIn", sign_in_args(), sign_in);
    r.action("authConvex:signIn", sign_in_args(), sign_in);
    r.action("auth:signOut", object(vec![]), sign_out);
    r.action("authConvex:signOut", object(vec![]), sign_out);
    r.query("auth:isAuthenticated", object(vec![]), is_authenticated);
    r.query("auth:currentUser", object(vec![]), current_user);
    r.mutation(
        "auth:switchWorkspace",
        object(vec![req("workspaceId", id("workspaces"))]),
        switch_workspace,
    );
}

/// Opens a session for `user_id` and returns `{token, refreshToken}`.
fn new_session(ctx: &mut Ctx<'_>, user_id: &str) -> Value {
    let now = ctx.now;
    let session_id = ctx.db.insert(
        "authSessions",
        doc([
            ("userId", Some(json!(user_id))),
            ("expirationTime", Some(json!(now + SESSION_LIFETIME_MS))),
        ]),
        now,
    );
    issue_tokens(ctx, user_id, &session_id, None)
}

/// A new refresh token (child of `parent`) and a JWT for the session.
fn issue_tokens(ctx: &mut Ctx<'_>, user_id: &str, session_id: &str, parent: Option<&str>) -> Value {
    let now = ctx.now;
    let refresh_id = ctx.db.insert(
        "authRefreshTokens",
        doc([
            ("sessionId", Some(json!(session_id))),
            ("expirationTime", Some(json!(now + SESSION_LIFETIME_MS))),
            ("parentRefreshTokenId", parent.map(|p| json!(p))),
        ]),
        now,
    );
    let identity = Identity {
        user_id: user_id.to_owned(),
        session_id: session_id.to_owned(),
    };
    let token = sign_jwt(ctx.jwt_key, ctx.url, &identity, now);
    json!({"token": token, "refreshToken": format!("{refresh_id}|{session_id}")})
}

fn param<'a>(params: Option<&'a Doc>, key: &str) -> Option<&'a str> {
    params.and_then(|p| p.str_field(key))
}

fn sign_in(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let provider = args.str_field("provider");
    if provider.is_none() {
        if let Some(refresh_token) = args.str_field("refreshToken") {
            return Ok(json!({"tokens": refresh(ctx, refresh_token)}));
        }
        return Err(FnError::msg("Provider not specified"));
    }
    let params = args.obj_field("params");
    match provider.unwrap_or_default() {
        "password" => password(ctx, params),
        "resend-otp" => email_code(ctx, params),
        other => Err(FnError::msg(format!(
            "Provider `{other}` is not configured, available providers are password, resend-otp."
        ))),
    }
}

fn password(ctx: &mut Ctx<'_>, params: Option<&Doc>) -> FnResult {
    let flow = param(params, "flow").unwrap_or_default().to_owned();
    let Some(email) = param(params, "email").map(normalize_email) else {
        return Err(FnError::msg("Missing `email` param"));
    };
    let Some(secret) = param(params, "password").map(str::to_owned) else {
        return Err(FnError::msg(format!(
            "Missing `password` param for `{flow}` flow"
        )));
    };
    match flow.as_str() {
        "signIn" => {
            let account = ctx
                .db
                .find("authAccounts", |a| {
                    a.str_field("provider") == Some("password")
                        && a.str_field("providerAccountId") == Some(email.as_str())
                })
                .cloned()
                .ok_or_else(|| FnError::msg("InvalidAccountId"))?;
            if !password_matches(account.str_field("secret").unwrap_or_default(), &secret) {
                return Err(FnError::msg("InvalidSecret"));
            }
            let user_id = account.str_field("userId").unwrap_or_default().to_owned();
            Ok(json!({"tokens": new_session(ctx, &user_id)}))
        }
        "signUp" => {
            if secret.chars().count() < 8 {
                return Err(FnError::msg("Invalid password"));
            }
            let taken = ctx.db.find("authAccounts", |a| {
                a.str_field("providerAccountId") == Some(email.as_str())
            });
            if taken.is_some() {
                return Err(FnError::msg(format!("Account {email} already exists")));
            }
            let now = ctx.now;
            let name = param(params, "name").map(str::to_owned);
            let workspace_name = param(params, "workspaceName")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{}'s Workspace", name.as_deref().unwrap_or(&email)));
            let workspace_id = ctx.db.insert(
                "workspaces",
                doc([
                    ("name", Some(json!(workspace_name))),
                    ("createdAt", Some(json!(now))),
                ]),
                now,
            );
            let user_id = create_user(
                ctx.db,
                now,
                &workspace_id,
                &email,
                &secret,
                "admin",
                name.as_deref(),
            );
            Ok(json!({"tokens": new_session(ctx, &user_id)}))
        }
        other => Err(FnError::msg(format!(
            "Missing `flow` param, it must be one of \"signUp\", \"signIn\", \"reset\", \
             \"reset-verification\" or \"email-verification\"! (got {other:?})"
        ))),
    }
}

/// `resend-otp`: `{email}` sends a 6-digit code (stored, readable through the control API);
/// `{email, code}` signs in an existing user.
fn email_code(ctx: &mut Ctx<'_>, params: Option<&Doc>) -> FnResult {
    let Some(email) = param(params, "email").map(normalize_email) else {
        return Err(FnError::msg("Missing `email` param"));
    };
    let now = ctx.now;
    match param(params, "code") {
        None => {
            let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
            for old in ctx
                .db
                .filter("authVerificationCodes", |c| {
                    c.str_field("email") == Some(email.as_str())
                })
                .iter()
                .map(|c| c.id().to_owned())
                .collect::<Vec<_>>()
            {
                ctx.db.delete(&old);
            }
            ctx.db.insert(
                "authVerificationCodes",
                doc([
                    ("email", Some(json!(email))),
                    ("code", Some(json!(code))),
                    ("expirationTime", Some(json!(now + OTP_LIFETIME_MS))),
                ]),
                now,
            );
            Ok(json!({"started": true}))
        }
        Some(code) => {
            let stored = ctx
                .db
                .find("authVerificationCodes", |c| {
                    c.str_field("email") == Some(email.as_str())
                })
                .cloned();
            let valid = stored.as_ref().is_some_and(|c| {
                c.str_field("code") == Some(code)
                    && c.f64_field("expirationTime").unwrap_or(0.0) > now
            });
            let user_id = ctx
                .db
                .find("users", |u| u.str_field("email") == Some(email.as_str()))
                .map(|u| u.id().to_owned());
            match (valid, user_id) {
                (true, Some(user_id)) => {
                    if let Some(stored) = stored {
                        ctx.db.delete(stored.id());
                    }
                    Ok(json!({"tokens": new_session(ctx, &user_id)}))
                }
                _ => Err(FnError::msg("Could not verify code")),
            }
        }
    }
}

/// `refreshSession`: new tokens for a valid refresh token used for the first time or again
/// within the reuse window; `null` (signed out) for an unknown, expired or replayed one (a
/// replay outside the window also revokes every token issued from it).
fn refresh(ctx: &mut Ctx<'_>, raw: &str) -> Value {
    let Some((refresh_id, session_id)) = raw.split_once('|') else {
        return Value::Null;
    };
    let now = ctx.now;
    let Some(token) = ctx
        .db
        .get(refresh_id)
        .filter(|_| ctx.db.table_of(refresh_id) == Some("authRefreshTokens"))
        .cloned()
    else {
        return Value::Null;
    };
    if token.str_field("sessionId") != Some(session_id)
        || token.f64_field("expirationTime").unwrap_or(0.0) < now
    {
        return Value::Null;
    }
    let Some(session) = ctx
        .db
        .get(session_id)
        .filter(|_| ctx.db.table_of(session_id) == Some("authSessions"))
        .cloned()
    else {
        return Value::Null;
    };
    if session.f64_field("expirationTime").unwrap_or(0.0) < now {
        return Value::Null;
    }
    let user_id = session.str_field("userId").unwrap_or_default().to_owned();
    match token.f64_field("firstUsedTime") {
        Some(first) if first + REUSE_WINDOW_MS <= now => {
            invalidate_subtree(ctx.db, refresh_id);
            Value::Null
        }
        first => {
            if first.is_none() {
                ctx.db
                    .patch(refresh_id, doc([("firstUsedTime", Some(json!(now)))]));
            }
            issue_tokens(ctx, &user_id, session_id, Some(refresh_id))
        }
    }
}

/// Deletes a refresh token and every token issued from it.
fn invalidate_subtree(db: &mut Db, root: &str) {
    let mut pending = vec![root.to_owned()];
    while let Some(id) = pending.pop() {
        pending.extend(
            db.filter("authRefreshTokens", |t| {
                t.str_field("parentRefreshTokenId") == Some(id.as_str())
            })
            .iter()
            .map(|t| t.id().to_owned()),
        );
        db.delete(&id);
    }
}

/// Deletes the caller's session and its refresh tokens. The JWT itself stays valid until it
/// expires, as with Convex Auth.
fn sign_out(ctx: &mut Ctx<'_>, _args: &Doc) -> FnResult {
    let Some(identity) = ctx.identity else {
        return Ok(Value::Null);
    };
    let session_id = identity.session_id.clone();
    let tokens: Vec<String> = ctx
        .db
        .filter("authRefreshTokens", |t| {
            t.str_field("sessionId") == Some(session_id.as_str())
        })
        .iter()
        .map(|t| t.id().to_owned())
        .collect();
    for token in tokens {
        ctx.db.delete(&token);
    }
    if ctx.db.table_of(&session_id) == Some("authSessions") {
        ctx.db.delete(&session_id);
    }
    Ok(Value::Null)
}

fn is_authenticated(ctx: &mut Ctx<'_>, _args: &Doc) -> FnResult {
    Ok(json!(ctx.identity.is_some()))
}

/// `{user:{_id,email,name,workspaceId,role,avatarUrl}, workspaces:[workspace + role]}`, or
/// `null` for an anonymous caller or a user without email/workspace/role.
fn current_user(ctx: &mut Ctx<'_>, _args: &Doc) -> FnResult {
    let Some(identity) = ctx.identity else {
        return Ok(Value::Null);
    };
    let Some(user) = ctx.db.get(&identity.user_id) else {
        return Ok(Value::Null);
    };
    if user.str_field("email").is_none()
        || user.str_field("workspaceId").is_none()
        || user.str_field("role").is_none()
    {
        return Ok(Value::Null);
    }
    let mut out = Doc::new();
    for key in ["_id", "email", "name", "workspaceId", "role", "avatarUrl"] {
        if let Some(value) = user.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    let workspaces: Vec<Value> = ctx
        .db
        .filter("workspaceMembers", |m| {
            m.str_field("userId") == Some(identity.user_id.as_str())
        })
        .iter()
        .filter_map(|m| {
            let mut workspace = ctx.db.get_cloned(m.str_field("workspaceId")?)?;
            workspace.insert("role".into(), m.get("role").cloned().unwrap_or(Value::Null));
            Some(Value::Object(workspace))
        })
        .collect();
    Ok(json!({"user": out, "workspaces": workspaces}))
}

fn switch_workspace(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let user_id = require_user(ctx)?;
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let role = member_role(ctx.db, &user_id, workspace_id)
        .ok_or_else(|| FnError::msg("Not a member of this workspace"))?;
    ctx.db.patch(
        &user_id,
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("role", Some(json!(role))),
        ]),
    );
    Ok(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwts_verify_until_they_expire() {
        let identity = Identity {
            user_id: "u".into(),
            session_id: "s".into(),
        };
        let token = sign_jwt(b"key", "http://mock", &identity, 1_000_000.0);
        assert_eq!(
            verify_jwt(b"key", &token, 1_000_000.0),
            Some(identity.clone())
        );
        assert_eq!(
            verify_jwt(b"key", &token, 1_000_000.0 + JWT_LIFETIME_MS),
            None
        );
        assert_eq!(verify_jwt(b"other", &token, 1_000_000.0), None);
        let tampered = token.replacen('.', ".x", 1);
        assert_eq!(verify_jwt(b"key", &tampered, 1_000_000.0), None);
    }

    #[test]
    fn roles_grant_the_contract_permission_sets() {
        assert!(ALL_PERMISSIONS.iter().all(|p| role_has("owner", p)));
        assert!(!role_has("admin", "settings.billing"));
        assert!(role_has("admin", "articles.publish"));
        assert!(role_has("agent", "conversations.close"));
        assert!(!role_has("agent", "articles.create"));
        assert!(role_has("viewer", "audit.read"));
        assert!(!role_has("viewer", "conversations.reply"));
    }

    #[test]
    fn passwords_are_salted() {
        let a = hash_password("Passw0rd!");
        assert_ne!(a, hash_password("Passw0rd!"));
        assert!(password_matches(&a, "Passw0rd!"));
        assert!(!password_matches(&a, "passw0rd!"));
    }
}
