//! `articles:*` as a visitor (or an anonymous reader) calls them (CONTRACT §8).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, WorkspaceAuth};

/// An article document as visitors and public readers get it: the document plus
/// `renderedContent`. Fields the SDK does not use are ignored.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArticleDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) slug: String,
    pub(crate) content: String,
    pub(crate) rendered_content: String,
    pub(crate) collection_id: Option<String>,
    pub(crate) order: f64,
    pub(crate) updated_at: f64,
}

/// `articles:listForVisitor`: visible articles, sorted by `order`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListForVisitor<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) collection_id: Option<&'a str>,
}

impl Call for ListForVisitor<'_> {
    const FUNCTION: Function = fns::ARTICLES_FOR_VISITOR;
    type Output = Vec<ArticleDoc>;
}

/// `articles:searchForVisitor`: at most 20 visible articles.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchForVisitor<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) query: &'a str,
}

impl Call for SearchForVisitor<'_> {
    const FUNCTION: Function = fns::SEARCH_ARTICLES;
    type Output = Vec<ArticleDoc>;
}

/// `articles:getForVisitor`: the article, or `null` when it is not visible.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetForVisitor<'a> {
    pub(crate) id: &'a str,
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for GetForVisitor<'_> {
    const FUNCTION: Function = fns::ARTICLE_FOR_VISITOR;
    type Output = Option<ArticleDoc>;
}

/// `articles:get` without credentials: by `id`, or by `slug` with `workspaceId`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Get<'a> {
    pub(crate) id: Option<&'a str>,
    pub(crate) slug: Option<&'a str>,
    pub(crate) workspace_id: Option<&'a str>,
}

impl Call for Get<'_> {
    const FUNCTION: Function = fns::ARTICLE_PUBLIC;
    type Output = Option<ArticleDoc>;
}

/// `articles:submitFeedback` (no credentials; returns the feedback id, unused).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubmitFeedback<'a> {
    pub(crate) article_id: &'a str,
    pub(crate) helpful: bool,
    pub(crate) visitor_id: Option<String>,
}

impl Call for SubmitFeedback<'_> {
    const FUNCTION: Function = fns::ARTICLE_FEEDBACK;
    type Output = Ignored;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{
        assert_args, assert_decode_error, decoded, workspace_auth,
    };

    fn doc() -> serde_json::Value {
        json!({"_id": "a1", "_creationTime": 1, "workspaceId": "ws1", "title": "Reset",
               "slug": "reset", "content": "c", "renderedContent": "r", "status": "published",
               "order": 1, "createdAt": 1, "updatedAt": 2, "collectionId": "col1"})
    }

    #[test]
    fn arguments_have_the_contract_field_names() {
        let auth = json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x"});
        assert_args(
            &ListForVisitor {
                auth: workspace_auth(),
                collection_id: None,
            },
            auth.clone(),
        );
        let mut full = auth.clone();
        full["collectionId"] = json!("col1");
        assert_args(
            &ListForVisitor {
                auth: workspace_auth(),
                collection_id: Some("col1"),
            },
            full,
        );
        let mut search = auth.clone();
        search["query"] = json!("pass");
        assert_args(
            &SearchForVisitor {
                auth: workspace_auth(),
                query: "pass",
            },
            search,
        );
        let mut get = auth;
        get["id"] = json!("a1");
        assert_args(
            &GetForVisitor {
                id: "a1",
                auth: workspace_auth(),
            },
            get,
        );
        assert_args(
            &Get {
                id: None,
                slug: Some("reset"),
                workspace_id: Some("ws1"),
            },
            json!({"slug": "reset", "workspaceId": "ws1"}),
        );
        assert_args(
            &Get {
                id: Some("a1"),
                slug: None,
                workspace_id: None,
            },
            json!({"id": "a1"}),
        );
        assert_args(
            &SubmitFeedback {
                article_id: "a1",
                helpful: true,
                visitor_id: Some("v1".into()),
            },
            json!({"articleId": "a1", "helpful": true, "visitorId": "v1"}),
        );
        assert_args(
            &SubmitFeedback {
                article_id: "a1",
                helpful: false,
                visitor_id: None,
            },
            json!({"articleId": "a1", "helpful": false}),
        );
    }

    #[test]
    fn articles_decode_or_fail_naming_the_function() {
        let list = decoded::<ListForVisitor>(json!([doc()]));
        assert_eq!(list[0].rendered_content, "r");
        assert_eq!(list[0].collection_id.as_deref(), Some("col1"));
        assert!(decoded::<GetForVisitor>(json!(null)).is_none());
        for field in [
            "_id",
            "title",
            "slug",
            "content",
            "renderedContent",
            "order",
            "updatedAt",
        ] {
            let mut missing = doc();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<ListForVisitor>(json!([missing.clone()]));
            assert_decode_error::<GetForVisitor>(missing);
        }
        let mut wrong = doc();
        wrong["order"] = json!("wst_first");
        assert_decode_error::<SearchForVisitor>(json!([wrong]));
        assert_decode_error::<Get>(json!({"_id": "a1"}));
        assert_decode_error::<ListForVisitor>(json!({"not": "a list"}));
    }
}
