//! `reporting/csatMetrics.ts`, the visitor side: `getCsatEligibility` and `submitCsatResponse`
//! (CONTRACT §6.3). CSAT is on when the workspace's `automationSettings.askForRatingEnabled`
//! is true (see [`ServerMock::set_csat_enabled`](crate::ServerMock::set_csat_enabled)).

use serde_json::{json, Value};

use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

const NOT_AUTHORIZED: &str = "Not authorized to submit CSAT response";

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "reporting:getCsatEligibility",
        object(vec![
            req("conversationId", id("conversations")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        get_csat_eligibility,
    );
    r.mutation(
        "reporting:submitCsatResponse",
        object(vec![
            req("conversationId", id("conversations")),
            req("rating", number()),
            opt("feedback", string()),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        submit_csat_response,
    );
}

/// `requireCsatAccess` for visitors: both `visitorId` and `sessionToken`, owning the
/// conversation.
fn require_csat_access(ctx: &Ctx<'_>, conversation: &Doc, args: &Doc) -> Result<(), FnError> {
    let (Some(owner), Some(visitor_id), Some(token)) = (
        conversation.non_empty("visitorId"),
        args.non_empty("visitorId"),
        args.non_empty("sessionToken"),
    ) else {
        return Err(FnError::msg(NOT_AUTHORIZED));
    };
    if owner != visitor_id {
        return Err(FnError::msg(NOT_AUTHORIZED));
    }
    let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
    let resolved = resolve_visitor_from_session(ctx, Some(token), workspace_id)?;
    if resolved.visitor_id != visitor_id {
        return Err(FnError::msg(NOT_AUTHORIZED));
    }
    Ok(())
}

/// `automationSettings.askForRatingEnabled` of a workspace (false when unset).
pub(crate) fn csat_enabled(db: &Db, workspace_id: &str) -> bool {
    db.find("automationSettings", |s| {
        s.str_field("workspaceId") == Some(workspace_id)
    })
    .and_then(|s| s.bool_field("askForRatingEnabled"))
    .unwrap_or(false)
}

fn already_submitted(db: &Db, conversation: &Doc) -> bool {
    let truthy = |key: &str| match conversation.get(key) {
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        _ => false,
    };
    truthy("csatCompletedAt")
        || truthy("csatResponseId")
        || db
            .find("csatResponses", |r| {
                r.str_field("conversationId") == Some(conversation.id())
            })
            .is_some()
}

fn get_csat_eligibility(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let Some(conversation) = ctx.db.get_cloned(conversation_id) else {
        return Err(FnError::msg("Conversation not found"));
    };
    require_csat_access(ctx, &conversation, args)?;
    let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
    let enabled = csat_enabled(ctx.db, workspace_id);
    let submitted = already_submitted(ctx.db, &conversation);
    let status = conversation.get("status").cloned().unwrap_or(Value::Null);
    let reason = if !enabled {
        "disabled"
    } else if conversation.str_field("status") != Some("closed") {
        "conversation_not_closed"
    } else if submitted {
        "already_submitted"
    } else {
        "eligible"
    };
    Ok(json!({
        "eligible": reason == "eligible",
        "reason": reason,
        "askForRatingEnabled": enabled,
        "alreadySubmitted": submitted,
        "conversationStatus": status,
    }))
}

fn submit_csat_response(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let rating = args.f64_field("rating").unwrap_or(f64::NAN);
    if !(1.0..=5.0).contains(&rating) {
        return Err(FnError::msg("Rating must be between 1 and 5"));
    }
    let conversation_id = args.str_field("conversationId").unwrap_or_default();
    let Some(conversation) = ctx.db.get_cloned(conversation_id) else {
        return Err(FnError::msg("Conversation not found"));
    };
    require_csat_access(ctx, &conversation, args)?;
    let workspace_id = conversation.str_field("workspaceId").unwrap_or_default();
    if !csat_enabled(ctx.db, workspace_id) {
        return Err(FnError::msg(
            "CSAT collection is disabled for this workspace",
        ));
    }
    if conversation.str_field("status") != Some("closed") {
        return Err(FnError::msg(
            "CSAT can only be submitted for closed conversations",
        ));
    }
    if already_submitted(ctx.db, &conversation) {
        return Err(FnError::msg(
            "CSAT response already submitted for this conversation",
        ));
    }
    let now = ctx.now;
    let csat_id = ctx.db.insert(
        "csatResponses",
        doc([
            ("workspaceId", Some(json!(workspace_id))),
            ("conversationId", Some(json!(conversation_id))),
            ("visitorId", conversation.get("visitorId").cloned()),
            ("agentId", conversation.get("assignedAgentId").cloned()),
            ("rating", Some(json!(rating))),
            ("feedback", args.get("feedback").cloned()),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    ctx.db.patch(
        conversation_id,
        doc([
            ("csatCompletedAt", Some(json!(now))),
            ("csatResponseId", Some(json!(csat_id))),
            ("updatedAt", Some(json!(now))),
        ]),
    );
    Ok(json!(csat_id))
}
