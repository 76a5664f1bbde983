//! Collections: drafts, updates (move, rename) and the flat admin listing.

use serde_json::Value;

use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::wire::agent::collections::{
    CollectionDoc, CreateCollection, ListHierarchy, RemoveCollection, ReorderCollection,
    UpdateCollection,
};
use crate::wire::{decode, Call};

use super::HelpCenterAdminClient;

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

impl From<CollectionDoc> for AdminCollection {
    fn from(doc: CollectionDoc) -> Self {
        let count = |n: f64| n.max(0.0) as u32;
        Self {
            id: doc.id,
            name: doc.name,
            slug: doc.slug,
            description: doc.description,
            icon: doc.icon,
            parent_id: doc.parent_id,
            order: doc.order,
            article_count: count(doc.article_count),
            published_article_count: count(doc.published_article_count),
        }
    }
}

impl HelpCenterAdminClient {
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
        if let Some(parent) = &draft.parent_id {
            check_id("parent_id", parent)?;
        }
        self.ctx
            .request(&CreateCollection {
                workspace_id,
                name: &draft.name,
                description: draft.description.as_deref(),
                icon: draft.icon.as_deref(),
                parent_id: draft.parent_id.as_deref(),
            })
            .await
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
        if update.name.as_ref().is_some_and(|n| n.trim().is_empty()) {
            return Err(Error::invalid("name", "must not be empty"));
        }
        let parent_id = match &update.parent {
            Some(Move::Under(parent)) => {
                check_id("parent_id", parent)?;
                if parent == collection_id {
                    return Err(Error::invalid(
                        "parent_id",
                        "a collection cannot be its own parent",
                    ));
                }
                Some(Some(parent.as_str()))
            }
            Some(Move::Root) => Some(None),
            None => None,
        };
        self.ctx
            .request(&UpdateCollection {
                id: collection_id,
                name: update.name.as_deref(),
                description: update.description.as_deref(),
                icon: update.icon.as_deref(),
                parent_id,
            })
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
        self.by_id("collection_id", collection_id, |id| RemoveCollection { id })
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
        self.ctx
            .request(&ReorderCollection {
                id: collection_id,
                new_order: order,
            })
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
        let rows = self
            .ctx
            .request(&ListHierarchy {
                workspace_id,
                public_only: None,
            })
            .await?;
        let docs: Vec<CollectionDoc> = decode(ListHierarchy::FUNCTION, Value::Array(rows))?;
        Ok(docs.into_iter().map(AdminCollection::from).collect())
    }
}
