//! `officeHours:*` (public, CONTRACT §12).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::Call;

/// `{isOpen, offlineMessage?, expectedReplyTimeMinutes}`; `offlineMessage` may be absent or
/// `null` when not set.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OpenNow {
    pub(crate) is_open: bool,
    #[serde(default)]
    pub(crate) offline_message: Option<String>,
    pub(crate) expected_reply_time_minutes: Option<f64>,
}

/// `officeHours:isCurrentlyOpen`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IsCurrentlyOpen<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) now_ms: Option<f64>,
}

impl Call for IsCurrentlyOpen<'_> {
    const FUNCTION: Function = fns::OFFICE_HOURS_OPEN;
    type Output = OpenNow;
}

/// `officeHours:getExpectedReplyTime`: a human text, or `null`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetExpectedReplyTime<'a> {
    pub(crate) workspace_id: &'a str,
}

impl Call for GetExpectedReplyTime<'_> {
    const FUNCTION: Function = fns::EXPECTED_REPLY_TIME;
    type Output = Option<String>;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{assert_args, assert_decode_error, decoded};

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &IsCurrentlyOpen {
                workspace_id: "ws1",
                now_ms: Some(5.0),
            },
            json!({"workspaceId": "ws1", "nowMs": 5.0}),
        );
        assert_args(
            &IsCurrentlyOpen {
                workspace_id: "ws1",
                now_ms: None,
            },
            json!({"workspaceId": "ws1"}),
        );
        assert_args(
            &GetExpectedReplyTime {
                workspace_id: "ws1",
            },
            json!({"workspaceId": "ws1"}),
        );
    }

    #[test]
    fn office_hours_decode_or_fail_naming_the_function() {
        let open =
            decoded::<IsCurrentlyOpen>(json!({"isOpen": false, "expectedReplyTimeMinutes": null}));
        assert!(!open.is_open && open.offline_message.is_none());
        assert_decode_error::<IsCurrentlyOpen>(
            json!({"offlineMessage": null, "expectedReplyTimeMinutes": null}),
        );
        assert_decode_error::<IsCurrentlyOpen>(
            json!({"isOpen": "yes", "expectedReplyTimeMinutes": 5}),
        );
        assert_eq!(
            decoded::<GetExpectedReplyTime>(json!("2 hours")).as_deref(),
            Some("2 hours")
        );
        assert!(decoded::<GetExpectedReplyTime>(json!(null)).is_none());
        assert_decode_error::<GetExpectedReplyTime>(json!(120));
    }
}
