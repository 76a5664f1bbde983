//! `outboundMessages:*` as a visitor calls them (CONTRACT §13).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, VisitorAuth, WorkspaceAuth};

/// `outboundMessages:getEligible`: `currentUrl` is required; `sessionId` makes
/// `once_per_session` frequency work.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetEligible<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) current_url: &'a str,
    pub(crate) session_id: Option<String>,
}

impl Call for GetEligible<'_> {
    const FUNCTION: Function = fns::ELIGIBLE_OUTBOUND;
    type Output = Vec<MessageDoc>;
}

/// `outboundMessages:trackImpression` (no `workspaceId`): the impression id, or `null` when the
/// message was deleted.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TrackImpression<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) message_id: &'a str,
    pub(crate) session_id: Option<String>,
    /// `"shown" | "clicked" | "dismissed"`.
    pub(crate) action: &'static str,
    pub(crate) button_index: Option<u32>,
}

impl Call for TrackImpression<'_> {
    const FUNCTION: Function = fns::OUTBOUND_IMPRESSION;
    type Output = Option<String>;
}

/// An `outboundMessages` document, as far as a visitor renders it.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) name: Option<String>,
    pub(crate) priority: Option<f64>,
    pub(crate) frequency: Option<String>,
    pub(crate) content: ContentDoc,
}

/// `content{text?, title?, body?, imageUrl?, videoUrl?, buttons?, clickAction?}`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContentDoc {
    pub(crate) text: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) body: Option<String>,
    pub(crate) image_url: Option<String>,
    pub(crate) video_url: Option<String>,
    pub(crate) buttons: Option<Vec<ButtonDoc>>,
    pub(crate) click_action: Option<ActionDoc>,
}

/// A button: its text and its action (flattened: `action`, `url?`, `tourId?`, …).
#[derive(Deserialize, Debug)]
pub(crate) struct ButtonDoc {
    pub(crate) text: String,
    #[serde(flatten)]
    pub(crate) action: ActionDoc,
}

/// An action: `action` (a button's) or `type` (a `clickAction`'s) with its target.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ActionDoc {
    #[serde(alias = "type")]
    pub(crate) action: String,
    pub(crate) url: Option<String>,
    pub(crate) tour_id: Option<String>,
    pub(crate) article_id: Option<String>,
    #[serde(alias = "tab", alias = "widgetTab")]
    pub(crate) tab_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::visitor::test_support::visitor_auth;
    use serde_json::json;

    #[test]
    fn arguments_use_the_contract_field_names() {
        let args = GetEligible {
            auth: WorkspaceAuth {
                workspace_id: "ws1",
                visitor: visitor_auth(),
            },
            current_url: "https://app.example/home",
            session_id: Some("ses_1".into()),
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "currentUrl": "https://app.example/home", "sessionId": "ses_1"})
        );
        let args = TrackImpression {
            auth: visitor_auth(),
            message_id: "m1",
            session_id: None,
            action: "clicked",
            button_index: Some(1),
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "messageId": "m1",
                   "action": "clicked", "buttonIndex": 1})
        );
    }

    #[test]
    fn a_message_without_content_is_a_decode_error() {
        let err = crate::wire::decode::<Vec<MessageDoc>>(
            fns::ELIGIBLE_OUTBOUND,
            json!([{"_id": "m1", "type": "post"}]),
        )
        .unwrap_err();
        assert!(matches!(err, crate::Error::Decode { .. }), "{err:?}");
        assert!(err.to_string().contains("content"), "{err}");
    }
}
