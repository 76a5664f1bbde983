//! The live-query engine: one sync WebSocket and its query set, for the visitor streams and the
//! workspace inbox alike.
//!
//! One task owns the socket. It opens it (connect and handshake timeouts), sends `Connect` (one
//! `sessionId` for the engine's life, so the server can deduplicate re-sent requests),
//! `Authenticate` when an [`AuthSource`] is given, and `ModifyQuerySet` with every query; then it
//! applies `Transition`s, checking each `startVersion` against the version it holds, and hands
//! each query's latest result to its subscriber. It treats a socket that says nothing for the
//! inactivity timeout (no transition, no ping) as dead, sends WebSocket pings as keepalive, and
//! reconnects with backon's exponential backoff with jitter. `pause` closes the socket and keeps
//! it closed until `resume`.
//!
//! Nothing here logs a message's content: frames carry session tokens (query arguments) and
//! agent JWTs (`Authenticate`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use convex_sync_types::{
    types::SerializedArgs, AuthenticationToken, ClientMessage, Query, QueryId,
    QuerySetModification, ServerMessage, SessionId, StateModification, StateVersion, Timestamp,
    UdfPath,
};
use futures::future::BoxFuture;
use futures::{SinkExt, StreamExt};
use serde_json::{Map, Value};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::Instant;

use super::protocol::{decode, encode, Incoming};
use super::socket::{open, Socket, SocketConfig};
use super::ConnectionState;
use crate::secret::Secret;
use crate::task::TaskGuard;

/// The latest result of one query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum QueryEvent {
    /// The query's value (plain JSON).
    Value(Value),
    /// The query threw; the server's message.
    Failed(String),
}

/// Where the engine gets the token it authenticates the socket with (the agent's JWT).
/// `force` asks for a token that is not the one the server just refused.
pub(crate) type AuthSource = Arc<dyn Fn(bool) -> BoxFuture<'static, Option<Secret>> + Send + Sync>;

/// The engine's timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LiveTimeouts {
    /// A socket that delivers nothing (no transition, no ping frame) for this long is dead.
    pub(crate) inactivity: Duration,
    /// How often the client pings an otherwise quiet socket.
    pub(crate) keepalive: Duration,
}

impl Default for LiveTimeouts {
    fn default() -> Self {
        // The server pings every 5 s; the official Rust client gives up after 30 s of silence.
        Self {
            inactivity: Duration::from_secs(30),
            keepalive: Duration::from_secs(15),
        }
    }
}

enum Command {
    Subscribe {
        id: u32,
        path: String,
        args: Map<String, Value>,
        tx: watch::Sender<Option<QueryEvent>>,
    },
    Unsubscribe {
        id: u32,
    },
    Pause,
    Resume,
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    Reauthenticate,
}

/// A handle on the engine; the task stops when the last handle is dropped.
pub(crate) struct LiveEngine {
    commands: mpsc::UnboundedSender<Command>,
    next_id: AtomicU32,
    state: watch::Receiver<ConnectionState>,
    _task: TaskGuard,
}

impl std::fmt::Debug for LiveEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveEngine")
            .field("state", &*self.state.borrow())
            .finish_non_exhaustive()
    }
}

/// One query of the engine; dropping it removes the query from the socket's set.
pub(crate) struct Subscription {
    id: u32,
    commands: mpsc::UnboundedSender<Command>,
    rx: watch::Receiver<Option<QueryEvent>>,
}

impl Subscription {
    /// The next result (the latest, when several arrived meanwhile); None when the engine is gone.
    pub(crate) async fn next(&mut self) -> Option<QueryEvent> {
        loop {
            self.rx.changed().await.ok()?;
            if let Some(event) = self.rx.borrow_and_update().clone() {
                return Some(event);
            }
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Unsubscribe { id: self.id });
    }
}

impl LiveEngine {
    /// Starts the engine's task (it connects when the first query arrives). Needs a runtime.
    /// `state` and `transitions` are the owner's, so listeners that came before the engine
    /// see its changes.
    pub(crate) fn start(
        config: SocketConfig,
        timeouts: LiveTimeouts,
        auth: Option<AuthSource>,
        paused: bool,
        state_tx: watch::Sender<ConnectionState>,
        transitions: broadcast::Sender<ConnectionState>,
    ) -> Self {
        let (commands, rx) = mpsc::unbounded_channel();
        let state = state_tx.subscribe();
        let worker = Worker {
            config,
            timeouts,
            auth,
            commands: rx,
            queries: BTreeMap::new(),
            state: state_tx,
            transitions,
            paused,
            session_id: SessionId::new(
                uuid::Builder::from_random_bytes(rand::random()).into_uuid(),
            ),
            connection_count: 0,
            last_close_reason: "InitialConnect".into(),
            max_observed: None,
            ever_connected: false,
            force_token: false,
        };
        let task = tokio::spawn(worker.run());
        Self {
            commands,
            next_id: AtomicU32::new(0),
            state,
            _task: TaskGuard::new(task),
        }
    }

    /// Adds a query to the socket's set.
    pub(crate) fn subscribe(&self, path: &str, args: Map<String, Value>) -> Subscription {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = watch::channel(None);
        let _ = self.commands.send(Command::Subscribe {
            id,
            path: path.to_owned(),
            args,
            tx,
        });
        Subscription {
            id,
            commands: self.commands.clone(),
            rx,
        }
    }

    /// Closes the socket until [`resume`](Self::resume).
    pub(crate) fn pause(&self) {
        let _ = self.commands.send(Command::Pause);
    }

    /// Reconnects after [`pause`](Self::pause).
    pub(crate) fn resume(&self) {
        let _ = self.commands.send(Command::Resume);
    }

    /// Sends a fresh token on the open socket (before the current one expires).
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    pub(crate) fn reauthenticate(&self) {
        let _ = self.commands.send(Command::Reauthenticate);
    }
}

struct Entry {
    path: String,
    args: Map<String, Value>,
    tx: watch::Sender<Option<QueryEvent>>,
}

struct Worker {
    config: SocketConfig,
    timeouts: LiveTimeouts,
    auth: Option<AuthSource>,
    commands: mpsc::UnboundedReceiver<Command>,
    queries: BTreeMap<u32, Entry>,
    state: watch::Sender<ConnectionState>,
    transitions: broadcast::Sender<ConnectionState>,
    paused: bool,
    session_id: SessionId,
    connection_count: u32,
    last_close_reason: String,
    max_observed: Option<Timestamp>,
    ever_connected: bool,
    force_token: bool,
}

/// Why a connection ended.
enum End {
    /// Every handle is gone.
    Shutdown,
    /// Paused by the app.
    Paused,
    /// Lost; the reason is sent as `lastCloseReason` on the next `Connect`.
    Lost(String),
}

/// What one connection's state is.
struct Connection {
    socket: Socket,
    query_set: u32,
    identity: u32,
    remote: StateVersion,
    last_heard: Instant,
    last_sent: Instant,
    chunks: Vec<String>,
    healthy: bool,
}

impl Worker {
    fn set_state(&self, next: ConnectionState) {
        if *self.state.borrow() == next {
            return;
        }
        tracing::debug!(state = ?next, "live connection");
        self.state.send_replace(next);
        let _ = self.transitions.send(next);
    }

    /// A command while no socket is open.
    fn offline(&mut self, command: Command) {
        match command {
            Command::Subscribe { id, path, args, tx } => {
                self.queries.insert(id, Entry { path, args, tx });
            }
            Command::Unsubscribe { id } => {
                self.queries.remove(&id);
            }
            Command::Pause => self.paused = true,
            Command::Resume => self.paused = false,
            Command::Reauthenticate => {}
        }
    }

    async fn run(mut self) {
        let mut backoff = crate::backoff::reconnect();
        loop {
            // Closed while paused or while nobody watches: wait for a reason to connect.
            while self.paused || self.queries.is_empty() {
                if self.paused {
                    self.set_state(ConnectionState::Disconnected);
                }
                match self.commands.recv().await {
                    Some(command) => self.offline(command),
                    None => return,
                }
            }
            if self.connection_count == 0 && !self.ever_connected {
                self.set_state(ConnectionState::Connecting);
            }
            let end = match self.connect().await {
                Ok(socket) => self.session(socket, &mut backoff).await,
                Err(end) => end,
            };
            match end {
                End::Shutdown => return,
                End::Paused => {
                    self.last_close_reason = "Paused".into();
                    continue;
                }
                End::Lost(reason) => {
                    tracing::debug!(%reason, "live connection lost");
                    self.connection_count = self.connection_count.saturating_add(1);
                    self.last_close_reason = reason;
                    // Lost, or never opened: either way the streams poll meanwhile.
                    self.set_state(ConnectionState::Disconnected);
                }
            }
            let delay = backoff.next().unwrap_or(crate::backoff::RECONNECT_MAX);
            let sleep = tokio::time::sleep(delay);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    () = &mut sleep => break,
                    command = self.commands.recv() => match command {
                        None => return,
                        Some(Command::Resume) => break,
                        Some(command) => {
                            self.offline(command);
                            if self.paused { break; }
                        }
                    },
                }
            }
        }
    }

    /// Opens a socket, taking commands meanwhile.
    async fn connect(&mut self) -> Result<Socket, End> {
        let config = self.config.clone();
        let opening = open(&config);
        tokio::pin!(opening);
        loop {
            tokio::select! {
                result = &mut opening => {
                    return result.map_err(|e| End::Lost(e.to_string()));
                }
                command = self.commands.recv() => match command {
                    None => return Err(End::Shutdown),
                    Some(command) => {
                        self.offline(command);
                        if self.paused { return Err(End::Paused); }
                    }
                },
            }
        }
    }

    async fn session(&mut self, socket: Socket, backoff: &mut backon::ExponentialBackoff) -> End {
        let now = Instant::now();
        let mut conn = Connection {
            socket,
            query_set: 0,
            identity: 0,
            remote: StateVersion::initial(),
            last_heard: now,
            last_sent: now,
            chunks: Vec::new(),
            healthy: false,
        };
        if let Err(end) = self.greet(&mut conn).await {
            return end;
        }
        let mut ticker = tokio::time::interval(self.tick_every());
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                frame = conn.socket.next() => {
                    let message = match frame {
                        None => return End::Lost("ServerClosed".into()),
                        Some(Err(e)) => return End::Lost(format!("WebSocketError: {e}")),
                        Some(Ok(message)) => message,
                    };
                    conn.last_heard = Instant::now();
                    if message.is_ping() {
                        // The pong is queued by the library; send it now.
                        if conn.socket.flush().await.is_err() {
                            return End::Lost("WebSocketError: flush".into());
                        }
                        continue;
                    }
                    if message.is_close() {
                        let reason = message.as_close().map(|(_, r)| r.to_owned()).unwrap_or_default();
                        return End::Lost(if reason.is_empty() { "ServerClosed".into() } else { reason });
                    }
                    let Some(text) = message.as_text() else { continue };
                    let incoming = match decode(text) {
                        Ok(incoming) => incoming,
                        Err(e) => return End::Lost(format!("ProtocolError: {e}")),
                    };
                    if let Err(end) = self.incoming(&mut conn, incoming, backoff).await {
                        return end;
                    }
                }
                command = self.commands.recv() => {
                    let Some(command) = command else { return End::Shutdown };
                    if let Err(end) = self.command(&mut conn, command).await {
                        return end;
                    }
                }
                _ = ticker.tick() => {
                    if conn.last_heard.elapsed() >= self.timeouts.inactivity {
                        return End::Lost("InactiveServer".into());
                    }
                    if conn.last_sent.elapsed() >= self.timeouts.keepalive {
                        let ping = tokio_websockets::Message::ping(Vec::<u8>::new());
                        if conn.socket.send(ping).await.is_err() {
                            return End::Lost("WebSocketError: ping".into());
                        }
                        conn.last_sent = Instant::now();
                    }
                }
            }
        }
    }

    fn tick_every(&self) -> Duration {
        (self.timeouts.inactivity / 4)
            .min(self.timeouts.keepalive)
            .max(Duration::from_millis(10))
    }

    async fn send(&self, conn: &mut Connection, message: ClientMessage) -> Result<(), End> {
        let text = encode(message).map_err(|e| End::Lost(format!("EncodeError: {e}")))?;
        conn.socket
            .send(tokio_websockets::Message::text(text))
            .await
            .map_err(|e| End::Lost(format!("WebSocketError: {e}")))?;
        conn.last_sent = Instant::now();
        Ok(())
    }

    /// `Connect`, `Authenticate` (with a token source), then every query.
    async fn greet(&mut self, conn: &mut Connection) -> Result<(), End> {
        let connect = ClientMessage::Connect {
            session_id: self.session_id,
            connection_count: self.connection_count,
            last_close_reason: self.last_close_reason.clone(),
            max_observed_timestamp: self.max_observed,
            client_ts: Some(now_ms()),
        };
        self.send(conn, connect).await?;
        let force = std::mem::take(&mut self.force_token);
        if let Some(auth) = &self.auth {
            if let Some(token) = auth(force).await {
                let message = ClientMessage::Authenticate {
                    base_version: 0,
                    token: AuthenticationToken::User(token.expose().to_owned()),
                };
                self.send(conn, message).await?;
                conn.identity = 1;
            }
        }
        let modifications = self
            .queries
            .iter()
            .map(|(id, entry)| add(*id, entry))
            .collect::<Result<Vec<_>, End>>()?;
        if !modifications.is_empty() {
            self.modify(conn, modifications).await?;
        }
        Ok(())
    }

    async fn modify(
        &self,
        conn: &mut Connection,
        modifications: Vec<QuerySetModification>,
    ) -> Result<(), End> {
        let message = ClientMessage::ModifyQuerySet {
            base_version: conn.query_set,
            new_version: conn.query_set + 1,
            modifications,
        };
        self.send(conn, message).await?;
        conn.query_set += 1;
        Ok(())
    }

    async fn command(&mut self, conn: &mut Connection, command: Command) -> Result<(), End> {
        match command {
            Command::Subscribe { id, path, args, tx } => {
                let entry = Entry { path, args, tx };
                let modification = add(id, &entry)?;
                self.queries.insert(id, entry);
                self.modify(conn, vec![modification]).await
            }
            Command::Unsubscribe { id } => {
                if self.queries.remove(&id).is_none() {
                    return Ok(());
                }
                let query_id = QueryId::new(id);
                self.modify(conn, vec![QuerySetModification::Remove { query_id }])
                    .await
            }
            Command::Pause => {
                self.paused = true;
                let _ = conn.socket.close().await;
                Err(End::Paused)
            }
            Command::Resume => Ok(()),
            Command::Reauthenticate => {
                let Some(auth) = &self.auth else {
                    return Ok(());
                };
                let Some(token) = auth(false).await else {
                    return Ok(());
                };
                let message = ClientMessage::Authenticate {
                    base_version: conn.identity,
                    token: AuthenticationToken::User(token.expose().to_owned()),
                };
                self.send(conn, message).await?;
                conn.identity += 1;
                Ok(())
            }
        }
    }

    async fn incoming(
        &mut self,
        conn: &mut Connection,
        message: Incoming,
        backoff: &mut backon::ExponentialBackoff,
    ) -> Result<(), End> {
        match message {
            ServerMessage::Transition {
                start_version,
                end_version,
                modifications,
                ..
            } => {
                if start_version != conn.remote {
                    return Err(End::Lost("StartVersionMismatch".into()));
                }
                conn.remote = end_version;
                self.max_observed = Some(end_version.ts);
                for modification in modifications {
                    match modification {
                        StateModification::QueryUpdated {
                            query_id, value, ..
                        } => self.deliver(query_id, QueryEvent::Value(value.0)),
                        StateModification::QueryFailed {
                            query_id,
                            error_message,
                            ..
                        } => self.deliver(query_id, QueryEvent::Failed(error_message)),
                        StateModification::QueryRemoved { .. } => {}
                    }
                }
                if !conn.healthy {
                    conn.healthy = true;
                    self.ever_connected = true;
                    *backoff = crate::backoff::reconnect();
                    self.set_state(ConnectionState::Connected);
                }
                Ok(())
            }
            ServerMessage::TransitionChunk {
                chunk,
                part_number,
                total_parts,
                ..
            } => {
                if part_number as usize != conn.chunks.len() {
                    return Err(End::Lost("TransitionChunkOutOfOrder".into()));
                }
                conn.chunks.push(chunk);
                if conn.chunks.len() < total_parts as usize {
                    return Ok(());
                }
                let whole = std::mem::take(&mut conn.chunks).concat();
                let message =
                    decode(&whole).map_err(|e| End::Lost(format!("ProtocolError: {e}")))?;
                if matches!(message, ServerMessage::TransitionChunk { .. }) {
                    return Err(End::Lost("NestedTransitionChunk".into()));
                }
                Box::pin(self.incoming(conn, message, backoff)).await
            }
            ServerMessage::AuthError { .. } => {
                // The server closes the socket after this; the next connection asks for a
                // fresh token.
                self.force_token = true;
                Err(End::Lost("AuthError".into()))
            }
            ServerMessage::FatalError { .. } => Err(End::Lost("FatalError".into())),
            ServerMessage::Ping
            | ServerMessage::MutationResponse { .. }
            | ServerMessage::ActionResponse { .. } => Ok(()),
        }
    }

    fn deliver(&self, query_id: QueryId, event: QueryEvent) {
        if let Some(entry) = self.queries.get(&query_id.get_id()) {
            entry.tx.send_replace(Some(event));
        }
    }
}

fn add(id: u32, entry: &Entry) -> Result<QuerySetModification, End> {
    let udf_path: UdfPath = entry
        .path
        .parse()
        .map_err(|_| End::Lost("InvalidFunctionPath".into()))?;
    let args = SerializedArgs::from_args(vec![Value::Object(entry.args.clone())])
        .map_err(|e| End::Lost(format!("EncodeError: {e}")))?;
    Ok(QuerySetModification::Add(Query {
        query_id: QueryId::new(id),
        udf_path,
        args,
        journal: None,
        component_path: None,
    }))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
