//! `tickets.ts`, the visitor side (CONTRACT §11): `create`, `listByVisitor`, `get`,
//! `getComments` and `addComment`.
//!
//! `tickets:get` returns every comment, internal notes included, exactly like Opencom (a data
//! leak the SDK must shield hosts from); `getComments` hides them from visitors. Agents are
//! played by the control API ([`ServerMock::add_ticket_comment`](crate::ServerMock::add_ticket_comment)).

use serde_json::{json, Value};

use super::support_attachments::{bind_staged, descriptors, requested_ids, Binding};
use super::visitor_push_tokens::{push_to_visitor, truncate_preview};
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

const NOT_AUTHORIZED: &str = "Not authorized to access this ticket";

pub(crate) fn register(r: &mut Registry) {
    let form_data = record(union(vec![
        string(),
        number(),
        boolean(),
        null(),
        array(string()),
    ]));
    r.mutation(
        "tickets:create",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("subject", string()),
            opt("description", string()),
            opt("attachmentIds", array(id("supportAttachments"))),
            opt("priority", literals(&["low", "normal", "high", "urgent"])),
            opt("formId", id("ticketForms")),
            opt("formData", form_data),
        ]),
        create,
    );
    r.query(
        "tickets:listByVisitor",
        object(vec![
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("workspaceId", id("workspaces")),
        ]),
        list_by_visitor,
    );
    r.query(
        "tickets:get",
        object(vec![
            req("id", id("tickets")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        get,
    );
    r.query(
        "tickets:getComments",
        object(vec![
            req("ticketId", id("tickets")),
            opt("includeInternal", boolean()),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        get_comments,
    );
    r.mutation(
        "tickets:addComment",
        object(vec![
            req("ticketId", id("tickets")),
            opt("visitorId", id("visitors")),
            req("content", string()),
            opt("attachmentIds", array(id("supportAttachments"))),
            opt("isInternal", boolean()),
            opt("authorId", string()),
            opt("authorType", literals(&["agent", "visitor", "system"])),
            opt("sessionToken", string()),
        ]),
        add_comment,
    );
}

/// `requireWorkspaceTicketAccess` for visitors: the session's visitor, which a `visitorId`
/// argument must name.
fn workspace_access(ctx: &Ctx<'_>, args: &Doc, workspace_id: &str) -> Result<String, FnError> {
    let resolved = resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
    if args
        .str_field("visitorId")
        .is_some_and(|claimed| claimed != resolved.visitor_id)
    {
        return Err(FnError::msg(NOT_AUTHORIZED));
    }
    Ok(resolved.visitor_id)
}

/// `requireTicketReadAccess` for visitors: the session's visitor must own the ticket.
fn read_access(ctx: &Ctx<'_>, ticket: &Doc, args: &Doc) -> Result<String, FnError> {
    let workspace_id = ticket.str_field("workspaceId").unwrap_or_default();
    let visitor_id = workspace_access(ctx, args, workspace_id)?;
    if ticket.str_field("visitorId") != Some(visitor_id.as_str()) {
        return Err(FnError::msg(NOT_AUTHORIZED));
    }
    Ok(visitor_id)
}

fn require_visitor_in_workspace(
    db: &Db,
    visitor_id: &str,
    workspace_id: &str,
) -> Result<(), FnError> {
    let found = db
        .get(visitor_id)
        .is_some_and(|v| v.str_field("workspaceId") == Some(workspace_id));
    if found {
        Ok(())
    } else {
        Err(FnError::msg("Visitor not found in workspace"))
    }
}

/// A ticket or comment plus its `attachments` descriptors.
pub(crate) fn with_attachments(db: &Db, url: &str, record: &Doc) -> Doc {
    let mut out = record.clone();
    out.insert(
        "attachments".into(),
        descriptors(db, url, record.get("attachmentIds")),
    );
    out
}

/// The comments of a ticket, oldest first.
fn comments_of(db: &Db, ticket_id: &str) -> Vec<Doc> {
    db.filter("ticketComments", |c| {
        c.str_field("ticketId") == Some(ticket_id)
    })
}

fn create(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default().to_owned();
    let visitor_id = workspace_access(ctx, args, &workspace_id)?;
    require_visitor_in_workspace(ctx.db, &visitor_id, &workspace_id)?;
    let now = ctx.now;
    let priority = args.non_empty("priority").unwrap_or("normal");
    let ticket_id = ctx.db.insert(
        "tickets",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("visitorId", Some(json!(visitor_id))),
            ("subject", args.get("subject").cloned()),
            ("description", args.get("description").cloned()),
            ("status", Some(json!("submitted"))),
            ("priority", Some(json!(priority))),
            ("formId", args.get("formId").cloned()),
            ("formData", args.get("formData").cloned()),
            ("createdAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
        ]),
        now,
    );
    let bound = bind_staged(
        ctx,
        &workspace_id,
        &requested_ids(args),
        &visitor_id,
        Binding::Ticket(&ticket_id),
    )?;
    if !bound.is_empty() {
        ctx.db
            .patch(&ticket_id, doc([("attachmentIds", Some(json!(bound)))]));
    }
    Ok(json!(ticket_id))
}

fn list_by_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor_id = workspace_access(ctx, args, workspace_id)?;
    require_visitor_in_workspace(ctx.db, &visitor_id, workspace_id)?;
    // The `by_visitor` index, newest first.
    let tickets: Vec<Value> = ctx
        .db
        .filter("tickets", |t| {
            t.str_field("visitorId") == Some(visitor_id.as_str())
        })
        .iter()
        .rev()
        .map(|t| Value::Object(with_attachments(ctx.db, ctx.url, t)))
        .collect();
    Ok(Value::Array(tickets))
}

fn doc_or_null(db: &Db, id: Option<&str>) -> Value {
    id.and_then(|id| db.get(id))
        .cloned()
        .map_or(Value::Null, Value::Object)
}

/// The ticket with `visitor`, `assignee`, `conversation` and **all** `comments` (internal
/// ones too, as Opencom does).
fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let Some(ticket) = ctx.db.get_cloned(id) else {
        return Ok(Value::Null);
    };
    read_access(ctx, &ticket, args)?;
    let mut out = with_attachments(ctx.db, ctx.url, &ticket);
    out.insert(
        "visitor".into(),
        doc_or_null(ctx.db, ticket.str_field("visitorId")),
    );
    out.insert(
        "assignee".into(),
        doc_or_null(ctx.db, ticket.str_field("assigneeId")),
    );
    out.insert(
        "conversation".into(),
        doc_or_null(ctx.db, ticket.str_field("conversationId")),
    );
    let comments: Vec<Value> = comments_of(ctx.db, id)
        .iter()
        .map(|c| Value::Object(with_attachments(ctx.db, ctx.url, c)))
        .collect();
    out.insert("comments".into(), Value::Array(comments));
    Ok(Value::Object(out))
}

/// Internal comments are only for agents asking for them; visitors never see them.
fn get_comments(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let ticket_id = args.str_field("ticketId").unwrap_or_default();
    let Some(ticket) = ctx.db.get_cloned(ticket_id) else {
        return Err(FnError::msg("Ticket not found"));
    };
    read_access(ctx, &ticket, args)?;
    let comments: Vec<Value> = comments_of(ctx.db, ticket_id)
        .iter()
        .filter(|c| c.bool_field("isInternal") != Some(true))
        .map(|c| Value::Object(with_attachments(ctx.db, ctx.url, c)))
        .collect();
    Ok(Value::Array(comments))
}

/// A visitor's comment: `authorId`/`authorType` come from the session, `isInternal` is always
/// false (the arguments are ignored).
fn add_comment(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let ticket_id = args.str_field("ticketId").unwrap_or_default().to_owned();
    let Some(ticket) = ctx.db.get_cloned(&ticket_id) else {
        return Err(FnError::msg("Ticket not found"));
    };
    let workspace_id = ticket
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    let visitor_id = workspace_access(ctx, args, &workspace_id)?;
    if ticket.str_field("visitorId") != Some(visitor_id.as_str()) {
        return Err(FnError::msg("Not authorized to comment on this ticket"));
    }
    let now = ctx.now;
    let comment_id = ctx.db.insert(
        "ticketComments",
        doc([
            ("ticketId", Some(json!(ticket_id))),
            ("authorId", Some(json!(visitor_id))),
            ("authorType", Some(json!("visitor"))),
            ("content", args.get("content").cloned()),
            ("isInternal", Some(json!(false))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    let bound = bind_staged(
        ctx,
        &workspace_id,
        &requested_ids(args),
        &visitor_id,
        Binding::TicketComment(&comment_id),
    )?;
    if !bound.is_empty() {
        ctx.db
            .patch(&comment_id, doc([("attachmentIds", Some(json!(bound)))]));
    }
    ctx.db
        .patch(&ticket_id, doc([("updatedAt", Some(json!(now)))]));
    Ok(json!(comment_id))
}

/// An agent's comment (the control API's stand-in for the inbox): `authorType: "agent"`; a
/// public one pushes `{ticketId, type: "ticket_comment", commentId}` to the ticket's visitor.
/// Returns the comment id, `None` for an unknown ticket.
pub(crate) fn insert_agent_comment(
    db: &mut Db,
    now: f64,
    ticket_id: &str,
    agent_id: &str,
    text: &str,
    internal: bool,
) -> Option<String> {
    let ticket = db
        .get(ticket_id)
        .filter(|_| db.table_of(ticket_id) == Some("tickets"))?
        .clone();
    let comment_id = db.insert(
        "ticketComments",
        doc([
            ("ticketId", Some(json!(ticket_id))),
            ("authorId", Some(json!(agent_id))),
            ("authorType", Some(json!("agent"))),
            ("content", Some(json!(text))),
            ("isInternal", Some(json!(internal))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    db.patch(ticket_id, doc([("updatedAt", Some(json!(now)))]));
    if let (false, Some(visitor_id), Some(workspace_id)) = (
        internal,
        ticket.str_field("visitorId"),
        ticket.str_field("workspaceId"),
    ) {
        push_to_visitor(
            db,
            now,
            workspace_id,
            visitor_id,
            "Ticket update",
            &truncate_preview(text, 120),
            json!({"ticketId": ticket_id, "type": "ticket_comment", "commentId": comment_id}),
        );
    }
    Some(comment_id)
}
