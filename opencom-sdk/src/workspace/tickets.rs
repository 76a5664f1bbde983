//! Tickets for agents (CONTRACT §15.3): `tickets:list`, `tickets:get`, `tickets:update`,
//! `tickets:resolve`, agent comments (public or internal) through `tickets:addComment`,
//! `tickets:getComments` with internal notes, and `tickets:convertFromConversation`.
//!
//! Reads need `conversations.read`; every write needs `conversations.reply` (a viewer is
//! refused with [`Error::NotAuthorized`] naming it, see [`Error::denied_permission`]).

use std::sync::Arc;

use serde_json::Value;

use crate::conversations::check_id;
use crate::conversations::model::Attachment;
use crate::error::{Error, Result};
use crate::tickets::{attachments_of, Ticket, TicketPriority, TicketStatus};
use crate::transport::Function;
use crate::wire::agent::tickets::{
    AddComment, CommentDoc, ConvertFromConversation, GetTicket, ListTickets, ResolveTicket,
    TicketComments, TicketDoc, UpdateTicket,
};
use crate::wire::functions as fns;
use crate::wire::{decode, Call};
use crate::workspace::doc::{number, required, text};

use super::context::Context;
use super::inbox::VisitorSummary;

/// At most this many attachments per comment (Opencom's limit).
const MAX_ATTACHMENTS: usize = 5;

fn status_wire(status: &TicketStatus) -> Result<&'static str> {
    match status {
        TicketStatus::Submitted => Ok("submitted"),
        TicketStatus::InProgress => Ok("in_progress"),
        TicketStatus::WaitingOnCustomer => Ok("waiting_on_customer"),
        TicketStatus::Resolved => Ok("resolved"),
        TicketStatus::Other(other) => Err(Error::invalid(
            "status",
            format!("`{other}` is not submitted, in_progress, waiting_on_customer or resolved"),
        )),
    }
}

/// Which tickets [`WorkspaceTicketsClient::list`] returns.
///
/// ```
/// use opencom_sdk::{TicketFilter, TicketStatus};
/// let mine_in_progress = TicketFilter::new()
///     .status(TicketStatus::InProgress)
///     .assignee("k57agentid");
/// # let _ = mine_in_progress;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketFilter {
    status: Option<TicketStatus>,
    assignee_id: Option<String>,
}

impl TicketFilter {
    /// Every ticket of the workspace.
    ///
    /// ```
    /// let all = opencom_sdk::TicketFilter::new();
    /// # let _ = all;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Only tickets with this status.
    ///
    /// ```
    /// let open = opencom_sdk::TicketFilter::new().status(opencom_sdk::TicketStatus::Submitted);
    /// # let _ = open;
    /// ```
    pub fn status(mut self, status: TicketStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only tickets assigned to this user id.
    ///
    /// ```
    /// let theirs = opencom_sdk::TicketFilter::new().assignee("k57agentid");
    /// # let _ = theirs;
    /// ```
    pub fn assignee(mut self, user_id: impl Into<String>) -> Self {
        self.assignee_id = Some(user_id.into());
        self
    }
}

/// The agent a ticket is assigned to (Opencom sends the whole user; only these fields are
/// kept).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TicketAssignee {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Email.
    pub email: Option<String>,
}

/// A ticket as agents see it: the visitor-side [`Ticket`] plus who it belongs to and who works
/// on it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorkspaceTicket {
    /// Subject, status, priority, times, attachments.
    pub ticket: Ticket,
    /// The workspace.
    pub workspace_id: String,
    /// The visitor who filed it (absent for tickets an agent filed for nobody).
    pub visitor_id: Option<String>,
    /// The conversation it was converted from.
    pub conversation_id: Option<String>,
    /// The assigned agent's user id.
    pub assignee_id: Option<String>,
    /// The team, as a free-form id.
    pub team_id: Option<String>,
    /// When it was resolved, epoch ms.
    pub resolved_at: Option<f64>,
    /// The visitor, when the answer carries it (`list` and `get`).
    pub visitor: Option<VisitorSummary>,
    /// The assignee, when the answer carries it (`list` and `get`).
    pub assignee: Option<TicketAssignee>,
}

impl WorkspaceTicket {
    /// A ticket doc answered by `function`.
    fn from_json(function: Function, doc: &Value) -> Result<Self> {
        let fields: TicketDoc = decode(function, doc.clone())?;
        let visitor = match doc.get("visitor") {
            Some(v) if v.is_object() => Some(VisitorSummary {
                id: required(v, "_id", "visitor")?,
                name: text(v, "name"),
                email: text(v, "email"),
                readable_id: text(v, "readableId"),
            }),
            _ => None,
        };
        let assignee = match doc.get("assignee") {
            Some(a) if a.is_object() => Some(TicketAssignee {
                id: required(a, "_id", "assignee")?,
                name: text(a, "name"),
                email: text(a, "email"),
            }),
            _ => None,
        };
        Ok(Self {
            ticket: Ticket::from_json(doc)?,
            workspace_id: fields.workspace_id,
            visitor_id: text(doc, "visitorId"),
            conversation_id: text(doc, "conversationId"),
            assignee_id: text(doc, "assigneeId"),
            team_id: text(doc, "teamId"),
            resolved_at: number(doc, "resolvedAt"),
            visitor,
            assignee,
        })
    }
}

/// A ticket comment as agents see it, internal notes included.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorkspaceTicketComment {
    /// Opaque id.
    pub id: String,
    /// The author's id: a user id, a visitor id, or `system`.
    pub author_id: String,
    /// `agent`, `visitor` or `system`.
    pub author_type: String,
    /// Text.
    pub content: String,
    /// An internal note, never shown to the visitor.
    pub internal: bool,
    /// Creation time, epoch ms.
    pub created_at: f64,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

impl WorkspaceTicketComment {
    /// A comment doc answered by `function`.
    fn from_json(function: Function, doc: &Value) -> Result<Self> {
        let fields: CommentDoc = decode(function, doc.clone())?;
        Ok(Self {
            id: fields.id,
            author_id: fields.author_id,
            author_type: fields.author_type,
            content: fields.content,
            internal: fields.is_internal,
            created_at: fields.created_at,
            attachments: attachments_of(doc)?,
        })
    }
}

/// A ticket with every comment, oldest first, internal notes included.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorkspaceTicketDetail {
    /// The ticket.
    pub ticket: WorkspaceTicket,
    /// Every comment, oldest first.
    pub comments: Vec<WorkspaceTicketComment>,
}

/// Changes for [`WorkspaceTicketsClient::update`]; only what is set is sent.
///
/// ```
/// use opencom_sdk::{TicketPriority, TicketStatus, TicketUpdate};
/// let change = TicketUpdate::new()
///     .status(TicketStatus::InProgress)
///     .priority(TicketPriority::Urgent)
///     .assignee("k57agentid")
///     .team("billing");
/// # let _ = change;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketUpdate {
    status: Option<TicketStatus>,
    priority: Option<TicketPriority>,
    assignee_id: Option<String>,
    team_id: Option<String>,
}

impl TicketUpdate {
    /// No change yet.
    ///
    /// ```
    /// let nothing = opencom_sdk::TicketUpdate::new();
    /// # let _ = nothing;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the status (`Resolved` also stamps `resolved_at`; prefer
    /// [`WorkspaceTicketsClient::resolve`] to record a summary).
    ///
    /// ```
    /// let u = opencom_sdk::TicketUpdate::new().status(opencom_sdk::TicketStatus::WaitingOnCustomer);
    /// # let _ = u;
    /// ```
    pub fn status(mut self, status: TicketStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the priority.
    ///
    /// ```
    /// let u = opencom_sdk::TicketUpdate::new().priority(opencom_sdk::TicketPriority::High);
    /// # let _ = u;
    /// ```
    pub fn priority(mut self, priority: TicketPriority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Assigns the ticket to a user id.
    ///
    /// ```
    /// let u = opencom_sdk::TicketUpdate::new().assignee("k57agentid");
    /// # let _ = u;
    /// ```
    pub fn assignee(mut self, user_id: impl Into<String>) -> Self {
        self.assignee_id = Some(user_id.into());
        self
    }

    /// Sets the team (a free-form id).
    ///
    /// ```
    /// let u = opencom_sdk::TicketUpdate::new().team("billing");
    /// # let _ = u;
    /// ```
    pub fn team(mut self, team_id: impl Into<String>) -> Self {
        self.team_id = Some(team_id.into());
        self
    }

    /// The `tickets:update` arguments, checked before the network.
    fn to_args<'a>(&'a self, ticket_id: &'a str) -> Result<UpdateTicket<'a>> {
        check_id("id", ticket_id)?;
        if *self == Self::default() {
            return Err(Error::invalid("update", "nothing to update"));
        }
        let status = self.status.as_ref().map(status_wire).transpose()?;
        if let Some(assignee) = &self.assignee_id {
            check_id("assignee", assignee)?;
        }
        if let Some(team) = &self.team_id {
            if team.trim().is_empty() {
                return Err(Error::invalid("team", "must not be empty"));
            }
        }
        Ok(UpdateTicket {
            id: ticket_id,
            status,
            priority: self.priority.map(|p| p.as_str()),
            assignee_id: self.assignee_id.as_deref(),
            team_id: self.team_id.as_deref(),
        })
    }
}

/// An agent's comment for [`WorkspaceTicketsClient::comment`]: public (the visitor sees it and
/// gets a push) or internal (a note for the team only).
///
/// ```
/// use opencom_sdk::AgentComment;
/// let reply = AgentComment::public("We've refunded you.");
/// let note = AgentComment::internal("Customer is on the legacy plan");
/// assert!(note.is_internal() && !reply.is_internal());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AgentComment {
    content: String,
    internal: bool,
    attachment_ids: Vec<String>,
}

impl AgentComment {
    /// A comment the visitor sees.
    ///
    /// ```
    /// let c = opencom_sdk::AgentComment::public("On it!");
    /// # let _ = c;
    /// ```
    pub fn public(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            internal: false,
            attachment_ids: Vec::new(),
        }
    }

    /// An internal note: stored with `isInternal: true`, hidden from the visitor.
    ///
    /// ```
    /// let c = opencom_sdk::AgentComment::internal("Check the invoice first");
    /// assert!(c.is_internal());
    /// ```
    pub fn internal(content: impl Into<String>) -> Self {
        Self {
            internal: true,
            ..Self::public(content)
        }
    }

    /// Adds an uploaded attachment (at most 5).
    ///
    /// ```
    /// let c = opencom_sdk::AgentComment::public("See attached").attachment("k57attachment");
    /// # let _ = c;
    /// ```
    pub fn attachment(mut self, attachment_id: impl Into<String>) -> Self {
        self.attachment_ids.push(attachment_id.into());
        self
    }

    /// Whether this is an internal note.
    ///
    /// ```
    /// assert!(!opencom_sdk::AgentComment::public("hi").is_internal());
    /// ```
    pub fn is_internal(&self) -> bool {
        self.internal
    }
}

/// Tickets of a [`WorkspaceClient`](crate::WorkspaceClient); see
/// [`WorkspaceClient::tickets`](crate::WorkspaceClient::tickets).
#[derive(Debug, Clone)]
pub struct WorkspaceTicketsClient {
    ctx: Arc<Context>,
}

impl WorkspaceTicketsClient {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// The workspace's tickets matching `filter`, newest first, each with its visitor and
    /// assignee (`tickets:list`, not paginated). Needs `conversations.read`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
    /// # let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// # client.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// use opencom_sdk::{TicketFilter, TicketStatus};
    /// let new = client
    ///     .tickets()
    ///     .list(&mock.workspace_id(), TicketFilter::new().status(TicketStatus::Submitted))
    ///     .await?;
    /// assert!(new.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &self,
        workspace_id: &str,
        filter: TicketFilter,
    ) -> Result<Vec<WorkspaceTicket>> {
        check_id("workspaceId", workspace_id)?;
        let status = filter.status.as_ref().map(status_wire).transpose()?;
        if let Some(assignee) = &filter.assignee_id {
            check_id("assignee", assignee)?;
        }
        let rows = self
            .ctx
            .request(&ListTickets {
                workspace_id,
                status,
                assignee_id: filter.assignee_id.as_deref(),
            })
            .await?;
        let tickets = rows
            .iter()
            .map(|doc| WorkspaceTicket::from_json(ListTickets::FUNCTION, doc))
            .collect::<Result<Vec<_>>>()?;
        // With a status, Opencom ignores the assignee: filter here too.
        Ok(match &filter.assignee_id {
            Some(assignee) => tickets
                .into_iter()
                .filter(|t| t.assignee_id.as_deref() == Some(assignee.as_str()))
                .collect(),
            None => tickets,
        })
    }

    /// One ticket with every comment, internal notes included (`tickets:get`).
    /// [`Error::NotFound`] when it does not exist; [`Error::NotAuthorized`] when it belongs to a
    /// workspace this user is not a member of.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let detail = client.tickets().get("k57ticket").await?;
    /// println!("{} ({} comments)", detail.ticket.ticket.subject, detail.comments.len());
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, ticket_id: &str) -> Result<WorkspaceTicketDetail> {
        check_id("id", ticket_id)?;
        let value = self
            .ctx
            .request(&GetTicket { id: ticket_id })
            .await?
            .ok_or_else(|| Error::NotFound {
                message: format!("ticket {ticket_id}"),
            })?;
        let comments = match value.get("comments").and_then(Value::as_array) {
            Some(rows) => rows
                .iter()
                .map(|doc| WorkspaceTicketComment::from_json(fns::GET_TICKET, doc))
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        Ok(WorkspaceTicketDetail {
            ticket: WorkspaceTicket::from_json(fns::GET_TICKET, &value)?,
            comments,
        })
    }

    /// Every comment of a ticket, oldest first, internal notes included
    /// (`tickets:getComments` with `includeInternal`). Needs `conversations.read`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// for comment in client.tickets().comments("k57ticket").await? {
    ///     let tag = if comment.internal { "note" } else { "public" };
    ///     println!("[{tag}] {}", comment.content);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn comments(&self, ticket_id: &str) -> Result<Vec<WorkspaceTicketComment>> {
        check_id("ticketId", ticket_id)?;
        let rows = self
            .ctx
            .request(&TicketComments {
                ticket_id,
                include_internal: Some(true),
            })
            .await?;
        rows.iter()
            .map(|doc| WorkspaceTicketComment::from_json(TicketComments::FUNCTION, doc))
            .collect()
    }

    /// Changes status, priority, assignee and/or team (`tickets:update`). Needs
    /// `conversations.reply`; an empty update is [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::{TicketStatus, TicketUpdate};
    /// let me = client.user_id().unwrap_or_default();
    /// client
    ///     .tickets()
    ///     .update("k57ticket", TicketUpdate::new().status(TicketStatus::InProgress).assignee(me))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, ticket_id: &str, change: TicketUpdate) -> Result<()> {
        let args = change.to_args(ticket_id)?;
        self.ctx.request(&args).await.map(drop)
    }

    /// Resolves a ticket (`tickets:resolve`); with a summary, the visitor sees a system comment
    /// `"Ticket resolved: <summary>"`. Needs `conversations.reply`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.tickets().resolve("k57ticket", Some("Refund issued")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn resolve(&self, ticket_id: &str, summary: Option<&str>) -> Result<()> {
        check_id("id", ticket_id)?;
        if summary.is_some_and(|s| s.trim().is_empty()) {
            return Err(Error::invalid("summary", "must not be empty"));
        }
        self.ctx
            .request(&ResolveTicket {
                id: ticket_id,
                resolution_summary: summary,
            })
            .await
            .map(drop)
    }

    /// Comments as the signed-in agent (`tickets:addComment`); returns the comment id. A public
    /// comment reaches the visitor, an internal one never does. Needs `conversations.reply`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::AgentComment;
    /// let tickets = client.tickets();
    /// tickets.comment("k57ticket", AgentComment::internal("Refund approved by finance")).await?;
    /// tickets.comment("k57ticket", AgentComment::public("Your refund is on its way")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn comment(&self, ticket_id: &str, comment: AgentComment) -> Result<String> {
        check_id("ticketId", ticket_id)?;
        if comment.content.trim().is_empty() {
            return Err(Error::invalid("content", "must not be empty"));
        }
        if comment.attachment_ids.len() > MAX_ATTACHMENTS {
            return Err(Error::invalid(
                "attachment_ids",
                format!("at most {MAX_ATTACHMENTS} attachments"),
            ));
        }
        for id in &comment.attachment_ids {
            check_id("attachment_ids", id)?;
        }
        self.ctx
            .request(&AddComment {
                ticket_id,
                content: &comment.content,
                is_internal: comment.internal.then_some(true),
                attachment_ids: (!comment.attachment_ids.is_empty())
                    .then_some(comment.attachment_ids.as_slice()),
            })
            .await
    }

    /// Turns a conversation into a ticket for its visitor (`tickets:convertFromConversation`);
    /// returns the ticket id. The subject defaults to the conversation's, else "Ticket from
    /// conversation"; the priority to normal. A conversation converts once: a second attempt
    /// is [`Error::InvalidInput`] on `conversationId` ("A ticket already exists for this
    /// conversation"). Needs `conversations.reply`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::TicketPriority;
    /// let ticket_id = client
    ///     .tickets()
    ///     .convert_from_conversation("k57conversation", Some("Billing issue"), Some(TicketPriority::High))
    ///     .await?;
    /// # let _ = ticket_id; Ok(()) }
    /// ```
    pub async fn convert_from_conversation(
        &self,
        conversation_id: &str,
        subject: Option<&str>,
        priority: Option<TicketPriority>,
    ) -> Result<String> {
        check_id("conversationId", conversation_id)?;
        if subject.is_some_and(|s| s.trim().is_empty()) {
            return Err(Error::invalid("subject", "must not be empty"));
        }
        self.ctx
            .request(&ConvertFromConversation {
                conversation_id,
                subject,
                priority: priority.map(|p| p.as_str()),
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn updates_send_only_what_is_set() {
        let change = TicketUpdate::new().priority(TicketPriority::Urgent);
        let args = change.to_args("t1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            serde_json::to_value(&args).unwrap_or_else(|e| panic!("{e}")),
            json!({"id": "t1", "priority": "urgent"})
        );
        assert!(matches!(
            TicketUpdate::new().to_args("t1"),
            Err(Error::InvalidInput { .. })
        ));
        assert!(matches!(
            TicketUpdate::new()
                .status(TicketStatus::Other("open".into()))
                .to_args("t1"),
            Err(Error::InvalidInput { field, .. }) if field == "status"
        ));
    }

    #[test]
    fn comments_keep_the_internal_flag() {
        let c = WorkspaceTicketComment::from_json(
            fns::TICKET_COMMENTS,
            &json!({
                "_id": "c1", "authorId": "u1", "authorType": "agent", "content": "note",
                "isInternal": true, "createdAt": 5
            }),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(c.internal);
        assert_eq!(c.author_id, "u1");
    }
}
