//! `collections:*` as the team calls them (CONTRACT §8, §15.3).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;
use crate::wire::Ignored;

/// `collections:create`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateCollection<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) description: Option<&'a str>,
    pub(crate) icon: Option<&'a str>,
    pub(crate) parent_id: Option<&'a str>,
}

// The collection id.
call!(CreateCollection => fns::CREATE_COLLECTION, String);

/// `collections:update`. `parent_id`: `None` leaves the parent alone, `Some(None)` sends
/// `null` (moves the collection to the root), `Some(Some(id))` moves it under `id`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateCollection<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) description: Option<&'a str>,
    pub(crate) icon: Option<&'a str>,
    pub(crate) parent_id: Option<Option<&'a str>>,
}

call!(UpdateCollection => fns::UPDATE_COLLECTION, Ignored);

id_call! {
    /// `collections:remove`.
    RemoveCollection { id } => fns::REMOVE_COLLECTION, Ignored
}

/// `collections:reorder`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReorderCollection<'a> {
    pub(crate) id: &'a str,
    pub(crate) new_order: f64,
}

call!(ReorderCollection => fns::REORDER_COLLECTION, Ignored);

/// `collections:listHierarchy`: every collection, flat. The rows stay documents: the tree is
/// built by the visitor-side collection model, the admin listing decodes [`CollectionDoc`]s.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListHierarchy<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) public_only: Option<bool>,
}

call!(ListHierarchy => fns::LIST_COLLECTION_HIERARCHY, Vec<Value>);

/// A collection doc as the list functions answer it (CONTRACT §8): `_id, name, slug, order`
/// always, plus `articleCount` and `publishedArticleCount`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CollectionDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) description: Option<String>,
    pub(crate) icon: Option<String>,
    pub(crate) parent_id: Option<String>,
    pub(crate) order: f64,
    pub(crate) article_count: f64,
    pub(crate) published_article_count: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn collection_arguments_are_the_contracts() {
        let full = CreateCollection {
            workspace_id: "w1",
            name: "Billing",
            description: Some("D"),
            icon: Some("card"),
            parent_id: Some("p1"),
        };
        assert_eq!(
            wire(&full),
            json!({"workspaceId": "w1", "name": "Billing", "description": "D", "icon": "card",
                   "parentId": "p1"})
        );
        let minimal = CreateCollection {
            description: None,
            icon: None,
            parent_id: None,
            ..full
        };
        assert_eq!(
            wire(&minimal),
            json!({"workspaceId": "w1", "name": "Billing"})
        );
        let to_root = UpdateCollection {
            id: "c1",
            name: Some("N"),
            description: Some("D"),
            icon: Some("i"),
            parent_id: Some(None),
        };
        assert_eq!(
            wire(&to_root),
            json!({"id": "c1", "name": "N", "description": "D", "icon": "i", "parentId": null})
        );
        let untouched = UpdateCollection {
            id: "c1",
            name: None,
            description: None,
            icon: None,
            parent_id: None,
        };
        assert_eq!(wire(&untouched), json!({"id": "c1"}));
        let moved = UpdateCollection {
            parent_id: Some(Some("p1")),
            ..untouched
        };
        assert_eq!(wire(&moved), json!({"id": "c1", "parentId": "p1"}));
        assert_eq!(
            wire(&ReorderCollection {
                id: "c1",
                new_order: 2.0
            }),
            json!({"id": "c1", "newOrder": 2.0})
        );
        assert_eq!(
            wire(&ListHierarchy {
                workspace_id: "w1",
                public_only: None
            }),
            json!({"workspaceId": "w1"})
        );
        assert_eq!(wire(&RemoveCollection { id: "c1" }), json!({"id": "c1"}));
    }

    #[test]
    fn a_listing_without_counts_is_a_decode_error() {
        let row = json!({"_id": "c1", "name": "N", "slug": "n", "order": 1});
        let err =
            crate::wire::decode::<Vec<CollectionDoc>>(fns::LIST_COLLECTION_HIERARCHY, json!([row]))
                .map(drop)
                .unwrap_err();
        assert!(
            err.to_string().contains("collections:listHierarchy"),
            "{err}"
        );
        assert!(err.to_string().contains("articleCount"), "{err}");
        assert_decode_error::<CreateCollection>(json!(null));
        assert_decode_error::<ListHierarchy>(json!({}));
    }
}
