//! Conversations and messages: `client.conversations()`.

pub(crate) mod ai;
pub(crate) mod attachments;
mod live;
pub(crate) mod model;
pub(crate) mod outbox;

use std::sync::Arc;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::wire::functions as fns;
use crate::wire::visitor::conversations::{
    self, Create, GetOrCreate, ListByVisitor, MarkAsRead, TotalUnread,
};
use crate::wire::visitor::messages::List;
use crate::wire::visitor::reporting::{self, SubmitCsat};
use outbox::Outbox;

use attachments::{AttachmentSource, UploadedAttachment};
use model::{Conversation, CsatEligibility, Message};
use outbox::{OutgoingMessage, SendHandle};

/// Conversations, messages, attachments and ratings: `client.conversations()`.
#[derive(Clone, Copy)]
pub struct ConversationsClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
    /// This domain's state, owned by the facade.
    pub(crate) outbox: &'a Arc<Outbox>,
}

impl ConversationsClient<'_> {
    /// The visitor's conversations, newest activity first, each with its last message
    /// (`conversations:listByVisitor`).
    pub async fn list(&self) -> Result<Vec<Conversation>> {
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| ListByVisitor {
                auth: c.workspace(workspace_id),
            })
            .await?;
        Ok(Conversation::list(docs))
    }

    /// The visitor's first open conversation, or a new one (with the workspace's greeting).
    pub async fn get_or_create(&self) -> Result<Conversation> {
        let workspace_id = &self.ctx.config.workspace_id;
        let doc = self
            .ctx
            .session
            .request(|c| GetOrCreate {
                auth: c.workspace(workspace_id),
            })
            .await?;
        Ok(doc.into())
    }

    /// Starts a new conversation (`conversations:createForVisitor`).
    pub async fn create(&self) -> Result<Conversation> {
        let workspace_id = &self.ctx.config.workspace_id;
        let doc = self
            .ctx
            .session
            .request(|c| Create {
                auth: c.workspace(workspace_id),
            })
            .await?;
        let conversation: Conversation = doc.into();
        self.ctx
            .bus
            .publish(crate::client_events::ClientEvent::ConversationCreated {
                conversation_id: conversation.id.clone(),
            });
        Ok(conversation)
    }

    /// One conversation, or `None` when it does not exist or is not this visitor's
    /// (`conversations:get`, which takes no session token).
    pub async fn get(&self, conversation_id: &str) -> Result<Option<Conversation>> {
        check_id("conversation_id", conversation_id)?;
        let doc = self
            .ctx
            .session
            .request(|c| conversations::Get {
                id: conversation_id,
                visitor_id: Some(c.visitor_id.clone()),
            })
            .await?;
        Ok(doc.map(Conversation::from))
    }

    /// All messages of a conversation, oldest first, with sender names and attachments
    /// (`messages:list`; the server has no pagination).
    pub async fn messages(&self, conversation_id: &str) -> Result<Vec<Message>> {
        check_id("conversation_id", conversation_id)?;
        let docs = self
            .ctx
            .session
            .request(|c| List {
                auth: c.visitor(),
                conversation_id,
            })
            .await?;
        Ok(Message::list(docs))
    }

    /// Queues a message: it is persisted in the outbox first (so it survives a crash or a
    /// restart), shown at once as a local echo on [`watch_messages`](Self::watch_messages), and
    /// sent in order by a background task that retries transient failures. The returned handle
    /// can await the server's message id.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, conversation_id: &str) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::OutgoingMessage;
    /// let handle = client.conversations().send(conversation_id, OutgoingMessage::text("Hello!")).await?;
    /// let message_id = handle.sent().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(
        &self,
        conversation_id: &str,
        message: OutgoingMessage,
    ) -> Result<SendHandle> {
        check_id("conversation_id", conversation_id)?;
        self.outbox
            .enqueue(self.ctx, conversation_id, message)
            .await
    }

    /// Resumes sending after the outbox paused on repeated failures.
    pub async fn resume_outbox(&self) {
        self.outbox.resume(self.ctx).await;
    }

    /// Uploads a file for a message (`generateUploadUrl`, `POST`, `finalizeUpload`). Checked
    /// first: at most 10 MiB, extension png/jpg/jpeg/gif/webp/pdf/txt/csv/json/zip. A file the
    /// server rejects is an [`Error::InvalidInput`] carrying the server's message.
    pub async fn upload(
        &self,
        source: AttachmentSource,
        file_name: &str,
        mime_type: Option<&str>,
    ) -> Result<UploadedAttachment> {
        attachments::upload(self.ctx, source, file_name, mime_type).await
    }

    /// Marks the conversation read by the visitor (`conversations:markAsRead`).
    pub async fn mark_read(&self, conversation_id: &str) -> Result<()> {
        check_id("conversation_id", conversation_id)?;
        self.ctx
            .session
            .request(|c| MarkAsRead {
                auth: c.visitor(),
                id: conversation_id,
                reader_type: "visitor",
            })
            .await
            .map(|_| ())
    }

    /// Unread messages across the visitor's conversations.
    pub async fn total_unread(&self) -> Result<u32> {
        let workspace_id = &self.ctx.config.workspace_id;
        let total = self
            .ctx
            .session
            .request(|c| TotalUnread {
                auth: c.workspace(workspace_id),
            })
            .await?;
        unread_total(total)
    }

    /// Whether the conversation can be rated now.
    pub async fn csat_eligibility(&self, conversation_id: &str) -> Result<CsatEligibility> {
        check_id("conversation_id", conversation_id)?;
        self.ctx
            .session
            .request(|c| reporting::CsatEligibility {
                auth: c.visitor(),
                conversation_id,
            })
            .await
            .map(CsatEligibility::from)
    }

    /// Rates a closed conversation, 1 to 5 (checked before sending), with optional feedback.
    pub async fn rate(
        &self,
        conversation_id: &str,
        rating: u8,
        feedback: Option<&str>,
    ) -> Result<()> {
        check_id("conversation_id", conversation_id)?;
        if !(1..=5).contains(&rating) {
            return Err(Error::invalid("rating", "must be between 1 and 5"));
        }
        let feedback = feedback.filter(|t| !t.trim().is_empty());
        self.ctx
            .session
            .request(|c| SubmitCsat {
                auth: c.visitor(),
                conversation_id,
                rating,
                feedback,
            })
            .await
            .map(|_| ())
    }
}

/// `getTotalUnreadForVisitor`'s number as a count: a negative, fractional or non-finite value is
/// a decode error (the server sums non-negative counters).
pub(crate) fn unread_total(total: f64) -> Result<u32> {
    if total.is_finite() && total >= 0.0 && total.fract() == 0.0 && total <= f64::from(u32::MAX) {
        Ok(total as u32)
    } else {
        Err(Error::Decode {
            message: format!(
                "{}: the unread total is not a count",
                fns::TOTAL_UNREAD.path
            ),
        })
    }
}

pub(crate) fn check_id(field: &str, id: &str) -> Result<()> {
    if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            field,
            "must be a non-empty id without whitespace",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unread_total_is_a_count_or_a_decode_error() {
        assert_eq!(unread_total(0.0).unwrap(), 0);
        assert_eq!(unread_total(7.0).unwrap(), 7);
        for bad in [-1.0, 2.5, f64::NAN, f64::INFINITY, 1e12] {
            assert!(
                matches!(unread_total(bad), Err(Error::Decode { .. })),
                "{bad} must not become a count"
            );
        }
    }
}
