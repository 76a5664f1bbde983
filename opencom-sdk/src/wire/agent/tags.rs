//! `tags:*` (CONTRACT §15.3).

use serde::Serialize;
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;
use crate::wire::Ignored;

id_call! {
    /// `tags:list`.
    ListTags { workspace_id } => fns::LIST_TAGS, Vec<Value>
}

id_call! {
    /// `tags:get` (a doc or `null`).
    GetTag { id } => fns::GET_TAG, Option<Value>
}

id_call! {
    /// `tags:remove`.
    RemoveTag { id } => fns::REMOVE_TAG, Ignored
}

id_call! {
    /// `tags:getConversationTags`.
    ConversationTags { conversation_id } => fns::CONVERSATION_TAGS, Vec<Value>
}

/// `tags:create`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateTag<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) color: Option<&'a str>,
}

// The tag id.
call!(CreateTag => fns::CREATE_TAG, String);

/// `tags:update`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateTag<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) color: Option<&'a str>,
}

call!(UpdateTag => fns::UPDATE_TAG, Ignored);

/// `tags:addToConversation`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TagConversation<'a> {
    pub(crate) conversation_id: &'a str,
    pub(crate) tag_id: &'a str,
    /// `"manual"` or `"auto"`.
    pub(crate) applied_by: Option<&'static str>,
    pub(crate) applied_by_user_id: Option<&'a str>,
}

call!(TagConversation => fns::TAG_CONVERSATION, Ignored);

/// `tags:removeFromConversation`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UntagConversation<'a> {
    pub(crate) conversation_id: &'a str,
    pub(crate) tag_id: &'a str,
}

call!(UntagConversation => fns::UNTAG_CONVERSATION, Ignored);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn tag_arguments_are_the_contracts() {
        assert_eq!(
            wire(&CreateTag {
                workspace_id: "w1",
                name: "VIP",
                color: Some("#f00")
            }),
            json!({"workspaceId": "w1", "name": "VIP", "color": "#f00"})
        );
        assert_eq!(
            wire(&CreateTag {
                workspace_id: "w1",
                name: "VIP",
                color: None
            }),
            json!({"workspaceId": "w1", "name": "VIP"})
        );
        assert_eq!(
            wire(&UpdateTag {
                id: "t1",
                name: Some("Bug"),
                color: Some("#0f0")
            }),
            json!({"id": "t1", "name": "Bug", "color": "#0f0"})
        );
        assert_eq!(
            wire(&UpdateTag {
                id: "t1",
                name: None,
                color: None
            }),
            json!({"id": "t1"})
        );
        assert_eq!(
            wire(&TagConversation {
                conversation_id: "c1",
                tag_id: "t1",
                applied_by: Some("manual"),
                applied_by_user_id: Some("u1"),
            }),
            json!({"conversationId": "c1", "tagId": "t1", "appliedBy": "manual",
                   "appliedByUserId": "u1"})
        );
        assert_eq!(
            wire(&TagConversation {
                conversation_id: "c1",
                tag_id: "t1",
                applied_by: None,
                applied_by_user_id: None,
            }),
            json!({"conversationId": "c1", "tagId": "t1"})
        );
        assert_eq!(
            wire(&UntagConversation {
                conversation_id: "c1",
                tag_id: "t1"
            }),
            json!({"conversationId": "c1", "tagId": "t1"})
        );
        assert_eq!(
            wire(&ListTags { workspace_id: "w1" }),
            json!({"workspaceId": "w1"})
        );
        assert_eq!(wire(&GetTag { id: "t1" }), json!({"id": "t1"}));
        assert_eq!(wire(&RemoveTag { id: "t1" }), json!({"id": "t1"}));
        assert_eq!(
            wire(&ConversationTags {
                conversation_id: "c1"
            }),
            json!({"conversationId": "c1"})
        );
    }

    #[test]
    fn malformed_tag_answers_are_decode_errors() {
        assert_decode_error::<CreateTag>(json!({"id": "t1"}));
        assert_decode_error::<ListTags>(json!(null));
    }
}
