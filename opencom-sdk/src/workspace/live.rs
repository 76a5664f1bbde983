//! The live inbox: `conversations:listForInbox` as a Convex WebSocket subscription that
//! authenticates with the agent's JWT (the sync protocol's `Authenticate` message), with HTTP
//! polling when no socket can be opened.
//!
//! One socket per [`WorkspaceClient`], opened on the first watch. The JWT reaches the socket
//! through an auth callback the `convex` crate calls when the socket (re)connects; a background
//! task pushes the refreshed JWT before the old one expires, and when the server refuses an
//! expired JWT (`AuthError`, then the socket closes) the reconnect refreshes it. Refreshes go
//! through the same single-flight [`TokenManager`], so the socket and HTTP calls never spend the
//! single-use refresh token twice.

use std::sync::Arc;
use std::time::Duration;

use std::pin::Pin;

use convex::{
    AuthTokenFetcher, AuthenticationToken, ConvexClient, FunctionResult, QuerySubscription,
};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};

use super::auth::TokenManager;
use super::inbox::InboxConversation;
use super::WorkspaceClient;
use crate::client::TaskGuard;
use crate::error::{server_message, Error, Result};
use crate::realtime::{
    convex_args, next_ws, open_client, retry_delay, LiveStream, RealtimeMode, Snapshot,
};
use crate::transport::Function;

/// How often the auth task looks at the token when its expiry is far away (the clock may jump).
const AUTH_CHECK_EVERY: Duration = Duration::from_secs(60);

/// The socket of a [`WorkspaceClient`] and the task that keeps its JWT fresh.
pub(crate) struct LiveConnection {
    client: ConvexClient,
    /// True while the socket is connected (the inbox is polled otherwise).
    connected: watch::Receiver<bool>,
    _auth: TaskGuard,
    _state: TaskGuard,
}

/// How long opening the socket may take before the inbox falls back to polling.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The auth callback: the current JWT, refreshed first when it is about to expire (or already
/// refused: `force` after a reconnect only refreshes when the token is no longer fresh, so a
/// plain network drop does not spend the refresh token).
fn fetcher(tokens: Arc<TokenManager>) -> AuthTokenFetcher {
    Box::new(move |_force| {
        let tokens = Arc::clone(&tokens);
        Box::pin(async move {
            match tokens.bearer().await {
                Ok(token) => Ok(AuthenticationToken::User(token.expose().to_owned())),
                Err(e) => Err(anyhow::anyhow!("no workspace token: {e}")),
            }
        })
    })
}

/// Opens the socket, authenticated, and starts the task that re-authenticates before expiry.
pub(crate) async fn connect(
    deployment_url: &str,
    tokens: Arc<TokenManager>,
) -> Result<LiveConnection> {
    let (mut client, mut state_rx) =
        tokio::time::timeout(CONNECT_TIMEOUT, open_client(deployment_url))
            .await
            .map_err(|_| Error::Network {
                message: "opening the WebSocket timed out".into(),
            })??;
    let (connected_tx, connected) = watch::channel(false);
    let state = tokio::spawn(async move {
        while let Some(state) = state_rx.recv().await {
            connected_tx.send_replace(matches!(state, convex::WebSocketState::Connected));
        }
    });
    client
        .set_auth_callback(Some(fetcher(Arc::clone(&tokens))))
        .await;
    let mut pusher = client.clone();
    let task = tokio::spawn(async move {
        loop {
            let wait = tokens
                .refresh_due_in()
                .map_or(AUTH_CHECK_EVERY, |due| due.min(AUTH_CHECK_EVERY));
            tokio::time::sleep(wait.max(Duration::from_millis(200))).await;
            if tokens.refresh_due_in() == Some(Duration::ZERO) {
                tracing::debug!("re-authenticating the inbox socket before the JWT expires");
                pusher
                    .set_auth_callback(Some(fetcher(Arc::clone(&tokens))))
                    .await;
            }
        }
    });
    Ok(LiveConnection {
        client,
        connected,
        _auth: TaskGuard::new(task),
        _state: TaskGuard::new(state),
    })
}

impl WorkspaceClient {
    /// The shared socket, opened on first use.
    async fn live_client(&self) -> Result<(ConvexClient, watch::Receiver<bool>)> {
        let mut slot = self.inner.live.lock().await;
        if let Some(live) = slot.as_ref() {
            return Ok((live.client.clone(), live.connected.clone()));
        }
        // Fail early (and without opening a socket) when nobody is signed in.
        self.inner.tokens.bearer().await?;
        let live = connect(
            self.inner.transport.base_url().as_str(),
            Arc::clone(&self.inner.tokens),
        )
        .await?;
        let out = (live.client.clone(), live.connected.clone());
        *slot = Some(live);
        Ok(out)
    }

    /// Closes the socket (on sign-out).
    pub(crate) async fn close_live(&self) {
        self.inner.live.lock().await.take();
    }
}

/// Starts watching one inbox query; see [`super::InboxClient::watch`].
pub(crate) fn watch_inbox(
    client: WorkspaceClient,
    function: Function,
    args: Map<String, Value>,
) -> LiveStream<Vec<InboxConversation>> {
    let (tx, rx) = mpsc::channel(16);
    let task = tokio::spawn(run(client, function, args, tx));
    LiveStream::new(rx, TaskGuard::new(task))
}

type Sender = mpsc::Sender<Result<Snapshot<Vec<InboxConversation>>>>;

/// Sends a snapshot when it differs from the last one; false when the consumer is gone.
async fn emit(
    tx: &Sender,
    last: &mut Option<Value>,
    outcome: std::result::Result<Value, Error>,
) -> bool {
    let page = match outcome {
        Ok(page) => page,
        Err(e) => {
            // After an error the same data again is news: it says the stream recovered.
            *last = None;
            return tx.send(Err(e)).await.is_ok();
        }
    };
    if last.as_ref() == Some(&page) {
        return true;
    }
    let rows = crate::doc::list(
        page.get("conversations").unwrap_or(&Value::Null),
        "conversations",
        InboxConversation::from_json,
    );
    *last = Some(page);
    let item = rows.map(|value| Snapshot {
        value,
        from_cache: false,
    });
    tx.send(item).await.is_ok()
}

/// Waits for the connection state to change; false when its sender is gone.
async fn state_changed(state: &mut Option<watch::Receiver<bool>>) -> bool {
    match state.as_mut() {
        Some(rx) => rx.changed().await.is_ok(),
        None => std::future::pending().await,
    }
}

async fn run(client: WorkspaceClient, function: Function, args: Map<String, Value>, tx: Sender) {
    let websocket = client.inner.realtime == RealtimeMode::WebSocket;
    let mut last = None;
    let mut failures = 0u32;
    loop {
        let mut socket = None;
        let mut connected = None;
        if websocket {
            match client.live_client().await {
                Ok((convex, state)) => {
                    socket = Some(convex);
                    connected = Some(state);
                }
                Err(Error::SessionExpired) => {
                    if !emit(&tx, &mut last, Err(Error::SessionExpired)).await {
                        return;
                    }
                }
                Err(e) => tracing::debug!(error = %e, "inbox socket unavailable; polling"),
            }
        }
        let mut ws: Option<Pin<Box<QuerySubscription>>> = None;
        // Without a socket, poll and try again after a backoff (in polling mode: for good).
        let retry_at = tokio::time::Instant::now() + retry_delay(failures);
        let mut tick = tokio::time::interval(client.inner.poll_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let is_connected = connected
                .as_ref()
                .is_some_and(|c: &watch::Receiver<bool>| *c.borrow());
            // Subscribe once the socket is up: the convex client holds a subscribe back
            // until it can send it, so asking earlier would stall the stream.
            if let (None, true, Some(convex)) = (&ws, is_connected, socket.as_mut()) {
                match subscribe(convex, function, &args).await {
                    Ok(sub) => ws = Some(Box::pin(sub)),
                    Err(e) => tracing::debug!(error = %e, "inbox subscribe failed; polling"),
                }
            }
            let polling = ws.is_none() || !is_connected;
            tokio::select! {
                item = next_ws(&mut ws) => match item {
                    Some(item) => {
                        let outcome = match item {
                            FunctionResult::Value(v) => Ok(v.export()),
                            FunctionResult::ErrorMessage(m) => {
                                Err(server_message::classify(&m).into())
                            }
                            FunctionResult::ConvexError(e) => {
                                Err(server_message::classify(&e.message).into())
                            }
                        };
                        if outcome.is_ok() {
                            failures = 0;
                        }
                        if !emit(&tx, &mut last, outcome).await {
                            return;
                        }
                    }
                    // The socket client was closed (sign-out): open a new one.
                    None => {
                        failures += 1;
                        break;
                    }
                },
                _ = tick.tick(), if polling => {
                    let outcome = client.call(function, args.clone()).await;
                    if matches!(&outcome, Err(e) if e.is_transient()) {
                        // Offline: keep the last snapshot, try again next tick.
                        tracing::debug!("inbox poll failed; retrying");
                    } else if !emit(&tx, &mut last, outcome).await {
                        return;
                    }
                },
                // Connected or lost: look again (subscribe, or poll meanwhile).
                alive = state_changed(&mut connected) => {
                    if !alive {
                        // The socket client is gone (sign-out): start over.
                        failures += 1;
                        break;
                    }
                },
                () = tokio::time::sleep_until(retry_at), if websocket && socket.is_none() => {
                    failures += 1;
                    break;
                },
            }
        }
    }
}

async fn subscribe(
    convex: &mut ConvexClient,
    function: Function,
    args: &Map<String, Value>,
) -> Result<QuerySubscription> {
    let args = convex_args(args.clone())?;
    tokio::time::timeout(CONNECT_TIMEOUT, convex.subscribe(function.path, args))
        .await
        .map_err(|_| Error::Timeout)?
        .map_err(|e| Error::Network {
            message: format!("subscribe failed: {e}"),
        })
}
