//! The client's typed event stream: what happened to the visitor, its conversations, the
//! connection and the engagement content, for hosts that react to it (analytics, badges, UI).
//! Domains publish into the [`EventBus`] their context carries; hosts read a [`ClientEvents`]
//! stream from `Opencom::events_stream`.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures::Stream;
use tokio::sync::broadcast;

use crate::error::Error;
use crate::realtime::ConnectionState;

/// Something that happened in the client. New variants may be added.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientEvent {
    /// A visitor session was booted for a new (anonymous) visitor.
    VisitorCreated {
        /// The new visitor's id.
        visitor_id: String,
    },
    /// `identify` succeeded (the id is the canonical one after a merge by email).
    VisitorIdentified {
        /// The identified visitor's id.
        visitor_id: String,
    },
    /// A conversation was created by this client.
    ConversationCreated {
        /// The new conversation.
        conversation_id: String,
    },
    /// A queued message reached the server.
    MessageSent {
        /// Its conversation.
        conversation_id: String,
        /// The outbox id of the local echo.
        local_id: String,
        /// The server's message id.
        message_id: String,
    },
    /// A queued message failed (it stays queued unless the server refused it for good).
    MessageFailed {
        /// Its conversation.
        conversation_id: String,
        /// The outbox id of the local echo.
        local_id: String,
        /// Why.
        error: Error,
    },
    /// A message from the workspace (an agent or the AI agent) arrived.
    MessageReceived {
        /// Its conversation.
        conversation_id: String,
        /// The message id.
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
    /// The session could not be restored automatically (see [`Error::SessionExpired`]).
    SessionExpired,
    /// An event was tracked with `events().track` (surveys with an event trigger follow it).
    EventTracked {
        /// The event's name.
        name: String,
    },
    /// A survey was shown to the visitor (its `shown` impression was recorded).
    SurveyShown {
        /// The survey.
        survey_id: String,
    },
    /// An outbound message (chat, post or banner) was shown (its `shown` impression was
    /// recorded).
    OutboundMessageShown {
        /// The message.
        message_id: String,
    },
}

/// Where the domains publish [`ClientEvent`]s. Publishing with no listener is free.
#[derive(Debug, Clone)]
pub(crate) struct EventBus {
    sender: broadcast::Sender<ClientEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(256).0,
        }
    }
}

impl EventBus {
    /// Sends `event` to every current listener.
    pub(crate) fn publish(&self, event: ClientEvent) {
        // An error only means nobody listens.
        let _ = self.sender.send(event);
    }

    /// A new listener, seeing every event published from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<ClientEvent> {
        self.sender.subscribe()
    }

    /// Whether anyone listens (to skip building an event nobody reads).
    #[allow(dead_code)]
    pub(crate) fn has_listeners(&self) -> bool {
        self.sender.receiver_count() > 0
    }
}

/// The client's events as a `Stream`, from the moment it was created. A listener that falls
/// more than 256 events behind skips the oldest ones (a warning is logged) rather than holding
/// the client back.
pub struct ClientEvents {
    inner: Pin<Box<dyn Stream<Item = ClientEvent> + Send>>,
    /// Keeps whatever feeds events only while someone listens (the client's event pump).
    _keep: Option<Box<dyn std::any::Any + Send>>,
}

impl std::fmt::Debug for ClientEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientEvents").finish_non_exhaustive()
    }
}

impl ClientEvents {
    pub(crate) fn new(
        receiver: broadcast::Receiver<ClientEvent>,
        keep: Option<Box<dyn std::any::Any + Send>>,
    ) -> Self {
        let stream = futures::stream::unfold(receiver, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(event) => return Some((event, rx)),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "an event listener fell behind; skipped events");
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        Self {
            inner: Box::pin(stream),
            _keep: keep,
        }
    }
}

impl Stream for ClientEvents {
    type Item = ClientEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    #[tokio::test]
    async fn listeners_see_what_is_published_after_they_subscribed() {
        let bus = EventBus::default();
        bus.publish(ClientEvent::SessionExpired); // nobody listens: dropped
        let mut events = ClientEvents::new(bus.subscribe(), None);
        bus.publish(ClientEvent::EventTracked {
            name: "signed_up".into(),
        });
        assert_eq!(
            events.next().await,
            Some(ClientEvent::EventTracked {
                name: "signed_up".into()
            })
        );
        drop(bus);
        assert_eq!(events.next().await, None);
    }
}
