//! `visitorPushTokens:*`, the visitor's push tokens (CONTRACT §10).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, WorkspaceAuth};

/// `platform`: `"ios"|"android"`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Platform {
    Ios,
    Android,
}

/// `visitorPushTokens:register` (`visitorId` is required: it comes with the auth).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Register<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) token: &'a str,
    pub(crate) platform: Platform,
    pub(crate) device_id: Option<&'a str>,
}

/// What `register` did with the token.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RegisterStatus {
    Created,
    Updated,
    Reassigned,
}

/// `{tokenId, status}`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Registered {
    #[allow(dead_code)] // required by the contract: its absence is a decode error
    pub(crate) token_id: String,
    pub(crate) status: RegisterStatus,
}

impl Call for Register<'_> {
    const FUNCTION: Function = fns::PUSH_REGISTER;
    type Output = Registered;
}

/// `visitorPushTokens:unregister`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Unregister<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) token: &'a str,
}

/// Whether the server had the token.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UnregisterStatus {
    NotFound,
    Removed,
}

/// `{success: true, status, tokenId?}`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Unregistered {
    pub(crate) status: UnregisterStatus,
}

impl Call for Unregister<'_> {
    const FUNCTION: Function = fns::PUSH_UNREGISTER;
    type Output = Unregistered;
}

/// `visitorPushTokens:setNotificationsEnabled` (its result is not used).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SetNotificationsEnabled<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) token: &'a str,
    pub(crate) enabled: bool,
}

impl Call for SetNotificationsEnabled<'_> {
    const FUNCTION: Function = fns::PUSH_SET_ENABLED;
    type Output = Ignored;
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
        let token = "ExponentPushToken[x]";
        assert_args(
            &Register {
                auth: workspace_auth(),
                token,
                platform: Platform::Ios,
                device_id: Some("d1"),
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "token": token, "platform": "ios", "deviceId": "d1"}),
        );
        assert_args(
            &Register {
                auth: workspace_auth(),
                token,
                platform: Platform::Android,
                device_id: None,
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "token": token, "platform": "android"}),
        );
        assert_args(
            &Unregister {
                auth: workspace_auth(),
                token,
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "token": token}),
        );
        assert_args(
            &SetNotificationsEnabled {
                auth: workspace_auth(),
                token,
                enabled: false,
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "token": token, "enabled": false}),
        );
    }

    #[test]
    fn results_decode_or_fail_naming_the_function() {
        let reg = decoded::<Register>(json!({"tokenId": "t1", "status": "reassigned"}));
        assert_eq!(reg.status, RegisterStatus::Reassigned);
        assert_decode_error::<Register>(json!({"tokenId": "t1"}));
        assert_decode_error::<Register>(json!({"status": "created"}));
        assert_decode_error::<Register>(json!({"tokenId": "t1", "status": "moved"}));
        let un = decoded::<Unregister>(json!({"success": true, "status": "not_found"}));
        assert_eq!(un.status, UnregisterStatus::NotFound);
        assert_decode_error::<Unregister>(json!({"success": true}));
        assert_decode_error::<Unregister>(json!({"success": true, "status": 1}));
    }
}
