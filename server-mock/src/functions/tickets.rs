//! `tickets.ts` (CONTRACT §11 and §15.3). The visitor side: `create`, `listByVisitor`, `get`,
//! `getComments` and `addComment`, which also take an agent (Bearer JWT) as Opencom's
//! `requireWorkspaceTicketAccess` / `requireTicketReadAccess` do. The agent side: `list`,
//! `listForAdminView`, `getForAdminView`, `update`, `resolve` and `convertFromConversation`.
//!
//! `tickets:get` returns every comment, internal notes included, exactly like Opencom (a data
//! leak the SDK must shield hosts from); `getComments` hides them unless an agent asks for them
//! with `includeInternal`. Agents can also be played by the control API
//! ([`ServerMock::add_ticket_comment`](crate::ServerMock::add_ticket_comment)).

use serde_json::{json, Value};

use super::auth::{has_permission, require_permission, require_user};
use super::support_attachments::{bind_staged, descriptors, requested_ids, Binding};
use super::visitor_push_tokens::{push_to_visitor, truncate_preview};
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

const NOT_AUTHORIZED: &str = "Not authorized to access this ticket";
/// What the `authQuery`/`authMutation` wrappers throw when the document that names the
/// workspace does not exist.
pub(crate) const MISSING_WORKSPACE: &str = "Auth wrapper misconfigured: missing workspace resolver";
const STATUSES: &[&str] = &[
    "submitted",
    "in_progress",
    "waiting_on_customer",
    "resolved",
];
const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];

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
    let list_args = || {
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("status", literals(STATUSES)),
            opt("assigneeId", id("users")),
        ])
    };
    r.query("tickets:list", list_args(), list);
    r.query("tickets:listForAdminView", list_args(), list_for_admin_view);
    r.query(
        "tickets:getForAdminView",
        object(vec![req("id", id("tickets"))]),
        get_for_admin_view,
    );
    r.mutation(
        "tickets:update",
        object(vec![
            req("id", id("tickets")),
            opt("status", literals(STATUSES)),
            opt("priority", literals(PRIORITIES)),
            opt("assigneeId", id("users")),
            opt("teamId", string()),
        ]),
        update,
    );
    r.mutation(
        "tickets:resolve",
        object(vec![
            req("id", id("tickets")),
            opt("resolutionSummary", string()),
        ]),
        resolve,
    );
    r.mutation(
        "tickets:convertFromConversation",
        object(vec![
            req("conversationId", id("conversations")),
            opt("subject", string()),
            opt("priority", literals(PRIORITIES)),
        ]),
        convert_from_conversation,
    );
}

/// Who is asking: a signed-in agent (a verified JWT of a user with an email) or a visitor.
enum Access {
    Agent(String),
    Visitor(String),
}

/// `getAuthenticatedUserFromSession`: the agent's user id, if the caller is one.
fn agent_caller(ctx: &Ctx<'_>) -> Option<String> {
    require_user(ctx).ok()
}

/// The `authQuery`/`authMutation` wrappers with `resolveWorkspaceId`: `"Not authenticated"`
/// first, then the wrapper's error when the document is gone, then the permission check.
pub(crate) fn require_resolved_permission(
    ctx: &Ctx<'_>,
    workspace_id: Option<&str>,
    permission: &str,
) -> Result<String, FnError> {
    require_user(ctx)?;
    let workspace_id = workspace_id.ok_or_else(|| FnError::msg(MISSING_WORKSPACE))?;
    require_permission(ctx, workspace_id, permission)
}

/// `requireWorkspaceTicketAccess`: an agent needs `permission` in the workspace; a visitor is
/// the session's visitor, which a `visitorId` argument must name.
fn workspace_access(
    ctx: &Ctx<'_>,
    args: &Doc,
    workspace_id: &str,
    permission: &str,
) -> Result<Access, FnError> {
    if let Some(user_id) = agent_caller(ctx) {
        require_permission(ctx, workspace_id, permission)?;
        return Ok(Access::Agent(user_id));
    }
    visitor_access(ctx, args, workspace_id).map(Access::Visitor)
}

/// The visitor half of [`workspace_access`].
fn visitor_access(ctx: &Ctx<'_>, args: &Doc, workspace_id: &str) -> Result<String, FnError> {
    let resolved = resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
    if args
        .str_field("visitorId")
        .is_some_and(|claimed| claimed != resolved.visitor_id)
    {
        return Err(FnError::msg(NOT_AUTHORIZED));
    }
    Ok(resolved.visitor_id)
}

/// `requireTicketReadAccess`: an agent needs `conversations.read` in the ticket's workspace; a
/// visitor's session must own the ticket.
fn read_access(ctx: &Ctx<'_>, ticket: &Doc, args: &Doc) -> Result<Access, FnError> {
    let workspace_id = ticket.str_field("workspaceId").unwrap_or_default();
    if let Some(user_id) = agent_caller(ctx) {
        require_permission(ctx, workspace_id, "conversations.read")?;
        return Ok(Access::Agent(user_id));
    }
    let visitor_id = visitor_access(ctx, args, workspace_id)?;
    if ticket.str_field("visitorId") != Some(visitor_id.as_str()) {
        return Err(FnError::msg(NOT_AUTHORIZED));
    }
    Ok(Access::Visitor(visitor_id))
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
    let access = workspace_access(ctx, args, &workspace_id, "conversations.reply")?;
    // An agent may file a ticket for a visitor (`visitorId`) or for nobody.
    let visitor_id = match &access {
        Access::Visitor(id) => Some(id.clone()),
        Access::Agent(_) => args.str_field("visitorId").map(str::to_owned),
    };
    if let Some(visitor_id) = &visitor_id {
        require_visitor_in_workspace(ctx.db, visitor_id, &workspace_id)?;
    }
    let now = ctx.now;
    let priority = args.non_empty("priority").unwrap_or("normal");
    let ticket_id = ctx.db.insert(
        "tickets",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("visitorId", visitor_id.as_ref().map(|v| json!(v))),
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
        uploader(&access),
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
    let access = workspace_access(ctx, args, workspace_id, "conversations.read")?;
    let visitor_id = match access {
        Access::Visitor(id) => id,
        Access::Agent(_) => match args.str_field("visitorId") {
            Some(id) => id.to_owned(),
            None => return Ok(json!([])),
        },
    };
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
    Ok(Value::Object(detail(ctx, &ticket)))
}

/// A ticket with `visitor`, `assignee` (full users doc), `conversation` and every comment.
fn detail(ctx: &Ctx<'_>, ticket: &Doc) -> Doc {
    let id = ticket.id();
    let mut out = with_attachments(ctx.db, ctx.url, ticket);
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
    out
}

/// Internal comments are only for agents asking for them; visitors never see them.
fn get_comments(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let ticket_id = args.str_field("ticketId").unwrap_or_default();
    let Some(ticket) = ctx.db.get_cloned(ticket_id) else {
        return Err(FnError::msg("Ticket not found"));
    };
    let access = read_access(ctx, &ticket, args)?;
    let all =
        matches!(access, Access::Agent(_)) && args.bool_field("includeInternal") == Some(true);
    let comments: Vec<Value> = comments_of(ctx.db, ticket_id)
        .iter()
        .filter(|c| all || c.bool_field("isInternal") != Some(true))
        .map(|c| Value::Object(with_attachments(ctx.db, ctx.url, c)))
        .collect();
    Ok(Value::Array(comments))
}

/// A comment. A visitor's `authorId`/`authorType` come from the session and `isInternal` is
/// always false; an agent (`conversations.reply`) comments as themselves, internal when
/// `isInternal` says so, and a public agent comment is pushed to the ticket's visitor.
/// `authorId`/`authorType` arguments are ignored either way.
fn add_comment(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let ticket_id = args.str_field("ticketId").unwrap_or_default().to_owned();
    let Some(ticket) = ctx.db.get_cloned(&ticket_id) else {
        return Err(FnError::msg("Ticket not found"));
    };
    let workspace_id = ticket
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    let access = workspace_access(ctx, args, &workspace_id, "conversations.reply")?;
    let now = ctx.now;
    let content = args.str_field("content").unwrap_or_default();
    let comment_id = match &access {
        Access::Agent(user_id) => {
            let internal = args.bool_field("isInternal").unwrap_or(false);
            insert_agent_comment(ctx.db, now, &ticket_id, user_id, content, internal)
                .ok_or_else(|| FnError::msg("Ticket not found"))?
        }
        Access::Visitor(visitor_id) => {
            if ticket.str_field("visitorId") != Some(visitor_id.as_str()) {
                return Err(FnError::msg("Not authorized to comment on this ticket"));
            }
            ctx.db.insert(
                "ticketComments",
                doc([
                    ("ticketId", Some(json!(ticket_id))),
                    ("authorId", Some(json!(visitor_id))),
                    ("authorType", Some(json!("visitor"))),
                    ("content", Some(json!(content))),
                    ("isInternal", Some(json!(false))),
                    ("createdAt", Some(json!(now))),
                ]),
                now,
            )
        }
    };
    let bound = bind_staged(
        ctx,
        &workspace_id,
        &requested_ids(args),
        uploader(&access),
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

/// Whose staged uploads a call may attach: the visitor's own. Agents cannot upload through
/// the mock, so an agent's `attachmentIds` are refused by the binding checks.
fn uploader(access: &Access) -> &str {
    match access {
        Access::Visitor(id) | Access::Agent(id) => id,
    }
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

/// `listTicketsWithEnrichment`: newest first, through the `by_status` index when `status` is
/// given (then `assigneeId` is ignored, as in Opencom), else `by_assignee`, else
/// `by_workspace`; each row with `visitor`, `assignee` (full users doc) and `attachments`.
fn enriched_list(ctx: &Ctx<'_>, args: &Doc) -> Value {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let status = args.str_field("status");
    let assignee = args.str_field("assigneeId");
    let rows = ctx.db.filter("tickets", |t| {
        t.str_field("workspaceId") == Some(workspace_id)
            && match (status, assignee) {
                (Some(status), _) => t.str_field("status") == Some(status),
                (None, Some(assignee)) => t.str_field("assigneeId") == Some(assignee),
                (None, None) => true,
            }
    });
    let tickets: Vec<Value> = rows
        .iter()
        .rev()
        .map(|ticket| {
            let mut out = with_attachments(ctx.db, ctx.url, ticket);
            out.insert(
                "visitor".into(),
                doc_or_null(ctx.db, ticket.str_field("visitorId")),
            );
            out.insert(
                "assignee".into(),
                doc_or_null(ctx.db, ticket.str_field("assigneeId")),
            );
            Value::Object(out)
        })
        .collect();
    Value::Array(tickets)
}

/// `authQuery` with `conversations.read`.
fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    require_permission(ctx, workspace_id, "conversations.read")?;
    Ok(enriched_list(ctx, args))
}

/// `getTicketDirectoryAccessStatus`: `unauthenticated` without a signed-in user, `forbidden`
/// without `conversations.read` (non-members included).
fn directory_status(ctx: &Ctx<'_>, workspace_id: &str) -> &'static str {
    if agent_caller(ctx).is_none() {
        "unauthenticated"
    } else if !has_permission(ctx, workspace_id, "conversations.read") {
        "forbidden"
    } else {
        "ok"
    }
}

/// Never throws: `{status, tickets}` with `[]` unless the status is `ok`.
fn list_for_admin_view(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let status = directory_status(ctx, workspace_id);
    let tickets = if status == "ok" {
        enriched_list(ctx, args)
    } else {
        json!([])
    };
    Ok(json!({"status": status, "tickets": tickets}))
}

/// Never throws: `{status: "not_found"|"unauthenticated"|"forbidden"|"ok", ticket}`, the
/// ticket as `tickets:get` returns it (every comment).
fn get_for_admin_view(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default();
    let Some(ticket) = ctx.db.get_cloned(id) else {
        return Ok(json!({"status": "not_found", "ticket": null}));
    };
    let status = directory_status(ctx, ticket.str_field("workspaceId").unwrap_or_default());
    if status != "ok" {
        return Ok(json!({"status": status, "ticket": null}));
    }
    Ok(json!({"status": "ok", "ticket": Value::Object(detail(ctx, &ticket))}))
}

/// The ticket (when it exists) and its workspace, for the wrappers' `resolveWorkspaceId`.
fn ticket_and_workspace(ctx: &Ctx<'_>, id: &str) -> (Option<Doc>, Option<String>) {
    let ticket = ctx.db.get_cloned(id);
    let workspace_id = ticket
        .as_ref()
        .and_then(|t| t.str_field("workspaceId"))
        .map(str::to_owned);
    (ticket, workspace_id)
}

/// `authMutation` with `conversations.reply`: sets the given fields (`resolvedAt` when the
/// status becomes `resolved`). The assignee is not checked, as in Opencom. Returns the id.
fn update(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default().to_owned();
    let (ticket, workspace_id) = ticket_and_workspace(ctx, &id);
    require_resolved_permission(ctx, workspace_id.as_deref(), "conversations.reply")?;
    if ticket.is_none() {
        return Err(FnError::msg("Ticket not found"));
    }
    let now = ctx.now;
    let mut fields = doc([("updatedAt", Some(json!(now)))]);
    for key in ["status", "priority", "assigneeId", "teamId"] {
        if let Some(value) = args.get(key) {
            fields.insert(key.into(), value.clone());
        }
    }
    if args.str_field("status") == Some("resolved") {
        fields.insert("resolvedAt".into(), json!(now));
    }
    ctx.db.patch(&id, fields);
    Ok(json!(id))
}

/// `authMutation` with `conversations.reply`: status `resolved`, `resolvedAt`, the summary
/// (unset when absent, as patching `undefined` does), and with a summary a public system
/// comment `"Ticket resolved: <summary>"`. Returns the id.
fn resolve(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let id = args.str_field("id").unwrap_or_default().to_owned();
    let (ticket, workspace_id) = ticket_and_workspace(ctx, &id);
    require_resolved_permission(ctx, workspace_id.as_deref(), "conversations.reply")?;
    if ticket.is_none() {
        return Err(FnError::msg("Ticket not found"));
    }
    let now = ctx.now;
    let summary = args.str_field("resolutionSummary");
    let fields = doc([
        ("status", Some(json!("resolved"))),
        ("resolutionSummary", summary.map(|s| json!(s))),
        ("resolvedAt", Some(json!(now))),
        ("updatedAt", Some(json!(now))),
    ]);
    if summary.is_some() {
        ctx.db.patch(&id, fields);
    } else {
        ctx.db.patch_unset(&id, fields, &["resolutionSummary"]);
    }
    if let Some(summary) = summary.filter(|s| !s.is_empty()) {
        ctx.db.insert(
            "ticketComments",
            doc([
                ("ticketId", Some(json!(id))),
                ("authorId", Some(json!("system"))),
                ("authorType", Some(json!("system"))),
                (
                    "content",
                    Some(json!(format!("Ticket resolved: {summary}"))),
                ),
                ("isInternal", Some(json!(false))),
                ("createdAt", Some(json!(now))),
            ]),
            now,
        );
    }
    Ok(json!(id))
}

/// `authMutation` with `conversations.reply` on the conversation's workspace: one ticket per
/// conversation, for its visitor, subject `subject || conversation.subject || "Ticket from
/// conversation"`. Returns the ticket id.
fn convert_from_conversation(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args
        .str_field("conversationId")
        .unwrap_or_default()
        .to_owned();
    let conversation = ctx.db.get_cloned(&conversation_id);
    let workspace_id = conversation
        .as_ref()
        .and_then(|c| c.str_field("workspaceId"))
        .map(str::to_owned);
    require_resolved_permission(ctx, workspace_id.as_deref(), "conversations.reply")?;
    let (Some(conversation), Some(workspace_id)) = (conversation, workspace_id) else {
        return Err(FnError::msg("Conversation not found"));
    };
    let exists = ctx
        .db
        .find("tickets", |t| {
            t.str_field("conversationId") == Some(conversation_id.as_str())
        })
        .is_some();
    if exists {
        return Err(FnError::msg(
            "A ticket already exists for this conversation",
        ));
    }
    let subject = args
        .non_empty("subject")
        .or_else(|| conversation.non_empty("subject"))
        .unwrap_or("Ticket from conversation");
    let now = ctx.now;
    let ticket_id = ctx.db.insert(
        "tickets",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("conversationId", Some(json!(conversation_id))),
            ("visitorId", conversation.get("visitorId").cloned()),
            ("subject", Some(json!(subject))),
            ("status", Some(json!("submitted"))),
            (
                "priority",
                Some(json!(args.non_empty("priority").unwrap_or("normal"))),
            ),
            ("createdAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(ticket_id))
}
