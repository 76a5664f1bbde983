//! Carousels (`client.carousels()`): multi-screen announcements with typed button actions,
//! their impressions recorded once per session.

use std::sync::Arc;

use serde_json::Value;

use super::impressions::{ImpressionKey, ImpressionLog};
use crate::context::{watch, Context, QuerySpec};
use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::realtime::LiveStream;
use crate::wire::visitor::carousels::{ButtonDoc, CarouselDoc, ListActive, RecordImpression};
use crate::wire::{self, Call};

/// A carousel the visitor may be shown (`carousels:listActive`), highest priority first.
///
/// ```
/// # fn show(carousel: &opencom_sdk::Carousel) {
/// for screen in &carousel.screens {
///     println!("{}", screen.title.as_deref().unwrap_or_default());
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Carousel {
    /// The carousel id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its priority (higher first), if set.
    pub priority: Option<f64>,
    /// Its screens, in order.
    pub screens: Vec<CarouselScreen>,
}

/// One screen of a [`Carousel`].
///
/// ```
/// # fn f(screen: &opencom_sdk::CarouselScreen) {
/// let image = screen.image_url.as_deref();
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CarouselScreen {
    /// The screen id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// Its text.
    pub body: Option<String>,
    /// Its image.
    pub image_url: Option<String>,
    /// Its buttons.
    pub buttons: Vec<CarouselButton>,
}

/// A button of a [`CarouselScreen`].
///
/// ```
/// use opencom_sdk::CarouselAction;
/// # fn f(button: &opencom_sdk::CarouselButton) {
/// match &button.action {
///     CarouselAction::Url(url) => println!("open {url}"),
///     CarouselAction::Next => println!("next screen"),
///     _ => {}
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CarouselButton {
    /// Its label.
    pub text: String,
    /// What it does.
    pub action: CarouselAction,
}

/// What a carousel button does.
///
/// ```
/// use opencom_sdk::CarouselAction;
/// assert_ne!(CarouselAction::Next, CarouselAction::Dismiss);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CarouselAction {
    /// Opens an http(s) URL.
    Url(String),
    /// Closes the carousel.
    Dismiss,
    /// Goes to the next screen.
    Next,
    /// Opens a deep link into the app (`myapp://…`).
    DeepLink(String),
    /// An action this SDK does not know yet (its name).
    Other(String),
}

/// What the visitor did with a carousel, for [`CarouselsClient::record`].
///
/// ```
/// use opencom_sdk::CarouselImpression;
/// let first = CarouselImpression::Shown { screen_index: 0 };
/// # let _ = first;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CarouselImpression {
    /// A screen (0-based) appeared.
    Shown {
        /// Which screen.
        screen_index: u32,
    },
    /// The visitor went through every screen.
    Completed,
    /// The visitor closed it.
    Dismissed,
}

/// Carousels: `client.carousels()`.
///
/// ```no_run
/// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
/// use opencom_sdk::CarouselImpression;
/// let carousels = client.carousels();
/// if let Some(carousel) = carousels.active().await?.into_iter().next() {
///     carousels.record(&carousel.id, CarouselImpression::Shown { screen_index: 0 }).await?;
///     carousels.record(&carousel.id, CarouselImpression::Completed).await?;
/// }
/// # Ok(()) }
/// ```
pub struct CarouselsClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
    /// The impressions already recorded (this domain's state, owned by the facade).
    pub(crate) impressions: &'a ImpressionLog,
}

impl CarouselsClient<'_> {
    /// The carousels the visitor may be shown: active, deliverable, matching the visitor's
    /// audience, not completed or dismissed yet; highest priority first.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let carousels = client.carousels().active().await?;
    /// # Ok(()) }
    /// ```
    pub async fn active(&self) -> Result<Vec<Carousel>> {
        let workspace_id = self.ctx.config.workspace_id.as_str();
        let docs = self
            .ctx
            .session
            .request(|c| ListActive {
                auth: c.workspace(workspace_id),
            })
            .await?;
        docs.into_iter().map(Carousel::from_doc).collect()
    }

    /// [`active`](Self::active), live: the cached list first, then every change.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use futures::StreamExt;
    /// let mut live = client.carousels().watch_active()?;
    /// while let Some(Ok(snapshot)) = live.next().await {
    ///     println!("{} carousels", snapshot.value.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch_active(&self) -> Result<LiveStream<Vec<Carousel>>> {
        let workspace_id = self.ctx.config.workspace_id.clone();
        let spec = QuerySpec {
            function: ListActive::FUNCTION,
            args: Box::new(move |c| {
                wire::to_object(
                    ListActive::FUNCTION,
                    &ListActive {
                        auth: c.workspace(&workspace_id),
                    },
                )
            }),
            cache: Some("carousels/active".into()),
        };
        watch(
            self.ctx,
            spec,
            Box::new(|_, raw: &Value| carousels_from_json(raw.clone())),
            None,
        )
    }

    /// Records what the visitor did with a carousel, **once** per carousel and action (each
    /// screen's `Shown` once) in this session: a second identical call returns `Ok` without a
    /// call. A carousel that no longer exists, or is no longer active, is
    /// [`Error::NotFound`]: stop showing it.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, id: &str) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::CarouselImpression;
    /// client.carousels().record(id, CarouselImpression::Dismissed).await?;
    /// # Ok(()) }
    /// ```
    pub async fn record(&self, carousel_id: &str, action: CarouselImpression) -> Result<()> {
        check_id("carousel_id", carousel_id)?;
        let (name, screen_index) = match action {
            CarouselImpression::Shown { screen_index } => ("shown", Some(screen_index)),
            CarouselImpression::Completed => ("completed", None),
            CarouselImpression::Dismissed => ("dismissed", None),
        };
        let creds = self.ctx.session.credentials().await?;
        let key_action = match screen_index {
            Some(i) => format!("shown:{i}"),
            None => name.to_owned(),
        };
        let key = ImpressionKey::new(&creds, "carousel", carousel_id, key_action);
        self.impressions
            .once(key, || async {
                self.ctx
                    .session
                    .request(|c| RecordImpression {
                        auth: c.visitor(),
                        carousel_id,
                        action: name,
                        screen_index,
                    })
                    .await
                    .map(|_| ())
                    .map_err(not_deliverable)
            })
            .await
            .map(|_| ())
    }
}

/// `"Carousel is not active."` (a paused or archived carousel) means the same to the caller as
/// `"Carousel not found"` (already [`Error::NotFound`]): it is not shown to this visitor.
fn not_deliverable(error: Error) -> Error {
    match error {
        Error::Server { message } if message.trim_end_matches('.').ends_with("is not active") => {
            Error::NotFound { message }
        }
        other => other,
    }
}

fn carousels_from_json(raw: Value) -> Result<Vec<Carousel>> {
    let docs: Vec<CarouselDoc> = wire::decode(ListActive::FUNCTION, raw)?;
    docs.into_iter().map(Carousel::from_doc).collect()
}

impl Carousel {
    fn from_doc(doc: CarouselDoc) -> Result<Self> {
        let id = doc.id;
        let screens = doc
            .screens
            .into_iter()
            .map(|s| {
                let buttons = s
                    .buttons
                    .unwrap_or_default()
                    .into_iter()
                    .map(|b| CarouselButton::from_doc(b, &id))
                    .collect::<Result<Vec<_>>>()?;
                Ok(CarouselScreen {
                    id: s.id,
                    title: s.title,
                    body: s.body,
                    image_url: s.image_url,
                    buttons,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Carousel {
            id,
            name: doc.name,
            priority: doc.priority,
            screens,
        })
    }
}

impl CarouselButton {
    fn from_doc(doc: ButtonDoc, carousel: &str) -> Result<Self> {
        let missing = |field: &str| Error::Decode {
            message: format!(
                "{}: carousel {carousel}: a `{}` button without `{field}`",
                ListActive::FUNCTION.path,
                doc.action
            ),
        };
        let action = match doc.action.as_str() {
            "url" => CarouselAction::Url(doc.url.clone().ok_or_else(|| missing("url"))?),
            "deeplink" => {
                CarouselAction::DeepLink(doc.deep_link.clone().ok_or_else(|| missing("deepLink"))?)
            }
            "dismiss" => CarouselAction::Dismiss,
            "next" => CarouselAction::Next,
            other => CarouselAction::Other(other.to_owned()),
        };
        Ok(CarouselButton {
            text: doc.text,
            action,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn buttons_decode_into_typed_actions() {
        let list = carousels_from_json(json!([{
            "_id": "c1", "name": "Welcome", "priority": 2,
            "screens": [{"id": "s1", "title": "Hi", "buttons": [
                {"text": "Go", "action": "url", "url": "https://opencom.dev"},
                {"text": "App", "action": "deeplink", "deepLink": "myapp://home"},
                {"text": "Next", "action": "next"},
                {"text": "Close", "action": "dismiss"},
                {"text": "Buy", "action": "purchase"},
            ]}, {"id": "s2", "body": "Bye"}],
        }]))
        .unwrap();
        let actions: Vec<_> = list[0].screens[0]
            .buttons
            .iter()
            .map(|b| b.action.clone())
            .collect();
        assert_eq!(
            actions,
            [
                CarouselAction::Url("https://opencom.dev".into()),
                CarouselAction::DeepLink("myapp://home".into()),
                CarouselAction::Next,
                CarouselAction::Dismiss,
                CarouselAction::Other("purchase".into()),
            ]
        );
        assert!(list[0].screens[1].buttons.is_empty());
        let err = carousels_from_json(json!([{"_id": "c1", "name": "W",
            "screens": [{"id": "s1", "buttons": [{"text": "Go", "action": "url"}]}]}]))
        .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }

    #[test]
    fn an_inactive_carousel_is_not_found() {
        let mapped = not_deliverable(Error::Server {
            message: "Carousel is not active.".into(),
        });
        assert!(matches!(mapped, Error::NotFound { .. }), "{mapped:?}");
        let other = not_deliverable(Error::Server {
            message: "boom".into(),
        });
        assert!(matches!(other, Error::Server { .. }));
    }
}
