//! The facade: [`ClientBuilder`] → [`OpencomClient`], and its session, visitor and events
//! sub-clients.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opencom_sdk as sdk;

use crate::conversations::ConversationsClient;
use crate::error::OpencomError;
use crate::help_center::HelpCenterClient;
use crate::host::{HostClock, HostStorage, Storage, WallClock};
use crate::listeners::{pump, ConnectionStateListener, Subscription};
use crate::messenger::MessengerClient;
use crate::push::PushClient;
use crate::runtime::{enter, run};
use crate::surveys::SurveyCache;
use crate::tickets::TicketsClient;
use crate::types::{
    to_core_map, AttributeValue, ClientInfo, DeviceInfo, Discovery, ExportSummary, RealtimeMode,
    RetryPolicy, SessionInfo, TrackOutcome, User, Visitor,
};

/// Configures an [`OpencomClient`]. Each setter returns the builder, so calls chain; every
/// setting is checked in [`build`](Self::build), the only fallible step.
///
/// ```text
/// let client = ClientBuilder("https://happy-otter-123.convex.cloud", workspaceId)
///     .origin("https://app.example.com")
///     .storage(KeychainStorage())
///     .build()
/// ```
#[derive(Debug, uniffi::Object)]
pub struct ClientBuilder {
    inner: Mutex<sdk::OpencomBuilder>,
    /// A setter that could not be applied (reported by `build`, so setters keep chaining).
    failed: Mutex<Option<sdk::Error>>,
}

impl ClientBuilder {
    fn with(
        self: Arc<Self>,
        f: impl FnOnce(sdk::OpencomBuilder) -> sdk::OpencomBuilder,
    ) -> Arc<Self> {
        {
            let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let current = guard.clone();
            *guard = f(current);
        }
        self
    }
}

#[uniffi::export]
impl ClientBuilder {
    /// Starts configuring a client for a deployment URL (`https://<name>.convex.cloud`, or a
    /// self-hosted backend; plain http only on localhost) and a workspace id.
    #[uniffi::constructor]
    pub fn new(deployment_url: String, workspace_id: String) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(sdk::Opencom::builder(&deployment_url, &workspace_id)),
            failed: Mutex::new(None),
        })
    }

    /// The origin sent on boot, identify and heartbeat (workspaces with an origin allowlist
    /// reject calls without one).
    pub fn origin(self: Arc<Self>, origin: String) -> Arc<Self> {
        self.with(|b| b.origin(origin))
    }

    /// Overrides the site URL (HTTP actions, discovery).
    pub fn site_url(self: Arc<Self>, url: String) -> Arc<Self> {
        self.with(|b| b.site_url(url))
    }

    /// Client metadata sent at boot.
    pub fn client_info(self: Arc<Self>, info: ClientInfo) -> Arc<Self> {
        self.with(|b| b.client_info(info.into()))
    }

    /// Device information sent at boot and identify.
    pub fn device(self: Arc<Self>, device: DeviceInfo) -> Arc<Self> {
        self.with(|b| b.device(device.into()))
    }

    /// Where the SDK keeps the session and its caches (default: in memory, nothing survives
    /// the process). Give a Keychain/Keystore-backed implementation so the visitor stays signed
    /// in across launches.
    pub fn storage(self: Arc<Self>, storage: Arc<dyn Storage>) -> Arc<Self> {
        self.with(|b| b.storage(Arc::new(HostStorage(storage))))
    }

    /// Keeps the SDK's state in files under `dir` (created if needed; one file per key,
    /// written atomically), for hosts without a secure store of their own. A directory that
    /// cannot be created fails `build` with `Storage`.
    pub fn file_storage(self: Arc<Self>, dir: String) -> Arc<Self> {
        match sdk::FileStorage::new(dir) {
            Ok(storage) => self.with(|b| b.storage(Arc::new(storage))),
            Err(e) => {
                *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.into());
                self
            }
        }
    }

    /// The time source for token expiry (default: the system clock).
    pub fn clock(self: Arc<Self>, clock: Arc<dyn WallClock>) -> Arc<Self> {
        self.with(|b| b.clock(Arc::new(HostClock(clock))))
    }

    /// Per-request timeout (default 15 s).
    pub fn request_timeout(self: Arc<Self>, timeout: Duration) -> Arc<Self> {
        self.with(|b| b.request_timeout(timeout))
    }

    /// TCP/TLS connect timeout (default 10 s).
    pub fn connect_timeout(self: Arc<Self>, timeout: Duration) -> Arc<Self> {
        self.with(|b| b.connect_timeout(timeout))
    }

    /// How failed calls are retried.
    pub fn retry_policy(self: Arc<Self>, policy: RetryPolicy) -> Arc<Self> {
        self.with(|b| b.retry_policy(policy.into()))
    }

    /// How live data arrives (default: WebSocket, polling while it is down).
    pub fn realtime(self: Arc<Self>, mode: RealtimeMode) -> Arc<Self> {
        self.with(|b| b.realtime(mode.into()))
    }

    /// The polling interval of the HTTP fallback (default 3 s).
    pub fn poll_interval(self: Arc<Self>, interval: Duration) -> Arc<Self> {
        self.with(|b| b.poll_interval(interval))
    }

    /// Whether to ask for an AI reply after each visitor message when the workspace's AI agent
    /// is enabled (default true).
    pub fn ai_replies(self: Arc<Self>, enabled: bool) -> Arc<Self> {
        self.with(|b| b.ai_replies(enabled))
    }

    /// How often the presence heartbeat is sent after `start()` (default 30 s; `None`
    /// disables it).
    pub fn heartbeat_interval(self: Arc<Self>, interval: Option<Duration>) -> Arc<Self> {
        self.with(|b| b.heartbeat_interval(interval))
    }

    /// Trusts one more root certificate (PEM text, one or more `CERTIFICATE` blocks) besides
    /// the bundled web roots, for HTTPS and the WebSocket alike: a self-hosted backend behind a
    /// private CA. A PEM that holds no usable certificate fails `build` with `Config` (naming
    /// which call, 0-based).
    pub fn add_root_certificate_pem(self: Arc<Self>, pem: String) -> Arc<Self> {
        self.with(|b| b.add_root_certificate_pem(pem))
    }

    /// Checks the configuration and creates the client (`Config` error when a setting is
    /// wrong). No network call is made. The builder can be reused.
    pub async fn build(&self) -> Result<Arc<OpencomClient>, OpencomError> {
        if let Some(e) = self
            .failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Err(e.into());
        }
        let builder = self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone();
        run(async move {
            let client = builder.build().map_err(sdk::Error::from)?;
            Ok(Arc::new(OpencomClient {
                client,
                surveys: SurveyCache::default(),
            }))
        })
        .await
    }
}

/// The Opencom messenger client for one workspace. Sub-clients per domain: [`session`],
/// [`visitor`], [`events`], [`conversations`], [`help_center`], [`push`], [`tickets`],
/// [`messenger`]. Background work (heartbeat, live queries, the outbox) runs on the SDK's own
/// threads and stops when the client and its sub-clients are released.
///
/// [`session`]: Self::session
/// [`visitor`]: Self::visitor
/// [`events`]: Self::events
/// [`conversations`]: Self::conversations
/// [`help_center`]: Self::help_center
/// [`push`]: Self::push
/// [`tickets`]: Self::tickets
/// [`messenger`]: Self::messenger
#[derive(Debug, uniffi::Object)]
pub struct OpencomClient {
    client: sdk::Opencom,
    /// The surveys this client handed to the host, for `SurveysClient.submit`.
    surveys: SurveyCache,
}

impl OpencomClient {
    /// The core client, for the bindings' other files.
    pub(crate) fn core(&self) -> &sdk::Opencom {
        &self.client
    }

    /// The surveys this client handed to the host (see `surveys.rs`).
    pub(crate) fn survey_cache(&self) -> &SurveyCache {
        &self.surveys
    }
}

#[uniffi::export]
impl OpencomClient {
    /// Restores the stored session — with no network call while its token is valid — or boots
    /// a new one, then starts the heartbeat and resumes unsent messages. Cheap to call again.
    pub async fn start(&self) -> Result<SessionInfo, OpencomError> {
        let c = self.client.clone();
        run(async move { c.start().await }).await
    }

    /// Logs the visitor out: unregisters push, revokes the token, wipes what this client stored
    /// for the workspace, and boots a fresh anonymous visitor.
    pub async fn logout(&self) -> Result<SessionInfo, OpencomError> {
        let c = self.client.clone();
        run(async move { c.logout().await }).await
    }

    /// For an app going to the background: stops the heartbeat, closes the live connection
    /// and tells the server the session ended (`session_end`). Live subscriptions stay
    /// registered and get data again after [`resume`](Self::resume). Nothing happens when
    /// already paused.
    pub async fn pause(&self) {
        let c = self.client.clone();
        // `pause` cannot fail; a runtime that cannot start has nothing to pause.
        let _: Result<(), OpencomError> = run(async move {
            c.pause().await;
            Ok::<(), sdk::Error>(())
        })
        .await;
    }

    /// For an app back in the foreground: refreshes the token when due, tells the server a
    /// session started (`session_start`, only after a `pause`), restarts the heartbeat,
    /// reconnects and re-syncs live data, and resumes a paused outbox.
    pub async fn resume(&self) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.resume().await }).await
    }

    /// Whether the client is paused (between [`pause`](Self::pause) and
    /// [`resume`](Self::resume)).
    pub fn is_paused(&self) -> bool {
        self.client.is_paused()
    }

    /// Session information and control.
    pub fn session(&self) -> Arc<SessionClient> {
        Arc::new(SessionClient {
            client: self.client.clone(),
        })
    }

    /// Visitor identity and profile.
    pub fn visitor(&self) -> Arc<VisitorClient> {
        Arc::new(VisitorClient {
            client: self.client.clone(),
        })
    }

    /// Event tracking.
    pub fn events(&self) -> Arc<EventsClient> {
        Arc::new(EventsClient {
            client: self.client.clone(),
        })
    }

    /// Conversations, messages, attachments, ratings and live data.
    pub fn conversations(&self) -> Arc<ConversationsClient> {
        Arc::new(ConversationsClient {
            client: self.client.clone(),
        })
    }

    /// The help center.
    pub fn help_center(&self) -> Arc<HelpCenterClient> {
        Arc::new(HelpCenterClient {
            client: self.client.clone(),
        })
    }

    /// Push registration.
    pub fn push(&self) -> Arc<PushClient> {
        Arc::new(PushClient {
            client: self.client.clone(),
        })
    }

    /// Tickets.
    pub fn tickets(&self) -> Arc<TicketsClient> {
        Arc::new(TicketsClient {
            client: self.client.clone(),
        })
    }

    /// Messenger configuration.
    pub fn messenger(&self) -> Arc<MessengerClient> {
        Arc::new(MessengerClient {
            client: self.client.clone(),
        })
    }

    /// The live connection's state: the current state first, then every change. The listener
    /// is called from SDK threads; cancel (or drop) the returned subscription to stop.
    pub fn watch_connection_state(
        &self,
        listener: Arc<dyn ConnectionStateListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        pump(self.client.connection_state(), move |state| {
            listener.on_state(state.into())
        })
    }

    /// Writes everything Opencom holds about this visitor (profile, conversations and messages,
    /// tickets, events) as one JSON document to the file at `path`, created or replaced.
    pub async fn export_my_data(&self, path: String) -> Result<ExportSummary, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let mut file =
                tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| sdk::Error::Storage {
                        message: format!("cannot create {path}: {e}"),
                        source: Some(sdk::ErrorSource::new(e)),
                    })?;
            let summary = c.export_my_data(&mut file).await?;
            tokio::io::AsyncWriteExt::flush(&mut file)
                .await
                .map_err(|e| sdk::Error::Storage {
                    message: format!("cannot write {path}: {e}"),
                    source: Some(sdk::ErrorSource::new(e)),
                })?;
            Ok(summary)
        })
        .await
    }

    /// The workspace id this client talks to.
    pub fn workspace_id(&self) -> String {
        self.client.workspace_id().to_owned()
    }

    /// The normalised deployment URL.
    pub fn deployment_url(&self) -> String {
        self.client.deployment_url().to_owned()
    }

    /// The site URL (HTTP actions, discovery).
    pub fn site_url(&self) -> String {
        self.client.site_url().to_owned()
    }

    /// Reads the deployment's `/.well-known/opencom.json`.
    pub async fn discover(&self) -> Result<Discovery, OpencomError> {
        let c = self.client.clone();
        run(async move { c.discover().await }).await
    }

    /// The deployment's metadata (`discovery:getMetadata`), as JSON.
    pub async fn metadata(&self) -> Result<String, OpencomError> {
        let c = self.client.clone();
        run(async move { Ok(c.metadata().await?.to_string()) }).await
    }
}

/// Session information and control: `client.session()`.
#[derive(Debug, uniffi::Object)]
pub struct SessionClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl SessionClient {
    /// The current visitor id (`None` before the session started).
    pub fn visitor_id(&self) -> Option<String> {
        self.client.session().visitor_id()
    }

    /// The persisted, client-generated `sessionId` (`None` before the session started).
    pub fn session_id(&self) -> Option<String> {
        self.client.session().session_id()
    }

    /// Refreshes the token now (normally automatic).
    pub async fn refresh(&self) -> Result<SessionInfo, OpencomError> {
        let c = self.client.clone();
        run(async move { c.session().refresh().await }).await
    }
}

/// Visitor identity and profile: `client.visitor()`.
#[derive(Debug, uniffi::Object)]
pub struct VisitorClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl VisitorClient {
    /// Identifies the visitor. Everything is validated first (custom attributes as the server's
    /// validator, the hash's shape), so bad input fails with `InvalidInput` naming the key,
    /// with no network call. The user is remembered across restarts.
    pub async fn identify(&self, user: User) -> Result<Visitor, OpencomError> {
        let c = self.client.clone();
        run(async move { c.visitor().identify(user.into()).await }).await
    }

    /// The user last identified on this device (kept across restarts), if any.
    pub async fn current_user(&self) -> Result<Option<User>, OpencomError> {
        let c = self.client.clone();
        run(async move { Ok(c.visitor().current_user().await.map(User::from)) }).await
    }

    /// Sends one presence heartbeat now (the client also sends them on an interval).
    pub async fn heartbeat(&self) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.visitor().heartbeat().await }).await
    }
}

/// Event tracking: `client.events()`.
#[derive(Debug, uniffi::Object)]
pub struct EventsClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl EventsClient {
    /// Tracks a named event with properties (strings, numbers, booleans, null, and arrays of
    /// strings/numbers; anything else fails with `InvalidInput` before any network call).
    /// Returns the event id.
    pub async fn track(
        &self,
        name: String,
        properties: HashMap<String, AttributeValue>,
    ) -> Result<String, OpencomError> {
        let c = self.client.clone();
        run(async move { c.events().track(&name, to_core_map(properties)).await }).await
    }

    /// Tracks a screen view. Returns `RateLimited` when the server drops it (not an error).
    pub async fn track_screen(&self, screen_name: String) -> Result<TrackOutcome, OpencomError> {
        let c = self.client.clone();
        run(async move { c.events().track_screen(&screen_name).await }).await
    }
}
