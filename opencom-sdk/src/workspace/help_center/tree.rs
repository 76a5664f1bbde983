//! The collection hierarchy as a tree.

use crate::conversations::check_id;
use crate::error::Result;
use crate::wire::agent::collections::ListHierarchy;

use super::HelpCenterAdminClient;
use crate::help_center::{build_tree, Collection, CollectionNode};

impl HelpCenterAdminClient {
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
        let rows = self
            .ctx
            .request(&ListHierarchy {
                workspace_id,
                public_only: None,
            })
            .await?;
        let flat = rows
            .into_iter()
            .map(|mut doc| {
                // The visitor model counts `publishedArticleCount` first; the team wants all.
                if let Some(map) = doc.as_object_mut() {
                    map.remove("publishedArticleCount");
                }
                Collection::from_json(&doc)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(build_tree(flat))
    }
}
