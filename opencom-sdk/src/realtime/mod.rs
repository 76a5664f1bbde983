//! Live queries: Convex WebSocket subscriptions through the official `convex` crate, with an
//! HTTP polling fallback behind the same stream, a cached first snapshot, and deduplication.
//!
//! Visitors authenticate with the `sessionToken` *argument*, so a subscription is re-issued with
//! the new token after every refresh or re-boot (the session's generation changes).

mod stream;

pub use stream::{LiveStream, Snapshot};

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use convex::{ConvexClient, ConvexClientBuilder, FunctionResult, QuerySubscription};
use futures::{Stream, StreamExt};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch, Mutex};

use crate::client::{Inner, TaskGuard};
use crate::error::{Error, Result};
use crate::session::Credentials;
use crate::transport::Function;

/// How live data reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RealtimeMode {
    /// Convex WebSocket subscriptions, polling over HTTP while the socket is down (default).
    #[default]
    WebSocket,
    /// HTTP polling only (for networks that block WebSockets).
    Polling,
}

/// The live connection's state, for a UI indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// Opening the WebSocket for the first time.
    Connecting,
    /// Subscriptions are live.
    Connected,
    /// The socket was lost; reconnecting with backoff (data is polled meanwhile).
    Disconnected,
    /// WebSockets are off; data is polled over HTTP.
    Polling,
}

/// Owns the one WebSocket client of an [`crate::Opencom`] (created on first use).
pub(crate) struct Realtime {
    client: Mutex<Option<ConvexClient>>,
    /// The current state (for decisions).
    state: watch::Sender<ConnectionState>,
    /// Every transition, so a fast Disconnected → Connected is not coalesced away.
    transitions: tokio::sync::broadcast::Sender<ConnectionState>,
    forwarder: std::sync::Mutex<Option<TaskGuard>>,
    /// True between `pause()` and `resume()`.
    paused: watch::Sender<bool>,
}

impl std::fmt::Debug for Realtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Realtime")
            .field("state", &*self.state.borrow())
            .finish_non_exhaustive()
    }
}

impl Realtime {
    pub(crate) fn new(mode: RealtimeMode) -> Self {
        let initial = match mode {
            RealtimeMode::WebSocket => ConnectionState::Connecting,
            RealtimeMode::Polling => ConnectionState::Polling,
        };
        let (state, _) = watch::channel(initial);
        Self {
            client: Mutex::new(None),
            state,
            transitions: tokio::sync::broadcast::channel(64).0,
            forwarder: std::sync::Mutex::new(None),
            paused: watch::channel(false).0,
        }
    }

    /// Pauses live data; false when already paused.
    pub(crate) fn pause(&self) -> bool {
        !self.paused.send_replace(true)
    }

    /// Resumes live data; false when it was not paused.
    pub(crate) fn resume(&self) -> bool {
        self.paused.send_replace(false)
    }

    pub(crate) fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// The current state and a receiver of every later transition.
    pub(crate) fn state(
        &self,
    ) -> (
        ConnectionState,
        tokio::sync::broadcast::Receiver<ConnectionState>,
    ) {
        // Subscribe first so no transition between the two reads is lost.
        let rx = self.transitions.subscribe();
        (*self.state.borrow(), rx)
    }

    fn is_connected(&self) -> bool {
        *self.state.borrow() == ConnectionState::Connected
    }

    async fn subscribe(
        &self,
        inner: &Inner,
        path: &str,
        args: Map<String, Value>,
    ) -> Result<QuerySubscription> {
        let mut guard = self.client.lock().await;
        if guard.is_none() {
            let (client, mut rx) = open_client(inner.config.deployment_url.as_str()).await?;
            let state = self.state.clone();
            let transitions = self.transitions.clone();
            let task = tokio::spawn(async move {
                let mut was_connected = false;
                while let Some(ws) = rx.recv().await {
                    let next = match ws {
                        convex::WebSocketState::Connected => {
                            was_connected = true;
                            ConnectionState::Connected
                        }
                        convex::WebSocketState::Connecting if was_connected => {
                            ConnectionState::Disconnected
                        }
                        convex::WebSocketState::Connecting => ConnectionState::Connecting,
                    };
                    tracing::debug!(state = ?next, "realtime connection");
                    state.send_replace(next);
                    let _ = transitions.send(next);
                }
            });
            if let Ok(mut slot) = self.forwarder.lock() {
                *slot = Some(TaskGuard::new(task));
            }
            *guard = Some(client);
        }
        let Some(client) = guard.as_mut() else {
            return Err(Error::config("no WebSocket client"));
        };
        client
            .subscribe(path, convex_args(args)?)
            .await
            .map_err(|e| Error::Network {
                message: format!("subscribe failed: {e}"),
            })
    }
}

/// Opens a `convex` client (the one WebSocket of a client object) on `url`; socket state
/// changes arrive on the returned receiver.
pub(crate) async fn open_client(
    url: &str,
) -> Result<(ConvexClient, mpsc::Receiver<convex::WebSocketState>)> {
    // tokio-tungstenite's rustls needs a process-wide crypto provider for wss://.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (tx, rx) = mpsc::channel(16);
    let client = ConvexClientBuilder::new(url)
        .with_client_id(concat!("opencom-rust-sdk-", env!("CARGO_PKG_VERSION")))
        .with_on_state_change(tx)
        .build()
        .await
        .map_err(|e| Error::Network {
            message: format!("cannot open the WebSocket: {e}"),
        })?;
    Ok((client, rx))
}

/// Builds a query's arguments from the session's credentials.
pub(crate) type ArgsFn = Box<dyn Fn(&Credentials) -> Map<String, Value> + Send + Sync>;

/// What to watch: a query and how to build its arguments from the session.
pub(crate) struct QuerySpec {
    pub(crate) function: Function,
    pub(crate) args: ArgsFn,
    /// Storage key suffix for the offline cache (None: not cached).
    pub(crate) cache: Option<String>,
}

type Render<T> = Box<dyn FnMut(&Inner, &Value) -> Result<T> + Send>;

/// Starts a live query: the cached snapshot first (if any), then every distinct value.
/// `extra` re-renders the last value when it changes (the outbox, for local echoes).
pub(crate) fn watch<T>(
    inner: &Arc<Inner>,
    spec: QuerySpec,
    render: Render<T>,
    extra: Option<watch::Receiver<u64>>,
) -> LiveStream<T>
where
    T: Clone + PartialEq + Send + 'static,
{
    let (tx, rx) = mpsc::channel(32);
    let task = tokio::spawn(run(Arc::clone(inner), spec, render, extra, tx));
    LiveStream::new(rx, TaskGuard::new(task))
}

struct Emitter<T> {
    tx: mpsc::Sender<Result<Snapshot<T>>>,
    last_raw: Option<Value>,
    last_out: Option<T>,
    render: Render<T>,
}

impl<T: Clone + PartialEq> Emitter<T> {
    /// A new raw value (the caller skips repeats). Returns false when the consumer is gone.
    async fn raw(&mut self, inner: &Inner, raw: Value, from_cache: bool) -> bool {
        self.last_raw = Some(raw);
        self.rerender(inner, from_cache).await
    }

    async fn rerender(&mut self, inner: &Inner, from_cache: bool) -> bool {
        let Some(raw) = &self.last_raw else {
            return true;
        };
        match (self.render)(inner, raw) {
            Ok(out) => {
                if self.last_out.as_ref() == Some(&out) {
                    return true;
                }
                self.last_out = Some(out.clone());
                self.tx
                    .send(Ok(Snapshot {
                        value: out,
                        from_cache,
                    }))
                    .await
                    .is_ok()
            }
            Err(e) => self.tx.send(Err(e)).await.is_ok(),
        }
    }

    async fn error(&mut self, err: Error) -> bool {
        self.tx.send(Err(err)).await.is_ok()
    }
}

fn cache_key(inner: &Inner, creds: &Credentials, suffix: &str) -> String {
    format!(
        "{}cache/{}/{suffix}",
        inner.config.storage_namespace(),
        creds.visitor_id
    )
}

/// A query's arguments as the `convex` crate takes them.
pub(crate) fn convex_args(args: Map<String, Value>) -> Result<BTreeMap<String, convex::Value>> {
    args.into_iter()
        .map(|(key, value)| {
            convex::Value::try_from(value)
                .map(|v| (key.clone(), v))
                .map_err(|e| Error::Decode {
                    message: format!("cannot encode `{key}` for the WebSocket: {e}"),
                })
        })
        .collect()
}

/// The next result of a subscription; pending forever when there is none (so a `select!`
/// branch on it stays quiet while polling).
pub(crate) async fn next_ws(
    sub: &mut Option<Pin<Box<QuerySubscription>>>,
) -> Option<FunctionResult> {
    match sub.as_mut() {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

async fn run<T: Clone + PartialEq + Send + 'static>(
    inner: Arc<Inner>,
    spec: QuerySpec,
    render: Render<T>,
    mut extra: Option<watch::Receiver<u64>>,
    tx: mpsc::Sender<Result<Snapshot<T>>>,
) {
    let mut out = Emitter {
        tx,
        last_raw: None,
        last_out: None,
        render,
    };
    let mut generations = inner.session.generations();
    let mut cached_done = false;
    let mut failures = 0u32;
    loop {
        let creds = match inner.session.credentials().await {
            Ok(c) => c,
            Err(e) => {
                if !out.error(e).await {
                    return;
                }
                failures += 1;
                tokio::time::sleep(retry_delay(failures)).await;
                continue;
            }
        };
        generations.borrow_and_update();
        if !cached_done {
            cached_done = true;
            if let Some(suffix) = &spec.cache {
                let key = cache_key(&inner, &creds, suffix);
                if let Ok(Some(raw)) = inner.services.storage.get(&key).await {
                    if let Ok(value) = serde_json::from_str::<Value>(&raw) {
                        if !out.raw(&inner, value, true).await {
                            return;
                        }
                    }
                }
            }
        }
        let args = (spec.args)(&creds);
        let mut ws = if inner.config.realtime == RealtimeMode::WebSocket {
            match inner
                .realtime
                .subscribe(&inner, spec.function.path, args.clone())
                .await
            {
                Ok(sub) => Some(Box::pin(sub)),
                Err(e) => {
                    tracing::debug!(error = %e, "WebSocket unavailable; polling");
                    None
                }
            }
        } else {
            None
        };
        let mut poll = tokio::time::interval(inner.config.poll_interval);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let refresh_in = inner.session.refresh_due_in().await;
        let refresh_timer = tokio::time::sleep(refresh_in);
        tokio::pin!(refresh_timer);

        // Inner loop: until the token changes or must be refreshed.
        loop {
            let polling = ws.is_none() || !inner.realtime.is_connected();
            let result: Option<std::result::Result<Value, String>> = tokio::select! {
                item = next_ws(&mut ws) => match item {
                    Some(FunctionResult::Value(v)) => Some(Ok(v.export())),
                    Some(FunctionResult::ErrorMessage(m)) => Some(Err(m)),
                    Some(FunctionResult::ConvexError(e)) => Some(Err(e.message)),
                    None => { ws = None; None }
                },
                _ = poll.tick(), if polling => {
                    match inner.transport.call(spec.function, args.clone()).await {
                        Ok(v) => Some(Ok(v)),
                        Err(crate::transport::TransportError::Function { message }) => Some(Err(message)),
                        Err(e) => {
                            // Offline: keep the last snapshot, try again next tick.
                            tracing::debug!(error = %e, "poll failed");
                            None
                        }
                    }
                },
                _ = &mut refresh_timer => break,
                changed = generations.changed() => {
                    if changed.is_err() { return; }
                    break;
                },
                changed = wait_extra(&mut extra) => {
                    if !changed { extra = None; continue; }
                    if !out.rerender(&inner, false).await { return; }
                    None
                },
            };
            match result {
                Some(Ok(value)) => {
                    failures = 0;
                    if out.last_raw.as_ref() == Some(&value) {
                        continue;
                    }
                    // Deliver first; the offline cache is written after, off the latency path,
                    // from the value the emitter keeps (no copy).
                    if !out.raw(&inner, value, false).await {
                        return;
                    }
                    let json = spec
                        .cache
                        .as_ref()
                        .and(out.last_raw.as_ref())
                        .and_then(|raw| serde_json::to_string(raw).ok());
                    if let (Some(suffix), Some(json)) = (&spec.cache, json) {
                        let key = cache_key(&inner, &creds, suffix);
                        if let Err(e) = inner.services.storage.set(&key, &json).await {
                            tracing::debug!(error = %e, "could not cache a snapshot");
                        }
                    }
                }
                Some(Err(message)) => match inner.session.after_failure(&creds, &message).await {
                    Ok(()) => break, // recovered: re-subscribe with the new token
                    Err(e) => {
                        if !out.error(e).await {
                            return;
                        }
                        failures += 1;
                        tokio::time::sleep(retry_delay(failures)).await;
                    }
                },
                None => {}
            }
        }
    }
}

async fn wait_extra(extra: &mut Option<watch::Receiver<u64>>) -> bool {
    match extra {
        Some(rx) => rx.changed().await.is_ok(),
        None => std::future::pending().await,
    }
}

/// Backoff between attempts after `failures` consecutive failures (250 ms doubling, ≤ 15 s).
pub(crate) fn retry_delay(failures: u32) -> Duration {
    Duration::from_millis((250u64 << failures.min(6)).min(15_000))
}

/// The connection state as a stream: the current state first, then every change.
pub(crate) fn state_stream(
    (current, rx): (
        ConnectionState,
        tokio::sync::broadcast::Receiver<ConnectionState>,
    ),
) -> impl Stream<Item = ConnectionState> + Send + Unpin + 'static {
    use tokio::sync::broadcast::error::RecvError;
    let first = futures::stream::once(async move { current });
    let rest = futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(state) => return Some((state, rx)),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Box::pin(first.chain(rest))
}
