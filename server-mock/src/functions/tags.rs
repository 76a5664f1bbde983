//! `tags.ts` (CONTRACT §15.3): workspace tags and the tags applied to conversations.
//!
//! Reads (`list`, `get`, `getConversationTags`) need `conversations.read` and answer `[]` or
//! `null` instead of throwing. Managing tags needs `checklists.manage` (Opencom's choice:
//! owners, admins and agents have it, viewers do not); applying them to a conversation needs
//! `conversations.assign`.

use serde_json::{json, Value};

use super::auth::{has_permission, require_permission, require_user};
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

const MANAGE: &str = "checklists.manage";

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "tags:list",
        object(vec![req("workspaceId", id("workspaces"))]),
        list,
    );
    r.query("tags:get", object(vec![req("id", id("tags"))]), get);
    r.mutation(
        "tags:create",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("name", string()),
            opt("color", string()),
        ]),
        create,
    );
    r.mutation(
        "tags:update",
        object(vec![
            req("id", id("tags")),
            opt("name", string()),
            opt("color", string()),
        ]),
        update,
    );
    r.mutation("tags:remove", object(vec![req("id", id("tags"))]), remove);
    r.mutation(
        "tags:addToConversation",
        object(vec![
            req("conversationId", id("conversations")),
            req("tagId", id("tags")),
            opt("appliedBy", literals(&["manual", "auto"])),
            opt("appliedByUserId", id("users")),
        ]),
        add_to_conversation,
    );
    r.mutation(
        "tags:removeFromConversation",
        object(vec![
            req("conversationId", id("conversations")),
            req("tagId", id("tags")),
        ]),
        remove_from_conversation,
    );
    r.query(
        "tags:getConversationTags",
        object(vec![req("conversationId", id("conversations"))]),
        get_conversation_tags,
    );
}

/// Whether a signed-in caller may read the workspace's conversations (`hasPermission`).
fn can_read(ctx: &Ctx<'_>, workspace_id: &str) -> bool {
    require_user(ctx).is_ok() && has_permission(ctx, workspace_id, "conversations.read")
}

fn workspace_of(doc: &Doc) -> String {
    doc.str_field("workspaceId").unwrap_or_default().to_owned()
}

/// The workspace's tags in creation order; `[]` unless the caller may read conversations.
fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    if !can_read(ctx, workspace_id) {
        return Ok(json!([]));
    }
    let tags: Vec<Value> = ctx
        .db
        .filter("tags", |t| t.str_field("workspaceId") == Some(workspace_id))
        .into_iter()
        .map(Value::Object)
        .collect();
    Ok(Value::Array(tags))
}

/// The tag, or `null` when it is gone or not readable by the caller.
fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let Some(tag) = ctx.db.get_cloned(id) else {
        return Ok(Value::Null);
    };
    if !can_read(ctx, &workspace_of(&tag)) {
        return Ok(Value::Null);
    }
    Ok(Value::Object(tag))
}

fn name_taken(ctx: &Ctx<'_>, workspace_id: &str, name: &str) -> bool {
    ctx.db
        .find("tags", |t| {
            t.str_field("workspaceId") == Some(workspace_id) && t.str_field("name") == Some(name)
        })
        .is_some()
}

/// Names are unique per workspace (exact match): `Tag "<name>" already exists`.
fn create(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    require_permission(ctx, &workspace_id, MANAGE)?;
    let name = args.str_field("name").unwrap_or_default().to_owned();
    if name_taken(ctx, &workspace_id, &name) {
        return Err(FnError::msg(format!("Tag \"{name}\" already exists")));
    }
    let now = ctx.now;
    let id = ctx.db.insert(
        "tags",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("name", Some(json!(name))),
            ("color", args.get("color").cloned()),
            ("createdAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(id))
}

fn existing_tag(ctx: &Ctx<'_>, id: &str) -> Result<Doc, FnError> {
    ctx.db
        .get_cloned(id)
        .ok_or_else(|| FnError::msg("Tag not found"))
}

/// Renames and/or recolours; returns the id.
fn update(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default().to_owned();
    let tag = existing_tag(ctx, &id)?;
    let workspace_id = workspace_of(&tag);
    require_permission(ctx, &workspace_id, MANAGE)?;
    if let Some(name) = args.str_field("name") {
        if tag.str_field("name") != Some(name) && name_taken(ctx, &workspace_id, name) {
            return Err(FnError::msg(format!("Tag \"{name}\" already exists")));
        }
    }
    let now = ctx.now;
    ctx.db.patch(
        &id,
        doc([
            ("name", args.get("name").cloned()),
            ("color", args.get("color").cloned()),
            ("updatedAt", Some(json!(now))),
        ]),
    );
    Ok(json!(id))
}

/// Deletes the tag, its conversation links and the auto-tag rules using it; returns `null`.
fn remove(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default().to_owned();
    let tag = existing_tag(ctx, &id)?;
    require_permission(ctx, &workspace_of(&tag), MANAGE)?;
    let linked: Vec<String> = ctx
        .db
        .scan("conversationTags")
        .chain(ctx.db.scan("autoTagRules"))
        .filter(|l| l.str_field("tagId") == Some(id.as_str()))
        .map(|l| l.id().to_owned())
        .collect();
    for link in linked {
        ctx.db.delete(&link);
    }
    ctx.db.delete(&id);
    Ok(Value::Null)
}

/// The conversation and the tag, which must share a workspace; returns that workspace.
fn conversation_and_tag(ctx: &Ctx<'_>, args: &Doc) -> Result<String, FnError> {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let conversation = ctx
        .db
        .get(conversation_id)
        .ok_or_else(|| FnError::msg("Conversation not found"))?;
    let tag = ctx
        .db
        .get(args.str_field("tagId").unwrap_or_default())
        .ok_or_else(|| FnError::msg("Tag not found"))?;
    if tag.str_field("workspaceId") != conversation.str_field("workspaceId") {
        return Err(FnError::msg(
            "Tag and conversation belong to different workspaces",
        ));
    }
    Ok(workspace_of(conversation))
}

fn link_of(ctx: &Ctx<'_>, conversation_id: &str, tag_id: &str) -> Option<String> {
    ctx.db
        .find("conversationTags", |l| {
            l.str_field("conversationId") == Some(conversation_id)
                && l.str_field("tagId") == Some(tag_id)
        })
        .map(|l| l.id().to_owned())
}

/// Idempotent: applying a tag twice returns the first link's id.
fn add_to_conversation(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = conversation_and_tag(ctx, args)?;
    let user_id = require_permission(ctx, &workspace_id, "conversations.assign")?;
    if args
        .str_field("appliedByUserId")
        .is_some_and(|by| by != user_id)
    {
        return Err(FnError::msg("Cannot apply tag on behalf of another user"));
    }
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let tag_id = args.str_field("tagId").unwrap_or_default();
    if let Some(existing) = link_of(ctx, conversation_id, tag_id) {
        return Ok(json!(existing));
    }
    let now = ctx.now;
    let id = ctx.db.insert(
        "conversationTags",
        doc([
            ("conversationId", Some(json!(conversation_id))),
            ("tagId", Some(json!(tag_id))),
            (
                "appliedBy",
                Some(json!(args.str_field("appliedBy").unwrap_or("manual"))),
            ),
            ("appliedByUserId", Some(json!(user_id))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(id))
}

/// Removes the link if there is one; returns `null` either way.
fn remove_from_conversation(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = conversation_and_tag(ctx, args)?;
    require_permission(ctx, &workspace_id, "conversations.assign")?;
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let tag_id = args.str_field("tagId").unwrap_or_default();
    if let Some(link) = link_of(ctx, conversation_id, tag_id) {
        ctx.db.delete(&link);
    }
    Ok(Value::Null)
}

/// The conversation's tags, each with `appliedBy`, `appliedByUserId` and `appliedAt`; `[]`
/// when the conversation is gone or not readable by the caller.
fn get_conversation_tags(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let Some(conversation) = ctx.db.get(conversation_id) else {
        return Ok(json!([]));
    };
    if !can_read(ctx, &workspace_of(conversation)) {
        return Ok(json!([]));
    }
    let tags: Vec<Value> = ctx
        .db
        .filter("conversationTags", |l| {
            l.str_field("conversationId") == Some(conversation_id)
        })
        .iter()
        .filter_map(|link| {
            let mut tag = ctx.db.get_cloned(link.str_field("tagId")?)?;
            for (from, to) in [
                ("appliedBy", "appliedBy"),
                ("appliedByUserId", "appliedByUserId"),
                ("createdAt", "appliedAt"),
            ] {
                if let Some(value) = link.get(from) {
                    tag.insert(to.into(), value.clone());
                }
            }
            Some(Value::Object(tag))
        })
        .collect();
    Ok(Value::Array(tags))
}
