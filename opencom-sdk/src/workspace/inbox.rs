//! The agent inbox: `conversations:listForInbox` as a stream over its cursor pages, `get`,
//! replies (`messages:send` as the agent), status, assignment and read state.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::conversations::model::{Conversation, ConversationStatus, Message};
use crate::error::{Error, Result};
use crate::realtime::LiveStream;
use crate::wire::agent::conversations::{
    Assign, GetConversation, InboxPage, ListForInbox, MarkAsRead, UpdateStatus,
};
use crate::wire::agent::messages::{ListMessages, SendMessage};
use crate::workspace::doc::{number, required, text};

use super::context::Context;

/// The AI agent's state of a conversation, as the inbox filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiWorkflowState {
    /// The AI agent answered and no human is needed.
    AiHandled,
    /// The AI agent handed the conversation to a human.
    Handoff,
}

impl AiWorkflowState {
    fn as_wire(self) -> &'static str {
        match self {
            Self::AiHandled => "ai_handled",
            Self::Handoff => "handoff",
        }
    }
}

fn status_wire(status: &ConversationStatus) -> Result<&'static str> {
    match status {
        ConversationStatus::Open => Ok("open"),
        ConversationStatus::Closed => Ok("closed"),
        ConversationStatus::Snoozed => Ok("snoozed"),
        ConversationStatus::Other(other) => Err(Error::invalid(
            "status",
            format!("`{other}` is not open, closed or snoozed"),
        )),
    }
}

/// Which conversations [`InboxClient::list`] returns, and how many per request.
///
/// ```
/// use opencom_sdk::{AiWorkflowState, ConversationStatus, InboxFilter};
/// let filter = InboxFilter::new()
///     .status(ConversationStatus::Open)
///     .ai_state(AiWorkflowState::Handoff)
///     .page_size(25);
/// # let _ = filter;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxFilter {
    status: Option<ConversationStatus>,
    ai_state: Option<AiWorkflowState>,
    page_size: Option<u32>,
}

impl InboxFilter {
    /// Every conversation, 50 per page.
    ///
    /// ```
    /// let all = opencom_sdk::InboxFilter::new();
    /// # let _ = all;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Only conversations with this status.
    ///
    /// ```
    /// let open = opencom_sdk::InboxFilter::new().status(opencom_sdk::ConversationStatus::Open);
    /// # let _ = open;
    /// ```
    pub fn status(mut self, status: ConversationStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only conversations in this AI workflow state.
    ///
    /// ```
    /// let handed = opencom_sdk::InboxFilter::new().ai_state(opencom_sdk::AiWorkflowState::Handoff);
    /// # let _ = handed;
    /// ```
    pub fn ai_state(mut self, state: AiWorkflowState) -> Self {
        self.ai_state = Some(state);
        self
    }

    /// Conversations per request, 1–100 (default 50).
    ///
    /// ```
    /// let small = opencom_sdk::InboxFilter::new().page_size(10);
    /// # let _ = small;
    /// ```
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }
}

/// The visitor of an inbox row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VisitorSummary {
    /// Visitor id.
    pub id: String,
    /// Name, when identified.
    pub name: Option<String>,
    /// Email, when identified.
    pub email: Option<String>,
    /// Opencom's readable id (e.g. `swift-otter-42`).
    pub readable_id: Option<String>,
}

/// A conversation as the inbox shows it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InboxConversation {
    /// Conversation id.
    pub id: String,
    /// Status (and times, last message).
    pub conversation: Conversation,
    /// Messages the team has not read.
    pub unread_by_agent: u32,
    /// The assigned agent's user id.
    pub assigned_agent_id: Option<String>,
    /// The visitor, when the conversation has one.
    pub visitor: Option<VisitorSummary>,
    /// `none`, `ai_handled` or `handoff`.
    pub ai_state: String,
}

impl InboxConversation {
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        let visitor = match doc.get("visitor") {
            Some(v) if v.is_object() => Some(VisitorSummary {
                id: required(v, "_id", "visitor")?,
                name: text(v, "name"),
                email: text(v, "email"),
                readable_id: text(v, "readableId"),
            }),
            _ => None,
        };
        let ai_state = doc
            .get("aiWorkflow")
            .and_then(|a| text(a, "state"))
            .or_else(|| text(doc, "aiWorkflowState"))
            .unwrap_or_else(|| "none".into());
        Ok(Self {
            id: required(doc, "_id", "conversation")?,
            conversation: Conversation::from_json(doc)?,
            unread_by_agent: number(doc, "unreadByAgent").unwrap_or(0.0).max(0.0) as u32,
            assigned_agent_id: text(doc, "assignedAgentId"),
            visitor,
            ai_state,
        })
    }
}

/// The inbox of a [`WorkspaceClient`](crate::WorkspaceClient); see
/// [`WorkspaceClient::inbox`](crate::WorkspaceClient::inbox).
#[derive(Debug, Clone)]
pub struct InboxClient {
    ctx: Arc<Context>,
}

/// The `conversations:listForInbox` arguments of a filter and a cursor (`None`: the first
/// page), checked before the network.
fn filter_args<'a>(
    workspace_id: &'a str,
    filter: &InboxFilter,
    cursor: Option<&'a str>,
) -> Result<ListForInbox<'a>> {
    if workspace_id.trim().is_empty() {
        return Err(Error::invalid("workspace_id", "must not be empty"));
    }
    crate::conversations::check_id("workspaceId", workspace_id)?;
    let status = filter.status.as_ref().map(status_wire).transpose()?;
    if let Some(size) = filter.page_size {
        if !(1..=100).contains(&size) {
            return Err(Error::invalid("page_size", "must be between 1 and 100"));
        }
    }
    Ok(ListForInbox {
        workspace_id,
        status,
        ai_workflow_state: filter.ai_state.map(AiWorkflowState::as_wire),
        limit: filter.page_size,
        cursor,
    })
}

/// The rows of one `conversations:listForInbox` page.
pub(crate) fn inbox_rows(page: &InboxPage) -> Result<Vec<InboxConversation>> {
    page.conversations
        .iter()
        .map(InboxConversation::from_json)
        .collect()
}

impl InboxClient {
    /// The first page of the inbox matching `filter` (newest activity first, up to the filter's
    /// page size, 50 by default), live: the current page first, then the page again whenever a
    /// conversation in it changes, arrives or leaves. Over a WebSocket subscription
    /// authenticated with the JWT (kept fresh across refreshes); polled over HTTP when the
    /// builder says [`RealtimeMode::Polling`](crate::RealtimeMode) or no socket can be opened.
    /// Errors are items (a viewer without `conversations.read`, a signed-out client); the
    /// stream goes on. Dropping the stream ends the subscription.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
    /// # let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// # client.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// use futures::StreamExt;
    /// let mut inbox = client.inbox().watch(&mock.workspace_id(), opencom_sdk::InboxFilter::new())?;
    /// let first = inbox.next().await.expect("a snapshot")?;
    /// assert!(first.value.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn watch(
        &self,
        workspace_id: &str,
        filter: InboxFilter,
    ) -> Result<LiveStream<Vec<InboxConversation>>> {
        let args = filter_args(workspace_id, &filter, None)?;
        super::live::watch_inbox(Arc::clone(&self.ctx), &args)
    }

    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Every conversation of the workspace matching `filter`, newest activity first, as a
    /// stream that fetches one page (`conversations:listForInbox`) at a time as it is read. An
    /// error ends the stream after being yielded. Needs `conversations.read`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
    /// # let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// # client.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// use futures::TryStreamExt;
    /// let all: Vec<_> = client
    ///     .inbox()
    ///     .list(&mock.workspace_id(), opencom_sdk::InboxFilter::new())
    ///     .try_collect()
    ///     .await?;
    /// assert!(all.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn list(
        &self,
        workspace_id: &str,
        filter: InboxFilter,
    ) -> BoxStream<'static, Result<InboxConversation>> {
        let ctx = Arc::clone(&self.ctx);
        let workspace_id = workspace_id.to_owned();
        // State: the next cursor (`None` before the first page), or done.
        let pages = stream::try_unfold(Some(None::<String>), move |state| {
            let ctx = Arc::clone(&ctx);
            let workspace_id = workspace_id.clone();
            let filter = filter.clone();
            async move {
                let Some(cursor) = state else {
                    return Ok::<_, Error>(None);
                };
                let args = filter_args(&workspace_id, &filter, cursor.as_deref())?;
                let page = ctx.request(&args).await?;
                let rows = inbox_rows(&page)?;
                let next = page.next_cursor.filter(|_| !rows.is_empty());
                Ok(Some((rows, next.map(Some))))
            }
        });
        pages
            .map_ok(|rows| stream::iter(rows.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// One conversation; [`Error::NotFound`] when it does not exist or is not visible to this
    /// user.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let conversation = client.inbox().get("k57…").await?;
    /// println!("{:?}", conversation.status);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, conversation_id: &str) -> Result<Conversation> {
        crate::conversations::check_id("id", conversation_id)?;
        let value = self
            .ctx
            .request(&GetConversation {
                id: conversation_id,
            })
            .await?
            .ok_or_else(|| Error::NotFound {
                message: format!("conversation {conversation_id}"),
            })?;
        Conversation::from_json(&value)
    }

    /// Every message of a conversation, oldest first (`[]` when not visible to this user).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// for message in client.inbox().messages("k57…").await? {
    ///     println!("{:?}: {}", message.sender_type, message.content);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn messages(&self, conversation_id: &str) -> Result<Vec<Message>> {
        crate::conversations::check_id("conversationId", conversation_id)?;
        let value = self.ctx.request(&ListMessages { conversation_id }).await?;
        Message::list_from_json(&value)
    }

    /// Replies as the signed-in agent (`senderType: "agent"`, `senderId` = the user's id);
    /// returns the message id. Needs `conversations.reply`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let id = client.inbox().reply("k57…", "Happy to help!").await?;
    /// # let _ = id; Ok(()) }
    /// ```
    pub async fn reply(&self, conversation_id: &str, text: &str) -> Result<String> {
        if text.trim().is_empty() {
            return Err(Error::invalid("text", "must not be empty"));
        }
        let sender = self.ctx.user_id().ok_or(Error::SessionExpired)?;
        crate::conversations::check_id("conversationId", conversation_id)?;
        self.ctx
            .request(&SendMessage {
                conversation_id,
                sender_id: &sender,
                sender_type: "agent",
                content: text,
                attachment_ids: None,
            })
            .await
    }

    /// Opens, closes or snoozes a conversation. Needs `conversations.close`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.inbox().set_status("k57…", opencom_sdk::ConversationStatus::Closed).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_status(
        &self,
        conversation_id: &str,
        status: ConversationStatus,
    ) -> Result<()> {
        crate::conversations::check_id("id", conversation_id)?;
        let status = status_wire(&status)?;
        self.ctx
            .request(&UpdateStatus {
                id: conversation_id,
                status,
            })
            .await
            .map(drop)
    }

    /// Assigns a conversation to a member of the workspace. Needs `conversations.assign`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let me = client.user_id().unwrap_or_default();
    /// client.inbox().assign("k57…", &me).await?;
    /// # Ok(()) }
    /// ```
    pub async fn assign(&self, conversation_id: &str, agent_id: &str) -> Result<()> {
        crate::conversations::check_id("id", conversation_id)?;
        self.ctx
            .request(&Assign {
                id: conversation_id,
                agent_id,
            })
            .await
            .map(drop)
    }

    /// Marks a conversation read by the team (`unreadByAgent = 0`).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.inbox().mark_read("k57…").await?;
    /// # Ok(()) }
    /// ```
    pub async fn mark_read(&self, conversation_id: &str) -> Result<()> {
        crate::conversations::check_id("id", conversation_id)?;
        self.ctx
            .request(&MarkAsRead {
                id: conversation_id,
                reader_type: "agent",
            })
            .await
            .map(drop)
    }
}
