//! `aiAgent:*` as the messenger reads them (CONTRACT §9).

use serde::Serialize;
use serde_json::Value;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::Call;

/// `aiAgent:getPublicSettings` (public). The messenger hands the document to the caller as
/// JSON, so its output is the document itself.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetPublicSettings<'a> {
    pub(crate) workspace_id: &'a str,
}

impl Call for GetPublicSettings<'_> {
    const FUNCTION: Function = fns::AI_PUBLIC_SETTINGS;
    type Output = Value;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::assert_args;

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &GetPublicSettings {
                workspace_id: "ws1",
            },
            json!({"workspaceId": "ws1"}),
        );
    }
}
