//! The AI agent, visitor side (CONTRACT §9): the AI answers of a conversation (what the
//! visitor was shown, with its sources and confidence), feedback on an answer, and handing the
//! conversation to a human. The answers themselves are asked for by the outbox after each
//! visitor message (`aiAgentActions:generateResponse`, see `conversations::ai`), as Opencom's
//! web widget does.

use std::sync::Arc;

use serde_json::Value;

use crate::context::{watch, Context, QuerySpec};
use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::realtime::LiveStream;
use crate::wire::visitor::ai_responses as wire_ai;
use crate::wire::visitor::ai_responses::{ResponseDoc, SourceDoc};
use crate::wire::{self, Call};

/// The longest handoff reason accepted (a note for the agent, not a message).
pub const MAX_HANDOFF_REASON_CHARS: usize = 500;

/// One AI answer in a conversation.
///
/// ```
/// # fn show(answer: &opencom_sdk::AiAnswer) {
/// println!("{} ({:?})", answer.response, answer.confidence);
/// for source in &answer.sources {
///     println!("  from {:?} {}", source.kind, source.title);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AiAnswer {
    /// The answer's id (for [`AiAgentClient::feedback`]).
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// The bot message that carries it, if one was posted.
    pub message_id: Option<String>,
    /// The visitor's question.
    pub query: String,
    /// The answer as delivered to the visitor (`deliveredResponseContext`).
    pub response: String,
    /// Where the answer came from, as delivered.
    pub sources: Vec<AiSource>,
    /// The model's confidence, 0.0–1.0, when known.
    pub confidence: Option<f64>,
    /// Whether the conversation was handed to a human with this answer.
    pub handed_off: bool,
    /// Why it was handed off, if it was.
    pub handoff_reason: Option<String>,
    /// The visitor's feedback, once given.
    pub feedback: Option<AiFeedback>,
    /// When it was generated (ms since the epoch).
    pub created_at: f64,
}

/// A source an [`AiAnswer`] draws on.
///
/// ```
/// # fn show(s: &opencom_sdk::AiSource) {
/// if let Some(article) = &s.article_id {
///     println!("open article {article}");
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

/// The kind of an [`AiSource`].
///
/// ```
/// assert_ne!(opencom_sdk::AiSourceKind::Article, opencom_sdk::AiSourceKind::Snippet);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AiSourceKind {
    /// A help-center article.
    Article,
    /// An internal article.
    InternalArticle,
    /// A saved reply.
    Snippet,
    /// A kind this SDK version does not know.
    Other(String),
}

/// The visitor's verdict on an AI answer.
///
/// ```
/// assert_eq!(opencom_sdk::AiFeedback::NotHelpful.as_str(), "not_helpful");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AiFeedback {
    /// The answer helped.
    Helpful,
    /// It did not.
    NotHelpful,
}

impl AiFeedback {
    /// The value as Opencom names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Helpful => "helpful",
            Self::NotHelpful => "not_helpful",
        }
    }
}

/// What [`AiAgentClient::handoff_to_human`] did.
///
/// ```
/// # fn show(h: &opencom_sdk::Handoff) {
/// println!("posted {}: {}", h.message_id, h.handoff_message);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Handoff {
    /// The bot message posted in the conversation.
    pub message_id: String,
    /// Its text (the workspace's handoff message).
    pub handoff_message: String,
}

/// The AI agent: `client.ai_agent()`.
///
/// ```no_run
/// # async fn run(client: opencom_sdk::Opencom, conversation_id: &str) -> opencom_sdk::Result<()> {
/// use opencom_sdk::AiFeedback;
/// let ai = client.ai_agent();
/// if let Some(answer) = ai.responses(conversation_id).await?.last() {
///     ai.feedback(&answer.id, AiFeedback::Helpful).await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct AiAgentClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

impl AiAgentClient<'_> {
    /// The AI answers of a conversation, oldest first.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let answers = client.ai_agent().responses("conversation-id").await?;
    /// # let _ = answers; Ok(()) }
    /// ```
    pub async fn responses(&self, conversation_id: &str) -> Result<Vec<AiAnswer>> {
        check_id("conversation_id", conversation_id)?;
        let docs = self
            .ctx
            .session
            .request(|c| wire_ai::ConversationResponses {
                auth: c.visitor(),
                conversation_id,
            })
            .await?;
        docs.into_iter().map(answer_from_doc).collect()
    }

    /// [`responses`](Self::responses), live: the cached list first, then every change (a new
    /// answer after a visitor message, feedback recorded).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use futures::StreamExt;
    /// let mut answers = client.ai_agent().watch_responses("conversation-id")?;
    /// while let Some(Ok(snapshot)) = answers.next().await {
    ///     println!("{} answers", snapshot.value.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch_responses(&self, conversation_id: &str) -> Result<LiveStream<Vec<AiAnswer>>> {
        check_id("conversation_id", conversation_id)?;
        let conversation = conversation_id.to_owned();
        let function = wire_ai::ConversationResponses::FUNCTION;
        let args_conversation = conversation.clone();
        let spec = QuerySpec {
            function,
            args: Box::new(move |c| {
                wire::to_object(
                    function,
                    &wire_ai::ConversationResponses {
                        auth: c.visitor(),
                        conversation_id: &args_conversation,
                    },
                )
            }),
            cache: Some(format!("ai_responses/{conversation}")),
        };
        watch(
            self.ctx,
            spec,
            Box::new(move |_, raw: &Value| {
                let docs: Vec<ResponseDoc> = wire::decode(function, raw.clone())?;
                docs.into_iter().map(answer_from_doc).collect()
            }),
            None,
        )
    }

    /// Records the visitor's feedback on an answer (giving it again replaces it).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::AiFeedback;
    /// client.ai_agent().feedback("response-id", AiFeedback::NotHelpful).await?;
    /// # Ok(()) }
    /// ```
    pub async fn feedback(&self, response_id: &str, feedback: AiFeedback) -> Result<()> {
        check_id("response_id", response_id)?;
        self.ctx
            .session
            .request(|c| wire_ai::SubmitFeedback {
                auth: c.visitor(),
                response_id,
                feedback: feedback.as_str(),
            })
            .await
            .map(|_| ())
    }

    /// Hands the conversation to a human: the server posts the workspace's handoff message,
    /// reopens the conversation for the agents and stops the AI answering in it. `reason`
    /// (for the agents; Opencom's default "Visitor requested human agent") must not be blank
    /// and is at most [`MAX_HANDOFF_REASON_CHARS`] characters. Each call posts the message
    /// again: it is not retried after an ambiguous failure.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let handoff = client.ai_agent().handoff_to_human("conversation-id", Some("billing")).await?;
    /// println!("{}", handoff.handoff_message);
    /// # Ok(()) }
    /// ```
    pub async fn handoff_to_human(
        &self,
        conversation_id: &str,
        reason: Option<&str>,
    ) -> Result<Handoff> {
        check_id("conversation_id", conversation_id)?;
        if let Some(reason) = reason {
            if reason.trim().is_empty() {
                return Err(Error::invalid("reason", "must not be blank when set"));
            }
            if reason.chars().count() > MAX_HANDOFF_REASON_CHARS {
                return Err(Error::invalid(
                    "reason",
                    format!("must be at most {MAX_HANDOFF_REASON_CHARS} characters"),
                ));
            }
        }
        let doc = self
            .ctx
            .session
            .request(|c| wire_ai::HandoffToHuman {
                auth: c.visitor(),
                conversation_id,
                reason,
            })
            .await?;
        Ok(Handoff {
            message_id: doc.message_id,
            handoff_message: doc.handoff_message,
        })
    }
}

fn source_from_doc(doc: SourceDoc) -> AiSource {
    let kind = match doc.kind.as_str() {
        "article" => AiSourceKind::Article,
        "internalArticle" => AiSourceKind::InternalArticle,
        "snippet" => AiSourceKind::Snippet,
        _ => AiSourceKind::Other(doc.kind),
    };
    AiSource {
        kind,
        id: doc.id,
        title: doc.title,
        article_id: doc.article_id,
    }
}

fn answer_from_doc(doc: ResponseDoc) -> Result<AiAnswer> {
    let feedback = match doc.feedback.as_deref() {
        None => None,
        Some("helpful") => Some(AiFeedback::Helpful),
        Some("not_helpful") => Some(AiFeedback::NotHelpful),
        Some(_) => {
            return Err(Error::Decode {
                message: format!(
                    "{}: unknown `feedback`",
                    wire_ai::ConversationResponses::FUNCTION.path
                ),
            })
        }
    };
    // What the visitor was shown; older records without the context carry it at the top.
    let (response, sources, confidence) = match doc.delivered_response_context {
        Some(d) => (d.response, d.sources, d.confidence),
        None => (doc.response, doc.sources, doc.confidence),
    };
    Ok(AiAnswer {
        id: doc.id,
        conversation_id: doc.conversation_id,
        message_id: doc.message_id,
        query: doc.query,
        response,
        sources: sources.into_iter().map(source_from_doc).collect(),
        confidence,
        handed_off: doc.handed_off,
        handoff_reason: doc.handoff_reason,
        feedback,
        created_at: doc.created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::visitor::test_support::visitor_auth;
    use serde_json::json;

    #[test]
    fn arguments_are_named_as_the_contract() {
        let args = wire_ai::SubmitFeedback {
            auth: visitor_auth(),
            response_id: "r1",
            feedback: AiFeedback::NotHelpful.as_str(),
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "responseId": "r1",
                   "feedback": "not_helpful"})
        );
        let args = wire_ai::HandoffToHuman {
            auth: visitor_auth(),
            conversation_id: "c1",
            reason: None,
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "conversationId": "c1"})
        );
        let args = wire_ai::ConversationResponses {
            auth: visitor_auth(),
            conversation_id: "c1",
        };
        assert_eq!(serde_json::to_value(&args).unwrap()["conversationId"], "c1");
    }

    #[test]
    fn answers_decode_the_delivered_response() {
        let raw = json!([{
            "_id": "r1", "_creationTime": 1, "conversationId": "c1", "messageId": "m1",
            "query": "reset?", "response": "generated", "confidence": 0.3,
            "sources": [], "handedOff": true, "handoffReason": "low confidence",
            "feedback": "helpful", "model": "m", "provider": "p", "generationTimeMs": 3,
            "createdAt": 10,
            "deliveredResponseContext": {"response": "delivered", "confidence": null,
                "sources": [{"type": "article", "id": "a1", "title": "Reset", "articleId": "a1"},
                            {"type": "webpage", "id": "w1", "title": "W"}]},
            "generatedResponseContext": null,
        }]);
        let docs: Vec<ResponseDoc> =
            wire::decode(wire_ai::ConversationResponses::FUNCTION, raw).unwrap();
        let answer = answer_from_doc(docs.into_iter().next().unwrap()).unwrap();
        assert_eq!(answer.response, "delivered");
        assert_eq!(answer.confidence, None);
        assert_eq!(answer.sources[0].kind, AiSourceKind::Article);
        assert_eq!(answer.sources[0].article_id.as_deref(), Some("a1"));
        assert_eq!(
            answer.sources[1].kind,
            AiSourceKind::Other("webpage".into())
        );
        assert_eq!(answer.feedback, Some(AiFeedback::Helpful));
        assert!(answer.handed_off);
    }

    #[test]
    fn bad_answers_are_decode_errors() {
        let raw = json!([{"_id": "r1", "conversationId": "c1", "query": "q", "response": "r",
                          "sources": [], "handedOff": "no", "createdAt": 1}]);
        let err = wire::decode::<Vec<ResponseDoc>>(wire_ai::ConversationResponses::FUNCTION, raw)
            .unwrap_err();
        assert!(matches!(&err, Error::Decode { message } if message.contains("handedOff")));
        let raw = json!([{"_id": "r1", "conversationId": "c1", "query": "q", "response": "r",
                          "sources": [], "handedOff": false, "createdAt": 1,
                          "feedback": "meh"}]);
        let docs: Vec<ResponseDoc> =
            wire::decode(wire_ai::ConversationResponses::FUNCTION, raw).unwrap();
        assert!(matches!(
            answer_from_doc(docs.into_iter().next().unwrap()),
            Err(Error::Decode { .. })
        ));
    }
}
