//! `articles:*` as the team calls them (CONTRACT §8, §15.3): authoring, the admin listing and
//! image assets.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;
use crate::wire::Ignored;

/// `articles:create`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateArticle<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) content: &'a str,
    pub(crate) collection_id: Option<&'a str>,
    /// `"public"` or `"internal"`.
    pub(crate) visibility: Option<&'static str>,
    pub(crate) tags: Option<&'a [String]>,
    pub(crate) author_id: Option<&'a str>,
}

// The article id.
call!(CreateArticle => fns::CREATE_ARTICLE, String);

/// `articles:update` (title and content are always written).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateArticle<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) content: Option<&'a str>,
    pub(crate) collection_id: Option<&'a str>,
    pub(crate) visibility: Option<&'static str>,
    pub(crate) tags: Option<&'a [String]>,
}

call!(UpdateArticle => fns::UPDATE_ARTICLE, Ignored);

id_call! {
    /// `articles:publish`.
    PublishArticle { id } => fns::PUBLISH_ARTICLE, Ignored
}

id_call! {
    /// `articles:unpublish`.
    UnpublishArticle { id } => fns::UNPUBLISH_ARTICLE, Ignored
}

id_call! {
    /// `articles:archive`.
    ArchiveArticle { id } => fns::ARCHIVE_ARTICLE, Ignored
}

id_call! {
    /// `articles:remove`.
    RemoveArticle { id } => fns::REMOVE_ARTICLE, Ignored
}

/// `articles:list`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListArticles<'a> {
    pub(crate) workspace_id: &'a str,
    /// `"draft"`, `"published"` or `"archived"`.
    pub(crate) status: Option<&'a str>,
    pub(crate) collection_id: Option<&'a str>,
    pub(crate) visibility: Option<&'static str>,
}

call!(ListArticles => fns::LIST_ARTICLES, Vec<ArticleDoc>);

/// `articles:search`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchArticles<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) query: &'a str,
    pub(crate) published_only: Option<bool>,
}

call!(SearchArticles => fns::SEARCH_ARTICLES_ADMIN, Vec<ArticleDoc>);

/// `articles:get`, by `id` or by `workspaceId` + `slug`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetArticle<'a> {
    pub(crate) id: Option<&'a str>,
    pub(crate) workspace_id: Option<&'a str>,
    pub(crate) slug: Option<&'a str>,
}

call!(GetArticle => fns::ARTICLE_PUBLIC, Option<ArticleDoc>);

/// An article doc (CONTRACT §8): `_id, workspaceId, title, slug, content, status, order,
/// createdAt, updatedAt` are always present, the rest is optional.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArticleDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) workspace_id: String,
    pub(crate) title: String,
    pub(crate) slug: String,
    pub(crate) content: String,
    pub(crate) rendered_content: Option<String>,
    pub(crate) status: String,
    pub(crate) visibility: Option<String>,
    pub(crate) collection_id: Option<String>,
    pub(crate) tags: Option<Vec<String>>,
    pub(crate) order: f64,
    pub(crate) author_id: Option<String>,
    pub(crate) created_at: f64,
    pub(crate) updated_at: f64,
    pub(crate) published_at: Option<f64>,
}

id_call! {
    /// `articles:generateAssetUploadUrl`.
    AssetUploadUrl { workspace_id } => fns::ASSET_UPLOAD_URL, String
}

/// `articles:saveAsset`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SaveAsset<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) storage_id: &'a str,
    pub(crate) file_name: &'a str,
    pub(crate) article_id: Option<&'a str>,
}

// `{assetId, reference?, url?, fileName, mimeType, size}`, read by the asset model.
call!(SaveAsset => fns::SAVE_ASSET, Value);

/// `articles:listAssets`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListAssets<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) article_id: Option<&'a str>,
}

call!(ListAssets => fns::LIST_ASSETS, Vec<Value>);

/// `articles:deleteAsset`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeleteAsset<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) asset_id: &'a str,
}

call!(DeleteAsset => fns::DELETE_ASSET, Ignored);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn article_arguments_are_the_contracts() {
        let tags = vec!["billing".to_owned()];
        let full = CreateArticle {
            workspace_id: "w1",
            title: "T",
            content: "C",
            collection_id: Some("col1"),
            visibility: Some("internal"),
            tags: Some(&tags),
            author_id: Some("u1"),
        };
        assert_eq!(
            wire(&full),
            json!({"workspaceId": "w1", "title": "T", "content": "C", "collectionId": "col1",
                   "visibility": "internal", "tags": ["billing"], "authorId": "u1"})
        );
        let minimal = CreateArticle {
            collection_id: None,
            visibility: None,
            tags: None,
            author_id: None,
            ..full
        };
        assert_eq!(
            wire(&minimal),
            json!({"workspaceId": "w1", "title": "T", "content": "C"})
        );
        let update = UpdateArticle {
            id: "a1",
            title: "T",
            content: Some("C"),
            collection_id: Some("col1"),
            visibility: Some("public"),
            tags: Some(&tags),
        };
        assert_eq!(
            wire(&update),
            json!({"id": "a1", "title": "T", "content": "C", "collectionId": "col1",
                   "visibility": "public", "tags": ["billing"]})
        );
        assert_eq!(
            wire(&ListArticles {
                workspace_id: "w1",
                status: Some("draft"),
                collection_id: Some("col1"),
                visibility: Some("public"),
            }),
            json!({"workspaceId": "w1", "status": "draft", "collectionId": "col1",
                   "visibility": "public"})
        );
        assert_eq!(
            wire(&ListArticles {
                workspace_id: "w1",
                status: None,
                collection_id: None,
                visibility: None
            }),
            json!({"workspaceId": "w1"})
        );
        assert_eq!(
            wire(&SearchArticles {
                workspace_id: "w1",
                query: "q",
                published_only: Some(true)
            }),
            json!({"workspaceId": "w1", "query": "q", "publishedOnly": true})
        );
        assert_eq!(
            wire(&GetArticle {
                id: None,
                workspace_id: Some("w1"),
                slug: Some("faq")
            }),
            json!({"workspaceId": "w1", "slug": "faq"})
        );
        assert_eq!(
            wire(&GetArticle {
                id: Some("a1"),
                workspace_id: None,
                slug: None
            }),
            json!({"id": "a1"})
        );
        assert_eq!(wire(&PublishArticle { id: "a1" }), json!({"id": "a1"}));
        assert_eq!(
            wire(&SaveAsset {
                workspace_id: "w1",
                storage_id: "s1",
                file_name: "a.png",
                article_id: Some("a1")
            }),
            json!({"workspaceId": "w1", "storageId": "s1", "fileName": "a.png", "articleId": "a1"})
        );
        assert_eq!(
            wire(&ListAssets {
                workspace_id: "w1",
                article_id: None
            }),
            json!({"workspaceId": "w1"})
        );
        assert_eq!(
            wire(&DeleteAsset {
                workspace_id: "w1",
                asset_id: "as1"
            }),
            json!({"workspaceId": "w1", "assetId": "as1"})
        );
        assert_eq!(
            wire(&AssetUploadUrl { workspace_id: "w1" }),
            json!({"workspaceId": "w1"})
        );
    }

    #[test]
    fn an_article_without_its_required_fields_is_a_decode_error() {
        let doc = json!({"_id": "a1", "workspaceId": "w1", "title": "T", "slug": "t",
                         "content": "c", "status": "draft", "order": 1,
                         "createdAt": 1, "updatedAt": 2});
        let ok: Vec<ArticleDoc> =
            crate::wire::decode(fns::LIST_ARTICLES, json!([doc])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok[0].slug, "t");
        let mut without_slug = doc.clone();
        without_slug.as_object_mut().map(|m| m.remove("slug"));
        assert_decode_error::<ListArticles>(json!([without_slug]));
        let mut without_order = doc;
        without_order.as_object_mut().map(|m| m.remove("order"));
        assert_decode_error::<GetArticle>(without_order);
        assert_decode_error::<CreateArticle>(json!({"id": "a1"}));
        assert_decode_error::<AssetUploadUrl>(json!(null));
    }
}
