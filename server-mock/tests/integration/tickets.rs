//! Tickets and ticket forms over HTTP (CONTRACT §11): create (form data, attachments, the
//! access checks), listByVisitor (newest first, with attachments), get (which leaks internal
//! comments, like Opencom) versus getComments (which hides them), addComment (server-derived
//! author, never internal for visitors), getDefaultForVisitor; and their control API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{boot_anonymous, control, detail, mutation, query, uncaught, upload};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::ServerMock;

/// generateUploadUrl → upload → finalizeUpload; returns the staged attachment id.
async fn staged(mock: &ServerMock, token: &str, name: &str) -> String {
    let ws = mock.workspace_id();
    let url = mutation(
        mock,
        "supportAttachments:generateUploadUrl",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    let (status, body) = upload(url.as_str().unwrap(), b"receipt".to_vec(), "text/plain").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let staged = mutation(
        mock,
        "supportAttachments:finalizeUpload",
        json!({"workspaceId": ws, "sessionToken": token, "storageId": body["storageId"],
               "fileName": name}),
    )
    .await
    .unwrap();
    staged["attachmentId"].as_str().unwrap().to_owned()
}

async fn create(mock: &ServerMock, args: Value) -> Result<String, String> {
    mutation(mock, "tickets:create", args)
        .await
        .map(|id| id.as_str().unwrap().to_owned())
}

#[tokio::test]
async fn create_and_list_newest_first_with_attachments() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let form = mock.set_default_ticket_form(
        &ws,
        json!([{"id": "order", "type": "text", "label": "Order", "required": true}]),
    );
    let attachment = staged(&mock, &token, "receipt.txt").await;
    let first = create(
        &mock,
        json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": token,
               "subject": "Refund request", "description": "Charged twice", "priority": "high",
               "formId": form, "formData": {"order": "A-1", "qty": 2, "gift": false, "note": null,
                                             "tags": ["a", "b"]},
               "attachmentIds": [attachment, attachment]}),
    )
    .await
    .unwrap();
    mock.clock().advance(std::time::Duration::from_millis(5));
    let second = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "Second"}),
    )
    .await
    .unwrap();

    let stored = mock.ticket(&first).unwrap();
    assert_eq!(stored["status"], "submitted");
    assert_eq!(stored["priority"], "high");
    assert_eq!(stored["visitorId"], visitor.as_str());
    assert_eq!(stored["formId"], form.as_str());
    assert_eq!(stored["formData"]["tags"], json!(["a", "b"]));
    assert_eq!(
        stored["attachmentIds"],
        json!([attachment]),
        "duplicates count once"
    );
    assert_eq!(stored["createdAt"].as_f64().unwrap(), now);
    assert_eq!(mock.ticket(&second).unwrap()["priority"], "normal");

    let list = query(
        &mock,
        "tickets:listByVisitor",
        json!({"visitorId": visitor, "sessionToken": token, "workspaceId": ws}),
    )
    .await
    .unwrap();
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["_id"], second.as_str(), "newest first");
    assert_eq!(items[0]["attachments"], json!([]));
    let attachments = items[1]["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0]["fileName"], "receipt.txt");
    assert!(attachments[0]["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/api/storage/", mock.url())));

    // The attachment is now bound to the ticket: it cannot be reused.
    let err = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "x",
               "attachmentIds": [attachment]}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Attachment has already been used");
    assert_eq!(mock.ticket(&first).unwrap()["subject"], "Refund request");
}

#[tokio::test]
async fn create_and_list_check_the_session_and_the_arguments() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, _) = boot_anonymous(&mock, &ws, "a").await;
    let (_, other_visitor) = boot_anonymous(&mock, &ws, "b").await;
    let other_ws = mock.create_workspace("Other");
    for (args, expected) in [
        (
            json!({"workspaceId": ws, "subject": "x"}),
            "Session token required",
        ),
        (
            json!({"workspaceId": ws, "sessionToken": "wst_bogus", "subject": "x"}),
            "Invalid session token",
        ),
        (
            json!({"workspaceId": other_ws, "sessionToken": token, "subject": "x"}),
            "Session token does not match workspace",
        ),
        (
            json!({"workspaceId": ws, "sessionToken": token, "visitorId": other_visitor,
                   "subject": "x"}),
            "Not authorized to access this ticket",
        ),
    ] {
        let err = create(&mock, args.clone()).await.unwrap_err();
        assert_eq!(uncaught(&err), expected, "{args}");
        let mut list_args = args;
        list_args.as_object_mut().unwrap().remove("subject");
        let err = query(&mock, "tickets:listByVisitor", list_args.clone())
            .await
            .unwrap_err();
        assert_eq!(uncaught(&err), expected, "{list_args}");
    }
    let err = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "x", "priority": "asap"}),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).contains("Path: .priority"), "{err}");
    let err = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "x",
               "formData": {"nested": {"a": 1}}}),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).contains("Path: .formData.nested"), "{err}");
    let err = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "x", "status": "resolved"}),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).contains("extra field `status`"), "{err}");
    let mine = query(
        &mock,
        "tickets:listByVisitor",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(mine, json!([]), "nothing was created");
}

#[tokio::test]
async fn get_leaks_internal_comments_but_get_comments_hides_them() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let ticket = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "Help"}),
    )
    .await
    .unwrap();
    let attachment = staged(&mock, &token, "screenshot.png").await;
    let mine = mutation(
        &mock,
        "tickets:addComment",
        json!({"ticketId": ticket, "sessionToken": token, "content": "More details",
               "isInternal": true, "authorId": "someone-else", "authorType": "agent",
               "attachmentIds": [attachment]}),
    )
    .await
    .unwrap();
    let internal = mock.add_ticket_comment(&ticket, "customer seems upset, escalate", true);
    let public = mock.add_ticket_comment(&ticket, "We are looking into it", false);
    assert!(!internal.is_empty() && !public.is_empty());

    // The visitor's comment: author from the session, never internal.
    let stored = mock.ticket_comments(&ticket);
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0]["_id"], mine);
    assert_eq!(stored[0]["authorId"], visitor.as_str());
    assert_eq!(stored[0]["authorType"], "visitor");
    assert_eq!(stored[0]["isInternal"], false);
    assert_eq!(stored[1]["authorType"], "agent");
    assert_eq!(stored[1]["isInternal"], true);

    let detail_value = query(
        &mock,
        "tickets:get",
        json!({"id": ticket, "visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap();
    let contents: Vec<&str> = detail_value["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        [
            "More details",
            "customer seems upset, escalate",
            "We are looking into it"
        ],
        "tickets:get returns internal notes to the visitor, as Opencom does"
    );
    assert_eq!(detail_value["visitor"]["_id"], visitor.as_str());
    assert!(detail_value["assignee"].is_null());
    assert!(detail_value["conversation"].is_null());
    assert_eq!(detail_value["attachments"], json!([]));
    assert_eq!(
        detail_value["comments"][0]["attachments"][0]["fileName"],
        "screenshot.png"
    );

    for include_internal in [None, Some(true), Some(false)] {
        let mut args = json!({"ticketId": ticket, "sessionToken": token});
        if let Some(flag) = include_internal {
            args["includeInternal"] = json!(flag);
        }
        let comments = query(&mock, "tickets:getComments", args).await.unwrap();
        let contents: Vec<&str> = comments
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["content"].as_str().unwrap())
            .collect();
        assert_eq!(
            contents,
            ["More details", "We are looking into it"],
            "includeInternal {include_internal:?} is for agents only"
        );
    }
}

#[tokio::test]
async fn only_the_owner_reads_and_comments() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let (token_b, visitor_b) = boot_anonymous(&mock, &ws, "b").await;
    let ticket = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "Mine"}),
    )
    .await
    .unwrap();
    let not_authorized = "Not authorized to access this ticket";
    for (path, args, expected) in [
        (
            "tickets:get",
            json!({"id": ticket, "sessionToken": token_b}),
            not_authorized,
        ),
        (
            "tickets:get",
            json!({"id": ticket, "sessionToken": token, "visitorId": visitor_b}),
            not_authorized,
        ),
        (
            "tickets:get",
            json!({"id": ticket}),
            "Session token required",
        ),
        (
            "tickets:getComments",
            json!({"ticketId": ticket, "sessionToken": token_b}),
            not_authorized,
        ),
    ] {
        let err = query(&mock, path, args.clone()).await.unwrap_err();
        assert_eq!(uncaught(&err), expected, "{path} {args}");
    }
    let err = mutation(
        &mock,
        "tickets:addComment",
        json!({"ticketId": ticket, "sessionToken": token_b, "content": "hi"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Not authorized to comment on this ticket");
    let err = mutation(
        &mock,
        "tickets:addComment",
        json!({"ticketId": ticket, "sessionToken": token, "visitorId": visitor_b, "content": "hi"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), not_authorized);
    let err = mutation(
        &mock,
        "tickets:addComment",
        json!({"ticketId": ticket, "sessionToken": token, "content": "hi", "authorType": "bot"}),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).contains("Path: .authorType"));
    assert!(
        mock.ticket_comments(&ticket).is_empty(),
        "nothing was written"
    );
    let ok = mutation(
        &mock,
        "tickets:addComment",
        json!({"ticketId": ticket, "sessionToken": token, "visitorId": visitor, "content": "hi"}),
    )
    .await;
    assert!(ok.is_ok());
    assert_eq!(mock.ticket_comments(&ticket).len(), 1);
    assert!(mock.add_ticket_comment("nope", "x", false).is_empty());
    assert!(mock.ticket("nope").is_none());
}

#[tokio::test]
async fn the_default_form_is_public() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let get = |ws: &str| {
        query(
            &mock,
            "ticketForms:getDefaultForVisitor",
            json!({"workspaceId": ws}),
        )
    };
    assert!(get(&ws).await.unwrap().is_null());
    let fields = json!([
        {"id": "order", "type": "text", "label": "Order number", "required": true,
         "placeholder": "A-1234"},
        {"id": "area", "type": "select", "label": "Area", "required": false,
         "options": ["billing", "tech"]}
    ]);
    let first = mock.set_default_ticket_form(&ws, fields.clone());
    let form = get(&ws).await.unwrap();
    assert_eq!(form["_id"], first.as_str());
    assert_eq!(form["fields"], fields);
    assert_eq!(form["isDefault"], true);
    assert_eq!(form["workspaceId"], ws.as_str());
    let mut keys: Vec<&String> = form.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_creationTime",
            "_id",
            "createdAt",
            "fields",
            "isDefault",
            "name",
            "updatedAt",
            "workspaceId"
        ]
    );
    // A new default replaces the old one, which stays as a plain form.
    let second = mock.set_default_ticket_form(&ws, json!([]));
    assert_eq!(get(&ws).await.unwrap()["_id"], second.as_str());
    // Invalid fields or an unknown workspace are refused.
    assert_eq!(
        mock.set_default_ticket_form(
            &ws,
            json!([{"id": "x", "type": "color", "label": "X", "required": true}])
        ),
        ""
    );
    assert_eq!(mock.set_default_ticket_form("nope", json!([])), "");
    let other = mock.create_workspace("Other");
    assert!(get(&other).await.unwrap().is_null());

    // Over HTTP.
    let (status, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{other}/ticket-form"),
        Some(json!({"fields": fields, "name": "Bug report", "description": "Tell us"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let form = get(&other).await.unwrap();
    assert_eq!(form["_id"], body["formId"]);
    assert_eq!(form["name"], "Bug report");
    assert_eq!(form["description"], "Tell us");
    let (status, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{other}/ticket-form"),
        Some(json!({"fields": [{"id": 1}]})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("Path: [0].id"),
        "{body}"
    );
}

#[tokio::test]
async fn agent_comments_over_the_control_api() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, _) = boot_anonymous(&mock, &ws, "a").await;
    let ticket = create(
        &mock,
        json!({"workspaceId": ws, "sessionToken": token, "subject": "Help"}),
    )
    .await
    .unwrap();
    let (status, body) = control(
        &mock,
        "POST",
        &format!("/tickets/{ticket}/comments"),
        Some(json!({"text": "note", "internal": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["commentId"].is_string());
    let (_, comments) = control(&mock, "GET", &format!("/tickets/{ticket}/comments"), None).await;
    assert_eq!(comments[0]["isInternal"], true);
    assert_eq!(comments[0]["authorType"], "agent");
    let (status, stored) = control(&mock, "GET", &format!("/tickets/{ticket}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored["subject"], "Help");
    let (status, _) = control(
        &mock,
        "POST",
        "/tickets/nope/comments",
        Some(json!({"text": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = control(&mock, "GET", "/tickets/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
