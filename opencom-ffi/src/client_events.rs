//! The client's typed event stream for hosts: [`ClientEvent`] and
//! `OpencomClient.watch_events(listener)`.

use std::sync::Arc;

use opencom_sdk as sdk;

use crate::client::OpencomClient;
use crate::error::OpencomError;
use crate::listeners::{pump, Subscription};
use crate::runtime::enter;
use crate::types::ConnectionState;

/// Something that happened in the client (see the core's `ClientEvent`).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum ClientEvent {
    /// A visitor session was booted for a new (anonymous) visitor.
    VisitorCreated {
        /// The visitor.
        visitor_id: String,
    },
    /// `identify` succeeded.
    VisitorIdentified {
        /// The visitor.
        visitor_id: String,
    },
    /// A conversation was created by this client.
    ConversationCreated {
        /// The conversation.
        conversation_id: String,
    },
    /// A queued message reached the server.
    MessageSent {
        /// The conversation.
        conversation_id: String,
        /// The outbox id of the local echo.
        local_id: String,
        /// The message.
        message_id: String,
    },
    /// A queued message failed (it stays queued unless refused for good).
    MessageFailed {
        /// The conversation.
        conversation_id: String,
        /// The outbox id of the local echo.
        local_id: String,
        /// Why it failed.
        error: OpencomError,
    },
    /// A message from the workspace (an agent or the AI agent) arrived.
    MessageReceived {
        /// The conversation.
        conversation_id: String,
        /// The message.
        message_id: String,
    },
    /// The visitor's total unread count changed.
    UnreadChanged {
        /// The new total.
        total: u32,
    },
    /// The live connection changed state.
    ConnectionChanged {
        /// The new state.
        state: ConnectionState,
    },
    /// The session could not be restored automatically.
    SessionExpired,
    /// An event was tracked.
    EventTracked {
        /// The event name.
        name: String,
    },
    /// A survey was shown.
    SurveyShown {
        /// The survey.
        survey_id: String,
    },
    /// An outbound message was shown.
    OutboundMessageShown {
        /// The message.
        message_id: String,
    },
    /// An event this binding does not know yet (a newer core).
    Other {
        /// What it was (its debug form).
        description: String,
    },
}

impl From<sdk::ClientEvent> for ClientEvent {
    fn from(event: sdk::ClientEvent) -> Self {
        use sdk::ClientEvent as E;
        match event {
            E::VisitorCreated { visitor_id } => ClientEvent::VisitorCreated { visitor_id },
            E::VisitorIdentified { visitor_id } => ClientEvent::VisitorIdentified { visitor_id },
            E::ConversationCreated { conversation_id } => {
                ClientEvent::ConversationCreated { conversation_id }
            }
            E::MessageSent {
                conversation_id,
                local_id,
                message_id,
            } => ClientEvent::MessageSent {
                conversation_id,
                local_id,
                message_id,
            },
            E::MessageFailed {
                conversation_id,
                local_id,
                error,
            } => ClientEvent::MessageFailed {
                conversation_id,
                local_id,
                error: error.into(),
            },
            E::MessageReceived {
                conversation_id,
                message_id,
            } => ClientEvent::MessageReceived {
                conversation_id,
                message_id,
            },
            E::UnreadChanged { total } => ClientEvent::UnreadChanged { total },
            E::ConnectionChanged { state } => ClientEvent::ConnectionChanged {
                state: state.into(),
            },
            E::SessionExpired => ClientEvent::SessionExpired,
            E::EventTracked { name } => ClientEvent::EventTracked { name },
            E::SurveyShown { survey_id } => ClientEvent::SurveyShown { survey_id },
            E::OutboundMessageShown { message_id } => {
                ClientEvent::OutboundMessageShown { message_id }
            }
            other => ClientEvent::Other {
                description: format!("{other:?}"),
            },
        }
    }
}

/// Receives the client's events (`OpencomClient.watch_events`). Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait ClientEventListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: ClientEvent);
}

#[uniffi::export]
impl OpencomClient {
    /// The client's events from now on; the current unread total and connection state come
    /// first. Cancel (or drop) the subscription to stop.
    pub fn watch_events(
        &self,
        listener: Arc<dyn ClientEventListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        pump(
            self.core().events_stream(),
            move |event: sdk::ClientEvent| listener.on_event(event.into()),
        )
    }
}
