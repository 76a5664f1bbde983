//! `surveys.ts`, the visitor side (CONTRACT §13): `getActiveSurveys` (active, in schedule, not
//! completed by the visitor, `frequency: "once"` ones not shown yet; `[]` rather than an error
//! on a bad session), `recordImpression` and `submitResponse` (a visitor's partial response is
//! upserted until it is completed). Surveys are created through the control API
//! ([`ServerMock::add_survey`](crate::ServerMock::add_survey)).

use serde_json::{json, Value};

use super::audience::{active_in_workspace, in_schedule, is_agent, rows_of_visitor, values};
use super::auth::{has_permission, require_permission, require_user};
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

/// The question types of Opencom's survey builder.
#[allow(dead_code)]
pub(crate) const QUESTION_TYPES: &[&str] = &[
    "nps",
    "numeric_scale",
    "star_rating",
    "emoji_rating",
    "dropdown",
    "short_text",
    "long_text",
    "multiple_choice",
];

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "surveys:getActiveSurveys",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        get_active_surveys,
    );
    r.mutation(
        "surveys:recordImpression",
        object(vec![
            req("surveyId", id("surveys")),
            opt("visitorId", id("visitors")),
            opt("sessionId", string()),
            opt("sessionToken", string()),
            req(
                "action",
                literals(&["shown", "started", "completed", "dismissed"]),
            ),
        ]),
        record_impression,
    );
    r.mutation(
        "surveys:submitResponse",
        object(vec![
            req("surveyId", id("surveys")),
            opt("visitorId", id("visitors")),
            opt("userId", id("users")),
            opt("sessionId", string()),
            opt("sessionToken", string()),
            req(
                "answers",
                array(object(vec![
                    req("questionId", string()),
                    req(
                        "value",
                        union(vec![
                            string(),
                            number(),
                            boolean(),
                            null(),
                            array(string()),
                            array(number()),
                        ]),
                    ),
                ])),
            ),
            req("isComplete", boolean()),
        ]),
        submit_response,
    );
}

fn get_active_surveys(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor_id = if is_agent(ctx) {
        if !has_permission(ctx, workspace_id, "settings.workspace") {
            return Ok(json!([]));
        }
        None
    } else {
        match resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id) {
            Ok(resolved) => {
                if args
                    .non_empty("visitorId")
                    .is_some_and(|v| v != resolved.visitor_id)
                {
                    return Ok(json!([]));
                }
                Some(resolved.visitor_id)
            }
            Err(_) => return Ok(json!([])),
        }
    };
    let now = ctx.now;
    let mut surveys = active_in_workspace(ctx, "surveys", workspace_id);
    surveys.retain(|s| in_schedule(s, now));
    let Some(visitor_id) = visitor_id else {
        return Ok(values(surveys));
    };
    let responses = rows_of_visitor(ctx, "surveyResponses", &visitor_id);
    let impressions = rows_of_visitor(ctx, "surveyImpressions", &visitor_id);
    surveys.retain(|survey| {
        let id = survey.id();
        let completed = responses.iter().any(|r| {
            r.str_field("surveyId") == Some(id) && r.str_field("status") == Some("completed")
        });
        let shown = impressions
            .iter()
            .any(|i| i.str_field("surveyId") == Some(id) && i.str_field("action") == Some("shown"));
        let once_and_shown = survey.str_field("frequency") == Some("once") && shown;
        !(completed || once_and_shown)
    });
    Ok(values(surveys))
}

fn survey_of(ctx: &Ctx<'_>, args: &Doc) -> Result<Doc, FnError> {
    let survey_id = args.str_field("surveyId").unwrap_or_default();
    ctx.db
        .get_cloned(survey_id)
        .ok_or_else(|| FnError::msg("Survey not found"))
}

fn record_impression(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let survey = survey_of(ctx, args)?;
    let workspace_id = survey.str_field("workspaceId").unwrap_or_default();
    let resolved = resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
    if args
        .non_empty("visitorId")
        .is_some_and(|v| v != resolved.visitor_id)
    {
        return Err(FnError::msg("Not authorized to record survey impression"));
    }
    let now = ctx.now;
    let id = ctx.db.insert(
        "surveyImpressions",
        doc([
            ("surveyId", Some(json!(survey.id()))),
            ("visitorId", Some(json!(resolved.visitor_id))),
            ("sessionId", args.get("sessionId").cloned()),
            ("action", args.get("action").cloned()),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(id))
}

fn submit_response(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let survey = survey_of(ctx, args)?;
    let workspace_id = survey
        .str_field("workspaceId")
        .unwrap_or_default()
        .to_owned();
    let mut user_id = None;
    let mut visitor_id = None;
    if is_agent(ctx) {
        let agent = require_user(ctx)?;
        require_permission(ctx, &workspace_id, "settings.workspace")?;
        if args.str_field("userId").is_some_and(|u| u != agent) {
            return Err(FnError::msg(
                "Cannot submit survey response on behalf of another user",
            ));
        }
        user_id = args.str_field("userId").map(str::to_owned);
    } else {
        let resolved =
            resolve_visitor_from_session(ctx, args.str_field("sessionToken"), &workspace_id)?;
        if args
            .non_empty("visitorId")
            .is_some_and(|v| v != resolved.visitor_id)
        {
            return Err(FnError::msg("Not authorized to submit survey response"));
        }
        if args.get("userId").is_some() {
            return Err(FnError::msg("Cannot submit visitor response with userId"));
        }
        visitor_id = Some(resolved.visitor_id);
    }
    let now = ctx.now;
    let complete = args.bool_field("isComplete").unwrap_or(false);
    let status = if complete { "completed" } else { "partial" };
    let answers = args.get("answers").cloned().unwrap_or(json!([]));
    let partial = visitor_id.as_deref().and_then(|visitor| {
        ctx.db
            .find("surveyResponses", |r| {
                r.str_field("visitorId") == Some(visitor)
                    && r.str_field("surveyId") == Some(survey.id())
                    && r.str_field("status") == Some("partial")
            })
            .map(|r| r.id().to_owned())
    });
    let response_id = match partial {
        Some(id) => {
            let unset: &[&str] = if complete { &[] } else { &["completedAt"] };
            ctx.db.patch_unset(
                &id,
                doc([
                    ("answers", Some(answers.clone())),
                    ("status", Some(json!(status))),
                    ("completedAt", complete.then(|| json!(now))),
                ]),
                unset,
            );
            id
        }
        None => ctx.db.insert(
            "surveyResponses",
            doc([
                ("surveyId", Some(json!(survey.id()))),
                ("workspaceId", Some(json!(workspace_id))),
                ("visitorId", visitor_id.as_ref().map(|v| json!(v))),
                ("userId", user_id.map(|u| json!(u))),
                ("sessionId", args.get("sessionId").cloned()),
                ("answers", Some(answers.clone())),
                ("status", Some(json!(status))),
                ("startedAt", Some(json!(now))),
                ("completedAt", complete.then(|| json!(now))),
                ("createdAt", Some(json!(now))),
            ]),
            now,
        ),
    };
    if let (true, Some(visitor)) = (complete, visitor_id.as_deref()) {
        store_answers_as_attributes(ctx, &survey, &answers, visitor);
    }
    Ok(json!(response_id))
}

/// `storeAnswersAsAttributes`: questions with `storeAsAttribute: "<key>"` copy the completed
/// answer into the visitor's custom attributes.
fn store_answers_as_attributes(ctx: &mut Ctx<'_>, survey: &Doc, answers: &Value, visitor: &str) {
    let questions = survey
        .get("questions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut attributes = ctx
        .db
        .get(visitor)
        .and_then(|v| v.obj_field("customAttributes"))
        .cloned()
        .unwrap_or_default();
    let mut changed = false;
    for answer in answers.as_array().map(Vec::as_slice).unwrap_or_default() {
        let question_id = answer.get("questionId").and_then(Value::as_str);
        let key = questions
            .iter()
            .find(|q| q.get("id").and_then(Value::as_str) == question_id)
            .and_then(|q| q.get("storeAsAttribute"))
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty());
        if let (Some(key), Some(value)) = (key, answer.get("value")) {
            attributes.insert(key.to_owned(), value.clone());
            changed = true;
        }
    }
    if changed {
        ctx.db.patch(
            visitor,
            doc([("customAttributes", Some(Value::Object(attributes)))]),
        );
    }
}
