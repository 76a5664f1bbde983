//! The visitor directory for agents: `visitors:search` (≥ 2 characters), `list`, `get`.

use std::sync::Arc;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::wire::agent::visitors::{GetVisitor, ListVisitors, SearchVisitors};
use crate::workspace::doc::{number, required, text};

use super::context::Context;

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

/// The visitor directory of a [`WorkspaceClient`](crate::WorkspaceClient); see
/// [`WorkspaceClient::visitors`](crate::WorkspaceClient::visitors). Needs `users.read`.
#[derive(Debug, Clone)]
pub struct VisitorDirectoryClient {
    ctx: Arc<Context>,
}

impl VisitorDirectoryClient {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
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
        if let Some(limit) = limit {
            if !(1..=50).contains(&limit) {
                return Err(Error::invalid("limit", "must be between 1 and 50"));
            }
        }
        let rows = self
            .ctx
            .request(&SearchVisitors {
                workspace_id,
                query: query.trim(),
                limit,
            })
            .await?;
        rows.iter().map(VisitorProfile::from_json).collect()
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
        if limit == Some(0) {
            return Err(Error::invalid("limit", "must be at least 1"));
        }
        let rows = self
            .ctx
            .request(&ListVisitors {
                workspace_id,
                limit,
            })
            .await?;
        rows.iter().map(VisitorProfile::from_json).collect()
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
        let value = self
            .ctx
            .request(&GetVisitor { id: visitor_id })
            .await?
            .ok_or_else(|| Error::NotFound {
                message: format!("visitor {visitor_id}"),
            })?;
        VisitorProfile::from_json(&value)
    }
}
