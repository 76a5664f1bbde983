//! `widgetSessions:*`: the visitor session's boot, refresh, revoke and validation (CONTRACT §2),
//! and the profile and client fields `boot` shares with `visitors:identify`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::config::Config;
use crate::secret::Secret;
use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored};

/// The identified user's profile fields, as `boot` and `identify` take them. Flatten it into an
/// argument struct; an unset field is absent on the wire.
#[skip_serializing_none]
#[derive(Serialize, Default, Clone, Copy)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserFields<'a> {
    pub(crate) email: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
    pub(crate) external_user_id: Option<&'a str>,
    pub(crate) user_hash: Option<&'a Secret>,
    /// Only a non-empty object (the validator takes a record).
    pub(crate) custom_attributes: Option<&'a Value>,
}

/// The `device` object: only the four fields its validator knows (no `appVersion`).
#[skip_serializing_none]
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Device<'a> {
    pub(crate) browser: Option<&'a str>,
    pub(crate) os: Option<&'a str>,
    pub(crate) device_type: Option<&'a str>,
    pub(crate) platform: Option<&'a str>,
}

impl<'a> Device<'a> {
    /// The configured device, or `None` when nothing is set (no empty `device: {}`).
    pub(crate) fn from_config(cfg: &'a Config) -> Option<Self> {
        let d = cfg.device.as_ref()?;
        let device = Self {
            browser: d.browser.as_deref(),
            os: d.os.as_deref(),
            device_type: d.device_type.as_deref(),
            platform: d.platform.as_deref(),
        };
        let empty = Self {
            browser: None,
            os: None,
            device_type: None,
            platform: None,
        };
        (device != empty).then_some(device)
    }
}

/// `device`, `origin` and the client metadata configured on the builder, as `boot` takes them.
#[skip_serializing_none]
#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClientFields<'a> {
    pub(crate) device: Option<Device<'a>>,
    pub(crate) origin: Option<&'a str>,
    pub(crate) client_type: Option<&'a str>,
    pub(crate) client_version: Option<&'a str>,
    pub(crate) client_identifier: Option<&'a str>,
}

impl<'a> ClientFields<'a> {
    pub(crate) fn from_config(cfg: &'a Config) -> Self {
        Self {
            device: Device::from_config(cfg),
            origin: cfg.origin.as_deref(),
            client_type: cfg.client.client_type.as_deref(),
            client_version: cfg.client.client_version.as_deref(),
            client_identifier: cfg.client.client_identifier.as_deref(),
        }
    }
}

/// `widgetSessions:boot`: keeps the visitor (`existingVisitorId`) and the identified user.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Boot<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) session_id: &'a str,
    pub(crate) existing_visitor_id: Option<&'a str>,
    #[serde(flatten)]
    pub(crate) user: UserFields<'a>,
    #[serde(flatten)]
    pub(crate) client: ClientFields<'a>,
}

/// `boot`'s answer: `{visitor: Doc<visitors>, sessionToken, expiresAt}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Booted {
    pub(crate) visitor: BootedVisitor,
    pub(crate) session_token: Secret,
    pub(crate) expires_at: f64,
}

/// The part of the booted visitor the session keeps.
#[derive(Deserialize)]
pub(crate) struct BootedVisitor {
    #[serde(rename = "_id")]
    pub(crate) id: String,
}

impl Call for Boot<'_> {
    const FUNCTION: Function = fns::BOOT;
    type Output = Booted;
}

/// `widgetSessions:refresh`: only `sessionToken` (an extra `workspaceId` is rejected).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Refresh {
    pub(crate) session_token: Secret,
}

/// `refresh`'s answer: the rotated token (the old one is deleted at once).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Refreshed {
    pub(crate) session_token: Secret,
    pub(crate) expires_at: f64,
}

impl Call for Refresh {
    const FUNCTION: Function = fns::REFRESH;
    type Output = Refreshed;
}

/// `widgetSessions:revoke` (`{success: true}`, also for unknown tokens).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Revoke {
    pub(crate) session_token: Secret,
}

impl Call for Revoke {
    const FUNCTION: Function = fns::REVOKE;
    type Output = Ignored;
}

/// `widgetSessions:validateSessionToken` (never throws).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ValidateSessionToken<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) session_token: Secret,
    pub(crate) visitor_id: Option<String>,
}

/// `{valid: true, visitorId, identityVerified}` or `{valid: false, reason}`: only `valid` is used.
#[derive(Deserialize)]
pub(crate) struct Validity {
    pub(crate) valid: bool,
}

impl Call for ValidateSessionToken<'_> {
    const FUNCTION: Function = fns::VALIDATE_SESSION;
    type Output = Validity;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::assert_decode_errors;
    use serde_json::json;

    #[test]
    fn boot_serializes_to_the_contract_fields() {
        let hash = Secret::new("ab".repeat(32));
        let attrs = json!({"plan": "pro"});
        let full = Boot {
            workspace_id: "ws1",
            session_id: "ses_1",
            existing_visitor_id: Some("v1"),
            user: UserFields {
                email: Some("a@b.c"),
                name: Some("A"),
                external_user_id: Some("u1"),
                user_hash: Some(&hash),
                custom_attributes: Some(&attrs),
            },
            client: ClientFields {
                device: Some(Device {
                    browser: Some("b"),
                    os: Some("ios"),
                    device_type: Some("phone"),
                    platform: Some("ios"),
                }),
                origin: Some("https://app"),
                client_type: Some("mobile_sdk"),
                client_version: Some("1.0"),
                client_identifier: Some("opencom-rust-sdk"),
            },
        };
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            json!({
                "workspaceId": "ws1", "sessionId": "ses_1", "existingVisitorId": "v1",
                "email": "a@b.c", "name": "A", "externalUserId": "u1", "userHash": "ab".repeat(32),
                "customAttributes": {"plan": "pro"},
                "device": {"browser": "b", "os": "ios", "deviceType": "phone", "platform": "ios"},
                "origin": "https://app", "clientType": "mobile_sdk", "clientVersion": "1.0",
                "clientIdentifier": "opencom-rust-sdk",
            })
        );
        let minimal = Boot {
            workspace_id: "ws1",
            session_id: "ses_1",
            existing_visitor_id: None,
            user: UserFields::default(),
            client: ClientFields {
                device: None,
                origin: None,
                client_type: None,
                client_version: None,
                client_identifier: None,
            },
        };
        assert_eq!(
            serde_json::to_value(&minimal).unwrap(),
            json!({"workspaceId": "ws1", "sessionId": "ses_1"})
        );
    }

    #[test]
    fn the_token_calls_serialize_to_the_contract_fields() {
        let token = Secret::new("wst_x");
        assert_eq!(
            serde_json::to_value(Refresh {
                session_token: token.clone()
            })
            .unwrap(),
            json!({"sessionToken": "wst_x"})
        );
        assert_eq!(
            serde_json::to_value(Revoke {
                session_token: token.clone()
            })
            .unwrap(),
            json!({"sessionToken": "wst_x"})
        );
        let validate = |visitor_id: Option<String>| {
            serde_json::to_value(ValidateSessionToken {
                workspace_id: "ws1",
                session_token: token.clone(),
                visitor_id,
            })
            .unwrap()
        };
        assert_eq!(
            validate(Some("v1".into())),
            json!({"workspaceId": "ws1", "sessionToken": "wst_x", "visitorId": "v1"})
        );
        assert_eq!(
            validate(None),
            json!({"workspaceId": "ws1", "sessionToken": "wst_x"})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors_naming_the_function() {
        let ok: Booted = decode(
            fns::BOOT,
            json!({"visitor": {"_id": "v1", "readableId": "r"}, "sessionToken": "wst_x",
                "expiresAt": 1.0}),
        )
        .unwrap();
        assert_eq!(ok.visitor.id, "v1");
        assert_decode_errors::<Booted>(
            fns::BOOT,
            vec![
                json!({"visitor": {}, "sessionToken": "wst_x", "expiresAt": 1.0}),
                json!({"visitor": {"_id": "v1"}, "expiresAt": 1.0}),
                json!({"visitor": {"_id": "v1"}, "sessionToken": "wst_x", "expiresAt": "soon"}),
            ],
        );
        assert_decode_errors::<Refreshed>(
            fns::REFRESH,
            vec![json!({"sessionToken": "wst_x"}), json!({"expiresAt": 1.0})],
        );
        assert_decode_errors::<Validity>(fns::VALIDATE_SESSION, vec![json!({"reason": "x"})]);
    }
}
