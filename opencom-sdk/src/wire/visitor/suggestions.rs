//! `suggestions:*` as a visitor calls them (CONTRACT §8).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, WorkspaceAuth};

/// One instant answer.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SuggestionDoc {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) snippet: String,
    pub(crate) score: f64,
}

/// `suggestions:searchForWidget` (an action; `visitorId` and `sessionToken` are required).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchForWidget<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) origin: Option<&'a str>,
    pub(crate) query: &'a str,
    pub(crate) limit: Option<u8>,
}

impl Call for SearchForWidget<'_> {
    const FUNCTION: Function = fns::SUGGESTIONS;
    type Output = Vec<SuggestionDoc>;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{
        assert_args, assert_decode_error, decoded, workspace_auth,
    };

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &SearchForWidget {
                auth: workspace_auth(),
                origin: Some("https://app.example"),
                query: "refund",
                limit: Some(3),
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "origin": "https://app.example", "query": "refund", "limit": 3}),
        );
        assert_args(
            &SearchForWidget {
                auth: workspace_auth(),
                origin: None,
                query: "refund",
                limit: None,
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "query": "refund"}),
        );
    }

    #[test]
    fn suggestions_decode_or_fail_naming_the_function() {
        let good = json!({"id": "a1", "title": "T", "snippet": "s", "score": 0.5});
        assert_eq!(
            decoded::<SearchForWidget>(json!([good.clone()]))[0].score,
            0.5
        );
        for field in ["id", "title", "snippet", "score"] {
            let mut missing = good.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<SearchForWidget>(json!([missing]));
        }
        assert_decode_error::<SearchForWidget>(
            json!([{"id": 1, "title": "T", "snippet": "s", "score": 1}]),
        );
    }
}
