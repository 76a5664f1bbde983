//! The agent side of tickets over HTTP (CONTRACT §15.3): list / listForAdminView /
//! getForAdminView, update, resolve (with its system comment), agent comments (internal ones
//! hidden from the visitor's getComments), convertFromConversation (once per conversation),
//! the permission checks of each role and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{boot_anonymous, mutation, query, uncaught, visitor_with_conversation};
use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use common::{as_agent, member};

/// A visitor with a ticket: `(sessionToken, visitorId, ticketId)`.
async fn visitor_ticket(
    mock: &ServerMock,
    session: &str,
    subject: &str,
) -> (String, String, String) {
    let ws = mock.workspace_id();
    let (token, visitor) = boot_anonymous(mock, &ws, session).await;
    let id = mutation(
        mock,
        "tickets:create",
        json!({"workspaceId": ws, "sessionToken": token, "subject": subject}),
    )
    .await
    .unwrap();
    (token, visitor, id.as_str().unwrap().to_owned())
}

fn ids(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|t| t["_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn list_filters_and_enriches_newest_first() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (agent, jwt) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let (_, visitor, first) = visitor_ticket(&mock, "a", "First").await;
    let (_, _, second) = visitor_ticket(&mock, "b", "Second").await;

    let all = as_agent(
        &mock,
        "query",
        "tickets:list",
        json!({"workspaceId": ws}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(ids(&all), vec![second.clone(), first.clone()]);
    assert_eq!(all[1]["visitor"]["_id"], visitor.as_str());
    assert_eq!(all[1]["assignee"], Value::Null);
    assert_eq!(all[1]["attachments"], json!([]));

    as_agent(
        &mock,
        "mutation",
        "tickets:update",
        json!({"id": first, "status": "in_progress", "priority": "urgent", "assigneeId": agent,
               "teamId": "billing"}),
        &jwt,
    )
    .await
    .unwrap();
    let stored = mock.ticket(&first).unwrap();
    assert_eq!(stored["status"], "in_progress");
    assert_eq!(stored["priority"], "urgent");
    assert_eq!(stored["teamId"], "billing");
    assert!(stored.get("resolvedAt").is_none());

    let by_status = as_agent(
        &mock,
        "query",
        "tickets:list",
        json!({"workspaceId": ws, "status": "in_progress"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(ids(&by_status), vec![first.clone()]);
    assert_eq!(by_status[0]["assignee"]["email"], "agent@example.com");
    let mine = as_agent(
        &mock,
        "query",
        "tickets:list",
        json!({"workspaceId": ws, "assigneeId": agent}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(ids(&mine), vec![first.clone()]);

    // Strict validators: unknown statuses and extra fields are refused.
    let bad = as_agent(
        &mock,
        "query",
        "tickets:list",
        json!({"workspaceId": ws, "status": "open"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(bad.contains("ArgumentValidationError"), "{bad}");
    let extra = as_agent(
        &mock,
        "mutation",
        "tickets:update",
        json!({"id": first, "title": "x"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(extra.contains("extra field `title`"), "{extra}");
    let null = as_agent(
        &mock,
        "mutation",
        "tickets:update",
        json!({"id": first, "priority": null}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(null.contains("ArgumentValidationError"), "{null}");
}

#[tokio::test]
async fn admin_views_report_a_status_instead_of_throwing() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, viewer) = member(&mock, &ws, "viewer@example.com", Role::Viewer);
    let other = mock.create_workspace("Other");
    let (_, outsider) = member(&mock, &other, "out@example.com", Role::Owner);
    let (_, _, ticket) = visitor_ticket(&mock, "a", "Help").await;

    let anonymous = query(
        &mock,
        "tickets:listForAdminView",
        json!({"workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(
        anonymous,
        json!({"status": "unauthenticated", "tickets": []})
    );
    let forbidden = as_agent(
        &mock,
        "query",
        "tickets:listForAdminView",
        json!({"workspaceId": ws}),
        &outsider,
    )
    .await
    .unwrap();
    assert_eq!(forbidden, json!({"status": "forbidden", "tickets": []}));
    let ok = as_agent(
        &mock,
        "query",
        "tickets:listForAdminView",
        json!({"workspaceId": ws}),
        &viewer,
    )
    .await
    .unwrap();
    assert_eq!(ok["status"], "ok");
    assert_eq!(ids(&ok["tickets"]), vec![ticket.clone()]);

    let one = as_agent(
        &mock,
        "query",
        "tickets:getForAdminView",
        json!({"id": ticket}),
        &viewer,
    )
    .await
    .unwrap();
    assert_eq!(one["status"], "ok");
    assert_eq!(one["ticket"]["subject"], "Help");
    assert_eq!(one["ticket"]["comments"], json!([]));
    let hidden = as_agent(
        &mock,
        "query",
        "tickets:getForAdminView",
        json!({"id": ticket}),
        &outsider,
    )
    .await
    .unwrap();
    assert_eq!(hidden, json!({"status": "forbidden", "ticket": null}));
}

#[tokio::test]
async fn internal_comments_stay_away_from_the_visitor() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (agent, jwt) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let (token, visitor, ticket) = visitor_ticket(&mock, "a", "Broken").await;

    let public = as_agent(
        &mock,
        "mutation",
        "tickets:addComment",
        json!({"ticketId": ticket, "content": "We're on it"}),
        &jwt,
    )
    .await
    .unwrap();
    let internal = as_agent(
        &mock,
        "mutation",
        "tickets:addComment",
        json!({"ticketId": ticket, "content": "Customer is on the old plan", "isInternal": true,
               "authorType": "system", "authorId": "spoofed"}),
        &jwt,
    )
    .await
    .unwrap();
    let stored = mock.ticket_comments(&ticket);
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1]["_id"], internal);
    assert_eq!(stored[1]["authorId"], agent.as_str());
    assert_eq!(stored[1]["authorType"], "agent");
    assert_eq!(stored[1]["isInternal"], true);

    // The visitor sees only the public one.
    let seen = query(
        &mock,
        "tickets:getComments",
        json!({"ticketId": ticket, "sessionToken": token, "includeInternal": true}),
    )
    .await
    .unwrap();
    assert_eq!(ids(&seen), vec![public.as_str().unwrap().to_owned()]);
    // The agent sees both when asking, one otherwise.
    let all = as_agent(
        &mock,
        "query",
        "tickets:getComments",
        json!({"ticketId": ticket, "includeInternal": true}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let public_only = as_agent(
        &mock,
        "query",
        "tickets:getComments",
        json!({"ticketId": ticket}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(ids(&public_only), vec![public.as_str().unwrap().to_owned()]);
    // An agent reads the visitor's ticket list through the visitor id.
    let listed = as_agent(
        &mock,
        "query",
        "tickets:listByVisitor",
        json!({"workspaceId": ws, "visitorId": visitor}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(ids(&listed), vec![ticket.clone()]);
}

#[tokio::test]
async fn resolve_adds_a_system_comment_only_with_a_summary() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, jwt) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let (token, _, ticket) = visitor_ticket(&mock, "a", "Broken").await;
    let (_, _, quiet) = visitor_ticket(&mock, "b", "Also broken").await;

    let id = as_agent(
        &mock,
        "mutation",
        "tickets:resolve",
        json!({"id": ticket, "resolutionSummary": "Refunded"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(id, ticket.as_str());
    let stored = mock.ticket(&ticket).unwrap();
    assert_eq!(stored["status"], "resolved");
    assert_eq!(stored["resolutionSummary"], "Refunded");
    assert!(stored["resolvedAt"].is_number());
    let comments = query(
        &mock,
        "tickets:getComments",
        json!({"ticketId": ticket, "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(comments.as_array().unwrap().len(), 1);
    assert_eq!(comments[0]["authorType"], "system");
    assert_eq!(comments[0]["authorId"], "system");
    assert_eq!(comments[0]["content"], "Ticket resolved: Refunded");

    as_agent(
        &mock,
        "mutation",
        "tickets:resolve",
        json!({"id": quiet}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(mock.ticket(&quiet).unwrap()["status"], "resolved");
    assert!(mock.ticket_comments(&quiet).is_empty());
}

#[tokio::test]
async fn convert_from_conversation_once() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, jwt) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let (_, visitor, conversation) = visitor_with_conversation(&mock, "a").await;

    let ticket = as_agent(
        &mock,
        "mutation",
        "tickets:convertFromConversation",
        json!({"conversationId": conversation, "priority": "high"}),
        &jwt,
    )
    .await
    .unwrap();
    let stored = mock.ticket(ticket.as_str().unwrap()).unwrap();
    assert_eq!(stored["subject"], "Ticket from conversation");
    assert_eq!(stored["priority"], "high");
    assert_eq!(stored["visitorId"], visitor.as_str());
    assert_eq!(stored["conversationId"], conversation.as_str());
    assert_eq!(stored["status"], "submitted");

    let again = as_agent(
        &mock,
        "mutation",
        "tickets:convertFromConversation",
        json!({"conversationId": conversation, "subject": "Again"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&again),
        "A ticket already exists for this conversation"
    );
}

#[tokio::test]
async fn roles_and_workspaces_bound_every_agent_ticket_call() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, viewer) = member(&mock, &ws, "viewer@example.com", Role::Viewer);
    let other = mock.create_workspace("Other");
    let (_, outsider) = member(&mock, &other, "out@example.com", Role::Owner);
    let (_, _, ticket) = visitor_ticket(&mock, "a", "Broken").await;
    let (_, _, conversation) = visitor_with_conversation(&mock, "c").await;

    let writes = [
        (
            "tickets:update",
            json!({"id": ticket, "status": "resolved"}),
        ),
        ("tickets:resolve", json!({"id": ticket})),
        (
            "tickets:addComment",
            json!({"ticketId": ticket, "content": "hi"}),
        ),
        (
            "tickets:convertFromConversation",
            json!({"conversationId": conversation}),
        ),
    ];
    for (path, args) in &writes {
        let denied = as_agent(&mock, "mutation", path, args.clone(), &viewer)
            .await
            .unwrap_err();
        assert_eq!(
            uncaught(&denied),
            "Permission denied: conversations.reply",
            "{path}"
        );
        let foreign = as_agent(&mock, "mutation", path, args.clone(), &outsider)
            .await
            .unwrap_err();
        assert_eq!(
            uncaught(&foreign),
            "Not a member of this workspace",
            "{path}"
        );
    }
    let anonymous = mutation(&mock, "tickets:update", json!({"id": ticket}))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&anonymous), "Not authenticated");
    assert_eq!(mock.ticket(&ticket).unwrap()["status"], "submitted");
    assert!(mock.ticket_comments(&ticket).is_empty());

    // Reads: the viewer may, the outsider may not.
    let read = as_agent(
        &mock,
        "query",
        "tickets:get",
        json!({"id": ticket}),
        &viewer,
    )
    .await
    .unwrap();
    assert_eq!(read["_id"], ticket.as_str());
    for (path, args) in [
        ("tickets:get", json!({"id": ticket})),
        ("tickets:getComments", json!({"ticketId": ticket})),
        ("tickets:list", json!({"workspaceId": ws})),
    ] {
        let foreign = as_agent(&mock, "query", path, args, &outsider)
            .await
            .unwrap_err();
        assert_eq!(
            uncaught(&foreign),
            "Not a member of this workspace",
            "{path}"
        );
    }
    let anonymous_list = query(&mock, "tickets:list", json!({"workspaceId": ws}))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&anonymous_list), "Not authenticated");
}
