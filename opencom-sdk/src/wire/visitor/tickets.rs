//! `tickets:*` as a visitor calls them (CONTRACT §11).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, VisitorAuth, WorkspaceAuth};

/// `priority`: `"low"|"normal"|"high"|"urgent"`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

/// One value of `formData`: `string | number | boolean | null | string[]`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub(crate) enum FormDataValue<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
    Null,
    List(&'a [String]),
}

/// A ticket document (the read functions add `attachments`). Fields the SDK does not use are
/// ignored; `status` stays text so that a status this SDK does not know is kept.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TicketDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) subject: String,
    pub(crate) description: Option<String>,
    pub(crate) status: String,
    pub(crate) priority: Priority,
    pub(crate) created_at: f64,
    pub(crate) updated_at: f64,
    pub(crate) resolution_summary: Option<String>,
    /// Attachment documents, decoded by the conversations' attachment model.
    pub(crate) attachments: Vec<Value>,
}

/// A ticket comment document (with `attachments`).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CommentDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) author_type: String,
    pub(crate) content: String,
    pub(crate) is_internal: bool,
    pub(crate) created_at: f64,
    pub(crate) attachments: Vec<Value>,
}

/// `tickets:create`: the new ticket's id.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Create<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) subject: &'a str,
    pub(crate) description: Option<&'a str>,
    pub(crate) attachment_ids: Option<&'a [String]>,
    pub(crate) priority: Option<Priority>,
    pub(crate) form_id: Option<&'a str>,
    pub(crate) form_data: Option<BTreeMap<&'a str, FormDataValue<'a>>>,
}

impl Call for Create<'_> {
    const FUNCTION: Function = fns::CREATE_TICKET;
    type Output = String;
}

/// `tickets:listByVisitor`: the visitor's tickets, newest first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListByVisitor<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for ListByVisitor<'_> {
    const FUNCTION: Function = fns::LIST_TICKETS;
    type Output = Vec<TicketDoc>;
}

/// `tickets:get`: the ticket (its `comments` are not read: they include internal notes), or
/// `null`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Get<'a> {
    pub(crate) id: &'a str,
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
}

impl Call for Get<'_> {
    const FUNCTION: Function = fns::GET_TICKET;
    type Output = Option<TicketDoc>;
}

/// `tickets:getComments`: comments, oldest first.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetComments<'a> {
    pub(crate) ticket_id: &'a str,
    pub(crate) include_internal: Option<bool>,
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
}

impl Call for GetComments<'_> {
    const FUNCTION: Function = fns::TICKET_COMMENTS;
    type Output = Vec<CommentDoc>;
}

/// `tickets:addComment`: the new comment's id. `authorId`, `authorType` and `isInternal` are
/// never sent (the server derives them for a visitor).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddComment<'a> {
    pub(crate) ticket_id: &'a str,
    pub(crate) content: &'a str,
    pub(crate) attachment_ids: Option<&'a [String]>,
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
}

impl Call for AddComment<'_> {
    const FUNCTION: Function = fns::ADD_TICKET_COMMENT;
    type Output = String;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{
        assert_args, assert_decode_error, decoded, visitor_auth, workspace_auth,
    };

    fn ticket() -> Value {
        json!({"_id": "t1", "workspaceId": "ws1", "subject": "Refund", "status": "submitted",
               "priority": "normal", "createdAt": 1, "updatedAt": 2, "attachments": []})
    }

    #[test]
    fn arguments_have_the_contract_field_names() {
        let ids = vec!["att1".to_string()];
        let choices = vec!["a".to_string()];
        let mut data = BTreeMap::new();
        data.insert("order", FormDataValue::Text("A-1"));
        data.insert("qty", FormDataValue::Number(2.0));
        data.insert("ok", FormDataValue::Bool(true));
        data.insert("none", FormDataValue::Null);
        data.insert("tags", FormDataValue::List(&choices));
        assert_args(
            &Create {
                auth: workspace_auth(),
                subject: "Refund",
                description: Some("twice"),
                attachment_ids: Some(&ids),
                priority: Some(Priority::Urgent),
                form_id: Some("f1"),
                form_data: Some(data),
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "subject": "Refund", "description": "twice", "attachmentIds": ["att1"],
                   "priority": "urgent", "formId": "f1",
                   "formData": {"order": "A-1", "qty": 2.0, "ok": true, "none": null,
                                "tags": ["a"]}}),
        );
        assert_args(
            &Create {
                auth: workspace_auth(),
                subject: "Refund",
                description: None,
                attachment_ids: None,
                priority: None,
                form_id: None,
                form_data: None,
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "subject": "Refund"}),
        );
        assert_args(
            &ListByVisitor {
                auth: workspace_auth(),
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x"}),
        );
        assert_args(
            &Get {
                id: "t1",
                auth: visitor_auth(),
            },
            json!({"id": "t1", "visitorId": "v1", "sessionToken": "wst_x"}),
        );
        assert_args(
            &GetComments {
                ticket_id: "t1",
                include_internal: Some(false),
                auth: visitor_auth(),
            },
            json!({"ticketId": "t1", "includeInternal": false, "visitorId": "v1",
                   "sessionToken": "wst_x"}),
        );
        assert_args(
            &GetComments {
                ticket_id: "t1",
                include_internal: None,
                auth: visitor_auth(),
            },
            json!({"ticketId": "t1", "visitorId": "v1", "sessionToken": "wst_x"}),
        );
        assert_args(
            &AddComment {
                ticket_id: "t1",
                content: "hi",
                attachment_ids: Some(&ids),
                auth: visitor_auth(),
            },
            json!({"ticketId": "t1", "content": "hi", "attachmentIds": ["att1"],
                   "visitorId": "v1", "sessionToken": "wst_x"}),
        );
        assert_args(
            &AddComment {
                ticket_id: "t1",
                content: "hi",
                attachment_ids: None,
                auth: visitor_auth(),
            },
            json!({"ticketId": "t1", "content": "hi", "visitorId": "v1",
                   "sessionToken": "wst_x"}),
        );
    }

    #[test]
    fn tickets_and_comments_decode_or_fail_naming_the_function() {
        assert_eq!(
            decoded::<ListByVisitor>(json!([ticket()]))[0].priority,
            Priority::Normal
        );
        assert!(decoded::<Get>(json!(null)).is_none());
        for field in [
            "_id",
            "subject",
            "status",
            "priority",
            "createdAt",
            "updatedAt",
            "attachments",
        ] {
            let mut missing = ticket();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<ListByVisitor>(json!([missing.clone()]));
            assert_decode_error::<Get>(missing);
        }
        let mut wrong = ticket();
        wrong["priority"] = json!("whenever");
        assert_decode_error::<Get>(wrong);
        assert_eq!(decoded::<Create>(json!("t1")), "t1");
        assert_decode_error::<Create>(json!({"id": "t1"}));
        assert_decode_error::<AddComment>(json!(null));

        let comment = json!({"_id": "c1", "ticketId": "t1", "authorId": "v1",
                             "authorType": "visitor", "content": "hi", "isInternal": false,
                             "createdAt": 1, "attachments": []});
        assert!(!decoded::<GetComments>(json!([comment.clone()]))[0].is_internal);
        for field in [
            "_id",
            "authorType",
            "content",
            "isInternal",
            "createdAt",
            "attachments",
        ] {
            let mut missing = comment.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<GetComments>(json!([missing]));
        }
    }
}
