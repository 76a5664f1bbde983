//! Agent tickets through `WorkspaceClient::tickets()` against server-mock: list with filters,
//! update, comments (the visitor sees the public one, never the internal note), resolve with
//! its system comment, convert a conversation (twice → a typed error), a viewer refused with
//! the permission named, and another workspace's agent kept out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::common;
use crate::workspace::{builder, signed_in, visitor_conversation, PASSWORD};

use common::Harness;
use opencom_sdk::{
    AgentComment, Error, MemoryStorage, NewTicket, Opencom, TicketFilter, TicketPriority,
    TicketStatus, TicketUpdate, WorkspaceClient,
};
use server_mock::{Role, ServerMock};

/// A visitor (booted in the default workspace) who filed a ticket.
async fn visitor_with_ticket(h: &Harness, subject: &str) -> (Opencom, String) {
    let visitor = h
        .builder()
        .storage(Arc::new(MemoryStorage::new()))
        .build()
        .unwrap();
    visitor.start().await.unwrap();
    let id = visitor
        .tickets()
        .create(NewTicket::new(subject).description("Please help"))
        .await
        .unwrap();
    (visitor, id)
}

/// An owner of a brand-new workspace, signed in.
async fn outsider(mock: &ServerMock) -> WorkspaceClient {
    let other = mock.create_workspace("Other Co");
    mock.create_agent(&other, "owner@other.example", PASSWORD, Role::Owner);
    let client = builder(mock, Arc::new(MemoryStorage::new()))
        .build()
        .unwrap();
    client
        .sign_in_password("owner@other.example", PASSWORD)
        .await
        .unwrap();
    client
}

#[tokio::test]
async fn agents_list_filter_and_update_tickets() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let agent = signed_in(&h.mock, "agent@example.com", Role::Agent).await;
    let me = agent.user_id().unwrap();
    let (_, first) = visitor_with_ticket(&h, "Cannot log in").await;
    let (_, second) = visitor_with_ticket(&h, "Billing").await;

    let all = agent
        .tickets()
        .list(&ws, TicketFilter::new())
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|t| t.ticket.id.as_str()).collect();
    assert_eq!(ids, vec![second.as_str(), first.as_str()]);
    assert!(all[0].visitor.is_some());
    assert_eq!(
        all[0].visitor.as_ref().map(|v| v.id.clone()),
        all[0].visitor_id
    );
    assert_eq!(all[0].assignee, None);

    h.mock.clear_calls();
    let empty = agent.tickets().update(&first, TicketUpdate::new()).await;
    assert!(
        matches!(empty, Err(Error::InvalidInput { .. })),
        "{empty:?}"
    );
    let bad = agent
        .tickets()
        .update(
            &first,
            TicketUpdate::new().status(TicketStatus::Other("open".into())),
        )
        .await;
    assert!(matches!(bad, Err(Error::InvalidInput { ref field, .. }) if field == "status"));
    assert!(h.calls_to("tickets:update").is_empty());

    agent
        .tickets()
        .update(
            &first,
            TicketUpdate::new()
                .status(TicketStatus::InProgress)
                .priority(TicketPriority::Urgent)
                .assignee(me.clone())
                .team("tier-2"),
        )
        .await
        .unwrap();
    // Only the documented fields went over the wire.
    let sent = &h.calls_to("tickets:update")[0].args;
    let mut keys: Vec<&String> = sent.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["assigneeId", "id", "priority", "status", "teamId"]);

    let in_progress = agent
        .tickets()
        .list(&ws, TicketFilter::new().status(TicketStatus::InProgress))
        .await
        .unwrap();
    assert_eq!(in_progress.len(), 1);
    let ticket = &in_progress[0];
    assert_eq!(ticket.ticket.id, first);
    assert_eq!(ticket.ticket.priority, TicketPriority::Urgent);
    assert_eq!(ticket.team_id.as_deref(), Some("tier-2"));
    assert_eq!(
        ticket.assignee.as_ref().map(|a| a.id.as_str()),
        Some(me.as_str())
    );
    assert_eq!(
        ticket.assignee.as_ref().and_then(|a| a.email.as_deref()),
        Some("agent@example.com")
    );
    // Status and assignee together: the assignee is applied too.
    let colleague = h
        .mock
        .create_agent(&ws, "colleague@example.com", PASSWORD, Role::Agent);
    let nobody_else = agent
        .tickets()
        .list(
            &ws,
            TicketFilter::new()
                .status(TicketStatus::InProgress)
                .assignee(colleague),
        )
        .await
        .unwrap();
    assert!(nobody_else.is_empty());
    let mine = agent
        .tickets()
        .list(&ws, TicketFilter::new().assignee(me.clone()))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
}

#[tokio::test]
async fn the_visitor_sees_the_public_comment_but_not_the_internal_note() {
    let h = Harness::new().await;
    let agent = signed_in(&h.mock, "agent@example.com", Role::Agent).await;
    let (visitor, ticket) = visitor_with_ticket(&h, "Refund").await;

    let blank = agent
        .tickets()
        .comment(&ticket, AgentComment::public("  "))
        .await;
    assert!(matches!(blank, Err(Error::InvalidInput { ref field, .. }) if field == "content"));
    let public = agent
        .tickets()
        .comment(&ticket, AgentComment::public("We're refunding you"))
        .await
        .unwrap();
    let note = agent
        .tickets()
        .comment(&ticket, AgentComment::internal("Approved by finance"))
        .await
        .unwrap();

    // The agent sees both, flagged.
    let comments = agent.tickets().comments(&ticket).await.unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].id, public);
    assert!(!comments[0].internal);
    assert_eq!(comments[1].id, note);
    assert!(comments[1].internal);
    assert_eq!(comments[1].author_type, "agent");
    assert_eq!(Some(comments[1].author_id.clone()), agent.user_id());
    let detail = agent.tickets().get(&ticket).await.unwrap();
    assert_eq!(detail.comments.len(), 2);
    assert_eq!(detail.ticket.ticket.subject, "Refund");

    // The visitor sees the public comment only, through both reads.
    let seen = visitor.tickets().comments(&ticket).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].content, "We're refunding you");
    let seen = visitor.tickets().get(&ticket).await.unwrap();
    assert_eq!(seen.comments.len(), 1);
    assert_eq!(seen.comments[0].id, public);
    // …and the server itself did not send the note to the visitor's getComments.
    let stored = h.mock.ticket_comments(&ticket);
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1]["isInternal"], true);
}

#[tokio::test]
async fn resolving_adds_the_system_comment() {
    let h = Harness::new().await;
    let agent = signed_in(&h.mock, "agent@example.com", Role::Agent).await;
    let (visitor, ticket) = visitor_with_ticket(&h, "Broken export").await;

    let blank = agent.tickets().resolve(&ticket, Some(" ")).await;
    assert!(matches!(blank, Err(Error::InvalidInput { ref field, .. }) if field == "summary"));
    agent
        .tickets()
        .resolve(&ticket, Some("Fixed in 2.3"))
        .await
        .unwrap();
    let detail = agent.tickets().get(&ticket).await.unwrap();
    assert_eq!(detail.ticket.ticket.status, TicketStatus::Resolved);
    assert_eq!(
        detail.ticket.ticket.resolution_summary.as_deref(),
        Some("Fixed in 2.3")
    );
    assert!(detail.ticket.resolved_at.is_some());
    let system = &detail.comments[0];
    assert_eq!(system.author_type, "system");
    assert_eq!(system.content, "Ticket resolved: Fixed in 2.3");
    assert!(!system.internal);
    // The visitor sees it too.
    let theirs = visitor.tickets().get(&ticket).await.unwrap();
    assert_eq!(theirs.ticket.status, TicketStatus::Resolved);
    assert_eq!(theirs.comments.len(), 1);
    assert_eq!(theirs.comments[0].author_type, "system");
}

#[tokio::test]
async fn a_conversation_converts_once() {
    let h = Harness::new().await;
    let agent = signed_in(&h.mock, "agent@example.com", Role::Agent).await;
    let conversation = visitor_conversation(&h.mock, "My invoice is wrong").await;

    let ticket = agent
        .tickets()
        .convert_from_conversation(&conversation, Some("Invoice"), Some(TicketPriority::High))
        .await
        .unwrap();
    let detail = agent.tickets().get(&ticket).await.unwrap();
    assert_eq!(detail.ticket.ticket.subject, "Invoice");
    assert_eq!(detail.ticket.ticket.priority, TicketPriority::High);
    assert_eq!(
        detail.ticket.conversation_id.as_deref(),
        Some(conversation.as_str())
    );
    assert!(detail.ticket.visitor_id.is_some());

    let again = agent
        .tickets()
        .convert_from_conversation(&conversation, None, None)
        .await
        .unwrap_err();
    match again {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "conversationId");
            assert_eq!(reason, "A ticket already exists for this conversation");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn viewers_read_but_cannot_change_tickets() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let viewer = signed_in(&h.mock, "viewer@example.com", Role::Viewer).await;
    let (_, ticket) = visitor_with_ticket(&h, "Slow app").await;
    let conversation = visitor_conversation(&h.mock, "hello").await;

    assert_eq!(
        viewer
            .tickets()
            .list(&ws, TicketFilter::new())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        viewer
            .tickets()
            .get(&ticket)
            .await
            .unwrap()
            .ticket
            .ticket
            .id,
        ticket
    );

    let refusals = [
        viewer
            .tickets()
            .update(&ticket, TicketUpdate::new().priority(TicketPriority::Low))
            .await
            .unwrap_err(),
        viewer.tickets().resolve(&ticket, None).await.unwrap_err(),
        viewer
            .tickets()
            .comment(&ticket, AgentComment::internal("note"))
            .await
            .unwrap_err(),
        viewer
            .tickets()
            .convert_from_conversation(&conversation, None, None)
            .await
            .unwrap_err(),
    ];
    for err in refusals {
        assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
        assert_eq!(
            err.denied_permission(),
            Some("conversations.reply"),
            "{err:?}"
        );
    }
    assert_eq!(h.mock.ticket(&ticket).unwrap()["priority"], "normal");
    assert!(h.mock.ticket_comments(&ticket).is_empty());
}

#[tokio::test]
async fn another_workspaces_agent_cannot_reach_the_ticket() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let (_, ticket) = visitor_with_ticket(&h, "Private").await;
    let stranger = outsider(&h.mock).await;

    for err in [
        stranger.tickets().get(&ticket).await.unwrap_err(),
        stranger.tickets().comments(&ticket).await.unwrap_err(),
        stranger
            .tickets()
            .list(&ws, TicketFilter::new())
            .await
            .unwrap_err(),
        stranger
            .tickets()
            .comment(&ticket, AgentComment::public("hi"))
            .await
            .unwrap_err(),
        stranger
            .tickets()
            .update(&ticket, TicketUpdate::new().status(TicketStatus::Resolved))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
        assert_eq!(err.denied_permission(), None);
    }
    assert_eq!(h.mock.ticket(&ticket).unwrap()["status"], "submitted");
    assert!(h.mock.ticket_comments(&ticket).is_empty());
    // Their own workspace is empty.
    let own = stranger.current_user().await.unwrap().workspace_id;
    assert!(stranger
        .tickets()
        .list(&own, TicketFilter::new())
        .await
        .unwrap()
        .is_empty());
}
