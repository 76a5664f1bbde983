//! Tags and snippets over HTTP (CONTRACT §15.3): CRUD, tags on conversations, snippet search
//! and shortcuts, the permission each needs (`conversations.read` for tag reads,
//! `checklists.manage` to manage tags, `conversations.assign` to apply them, `snippets.manage`
//! for every snippet call) and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{query, uncaught, visitor_with_conversation};
use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use common::AGENT_PASSWORD as PASSWORD;
use common::{as_agent, member};

fn names(rows: &Value) -> Vec<&str> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn tags_crud_and_conversation_links() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (agent, jwt) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let (_, _, conversation) = visitor_with_conversation(&mock, "a").await;

    let vip = as_agent(
        &mock,
        "mutation",
        "tags:create",
        json!({"workspaceId": ws, "name": "VIP", "color": "#ff0000"}),
        &jwt,
    )
    .await
    .unwrap();
    let bug = as_agent(
        &mock,
        "mutation",
        "tags:create",
        json!({"workspaceId": ws, "name": "Bug"}),
        &jwt,
    )
    .await
    .unwrap();
    let dup = as_agent(
        &mock,
        "mutation",
        "tags:create",
        json!({"workspaceId": ws, "name": "VIP"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&dup), "Tag \"VIP\" already exists");
    let listed = as_agent(
        &mock,
        "query",
        "tags:list",
        json!({"workspaceId": ws}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(names(&listed), vec!["VIP", "Bug"]);

    let renamed = as_agent(
        &mock,
        "mutation",
        "tags:update",
        json!({"id": bug, "name": "Defect"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(renamed, bug);
    let clash = as_agent(
        &mock,
        "mutation",
        "tags:update",
        json!({"id": bug, "name": "VIP"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&clash), "Tag \"VIP\" already exists");
    let got = as_agent(&mock, "query", "tags:get", json!({"id": bug}), &jwt)
        .await
        .unwrap();
    assert_eq!(got["name"], "Defect");
    assert!(got.get("color").is_none());

    let link = as_agent(
        &mock,
        "mutation",
        "tags:addToConversation",
        json!({"conversationId": conversation, "tagId": vip}),
        &jwt,
    )
    .await
    .unwrap();
    let again = as_agent(
        &mock,
        "mutation",
        "tags:addToConversation",
        json!({"conversationId": conversation, "tagId": vip, "appliedBy": "auto"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(link, again);
    let spoof = as_agent(
        &mock,
        "mutation",
        "tags:addToConversation",
        json!({"conversationId": conversation, "tagId": bug, "appliedByUserId": mock.create_agent(&ws, "x@example.com", PASSWORD, Role::Agent)}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&spoof),
        "Cannot apply tag on behalf of another user"
    );
    as_agent(
        &mock,
        "mutation",
        "tags:addToConversation",
        json!({"conversationId": conversation, "tagId": bug}),
        &jwt,
    )
    .await
    .unwrap();
    let on = as_agent(
        &mock,
        "query",
        "tags:getConversationTags",
        json!({"conversationId": conversation}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(names(&on), vec!["VIP", "Defect"]);
    assert_eq!(on[0]["appliedBy"], "manual");
    assert_eq!(on[0]["appliedByUserId"], agent.as_str());
    assert!(on[0]["appliedAt"].is_number());

    let removed = as_agent(
        &mock,
        "mutation",
        "tags:removeFromConversation",
        json!({"conversationId": conversation, "tagId": vip}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(removed, Value::Null);
    // Deleting a tag also unlinks it.
    as_agent(&mock, "mutation", "tags:remove", json!({"id": bug}), &jwt)
        .await
        .unwrap();
    let on = as_agent(
        &mock,
        "query",
        "tags:getConversationTags",
        json!({"conversationId": conversation}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(on, json!([]));
    let gone = as_agent(&mock, "query", "tags:get", json!({"id": bug}), &jwt)
        .await
        .unwrap();
    assert_eq!(gone, Value::Null);
    let missing = as_agent(&mock, "mutation", "tags:remove", json!({"id": bug}), &jwt)
        .await
        .unwrap_err();
    assert_eq!(uncaught(&missing), "Tag not found");
}

#[tokio::test]
async fn tag_permissions_and_tenant_isolation() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, admin) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let (_, viewer) = member(&mock, &ws, "viewer@example.com", Role::Viewer);
    let other = mock.create_workspace("Other");
    let (_, outsider) = member(&mock, &other, "out@example.com", Role::Owner);
    let (_, _, conversation) = visitor_with_conversation(&mock, "a").await;
    let tag = as_agent(
        &mock,
        "mutation",
        "tags:create",
        json!({"workspaceId": ws, "name": "VIP"}),
        &admin,
    )
    .await
    .unwrap();

    let denied = as_agent(
        &mock,
        "mutation",
        "tags:create",
        json!({"workspaceId": ws, "name": "Nope"}),
        &viewer,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&denied), "Permission denied: checklists.manage");
    let denied = as_agent(
        &mock,
        "mutation",
        "tags:addToConversation",
        json!({"conversationId": conversation, "tagId": tag}),
        &viewer,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&denied), "Permission denied: conversations.assign");
    // The viewer reads.
    let listed = as_agent(
        &mock,
        "query",
        "tags:list",
        json!({"workspaceId": ws}),
        &viewer,
    )
    .await
    .unwrap();
    assert_eq!(names(&listed), vec!["VIP"]);

    // Another workspace's agent and anonymous callers read nothing and change nothing.
    for jwt in [Some(&outsider), None] {
        let list_args = json!({"workspaceId": ws});
        let get_args = json!({"id": tag});
        let (list, get) = match jwt {
            Some(jwt) => (
                as_agent(&mock, "query", "tags:list", list_args, jwt).await,
                as_agent(&mock, "query", "tags:get", get_args, jwt).await,
            ),
            None => (
                query(&mock, "tags:list", list_args).await,
                query(&mock, "tags:get", get_args).await,
            ),
        };
        assert_eq!(list.unwrap(), json!([]));
        assert_eq!(get.unwrap(), Value::Null);
    }
    let foreign = as_agent(
        &mock,
        "mutation",
        "tags:update",
        json!({"id": tag, "name": "Mine"}),
        &outsider,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&foreign), "Not a member of this workspace");
    // A tag of another workspace cannot go on this conversation.
    let theirs = as_agent(
        &mock,
        "mutation",
        "tags:create",
        json!({"workspaceId": other, "name": "Theirs"}),
        &outsider,
    )
    .await
    .unwrap();
    let mixed = as_agent(
        &mock,
        "mutation",
        "tags:addToConversation",
        json!({"conversationId": conversation, "tagId": theirs}),
        &admin,
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&mixed),
        "Tag and conversation belong to different workspaces"
    );
}

#[tokio::test]
async fn snippets_crud_search_and_shortcuts() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (agent, jwt) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let create = |name: &str, content: &str, shortcut: Option<&str>| {
        let mut args = json!({"workspaceId": ws, "name": name, "content": content});
        if let Some(s) = shortcut {
            args["shortcut"] = json!(s);
        }
        args
    };
    let thanks = as_agent(
        &mock,
        "mutation",
        "snippets:create",
        create("thanks", "Thanks for reaching out!", Some("ty")),
        &jwt,
    )
    .await
    .unwrap();
    let refund = as_agent(
        &mock,
        "mutation",
        "snippets:create",
        {
            let mut a = create("Refund policy", "Refunds take 5 days", Some("refund"));
            a["createdBy"] = json!(agent);
            a
        },
        &jwt,
    )
    .await
    .unwrap();
    let dup = as_agent(
        &mock,
        "mutation",
        "snippets:create",
        create("Other", "x", Some("ty")),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&dup), "Shortcut already exists");

    let listed = as_agent(
        &mock,
        "query",
        "snippets:list",
        json!({"workspaceId": ws}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(names(&listed), vec!["Refund policy", "thanks"]);
    let found = as_agent(
        &mock,
        "query",
        "snippets:search",
        json!({"workspaceId": ws, "query": "DAYS"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(names(&found), vec!["Refund policy"]);
    let by_shortcut = as_agent(
        &mock,
        "query",
        "snippets:getByShortcut",
        json!({"workspaceId": ws, "shortcut": "ty"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(by_shortcut["_id"], thanks);
    let none = as_agent(
        &mock,
        "query",
        "snippets:getByShortcut",
        json!({"workspaceId": ws, "shortcut": "nope"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(none, Value::Null);

    let clash = as_agent(
        &mock,
        "mutation",
        "snippets:update",
        json!({"id": refund, "shortcut": "ty"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&clash), "Shortcut already exists");
    as_agent(
        &mock,
        "mutation",
        "snippets:update",
        json!({"id": refund, "content": "Refunds take 3 days", "shortcut": "refund"}),
        &jwt,
    )
    .await
    .unwrap();
    let got = as_agent(&mock, "query", "snippets:get", json!({"id": refund}), &jwt)
        .await
        .unwrap();
    assert_eq!(got["content"], "Refunds take 3 days");
    assert_eq!(got["createdBy"], agent.as_str());

    let removed = as_agent(
        &mock,
        "mutation",
        "snippets:remove",
        json!({"id": refund}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(removed, json!({"success": true}));
    let gone = as_agent(&mock, "query", "snippets:get", json!({"id": refund}), &jwt)
        .await
        .unwrap_err();
    assert_eq!(
        uncaught(&gone),
        "Auth wrapper misconfigured: missing workspace resolver"
    );
}

#[tokio::test]
async fn snippets_need_snippets_manage_even_to_read() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, agent) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let (viewer_id, viewer) = member(&mock, &ws, "viewer@example.com", Role::Viewer);
    let other = mock.create_workspace("Other");
    let (_, outsider) = member(&mock, &other, "out@example.com", Role::Owner);
    let snippet = as_agent(
        &mock,
        "mutation",
        "snippets:create",
        json!({"workspaceId": ws, "name": "Hi", "content": "Hello"}),
        &agent,
    )
    .await
    .unwrap();
    let on_behalf = as_agent(
        &mock,
        "mutation",
        "snippets:create",
        json!({"workspaceId": ws, "name": "Hi", "content": "Hello", "createdBy": viewer_id}),
        &agent,
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&on_behalf),
        "Cannot create snippet on behalf of another user"
    );

    let calls = [
        ("query", "snippets:list", json!({"workspaceId": ws})),
        ("query", "snippets:get", json!({"id": snippet})),
        (
            "query",
            "snippets:search",
            json!({"workspaceId": ws, "query": "h"}),
        ),
        (
            "query",
            "snippets:getByShortcut",
            json!({"workspaceId": ws, "shortcut": "h"}),
        ),
        (
            "mutation",
            "snippets:create",
            json!({"workspaceId": ws, "name": "x", "content": "y"}),
        ),
        (
            "mutation",
            "snippets:update",
            json!({"id": snippet, "name": "x"}),
        ),
        ("mutation", "snippets:remove", json!({"id": snippet})),
    ];
    for (endpoint, path, args) in &calls {
        let denied = as_agent(&mock, endpoint, path, args.clone(), &viewer)
            .await
            .unwrap_err();
        assert_eq!(
            uncaught(&denied),
            "Permission denied: snippets.manage",
            "{path}"
        );
        let foreign = as_agent(&mock, endpoint, path, args.clone(), &outsider)
            .await
            .unwrap_err();
        assert_eq!(
            uncaught(&foreign),
            "Not a member of this workspace",
            "{path}"
        );
    }
    let anonymous = query(&mock, "snippets:list", json!({"workspaceId": ws}))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&anonymous), "Not authenticated");
    // Still there, unchanged.
    let got = as_agent(
        &mock,
        "query",
        "snippets:get",
        json!({"id": snippet}),
        &agent,
    )
    .await
    .unwrap();
    assert_eq!(got["name"], "Hi");
}
