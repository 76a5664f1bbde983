//! `events:*` as a visitor calls them.

use serde::Serialize;
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, WorkspaceAuth};

/// `events:track`: a named event; returns the event's id.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Track<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) session_id: String,
    pub(crate) name: &'a str,
    pub(crate) properties: Option<&'a Value>,
}

impl Call for Track<'_> {
    const FUNCTION: Function = fns::TRACK;
    type Output = String;
}

/// `events:trackAutoEvent`: `Id<events> | null` (null: no visitor, or rate limited).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TrackAuto<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) session_id: String,
    pub(crate) event_type: &'a str,
    pub(crate) properties: Option<&'a Value>,
}

impl Call for TrackAuto<'_> {
    const FUNCTION: Function = fns::TRACK_AUTO;
    type Output = Option<String>;
}

/// `events:list`: the visitor's event documents, newest first (kept whole for the export).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct List<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) limit: Option<u32>,
}

impl Call for List<'_> {
    const FUNCTION: Function = fns::LIST_EVENTS;
    type Output = Vec<Value>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::{assert_decode_errors, workspace_auth as auth};
    use serde_json::json;

    #[test]
    fn arguments_serialize_to_the_contract_fields() {
        let props = json!({"amount": 1});
        let base = json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
            "sessionId": "ses_1"});
        let with = |extra: Value| {
            let mut v = base.clone();
            v.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            v
        };
        let track = |properties| Track {
            auth: auth(),
            session_id: "ses_1".into(),
            name: "purchase",
            properties,
        };
        assert_eq!(
            serde_json::to_value(track(Some(&props))).unwrap(),
            with(json!({"name": "purchase", "properties": {"amount": 1}}))
        );
        assert_eq!(
            serde_json::to_value(track(None)).unwrap(),
            with(json!({"name": "purchase"}))
        );
        let auto = |properties| TrackAuto {
            auth: auth(),
            session_id: "ses_1".into(),
            event_type: "screen_view",
            properties,
        };
        assert_eq!(
            serde_json::to_value(auto(Some(&props))).unwrap(),
            with(json!({"eventType": "screen_view", "properties": {"amount": 1}}))
        );
        assert_eq!(
            serde_json::to_value(auto(None)).unwrap(),
            with(json!({"eventType": "screen_view"}))
        );
        assert_eq!(
            serde_json::to_value(List {
                auth: auth(),
                limit: Some(10)
            })
            .unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x", "limit": 10})
        );
        assert_eq!(
            serde_json::to_value(List {
                auth: auth(),
                limit: None
            })
            .unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x"})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors_naming_the_function() {
        assert_eq!(
            decode::<Option<String>>(fns::TRACK_AUTO, json!(null)).unwrap(),
            None
        );
        assert_decode_errors::<String>(fns::TRACK, vec![json!(null), json!({})]);
        assert_decode_errors::<Option<String>>(fns::TRACK_AUTO, vec![json!(7), json!([])]);
        assert_decode_errors::<Vec<Value>>(fns::LIST_EVENTS, vec![json!({}), json!(null)]);
    }
}
