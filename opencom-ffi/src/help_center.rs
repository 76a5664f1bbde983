//! The help center: `client.help_center()`.

use opencom_sdk as sdk;

use crate::error::OpencomError;
use crate::runtime::run;
use crate::types::list;

/// A help-center article as a visitor sees it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Article {
    /// Opaque article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// URL slug.
    pub slug: String,
    /// Markdown source.
    pub content: String,
    /// Markdown with asset references replaced by URLs: render this one.
    pub rendered_content: String,
    /// The collection it belongs to.
    pub collection_id: Option<String>,
    /// Position within its collection.
    pub order: f64,
    /// Last update, epoch ms.
    pub updated_at: f64,
}

impl From<sdk::Article> for Article {
    fn from(a: sdk::Article) -> Self {
        Self {
            id: a.id,
            title: a.title,
            slug: a.slug,
            content: a.content,
            rendered_content: a.rendered_content,
            collection_id: a.collection_id,
            order: a.order,
            updated_at: a.updated_at,
        }
    }
}

/// A help-center collection (`Collection` in the Rust core; renamed so as not to shadow
/// Swift's `Collection`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ArticleCollection {
    /// Opaque collection id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Icon name or URL.
    pub icon: Option<String>,
    /// Parent collection.
    pub parent_id: Option<String>,
    /// Position among its siblings.
    pub order: f64,
    /// Articles visible to this visitor.
    pub article_count: u32,
}

impl From<sdk::Collection> for ArticleCollection {
    fn from(c: sdk::Collection) -> Self {
        Self {
            id: c.id,
            name: c.name,
            description: c.description,
            icon: c.icon,
            parent_id: c.parent_id,
            order: c.order,
            article_count: c.article_count,
        }
    }
}

/// A collection with its sub-collections, in display order.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CollectionNode {
    /// The collection.
    pub collection: ArticleCollection,
    /// Its children, in display order.
    pub children: Vec<CollectionNode>,
}

impl From<sdk::CollectionNode> for CollectionNode {
    fn from(n: sdk::CollectionNode) -> Self {
        Self {
            collection: n.collection.into(),
            children: list(n.children),
        }
    }
}

/// An instant answer while the visitor types.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Suggestion {
    /// The article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// A short excerpt.
    pub snippet: String,
    /// Relevance score.
    pub score: f64,
}

impl From<sdk::Suggestion> for Suggestion {
    fn from(s: sdk::Suggestion) -> Self {
        Self {
            id: s.id,
            title: s.title,
            snippet: s.snippet,
            score: s.score,
        }
    }
}

/// The help center: `client.help_center()`.
#[derive(Debug, uniffi::Object)]
pub struct HelpCenterClient {
    pub(crate) client: sdk::Opencom,
}

#[uniffi::export]
impl HelpCenterClient {
    /// The collections this visitor can see, as a tree.
    pub async fn collections(&self) -> Result<Vec<CollectionNode>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.help_center().collections().await.map(list) }).await
    }

    /// Visible articles, of one collection or all.
    pub async fn articles(
        &self,
        collection_id: Option<String>,
    ) -> Result<Vec<Article>, OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.help_center()
                .articles(collection_id.as_deref())
                .await
                .map(list)
        })
        .await
    }

    /// Searches titles and content (at most 20 results). The query must not be empty.
    pub async fn search(&self, query: String) -> Result<Vec<Article>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.help_center().search(&query).await.map(list) }).await
    }

    /// One article by id, or `None` when it is not visible.
    pub async fn article(&self, article_id: String) -> Result<Option<Article>, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let found = c.help_center().article(&article_id).await?;
            Ok(found.map(Article::from))
        })
        .await
    }

    /// One published article by slug, or `None`.
    pub async fn article_by_slug(&self, slug: String) -> Result<Option<Article>, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let found = c.help_center().article_by_slug(&slug).await?;
            Ok(found.map(Article::from))
        })
        .await
    }

    /// Says whether an article helped.
    pub async fn submit_feedback(
        &self,
        article_id: String,
        helpful: bool,
    ) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.help_center().submit_feedback(&article_id, helpful).await }).await
    }

    /// Instant article suggestions while the visitor types. Queries shorter than 2 characters
    /// return nothing without a call; `limit` is clamped to 1–5 (default 3).
    pub async fn suggestions(
        &self,
        query: String,
        limit: Option<u8>,
    ) -> Result<Vec<Suggestion>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.help_center().suggestions(&query, limit).await.map(list) }).await
    }
}
