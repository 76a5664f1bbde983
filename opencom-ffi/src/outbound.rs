//! Outbound messages (chats, posts, banners): `client.outbound()` — the messages eligible on
//! a page or screen (also live) and their impressions.

use std::sync::Arc;

use opencom_sdk as sdk;

use crate::client::OpencomClient;
use crate::error::OpencomError;
use crate::listeners::{pump_snapshots, Subscription};
use crate::runtime::{enter, run};
use crate::types::{list, Delivery};

/// An outbound message the visitor is eligible for.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutboundMessage {
    /// Opaque message id.
    pub id: String,
    /// How it is displayed.
    pub kind: OutboundKind,
    /// Name.
    pub name: Option<String>,
    /// Priority (higher first), if set.
    pub priority: Option<f64>,
    /// How often it may be shown (the server's wording).
    pub frequency: Option<String>,
    /// What it shows.
    pub content: OutboundContent,
}

impl From<sdk::OutboundMessage> for OutboundMessage {
    fn from(m: sdk::OutboundMessage) -> Self {
        Self {
            id: m.id,
            kind: m.kind.into(),
            name: m.name,
            priority: m.priority,
            frequency: m.frequency,
            content: m.content.into(),
        }
    }
}

/// How an outbound message is displayed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum OutboundKind {
    /// A chat bubble.
    Chat,
    /// A post (a card with title, body and media).
    Post,
    /// A banner.
    Banner,
    /// A kind this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::OutboundKind> for OutboundKind {
    fn from(k: sdk::OutboundKind) -> Self {
        match k {
            sdk::OutboundKind::Chat => Self::Chat,
            sdk::OutboundKind::Post => Self::Post,
            sdk::OutboundKind::Banner => Self::Banner,
            sdk::OutboundKind::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// What an outbound message shows.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutboundContent {
    /// The text of a chat or banner.
    pub text: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Body.
    pub body: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Video URL.
    pub video_url: Option<String>,
    /// Buttons, in order (their index is what `OutboundClient.clicked` takes).
    pub buttons: Vec<OutboundButton>,
    /// What a click on the message itself does.
    pub click_action: Option<OutboundAction>,
}

impl From<sdk::OutboundContent> for OutboundContent {
    fn from(c: sdk::OutboundContent) -> Self {
        Self {
            text: c.text,
            title: c.title,
            body: c.body,
            image_url: c.image_url,
            video_url: c.video_url,
            buttons: list(c.buttons),
            click_action: c.click_action.map(Into::into),
        }
    }
}

/// A button of an outbound message.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutboundButton {
    /// Label.
    pub text: String,
    /// What it does.
    pub action: OutboundAction,
}

impl From<sdk::OutboundButton> for OutboundButton {
    fn from(b: sdk::OutboundButton) -> Self {
        Self {
            text: b.text,
            action: b.action.into(),
        }
    }
}

/// What an outbound button (or a click on the message) does.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum OutboundAction {
    /// Opens a URL.
    Url {
        /// The URL.
        url: String,
    },
    /// Closes the message.
    Dismiss,
    /// Starts a product tour.
    Tour {
        /// The tour, if one is named.
        tour_id: Option<String>,
    },
    /// Opens a new conversation in the messenger.
    OpenNewConversation,
    /// Opens a help-center article.
    OpenHelpArticle {
        /// The article.
        article_id: String,
    },
    /// Opens a tab of the messenger.
    OpenWidgetTab {
        /// The tab.
        tab_id: String,
    },
    /// An action this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::OutboundAction> for OutboundAction {
    fn from(a: sdk::OutboundAction) -> Self {
        use sdk::OutboundAction as A;
        match a {
            A::Url(url) => Self::Url { url },
            A::Dismiss => Self::Dismiss,
            A::Tour(tour_id) => Self::Tour { tour_id },
            A::OpenNewConversation => Self::OpenNewConversation,
            A::OpenHelpArticle(article_id) => Self::OpenHelpArticle { article_id },
            A::OpenWidgetTab(tab_id) => Self::OpenWidgetTab { tab_id },
            A::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// Receives the outbound messages eligible on a page (`OutboundClient.watch_eligible`).
/// Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait OutboundMessagesListener: Send + Sync {
    /// The whole list. `from_cache` is true for the offline snapshot; `via` says how this
    /// value arrived.
    fn on_outbound_messages(&self, messages: Vec<OutboundMessage>, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// Outbound messages: `client.outbound()`.
#[derive(Debug, uniffi::Object)]
pub struct OutboundClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl OutboundClient {
    /// The messages this visitor is eligible for on `current_url` (the page or screen they are
    /// on; must not be empty).
    pub async fn eligible(
        &self,
        current_url: String,
    ) -> Result<Vec<OutboundMessage>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.outbound().eligible(&current_url).await.map(list) }).await
    }

    /// The eligible messages on `current_url`, live: the cached list first, then every change.
    /// Cancel (or drop) the subscription to stop.
    pub fn watch_eligible(
        &self,
        current_url: String,
        listener: Arc<dyn OutboundMessagesListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.outbound().watch_eligible(&current_url)?;
        let errors = Arc::clone(&listener);
        pump_snapshots(
            stream,
            move |messages, from_cache, via| {
                listener.on_outbound_messages(list(messages), from_cache, via)
            },
            move |error| errors.on_error(error),
        )
    }

    /// Records that a message was shown (at most once per session; repeats succeed without a
    /// call).
    pub async fn shown(&self, message_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.outbound().shown(&message_id).await }).await
    }

    /// Records a click, on a button (its index in `content.buttons`) or on the message.
    pub async fn clicked(
        &self,
        message_id: String,
        button_index: Option<u32>,
    ) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.outbound().clicked(&message_id, button_index).await }).await
    }

    /// Records that the visitor closed a message.
    pub async fn dismissed(&self, message_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.outbound().dismissed(&message_id).await }).await
    }
}

#[uniffi::export]
impl OpencomClient {
    /// Outbound messages (chats, posts, banners).
    pub fn outbound(&self) -> Arc<OutboundClient> {
        Arc::new(OutboundClient {
            client: self.core().clone(),
        })
    }
}
