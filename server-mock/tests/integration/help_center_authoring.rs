//! Help-center authoring by agents over HTTP: articles (create/update/publish/unpublish/archive/
//! remove), image assets (upload URL → bytes → `saveAsset`, list, delete), collections
//! (create/update with the move rules, remove, reorder); roles, tenant isolation, strict
//! arguments, and what visitors see afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{NewArticle, Role, ServerMock};

use common::{boot_anonymous, client, detail, envelope, query, uncaught, upload};

use common::as_agent as call;
use common::AGENT_PASSWORD as PASSWORD;

async fn mutate(mock: &ServerMock, path: &str, args: Value, jwt: &str) -> Result<Value, String> {
    call(mock, "mutation", path, args, jwt).await
}

async fn read(mock: &ServerMock, path: &str, args: Value, jwt: &str) -> Result<Value, String> {
    call(mock, "query", path, args, jwt).await
}

/// A member of `workspace` with `role` and their JWT.
fn member(mock: &ServerMock, workspace: &str, email: &str, role: Role) -> (String, String) {
    let user = mock.create_agent(workspace, email, PASSWORD, role);
    let jwt = mock.agent_token(&user).expect("jwt");
    (user, jwt)
}

fn id_of(value: &Value) -> String {
    value.as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn admins_author_and_visitors_see_only_published_articles() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (admin, jwt) = member(&mock, &ws, "admin@example.com", Role::Admin);

    let guides = id_of(
        &mutate(
            &mock,
            "collections:create",
            json!({"workspaceId": ws, "name": "Getting Started", "icon": "rocket"}),
            &jwt,
        )
        .await
        .unwrap(),
    );
    let article = id_of(
        &mutate(
            &mock,
            "articles:create",
            json!({"workspaceId": ws, "title": "Reset your password", "content": "Click *Forgot*.",
                   "collectionId": guides, "tags": ["account"], "authorId": admin}),
            &jwt,
        )
        .await
        .unwrap(),
    );
    let stored = mock.article(&article).unwrap();
    assert_eq!(stored["status"], "draft");
    assert_eq!(stored["slug"], "reset-your-password");
    assert_eq!(stored["visibility"], "public");
    assert_eq!(stored["order"], 1);
    assert_eq!(stored["tags"], json!(["account"]));

    // A draft is invisible to visitors and anonymous readers, visible to the agent list.
    let (token, _) = boot_anonymous(&mock, &ws, "s-author").await;
    let visitor_list = |token: String| {
        let mock = &mock;
        let ws = ws.clone();
        async move {
            query(
                mock,
                "articles:listForVisitor",
                json!({"workspaceId": ws, "sessionToken": token}),
            )
            .await
            .unwrap()
        }
    };
    assert_eq!(visitor_list(token.clone()).await, json!([]));
    assert_eq!(
        query(&mock, "articles:list", json!({"workspaceId": ws}))
            .await
            .unwrap(),
        json!([])
    );
    let agent_list = read(&mock, "articles:list", json!({"workspaceId": ws}), &jwt)
        .await
        .unwrap();
    assert_eq!(agent_list.as_array().unwrap().len(), 1);
    assert_eq!(agent_list[0]["status"], "draft");
    let by_slug = read(
        &mock,
        "articles:get",
        json!({"workspaceId": ws, "slug": "reset-your-password"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(by_slug["_id"], json!(article));

    // Publishing makes it visible; the slug follows the title.
    mutate(&mock, "articles:publish", json!({"id": article}), &jwt)
        .await
        .unwrap();
    assert!(mock.article(&article).unwrap()["publishedAt"].is_number());
    let listed = visitor_list(token.clone()).await;
    assert_eq!(listed[0]["_id"], json!(article));
    assert_eq!(listed[0]["renderedContent"], "Click *Forgot*.");
    let tree = query(
        &mock,
        "collections:listHierarchyForVisitor",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(tree[0]["_id"], json!(guides));
    mutate(
        &mock,
        "articles:update",
        json!({"id": article, "title": "Reset a password", "content": "New steps"}),
        &jwt,
    )
    .await
    .unwrap();
    let updated = mock.article(&article).unwrap();
    assert_eq!(updated["slug"], "reset-a-password");
    assert_eq!(updated["content"], "New steps");
    assert_eq!(updated["status"], "published");

    // Unpublish → draft (no publishedAt), archive → archived: both hidden again.
    mutate(&mock, "articles:unpublish", json!({"id": article}), &jwt)
        .await
        .unwrap();
    let draft = mock.article(&article).unwrap();
    assert_eq!(draft["status"], "draft");
    assert!(draft.get("publishedAt").is_none());
    assert_eq!(visitor_list(token.clone()).await, json!([]));
    mutate(&mock, "articles:archive", json!({"id": article}), &jwt)
        .await
        .unwrap();
    assert_eq!(mock.article(&article).unwrap()["status"], "archived");
    assert_eq!(visitor_list(token.clone()).await, json!([]));

    // Removing.
    assert_eq!(
        mutate(&mock, "articles:remove", json!({"id": article}), &jwt)
            .await
            .unwrap(),
        json!({"success": true})
    );
    assert!(mock.article(&article).is_none());
    let gone = mutate(&mock, "articles:publish", json!({"id": article}), &jwt)
        .await
        .unwrap_err();
    assert_eq!(uncaught(&gone), "Article not found");
}

#[tokio::test]
async fn slugs_stay_unique_and_update_keeps_its_own() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, jwt) = member(&mock, &ws, "owner@example.com", Role::Owner);
    let create = |title: &str| json!({"workspaceId": ws, "title": title, "content": "x"});
    let first = id_of(
        &mutate(&mock, "articles:create", create("FAQ"), &jwt)
            .await
            .unwrap(),
    );
    let second = id_of(
        &mutate(&mock, "articles:create", create("FAQ"), &jwt)
            .await
            .unwrap(),
    );
    assert_eq!(mock.article(&first).unwrap()["slug"], "faq");
    assert_eq!(mock.article(&second).unwrap()["slug"], "faq-1");
    assert_eq!(mock.article(&second).unwrap()["order"], 2);
    // Same title again: no slug change; a title equal to another article's gets a suffix.
    mutate(
        &mock,
        "articles:update",
        json!({"id": first, "title": "FAQ"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(mock.article(&first).unwrap()["slug"], "faq");
    mutate(
        &mock,
        "articles:update",
        json!({"id": second, "title": "Faq!"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(mock.article(&second).unwrap()["slug"], "faq-1");
    mutate(
        &mock,
        "articles:update",
        json!({"id": second, "visibility": "internal"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(mock.article(&second).unwrap()["visibility"], "internal");
    // Internal published articles stay off the visitor surface.
    mutate(&mock, "articles:publish", json!({"id": second}), &jwt)
        .await
        .unwrap();
    assert_eq!(
        query(&mock, "articles:list", json!({"workspaceId": ws}))
            .await
            .unwrap(),
        json!([])
    );
}

#[tokio::test]
async fn roles_and_workspaces_bound_every_write() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, admin) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let (_, agent) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let (_, viewer) = member(&mock, &ws, "viewer@example.com", Role::Viewer);
    let other = mock.create_workspace("Other");
    let (_, outsider) = member(&mock, &other, "out@example.com", Role::Owner);
    let collection = id_of(
        &mutate(
            &mock,
            "collections:create",
            json!({"workspaceId": ws, "name": "Billing"}),
            &admin,
        )
        .await
        .unwrap(),
    );
    let article = id_of(
        &mutate(
            &mock,
            "articles:create",
            json!({"workspaceId": ws, "title": "Refunds", "content": "x"}),
            &admin,
        )
        .await
        .unwrap(),
    );

    for jwt in [&agent, &viewer] {
        let denied = |r: Result<Value, String>| uncaught(&r.unwrap_err()).to_owned();
        assert_eq!(
            denied(
                mutate(
                    &mock,
                    "articles:create",
                    json!({"workspaceId": ws, "title": "t", "content": "c"}),
                    jwt
                )
                .await
            ),
            "Permission denied: articles.create"
        );
        assert_eq!(
            denied(
                mutate(
                    &mock,
                    "articles:update",
                    json!({"id": article, "title": "t"}),
                    jwt
                )
                .await
            ),
            "Permission denied: articles.create"
        );
        assert_eq!(
            denied(mutate(&mock, "articles:publish", json!({"id": article}), jwt).await),
            "Permission denied: articles.publish"
        );
        assert_eq!(
            denied(mutate(&mock, "articles:remove", json!({"id": article}), jwt).await),
            "Permission denied: articles.delete"
        );
        assert_eq!(
            denied(
                mutate(
                    &mock,
                    "collections:create",
                    json!({"workspaceId": ws, "name": "n"}),
                    jwt
                )
                .await
            ),
            "Permission denied: articles.create"
        );
        assert_eq!(
            denied(mutate(&mock, "collections:remove", json!({"id": collection}), jwt).await),
            "Permission denied: articles.create"
        );
        assert_eq!(
            denied(
                mutate(
                    &mock,
                    "articles:generateAssetUploadUrl",
                    json!({"workspaceId": ws}),
                    jwt
                )
                .await
            ),
            "Permission denied: articles.create"
        );
        // Reading is allowed (articles.read), drafts included.
        let all = read(&mock, "articles:list", json!({"workspaceId": ws}), jwt)
            .await
            .unwrap();
        assert_eq!(all.as_array().unwrap().len(), 1);
        assert_eq!(
            read(
                &mock,
                "articles:listAssets",
                json!({"workspaceId": ws}),
                jwt
            )
            .await
            .unwrap(),
            json!([])
        );
    }
    assert_eq!(mock.article(&article).unwrap()["status"], "draft");

    // Another workspace's owner can touch nothing here, nor read drafts.
    for (path, args) in [
        (
            "articles:create",
            json!({"workspaceId": ws, "title": "t", "content": "c"}),
        ),
        (
            "articles:update",
            json!({"id": article, "title": "Hijacked"}),
        ),
        ("articles:publish", json!({"id": article})),
        ("articles:remove", json!({"id": article})),
        (
            "collections:update",
            json!({"id": collection, "name": "Hijacked"}),
        ),
        (
            "collections:reorder",
            json!({"id": collection, "newOrder": 9}),
        ),
    ] {
        let err = mutate(&mock, path, args, &outsider).await.unwrap_err();
        assert_eq!(uncaught(&err), "Not a member of this workspace", "{path}");
    }
    let err = read(&mock, "articles:get", json!({"id": article}), &outsider)
        .await
        .unwrap_err();
    assert_eq!(uncaught(&err), "Not a member of this workspace");
    // …and cannot file its articles under this workspace's collection.
    let err = mutate(
        &mock,
        "articles:create",
        json!({"workspaceId": other, "title": "t", "content": "c", "collectionId": collection}),
        &outsider,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Collection not found");
    assert_eq!(mock.article(&article).unwrap()["title"], "Refunds");

    // No JWT at all.
    let (status, body) = common::post(
        &mock,
        "mutation",
        "articles:create",
        json!({"workspaceId": ws, "title": "t", "content": "c"}),
    )
    .await;
    assert_eq!(
        uncaught(&envelope(status, body).unwrap_err()),
        "Not authenticated"
    );
}

#[tokio::test]
async fn arguments_are_validated_strictly() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, jwt) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let extra = mutate(
        &mock,
        "articles:create",
        json!({"workspaceId": ws, "title": "t", "content": "c", "status": "published"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(
        detail(&extra).starts_with("ArgumentValidationError"),
        "{extra}"
    );
    assert!(extra.contains("`status`"), "{extra}");
    let missing = mutate(
        &mock,
        "articles:create",
        json!({"workspaceId": ws, "title": "t"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(missing.contains("`content`"), "{missing}");
    let null_optional = mutate(
        &mock,
        "articles:create",
        json!({"workspaceId": ws, "title": "t", "content": "c", "collectionId": null}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(
        detail(&null_optional).starts_with("ArgumentValidationError"),
        "{null_optional}"
    );
    let bad_visibility = mutate(
        &mock,
        "articles:create",
        json!({"workspaceId": ws, "title": "t", "content": "c", "visibility": "secret"}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(detail(&bad_visibility).starts_with("ArgumentValidationError"));
    let wrong_table = mutate(
        &mock,
        "collections:reorder",
        json!({"id": ws, "newOrder": 1}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(detail(&wrong_table).starts_with("ArgumentValidationError"));
    let not_a_number = mutate(
        &mock,
        "collections:create",
        json!({"workspaceId": ws, "name": 5}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert!(detail(&not_a_number).starts_with("ArgumentValidationError"));
}

#[tokio::test]
async fn collections_move_reorder_and_refuse_unsafe_deletes() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, jwt) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let create = |name: &str, parent: Option<&str>| {
        let mut args = json!({"workspaceId": ws, "name": name});
        if let Some(parent) = parent {
            args["parentId"] = json!(parent);
        }
        args
    };
    let root = id_of(
        &mutate(&mock, "collections:create", create("Root", None), &jwt)
            .await
            .unwrap(),
    );
    let child = id_of(
        &mutate(
            &mock,
            "collections:create",
            create("Child", Some(&root)),
            &jwt,
        )
        .await
        .unwrap(),
    );
    let grandchild = id_of(
        &mutate(
            &mock,
            "collections:create",
            create("Grandchild", Some(&child)),
            &jwt,
        )
        .await
        .unwrap(),
    );
    let sibling = id_of(
        &mutate(&mock, "collections:create", create("Sibling", None), &jwt)
            .await
            .unwrap(),
    );

    let move_to = |id: &str, parent: Value| json!({"id": id, "parentId": parent});
    let own = mutate(
        &mock,
        "collections:update",
        move_to(&root, json!(root)),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&own), "Collection cannot be its own parent");
    let loop_ = mutate(
        &mock,
        "collections:update",
        move_to(&root, json!(grandchild)),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&loop_),
        "Collection cannot be moved into its own descendant"
    );

    // Moving under a sibling, then back to the root with `parentId: null`.
    mutate(
        &mock,
        "collections:update",
        move_to(&child, json!(sibling)),
        &jwt,
    )
    .await
    .unwrap();
    let hierarchy = read(
        &mock,
        "collections:listHierarchy",
        json!({"workspaceId": ws}),
        &jwt,
    )
    .await
    .unwrap();
    let parent_of = |h: &Value, id: &str| {
        h.as_array()
            .unwrap()
            .iter()
            .find(|c| c["_id"] == json!(id))
            .unwrap()["parentId"]
            .clone()
    };
    assert_eq!(parent_of(&hierarchy, &child), json!(sibling));
    mutate(
        &mock,
        "collections:update",
        move_to(&child, Value::Null),
        &jwt,
    )
    .await
    .unwrap();
    let hierarchy = read(
        &mock,
        "collections:listHierarchy",
        json!({"workspaceId": ws}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(parent_of(&hierarchy, &child), Value::Null);
    assert_eq!(hierarchy.as_array().unwrap().len(), 4);
    // The root listing (agents see empty collections too) now holds three.
    let roots = read(&mock, "collections:list", json!({"workspaceId": ws}), &jwt)
        .await
        .unwrap();
    assert_eq!(roots.as_array().unwrap().len(), 3);
    // Anonymous readers see none: no collection has a published article.
    assert_eq!(
        query(
            &mock,
            "collections:listHierarchy",
            json!({"workspaceId": ws})
        )
        .await
        .unwrap(),
        json!([])
    );

    // Renaming changes the slug; reorder sets the order.
    mutate(
        &mock,
        "collections:update",
        json!({"id": sibling, "name": "Billing & Plans", "description": "Money"}),
        &jwt,
    )
    .await
    .unwrap();
    mutate(
        &mock,
        "collections:reorder",
        json!({"id": sibling, "newOrder": 0.5}),
        &jwt,
    )
    .await
    .unwrap();
    let got = read(&mock, "collections:get", json!({"id": sibling}), &jwt)
        .await
        .unwrap();
    assert_eq!(got["slug"], "billing-plans");
    assert_eq!(got["description"], "Money");
    assert_eq!(got["order"], 0.5);
    let roots = read(&mock, "collections:list", json!({"workspaceId": ws}), &jwt)
        .await
        .unwrap();
    assert_eq!(roots[0]["_id"], json!(sibling));

    // Deletes: not with children (the grandchild is still under the child), not with articles.
    let with_children = mutate(&mock, "collections:remove", json!({"id": child}), &jwt)
        .await
        .unwrap_err();
    assert_eq!(
        uncaught(&with_children),
        "Cannot delete collection with child collections"
    );
    mutate(
        &mock,
        "articles:create",
        json!({"workspaceId": ws, "title": "Deep", "content": "x", "collectionId": grandchild}),
        &jwt,
    )
    .await
    .unwrap();
    let with_articles = mutate(&mock, "collections:remove", json!({"id": grandchild}), &jwt)
        .await
        .unwrap_err();
    assert_eq!(
        uncaught(&with_articles),
        "Cannot delete collection with articles"
    );
    assert_eq!(
        mutate(&mock, "collections:remove", json!({"id": sibling}), &jwt)
            .await
            .unwrap(),
        json!({"success": true})
    );
    let gone = mutate(&mock, "collections:remove", json!({"id": sibling}), &jwt)
        .await
        .unwrap_err();
    assert_eq!(uncaught(&gone), "Collection not found");
}

#[tokio::test]
async fn image_assets_upload_render_and_delete() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, jwt) = member(&mock, &ws, "admin@example.com", Role::Admin);
    let (_, viewer) = member(&mock, &ws, "viewer@example.com", Role::Viewer);
    let article = id_of(
        &mutate(
            &mock,
            "articles:create",
            json!({"workspaceId": ws, "title": "Screens", "content": "soon"}),
            &jwt,
        )
        .await
        .unwrap(),
    );
    let upload_url = || async {
        id_of(
            &mutate(
                &mock,
                "articles:generateAssetUploadUrl",
                json!({"workspaceId": ws}),
                &jwt,
            )
            .await
            .unwrap(),
        )
    };
    let png = b"\x89PNG\r\n\x1a\nfake".to_vec();
    let (status, body) = upload(&upload_url().await, png.clone(), "image/png").await;
    assert_eq!(status, StatusCode::OK);
    let storage = body["storageId"].as_str().unwrap().to_owned();
    let saved = mutate(
        &mock,
        "articles:saveAsset",
        json!({"workspaceId": ws, "articleId": article, "storageId": storage, "fileName": "login screen.png"}),
        &jwt,
    )
    .await
    .unwrap();
    let asset = saved["assetId"].as_str().unwrap().to_owned();
    assert_eq!(saved["reference"], json!(format!("oc-asset://{asset}")));
    assert_eq!(saved["fileName"], "login-screen.png");
    assert_eq!(saved["mimeType"], "image/png");
    assert_eq!(saved["size"], png.len());
    let url = saved["url"].as_str().unwrap().to_owned();
    assert_eq!(
        client()
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec(),
        png
    );

    // Referenced in the content: rendered to the storage URL once published.
    mutate(
        &mock,
        "articles:update",
        json!({"id": article, "title": "Screens", "content": format!("![login](oc-asset://{asset})")}),
        &jwt,
    )
    .await
    .unwrap();
    mutate(&mock, "articles:publish", json!({"id": article}), &jwt)
        .await
        .unwrap();
    let public = query(&mock, "articles:get", json!({"id": article}))
        .await
        .unwrap();
    assert_eq!(public["renderedContent"], json!(format!("![login]({url})")));

    let listed = read(
        &mock,
        "articles:listAssets",
        json!({"workspaceId": ws, "articleId": article}),
        &viewer,
    )
    .await
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["reference"], json!(format!("oc-asset://{asset}")));

    // Still referenced → refused; viewers may not delete at all.
    let denied = mutate(
        &mock,
        "articles:deleteAsset",
        json!({"workspaceId": ws, "assetId": asset}),
        &viewer,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&denied), "Permission denied: articles.delete");
    let referenced = mutate(
        &mock,
        "articles:deleteAsset",
        json!({"workspaceId": ws, "assetId": asset}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&referenced),
        "Asset is still referenced by 1 article(s): Screens"
    );
    mutate(
        &mock,
        "articles:update",
        json!({"id": article, "title": "Screens", "content": "none"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(
        mutate(
            &mock,
            "articles:deleteAsset",
            json!({"workspaceId": ws, "assetId": asset}),
            &jwt
        )
        .await
        .unwrap(),
        json!({"success": true})
    );
    assert_eq!(
        client().get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        read(
            &mock,
            "articles:listAssets",
            json!({"workspaceId": ws}),
            &jwt
        )
        .await
        .unwrap(),
        json!([])
    );

    // Wrong type, too large.
    let (_, body) = upload(&upload_url().await, b"%PDF-1.4".to_vec(), "application/pdf").await;
    let err = mutate(
        &mock,
        "articles:saveAsset",
        json!({"workspaceId": ws, "storageId": body["storageId"]}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&err),
        "Unsupported image type. Allowed: PNG, JPEG, GIF, WEBP, AVIF."
    );
    let (_, body) = upload(
        &upload_url().await,
        vec![0u8; 5 * 1024 * 1024 + 1],
        "image/webp",
    )
    .await;
    let err = mutate(
        &mock,
        "articles:saveAsset",
        json!({"workspaceId": ws, "storageId": body["storageId"]}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Image exceeds 5MB maximum size.");
    let (_, body) = upload(
        &upload_url().await,
        vec![0u8; 5 * 1024 * 1024],
        "image/avif",
    )
    .await;
    let exactly = mutate(
        &mock,
        "articles:saveAsset",
        json!({"workspaceId": ws, "storageId": body["storageId"]}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(exactly["size"], 5 * 1024 * 1024);
    assert!(exactly["fileName"]
        .as_str()
        .unwrap()
        .starts_with("article-image-"));

    // A file uploaded for another workspace cannot be saved here.
    let other = mock.create_workspace("Other");
    let (_, outsider) = member(&mock, &other, "out@example.com", Role::Admin);
    let foreign_url = id_of(
        &mutate(
            &mock,
            "articles:generateAssetUploadUrl",
            json!({"workspaceId": other}),
            &outsider,
        )
        .await
        .unwrap(),
    );
    let (_, body) = upload(&foreign_url, b"GIF89a".to_vec(), "image/gif").await;
    let err = mutate(
        &mock,
        "articles:saveAsset",
        json!({"workspaceId": ws, "storageId": body["storageId"]}),
        &jwt,
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Uploaded file not found");
}

#[tokio::test]
async fn agent_reads_search_and_filter_every_status() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (_, jwt) = member(&mock, &ws, "agent@example.com", Role::Agent);
    let published = mock.add_article(&ws, NewArticle::published("Shipping times", "Three days"));
    let draft = mock.add_article(&ws, NewArticle::draft("Shipping to Mars", "Not yet"));
    let found = read(
        &mock,
        "articles:search",
        json!({"workspaceId": ws, "query": "shipping"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 2);
    let only_published = read(
        &mock,
        "articles:search",
        json!({"workspaceId": ws, "query": "shipping", "publishedOnly": true}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(only_published.as_array().unwrap().len(), 1);
    assert_eq!(only_published[0]["_id"], json!(published));
    let drafts = read(
        &mock,
        "articles:list",
        json!({"workspaceId": ws, "status": "draft"}),
        &jwt,
    )
    .await
    .unwrap();
    assert_eq!(drafts.as_array().unwrap().len(), 1);
    assert_eq!(drafts[0]["_id"], json!(draft));
    let got = read(&mock, "articles:get", json!({"id": draft}), &jwt)
        .await
        .unwrap();
    assert_eq!(got["renderedContent"], "Not yet");
    // Anonymous readers get neither the draft nor it in search results.
    assert_eq!(
        query(&mock, "articles:get", json!({"id": draft}))
            .await
            .unwrap(),
        Value::Null
    );
    let public = query(
        &mock,
        "articles:search",
        json!({"workspaceId": ws, "query": "shipping"}),
    )
    .await
    .unwrap();
    assert_eq!(public.as_array().unwrap().len(), 1);
}
