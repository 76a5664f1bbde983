//! The agent side: [`WorkspaceClient`] signs in with Convex Auth and works the inbox, the
//! visitor directory, tickets, tags and snippets of a workspace (CONTRACT §15). Behind the `workspace` cargo feature (on by
//! default).
//!
//! ```
//! use opencom_sdk::{ConversationStatus, InboxFilter, WorkspaceClient};
//! use futures::TryStreamExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = server_mock::ServerMock::start().await?;
//! # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
//! # let url = mock.url();
//! let client = WorkspaceClient::builder(&url).build()?;
//! let me = client.sign_in_password("ana@example.com", "Passw0rd!").await?;
//! let open: Vec<_> = client
//!     .inbox()
//!     .list(&me.workspace_id, InboxFilter::new().status(ConversationStatus::Open))
//!     .try_collect()
//!     .await?;
//! for conversation in &open {
//!     client.inbox().reply(&conversation.id, "Thanks, looking into it").await?;
//! }
//! client.sign_out().await?;
//! # Ok(())
//! # }
//! ```

mod auth;
mod context;
pub(crate) mod doc;
mod help_center;
mod inbox;
mod live;
mod snippets;
mod tags;
mod tickets;
mod user;
mod visitors;

use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::config::{parse_base_url, BuildError};
use crate::error::{Error, Result};
use crate::realtime::RealtimeMode;
use crate::secret::Secret;
use crate::storage::{MemoryStorage, Storage};
use crate::transport::{ConvexHttp, RetryPolicy, TransportError};
use crate::wire::agent::auth::{self as wire_auth, SignIn, SignInParams};
use crate::wire::functions as fns;
use crate::wire::NoArgs;

use auth::{TokenManager, Tokens};
use context::Context;
pub use help_center::{
    AdminArticle, AdminCollection, ArticleAsset, ArticleDraft, ArticleFilter, ArticleStatus,
    ArticleVisibility, AssetUpload, CollectionDraft, CollectionUpdate, HelpCenterAdminClient,
    ASSET_MIME_TYPES, MAX_ASSET_BYTES,
};
pub use inbox::{AiWorkflowState, InboxClient, InboxConversation, InboxFilter, VisitorSummary};
pub use snippets::{NewSnippet, Snippet, SnippetUpdate, SnippetsClient};
pub use tags::{AppliedTag, Tag, TagUpdate, TagsClient};
pub use tickets::{
    AgentComment, TicketAssignee, TicketFilter, TicketUpdate, WorkspaceTicket,
    WorkspaceTicketComment, WorkspaceTicketDetail, WorkspaceTicketsClient,
};
pub use user::{CurrentUser, WorkspaceMembership};
pub use visitors::{VisitorDirectoryClient, VisitorProfile};

/// Configures a [`WorkspaceClient`]; [`build`](Self::build) validates everything at once.
///
/// ```
/// use opencom_sdk::{MemoryStorage, WorkspaceClient};
/// use std::sync::Arc;
/// let client = WorkspaceClient::builder("https://happy-otter-123.convex.cloud")
///     .storage(Arc::new(MemoryStorage::new()))
///     .build()
///     .unwrap();
/// # let _ = client;
/// assert!(WorkspaceClient::builder("http://example.com").build().is_err());
/// ```
#[derive(Clone)]
pub struct WorkspaceClientBuilder {
    deployment_url: String,
    storage: Arc<dyn Storage>,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    request_timeout: Duration,
    connect_timeout: Duration,
    realtime: RealtimeMode,
    poll_interval: Duration,
    root_pems: Vec<Vec<u8>>,
    max_response_bytes: u64,
}

/// Shows the settings, never the host's storage (whose own `Debug` may print what it holds).
impl std::fmt::Debug for WorkspaceClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceClientBuilder")
            .field("deployment_url", &self.deployment_url)
            .field("retry", &self.retry)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("realtime", &self.realtime)
            .field("poll_interval", &self.poll_interval)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl WorkspaceClientBuilder {
    /// Trusts a private certificate authority (PEM) for calls and the inbox WebSocket, as
    /// [`OpencomBuilder::add_root_certificate_pem`](crate::OpencomBuilder::add_root_certificate_pem)
    /// does; a bad PEM fails [`build`](Self::build) with [`BuildError::InvalidCertificate`].
    ///
    /// ```
    /// # use opencom_sdk::WorkspaceClient;
    /// assert!(WorkspaceClient::builder("https://x.convex.cloud")
    ///     .add_root_certificate_pem(b"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n")
    ///     .build()
    ///     .is_err());
    /// ```
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_pems.push(pem.as_ref().to_vec());
        self
    }

    /// How live inbox updates arrive: a WebSocket subscription authenticated with the JWT
    /// (default), or HTTP polling only. In WebSocket mode the inbox is polled while no socket
    /// can be opened.
    ///
    /// ```
    /// # use opencom_sdk::{RealtimeMode, WorkspaceClient};
    /// let builder = WorkspaceClient::builder("https://x.convex.cloud").realtime(RealtimeMode::Polling);
    /// # let _ = builder;
    /// ```
    pub fn realtime(mut self, mode: RealtimeMode) -> Self {
        self.realtime = mode;
        self
    }

    /// How often the inbox is polled when it is polled (default 5 s; must be > 0).
    ///
    /// ```
    /// # use opencom_sdk::WorkspaceClient;
    /// # use std::time::Duration;
    /// let builder = WorkspaceClient::builder("https://x.convex.cloud").poll_interval(Duration::from_secs(2));
    /// # let _ = builder;
    /// ```
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Where the tokens are kept across restarts (default: in memory). They live under their
    /// own key, `opencom/v1/<deployment>/workspace/tokens`, apart from any visitor session.
    ///
    /// ```
    /// # use opencom_sdk::{MemoryStorage, WorkspaceClient};
    /// # use std::sync::Arc;
    /// let builder = WorkspaceClient::builder("https://x.convex.cloud").storage(Arc::new(MemoryStorage::new()));
    /// # let _ = builder;
    /// ```
    pub fn storage(mut self, storage: Arc<dyn Storage>) -> Self {
        self.storage = storage;
        self
    }

    /// The clock token expiry is judged by (default: the system clock).
    ///
    /// ```
    /// # use opencom_sdk::{SystemClock, WorkspaceClient};
    /// # use std::sync::Arc;
    /// let builder = WorkspaceClient::builder("https://x.convex.cloud").clock(Arc::new(SystemClock));
    /// # let _ = builder;
    /// ```
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Retries of transient failures (default: [`RetryPolicy::default`]).
    ///
    /// ```
    /// # use opencom_sdk::{RetryPolicy, WorkspaceClient};
    /// let builder = WorkspaceClient::builder("https://x.convex.cloud").retry_policy(RetryPolicy::default());
    /// # let _ = builder;
    /// ```
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Per-request timeout (default 15 s; must be > 0).
    ///
    /// ```
    /// # use opencom_sdk::WorkspaceClient;
    /// # use std::time::Duration;
    /// let builder = WorkspaceClient::builder("https://x.convex.cloud").request_timeout(Duration::from_secs(5));
    /// # let _ = builder;
    /// ```
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES), 32 MiB; must be > 0).
    /// Counted as the body streams; a larger answer fails with [`Error::Config`].
    ///
    /// ```
    /// # use opencom_sdk::WorkspaceClient;
    /// let builder = WorkspaceClient::builder("https://x.convex.cloud").max_response_bytes(1 << 20);
    /// # let _ = builder;
    /// assert!(WorkspaceClient::builder("https://x.convex.cloud").max_response_bytes(0).build().is_err());
    /// ```
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Validates the URL (https, plain http only on loopback) and creates the client. No
    /// network call; stored tokens are loaded by [`WorkspaceClient::restore`].
    ///
    /// ```
    /// # use opencom_sdk::WorkspaceClient;
    /// assert!(WorkspaceClient::builder("http://localhost:3210").build().is_ok());
    /// ```
    pub fn build(self) -> std::result::Result<WorkspaceClient, BuildError> {
        let deployment_url = parse_base_url(&self.deployment_url, "deployment")?;
        if self.poll_interval.is_zero() {
            return Err(BuildError::InvalidSetting {
                setting: "poll_interval",
                reason: "must be greater than zero".into(),
            });
        }
        if self.request_timeout.is_zero() {
            return Err(BuildError::InvalidSetting {
                setting: "request_timeout",
                reason: "must be greater than zero".into(),
            });
        }
        if self.max_response_bytes == 0 {
            return Err(BuildError::InvalidSetting {
                setting: "max_response_bytes",
                reason: "must be greater than zero".into(),
            });
        }
        let key = tokens_key(&deployment_url);
        let trust = crate::config::trust_settings(&self.root_pems, false)?;
        let transport = ConvexHttp::new(
            deployment_url,
            self.retry,
            self.request_timeout,
            self.connect_timeout,
            &trust,
        )
        .map_err(|e: TransportError| BuildError::Http(e.to_string()))?
        .with_max_response_bytes(self.max_response_bytes);
        let tokens = Arc::new(TokenManager::new(
            transport.clone(),
            self.storage,
            self.clock,
            key,
        ));
        Ok(WorkspaceClient {
            ctx: Arc::new(Context {
                transport,
                tokens,
                realtime: crate::realtime::Realtime::new(
                    self.realtime,
                    crate::realtime::engine::LiveTimeouts::default(),
                    self.connect_timeout,
                ),
                poll_interval: self.poll_interval,
                reauth: std::sync::Mutex::new(None),
            }),
        })
    }
}

/// The agent/admin client: Convex Auth sign-in, the inbox and the visitor directory.
///
/// Cheap to clone (shared state). Every call sends `Authorization: Bearer <JWT>`; the JWT is
/// refreshed 10 s before it expires, one refresh at a time, and the rotated pair is persisted.
/// When the refresh token is refused the client is signed out and calls fail with
/// [`Error::SessionExpired`]. Permission refusals are [`Error::NotAuthorized`] naming the
/// permission (see [`Error::denied_permission`]). Tokens are [`Secret`]s: never logged, never in
/// `Debug` output.
///
/// See the [module example](crate::workspace) for a tour.
#[derive(Clone)]
pub struct WorkspaceClient {
    ctx: Arc<Context>,
}

/// Shows only whether a user is signed in and who: never the tokens, nor the host's storage
/// (whose own `Debug` may print what it holds).
impl std::fmt::Debug for WorkspaceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceClient")
            .field("signed_in", &self.is_signed_in())
            .field("user_id", &self.user_id())
            .finish_non_exhaustive()
    }
}

impl WorkspaceClient {
    /// Starts configuring a client for a deployment URL.
    ///
    /// ```
    /// # use opencom_sdk::WorkspaceClient;
    /// let client = WorkspaceClient::builder("https://happy-otter-123.convex.cloud").build();
    /// assert!(client.is_ok());
    /// ```
    pub fn builder(deployment_url: &str) -> WorkspaceClientBuilder {
        WorkspaceClientBuilder {
            deployment_url: deployment_url.to_owned(),
            storage: Arc::new(MemoryStorage::new()),
            clock: Arc::new(SystemClock),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(10),
            realtime: RealtimeMode::WebSocket,
            poll_interval: Duration::from_secs(5),
            root_pems: Vec::new(),
            max_response_bytes: crate::config::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Signs in with the password provider (`auth:signIn`, flow `signIn`), stores the tokens
    /// and returns the user. A wrong email or password is [`Error::NotAuthorized`] (on a
    /// production deployment, whose errors are redacted, [`Error::Server`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Admin);
    /// let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// let me = client.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// assert_eq!(me.role, "admin");
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_password(&self, email: &str, password: &str) -> Result<CurrentUser> {
        if email.trim().is_empty() {
            return Err(Error::invalid("email", "must not be empty"));
        }
        if password.is_empty() {
            return Err(Error::invalid("password", "must not be empty"));
        }
        self.sign_in_with(
            "password",
            SignInParams {
                email: email.trim(),
                password: Some(Secret::new(password)),
                flow: Some("signIn"),
                code: None,
            },
        )
        .await
    }

    /// `auth:signIn` with the password provider's or `resend-otp`'s `params`, keeping the
    /// returned tokens.
    async fn sign_in_with(&self, provider: &str, params: SignInParams<'_>) -> Result<CurrentUser> {
        let answer = self.auth_sign_in(provider, params).await?;
        let pair = answer
            .and_then(|a| a.tokens)
            .ok_or_else(|| Error::NotAuthorized {
                message: "sign-in returned no tokens".into(),
            })?;
        self.ctx
            .tokens
            .set(Tokens {
                token: pair.token,
                refresh_token: pair.refresh_token,
            })
            .await?;
        self.current_user().await
    }

    /// `auth:signIn` without a Bearer token (the JWT is what it returns).
    async fn auth_sign_in(
        &self,
        provider: &str,
        params: SignInParams<'_>,
    ) -> Result<Option<wire_auth::SignInAnswer>> {
        self.ctx
            .request_anonymous(&SignIn {
                provider: Some(provider),
                params: Some(params),
                refresh_token: None,
            })
            .await
    }

    /// Emails a one-time sign-in code to `email` (the `resend-otp` provider); finish with
    /// [`verify_code`](Self::verify_code). A new request replaces the previous code.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
    /// let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// client.request_code("ana@example.com").await?;
    /// let code = mock.otp_code("ana@example.com").unwrap_or_default(); // read from the email
    /// assert!(client.verify_code("ana@example.com", "000000x").await.is_err());
    /// let me = client.verify_code("ana@example.com", &code).await?;
    /// assert_eq!(me.email, "ana@example.com");
    /// # Ok(()) }
    /// ```
    pub async fn request_code(&self, email: &str) -> Result<()> {
        if email.trim().is_empty() {
            return Err(Error::invalid("email", "must not be empty"));
        }
        self.auth_sign_in(
            "resend-otp",
            SignInParams {
                email: email.trim(),
                password: None,
                flow: None,
                code: None,
            },
        )
        .await
        .map(drop)
    }

    /// Signs in with the code sent by [`request_code`](Self::request_code) and keeps the
    /// tokens like [`sign_in_password`](Self::sign_in_password). A wrong or expired code is
    /// [`Error::NotAuthorized`].
    pub async fn verify_code(&self, email: &str, code: &str) -> Result<CurrentUser> {
        if email.trim().is_empty() {
            return Err(Error::invalid("email", "must not be empty"));
        }
        let code = code.trim();
        if code.is_empty() {
            return Err(Error::invalid("code", "must not be empty"));
        }
        self.sign_in_with(
            "resend-otp",
            SignInParams {
                email: email.trim(),
                password: None,
                flow: None,
                code: Some(code),
            },
        )
        .await
    }

    /// Uses an existing token pair (e.g. from another process), persisting it. The JWT is
    /// refreshed when needed like one from a sign-in.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Agent);
    /// # let first = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// # first.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// # let (jwt, refresh) = first.token_pair().unwrap();
    /// let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// client.from_tokens(jwt, refresh).await?;
    /// assert_eq!(client.current_user().await?.email, "ana@example.com");
    /// # Ok(()) }
    /// ```
    pub async fn from_tokens(
        &self,
        token: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
    ) -> Result<()> {
        self.ctx
            .tokens
            .set(Tokens {
                token: token.into(),
                refresh_token: refresh_token.into(),
            })
            .await
    }

    /// Loads the tokens kept in storage by an earlier run; true when there were some (no
    /// network call: the next call refreshes them if they are stale).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build()?;
    /// assert!(!client.restore().await?);
    /// # Ok(()) }
    /// ```
    pub async fn restore(&self) -> Result<bool> {
        self.ctx.tokens.load().await
    }

    /// The current `(JWT, refresh token)`, to hand to another process; `None` when signed out.
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// assert!(client.token_pair().is_none());
    /// ```
    pub fn token_pair(&self) -> Option<(Secret, Secret)> {
        self.ctx.tokens.tokens().map(|t| (t.token, t.refresh_token))
    }

    /// Whether a token pair is held (it may still turn out to be revoked).
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// assert!(!client.is_signed_in());
    /// ```
    pub fn is_signed_in(&self) -> bool {
        self.ctx.is_signed_in()
    }

    /// The signed-in user's id (from the JWT, no network call).
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// assert_eq!(client.user_id(), None);
    /// ```
    pub fn user_id(&self) -> Option<String> {
        self.ctx.user_id()
    }

    /// Signs out (`auth:signOut`, which ends the server session and its refresh tokens) and
    /// forgets the tokens, also when the server could not be told.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build()?;
    /// client.sign_out().await?; // signed out already: nothing to do
    /// # Ok(()) }
    /// ```
    pub async fn sign_out(&self) -> Result<()> {
        let result = match self.ctx.tokens.tokens() {
            Some(tokens) => self
                .ctx
                .transport
                .call_as(fns::AUTH_SIGN_OUT, &NoArgs {}, Some(&tokens.token))
                .await
                .map(|_| ()),
            None => Ok(()),
        };
        self.ctx.close_live();
        self.ctx.tokens.clear().await?;
        match result {
            // An expired JWT cannot sign out, but the tokens are gone from here anyway.
            Err(TransportError::Http { status: 401, .. }) => Ok(()),
            other => other.map_err(Error::from),
        }
    }

    /// `auth:currentUser`: who is signed in and their workspaces. The workspace identity
    /// secret that Opencom returns is dropped, never stored or logged.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let mock = server_mock::ServerMock::start().await?;
    /// # mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", server_mock::Role::Viewer);
    /// # let client = opencom_sdk::WorkspaceClient::builder(&mock.url()).build()?;
    /// # client.sign_in_password("ana@example.com", "Passw0rd!").await?;
    /// let me = client.current_user().await?;
    /// assert_eq!(me.workspaces[0].role, "viewer");
    /// # Ok(()) }
    /// ```
    pub async fn current_user(&self) -> Result<CurrentUser> {
        self.ctx
            .request(&wire_auth::CurrentUser::default())
            .await?
            .map(CurrentUser::from)
            .ok_or(Error::SessionExpired)
    }

    /// Makes `workspace_id` the user's active workspace (`auth:switchWorkspace`).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.switch_workspace("k57…").await?;
    /// # Ok(()) }
    /// ```
    pub async fn switch_workspace(&self, workspace_id: &str) -> Result<()> {
        self.ctx
            .request(&wire_auth::SwitchWorkspace { workspace_id })
            .await
            .map(drop)
    }

    /// The inbox: conversations, replies, status, assignment, read state.
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// let inbox = client.inbox();
    /// # let _ = inbox;
    /// ```
    pub fn inbox(&self) -> InboxClient {
        InboxClient::new(Arc::clone(&self.ctx))
    }

    /// The visitor directory: search, list, get.
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// let visitors = client.visitors();
    /// # let _ = visitors;
    /// ```
    pub fn visitors(&self) -> VisitorDirectoryClient {
        VisitorDirectoryClient::new(Arc::clone(&self.ctx))
    }

    /// Tickets: list, read (internal notes included), update, resolve, comment, convert a
    /// conversation.
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// let tickets = client.tickets();
    /// # let _ = tickets;
    /// ```
    pub fn tickets(&self) -> WorkspaceTicketsClient {
        WorkspaceTicketsClient::new(Arc::clone(&self.ctx))
    }

    /// Conversation tags: manage them and apply them to conversations.
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// let tags = client.tags();
    /// # let _ = tags;
    /// ```
    pub fn tags(&self) -> TagsClient {
        TagsClient::new(Arc::clone(&self.ctx))
    }

    /// Saved replies (snippets): list, search, shortcuts, manage.
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// let snippets = client.snippets();
    /// # let _ = snippets;
    /// ```
    pub fn snippets(&self) -> SnippetsClient {
        SnippetsClient::new(Arc::clone(&self.ctx))
    }

    /// Help-center authoring: articles, collections and image assets.
    ///
    /// ```
    /// let client = opencom_sdk::WorkspaceClient::builder("https://x.convex.cloud").build().unwrap();
    /// let help = client.help_center();
    /// # let _ = help;
    /// ```
    pub fn help_center(&self) -> HelpCenterAdminClient {
        HelpCenterAdminClient::new(Arc::clone(&self.ctx))
    }
}

/// Where the agent's tokens are stored: `<deployment namespace>/workspace/tokens`.
fn tokens_key(deployment_url: &url::Url) -> String {
    format!(
        "{}/workspace/tokens",
        crate::config::deployment_namespace(deployment_url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored keys are what installed apps and CLIs already hold: they must not move.
    #[test]
    fn storage_keys_are_pinned() {
        let cases = [
            ("http://127.0.0.1:3210", "opencom/v1/127.0.0.1:3210"),
            ("http://127.0.0.1:3210/", "opencom/v1/127.0.0.1:3210"),
            (
                "https://happy-otter-123.convex.cloud",
                "opencom/v1/happy-otter-123.convex.cloud",
            ),
            ("https://example.com:443/", "opencom/v1/example.com"),
            (
                "https://example.com:8443/api/",
                "opencom/v1/example.com:8443/api",
            ),
        ];
        for (url, prefix) in cases {
            let url = url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(tokens_key(&url), format!("{prefix}/workspace/tokens"));
            assert_eq!(
                crate::config::visitor_namespace(&url, "ws_1"),
                format!("{prefix}/ws_1/")
            );
        }
    }

    #[test]
    fn jwt_claims_are_read_without_verifying() {
        // {"sub":"u1|s1","exp":1700000000}
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"u1|s1","exp":1700000000}"#);
        let tokens = Tokens {
            token: Secret::new(format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig")),
            refresh_token: Secret::new("r|s"),
        };
        assert_eq!(tokens.expires_at_ms(), Some(1_700_000_000_000.0));
        assert_eq!(tokens.user_id().as_deref(), Some("u1"));
        assert!(!format!("{tokens:?}").contains(&payload));
    }

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
}
