//! Conversation, message and attachment types, decoded from Convex documents through the wire
//! types (unknown fields ignored, unknown enum values kept as `Other`, a missing required field
//! an [`Error::Decode`](crate::Error::Decode)).

use serde_json::Value;

use crate::error::Result;
use crate::wire::functions as fns;
use crate::wire::visitor::conversations::ConversationDoc;
use crate::wire::visitor::messages::{AttachmentDoc, MessageDoc};
use crate::wire::visitor::reporting::CsatAnswer;
use crate::wire::{self};

/// A conversation's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationStatus {
    /// Open: the team will answer.
    Open,
    /// Closed (resolved); may be rated.
    Closed,
    /// Snoozed by the team.
    Snoozed,
    /// A value this SDK version does not know.
    Other(String),
}

impl ConversationStatus {
    fn parse(s: &str) -> Self {
        match s {
            "open" => Self::Open,
            "closed" => Self::Closed,
            "snoozed" => Self::Snoozed,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Who sent a message.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    Other(String),
}

impl SenderType {
    fn parse(s: &str) -> Self {
        match s {
            "visitor" => Self::Visitor,
            "agent" => Self::Agent,
            "bot" => Self::Bot,
            "user" => Self::User,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Attachment {
    /// Opaque attachment id.
    pub id: String,
    /// File name (basename).
    pub file_name: String,
    /// MIME type derived by the server from the extension.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u64,
    /// A download URL, when the server provides one.
    pub url: Option<String>,
}

/// Where a message is on its way to the server. Server messages are always `Sent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    /// Persisted in the outbox, waiting for its turn.
    Queued,
    /// Being sent now.
    Sending,
    /// Stored by the server.
    Sent,
    /// Sending is paused after repeated failures; see the error and call
    /// [`ConversationsClient::resume_outbox`](crate::ConversationsClient::resume_outbox).
    Failed {
        /// The last error, for display.
        error: String,
    },
}

/// A message in a conversation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

/// A conversation, with its last message when listed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

impl From<AttachmentDoc> for Attachment {
    fn from(doc: AttachmentDoc) -> Self {
        Self {
            id: doc.id,
            file_name: doc.file_name,
            mime_type: doc.mime_type,
            size: doc.size.max(0.0) as u64,
            url: doc.url,
        }
    }
}

impl Attachment {
    /// Decodes one attachment's metadata (`{_id, fileName, mimeType, size, url?}`, as
    /// `messages:list` and the ticket functions attach it); errors name `messages:list`.
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        wire::decode::<AttachmentDoc>(fns::LIST_MESSAGES, doc.clone()).map(Self::from)
    }
}

impl From<MessageDoc> for Message {
    fn from(doc: MessageDoc) -> Self {
        Self {
            id: doc.id,
            conversation_id: doc.conversation_id,
            sender_id: doc.sender_id,
            sender_type: SenderType::parse(&doc.sender_type),
            sender_name: doc.sender_name,
            content: doc.content,
            created_at: doc.created_at,
            attachments: doc.attachments.into_iter().map(Attachment::from).collect(),
            delivery: DeliveryState::Sent,
            local_id: None,
        }
    }
}

impl Message {
    /// Decodes the array `messages:list` returns.
    pub(crate) fn list_from_json(value: &Value) -> Result<Vec<Self>> {
        Ok(Self::list(wire::decode(fns::LIST_MESSAGES, value.clone())?))
    }

    pub(crate) fn list(docs: Vec<MessageDoc>) -> Vec<Self> {
        docs.into_iter().map(Self::from).collect()
    }
}

impl From<ConversationDoc> for Conversation {
    fn from(doc: ConversationDoc) -> Self {
        Self {
            id: doc.id,
            status: ConversationStatus::parse(&doc.status),
            created_at: doc.created_at,
            updated_at: doc.updated_at,
            last_message_at: doc.last_message_at,
            unread_count: doc.unread_by_visitor.unwrap_or(0.0).max(0.0) as u32,
            subject: doc.subject,
            last_message: doc.last_message.map(Message::from),
        }
    }
}

impl Conversation {
    /// Decodes one conversation document; errors name `conversations:get`.
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        wire::decode::<ConversationDoc>(fns::GET_CONVERSATION, doc.clone()).map(Self::from)
    }

    /// Decodes the array `conversations:listByVisitor` returns.
    pub(crate) fn list_from_json(value: &Value) -> Result<Vec<Self>> {
        Ok(Self::list(wire::decode(
            fns::LIST_CONVERSATIONS,
            value.clone(),
        )?))
    }

    pub(crate) fn list(docs: Vec<ConversationDoc>) -> Vec<Self> {
        docs.into_iter().map(Self::from).collect()
    }
}

/// Whether a conversation can be rated now (`reporting:getCsatEligibility`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsatEligibility {
    /// True when a rating would be accepted.
    pub eligible: bool,
    /// `eligible`, `conversation_not_closed`, `disabled` or `already_submitted`.
    pub reason: String,
}

impl From<CsatAnswer> for CsatEligibility {
    fn from(answer: CsatAnswer) -> Self {
        Self {
            eligible: answer.eligible,
            reason: answer.reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_recorded_shapes() {
        let msg = json!({"_creationTime": 1795333226160.001, "_id": "m1", "attachments": [],
            "content": "Hi! How can we help you today?", "conversationId": "c1",
            "createdAt": 1795333226160.0, "senderId": "system", "senderType": "bot"});
        let m = Message::list_from_json(&json!([msg])).unwrap().remove(0);
        assert_eq!(m.sender_type, SenderType::Bot);
        assert_eq!(m.delivery, DeliveryState::Sent);
        let conv = json!({"_id": "c1", "status": "open", "createdAt": 1.0, "updatedAt": 2.0,
            "unreadByVisitor": 3, "lastMessage": msg, "aiWorkflowState": "none"});
        let c = Conversation::from_json(&conv).unwrap();
        assert_eq!(c.unread_count, 3);
        assert_eq!(c.status, ConversationStatus::Open);
        assert!(c.last_message.is_some());
        assert!(Conversation::from_json(&json!({"status": "open"})).is_err());
        let mut no_content = msg.clone();
        no_content.as_object_mut().unwrap().remove("content");
        let err = Message::list_from_json(&json!([no_content])).unwrap_err();
        assert!(matches!(err, crate::Error::Decode { .. }));
        assert!(err.to_string().contains("messages:list"), "{err}");
        let err = Conversation::from_json(&json!({"_id": "c1", "status": "open"})).unwrap_err();
        assert!(err.to_string().contains("conversations:get"), "{err}");
        let err = Attachment::from_json(&json!({"_id": "a1", "fileName": "a.png"})).unwrap_err();
        assert!(matches!(err, crate::Error::Decode { .. }));
        assert_eq!(
            ConversationStatus::parse("weird"),
            ConversationStatus::Other("weird".into())
        );
    }
}
