//! Conversation tags for agents (CONTRACT §15.3): `tags:list/get/create/update/remove`,
//! `tags:addToConversation`, `tags:removeFromConversation`, `tags:getConversationTags`.
//!
//! Reads need `conversations.read` and Opencom answers them with nothing (not an error) when
//! the caller may not read: [`TagsClient::list`] is then empty and [`TagsClient::get`]
//! [`Error::NotFound`]. Creating, renaming and deleting tags needs `checklists.manage` (owners,
//! admins and agents); applying them to conversations needs `conversations.assign`.

use std::sync::Arc;

use serde_json::Value;

use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::wire::agent::tags::{
    ConversationTags, CreateTag, GetTag, ListTags, RemoveTag, TagConversation, UntagConversation,
    UpdateTag,
};
use crate::workspace::doc::{number, required, text};

use super::context::Context;

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid("name", "must not be empty"));
    }
    Ok(())
}

fn check_color(color: &str) -> Result<()> {
    if color.trim().is_empty() {
        return Err(Error::invalid("color", "must not be empty"));
    }
    Ok(())
}

/// A workspace tag.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Tag {
    /// Opaque id.
    pub id: String,
    /// The workspace.
    pub workspace_id: String,
    /// Name, unique in the workspace.
    pub name: String,
    /// Colour, as the dashboard stores it (e.g. `#ff0000`).
    pub color: Option<String>,
    /// Creation time, epoch ms.
    pub created_at: Option<f64>,
    /// Last change, epoch ms.
    pub updated_at: Option<f64>,
}

impl Tag {
    fn from_json(doc: &Value) -> Result<Self> {
        Ok(Self {
            id: required(doc, "_id", "tag")?,
            workspace_id: text(doc, "workspaceId").unwrap_or_default(),
            name: text(doc, "name").unwrap_or_default(),
            color: text(doc, "color"),
            created_at: number(doc, "createdAt"),
            updated_at: number(doc, "updatedAt"),
        })
    }
}

/// A tag applied to a conversation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AppliedTag {
    /// The tag.
    pub tag: Tag,
    /// `manual` or `auto` (by an auto-tag rule).
    pub applied_by: String,
    /// The user who applied it.
    pub applied_by_user_id: Option<String>,
    /// When, epoch ms.
    pub applied_at: Option<f64>,
}

impl AppliedTag {
    fn from_json(doc: &Value) -> Result<Self> {
        Ok(Self {
            tag: Tag::from_json(doc)?,
            applied_by: text(doc, "appliedBy").unwrap_or_else(|| "manual".into()),
            applied_by_user_id: text(doc, "appliedByUserId"),
            applied_at: number(doc, "appliedAt"),
        })
    }
}

/// Changes for [`TagsClient::update`]; only what is set is sent.
///
/// ```
/// let change = opencom_sdk::TagUpdate::new().name("Priority").color("#ffaa00");
/// # let _ = change;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagUpdate {
    name: Option<String>,
    color: Option<String>,
}

impl TagUpdate {
    /// No change yet.
    ///
    /// ```
    /// let nothing = opencom_sdk::TagUpdate::new();
    /// # let _ = nothing;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the tag (names are unique per workspace).
    ///
    /// ```
    /// let u = opencom_sdk::TagUpdate::new().name("VIP");
    /// # let _ = u;
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Recolours the tag.
    ///
    /// ```
    /// let u = opencom_sdk::TagUpdate::new().color("#00ff00");
    /// # let _ = u;
    /// ```
    pub fn color(mut self, color: impl Into<String>) -> Self {
        self.color = Some(color.into());
        self
    }
}

/// Tags of a [`WorkspaceClient`](crate::WorkspaceClient); see
/// [`WorkspaceClient::tags`](crate::WorkspaceClient::tags).
#[derive(Debug, Clone)]
pub struct TagsClient {
    ctx: Arc<Context>,
}

impl TagsClient {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// The workspace's tags, oldest first; empty when this user may not read the workspace's
    /// conversations (Opencom does not say why).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
    /// # let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// # client.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// let ws = mock.workspace_id();
    /// client.tags().create(&ws, "VIP", Some("#ff0000")).await?;
    /// let tags = client.tags().list(&ws).await?;
    /// assert_eq!(tags[0].name, "VIP");
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, workspace_id: &str) -> Result<Vec<Tag>> {
        check_id("workspaceId", workspace_id)?;
        let rows = self.ctx.request(&ListTags { workspace_id }).await?;
        rows.iter().map(Tag::from_json).collect()
    }

    /// One tag; [`Error::NotFound`] when it does not exist or this user may not read it.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let tag = client.tags().get("k57tag").await?;
    /// println!("{}", tag.name);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, tag_id: &str) -> Result<Tag> {
        check_id("id", tag_id)?;
        let value = self
            .ctx
            .request(&GetTag { id: tag_id })
            .await?
            .ok_or_else(|| Error::NotFound {
                message: format!("tag {tag_id}"),
            })?;
        Tag::from_json(&value)
    }

    /// Creates a tag; returns its id. A name already used in the workspace is
    /// [`Error::InvalidInput`] on `name`. Needs `checklists.manage`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let id = client.tags().create("k57workspace", "Bug", None).await?;
    /// # let _ = id; Ok(()) }
    /// ```
    pub async fn create(
        &self,
        workspace_id: &str,
        name: &str,
        color: Option<&str>,
    ) -> Result<String> {
        check_id("workspaceId", workspace_id)?;
        check_name(name)?;
        color.map(check_color).transpose()?;
        self.ctx
            .request(&CreateTag {
                workspace_id,
                name,
                color,
            })
            .await
    }

    /// Renames and/or recolours a tag; an empty update is [`Error::InvalidInput`]. Needs
    /// `checklists.manage`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.tags().update("k57tag", opencom_sdk::TagUpdate::new().name("Defect")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, tag_id: &str, change: TagUpdate) -> Result<()> {
        check_id("id", tag_id)?;
        if change == TagUpdate::default() {
            return Err(Error::invalid("update", "nothing to update"));
        }
        change.name.as_deref().map(check_name).transpose()?;
        change.color.as_deref().map(check_color).transpose()?;
        self.ctx
            .request(&UpdateTag {
                id: tag_id,
                name: change.name.as_deref(),
                color: change.color.as_deref(),
            })
            .await
            .map(drop)
    }

    /// Deletes a tag, removing it from every conversation. Needs `checklists.manage`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.tags().remove("k57tag").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, tag_id: &str) -> Result<()> {
        check_id("id", tag_id)?;
        self.ctx.request(&RemoveTag { id: tag_id }).await.map(drop)
    }

    /// Applies a tag to a conversation (manually, as the signed-in user); applying it twice is
    /// harmless. Tag and conversation must be in the same workspace ([`Error::InvalidInput`] on
    /// `tagId` otherwise). Needs `conversations.assign`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.tags().add_to_conversation("k57conversation", "k57tag").await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_to_conversation(&self, conversation_id: &str, tag_id: &str) -> Result<()> {
        check_id("conversationId", conversation_id)?;
        check_id("tagId", tag_id)?;
        self.ctx
            .request(&TagConversation {
                conversation_id,
                tag_id,
                applied_by: Some("manual"),
                applied_by_user_id: None,
            })
            .await
            .map(drop)
    }

    /// Removes a tag from a conversation (nothing happens when it was not applied). Needs
    /// `conversations.assign`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.tags().remove_from_conversation("k57conversation", "k57tag").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_from_conversation(
        &self,
        conversation_id: &str,
        tag_id: &str,
    ) -> Result<()> {
        check_id("conversationId", conversation_id)?;
        check_id("tagId", tag_id)?;
        self.ctx
            .request(&UntagConversation {
                conversation_id,
                tag_id,
            })
            .await
            .map(drop)
    }

    /// The tags applied to a conversation; empty when there are none or this user may not read
    /// the conversation.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// for applied in client.tags().for_conversation("k57conversation").await? {
    ///     println!("{} ({})", applied.tag.name, applied.applied_by);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn for_conversation(&self, conversation_id: &str) -> Result<Vec<AppliedTag>> {
        check_id("conversationId", conversation_id)?;
        let rows = self
            .ctx
            .request(&ConversationTags { conversation_id })
            .await?;
        rows.iter().map(AppliedTag::from_json).collect()
    }
}
