//! `commonIssueButtons:*` (public, CONTRACT §12).

use serde::{Deserialize, Serialize};

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::Call;

/// An enabled button. Fields the SDK does not use are ignored.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ButtonDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) action: String,
    pub(crate) article_id: Option<String>,
    pub(crate) conversation_starter: Option<String>,
}

/// `commonIssueButtons:list`: the enabled buttons.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct List<'a> {
    pub(crate) workspace_id: &'a str,
}

impl Call for List<'_> {
    const FUNCTION: Function = fns::COMMON_ISSUE_BUTTONS;
    type Output = Vec<ButtonDoc>;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{assert_args, assert_decode_error, decoded};

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &List {
                workspace_id: "ws1",
            },
            json!({"workspaceId": "ws1"}),
        );
    }

    #[test]
    fn buttons_decode_or_fail_naming_the_function() {
        let button = json!({"_id": "b1", "workspaceId": "ws1", "label": "Billing",
                            "action": "article", "articleId": "a1", "order": 1,
                            "enabled": true, "article": null});
        assert_eq!(
            decoded::<List>(json!([button.clone()]))[0]
                .article_id
                .as_deref(),
            Some("a1")
        );
        for field in ["_id", "label", "action"] {
            let mut missing = button.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<List>(json!([missing]));
        }
        assert_decode_error::<List>(json!({}));
    }
}
