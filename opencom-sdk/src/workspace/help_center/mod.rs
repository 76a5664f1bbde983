//! Help-center authoring for agents and admins (CONTRACT §15.3): articles (create, update,
//! publish, unpublish, archive, remove, list, search, get), collections (create, update and
//! move, remove, reorder, the hierarchy) and image assets (upload, list, delete).
//!
//! Writing needs `articles.create` (articles and collections), `articles.publish` (status
//! changes) or `articles.delete` (removing articles and assets): owners and admins hold them,
//! agents and viewers do not and get [`Error::NotAuthorized`](crate::Error::NotAuthorized)
//! naming the permission ([`Error::denied_permission`](crate::Error::denied_permission)).
//! Reading needs `articles.read`, which every role holds.

mod articles;
mod assets;
mod collections;
mod tree;

pub use articles::{AdminArticle, ArticleDraft, ArticleFilter, ArticleStatus, ArticleVisibility};
pub use assets::{ArticleAsset, AssetUpload, ASSET_MIME_TYPES, MAX_ASSET_BYTES};
pub use collections::{AdminCollection, CollectionDraft, CollectionUpdate};

use std::sync::Arc;

use crate::conversations::check_id;
use crate::error::Result;
use crate::wire::Call;

use super::context::Context;

/// Help-center authoring of a [`WorkspaceClient`](crate::WorkspaceClient); see
/// [`WorkspaceClient::help_center`](crate::WorkspaceClient::help_center).
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
    ctx: Arc<Context>,
}

impl HelpCenterAdminClient {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Makes the `{id}` call `args(id)` after checking `id` (named `field` in errors),
    /// ignoring its answer.
    async fn by_id<'a, C: Call>(
        &self,
        field: &str,
        id: &'a str,
        args: impl FnOnce(&'a str) -> C,
    ) -> Result<()> {
        check_id(field, id)?;
        self.ctx.request(&args(id)).await.map(drop)
    }
}
