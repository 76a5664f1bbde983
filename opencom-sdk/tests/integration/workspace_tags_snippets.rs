//! Tags and snippets through `WorkspaceClient::tags()` / `snippets()` against server-mock:
//! CRUD, tags on conversations, snippet search and shortcuts, typed conflicts, a viewer refused
//! with the permission named, and another workspace's agent kept out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::workspace::{builder, signed_in, visitor_conversation, PASSWORD};

use opencom_sdk::{Error, MemoryStorage, NewSnippet, SnippetUpdate, TagUpdate, WorkspaceClient};
use server_mock::{Role, ServerMock};

async fn outsider(mock: &ServerMock) -> (WorkspaceClient, String) {
    let other = mock.create_workspace("Other Co");
    mock.create_agent(&other, "owner@other.example", PASSWORD, Role::Owner);
    let client = builder(mock, Arc::new(MemoryStorage::new()))
        .build()
        .unwrap();
    client
        .sign_in_password("owner@other.example", PASSWORD)
        .await
        .unwrap();
    (client, other)
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| name(i).to_owned()).collect()
}

#[tokio::test]
async fn agents_manage_tags_and_apply_them() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let agent = signed_in(&mock, "agent@example.com", Role::Agent).await;
    let conversation = visitor_conversation(&mock, "Where is my order?").await;
    let tags = agent.tags();

    let blank = tags.create(&ws, " ", None).await;
    assert!(matches!(blank, Err(Error::InvalidInput { ref field, .. }) if field == "name"));
    let vip = tags.create(&ws, "VIP", Some("#ff0000")).await.unwrap();
    let bug = tags.create(&ws, "Bug", None).await.unwrap();
    match tags.create(&ws, "VIP", None).await.unwrap_err() {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "name");
            assert_eq!(reason, "Tag \"VIP\" already exists");
        }
        other => panic!("{other:?}"),
    }
    let listed = tags.list(&ws).await.unwrap();
    assert_eq!(names(&listed, |t| &t.name), ["VIP", "Bug"]);
    assert_eq!(listed[0].color.as_deref(), Some("#ff0000"));

    tags.update(&bug, TagUpdate::new().name("Defect").color("#00ff00"))
        .await
        .unwrap();
    let defect = tags.get(&bug).await.unwrap();
    assert_eq!(defect.name, "Defect");
    assert_eq!(defect.color.as_deref(), Some("#00ff00"));
    assert!(matches!(
        tags.update(&bug, TagUpdate::new()).await,
        Err(Error::InvalidInput { .. })
    ));

    tags.add_to_conversation(&conversation, &vip).await.unwrap();
    tags.add_to_conversation(&conversation, &vip).await.unwrap();
    tags.add_to_conversation(&conversation, &bug).await.unwrap();
    let applied = tags.for_conversation(&conversation).await.unwrap();
    assert_eq!(names(&applied, |a| &a.tag.name), ["VIP", "Defect"]);
    assert_eq!(applied[0].applied_by, "manual");
    assert_eq!(applied[0].applied_by_user_id, agent.user_id());
    assert!(applied[0].applied_at.is_some());

    tags.remove_from_conversation(&conversation, &vip)
        .await
        .unwrap();
    tags.remove(&bug).await.unwrap();
    assert!(tags
        .for_conversation(&conversation)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(tags.get(&bug).await, Err(Error::NotFound { .. })));
    assert!(matches!(
        tags.remove(&bug).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn viewers_read_tags_but_cannot_manage_or_apply_them() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let admin = signed_in(&mock, "admin@example.com", Role::Admin).await;
    let viewer = signed_in(&mock, "viewer@example.com", Role::Viewer).await;
    let conversation = visitor_conversation(&mock, "hi").await;
    let tag = admin.tags().create(&ws, "VIP", None).await.unwrap();

    assert_eq!(viewer.tags().list(&ws).await.unwrap().len(), 1);
    let create = viewer.tags().create(&ws, "Nope", None).await.unwrap_err();
    assert_eq!(create.denied_permission(), Some("checklists.manage"));
    let rename = viewer
        .tags()
        .update(&tag, TagUpdate::new().name("Mine"))
        .await
        .unwrap_err();
    assert_eq!(rename.denied_permission(), Some("checklists.manage"));
    let apply = viewer
        .tags()
        .add_to_conversation(&conversation, &tag)
        .await
        .unwrap_err();
    assert!(matches!(apply, Error::NotAuthorized { .. }));
    assert_eq!(apply.denied_permission(), Some("conversations.assign"));
    assert_eq!(admin.tags().get(&tag).await.unwrap().name, "VIP");
}

#[tokio::test]
async fn tags_stay_in_their_workspace() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let admin = signed_in(&mock, "admin@example.com", Role::Admin).await;
    let conversation = visitor_conversation(&mock, "hi").await;
    let tag = admin.tags().create(&ws, "VIP", None).await.unwrap();
    admin
        .tags()
        .add_to_conversation(&conversation, &tag)
        .await
        .unwrap();
    let (stranger, theirs) = outsider(&mock).await;

    // Reads answer nothing rather than someone else's data.
    assert!(stranger.tags().list(&ws).await.unwrap().is_empty());
    assert!(matches!(
        stranger.tags().get(&tag).await,
        Err(Error::NotFound { .. })
    ));
    assert!(stranger
        .tags()
        .for_conversation(&conversation)
        .await
        .unwrap()
        .is_empty());
    let rename = stranger
        .tags()
        .update(&tag, TagUpdate::new().name("Mine"))
        .await
        .unwrap_err();
    assert!(matches!(rename, Error::NotAuthorized { .. }), "{rename:?}");
    assert!(matches!(
        stranger.tags().remove(&tag).await,
        Err(Error::NotAuthorized { .. })
    ));
    // A tag of their workspace cannot be put on this one's conversation.
    let foreign = stranger
        .tags()
        .create(&theirs, "Theirs", None)
        .await
        .unwrap();
    match admin
        .tags()
        .add_to_conversation(&conversation, &foreign)
        .await
        .unwrap_err()
    {
        Error::InvalidInput { field, .. } => assert_eq!(field, "tagId"),
        other => panic!("{other:?}"),
    }
    assert_eq!(admin.tags().get(&tag).await.unwrap().name, "VIP");
    assert_eq!(
        admin
            .tags()
            .for_conversation(&conversation)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn agents_manage_and_find_snippets() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let agent = signed_in(&mock, "agent@example.com", Role::Agent).await;
    let snippets = agent.snippets();

    let bad = snippets
        .create(&ws, NewSnippet::new("Thanks", "Thanks!").shortcut("t y"))
        .await;
    assert!(matches!(bad, Err(Error::InvalidInput { ref field, .. }) if field == "shortcut"));
    let thanks = snippets
        .create(
            &ws,
            NewSnippet::new("thanks", "Thanks for reaching out!").shortcut("ty"),
        )
        .await
        .unwrap();
    let refund = snippets
        .create(
            &ws,
            NewSnippet::new("Refund policy", "Refunds take 5 days").shortcut("refund"),
        )
        .await
        .unwrap();
    match snippets
        .create(&ws, NewSnippet::new("Other", "x").shortcut("ty"))
        .await
        .unwrap_err()
    {
        Error::InvalidInput { field, .. } => assert_eq!(field, "shortcut"),
        other => panic!("{other:?}"),
    }

    let all = snippets.list(&ws).await.unwrap();
    assert_eq!(names(&all, |s| &s.name), ["Refund policy", "thanks"]);
    assert_eq!(all[0].created_by, agent.user_id());
    let hits = snippets.search(&ws, "DAYS").await.unwrap();
    assert_eq!(names(&hits, |s| &s.name), ["Refund policy"]);
    assert!(matches!(
        snippets.search(&ws, "  ").await,
        Err(Error::InvalidInput { .. })
    ));
    let by_shortcut = snippets.by_shortcut(&ws, "ty").await.unwrap().unwrap();
    assert_eq!(by_shortcut.id, thanks);
    assert!(snippets.by_shortcut(&ws, "nope").await.unwrap().is_none());

    snippets
        .update(&refund, SnippetUpdate::new().content("Refunds take 3 days"))
        .await
        .unwrap();
    assert_eq!(
        snippets.get(&refund).await.unwrap().content,
        "Refunds take 3 days"
    );
    let clash = snippets
        .update(&refund, SnippetUpdate::new().shortcut("ty"))
        .await
        .unwrap_err();
    assert!(matches!(clash, Error::InvalidInput { ref field, .. } if field == "shortcut"));

    snippets.remove(&refund).await.unwrap();
    assert!(matches!(
        snippets.get(&refund).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        snippets.remove(&refund).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(snippets.list(&ws).await.unwrap().len(), 1);
}

#[tokio::test]
async fn snippets_refuse_viewers_and_strangers_even_for_reads() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let agent = signed_in(&mock, "agent@example.com", Role::Agent).await;
    let viewer = signed_in(&mock, "viewer@example.com", Role::Viewer).await;
    let snippet = agent
        .snippets()
        .create(&ws, NewSnippet::new("Hi", "Hello").shortcut("hi"))
        .await
        .unwrap();
    let (stranger, _) = outsider(&mock).await;

    for (who, client) in [("viewer", &viewer), ("stranger", &stranger)] {
        let s = client.snippets();
        let errors = [
            s.list(&ws).await.unwrap_err(),
            s.get(&snippet).await.unwrap_err(),
            s.search(&ws, "hel").await.unwrap_err(),
            s.by_shortcut(&ws, "hi").await.unwrap_err(),
            s.create(&ws, NewSnippet::new("x", "y")).await.unwrap_err(),
            s.update(&snippet, SnippetUpdate::new().name("x"))
                .await
                .unwrap_err(),
            s.remove(&snippet).await.unwrap_err(),
        ];
        for err in errors {
            assert!(matches!(err, Error::NotAuthorized { .. }), "{who}: {err:?}");
            let expected = (who == "viewer").then_some("snippets.manage");
            assert_eq!(err.denied_permission(), expected, "{who}: {err:?}");
        }
    }
    let kept = agent.snippets().get(&snippet).await.unwrap();
    assert_eq!(kept.name, "Hi");
    assert_eq!(agent.snippets().list(&ws).await.unwrap().len(), 1);
}
