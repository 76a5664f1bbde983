//! `visitorPushTokens.ts`: a visitor's device push tokens (CONTRACT §10) — `register`,
//! `unregister`, `setNotificationsEnabled`, `getByVisitor` — and the simulated Expo deliveries
//! of visitor notifications (`notifications/routing.ts` → `push.ts:sendPush`).
//!
//! Deliveries are rows of [`PUSH_DELIVERIES`], written in the same transaction as the change
//! that caused them (a Convex scheduled function only runs when its mutation commits); each is
//! the Expo message Opencom would POST to `https://exp.host/--/api/v2/push/send`.

use serde_json::{json, Value};

use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

/// The table of simulated Expo push messages.
pub(crate) const PUSH_DELIVERIES: &str = "_pushDeliveries";
const TABLE: &str = "visitorPushTokens";
const LIST_DEFAULT_LIMIT: f64 = 200.0;
const LIST_MAX_LIMIT: f64 = 2000.0;
const NOT_AUTHORIZED: &str = "Not authorized to manage visitor push tokens";

pub(crate) fn register(r: &mut Registry) {
    r.mutation(
        "visitorPushTokens:register",
        object(vec![
            req("visitorId", id("visitors")),
            req("token", string()),
            req("platform", literals(&["ios", "android"])),
            opt("deviceId", string()),
            opt("sessionToken", string()),
            opt("workspaceId", id("workspaces")),
        ]),
        register_token,
    );
    let token_args = |extra: Vec<crate::validator::Field>| {
        let mut fields = vec![req("token", string())];
        fields.extend(extra);
        fields.extend([
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("workspaceId", id("workspaces")),
        ]);
        object(fields)
    };
    r.mutation(
        "visitorPushTokens:unregister",
        token_args(vec![]),
        unregister,
    );
    r.mutation(
        "visitorPushTokens:setNotificationsEnabled",
        token_args(vec![req("enabled", boolean())]),
        set_notifications_enabled,
    );
    r.query(
        "visitorPushTokens:getByVisitor",
        object(vec![
            req("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("workspaceId", id("workspaces")),
            opt("limit", number()),
        ]),
        get_by_visitor,
    );
}

fn find_token(db: &Db, token: &str) -> Option<Doc> {
    db.find(TABLE, |t| t.str_field("token") == Some(token))
        .cloned()
}

/// The visitor check of the token functions: the session of `workspaceId` (else the owner's
/// workspace) must stand for `owner` in `owner_workspace`. Without a token only an agent could
/// go on, and the mock has none.
fn authorize(ctx: &Ctx<'_>, args: &Doc, owner: &str, owner_workspace: &str) -> Result<(), FnError> {
    let Some(token) = args.non_empty("sessionToken") else {
        return Err(FnError::msg(NOT_AUTHORIZED));
    };
    let workspace_id = args.str_field("workspaceId").unwrap_or(owner_workspace);
    let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
    if workspace_id != owner_workspace {
        return Err(FnError::msg("Session token does not match workspace"));
    }
    if resolved.visitor_id != owner {
        return Err(FnError::msg("Session token does not match visitor"));
    }
    Ok(())
}

fn register_token(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = args.str_field("visitorId").unwrap_or_default().to_owned();
    let Some(visitor_workspace) = ctx
        .db
        .get(&visitor_id)
        .map(|v| v.str_field("workspaceId").unwrap_or_default().to_owned())
    else {
        return Err(FnError::msg("Visitor not found"));
    };
    authorize(ctx, args, &visitor_id, &visitor_workspace)?;
    let now = ctx.now;
    let token = args.str_field("token").unwrap_or_default();
    let mut fields = doc([
        ("platform", args.get("platform").cloned()),
        ("deviceId", args.get("deviceId").cloned()),
        ("notificationsEnabled", Some(json!(true))),
        ("updatedAt", Some(json!(now))),
    ]);
    // `deviceId: undefined` in the patch removes a stored one.
    let unset: &[&str] = if args.get("deviceId").is_some() {
        &["disabledAt", "lastFailureAt", "lastFailureReason"]
    } else {
        &[
            "deviceId",
            "disabledAt",
            "lastFailureAt",
            "lastFailureReason",
        ]
    };
    if let Some(existing) = find_token(ctx.db, token) {
        let status = if existing.str_field("visitorId") != Some(visitor_id.as_str()) {
            fields.insert("visitorId".into(), json!(visitor_id));
            fields.insert("workspaceId".into(), json!(visitor_workspace));
            "reassigned"
        } else {
            "updated"
        };
        ctx.db.patch_unset(existing.id(), fields, unset);
        return Ok(json!({"tokenId": existing.id(), "status": status}));
    }
    fields.insert("visitorId".into(), json!(visitor_id));
    fields.insert("workspaceId".into(), json!(visitor_workspace));
    fields.insert("token".into(), json!(token));
    fields.insert("createdAt".into(), json!(now));
    let id = ctx.db.insert(TABLE, fields, now);
    Ok(json!({"tokenId": id, "status": "created"}))
}

/// The stored token and the checks `unregister` and `setNotificationsEnabled` share; `None`
/// when there is no such token (`{success: true, status: "not_found"}`).
fn owned_token(ctx: &Ctx<'_>, args: &Doc) -> Result<Option<Doc>, FnError> {
    let token = args.str_field("token").unwrap_or_default();
    let Some(existing) = find_token(ctx.db, token) else {
        return Ok(None);
    };
    let owner = existing.str_field("visitorId").unwrap_or_default();
    let owner_workspace = existing.str_field("workspaceId").unwrap_or_default();
    if let Some(token) = args.non_empty("sessionToken") {
        // The same order of checks as `authorize`, then the claimed visitor.
        let workspace_id = args.str_field("workspaceId").unwrap_or(owner_workspace);
        let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
        if workspace_id != owner_workspace {
            return Err(FnError::msg("Session token does not match workspace"));
        }
        if resolved.visitor_id != owner {
            return Err(FnError::msg("Session token does not match visitor"));
        }
        if args.str_field("visitorId").is_some_and(|v| v != owner) {
            return Err(FnError::msg("Visitor/token mismatch"));
        }
        return Ok(Some(existing.clone()));
    }
    Err(FnError::msg(NOT_AUTHORIZED))
}

fn unregister(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(existing) = owned_token(ctx, args)? else {
        return Ok(json!({"success": true, "status": "not_found"}));
    };
    ctx.db.delete(existing.id());
    Ok(json!({"success": true, "status": "removed", "tokenId": existing.id()}))
}

fn set_notifications_enabled(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(existing) = owned_token(ctx, args)? else {
        return Ok(json!({"success": true, "status": "not_found"}));
    };
    let enabled = args.bool_field("enabled").unwrap_or(false);
    let now = ctx.now;
    let mut fields = doc([
        ("notificationsEnabled", Some(json!(enabled))),
        ("updatedAt", Some(json!(now))),
    ]);
    if enabled {
        ctx.db.patch_unset(existing.id(), fields, &["disabledAt"]);
    } else {
        fields.insert("disabledAt".into(), json!(now));
        ctx.db.patch(existing.id(), fields);
    }
    Ok(json!({
        "success": true,
        "status": "updated",
        "tokenId": existing.id(),
        "enabled": enabled,
    }))
}

/// `[]` unless the session stands for the visitor (any session error is swallowed).
fn get_by_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let limit = args
        .f64_field("limit")
        .unwrap_or(LIST_DEFAULT_LIMIT)
        .clamp(1.0, LIST_MAX_LIMIT);
    let visitor_id = args.str_field("visitorId").unwrap_or_default();
    let Some(visitor_workspace) = ctx
        .db
        .get(visitor_id)
        .map(|v| v.str_field("workspaceId").unwrap_or_default().to_owned())
    else {
        return Ok(json!([]));
    };
    let Some(token) = args.non_empty("sessionToken") else {
        // Only agents may list without a token, and the mock has none.
        return Ok(json!([]));
    };
    let workspace_id = args.str_field("workspaceId").unwrap_or(&visitor_workspace);
    let allowed = resolve_visitor_from_session(ctx, Some(token), workspace_id)
        .is_ok_and(|r| r.visitor_id == visitor_id && workspace_id == visitor_workspace);
    if !allowed {
        return Ok(json!([]));
    }
    let tokens: Vec<Value> = ctx
        .db
        .scan(TABLE)
        .filter(|t| t.str_field("visitorId") == Some(visitor_id))
        .take(limit.ceil() as usize)
        .map(|t| Value::Object(t.clone()))
        .collect();
    Ok(Value::Array(tokens))
}

/// `truncatePreview`: at most `max` characters, then `...`.
pub(crate) fn truncate_preview(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}...", text.chars().take(max).collect::<String>())
    }
}

/// Sends a visitor notification the way Opencom's router does: one Expo message per token of
/// the visitor that has not been turned off (`notificationsEnabled !== false`), and nothing when
/// the visitor is gone or not in `workspace_id`. Returns how many messages were recorded.
pub(crate) fn push_to_visitor(
    db: &mut Db,
    now: f64,
    workspace_id: &str,
    visitor_id: &str,
    title: &str,
    body: &str,
    data: Value,
) -> usize {
    let in_workspace = db
        .get(visitor_id)
        .is_some_and(|v| v.str_field("workspaceId") == Some(workspace_id));
    if !in_workspace {
        return 0;
    }
    let tokens: Vec<String> = db
        .scan(TABLE)
        .filter(|t| {
            t.str_field("visitorId") == Some(visitor_id)
                && t.bool_field("notificationsEnabled") != Some(false)
        })
        .filter_map(|t| t.str_field("token").map(str::to_owned))
        .collect();
    for token in &tokens {
        db.insert(
            PUSH_DELIVERIES,
            doc([
                ("to", Some(json!(token))),
                ("title", Some(json!(title))),
                ("body", Some(json!(body))),
                ("data", Some(data.clone())),
                ("sound", Some(json!("default"))),
                ("priority", Some(json!("high"))),
            ]),
            now,
        );
    }
    tokens.len()
}

/// `notifyNewMessage` for a support message (agent or bot): a `"Support"` push to the
/// conversation's visitor with `data: {conversationId, type: "new_message"}`.
pub(crate) fn notify_support_message(
    db: &mut Db,
    now: f64,
    conversation_id: &str,
    content: &str,
) -> usize {
    let Some((workspace_id, visitor_id)) = db.get(conversation_id).and_then(|c| {
        Some((
            c.str_field("workspaceId")?.to_owned(),
            c.str_field("visitorId")?.to_owned(),
        ))
    }) else {
        return 0;
    };
    push_to_visitor(
        db,
        now,
        &workspace_id,
        &visitor_id,
        "Support",
        &truncate_preview(content, 100),
        json!({"conversationId": conversation_id, "type": "new_message"}),
    )
}

/// Email merge: the source visitor's tokens move to the target; a token the target already
/// has is dropped from the source (re-enabling the target's copy if only the source's was on).
pub(crate) fn move_push_tokens(ctx: &mut Ctx<'_>, workspace_id: &str, source: &str, target: &str) {
    let now = ctx.now;
    let mut target_tokens: Vec<Doc> = ctx
        .db
        .filter(TABLE, |t| t.str_field("visitorId") == Some(target));
    let source_tokens = ctx
        .db
        .filter(TABLE, |t| t.str_field("visitorId") == Some(source));
    for source_token in source_tokens {
        let same = target_tokens
            .iter()
            .find(|t| t.str_field("token") == source_token.str_field("token"))
            .cloned();
        if let Some(target_token) = same {
            let enable = source_token.bool_field("notificationsEnabled") == Some(true)
                && target_token.bool_field("notificationsEnabled") == Some(false);
            let rehome = target_token.str_field("workspaceId") != Some(workspace_id);
            if enable || rehome {
                let mut patch = doc([("updatedAt", Some(json!(now)))]);
                if enable {
                    patch.insert("notificationsEnabled".into(), json!(true));
                }
                if rehome {
                    patch.insert("workspaceId".into(), json!(workspace_id));
                }
                ctx.db.patch(target_token.id(), patch);
            }
            ctx.db.delete(source_token.id());
            continue;
        }
        ctx.db.patch(
            source_token.id(),
            doc([
                ("visitorId", Some(json!(target))),
                ("workspaceId", Some(json!(workspace_id))),
                ("updatedAt", Some(json!(now))),
            ]),
        );
        target_tokens.push(source_token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_cut_after_the_limit() {
        assert_eq!(truncate_preview("short", 100), "short");
        let long = "é".repeat(101);
        let cut = truncate_preview(&long, 100);
        assert_eq!(cut.chars().count(), 103);
        assert!(cut.ends_with("..."));
    }
}
