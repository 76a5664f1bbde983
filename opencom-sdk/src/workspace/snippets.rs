//! Saved replies for agents (CONTRACT §15.3): `snippets:list/get/search/getByShortcut/create/
//! update/remove`. Every call, reads included, needs `snippets.manage` (owners, admins and
//! agents): a viewer gets [`Error::NotAuthorized`] naming it.

use std::sync::Arc;

use serde_json::Value;

use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::wire::agent::snippets::{
    CreateSnippet, GetSnippet, ListSnippets, RemoveSnippet, SearchSnippets, SnippetByShortcut,
    UpdateSnippet,
};
use crate::workspace::doc::{number, required, text};

use super::context::Context;

fn check_text(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(())
}

fn check_shortcut(shortcut: &str) -> Result<()> {
    if shortcut.is_empty() || shortcut.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "shortcut",
            "must be non-empty and without whitespace",
        ));
    }
    Ok(())
}

/// A saved reply.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Snippet {
    /// Opaque id.
    pub id: String,
    /// The workspace.
    pub workspace_id: String,
    /// Name.
    pub name: String,
    /// The text inserted into a reply.
    pub content: String,
    /// Shortcut typed to insert it (unique in the workspace).
    pub shortcut: Option<String>,
    /// Content folder.
    pub folder_id: Option<String>,
    /// The user who created it.
    pub created_by: Option<String>,
    /// Creation time, epoch ms.
    pub created_at: Option<f64>,
    /// Last change, epoch ms.
    pub updated_at: Option<f64>,
}

impl Snippet {
    fn from_json(doc: &Value) -> Result<Self> {
        Ok(Self {
            id: required(doc, "_id", "snippet")?,
            workspace_id: text(doc, "workspaceId").unwrap_or_default(),
            name: text(doc, "name").unwrap_or_default(),
            content: text(doc, "content").unwrap_or_default(),
            shortcut: text(doc, "shortcut"),
            folder_id: text(doc, "folderId"),
            created_by: text(doc, "createdBy"),
            created_at: number(doc, "createdAt"),
            updated_at: number(doc, "updatedAt"),
        })
    }
}

/// A snippet to create.
///
/// ```
/// let snippet = opencom_sdk::NewSnippet::new("Thanks", "Thanks for reaching out!").shortcut("ty");
/// # let _ = snippet;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSnippet {
    name: String,
    content: String,
    shortcut: Option<String>,
}

impl NewSnippet {
    /// A snippet with a name and its text.
    ///
    /// ```
    /// let s = opencom_sdk::NewSnippet::new("Refunds", "Refunds take 5 days.");
    /// # let _ = s;
    /// ```
    pub fn new(name: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            content: content.into(),
            shortcut: None,
        }
    }

    /// Sets the shortcut (no whitespace; unique in the workspace).
    ///
    /// ```
    /// let s = opencom_sdk::NewSnippet::new("Refunds", "Refunds take 5 days.").shortcut("refund");
    /// # let _ = s;
    /// ```
    pub fn shortcut(mut self, shortcut: impl Into<String>) -> Self {
        self.shortcut = Some(shortcut.into());
        self
    }
}

/// Changes for [`SnippetsClient::update`]; only what is set is sent.
///
/// ```
/// let change = opencom_sdk::SnippetUpdate::new().content("Refunds take 3 days.").shortcut("rf");
/// # let _ = change;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnippetUpdate {
    name: Option<String>,
    content: Option<String>,
    shortcut: Option<String>,
}

impl SnippetUpdate {
    /// No change yet.
    ///
    /// ```
    /// let nothing = opencom_sdk::SnippetUpdate::new();
    /// # let _ = nothing;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the snippet.
    ///
    /// ```
    /// let u = opencom_sdk::SnippetUpdate::new().name("Refund policy");
    /// # let _ = u;
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Replaces the text.
    ///
    /// ```
    /// let u = opencom_sdk::SnippetUpdate::new().content("New text");
    /// # let _ = u;
    /// ```
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(content.into());
        self
    }

    /// Changes the shortcut.
    ///
    /// ```
    /// let u = opencom_sdk::SnippetUpdate::new().shortcut("thx");
    /// # let _ = u;
    /// ```
    pub fn shortcut(mut self, shortcut: impl Into<String>) -> Self {
        self.shortcut = Some(shortcut.into());
        self
    }
}

/// Snippets of a [`WorkspaceClient`](crate::WorkspaceClient); see
/// [`WorkspaceClient::snippets`](crate::WorkspaceClient::snippets).
#[derive(Debug, Clone)]
pub struct SnippetsClient {
    ctx: Arc<Context>,
}

impl SnippetsClient {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// Every snippet of the workspace, by name.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
    /// # let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// # client.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// use opencom_sdk::NewSnippet;
    /// let ws = mock.workspace_id();
    /// client.snippets().create(&ws, NewSnippet::new("Thanks", "Thanks!").shortcut("ty")).await?;
    /// assert_eq!(client.snippets().list(&ws).await?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, workspace_id: &str) -> Result<Vec<Snippet>> {
        check_id("workspaceId", workspace_id)?;
        let rows = self.ctx.request(&ListSnippets { workspace_id }).await?;
        rows.iter().map(Snippet::from_json).collect()
    }

    /// One snippet; [`Error::NotFound`] once it is deleted.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let snippet = client.snippets().get("k57snippet").await?;
    /// println!("{}", snippet.content);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, snippet_id: &str) -> Result<Snippet> {
        check_id("id", snippet_id)?;
        let value = self
            .ctx
            .request(&GetSnippet { id: snippet_id })
            .await?
            .ok_or_else(|| Error::NotFound {
                message: format!("snippet {snippet_id}"),
            })?;
        Snippet::from_json(&value)
    }

    /// Snippets whose name, shortcut or text contains `query` (case-insensitive), at most 20.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let hits = client.snippets().search("k57workspace", "refund").await?;
    /// # let _ = hits; Ok(()) }
    /// ```
    pub async fn search(&self, workspace_id: &str, query: &str) -> Result<Vec<Snippet>> {
        check_id("workspaceId", workspace_id)?;
        check_text("query", query)?;
        let rows = self
            .ctx
            .request(&SearchSnippets {
                workspace_id,
                query,
            })
            .await?;
        rows.iter().map(Snippet::from_json).collect()
    }

    /// The snippet with exactly this shortcut, if any.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// if let Some(snippet) = client.snippets().by_shortcut("k57workspace", "ty").await? {
    ///     println!("{}", snippet.content);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn by_shortcut(&self, workspace_id: &str, shortcut: &str) -> Result<Option<Snippet>> {
        check_id("workspaceId", workspace_id)?;
        check_shortcut(shortcut)?;
        self.ctx
            .request(&SnippetByShortcut {
                workspace_id,
                shortcut,
            })
            .await?
            .as_ref()
            .map(Snippet::from_json)
            .transpose()
    }

    /// Creates a snippet, recording the signed-in user as its author; returns its id. A
    /// shortcut already used in the workspace is [`Error::InvalidInput`] on `shortcut`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let id = client
    ///     .snippets()
    ///     .create("k57workspace", opencom_sdk::NewSnippet::new("Hi", "Hello there!"))
    ///     .await?;
    /// # let _ = id; Ok(()) }
    /// ```
    pub async fn create(&self, workspace_id: &str, snippet: NewSnippet) -> Result<String> {
        check_id("workspaceId", workspace_id)?;
        check_text("name", &snippet.name)?;
        check_text("content", &snippet.content)?;
        snippet
            .shortcut
            .as_deref()
            .map(check_shortcut)
            .transpose()?;
        let user_id = self.ctx.user_id();
        self.ctx
            .request(&CreateSnippet {
                workspace_id,
                name: &snippet.name,
                content: &snippet.content,
                shortcut: snippet.shortcut.as_deref(),
                created_by: user_id.as_deref(),
            })
            .await
    }

    /// Changes a snippet; an empty update is [`Error::InvalidInput`].
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client
    ///     .snippets()
    ///     .update("k57snippet", opencom_sdk::SnippetUpdate::new().content("Updated text"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, snippet_id: &str, change: SnippetUpdate) -> Result<()> {
        check_id("id", snippet_id)?;
        if change == SnippetUpdate::default() {
            return Err(Error::invalid("update", "nothing to update"));
        }
        let name = change.name.as_deref();
        let content = change.content.as_deref();
        let shortcut = change.shortcut.as_deref();
        name.map(|name| check_text("name", name)).transpose()?;
        content
            .map(|content| check_text("content", content))
            .transpose()?;
        shortcut.map(check_shortcut).transpose()?;
        self.ctx
            .request(&UpdateSnippet {
                id: snippet_id,
                name,
                content,
                shortcut,
                folder_id: None,
            })
            .await
            .map(drop)
    }

    /// Deletes a snippet.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.snippets().remove("k57snippet").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, snippet_id: &str) -> Result<()> {
        check_id("id", snippet_id)?;
        self.ctx
            .request(&RemoveSnippet { id: snippet_id })
            .await
            .map(drop)
    }
}
