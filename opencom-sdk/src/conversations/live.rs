//! Live streams of conversations, messages and the unread count.

use std::sync::Arc;

use serde_json::Value;

use super::model::{Conversation, Message};
use super::{check_id, unread_total, ConversationsClient};
use crate::context::{watch, QuerySpec};
use crate::error::Result;
use crate::realtime::LiveStream;
use crate::wire::visitor::{conversations, messages};
use crate::wire::{self, Call};

impl ConversationsClient<'_> {
    /// The messages of a conversation, live: the cached list first (offline), then the server's,
    /// then every change — merged with this device's outgoing messages as local echoes
    /// ([`DeliveryState`](crate::DeliveryState) queued → sending → sent | failed).
    ///
    /// Every `watch_*` function checks its input and returns the stream, or an error (a bad id,
    /// or no tokio runtime running) without panicking.
    pub fn watch_messages(&self, conversation_id: &str) -> Result<LiveStream<Vec<Message>>> {
        check_id("conversation_id", conversation_id)?;
        let conversation = conversation_id.to_owned();
        let args_conversation = conversation.clone();
        let spec = QuerySpec {
            function: messages::List::FUNCTION,
            args: Box::new(move |c| {
                wire::to_object(
                    messages::List::FUNCTION,
                    &messages::List {
                        auth: c.visitor(),
                        conversation_id: &args_conversation,
                    },
                )
            }),
            cache: Some(format!("messages/{conversation}")),
        };
        let outbox = Arc::clone(self.outbox);
        let render = Box::new(move |ctx: &crate::context::Context, raw: &Value| {
            let server = Message::list_from_json(raw)?;
            let visitor = ctx.session.visitor_id().unwrap_or_default();
            Ok(outbox.merge(&conversation, &visitor, server))
        });
        watch(self.ctx, spec, render, Some(self.outbox.subscribe()))
    }

    /// The visitor's conversations (with last messages), live; cached list first.
    pub fn watch_conversations(&self) -> Result<LiveStream<Vec<Conversation>>> {
        let workspace_id = self.ctx.config.workspace_id.clone();
        let spec = QuerySpec {
            function: conversations::ListByVisitor::FUNCTION,
            args: Box::new(move |c| {
                wire::to_object(
                    conversations::ListByVisitor::FUNCTION,
                    &conversations::ListByVisitor {
                        auth: c.workspace(&workspace_id),
                    },
                )
            }),
            cache: Some("conversations".into()),
        };
        watch(
            self.ctx,
            spec,
            Box::new(|_, raw: &Value| Conversation::list_from_json(raw)),
            None,
        )
    }

    /// The total unread count across conversations, live (for a badge). A value that is not a
    /// count is a [`crate::Error::Decode`] on the stream, not a silent 0.
    pub fn watch_unread_count(&self) -> Result<LiveStream<u32>> {
        let workspace_id = self.ctx.config.workspace_id.clone();
        let spec = QuerySpec {
            function: conversations::TotalUnread::FUNCTION,
            args: Box::new(move |c| {
                wire::to_object(
                    conversations::TotalUnread::FUNCTION,
                    &conversations::TotalUnread {
                        auth: c.workspace(&workspace_id),
                    },
                )
            }),
            cache: Some("unread".into()),
        };
        watch(
            self.ctx,
            spec,
            Box::new(|_, raw: &Value| {
                let total = wire::decode(conversations::TotalUnread::FUNCTION, raw.clone())?;
                unread_total(total)
            }),
            None,
        )
    }
}
