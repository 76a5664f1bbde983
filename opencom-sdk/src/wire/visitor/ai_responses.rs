//! `aiAgent:getConversationResponses` / `submitFeedback` / `handoffToHuman` as a visitor calls
//! them (CONTRACT §9). (`aiAgent:getPublicSettings` and `aiAgentActions:generateResponse`, the
//! reply trigger, live with the outbox.)

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, VisitorAuth};

/// `aiAgent:getConversationResponses`: the conversation's `aiResponses`, oldest first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConversationResponses<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) conversation_id: &'a str,
}

impl Call for ConversationResponses<'_> {
    const FUNCTION: Function = fns::AI_CONVERSATION_RESPONSES;
    type Output = Vec<ResponseDoc>;
}

/// `aiAgent:submitFeedback`: `null`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubmitFeedback<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) response_id: &'a str,
    /// `"helpful"` or `"not_helpful"`.
    pub(crate) feedback: &'static str,
}

impl Call for SubmitFeedback<'_> {
    const FUNCTION: Function = fns::AI_SUBMIT_FEEDBACK;
    type Output = Ignored;
}

/// `aiAgent:handoffToHuman`: `{messageId, handoffMessage}`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HandoffToHuman<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) conversation_id: &'a str,
    pub(crate) reason: Option<&'a str>,
}

impl Call for HandoffToHuman<'_> {
    const FUNCTION: Function = fns::AI_HANDOFF;
    type Output = HandoffDoc;
}

/// The answer of `handoffToHuman`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HandoffDoc {
    pub(crate) message_id: String,
    pub(crate) handoff_message: String,
}

/// An `aiResponses` document with its `deliveredResponseContext`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResponseDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) conversation_id: String,
    pub(crate) message_id: Option<String>,
    pub(crate) query: String,
    pub(crate) response: String,
    pub(crate) sources: Vec<SourceDoc>,
    pub(crate) confidence: Option<f64>,
    pub(crate) handed_off: bool,
    pub(crate) handoff_reason: Option<String>,
    pub(crate) feedback: Option<String>,
    pub(crate) created_at: f64,
    pub(crate) delivered_response_context: Option<DeliveredDoc>,
}

/// `deliveredResponseContext`: what the visitor was shown.
#[derive(Deserialize, Debug)]
pub(crate) struct DeliveredDoc {
    pub(crate) response: String,
    pub(crate) sources: Vec<SourceDoc>,
    pub(crate) confidence: Option<f64>,
}

/// One source of an answer: `{type, id, title, articleId?}`.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SourceDoc {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) article_id: Option<String>,
}
