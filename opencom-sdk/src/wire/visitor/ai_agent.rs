//! `aiAgent:getPublicSettings` and `aiAgentActions:generateResponse`: client-triggered AI replies.

use serde::{Deserialize, Serialize};

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, WorkspaceAuth};

/// `aiAgent:getPublicSettings` (no session).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetPublicSettings<'a> {
    pub(crate) workspace_id: &'a str,
}

/// The public AI settings; the SDK reads `enabled`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PublicSettings {
    pub(crate) enabled: bool,
}

impl Call for GetPublicSettings<'_> {
    const FUNCTION: Function = fns::AI_PUBLIC_SETTINGS;
    type Output = PublicSettings;
}

/// `aiAgentActions:generateResponse`: the server inserts the bot message itself, so the answer
/// is not used.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GenerateResponse<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) conversation_id: &'a str,
    pub(crate) query: &'a str,
}

impl Call for GenerateResponse<'_> {
    const FUNCTION: Function = fns::AI_GENERATE_RESPONSE;
    type Output = Ignored;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::{assert_decode_errors, workspace_auth};
    use serde_json::json;

    #[test]
    fn arguments_serialize_to_the_contract_fields() {
        assert_eq!(
            serde_json::to_value(GetPublicSettings {
                workspace_id: "ws1"
            })
            .unwrap(),
            json!({"workspaceId": "ws1"})
        );
        let generate = GenerateResponse {
            auth: workspace_auth(),
            conversation_id: "c1",
            query: "help",
        };
        assert_eq!(
            serde_json::to_value(generate).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                "conversationId": "c1", "query": "help"})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors_naming_the_function() {
        let settings: PublicSettings = decode(
            fns::AI_PUBLIC_SETTINGS,
            json!({"enabled": false, "model": "m", "knowledgeSources": []}),
        )
        .unwrap();
        assert!(!settings.enabled);
        assert_decode_errors::<PublicSettings>(
            fns::AI_PUBLIC_SETTINGS,
            vec![json!({}), json!({"enabled": "yes"}), json!(null)],
        );
    }
}
