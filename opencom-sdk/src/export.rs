//! Data export: everything Opencom holds about the visitor, as one JSON document written
//! piece by piece (one conversation at a time), so a long history never sits in memory twice.

use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::wire::functions as fns;

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

fn array(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
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

    let mut by_session = Map::new();
    by_session.insert("sessionId".into(), json!(creds.session_id));
    let visitor = ctx
        .transport
        .call(fns::VISITOR_BY_SESSION, &by_session)
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
    let conversations = ctx
        .session
        .call(fns::LIST_CONVERSATIONS, |c| c.workspace_args(&ws))
        .await?;
    for (i, conversation) in array(conversations).into_iter().enumerate() {
        let Some(id) = conversation
            .get("_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            continue;
        };
        let messages = ctx
            .session
            .call(fns::LIST_MESSAGES, |c| {
                let mut args = c.visitor_args();
                args.insert("conversationId".into(), json!(id));
                args
            })
            .await?;
        let messages = array(messages);
        summary.conversations += 1;
        summary.messages += messages.len();
        if i > 0 {
            out.raw(",").await?;
        }
        out.value(&json!({"conversation": conversation, "messages": messages}))
            .await?;
    }

    out.raw("],\"tickets\":[").await?;
    let tickets = ctx
        .session
        .call(fns::LIST_TICKETS, |c| c.workspace_args(&ws))
        .await?;
    for (i, ticket) in array(tickets).into_iter().enumerate() {
        let Some(id) = ticket.get("_id").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        let comments = ctx
            .session
            .call(fns::TICKET_COMMENTS, |c| {
                let mut args = c.visitor_args();
                args.insert("ticketId".into(), json!(id));
                args.insert("includeInternal".into(), json!(false));
                args
            })
            .await?;
        let comments: Vec<Value> = array(comments)
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
    let events = ctx
        .session
        .call(fns::LIST_EVENTS, |c| {
            let mut args = c.workspace_args(&ws);
            args.insert("limit".into(), json!(10_000));
            args
        })
        .await?;
    let events = array(events);
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
