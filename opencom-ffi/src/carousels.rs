//! Carousels: `client.carousels()` — the active carousels (also live) and their impressions.

use std::sync::Arc;

use opencom_sdk as sdk;

use crate::client::OpencomClient;
use crate::error::OpencomError;
use crate::listeners::{pump_snapshots, Subscription};
use crate::runtime::{enter, run};
use crate::types::{list, Delivery};

/// A carousel: a few screens shown one after the other.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Carousel {
    /// Opaque carousel id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Priority (higher first), if set.
    pub priority: Option<f64>,
    /// The screens, in order.
    pub screens: Vec<CarouselScreen>,
}

impl From<sdk::Carousel> for Carousel {
    fn from(c: sdk::Carousel) -> Self {
        Self {
            id: c.id,
            name: c.name,
            priority: c.priority,
            screens: list(c.screens),
        }
    }
}

/// One screen of a carousel.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CarouselScreen {
    /// Screen id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Text.
    pub body: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Buttons, in order.
    pub buttons: Vec<CarouselButton>,
}

impl From<sdk::CarouselScreen> for CarouselScreen {
    fn from(s: sdk::CarouselScreen) -> Self {
        Self {
            id: s.id,
            title: s.title,
            body: s.body,
            image_url: s.image_url,
            buttons: list(s.buttons),
        }
    }
}

/// A button of a carousel screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CarouselButton {
    /// Label.
    pub text: String,
    /// What it does.
    pub action: CarouselAction,
}

impl From<sdk::CarouselButton> for CarouselButton {
    fn from(b: sdk::CarouselButton) -> Self {
        Self {
            text: b.text,
            action: b.action.into(),
        }
    }
}

/// What a carousel button does.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CarouselAction {
    /// Opens a URL.
    Url {
        /// The URL.
        url: String,
    },
    /// Closes the carousel.
    Dismiss,
    /// Goes to the next screen.
    Next,
    /// Opens a deep link into the app.
    DeepLink {
        /// The link.
        link: String,
    },
    /// An action this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::CarouselAction> for CarouselAction {
    fn from(a: sdk::CarouselAction) -> Self {
        use sdk::CarouselAction as A;
        match a {
            A::Url(url) => Self::Url { url },
            A::Dismiss => Self::Dismiss,
            A::Next => Self::Next,
            A::DeepLink(link) => Self::DeepLink { link },
            A::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// What the visitor did with a carousel (`CarouselsClient.record`). Each is recorded at most
/// once per carousel (and screen) and session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CarouselImpression {
    /// A screen was shown.
    Shown {
        /// The screen's index, from 0.
        screen_index: u32,
    },
    /// The visitor went through every screen.
    Completed,
    /// The visitor closed it.
    Dismissed,
}

impl From<CarouselImpression> for sdk::CarouselImpression {
    fn from(i: CarouselImpression) -> Self {
        match i {
            CarouselImpression::Shown { screen_index } => Self::Shown { screen_index },
            CarouselImpression::Completed => Self::Completed,
            CarouselImpression::Dismissed => Self::Dismissed,
        }
    }
}

/// Receives the active carousels (`CarouselsClient.watch_active`). Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait CarouselsListener: Send + Sync {
    /// The whole list. `from_cache` is true for the offline snapshot; `via` says how this
    /// value arrived.
    fn on_carousels(&self, carousels: Vec<Carousel>, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// Carousels: `client.carousels()`.
#[derive(Debug, uniffi::Object)]
pub struct CarouselsClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl CarouselsClient {
    /// The carousels active for this visitor.
    pub async fn active(&self) -> Result<Vec<Carousel>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.carousels().active().await.map(list) }).await
    }

    /// The active carousels, live: the cached list first, then every change. Cancel (or
    /// drop) the subscription to stop.
    pub fn watch_active(
        &self,
        listener: Arc<dyn CarouselsListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.carousels().watch_active()?;
        let errors = Arc::clone(&listener);
        pump_snapshots(
            stream,
            move |carousels, from_cache, via| {
                listener.on_carousels(list(carousels), from_cache, via)
            },
            move |error| errors.on_error(error),
        )
    }

    /// Records what the visitor did with a carousel; each action is sent at most once per
    /// session (repeats succeed without a call). A carousel that is no longer active fails
    /// with `NotFound`.
    pub async fn record(
        &self,
        carousel_id: String,
        action: CarouselImpression,
    ) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.carousels().record(&carousel_id, action.into()).await }).await
    }
}

#[uniffi::export]
impl OpencomClient {
    /// Carousels.
    pub fn carousels(&self) -> Arc<CarouselsClient> {
        Arc::new(CarouselsClient {
            client: self.core().clone(),
        })
    }
}
