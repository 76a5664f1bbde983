//! The one loop behind every live stream (the visitor's `watch_*` and the workspace inbox):
//! the socket while it is connected, HTTP polling whenever it is not (down, refused, hanging in
//! the upgrade, stalled), decided again on every connection change, so a stream never goes
//! quiet; nothing while the client is paused, and a fresh snapshot when it resumes.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::engine::{LiveEngine, QueryEvent, Subscription};
use super::stream::{Delivery, Snapshot};
use super::ConnectionState;
use crate::error::{Error, Result};

/// How long a stream waits for a socket that is still opening for the first time before it
/// polls (a socket that failed, or was lost, is not waited for).
const FIRST_CONNECT_GRACE: Duration = Duration::from_secs(1);

/// What one poll gave.
pub(crate) enum Polled {
    Value(Value),
    /// The function threw (the server's message).
    Failed(String),
    /// Offline or a transient failure: keep the last snapshot, try again next time.
    Unavailable,
    /// A failure to show (e.g. signed out).
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    Error(Error),
}

/// What a stream watches and how: the arguments, the polling call, failure handling, caching.
#[async_trait]
pub(crate) trait LiveSource: Send + Sync + 'static {
    /// The query path (`module:function`).
    fn path(&self) -> &'static str;
    /// The arguments for the next subscription (they may carry the session token).
    async fn args(&mut self) -> Result<Map<String, Value>>;
    /// One poll over HTTP.
    async fn poll(&self, args: &Map<String, Value>) -> Polled;
    /// The query threw `message`: `Ok(())` when that was a dead session now recovered (the
    /// stream subscribes again with fresh arguments), else the error to show.
    async fn failed(&self, message: &str) -> std::result::Result<(), Error>;
    /// How long the current arguments stay valid (the session token's refresh).
    async fn valid_for(&self) -> Option<Duration> {
        None
    }
    /// Changes when the arguments must be rebuilt (a new session token).
    fn generations(&self) -> Option<watch::Receiver<u64>> {
        None
    }
    /// The offline copy, shown first.
    async fn cached(&self) -> Option<Value> {
        None
    }
    /// Keeps the latest value offline.
    async fn store(&self, _value: &Value) {}
}

/// Renders a raw value for the consumer.
pub(crate) type Render<T> = Box<dyn FnMut(&Value) -> Result<T> + Send>;

/// How the loop reaches the engine and the app's lifecycle.
pub(crate) struct Links {
    /// None: polling only. Weak: the owner closes the socket (sign-out) by dropping the engine;
    /// the stream then polls.
    pub(crate) engine: Option<std::sync::Weak<LiveEngine>>,
    /// The connection state (a constant `Polling` without an engine).
    pub(crate) state: watch::Receiver<ConnectionState>,
    /// True while the app is in the background.
    pub(crate) paused: watch::Receiver<bool>,
    pub(crate) poll_interval: Duration,
    /// Re-render the last value when this changes (the outbox's local echoes).
    pub(crate) extra: Option<watch::Receiver<u64>>,
}

struct Emitter<T> {
    tx: mpsc::Sender<Result<Snapshot<T>>>,
    last_raw: Option<Value>,
    last_out: Option<T>,
    render: Render<T>,
}

impl<T: Clone + PartialEq> Emitter<T> {
    /// A new raw value; false when the consumer is gone. Repeats are dropped.
    async fn raw(&mut self, raw: Value, via: Delivery) -> Option<bool> {
        if self.last_raw.as_ref() == Some(&raw) {
            return Some(false);
        }
        self.last_raw = Some(raw);
        self.rerender(via).await.then_some(true)
    }

    async fn rerender(&mut self, via: Delivery) -> bool {
        let Some(raw) = &self.last_raw else {
            return true;
        };
        match (self.render)(raw) {
            Ok(out) => {
                if self.last_out.as_ref() == Some(&out) {
                    return true;
                }
                self.last_out = Some(out.clone());
                self.tx
                    .send(Ok(Snapshot {
                        value: out,
                        from_cache: via == Delivery::Cache,
                        via,
                    }))
                    .await
                    .is_ok()
            }
            Err(e) => self.tx.send(Err(e)).await.is_ok(),
        }
    }

    async fn error(&mut self, err: Error) -> bool {
        // After an error the same data again is news: it says the stream recovered.
        self.last_raw = None;
        self.last_out = None;
        self.tx.send(Err(err)).await.is_ok()
    }
}

async fn next_event(sub: &mut Option<Subscription>) -> Option<QueryEvent> {
    match sub.as_mut() {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

async fn changed_u64(rx: &mut Option<watch::Receiver<u64>>) -> bool {
    match rx.as_mut() {
        Some(rx) => rx.changed().await.is_ok(),
        None => std::future::pending().await,
    }
}

/// Runs a stream until its consumer goes away.
pub(crate) async fn run<S: LiveSource, T: Clone + PartialEq + Send + 'static>(
    mut source: S,
    mut links: Links,
    render: Render<T>,
    tx: mpsc::Sender<Result<Snapshot<T>>>,
) {
    let mut out = Emitter {
        tx,
        last_raw: None,
        last_out: None,
        render,
    };
    let mut generations = source.generations();
    let mut cached_done = false;
    let mut retries = crate::backoff::live_retries();
    loop {
        let args = match source.args().await {
            Ok(args) => args,
            Err(e) => {
                if !out.error(e).await {
                    return;
                }
                let wait = retries.next().unwrap_or(crate::backoff::LIVE_RETRY_MAX);
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        if let Some(rx) = generations.as_mut() {
            rx.borrow_and_update();
        }
        if !cached_done {
            cached_done = true;
            if let Some(value) = source.cached().await {
                if out.raw(value, Delivery::Cache).await.is_none() {
                    return;
                }
            }
        }
        let mut sub = links
            .engine
            .as_ref()
            .and_then(std::sync::Weak::upgrade)
            .map(|engine| engine.subscribe(source.path(), args.clone()));
        let valid_for = source.valid_for().await.unwrap_or(Duration::MAX);
        let expiry = tokio::time::sleep(valid_for.min(Duration::from_secs(86_400 * 365)));
        tokio::pin!(expiry);
        let mut next_poll = first_poll(*links.state.borrow());

        loop {
            let connected = *links.state.borrow() == ConnectionState::Connected && sub.is_some();
            let paused = *links.paused.borrow();
            let polling = !connected && !paused;
            let polled: Option<(Value, Delivery)> = tokio::select! {
                event = next_event(&mut sub) => match event {
                    Some(QueryEvent::Value(value)) => Some((value, Delivery::Socket)),
                    Some(QueryEvent::Failed(message)) => {
                        match source.failed(&message).await {
                            Ok(()) => break,
                            Err(e) => if !out.error(e).await { return },
                        }
                        None
                    }
                    None => { sub = None; None }
                },
                () = tokio::time::sleep_until(next_poll), if polling => {
                    next_poll = Instant::now() + links.poll_interval;
                    match source.poll(&args).await {
                        Polled::Value(value) => Some((value, Delivery::Polling)),
                        Polled::Failed(message) => {
                            match source.failed(&message).await {
                                Ok(()) => break,
                                Err(e) => if !out.error(e).await { return },
                            }
                            None
                        }
                        Polled::Unavailable => None,
                        Polled::Error(e) => {
                            if !out.error(e).await { return }
                            None
                        }
                    }
                },
                changed = links.state.changed() => {
                    if changed.is_err() { return; }
                    // Lost (or back): poll at once when the socket cannot serve.
                    next_poll = Instant::now();
                    None
                },
                changed = links.paused.changed() => {
                    if changed.is_err() { return; }
                    // Resumed: a fresh snapshot now, whatever the socket does.
                    next_poll = Instant::now();
                    None
                },
                () = &mut expiry => break,
                changed = changed_u64(&mut generations) => {
                    if !changed { return; }
                    break;
                },
                changed = changed_u64(&mut links.extra) => {
                    if !changed { links.extra = None; continue; }
                    if !out.rerender(Delivery::Local).await { return; }
                    None
                },
            };
            if let Some((value, via)) = polled {
                retries = crate::backoff::live_retries();
                match out.raw(value, via).await {
                    None => return,
                    Some(false) => {}
                    Some(true) => {
                        if let Some(raw) = &out.last_raw {
                            source.store(raw).await;
                        }
                    }
                }
            }
        }
    }
}

fn first_poll(state: ConnectionState) -> Instant {
    match state {
        // Give a socket that is opening a moment: it usually answers within milliseconds.
        ConnectionState::Connecting => Instant::now() + FIRST_CONNECT_GRACE,
        _ => Instant::now(),
    }
}
