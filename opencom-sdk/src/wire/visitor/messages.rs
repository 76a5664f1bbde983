//! `messages:*` as a visitor calls them, and the message document they return.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, VisitorAuth};

/// `messages:list`: all messages of a conversation, oldest first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct List<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) conversation_id: &'a str,
}

impl Call for List<'_> {
    const FUNCTION: Function = fns::LIST_MESSAGES;
    type Output = Vec<MessageDoc>;
}

/// `messages:send`: returns the new message's id.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SendMessage<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) conversation_id: &'a str,
    pub(crate) sender_id: String,
    pub(crate) sender_type: &'static str,
    pub(crate) content: &'a str,
    /// Absent (not `[]`) when there are none.
    pub(crate) attachment_ids: Option<&'a [String]>,
}

impl Call for SendMessage<'_> {
    const FUNCTION: Function = fns::SEND_MESSAGE;
    type Output = String;
}

/// A `messages` document as `messages:list` returns it (and, without `attachments`, as a
/// conversation's `lastMessage`).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) conversation_id: String,
    pub(crate) sender_id: String,
    pub(crate) sender_type: String,
    /// Agent and user messages only.
    pub(crate) sender_name: Option<String>,
    pub(crate) content: String,
    pub(crate) created_at: f64,
    /// Absent on a plain document (a conversation's `lastMessage`): no attachments shown.
    #[serde(default)]
    pub(crate) attachments: Vec<AttachmentDoc>,
}

/// An attachment's metadata: `{_id, fileName, mimeType, size, url?}`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AttachmentDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) file_name: String,
    pub(crate) mime_type: String,
    pub(crate) size: f64,
    pub(crate) url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode;
    use crate::wire::visitor::test_support::{assert_decode_errors, visitor_auth as auth};
    use serde_json::json;

    #[test]
    fn arguments_serialize_to_the_contract_fields() {
        assert_eq!(
            serde_json::to_value(List {
                auth: auth(),
                conversation_id: "c1"
            })
            .unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "conversationId": "c1"})
        );
        let ids = vec!["a1".to_owned()];
        let send = |attachment_ids| SendMessage {
            auth: auth(),
            conversation_id: "c1",
            sender_id: "v1".into(),
            sender_type: "visitor",
            content: "hi",
            attachment_ids,
        };
        assert_eq!(
            serde_json::to_value(send(Some(&ids))).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "conversationId": "c1",
                "senderId": "v1", "senderType": "visitor", "content": "hi",
                "attachmentIds": ["a1"]})
        );
        assert_eq!(
            serde_json::to_value(send(None)).unwrap(),
            json!({"visitorId": "v1", "sessionToken": "wst_x", "conversationId": "c1",
                "senderId": "v1", "senderType": "visitor", "content": "hi"})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors_naming_the_function() {
        let good = json!({"_id": "m1", "conversationId": "c1", "senderId": "system",
            "senderType": "bot", "content": "", "createdAt": 1.0, "_creationTime": 1.0,
            "attachments": [{"_id": "a1", "fileName": "a.png", "mimeType": "image/png",
                "size": 3}]});
        let list: Vec<MessageDoc> = decode(fns::LIST_MESSAGES, json!([good])).unwrap();
        assert_eq!(list[0].attachments[0].size, 3.0);
        let mut no_sender = good.clone();
        no_sender.as_object_mut().unwrap().remove("senderId");
        let mut bad_size = good.clone();
        bad_size["attachments"][0]["size"] = json!("3");
        assert_decode_errors::<Vec<MessageDoc>>(
            fns::LIST_MESSAGES,
            vec![json!({}), json!([no_sender]), json!([bad_size])],
        );
        assert_decode_errors::<String>(fns::SEND_MESSAGE, vec![json!(null), json!(1)]);
    }
}
