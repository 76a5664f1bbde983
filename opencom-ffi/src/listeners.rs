//! Live data for hosts: listener callback traits, and the [`Subscription`] handle that stops
//! them.
//!
//! A `watch_*` method takes the listener directly as an argument (some host runtimes can only
//! pass a host-implemented object that way) and returns a [`Subscription`]. The current snapshot
//! is delivered first (from the offline cache when there is one), then every change; identical
//! values are not repeated. Errors are delivered too and the subscription goes on. Every
//! snapshot says how it arrived ([`Delivery`]: the offline cache, the WebSocket, HTTP polling, or
//! a local change such as a message this device is sending).
//!
//! **Threading:** listener methods are called from the SDK's own threads, never from the host's
//! main/UI thread, one call at a time per subscription and in order. Hop to your UI thread
//! (`DispatchQueue.main`, `Dispatchers.Main`, `loop.call_soon_threadsafe`) before touching UI
//! state. Keep them quick: a slow listener delays the next update of its subscription.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt};
use tokio::task::JoinHandle;

use crate::conversations::{Conversation, Message};
use crate::error::OpencomError;
use crate::types::{ConnectionState, Delivery};

/// Receives the messages of one conversation (`ConversationsClient.watch_messages`), merged
/// with this device's outgoing messages as local echoes. Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait MessagesListener: Send + Sync {
    /// The whole list, oldest first. `from_cache` is true for the offline snapshot delivered
    /// before the network answered (then `via` is `Delivery::Cache`); `via` says how this value
    /// arrived (`Delivery::Local` when a local echo or a send state changed it).
    fn on_messages(&self, messages: Vec<Message>, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// Receives the visitor's conversations (`ConversationsClient.watch_conversations`). Called from
/// SDK threads.
#[uniffi::export(with_foreign)]
pub trait ConversationsListener: Send + Sync {
    /// The whole list, newest activity first. `from_cache` is true for the offline snapshot;
    /// `via` says how this value arrived.
    fn on_conversations(&self, conversations: Vec<Conversation>, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// Receives the total unread count (`ConversationsClient.watch_unread_count`), for a badge.
/// Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait UnreadCountListener: Send + Sync {
    /// The current count. `from_cache` is true for the offline snapshot; `via` says how this
    /// value arrived.
    fn on_unread_count(&self, count: u32, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// Receives the live connection's state (`OpencomClient.watch_connection_state`): the current
/// state first, then every change. Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait ConnectionStateListener: Send + Sync {
    /// The new state.
    fn on_state(&self, state: ConnectionState);
}

/// A running subscription. [`cancel`](Self::cancel) it (or drop it) to stop the updates: a
/// listener call already under way on another thread finishes, and no further one is made.
#[derive(Debug, uniffi::Object)]
pub struct Subscription {
    task: Mutex<Option<JoinHandle<()>>>,
    cancelled: Arc<AtomicBool>,
}

#[uniffi::export]
impl Subscription {
    /// Stops the subscription. Calling it again does nothing.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        if let Some(task) = self.take() {
            task.abort();
        }
    }

    /// Whether the subscription is still running.
    pub fn is_active(&self) -> bool {
        !self.cancelled.load(Ordering::SeqCst)
            && self
                .task
                .lock()
                .map(|t| t.as_ref().is_some_and(|t| !t.is_finished()))
                .unwrap_or(false)
    }
}

impl Subscription {
    fn take(&self) -> Option<JoinHandle<()>> {
        match self.task.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Calls into the host. The call may block (the host takes its interpreter lock, or does work):
/// `block_in_place` lets the runtime move its other tasks off this worker meanwhile. A listener
/// that throws is logged and ignored; the subscription goes on.
fn deliver(call: impl FnOnce()) {
    let outcome = tokio::task::block_in_place(|| catch_unwind(AssertUnwindSafe(call)));
    if outcome.is_err() {
        tracing::warn!("a listener threw; the update was ignored");
    }
}

/// Pumps a stream into host callbacks on the SDK runtime until the stream ends or the
/// subscription is cancelled.
pub(crate) fn pump<S, T>(
    stream: S,
    mut on_item: impl FnMut(T) + Send + 'static,
) -> Result<Arc<Subscription>, OpencomError>
where
    S: Stream<Item = T> + Send + Unpin + 'static,
    T: Send + 'static,
{
    let cancelled = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&cancelled);
    let task = crate::runtime::spawn(async move {
        let mut stream = stream;
        while let Some(item) = stream.next().await {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            deliver(|| on_item(item));
        }
    })?;
    Ok(Arc::new(Subscription {
        task: Mutex::new(Some(task)),
        cancelled,
    }))
}

/// Pumps a core live stream into a snapshot callback and an error callback: the one place where
/// a core `Snapshot` (value, `from_cache`, `via`) becomes the listener's arguments.
pub(crate) fn pump_snapshots<S, T>(
    stream: S,
    mut on_snapshot: impl FnMut(T, bool, Delivery) + Send + 'static,
    mut on_error: impl FnMut(OpencomError) + Send + 'static,
) -> Result<Arc<Subscription>, OpencomError>
where
    S: Stream<Item = opencom_sdk::Result<opencom_sdk::Snapshot<T>>> + Send + Unpin + 'static,
    T: Send + 'static,
{
    pump(stream, move |item| match item {
        Ok(snapshot) => on_snapshot(snapshot.value, snapshot.from_cache, snapshot.via.into()),
        Err(e) => on_error(e.into()),
    })
}
