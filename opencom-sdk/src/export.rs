//! Data export: everything Opencom holds about the visitor, as one JSON document written
//! piece by piece (one conversation at a time), so a long history never sits in memory twice.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::session::Credentials;
use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::visitor::conversations::ListByVisitor;
use crate::wire::visitor::events;
use crate::wire::visitor::messages;
use crate::wire::visitor::visitors::GetBySession;
use crate::wire::{self, Call, VisitorAuth, WorkspaceAuth};

/// The export format's version; bumped on any incompatible change.
pub const EXPORT_SCHEMA_VERSION: u32 = 1;

/// What an export contained.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExportSummary {
    /// Conversations written.
    pub conversations: usize,
    /// Messages written.
    pub messages: usize,
    /// Tickets written.
    pub tickets: usize,
    /// Events written.
    pub events: usize,
    /// Bytes written.
    pub bytes: u64,
}

struct Out<'w, W> {
    writer: &'w mut W,
    bytes: u64,
}

impl<W: AsyncWrite + Unpin> Out<'_, W> {
    async fn raw(&mut self, text: &str) -> Result<()> {
        self.writer
            .write_all(text.as_bytes())
            .await
            .map_err(|e| Error::Storage {
                message: format!("export write failed: {e}"),
                source: Some(crate::error_source::ErrorSource::new(e)),
            })?;
        self.bytes += text.len() as u64;
        Ok(())
    }

    async fn value(&mut self, value: &Value) -> Result<()> {
        let text = serde_json::to_string(value).map_err(|e| Error::Decode {
            message: e.to_string(),
        })?;
        self.raw(&text).await
    }
}

/// The `_id` every Convex document has: the export keeps documents whole and reads only this.
#[derive(Deserialize)]
struct DocumentId {
    #[serde(rename = "_id")]
    id: String,
}

fn id_of(function: Function, doc: &Value) -> Result<String> {
    wire::decode::<DocumentId>(function, doc.clone()).map(|d| d.id)
}

/// `tickets:listByVisitor`, kept whole. (Ticket argument structs live here until the tickets
/// domain has its wire file.)
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListTickets<'a> {
    #[serde(flatten)]
    auth: WorkspaceAuth<'a>,
}

/// `tickets:getComments` without internal notes, kept whole.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TicketComments<'a> {
    #[serde(flatten)]
    auth: VisitorAuth,
    ticket_id: &'a str,
    include_internal: bool,
}

/// A session-bearing call whose answer is a list of documents kept whole: anything but an
/// array is a decode error naming the function.
async fn documents<F, A>(ctx: &Context, function: Function, args: F) -> Result<Vec<Value>>
where
    F: Fn(&Credentials) -> A + Send + Sync,
    A: Serialize,
{
    let value = ctx.session.call(function, args).await?;
    wire::decode(function, value)
}

/// Writes the export. See [`crate::Opencom::export_my_data`].
pub(crate) async fn export<W: AsyncWrite + Unpin>(
    ctx: &Arc<Context>,
    writer: &mut W,
) -> Result<ExportSummary> {
    let creds = ctx.session.credentials().await?;
    let ws = ctx.config.workspace_id.clone();
    let mut out = Out { writer, bytes: 0 };
    let mut summary = ExportSummary::default();

    let by_session = GetBySession {
        session_id: &creds.session_id,
    };
    let visitor = ctx
        .transport
        .call(GetBySession::FUNCTION, &by_session)
        .await?;
    out.raw(&format!(
        "{{\"schemaVersion\":{EXPORT_SCHEMA_VERSION},\"exportedAt\":{},\"workspaceId\":",
        ctx.services.clock.now_ms() as u64
    ))
    .await?;
    out.value(&json!(ws)).await?;
    out.raw(",\"visitor\":").await?;
    out.value(&visitor).await?;

    out.raw(",\"conversations\":[").await?;
    let conversations = documents(ctx, ListByVisitor::FUNCTION, |c| ListByVisitor {
        auth: c.workspace(&ws),
    })
    .await?;
    for (i, conversation) in conversations.into_iter().enumerate() {
        let id = id_of(ListByVisitor::FUNCTION, &conversation)?;
        let messages = documents(ctx, messages::List::FUNCTION, |c| messages::List {
            auth: c.visitor(),
            conversation_id: &id,
        })
        .await?;
        summary.conversations += 1;
        summary.messages += messages.len();
        if i > 0 {
            out.raw(",").await?;
        }
        out.value(&json!({"conversation": conversation, "messages": messages}))
            .await?;
    }

    out.raw("],\"tickets\":[").await?;
    let tickets = documents(ctx, fns::LIST_TICKETS, |c| ListTickets {
        auth: c.workspace(&ws),
    })
    .await?;
    for (i, ticket) in tickets.into_iter().enumerate() {
        let id = id_of(fns::LIST_TICKETS, &ticket)?;
        let comments = documents(ctx, fns::TICKET_COMMENTS, |c| TicketComments {
            auth: c.visitor(),
            ticket_id: &id,
            include_internal: false,
        })
        .await?;
        let comments: Vec<Value> = comments
            .into_iter()
            .filter(|c| c.get("isInternal").and_then(Value::as_bool) != Some(true))
            .collect();
        summary.tickets += 1;
        if i > 0 {
            out.raw(",").await?;
        }
        out.value(&json!({"ticket": ticket, "comments": comments}))
            .await?;
    }

    out.raw("],\"events\":").await?;
    let events = documents(ctx, events::List::FUNCTION, |c| events::List {
        auth: c.workspace(&ws),
        limit: Some(10_000),
    })
    .await?;
    summary.events = events.len();
    out.value(&Value::Array(events)).await?;
    out.raw("}").await?;
    out.writer.flush().await.map_err(|e| Error::Storage {
        message: format!("export write failed: {e}"),
        source: Some(crate::error_source::ErrorSource::new(e)),
    })?;
    summary.bytes = out.bytes;
    Ok(summary)
}
