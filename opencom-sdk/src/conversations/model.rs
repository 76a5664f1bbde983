//! Conversation, message and attachment types, decoded leniently from Convex documents
//! (unknown fields ignored, unknown enum values kept as `Other`).

use serde_json::Value;

use crate::doc::{number, required, text};
use crate::error::Result;

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

impl Attachment {
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        Ok(Self {
            id: required(doc, "_id", "attachment")?,
            file_name: text(doc, "fileName").unwrap_or_else(|| "attachment".into()),
            mime_type: text(doc, "mimeType").unwrap_or_default(),
            size: number(doc, "size").unwrap_or(0.0).max(0.0) as u64,
            url: text(doc, "url"),
        })
    }
}

impl Message {
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        let attachments = match doc.get("attachments").and_then(Value::as_array) {
            Some(items) => items
                .iter()
                .map(Attachment::from_json)
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            id: required(doc, "_id", "message")?,
            conversation_id: required(doc, "conversationId", "message")?,
            sender_id: text(doc, "senderId").unwrap_or_default(),
            sender_type: SenderType::parse(
                doc.get("senderType").and_then(Value::as_str).unwrap_or(""),
            ),
            sender_name: text(doc, "senderName"),
            content: text(doc, "content").unwrap_or_default(),
            created_at: number(doc, "createdAt")
                .or_else(|| number(doc, "_creationTime"))
                .unwrap_or(0.0),
            attachments,
            delivery: DeliveryState::Sent,
            local_id: None,
        })
    }

    /// Decodes the array `messages:list` returns.
    pub(crate) fn list_from_json(value: &Value) -> Result<Vec<Self>> {
        crate::doc::list(value, "messages", Self::from_json)
    }
}

impl Conversation {
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        let last_message = match doc.get("lastMessage") {
            Some(v) if !v.is_null() => Some(Message::from_json(v)?),
            _ => None,
        };
        Ok(Self {
            id: required(doc, "_id", "conversation")?,
            status: ConversationStatus::parse(
                doc.get("status").and_then(Value::as_str).unwrap_or(""),
            ),
            created_at: number(doc, "createdAt").unwrap_or(0.0),
            updated_at: number(doc, "updatedAt").unwrap_or(0.0),
            last_message_at: number(doc, "lastMessageAt"),
            unread_count: number(doc, "unreadByVisitor").unwrap_or(0.0).max(0.0) as u32,
            subject: text(doc, "subject"),
            last_message,
        })
    }

    /// Decodes the array `conversations:listByVisitor` returns.
    pub(crate) fn list_from_json(value: &Value) -> Result<Vec<Self>> {
        crate::doc::list(value, "conversations", Self::from_json)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_recorded_shapes() {
        let msg = json!({"_creationTime": 1795333226160.001, "_id": "m1", "attachments": [],
            "content": "Hi! How can we help you today?", "conversationId": "c1",
            "createdAt": 1795333226160.0, "senderId": "system", "senderType": "bot"});
        let m = Message::from_json(&msg).unwrap();
        assert_eq!(m.sender_type, SenderType::Bot);
        assert_eq!(m.delivery, DeliveryState::Sent);
        let conv = json!({"_id": "c1", "status": "open", "createdAt": 1.0, "updatedAt": 2.0,
            "unreadByVisitor": 3, "lastMessage": msg, "aiWorkflowState": "none"});
        let c = Conversation::from_json(&conv).unwrap();
        assert_eq!(c.unread_count, 3);
        assert_eq!(c.status, ConversationStatus::Open);
        assert!(c.last_message.is_some());
        assert!(Conversation::from_json(&json!({"status": "open"})).is_err());
        assert_eq!(
            ConversationStatus::parse("weird"),
            ConversationStatus::Other("weird".into())
        );
    }
}
