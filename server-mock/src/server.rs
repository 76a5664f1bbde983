//! The HTTP side: shared state, the accept loop (with a per-connection kill switch so faults
//! can cut a connection), the `/api` endpoints, the sync and storage routes and the site
//! routes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ORIGIN, RETRY_AFTER, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tower::ServiceExt;
use url::Url;

use crate::calls::{CallOutcome, HttpVersion, RecordedCall, Transport};
use crate::clock::MockClock;
use crate::convex::{
    check_authorization, check_client_version, error_body, parse_request, run_route_to_path,
    success_body, Endpoint, FnError, FnResult, Kind, Rejection, UDF_FAILED,
};
use crate::db::{doc, Db, Doc, DocExt};
use crate::faults::{FaultInjector, Injected};
use crate::functions::auth::{verify_jwt, Identity};
use crate::functions::support_attachments::STORAGE;
use crate::functions::{automation_settings, discovery, messages, registry};
use crate::registry::{Hooks, Registry, RunEnv};
use crate::storage::Blobs;
use crate::sync::SyncHub;
use crate::tls::{Tls, TlsMode};
use crate::util::{js_numbers, lock, new_identity_secret};
use crate::IdentityMode;

/// The name and email of the agent user that [`Shared::agent_reply`] answers as.
const AGENT_NAME: &str = "Alex from Support";
const AGENT_EMAIL: &str = "alex@support.opencom.test";

/// The result of running a function, with the commit timestamp it ran at (a new one for a
/// successful mutation or action, the current one otherwise).
pub(crate) struct RunOutcome {
    pub(crate) result: FnResult,
    pub(crate) ts: u64,
}

/// Convex's request size limit (16 MiB + 2000 bytes).
const MAX_BODY: usize = 16 * 1024 * 1024 + 2000;

/// Everything the routes and the library API share.
pub(crate) struct Shared {
    pub(crate) db: Mutex<Db>,
    pub(crate) registry: Registry,
    pub(crate) clock: MockClock,
    pub(crate) faults: FaultInjector,
    pub(crate) calls: Mutex<Vec<RecordedCall>>,
    /// `http://127.0.0.1:PORT`.
    pub(crate) url: String,
    pub(crate) default_workspace: String,
    /// Origins allowed on the discovery route besides localhost (`OPENCOM_PUBLIC_CORS_ORIGINS`).
    pub(crate) public_cors_origins: Vec<String>,
    /// One-shot behaviours armed by the control API.
    pub(crate) hooks: Hooks,
    /// The WebSocket sync endpoint's state (and the commit timestamp).
    pub(crate) sync: SyncHub,
    /// Uploaded file contents.
    pub(crate) blobs: Mutex<Blobs>,
    /// Production-style error redaction: every function error is only `[Request ID: …] Server
    /// Error`.
    pub(crate) redact_errors: AtomicBool,
    /// The HS256 key of the mock's agent JWTs (random per mock).
    pub(crate) jwt_key: Vec<u8>,
    /// Mutations committed over a sync socket, by the `Connect`'s `sessionId` and the
    /// mutation's `requestId`: the result and commit timestamp (Convex's `_session_requests`).
    session_requests: Mutex<HashMap<(String, u32), (Value, u64)>>,
}

impl Shared {
    pub(crate) fn new(
        url: String,
        workspace_name: &str,
        public_cors_origins: Vec<String>,
        ws_ping_interval: Duration,
    ) -> Self {
        let clock = MockClock::new();
        let mut db = Db::default();
        let now = clock.now_ms();
        let default_workspace = db.insert("workspaces", workspace_fields(workspace_name, now), now);
        Self {
            db: Mutex::new(db),
            registry: registry(),
            sync: SyncHub::new(now, ws_ping_interval),
            clock,
            faults: FaultInjector::default(),
            calls: Mutex::new(Vec::new()),
            url,
            default_workspace,
            public_cors_origins,
            hooks: Hooks::default(),
            blobs: Mutex::new(Blobs::default()),
            redact_errors: AtomicBool::new(false),
            jwt_key: rand::random::<[u8; 32]>().to_vec(),
            session_requests: Mutex::new(HashMap::new()),
        }
    }

    /// Whether function errors are redacted as on a production deployment.
    pub(crate) fn redacting(&self) -> bool {
        self.redact_errors.load(Ordering::SeqCst)
    }

    /// Turns production-style error redaction on or off; live subscriptions re-run, so a
    /// failing query is sent again in the new form.
    pub(crate) fn set_redact_errors(&self, redact: bool) {
        self.redact_errors.store(redact, Ordering::SeqCst);
        self.sync.notify();
    }

    /// The `errorMessage` to send for a function error (redacted when that mode is on).
    pub(crate) fn error_message(&self, error: &FnError) -> String {
        error.error_message_for(self.redacting())
    }

    /// Runs a function as a request on `endpoint` would. A successful mutation or action
    /// commits a new timestamp (under the database lock) and wakes the sync connections.
    pub(crate) fn run(
        &self,
        endpoint: Endpoint,
        path: &str,
        args: &Value,
        identity: Option<&Identity>,
    ) -> RunOutcome {
        self.run_in_session(endpoint, None, path, args, identity)
    }

    /// [`run`](Self::run) for a mutation sent over a sync socket with `(sessionId,
    /// requestId)`: if that pair already committed, its result and timestamp come back and
    /// nothing runs again; a successful run is recorded under it in the same commit.
    pub(crate) fn run_in_session(
        &self,
        endpoint: Endpoint,
        session: Option<(&str, u32)>,
        path: &str,
        args: &Value,
        identity: Option<&Identity>,
    ) -> RunOutcome {
        let mut db = lock(&self.db);
        let key = session.map(|(id, request)| (id.to_owned(), request));
        if let Some(key) = &key {
            if let Some((value, ts)) = lock(&self.session_requests).get(key) {
                tracing::info!(path, "mutation already executed in this session: skipping");
                return RunOutcome {
                    result: Ok(value.clone()),
                    ts: *ts,
                };
            }
        }
        let now = self.clock.now_ms();
        let env = RunEnv {
            now,
            url: &self.url,
            hooks: &self.hooks,
            identity,
            jwt_key: &self.jwt_key,
        };
        let result = self.registry.run(&mut db, env, endpoint, path, args);
        let wrote = result.is_ok() && self.registry.kind(path) != Some(Kind::Query);
        let ts = if wrote {
            self.sync.advance_ts(now)
        } else {
            self.sync.current_ts()
        };
        if let (Some(key), Ok(value)) = (key, &result) {
            lock(&self.session_requests).insert(key, (value.clone(), ts));
        }
        drop(db);
        if wrote {
            self.sync.notify();
        }
        RunOutcome { result, ts }
    }

    /// Runs queries at one snapshot: the commit timestamp and every result.
    pub(crate) fn run_queries<'a>(
        &self,
        queries: impl Iterator<Item = (&'a str, &'a Value)>,
        identity: Option<&Identity>,
    ) -> (u64, Vec<FnResult>) {
        let mut db = lock(&self.db);
        let now = self.clock.now_ms();
        let env = RunEnv {
            now,
            url: &self.url,
            hooks: &self.hooks,
            identity,
            jwt_key: &self.jwt_key,
        };
        let ts = self.sync.current_ts();
        let results = queries
            .map(|(path, args)| self.registry.run(&mut db, env, Endpoint::Query, path, args))
            .collect();
        (ts, results)
    }

    /// Changes the data outside any function (control API, uploads): `f` gets the database
    /// and the time; a new timestamp is committed and the sync connections re-run their
    /// queries.
    pub(crate) fn write<R>(&self, f: impl FnOnce(&mut Db, f64) -> R) -> R {
        let mut db = lock(&self.db);
        let now = self.clock.now_ms();
        let result = f(&mut db, now);
        self.sync.advance_ts(now);
        drop(db);
        self.sync.notify();
        result
    }

    pub(crate) fn record(
        &self,
        transport: Transport,
        http_version: HttpVersion,
        endpoint: &str,
        path: &str,
        args: Value,
        outcome: CallOutcome,
    ) {
        lock(&self.calls).push(RecordedCall {
            path: path.to_owned(),
            endpoint: endpoint.to_owned(),
            transport,
            args,
            outcome,
            http_version,
        });
    }

    pub(crate) fn create_workspace(&self, name: &str) -> String {
        self.write(|db, now| db.insert("workspaces", workspace_fields(name, now), now))
    }

    /// Patches a workspace; false if there is no such workspace.
    pub(crate) fn patch_workspace(&self, workspace_id: &str, fields: Doc) -> bool {
        self.write(|db, _| {
            if db.table_of(workspace_id) != Some("workspaces") {
                tracing::warn!(workspace_id, "no such workspace");
                return false;
            }
            db.patch(workspace_id, fields)
        })
    }

    /// Upserts the workspace's row of a settings table (`automationSettings`,
    /// `aiAgentSettings`) with `fields`; false if there is no such workspace.
    pub(crate) fn upsert_settings(&self, table: &str, workspace_id: &str, fields: Doc) -> bool {
        self.write(|db, now| {
            if db.table_of(workspace_id) != Some("workspaces") {
                tracing::warn!(workspace_id, "no such workspace");
                return false;
            }
            let existing = db
                .find(table, |s| s.str_field("workspaceId") == Some(workspace_id))
                .map(|s| s.id().to_owned());
            let mut fields = fields;
            fields.insert("updatedAt".into(), json!(now));
            match existing {
                Some(id) => db.patch(&id, fields),
                None => {
                    // A new automation row starts from `automationSettings:upsert`'s defaults.
                    let mut row = if table == "automationSettings" {
                        automation_settings::defaults()
                    } else {
                        Doc::new()
                    };
                    row.extend(fields);
                    row.insert("workspaceId".into(), json!(workspace_id));
                    row.insert("createdAt".into(), json!(now));
                    db.insert(table, row, now);
                    true
                }
            }
        })
    }

    /// Inserts a visitor-less conversation with `messages` (visitor and agent alternating);
    /// `None` for an unknown workspace.
    pub(crate) fn seed_conversation(
        &self,
        workspace_id: &str,
        messages: &[&str],
    ) -> Option<String> {
        self.write(|db, now| {
            if db.table_of(workspace_id) != Some("workspaces") {
                return None;
            }
            let id = db.insert(
                "conversations",
                doc([
                    ("workspaceId", Some(json!(workspace_id))),
                    ("status", Some(json!("open"))),
                    ("createdAt", Some(json!(now))),
                    ("updatedAt", Some(json!(now))),
                    ("lastMessageAt", Some(json!(now))),
                    ("aiWorkflowState", Some(json!("none"))),
                ]),
                now,
            );
            for (i, text) in messages.iter().enumerate() {
                let (sender_id, sender_type) = if i % 2 == 0 {
                    ("seed-visitor", "visitor")
                } else {
                    ("seed-agent", "agent")
                };
                db.insert(
                    "messages",
                    doc([
                        ("conversationId", Some(json!(id))),
                        ("senderId", Some(json!(sender_id))),
                        ("senderType", Some(json!(sender_type))),
                        ("content", Some(json!(text))),
                        ("createdAt", Some(json!(now))),
                    ]),
                    now,
                );
            }
            Some(id)
        })
    }

    /// The agent user of a workspace that agent replies come from (created on first use).
    pub(crate) fn agent_user(db: &mut Db, workspace_id: &str, now: f64) -> String {
        if let Some(user) = db.find("users", |u| {
            u.str_field("workspaceId") == Some(workspace_id) && u.str_field("role") == Some("agent")
        }) {
            return user.id().to_owned();
        }
        db.insert(
            "users",
            doc([
                ("name", Some(json!(AGENT_NAME))),
                ("email", Some(json!(AGENT_EMAIL))),
                ("workspaceId", Some(json!(workspace_id))),
                ("role", Some(json!("agent"))),
                ("createdAt", Some(json!(now))),
            ]),
            now,
        )
    }

    /// An agent's reply in a conversation; `None` if there is no such conversation.
    pub(crate) fn agent_reply(&self, conversation_id: &str, text: &str) -> Option<String> {
        self.write(|db, now| {
            let workspace_id = db
                .get(conversation_id)
                .filter(|_| db.table_of(conversation_id) == Some("conversations"))?
                .str_field("workspaceId")?
                .to_owned();
            let agent = Self::agent_user(db, &workspace_id, now);
            messages::insert_agent_reply(db, now, conversation_id, &agent, text)
        })
    }

    /// An agent's reply carrying one attached file (stored, attachment bound to the message),
    /// straight into the store; `None` if there is no such conversation.
    pub(crate) fn agent_reply_with_file(
        &self,
        conversation_id: &str,
        text: &str,
        file_name: &str,
        mime_type: &str,
        bytes: &[u8],
    ) -> Option<String> {
        let size = bytes.len() as f64;
        let (storage_id, message_id) = self.write(|db, now| {
            let workspace_id = db
                .get(conversation_id)
                .filter(|_| db.table_of(conversation_id) == Some("conversations"))?
                .str_field("workspaceId")?
                .to_owned();
            let agent = Self::agent_user(db, &workspace_id, now);
            let uploader = [
                ("workspaceId", Some(json!(workspace_id))),
                ("uploadedByType", Some(json!("agent"))),
                ("uploadedById", Some(json!(agent))),
                ("createdAt", Some(json!(now))),
            ];
            let mut file = doc(uploader.clone());
            file.insert("size".into(), json!(size));
            file.insert("contentType".into(), json!(mime_type));
            let storage_id = db.insert(STORAGE, file, now);
            let mut attachment = doc(uploader);
            attachment.insert("storageId".into(), json!(storage_id));
            attachment.insert("fileName".into(), json!(file_name));
            attachment.insert("mimeType".into(), json!(mime_type));
            attachment.insert("size".into(), json!(size));
            attachment.insert("status".into(), json!("attached"));
            let attachment_id = db.insert("supportAttachments", attachment, now);
            let message_id = messages::insert_agent_reply(db, now, conversation_id, &agent, text)?;
            db.patch(
                &message_id,
                doc([("attachmentIds", Some(json!([attachment_id])))]),
            );
            db.patch(
                &attachment_id,
                doc([("messageId", Some(json!(message_id)))]),
            );
            Some((storage_id, message_id))
        })?;
        lock(&self.blobs)
            .files
            .insert(storage_id, bytes.to_vec().into());
        Some(message_id)
    }

    /// Closes a conversation as an agent would (`conversations:updateStatus`); false if there
    /// is no such conversation.
    pub(crate) fn close_conversation(&self, conversation_id: &str) -> bool {
        self.write(|db, now| {
            if db.table_of(conversation_id) != Some("conversations") {
                return false;
            }
            db.patch(
                conversation_id,
                doc([
                    ("status", Some(json!("closed"))),
                    ("resolvedAt", Some(json!(now))),
                    ("updatedAt", Some(json!(now))),
                ]),
            )
        })
    }

    /// Arms the next `finalizeUpload` to answer `{status:"rejected", message}`.
    pub(crate) fn reject_next_finalize(&self, message: &str) {
        *lock(&self.hooks.reject_next_finalize) = Some(message.to_owned());
    }

    pub(crate) fn set_allowed_origins(&self, workspace_id: &str, origins: Vec<String>) -> bool {
        let mut fields = Doc::new();
        fields.insert("allowedOrigins".into(), json!(origins));
        self.patch_workspace(workspace_id, fields)
    }

    /// Enables verification (keeping an existing secret, as `identityVerification:enable`
    /// does) and returns the secret; `None` if there is no such workspace.
    pub(crate) fn enable_identity_verification(
        &self,
        workspace_id: &str,
        mode: IdentityMode,
    ) -> Option<String> {
        let secret = lock(&self.db)
            .get(workspace_id)
            .and_then(|w| w.str_field("identitySecret").map(str::to_owned))
            .unwrap_or_else(new_identity_secret);
        let mut fields = Doc::new();
        fields.insert("identitySecret".into(), json!(secret));
        fields.insert("identityVerificationEnabled".into(), json!(true));
        fields.insert("identityVerificationMode".into(), json!(mode.as_str()));
        self.patch_workspace(workspace_id, fields).then_some(secret)
    }

    pub(crate) fn disable_identity_verification(&self, workspace_id: &str) -> bool {
        let mut fields = Doc::new();
        fields.insert("identityVerificationEnabled".into(), json!(false));
        self.patch_workspace(workspace_id, fields)
    }

    pub(crate) fn set_session_lifetime(&self, workspace_id: &str, lifetime: Duration) -> bool {
        let mut fields = Doc::new();
        fields.insert(
            "sessionLifetimeMs".into(),
            json!(lifetime.as_secs_f64() * 1000.0),
        );
        self.patch_workspace(workspace_id, fields)
    }

    /// A document of `table` by id.
    pub(crate) fn doc_in(&self, table: &str, id: &str) -> Option<Value> {
        let db = lock(&self.db);
        if db.table_of(id) != Some(table) {
            return None;
        }
        db.get_cloned(id).map(|d| js_numbers(Value::Object(d)))
    }

    /// The rows of `table` whose `field` equals `value`, oldest first.
    pub(crate) fn rows_where(&self, table: &str, field: &str, value: &str) -> Vec<Value> {
        lock(&self.db)
            .filter(table, |d| d.str_field(field) == Some(value))
            .into_iter()
            .map(|d| js_numbers(Value::Object(d)))
            .collect()
    }
}

fn workspace_fields(name: &str, now: f64) -> Doc {
    let mut fields = Doc::new();
    fields.insert("name".into(), json!(name));
    fields.insert("createdAt".into(), json!(now));
    fields
}

/// Cuts the connection a request arrived on (inserted into every request by the accept loop).
#[derive(Clone)]
pub(crate) struct ConnectionKill(pub(crate) Arc<Notify>);

/// Accepts the next connection, with `TCP_NODELAY` set (as Convex's server does): small
/// frames (sync messages, short JSON answers) leave at once instead of waiting for the peer's
/// delayed ACK.
pub(crate) async fn accept(listener: &TcpListener) -> std::io::Result<TcpStream> {
    let (stream, _) = listener.accept().await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Serves `router` on `listener` (over TLS when `tls` is set) until the task is aborted;
/// aborting it also closes every open connection.
pub(crate) async fn serve(listener: TcpListener, router: Router, tls: Option<Arc<Tls>>) {
    let mut connections = JoinSet::new();
    let acceptor = tls
        .as_ref()
        .map(|tls| tokio_rustls::TlsAcceptor::from(tls.config.clone()));
    let http1_only = tls.as_ref().is_some_and(|t| t.mode == TlsMode::Http11Only);
    loop {
        tokio::select! {
            accepted = accept(&listener) => {
                let stream = match accepted {
                    Ok(stream) => stream,
                    Err(error) => {
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let kill = Arc::new(Notify::new());
                let per_request = ConnectionKill(kill.clone());
                let router = router.clone();
                let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(per_request.clone());
                    let router = router.clone();
                    async move { Ok::<_, Infallible>(router.oneshot(request).await.into_response()) }
                });
                let acceptor = acceptor.clone();
                connections.spawn(async move {
                    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let served = async {
                        match acceptor {
                            // Plain HTTP: HTTP/1.1, or HTTP/2 with prior knowledge.
                            None => {
                                let io = TokioIo::new(stream);
                                let _ = builder.serve_connection_with_upgrades(io, service).await;
                            }
                            Some(acceptor) => match acceptor.accept(stream).await {
                                Ok(stream) => {
                                    // As a deployed server: the protocol ALPN chose, and only
                                    // that (a client that negotiated `h2` cannot upgrade a
                                    // WebSocket with HTTP/1.1 bytes).
                                    let h2 = !http1_only
                                        && stream.get_ref().1.alpn_protocol() == Some(b"h2".as_slice());
                                    let io = TokioIo::new(stream);
                                    if h2 {
                                        let http2 = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
                                        let _ = http2.serve_connection(io, service).await;
                                    } else {
                                        let http1 = hyper::server::conn::http1::Builder::new();
                                        let _ = http1.serve_connection(io, service).with_upgrades().await;
                                    }
                                }
                                Err(error) => tracing::debug!(%error, "TLS handshake failed"),
                            },
                        }
                    };
                    tokio::select! {
                        () = served => {}
                        // Dropping the connection closes the socket with no response written
                        // (over TLS: without a close_notify).
                        () = kill.notified() => {}
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// The routes: Convex's `/api` (functions, sync socket, storage), the Opencom site routes and
/// the `/_mock` control API.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/query", post(api_query))
        .route("/api/mutation", post(api_mutation))
        .route("/api/action", post(api_action))
        .route("/api/run/{*path}", post(api_run))
        .route("/api/function", post(api_function))
        .route("/api/query_ts", post(api_query_ts))
        // No history in the mock: a query "at" a timestamp reads the latest state.
        .route("/api/query_at_ts", post(api_query))
        .route("/api/sync", get(crate::sync::sync_route))
        .route(
            "/api/{client_version}/sync",
            get(crate::sync::sync_route_versioned),
        )
        .route("/api/storage/upload", post(crate::storage::upload))
        .route("/api/storage/{storage_id}", get(crate::storage::download))
        .route(
            "/.well-known/opencom.json",
            get(discovery_get).options(discovery_options),
        )
        .nest("/_mock", crate::control::router())
        .with_state(shared)
}

async fn api_query(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    handle_api(shared, Endpoint::Query, None, request).await
}

async fn api_mutation(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    handle_api(shared, Endpoint::Mutation, None, request).await
}

async fn api_action(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    handle_api(shared, Endpoint::Action, None, request).await
}

async fn api_function(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    handle_api(shared, Endpoint::Function, None, request).await
}

/// `POST /api/query_ts`: the latest commit timestamp, `{"ts": "<base64 of 8 LE bytes>"}`, as
/// Convex answers it (for `/api/query_at_ts`-style consistent reads; not recorded).
async fn api_query_ts(State(shared): State<Arc<Shared>>) -> Response {
    let ts = crate::sync::encode_ts(shared.sync.current_ts());
    json_response(StatusCode::OK, &json!({ "ts": ts }))
}

async fn api_run(
    State(shared): State<Arc<Shared>>,
    Path(path): Path<String>,
    request: Request,
) -> Response {
    handle_api(shared, Endpoint::Run, Some(path), request).await
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        js_numbers(body.clone()).to_string(),
    )
        .into_response()
}

fn rejection_response(rejection: &Rejection) -> Response {
    json_response(rejection.status, &rejection.body())
}

/// Cuts the client's connection: never returns a response when served by [`serve`].
async fn cut_connection(kill: Option<ConnectionKill>) -> Response {
    match kill {
        Some(ConnectionKill(notify)) => {
            notify.notify_one();
            std::future::pending::<Response>().await
        }
        // Not behind our accept loop: the best approximation is a body that fails mid-stream.
        None => Response::new(Body::from_stream(futures::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by fault"))
        }))),
    }
}

fn fault_status_code(status: u16) -> (StatusCode, &'static str) {
    let code = match status {
        400 => "BadRequest",
        401 => "Unauthenticated",
        403 => "Forbidden",
        404 => "NotFound",
        408 => "RequestTimeout",
        429 => "RateLimited",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "Overloaded",
        504 => "GatewayTimeout",
        _ => "InjectedFault",
    };
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        code,
    )
}

/// The answer to a request caught by a fault that replaces the function run.
async fn fault_response(kind: Injected, kill: Option<ConnectionKill>) -> Response {
    match kind {
        Injected::Status(status) => {
            let (status, code) = fault_status_code(status);
            let message = format!("Injected fault: HTTP {}", status.as_u16());
            json_response(status, &json!({"code": code, "message": message}))
        }
        Injected::RateLimited(retry_after) => {
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            let body = json!({"code": "RateLimited", "message": "Injected fault: rate limited"});
            let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
        Injected::Malformed => (
            StatusCode::OK,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            "{\"status\":\"success\",\"value\":<html>upstream glitch",
        )
            .into_response(),
        Injected::DropBeforeRun | Injected::DropAfterRun => cut_connection(kill).await,
    }
}

/// The headers Convex checks before running anything: `Authorization` (a JWT the mock signed,
/// not expired on the mock clock → the caller's identity) and `Convex-Client`.
fn check_headers(shared: &Shared, headers: &HeaderMap) -> Result<Option<Identity>, Rejection> {
    if let Some(value) = headers.get("convex-client") {
        check_client_version(value.to_str().unwrap_or_default())?;
    }
    match headers.get(AUTHORIZATION) {
        None => Ok(None),
        Some(value) => check_authorization(value.to_str().unwrap_or_default(), |token| {
            verify_jwt(&shared.jwt_key, token, shared.clock.now_ms())
        })
        .map(Some),
    }
}

async fn handle_api(
    shared: Arc<Shared>,
    endpoint: Endpoint,
    route_path: Option<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let kill = parts.extensions.get::<ConnectionKill>().cloned();
    let version = HttpVersion::of(parts.version);
    let record = |path: &str, args: Value, outcome: CallOutcome| {
        shared.record(
            Transport::Http,
            version,
            endpoint.name(),
            path,
            args,
            outcome,
        );
    };
    let headers: HeaderMap = parts.headers;
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        let rejection = Rejection {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "PayloadTooLarge",
            message: "Request body too large".into(),
        };
        record("", Value::Null, CallOutcome::Rejected(413));
        return rejection_response(&rejection);
    };
    let request = match parse_request(&bytes, route_path.as_deref()) {
        Ok(r) => r,
        Err(rejection) => {
            let path = route_path
                .as_deref()
                .map(run_route_to_path)
                .unwrap_or_default();
            let outcome = CallOutcome::Rejected(rejection.status.as_u16());
            record(&path, Value::Null, outcome);
            return rejection_response(&rejection);
        }
    };
    let identity = match check_headers(&shared, &headers) {
        Ok(identity) => identity,
        Err(rejection) => {
            let outcome = CallOutcome::Rejected(rejection.status.as_u16());
            record(&request.path, request.args, outcome);
            return rejection_response(&rejection);
        }
    };

    let plan = shared.faults.plan(&request.path);
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    let drop_after_run = match plan.fault {
        None => false,
        Some(Injected::DropAfterRun) => true,
        Some(kind) => {
            record(&request.path, request.args, CallOutcome::Faulted);
            return fault_response(kind, kill).await;
        }
    };

    let result = shared
        .run(endpoint, &request.path, &request.args, identity.as_ref())
        .result;
    let (outcome, response) = match result {
        Ok(value) => (
            CallOutcome::Success,
            json_response(StatusCode::OK, &success_body(value)),
        ),
        Err(error) => {
            let message = shared.error_message(&error);
            let status = StatusCode::from_u16(UDF_FAILED).unwrap_or(StatusCode::OK);
            let response = json_response(status, &error_body(&message));
            (CallOutcome::FunctionError(message), response)
        }
    };
    if drop_after_run {
        record(&request.path, request.args, CallOutcome::Faulted);
        return cut_connection(kill).await;
    }
    record(&request.path, request.args, outcome);
    response
}

/// Whether the discovery route accepts a request with this `Origin` header.
fn discovery_origin_allowed(shared: &Shared, origin: &str) -> bool {
    if !shared.public_cors_origins.is_empty() {
        return shared.public_cors_origins.iter().any(|o| o == origin);
    }
    Url::parse(origin).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && matches!(u.host_str(), Some("localhost") | Some("127.0.0.1"))
    })
}

fn discovery_cors(response: &mut Response, origin: Option<&str>) {
    let headers = response.headers_mut();
    headers.insert(
        "access-control-allow-methods",
        HeaderValue::from_static("GET, OPTIONS"),
    );
    headers.insert(
        "access-control-allow-headers",
        HeaderValue::from_static("Content-Type"),
    );
    headers.insert(VARY, HeaderValue::from_static("Origin"));
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert("access-control-allow-origin", value);
    }
}

/// `GET /.well-known/opencom.json` (CONTRACT §14).
async fn discovery_get(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin {
        if !discovery_origin_allowed(&shared, origin) {
            let mut response = json_response(
                StatusCode::FORBIDDEN,
                &json!({"error": "Origin not allowed"}),
            );
            discovery_cors(&mut response, None);
            return response;
        }
    }
    let metadata = discovery::metadata(&lock(&shared.db));
    let mut response = json_response(
        StatusCode::OK,
        &json!({
            "version": metadata["version"],
            "name": metadata["name"],
            "convexUrl": shared.url,
            "features": metadata["features"],
        }),
    );
    discovery_cors(&mut response, origin);
    response
}

async fn discovery_options(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin {
        if !discovery_origin_allowed(&shared, origin) {
            return json_response(
                StatusCode::FORBIDDEN,
                &json!({"error": "Origin not allowed"}),
            );
        }
    }
    let mut response = StatusCode::OK.into_response();
    discovery_cors(&mut response, origin);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_sockets_have_nodelay() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let client = tokio::spawn(TcpStream::connect(address));
        let accepted = accept(&listener).await.unwrap();
        assert!(
            accepted.nodelay().unwrap(),
            "TCP_NODELAY on the server side"
        );
        // The kernel's default is off, so the flag is ours.
        let raw = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let raw_address = raw.local_addr().unwrap();
        let _other = tokio::spawn(TcpStream::connect(raw_address));
        let (plain, _) = raw.accept().await.unwrap();
        assert!(!plain.nodelay().unwrap());
        drop(client.await.unwrap().unwrap());
    }
}
