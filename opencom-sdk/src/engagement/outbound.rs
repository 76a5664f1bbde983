//! Outbound messages (`client.outbound()`): the chats, posts and banners eligible on the
//! current page, with typed button actions, and their impressions (`shown` once per session).

use std::sync::Arc;

use serde_json::Value;

use super::impressions::{ImpressionKey, ImpressionLog};
use crate::client_events::ClientEvent;
use crate::context::{watch, Context, QuerySpec};
use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::realtime::LiveStream;
use crate::wire::visitor::outbound_messages::{
    ActionDoc, GetEligible, MessageDoc, TrackImpression,
};
use crate::wire::{self, Call};

/// An outbound message eligible for the visitor (`outboundMessages:getEligible`).
///
/// ```
/// use opencom_sdk::OutboundKind;
/// # fn show(message: &opencom_sdk::OutboundMessage) {
/// if message.kind == OutboundKind::Banner {
///     println!("{}", message.content.text.as_deref().unwrap_or_default());
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OutboundMessage {
    /// The message id.
    pub id: String,
    /// How it is presented.
    pub kind: OutboundKind,
    /// Its name in the dashboard, if any.
    pub name: Option<String>,
    /// Its priority (higher first), if set.
    pub priority: Option<f64>,
    /// How often it may be shown (`"once"`, `"once_per_session"`, `"always"`), as stored.
    pub frequency: Option<String>,
    /// What it shows.
    pub content: OutboundContent,
}

/// How an outbound message is presented.
///
/// ```
/// use opencom_sdk::OutboundKind;
/// assert_ne!(OutboundKind::Post, OutboundKind::Chat);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutboundKind {
    /// A chat bubble from the workspace.
    Chat,
    /// A full post (title, body, media).
    Post,
    /// A banner across the screen.
    Banner,
    /// A kind this SDK does not know yet.
    Other(String),
}

/// What an [`OutboundMessage`] shows.
///
/// ```
/// # fn f(content: &opencom_sdk::OutboundContent) {
/// let headline = content.title.as_deref().or(content.text.as_deref());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OutboundContent {
    /// The text (chats and banners).
    pub text: Option<String>,
    /// The title (posts).
    pub title: Option<String>,
    /// The body (posts).
    pub body: Option<String>,
    /// An image.
    pub image_url: Option<String>,
    /// A video.
    pub video_url: Option<String>,
    /// Its buttons, in order (their index is what [`OutboundClient::clicked`] takes).
    pub buttons: Vec<OutboundButton>,
    /// What tapping the message itself does, if anything.
    pub click_action: Option<OutboundAction>,
}

/// A button of an outbound message.
///
/// ```
/// use opencom_sdk::OutboundAction;
/// # fn f(button: &opencom_sdk::OutboundButton) {
/// if let OutboundAction::Url(url) = &button.action {
///     println!("{} opens {url}", button.text);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OutboundButton {
    /// Its label.
    pub text: String,
    /// What it does.
    pub action: OutboundAction,
}

/// What an outbound button (or a tap on the message) does.
///
/// ```
/// use opencom_sdk::OutboundAction;
/// assert_ne!(OutboundAction::Dismiss, OutboundAction::OpenNewConversation);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutboundAction {
    /// Opens a URL.
    Url(String),
    /// Closes the message.
    Dismiss,
    /// Starts a product tour (this one, or the one the workspace chose when `None`).
    Tour(Option<String>),
    /// Opens the messenger on a new conversation.
    OpenNewConversation,
    /// Opens a help-center article.
    OpenHelpArticle(String),
    /// Opens a tab of the messenger (`"home"`, `"messages"`, `"help"`, …).
    OpenWidgetTab(String),
    /// An action this SDK does not know yet (its name).
    Other(String),
}

/// Outbound messages: `client.outbound()`.
///
/// ```no_run
/// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
/// let outbound = client.outbound();
/// for message in outbound.eligible("https://app.example/home").await? {
///     outbound.shown(&message.id).await?;
/// }
/// # Ok(()) }
/// ```
pub struct OutboundClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
    /// The impressions already recorded (this domain's state, owned by the facade).
    pub(crate) impressions: &'a ImpressionLog,
}

fn check_url(current_url: &str) -> Result<()> {
    if current_url.trim().is_empty() {
        return Err(Error::invalid(
            "current_url",
            "must not be empty (the page or screen the visitor is on)",
        ));
    }
    Ok(())
}

impl OutboundClient<'_> {
    /// The messages eligible on `current_url` (a page URL, or a screen route of your app):
    /// active, in their schedule, allowed by their frequency in this session, matching the
    /// page and the visitor's audience; highest priority first.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let messages = client.outbound().eligible("app://settings").await?;
    /// # Ok(()) }
    /// ```
    pub async fn eligible(&self, current_url: &str) -> Result<Vec<OutboundMessage>> {
        check_url(current_url)?;
        let workspace_id = self.ctx.config.workspace_id.as_str();
        let docs = self
            .ctx
            .session
            .request(|c| GetEligible {
                auth: c.workspace(workspace_id),
                current_url,
                session_id: Some(c.session_id.clone()),
            })
            .await?;
        docs.into_iter().map(OutboundMessage::from_doc).collect()
    }

    /// [`eligible`](Self::eligible), live: the cached list first, then every change (a
    /// message published, or one with frequency `once` leaving after [`shown`](Self::shown)).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use futures::StreamExt;
    /// let mut live = client.outbound().watch_eligible("app://home")?;
    /// while let Some(Ok(snapshot)) = live.next().await {
    ///     println!("{} messages", snapshot.value.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch_eligible(&self, current_url: &str) -> Result<LiveStream<Vec<OutboundMessage>>> {
        check_url(current_url)?;
        let workspace_id = self.ctx.config.workspace_id.clone();
        let url = current_url.to_owned();
        let spec = QuerySpec {
            function: GetEligible::FUNCTION,
            args: Box::new(move |c| {
                wire::to_object(
                    GetEligible::FUNCTION,
                    &GetEligible {
                        auth: c.workspace(&workspace_id),
                        current_url: &url,
                        session_id: Some(c.session_id.clone()),
                    },
                )
            }),
            // Per page: what is eligible depends on it.
            cache: Some(format!("outbound/{}", cache_suffix(current_url))),
        };
        watch(
            self.ctx,
            spec,
            Box::new(|_, raw: &Value| messages_from_json(raw.clone())),
            None,
        )
    }

    /// Records that the message appeared, **once** per message in this session (a second
    /// call returns `Ok` without a call), and publishes [`ClientEvent::OutboundMessageShown`].
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, id: &str) -> opencom_sdk::Result<()> {
    /// client.outbound().shown(id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn shown(&self, message_id: &str) -> Result<()> {
        check_id("message_id", message_id)?;
        let creds = self.ctx.session.credentials().await?;
        let key = ImpressionKey::new(&creds, "outbound", message_id, "shown");
        let sent = self
            .impressions
            .once(key, || self.track(message_id, "shown", None))
            .await?;
        if sent {
            self.ctx.bus.publish(ClientEvent::OutboundMessageShown {
                message_id: message_id.to_owned(),
            });
        }
        Ok(())
    }

    /// Records a tap on the message (`button_index: None`) or on one of its buttons (its index
    /// in [`OutboundContent::buttons`]).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, id: &str) -> opencom_sdk::Result<()> {
    /// client.outbound().clicked(id, Some(0)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn clicked(&self, message_id: &str, button_index: Option<u32>) -> Result<()> {
        check_id("message_id", message_id)?;
        self.track(message_id, "clicked", button_index).await
    }

    /// Records that the visitor closed the message.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, id: &str) -> opencom_sdk::Result<()> {
    /// client.outbound().dismissed(id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn dismissed(&self, message_id: &str) -> Result<()> {
        check_id("message_id", message_id)?;
        self.track(message_id, "dismissed", None).await
    }

    /// `outboundMessages:trackImpression`; `null` (a deleted message) is not an error: there
    /// is nothing left to show.
    async fn track(
        &self,
        message_id: &str,
        action: &'static str,
        button_index: Option<u32>,
    ) -> Result<()> {
        let id = self
            .ctx
            .session
            .request(|c| TrackImpression {
                auth: c.visitor(),
                message_id,
                session_id: Some(c.session_id.clone()),
                action,
                button_index,
            })
            .await?;
        if id.is_none() {
            tracing::debug!(message_id, action, "the outbound message no longer exists");
        }
        Ok(())
    }
}

/// A storage-safe key for a URL (the cache key names the page, not its query string's values).
fn cache_suffix(url: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    url.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

fn messages_from_json(raw: Value) -> Result<Vec<OutboundMessage>> {
    let docs: Vec<MessageDoc> = wire::decode(GetEligible::FUNCTION, raw)?;
    docs.into_iter().map(OutboundMessage::from_doc).collect()
}

impl OutboundMessage {
    fn from_doc(doc: MessageDoc) -> Result<Self> {
        let id = doc.id;
        let content = doc.content;
        let buttons = content
            .buttons
            .unwrap_or_default()
            .into_iter()
            .map(|b| {
                Ok(OutboundButton {
                    text: b.text,
                    action: OutboundAction::from_doc(b.action, &id)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let click_action = content
            .click_action
            .map(|a| OutboundAction::from_doc(a, &id))
            .transpose()?;
        Ok(OutboundMessage {
            kind: match doc.kind.as_str() {
                "chat" => OutboundKind::Chat,
                "post" => OutboundKind::Post,
                "banner" => OutboundKind::Banner,
                other => OutboundKind::Other(other.to_owned()),
            },
            name: doc.name,
            priority: doc.priority,
            frequency: doc.frequency,
            content: OutboundContent {
                text: content.text,
                title: content.title,
                body: content.body,
                image_url: content.image_url,
                video_url: content.video_url,
                buttons,
                click_action,
            },
            id,
        })
    }
}

impl OutboundAction {
    fn from_doc(doc: ActionDoc, message: &str) -> Result<Self> {
        let missing = |field: &str| Error::Decode {
            message: format!(
                "{}: message {message}: a `{}` action without `{field}`",
                GetEligible::FUNCTION.path,
                doc.action
            ),
        };
        Ok(match doc.action.as_str() {
            "url" => OutboundAction::Url(doc.url.clone().ok_or_else(|| missing("url"))?),
            "dismiss" => OutboundAction::Dismiss,
            "tour" => OutboundAction::Tour(doc.tour_id.clone()),
            "open_new_conversation" => OutboundAction::OpenNewConversation,
            "open_help_article" => OutboundAction::OpenHelpArticle(
                doc.article_id.clone().ok_or_else(|| missing("articleId"))?,
            ),
            "open_widget_tab" => {
                OutboundAction::OpenWidgetTab(doc.tab_id.clone().ok_or_else(|| missing("tabId"))?)
            }
            other => OutboundAction::Other(other.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_decode_with_typed_actions() {
        let list = messages_from_json(json!([{
            "_id": "m1", "type": "post", "name": "Spring", "priority": 2, "frequency": "once",
            "content": {
                "title": "New", "body": "Dark mode", "videoUrl": "https://v.example/1.mp4",
                "buttons": [
                    {"text": "Read", "action": "url", "url": "https://opencom.dev"},
                    {"text": "Later", "action": "dismiss"},
                    {"text": "Tour", "action": "tour", "tourId": "t1"},
                    {"text": "Any tour", "action": "tour"},
                    {"text": "Chat", "action": "open_new_conversation"},
                    {"text": "Doc", "action": "open_help_article", "articleId": "a1"},
                    {"text": "Help", "action": "open_widget_tab", "tabId": "help"},
                    {"text": "Pay", "action": "checkout"},
                ],
                "clickAction": {"type": "open_new_conversation"},
            },
        }, {"_id": "m2", "type": "survey_prompt", "content": {"text": "Hi"}}]))
        .unwrap();
        let actions: Vec<_> = list[0]
            .content
            .buttons
            .iter()
            .map(|b| b.action.clone())
            .collect();
        assert_eq!(
            actions,
            [
                OutboundAction::Url("https://opencom.dev".into()),
                OutboundAction::Dismiss,
                OutboundAction::Tour(Some("t1".into())),
                OutboundAction::Tour(None),
                OutboundAction::OpenNewConversation,
                OutboundAction::OpenHelpArticle("a1".into()),
                OutboundAction::OpenWidgetTab("help".into()),
                OutboundAction::Other("checkout".into()),
            ]
        );
        assert_eq!(
            list[0].content.click_action,
            Some(OutboundAction::OpenNewConversation)
        );
        assert_eq!(list[0].kind, OutboundKind::Post);
        assert_eq!(list[1].kind, OutboundKind::Other("survey_prompt".into()));
        let err = messages_from_json(json!([{"_id": "m", "type": "post",
            "content": {"buttons": [{"text": "Doc", "action": "open_help_article"}]}}]))
        .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }

    #[test]
    fn an_empty_page_url_is_refused() {
        assert!(matches!(
            check_url("  "),
            Err(Error::InvalidInput { field, .. }) if field == "current_url"
        ));
        check_url("app://home").unwrap();
    }
}
