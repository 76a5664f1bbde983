//! The client facade: [`Opencom`], its builder, and the background heartbeat.

use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::Value;

use crate::ai_agent::AiAgentClient;
use crate::client_events::{ClientEvents, EventBus};
use crate::clock::Clock;
use crate::config::{
    check_workspace_id, derive_site_url, parse_base_url, parse_origin, BuildError, ClientInfo,
    Config, DeviceInfo, Services,
};
use crate::context::Context;
use crate::conversations::outbox::Outbox;
use crate::conversations::ConversationsClient;
use crate::engagement::carousels::CarouselsClient;
use crate::engagement::impressions::ImpressionLog;
use crate::engagement::outbound::OutboundClient;
use crate::engagement::surveys::SurveysClient;
use crate::engagement::{ChecklistsClient, ToursClient};
use crate::error::Result;
use crate::events::EventsClient;
use crate::export::ExportSummary;
use crate::help_center::HelpCenterClient;
use crate::messenger::{ConfigCache, MessengerClient};
use crate::push::PushClient;
use crate::realtime::{ConnectionState, Realtime, RealtimeMode};
use crate::session::{SessionInfo, SessionManager};
use crate::storage::Storage;
use crate::task::TaskGuard;
use crate::tickets::TicketsClient;
use crate::transport::{ConvexHttp, RetryPolicy, TransportError};
use crate::visitor::VisitorClient;
use crate::wire::functions as fns;

/// Builds an [`Opencom`] client. Every setting is checked in [`build`](Self::build), which is the
/// only fallible step.
///
/// ```
/// use std::time::Duration;
/// use opencom_sdk::{DeviceInfo, Opencom, RetryPolicy};
/// let client = Opencom::builder("https://happy-otter-123.convex.cloud", "workspace-id")
///     .origin("https://app.example.com")
///     .device(DeviceInfo { platform: Some("ios".into()), ..Default::default() })
///     .request_timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::default().max_attempts(5))
///     .heartbeat_interval(Some(Duration::from_secs(30)))
///     .build()?;
/// assert_eq!(client.workspace_id(), "workspace-id");
///
/// let err = Opencom::builder("http://example.com", "ws").build().unwrap_err();
/// assert!(err.to_string().contains("https"));
/// # Ok::<(), opencom_sdk::BuildError>(())
/// ```
#[derive(Clone)]
#[must_use = "call build() to get a client"]
pub struct OpencomBuilder {
    deployment_url: String,
    workspace_id: String,
    site_url: Option<String>,
    origin: Option<String>,
    client: ClientInfo,
    device: Option<DeviceInfo>,
    services: Services,
    request_timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    heartbeat_interval: Option<Duration>,
    realtime: RealtimeMode,
    poll_interval: Duration,
    ai_replies: bool,
    root_pems: Vec<Vec<u8>>,
    platform_verifier: bool,
    handshake_timeout: Duration,
    live_timeouts: crate::realtime::engine::LiveTimeouts,
    max_response_bytes: u64,
}

/// Shows the settings, never the host's storage (whose own `Debug` may print what it holds).
impl fmt::Debug for OpencomBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpencomBuilder")
            .field("deployment_url", &self.deployment_url)
            .field("workspace_id", &self.workspace_id)
            .field("site_url", &self.site_url)
            .field("origin", &self.origin)
            .field("client", &self.client)
            .field("device", &self.device)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("realtime", &self.realtime)
            .field("poll_interval", &self.poll_interval)
            .field("ai_replies", &self.ai_replies)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl OpencomBuilder {
    fn new(deployment_url: &str, workspace_id: &str) -> Self {
        Self {
            deployment_url: deployment_url.to_owned(),
            workspace_id: workspace_id.to_owned(),
            site_url: None,
            origin: None,
            client: ClientInfo::default(),
            device: None,
            services: Services::default(),
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            heartbeat_interval: Some(Duration::from_secs(30)),
            realtime: RealtimeMode::default(),
            poll_interval: Duration::from_secs(3),
            ai_replies: true,
            root_pems: Vec::new(),
            platform_verifier: false,
            handshake_timeout: Duration::from_secs(10),
            live_timeouts: crate::realtime::engine::LiveTimeouts::default(),
            max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// How long the WebSocket's TLS handshake and upgrade may take once TCP is connected
    /// (default 10 s); a proxy that never answers the upgrade makes the streams poll meanwhile.
    pub fn websocket_handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// How long an open WebSocket may stay silent (no update, no ping) before it is treated as
    /// dead and reopened, the streams polling meanwhile (default 30 s, as the official clients;
    /// the server pings every 5 s). The client pings a quiet socket at half this interval, at
    /// most every 15 s.
    pub fn websocket_inactivity_timeout(mut self, timeout: Duration) -> Self {
        self.live_timeouts.inactivity = timeout;
        self.live_timeouts.keepalive = (timeout / 2).min(Duration::from_secs(15));
        self
    }

    /// Trusts a private certificate authority (PEM, one or more `CERTIFICATE` blocks) in
    /// addition to the default roots: a self-hosted deployment behind an internal CA, or a
    /// corporate TLS proxy. The same roots serve function calls, uploads and the WebSocket.
    /// A PEM that holds no usable certificate makes [`build`](Self::build) fail with
    /// [`BuildError::InvalidCertificate`].
    ///
    /// ```
    /// use opencom_sdk::{BuildError, Opencom};
    /// let err = Opencom::builder("https://selfhosted.example.com", "ws")
    ///     .add_root_certificate_pem("not a certificate")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, BuildError::InvalidCertificate { index: 0, .. }));
    /// ```
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_pems.push(pem.as_ref().to_vec());
        self
    }

    /// Verifies servers with the operating system's trust store (Keychain, Android's system
    /// store, the distribution's CA bundle) instead of the bundled webpki roots; roots added with
    /// [`add_root_certificate_pem`](Self::add_root_certificate_pem) are trusted as well (except
    /// on Android, where a private CA belongs in the app's network security config). On Android
    /// the app must initialise `rustls-platform-verifier` with a `Context` first (README).
    #[cfg(feature = "platform-verifier")]
    pub fn use_platform_verifier(mut self, enabled: bool) -> Self {
        self.platform_verifier = enabled;
        self
    }

    /// The origin sent on boot, identify and heartbeat. Workspaces with an origin allowlist
    /// reject calls without one.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// Overrides the site URL (HTTP actions, discovery). By default `*.convex.cloud` becomes
    /// `*.convex.site`, and any other host keeps the deployment URL.
    pub fn site_url(mut self, url: impl Into<String>) -> Self {
        self.site_url = Some(url.into());
        self
    }

    /// Client metadata sent at boot.
    pub fn client_info(mut self, info: ClientInfo) -> Self {
        self.client = info;
        self
    }

    /// Device information sent at boot and identify.
    pub fn device(mut self, device: DeviceInfo) -> Self {
        self.device = Some(device);
        self
    }

    /// Where the session is kept (default: in memory). Use [`crate::FileStorage`] or your own
    /// Keychain/Keystore-backed [`Storage`] so the session survives restarts.
    pub fn storage(mut self, storage: Arc<dyn Storage>) -> Self {
        self.services.storage = storage;
        self
    }

    /// The time source used for token expiry (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.services.clock = clock;
        self
    }

    /// Per-request timeout (default 15 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// TCP/TLS connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed calls are retried (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How live data arrives: WebSocket subscriptions (default, polling while the socket is
    /// down) or HTTP polling only.
    pub fn realtime(mut self, mode: RealtimeMode) -> Self {
        self.realtime = mode;
        self
    }

    /// The polling interval of the HTTP fallback (default 3 s).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Whether to ask for an AI reply after each visitor message when the workspace's AI agent
    /// is enabled, as Opencom's web widget does (default true).
    pub fn ai_replies(mut self, enabled: bool) -> Self {
        self.ai_replies = enabled;
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES), 32 MiB; must be > 0).
    /// The body is counted as it streams (a `Content-Length` is not trusted); a larger answer
    /// fails with [`Error::Config`] naming this setting.
    ///
    /// ```
    /// let client = opencom_sdk::Opencom::builder("https://happy-otter-123.convex.cloud", "ws")
    ///     .max_response_bytes(64 * 1024 * 1024)
    ///     .build()?;
    /// # let _ = client;
    /// assert!(opencom_sdk::Opencom::builder("https://x.convex.cloud", "ws")
    ///     .max_response_bytes(0)
    ///     .build()
    ///     .is_err());
    /// # Ok::<(), opencom_sdk::BuildError>(())
    /// ```
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How often `visitors:heartbeat` is sent while the client lives (default 30 s; `None`
    /// disables it).
    pub fn heartbeat_interval(mut self, interval: Option<Duration>) -> Self {
        self.heartbeat_interval = interval;
        self
    }

    /// Checks the configuration and creates the client. No network call is made.
    pub fn build(self) -> std::result::Result<Opencom, BuildError> {
        let deployment_url = parse_base_url(&self.deployment_url, "deployment")?;
        let site_url = match &self.site_url {
            Some(site) => parse_base_url(site, "site")?,
            None => derive_site_url(&deployment_url),
        };
        check_workspace_id(&self.workspace_id)?;
        let origin = self.origin.as_deref().map(parse_origin).transpose()?;
        for (setting, value) in [
            ("request_timeout", Some(self.request_timeout)),
            ("connect_timeout", Some(self.connect_timeout)),
            ("heartbeat_interval", self.heartbeat_interval),
            ("poll_interval", Some(self.poll_interval)),
            ("websocket_handshake_timeout", Some(self.handshake_timeout)),
            (
                "websocket_inactivity_timeout",
                Some(self.live_timeouts.inactivity),
            ),
        ] {
            if value.is_some_and(|d| d.is_zero()) {
                return Err(BuildError::InvalidSetting {
                    setting,
                    reason: "must be greater than zero".into(),
                });
            }
        }
        if self.max_response_bytes == 0 {
            return Err(BuildError::InvalidSetting {
                setting: "max_response_bytes",
                reason: "must be greater than zero".into(),
            });
        }
        let config = Arc::new(Config {
            deployment_url: deployment_url.clone(),
            site_url,
            workspace_id: self.workspace_id.trim().to_owned(),
            origin,
            client: self.client,
            device: self.device,
            request_timeout: self.request_timeout,
            heartbeat_interval: self.heartbeat_interval,
            realtime: self.realtime,
            poll_interval: self.poll_interval,
            ai_replies: self.ai_replies,
        });
        let trust = crate::config::trust_settings(&self.root_pems, self.platform_verifier)?;
        let transport = ConvexHttp::new(
            deployment_url,
            self.retry,
            self.request_timeout,
            self.connect_timeout,
            &trust,
        )
        .map_err(|e: TransportError| BuildError::Http(e.to_string()))?
        .with_max_response_bytes(self.max_response_bytes);
        let bus = EventBus::default();
        let session = SessionManager::new(
            Arc::clone(&config),
            transport.clone(),
            self.services.clone(),
            bus.clone(),
        );
        let ctx = Arc::new(Context {
            realtime: Realtime::new(config.realtime, self.live_timeouts, self.handshake_timeout),
            config,
            services: self.services,
            transport,
            session,
            bus,
        });
        Ok(Opencom {
            inner: Arc::new(Inner {
                ctx,
                outbox: Outbox::new(),
                messenger: ConfigCache::default(),
                heartbeat: Mutex::new(None),
                pump: Default::default(),
                impressions: ImpressionLog::default(),
            }),
        })
    }
}

/// What every clone of [`Opencom`] shares: the context (the lower layers) and the state of the
/// domains that keep any (the outbox, the messenger's configuration cache), which the facade
/// owns and hands to their sub-clients. No module below the facade imports it.
struct Inner {
    ctx: Arc<Context>,
    outbox: Arc<Outbox>,
    messenger: ConfigCache,
    heartbeat: Mutex<Option<TaskGuard>>,
    /// Feeds `events_stream` from the live queries while anyone listens.
    pump: crate::event_pump::Pump,
    /// The survey, carousel and outbound impressions recorded in this session (each once).
    impressions: ImpressionLog,
}

/// The Opencom messenger client for one workspace. Cheap to clone; background work (the
/// heartbeat) stops when the last clone is dropped.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use opencom_sdk::{Opencom, User};
/// let client = Opencom::builder("https://happy-otter-123.convex.cloud", "workspace-id").build()?;
/// let session = client.start().await?;
/// client.visitor().identify(User::new().email("jane@example.com")).await?;
/// client.events().track("signed_in", Default::default()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Opencom {
    inner: Arc<Inner>,
}

impl fmt::Debug for Opencom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.ctx.describe("Opencom", f)
    }
}

/// `Debug` for the sub-clients (`client.visitor()`, …): [`Context::describe`] under their name.
macro_rules! sub_client_debug {
    ($($client:ident),* $(,)?) => {$(
        impl fmt::Debug for $client<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.ctx.describe(stringify!($client), f)
            }
        }
    )*};
}

sub_client_debug!(
    SessionClient,
    VisitorClient,
    EventsClient,
    ConversationsClient,
    PushClient,
    TicketsClient,
    MessengerClient,
    HelpCenterClient,
    SurveysClient,
    CarouselsClient,
    OutboundClient,
    ChecklistsClient,
    ToursClient,
    AiAgentClient,
);

impl Opencom {
    /// Starts configuring a client for a deployment URL (`https://<name>.convex.cloud`, or a
    /// self-hosted backend; plain http only on localhost) and a workspace id.
    pub fn builder(deployment_url: &str, workspace_id: &str) -> OpencomBuilder {
        OpencomBuilder::new(deployment_url, workspace_id)
    }

    /// Restores the stored session — with **no network call** while its token is valid — or
    /// boots a new one, then starts the heartbeat. Calling it again is cheap. Other calls start
    /// the session themselves if needed, but only `start` runs the heartbeat.
    pub async fn start(&self) -> Result<SessionInfo> {
        let info = self.inner.ctx.session.start().await?;
        self.spawn_heartbeat();
        self.inner.outbox.load(&self.inner.ctx).await?;
        Ok(info)
    }

    fn spawn_heartbeat(&self) {
        let Some(interval) = self.inner.ctx.config.heartbeat_interval else {
            return;
        };
        let Ok(mut slot) = self.inner.heartbeat.lock() else {
            return;
        };
        if slot.is_some() {
            return;
        }
        let weak: Weak<Context> = Arc::downgrade(&self.inner.ctx);
        let task = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticker.tick().await; // the first tick is immediate; boot already said we're here
            loop {
                ticker.tick().await;
                let Some(ctx) = weak.upgrade() else { break };
                if let Err(e) = (VisitorClient { ctx: &ctx }).heartbeat().await {
                    tracing::debug!(error = %e, "heartbeat failed");
                }
            }
        });
        *slot = Some(TaskGuard::new(task));
    }

    /// The app went to the background: stops the heartbeat (the visitor stops showing online),
    /// closes the WebSocket and stops polling (the battery is spared), and sends the
    /// `session_end` auto event. Live streams stay open and quiet; queued messages stay queued.
    /// Idempotent.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// client.pause().await;   // AppState "background"
    /// client.resume().await?; // AppState "active"
    /// # Ok(()) }
    /// ```
    pub async fn pause(&self) {
        if !self.inner.ctx.realtime.pause() {
            return;
        }
        if let Ok(mut slot) = self.inner.heartbeat.lock() {
            slot.take();
        }
        if self.inner.ctx.session.visitor_id().is_some() {
            if let Err(e) = self.events().track_lifecycle("session_end").await {
                tracing::debug!(error = %e, "could not send session_end");
            }
        }
    }

    /// The app is in the foreground again: refreshes the session when due, sends the
    /// `session_start` auto event, restarts the heartbeat, reconnects the WebSocket and re-syncs
    /// every open live stream from a fresh snapshot, and resumes a paused outbox. Idempotent.
    pub async fn resume(&self) -> Result<()> {
        let was_paused = self.inner.ctx.realtime.resume();
        // Refreshes first when the token is due (or re-boots when it expired meanwhile).
        self.inner.ctx.session.credentials().await?;
        if was_paused {
            if let Err(e) = self.events().track_lifecycle("session_start").await {
                tracing::debug!(error = %e, "could not send session_start");
            }
        }
        self.spawn_heartbeat();
        self.inner.outbox.resume(&self.inner.ctx).await;
        Ok(())
    }

    /// Whether the client is paused ([`pause`](Self::pause) without a later
    /// [`resume`](Self::resume)).
    pub fn is_paused(&self) -> bool {
        self.inner.ctx.realtime.is_paused()
    }

    /// Session information and control: `client.session()`.
    pub fn session(&self) -> SessionClient<'_> {
        SessionClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Visitor identity and profile: `client.visitor()`.
    pub fn visitor(&self) -> VisitorClient<'_> {
        VisitorClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Event tracking: `client.events()`.
    pub fn events(&self) -> EventsClient<'_> {
        EventsClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Logs the visitor out: revokes the token, wipes everything this client stored for the
    /// workspace, and boots a fresh anonymous visitor with a new `sessionId`. Nothing of the
    /// previous visitor is reachable from this client afterwards.
    pub async fn logout(&self) -> Result<SessionInfo> {
        // This device must stop receiving the old visitor's notifications.
        if let Err(e) = self.push().unregister().await {
            tracing::warn!(error = %e, "could not unregister the push token at logout");
        }
        // Unsent messages belong to the visitor who is leaving: they are dropped with the rest.
        self.inner.outbox.reset();
        self.inner.messenger.clear();
        self.inner.impressions.clear();
        self.inner.ctx.session.logout().await
    }

    /// The help center: `client.help_center()`.
    pub fn help_center(&self) -> HelpCenterClient<'_> {
        HelpCenterClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Surveys: `client.surveys()`.
    pub fn surveys(&self) -> SurveysClient<'_> {
        SurveysClient {
            ctx: &self.inner.ctx,
            impressions: &self.inner.impressions,
        }
    }

    /// Carousels: `client.carousels()`.
    pub fn carousels(&self) -> CarouselsClient<'_> {
        CarouselsClient {
            ctx: &self.inner.ctx,
            impressions: &self.inner.impressions,
        }
    }

    /// Outbound messages (chats, posts, banners): `client.outbound()`.
    pub fn outbound(&self) -> OutboundClient<'_> {
        OutboundClient {
            ctx: &self.inner.ctx,
            impressions: &self.inner.impressions,
        }
    }

    /// Push registration: `client.push()`.
    pub fn push(&self) -> PushClient<'_> {
        PushClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Tickets: `client.tickets()`.
    pub fn tickets(&self) -> TicketsClient<'_> {
        TicketsClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Onboarding checklists and their progress: `client.checklists()`.
    pub fn checklists(&self) -> ChecklistsClient<'_> {
        ChecklistsClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Product tours and the visitor's progress through them: `client.tours()`.
    pub fn tours(&self) -> ToursClient<'_> {
        ToursClient {
            ctx: &self.inner.ctx,
        }
    }

    /// The AI agent's answers, feedback and handoff to a human: `client.ai_agent()`.
    pub fn ai_agent(&self) -> AiAgentClient<'_> {
        AiAgentClient {
            ctx: &self.inner.ctx,
        }
    }

    /// Messenger configuration: `client.messenger()`.
    pub fn messenger(&self) -> MessengerClient<'_> {
        MessengerClient {
            ctx: &self.inner.ctx,
            cache: &self.inner.messenger,
        }
    }

    /// Writes everything Opencom holds about this visitor as one JSON document: the profile and
    /// custom attributes, every conversation with its messages and attachment metadata, tickets
    /// with their public comments, and the visitor's events. It is written conversation by
    /// conversation, so a long history is never held in memory twice.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut file = tokio::fs::File::create("my-opencom-data.json").await?;
    /// let summary = client.export_my_data(&mut file).await?;
    /// println!("{} conversations, {} messages", summary.conversations, summary.messages);
    /// # Ok(()) }
    /// ```
    pub async fn export_my_data<W>(&self, writer: &mut W) -> Result<ExportSummary>
    where
        W: tokio::io::AsyncWrite + Unpin,
    {
        crate::export::export(&self.inner.ctx, writer).await
    }

    /// Conversations, messages, attachments, ratings and live streams: `client.conversations()`.
    pub fn conversations(&self) -> ConversationsClient<'_> {
        ConversationsClient {
            ctx: &self.inner.ctx,
            outbox: &self.inner.outbox,
        }
    }

    /// The client's typed events ([`ClientEvent`](crate::ClientEvent)) from now on: visitor
    /// created and identified, conversation created, message sent, failed and received, unread
    /// changed, connection changed, session expired, events tracked, surveys and outbound
    /// messages shown. While any stream is open, the client watches the unread count, the
    /// conversation list and the connection (one live query each on the shared socket): the
    /// first events report the current unread total and connection state.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) {
    /// use futures::StreamExt;
    /// use opencom_sdk::ClientEvent;
    /// let mut events = client.events_stream();
    /// while let Some(event) = events.next().await {
    ///     if let ClientEvent::UnreadChanged { total } = event {
    ///         println!("badge: {total}");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn events_stream(&self) -> ClientEvents {
        self.inner.pump.events(&self.inner.ctx, &self.inner.outbox)
    }

    /// The live connection's state: the current state first, then every change.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) {
    /// use futures::StreamExt;
    /// let mut states = client.connection_state();
    /// while let Some(state) = states.next().await {
    ///     println!("{state:?}");
    /// }
    /// # }
    /// ```
    pub fn connection_state(
        &self,
    ) -> impl futures::Stream<Item = ConnectionState> + Send + Unpin + 'static {
        crate::realtime::state_stream(self.inner.ctx.realtime.state())
    }

    /// The workspace id this client talks to.
    pub fn workspace_id(&self) -> &str {
        &self.inner.ctx.config.workspace_id
    }

    /// The normalised deployment URL.
    pub fn deployment_url(&self) -> &str {
        self.inner.ctx.config.deployment_url.as_str()
    }

    /// The site URL (HTTP actions, discovery).
    pub fn site_url(&self) -> &str {
        self.inner.ctx.config.site_url.as_str()
    }

    /// Reads `GET {site}/.well-known/opencom.json` (no `Origin` header, as a native client).
    pub async fn discover(&self) -> Result<crate::Discovery> {
        crate::discovery::discover(&self.inner.ctx).await
    }

    /// Reads `discovery:getMetadata` over the functions API: the deployment's metadata object
    /// (`{version, name, features, ..}`). An answer that is not an object is an
    /// [`Error::Decode`](crate::Error::Decode).
    pub async fn metadata(&self) -> Result<Value> {
        let value = self
            .inner
            .ctx
            .transport
            .call(fns::DISCOVERY_METADATA, &crate::wire::NoArgs {})
            .await?;
        let metadata: serde_json::Map<String, Value> =
            crate::wire::decode(fns::DISCOVERY_METADATA, value)?;
        Ok(Value::Object(metadata))
    }
}

/// Session information and control: `client.session()`.
#[derive(Clone, Copy)]
pub struct SessionClient<'a> {
    ctx: &'a Arc<Context>,
}

impl SessionClient<'_> {
    /// The current visitor id (None before the session started).
    pub fn visitor_id(&self) -> Option<String> {
        self.ctx.session.visitor_id()
    }

    /// The persisted, client-generated `sessionId` (None before the session started).
    pub fn session_id(&self) -> Option<String> {
        self.ctx.session.session_id()
    }

    /// Refreshes the token now, whatever its age (normally automatic).
    pub async fn refresh(&self) -> Result<SessionInfo> {
        self.ctx.session.refresh_now().await
    }
}
