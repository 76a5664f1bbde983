//! Help center over real HTTP against server-mock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::Harness;
use opencom_sdk::{CollectionNode, Error};
use server_mock::NewArticle;

fn names(nodes: &[CollectionNode]) -> Vec<String> {
    nodes
        .iter()
        .map(|n| {
            if n.children.is_empty() {
                n.collection.name.clone()
            } else {
                format!("{}[{}]", n.collection.name, names(&n.children).join(","))
            }
        })
        .collect()
}

/// A help center: Guides > (Setup > Advanced), Billing; one draft and one internal article.
fn seed(h: &Harness) -> (String, String, String) {
    let ws = h.mock.workspace_id();
    let guides = h.mock.add_collection(&ws, "Guides", None, 1.0);
    let setup = h.mock.add_collection(&ws, "Setup", Some(&guides), 1.0);
    let advanced = h.mock.add_collection(&ws, "Advanced", Some(&setup), 1.0);
    let billing = h.mock.add_collection(&ws, "Billing", None, 2.0);
    let reset = h.mock.add_article(
        &ws,
        NewArticle::published("Reset your password", "Open **Settings**.").collection(&setup),
    );
    h.mock.add_article(
        &ws,
        NewArticle::published("Tuning", "Advanced tuning").collection(&advanced),
    );
    h.mock.add_article(
        &ws,
        NewArticle::published("Refunds", "How refunds work").collection(&billing),
    );
    h.mock.add_article(
        &ws,
        NewArticle::draft("Secret roadmap", "draft").collection(&billing),
    );
    h.mock.add_article(
        &ws,
        NewArticle::published("Agent macros", "internal")
            .collection(&billing)
            .internal(),
    );
    (guides, setup, reset)
}

#[tokio::test]
async fn the_collection_tree_and_articles_are_visitor_visible_only() {
    let h = Harness::new().await;
    let (_, setup, reset) = seed(&h);
    let client = h.client();
    client.start().await.unwrap();
    let help = client.help_center();

    let tree = help.collections().await.unwrap();
    assert_eq!(names(&tree), vec!["Guides[Setup[Advanced]]", "Billing"]);

    let all = help.articles(None).await.unwrap();
    let titles: Vec<&str> = all.iter().map(|a| a.title.as_str()).collect();
    assert!(titles.contains(&"Refunds"));
    assert!(!titles.contains(&"Secret roadmap"), "drafts are hidden");
    assert!(
        !titles.contains(&"Agent macros"),
        "internal articles are hidden"
    );

    let in_setup = help.articles(Some(&setup)).await.unwrap();
    assert_eq!(in_setup.len(), 1);
    assert_eq!(in_setup[0].id, reset);

    let article = help.article(&reset).await.unwrap().unwrap();
    assert!(article.rendered_content.contains("Settings"));
    let by_slug = help.article_by_slug(&article.slug).await.unwrap().unwrap();
    assert_eq!(by_slug.id, reset);
    assert_eq!(help.article_by_slug("no-such-article").await.unwrap(), None);
}

#[tokio::test]
async fn search_feedback_and_suggestions() {
    let h = Harness::new().await;
    let (_, _, reset) = seed(&h);
    let client = h.client();
    client.start().await.unwrap();
    let help = client.help_center();

    let found = help.search("  PASSWORD ").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, reset);
    assert_eq!(
        h.calls_to("articles:searchForVisitor")[0].args["query"],
        "PASSWORD"
    );
    assert!(matches!(
        help.search("   ").await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(help.search("roadmap").await.unwrap().is_empty());

    help.submit_feedback(&reset, true).await.unwrap();
    let feedback = h.mock.article_feedback(&reset);
    assert_eq!(feedback.len(), 1);
    assert_eq!(feedback[0]["helpful"], true);

    h.mock.clear_calls();
    assert!(help.suggestions("p", None).await.unwrap().is_empty());
    assert!(h.mock.calls().is_empty(), "short queries make no call");
    h.mock.set_suggestions_enabled(&h.mock.workspace_id(), true);
    let suggestions = help.suggestions("reset password", Some(9)).await.unwrap();
    assert_eq!(suggestions[0].id, reset);
    let call = &h.calls_to("suggestions:searchForWidget")[0];
    assert_eq!(call.args["limit"], 5.0, "clamped to 5");
    assert_eq!(call.endpoint, "action");
}
