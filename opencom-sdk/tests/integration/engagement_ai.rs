//! The AI agent (`client.ai_agent()`) against server-mock: a visitor message sent through the
//! outbox yields an AI answer on `watch_responses` and a bot message, feedback is recorded,
//! a handoff posts the handoff message and stops later answers; validation before any call,
//! and another tenant's conversation refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use crate::common::{eventually, next_snapshot, Harness, SharedClock};
use opencom_sdk::{AiFeedback, Delivery, Error, MemoryStorage, Opencom, OutgoingMessage};

const QUESTION: &str = "How do I reset my password?";

#[tokio::test]
async fn a_visitor_message_yields_an_answer_live_and_feedback_is_recorded() {
    let h = Harness::new().await;
    h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap().id;
    let mut answers = client.ai_agent().watch_responses(&conversation).unwrap();
    let first = next_snapshot(&mut answers).await;
    assert!(first.value.is_empty());

    client
        .conversations()
        .send(&conversation, OutgoingMessage::text(QUESTION))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    let snapshot = loop {
        let snapshot = next_snapshot(&mut answers).await;
        if !snapshot.value.is_empty() {
            break snapshot;
        }
    };
    assert_eq!(snapshot.via, Delivery::Socket, "a pushed update");
    let answer = &snapshot.value[0];
    assert_eq!(answer.conversation_id, conversation);
    assert_eq!(answer.query, QUESTION);
    assert!(
        answer.response.contains("reset my password"),
        "{}",
        answer.response
    );
    assert_eq!(answer.confidence, Some(0.8));
    assert!(!answer.handed_off);
    assert_eq!(answer.feedback, None);
    // The bot message that carries the answer.
    let message_id = answer.message_id.clone().unwrap();
    let messages = h.mock.messages(&conversation);
    let bot = messages
        .iter()
        .find(|m| m["_id"] == message_id.as_str())
        .unwrap();
    assert_eq!(bot["senderId"], "ai-agent");
    assert_eq!(bot["content"], answer.response.as_str());

    client
        .ai_agent()
        .feedback(&answer.id, AiFeedback::Helpful)
        .await
        .unwrap();
    assert_eq!(h.mock.ai_responses(&conversation)[0]["feedback"], "helpful");
    let call = &h.calls_to("aiAgent:submitFeedback")[0];
    assert_eq!(call.args["responseId"], answer.id.as_str());
    assert!(call.args.get("sessionToken").is_some());
    let updated = loop {
        let snapshot = next_snapshot(&mut answers).await;
        if snapshot.value[0].feedback.is_some() {
            break snapshot;
        }
    };
    assert_eq!(updated.value[0].feedback, Some(AiFeedback::Helpful));

    // Feedback given again replaces the first.
    client
        .ai_agent()
        .feedback(&answer.id, AiFeedback::NotHelpful)
        .await
        .unwrap();
    assert_eq!(
        h.mock.ai_responses(&conversation)[0]["feedback"],
        "not_helpful"
    );
    let listed = client.ai_agent().responses(&conversation).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].feedback, Some(AiFeedback::NotHelpful));
}

#[tokio::test]
async fn a_handoff_posts_the_message_and_later_messages_get_no_answer() {
    let h = Harness::new().await;
    h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let session = client.start().await.unwrap();
    let conversation = client.conversations().create().await.unwrap().id;
    client
        .conversations()
        .send(&conversation, OutgoingMessage::text(QUESTION))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    assert!(
        eventually(Duration::from_secs(10), || h
            .mock
            .ai_responses(&conversation)
            .len()
            == 1)
        .await
    );

    let handoff = client
        .ai_agent()
        .handoff_to_human(&conversation, Some("billing question"))
        .await
        .unwrap();
    assert!(!handoff.handoff_message.is_empty());
    let messages = h.mock.messages(&conversation);
    let posted = messages
        .iter()
        .find(|m| m["_id"] == handoff.message_id.as_str())
        .unwrap();
    assert_eq!(posted["content"], handoff.handoff_message.as_str());
    assert_eq!(posted["senderId"], "ai-agent");
    let stored = h
        .mock
        .conversations(&session.visitor_id)
        .into_iter()
        .find(|c| c["_id"] == conversation.as_str())
        .unwrap();
    assert_eq!(stored["aiWorkflowState"], "handoff");
    assert_eq!(stored["aiHandoffReason"], "billing question");
    assert_eq!(
        h.calls_to("aiAgent:handoffToHuman")[0].args["reason"],
        "billing question"
    );

    // The outbox still asks for an answer after the next message; none comes.
    let bots_before = bot_messages(&h, &conversation);
    client
        .conversations()
        .send(&conversation, OutgoingMessage::text("Still there?"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    assert!(
        eventually(Duration::from_secs(10), || h
            .calls_to("aiAgentActions:generateResponse")
            .len()
            == 2)
        .await
    );
    let answers = client.ai_agent().responses(&conversation).await.unwrap();
    assert_eq!(answers.len(), 1, "no answer after the handoff");
    assert_eq!(bot_messages(&h, &conversation), bots_before);
}

fn bot_messages(h: &Harness, conversation: &str) -> usize {
    h.mock
        .messages(conversation)
        .iter()
        .filter(|m| m["senderId"] == "ai-agent")
        .count()
}

#[tokio::test]
async fn bad_input_fails_before_any_call() {
    let h = Harness::new().await;
    let client = h.client();
    client.start().await.unwrap();
    h.mock.clear_calls();
    let ai = client.ai_agent();
    let err = ai.responses("").await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "conversation_id"));
    let err = ai.watch_responses("a b").unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "conversation_id"));
    let err = ai.feedback(" ", AiFeedback::Helpful).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "response_id"));
    let err = ai.handoff_to_human("conv1", Some("  ")).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "reason"));
    let long = "x".repeat(opencom_sdk::MAX_HANDOFF_REASON_CHARS + 1);
    let err = ai.handoff_to_human("conv1", Some(&long)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "reason"));
    assert!(h.mock.calls().is_empty(), "{:?}", h.mock.calls());
}

#[tokio::test]
async fn another_tenants_conversation_and_answers_are_refused() {
    let h = Harness::new().await;
    let ws_b = h.mock.create_workspace("Tenant B");
    h.mock.set_ai_enabled(&ws_b, true);
    let client_b = Opencom::builder(&h.mock.url(), &ws_b)
        .storage(Arc::new(MemoryStorage::new()))
        .clock(Arc::new(SharedClock(h.mock.clock())))
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client_b.start().await.unwrap();
    let conversation_b = client_b.conversations().create().await.unwrap().id;
    client_b
        .conversations()
        .send(&conversation_b, OutgoingMessage::text("B's question"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    assert!(
        eventually(Duration::from_secs(10), || h
            .mock
            .ai_responses(&conversation_b)
            .len()
            == 1)
        .await
    );
    let response_b = client_b
        .ai_agent()
        .responses(&conversation_b)
        .await
        .unwrap()[0]
        .id
        .clone();
    let messages_b = h.mock.messages(&conversation_b).len();

    let client = h.client();
    client.start().await.unwrap();
    let err = client
        .ai_agent()
        .responses(&conversation_b)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotAuthorized { .. }), "{err:?}");
    let err = client
        .ai_agent()
        .feedback(&response_b, AiFeedback::NotHelpful)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotAuthorized { .. }), "{err:?}");
    let err = client
        .ai_agent()
        .handoff_to_human(&conversation_b, None)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotAuthorized { .. }), "{err:?}");
    assert!(h.mock.ai_responses(&conversation_b)[0]
        .get("feedback")
        .is_none());
    assert_eq!(
        h.mock.messages(&conversation_b).len(),
        messages_b,
        "no handoff in B"
    );
}
