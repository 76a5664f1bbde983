//! The help center over HTTP (CONTRACT §8): visibility rules, the collection tree with its
//! ancestors, slug look-ups, the public reads and their access policy, feedback, and the
//! instant suggestions (clamping, gating, errors); plus the control API that seeds it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::Duration;

use common::{action, boot_anonymous, control, detail, mutation, query, uncaught};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server_mock::{NewArticle, ServerMock};

struct Seeded {
    guides: String,
    setup: String,
    advanced: String,
    billing: String,
    empty: String,
    reset: String,
    tuning: String,
    refunds: String,
    draft: String,
    internal: String,
}

/// Guides > Setup > Advanced, Billing, Empty (no articles); a draft and an internal article.
/// The clock moves 1 ms after each article, so `updatedAt`s differ.
fn seed(mock: &ServerMock) -> Seeded {
    let ws = mock.workspace_id();
    let add = |article: NewArticle| {
        let id = mock.add_article(&ws, article);
        mock.clock().advance(Duration::from_millis(1));
        id
    };
    let guides = mock.add_collection(&ws, "Guides", None, 1.0);
    let setup = mock.add_collection(&ws, "Setup", Some(&guides), 1.0);
    let advanced = mock.add_collection(&ws, "Advanced", Some(&setup), 1.0);
    let billing = mock.add_collection(&ws, "Billing", None, 2.0);
    let empty = mock.add_collection(&ws, "Empty", None, 0.5);
    let reset =
        add(NewArticle::published("Reset your password", "Open **Settings**.").collection(&setup));
    let tuning = add(NewArticle::published("Tuning", "Advanced tuning").collection(&advanced));
    let refunds = add(
        NewArticle::published("Refunds", "How refunds work: reset the order.")
            .collection(&billing)
            .order(0.5),
    );
    let draft = add(NewArticle::draft("Secret roadmap", "password").collection(&billing));
    let internal = add(NewArticle::published("Agent macros", "password macros")
        .collection(&billing)
        .internal());
    Seeded {
        guides,
        setup,
        advanced,
        billing,
        empty,
        reset,
        tuning,
        refunds,
        draft,
        internal,
    }
}

fn ids(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["_id"].as_str().expect("_id"))
        .collect()
}

#[tokio::test]
async fn articles_are_stored_with_slugs_orders_and_statuses() {
    let mock = ServerMock::start().await.unwrap();
    mock.clock().freeze();
    let now = mock.clock().now_ms();
    let ws = mock.workspace_id();
    let s = seed(&mock);
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let article = query(
        &mock,
        "articles:getForVisitor",
        json!({"id": s.reset, "workspaceId": ws, "visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap();
    let mut keys: Vec<&String> = article.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "_creationTime",
            "_id",
            "collectionId",
            "content",
            "createdAt",
            "order",
            "publishedAt",
            "renderedContent",
            "slug",
            "status",
            "title",
            "updatedAt",
            "visibility",
            "widgetLargeScreen",
            "workspaceId"
        ]
    );
    assert_eq!(article["slug"], "reset-your-password");
    assert_eq!(article["renderedContent"], "Open **Settings**.");
    assert_eq!(article["order"], 1);
    assert_eq!(article["publishedAt"].as_f64().unwrap(), now);

    // Titles that collide get numbered slugs; drafts have no publishedAt.
    let again = mock.add_article(&ws, NewArticle::published("Reset your password!", "x"));
    let third = mock.add_article(&ws, NewArticle::draft("Reset: your password", "x"));
    let slugs: Vec<Value> = [&again, &third]
        .iter()
        .map(|id| mock.article(id).unwrap()["slug"].clone())
        .collect();
    assert_eq!(slugs, ["reset-your-password-1", "reset-your-password-2"]);
    // Orders continue per collection (root articles start at 1).
    let root = mock.add_article(&ws, NewArticle::published("Root", "x"));
    let stored = mock.article(&root).unwrap();
    assert_eq!(stored["order"], 3, "after the two root articles above");
    let draft = mock.article(&s.draft).unwrap();
    assert_eq!(draft["status"], "draft");
    assert!(draft.get("publishedAt").is_none());
    assert_eq!(mock.article(&s.internal).unwrap()["visibility"], "internal");
    assert!(
        mock.article(&s.billing).is_none(),
        "a collection is not an article"
    );

    // Unknown workspaces or foreign collections are refused.
    let other = mock.create_workspace("Other");
    assert_eq!(
        mock.add_article(
            &other,
            NewArticle::published("x", "y").collection(&s.billing)
        ),
        ""
    );
    assert_eq!(
        mock.add_article("nope", NewArticle::published("x", "y")),
        ""
    );
    assert_eq!(mock.add_collection(&other, "x", Some(&s.guides), 1.0), "");
    assert_eq!(mock.add_collection("nope", "x", None, 1.0), "");
}

#[tokio::test]
async fn visitor_reads_show_only_published_public_articles() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let s = seed(&mock);
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let args = |extra: Value| {
        let mut base = json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": token});
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        base
    };

    let all = query(&mock, "articles:listForVisitor", args(json!({})))
        .await
        .unwrap();
    // Sorted by order: refunds (0.5), then the three at 1 in creation order.
    assert_eq!(
        ids(&all),
        [s.refunds.as_str(), s.reset.as_str(), s.tuning.as_str()]
    );
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["renderedContent"].is_string()));

    let in_billing = query(
        &mock,
        "articles:listForVisitor",
        args(json!({"collectionId": s.billing})),
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&in_billing),
        [s.refunds.as_str()],
        "no draft, no internal article"
    );

    // Search: case-insensitive substring of title or content, visible articles only.
    let found = query(
        &mock,
        "articles:searchForVisitor",
        args(json!({"query": "PASSWORD"})),
    )
    .await
    .unwrap();
    assert_eq!(ids(&found), [s.reset.as_str()]);
    let by_content = query(
        &mock,
        "articles:searchForVisitor",
        args(json!({"query": "tuning"})),
    )
    .await
    .unwrap();
    assert_eq!(ids(&by_content), [s.tuning.as_str()]);
    let many = query(
        &mock,
        "articles:searchForVisitor",
        args(json!({"query": ""})),
    )
    .await
    .unwrap();
    assert_eq!(many.as_array().unwrap().len(), 3);

    for (id, visible) in [(&s.reset, true), (&s.draft, false), (&s.internal, false)] {
        let got = query(&mock, "articles:getForVisitor", args(json!({"id": id})))
            .await
            .unwrap();
        assert_eq!(!got.is_null(), visible, "{id}");
    }

    // Session errors and the visitor check.
    let (_, stranger) = boot_anonymous(&mock, &ws, "other").await;
    let err = query(
        &mock,
        "articles:listForVisitor",
        json!({"workspaceId": ws, "visitorId": stranger, "sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&err),
        "Not authorized to read articles for this visitor"
    );
    let err = query(
        &mock,
        "articles:searchForVisitor",
        json!({"workspaceId": ws, "query": "x"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Session token required");
    let other = mock.create_workspace("Other");
    let err = query(
        &mock,
        "articles:getForVisitor",
        json!({"id": s.reset, "workspaceId": other, "sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Session token does not match workspace");
    // An article of another workspace is null for this one.
    let (other_token, _) = boot_anonymous(&mock, &other, "o").await;
    let cross = query(
        &mock,
        "articles:getForVisitor",
        json!({"id": s.reset, "workspaceId": other, "sessionToken": other_token}),
    )
    .await
    .unwrap();
    assert!(cross.is_null());
    // Strict validators.
    let err = query(
        &mock,
        "articles:listForVisitor",
        args(json!({"collectionId": s.reset})),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).contains("from table `articles`"), "{err}");
}

#[tokio::test]
async fn the_visitor_tree_holds_collections_with_visible_articles_and_their_ancestors() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let s = seed(&mock);
    // A collection whose only article is a draft does not show.
    let drafts = mock.add_collection(&ws, "Drafts only", None, 3.0);
    mock.add_article(&ws, NewArticle::draft("WIP", "x").collection(&drafts));
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let tree = query(
        &mock,
        "collections:listHierarchyForVisitor",
        json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": token}),
    )
    .await
    .unwrap();
    let items = tree.as_array().unwrap();
    // Flat, sorted by order (stable): Guides, Setup, Advanced (1), Billing (2).
    assert_eq!(
        ids(&tree),
        [
            s.guides.as_str(),
            s.setup.as_str(),
            s.advanced.as_str(),
            s.billing.as_str()
        ]
    );
    let by_id = |id: &str| items.iter().find(|c| c["_id"] == id).unwrap().clone();
    assert!(by_id(&s.guides).get("parentId").is_none());
    assert_eq!(by_id(&s.setup)["parentId"], s.guides.as_str());
    assert_eq!(by_id(&s.advanced)["parentId"], s.setup.as_str());
    // Counts are the visible articles directly inside.
    assert_eq!(by_id(&s.guides)["articleCount"], 0);
    assert_eq!(by_id(&s.setup)["publishedArticleCount"], 1);
    assert_eq!(
        by_id(&s.billing)["articleCount"],
        1,
        "the draft and internal do not count"
    );
    assert_eq!(by_id(&s.billing)["slug"], "billing");
    assert!(!ids(&tree).contains(&s.empty.as_str()));

    let err = query(
        &mock,
        "collections:listHierarchyForVisitor",
        json!({"workspaceId": ws, "visitorId": s.guides, "sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).contains("from table `collections`"));
    let (_, stranger) = boot_anonymous(&mock, &ws, "x").await;
    let err = query(
        &mock,
        "collections:listHierarchyForVisitor",
        json!({"workspaceId": ws, "visitorId": stranger, "sessionToken": token}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        uncaught(&err),
        "Not authorized to list collections for this visitor"
    );
}

#[tokio::test]
async fn public_reads_follow_the_access_policy_and_find_slugs() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let s = seed(&mock);

    let by_id = query(&mock, "articles:get", json!({"id": s.reset}))
        .await
        .unwrap();
    assert_eq!(by_id["_id"], s.reset.as_str());
    assert_eq!(by_id["renderedContent"], "Open **Settings**.");
    for hidden in [&s.draft, &s.internal] {
        assert!(query(&mock, "articles:get", json!({"id": hidden}))
            .await
            .unwrap()
            .is_null());
    }
    let by_slug = query(
        &mock,
        "articles:get",
        json!({"slug": "reset-your-password", "workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(by_slug["_id"], s.reset.as_str());
    for args in [
        json!({"slug": "reset-your-password"}),
        json!({"slug": "secret-roadmap", "workspaceId": ws}),
        json!({"slug": "nope", "workspaceId": ws}),
        json!({"id": s.reset, "visibility": "internal"}),
        json!({}),
    ] {
        assert!(
            query(&mock, "articles:get", args.clone())
                .await
                .unwrap()
                .is_null(),
            "{args}"
        );
    }

    let listed = query(&mock, "articles:list", json!({"workspaceId": ws}))
        .await
        .unwrap();
    assert_eq!(
        ids(&listed),
        [s.refunds.as_str(), s.reset.as_str(), s.tuning.as_str()]
    );
    let drafts = query(
        &mock,
        "articles:list",
        json!({"workspaceId": ws, "status": "draft"}),
    )
    .await
    .unwrap();
    assert!(
        drafts.as_array().unwrap().is_empty(),
        "public callers never see drafts"
    );
    let searched = query(
        &mock,
        "articles:search",
        json!({"workspaceId": ws, "query": "RE"}),
    )
    .await
    .unwrap();
    // Newest update first.
    assert_eq!(ids(&searched), [s.refunds.as_str(), s.reset.as_str()]);

    let roots = query(&mock, "collections:list", json!({"workspaceId": ws}))
        .await
        .unwrap();
    assert_eq!(
        ids(&roots),
        [s.billing.as_str()],
        "Guides has no article of its own, Empty none"
    );
    assert_eq!(roots[0]["articleCount"], 3, "all its articles");
    assert_eq!(roots[0]["publishedArticleCount"], 1);
    let children = query(
        &mock,
        "collections:list",
        json!({"workspaceId": ws, "parentId": s.guides}),
    )
    .await
    .unwrap();
    assert_eq!(ids(&children), [s.setup.as_str()]);
    let flat = query(
        &mock,
        "collections:listHierarchy",
        json!({"workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&flat),
        [s.setup.as_str(), s.advanced.as_str(), s.billing.as_str()]
    );
    let collection = query(
        &mock,
        "collections:get",
        json!({"slug": "advanced", "workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(collection["_id"], s.advanced.as_str());
    assert_eq!(
        query(&mock, "collections:get", json!({"id": s.empty}))
            .await
            .unwrap()["name"],
        "Empty"
    );

    // The workspace context finds the workspace from a slug.
    let context = query(
        &mock,
        "workspaces:getPublicWorkspaceContext",
        json!({"articleSlug": "tuning"}),
    )
    .await
    .unwrap();
    assert_eq!(
        context,
        json!({"_id": ws, "name": "Opencom Demo", "helpCenterAccessPolicy": "public"})
    );

    // A restricted help center answers null / [] to the public reads; visitors still read.
    mock.set_help_center_public(&ws, false);
    assert!(query(&mock, "articles:get", json!({"id": s.reset}))
        .await
        .unwrap()
        .is_null());
    for (path, args) in [
        ("articles:list", json!({"workspaceId": ws})),
        ("articles:search", json!({"workspaceId": ws, "query": "x"})),
        ("collections:list", json!({"workspaceId": ws})),
        ("collections:listHierarchy", json!({"workspaceId": ws})),
    ] {
        assert_eq!(query(&mock, path, args).await.unwrap(), json!([]), "{path}");
    }
    assert!(query(&mock, "collections:get", json!({"id": s.guides}))
        .await
        .unwrap()
        .is_null());
    let context = query(&mock, "workspaces:getPublicWorkspaceContext", json!({}))
        .await
        .unwrap();
    assert_eq!(context["helpCenterAccessPolicy"], "restricted");
    let (token, _) = boot_anonymous(&mock, &ws, "s").await;
    let listed = query(
        &mock,
        "articles:listForVisitor",
        json!({"workspaceId": ws, "sessionToken": token}),
    )
    .await
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn feedback_is_recorded_without_checks() {
    let mock = ServerMock::start().await.unwrap();
    let s = seed(&mock);
    let (_, visitor) = boot_anonymous(&mock, &mock.workspace_id(), "s").await;
    let id = mutation(
        &mock,
        "articles:submitFeedback",
        json!({"articleId": s.reset, "helpful": true, "visitorId": visitor}),
    )
    .await
    .unwrap();
    mutation(
        &mock,
        "articles:submitFeedback",
        json!({"articleId": s.reset, "helpful": false}),
    )
    .await
    .unwrap();
    let feedback = mock.article_feedback(&s.reset);
    assert_eq!(feedback.len(), 2);
    assert_eq!(feedback[0]["_id"], id);
    assert_eq!(feedback[0]["helpful"], true);
    assert_eq!(feedback[0]["visitorId"], visitor.as_str());
    assert!(feedback[1].get("visitorId").is_none());
    let (status, body) = control(
        &mock,
        "GET",
        &format!("/articles/{}/feedback", s.reset),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn suggestions_are_gated_clamped_and_ranked() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let s = seed(&mock);
    for i in 0..6 {
        mock.add_article(
            &ws,
            NewArticle::published(format!("Order {i}"), "order help"),
        );
    }
    let (token, visitor) = boot_anonymous(&mock, &ws, "s").await;
    let suggest = |query: &str, limit: Option<f64>| {
        let mut args =
            json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": token, "query": query});
        if let Some(limit) = limit {
            args["limit"] = json!(limit);
        }
        args
    };

    // Off by default: [] once the checks pass.
    assert_eq!(
        action(
            &mock,
            "suggestions:searchForWidget",
            suggest("reset password", None)
        )
        .await
        .unwrap(),
        json!([])
    );
    mock.set_suggestions_enabled(&ws, true);
    let found = action(
        &mock,
        "suggestions:searchForWidget",
        suggest("  Reset PASSWORD ", None),
    )
    .await
    .unwrap();
    let items = found.as_array().unwrap();
    assert_eq!(items[0]["id"], s.reset.as_str());
    assert_eq!(items[0]["title"], "Reset your password");
    assert_eq!(items[0]["snippet"], "Open **Settings**.");
    assert_eq!(items[0]["score"], 1.0);
    // Refunds mentions "reset" in its content only; draft and internal ones never show.
    assert_eq!(items[1]["id"], s.refunds.as_str());
    assert!(items[1]["score"].as_f64().unwrap() < 1.0);
    assert_eq!(items.len(), 2);
    let mut keys: Vec<&String> = items[0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["id", "score", "snippet", "title"]);

    // Limits: default 3, clamped to 1..=5, 0 means the default.
    for (limit, expected) in [
        (None, 3),
        (Some(9.0), 5),
        (Some(0.0), 3),
        (Some(-2.0), 1),
        (Some(2.0), 2),
    ] {
        let found = action(
            &mock,
            "suggestions:searchForWidget",
            suggest("order", limit),
        )
        .await
        .unwrap();
        assert_eq!(found.as_array().unwrap().len(), expected, "limit {limit:?}");
    }
    // Short queries are [] before any check (even with a bad token).
    let short = json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": "wst_bogus", "query": " a "});
    assert_eq!(
        action(&mock, "suggestions:searchForWidget", short)
            .await
            .unwrap(),
        json!([])
    );
    let long = "x".repeat(201);
    let err = action(&mock, "suggestions:searchForWidget", suggest(&long, None))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&err), "Query exceeds max length");
    let (_, stranger) = boot_anonymous(&mock, &ws, "x").await;
    let err = action(
        &mock,
        "suggestions:searchForWidget",
        json!({"workspaceId": ws, "visitorId": stranger, "sessionToken": token, "query": "reset"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Session token does not match visitor");
    let err = action(
        &mock,
        "suggestions:searchForWidget",
        json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": "wst_bogus", "query": "reset"}),
    )
    .await
    .unwrap_err();
    assert_eq!(uncaught(&err), "Invalid session token");

    // The origin allowlist applies (without the "Origin validation failed" prefix).
    mock.set_allowed_origins(&ws, &["https://app.example.com"]);
    let err = action(&mock, "suggestions:searchForWidget", suggest("reset", None))
        .await
        .unwrap_err();
    assert_eq!(uncaught(&err), "Origin must be a valid http(s) origin");
    let mut args = suggest("reset", None);
    args["origin"] = json!("https://evil.example.org");
    let err = action(&mock, "suggestions:searchForWidget", args.clone())
        .await
        .unwrap_err();
    assert_eq!(uncaught(&err), "Origin not in allowed list");
    args["origin"] = json!("https://app.example.com");
    let ok = action(&mock, "suggestions:searchForWidget", args)
        .await
        .unwrap();
    assert_eq!(ok[0]["id"], s.reset.as_str());

    // It is an action, and `visitorId`/`sessionToken` are required.
    let err = query(&mock, "suggestions:searchForWidget", suggest("reset", None))
        .await
        .unwrap_err();
    assert!(detail(&err).starts_with("Trying to execute suggestions:searchForWidget as Query"));
    let err = action(
        &mock,
        "suggestions:searchForWidget",
        json!({"workspaceId": ws, "sessionToken": token, "query": "reset"}),
    )
    .await
    .unwrap_err();
    assert!(detail(&err).contains("Missing required field `visitorId`"));
}

#[tokio::test]
async fn the_control_api_seeds_the_help_center_over_http() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let (status, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/collections"),
        Some(
            json!({"name": "Getting Started", "order": 1, "description": "Basics", "icon": "book"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let collection = body["collectionId"].as_str().unwrap().to_owned();
    let (_, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/articles"),
        Some(json!({"title": "Hello", "content": "World", "collectionId": collection})),
    )
    .await;
    let article = body["articleId"].as_str().unwrap().to_owned();
    let (_, body) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/articles"),
        Some(
            json!({"title": "Hidden", "content": "x", "status": "draft", "visibility": "internal"}),
        ),
    )
    .await;
    assert!(body["articleId"].is_string());
    let (status, _) = control(
        &mock,
        "POST",
        "/workspaces/nope/articles",
        Some(json!({"title": "x", "content": "y"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let got = query(&mock, "collections:get", json!({"id": collection}))
        .await
        .unwrap();
    assert_eq!(got["description"], "Basics");
    assert_eq!(got["icon"], "book");
    assert_eq!(got["slug"], "getting-started");
    let listed = query(&mock, "articles:list", json!({"workspaceId": ws}))
        .await
        .unwrap();
    assert_eq!(ids(&listed), [article.as_str()]);

    let (status, _) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/suggestions"),
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let settings = query(
        &mock,
        "automationSettings:getOrCreate",
        json!({"workspaceId": ws}),
    )
    .await
    .unwrap();
    assert_eq!(settings["suggestArticlesEnabled"], true);
    assert_eq!(settings["collectEmailEnabled"], true);
    let (status, _) = control(
        &mock,
        "POST",
        &format!("/workspaces/{ws}/help-center"),
        Some(json!({"public": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        mock.workspace(&ws).unwrap()["helpCenterAccessPolicy"],
        "restricted"
    );
}
