//! `visitors.ts` (+ `visitors/mutations.ts`, `visitors/coreQueries.ts`): identify (with the
//! email merge), heartbeat, updateLocation, getBySession, isOnline, get.

use std::cmp::Ordering;

use serde_json::{json, Value};

use super::auth::{member_role, require_permission};
use super::identity_verification::{enabled_and_required, mode_is_required, verify_identity};
use super::origin_validation::require_valid_origin;
use super::support_attachments::move_uploads;
use super::visitor_push_tokens::move_push_tokens;
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::util::readable_visitor_id;
use crate::validator::{shared, v::*};

/// A visitor counts as online when seen within this window.
const ONLINE_THRESHOLD_MS: f64 = 2.0 * 60.0 * 1000.0;

/// Tables whose rows point at a visitor through `visitorId` and follow it in an email merge
/// (filtered to the merge's workspace). Push tokens need their own de-duplicating move
/// ([`move_push_tokens`]); messages and uploads are moved by [`reassign_visitor_links`] too.
/// Tickets stay with the merged-away visitor id, as in Opencom.
const VISITOR_LINKED_TABLES: &[&str] =
    &["conversations", "widgetSessions", "events", "csatResponses"];

pub(crate) fn register(r: &mut Registry) {
    r.mutation(
        "visitors:identify",
        object(vec![
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("email", string()),
            opt("name", string()),
            opt("externalUserId", string()),
            opt("userHash", string()),
            opt("location", shared::location()),
            opt("device", shared::device()),
            opt("referrer", string()),
            opt("currentUrl", string()),
            opt("customAttributes", shared::custom_attributes()),
            opt("origin", string()),
        ]),
        identify,
    );
    r.mutation(
        "visitors:heartbeat",
        object(vec![
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("origin", string()),
        ]),
        heartbeat,
    );
    r.mutation(
        "visitors:updateLocation",
        object(vec![
            req("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("location", shared::location()),
        ]),
        update_location,
    );
    r.query(
        "visitors:getBySession",
        object(vec![req("sessionId", string())]),
        get_by_session,
    );
    r.query(
        "visitors:isOnline",
        object(vec![req("visitorId", id("visitors"))]),
        is_online,
    );
    r.query("visitors:get", object(vec![req("id", id("visitors"))]), get);
    r.query(
        "visitors:search",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("query", string()),
            opt("limit", number()),
        ]),
        search,
    );
    r.query(
        "visitors:list",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("limit", number()),
        ]),
        list,
    );
}

/// When both a token and a visitorId are given, the visitor comes from the token (the visitorId
/// only locates the workspace). Errors are the session errors.
fn visitor_from_token_and_id(ctx: &Ctx<'_>, args: &Doc) -> Result<Option<String>, FnError> {
    let claimed = args.str_field("visitorId").map(str::to_owned);
    if let (Some(token), Some(visitor_id)) = (args.non_empty("sessionToken"), claimed.as_deref()) {
        if let Some(workspace_id) = ctx
            .db
            .get(visitor_id)
            .and_then(|v| v.str_field("workspaceId"))
        {
            let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
            return Ok(Some(resolved.visitor_id));
        }
    }
    Ok(claimed)
}

/// Copies `key` from the patch arguments when non-empty, else from `fallback` when the target
/// lacks it (the merge rule for profile fields).
fn merged_field(patch: &mut Doc, key: &str, args: &Doc, canonical: &Doc, source: &Doc) {
    let truthy = |v: Option<&Value>| match v {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    if truthy(args.get(key)) {
        if let Some(v) = args.get(key) {
            patch.insert(key.to_owned(), v.clone());
        }
    } else if !truthy(canonical.get(key)) && truthy(source.get(key)) {
        if let Some(v) = source.get(key) {
            patch.insert(key.to_owned(), v.clone());
        }
    }
}

fn compare_for_canonical(a: &Doc, b: &Doc) -> Ordering {
    let num = |d: &Doc, k: &str| d.f64_field(k).unwrap_or(0.0);
    num(a, "createdAt")
        .total_cmp(&num(b, "createdAt"))
        .then(num(a, "_creationTime").total_cmp(&num(b, "_creationTime")))
        .then_with(|| a.id().cmp(b.id()))
}

/// Moves the source visitor's linked rows to the target (email merge): the rows of
/// [`VISITOR_LINKED_TABLES`], the visitor's own messages in the moved conversations (their
/// `senderId`), and its uploads.
fn reassign_visitor_links(ctx: &mut Ctx<'_>, workspace_id: &str, source: &str, target: &str) {
    let moved_conversations: Vec<String> = ctx
        .db
        .filter("conversations", |c| {
            c.str_field("visitorId") == Some(source)
                && c.str_field("workspaceId") == Some(workspace_id)
        })
        .iter()
        .map(|c| c.id().to_owned())
        .collect();
    let own_messages: Vec<String> = ctx
        .db
        .filter("messages", |m| {
            m.str_field("senderType") == Some("visitor")
                && m.str_field("senderId") == Some(source)
                && m.str_field("conversationId")
                    .is_some_and(|c| moved_conversations.iter().any(|moved| moved == c))
        })
        .iter()
        .map(|m| m.id().to_owned())
        .collect();
    for id in own_messages {
        ctx.db.patch(&id, doc([("senderId", Some(json!(target)))]));
    }
    move_uploads(ctx, source, target);
    move_push_tokens(ctx, workspace_id, source, target);
    for table in VISITOR_LINKED_TABLES {
        let ids: Vec<String> = ctx
            .db
            .filter(table, |row| {
                row.str_field("visitorId") == Some(source)
                    && row.str_field("workspaceId") == Some(workspace_id)
            })
            .iter()
            .map(|row| row.id().to_owned())
            .collect();
        for id in ids {
            ctx.db.patch(&id, doc([("visitorId", Some(json!(target)))]));
        }
    }
}

fn identify(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor_id) = visitor_from_token_and_id(ctx, args)? else {
        return Err(FnError::msg("Visitor ID required"));
    };
    let Some(mut visitor) = ctx.db.get_cloned(&visitor_id) else {
        return Err(FnError::msg("Visitor not found"));
    };
    if visitor.str_field("readableId").is_none() {
        let readable = json!(readable_visitor_id(&visitor_id));
        ctx.db
            .patch(&visitor_id, doc([("readableId", Some(readable.clone()))]));
        visitor.insert("readableId".into(), readable);
    }
    let workspace_id = visitor
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    require_valid_origin(ctx.db, &workspace_id, args.str_field("origin"))?;
    let now = ctx.now;

    match (args.non_empty("externalUserId"), args.non_empty("userHash")) {
        (Some(user_id), Some(hash)) => {
            let result = verify_identity(ctx, &workspace_id, &visitor_id, user_id, hash);
            if !result.verified && !result.skipped && mode_is_required(ctx.db, &workspace_id) {
                return Err(FnError::msg("Identity verification failed"));
            }
        }
        (Some(_), None) if enabled_and_required(ctx.db, &workspace_id) => {
            return Err(FnError::msg(
                "Identity verification failed: userHash is required",
            ));
        }
        _ => {}
    }

    if let Some(email) = args.non_empty("email") {
        if visitor.str_field("email") != Some(email) {
            let mut candidates = ctx.db.filter("visitors", |v| {
                v.str_field("workspaceId") == Some(workspace_id.as_str())
                    && v.str_field("email") == Some(email)
                    && v.id() != visitor_id
            });
            candidates.sort_by(compare_for_canonical);
            if let Some(canonical) = candidates.into_iter().next() {
                return merge_into(ctx, args, &visitor, &canonical);
            }
        }
    }

    let mut patch = doc([("lastSeenAt", Some(json!(now)))]);
    for key in [
        "email",
        "name",
        "externalUserId",
        "location",
        "device",
        "referrer",
        "currentUrl",
    ] {
        merged_field(&mut patch, key, args, &Doc::new(), &Doc::new());
    }
    if let Some(attributes) = args.obj_field("customAttributes") {
        let mut merged = visitor
            .obj_field("customAttributes")
            .cloned()
            .unwrap_or_default();
        merged.extend(attributes.clone());
        patch.insert("customAttributes".into(), Value::Object(merged));
    }
    ctx.db.patch(&visitor_id, patch);
    Ok(ctx
        .db
        .get_cloned(&visitor_id)
        .map_or(Value::Null, Value::Object))
}

/// The email merge: the current visitor is folded into the oldest visitor of the workspace
/// with that email, which is returned.
fn merge_into(ctx: &mut Ctx<'_>, args: &Doc, source: &Doc, canonical: &Doc) -> FnResult {
    let workspace_id = source
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    let source_id = source.id().to_owned();
    let canonical_id = canonical.id().to_owned();

    // Attributes: source < canonical < patch.
    let mut attributes = source
        .obj_field("customAttributes")
        .cloned()
        .unwrap_or_default();
    attributes.extend(
        canonical
            .obj_field("customAttributes")
            .cloned()
            .unwrap_or_default(),
    );
    attributes.extend(
        args.obj_field("customAttributes")
            .cloned()
            .unwrap_or_default(),
    );

    reassign_visitor_links(ctx, &workspace_id, &source_id, &canonical_id);

    let mut patch = Doc::new();
    if canonical.str_field("readableId").is_none() {
        patch.insert(
            "readableId".into(),
            json!(readable_visitor_id(&canonical_id)),
        );
    }
    patch.insert("lastSeenAt".into(), json!(ctx.now));
    for key in [
        "name",
        "externalUserId",
        "location",
        "device",
        "referrer",
        "currentUrl",
    ] {
        merged_field(&mut patch, key, args, canonical, source);
    }
    if !attributes.is_empty() {
        patch.insert("customAttributes".into(), Value::Object(attributes));
    }
    ctx.db.patch(&canonical_id, patch);
    ctx.db.delete(&source_id);
    Ok(ctx
        .db
        .get_cloned(&canonical_id)
        .map_or(Value::Null, Value::Object))
}

fn heartbeat(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    // Session problems are silent for heartbeats.
    let Ok(Some(visitor_id)) = visitor_from_token_and_id(ctx, args) else {
        return Ok(Value::Null);
    };
    let Some(workspace_id) = ctx
        .db
        .get(&visitor_id)
        .and_then(|v| v.str_field("workspaceId"))
        .map(str::to_owned)
    else {
        return Ok(Value::Null);
    };
    require_valid_origin(ctx.db, &workspace_id, args.str_field("origin"))?;
    ctx.db
        .patch(&visitor_id, doc([("lastSeenAt", Some(json!(ctx.now)))]));
    Ok(Value::Null)
}

fn update_location(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = args.str_field("visitorId").unwrap_or_default();
    let Some(workspace_id) = ctx
        .db
        .get(visitor_id)
        .and_then(|v| v.str_field("workspaceId"))
        .map(str::to_owned)
    else {
        return Err(FnError::msg("Visitor not found"));
    };
    let resolved =
        resolve_visitor_from_session(ctx, args.str_field("sessionToken"), &workspace_id)?;
    if resolved.visitor_id != visitor_id {
        return Err(FnError::msg(
            "Not authorized to update location for this visitor",
        ));
    }
    ctx.db.patch(
        visitor_id,
        doc([
            ("location", args.get("location").cloned()),
            ("lastSeenAt", Some(json!(ctx.now))),
        ]),
    );
    Ok(Value::Null)
}

fn get_by_session(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let session_id = args.str_field("sessionId").unwrap_or_default();
    Ok(ctx
        .db
        .find("visitors", |v| v.str_field("sessionId") == Some(session_id))
        .cloned()
        .map_or(Value::Null, Value::Object))
}

fn is_online(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = args.str_field("visitorId").unwrap_or_default();
    let online = ctx
        .db
        .get(visitor_id)
        .and_then(|v| v.f64_field("lastSeenAt"))
        .is_some_and(|seen| seen != 0.0 && ctx.now - seen < ONLINE_THRESHOLD_MS);
    Ok(Value::Bool(online))
}

/// `visitors:get` returns the document to members of the visitor's workspace, else `null`.
fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(identity) = ctx.identity else {
        return Ok(Value::Null);
    };
    let id = args.str_field("id").unwrap_or_default();
    let Some(visitor) = ctx.db.get(id) else {
        return Ok(Value::Null);
    };
    let workspace_id = visitor.str_field("workspaceId").unwrap_or_default();
    Ok(
        if member_role(ctx.db, &identity.user_id, workspace_id).is_some() {
            Value::Object(visitor.clone())
        } else {
            Value::Null
        },
    )
}

/// Needs `users.read`. Queries shorter than 2 characters find nothing; otherwise visitors
/// whose name contains every word of the query (case-insensitive, the full-text index's
/// stand-in) plus an exact email match first, at most `limit` (default 20, max 50).
fn search(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    require_permission(ctx, workspace_id, "users.read")?;
    let query = args
        .str_field("query")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if query.chars().count() < 2 {
        return Ok(json!([]));
    }
    let limit = args
        .f64_field("limit")
        .map_or(20, |l| l.floor().clamp(1.0, 50.0) as usize);
    let words: Vec<&str> = query.split_whitespace().collect();
    let in_workspace = ctx.db.filter("visitors", |v| {
        v.str_field("workspaceId") == Some(workspace_id)
    });
    let mut found: Vec<Doc> = in_workspace
        .iter()
        .filter(|v| v.str_field("email").map(str::to_lowercase).as_deref() == Some(&query))
        .cloned()
        .collect();
    for visitor in &in_workspace {
        let name = visitor.str_field("name").unwrap_or_default().to_lowercase();
        let by_name = !name.is_empty() && words.iter().all(|w| name.contains(w));
        if by_name && !found.iter().any(|f| f.id() == visitor.id()) {
            found.push(visitor.clone());
        }
    }
    found.truncate(limit);
    Ok(Value::Array(found.into_iter().map(Value::Object).collect()))
}

/// Needs `users.read`: the workspace's visitors, newest first, at most `limit` (default 100).
fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    require_permission(ctx, workspace_id, "users.read")?;
    let limit = args
        .f64_field("limit")
        .map_or(100, |l| l.floor().max(1.0) as usize);
    let mut visitors = ctx.db.filter("visitors", |v| {
        v.str_field("workspaceId") == Some(workspace_id)
    });
    visitors.reverse();
    visitors.truncate(limit);
    Ok(Value::Array(
        visitors.into_iter().map(Value::Object).collect(),
    ))
}
