//! `messages:*` as an agent calls them (CONTRACT §15.3).

use serde::Serialize;
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;

/// `messages:send` as the signed-in user.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SendMessage<'a> {
    pub(crate) conversation_id: &'a str,
    pub(crate) sender_id: &'a str,
    pub(crate) sender_type: &'static str,
    pub(crate) content: &'a str,
    pub(crate) attachment_ids: Option<&'a [String]>,
}

// The message id.
call!(SendMessage => fns::SEND_MESSAGE, String);

id_call! {
    /// `messages:list`: every message (documents, read by the message model).
    ListMessages { conversation_id } => fns::LIST_MESSAGES, Value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn send_arguments_are_the_contracts() {
        let ids = vec!["a1".to_owned()];
        let full = SendMessage {
            conversation_id: "c1",
            sender_id: "u1",
            sender_type: "agent",
            content: "hi",
            attachment_ids: Some(&ids),
        };
        assert_eq!(
            wire(&full),
            json!({"conversationId": "c1", "senderId": "u1", "senderType": "agent",
                   "content": "hi", "attachmentIds": ["a1"]})
        );
        let minimal = SendMessage {
            attachment_ids: None,
            ..full
        };
        assert_eq!(
            wire(&minimal),
            json!({"conversationId": "c1", "senderId": "u1", "senderType": "agent",
                   "content": "hi"})
        );
        assert_eq!(
            wire(&ListMessages {
                conversation_id: "c1"
            }),
            json!({"conversationId": "c1"})
        );
    }

    #[test]
    fn send_must_return_an_id() {
        assert_decode_error::<SendMessage>(json!(null));
    }
}
