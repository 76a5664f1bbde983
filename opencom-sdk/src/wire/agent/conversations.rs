//! `conversations:*` as an agent calls them (CONTRACT §15.3).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;
use crate::wire::Ignored;

/// `conversations:listForInbox`.
#[skip_serializing_none]
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListForInbox<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) status: Option<&'static str>,
    pub(crate) ai_workflow_state: Option<&'static str>,
    pub(crate) limit: Option<u32>,
    pub(crate) cursor: Option<&'a str>,
}

call!(ListForInbox => fns::LIST_FOR_INBOX, InboxPage);

/// `{conversations: [doc + visitor + lastMessage + aiWorkflow], nextCursor: string | null}`.
/// The rows stay documents: the conversation model reads them.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InboxPage {
    pub(crate) conversations: Vec<Value>,
    pub(crate) next_cursor: Option<String>,
}

id_call! {
    /// `conversations:get` (a doc or `null`).
    GetConversation { id } => fns::GET_CONVERSATION, Option<Value>
}

/// `conversations:updateStatus`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateStatus<'a> {
    pub(crate) id: &'a str,
    pub(crate) status: &'static str,
}

call!(UpdateStatus => fns::UPDATE_CONVERSATION_STATUS, Ignored);

/// `conversations:assign`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Assign<'a> {
    pub(crate) id: &'a str,
    pub(crate) agent_id: &'a str,
}

call!(Assign => fns::ASSIGN_CONVERSATION, Ignored);

/// `conversations:markAsRead` as the team (`readerType: "agent"`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MarkAsRead<'a> {
    pub(crate) id: &'a str,
    pub(crate) reader_type: &'static str,
}

call!(MarkAsRead => fns::MARK_READ, Ignored);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn inbox_arguments_are_the_contracts() {
        let full = ListForInbox {
            workspace_id: "w1",
            status: Some("open"),
            ai_workflow_state: Some("handoff"),
            limit: Some(25),
            cursor: Some("c9"),
        };
        assert_eq!(
            wire(&full),
            json!({"workspaceId": "w1", "status": "open", "aiWorkflowState": "handoff",
                   "limit": 25, "cursor": "c9"})
        );
        let minimal = ListForInbox {
            workspace_id: "w1",
            status: None,
            ai_workflow_state: None,
            limit: None,
            cursor: None,
        };
        assert_eq!(wire(&minimal), json!({"workspaceId": "w1"}));
        assert_eq!(
            wire(&UpdateStatus {
                id: "c1",
                status: "closed"
            }),
            json!({"id": "c1", "status": "closed"})
        );
        assert_eq!(
            wire(&Assign {
                id: "c1",
                agent_id: "u1"
            }),
            json!({"id": "c1", "agentId": "u1"})
        );
        assert_eq!(
            wire(&MarkAsRead {
                id: "c1",
                reader_type: "agent"
            }),
            json!({"id": "c1", "readerType": "agent"})
        );
        assert_eq!(wire(&GetConversation { id: "c1" }), json!({"id": "c1"}));
    }

    #[test]
    fn an_inbox_page_without_its_rows_is_a_decode_error() {
        assert_decode_error::<ListForInbox>(json!({"nextCursor": null}));
        assert_decode_error::<ListForInbox>(json!({"conversations": {}, "nextCursor": null}));
    }
}
