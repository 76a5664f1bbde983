//! The stream type every `watch_*` returns.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc;

use crate::error::Result;
use crate::task::TaskGuard;

/// One value of a live stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Snapshot<T> {
    /// The data.
    pub value: T,
    /// True when it came from the offline cache, before the network answered.
    pub from_cache: bool,
    /// How this value arrived.
    pub via: Delivery,
}

/// How a [`Snapshot`] reached the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// The offline cache (before the network answered).
    Cache,
    /// The sync WebSocket.
    Socket,
    /// HTTP polling (the socket was down, refused, stalled, or polling was chosen).
    Polling,
    /// A local change re-rendered the last value (this device's outgoing messages).
    Local,
}

/// A live query as a [`Stream`]: the current snapshot first (from the cache when there is one),
/// then every change; identical values are not repeated. Errors are items too (the stream goes
/// on). Dropping it cancels the subscription.
///
/// ```no_run
/// # async fn run(client: opencom_sdk::Opencom, conversation_id: &str) -> opencom_sdk::Result<()> {
/// use futures::StreamExt;
/// let mut messages = client.conversations().watch_messages(conversation_id)?;
/// while let Some(snapshot) = messages.next().await {
///     let snapshot = snapshot?;
///     println!("{} messages", snapshot.value.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct LiveStream<T> {
    rx: mpsc::Receiver<Result<Snapshot<T>>>,
    _task: TaskGuard,
}

impl<T> LiveStream<T> {
    pub(crate) fn new(rx: mpsc::Receiver<Result<Snapshot<T>>>, task: TaskGuard) -> Self {
        Self { rx, _task: task }
    }
}

impl<T> Stream for LiveStream<T> {
    type Item = Result<Snapshot<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}
