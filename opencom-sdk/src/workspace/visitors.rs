//! The visitor directory for agents: `visitors:search` (≥ 2 characters), `list`, `get`.

use serde_json::{json, Map, Value};

use crate::doc::{number, required, text};
use crate::error::{Error, Result};
use crate::wire::functions as fns;

use super::WorkspaceClient;

/// A visitor as agents see it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VisitorProfile {
    /// Visitor id.
    pub id: String,
    /// The workspace.
    pub workspace_id: String,
    /// Name, when identified.
    pub name: Option<String>,
    /// Email, when identified.
    pub email: Option<String>,
    /// Your system's user id, when identified with one.
    pub external_user_id: Option<String>,
    /// Opencom's readable id (e.g. `swift-otter-42`).
    pub readable_id: Option<String>,
    /// Last heartbeat, epoch ms.
    pub last_seen_at: Option<f64>,
    /// First seen, epoch ms.
    pub created_at: Option<f64>,
    /// Custom attributes as sent by the visitor SDK.
    pub custom_attributes: Option<Value>,
}

impl VisitorProfile {
    fn from_json(doc: &Value) -> Result<Self> {
        Ok(Self {
            id: required(doc, "_id", "visitor")?,
            workspace_id: text(doc, "workspaceId").unwrap_or_default(),
            name: text(doc, "name"),
            email: text(doc, "email"),
            external_user_id: text(doc, "externalUserId"),
            readable_id: text(doc, "readableId"),
            last_seen_at: number(doc, "lastSeenAt"),
            created_at: number(doc, "createdAt").or_else(|| number(doc, "_creationTime")),
            custom_attributes: doc.get("customAttributes").cloned(),
        })
    }
}

/// The visitor directory of a [`WorkspaceClient`]; see [`WorkspaceClient::visitors`]. Needs
/// `users.read`.
#[derive(Debug, Clone)]
pub struct VisitorDirectoryClient {
    client: WorkspaceClient,
}

impl VisitorDirectoryClient {
    pub(crate) fn new(client: WorkspaceClient) -> Self {
        Self { client }
    }

    /// Visitors whose name matches `query` or whose email is `query` (at least 2 characters,
    /// checked before any call), at most `limit` (1–50, default 20).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient, workspace_id: &str) -> opencom_sdk::Result<()> {
    /// let found = client.visitors().search(workspace_id, "jane", None).await?;
    /// # let _ = found; Ok(()) }
    /// ```
    pub async fn search(
        &self,
        workspace_id: &str,
        query: &str,
        limit: Option<u32>,
    ) -> Result<Vec<VisitorProfile>> {
        if query.trim().chars().count() < 2 {
            return Err(Error::invalid("query", "must have at least 2 characters"));
        }
        let mut args = Map::new();
        args.insert("workspaceId".into(), json!(workspace_id));
        args.insert("query".into(), json!(query.trim()));
        if let Some(limit) = limit {
            if !(1..=50).contains(&limit) {
                return Err(Error::invalid("limit", "must be between 1 and 50"));
            }
            args.insert("limit".into(), json!(limit));
        }
        let value = self.client.call(fns::SEARCH_VISITORS, args).await?;
        crate::doc::list(&value, "visitors", VisitorProfile::from_json)
    }

    /// The workspace's visitors, newest first, at most `limit` (default 100).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient, workspace_id: &str) -> opencom_sdk::Result<()> {
    /// let recent = client.visitors().list(workspace_id, Some(10)).await?;
    /// # let _ = recent; Ok(()) }
    /// ```
    pub async fn list(
        &self,
        workspace_id: &str,
        limit: Option<u32>,
    ) -> Result<Vec<VisitorProfile>> {
        let mut args = Map::new();
        args.insert("workspaceId".into(), json!(workspace_id));
        if let Some(limit) = limit {
            if limit == 0 {
                return Err(Error::invalid("limit", "must be at least 1"));
            }
            args.insert("limit".into(), json!(limit));
        }
        let value = self.client.call(fns::LIST_VISITORS, args).await?;
        crate::doc::list(&value, "visitors", VisitorProfile::from_json)
    }

    /// One visitor; [`Error::NotFound`] when it does not exist or belongs to a workspace the
    /// user is not a member of.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let visitor = client.visitors().get("k57…").await?;
    /// # let _ = visitor; Ok(()) }
    /// ```
    pub async fn get(&self, visitor_id: &str) -> Result<VisitorProfile> {
        let mut args = Map::new();
        args.insert("id".into(), json!(visitor_id));
        let value = self.client.call(fns::GET_VISITOR, args).await?;
        if value.is_null() {
            return Err(Error::NotFound {
                message: format!("visitor {visitor_id}"),
            });
        }
        VisitorProfile::from_json(&value)
    }
}
