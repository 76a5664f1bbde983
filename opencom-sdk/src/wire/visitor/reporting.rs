//! `reporting:*` as a visitor calls them: CSAT eligibility and rating.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, VisitorAuth};

/// `reporting:getCsatEligibility`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CsatEligibility<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) conversation_id: &'a str,
}

/// `{eligible, reason, askForRatingEnabled, alreadySubmitted, conversationStatus}`: the SDK
/// reads the first two.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CsatAnswer {
    pub(crate) eligible: bool,
    pub(crate) reason: String,
}

impl Call for CsatEligibility<'_> {
    const FUNCTION: Function = fns::CSAT_ELIGIBILITY;
    type Output = CsatAnswer;
}

/// `reporting:submitCsatResponse` (returns the response's id, unused).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubmitCsat<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) conversation_id: &'a str,
    pub(crate) rating: u8,
    pub(crate) feedback: Option<&'a str>,
}

impl Call for SubmitCsat<'_> {
    const FUNCTION: Function = fns::SUBMIT_CSAT;
    type Output = Ignored;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::{assert_decode_errors, visitor_auth as auth};
    use serde_json::json;

    #[test]
    fn arguments_serialize_to_the_contract_fields() {
        assert_eq!(
            serde_json::to_value(CsatEligibility {
                auth: auth(),
                conversation_id: "c1"
            })
            .unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "conversationId": "c1"})
        );
        let submit = |feedback| SubmitCsat {
            auth: auth(),
            conversation_id: "c1",
            rating: 5,
            feedback,
        };
        assert_eq!(
            serde_json::to_value(submit(Some("great"))).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "conversationId": "c1",
                "rating": 5, "feedback": "great"})
        );
        assert_eq!(
            serde_json::to_value(submit(None)).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "conversationId": "c1",
                "rating": 5})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors_naming_the_function() {
        let ok: CsatAnswer = decode(
            fns::CSAT_ELIGIBILITY,
            json!({"eligible": false, "reason": "disabled", "askForRatingEnabled": false,
                "alreadySubmitted": false, "conversationStatus": "closed"}),
        )
        .unwrap();
        assert_eq!(ok.reason, "disabled");
        assert_decode_errors::<CsatAnswer>(
            fns::CSAT_ELIGIBILITY,
            vec![
                json!({"reason": "disabled"}),
                json!({"eligible": true}),
                json!({"eligible": "yes", "reason": "eligible"}),
            ],
        );
    }
}
