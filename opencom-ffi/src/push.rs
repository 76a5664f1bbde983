//! Push registration: `client.push()`, and reading push payloads and deep links.

use opencom_sdk as sdk;

use crate::error::OpencomError;
use crate::runtime::run;

/// The device platform of a push token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PushPlatform {
    /// iOS.
    Ios,
    /// Android.
    Android,
}

impl From<PushPlatform> for sdk::PushPlatform {
    fn from(p: PushPlatform) -> Self {
        match p {
            PushPlatform::Ios => sdk::PushPlatform::Ios,
            PushPlatform::Android => sdk::PushPlatform::Android,
        }
    }
}

/// What `register` reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PushRegistration {
    /// A new token.
    Created,
    /// The token was already this visitor's.
    Updated,
    /// The token belonged to another visitor and was moved to this one.
    Reassigned,
}

impl From<sdk::PushRegistration> for PushRegistration {
    fn from(r: sdk::PushRegistration) -> Self {
        match r {
            sdk::PushRegistration::Updated => PushRegistration::Updated,
            sdk::PushRegistration::Reassigned => PushRegistration::Reassigned,
            // `Created`, and any outcome a newer core may add: the token is registered.
            _ => PushRegistration::Created,
        }
    }
}

/// Push registration: `client.push()`.
#[derive(Debug, uniffi::Object)]
pub struct PushClient {
    pub(crate) client: sdk::Opencom,
}

#[uniffi::export]
impl PushClient {
    /// Registers this device's **Expo** push token (`ExponentPushToken[…]`) for the visitor:
    /// Opencom delivers through Expo, so a raw APNs/FCM token fails with `InvalidInput`. The
    /// token is remembered, and unregistered on logout.
    pub async fn register(
        &self,
        token: String,
        platform: PushPlatform,
        device_id: Option<String>,
    ) -> Result<PushRegistration, OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.push()
                .register(&token, platform.into(), device_id.as_deref())
                .await
        })
        .await
    }

    /// The token registered on this device, if any.
    pub async fn registered_token(&self) -> Result<Option<String>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.push().registered_token().await }).await
    }

    /// Unregisters the remembered token (no call when there is none). Returns whether the
    /// server had it.
    pub async fn unregister(&self) -> Result<bool, OpencomError> {
        let c = self.client.clone();
        run(async move { c.push().unregister().await }).await
    }

    /// Turns notifications for the remembered token on or off.
    pub async fn set_enabled(&self, enabled: bool) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.push().set_enabled(enabled).await }).await
    }
}

/// What changed on a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TicketUpdateKind {
    /// Its status changed.
    StatusChanged,
    /// Someone commented.
    Comment,
}

/// A destination in the messenger, from a push payload or a deep link.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Route {
    /// A new message in a conversation (push).
    NewMessage {
        /// The conversation to open.
        conversation_id: String,
    },
    /// A conversation (deep link).
    Conversation {
        /// The conversation to open.
        conversation_id: String,
    },
    /// A ticket changed (push).
    TicketUpdate {
        /// The ticket to open.
        ticket_id: String,
        /// What changed.
        kind: TicketUpdateKind,
    },
    /// A ticket (deep link).
    Ticket {
        /// The ticket to open.
        ticket_id: String,
    },
    /// The ticket list.
    Tickets,
    /// An article.
    Article {
        /// The article to open.
        article_id: String,
    },
    /// The messenger home.
    Messenger,
    /// The help center.
    HelpCenter,
}

/// Converts a core route; `None` for a destination this binding does not know yet.
fn route(r: sdk::Route) -> Option<Route> {
    Some(match r {
        sdk::Route::NewMessage { conversation_id } => Route::NewMessage { conversation_id },
        sdk::Route::Conversation { conversation_id } => Route::Conversation { conversation_id },
        sdk::Route::TicketUpdate { ticket_id, kind } => Route::TicketUpdate {
            ticket_id,
            kind: match kind {
                sdk::TicketUpdateKind::StatusChanged => TicketUpdateKind::StatusChanged,
                sdk::TicketUpdateKind::Comment => TicketUpdateKind::Comment,
            },
        },
        sdk::Route::Ticket { ticket_id } => Route::Ticket { ticket_id },
        sdk::Route::Tickets => Route::Tickets,
        sdk::Route::Article { article_id } => Route::Article { article_id },
        sdk::Route::Messenger => Route::Messenger,
        sdk::Route::HelpCenter => Route::HelpCenter,
        _ => return None,
    })
}

/// Reads a visitor push payload, given as JSON (the notification's `data`, or the whole
/// notification object holding it). `None` for anything that is not an Opencom visitor
/// notification; `InvalidInput` when the text is not JSON.
#[uniffi::export]
pub fn parse_push(payload_json: String) -> Result<Option<Route>, OpencomError> {
    let payload: serde_json::Value =
        serde_json::from_str(&payload_json).map_err(|e| OpencomError::InvalidInput {
            field: "payload_json".into(),
            reason: format!("not JSON: {e}"),
        })?;
    Ok(sdk::parse_push(&payload).and_then(route))
}

/// Reads `opencom://…` and `https://opencom.app/…` links; `None` for anything else.
#[uniffi::export]
pub fn parse_deep_link(link: String) -> Option<Route> {
    sdk::parse_deep_link(&link).and_then(route)
}

/// Reads links under `opencom://`, `https://opencom.app/` and the app's own `prefixes` (as
/// React Navigation's `linking.prefixes`): a scheme (`myapp://`, `myapp://support`) or an
/// `https` URL (`https://example.com/help`). After the prefix: `conversation/{id}`,
/// `article/{id}`, `ticket/{id}`, `tickets`, `messenger`, `help-center`. `None` for anything
/// else; `InvalidInput` (field `prefixes`) for a prefix that cannot be used (plain `http`, a
/// query, a port, …).
#[uniffi::export]
pub fn parse_deep_link_with_prefixes(
    link: String,
    prefixes: Vec<String>,
) -> Result<Option<Route>, OpencomError> {
    let links = sdk::DeepLinks::new(&prefixes).map_err(|e| OpencomError::InvalidInput {
        field: "prefixes".into(),
        reason: e.to_string(),
    })?;
    Ok(links.parse(&link).and_then(route))
}
