//! `automationSettings:*` as a visitor reads them (the public `getOrCreate`, CONTRACT §12).

use serde::{Deserialize, Serialize};

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::Call;

/// The four switches (the stored document or the defaults; always present).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Switches {
    pub(crate) suggest_articles_enabled: bool,
    pub(crate) show_reply_time_enabled: bool,
    pub(crate) collect_email_enabled: bool,
    pub(crate) ask_for_rating_enabled: bool,
}

/// `automationSettings:getOrCreate` (never the agent-only `automationSettings:get`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetOrCreate<'a> {
    pub(crate) workspace_id: &'a str,
}

impl Call for GetOrCreate<'_> {
    const FUNCTION: Function = fns::AUTOMATION_SETTINGS;
    type Output = Switches;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{assert_args, assert_decode_error, decoded};

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &GetOrCreate {
                workspace_id: "ws1",
            },
            json!({"workspaceId": "ws1"}),
        );
    }

    #[test]
    fn switches_decode_or_fail_naming_the_function() {
        let doc = json!({"workspaceId": "ws1", "suggestArticlesEnabled": true,
                         "showReplyTimeEnabled": false, "collectEmailEnabled": true,
                         "askForRatingEnabled": false, "createdAt": 1, "updatedAt": 1});
        assert!(decoded::<GetOrCreate>(doc.clone()).suggest_articles_enabled);
        for field in [
            "suggestArticlesEnabled",
            "showReplyTimeEnabled",
            "collectEmailEnabled",
            "askForRatingEnabled",
        ] {
            let mut missing = doc.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<GetOrCreate>(missing);
        }
        assert_decode_error::<GetOrCreate>(json!(null));
    }
}
