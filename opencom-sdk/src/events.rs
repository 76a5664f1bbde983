//! Events: `events:track` and screen views (`events:trackAutoEvent`).

use crate::attributes::{to_json_object, validate_event_properties, AttributeValue, Attributes};
use std::sync::Arc;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::wire::visitor::events::{Track, TrackAuto};

/// The result of tracking an automatic event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackOutcome {
    /// Stored; the event's id.
    Recorded {
        /// Opaque event id.
        event_id: String,
    },
    /// The server dropped it: at most 100 automatic events per visitor per 60 s. Not an error.
    RateLimited,
}

/// Event tracking: `client.events()`.
#[derive(Clone, Copy)]
pub struct EventsClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

impl EventsClient<'_> {
    /// Tracks a named event with optional properties (`events:track`). Properties are validated
    /// like the server's `eventProperties`: strings, numbers, booleans, null, and arrays of
    /// strings/numbers; bad ones fail with [`Error::InvalidInput`] before any network call.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::Attributes;
    /// let mut props = Attributes::new();
    /// props.insert("amount".into(), 42.5.into());
    /// let event_id = client.events().track("purchase_completed", props).await?;
    /// # Ok(()) }
    /// ```
    pub async fn track(&self, name: &str, properties: Attributes) -> Result<String> {
        if name.trim().is_empty() {
            return Err(Error::invalid("name", "must not be empty"));
        }
        validate_event_properties(&properties)?;
        let props = (!properties.is_empty()).then(|| to_json_object(&properties));
        let workspace_id = &self.ctx.config.workspace_id;
        self.ctx
            .session
            .request(|creds| Track {
                auth: creds.workspace(workspace_id),
                session_id: creds.session_id.clone(),
                name,
                properties: props.as_ref(),
            })
            .await
            .inspect(|_| {
                self.ctx
                    .bus
                    .publish(crate::client_events::ClientEvent::EventTracked {
                        name: name.to_owned(),
                    });
            })
    }

    /// Tracks a screen view (`events:trackAutoEvent`, `eventType: "screen_view"`,
    /// `properties.screenName`). Returns [`TrackOutcome::RateLimited`] when the server drops it.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::TrackOutcome;
    /// match client.events().track_screen("Checkout").await? {
    ///     TrackOutcome::Recorded { .. } => {}
    ///     TrackOutcome::RateLimited => { /* fine: screen views are best effort */ }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn track_screen(&self, screen_name: &str) -> Result<TrackOutcome> {
        if screen_name.trim().is_empty() {
            return Err(Error::invalid("screen_name", "must not be empty"));
        }
        let mut props = Attributes::new();
        props.insert("screenName".into(), AttributeValue::from(screen_name));
        let props = to_json_object(&props);
        self.track_auto("screen_view", Some(&props)).await
    }
}

impl EventsClient<'_> {
    /// Sends an app-lifecycle auto event (`session_start` on foreground, `session_end` on
    /// background), as Opencom's own React Native SDK does.
    pub(crate) async fn track_lifecycle(&self, event_type: &'static str) -> Result<TrackOutcome> {
        self.track_auto(event_type, None).await
    }

    /// `events:trackAutoEvent`; `null` is the server dropping it (no visitor, or rate limited).
    async fn track_auto(
        &self,
        event_type: &str,
        properties: Option<&serde_json::Value>,
    ) -> Result<TrackOutcome> {
        let workspace_id = &self.ctx.config.workspace_id;
        let event_id = self
            .ctx
            .session
            .request(|creds| TrackAuto {
                auth: creds.workspace(workspace_id),
                session_id: creds.session_id.clone(),
                event_type,
                properties,
            })
            .await?;
        Ok(match event_id {
            Some(event_id) => TrackOutcome::Recorded { event_id },
            None => TrackOutcome::RateLimited,
        })
    }
}
