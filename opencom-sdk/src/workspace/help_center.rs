//! Help-center authoring for agents and admins (CONTRACT §15.3): articles (create, update,
//! publish, unpublish, archive, remove, list, search, get), collections (create, update and
//! move, remove, reorder, the hierarchy) and image assets (upload, list, delete).
//!
//! Writing needs `articles.create` (articles and collections), `articles.publish` (status
//! changes) or `articles.delete` (removing articles and assets): owners and admins hold them,
//! agents and viewers do not and get [`Error::NotAuthorized`] naming the permission
//! ([`Error::denied_permission`]). Reading needs `articles.read`, which every role holds.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::conversations::check_id;
use crate::doc::{number, required, strings, text};
use crate::error::{Error, Result};
use crate::help_center::{build_tree, Collection, CollectionNode};
use crate::transport::fns;

use super::{id_args, returned_id, WorkspaceClient};

/// The largest image asset Opencom accepts: 5 MiB.
///
/// ```
/// assert_eq!(opencom_sdk::MAX_ASSET_BYTES, 5 * 1024 * 1024);
/// ```
pub const MAX_ASSET_BYTES: u64 = 5 * 1024 * 1024;

/// The image types Opencom accepts as article assets.
///
/// ```
/// assert!(opencom_sdk::ASSET_MIME_TYPES.contains(&"image/webp"));
/// ```
pub const ASSET_MIME_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
];

/// How long an asset upload may take.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

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
    /// referenced as `oc-asset://<assetId>`, see [`ArticleAsset::reference`]).
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

    /// The optional arguments shared by `create` and `update`.
    fn put_optionals(&self, args: &mut Map<String, Value>) {
        if let Some(collection) = &self.collection_id {
            args.insert("collectionId".into(), json!(collection));
        }
        if let Some(visibility) = self.visibility {
            args.insert("visibility".into(), json!(visibility.as_str()));
        }
        if let Some(tags) = &self.tags {
            args.insert("tags".into(), json!(tags));
        }
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

impl AdminArticle {
    fn from_json(doc: &Value) -> Result<Self> {
        Ok(Self {
            id: required(doc, "_id", "article")?,
            workspace_id: text(doc, "workspaceId").unwrap_or_default(),
            title: text(doc, "title").unwrap_or_default(),
            slug: text(doc, "slug").unwrap_or_default(),
            content: text(doc, "content").unwrap_or_default(),
            rendered_content: text(doc, "renderedContent"),
            status: ArticleStatus::parse(&text(doc, "status").unwrap_or_default()),
            visibility: text(doc, "visibility")
                .and_then(|v| ArticleVisibility::parse(&v))
                .unwrap_or_default(),
            collection_id: text(doc, "collectionId"),
            tags: strings(doc, "tags"),
            order: number(doc, "order").unwrap_or(0.0),
            author_id: text(doc, "authorId"),
            created_at: number(doc, "createdAt").unwrap_or(0.0),
            updated_at: number(doc, "updatedAt").unwrap_or(0.0),
            published_at: number(doc, "publishedAt"),
        })
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

/// A new collection for [`HelpCenterAdminClient::create_collection`].
///
/// ```
/// let guides = opencom_sdk::CollectionDraft::new("Guides").description("How-tos").icon("book");
/// let setup = opencom_sdk::CollectionDraft::new("Setup").parent("k57guides");
/// # let _ = (guides, setup);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionDraft {
    name: String,
    description: Option<String>,
    icon: Option<String>,
    parent_id: Option<String>,
}

impl CollectionDraft {
    /// A root collection with a name (not blank).
    ///
    /// ```
    /// let billing = opencom_sdk::CollectionDraft::new("Billing");
    /// # let _ = billing;
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            icon: None,
            parent_id: None,
        }
    }

    /// A description.
    ///
    /// ```
    /// let c = opencom_sdk::CollectionDraft::new("Billing").description("Invoices and refunds");
    /// # let _ = c;
    /// ```
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// An icon name or URL.
    ///
    /// ```
    /// let c = opencom_sdk::CollectionDraft::new("Billing").icon("credit-card");
    /// # let _ = c;
    /// ```
    pub fn icon(mut self, icon: impl Into<String>) -> Self {
        self.icon = Some(icon.into());
        self
    }

    /// Nests it under another collection of the workspace.
    ///
    /// ```
    /// let c = opencom_sdk::CollectionDraft::new("Refunds").parent("k57billing");
    /// # let _ = c;
    /// ```
    pub fn parent(mut self, parent_id: impl Into<String>) -> Self {
        self.parent_id = Some(parent_id.into());
        self
    }
}

/// Where [`CollectionUpdate`] puts a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Move {
    Under(String),
    Root,
}

/// Changes to a collection for [`HelpCenterAdminClient::update_collection`]; what is not set
/// stays as it is.
///
/// ```
/// use opencom_sdk::CollectionUpdate;
/// let rename = CollectionUpdate::new().name("Billing & plans");
/// let nest = CollectionUpdate::new().move_to("k57guides");
/// let unnest = CollectionUpdate::new().move_to_root();
/// # let _ = (rename, nest, unnest);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionUpdate {
    name: Option<String>,
    description: Option<String>,
    icon: Option<String>,
    parent: Option<Move>,
}

impl CollectionUpdate {
    /// No changes yet.
    ///
    /// ```
    /// let update = opencom_sdk::CollectionUpdate::new();
    /// # let _ = update;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A new name (not blank); the slug follows it.
    ///
    /// ```
    /// let u = opencom_sdk::CollectionUpdate::new().name("Plans");
    /// # let _ = u;
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A new description.
    ///
    /// ```
    /// let u = opencom_sdk::CollectionUpdate::new().description("All about plans");
    /// # let _ = u;
    /// ```
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// A new icon.
    ///
    /// ```
    /// let u = opencom_sdk::CollectionUpdate::new().icon("star");
    /// # let _ = u;
    /// ```
    pub fn icon(mut self, icon: impl Into<String>) -> Self {
        self.icon = Some(icon.into());
        self
    }

    /// Moves it under another collection. Not under itself or one of its descendants
    /// ([`Error::InvalidInput`] on `parent_id`).
    ///
    /// ```
    /// let u = opencom_sdk::CollectionUpdate::new().move_to("k57guides");
    /// # let _ = u;
    /// ```
    pub fn move_to(mut self, parent_id: impl Into<String>) -> Self {
        self.parent = Some(Move::Under(parent_id.into()));
        self
    }

    /// Moves it to the top level (`parentId: null` on the wire).
    ///
    /// ```
    /// let u = opencom_sdk::CollectionUpdate::new().move_to_root();
    /// # let _ = u;
    /// ```
    pub fn move_to_root(mut self) -> Self {
        self.parent = Some(Move::Root);
        self
    }
}

/// A collection as the team sees it, with its article counts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AdminCollection {
    /// Collection id.
    pub id: String,
    /// Name.
    pub name: String,
    /// URL slug, unique in the workspace.
    pub slug: String,
    /// Description.
    pub description: Option<String>,
    /// Icon name or URL.
    pub icon: Option<String>,
    /// The parent collection; `None` at the top level.
    pub parent_id: Option<String>,
    /// Position among its siblings.
    pub order: f64,
    /// Articles filed directly under it, any status.
    pub article_count: u32,
    /// Of those, the ones visitors can see (published and public).
    pub published_article_count: u32,
}

impl AdminCollection {
    fn from_json(doc: &Value) -> Result<Self> {
        let count = |key: &str| number(doc, key).unwrap_or(0.0).max(0.0) as u32;
        Ok(Self {
            id: required(doc, "_id", "collection")?,
            name: text(doc, "name").unwrap_or_default(),
            slug: text(doc, "slug").unwrap_or_default(),
            description: text(doc, "description"),
            icon: text(doc, "icon"),
            parent_id: text(doc, "parentId"),
            order: number(doc, "order").unwrap_or(0.0),
            article_count: count("articleCount"),
            published_article_count: count("publishedArticleCount"),
        })
    }
}

/// An image to upload with [`HelpCenterAdminClient::upload_asset`].
///
/// The type comes from the file-name extension (`png`, `jpg`/`jpeg`, `gif`, `webp`, `avif`)
/// unless set with [`mime_type`](Self::mime_type). Size and type are checked before anything
/// is sent.
///
/// ```
/// let image = opencom_sdk::AssetUpload::new("login.png", vec![0x89, b'P', b'N', b'G'])
///     .article("k57article");
/// # let _ = image;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AssetUpload {
    file_name: String,
    bytes: Vec<u8>,
    mime_type: Option<String>,
    article_id: Option<String>,
}

/// Shows the name, type and size, not the bytes.
impl std::fmt::Debug for AssetUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetUpload")
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .field("size", &self.bytes.len())
            .field("article_id", &self.article_id)
            .finish()
    }
}

impl AssetUpload {
    /// An image file's name and bytes.
    ///
    /// ```
    /// let image = opencom_sdk::AssetUpload::new("chart.webp", vec![1, 2, 3]);
    /// # let _ = image;
    /// ```
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            file_name: file_name.into(),
            bytes: bytes.into(),
            mime_type: None,
            article_id: None,
        }
    }

    /// The MIME type, when the name has no telling extension.
    ///
    /// ```
    /// let image = opencom_sdk::AssetUpload::new("chart", vec![1]).mime_type("image/png");
    /// # let _ = image;
    /// ```
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// Attaches it to an article (so [`HelpCenterAdminClient::list_assets`] can filter by it).
    ///
    /// ```
    /// let image = opencom_sdk::AssetUpload::new("a.png", vec![1]).article("k57article");
    /// # let _ = image;
    /// ```
    pub fn article(mut self, article_id: impl Into<String>) -> Self {
        self.article_id = Some(article_id.into());
        self
    }

    /// The MIME type that will be sent, after the checks.
    fn checked_mime(&self) -> Result<String> {
        if self.file_name.trim().is_empty() {
            return Err(Error::invalid("file_name", "must not be empty"));
        }
        if let Some(article) = &self.article_id {
            check_id("article_id", article)?;
        }
        if self.bytes.is_empty() {
            return Err(Error::invalid("bytes", "the image is empty"));
        }
        if self.bytes.len() as u64 > MAX_ASSET_BYTES {
            return Err(Error::invalid(
                "bytes",
                format!(
                    "{} bytes is more than the 5 MiB ({MAX_ASSET_BYTES} bytes) limit",
                    self.bytes.len()
                ),
            ));
        }
        let mime = match &self.mime_type {
            Some(mime) => mime.trim().to_ascii_lowercase(),
            None => image_mime_for(&self.file_name)
                .unwrap_or_default()
                .to_owned(),
        };
        if !ASSET_MIME_TYPES.contains(&mime.as_str()) {
            return Err(Error::invalid(
                "mime_type",
                "only PNG, JPEG, GIF, WEBP and AVIF images are accepted",
            ));
        }
        Ok(mime)
    }
}

/// The image type of a file name's extension.
fn image_mime_for(file_name: &str) -> Option<&'static str> {
    let (_, ext) = file_name.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        _ => return None,
    })
}

/// An uploaded article image.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ArticleAsset {
    /// Asset id.
    pub id: String,
    /// What to write in article Markdown: `oc-asset://<id>`, e.g. `![alt](oc-asset://…)`.
    /// Readers get it replaced by [`url`](Self::url).
    pub reference: String,
    /// Where the image can be downloaded.
    pub url: Option<String>,
    /// The stored file name (sanitised by the server).
    pub file_name: String,
    /// The image type.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The article it was uploaded for.
    pub article_id: Option<String>,
}

impl ArticleAsset {
    fn from_json(doc: &Value, id_key: &str) -> Result<Self> {
        let id = required(doc, id_key, "asset")?;
        Ok(Self {
            reference: text(doc, "reference").unwrap_or_else(|| format!("oc-asset://{id}")),
            id,
            url: text(doc, "url"),
            file_name: text(doc, "fileName").unwrap_or_default(),
            mime_type: text(doc, "mimeType").unwrap_or_default(),
            size: number(doc, "size").unwrap_or(0.0).max(0.0) as u64,
            article_id: text(doc, "articleId"),
        })
    }
}

/// Help-center authoring of a [`WorkspaceClient`]; see [`WorkspaceClient::help_center`].
///
/// ```
/// use opencom_sdk::{ArticleDraft, ArticleStatus, CollectionDraft, WorkspaceClient};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mock = server_mock::ServerMock::start().await?;
/// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Admin);
/// let client = WorkspaceClient::builder(&mock.url()).build()?;
/// let me = client.sign_in_password("ana@example.com", "Passw0rd!").await?;
/// let help = client.help_center();
/// let billing = help
///     .create_collection(&me.workspace_id, CollectionDraft::new("Billing"))
///     .await?;
/// let refunds = help
///     .create_article(
///         &me.workspace_id,
///         ArticleDraft::new("Refunds", "We refund within 14 days.").collection(&billing),
///     )
///     .await?;
/// help.publish_article(&refunds).await?;
/// assert_eq!(help.get_article(&refunds).await?.status, ArticleStatus::Published);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct HelpCenterAdminClient {
    client: WorkspaceClient,
}

impl HelpCenterAdminClient {
    pub(crate) fn new(client: WorkspaceClient) -> Self {
        Self { client }
    }

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
        let mut args = id_args("workspaceId", workspace_id)?;
        args.insert("title".into(), json!(draft.title));
        args.insert("content".into(), json!(draft.content));
        draft.put_optionals(&mut args);
        if let Some(author) = &draft.author_id {
            args.insert("authorId".into(), json!(author));
        }
        let value = self.client.call(fns::CREATE_ARTICLE, args).await?;
        returned_id(&value, "articles:create")
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
        let mut args = id_args("id", article_id)?;
        args.insert("title".into(), json!(draft.title));
        args.insert("content".into(), json!(draft.content));
        draft.put_optionals(&mut args);
        self.client.call(fns::UPDATE_ARTICLE, args).await.map(drop)
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
        self.by_id(fns::PUBLISH_ARTICLE, "article_id", article_id)
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
        self.by_id(fns::UNPUBLISH_ARTICLE, "article_id", article_id)
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
        self.by_id(fns::ARCHIVE_ARTICLE, "article_id", article_id)
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
        self.by_id(fns::REMOVE_ARTICLE, "article_id", article_id)
            .await
    }

    async fn by_id(
        &self,
        function: crate::transport::Function,
        field: &str,
        id: &str,
    ) -> Result<()> {
        check_id(field, id)?;
        self.client
            .call(function, id_args("id", id)?)
            .await
            .map(drop)
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
        let mut args = id_args("workspaceId", workspace_id)?;
        if let Some(status) = &filter.status {
            if matches!(status, ArticleStatus::Other(_)) {
                return Err(Error::invalid(
                    "status",
                    "must be draft, published or archived",
                ));
            }
            args.insert("status".into(), json!(status.as_str()));
        }
        if let Some(collection) = &filter.collection_id {
            check_id("collection_id", collection)?;
            args.insert("collectionId".into(), json!(collection));
        }
        if let Some(visibility) = filter.visibility {
            args.insert("visibility".into(), json!(visibility.as_str()));
        }
        let value = self.client.call(fns::LIST_ARTICLES, args).await?;
        crate::doc::list(&value, "articles", AdminArticle::from_json)
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
        let mut args = id_args("workspaceId", workspace_id)?;
        args.insert("query".into(), json!(query));
        if published_only {
            args.insert("publishedOnly".into(), json!(true));
        }
        let value = self.client.call(fns::SEARCH_ARTICLES_ADMIN, args).await?;
        crate::doc::list(&value, "articles", AdminArticle::from_json)
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
        let value = self
            .client
            .call(fns::ARTICLE_PUBLIC, id_args("id", article_id)?)
            .await?;
        if value.is_null() {
            return Err(Error::NotFound {
                message: format!("article {article_id}"),
            });
        }
        AdminArticle::from_json(&value)
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
        let mut args = id_args("workspaceId", workspace_id)?;
        args.insert("slug".into(), json!(slug));
        let value = self.client.call(fns::ARTICLE_PUBLIC, args).await?;
        if value.is_null() {
            return Ok(None);
        }
        AdminArticle::from_json(&value).map(Some)
    }

    /// Creates a collection (at the top level, or under [`CollectionDraft::parent`]) and
    /// returns its id. Needs `articles.create`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let billing = client
    ///     .help_center()
    ///     .create_collection("k57workspace", opencom_sdk::CollectionDraft::new("Billing"))
    ///     .await?;
    /// # let _ = billing; Ok(()) }
    /// ```
    pub async fn create_collection(
        &self,
        workspace_id: &str,
        draft: CollectionDraft,
    ) -> Result<String> {
        check_id("workspace_id", workspace_id)?;
        if draft.name.trim().is_empty() {
            return Err(Error::invalid("name", "must not be empty"));
        }
        let mut args = id_args("workspaceId", workspace_id)?;
        args.insert("name".into(), json!(draft.name));
        if let Some(description) = &draft.description {
            args.insert("description".into(), json!(description));
        }
        if let Some(icon) = &draft.icon {
            args.insert("icon".into(), json!(icon));
        }
        if let Some(parent) = &draft.parent_id {
            check_id("parent_id", parent)?;
            args.insert("parentId".into(), json!(parent));
        }
        let value = self.client.call(fns::CREATE_COLLECTION, args).await?;
        returned_id(&value, "collections:create")
    }

    /// Renames, re-describes or moves a collection. A move under itself or one of its
    /// descendants is [`Error::InvalidInput`] on `parent_id` (checked by the server). Needs
    /// `articles.create`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::CollectionUpdate;
    /// client.help_center().update_collection("k57setup", CollectionUpdate::new().move_to_root()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_collection(
        &self,
        collection_id: &str,
        update: CollectionUpdate,
    ) -> Result<()> {
        check_id("collection_id", collection_id)?;
        let mut args = id_args("id", collection_id)?;
        if let Some(name) = &update.name {
            if name.trim().is_empty() {
                return Err(Error::invalid("name", "must not be empty"));
            }
            args.insert("name".into(), json!(name));
        }
        if let Some(description) = &update.description {
            args.insert("description".into(), json!(description));
        }
        if let Some(icon) = &update.icon {
            args.insert("icon".into(), json!(icon));
        }
        match &update.parent {
            Some(Move::Under(parent)) => {
                check_id("parent_id", parent)?;
                if parent == collection_id {
                    return Err(Error::invalid(
                        "parent_id",
                        "a collection cannot be its own parent",
                    ));
                }
                args.insert("parentId".into(), json!(parent));
            }
            Some(Move::Root) => {
                args.insert("parentId".into(), Value::Null);
            }
            None => {}
        }
        self.client
            .call(fns::UPDATE_COLLECTION, args)
            .await
            .map(drop)
    }

    /// Deletes an empty collection: one with sub-collections or articles is refused
    /// ([`Error::InvalidInput`] on `collection_id`). Needs `articles.create`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().remove_collection("k57old").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_collection(&self, collection_id: &str) -> Result<()> {
        self.by_id(fns::REMOVE_COLLECTION, "collection_id", collection_id)
            .await
    }

    /// Sets a collection's position among its siblings (lower first). Needs `articles.create`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().reorder_collection("k57billing", 1.0).await?;
    /// # Ok(()) }
    /// ```
    pub async fn reorder_collection(&self, collection_id: &str, order: f64) -> Result<()> {
        check_id("collection_id", collection_id)?;
        if !order.is_finite() {
            return Err(Error::invalid("order", "must be a finite number"));
        }
        let mut args = id_args("id", collection_id)?;
        args.insert("newOrder".into(), json!(order));
        self.client
            .call(fns::REORDER_COLLECTION, args)
            .await
            .map(drop)
    }

    /// Every collection of the workspace, flat (with `parent_id` links), sorted by `order`,
    /// empty ones included (`collections:listHierarchy`). Needs `articles.read`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// for c in client.help_center().list_collections("k57workspace").await? {
    ///     println!("{} ({} articles)", c.name, c.article_count);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_collections(&self, workspace_id: &str) -> Result<Vec<AdminCollection>> {
        check_id("workspace_id", workspace_id)?;
        let value = self
            .client
            .call(
                fns::LIST_COLLECTION_HIERARCHY,
                id_args("workspaceId", workspace_id)?,
            )
            .await?;
        crate::doc::list(&value, "collections", AdminCollection::from_json)
    }

    /// Every collection of the workspace as a tree (children sorted by `order`); each node's
    /// `article_count` counts all its articles, any status.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// fn show(nodes: &[opencom_sdk::CollectionNode], depth: usize) {
    ///     for node in nodes {
    ///         println!("{}{}", "  ".repeat(depth), node.collection.name);
    ///         show(&node.children, depth + 1);
    ///     }
    /// }
    /// show(&client.help_center().collection_tree("k57workspace").await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn collection_tree(&self, workspace_id: &str) -> Result<Vec<CollectionNode>> {
        check_id("workspace_id", workspace_id)?;
        let value = self
            .client
            .call(
                fns::LIST_COLLECTION_HIERARCHY,
                id_args("workspaceId", workspace_id)?,
            )
            .await?;
        let flat = crate::doc::list(&value, "collections", |doc| {
            let mut doc = doc.clone();
            // The visitor model counts `publishedArticleCount` first; the team wants all.
            if let Some(map) = doc.as_object_mut() {
                map.remove("publishedArticleCount");
            }
            Collection::from_json(&doc)
        })?;
        Ok(build_tree(flat))
    }

    /// Uploads an image for articles: checks it (at most [`MAX_ASSET_BYTES`], one of
    /// [`ASSET_MIME_TYPES`]: [`Error::InvalidInput`] before any request), asks for an upload
    /// URL, sends the bytes and saves the asset. Put [`ArticleAsset::reference`] in article
    /// Markdown. Needs `articles.create`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let bytes = std::fs::read("login.png").unwrap_or_default();
    /// let asset = client
    ///     .help_center()
    ///     .upload_asset("k57workspace", opencom_sdk::AssetUpload::new("login.png", bytes))
    ///     .await?;
    /// let markdown = format!("![The login screen]({})", asset.reference);
    /// # let _ = markdown; Ok(()) }
    /// ```
    pub async fn upload_asset(
        &self,
        workspace_id: &str,
        upload: AssetUpload,
    ) -> Result<ArticleAsset> {
        check_id("workspace_id", workspace_id)?;
        let mime = upload.checked_mime()?;
        let upload_url = self
            .client
            .call(fns::ASSET_UPLOAD_URL, id_args("workspaceId", workspace_id)?)
            .await?;
        let upload_url = upload_url.as_str().ok_or_else(|| Error::Decode {
            message: "generateAssetUploadUrl did not return a URL".into(),
        })?;
        let (status, body) = self
            .client
            .inner
            .transport
            .upload(upload_url, &mime, upload.bytes, UPLOAD_TIMEOUT)
            .await?;
        let body: Value = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            message: format!("upload answer: {e}"),
        })?;
        if !(200..300).contains(&status) {
            return Err(Error::Server {
                message: format!("upload refused with HTTP {status}"),
            });
        }
        let storage_id = text(&body, "storageId").ok_or_else(|| Error::Decode {
            message: "upload answer without storageId".into(),
        })?;
        let mut args = id_args("workspaceId", workspace_id)?;
        args.insert("storageId".into(), json!(storage_id));
        args.insert("fileName".into(), json!(upload.file_name));
        if let Some(article) = &upload.article_id {
            args.insert("articleId".into(), json!(article));
        }
        let saved = self.client.call(fns::SAVE_ASSET, args).await?;
        let mut asset = ArticleAsset::from_json(&saved, "assetId")?;
        asset.article_id = upload.article_id;
        Ok(asset)
    }

    /// The workspace's images, newest first; only those uploaded for `article_id` when given
    /// (`articles:listAssets`). Needs `articles.read`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let all = client.help_center().list_assets("k57workspace", None).await?;
    /// # let _ = all; Ok(()) }
    /// ```
    pub async fn list_assets(
        &self,
        workspace_id: &str,
        article_id: Option<&str>,
    ) -> Result<Vec<ArticleAsset>> {
        check_id("workspace_id", workspace_id)?;
        let mut args = id_args("workspaceId", workspace_id)?;
        if let Some(article) = article_id {
            check_id("article_id", article)?;
            args.insert("articleId".into(), json!(article));
        }
        let value = self.client.call(fns::LIST_ASSETS, args).await?;
        crate::doc::list(&value, "assets", |doc| ArticleAsset::from_json(doc, "_id"))
    }

    /// Deletes an image. Refused while an article's content still references it
    /// ([`Error::InvalidInput`] on `asset_id`, naming the articles). Needs `articles.delete`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().delete_asset("k57workspace", "k57asset").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_asset(&self, workspace_id: &str, asset_id: &str) -> Result<()> {
        check_id("workspace_id", workspace_id)?;
        check_id("asset_id", asset_id)?;
        let mut args = id_args("workspaceId", workspace_id)?;
        args.insert("assetId".into(), json!(asset_id));
        self.client.call(fns::DELETE_ASSET, args).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_checks_run_before_the_network() {
        let ok = AssetUpload::new("a.JPG", vec![1]).checked_mime();
        assert_eq!(ok.ok().as_deref(), Some("image/jpeg"));
        let explicit = AssetUpload::new("blob", vec![1])
            .mime_type("image/avif")
            .checked_mime();
        assert_eq!(explicit.ok().as_deref(), Some("image/avif"));
        let field = |upload: AssetUpload| match upload.checked_mime() {
            Err(Error::InvalidInput { field, .. }) => field,
            other => format!("{other:?}"),
        };
        assert_eq!(field(AssetUpload::new("a.pdf", vec![1])), "mime_type");
        assert_eq!(field(AssetUpload::new("a.svg", vec![1])), "mime_type");
        assert_eq!(field(AssetUpload::new("a.png", Vec::new())), "bytes");
        let limit = MAX_ASSET_BYTES as usize;
        assert_eq!(
            field(AssetUpload::new("a.png", vec![0; limit + 1])),
            "bytes"
        );
        assert!(AssetUpload::new("a.png", vec![0; limit])
            .checked_mime()
            .is_ok());
        assert_eq!(field(AssetUpload::new(" ", vec![1])), "file_name");
        assert!(!format!("{:?}", AssetUpload::new("a.png", vec![7; 3])).contains("[7"));
    }

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

    #[test]
    fn articles_decode_leniently() {
        let doc = json!({"_id": "a1", "title": "T", "slug": "t", "content": "c",
                         "status": "published", "order": 2, "tags": ["x"],
                         "createdAt": 1, "updatedAt": 2, "publishedAt": 3});
        let article = AdminArticle::from_json(&doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(article.status, ArticleStatus::Published);
        assert_eq!(article.visibility, ArticleVisibility::Public);
        assert_eq!(article.tags, vec!["x".to_owned()]);
        assert_eq!(article.published_at, Some(3.0));
        assert!(AdminArticle::from_json(&json!({"title": "no id"})).is_err());
    }
}
