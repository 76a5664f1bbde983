//! # server-mock
//!
//! An in-memory emulator of the Opencom backend that speaks the Convex HTTP functions API and
//! the Convex WebSocket sync protocol, for the SDK's integration tests and for demos. It runs
//! the visitor-facing Opencom functions ported from Opencom's source (same argument
//! validators, same error texts, same token lifecycle) behind `POST /api/query|mutation|action`,
//! `POST /api/run/<module>/<fn>` and `GET /api/sync` (live subscriptions), stores uploads
//! (`POST /api/storage/upload?token=…`), and serves the site route
//! `GET /.well-known/opencom.json` on the same port.
//!
//! Implemented: `widgetSessions` (boot, refresh, revoke, validateSessionToken), `visitors`
//! (identify with the email merge, heartbeat, updateLocation, getBySession, isOnline, get),
//! `events` (track, trackAutoEvent with its rate limit, list, count), `conversations`
//! (createForVisitor, getOrCreateForVisitor, listByVisitor, getTotalUnreadForVisitor, get,
//! markAsRead), `messages` (list, send), `supportAttachments` (generateUploadUrl,
//! finalizeUpload), `reporting` (getCsatEligibility, submitCsatResponse),
//! `aiAgent` (getPublicSettings, getConversationResponses, submitFeedback, handoffToHuman),
//! `aiAgentActions:generateResponse`, the engagement features (`surveys`: getActiveSurveys,
//! recordImpression, submitResponse; `carousels`: listActive, getEligible, recordImpression,
//! trackImpression, get; `checklists`: getEligible, getProgress, getAllProgress, completeTask,
//! uncompleteTask; `outboundMessages`: getEligible, trackImpression; `tours:listAll`;
//! `tourProgress`: getAvailableTours, getActive, start, advance, skipStep, checkpoint,
//! complete, dismiss, dismissPermanently, snooze, restart; `tooltips:getAvailableTooltips`;
//! content through [`ServerMock::add_survey`], [`ServerMock::seed_engagement_demo`], …), the
//! help center (`articles`:
//! listForVisitor, searchForVisitor, getForVisitor, get, list, search, submitFeedback;
//! `collections`: listHierarchyForVisitor, list, listHierarchy, get;
//! `suggestions:searchForWidget`), `visitorPushTokens` (register, unregister,
//! setNotificationsEnabled, getByVisitor), `tickets` (create, listByVisitor, get, getComments,
//! addComment), `ticketForms:getDefaultForVisitor`, the messenger configuration (`officeHours`:
//! isCurrentlyOpen, getExpectedReplyTime, getOrDefault, get; `messengerSettings`:
//! getPublicSettings, getPublicHomeConfig; `automationSettings`: getOrCreate, get;
//! `commonIssueButtons:list`), `workspaces` (get, validateOrigin, getPublicWorkspaceContext),
//! `identityVerification:isRequired` and `discovery:getMetadata`. Any other path answers
//! Convex's "Could not find public function" error. There are no agent identities: agent-only
//! paths answer as for an unauthenticated caller, and the control API plays the agent and the
//! admin ([`ServerMock::agent_reply`], [`ServerMock::close_conversation`],
//! [`ServerMock::add_ticket_comment`], [`ServerMock::add_article`], …). Push notifications are
//! recorded, not sent ([`ServerMock::push_deliveries`]).
//!
//! ## Getting started
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! use std::time::Duration;
//! use server_mock::{CallOutcome, ServerMock};
//!
//! // 127.0.0.1 on an ephemeral port, seeded with one workspace named "Opencom Demo".
//! let mock = ServerMock::start().await?;
//! let url = mock.url(); // e.g. "http://127.0.0.1:41234" — point the SDK here
//! let workspace_id = mock.workspace_id();
//!
//! // Configure the workspace like an admin would.
//! mock.set_allowed_origins(&workspace_id, &["https://*.example.com"]);
//! mock.set_session_lifetime(&workspace_id, Duration::from_secs(2 * 3600));
//!
//! // … run the code under test against `url` …
//!
//! // Move time to expire sessions, inject faults, inspect what happened.
//! mock.clock().advance(Duration::from_secs(3 * 3600));
//! mock.faults().fail_next(503);
//! assert!(mock.calls().iter().all(|c| c.outcome != CallOutcome::Faulted));
//! assert!(mock.visitors(&workspace_id).is_empty());
//! assert!(url.starts_with("http://127.0.0.1:"));
//! # Ok(()) }
//! ```
//!
//! The mock shuts down when the [`ServerMock`] is dropped.
//!
//! ## Wire behaviour
//!
//! * Success: HTTP 200 `{"status":"success","value":…,"logLines":[]}`.
//! * A function that throws, an unknown function, a kind mismatch, or arguments that fail the
//!   validator: HTTP 560 `{"status":"error","errorMessage":"[Request ID: <16 hex>] Server
//!   Error\n…","logLines":[]}` where the second line is `Uncaught Error: <message>`,
//!   `ArgumentValidationError: <text>`, `Trying to execute … as Query, but it is defined as
//!   Mutation.` or `Could not find public function for '…'. …`.
//! * A request refused before any function runs: 4xx `{"code","message"}` (`BadJsonBody`,
//!   `BadFormat`, `InvalidAuthHeader`, `InvalidClientVersion`).
//! * Mutations are transactional: a function that throws leaves no writes behind.
//! * [`ServerMock::set_redact_errors`] makes every function error (HTTP and WebSocket) only
//!   `[Request ID: <16 hex>] Server Error`, as a production deployment sends it.
//!
//! ## Live queries (WebSocket sync protocol)
//!
//! `GET /api/sync` (and `/api/{client_version}/sync`) speaks the subset of Convex's sync
//! protocol that the official clients (the `convex` crate, npm `convex`) use: `Connect`,
//! `Authenticate`, `ModifyQuerySet`, `Mutation` and `Action` in; `Transition`, `MutationResponse`, `ActionResponse`,
//! `FatalError` and `Ping` out, with exact version chaining and monotonic nanosecond
//! timestamps. After every state change (a successful mutation or action over HTTP or the
//! socket, a control-API change, moving the clock) every connection re-runs its queries and
//! sends the results that changed. Query errors are `QueryFailed` with the same
//! `errorMessage` as over HTTP. As on Convex, a mutation is recorded under the `Connect`'s
//! `sessionId` and its `requestId`, so one re-sent after a lost response returns the original
//! result without running twice; Transitions carry `clientClockSkew` and `serverTs`; the
//! client version in `/api/<version>/sync` and `maxObservedTimestamp` are checked; sockets get
//! WebSocket ping frames ([`MockOptions::ws_ping_interval`]). HTTP faults never apply to the
//! socket: it has its own failure modes, [`ServerMock::drop_ws_connections`],
//! [`ServerMock::set_ws_enabled`], [`ServerMock::hang_ws_upgrade`], [`ServerMock::stall_ws`]
//! and [`ServerMock::drop_next_mutation_response`].
//!
//! ## HTTPS
//!
//! With [`MockOptions::tls`] the mock serves TLS (rustls, ring) with a certificate for
//! `localhost`, `127.0.0.1` and `::1` signed by a fresh CA ([`ServerMock::ca_pem`]), offering
//! ALPN `h2` and `http/1.1` ([`TlsMode`]); [`RecordedCall::http_version`] (or
//! [`ServerMock::http_versions`]) tells which HTTP version served each request.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! let mock = server_mock::ServerMock::start().await?;
//! // A `convex::ConvexClient::new(&mock.url())` subscribes here; then:
//! mock.drop_ws_connections(); // a network loss: clients reconnect
//! mock.set_ws_enabled(false); // upgrades answer 503: clients must poll over HTTP
//! assert_eq!(mock.ws_connections(), 0);
//! # Ok(()) }
//! ```
//!
//! ## Control API
//!
//! The same controls are available over HTTP under `/_mock/…` (JSON), for tests written in
//! other languages: `GET /_mock/info`, `POST /_mock/workspaces`, `POST
//! /_mock/workspaces/{id}/allowed-origins`, `…/identity-verification`, `…/session-lifetime`,
//! `…/csat`, `…/ai`, `…/suggestions`, `…/help-center`, `…/collections`, `…/articles`,
//! `…/ticket-form`, `…/engagement/{kind}`, `…/engagement-demo`, `…/office-hours`, `…/messenger-settings`, `…/common-issue-buttons`, `GET
//! …/visitors`, `GET /_mock/visitors/{id}[/events|/sessions|/conversations|/push-tokens]`, `GET
//! /_mock/conversations/{id}/messages|ai-responses`, `GET
//! /_mock/engagement/{id}[/impressions|/responses|/progress|/diagnostics]`, `POST /_mock/conversations/{id}/agent-reply|close`, `GET
//! /_mock/articles/{id}[/feedback]`, `GET /_mock/tickets/{id}`, `GET|POST
//! /_mock/tickets/{id}/comments`, `GET /_mock/push-deliveries`, `GET|POST
//! /_mock/redact-errors`, `POST /_mock/attachments/reject-next-finalize`, `GET|POST /_mock/ws`,
//! `POST /_mock/ws/drop`, `GET /_mock/ws/faults`, `POST
//! /_mock/ws/hang-upgrade|stall|drop-next-mutation-response`, `GET|POST /_mock/clock[/advance|/set|/freeze|/resume]`,
//! `GET|POST|DELETE /_mock/faults`, `POST /_mock/faults/latency|random|pause-random`,
//! `GET|DELETE /_mock/calls`. See the README for the bodies.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! use server_mock::{NewArticle, ServerMock};
//!
//! let mock = ServerMock::start().await?;
//! let ws = mock.workspace_id();
//! let guides = mock.add_collection(&ws, "Guides", None, 1.0);
//! let article = mock.add_article(&ws, NewArticle::published("Reset your password", "…").collection(&guides));
//! mock.set_suggestions_enabled(&ws, true);
//! mock.set_default_ticket_form(&ws, serde_json::json!([]));
//! assert!(mock.article_feedback(&article).is_empty());
//! assert!(mock.push_deliveries().is_empty());
//! # Ok(()) }
//! ```

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

mod admin;
mod agents;
mod calls;
mod clock;
mod control;
mod convex;
mod db;
mod engagement;
mod faults;
mod functions;
mod registry;
mod server;
mod storage;
mod sync;
mod tls;
mod util;
mod validator;

pub use admin::NewArticle;
pub use agents::Role;
pub use calls::{CallOutcome, HttpVersion, RecordedCall, Transport};
pub use clock::MockClock;
pub use engagement::EngagementDemo;
pub use faults::{Fault, FaultInjector, FaultKind};
pub use functions::identity_verification::user_hash;
pub use tls::TlsMode;

use server::Shared;
use util::lock;

/// Which data a new mock starts with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// One workspace named "Opencom Demo".
    #[default]
    Demo,
    /// One bare workspace named "Empty Workspace", so [`ServerMock::workspace_id`] still works.
    Empty,
}

/// The identity-verification mode of a workspace (CONTRACT §3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityMode {
    /// A wrong `userHash` marks the visitor unverified but the call succeeds.
    Optional,
    /// A wrong or missing `userHash` (with an `externalUserId`) fails the call.
    Required,
}

impl IdentityMode {
    /// `"optional"` or `"required"`, as stored on the workspace.
    ///
    /// ```
    /// assert_eq!(server_mock::IdentityMode::Required.as_str(), "required");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Optional => "optional",
            Self::Required => "required",
        }
    }
}

/// Options for [`ServerMock::start_with`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use server_mock::{MockOptions, Seed, ServerMock};
///
/// let mock = ServerMock::start_with(MockOptions {
///     seed: Seed::Empty,
///     workspace_name: Some("Acme".into()),
///     ..MockOptions::default()
/// })
/// .await?;
/// assert!(mock.url().starts_with("http://127.0.0.1:"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct MockOptions {
    /// The port on 127.0.0.1; `None` picks a free one.
    pub port: Option<u16>,
    /// The initial data.
    pub seed: Seed,
    /// Overrides the default workspace's name.
    pub workspace_name: Option<String>,
    /// Origins the discovery route accepts in an `Origin` header (`OPENCOM_PUBLIC_CORS_ORIGINS`);
    /// empty means localhost and 127.0.0.1 only.
    pub public_cors_origins: Vec<String>,
    /// Serve HTTPS (and `wss://` for the sync socket) instead of plain HTTP: a fresh CA (see
    /// [`ServerMock::ca_pem`]) signs a certificate for `localhost`, `127.0.0.1` and `::1`, and
    /// [`ServerMock::url`] is `https://127.0.0.1:PORT`. `None` (the default) is plain HTTP.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{MockOptions, ServerMock, TlsMode};
    /// let mock = ServerMock::start_with(MockOptions {
    ///     tls: Some(TlsMode::H2AndHttp11),
    ///     ..MockOptions::default()
    /// })
    /// .await?;
    /// assert!(mock.url().starts_with("https://127.0.0.1:"));
    /// assert!(mock.ca_pem().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    /// # Ok(()) }
    /// ```
    pub tls: Option<TlsMode>,
    /// The interval of WebSocket ping frames on every sync socket; `None` is Convex's 5 s.
    pub ws_ping_interval: Option<Duration>,
}

/// A running mock Opencom backend on 127.0.0.1. Dropping it shuts the server down and closes
/// every open connection.
///
/// See the [crate docs](crate) for a tour.
pub struct ServerMock {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    ca_pem: Option<String>,
}

impl std::fmt::Debug for ServerMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerMock")
            .field("url", &self.shared.url)
            .field("workspace_id", &self.shared.default_workspace)
            .finish()
    }
}

impl Drop for ServerMock {
    fn drop(&mut self) {
        self.task.abort();
        // Sync sockets run on their own tasks once upgraded: drop them too.
        self.shared.sync.set_enabled(false);
        self.shared.sync.drop_all();
    }
}

impl ServerMock {
    /// Starts a mock on an ephemeral port of 127.0.0.1, seeded with one workspace named
    /// "Opencom Demo". Must be called inside a tokio runtime; the server runs on it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(!mock.workspace_id().is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn start() -> std::io::Result<ServerMock> {
        Self::start_with(MockOptions::default()).await
    }

    /// Starts a mock with `options`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{MockOptions, ServerMock};
    /// let mock = ServerMock::start_with(MockOptions::default()).await?;
    /// assert_eq!(mock.functions().contains(&"widgetSessions:boot".to_string()), true);
    /// # Ok(()) }
    /// ```
    pub async fn start_with(options: MockOptions) -> std::io::Result<ServerMock> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port.unwrap_or(0))).await?;
        let port = listener.local_addr()?.port();
        let name = options
            .workspace_name
            .unwrap_or_else(|| match options.seed {
                Seed::Demo => "Opencom Demo".to_owned(),
                Seed::Empty => "Empty Workspace".to_owned(),
            });
        let tls = options
            .tls
            .map(tls::Tls::generate)
            .transpose()?
            .map(Arc::new);
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared::new(
            format!("{scheme}://127.0.0.1:{port}"),
            &name,
            options.public_cors_origins,
            options
                .ws_ping_interval
                .unwrap_or(sync::DEFAULT_PING_INTERVAL),
        ));
        let ca_pem = tls.as_ref().map(|tls| tls.ca_pem.clone());
        let router = server::router(shared.clone());
        let task = tokio::spawn(server::serve(listener, router, tls));
        Ok(ServerMock {
            shared,
            task,
            ca_pem,
        })
    }

    /// The base URL, `http://127.0.0.1:PORT` (`https://…` with [`MockOptions::tls`]; no
    /// trailing slash): both the Convex URL and the site URL.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(!mock.url().ends_with('/'));
    /// # Ok(()) }
    /// ```
    pub fn url(&self) -> String {
        self.shared.url.clone()
    }

    /// The id of the workspace created at start-up.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert_eq!(mock.workspace(&mock.workspace_id()).unwrap()["name"], "Opencom Demo");
    /// # Ok(()) }
    /// ```
    pub fn workspace_id(&self) -> String {
        self.shared.default_workspace.clone()
    }

    /// Creates another workspace and returns its id (for tenant-isolation tests).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let other = mock.create_workspace("Other Co");
    /// assert_ne!(other, mock.workspace_id());
    /// # Ok(()) }
    /// ```
    pub fn create_workspace(&self, name: &str) -> String {
        self.shared.create_workspace(name)
    }

    /// A workspace document (including its settings and identity secret), if it exists.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.workspace("nope").is_none());
    /// # Ok(()) }
    /// ```
    pub fn workspace(&self, workspace_id: &str) -> Option<Value> {
        self.shared.doc_in("workspaces", workspace_id)
    }

    /// Sets the workspace's origin allowlist (CONTRACT §3.3); an empty list allows everything.
    /// Entries are URL origins (`https://app.example.com`) or wildcards (`*.example.com`).
    /// Unknown workspaces are ignored (with a warning in the log).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_allowed_origins(&mock.workspace_id(), &["https://app.example.com", "*.acme.io"]);
    /// # Ok(()) }
    /// ```
    pub fn set_allowed_origins(&self, workspace_id: &str, origins: &[&str]) {
        self.shared.set_allowed_origins(
            workspace_id,
            origins.iter().map(|o| (*o).to_owned()).collect(),
        );
    }

    /// Enables identity verification in `mode` and returns the workspace secret (an existing
    /// secret is kept, as `identityVerification:enable` does). Compute a user hash with
    /// [`user_hash`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{user_hash, IdentityMode, ServerMock};
    /// let mock = ServerMock::start().await?;
    /// let secret = mock.enable_identity_verification(&mock.workspace_id(), IdentityMode::Required);
    /// assert_eq!(secret.len(), 64);
    /// let hash = user_hash(&secret, "user-42"); // send as `userHash` with `externalUserId`
    /// assert_eq!(hash.len(), 64);
    /// # Ok(()) }
    /// ```
    pub fn enable_identity_verification(&self, workspace_id: &str, mode: IdentityMode) -> String {
        self.shared
            .enable_identity_verification(workspace_id, mode)
            .unwrap_or_default()
    }

    /// Turns identity verification off (the secret is kept).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.disable_identity_verification(&mock.workspace_id());
    /// # Ok(()) }
    /// ```
    pub fn disable_identity_verification(&self, workspace_id: &str) {
        self.shared.disable_identity_verification(workspace_id);
    }

    /// Sets the workspace's `sessionLifetimeMs` as given; boot and refresh clamp it to
    /// [1 h, 7 d] when they use it (zero means the 24 h default).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_session_lifetime(&mock.workspace_id(), std::time::Duration::from_secs(3600));
    /// # Ok(()) }
    /// ```
    pub fn set_session_lifetime(&self, workspace_id: &str, lifetime: Duration) {
        self.shared.set_session_lifetime(workspace_id, lifetime);
    }

    /// The clock every function reads (`Date.now()`). See [`MockClock`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.clock().advance(std::time::Duration::from_secs(24 * 3600)); // expire default sessions
    /// # Ok(()) }
    /// ```
    pub fn clock(&self) -> MockClock {
        self.shared.clock.clone()
    }

    /// The fault injector for `/api` requests. See [`FaultInjector`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.faults().drop_after_run_next();
    /// # Ok(()) }
    /// ```
    pub fn faults(&self) -> FaultInjector {
        self.shared.faults.clone()
    }

    /// Every `/api` request received so far, in the order the mock answered them (requests
    /// refused for a bad body or header included; the discovery route and `/_mock` are not
    /// recorded). Uploads are recorded as `_storage:upload`; over the sync socket, each
    /// subscription is recorded once when added (not its re-runs), and so are mutations and
    /// actions ([`RecordedCall::transport`] tells them apart).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.calls().is_empty());
    /// # Ok(()) }
    /// ```
    pub fn calls(&self) -> Vec<RecordedCall> {
        lock(&self.shared.calls).clone()
    }

    /// Forgets the recorded calls.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.clear_calls();
    /// # Ok(()) }
    /// ```
    pub fn clear_calls(&self) {
        lock(&self.shared.calls).clear();
    }

    /// A visitor document, if it exists (it disappears when merged into another by email).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.visitor("k57abc").is_none());
    /// # Ok(()) }
    /// ```
    pub fn visitor(&self, visitor_id: &str) -> Option<Value> {
        self.shared.doc_in("visitors", visitor_id)
    }

    /// The visitors of a workspace, oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.visitors(&mock.workspace_id()).is_empty());
    /// # Ok(()) }
    /// ```
    pub fn visitors(&self, workspace_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("visitors", "workspaceId", workspace_id)
    }

    /// The events recorded for a visitor, oldest first (`name`, `eventType`, `properties`,
    /// `timestamp`, …).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.events("k57abc").is_empty());
    /// # Ok(()) }
    /// ```
    pub fn events(&self, visitor_id: &str) -> Vec<Value> {
        self.shared.rows_where("events", "visitorId", visitor_id)
    }

    /// The `widgetSessions` rows of a visitor, oldest first (`token`, `expiresAt`,
    /// `clientType`, `identityVerified`, …).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.sessions("k57abc").is_empty());
    /// # Ok(()) }
    /// ```
    pub fn sessions(&self, visitor_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("widgetSessions", "visitorId", visitor_id)
    }

    /// The paths of every implemented function (`module:function`), sorted.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.functions().contains(&"visitors:identify".to_string()));
    /// # Ok(()) }
    /// ```
    pub fn functions(&self) -> Vec<String> {
        self.shared
            .registry
            .paths()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Replies in a conversation as a support agent would from the inbox: inserts an `agent`
    /// message from the workspace's seeded agent user ("Alex from Support", so `messages:list`
    /// shows a `senderName`), bumps `unreadByVisitor`, `lastMessageAt` and `updatedAt`, and
    /// pushes the change to live subscriptions. Returns the message id, or an empty string
    /// (with a warning in the log) if there is no such conversation.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// // … a visitor opened `conversation_id` …
    /// # let conversation_id = "nope";
    /// let message_id = mock.agent_reply(conversation_id, "Hello from support");
    /// # assert!(message_id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn agent_reply(&self, conversation_id: &str, text: &str) -> String {
        self.shared
            .agent_reply(conversation_id, text)
            .unwrap_or_else(|| {
                tracing::warn!(conversation_id, "agent_reply: no such conversation");
                String::new()
            })
    }

    /// An agent's reply with one attached file (stored and bound to the message, as after an
    /// upload and `finalizeUpload`), straight into the store: `messages:list` returns it with
    /// an `attachments` descriptor and the file downloads from its URL. For seeding long
    /// threads with attachments fast. Returns the message id, or an empty string (with a
    /// warning in the log) for an unknown conversation.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let conversation = mock.seed_conversation(&mock.workspace_id(), &["hi"]);
    /// let id = mock.agent_reply_with_file(&conversation, "the invoice", "invoice.pdf", "application/pdf", b"%PDF-1.4");
    /// assert!(!id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn agent_reply_with_file(
        &self,
        conversation_id: &str,
        text: &str,
        file_name: &str,
        mime_type: &str,
        bytes: &[u8],
    ) -> String {
        self.shared
            .agent_reply_with_file(conversation_id, text, file_name, mime_type, bytes)
            .unwrap_or_else(|| {
                tracing::warn!(
                    conversation_id,
                    "agent_reply_with_file: no such conversation"
                );
                String::new()
            })
    }

    /// Inserts a conversation without a visitor straight into the store (no HTTP, no
    /// session), with `messages` alternating visitor/agent, for seeding large inboxes fast.
    /// Returns its id, or an empty string (with a warning in the log) for an unknown
    /// workspace.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.seed_conversation(&mock.workspace_id(), &["Hi", "Hello!"]);
    /// assert_eq!(mock.messages(&id).len(), 2);
    /// assert!(mock.seed_conversation("nope", &[]).is_empty());
    /// # Ok(()) }
    /// ```
    pub fn seed_conversation(&self, workspace_id: &str, messages: &[&str]) -> String {
        self.shared
            .seed_conversation(workspace_id, messages)
            .unwrap_or_else(|| {
                tracing::warn!(workspace_id, "seed_conversation: no such workspace");
                String::new()
            })
    }

    /// Closes a conversation as an agent would (`status: "closed"`, `resolvedAt`), which makes
    /// it eligible for CSAT. Unknown ids are ignored (with a warning in the log).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// # let conversation_id = "nope";
    /// mock.close_conversation(conversation_id);
    /// # Ok(()) }
    /// ```
    pub fn close_conversation(&self, conversation_id: &str) {
        if !self.shared.close_conversation(conversation_id) {
            tracing::warn!(conversation_id, "close_conversation: no such conversation");
        }
    }

    /// The messages of a conversation as stored (no `senderName`/`attachments`), oldest
    /// first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.messages("nope").is_empty());
    /// # Ok(()) }
    /// ```
    pub fn messages(&self, conversation_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("messages", "conversationId", conversation_id)
    }

    /// The conversations of a visitor as stored, oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.conversations("nope").is_empty());
    /// # Ok(()) }
    /// ```
    pub fn conversations(&self, visitor_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("conversations", "visitorId", visitor_id)
    }

    /// Turns CSAT collection on or off for a workspace
    /// (`automationSettings.askForRatingEnabled`; off by default). Unknown workspaces are
    /// ignored (with a warning in the log).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_csat_enabled(&mock.workspace_id(), true);
    /// # Ok(()) }
    /// ```
    pub fn set_csat_enabled(&self, workspace_id: &str, enabled: bool) {
        let mut fields = serde_json::Map::new();
        fields.insert("askForRatingEnabled".into(), Value::Bool(enabled));
        self.shared
            .upsert_settings("automationSettings", workspace_id, fields);
    }

    /// Turns the AI agent on or off for a workspace (`aiAgent:getPublicSettings().enabled`;
    /// off by default). When on, `aiAgentActions:generateResponse` inserts a canned bot reply
    /// from `"ai-agent"`; when off it hands the conversation off to a human. Unknown workspaces
    /// are ignored (with a warning in the log).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_ai_enabled(&mock.workspace_id(), true);
    /// # Ok(()) }
    /// ```
    pub fn set_ai_enabled(&self, workspace_id: &str, enabled: bool) {
        let mut fields = serde_json::Map::new();
        fields.insert("enabled".into(), Value::Bool(enabled));
        self.shared
            .upsert_settings("aiAgentSettings", workspace_id, fields);
    }

    /// Makes the next `supportAttachments:finalizeUpload` (that gets past its auth and
    /// file checks) answer `{status: "rejected", message}` and delete the uploaded file, as the
    /// server does for a file it refuses.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.reject_next_finalize("File exceeds 10MB maximum size.");
    /// # Ok(()) }
    /// ```
    pub fn reject_next_finalize(&self, message: &str) {
        self.shared.reject_next_finalize(message);
    }

    /// Accepts (`true`, the default) or refuses (`false`: HTTP 503 before the upgrade)
    /// WebSocket connections on `/api/sync`, so clients have to fall back to HTTP polling.
    /// Sockets already open stay open; see [`drop_ws_connections`](Self::drop_ws_connections).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_ws_enabled(false);
    /// mock.drop_ws_connections();
    /// assert_eq!(mock.ws_connections(), 0);
    /// # Ok(()) }
    /// ```
    pub fn set_ws_enabled(&self, enabled: bool) {
        self.shared.sync.set_enabled(enabled);
    }

    /// The number of open sync WebSockets.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert_eq!(mock.ws_connections(), 0);
    /// # Ok(()) }
    /// ```
    pub fn ws_connections(&self) -> usize {
        self.shared.sync.open_connections()
    }

    /// Closes every open sync WebSocket abruptly (no close frame), as a network loss would.
    /// Clients reconnect (unless [`set_ws_enabled(false)`](Self::set_ws_enabled)). The count
    /// of [`ws_connections`](Self::ws_connections) drops once the sockets are gone.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.drop_ws_connections();
    /// # Ok(()) }
    /// ```
    pub fn drop_ws_connections(&self) {
        self.shared.sync.drop_all();
    }

    /// The PEM of the CA that signed the mock's certificate, when it serves TLS
    /// ([`MockOptions::tls`]); `None` for plain HTTP. Make it a client's only root to test
    /// HTTPS as deployed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert_eq!(mock.ca_pem(), None);
    /// # Ok(()) }
    /// ```
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// The HTTP version of every recorded call, in order (see [`RecordedCall::http_version`]):
    /// over TLS, [`HttpVersion::Http2`] shows the client negotiated `h2`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.http_versions().is_empty());
    /// # Ok(()) }
    /// ```
    pub fn http_versions(&self) -> Vec<HttpVersion> {
        lock(&self.shared.calls)
            .iter()
            .map(|c| c.http_version)
            .collect()
    }

    /// While `true`, upgrade requests on `/api/sync` are accepted at the TCP (and TLS) level
    /// but never answered: the client waits for a `101` that never comes, as behind a proxy
    /// that black-holes WebSockets. Setting it back to `false` cuts the hung connections
    /// (later upgrades are answered normally). Open sockets are not affected.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.hang_ws_upgrade(true);  // a client's connect attempt now times out
    /// mock.hang_ws_upgrade(false);
    /// # Ok(()) }
    /// ```
    pub fn hang_ws_upgrade(&self, hang: bool) {
        self.shared.sync.set_hang_upgrades(hang);
    }

    /// While `true`, every sync socket (open or opened meanwhile) goes silent: no
    /// `Transition`s, no responses, no protocol `Ping`s, no WebSocket ping frames, and nothing
    /// it receives is processed; the socket stays open. A client must notice by its own
    /// inactivity timeout. `false` resumes each socket where it stopped (queued messages are
    /// then handled in order). [`drop_ws_connections`](Self::drop_ws_connections) still drops
    /// stalled sockets.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.stall_ws(true);
    /// mock.stall_ws(false);
    /// # Ok(()) }
    /// ```
    pub fn stall_ws(&self, stalled: bool) {
        self.shared.sync.set_stalled(stalled);
    }

    /// Loses the response of the next mutation sent over a sync socket (of `path`, when
    /// given; `module:function`): the mutation runs and commits, then its socket is dropped
    /// (no close frame) instead of sending the `MutationResponse`. A client that re-sends it
    /// on its new connection with the same `sessionId` and `requestId` gets the original
    /// result, and the mutation does not run twice, as on Convex.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.drop_next_mutation_response(Some("messages:send"));
    /// # Ok(()) }
    /// ```
    pub fn drop_next_mutation_response(&self, path: Option<&str>) {
        self.shared.sync.drop_next_mutation_response(path);
    }
}
