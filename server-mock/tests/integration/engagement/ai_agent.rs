//! `aiAgent:getConversationResponses`, `submitFeedback`, `handoffToHuman`, and the
//! `aiResponses` documents `aiAgentActions:generateResponse` records.

use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use super::{fails, validates};
use crate::common::{
    action, as_agent, boot_anonymous, member, mutation, query, visitor_with_conversation,
};

async fn ask(mock: &ServerMock, token: &str, conversation: &str, text: &str) -> Value {
    action(
        mock,
        "aiAgentActions:generateResponse",
        json!({"workspaceId": mock.workspace_id(), "conversationId": conversation,
               "sessionToken": token, "query": text}),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn answers_are_recorded_listed_and_rated() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.set_ai_enabled(&ws, true);
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a1").await;
    let list_args = json!({"conversationId": conversation, "sessionToken": token});
    assert_eq!(
        query(&mock, "aiAgent:getConversationResponses", list_args.clone())
            .await
            .unwrap(),
        json!([])
    );
    let first = ask(&mock, &token, &conversation, "How do I reset my password?").await;
    let second = ask(&mock, &token, &conversation, "And my email?").await;
    let responses = query(&mock, "aiAgent:getConversationResponses", list_args.clone())
        .await
        .unwrap();
    let responses = responses.as_array().unwrap();
    assert_eq!(responses.len(), 2);
    assert_eq!(responses[0]["messageId"], first["messageId"]);
    assert_eq!(responses[1]["messageId"], second["messageId"]);
    assert_eq!(responses[0]["query"], "How do I reset my password?");
    assert_eq!(responses[0]["response"], first["response"]);
    assert_eq!(responses[0]["handedOff"], false);
    assert_eq!(
        responses[0]["deliveredResponseContext"],
        json!({"response": first["response"], "sources": [], "confidence": first["confidence"]})
    );
    assert_eq!(responses[0]["generatedResponseContext"], Value::Null);
    assert!(responses[0].get("feedback").is_none());
    assert_eq!(mock.ai_responses(&conversation).len(), 2);

    let response_id = responses[0]["_id"].as_str().unwrap();
    for (feedback, with_visitor) in [("not_helpful", false), ("helpful", true)] {
        let mut args = json!({"responseId": response_id, "feedback": feedback,
                              "sessionToken": token});
        if with_visitor {
            args["visitorId"] = json!(visitor);
        }
        assert_eq!(
            mutation(&mock, "aiAgent:submitFeedback", args)
                .await
                .unwrap(),
            Value::Null
        );
        assert_eq!(mock.ai_responses(&conversation)[0]["feedback"], feedback);
    }
    let responses = query(&mock, "aiAgent:getConversationResponses", list_args)
        .await
        .unwrap();
    assert_eq!(responses[0]["feedback"], "helpful");
    assert!(responses[1].get("feedback").is_none());

    // An agent of the workspace reads them too.
    let (_, agent) = member(&mock, &ws, "ana@example.com", Role::Agent);
    let read = as_agent(
        &mock,
        "query",
        "aiAgent:getConversationResponses",
        json!({"conversationId": conversation}),
        &agent,
    )
    .await
    .unwrap();
    assert_eq!(read.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn handoff_to_human_posts_the_handoff_message_and_stops_the_ai() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.set_ai_enabled(&ws, true);
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a1").await;
    ask(&mock, &token, &conversation, "Hello").await;
    let handoff = mutation(
        &mock,
        "aiAgent:handoffToHuman",
        json!({"conversationId": conversation, "sessionToken": token,
               "reason": "Visitor asked for a person"}),
    )
    .await
    .unwrap();
    assert_eq!(
        handoff["handoffMessage"],
        "Let me connect you with a human agent who can help you better."
    );
    let messages = mock.messages(&conversation);
    let last = messages.last().unwrap();
    assert_eq!(last["_id"], handoff["messageId"]);
    assert_eq!(last["senderType"], "bot");
    assert_eq!(last["content"], handoff["handoffMessage"]);
    let stored = mock
        .conversations(&visitor)
        .into_iter()
        .find(|c| c["_id"] == json!(conversation))
        .unwrap();
    assert_eq!(stored["status"], "open");
    assert_eq!(stored["aiWorkflowState"], "handoff");
    assert_eq!(stored["aiHandoffReason"], "Visitor asked for a person");
    // The AI stays quiet afterwards.
    let after = ask(&mock, &token, &conversation, "Anyone?").await;
    assert_eq!(after["handoff"], true);
    assert_eq!(after["messageId"], Value::Null);
    assert_eq!(mock.ai_responses(&conversation).len(), 1);
}

#[tokio::test]
async fn ai_visitor_calls_check_ownership_and_arguments() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.set_ai_enabled(&ws, true);
    let (token, visitor, conversation) = visitor_with_conversation(&mock, "a1").await;
    let (other_token, other_visitor) = boot_anonymous(&mock, &ws, "a2").await;
    ask(&mock, &token, &conversation, "Hello").await;
    let response_id = mock.ai_responses(&conversation)[0]["_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = mock.create_workspace("Other");
    let (foreign_token, _) = boot_anonymous(&mock, &elsewhere, "a3").await;
    for (endpoint, path, args, expected) in [
        (
            "query",
            "aiAgent:getConversationResponses",
            json!({"conversationId": conversation, "sessionToken": other_token}),
            "Not authorized",
        ),
        (
            "query",
            "aiAgent:getConversationResponses",
            json!({"conversationId": conversation, "visitorId": other_visitor}),
            "Not authorized",
        ),
        (
            "query",
            "aiAgent:getConversationResponses",
            json!({"conversationId": conversation, "sessionToken": foreign_token}),
            "Session token does not match workspace",
        ),
        (
            "mutation",
            "aiAgent:submitFeedback",
            json!({"responseId": response_id, "feedback": "helpful",
                   "sessionToken": other_token}),
            "Not authorized",
        ),
        (
            "mutation",
            "aiAgent:handoffToHuman",
            json!({"conversationId": conversation, "sessionToken": other_token}),
            "Not authorized",
        ),
        (
            "mutation",
            "aiAgent:handoffToHuman",
            json!({"conversationId": conversation, "sessionToken": "wst_nope"}),
            "Invalid session token",
        ),
    ] {
        assert_eq!(fails(&mock, endpoint, path, args).await, expected, "{path}");
    }
    assert!(mock.ai_responses(&conversation)[0]
        .get("feedback")
        .is_none());

    validates(
        &mock,
        "query",
        "aiAgent:getConversationResponses",
        json!({"conversationId": conversation, "sessionToken": token}),
        "visitorId",
        "conversationId",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "aiAgent:submitFeedback",
        json!({"responseId": response_id, "feedback": "helpful", "sessionToken": token}),
        "visitorId",
        "feedback",
    )
    .await;
    validates(
        &mock,
        "mutation",
        "aiAgent:handoffToHuman",
        json!({"conversationId": conversation, "sessionToken": token, "reason": "x"}),
        "reason",
        "conversationId",
    )
    .await;
    super::rejected(
        &mock,
        "mutation",
        "aiAgent:submitFeedback",
        json!({"responseId": response_id, "feedback": "meh", "sessionToken": token}),
    )
    .await;
    // An id of another table is not an aiResponses id.
    super::rejected(
        &mock,
        "mutation",
        "aiAgent:submitFeedback",
        json!({"responseId": conversation, "feedback": "helpful", "sessionToken": token}),
    )
    .await;
    let stored = mock
        .conversations(&visitor)
        .into_iter()
        .find(|c| c["_id"] == json!(conversation))
        .unwrap();
    assert_ne!(stored["aiWorkflowState"], "handoff");
}
