//! Live queries over Convex's sync WebSocket (our own engine on `tokio-websockets`, with the
//! protocol's types from `convex_sync_types`), with HTTP polling behind the same stream whenever
//! the socket cannot serve, a cached first snapshot, deduplication, and the app lifecycle
//! (pause/resume).
//!
//! Visitors authenticate with the `sessionToken` *argument*, so a subscription is re-issued with
//! the new token after every refresh or re-boot (the session's generation changes); the
//! workspace inbox authenticates the socket itself (`Authenticate` with the agent's JWT).

#[cfg(all(test, feature = "workspace"))]
mod differential_tests;
pub(crate) mod engine;
pub(crate) mod live;
mod protocol;
pub(crate) mod socket;
mod stream;

pub use stream::{Delivery, LiveStream, Snapshot};

use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use tokio::sync::{broadcast, watch};

use crate::transport::ConvexHttp;
use engine::{LiveEngine, LiveTimeouts};
use live::Links;
use socket::{sync_url, SocketConfig};

pub use crate::config::RealtimeMode;

/// The live connection's state, for a UI indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// Opening the WebSocket for the first time.
    Connecting,
    /// Subscriptions are live.
    Connected,
    /// The socket is closed (lost, refused, paused); reconnecting with backoff unless paused
    /// (data is polled meanwhile while not paused).
    Disconnected,
    /// WebSockets are off; data is polled over HTTP.
    Polling,
}

/// The `Convex-Client` value the socket announces.
pub(crate) const CLIENT_ID: &str = concat!("opencom-rust-sdk-", env!("CARGO_PKG_VERSION"));

/// The live side of a client: its one engine (created on first use), its connection state and
/// the paused flag.
pub(crate) struct Realtime {
    mode: RealtimeMode,
    timeouts: LiveTimeouts,
    handshake_timeout: Duration,
    engine: std::sync::Mutex<Option<Arc<LiveEngine>>>,
    state: watch::Sender<ConnectionState>,
    transitions: broadcast::Sender<ConnectionState>,
    paused: watch::Sender<bool>,
}

impl std::fmt::Debug for Realtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Realtime")
            .field("mode", &self.mode)
            .field("state", &*self.state.borrow())
            .field("paused", &*self.paused.borrow())
            .finish_non_exhaustive()
    }
}

impl Realtime {
    pub(crate) fn new(
        mode: RealtimeMode,
        timeouts: LiveTimeouts,
        handshake_timeout: Duration,
    ) -> Self {
        let initial = match mode {
            RealtimeMode::WebSocket => ConnectionState::Connecting,
            RealtimeMode::Polling => ConnectionState::Polling,
        };
        Self {
            mode,
            timeouts,
            handshake_timeout,
            engine: std::sync::Mutex::new(None),
            state: watch::channel(initial).0,
            transitions: broadcast::channel(64).0,
            paused: watch::channel(false).0,
        }
    }

    /// The current state and a receiver of every later change.
    pub(crate) fn state(&self) -> (ConnectionState, broadcast::Receiver<ConnectionState>) {
        // Subscribe first so no transition between the two reads is lost.
        let rx = self.transitions.subscribe();
        (*self.state.borrow(), rx)
    }

    /// The engine, started on first use (None in polling mode or without a usable URL).
    pub(crate) fn engine(
        &self,
        transport: &ConvexHttp,
        auth: Option<engine::AuthSource>,
    ) -> Option<Arc<LiveEngine>> {
        if self.mode == RealtimeMode::Polling {
            return None;
        }
        let mut slot = self.engine.lock().ok()?;
        if let Some(engine) = slot.as_ref() {
            return Some(Arc::clone(engine));
        }
        let config = SocketConfig {
            url: sync_url(transport.base_url())?,
            tls: transport.ws_tls(),
            connect_timeout: transport.connect_timeout(),
            handshake_timeout: self.handshake_timeout,
            max_message_bytes: transport.max_response_bytes(),
            client_id: CLIENT_ID,
        };
        let engine = Arc::new(LiveEngine::start(
            config,
            self.timeouts,
            auth,
            *self.paused.borrow(),
            self.state.clone(),
            self.transitions.clone(),
        ));
        *slot = Some(Arc::clone(&engine));
        Some(engine)
    }

    /// Closes the engine (sign-out); the next watch opens a new one.
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    pub(crate) fn close(&self) {
        if let Ok(mut slot) = self.engine.lock() {
            slot.take();
        }
    }

    /// Sends a fresh token on the open socket, when there is one.
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    pub(crate) fn reauthenticate(&self) {
        if let Ok(slot) = self.engine.lock() {
            if let Some(engine) = slot.as_ref() {
                engine.reauthenticate();
            }
        }
    }

    /// The links a stream's loop needs.
    pub(crate) fn links(
        &self,
        engine: Option<Arc<LiveEngine>>,
        poll_interval: Duration,
        extra: Option<watch::Receiver<u64>>,
    ) -> Links {
        Links {
            engine: engine.as_ref().map(Arc::downgrade),
            state: self.state.subscribe(),
            paused: self.paused.subscribe(),
            poll_interval,
            extra,
        }
    }

    /// Pauses live data; false when already paused.
    pub(crate) fn pause(&self) -> bool {
        if self.paused.send_replace(true) {
            return false;
        }
        if let Ok(slot) = self.engine.lock() {
            if let Some(engine) = slot.as_ref() {
                engine.pause();
            }
        }
        true
    }

    /// Resumes live data; false when it was not paused.
    pub(crate) fn resume(&self) -> bool {
        if !self.paused.send_replace(false) {
            return false;
        }
        if let Ok(slot) = self.engine.lock() {
            if let Some(engine) = slot.as_ref() {
                engine.resume();
            }
        }
        true
    }

    pub(crate) fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }
}

/// The connection state as a stream: the current state first, then every change.
pub(crate) fn state_stream(
    (current, rx): (ConnectionState, broadcast::Receiver<ConnectionState>),
) -> impl Stream<Item = ConnectionState> + Send + Unpin + 'static {
    use broadcast::error::RecvError;
    use futures::StreamExt;
    let first = futures::stream::once(async move { current });
    let rest = futures::stream::unfold((rx, current), |(mut rx, last)| async move {
        loop {
            match rx.recv().await {
                // Changes only: a lagged receiver may see a state it already reported.
                Ok(state) if state == last => continue,
                Ok(state) => return Some((state, (rx, state))),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Box::pin(first.chain(rest))
}
