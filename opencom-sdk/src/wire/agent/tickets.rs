//! `tickets:*` as an agent calls them (CONTRACT §11, §15.3).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;
use crate::wire::Ignored;

/// `tickets:list`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListTickets<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) status: Option<&'static str>,
    pub(crate) assignee_id: Option<&'a str>,
}

// Ticket docs (+ `visitor`, `assignee`, `attachments`), read by the ticket model.
call!(ListTickets => fns::LIST_WORKSPACE_TICKETS, Vec<Value>);

id_call! {
    /// `tickets:get`: a ticket doc (+ `comments`) or `null`.
    GetTicket { id } => fns::GET_TICKET, Option<Value>
}

/// The agent-only field of a ticket doc that CONTRACT §11 says is always there (the rest is
/// read by the ticket model).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TicketDoc {
    pub(crate) workspace_id: String,
}

/// `tickets:getComments`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TicketComments<'a> {
    pub(crate) ticket_id: &'a str,
    pub(crate) include_internal: Option<bool>,
}

call!(TicketComments => fns::TICKET_COMMENTS, Vec<Value>);

/// The fields of a comment doc that CONTRACT §11 says are always there:
/// `_id, ticketId, authorId, authorType, content, isInternal, createdAt`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CommentDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) author_id: String,
    pub(crate) author_type: String,
    pub(crate) content: String,
    pub(crate) is_internal: bool,
    pub(crate) created_at: f64,
}

/// `tickets:update`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateTicket<'a> {
    pub(crate) id: &'a str,
    pub(crate) status: Option<&'static str>,
    pub(crate) priority: Option<&'static str>,
    pub(crate) assignee_id: Option<&'a str>,
    pub(crate) team_id: Option<&'a str>,
}

call!(UpdateTicket => fns::UPDATE_TICKET, Ignored);

/// `tickets:resolve`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResolveTicket<'a> {
    pub(crate) id: &'a str,
    pub(crate) resolution_summary: Option<&'a str>,
}

call!(ResolveTicket => fns::RESOLVE_TICKET, Ignored);

/// `tickets:addComment` as an agent (the server derives `authorId`/`authorType`).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddComment<'a> {
    pub(crate) ticket_id: &'a str,
    pub(crate) content: &'a str,
    pub(crate) is_internal: Option<bool>,
    pub(crate) attachment_ids: Option<&'a [String]>,
}

// The comment id.
call!(AddComment => fns::ADD_TICKET_COMMENT, String);

/// `tickets:convertFromConversation`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConvertFromConversation<'a> {
    pub(crate) conversation_id: &'a str,
    pub(crate) subject: Option<&'a str>,
    pub(crate) priority: Option<&'static str>,
}

// The ticket id.
call!(ConvertFromConversation => fns::CONVERT_TO_TICKET, String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn ticket_arguments_are_the_contracts() {
        assert_eq!(
            wire(&ListTickets {
                workspace_id: "w1",
                status: Some("resolved"),
                assignee_id: Some("u1")
            }),
            json!({"workspaceId": "w1", "status": "resolved", "assigneeId": "u1"})
        );
        assert_eq!(
            wire(&ListTickets {
                workspace_id: "w1",
                status: None,
                assignee_id: None
            }),
            json!({"workspaceId": "w1"})
        );
        let full = UpdateTicket {
            id: "t1",
            status: Some("in_progress"),
            priority: Some("high"),
            assignee_id: Some("u1"),
            team_id: Some("billing"),
        };
        assert_eq!(
            wire(&full),
            json!({"id": "t1", "status": "in_progress", "priority": "high",
                   "assigneeId": "u1", "teamId": "billing"})
        );
        let minimal = UpdateTicket {
            id: "t1",
            status: None,
            priority: None,
            assignee_id: None,
            team_id: None,
        };
        assert_eq!(wire(&minimal), json!({"id": "t1"}));
        assert_eq!(
            wire(&ResolveTicket {
                id: "t1",
                resolution_summary: Some("done")
            }),
            json!({"id": "t1", "resolutionSummary": "done"})
        );
        assert_eq!(
            wire(&ResolveTicket {
                id: "t1",
                resolution_summary: None
            }),
            json!({"id": "t1"})
        );
        let ids = vec!["a1".to_owned()];
        assert_eq!(
            wire(&AddComment {
                ticket_id: "t1",
                content: "note",
                is_internal: Some(true),
                attachment_ids: Some(&ids),
            }),
            json!({"ticketId": "t1", "content": "note", "isInternal": true,
                   "attachmentIds": ["a1"]})
        );
        assert_eq!(
            wire(&AddComment {
                ticket_id: "t1",
                content: "hi",
                is_internal: None,
                attachment_ids: None
            }),
            json!({"ticketId": "t1", "content": "hi"})
        );
        assert_eq!(
            wire(&ConvertFromConversation {
                conversation_id: "c1",
                subject: Some("S"),
                priority: Some("urgent"),
            }),
            json!({"conversationId": "c1", "subject": "S", "priority": "urgent"})
        );
        assert_eq!(
            wire(&ConvertFromConversation {
                conversation_id: "c1",
                subject: None,
                priority: None
            }),
            json!({"conversationId": "c1"})
        );
        assert_eq!(
            wire(&TicketComments {
                ticket_id: "t1",
                include_internal: Some(true)
            }),
            json!({"ticketId": "t1", "includeInternal": true})
        );
        assert_eq!(wire(&GetTicket { id: "t1" }), json!({"id": "t1"}));
    }

    #[test]
    fn malformed_ticket_answers_are_decode_errors() {
        let err = crate::wire::decode::<CommentDoc>(
            fns::TICKET_COMMENTS,
            json!({"_id": "c1", "authorId": "u1", "authorType": "agent", "content": "x",
                   "createdAt": 1}),
        )
        .map(drop)
        .unwrap_err();
        assert!(err.to_string().contains("tickets:getComments"), "{err}");
        assert!(err.to_string().contains("isInternal"), "{err}");
        assert_decode_error::<AddComment>(json!(null));
        assert_decode_error::<ConvertFromConversation>(json!({"ticketId": "t1"}));
        assert_decode_error::<ListTickets>(json!({"tickets": []}));
    }
}
