//! The AI agent, visitor side: `client.ai_agent()` — the AI answers of a conversation (also
//! live), feedback on an answer, and handing the conversation to a human. The answers are
//! asked for after each visitor message (see `ClientBuilder.ai_replies`).

use std::sync::Arc;

use opencom_sdk as sdk;

use crate::client::OpencomClient;
use crate::error::OpencomError;
use crate::listeners::{pump_snapshots, Subscription};
use crate::runtime::{enter, run};
use crate::types::{list, Delivery};

/// The longest handoff reason accepted, in characters.
#[uniffi::export]
pub fn max_handoff_reason_chars() -> u32 {
    u32::try_from(sdk::MAX_HANDOFF_REASON_CHARS).unwrap_or(u32::MAX)
}

/// One AI answer in a conversation.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AiAnswer {
    /// The answer's id (for `AiAgentClient.feedback`).
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// The bot message that carries it, if one was posted.
    pub message_id: Option<String>,
    /// The visitor's question.
    pub query: String,
    /// The answer as delivered to the visitor.
    pub response: String,
    /// Where the answer came from.
    pub sources: Vec<AiSource>,
    /// The model's confidence, 0.0–1.0, when known.
    pub confidence: Option<f64>,
    /// Whether the conversation was handed to a human with this answer.
    pub handed_off: bool,
    /// Why it was handed off, if it was.
    pub handoff_reason: Option<String>,
    /// The visitor's feedback, once given.
    pub feedback: Option<AiFeedback>,
    /// When it was generated (epoch ms).
    pub created_at: f64,
}

impl From<sdk::AiAnswer> for AiAnswer {
    fn from(a: sdk::AiAnswer) -> Self {
        Self {
            id: a.id,
            conversation_id: a.conversation_id,
            message_id: a.message_id,
            query: a.query,
            response: a.response,
            sources: list(a.sources),
            confidence: a.confidence,
            handed_off: a.handed_off,
            handoff_reason: a.handoff_reason,
            feedback: a.feedback.map(Into::into),
            created_at: a.created_at,
        }
    }
}

/// A source an [`AiAnswer`] draws on.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AiSource {
    /// What kind of knowledge it is.
    pub kind: AiSourceKind,
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The help-center article to open, when it is (or belongs to) one.
    pub article_id: Option<String>,
}

impl From<sdk::AiSource> for AiSource {
    fn from(s: sdk::AiSource) -> Self {
        Self {
            kind: s.kind.into(),
            id: s.id,
            title: s.title,
            article_id: s.article_id,
        }
    }
}

/// The kind of an [`AiSource`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AiSourceKind {
    /// A help-center article.
    Article,
    /// An internal article.
    InternalArticle,
    /// A saved reply.
    Snippet,
    /// A kind this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::AiSourceKind> for AiSourceKind {
    fn from(k: sdk::AiSourceKind) -> Self {
        match k {
            sdk::AiSourceKind::Article => Self::Article,
            sdk::AiSourceKind::InternalArticle => Self::InternalArticle,
            sdk::AiSourceKind::Snippet => Self::Snippet,
            sdk::AiSourceKind::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// The visitor's verdict on an AI answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AiFeedback {
    /// The answer helped.
    Helpful,
    /// It did not.
    NotHelpful,
    /// A verdict this SDK does not know yet (received only: sending it fails with
    /// `InvalidInput`).
    Other {
        /// Opencom's name for it.
        value: String,
    },
}

impl From<sdk::AiFeedback> for AiFeedback {
    fn from(f: sdk::AiFeedback) -> Self {
        match f {
            sdk::AiFeedback::Helpful => Self::Helpful,
            sdk::AiFeedback::NotHelpful => Self::NotHelpful,
            other => Self::Other {
                value: other.as_str().to_owned(),
            },
        }
    }
}

impl TryFrom<AiFeedback> for sdk::AiFeedback {
    type Error = OpencomError;

    fn try_from(f: AiFeedback) -> Result<Self, OpencomError> {
        match f {
            AiFeedback::Helpful => Ok(Self::Helpful),
            AiFeedback::NotHelpful => Ok(Self::NotHelpful),
            AiFeedback::Other { value } => Err(OpencomError::InvalidInput {
                field: "feedback".into(),
                reason: format!("`{value}` cannot be sent (Helpful or NotHelpful)"),
            }),
        }
    }
}

/// What `AiAgentClient.handoff_to_human` did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Handoff {
    /// The bot message posted in the conversation.
    pub message_id: String,
    /// Its text (the workspace's handoff message).
    pub handoff_message: String,
}

impl From<sdk::Handoff> for Handoff {
    fn from(h: sdk::Handoff) -> Self {
        Self {
            message_id: h.message_id,
            handoff_message: h.handoff_message,
        }
    }
}

/// Receives the AI answers of a conversation (`AiAgentClient.watch_responses`). Called from
/// SDK threads.
#[uniffi::export(with_foreign)]
pub trait AiAnswersListener: Send + Sync {
    /// The whole list, oldest first. `from_cache` is true for the offline snapshot; `via`
    /// says how this value arrived.
    fn on_ai_answers(&self, answers: Vec<AiAnswer>, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// The AI agent: `client.ai_agent()`.
#[derive(Debug, uniffi::Object)]
pub struct AiAgentClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl AiAgentClient {
    /// The AI answers of a conversation, oldest first.
    pub async fn responses(&self, conversation_id: String) -> Result<Vec<AiAnswer>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.ai_agent().responses(&conversation_id).await.map(list) }).await
    }

    /// The AI answers of a conversation, live: the cached list first, then every change.
    /// Cancel (or drop) the subscription to stop.
    pub fn watch_responses(
        &self,
        conversation_id: String,
        listener: Arc<dyn AiAnswersListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.ai_agent().watch_responses(&conversation_id)?;
        let errors = Arc::clone(&listener);
        pump_snapshots(
            stream,
            move |answers, from_cache, via| listener.on_ai_answers(list(answers), from_cache, via),
            move |error| errors.on_error(error),
        )
    }

    /// Says whether an AI answer helped.
    pub async fn feedback(
        &self,
        response_id: String,
        feedback: AiFeedback,
    ) -> Result<(), OpencomError> {
        let feedback = sdk::AiFeedback::try_from(feedback)?;
        let c = self.client.clone();
        run(async move { c.ai_agent().feedback(&response_id, feedback).await }).await
    }

    /// Hands the conversation to a human agent and returns the bot message posted. `reason`
    /// (a note for the agents) must not be blank and is at most
    /// [`max_handoff_reason_chars`] characters. Each call posts the message again.
    pub async fn handoff_to_human(
        &self,
        conversation_id: String,
        reason: Option<String>,
    ) -> Result<Handoff, OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.ai_agent()
                .handoff_to_human(&conversation_id, reason.as_deref())
                .await
        })
        .await
    }
}

#[uniffi::export]
impl OpencomClient {
    /// The AI agent.
    pub fn ai_agent(&self) -> Arc<AiAgentClient> {
        Arc::new(AiAgentClient {
            client: self.core().clone(),
        })
    }
}
