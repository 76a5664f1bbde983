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
//! `convex` crate waits for one). An idle connection gets `{"type":"Ping"}` every 10 s.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use convex_sync_types::{
    AuthenticationToken, ClientMessage, ErrorPayload, LogLinesMessage, QueryId,
    QuerySetModification, ServerMessage, StateModification, StateVersion, Timestamp,
};
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::calls::{CallOutcome, Transport};
use crate::convex::{args_object, normalize_path, Endpoint, FnError};
use crate::functions::auth::{jwt_expiry_ms, verify_jwt, Identity, AUTH_ERROR};
use crate::server::{json_response, Shared};
use crate::util::js_numbers;

/// A connection that sent nothing for this long gets a protocol `Ping`.
pub(crate) const PING_AFTER: Duration = Duration::from_secs(10);

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
    pub(crate) fn new(now_ms: f64) -> Self {
        Self {
            enabled: AtomicBool::new(true),
            open: AtomicUsize::new(0),
            ts: AtomicU64::new(ms_to_ns(now_ms)),
            changes: watch::channel(0).0,
            kill: watch::channel(0).0,
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

/// `GET /api/sync` and `GET /api/{client_version}/sync`.
pub(crate) async fn sync_route(
    State(shared): State<Arc<Shared>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if !shared.sync.enabled() {
        return json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({
                "code": "WebSocketsDisabled",
                "message": "WebSocket connections are turned off on this server (server-mock)",
            }),
        );
    }
    match upgrade {
        Ok(upgrade) => upgrade
            .on_upgrade(move |socket| Connection::new(shared, socket).run())
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
    fn new(shared: Arc<Shared>, socket: WebSocket) -> Self {
        Self {
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
        let mut kill = self.shared.sync.kill.subscribe();
        let mut moves = self.shared.clock.moves();
        loop {
            let ping_at = self.last_sent + PING_AFTER;
            let event = tokio::select! {
                incoming = self.socket.recv() => Event::Incoming(incoming),
                changed = changes.changed() => Event::Changed(changed.is_ok()),
                changed = moves.changed() => Event::Changed(changed.is_ok()),
                _ = kill.changed() => Event::Killed,
                () = tokio::time::sleep_until(ping_at) => Event::Idle,
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
                        .socket
                        .send(Message::Close(Some(CloseFrame {
                            code: 1011,
                            reason: reason.into(),
                        })))
                        .await;
                    return;
                }
            }
        }
    }

    async fn send(&mut self, message: ServerMessage<Value>) -> Result<(), Stop> {
        let json: Value = message.into();
        self.socket
            .send(Message::Text(json.to_string().into()))
            .await
            .map_err(|_| Stop::Closed)?;
        self.last_sent = Instant::now();
        Ok(())
    }

    async fn handle(&mut self, text: &str, changes: &mut watch::Receiver<u64>) -> Result<(), Stop> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| Stop::Fatal(format!("Invalid JSON message: {e}")))?;
        let message = ClientMessage::try_from(json)
            .map_err(|e| Stop::Fatal(format!("Invalid client message: {e}")))?;
        match message {
            ClientMessage::Connect { .. } | ClientMessage::Event(_) => Ok(()),
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
                let (result, ts) = self.call(Endpoint::Mutation, &path, &args);
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
                let (result, _) = self.call(Endpoint::Action, &path, &args);
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
    /// the `errorMessage` to send (the one recorded).
    fn call(&self, endpoint: Endpoint, path: &str, args: &Value) -> (Result<Value, String>, u64) {
        let outcome = self.shared.run(endpoint, path, args, self.auth.as_ref());
        let result = outcome
            .result
            .map_err(|error| self.shared.error_message(&error));
        let recorded = match &result {
            Ok(_) => CallOutcome::Success,
            Err(message) => CallOutcome::FunctionError(message.clone()),
        };
        self.shared.record(
            Transport::WebSocket,
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
            client_clock_skew: None,
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
        let hub = SyncHub::new(1_000.0);
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
