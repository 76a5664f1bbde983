//! `messages.ts`: `list` (visitor-weak, with `senderName` and `attachments`) and `send` (the
//! senderType rules, unread counters and attachment binding) (CONTRACT §6).

use serde_json::{json, Value};

use super::auth::{has_permission, require_permission};
use super::support_attachments::{bind_staged, descriptors, requested_ids, Binding};
use super::visitor_push_tokens::notify_support_message;
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "messages:list",
        object(vec![
            req("conversationId", id("conversations")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        list,
    );
    r.mutation(
        "messages:send",
        object(vec![
            req("conversationId", id("conversations")),
            req("senderId", string()),
            req("senderType", literals(&["user", "visitor", "agent", "bot"])),
            req("content", string()),
            opt("attachmentIds", array(id("supportAttachments"))),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        send,
    );
}

/// The display name of an agent/user sender: the user's trimmed name, else email, else
/// `"Support"` (also when the sender id is not a user).
fn sender_name(db: &Db, sender_id: &str) -> String {
    db.get(sender_id)
        .filter(|_| db.table_of(sender_id) == Some("users"))
        .and_then(|user| {
            [user.str_field("name"), user.str_field("email")]
                .into_iter()
                .flatten()
                .map(str::trim)
                .find(|s| !s.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Support".to_owned())
}

/// Every message of a conversation, oldest first, as `messages:list` returns them.
pub(crate) fn rendered_messages(db: &Db, url: &str, conversation_id: &str) -> Vec<Value> {
    db.by_conversation("messages", conversation_id)
        .map(|message| {
            let mut out = message.clone();
            if matches!(message.str_field("senderType"), Some("agent" | "user")) {
                let name = sender_name(db, message.str_field("senderId").unwrap_or_default());
                out.insert("senderName".into(), json!(name));
            }
            out.insert(
                "attachments".into(),
                descriptors(db, url, message.get("attachmentIds")),
            );
            Value::Object(out)
        })
        .collect()
}

fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let Some(conversation) = ctx.db.get(conversation_id) else {
        return Ok(json!([]));
    };
    if ctx.identity.is_some() {
        // The agent branch runs first; the visitor arguments are then ignored.
        let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
        if !has_permission(ctx, workspace_id, "conversations.read") {
            return Ok(json!([]));
        }
        return Ok(Value::Array(rendered_messages(
            ctx.db,
            ctx.url,
            conversation_id,
        )));
    }
    let mut visitor_id = args.str_field("visitorId").map(str::to_owned);
    if let (Some(token), Some(workspace_id)) = (
        args.non_empty("sessionToken"),
        conversation.str_field("workspaceId"),
    ) {
        // Opencom logs a bad token and falls back to the `visitorId` argument.
        match resolve_visitor_from_session(ctx, Some(token), workspace_id) {
            Ok(resolved) => visitor_id = Some(resolved.visitor_id),
            Err(error) => tracing::debug!(
                error = %error.detail(),
                "messages:list: failed to resolve visitor session"
            ),
        }
    }
    let owned = visitor_id.as_deref().is_some_and(|visitor_id| {
        ctx.db.get(visitor_id).is_some() && conversation.str_field("visitorId") == Some(visitor_id)
    });
    if !owned {
        // The agent path needs a Convex Auth identity, which the mock never has.
        return Ok(json!([]));
    }
    Ok(Value::Array(rendered_messages(
        ctx.db,
        ctx.url,
        conversation_id,
    )))
}

fn send(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let Some(conversation) = ctx.db.get_cloned(conversation_id) else {
        return Err(FnError::msg("Conversation not found"));
    };
    let sender_type = args.str_field("senderType").unwrap_or_default();
    let workspace_id = conversation
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    let mut visitor_id = args.str_field("visitorId").map(str::to_owned);
    match sender_type {
        "bot" => {
            return Err(FnError::msg(
                "Not authorized: bot messages can only be sent by internal system callers",
            ))
        }
        "visitor" => {
            if let Some(token) = args.non_empty("sessionToken") {
                let resolved = resolve_visitor_from_session(ctx, Some(token), &workspace_id)?;
                visitor_id = Some(resolved.visitor_id);
            }
            if visitor_id.is_none() || conversation.str_field("visitorId") != visitor_id.as_deref()
            {
                return Err(FnError::msg(
                    "Not authorized to send messages to this conversation",
                ));
            }
        }
        // `senderId` is not checked against the JWT (as in Opencom).
        "agent" => {
            require_permission(ctx, &workspace_id, "conversations.reply")?;
            let sender_id = args.str_field("senderId").unwrap_or_default();
            let content = args.str_field("content").unwrap_or_default();
            let id = insert_agent_reply(ctx.db, ctx.now, conversation_id, sender_id, content);
            return Ok(id.map_or(Value::Null, Value::from));
        }
        // `user` messages are accepted with no auth at all (an Opencom bug, kept).
        _ => {}
    }

    let now = ctx.now;
    let message_id = ctx.db.insert(
        "messages",
        doc([
            ("conversationId", Some(json!(conversation_id))),
            ("senderId", args.get("senderId").cloned()),
            ("senderType", Some(json!(sender_type))),
            ("content", args.get("content").cloned()),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    if let (Some(visitor_id), "visitor") = (visitor_id.as_deref(), sender_type) {
        let requested = requested_ids(args);
        let bound = bind_staged(
            ctx,
            &workspace_id,
            &requested,
            visitor_id,
            Binding::Message(&message_id),
        )?;
        if !bound.is_empty() {
            ctx.db
                .patch(&message_id, doc([("attachmentIds", Some(json!(bound)))]));
        }
    }

    let mut update = doc([
        ("updatedAt", Some(json!(now))),
        ("lastMessageAt", Some(json!(now))),
    ]);
    let counter = match sender_type {
        "visitor" => Some("unreadByAgent"),
        "agent" => Some("unreadByVisitor"),
        _ => None,
    };
    if let Some(counter) = counter {
        let unread = conversation.f64_field(counter).unwrap_or(0.0);
        update.insert(counter.into(), json!(unread + 1.0));
    }
    ctx.db.patch(conversation_id, update);
    Ok(json!(message_id))
}

/// Inserts an agent reply (the control API's stand-in for an agent using the inbox), with the
/// same effects as `messages:send` with `senderType: "agent"` (including the push to the
/// visitor's devices). Returns the message id.
pub(crate) fn insert_agent_reply(
    db: &mut Db,
    now: f64,
    conversation_id: &str,
    agent_id: &str,
    text: &str,
) -> Option<String> {
    let unread = db
        .get(conversation_id)
        .filter(|_| db.table_of(conversation_id) == Some("conversations"))?
        .f64_field("unreadByVisitor")
        .unwrap_or(0.0);
    let message_id = db.insert(
        "messages",
        doc([
            ("conversationId", Some(json!(conversation_id))),
            ("senderId", Some(json!(agent_id))),
            ("senderType", Some(json!("agent"))),
            ("content", Some(json!(text))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    db.patch(
        conversation_id,
        doc([
            ("updatedAt", Some(json!(now))),
            ("lastMessageAt", Some(json!(now))),
            ("unreadByVisitor", Some(json!(unread + 1.0))),
        ]),
    );
    notify_support_message(db, now, conversation_id, text);
    Some(message_id)
}

/// Inserts a bot message (`internalSendBotMessage`): bumps `unreadByVisitor` and pushes it to
/// the visitor's devices.
pub(crate) fn insert_bot_message(
    ctx: &mut Ctx<'_>,
    conversation: &Doc,
    sender_id: &str,
    content: &str,
) -> String {
    let now = ctx.now;
    let conversation_id = conversation.id().to_owned();
    let message_id = ctx.db.insert(
        "messages",
        doc([
            ("conversationId", Some(json!(conversation_id))),
            ("senderId", Some(json!(sender_id))),
            ("senderType", Some(json!("bot"))),
            ("content", Some(json!(content))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    let unread = ctx
        .db
        .get(&conversation_id)
        .and_then(|c| c.f64_field("unreadByVisitor"))
        .unwrap_or(0.0);
    ctx.db.patch(
        &conversation_id,
        doc([
            ("updatedAt", Some(json!(now))),
            ("lastMessageAt", Some(json!(now))),
            ("unreadByVisitor", Some(json!(unread + 1.0))),
        ]),
    );
    notify_support_message(ctx.db, now, &conversation_id, content);
    message_id
}
