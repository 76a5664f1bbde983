//! The Convex WebSocket sync protocol on `GET /api/sync` (and `/api/{client_version}/sync`): the
//! subset the official `convex` crate (0.10.4) speaks.
//!
//! Per connection the mock keeps the client's query set (query id → path, args, last result),
//! the query-set and identity versions, and the last `StateVersion` it sent. It handles
//! `Connect` (no-op), `Authenticate` (checks `baseVersion`, bumps the identity version),
//! `ModifyQuerySet` (checks `baseVersion`, adds and removes queries), `Mutation` and `Action`
//! (run through the same registry as HTTP) and ignores `Event`. Every answer that changes the
//! client's state is a `Transition` whose `startVersion` is exactly the version sent last.
//!
//! Timestamps are the mock's commit timestamps: nanoseconds, monotonic, bumped by every
//! successful mutation or action (see [`SyncHub::advance_ts`]). After any state change every
//! connection re-runs its queries and sends a `Transition` with the results that changed; a
//! `Transition` always follows a `MutationResponse`, also after a failed mutation (the
//! `convex` crate waits for one). An idle connection gets `{"type":"Ping"}` every 10 s, and
//! every connection a WebSocket ping frame every [`DEFAULT_PING_INTERVAL`] (configurable).
//!
//! As Convex: a mutation is recorded under the `Connect` message's `sessionId` and its
//! `requestId` when it succeeds, and the same pair sent again (a client re-sending after a
//! lost `MutationResponse`, across reconnects) gets the recorded result and commit timestamp
//! without running again. Transitions carry `clientClockSkew` (the `Connect`'s `clientTs`
//! minus the server's wall clock at that moment, in ms) and `serverTs` (the wall clock when
//! sent, ns). The client version in `/api/{client_version}/sync` (or the `Convex-Client`
//! header) must be a version Convex accepts, and a `Connect` whose `maxObservedTimestamp` is
//! ahead of the mock's latest commit is refused.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use convex_sync_types::{
    AuthenticationToken, ClientMessage, ErrorPayload, LogLinesMessage, QueryId,
    QuerySetModification, ServerMessage, StateModification, StateVersion, Timestamp,
};
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::calls::{CallOutcome, HttpVersion, Transport};
use crate::convex::{
    args_object, check_client_version, check_path_client_version, normalize_path, Endpoint,
    FnError, Rejection,
};
use crate::functions::auth::{jwt_expiry_ms, verify_jwt, Identity, AUTH_ERROR};
use crate::server::{json_response, ConnectionKill, Shared};
use crate::util::{js_numbers, lock};

/// A connection that sent nothing for this long gets a protocol `Ping`.
pub(crate) const PING_AFTER: Duration = Duration::from_secs(10);

/// The default interval of WebSocket ping frames on every sync socket: Convex's
/// `HEARTBEAT_INTERVAL` (5 s).
pub(crate) const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(5);

/// The largest timestamp the protocol accepts (`i64::MAX`).
const MAX_TS: u64 = i64::MAX as u64;

/// Shared state of the sync endpoint: whether upgrades are accepted, the open connections, the
/// commit timestamp, and the signals that make connections re-run their queries or drop.
pub(crate) struct SyncHub {
    enabled: AtomicBool,
    open: AtomicUsize,
    /// The latest commit timestamp (ns).
    ts: AtomicU64,
    /// Bumped after every state change: connections re-run their queries.
    changes: watch::Sender<u64>,
    /// Bumped to drop every open connection.
    kill: watch::Sender<u64>,
    /// While true, upgrade requests are never answered.
    hang_upgrades: watch::Sender<bool>,
    /// While true, open sockets send nothing (and read nothing).
    stalled: watch::Sender<bool>,
    /// Armed "drop the socket instead of the `MutationResponse`" faults: a path filter each
    /// (`None` matches every mutation).
    drop_mutation_responses: Mutex<Vec<Option<String>>>,
    /// The interval of WebSocket ping frames.
    ping_interval: Duration,
}

/// A timestamp as the protocol and `/api/query_ts` encode it: base64 of 8 little-endian bytes.
pub(crate) fn encode_ts(ts: u64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(ts.to_le_bytes())
}

/// The wall clock (not the mock clock) in milliseconds since the epoch, for `clientClockSkew`
/// and `serverTs`: the client compares them with its own wall clock.
fn wall_clock_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The wall clock as a protocol timestamp (ns).
fn wall_clock_ts() -> Option<Timestamp> {
    let ns = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(MAX_TS));
    Timestamp::try_from(ns.min(MAX_TS)).ok()
}

/// Epoch milliseconds → nanoseconds, clamped to the protocol's range.
fn ms_to_ns(ms: f64) -> u64 {
    if ms.is_nan() || ms <= 0.0 {
        0
    } else {
        let ns = ms * 1_000_000.0;
        if ns >= MAX_TS as f64 {
            MAX_TS
        } else {
            ns as u64
        }
    }
}

impl SyncHub {
    pub(crate) fn new(now_ms: f64, ping_interval: Duration) -> Self {
        Self {
            enabled: AtomicBool::new(true),
            open: AtomicUsize::new(0),
            ts: AtomicU64::new(ms_to_ns(now_ms)),
            changes: watch::channel(0).0,
            kill: watch::channel(0).0,
            hang_upgrades: watch::channel(false).0,
            stalled: watch::channel(false).0,
            drop_mutation_responses: Mutex::new(Vec::new()),
            ping_interval: ping_interval.max(Duration::from_millis(1)),
        }
    }

    /// Hangs (`true`) or answers (`false`) upgrade requests; turning it off cuts the
    /// connections of the hung ones.
    pub(crate) fn set_hang_upgrades(&self, hang: bool) {
        self.hang_upgrades.send_replace(hang);
    }

    pub(crate) fn hanging_upgrades(&self) -> bool {
        *self.hang_upgrades.borrow()
    }

    /// Stalls (`true`) or resumes (`false`) every sync socket, open or new.
    pub(crate) fn set_stalled(&self, stalled: bool) {
        self.stalled.send_replace(stalled);
    }

    pub(crate) fn stalled(&self) -> bool {
        *self.stalled.borrow()
    }

    /// Arms a fault: the next socket mutation (of `path`, when given) runs, then its socket is
    /// dropped instead of sending the `MutationResponse`.
    pub(crate) fn drop_next_mutation_response(&self, path: Option<&str>) {
        lock(&self.drop_mutation_responses).push(path.map(normalize_path));
    }

    /// The armed drop-response faults not yet consumed.
    pub(crate) fn pending_mutation_response_drops(&self) -> usize {
        lock(&self.drop_mutation_responses).len()
    }

    /// Consumes the first armed drop-response fault matching `path`.
    fn take_mutation_response_drop(&self, path: &str) -> bool {
        let mut armed = lock(&self.drop_mutation_responses);
        match armed
            .iter()
            .position(|p| p.as_deref().is_none_or(|p| p == path))
        {
            Some(index) => {
                armed.remove(index);
                true
            }
            None => false,
        }
    }

    pub(crate) fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::SeqCst);
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled.load(Ordering::SeqCst)
    }

    /// The number of open sync sockets.
    pub(crate) fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Closes every open sync socket abruptly (no close frame).
    pub(crate) fn drop_all(&self) {
        self.kill.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The latest commit timestamp.
    pub(crate) fn current_ts(&self) -> u64 {
        self.ts.load(Ordering::SeqCst)
    }

    /// Commits a new timestamp: strictly after the previous one and not before `now_ms`.
    /// Called with the database locked, so a reader that holds the lock sees data and
    /// timestamp together.
    pub(crate) fn advance_ts(&self, now_ms: f64) -> u64 {
        let floor = ms_to_ns(now_ms);
        let next = |prev: u64| prev.saturating_add(1).max(floor).min(MAX_TS);
        let prev = self
            .ts
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |prev| Some(next(prev)))
            .unwrap_or_else(|prev| prev);
        next(prev)
    }

    /// Tells every connection to re-run its queries.
    pub(crate) fn notify(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// `GET /api/sync`.
pub(crate) async fn sync_route(
    State(shared): State<Arc<Shared>>,
    kill: Option<Extension<ConnectionKill>>,
    version: Version,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    sync_upgrade(shared, kill, version, &headers, None, upgrade).await
}

/// `GET /api/{client_version}/sync` (how the JS client connects: the npm version in the URL).
pub(crate) async fn sync_route_versioned(
    State(shared): State<Arc<Shared>>,
    Path(client_version): Path<String>,
    kill: Option<Extension<ConnectionKill>>,
    version: Version,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    sync_upgrade(
        shared,
        kill,
        version,
        &headers,
        Some(&client_version),
        upgrade,
    )
    .await
}

/// Checks the client version as Convex does: the `Convex-Client` header when present, else
/// the version in the URL (an npm client's).
fn check_sync_client_version(
    headers: &HeaderMap,
    path_version: Option<&str>,
) -> Result<(), Rejection> {
    if let Some(value) = headers.get("convex-client") {
        return check_client_version(value.to_str().unwrap_or_default());
    }
    match path_version {
        Some(version) => check_path_client_version(version),
        None => Ok(()),
    }
}

async fn sync_upgrade(
    shared: Arc<Shared>,
    kill: Option<Extension<ConnectionKill>>,
    version: Version,
    headers: &HeaderMap,
    path_version: Option<&str>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if shared.sync.hanging_upgrades() {
        // Never answer; once hanging is turned off, cut the connection.
        let mut hang = shared.sync.hang_upgrades.subscribe();
        let _ = hang.wait_for(|hang| !*hang).await;
        if let Some(Extension(ConnectionKill(notify))) = kill {
            notify.notify_one();
            return std::future::pending::<Response>().await;
        }
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    if !shared.sync.enabled() {
        return json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({
                "code": "WebSocketsDisabled",
                "message": "WebSocket connections are turned off on this server (server-mock)",
            }),
        );
    }
    if let Err(rejection) = check_sync_client_version(headers, path_version) {
        return json_response(rejection.status, &rejection.body());
    }
    let http_version = HttpVersion::of(version);
    match upgrade {
        Ok(upgrade) => upgrade
            .on_upgrade(move |socket| Connection::new(shared, socket, http_version).run())
            .into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

/// Counts an open connection for as long as it lives.
struct OpenGuard(Arc<Shared>);

impl OpenGuard {
    fn new(shared: Arc<Shared>) -> Self {
        shared.sync.open.fetch_add(1, Ordering::SeqCst);
        Self(shared)
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.sync.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The last result sent for a query. Errors compare by their text without the request id,
/// so re-running a failing query does not count as a change.
#[derive(Clone, Debug)]
enum Outcome {
    Value(Value),
    Error { detail: String, message: String },
}

impl Outcome {
    fn same_as(&self, other: &Outcome) -> bool {
        match (self, other) {
            (Self::Value(a), Self::Value(b)) => a == b,
            (Self::Error { detail: a, .. }, Self::Error { detail: b, .. }) => a == b,
            _ => false,
        }
    }
}

struct Subscription {
    path: String,
    args: Value,
    last: Option<Outcome>,
}

/// Why a connection's loop stops.
enum Stop {
    /// The peer closed the socket, or sending failed.
    Closed,
    /// `drop_ws_connections`: drop the socket without a close frame.
    Killed,
    /// A protocol violation: `FatalError`, then a close frame.
    Fatal(String),
}

enum Event {
    Incoming(Option<Result<Message, axum::Error>>),
    Changed(bool),
    Killed,
    Idle,
    PingFrame,
    /// `stall_ws` was switched: check it again.
    Stall,
}

struct Connection {
    shared: Arc<Shared>,
    socket: WebSocket,
    query_set: u32,
    identity: u32,
    /// The agent identity of the last accepted `Authenticate` (`None`: anonymous).
    auth: Option<Identity>,
    /// When that identity's JWT expires (ms on the mock clock): past it, the next transition is
    /// an `AuthError` and the socket closes, as Convex does, and the client must re-authenticate.
    auth_expires_ms: Option<f64>,
    /// The `endVersion` of the last `Transition` sent (the client's current version).
    version: StateVersion,
    queries: BTreeMap<u32, Subscription>,
    last_sent: Instant,
    /// The HTTP version of the upgrade request (for the call log).
    http_version: HttpVersion,
    /// The `sessionId` of the client's `Connect` (mutations are deduplicated under it).
    session_id: Option<String>,
    /// The `Connect`'s `clientTs` minus the wall clock then (ms), as Convex computes it.
    client_clock_skew: Option<i64>,
    stalled: watch::Receiver<bool>,
    kill: watch::Receiver<u64>,
}

/// Decodes the `args` of a sync message: convex-encoded JSON, `[{…}]`.
fn parse_args(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or(Value::Null)
}

/// The argument object to record for a call made over the socket.
fn recorded_args(args: &Value) -> Value {
    args_object(args).map_or_else(|_| args.clone(), Value::Object)
}

fn no_log_lines() -> LogLinesMessage {
    LogLinesMessage(Vec::new())
}

impl Connection {
    fn new(shared: Arc<Shared>, socket: WebSocket, http_version: HttpVersion) -> Self {
        let stalled = shared.sync.stalled.subscribe();
        let kill = shared.sync.kill.subscribe();
        Self {
            http_version,
            session_id: None,
            client_clock_skew: None,
            stalled,
            kill,
            shared,
            socket,
            query_set: 0,
            identity: 0,
            auth: None,
            auth_expires_ms: None,
            version: StateVersion::initial(),
            queries: BTreeMap::new(),
            last_sent: Instant::now(),
        }
    }

    async fn run(mut self) {
        let _open = OpenGuard::new(self.shared.clone());
        let mut changes = self.shared.sync.changes.subscribe();
        let mut moves = self.shared.clock.moves();
        let interval = self.shared.sync.ping_interval;
        let mut ping_frames = tokio::time::interval_at(Instant::now() + interval, interval);
        ping_frames.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // A stalled socket reads nothing and sends nothing until resumed (or dropped).
            if self.wait_unstalled().await.is_err() {
                return;
            }
            let ping_at = self.last_sent + PING_AFTER;
            let event = tokio::select! {
                incoming = self.socket.recv() => Event::Incoming(incoming),
                changed = changes.changed() => Event::Changed(changed.is_ok()),
                changed = moves.changed() => Event::Changed(changed.is_ok()),
                _ = self.kill.changed() => Event::Killed,
                _ = self.stalled.changed() => Event::Stall,
                () = tokio::time::sleep_until(ping_at) => Event::Idle,
                _ = ping_frames.tick() => Event::PingFrame,
            };
            let step = match event {
                Event::Incoming(Some(Ok(Message::Text(text)))) => {
                    self.handle(text.as_str(), &mut changes).await
                }
                Event::Incoming(Some(Ok(Message::Binary(_)))) => Err(Stop::Fatal(
                    "Binary messages are not part of the sync protocol".into(),
                )),
                Event::Incoming(Some(Ok(Message::Close(_))) | Some(Err(_)) | None) => {
                    Err(Stop::Closed)
                }
                // Ping/Pong frames are answered by the WebSocket layer.
                Event::Incoming(Some(Ok(_))) => Ok(()),
                Event::Changed(true) => self.refresh(false, Vec::new()).await,
                Event::Changed(false) | Event::Killed => Err(Stop::Killed),
                Event::Idle => self.send(ServerMessage::Ping).await,
                Event::PingFrame => self.send_frame(Message::Ping(Default::default())).await,
                Event::Stall => Ok(()),
            };
            match step {
                Ok(()) => {}
                Err(Stop::Closed) | Err(Stop::Killed) => return,
                Err(Stop::Fatal(error_message)) => {
                    tracing::warn!(%error_message, "sync protocol error; closing the socket");
                    let _ = self
                        .send(ServerMessage::FatalError {
                            error_message: error_message.clone(),
                        })
                        .await;
                    // Close reasons are limited to 123 bytes.
                    let reason: String = error_message
                        .char_indices()
                        .take_while(|(i, c)| i + c.len_utf8() <= 123)
                        .map(|(_, c)| c)
                        .collect();
                    let _ = self
                        .send_frame(Message::Close(Some(CloseFrame {
                            code: 1011,
                            reason: reason.into(),
                        })))
                        .await;
                    return;
                }
            }
        }
    }

    /// Waits while the sockets are stalled; `Err` when the socket is dropped meanwhile.
    async fn wait_unstalled(&mut self) -> Result<(), Stop> {
        if !*self.stalled.borrow_and_update() {
            return Ok(());
        }
        tokio::select! {
            resumed = self.stalled.wait_for(|stalled| !*stalled) => {
                resumed.map(|_| ()).map_err(|_| Stop::Killed)
            }
            _ = self.kill.changed() => Err(Stop::Killed),
        }
    }

    /// Sends one frame (after any stall).
    async fn send_frame(&mut self, frame: Message) -> Result<(), Stop> {
        self.wait_unstalled().await?;
        self.socket.send(frame).await.map_err(|_| Stop::Closed)
    }

    async fn send(&mut self, mut message: ServerMessage<Value>) -> Result<(), Stop> {
        // As Convex: the wall clock when the message leaves (`inject_server_ts`).
        self.wait_unstalled().await?;
        if let Some(ts) = wall_clock_ts() {
            message.inject_server_ts(ts);
        }
        let json: Value = message.into();
        self.send_frame(Message::Text(json.to_string().into()))
            .await?;
        self.last_sent = Instant::now();
        Ok(())
    }

    async fn handle(&mut self, text: &str, changes: &mut watch::Receiver<u64>) -> Result<(), Stop> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| Stop::Fatal(format!("Invalid JSON message: {e}")))?;
        let message = ClientMessage::try_from(json)
            .map_err(|e| Stop::Fatal(format!("Invalid client message: {e}")))?;
        match message {
            ClientMessage::Connect {
                session_id,
                max_observed_timestamp,
                client_ts,
                ..
            } => {
                if let Some(client_ts) = client_ts {
                    let client_ts = i64::try_from(client_ts).unwrap_or(i64::MAX);
                    self.client_clock_skew = Some(client_ts.saturating_sub(wall_clock_ms()));
                }
                self.session_id = Some(session_id.to_string());
                let latest = self.shared.sync.current_ts();
                match max_observed_timestamp {
                    Some(observed) if u64::from(observed) > latest => Err(Stop::Fatal(format!(
                        "Client has observed a timestamp {:?} ahead of the backend latest \
                         known timestamp {:?}",
                        u64::from(observed),
                        latest
                    ))),
                    _ => Ok(()),
                }
            }
            ClientMessage::Event(_) => Ok(()),
            ClientMessage::Authenticate {
                base_version,
                token,
            } => {
                if base_version != self.identity {
                    return Err(Stop::Fatal(format!(
                        "Base identity version {base_version} does not match the server's \
                         identity version {}",
                        self.identity
                    )));
                }
                self.auth_expires_ms = None;
                self.auth = match token {
                    AuthenticationToken::User(jwt) => {
                        let now = self.shared.clock.now_ms();
                        match verify_jwt(&self.shared.jwt_key, &jwt, now) {
                            Some(identity) => {
                                self.auth_expires_ms = jwt_expiry_ms(&jwt);
                                Some(identity)
                            }
                            None => {
                                // As Convex: `AuthError`, then the socket closes.
                                let _ = self
                                    .send(ServerMessage::AuthError {
                                        error_message: AUTH_ERROR.into(),
                                        base_version: Some(base_version),
                                        auth_update_attempted: Some(true),
                                    })
                                    .await;
                                return Err(Stop::Closed);
                            }
                        }
                    }
                    AuthenticationToken::Admin(..) | AuthenticationToken::None => None,
                };
                self.identity += 1;
                self.refresh(true, Vec::new()).await
            }
            ClientMessage::ModifyQuerySet {
                base_version,
                new_version,
                modifications,
            } => {
                if base_version != self.query_set {
                    return Err(Stop::Fatal(format!(
                        "Base query set version {base_version} does not match the server's \
                         query set version {}",
                        self.query_set
                    )));
                }
                if new_version <= base_version {
                    return Err(Stop::Fatal(format!(
                        "New query set version {new_version} is not after {base_version}"
                    )));
                }
                self.query_set = new_version;
                let mut removed = Vec::new();
                for modification in modifications {
                    match modification {
                        QuerySetModification::Add(query) => {
                            self.queries.insert(
                                query.query_id.get_id(),
                                Subscription {
                                    path: normalize_path(&String::from(query.udf_path)),
                                    args: parse_args(query.args.get()),
                                    last: None,
                                },
                            );
                        }
                        QuerySetModification::Remove { query_id } => {
                            if self.queries.remove(&query_id.get_id()).is_some() {
                                removed.push(StateModification::QueryRemoved { query_id });
                            }
                        }
                    }
                }
                self.refresh(true, removed).await
            }
            ClientMessage::Mutation {
                request_id,
                udf_path,
                args,
                ..
            } => {
                let path = normalize_path(&String::from(udf_path));
                let args = parse_args(args.get());
                let (result, ts) = self.call(Endpoint::Mutation, Some(request_id), &path, &args);
                if self.shared.sync.take_mutation_response_drop(&path) {
                    // The fault: the mutation ran (and is recorded for its session), but the
                    // response is lost with the socket.
                    return Err(Stop::Killed);
                }
                let (result, ts) = match result {
                    Ok(value) => (Ok(js_numbers(value)), Timestamp::try_from(ts).ok()),
                    Err(message) => (Err(ErrorPayload::Message(message)), None),
                };
                self.send(ServerMessage::MutationResponse {
                    request_id,
                    result,
                    ts,
                    log_lines: no_log_lines(),
                })
                .await?;
                // This connection's own re-run happens now (a Transition must follow the
                // response); later changes still wake it up.
                changes.borrow_and_update();
                self.refresh(true, Vec::new()).await
            }
            ClientMessage::Action {
                request_id,
                udf_path,
                args,
                ..
            } => {
                let path = normalize_path(&String::from(udf_path));
                let args = parse_args(args.get());
                let (result, _) = self.call(Endpoint::Action, None, &path, &args);
                let result = match result {
                    Ok(value) => Ok(js_numbers(value)),
                    Err(message) => Err(ErrorPayload::Message(message)),
                };
                self.send(ServerMessage::ActionResponse {
                    request_id,
                    result,
                    log_lines: no_log_lines(),
                })
                .await?;
                changes.borrow_and_update();
                self.refresh(false, Vec::new()).await
            }
        }
    }

    /// Runs a mutation or action sent over the socket and records it. An error comes back as
    /// the `errorMessage` to send (the one recorded). A mutation (`request_id` given) whose
    /// session already committed it is answered from the session record.
    fn call(
        &self,
        endpoint: Endpoint,
        request_id: Option<u32>,
        path: &str,
        args: &Value,
    ) -> (Result<Value, String>, u64) {
        let session = self.session_id.as_deref().zip(request_id);
        let outcome = self
            .shared
            .run_in_session(endpoint, session, path, args, self.auth.as_ref());
        let result = outcome
            .result
            .map_err(|error| self.shared.error_message(&error));
        let recorded = match &result {
            Ok(_) => CallOutcome::Success,
            Err(message) => CallOutcome::FunctionError(message.clone()),
        };
        self.shared.record(
            Transport::WebSocket,
            self.http_version,
            endpoint.name(),
            path,
            recorded_args(args),
            recorded,
        );
        (result, outcome.ts)
    }

    /// Re-runs every query and sends a `Transition` with the results that changed (always,
    /// when `force`d or when `modifications` is not empty).
    async fn refresh(
        &mut self,
        force: bool,
        mut modifications: Vec<StateModification<Value>>,
    ) -> Result<(), Stop> {
        if self
            .auth_expires_ms
            .is_some_and(|exp| self.shared.clock.now_ms() >= exp)
        {
            let _ = self
                .send(ServerMessage::AuthError {
                    error_message: AUTH_ERROR.into(),
                    base_version: Some(self.identity),
                    auth_update_attempted: Some(false),
                })
                .await;
            return Err(Stop::Closed);
        }
        let requests: Vec<(u32, String, Value)> = self
            .queries
            .iter()
            .map(|(id, sub)| (*id, sub.path.clone(), sub.args.clone()))
            .collect();
        let redact = self.shared.redacting();
        let (ts, results) = self.shared.run_queries(
            requests.iter().map(|(_, path, args)| (path.as_str(), args)),
            self.auth.as_ref(),
        );
        for ((id, path, args), result) in requests.iter().zip(results) {
            let Some(sub) = self.queries.get_mut(id) else {
                continue;
            };
            let outcome = match result {
                Ok(value) => Outcome::Value(js_numbers(value)),
                Err(error) => outcome_for_error(&error, sub.last.as_ref(), redact),
            };
            if sub.last.is_none() {
                let recorded = match &outcome {
                    Outcome::Value(_) => CallOutcome::Success,
                    Outcome::Error { message, .. } => CallOutcome::FunctionError(message.clone()),
                };
                self.shared.record(
                    Transport::WebSocket,
                    self.http_version,
                    Endpoint::Query.name(),
                    path,
                    recorded_args(args),
                    recorded,
                );
            }
            if sub.last.as_ref().is_some_and(|last| last.same_as(&outcome)) {
                continue;
            }
            let query_id = QueryId::new(*id);
            modifications.push(match &outcome {
                Outcome::Value(value) => StateModification::QueryUpdated {
                    query_id,
                    value: value.clone(),
                    log_lines: no_log_lines(),
                    journal: None,
                },
                Outcome::Error { message, .. } => StateModification::QueryFailed {
                    query_id,
                    error_message: message.clone(),
                    log_lines: no_log_lines(),
                    journal: None,
                    error_data: None,
                },
            });
            sub.last = Some(outcome);
        }
        if modifications.is_empty() && !force {
            return Ok(());
        }
        let ts = ts.max(u64::from(self.version.ts));
        let end = StateVersion {
            query_set: self.query_set,
            identity: self.identity,
            ts: Timestamp::try_from(ts).unwrap_or(self.version.ts),
        };
        let start = self.version;
        self.send(ServerMessage::Transition {
            start_version: start,
            end_version: end,
            modifications,
            client_clock_skew: self.client_clock_skew,
            // Set by `send`, as Convex sets it when the message leaves.
            server_ts: None,
        })
        .await?;
        self.version = end;
        Ok(())
    }
}

/// The outcome of a failed query, reusing the previous message (and its request id) when the
/// error is the same as last time.
fn outcome_for_error(error: &FnError, last: Option<&Outcome>, redact: bool) -> Outcome {
    // Redacted and plain errors never count as the same, so switching modes resends them.
    let detail = if redact {
        format!("(redacted) {}", error.detail())
    } else {
        error.detail()
    };
    match last {
        Some(Outcome::Error {
            detail: last_detail,
            message,
        }) if *last_detail == detail => Outcome::Error {
            detail,
            message: message.clone(),
        },
        _ => Outcome::Error {
            message: error.error_message_for(redact),
            detail,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_monotonic_and_follow_the_clock() {
        let hub = SyncHub::new(1_000.0, DEFAULT_PING_INTERVAL);
        assert_eq!(hub.current_ts(), 1_000_000_000);
        let a = hub.advance_ts(1_000.0);
        assert_eq!(a, 1_000_000_001);
        let b = hub.advance_ts(500.0); // the clock went back: still after `a`
        assert_eq!(b, a + 1);
        let c = hub.advance_ts(2_000.0);
        assert_eq!(c, 2_000_000_000);
        assert_eq!(hub.current_ts(), c);
        assert_eq!(ms_to_ns(f64::INFINITY), MAX_TS);
        assert_eq!(ms_to_ns(-1.0), 0);
    }

    #[test]
    fn repeated_errors_keep_their_message() {
        let error = FnError::msg("Invalid session token");
        let first = outcome_for_error(&error, None, false);
        let again = outcome_for_error(&error, Some(&first), false);
        match (&first, &again) {
            (Outcome::Error { message: a, .. }, Outcome::Error { message: b, .. }) => {
                assert_eq!(a, b)
            }
            _ => panic!("errors expected"),
        }
        assert!(first.same_as(&again));
        let other = outcome_for_error(&FnError::msg("Session expired"), Some(&first), false);
        let redacted = outcome_for_error(&error, Some(&first), true);
        assert!(!redacted.same_as(&first));
        match &redacted {
            Outcome::Error { message, .. } => assert!(message.ends_with("] Server Error")),
            Outcome::Value(_) => panic!("error expected"),
        }
        assert!(!other.same_as(&first));
        assert!(!Outcome::Value(json!(1)).same_as(&first));
    }
}
