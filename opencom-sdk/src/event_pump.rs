//! The event pump: while anyone listens to `Opencom::events_stream`, one background task turns
//! the live unread count, the live conversation list and the connection state into
//! [`ClientEvent`]s (`UnreadChanged`, `MessageReceived`, `ConnectionChanged`); the current unread
//! total and connection state come first, so a new listener learns where things stand. It sits
//! with the
//! facade because it drives a domain (conversations) on the bus below them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};

use futures::StreamExt;

use crate::client_events::{ClientEvent, ClientEvents};
use crate::context::Context;
use crate::conversations::outbox::Outbox;
use crate::conversations::ConversationsClient;
use crate::error::Result;
use crate::task::TaskGuard;
use crate::SenderType;

/// The running pump, shared by every open [`ClientEvents`]; it stops with the last one.
#[derive(Default)]
pub(crate) struct Pump {
    running: Mutex<Weak<TaskGuard>>,
}

impl Pump {
    /// A stream of the client's events, starting the pump if none runs. Outside a tokio
    /// runtime the stream carries only what the domains publish (no pump can run).
    pub(crate) fn events(&self, ctx: &Arc<Context>, outbox: &Arc<Outbox>) -> ClientEvents {
        let receiver = ctx.bus.subscribe();
        let keep = self.ensure(ctx, outbox).ok().flatten();
        ClientEvents::new(
            receiver,
            keep.map(|guard| Box::new(guard) as Box<dyn std::any::Any + Send>),
        )
    }

    fn ensure(&self, ctx: &Arc<Context>, outbox: &Arc<Outbox>) -> Result<Option<Arc<TaskGuard>>> {
        let Ok(mut slot) = self.running.lock() else {
            return Ok(None);
        };
        if let Some(guard) = slot.upgrade() {
            if !guard.is_finished() {
                return Ok(Some(guard));
            }
        }
        let guard = Arc::new(crate::task::spawn(run(
            Arc::clone(ctx),
            Arc::clone(outbox),
        ))?);
        *slot = Arc::downgrade(&guard);
        Ok(Some(guard))
    }
}

async fn run(ctx: Arc<Context>, outbox: Arc<Outbox>) {
    let conversations = ConversationsClient {
        ctx: &ctx,
        outbox: &outbox,
    };
    // The current state first (reported like a change: a listener learns where it stands),
    // then every change.
    let mut states = crate::realtime::state_stream(ctx.realtime.state());
    let (Ok(mut unread), Ok(mut list)) = (
        conversations.watch_unread_count(),
        conversations.watch_conversations(),
    ) else {
        return;
    };
    let started_at = ctx.services.clock.now_ms();
    let mut last_state = None;
    let mut last_unread = None;
    // Messages already seen (the first list seeds it: those are not "received" now).
    let mut seen: Option<HashSet<String>> = None;
    loop {
        tokio::select! {
            snapshot = unread.next() => match snapshot {
                Some(Ok(snapshot)) => {
                    if last_unread != Some(snapshot.value) {
                        last_unread = Some(snapshot.value);
                        ctx.bus.publish(ClientEvent::UnreadChanged { total: snapshot.value });
                    }
                }
                Some(Err(e)) => tracing::debug!(error = %e, "event pump: unread count failed"),
                None => return,
            },
            snapshot = list.next() => match snapshot {
                Some(Ok(snapshot)) => {
                    let incoming = snapshot.value.iter().filter_map(|c| {
                        let m = c.last_message.as_ref()?;
                        (m.sender_type != SenderType::Visitor).then_some((c, m))
                    });
                    let first = seen.is_none();
                    let seen = seen.get_or_insert_with(HashSet::new);
                    for (conversation, message) in incoming {
                        // The first list holds what was there before anyone listened (created at
                        // or before the start, e.g. a greeting in the same millisecond), except
                        // what arrived since the pump started (before its first answer).
                        let old = first && message.created_at <= started_at;
                        if seen.insert(message.id.clone()) && !old {
                            ctx.bus.publish(ClientEvent::MessageReceived {
                                conversation_id: conversation.id.clone(),
                                message_id: message.id.clone(),
                            });
                        }
                    }
                }
                Some(Err(e)) => tracing::debug!(error = %e, "event pump: conversation list failed"),
                None => return,
            },
            state = states.next() => match state {
                Some(state) => {
                    if last_state != Some(state) {
                        last_state = Some(state);
                        ctx.bus.publish(ClientEvent::ConnectionChanged { state });
                    }
                }
                None => return,
            },
        }
    }
}
