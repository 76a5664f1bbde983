//! Conversations, messages, attachments, read state and CSAT over real HTTP against server-mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;

use common::Harness;
use opencom_sdk::{
    AttachmentSource, ConversationStatus, DeliveryState, Error, OutgoingMessage, SenderType,
};

#[tokio::test]
async fn start_a_conversation_send_and_read_messages() {
    let h = Harness::new().await;
    let client = h.client();
    let session = client.start().await.unwrap();
    let conversations = client.conversations();

    let conversation = conversations.get_or_create().await.unwrap();
    assert_eq!(conversation.status, ConversationStatus::Open);
    let again = conversations.get_or_create().await.unwrap();
    assert_eq!(again.id, conversation.id, "the open conversation is reused");

    let handle = conversations
        .send(
            &conversation.id,
            OutgoingMessage::text("Hi, I cannot reset my password."),
        )
        .await
        .unwrap();
    let message_id = handle.sent().await.unwrap();

    let messages = conversations.messages(&conversation.id).await.unwrap();
    let mine = messages.iter().find(|m| m.id == message_id).unwrap();
    assert_eq!(mine.sender_type, SenderType::Visitor);
    assert_eq!(mine.sender_id, session.visitor_id);
    assert_eq!(mine.delivery, DeliveryState::Sent);
    assert_eq!(
        messages[0].sender_type,
        SenderType::Bot,
        "the greeting comes first"
    );

    let send = &h.calls_to("messages:send")[0];
    let keys: BTreeSet<&str> = send
        .args
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "conversationId",
            "senderId",
            "senderType",
            "content",
            "visitorId",
            "sessionToken"
        ])
    );
    assert_eq!(send.args["senderType"], "visitor");

    let listed = conversations.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].last_message.as_ref().unwrap().id, message_id);

    let fetched = conversations.get(&conversation.id).await.unwrap().unwrap();
    assert_eq!(fetched.id, conversation.id);
    let get = &h.calls_to("conversations:get")[0];
    assert!(
        get.args.get("sessionToken").is_none(),
        "conversations:get takes no token"
    );
}

#[tokio::test]
async fn unread_count_and_mark_read_follow_agent_replies() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    assert_eq!(client.conversations().total_unread().await.unwrap(), 0);
    h.mock.agent_reply(&conversation.id, "Hello from support");
    h.mock.agent_reply(&conversation.id, "Are you there?");
    assert_eq!(client.conversations().total_unread().await.unwrap(), 2);
    let messages = client
        .conversations()
        .messages(&conversation.id)
        .await
        .unwrap();
    let last = messages.last().unwrap();
    assert_eq!(last.sender_type, SenderType::Agent);
    assert!(last.sender_name.is_some());
    client
        .conversations()
        .mark_read(&conversation.id)
        .await
        .unwrap();
    assert_eq!(client.conversations().total_unread().await.unwrap(), 0);
}

#[tokio::test]
async fn another_visitors_conversation_is_not_reachable() {
    let h = Harness::new().await;
    let alice = h.client();
    alice.start().await.unwrap();
    let conversation = alice.conversations().create().await.unwrap();
    alice
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("private"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();

    let other = Harness::new_sharing(&h);
    let mallory = other.client();
    mallory.start().await.unwrap();
    assert_eq!(
        mallory.conversations().get(&conversation.id).await.unwrap(),
        None
    );
    assert!(mallory
        .conversations()
        .messages(&conversation.id)
        .await
        .unwrap()
        .is_empty());
    let refused = mallory
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("intrusion"))
        .await
        .unwrap()
        .sent()
        .await;
    assert!(refused.is_err(), "{refused:?}");
    let texts: Vec<String> = h
        .mock
        .messages(&conversation.id)
        .into_iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect();
    assert!(!texts.contains(&"intrusion".to_string()));
}

#[tokio::test]
async fn attachments_upload_and_bind_to_a_message() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let uploaded = client
        .conversations()
        .upload(
            AttachmentSource::Bytes(b"%PDF-1.4 invoice".to_vec()),
            "invoice.pdf",
            None,
        )
        .await
        .unwrap();
    assert_eq!(uploaded.file_name, "invoice.pdf");
    assert_eq!(uploaded.mime_type, "application/pdf");
    let id = client
        .conversations()
        .send(
            &conversation.id,
            OutgoingMessage::text("").attachment(uploaded.id.clone()),
        )
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    let messages = client
        .conversations()
        .messages(&conversation.id)
        .await
        .unwrap();
    let sent = messages.iter().find(|m| m.id == id).unwrap();
    assert_eq!(sent.attachments.len(), 1);
    assert_eq!(sent.attachments[0].id, uploaded.id);
    assert_eq!(sent.attachments[0].size, 16);

    // An attachment is bound once.
    let reuse = client
        .conversations()
        .send(
            &conversation.id,
            OutgoingMessage::text("again").attachment(uploaded.id),
        )
        .await
        .unwrap()
        .sent()
        .await;
    assert!(reuse.is_err());
}

#[tokio::test]
async fn attachment_limits_are_checked_before_any_upload() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.clear_calls();
    let too_big = vec![0u8; 10 * 1024 * 1024 + 1];
    let err = client
        .conversations()
        .upload(AttachmentSource::Bytes(too_big), "big.png", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    let err = client
        .conversations()
        .upload(AttachmentSource::Bytes(b"MZ".to_vec()), "setup.exe", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "file_name"));
    let six: Vec<String> = (0..6).map(|i| format!("att{i}")).collect();
    let mut message = OutgoingMessage::text("six");
    message.attachment_ids = six;
    let err = client
        .conversations()
        .send("conv", message)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { ref field, .. } if field == "attachments"));
    assert!(h.mock.calls().is_empty());
}

#[tokio::test]
async fn a_file_from_disk_uploads_and_a_rejected_finalize_is_an_error() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"hello").unwrap();
    let uploaded = client
        .conversations()
        .upload(
            AttachmentSource::File(path),
            "notes.txt",
            Some("text/plain"),
        )
        .await
        .unwrap();
    assert_eq!(uploaded.size, 5);
    // The server rejects what slips past the client (e.g. a size it measures differently).
    h.mock
        .reject_next_finalize("File exceeds 10MB maximum size.");
    let err = client
        .conversations()
        .upload(AttachmentSource::Bytes(b"x".to_vec()), "a.png", None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::InvalidInput {
            field: "attachment".into(),
            reason: "File exceeds 10MB maximum size.".into()
        }
    );
}

#[tokio::test]
async fn csat_is_validated_and_only_for_closed_conversations() {
    let h = Harness::new().await;
    h.mock.set_csat_enabled(&h.mock.workspace_id(), true);
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    let eligibility = client
        .conversations()
        .csat_eligibility(&conversation.id)
        .await
        .unwrap();
    assert!(!eligibility.eligible);
    assert_eq!(eligibility.reason, "conversation_not_closed");
    h.mock.clear_calls();
    assert!(matches!(
        client.conversations().rate(&conversation.id, 6, None).await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(h.mock.calls().is_empty(), "checked client-side");

    h.mock.close_conversation(&conversation.id);
    assert!(
        client
            .conversations()
            .csat_eligibility(&conversation.id)
            .await
            .unwrap()
            .eligible
    );
    client
        .conversations()
        .rate(&conversation.id, 5, Some("Great"))
        .await
        .unwrap();
    let again = client
        .conversations()
        .rate(&conversation.id, 4, None)
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Server { .. } | Error::InvalidInput { .. }),
        "{again:?}"
    );
    let eligibility = client
        .conversations()
        .csat_eligibility(&conversation.id)
        .await
        .unwrap();
    assert_eq!(eligibility.reason, "already_submitted");
}

#[tokio::test]
async fn an_ai_reply_is_requested_after_a_visitor_message_when_enabled() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap();
    client
        .conversations()
        .send(&conversation.id, OutgoingMessage::text("no AI please"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    h.mock.set_ai_enabled(&h.mock.workspace_id(), true);
    // The AI setting is cached for a few minutes: a new client sees it at once.
    let client = h.client();
    client
        .conversations()
        .send(
            &conversation.id,
            OutgoingMessage::text("How do I reset my password?"),
        )
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    let got_reply = common::eventually(std::time::Duration::from_secs(10), || {
        h.mock
            .messages(&conversation.id)
            .iter()
            .any(|m| m["senderId"] == "ai-agent")
    })
    .await;
    assert!(got_reply);
    let calls = h.calls_to("aiAgentActions:generateResponse");
    assert_eq!(calls.len(), 1, "only the message sent while AI was on");
    assert_eq!(calls[0].args["query"], "How do I reset my password?");
    assert_eq!(calls[0].endpoint, "action");
}
