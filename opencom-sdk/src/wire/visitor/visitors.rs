//! `visitors:*` as a visitor calls them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::visitor::widget_sessions::{Device, UserFields};
use crate::wire::{Call, Ignored, VisitorAuth};

/// `visitors:heartbeat`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Heartbeat<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) origin: Option<&'a str>,
}

impl Call for Heartbeat<'_> {
    const FUNCTION: Function = fns::HEARTBEAT;
    type Output = Ignored;
}

/// `visitors:identify`: the profile fields, `device` and `origin` (no client metadata).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Identify<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    #[serde(flatten)]
    pub(crate) user: UserFields<'a>,
    pub(crate) device: Option<Device<'a>>,
    pub(crate) origin: Option<&'a str>,
}

impl Call for Identify<'_> {
    const FUNCTION: Function = fns::IDENTIFY;
    /// `Doc<visitors>` (after an email merge, the canonical visitor with another `_id`); the
    /// `null` the contract allows is a decode error (there is no visitor to adopt).
    type Output = VisitorDoc;
}

/// A `visitors` document, the fields the SDK reads.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VisitorDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) readable_id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) external_user_id: Option<String>,
    /// Absent until an identify carried a user hash: absent means not verified.
    #[serde(default)]
    pub(crate) identity_verified: bool,
    /// A record when present (a non-object is a decode error).
    pub(crate) custom_attributes: Option<serde_json::Map<String, Value>>,
}

/// `visitors:getBySession`: `Doc<visitors> | null`, kept whole (the data export writes it as is).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetBySession<'a> {
    pub(crate) session_id: &'a str,
}

impl Call for GetBySession<'_> {
    const FUNCTION: Function = fns::VISITOR_BY_SESSION;
    type Output = Value;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::{assert_decode_errors, visitor_auth as auth};
    use serde_json::json;

    #[test]
    fn identify_serializes_to_the_contract_fields() {
        let hash = Secret::new("ab".repeat(32));
        let attrs = json!({"company": "Acme"});
        let full = Identify {
            auth: auth(),
            user: UserFields {
                email: Some("a@b.c"),
                name: Some("A"),
                external_user_id: Some("u1"),
                user_hash: Some(&hash),
                custom_attributes: Some(&attrs),
            },
            device: Some(Device {
                browser: None,
                os: Some("android"),
                device_type: None,
                platform: Some("android"),
            }),
            origin: Some("https://app"),
        };
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "email": "a@b.c", "name": "A",
                "externalUserId": "u1", "userHash": "ab".repeat(32),
                "customAttributes": {"company": "Acme"},
                "device": {"os": "android", "platform": "android"}, "origin": "https://app"})
        );
        let minimal = Identify {
            auth: auth(),
            user: UserFields::default(),
            device: None,
            origin: None,
        };
        assert_eq!(
            serde_json::to_value(&minimal).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x"})
        );
        assert_eq!(
            serde_json::to_value(GetBySession {
                session_id: "ses_1"
            })
            .unwrap(),
            json!({"sessionId": "ses_1"})
        );
    }

    #[test]
    fn a_malformed_visitor_is_a_decode_error_naming_the_function() {
        let doc: VisitorDoc = decode(fns::IDENTIFY, json!({"_id": "v1"})).unwrap();
        assert!(!doc.identity_verified);
        assert_decode_errors::<VisitorDoc>(
            fns::IDENTIFY,
            vec![
                json!(null),
                json!({"email": "a@b.c"}),
                json!({"_id": "v1", "identityVerified": "yes"}),
                json!({"_id": "v1", "customAttributes": ["plan"]}),
            ],
        );
    }
}
