//! `collections:*` as a visitor calls them (CONTRACT §8).

use serde::{Deserialize, Serialize};

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, WorkspaceAuth};

/// A collection document as the list functions return it (with `articleCount` and
/// `publishedArticleCount`). Fields the SDK does not use are ignored.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CollectionDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) parent_id: Option<String>,
    pub(crate) order: f64,
    pub(crate) article_count: f64,
    /// Counted first when present; the team's tree leaves it out to count every article.
    pub(crate) published_article_count: Option<f64>,
}

/// `collections:listHierarchyForVisitor`: a flat list (with `parentId`) of the collections
/// holding visible articles, plus their ancestors.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListHierarchyForVisitor<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for ListHierarchyForVisitor<'_> {
    const FUNCTION: Function = fns::COLLECTIONS_FOR_VISITOR;
    type Output = Vec<CollectionDoc>;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{
        assert_args, assert_decode_error, decoded, workspace_auth,
    };

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &ListHierarchyForVisitor {
                auth: workspace_auth(),
            },
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x"}),
        );
    }

    #[test]
    fn collections_decode_or_fail_naming_the_function() {
        let doc = json!({"_id": "c1", "workspaceId": "ws1", "name": "Start", "slug": "start",
                         "order": 1, "createdAt": 1, "updatedAt": 1, "articleCount": 3,
                         "publishedArticleCount": 2, "parentId": "c0"});
        let list = decoded::<ListHierarchyForVisitor>(json!([doc.clone()]));
        assert_eq!(list[0].published_article_count, Some(2.0));
        assert_eq!(list[0].parent_id.as_deref(), Some("c0"));
        for field in ["_id", "name", "order", "articleCount"] {
            let mut missing = doc.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<ListHierarchyForVisitor>(json!([missing]));
        }
        let mut wrong = doc;
        wrong["articleCount"] = json!("three");
        assert_decode_error::<ListHierarchyForVisitor>(json!([wrong]));
    }
}
