//! `carousels:*` as a visitor calls them (CONTRACT §13).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, VisitorAuth, WorkspaceAuth};

/// `carousels:listActive`: active, deliverable carousels the visitor has not completed or
/// dismissed, priority first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListActive<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for ListActive<'_> {
    const FUNCTION: Function = fns::ACTIVE_CAROUSELS;
    type Output = Vec<CarouselDoc>;
}

/// `carousels:recordImpression` (no `workspaceId`: the carousel names it).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecordImpression<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) carousel_id: &'a str,
    /// `"shown" | "completed" | "dismissed"`.
    pub(crate) action: &'static str,
    pub(crate) screen_index: Option<u32>,
}

impl Call for RecordImpression<'_> {
    const FUNCTION: Function = fns::CAROUSEL_IMPRESSION;
    type Output = Ignored;
}

/// A `carousels` document with its screens normalized by the server.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CarouselDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) priority: Option<f64>,
    pub(crate) screens: Vec<ScreenDoc>,
}

/// One screen.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScreenDoc {
    pub(crate) id: String,
    pub(crate) title: Option<String>,
    pub(crate) body: Option<String>,
    pub(crate) image_url: Option<String>,
    pub(crate) buttons: Option<Vec<ButtonDoc>>,
}

/// One button: `{text, action: "url"|"dismiss"|"next"|"deeplink", url?, deepLink?}`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ButtonDoc {
    pub(crate) text: String,
    pub(crate) action: String,
    pub(crate) url: Option<String>,
    pub(crate) deep_link: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use serde_json::json;

    #[test]
    fn arguments_use_the_contract_field_names() {
        let auth = VisitorAuth {
            visitor_id: "v1".into(),
            session_token: Secret::new("wst_x"),
        };
        let shown = RecordImpression {
            auth: auth.clone(),
            carousel_id: "c1",
            action: "shown",
            screen_index: Some(2),
        };
        assert_eq!(
            serde_json::to_value(&shown).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "carouselId": "c1",
                   "action": "shown", "screenIndex": 2})
        );
        let done = RecordImpression {
            auth,
            carousel_id: "c1",
            action: "completed",
            screen_index: None,
        };
        assert_eq!(
            serde_json::to_value(&done).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "carouselId": "c1",
                   "action": "completed"})
        );
    }

    #[test]
    fn a_button_without_text_is_a_decode_error() {
        let err = crate::wire::decode::<Vec<CarouselDoc>>(
            fns::ACTIVE_CAROUSELS,
            json!([{"_id": "c1", "name": "C", "screens": [{"id": "s", "buttons": [{"action": "next"}]}]}]),
        )
        .unwrap_err();
        assert!(matches!(err, crate::Error::Decode { .. }), "{err:?}");
        assert!(err.to_string().contains("text"), "{err}");
    }
}
