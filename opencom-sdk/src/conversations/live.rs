//! Live streams of conversations, messages and the unread count.

use serde_json::{json, Value};

use super::model::{Conversation, Message};
use super::{check_id, ConversationsClient};
use crate::error::Result;
use crate::realtime::{watch, LiveStream, QuerySpec};
use crate::wire::functions as fns;

impl ConversationsClient<'_> {
    /// The messages of a conversation, live: the cached list first (offline), then the server's,
    /// then every change — merged with this device's outgoing messages as local echoes
    /// ([`DeliveryState`](crate::DeliveryState) queued → sending → sent | failed).
    pub fn watch_messages(&self, conversation_id: &str) -> Result<LiveStream<Vec<Message>>> {
        check_id("conversation_id", conversation_id)?;
        let conversation = conversation_id.to_owned();
        let args_conversation = conversation.clone();
        let spec = QuerySpec {
            function: fns::LIST_MESSAGES,
            args: Box::new(move |c| {
                let mut args = c.visitor_args();
                args.insert("conversationId".into(), json!(args_conversation));
                args
            }),
            cache: Some(format!("messages/{conversation}")),
        };
        let render = Box::new(move |inner: &crate::client::Inner, raw: &Value| {
            let server = Message::list_from_json(raw)?;
            let visitor = inner.session.visitor_id().unwrap_or_default();
            Ok(inner.outbox.merge(&conversation, &visitor, server))
        });
        Ok(watch(
            self.inner,
            spec,
            render,
            Some(self.inner.outbox.subscribe()),
        ))
    }

    /// The visitor's conversations (with last messages), live; cached list first.
    pub fn watch_conversations(&self) -> LiveStream<Vec<Conversation>> {
        let workspace_id = self.inner.config.workspace_id.clone();
        let spec = QuerySpec {
            function: fns::LIST_CONVERSATIONS,
            args: Box::new(move |c| c.workspace_args(&workspace_id)),
            cache: Some("conversations".into()),
        };
        watch(
            self.inner,
            spec,
            Box::new(|_, raw: &Value| Conversation::list_from_json(raw)),
            None,
        )
    }

    /// The total unread count across conversations, live (for a badge).
    pub fn watch_unread_count(&self) -> LiveStream<u32> {
        let workspace_id = self.inner.config.workspace_id.clone();
        let spec = QuerySpec {
            function: fns::TOTAL_UNREAD,
            args: Box::new(move |c| c.workspace_args(&workspace_id)),
            cache: Some("unread".into()),
        };
        watch(
            self.inner,
            spec,
            Box::new(|_, raw: &Value| Ok(raw.as_f64().unwrap_or(0.0).max(0.0) as u32)),
            None,
        )
    }
}
