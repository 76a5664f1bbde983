//! `surveys:*` as a visitor calls them (CONTRACT §13).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, VisitorAuth, WorkspaceAuth};

/// `surveys:getActiveSurveys`: `[]` on a bad token (it never throws).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetActive<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for GetActive<'_> {
    const FUNCTION: Function = fns::ACTIVE_SURVEYS;
    type Output = Vec<SurveyDoc>;
}

/// `surveys:recordImpression` (no `workspaceId`: the survey names it).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecordImpression<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) survey_id: &'a str,
    pub(crate) session_id: Option<String>,
    /// `"shown" | "started" | "completed" | "dismissed"`.
    pub(crate) action: &'static str,
}

impl Call for RecordImpression<'_> {
    const FUNCTION: Function = fns::SURVEY_IMPRESSION;
    type Output = Ignored;
}

/// `surveys:submitResponse` (no `workspaceId`, never `userId` for a visitor).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubmitResponse<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) survey_id: &'a str,
    pub(crate) session_id: Option<String>,
    pub(crate) answers: &'a [Answer<'a>],
    pub(crate) is_complete: bool,
}

impl Call for SubmitResponse<'_> {
    const FUNCTION: Function = fns::SUBMIT_SURVEY;
    type Output = String;
}

/// One answer: `value` is a string, a number or an array of strings on the wire.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Answer<'a> {
    pub(crate) question_id: &'a str,
    pub(crate) value: Value,
}

/// A `surveys` document, as far as a visitor renders it.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SurveyDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) format: Option<String>,
    pub(crate) frequency: Option<String>,
    pub(crate) questions: Vec<QuestionDoc>,
    pub(crate) intro_step: Option<StepDoc>,
    pub(crate) thank_you_step: Option<StepDoc>,
    pub(crate) triggers: Option<TriggerDoc>,
}

/// One question of a survey.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QuestionDoc {
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) required: Option<bool>,
    pub(crate) options: Option<OptionsDoc>,
}

/// A question's options (each meaningful for some kinds only).
#[derive(Deserialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OptionsDoc {
    pub(crate) scale_start: Option<f64>,
    pub(crate) scale_end: Option<f64>,
    pub(crate) start_label: Option<String>,
    pub(crate) end_label: Option<String>,
    pub(crate) star_labels: Option<LabelsDoc>,
    pub(crate) emoji_count: Option<f64>,
    pub(crate) choices: Option<Vec<String>>,
    pub(crate) allow_multiple: Option<bool>,
    pub(crate) placeholder: Option<String>,
}

/// `{low?, high?}` labels.
#[derive(Deserialize, Debug)]
pub(crate) struct LabelsDoc {
    pub(crate) low: Option<String>,
    pub(crate) high: Option<String>,
}

/// The intro or thank-you step.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StepDoc {
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) button_text: Option<String>,
}

/// When the survey shows: `{type, pageUrl?, pageUrlMatch?, delaySeconds?, eventName?}`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TriggerDoc {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) page_url: Option<String>,
    pub(crate) page_url_match: Option<String>,
    pub(crate) delay_seconds: Option<f64>,
    pub(crate) event_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::visitor::test_support::visitor_auth;
    use serde_json::json;

    #[test]
    fn arguments_use_the_contract_field_names() {
        let args = RecordImpression {
            auth: visitor_auth(),
            survey_id: "s1",
            session_id: Some("ses_1".into()),
            action: "shown",
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "surveyId": "s1",
                   "sessionId": "ses_1", "action": "shown"})
        );
        let answers = [Answer {
            question_id: "q1",
            value: json!(9),
        }];
        let args = SubmitResponse {
            auth: visitor_auth(),
            survey_id: "s1",
            session_id: None,
            answers: &answers,
            is_complete: false,
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "surveyId": "s1",
                   "answers": [{"questionId": "q1", "value": 9}], "isComplete": false})
        );
        let args = GetActive {
            auth: WorkspaceAuth {
                workspace_id: "ws1",
                visitor: visitor_auth(),
            },
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x"})
        );
    }

    #[test]
    fn a_survey_without_questions_is_a_decode_error() {
        let err = crate::wire::decode::<Vec<SurveyDoc>>(
            fns::ACTIVE_SURVEYS,
            json!([{"_id": "s1", "name": "NPS"}]),
        )
        .unwrap_err();
        assert!(matches!(err, crate::Error::Decode { .. }), "{err:?}");
        assert!(
            err.to_string().contains("surveys:getActiveSurveys"),
            "{err}"
        );
    }
}
