//! Help-center authoring (`WorkspaceClient::help_center`) over real HTTP against server-mock:
//! the full flow as an admin, what a visitor then sees, permission refusals naming the
//! permission, collection move rules and the asset limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::workspace::signed_in;

use common::Harness;
use opencom_sdk::{
    ArticleDraft, ArticleFilter, ArticleStatus, ArticleVisibility, AssetUpload, CollectionDraft,
    CollectionUpdate, Error, ASSET_MIME_TYPES, MAX_ASSET_BYTES,
};
use server_mock::Role;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-a-png";

fn invalid_field(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn an_admin_authors_and_a_visitor_reads_the_published_article() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let admin = signed_in(&h.mock, "admin@example.com", Role::Admin).await;
    let help = admin.help_center();

    let guides = help
        .create_collection(
            &ws,
            CollectionDraft::new("Guides")
                .icon("book")
                .description("How-tos"),
        )
        .await
        .unwrap();
    let setup = help
        .create_collection(&ws, CollectionDraft::new("Setup").parent(&guides))
        .await
        .unwrap();
    let published = help
        .create_article(
            &ws,
            ArticleDraft::new("Install the app", "Download it.")
                .collection(&setup)
                .tags(["setup", "mobile"])
                .author(admin.user_id().unwrap()),
        )
        .await
        .unwrap();
    let draft = help
        .create_article(
            &ws,
            ArticleDraft::new("Roadmap", "Secret plans").collection(&setup),
        )
        .await
        .unwrap();

    // The asset, referenced from the content.
    let asset = help
        .upload_asset(
            &ws,
            AssetUpload::new("install screen.png", PNG).article(&published),
        )
        .await
        .unwrap();
    assert_eq!(asset.reference, format!("oc-asset://{}", asset.id));
    assert_eq!(asset.mime_type, "image/png");
    assert_eq!(asset.size, PNG.len() as u64);
    assert_eq!(asset.file_name, "install-screen.png");
    let url = asset.url.clone().unwrap();
    help.update_article(
        &published,
        ArticleDraft::new(
            "Install the Opencom app",
            format!("Download it.\n\n![screen]({})", asset.reference),
        ),
    )
    .await
    .unwrap();
    help.publish_article(&published).await.unwrap();

    let article = help.get_article(&published).await.unwrap();
    assert_eq!(article.status, ArticleStatus::Published);
    assert_eq!(article.slug, "install-the-opencom-app");
    assert_eq!(article.collection_id.as_deref(), Some(setup.as_str()));
    assert_eq!(article.tags, vec!["setup".to_owned(), "mobile".to_owned()]);
    assert_eq!(article.visibility, ArticleVisibility::Public);
    assert!(article.published_at.is_some());
    assert_eq!(
        article.rendered_content.as_deref(),
        Some(format!("Download it.\n\n![screen]({url})").as_str())
    );
    let by_slug = help
        .article_by_slug(&ws, "install-the-opencom-app")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_slug.id, published);

    // The team sees both; the draft filter and search see the draft.
    let all = help.list_articles(&ws, ArticleFilter::new()).await.unwrap();
    assert_eq!(all.len(), 2);
    let drafts = help
        .list_articles(&ws, ArticleFilter::new().status(ArticleStatus::Draft))
        .await
        .unwrap();
    assert_eq!(
        drafts.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
        vec![draft.clone()]
    );
    assert_eq!(
        help.search_articles(&ws, "secret", false)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(help
        .search_articles(&ws, "secret", true)
        .await
        .unwrap()
        .is_empty());
    let listed_assets = help.list_assets(&ws, Some(&published)).await.unwrap();
    assert_eq!(listed_assets.len(), 1);
    assert_eq!(listed_assets[0].id, asset.id);

    // A visitor sees only the published article, its image resolved, under Guides > Setup.
    let visitor = h.client();
    visitor.start().await.unwrap();
    let visible = visitor.help_center().articles(None).await.unwrap();
    assert_eq!(visible.len(), 1);
    assert_eq!(visible[0].id, published);
    assert!(visible[0].rendered_content.contains(&url));
    assert!(visitor
        .help_center()
        .article(&draft)
        .await
        .unwrap()
        .is_none());
    let tree = visitor.help_center().collections().await.unwrap();
    assert_eq!(tree.len(), 1);
    assert_eq!(tree[0].collection.id, guides);
    assert_eq!(tree[0].children[0].collection.id, setup);

    // Unpublish → gone for the visitor; archive keeps it for the team.
    help.unpublish_article(&published).await.unwrap();
    assert!(visitor
        .help_center()
        .articles(None)
        .await
        .unwrap()
        .is_empty());
    help.archive_article(&published).await.unwrap();
    assert_eq!(
        help.get_article(&published).await.unwrap().status,
        ArticleStatus::Archived
    );

    // Deleting: the referenced asset first refuses, then goes once the article is removed.
    assert_eq!(
        invalid_field(help.delete_asset(&ws, &asset.id).await),
        "asset_id"
    );
    help.remove_article(&published).await.unwrap();
    help.delete_asset(&ws, &asset.id).await.unwrap();
    assert!(help.list_assets(&ws, None).await.unwrap().is_empty());
    assert!(matches!(
        help.get_article(&published).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        help.publish_article(&published).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn agents_and_viewers_read_but_are_refused_writes_naming_the_permission() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let admin = signed_in(&h.mock, "admin@example.com", Role::Admin).await;
    let article = admin
        .help_center()
        .create_article(&ws, ArticleDraft::new("Refunds", "14 days"))
        .await
        .unwrap();
    let collection = admin
        .help_center()
        .create_collection(&ws, CollectionDraft::new("Billing"))
        .await
        .unwrap();

    for (email, role) in [
        ("agent@example.com", Role::Agent),
        ("viewer@example.com", Role::Viewer),
    ] {
        let client = signed_in(&h.mock, email, role).await;
        let help = client.help_center();
        let denied = |result: Result<(), Error>| -> String {
            let err = result.unwrap_err();
            assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
            err.denied_permission().unwrap().to_owned()
        };
        assert_eq!(
            denied(
                help.create_article(&ws, ArticleDraft::new("T", "c"))
                    .await
                    .map(drop)
            ),
            "articles.create"
        );
        assert_eq!(
            denied(
                help.update_article(&article, ArticleDraft::new("T", "c"))
                    .await
            ),
            "articles.create"
        );
        assert_eq!(
            denied(help.publish_article(&article).await),
            "articles.publish"
        );
        assert_eq!(
            denied(help.archive_article(&article).await),
            "articles.publish"
        );
        assert_eq!(
            denied(help.remove_article(&article).await),
            "articles.delete"
        );
        assert_eq!(
            denied(
                help.create_collection(&ws, CollectionDraft::new("X"))
                    .await
                    .map(drop)
            ),
            "articles.create"
        );
        assert_eq!(
            denied(
                help.update_collection(&collection, CollectionUpdate::new().name("Y"))
                    .await
            ),
            "articles.create"
        );
        assert_eq!(
            denied(
                help.upload_asset(&ws, AssetUpload::new("a.png", PNG))
                    .await
                    .map(drop)
            ),
            "articles.create"
        );
        // articles.read: the draft is visible to them.
        let all = help.list_articles(&ws, ArticleFilter::new()).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].status, ArticleStatus::Draft);
        assert_eq!(help.list_collections(&ws).await.unwrap().len(), 1);
    }
    let stored = admin.help_center().get_article(&article).await.unwrap();
    assert_eq!(stored.title, "Refunds");
    assert_eq!(stored.status, ArticleStatus::Draft);

    // Another workspace's owner is not a member here.
    let other = h.mock.create_workspace("Other");
    h.mock.create_agent(
        &other,
        "out@example.com",
        crate::workspace::PASSWORD,
        Role::Owner,
    );
    let outsider = opencom_sdk::WorkspaceClient::builder(&h.mock.url())
        .build()
        .unwrap();
    outsider
        .sign_in_password("out@example.com", crate::workspace::PASSWORD)
        .await
        .unwrap();
    let err = outsider
        .help_center()
        .publish_article(&article)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { .. }), "{err:?}");
    assert_eq!(err.denied_permission(), None);
    assert!(matches!(
        outsider.help_center().get_article(&article).await,
        Err(Error::NotAuthorized { .. })
    ));
}

#[tokio::test]
async fn collections_move_to_root_and_refuse_cycles_and_unsafe_deletes() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let admin = signed_in(&h.mock, "owner@example.com", Role::Owner).await;
    let help = admin.help_center();
    let a = help
        .create_collection(&ws, CollectionDraft::new("A"))
        .await
        .unwrap();
    let b = help
        .create_collection(&ws, CollectionDraft::new("B").parent(&a))
        .await
        .unwrap();
    let c = help
        .create_collection(&ws, CollectionDraft::new("C").parent(&b))
        .await
        .unwrap();

    // Own parent is caught before the network; a descendant by the server.
    let before = h.mock.calls().len();
    assert_eq!(
        invalid_field(
            help.update_collection(&a, CollectionUpdate::new().move_to(&a))
                .await
        ),
        "parent_id"
    );
    assert_eq!(h.mock.calls().len(), before);
    match help
        .update_collection(&a, CollectionUpdate::new().move_to(&c))
        .await
    {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "parent_id");
            assert_eq!(reason, "Collection cannot be moved into its own descendant");
        }
        other => panic!("{other:?}"),
    }

    // Move C to the root, rename B; the tree follows.
    help.update_collection(&c, CollectionUpdate::new().move_to_root())
        .await
        .unwrap();
    help.update_collection(&b, CollectionUpdate::new().name("Bee").description("b"))
        .await
        .unwrap();
    let flat = help.list_collections(&ws).await.unwrap();
    let find = |id: &str| flat.iter().find(|x| x.id == id).unwrap().clone();
    assert_eq!(find(&c).parent_id, None);
    assert_eq!(find(&b).parent_id.as_deref(), Some(a.as_str()));
    assert_eq!(find(&b).slug, "bee");
    let tree = help.collection_tree(&ws).await.unwrap();
    let roots: Vec<_> = tree.iter().map(|n| n.collection.name.clone()).collect();
    assert_eq!(roots, vec!["A".to_owned(), "C".to_owned()]);
    assert_eq!(tree[0].children[0].collection.name, "Bee");

    // Reorder puts C first.
    help.reorder_collection(&c, 0.0).await.unwrap();
    let tree = help.collection_tree(&ws).await.unwrap();
    assert_eq!(tree[0].collection.id, c);
    assert_eq!(
        invalid_field(help.reorder_collection(&c, f64::NAN).await),
        "order"
    );

    // Deletes: not with children, not with articles; empty ones go.
    assert_eq!(
        invalid_field(help.remove_collection(&a).await),
        "collection_id"
    );
    help.create_article(&ws, ArticleDraft::new("In B", "x").collection(&b))
        .await
        .unwrap();
    match help.remove_collection(&b).await {
        Err(Error::InvalidInput { reason, .. }) => {
            assert_eq!(reason, "Cannot delete collection with articles");
        }
        other => panic!("{other:?}"),
    }
    help.remove_collection(&c).await.unwrap();
    assert!(matches!(
        help.remove_collection(&c).await,
        Err(Error::NotFound { .. })
    ));
    let counts = help.list_collections(&ws).await.unwrap();
    assert_eq!(counts.len(), 2);
    let bee = counts.iter().find(|x| x.id == b).unwrap();
    assert_eq!((bee.article_count, bee.published_article_count), (1, 0));
}

#[tokio::test]
async fn asset_limits_are_checked_before_the_network() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let admin = signed_in(&h.mock, "admin@example.com", Role::Admin).await;
    let help = admin.help_center();
    let before = h.mock.calls().len();
    let limit = MAX_ASSET_BYTES as usize;
    assert_eq!(
        invalid_field(
            help.upload_asset(&ws, AssetUpload::new("big.png", vec![0u8; limit + 1]))
                .await
        ),
        "bytes"
    );
    assert_eq!(
        invalid_field(
            help.upload_asset(&ws, AssetUpload::new("doc.pdf", PNG))
                .await
        ),
        "mime_type"
    );
    assert_eq!(
        invalid_field(
            help.upload_asset(&ws, AssetUpload::new("x", PNG).mime_type("image/svg+xml"))
                .await
        ),
        "mime_type"
    );
    assert_eq!(
        invalid_field(help.create_article(&ws, ArticleDraft::new("  ", "x")).await),
        "title"
    );
    assert_eq!(h.mock.calls().len(), before, "nothing was sent");

    // Exactly 5 MiB of every accepted type goes through.
    for (i, mime) in ASSET_MIME_TYPES.iter().enumerate() {
        let size = if i == 0 { limit } else { 16 };
        let asset = help
            .upload_asset(
                &ws,
                AssetUpload::new(format!("img{i}"), vec![1u8; size]).mime_type(*mime),
            )
            .await
            .unwrap();
        assert_eq!(asset.mime_type, *mime);
        assert_eq!(asset.size, size as u64);
    }
    assert_eq!(
        help.list_assets(&ws, None).await.unwrap().len(),
        ASSET_MIME_TYPES.len()
    );
}
