//! `conversations:*` as a visitor calls them, and the conversation document they return.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::visitor::messages::MessageDoc;
use crate::wire::{Call, Ignored, VisitorAuth, WorkspaceAuth};

/// `conversations:listByVisitor`: conversation docs, each with `lastMessage`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListByVisitor<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for ListByVisitor<'_> {
    const FUNCTION: Function = fns::LIST_CONVERSATIONS;
    type Output = Vec<ConversationDoc>;
}

/// `conversations:getOrCreateForVisitor`: the first open conversation, else a new one.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetOrCreate<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for GetOrCreate<'_> {
    const FUNCTION: Function = fns::GET_OR_CREATE_CONVERSATION;
    type Output = ConversationDoc;
}

/// `conversations:createForVisitor`: a new conversation (with the workspace's greeting).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Create<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for Create<'_> {
    const FUNCTION: Function = fns::CREATE_CONVERSATION;
    type Output = ConversationDoc;
}

/// `conversations:getTotalUnreadForVisitor`: a number.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TotalUnread<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for TotalUnread<'_> {
    const FUNCTION: Function = fns::TOTAL_UNREAD;
    type Output = f64;
}

/// `conversations:get` (visitor-weak: `visitorId`, no `sessionToken`): the doc or `null`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Get<'a> {
    pub(crate) id: &'a str,
    pub(crate) visitor_id: Option<String>,
}

impl Call for Get<'_> {
    const FUNCTION: Function = fns::GET_CONVERSATION;
    type Output = Option<ConversationDoc>;
}

/// `conversations:markAsRead` (returns `null`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MarkAsRead<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) id: &'a str,
    pub(crate) reader_type: &'static str,
}

impl Call for MarkAsRead<'_> {
    const FUNCTION: Function = fns::MARK_READ;
    type Output = Ignored;
}

/// A `conversations` document, the fields the SDK reads; `lastMessage` only in lists.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConversationDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) status: String,
    pub(crate) created_at: f64,
    pub(crate) updated_at: f64,
    pub(crate) last_message_at: Option<f64>,
    /// Optional in the schema: absent means nothing unread.
    pub(crate) unread_by_visitor: Option<f64>,
    pub(crate) subject: Option<String>,
    pub(crate) last_message: Option<MessageDoc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::{
        assert_decode_errors, visitor_auth as auth, workspace_auth as ws,
    };
    use serde_json::json;

    #[test]
    fn arguments_serialize_to_the_contract_fields() {
        let expected = json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x"});
        assert_eq!(
            serde_json::to_value(GetOrCreate { auth: ws() }).unwrap(),
            expected
        );
        assert_eq!(
            serde_json::to_value(Create { auth: ws() }).unwrap(),
            expected
        );
        assert_eq!(
            serde_json::to_value(ListByVisitor { auth: ws() }).unwrap(),
            expected
        );
        assert_eq!(
            serde_json::to_value(MarkAsRead {
                auth: auth(),
                id: "c1",
                reader_type: "visitor"
            })
            .unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "id": "c1",
                "readerType": "visitor"})
        );
        assert_eq!(
            serde_json::to_value(Get {
                id: "c1",
                visitor_id: None
            })
            .unwrap(),
            json!({"id": "c1"})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors_naming_the_function() {
        let good = json!({"_id": "c1", "status": "open", "createdAt": 1.0, "updatedAt": 2.0,
            "lastMessage": null, "aiWorkflowState": "none"});
        let list: Vec<ConversationDoc> =
            decode(fns::LIST_CONVERSATIONS, json!([good.clone()])).unwrap();
        assert!(list[0].last_message.is_none() && list[0].unread_by_visitor.is_none());
        assert!(
            decode::<Option<ConversationDoc>>(fns::GET_CONVERSATION, json!(null))
                .unwrap()
                .is_none()
        );
        let mut no_created = good.clone();
        no_created.as_object_mut().unwrap().remove("createdAt");
        let mut bad_status = good.clone();
        bad_status["status"] = json!(1);
        assert_decode_errors::<ConversationDoc>(
            fns::GET_OR_CREATE_CONVERSATION,
            vec![json!({}), no_created, bad_status],
        );
        assert_decode_errors::<Vec<ConversationDoc>>(fns::LIST_CONVERSATIONS, vec![json!({})]);
    }
}
