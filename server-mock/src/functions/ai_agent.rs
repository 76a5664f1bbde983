//! `aiAgent.ts` / `aiAgentActions.ts`, the visitor side (CONTRACT §9): the public AI settings,
//! `generateResponse`, the conversation's AI responses (`getConversationResponses`), feedback
//! on one (`submitFeedback`) and `handoffToHuman`. There is no language model: an enabled agent
//! answers with a canned reply (a bot message from `"ai-agent"`, recorded as an `aiResponses`
//! document), a disabled one hands the conversation off to a human, as Opencom does.

use serde_json::{json, Value};

use super::auth::{require_permission, require_user};
use super::messages::insert_bot_message;
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

/// The sender id of AI and handoff messages.
pub(crate) const AI_SENDER_ID: &str = "ai-agent";
const HANDOFF_MESSAGE: &str = "Let me connect you with a human agent who can help you better.";
const MODEL: &str = "openai/gpt-5-nano";
const CONFIDENCE: f64 = 0.8;

/// Queries that ask for a person (Opencom's `shouldHandoff` phrases).
const HANDOFF_PHRASES: &[&str] = &[
    "talk to human",
    "speak to agent",
    "real person",
    "human agent",
    "talk to someone",
    "speak to someone",
    "customer service",
    "representative",
];

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "aiAgent:getPublicSettings",
        object(vec![req("workspaceId", id("workspaces"))]),
        get_public_settings,
    );
    r.action(
        "aiAgentActions:generateResponse",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("conversationId", id("conversations")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("query", string()),
            opt(
                "conversationHistory",
                array(object(vec![
                    req("role", literals(&["user", "assistant"])),
                    req("content", string()),
                ])),
            ),
        ]),
        generate_response,
    );
    r.query(
        "aiAgent:getConversationResponses",
        object(vec![
            req("conversationId", id("conversations")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        get_conversation_responses,
    );
    r.mutation(
        "aiAgent:submitFeedback",
        object(vec![
            req("responseId", id("aiResponses")),
            req("feedback", literals(&["helpful", "not_helpful"])),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        submit_feedback,
    );
    r.mutation(
        "aiAgent:handoffToHuman",
        object(vec![
            req("conversationId", id("conversations")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("reason", string()),
        ]),
        handoff_to_human,
    );
}

/// Whether the workspace's AI agent is on (`aiAgentSettings.enabled`, false by default).
pub(crate) fn ai_enabled(db: &Db, workspace_id: &str) -> bool {
    db.find("aiAgentSettings", |s| {
        s.str_field("workspaceId") == Some(workspace_id)
    })
    .and_then(|s| s.bool_field("enabled"))
    .unwrap_or(false)
}

fn get_public_settings(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    Ok(json!({
        "enabled": ai_enabled(ctx.db, workspace_id),
        "knowledgeSources": ["articles"],
        "confidenceThreshold": 0.6,
        "personality": null,
        "handoffMessage": HANDOFF_MESSAGE,
        "workingHours": null,
        "model": MODEL,
        "suggestionsEnabled": false,
        "embeddingModel": "text-embedding-3-small",
    }))
}

/// `authorizeConversationAccess`: an agent needs `conversations.read` in the conversation's
/// workspace; for a visitor the token's visitor (else the `visitorId` argument) must own the
/// conversation.
fn authorize(ctx: &Ctx<'_>, conversation: &Doc, args: &Doc) -> Result<(), FnError> {
    let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
    if require_user(ctx).is_ok() {
        return require_permission(ctx, workspace_id, "conversations.read").map(|_| ());
    }
    let visitor_id = match args.non_empty("sessionToken") {
        Some(token) => {
            Some(resolve_visitor_from_session(ctx, Some(token), workspace_id)?.visitor_id)
        }
        None => args.str_field("visitorId").map(str::to_owned),
    };
    match visitor_id {
        Some(visitor_id) if conversation.str_field("visitorId") == Some(visitor_id.as_str()) => {
            Ok(())
        }
        _ => Err(FnError::msg("Not authorized")),
    }
}

/// `handoffToHuman`: a bot message with the handoff text; the conversation goes back to the
/// human queue.
fn hand_off(ctx: &mut Ctx<'_>, conversation: &Doc, reason: &str) -> Value {
    let message_id = insert_bot_message(ctx, conversation, AI_SENDER_ID, HANDOFF_MESSAGE);
    ctx.db.patch(
        conversation.id(),
        doc([
            ("status", Some(json!("open"))),
            ("aiWorkflowState", Some(json!("handoff"))),
            ("aiHandoffReason", Some(json!(reason))),
        ]),
    );
    json!({
        "response": HANDOFF_MESSAGE,
        "confidence": 0,
        "sources": [],
        "handoff": true,
        "handoffReason": reason,
        "messageId": message_id,
    })
}

fn generate_response(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let Some(conversation) = ctx.db.get_cloned(conversation_id) else {
        return Err(FnError::msg("Conversation not found"));
    };
    authorize(ctx, &conversation, args)?;
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    if conversation.str_field("workspaceId") != Some(workspace_id) {
        return Err(FnError::msg("Conversation does not belong to workspace"));
    }

    let human_replied = ctx.db.scan("messages").any(|m| {
        m.str_field("conversationId") == Some(conversation_id)
            && m.str_field("senderType") == Some("agent")
    });
    let suppressed = if conversation.str_field("aiWorkflowState") == Some("handoff") {
        Some("Conversation has already been handed off to a human agent")
    } else if human_replied {
        Some("A human agent has already responded in this conversation")
    } else {
        None
    };
    if let Some(reason) = suppressed {
        return Ok(json!({
            "response": "",
            "confidence": 0,
            "sources": [],
            "handoff": true,
            "handoffReason": reason,
            "messageId": null,
        }));
    }
    if !ai_enabled(ctx.db, workspace_id) {
        return Ok(hand_off(ctx, &conversation, "AI Agent is disabled"));
    }
    let query = args.str_field("query").unwrap_or_default();
    let lower = query.to_lowercase();
    if HANDOFF_PHRASES.iter().any(|phrase| lower.contains(phrase)) {
        return Ok(hand_off(
            ctx,
            &conversation,
            "Customer requested human agent",
        ));
    }

    let response = format!(
        "Thanks for your question about \"{}\". This is an automated answer from the AI \
         assistant: check the help center for a step-by-step guide, or ask to talk to a human \
         agent at any time.",
        query.trim()
    );
    let message_id = insert_bot_message(ctx, &conversation, AI_SENDER_ID, &response);
    let now = ctx.now;
    ctx.db.insert(
        "aiResponses",
        doc([
            ("conversationId", Some(json!(conversation_id))),
            ("messageId", Some(json!(message_id))),
            ("query", Some(json!(query))),
            ("response", Some(json!(response))),
            ("sources", Some(json!([]))),
            ("confidence", Some(json!(CONFIDENCE))),
            ("handedOff", Some(json!(false))),
            ("model", Some(json!(MODEL))),
            ("provider", Some(json!("server-mock"))),
            ("generationTimeMs", Some(json!(0))),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    let turn = conversation.f64_field("aiTurnSequence").unwrap_or(0.0) + 1.0;
    ctx.db.patch(
        conversation_id,
        doc([
            ("aiWorkflowState", Some(json!("ai_handled"))),
            ("aiTurnSequence", Some(json!(turn))),
            ("aiLastConfidence", Some(json!(CONFIDENCE))),
            ("aiLastResponseAt", Some(json!(now))),
        ]),
    );
    Ok(json!({
        "response": response,
        "confidence": CONFIDENCE,
        "sources": [],
        "handoff": false,
        "handoffReason": null,
        "messageId": message_id,
    }))
}

fn conversation_of(ctx: &Ctx<'_>, conversation_id: &str) -> Result<Doc, FnError> {
    ctx.db
        .get(conversation_id)
        .filter(|_| ctx.db.table_of(conversation_id) == Some("conversations"))
        .cloned()
        .ok_or_else(|| FnError::msg("Conversation not found"))
}

/// The conversation's `aiResponses`, oldest first, each with the response as delivered
/// (`deliveredResponseContext`) and, when the delivered text differs from what the model
/// generated (a handoff), the generated one (`generatedResponseContext`, else `null`).
fn get_conversation_responses(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let conversation = conversation_of(ctx, conversation_id)?;
    authorize(ctx, &conversation, args)?;
    let responses: Vec<Value> = ctx
        .db
        .filter("aiResponses", |r| {
            r.str_field("conversationId") == Some(conversation_id)
        })
        .into_iter()
        .map(|mut response| {
            let delivered = json!({
                "response": response.get("response").cloned().unwrap_or(json!("")),
                "sources": response.get("sources").cloned().unwrap_or(json!([])),
                "confidence": response.get("confidence").cloned().unwrap_or(Value::Null),
            });
            let generated = match response.get("generatedCandidateResponse") {
                Some(candidate) => json!({
                    "response": candidate,
                    "sources": response.get("generatedCandidateSources").cloned()
                        .unwrap_or(json!([])),
                    "confidence": response.get("generatedCandidateConfidence").cloned()
                        .unwrap_or(Value::Null),
                }),
                None => Value::Null,
            };
            response.insert("deliveredResponseContext".into(), delivered);
            response.insert("generatedResponseContext".into(), generated);
            Value::Object(response)
        })
        .collect();
    Ok(Value::Array(responses))
}

fn submit_feedback(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let response_id = args.str_field("responseId").unwrap_or_default();
    let Some(response) = ctx.db.get_cloned(response_id) else {
        return Err(FnError::msg("AI response not found"));
    };
    let conversation_id = response.str_field("conversationId").unwrap_or_default();
    let conversation = conversation_of(ctx, conversation_id)?;
    authorize(ctx, &conversation, args)?;
    ctx.db.patch(
        response_id,
        doc([("feedback", args.get("feedback").cloned())]),
    );
    Ok(Value::Null)
}

/// The workspace's handoff message (`aiAgentSettings.handoffMessage`, else the default).
fn handoff_message(db: &Db, workspace_id: &str) -> String {
    db.find("aiAgentSettings", |s| {
        s.str_field("workspaceId") == Some(workspace_id)
    })
    .and_then(|s| s.non_empty("handoffMessage"))
    .unwrap_or(HANDOFF_MESSAGE)
    .to_owned()
}

fn handoff_to_human(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let conversation = conversation_of(ctx, conversation_id)?;
    authorize(ctx, &conversation, args)?;
    let reason = args
        .non_empty("reason")
        .unwrap_or("Visitor requested human agent")
        .to_owned();
    let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
    let message = handoff_message(ctx.db, workspace_id);
    let message_id = insert_bot_message(ctx, &conversation, AI_SENDER_ID, &message);
    ctx.db.patch(
        conversation_id,
        doc([
            ("status", Some(json!("open"))),
            ("aiWorkflowState", Some(json!("handoff"))),
            ("aiHandoffReason", Some(json!(reason))),
        ]),
    );
    Ok(json!({"messageId": message_id, "handoffMessage": message}))
}
