//! Conversations, messages, attachments, CSAT and the AI agent over HTTP (CONTRACT §6, §7, §9),
//! the email merge of conversations, and their control API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::{
    boot, boot_anonymous, client, detail, mutation, query, uncaught, upload,
    visitor_with_conversation,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{CallOutcome, ServerMock, Transport};

const GREETING: &str = "Hi! How can we help you today?";

async fn send(mock: &ServerMock, args: Value) -> Result<Value, String> {
    mutation(mock, "messages:send", args).await
}

async fn list(mock: &ServerMock, args: Value) -> Vec<Value> {
    query(mock, "messages:list", args)
        .await
        .unwrap_or_else(|e| panic!("messages:list failed: {e}"))
        .as_array()
        .expect("array")
        .clone()
}

fn contents(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn creating_a_conversation_inserts_the_greeting() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let created = mutation(
        &mock,
        "conversations:createForVisitor",
        json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap();
    let id = created["_id"].as_str().unwrap();
    let mut keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_creationTime",
            "_id",
            "aiWorkflowState",
            "createdAt",
            "lastMessageAt",
            "status",
            "updatedAt",
            "visitorId",
            "workspaceId"
        ]
    );
    assert_eq!(created["status"], "open");
    assert_eq!(created["aiWorkflowState"], "none");
    assert_eq!(created["lastMessageAt"].as_f64().unwrap(), now);

    let stored = mock.messages(id);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["senderId"], "system");
    assert_eq!(stored[0]["senderType"], "bot");
    assert_eq!(stored[0]["content"], GREETING);
    assert_eq!(mock.conversations(&visitor).len(), 1);

    // getOrCreate returns the open one; a closed one does not count.
    let args = json!({"workspaceId": ws, "sessionToken": token});
    let again = mutation(&mock, "conversations:getOrCreateForVisitor", args.clone())
        .await
        .unwrap();
    assert_eq!(again["_id"], json!(id));
    mock.close_conversation(id);
    let fresh = mutation(&mock, "conversations:getOrCreateForVisitor", args)
        .await
        .unwrap();
    assert_ne!(fresh["_id"], json!(id));
    assert_eq!(mock.conversations(&visitor).len(), 2);

    // No initialMessage argument; the token is required; another workspace's token fails.
    let error = mutation(
        &mock,
        "conversations:createForVisitor",
        json!({"workspaceId": ws, "sessionToken": token, "initialMessage": "hi"}),
    )
    .await
    .unwrap_err();
    assert!(detail(&error).contains("extra field `initialMessage`"));
    let error = mutation(
        &mock,
        "conversations:createForVisitor",
        json!({"workspaceId": ws}),
    )
    .await
    .unwrap_err();
    assert!(detail(&error).contains("Missing required field `sessionToken`"));
    let other = mock.create_workspace("Other");
    let error = mutation(
        &mock,
        "conversations:createForVisitor",
        json!({"workspaceId": other, "sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Session token does not match workspace");
}

#[tokio::test]
async fn list_by_visitor_sorts_by_activity_and_adds_the_last_message() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor, first) = visitor_with_conversation(&mock, "s").await;
    let second = mutation(
        &mock,
        "conversations:createForVisitor",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap()["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    mock.clock().advance(Duration::from_secs(60));
    let reply = mock.agent_reply(&first, "Back to your first question");

    let args = json!({"visitorId": visitor, "sessionToken": token, "workspaceId": ws});
    let listed = query(&mock, "conversations:listByVisitor", args.clone())
        .await
        .unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [first.as_str(), second.as_str()]);
    assert_eq!(listed[0]["lastMessage"]["_id"], json!(reply));
    assert_eq!(listed[0]["unreadByVisitor"], 1);
    assert!(
        listed[0]["lastMessage"].get("senderName").is_none(),
        "the raw message document"
    );
    assert_eq!(listed[1]["lastMessage"]["content"], GREETING);

    assert_eq!(
        query(
            &mock,
            "conversations:getTotalUnreadForVisitor",
            args.clone()
        )
        .await
        .unwrap(),
        1
    );
    // Without a token or a workspace: empty, not an error.
    for partial in [
        json!({"visitorId": visitor, "workspaceId": ws}),
        json!({"visitorId": visitor, "sessionToken": token}),
    ] {
        assert_eq!(
            query(&mock, "conversations:listByVisitor", partial.clone())
                .await
                .unwrap(),
            json!([])
        );
        assert_eq!(
            query(&mock, "conversations:getTotalUnreadForVisitor", partial)
                .await
                .unwrap(),
            0
        );
    }
    // A bad token is an error.
    let error = query(
        &mock,
        "conversations:listByVisitor",
        json!({"sessionToken": "wst_bogus", "workspaceId": ws}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Invalid session token");
}

#[tokio::test]
async fn get_checks_ownership_by_visitor_id_and_takes_no_token() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let (_, mallory, _) = visitor_with_conversation(&mock, "m").await;
    let got = query(
        &mock,
        "conversations:get",
        json!({"id": conversation, "visitorId": visitor}),
    )
    .await
    .unwrap();
    assert_eq!(got["_id"], json!(conversation));
    for args in [
        json!({"id": conversation}),
        json!({"id": conversation, "visitorId": mallory}),
    ] {
        assert_eq!(
            query(&mock, "conversations:get", args).await.unwrap(),
            Value::Null
        );
    }
    let error = query(
        &mock,
        "conversations:get",
        json!({"id": conversation, "visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert!(detail(&error).contains("extra field `sessionToken`"));
}

#[tokio::test]
async fn mark_as_read_is_for_the_owner_with_a_token() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let (other_token, _, _) = visitor_with_conversation(&mock, "b").await;
    mock.agent_reply(&conversation, "one");
    mock.agent_reply(&conversation, "two");
    let unread = || {
        query(
            &mock,
            "conversations:getTotalUnreadForVisitor",
            json!({"sessionToken": token, "workspaceId": ws}),
        )
    };
    assert_eq!(unread().await.unwrap(), 2);

    let mark = |args: Value| mutation(&mock, "conversations:markAsRead", args);
    let error = mark(json!({"id": conversation, "readerType": "visitor", "visitorId": visitor}))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&error), "Session token required");
    let error =
        mark(json!({"id": conversation, "readerType": "visitor", "sessionToken": other_token}))
            .await
            .unwrap_err();
    assert_eq!(uncaught(&error), "Not authorized");
    let error = mark(json!({"id": conversation, "readerType": "agent"}))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&error), "Not authenticated");
    assert_eq!(unread().await.unwrap(), 2);

    let done = mark(json!({"id": conversation, "readerType": "visitor", "sessionToken": token}))
        .await
        .unwrap();
    assert_eq!(done, Value::Null);
    assert_eq!(unread().await.unwrap(), 0);
    assert_eq!(mock.conversations(&visitor)[0]["unreadByVisitor"], 0);
}

#[tokio::test]
async fn messages_list_is_visitor_weak_with_sender_names_and_attachments() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let (mallory_token, mallory, _) = visitor_with_conversation(&mock, "m").await;
    let sent = send(
        &mock,
        json!({"conversationId": conversation, "senderId": visitor, "senderType": "visitor",
               "content": "Hi", "visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap();
    mock.agent_reply(&conversation, "Hello from support");
    // `user` messages need no auth (an Opencom bug the mock keeps); an unknown sender is "Support".
    send(
        &mock,
        json!({"conversationId": conversation, "senderId": "someone", "senderType": "user",
               "content": "spoofed"}),
    )
    .await
    .unwrap();

    let messages = list(
        &mock,
        json!({"conversationId": conversation, "visitorId": visitor, "sessionToken": token}),
    )
    .await;
    assert_eq!(
        contents(&messages),
        [GREETING, "Hi", "Hello from support", "spoofed"]
    );
    assert_eq!(messages[1]["_id"], sent);
    assert!(messages.iter().all(|m| m["attachments"] == json!([])));
    assert!(messages[0].get("senderName").is_none());
    assert!(messages[1].get("senderName").is_none());
    assert_eq!(messages[2]["senderName"], "Alex from Support");
    assert_eq!(messages[3]["senderName"], "Support");

    // visitorId alone works; an invalid token falls back to it.
    let weak = list(
        &mock,
        json!({"conversationId": conversation, "visitorId": visitor}),
    )
    .await;
    assert_eq!(weak.len(), 4);
    let fallback = list(
        &mock,
        json!({"conversationId": conversation, "visitorId": visitor, "sessionToken": "wst_bogus"}),
    )
    .await;
    assert_eq!(fallback.len(), 4);
    // Everyone else gets [], never an error.
    for args in [
        json!({"conversationId": conversation}),
        json!({"conversationId": conversation, "visitorId": mallory}),
        json!({"conversationId": conversation, "sessionToken": mallory_token}),
        json!({"conversationId": conversation, "visitorId": visitor, "sessionToken": mallory_token}),
    ] {
        assert!(list(&mock, args).await.is_empty());
    }
}

#[tokio::test]
async fn send_enforces_the_sender_type_rules_and_counts_unread() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let (mallory_token, mallory, _) = visitor_with_conversation(&mock, "m").await;
    let base = |sender_type: &str| {
        json!({"conversationId": conversation, "senderId": visitor, "senderType": sender_type,
               "content": "x"})
    };

    let mut bot = base("bot");
    bot["sessionToken"] = json!(token);
    assert_eq!(
        uncaught(&send(&mock, bot).await.unwrap_err()),
        "Not authorized: bot messages can only be sent by internal system callers"
    );
    assert_eq!(
        uncaught(&send(&mock, base("agent")).await.unwrap_err()),
        "Not authenticated"
    );
    let mut intruder = base("visitor");
    intruder["sessionToken"] = json!(mallory_token);
    assert_eq!(
        uncaught(&send(&mock, intruder).await.unwrap_err()),
        "Not authorized to send messages to this conversation"
    );
    let mut wrong_id = base("visitor");
    wrong_id["visitorId"] = json!(mallory);
    assert_eq!(
        uncaught(&send(&mock, wrong_id).await.unwrap_err()),
        "Not authorized to send messages to this conversation"
    );
    assert_eq!(
        uncaught(&send(&mock, base("visitor")).await.unwrap_err()),
        "Not authorized to send messages to this conversation",
        "no token and no visitorId"
    );
    let mut bogus = base("visitor");
    bogus["sessionToken"] = json!("wst_bogus");
    assert_eq!(
        uncaught(&send(&mock, bogus).await.unwrap_err()),
        "Invalid session token"
    );
    assert_eq!(mock.messages(&conversation).len(), 1, "nothing was written");

    mock.clock().advance(Duration::from_secs(5));
    let now = mock.clock().now_ms();
    let mut weak = base("visitor");
    weak["visitorId"] = json!(visitor);
    let id = send(&mock, weak).await.unwrap();
    assert!(id.is_string());
    let stored = mock.conversations(&visitor);
    assert_eq!(stored[0]["unreadByAgent"], 1);
    assert_eq!(stored[0]["lastMessageAt"].as_f64().unwrap(), now);
    assert!(stored[0].get("unreadByVisitor").is_none());
    let message = mock.messages(&conversation).pop().unwrap();
    assert_eq!(message["_id"], id);
    assert_eq!(message["senderType"], "visitor");
    assert_eq!(message["createdAt"].as_f64().unwrap(), now);
    assert!(message.get("attachmentIds").is_none());
}

/// generateUploadUrl → upload → finalizeUpload; returns the finalize value.
async fn stage(
    mock: &ServerMock,
    token: &str,
    bytes: Vec<u8>,
    file_name: &str,
    content_type: &str,
) -> Value {
    let ws = mock.workspace_id();
    let url = mutation(
        mock,
        "supportAttachments:generateUploadUrl",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    let (status, body) = upload(url.as_str().unwrap(), bytes, content_type).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    mutation(
        mock,
        "supportAttachments:finalizeUpload",
        json!({"workspaceId": ws, "sessionToken": token,
               "storageId": body["storageId"], "fileName": file_name}),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn uploads_are_bound_to_the_visitor_and_short_lived() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(&mock, &ws, "a").await;
    let (other_token, other) = boot_anonymous(&mock, &ws, "b").await;

    let generate = |args: Value| mutation(&mock, "supportAttachments:generateUploadUrl", args);
    let url = generate(json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": token}))
        .await
        .unwrap();
    let url = url.as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/api/storage/upload?token=", mock.url())),
        "{url}"
    );
    assert_eq!(
        uncaught(&generate(json!({"workspaceId": ws})).await.unwrap_err()),
        "Authentication required"
    );
    assert_eq!(
        uncaught(
            &generate(json!({"workspaceId": ws, "visitorId": other, "sessionToken": token}))
                .await
                .unwrap_err()
        ),
        "Not authorized to upload files for this visitor"
    );

    // The upload route.
    let (status, body) = upload(&url, b"%PDF-1.4".to_vec(), "application/pdf").await;
    assert_eq!(status, StatusCode::OK);
    let storage_id = body["storageId"].as_str().unwrap().to_owned();
    let (status, body) = upload(
        &format!("{}/api/storage/upload?token=nope", mock.url()),
        b"x".to_vec(),
        "text/plain",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "InvalidUploadUrl");
    let (status, _) = upload(
        &format!("{}/api/storage/upload", mock.url()),
        b"x".to_vec(),
        "text/plain",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let uploads: Vec<_> = mock
        .calls()
        .into_iter()
        .filter(|c| c.endpoint == "upload")
        .collect();
    assert_eq!(uploads.len(), 3);
    assert_eq!(uploads[0].path, "_storage:upload");
    assert_eq!(uploads[0].outcome, CallOutcome::Success);
    assert_eq!(uploads[0].args["size"], 8);
    assert_eq!(uploads[1].outcome, CallOutcome::Rejected(400));

    // Only the uploader can finalize.
    let finalize = |token: &str, storage_id: &str, name: &str| {
        mutation(
            &mock,
            "supportAttachments:finalizeUpload",
            json!({"workspaceId": ws, "sessionToken": token, "storageId": storage_id,
                   "fileName": name}),
        )
    };
    let error = finalize(&other_token, &storage_id, "a.pdf")
        .await
        .unwrap_err();
    assert_eq!(uncaught(&error), "Uploaded file not found");
    let staged = finalize(&token, &storage_id, "docs/invoice.pdf")
        .await
        .unwrap();
    let attachment_id = staged["attachmentId"].as_str().unwrap();
    assert_eq!(
        staged,
        json!({"status": "staged", "attachmentId": attachment_id, "fileName": "invoice.pdf",
               "mimeType": "application/pdf", "size": 8})
    );

    // The URL expires after an hour on the mock clock.
    mock.clock().advance(Duration::from_secs(3601));
    let (status, body) = upload(&url, b"late".to_vec(), "text/plain").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "UploadUrlExpired");
}

#[tokio::test]
async fn finalize_derives_the_type_from_the_name_and_rejects_what_it_refuses() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, _) = boot_anonymous(&mock, &ws, "a").await;

    // The MIME type comes from the extension, not from the upload's Content-Type.
    let staged = stage(&mock, &token, b"a,b".to_vec(), "table.CSV", "image/png").await;
    assert_eq!(staged["mimeType"], "text/csv");
    let staged = stage(&mock, &token, b"PK".to_vec(), "", "application/zip").await;
    assert_eq!(staged["status"], "rejected", "no name: \"attachment\"");

    let rejected = stage(
        &mock,
        &token,
        b"MZ".to_vec(),
        "setup.exe",
        "application/zip",
    )
    .await;
    assert_eq!(
        rejected,
        json!({"status": "rejected", "message":
            "Unsupported file type. Allowed: PNG, JPEG, GIF, WEBP, PDF, TXT, CSV, JSON, and ZIP."})
    );
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    let rejected = stage(&mock, &token, big, "big.png", "image/png").await;
    assert_eq!(
        rejected,
        json!({"status": "rejected", "message": "File exceeds 10MB maximum size."})
    );
    let exact = vec![0u8; 10 * 1024 * 1024];
    let staged = stage(&mock, &token, exact, "exact.png", "image/png").await;
    assert_eq!(staged["status"], "staged");

    mock.reject_next_finalize("Virus detected.");
    let rejected = stage(&mock, &token, b"ok".to_vec(), "fine.txt", "text/plain").await;
    assert_eq!(
        rejected,
        json!({"status": "rejected", "message": "Virus detected."})
    );
    let staged = stage(&mock, &token, b"ok".to_vec(), "fine.txt", "text/plain").await;
    assert_eq!(staged["status"], "staged", "only the next one");

    // A rejected upload's file is deleted.
    let url = mutation(
        &mock,
        "supportAttachments:generateUploadUrl",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    let (_, body) = upload(url.as_str().unwrap(), b"MZ".to_vec(), "text/plain").await;
    let args = json!({"workspaceId": ws, "sessionToken": token,
                      "storageId": body["storageId"], "fileName": "x.exe"});
    let first = mutation(&mock, "supportAttachments:finalizeUpload", args.clone())
        .await
        .unwrap();
    assert_eq!(first["status"], "rejected");
    let again = mutation(&mock, "supportAttachments:finalizeUpload", args)
        .await
        .unwrap_err();
    assert_eq!(uncaught(&again), "Uploaded file not found");
}

#[tokio::test]
async fn attachments_bind_once_to_a_message() {
    let mock = ServerMock::start().await.unwrap();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let (other_token, _, _) = visitor_with_conversation(&mock, "b").await;
    let message = |content: &str, ids: Value| {
        json!({"conversationId": conversation, "senderId": visitor, "senderType": "visitor",
               "content": content, "attachmentIds": ids, "visitorId": visitor,
               "sessionToken": token})
    };
    let pdf = stage(
        &mock,
        &token,
        b"%PDF-1.4 invoice".to_vec(),
        "invoice.pdf",
        "x/y",
    )
    .await;
    let pdf = pdf["attachmentId"].as_str().unwrap().to_owned();
    let png = stage(&mock, &token, b"\x89PNG".to_vec(), "shot.png", "image/png").await;
    let png = png["attachmentId"].as_str().unwrap().to_owned();

    // Duplicates count once; empty content is fine with attachments.
    let id = send(&mock, message("", json!([pdf, png, pdf])))
        .await
        .unwrap();
    let stored = mock.messages(&conversation).pop().unwrap();
    assert_eq!(stored["_id"], id);
    assert_eq!(stored["attachmentIds"], json!([pdf, png]));
    let listed = list(
        &mock,
        json!({"conversationId": conversation, "sessionToken": token}),
    )
    .await;
    let attachments = listed.last().unwrap()["attachments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0]["_id"], json!(pdf));
    assert_eq!(attachments[0]["fileName"], "invoice.pdf");
    assert_eq!(attachments[0]["mimeType"], "application/pdf");
    assert_eq!(attachments[0]["size"], 16);
    let url = attachments[0]["url"].as_str().unwrap();
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "x/y");
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"%PDF-1.4 invoice"
    );

    let error = send(&mock, message("again", json!([pdf])))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&error), "Attachment has already been used");

    let six: Vec<String> = {
        let mut ids = Vec::new();
        for i in 0..6 {
            let staged = stage(
                &mock,
                &token,
                b"t".to_vec(),
                &format!("{i}.txt"),
                "text/plain",
            )
            .await;
            ids.push(staged["attachmentId"].as_str().unwrap().to_owned());
        }
        ids
    };
    let error = send(&mock, message("six", json!(six))).await.unwrap_err();
    assert_eq!(uncaught(&error), "You can attach up to 5 files at a time.");
    let error = send(
        &mock,
        message("five + a bound one", json!([six[0], six[1], pdf])),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&error), "Attachment has already been used");
    assert!(
        mock.messages(&conversation)
            .iter()
            .all(|m| m["content"] != "six" && m["content"] != "five + a bound one"),
        "failed sends leave nothing behind"
    );
    // The failed sends did not bind anything either.
    let five = six[..5].to_vec();
    send(&mock, message("five", json!(five))).await.unwrap();

    let theirs = stage(
        &mock,
        &other_token,
        b"t".to_vec(),
        "theirs.txt",
        "text/plain",
    )
    .await;
    let error = send(&mock, message("steal", json!([theirs["attachmentId"]])))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&error), "Not authorized to use this attachment");

    mock.clock().advance(Duration::from_secs(3601));
    let error = send(&mock, message("late", json!([six[5]])))
        .await
        .unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Attachment upload expired. Please upload again."
    );

    // An attachment of another workspace is "not found".
    let other_ws = mock.create_workspace("Other");
    let (foreign_token, _) = boot_anonymous(&mock, &other_ws, "f").await;
    let url = mutation(
        &mock,
        "supportAttachments:generateUploadUrl",
        json!({"workspaceId": other_ws, "sessionToken": foreign_token}),
    )
    .await
    .unwrap();
    let (_, body) = upload(url.as_str().unwrap(), b"t".to_vec(), "text/plain").await;
    let foreign = mutation(
        &mock,
        "supportAttachments:finalizeUpload",
        json!({"workspaceId": other_ws, "sessionToken": foreign_token,
               "storageId": body["storageId"], "fileName": "f.txt"}),
    )
    .await
    .unwrap();
    let foreign_id = foreign["attachmentId"].as_str().unwrap();
    let error = send(&mock, message("foreign", json!([foreign_id])))
        .await
        .unwrap_err();
    assert_eq!(
        uncaught(&error),
        format!("Attachment {foreign_id} was not found")
    );
}

#[tokio::test]
async fn csat_follows_the_workspace_setting_and_the_conversation_state() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let (other_token, other, _) = visitor_with_conversation(&mock, "b").await;
    let eligibility = || {
        query(
            &mock,
            "reporting:getCsatEligibility",
            json!({"conversationId": conversation, "visitorId": visitor, "sessionToken": token}),
        )
    };
    let submit = |rating: f64| {
        mutation(
            &mock,
            "reporting:submitCsatResponse",
            json!({"conversationId": conversation, "rating": rating, "feedback": "ok",
                   "visitorId": visitor, "sessionToken": token}),
        )
    };
    assert_eq!(
        eligibility().await.unwrap(),
        json!({"eligible": false, "reason": "disabled", "askForRatingEnabled": false,
               "alreadySubmitted": false, "conversationStatus": "open"})
    );
    assert_eq!(
        uncaught(&submit(5.0).await.unwrap_err()),
        "CSAT collection is disabled for this workspace"
    );
    mock.set_csat_enabled(&ws, true);
    assert_eq!(
        eligibility().await.unwrap()["reason"],
        "conversation_not_closed"
    );
    assert_eq!(
        uncaught(&submit(5.0).await.unwrap_err()),
        "CSAT can only be submitted for closed conversations"
    );
    for bad in [0.0, 5.5, 6.0] {
        assert_eq!(
            uncaught(&submit(bad).await.unwrap_err()),
            "Rating must be between 1 and 5"
        );
    }
    // Visitors need both visitorId and a matching token.
    for args in [
        json!({"conversationId": conversation, "sessionToken": token}),
        json!({"conversationId": conversation, "visitorId": visitor}),
        json!({"conversationId": conversation, "visitorId": other, "sessionToken": other_token}),
        json!({"conversationId": conversation, "visitorId": visitor, "sessionToken": other_token}),
    ] {
        let error = query(&mock, "reporting:getCsatEligibility", args)
            .await
            .unwrap_err();
        assert_eq!(uncaught(&error), "Not authorized to submit CSAT response");
    }

    mock.close_conversation(&conversation);
    assert_eq!(
        eligibility().await.unwrap(),
        json!({"eligible": true, "reason": "eligible", "askForRatingEnabled": true,
               "alreadySubmitted": false, "conversationStatus": "closed"})
    );
    let id = submit(4.0).await.unwrap();
    assert!(id.is_string());
    let stored = mock.conversations(&visitor)[0].clone();
    assert_eq!(stored["csatResponseId"], id);
    assert_eq!(stored["status"], "closed");
    assert!(stored["resolvedAt"].is_number());
    assert_eq!(
        uncaught(&submit(5.0).await.unwrap_err()),
        "CSAT response already submitted for this conversation"
    );
    let after = eligibility().await.unwrap();
    assert_eq!(after["reason"], "already_submitted");
    assert_eq!(after["alreadySubmitted"], true);
    mock.set_csat_enabled(&ws, false);
    assert_eq!(eligibility().await.unwrap()["reason"], "disabled");
}

#[tokio::test]
async fn the_ai_agent_answers_when_enabled_and_hands_off_otherwise() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let settings = query(
        &mock,
        "aiAgent:getPublicSettings",
        json!({"workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(
        settings,
        json!({"enabled": false, "knowledgeSources": ["articles"], "confidenceThreshold": 0.6,
               "personality": null,
               "handoffMessage": "Let me connect you with a human agent who can help you better.",
               "workingHours": null, "model": "openai/gpt-5-nano", "suggestionsEnabled": false,
               "embeddingModel": "text-embedding-3-small"})
    );

    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;
    let generate = |conversation: &str, token: &str, question: &str| {
        let (conversation, token, question) = (
            conversation.to_owned(),
            token.to_owned(),
            question.to_owned(),
        );
        let ws = ws.clone();
        let mock = &mock;
        async move {
            let response = client()
                .post(format!("{}/api/action", mock.url()))
                .json(
                    &json!({"path": "aiAgentActions:generateResponse", "format": "json",
                              "args": {"workspaceId": ws, "conversationId": conversation,
                                       "sessionToken": token, "query": question}}),
                )
                .send()
                .await
                .unwrap();
            common::envelope(response.status(), response.json().await.unwrap())
        }
    };

    // Disabled: a handoff message.
    let handoff = generate(&conversation, &token, "Hello?").await.unwrap();
    assert_eq!(handoff["handoff"], true);
    assert_eq!(handoff["handoffReason"], "AI Agent is disabled");
    let last = mock.messages(&conversation).pop().unwrap();
    assert_eq!(last["_id"], handoff["messageId"]);
    assert_eq!(last["senderId"], "ai-agent");
    assert_eq!(last["senderType"], "bot");
    assert_eq!(
        mock.conversations(&visitor)[0]["aiWorkflowState"],
        "handoff"
    );
    // Handed off: suppressed.
    mock.set_ai_enabled(&ws, true);
    let suppressed = generate(&conversation, &token, "Hello?").await.unwrap();
    assert_eq!(suppressed["messageId"], Value::Null);
    assert_eq!(suppressed["handoff"], true);

    // Enabled, fresh conversation: a canned answer.
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "b").await;
    let answer = generate(&conversation, &token, "How do I reset my password?")
        .await
        .unwrap();
    assert_eq!(answer["handoff"], false);
    assert_eq!(answer["handoffReason"], Value::Null);
    assert_eq!(answer["sources"], json!([]));
    assert!(answer["confidence"].as_f64().unwrap() > 0.6);
    assert!(answer["response"]
        .as_str()
        .unwrap()
        .contains("How do I reset my password?"));
    let last = mock.messages(&conversation).pop().unwrap();
    assert_eq!(last["_id"], answer["messageId"]);
    assert_eq!(last["senderId"], "ai-agent");
    assert_eq!(last["content"], answer["response"]);
    let stored = &mock.conversations(&visitor)[0];
    assert_eq!(stored["aiWorkflowState"], "ai_handled");
    assert_eq!(stored["unreadByVisitor"], 1);
    // Asking for a person hands off.
    let person = generate(&conversation, &token, "I want a real person")
        .await
        .unwrap();
    assert_eq!(person["handoffReason"], "Customer requested human agent");

    // Once a human replied, the AI stays quiet.
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "c").await;
    mock.agent_reply(&conversation, "I'm here");
    let quiet = generate(&conversation, &token, "Thanks").await.unwrap();
    assert_eq!(quiet["messageId"], Value::Null);
    assert_eq!(
        quiet["handoffReason"],
        "A human agent has already responded in this conversation"
    );

    // Access.
    let (other_token, _, _) = visitor_with_conversation(&mock, "d").await;
    let error = generate(&conversation, &other_token, "x")
        .await
        .unwrap_err();
    assert_eq!(uncaught(&error), "Not authorized");
    let other_ws = mock.create_workspace("Other");
    let error = {
        let response = client()
            .post(format!("{}/api/action", mock.url()))
            .json(
                &json!({"path": "aiAgentActions:generateResponse", "format": "json",
                          "args": {"workspaceId": other_ws, "conversationId": conversation,
                                   "visitorId": visitor, "query": "x"}}),
            )
            .send()
            .await
            .unwrap();
        common::envelope(response.status(), response.json().await.unwrap()).unwrap_err()
    };
    assert_eq!(
        uncaught(&error),
        "Conversation does not belong to workspace"
    );
    let error = mutation(
        &mock,
        "aiAgentActions:generateResponse",
        json!({"workspaceId": ws, "conversationId": conversation, "query": "x"}),
    )
    .await
    .unwrap_err();
    assert!(detail(&error).contains("as Mutation, but it is defined as Action"));
}

#[tokio::test]
async fn the_email_merge_moves_conversations_messages_and_uploads() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    // The canonical visitor (oldest with that email), with a conversation.
    let (old_token, canonical, _) = boot(
        &mock,
        json!({"workspaceId": ws, "sessionId": "old", "email": "jane@example.com"}),
    )
    .await;
    mutation(
        &mock,
        "conversations:createForVisitor",
        json!({"workspaceId": ws, "sessionToken": old_token}),
    )
    .await
    .unwrap();
    // An anonymous visitor with a conversation, a message and a staged upload.
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "anon").await;
    send(
        &mock,
        json!({"conversationId": conversation, "senderId": visitor, "senderType": "visitor",
               "content": "before identify", "sessionToken": token}),
    )
    .await
    .unwrap();
    let staged = stage(&mock, &token, b"t".to_vec(), "t.txt", "text/plain").await;

    let merged = mutation(
        &mock,
        "visitors:identify",
        json!({"visitorId": visitor, "sessionToken": token, "email": "jane@example.com"}),
    )
    .await
    .unwrap();
    assert_eq!(merged["_id"], json!(canonical));
    assert!(mock.visitor(&visitor).is_none());
    assert!(mock.conversations(&visitor).is_empty());
    assert_eq!(mock.conversations(&canonical).len(), 2);
    let mine = mock
        .messages(&conversation)
        .into_iter()
        .find(|m| m["content"] == "before identify")
        .unwrap();
    assert_eq!(mine["senderId"], json!(canonical));

    // The token now stands for the canonical visitor: both conversations are listed and the
    // old conversation is writable with the new id.
    let listed = query(
        &mock,
        "conversations:listByVisitor",
        json!({"sessionToken": token, "workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    send(
        &mock,
        json!({"conversationId": conversation, "senderId": canonical, "senderType": "visitor",
               "content": "after identify", "visitorId": canonical,
               "attachmentIds": [staged["attachmentId"]]}),
    )
    .await
    .unwrap();
    // The stale visitorId no longer owns anything.
    let error = send(
        &mock,
        json!({"conversationId": conversation, "senderId": visitor, "senderType": "visitor",
               "content": "stale", "visitorId": visitor}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&error),
        "Not authorized to send messages to this conversation"
    );
}

#[tokio::test]
async fn the_control_api_drives_conversations_over_http() {
    let mock = ServerMock::start().await.unwrap();
    let http = client();
    let base = format!("{}/_mock", mock.url());
    let ws = mock.workspace_id();
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a").await;

    let reply: Value = http
        .post(format!("{base}/conversations/{conversation}/agent-reply"))
        .json(&json!({"text": "Hi from the inbox"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages: Value = http
        .get(format!("{base}/conversations/{conversation}/messages"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(messages[1]["_id"], reply["messageId"]);
    assert_eq!(messages[1]["senderType"], "agent");
    let response = http
        .post(format!("{base}/conversations/nope/agent-reply"))
        .json(&json!({"text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    http.post(format!("{base}/conversations/{conversation}/close"))
        .send()
        .await
        .unwrap();
    let conversations: Value = http
        .get(format!("{base}/visitors/{visitor}/conversations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(conversations[0]["status"], "closed");

    http.post(format!("{base}/workspaces/{ws}/csat"))
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    let eligibility = query(
        &mock,
        "reporting:getCsatEligibility",
        json!({"conversationId": conversation, "visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(eligibility["eligible"], true);
    http.post(format!("{base}/workspaces/{ws}/ai"))
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    let settings = query(
        &mock,
        "aiAgent:getPublicSettings",
        json!({"workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(settings["enabled"], true);
    let response = http
        .post(format!("{base}/workspaces/nope/ai"))
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    http.post(format!("{base}/attachments/reject-next-finalize"))
        .json(&json!({"message": "No."}))
        .send()
        .await
        .unwrap();
    let rejected = stage(&mock, &token, b"x".to_vec(), "x.txt", "text/plain").await;
    assert_eq!(rejected["message"], "No.");

    let ws_state: Value = http
        .post(format!("{base}/ws"))
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ws_state, json!({"enabled": false, "connections": 0}));
    let dropped: Value = http
        .post(format!("{base}/ws/drop"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dropped["enabled"], false);

    http.post(format!("{base}/faults/random"))
        .json(&json!({"probability": 1.0, "kinds": [{"kind": "status", "status": 503}]}))
        .send()
        .await
        .unwrap();
    http.post(format!("{base}/faults/pause-random"))
        .json(&json!({"paused": true}))
        .send()
        .await
        .unwrap();
    assert!(query(
        &mock,
        "aiAgent:getPublicSettings",
        json!({"workspaceId": ws})
    )
    .await
    .is_ok());
    mock.faults().pause_random(false);
    let (status, _) = common::post(
        &mock,
        "query",
        "aiAgent:getPublicSettings",
        json!({"workspaceId": ws}),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(mock.calls().iter().all(|c| c.transport == Transport::Http));
}
