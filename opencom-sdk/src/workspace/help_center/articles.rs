//! Articles: the drafts, filters and models, and their create / update / status / remove /
//! list / search / get calls.

use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::wire::agent::articles::{
    ArchiveArticle, ArticleDoc, CreateArticle, GetArticle, ListArticles, PublishArticle,
    RemoveArticle, SearchArticles, UnpublishArticle, UpdateArticle,
};

use super::HelpCenterAdminClient;

/// Who can read an article.
///
/// ```
/// use opencom_sdk::ArticleVisibility;
/// assert_eq!(ArticleVisibility::default(), ArticleVisibility::Public);
/// assert_eq!(ArticleVisibility::Internal.as_str(), "internal");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ArticleVisibility {
    /// Visitors of the help center (once published).
    #[default]
    Public,
    /// The team only, never shown to visitors.
    Internal,
}

impl ArticleVisibility {
    /// The wire value: `"public"` or `"internal"`.
    ///
    /// ```
    /// assert_eq!(opencom_sdk::ArticleVisibility::Public.as_str(), "public");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Internal => "internal",
        }
    }

    /// Parses the wire value (`None` for anything else).
    ///
    /// ```
    /// use opencom_sdk::ArticleVisibility;
    /// assert_eq!(ArticleVisibility::parse("internal"), Some(ArticleVisibility::Internal));
    /// assert_eq!(ArticleVisibility::parse("secret"), None);
    /// ```
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "public" => Some(Self::Public),
            "internal" => Some(Self::Internal),
            _ => None,
        }
    }
}

/// Where an article is in its life.
///
/// ```
/// use opencom_sdk::ArticleStatus;
/// assert_eq!(ArticleStatus::parse("published"), ArticleStatus::Published);
/// assert_eq!(ArticleStatus::parse("scheduled"), ArticleStatus::Other("scheduled".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArticleStatus {
    /// Being written; invisible to visitors. New articles start here.
    Draft,
    /// Visible to visitors (when public).
    Published,
    /// Retired; invisible to visitors.
    Archived,
    /// A status this SDK does not know yet.
    Other(String),
}

impl ArticleStatus {
    /// Parses the wire value.
    ///
    /// ```
    /// assert_eq!(opencom_sdk::ArticleStatus::parse("draft"), opencom_sdk::ArticleStatus::Draft);
    /// ```
    pub fn parse(value: &str) -> Self {
        match value {
            "draft" => Self::Draft,
            "published" => Self::Published,
            "archived" => Self::Archived,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The wire value.
    ///
    /// ```
    /// assert_eq!(opencom_sdk::ArticleStatus::Archived.as_str(), "archived");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
            Self::Other(other) => other,
        }
    }
}

/// The content of an article to create ([`HelpCenterAdminClient::create_article`]) or to write
/// over an existing one ([`HelpCenterAdminClient::update_article`]).
///
/// Title and content are always sent. The optional parts are sent only when set: on update,
/// what is not set is left as it is (an article cannot be taken out of its collection this way;
/// `tags(Vec::<String>::new())` clears the tags).
///
/// ```
/// use opencom_sdk::{ArticleDraft, ArticleVisibility};
/// let draft = ArticleDraft::new("Reset your password", "Click **Forgot password**.")
///     .collection("k57collection")
///     .visibility(ArticleVisibility::Public)
///     .tags(["account", "login"]);
/// assert_eq!(draft.title(), "Reset your password");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDraft {
    title: String,
    content: String,
    collection_id: Option<String>,
    visibility: Option<ArticleVisibility>,
    tags: Option<Vec<String>>,
    author_id: Option<String>,
}

impl ArticleDraft {
    /// An article with a title (not blank) and Markdown content (may be empty; images are
    /// referenced as `oc-asset://<assetId>`, see
    /// [`ArticleAsset::reference`](super::ArticleAsset::reference)).
    ///
    /// ```
    /// let draft = opencom_sdk::ArticleDraft::new("Refunds", "We refund within 14 days.");
    /// assert_eq!(draft.content(), "We refund within 14 days.");
    /// ```
    pub fn new(title: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            content: content.into(),
            collection_id: None,
            visibility: None,
            tags: None,
            author_id: None,
        }
    }

    /// Files the article under a collection.
    ///
    /// ```
    /// let draft = opencom_sdk::ArticleDraft::new("Refunds", "…").collection("k57billing");
    /// # let _ = draft;
    /// ```
    pub fn collection(mut self, collection_id: impl Into<String>) -> Self {
        self.collection_id = Some(collection_id.into());
        self
    }

    /// Public (the default for new articles) or internal.
    ///
    /// ```
    /// let draft = opencom_sdk::ArticleDraft::new("Escalations", "…")
    ///     .visibility(opencom_sdk::ArticleVisibility::Internal);
    /// # let _ = draft;
    /// ```
    pub fn visibility(mut self, visibility: ArticleVisibility) -> Self {
        self.visibility = Some(visibility);
        self
    }

    /// The article's tags (each not blank).
    ///
    /// ```
    /// let draft = opencom_sdk::ArticleDraft::new("Refunds", "…").tags(["billing"]);
    /// # let _ = draft;
    /// ```
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// The author's user id (only used when creating).
    ///
    /// ```
    /// let draft = opencom_sdk::ArticleDraft::new("Refunds", "…").author("k57user");
    /// # let _ = draft;
    /// ```
    pub fn author(mut self, user_id: impl Into<String>) -> Self {
        self.author_id = Some(user_id.into());
        self
    }

    /// The title.
    ///
    /// ```
    /// assert_eq!(opencom_sdk::ArticleDraft::new("A", "b").title(), "A");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The Markdown content.
    ///
    /// ```
    /// assert_eq!(opencom_sdk::ArticleDraft::new("A", "b").content(), "b");
    /// ```
    pub fn content(&self) -> &str {
        &self.content
    }

    fn check(&self) -> Result<()> {
        if self.title.trim().is_empty() {
            return Err(Error::invalid("title", "must not be empty"));
        }
        if let Some(collection) = &self.collection_id {
            check_id("collection_id", collection)?;
        }
        if let Some(author) = &self.author_id {
            check_id("author_id", author)?;
        }
        if self
            .tags
            .as_ref()
            .is_some_and(|tags| tags.iter().any(|t| t.trim().is_empty()))
        {
            return Err(Error::invalid("tags", "tags must not be empty"));
        }
        Ok(())
    }
}

/// An article as the team sees it: any status, with its Markdown source.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AdminArticle {
    /// Article id.
    pub id: String,
    /// The workspace.
    pub workspace_id: String,
    /// Title.
    pub title: String,
    /// URL slug, unique in the workspace (it changes when the title changes).
    pub slug: String,
    /// Markdown source.
    pub content: String,
    /// The Markdown with `oc-asset://` references replaced by URLs (only from
    /// [`HelpCenterAdminClient::get_article`]).
    pub rendered_content: Option<String>,
    /// Draft, published or archived.
    pub status: ArticleStatus,
    /// Public or internal.
    pub visibility: ArticleVisibility,
    /// The collection it is filed under.
    pub collection_id: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Position within its collection.
    pub order: f64,
    /// The author's user id.
    pub author_id: Option<String>,
    /// Created, epoch ms.
    pub created_at: f64,
    /// Last change, epoch ms.
    pub updated_at: f64,
    /// Last published, epoch ms (none while a draft).
    pub published_at: Option<f64>,
}

impl From<ArticleDoc> for AdminArticle {
    fn from(doc: ArticleDoc) -> Self {
        Self {
            id: doc.id,
            workspace_id: doc.workspace_id,
            title: doc.title,
            slug: doc.slug,
            content: doc.content,
            rendered_content: doc.rendered_content,
            status: ArticleStatus::parse(&doc.status),
            visibility: doc
                .visibility
                .and_then(|v| ArticleVisibility::parse(&v))
                .unwrap_or_default(),
            collection_id: doc.collection_id,
            tags: doc.tags.unwrap_or_default(),
            order: doc.order,
            author_id: doc.author_id,
            created_at: doc.created_at,
            updated_at: doc.updated_at,
            published_at: doc.published_at,
        }
    }
}

/// Which articles [`HelpCenterAdminClient::list_articles`] returns.
///
/// ```
/// use opencom_sdk::{ArticleFilter, ArticleStatus, ArticleVisibility};
/// let filter = ArticleFilter::new()
///     .status(ArticleStatus::Draft)
///     .collection("k57billing")
///     .visibility(ArticleVisibility::Public);
/// # let _ = filter;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    status: Option<ArticleStatus>,
    collection_id: Option<String>,
    visibility: Option<ArticleVisibility>,
}

impl ArticleFilter {
    /// Every article of the workspace.
    ///
    /// ```
    /// let all = opencom_sdk::ArticleFilter::new();
    /// # let _ = all;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Only articles with this status (draft, published or archived).
    ///
    /// ```
    /// let drafts = opencom_sdk::ArticleFilter::new().status(opencom_sdk::ArticleStatus::Draft);
    /// # let _ = drafts;
    /// ```
    pub fn status(mut self, status: ArticleStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only articles of this collection.
    ///
    /// ```
    /// let billing = opencom_sdk::ArticleFilter::new().collection("k57billing");
    /// # let _ = billing;
    /// ```
    pub fn collection(mut self, collection_id: impl Into<String>) -> Self {
        self.collection_id = Some(collection_id.into());
        self
    }

    /// Only public or only internal articles.
    ///
    /// ```
    /// let internal = opencom_sdk::ArticleFilter::new().visibility(opencom_sdk::ArticleVisibility::Internal);
    /// # let _ = internal;
    /// ```
    pub fn visibility(mut self, visibility: ArticleVisibility) -> Self {
        self.visibility = Some(visibility);
        self
    }
}

impl HelpCenterAdminClient {
    /// Creates a draft article and returns its id; the slug is derived from the title and made
    /// unique in the workspace. Needs `articles.create`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let id = client
    ///     .help_center()
    ///     .create_article("k57workspace", opencom_sdk::ArticleDraft::new("Refunds", "…"))
    ///     .await?;
    /// # let _ = id; Ok(()) }
    /// ```
    pub async fn create_article(&self, workspace_id: &str, draft: ArticleDraft) -> Result<String> {
        check_id("workspace_id", workspace_id)?;
        draft.check()?;
        self.ctx
            .request(&CreateArticle {
                workspace_id,
                title: &draft.title,
                content: &draft.content,
                collection_id: draft.collection_id.as_deref(),
                visibility: draft.visibility.map(ArticleVisibility::as_str),
                tags: draft.tags.as_deref(),
                author_id: draft.author_id.as_deref(),
            })
            .await
    }

    /// Writes a new title and content (and whatever optional parts `draft` sets) over an
    /// article; its status does not change. The slug follows a changed title. Needs
    /// `articles.create`; [`Error::NotFound`] for an unknown article.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client
    ///     .help_center()
    ///     .update_article("k57article", opencom_sdk::ArticleDraft::new("Refunds", "Within 30 days."))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_article(&self, article_id: &str, draft: ArticleDraft) -> Result<()> {
        check_id("article_id", article_id)?;
        draft.check()?;
        self.ctx
            .request(&UpdateArticle {
                id: article_id,
                title: &draft.title,
                content: Some(&draft.content),
                collection_id: draft.collection_id.as_deref(),
                visibility: draft.visibility.map(ArticleVisibility::as_str),
                tags: draft.tags.as_deref(),
            })
            .await
            .map(drop)
    }

    /// Publishes an article: visitors see it from now on (when public). Needs
    /// `articles.publish`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().publish_article("k57article").await?;
    /// # Ok(()) }
    /// ```
    pub async fn publish_article(&self, article_id: &str) -> Result<()> {
        self.by_id("article_id", article_id, |id| PublishArticle { id })
            .await
    }

    /// Takes an article back to draft: visitors no longer see it. Needs `articles.publish`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().unpublish_article("k57article").await?;
    /// # Ok(()) }
    /// ```
    pub async fn unpublish_article(&self, article_id: &str) -> Result<()> {
        self.by_id("article_id", article_id, |id| UnpublishArticle { id })
            .await
    }

    /// Archives an article: visitors no longer see it; it stays listed for the team. Needs
    /// `articles.publish`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().archive_article("k57article").await?;
    /// # Ok(()) }
    /// ```
    pub async fn archive_article(&self, article_id: &str) -> Result<()> {
        self.by_id("article_id", article_id, |id| ArchiveArticle { id })
            .await
    }

    /// Deletes an article for good. Needs `articles.delete`; [`Error::NotFound`] when it is
    /// already gone.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().remove_article("k57article").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_article(&self, article_id: &str) -> Result<()> {
        self.by_id("article_id", article_id, |id| RemoveArticle { id })
            .await
    }

    /// Every article of the workspace matching `filter`, any status, most recently changed
    /// first (`articles:list`). Needs `articles.read`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::{ArticleFilter, ArticleStatus};
    /// let drafts = client
    ///     .help_center()
    ///     .list_articles("k57workspace", ArticleFilter::new().status(ArticleStatus::Draft))
    ///     .await?;
    /// # let _ = drafts; Ok(()) }
    /// ```
    pub async fn list_articles(
        &self,
        workspace_id: &str,
        filter: ArticleFilter,
    ) -> Result<Vec<AdminArticle>> {
        check_id("workspace_id", workspace_id)?;
        if matches!(filter.status, Some(ArticleStatus::Other(_))) {
            return Err(Error::invalid(
                "status",
                "must be draft, published or archived",
            ));
        }
        if let Some(collection) = &filter.collection_id {
            check_id("collection_id", collection)?;
        }
        let rows = self
            .ctx
            .request(&ListArticles {
                workspace_id,
                status: filter.status.as_ref().map(ArticleStatus::as_str),
                collection_id: filter.collection_id.as_deref(),
                visibility: filter.visibility.map(ArticleVisibility::as_str),
            })
            .await?;
        Ok(rows.into_iter().map(AdminArticle::from).collect())
    }

    /// At most 20 articles whose title or content contains `query` (case-insensitive), most
    /// recently changed first; drafts included unless `published_only` (`articles:search`).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let hits = client.help_center().search_articles("k57workspace", "refund", false).await?;
    /// # let _ = hits; Ok(()) }
    /// ```
    pub async fn search_articles(
        &self,
        workspace_id: &str,
        query: &str,
        published_only: bool,
    ) -> Result<Vec<AdminArticle>> {
        check_id("workspace_id", workspace_id)?;
        if query.trim().is_empty() {
            return Err(Error::invalid("query", "must not be empty"));
        }
        let rows = self
            .ctx
            .request(&SearchArticles {
                workspace_id,
                query,
                published_only: published_only.then_some(true),
            })
            .await?;
        Ok(rows.into_iter().map(AdminArticle::from).collect())
    }

    /// One article, any status, with its rendered content (`articles:get`);
    /// [`Error::NotFound`] when it does not exist.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let article = client.help_center().get_article("k57article").await?;
    /// println!("{} ({})", article.title, article.status.as_str());
    /// # Ok(()) }
    /// ```
    pub async fn get_article(&self, article_id: &str) -> Result<AdminArticle> {
        check_id("article_id", article_id)?;
        self.ctx
            .request(&GetArticle {
                id: Some(article_id),
                workspace_id: None,
                slug: None,
            })
            .await?
            .map(AdminArticle::from)
            .ok_or_else(|| Error::NotFound {
                message: format!("article {article_id}"),
            })
    }

    /// One article by its slug in a workspace; `None` when no article has it.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let refunds = client.help_center().article_by_slug("k57workspace", "refunds").await?;
    /// # let _ = refunds; Ok(()) }
    /// ```
    pub async fn article_by_slug(
        &self,
        workspace_id: &str,
        slug: &str,
    ) -> Result<Option<AdminArticle>> {
        check_id("workspace_id", workspace_id)?;
        if slug.trim().is_empty() {
            return Err(Error::invalid("slug", "must not be empty"));
        }
        let found = self
            .ctx
            .request(&GetArticle {
                id: None,
                workspace_id: Some(workspace_id),
                slug: Some(slug),
            })
            .await?;
        Ok(found.map(AdminArticle::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drafts_are_checked() {
        assert!(ArticleDraft::new("  ", "x").check().is_err());
        assert!(ArticleDraft::new("T", "").check().is_ok());
        assert!(ArticleDraft::new("T", "x")
            .tags(["a", " "])
            .check()
            .is_err());
        assert!(ArticleDraft::new("T", "x")
            .collection("has space")
            .check()
            .is_err());
    }

    /// Optional fields are lenient (a missing visibility is public, missing tags are none);
    /// the fields CONTRACT §8 says are always there are required.
    #[test]
    fn articles_decode_leniently() {
        let from_json = |doc: serde_json::Value| {
            crate::wire::decode::<ArticleDoc>(crate::wire::functions::ARTICLE_PUBLIC, doc)
                .map(AdminArticle::from)
        };
        let doc = json!({"_id": "a1", "workspaceId": "w1", "title": "T", "slug": "t",
                         "content": "c", "status": "published", "order": 2, "tags": ["x"],
                         "createdAt": 1, "updatedAt": 2, "publishedAt": 3});
        let article = from_json(doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(article.status, ArticleStatus::Published);
        assert_eq!(article.visibility, ArticleVisibility::Public);
        assert_eq!(article.tags, vec!["x".to_owned()]);
        assert_eq!(article.published_at, Some(3.0));
        assert!(matches!(
            from_json(json!({"title": "no id"})),
            Err(Error::Decode { .. })
        ));
    }
}
