//! Conversations and messages: `client.conversations()`.

use std::sync::Arc;

use opencom_sdk as sdk;

use crate::error::OpencomError;
use crate::listeners::{
    pump_snapshots, ConversationsListener, MessagesListener, Subscription, UnreadCountListener,
};
use crate::runtime::{enter, run};
use crate::types::{list, Attachment};

/// A conversation's status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ConversationStatus {
    /// Open: the team will answer.
    Open,
    /// Closed (resolved); may be rated.
    Closed,
    /// Snoozed by the team.
    Snoozed,
    /// A value this SDK version does not know.
    Other {
        /// The server's value.
        value: String,
    },
}

impl From<sdk::ConversationStatus> for ConversationStatus {
    fn from(s: sdk::ConversationStatus) -> Self {
        match s {
            sdk::ConversationStatus::Open => ConversationStatus::Open,
            sdk::ConversationStatus::Closed => ConversationStatus::Closed,
            sdk::ConversationStatus::Snoozed => ConversationStatus::Snoozed,
            sdk::ConversationStatus::Other(value) => ConversationStatus::Other { value },
        }
    }
}

/// Who sent a message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SenderType {
    /// The visitor (this device's user).
    Visitor,
    /// A support agent.
    Agent,
    /// The AI agent, or a system message such as the greeting.
    Bot,
    /// A workspace user.
    User,
    /// A value this SDK version does not know.
    Other {
        /// The server's value.
        value: String,
    },
}

impl From<sdk::SenderType> for SenderType {
    fn from(s: sdk::SenderType) -> Self {
        match s {
            sdk::SenderType::Visitor => SenderType::Visitor,
            sdk::SenderType::Agent => SenderType::Agent,
            sdk::SenderType::Bot => SenderType::Bot,
            sdk::SenderType::User => SenderType::User,
            sdk::SenderType::Other(value) => SenderType::Other { value },
        }
    }
}

/// Where a message is on its way to the server. Server messages are always `Sent`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DeliveryState {
    /// Persisted in the outbox, waiting for its turn.
    Queued,
    /// Being sent now.
    Sending,
    /// Stored by the server.
    Sent,
    /// Sending is paused after repeated failures; show the error and call `resume_outbox`.
    Failed {
        /// The last error, for display.
        error: String,
    },
}

impl From<sdk::DeliveryState> for DeliveryState {
    fn from(s: sdk::DeliveryState) -> Self {
        match s {
            sdk::DeliveryState::Queued => DeliveryState::Queued,
            sdk::DeliveryState::Sending => DeliveryState::Sending,
            sdk::DeliveryState::Sent => DeliveryState::Sent,
            sdk::DeliveryState::Failed { error } => DeliveryState::Failed { error },
        }
    }
}

/// A message in a conversation.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Message {
    /// The server id, or `local:<id>` for a message still in the outbox.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// The sender's id (`system`/`ai-agent` for bot messages).
    pub sender_id: String,
    /// The sender's kind.
    pub sender_type: SenderType,
    /// The agent's display name, for agent/user messages.
    pub sender_name: Option<String>,
    /// The text (may be empty when attachments are present).
    pub content: String,
    /// Creation time, epoch ms.
    pub created_at: f64,
    /// Attachments with their metadata.
    pub attachments: Vec<Attachment>,
    /// Delivery state (local echo of outgoing messages).
    pub delivery: DeliveryState,
    /// The outbox id of a message this device sent, if it is still known.
    pub local_id: Option<String>,
}

impl From<sdk::Message> for Message {
    fn from(m: sdk::Message) -> Self {
        Self {
            id: m.id,
            conversation_id: m.conversation_id,
            sender_id: m.sender_id,
            sender_type: m.sender_type.into(),
            sender_name: m.sender_name,
            content: m.content,
            created_at: m.created_at,
            attachments: list(m.attachments),
            delivery: m.delivery.into(),
            local_id: m.local_id,
        }
    }
}

/// A conversation, with its last message when listed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Conversation {
    /// Opaque conversation id.
    pub id: String,
    /// Status.
    pub status: ConversationStatus,
    /// Creation time, epoch ms.
    pub created_at: f64,
    /// Last update, epoch ms.
    pub updated_at: f64,
    /// Time of the last message, epoch ms.
    pub last_message_at: Option<f64>,
    /// Messages the visitor has not read.
    pub unread_count: u32,
    /// Subject, for email conversations.
    pub subject: Option<String>,
    /// The last message (in lists).
    pub last_message: Option<Message>,
}

impl From<sdk::Conversation> for Conversation {
    fn from(c: sdk::Conversation) -> Self {
        Self {
            id: c.id,
            status: c.status.into(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            last_message_at: c.last_message_at,
            unread_count: c.unread_count,
            subject: c.subject,
            last_message: c.last_message.map(Into::into),
        }
    }
}

/// Whether a conversation can be rated now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CsatEligibility {
    /// True when a rating would be accepted.
    pub eligible: bool,
    /// `eligible`, `conversation_not_closed`, `disabled` or `already_submitted`.
    pub reason: String,
}

impl From<sdk::CsatEligibility> for CsatEligibility {
    fn from(c: sdk::CsatEligibility) -> Self {
        Self {
            eligible: c.eligible,
            reason: c.reason,
        }
    }
}

/// A message to send.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct OutgoingMessage {
    /// The text (may be empty when there are attachments).
    pub text: String,
    /// Ids of uploaded attachments (at most 5).
    #[uniffi(default = [])]
    pub attachment_ids: Vec<String>,
}

impl From<OutgoingMessage> for sdk::OutgoingMessage {
    fn from(m: OutgoingMessage) -> Self {
        let mut out = sdk::OutgoingMessage::text(m.text);
        for id in m.attachment_ids {
            out = out.attachment(id);
        }
        out
    }
}

/// What to upload.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AttachmentSource {
    /// Bytes already in memory.
    Bytes {
        /// The file's content.
        data: Vec<u8>,
    },
    /// A file to read.
    File {
        /// Its path on this device.
        path: String,
    },
}

impl From<AttachmentSource> for sdk::AttachmentSource {
    fn from(s: AttachmentSource) -> Self {
        match s {
            AttachmentSource::Bytes { data } => sdk::AttachmentSource::Bytes(data),
            AttachmentSource::File { path } => sdk::AttachmentSource::File(path.into()),
        }
    }
}

/// An uploaded, staged attachment: pass its `id` in `OutgoingMessage.attachment_ids`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UploadedAttachment {
    /// The attachment id.
    pub id: String,
    /// The file name the server kept.
    pub file_name: String,
    /// The MIME type the server derived.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u64,
}

impl From<sdk::UploadedAttachment> for UploadedAttachment {
    fn from(u: sdk::UploadedAttachment) -> Self {
        Self {
            id: u.id,
            file_name: u.file_name,
            mime_type: u.mime_type,
            size: u.size,
        }
    }
}

/// A queued message: [`sent`](Self::sent) waits for its server id.
#[derive(Debug, uniffi::Object)]
pub struct SendHandle {
    inner: sdk::SendHandle,
}

#[uniffi::export]
impl SendHandle {
    /// The outbox id; local echoes carry it in `Message.local_id`.
    pub fn local_id(&self) -> String {
        self.inner.local_id().to_owned()
    }

    /// Waits until the server stored the message and returns its id, or until sending paused
    /// on repeated failures (the error is returned; the message stays queued).
    pub async fn sent(&self) -> Result<String, OpencomError> {
        let handle = self.inner.clone();
        run(async move { handle.sent().await }).await
    }
}

/// Conversations, messages, attachments and ratings: `client.conversations()`.
#[derive(Debug, uniffi::Object)]
pub struct ConversationsClient {
    pub(crate) client: sdk::Opencom,
}

#[uniffi::export]
impl ConversationsClient {
    /// The visitor's conversations, newest activity first, each with its last message.
    pub async fn list(&self) -> Result<Vec<Conversation>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.conversations().list().await.map(list) }).await
    }

    /// The visitor's first open conversation, or a new one (with the workspace's greeting).
    pub async fn get_or_create(&self) -> Result<Conversation, OpencomError> {
        let c = self.client.clone();
        run(async move { c.conversations().get_or_create().await }).await
    }

    /// Starts a new conversation.
    pub async fn create(&self) -> Result<Conversation, OpencomError> {
        let c = self.client.clone();
        run(async move { c.conversations().create().await }).await
    }

    /// One conversation, or `None` when it does not exist or is not this visitor's.
    pub async fn get(&self, conversation_id: String) -> Result<Option<Conversation>, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let found = c.conversations().get(&conversation_id).await?;
            Ok(found.map(Conversation::from))
        })
        .await
    }

    /// All messages of a conversation, oldest first.
    pub async fn messages(&self, conversation_id: String) -> Result<Vec<Message>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.conversations().messages(&conversation_id).await.map(list) }).await
    }

    /// Queues a message: persisted in the outbox first (it survives a crash or a restart),
    /// shown at once as a local echo on `watch_messages`, and sent in order in the background
    /// with retries. The handle's `sent()` waits for the server id.
    pub async fn send(
        &self,
        conversation_id: String,
        message: OutgoingMessage,
    ) -> Result<Arc<SendHandle>, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let inner = c
                .conversations()
                .send(&conversation_id, message.into())
                .await?;
            Ok(Arc::new(SendHandle { inner }))
        })
        .await
    }

    /// Resumes sending after the outbox paused on repeated failures.
    pub async fn resume_outbox(&self) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.conversations().resume_outbox().await;
            Ok(())
        })
        .await
    }

    /// Uploads a file for a message. At most 10 MiB, extension png/jpg/jpeg/gif/webp/pdf/txt/
    /// csv/json/zip (checked before anything is sent).
    pub async fn upload(
        &self,
        source: AttachmentSource,
        file_name: String,
        mime_type: Option<String>,
    ) -> Result<UploadedAttachment, OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.conversations()
                .upload(source.into(), &file_name, mime_type.as_deref())
                .await
        })
        .await
    }

    /// Marks the conversation read by the visitor.
    pub async fn mark_read(&self, conversation_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.conversations().mark_read(&conversation_id).await }).await
    }

    /// Unread messages across the visitor's conversations.
    pub async fn total_unread(&self) -> Result<u32, OpencomError> {
        let c = self.client.clone();
        run(async move { c.conversations().total_unread().await }).await
    }

    /// Whether the conversation can be rated now.
    pub async fn csat_eligibility(
        &self,
        conversation_id: String,
    ) -> Result<CsatEligibility, OpencomError> {
        let c = self.client.clone();
        run(async move { c.conversations().csat_eligibility(&conversation_id).await }).await
    }

    /// Rates a closed conversation, 1 to 5, with optional feedback.
    pub async fn rate(
        &self,
        conversation_id: String,
        rating: u8,
        feedback: Option<String>,
    ) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.conversations()
                .rate(&conversation_id, rating, feedback.as_deref())
                .await
        })
        .await
    }

    /// The messages of a conversation, live: the cached list first, then the server's, then
    /// every change, with this device's outgoing messages as local echoes. The listener is
    /// called from SDK threads; cancel (or drop) the returned subscription to stop.
    pub fn watch_messages(
        &self,
        conversation_id: String,
        listener: Arc<dyn MessagesListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self
            .client
            .conversations()
            .watch_messages(&conversation_id)?;
        let errors = Arc::clone(&listener);
        pump_snapshots(
            stream,
            move |messages, from_cache, via| listener.on_messages(list(messages), from_cache, via),
            move |error| errors.on_error(error),
        )
    }

    /// The visitor's conversations, live; cached list first. The listener is called from SDK
    /// threads; cancel (or drop) the returned subscription to stop.
    pub fn watch_conversations(
        &self,
        listener: Arc<dyn ConversationsListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.conversations().watch_conversations()?;
        let errors = Arc::clone(&listener);
        pump_snapshots(
            stream,
            move |conversations, from_cache, via| {
                listener.on_conversations(list(conversations), from_cache, via)
            },
            move |error| errors.on_error(error),
        )
    }

    /// The total unread count, live (for a badge). The listener is called from SDK threads;
    /// cancel (or drop) the returned subscription to stop.
    pub fn watch_unread_count(
        &self,
        listener: Arc<dyn UnreadCountListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.conversations().watch_unread_count()?;
        let errors = Arc::clone(&listener);
        pump_snapshots(
            stream,
            move |count, from_cache, via| listener.on_unread_count(count, from_cache, via),
            move |error| errors.on_error(error),
        )
    }
}
