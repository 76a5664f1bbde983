//! `conversations.ts`, the visitor side: create / get-or-create (with the bot greeting),
//! listByVisitor, getTotalUnreadForVisitor, get, markAsRead (CONTRACT §6).

use std::cmp::Ordering;

use serde_json::{json, Value};

use super::auth::{has_permission, require_permission};
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

/// The greeting every new visitor conversation starts with (hard-coded in Opencom).
pub(crate) const GREETING: &str = "Hi! How can we help you today?";

pub(crate) fn register(r: &mut Registry) {
    let for_visitor = || {
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            req("sessionToken", string()),
        ])
    };
    let visitor_reads = || {
        object(vec![
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("workspaceId", id("workspaces")),
        ])
    };
    r.mutation(
        "conversations:createForVisitor",
        for_visitor(),
        create_for_visitor,
    );
    r.mutation(
        "conversations:getOrCreateForVisitor",
        for_visitor(),
        get_or_create_for_visitor,
    );
    r.query(
        "conversations:listByVisitor",
        visitor_reads(),
        list_by_visitor,
    );
    r.query(
        "conversations:getTotalUnreadForVisitor",
        visitor_reads(),
        get_total_unread_for_visitor,
    );
    r.query(
        "conversations:get",
        object(vec![
            req("id", id("conversations")),
            opt("visitorId", id("visitors")),
        ]),
        get,
    );
    r.query(
        "conversations:listForInbox",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("status", literals(&["open", "closed", "snoozed"])),
            opt("aiWorkflowState", literals(&["ai_handled", "handoff"])),
            opt("limit", number()),
            opt("cursor", string()),
        ]),
        list_for_inbox,
    );
    r.mutation(
        "conversations:updateStatus",
        object(vec![
            req("id", id("conversations")),
            req("status", literals(&["open", "closed", "snoozed"])),
        ]),
        update_status,
    );
    r.mutation(
        "conversations:assign",
        object(vec![
            req("id", id("conversations")),
            req("agentId", id("users")),
        ]),
        assign,
    );
    r.mutation(
        "conversations:markAsRead",
        object(vec![
            req("id", id("conversations")),
            req("readerType", literals(&["visitor", "agent"])),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        mark_as_read,
    );
}

/// The visitor of a session token, checked to belong to the workspace.
fn visitor_in_workspace(ctx: &Ctx<'_>, args: &Doc) -> Result<String, FnError> {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let resolved = resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
    let belongs = ctx
        .db
        .get(&resolved.visitor_id)
        .is_some_and(|v| v.str_field("workspaceId") == Some(workspace_id));
    if !belongs {
        return Err(FnError::msg(
            "Not authorized: visitor does not belong to this workspace",
        ));
    }
    Ok(resolved.visitor_id)
}

/// `createConversationInternal`: the conversation, then the greeting.
fn create_conversation(ctx: &mut Ctx<'_>, workspace_id: &str, visitor_id: &str) -> Value {
    let now = ctx.now;
    let id = ctx.db.insert(
        "conversations",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("visitorId", Some(json!(visitor_id))),
            ("status", Some(json!("open"))),
            ("createdAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
            ("lastMessageAt", Some(json!(now))),
            ("aiWorkflowState", Some(json!("none"))),
        ]),
        now,
    );
    ctx.db.insert(
        "messages",
        doc([
            ("conversationId", Some(json!(id))),
            ("senderId", Some(json!("system"))),
            ("senderType", Some(json!("bot"))),
            ("content", Some(json!(GREETING))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    ctx.db.get_cloned(&id).map_or(Value::Null, Value::Object)
}

fn create_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = visitor_in_workspace(ctx, args)?;
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    Ok(create_conversation(ctx, &workspace_id, &visitor_id))
}

fn get_or_create_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let visitor_id = visitor_in_workspace(ctx, args)?;
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    let open = ctx
        .db
        .find("conversations", |c| {
            c.str_field("visitorId") == Some(visitor_id.as_str())
                && c.str_field("status") == Some("open")
        })
        .cloned();
    match open {
        Some(existing) => Ok(Value::Object(existing)),
        None => Ok(create_conversation(ctx, &workspace_id, &visitor_id)),
    }
}

/// The visitor path of the `*ByVisitor` reads: `None` (→ empty answer) without a token or a
/// workspace; session errors propagate.
fn reading_visitor(ctx: &Ctx<'_>, args: &Doc) -> Result<Option<String>, FnError> {
    let (Some(token), Some(workspace_id)) = (
        args.non_empty("sessionToken"),
        args.str_field("workspaceId"),
    ) else {
        return Ok(None);
    };
    let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
    Ok(Some(resolved.visitor_id))
}

/// The newest message of a conversation, as stored.
pub(crate) fn last_message(db: &Db, conversation_id: &str) -> Option<Doc> {
    db.by_conversation("messages", conversation_id)
        .last()
        .cloned()
}

fn sort_key(conversation: &Doc) -> f64 {
    conversation
        .f64_field("lastMessageAt")
        .filter(|t| *t != 0.0)
        .or_else(|| conversation.f64_field("createdAt"))
        .unwrap_or(0.0)
}

fn list_by_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor_id) = reading_visitor(ctx, args)? else {
        return Ok(json!([]));
    };
    // The `by_visitor` index in descending order, then a stable sort on the last activity.
    let mut conversations = ctx.db.filter("conversations", |c| {
        c.str_field("visitorId") == Some(visitor_id.as_str())
    });
    conversations.reverse();
    let mut enriched: Vec<Doc> = conversations
        .into_iter()
        .map(|mut conversation| {
            let last = last_message(ctx.db, conversation.id()).map_or(Value::Null, Value::Object);
            conversation.insert("lastMessage".into(), last);
            conversation
        })
        .collect();
    enriched.sort_by(|a, b| {
        sort_key(b)
            .partial_cmp(&sort_key(a))
            .unwrap_or(Ordering::Equal)
    });
    Ok(Value::Array(
        enriched.into_iter().map(Value::Object).collect(),
    ))
}

fn get_total_unread_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor_id) = reading_visitor(ctx, args)? else {
        return Ok(json!(0));
    };
    let total: f64 = ctx
        .db
        .scan("conversations")
        .filter(|c| c.str_field("visitorId") == Some(visitor_id.as_str()))
        .map(|c| c.f64_field("unreadByVisitor").unwrap_or(0.0))
        .sum();
    Ok(json!(total))
}

/// An agent (JWT) gets the conversation when they may read its workspace's conversations (the
/// `visitorId` is then ignored); anyone else needs the owning `visitorId` (there is no
/// `sessionToken` argument). Otherwise `null`.
fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let Some(conversation) = ctx.db.get(id) else {
        return Ok(Value::Null);
    };
    if ctx.identity.is_some() {
        let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
        return Ok(if has_permission(ctx, workspace_id, "conversations.read") {
            Value::Object(conversation.clone())
        } else {
            Value::Null
        });
    }
    let owned = args.str_field("visitorId").is_some_and(|visitor_id| {
        conversation.str_field("visitorId") == Some(visitor_id) && ctx.db.get(visitor_id).is_some()
    });
    Ok(if owned {
        Value::Object(conversation.clone())
    } else {
        Value::Null
    })
}

fn mark_as_read(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let Some(conversation) = ctx.db.get_cloned(id) else {
        return Err(FnError::msg("Conversation not found"));
    };
    let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
    if args.str_field("readerType") != Some("visitor") {
        require_permission(ctx, workspace_id, "conversations.read")?;
        ctx.db.patch(id, doc([("unreadByAgent", Some(json!(0)))]));
        return Ok(Value::Null);
    }
    let Some(token) = args
        .non_empty("sessionToken")
        .filter(|_| !workspace_id.is_empty())
    else {
        return Err(FnError::msg("Session token required"));
    };
    let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
    if conversation.str_field("visitorId") != Some(resolved.visitor_id.as_str()) {
        return Err(FnError::msg("Not authorized"));
    }
    ctx.db.patch(id, doc([("unreadByVisitor", Some(json!(0)))]));
    Ok(Value::Null)
}

/// The conversation (by id, in the `conversations` table) and its workspace id.
fn conversation_and_workspace(ctx: &Ctx<'_>, id: &str) -> Result<(Doc, String), FnError> {
    let conversation = ctx
        .db
        .get(id)
        .filter(|_| ctx.db.table_of(id) == Some("conversations"))
        .cloned()
        .ok_or_else(|| FnError::msg("Conversation not found"))?;
    let workspace_id = conversation
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    Ok((conversation, workspace_id))
}

/// The inbox: newest activity first, filtered by status and AI workflow state, one page of
/// `limit` (1–100, default 50) after the `cursor` conversation id. Each row carries its
/// `visitor`, `lastMessage` and `aiWorkflow`.
fn list_for_inbox(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    require_permission(ctx, workspace_id, "conversations.read")?;
    let limit = args
        .f64_field("limit")
        .map_or(50, |l| l.floor().clamp(1.0, 100.0) as usize);
    let status = args.str_field("status");
    let ai_state = args.str_field("aiWorkflowState");
    let mut rows = ctx.db.filter("conversations", |c| {
        c.str_field("workspaceId") == Some(workspace_id)
            && status.is_none_or(|s| c.str_field("status") == Some(s))
            && ai_state.is_none_or(|s| c.str_field("aiWorkflowState") == Some(s))
    });
    rows.reverse();
    rows.sort_by(|a, b| {
        sort_key(b)
            .partial_cmp(&sort_key(a))
            .unwrap_or(Ordering::Equal)
    });
    let start = match args.str_field("cursor") {
        Some(cursor) => rows
            .iter()
            .position(|c| c.id() == cursor)
            .map_or(rows.len(), |p| p + 1),
        None => 0,
    };
    let page: Vec<Doc> = rows.iter().skip(start).take(limit).cloned().collect();
    let next_cursor = if start + page.len() < rows.len() {
        page.last().map(|c| json!(c.id()))
    } else {
        None
    };
    let conversations: Vec<Value> = page
        .into_iter()
        .map(|mut conversation| {
            let visitor = conversation
                .str_field("visitorId")
                .and_then(|v| ctx.db.get_cloned(v))
                .map_or(Value::Null, Value::Object);
            let last = last_message(ctx.db, conversation.id()).map_or(Value::Null, Value::Object);
            let ai = json!({
                "state": conversation.get("aiWorkflowState").cloned().unwrap_or(json!("none")),
                "handoffReason": conversation.get("aiHandoffReason").cloned().unwrap_or(Value::Null),
                "confidence": conversation.get("aiLastConfidence").cloned().unwrap_or(Value::Null),
                "lastResponseAt": conversation.get("aiLastResponseAt").cloned().unwrap_or(Value::Null),
            });
            conversation.insert("visitor".into(), visitor);
            conversation.insert("lastMessage".into(), last);
            conversation.insert("aiWorkflow".into(), ai);
            Value::Object(conversation)
        })
        .collect();
    Ok(json!({
        "conversations": conversations,
        "nextCursor": next_cursor.unwrap_or(Value::Null),
    }))
}

/// Needs `conversations.close`; closing sets `resolvedAt`, reopening clears it.
fn update_status(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let (_, workspace_id) = conversation_and_workspace(ctx, id)?;
    require_permission(ctx, &workspace_id, "conversations.close")?;
    let status = args.str_field("status").unwrap_or_default();
    let now = ctx.now;
    let mut fields = doc([
        ("status", Some(json!(status))),
        ("updatedAt", Some(json!(now))),
    ]);
    if status == "closed" {
        fields.insert("resolvedAt".into(), json!(now));
        ctx.db.patch(id, fields);
    } else {
        ctx.db.patch_unset(id, fields, &["resolvedAt"]);
    }
    Ok(Value::Null)
}

/// Needs `conversations.assign`; the assignee must be a member of the workspace.
fn assign(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let (_, workspace_id) = conversation_and_workspace(ctx, id)?;
    require_permission(ctx, &workspace_id, "conversations.assign")?;
    let agent_id = args.str_field("agentId").unwrap_or_default();
    if super::auth::member_role(ctx.db, agent_id, &workspace_id).is_none() {
        return Err(FnError::msg("Agent is not a member of this workspace"));
    }
    let now = ctx.now;
    ctx.db.patch(
        id,
        doc([
            ("assignedAgentId", Some(json!(agent_id))),
            ("updatedAt", Some(json!(now))),
        ]),
    );
    Ok(Value::Null)
}
