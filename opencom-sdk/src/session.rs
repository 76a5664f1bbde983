//! The visitor session: boot, restore from storage, single-flight refresh, transparent re-boot,
//! logout. Every session-bearing call goes through [`SessionManager::call`].

use std::sync::{Arc, RwLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::attributes::AttributeValue;
use crate::client_events::{ClientEvent, EventBus};
use crate::config::{Config, Services};
use crate::error::server_message::{classify, ServerFailure};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::transport::{ConvexHttp, Function, TransportError};
use crate::wire::visitor::widget_sessions::{
    Boot, Booted, ClientFields, Refresh, Refreshed, Revoke, UserFields, ValidateSessionToken,
    Validity,
};
use crate::wire::{self, Call, VisitorAuth, WorkspaceAuth};

/// Refresh when less than this share of the token's lifetime remains (Opencom's
/// `REFRESH_THRESHOLD`).
pub(crate) const REFRESH_THRESHOLD: f64 = 0.25;
/// Treat a token this close to its expiry as expired (clock skew, request time).
const EXPIRY_MARGIN_MS: f64 = 5_000.0;
/// Lifetime assumed when a stored session lacks `issued_at` (Opencom's default).
const DEFAULT_LIFETIME_MS: f64 = 24.0 * 3600.0 * 1000.0;
/// The server clamps a workspace's session lifetime to [1 h, 7 d] (CONTRACT §2): an estimate
/// outside that range means the device clock is off, and is clamped too.
const MIN_LIFETIME_MS: f64 = 3600.0 * 1000.0;
const MAX_LIFETIME_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;

/// When the current token runs out, on the monotonic clock: `remaining_ms` as of `at`, out of a
/// lifetime of `lifetime_ms`. Kept in memory only (an `Instant` means nothing after a restart).
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Instant,
    remaining_ms: f64,
    lifetime_ms: f64,
}

impl Deadline {
    /// A token that just arrived with `expires_at` (server time), its request sent at `sent_at`
    /// when the wall clock read `wall_ms`. The server does not say how long the token lives, so
    /// the lifetime is `expires_at - wall_ms`, clamped to the server's range: a device clock
    /// hours ahead makes the estimate shorter (an early refresh, never a boot per call).
    fn received(sent_at: Instant, wall_ms: f64, expires_at: f64) -> Self {
        let lifetime_ms = (expires_at - wall_ms).clamp(MIN_LIFETIME_MS, MAX_LIFETIME_MS);
        Self {
            at: sent_at,
            remaining_ms: lifetime_ms,
            lifetime_ms,
        }
    }

    fn remaining_at(&self, now: Instant) -> f64 {
        self.remaining_ms - now.saturating_duration_since(self.at).as_secs_f64() * 1000.0
    }
}

/// The identified user as persisted, so a re-boot after expiry keeps the identity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredUser {
    pub(crate) email: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) user_hash: Option<Secret>,
    pub(crate) custom_attributes: Option<Value>,
}

/// What survives a restart. `Debug` is safe: the token is a [`Secret`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredSession {
    pub(crate) session_id: String,
    pub(crate) visitor_id: Option<String>,
    pub(crate) token: Option<Secret>,
    pub(crate) expires_at: Option<f64>,
    pub(crate) issued_at: Option<f64>,
    pub(crate) user: Option<StoredUser>,
}

impl StoredSession {
    fn fresh() -> Self {
        Self {
            session_id: new_session_id(),
            visitor_id: None,
            token: None,
            expires_at: None,
            issued_at: None,
            user: None,
        }
    }
}

fn new_session_id() -> String {
    format!("ses_{:032x}", rand::random::<u128>())
}

/// The credentials one call uses. `generation` identifies the token, so that many calls failing
/// with the same dead token trigger one recovery.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub(crate) visitor_id: String,
    pub(crate) token: Secret,
    pub(crate) session_id: String,
    generation: u64,
}

impl Credentials {
    /// `{visitorId, sessionToken}` for a typed argument struct.
    pub(crate) fn visitor(&self) -> VisitorAuth {
        VisitorAuth {
            visitor_id: self.visitor_id.clone(),
            session_token: self.token.clone(),
        }
    }

    /// `{workspaceId, visitorId, sessionToken}` for a typed argument struct.
    pub(crate) fn workspace<'a>(&self, workspace_id: &'a str) -> WorkspaceAuth<'a> {
        WorkspaceAuth {
            workspace_id,
            visitor: self.visitor(),
        }
    }
}

/// A snapshot of the current session, for the host.
///
/// ```
/// # fn show(info: opencom_sdk::SessionInfo) {
/// println!("visitor {} (restored without network: {})", info.visitor_id, info.restored);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SessionInfo {
    /// The visitor this session belongs to (opaque id).
    pub visitor_id: String,
    /// The client-generated, persisted `sessionId`.
    pub session_id: String,
    /// When the current token expires (epoch ms).
    pub expires_at_ms: f64,
    /// True when the session came from storage without any network call.
    pub restored: bool,
    /// True when stored state was unreadable and was replaced by a fresh session.
    pub discarded_corrupt_state: bool,
}

#[derive(Debug, Default)]
struct State {
    session: Option<StoredSession>,
    /// The current token's deadline; `None` until the token arrived in this process or a
    /// restored token was judged by the wall clock.
    deadline: Option<Deadline>,
    loaded: bool,
    generation: u64,
    discarded_corrupt_state: bool,
}

/// Owns the session state. One async mutex serialises boot/refresh/re-boot (the server deletes
/// the old token on refresh, so two concurrent refreshes would break the session).
#[derive(Debug)]
pub(crate) struct SessionManager {
    config: Arc<Config>,
    transport: ConvexHttp,
    services: Services,
    /// Where `VisitorCreated` and `SessionExpired` are published.
    bus: EventBus,
    state: Mutex<State>,
    snapshot: RwLock<Option<(String, String)>>,
    /// Bumped whenever the token changes (refresh, re-boot, logout): live queries re-subscribe.
    generation_tx: tokio::sync::watch::Sender<u64>,
}

impl SessionManager {
    pub(crate) fn new(
        config: Arc<Config>,
        transport: ConvexHttp,
        services: Services,
        bus: EventBus,
    ) -> Self {
        Self {
            config,
            transport,
            services,
            bus,
            state: Mutex::new(State::default()),
            snapshot: RwLock::new(None),
            generation_tx: tokio::sync::watch::channel(0).0,
        }
    }

    fn bump(&self, st: &mut State) {
        st.generation += 1;
        self.generation_tx.send_replace(st.generation);
    }

    /// Changes whenever the session token changes.
    pub(crate) fn generations(&self) -> tokio::sync::watch::Receiver<u64> {
        self.generation_tx.subscribe()
    }

    /// How long until the current token should be refreshed (zero when unknown).
    pub(crate) async fn refresh_due_in(&self) -> std::time::Duration {
        let st = self.state.lock().await;
        let Some(deadline) = st.deadline else {
            return std::time::Duration::ZERO;
        };
        let due_in_ms =
            deadline.remaining_at(self.instant()) - REFRESH_THRESHOLD * deadline.lifetime_ms;
        std::time::Duration::from_millis((due_in_ms.max(0.0) + 1.0) as u64)
    }

    fn key(&self) -> String {
        format!("{}session", self.config.storage_namespace())
    }

    fn now(&self) -> f64 {
        self.services.clock.now_ms()
    }

    fn instant(&self) -> Instant {
        self.services.clock.now_instant()
    }

    /// The current visitor id, without waiting (None before the first start).
    pub(crate) fn visitor_id(&self) -> Option<String> {
        self.snapshot
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|(v, _)| v.clone()))
    }

    /// The persisted `sessionId`, without waiting.
    pub(crate) fn session_id(&self) -> Option<String> {
        self.snapshot
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|(_, s)| s.clone()))
    }

    fn publish(&self, session: &StoredSession) {
        if let Ok(mut snap) = self.snapshot.write() {
            *snap = session
                .visitor_id
                .clone()
                .map(|v| (v, session.session_id.clone()));
        }
    }

    /// Restores the stored session (no network call when it is still valid) or boots.
    pub(crate) async fn start(&self) -> Result<SessionInfo> {
        let mut st = self.state.lock().await;
        let restored = self.ensure(&mut st).await?;
        Self::info(&st, restored)
    }

    fn info(st: &State, restored: bool) -> Result<SessionInfo> {
        let session = st.session.as_ref().ok_or(Error::SessionExpired)?;
        Ok(SessionInfo {
            visitor_id: session.visitor_id.clone().unwrap_or_default(),
            session_id: session.session_id.clone(),
            expires_at_ms: session.expires_at.unwrap_or_default(),
            restored,
            discarded_corrupt_state: st.discarded_corrupt_state,
        })
    }

    /// Valid credentials, refreshing (single-flight) or booting as needed.
    pub(crate) async fn credentials(&self) -> Result<Credentials> {
        let mut st = self.state.lock().await;
        self.ensure(&mut st).await?;
        Self::credentials_of(&st)
    }

    fn credentials_of(st: &State) -> Result<Credentials> {
        let session = st.session.as_ref().ok_or(Error::SessionExpired)?;
        match (&session.visitor_id, &session.token) {
            (Some(visitor_id), Some(token)) => Ok(Credentials {
                visitor_id: visitor_id.clone(),
                token: token.clone(),
                session_id: session.session_id.clone(),
                generation: st.generation,
            }),
            _ => Err(Error::SessionExpired),
        }
    }

    /// Brings the state to "valid token". Returns true when nothing had to be sent.
    ///
    /// A token that arrived in this process is judged by the monotonic clock (time elapsed since
    /// it arrived against the lifetime the server gave it). A token restored from storage has no
    /// `Instant`: it is judged once by the wall clock (`expiresAt` against `now_ms`), and from
    /// then on by the monotonic clock as well.
    async fn ensure(&self, st: &mut State) -> Result<bool> {
        if !st.loaded {
            self.load(st).await?;
        }
        let session = st.session.get_or_insert_with(StoredSession::fresh);
        let (Some(_), Some(expires_at), Some(_)) =
            (&session.token, session.expires_at, &session.visitor_id)
        else {
            self.boot(st).await?;
            return Ok(false);
        };
        let issued_at = session.issued_at;
        let deadline = *st.deadline.get_or_insert_with(|| {
            let lifetime_ms = issued_at
                .map(|issued| expires_at - issued)
                .filter(|l| *l > 0.0)
                .unwrap_or(DEFAULT_LIFETIME_MS);
            Deadline {
                at: self.instant(),
                remaining_ms: expires_at - self.now(),
                lifetime_ms,
            }
        });
        let remaining = deadline.remaining_at(self.instant());
        if remaining <= EXPIRY_MARGIN_MS {
            self.boot(st).await?;
            return Ok(false);
        }
        if remaining < REFRESH_THRESHOLD * deadline.lifetime_ms {
            self.refresh(st).await?;
            return Ok(false);
        }
        Ok(true)
    }

    async fn load(&self, st: &mut State) -> Result<()> {
        let raw = match self.services.storage.get(&self.key()).await {
            Ok(raw) => raw,
            Err(crate::storage::StorageError::Corrupt { .. }) => {
                tracing::warn!("stored session is corrupt; starting a fresh session");
                st.discarded_corrupt_state = true;
                None
            }
            Err(e) => return Err(e.into()),
        };
        st.session = match raw.map(|r| serde_json::from_str::<StoredSession>(&r)) {
            Some(Ok(session)) => Some(session),
            Some(Err(_)) => {
                tracing::warn!("stored session cannot be decoded; starting a fresh session");
                st.discarded_corrupt_state = true;
                None
            }
            None => None,
        };
        if let Some(session) = &st.session {
            self.publish(session);
        }
        st.loaded = true;
        Ok(())
    }

    async fn persist(&self, session: &StoredSession) {
        self.publish(session);
        let saved = match serde_json::to_string(session) {
            Ok(json) => self.services.storage.set(&self.key(), &json).await,
            Err(e) => Err(crate::storage::StorageError::Io {
                message: e.to_string(),
                source: Some(crate::error_source::ErrorSource::new(e)),
            }),
        };
        if let Err(e) = saved {
            // The session stays valid in memory; the next start will boot again.
            tracing::warn!(error = %e, "could not persist the session");
        }
    }

    /// `widgetSessions:boot`, keeping the visitor (`existingVisitorId`) and the identified user.
    async fn boot(&self, st: &mut State) -> Result<()> {
        let session = st.session.get_or_insert_with(StoredSession::fresh).clone();
        let cfg = &self.config;
        let args = Boot {
            workspace_id: &cfg.workspace_id,
            session_id: &session.session_id,
            existing_visitor_id: session.visitor_id.as_deref(),
            user: session
                .user
                .as_ref()
                .map(StoredUser::wire_fields)
                .unwrap_or_default(),
            client: ClientFields::from_config(cfg),
        };
        let (sent_at, sent_wall) = (self.instant(), self.now());
        let value = self
            .transport
            .call(Boot::FUNCTION, &args)
            .await
            .map_err(Error::from)?;
        let booted: Booted = wire::decode(Boot::FUNCTION, value)?;
        let (visitor_id, token, expires_at) =
            (booted.visitor.id, booted.session_token, booted.expires_at);
        tracing::info!(visitor_id = visitor_id.as_str(), "session booted");
        if session.visitor_id.as_deref() != Some(visitor_id.as_str()) {
            self.bus.publish(ClientEvent::VisitorCreated {
                visitor_id: visitor_id.clone(),
            });
        }
        let updated = StoredSession {
            visitor_id: Some(visitor_id),
            token: Some(token),
            expires_at: Some(expires_at),
            issued_at: Some(sent_wall),
            ..session
        };
        self.persist(&updated).await;
        st.session = Some(updated);
        st.deadline = Some(Deadline::received(sent_at, sent_wall, expires_at));
        self.bump(st);
        Ok(())
    }

    /// `widgetSessions:refresh` (only `sessionToken`). A dead token leads to a re-boot; a
    /// transient failure keeps the still-valid old token.
    async fn refresh(&self, st: &mut State) -> Result<()> {
        let Some(session) = st.session.clone() else {
            return self.boot(st).await;
        };
        let Some(token) = &session.token else {
            return self.boot(st).await;
        };
        let args = Refresh {
            session_token: token.clone(),
        };
        let (sent_at, sent_wall) = (self.instant(), self.now());
        match self.transport.call(Refresh::FUNCTION, &args).await {
            Ok(value) => {
                let Refreshed {
                    session_token: token,
                    expires_at,
                } = wire::decode(Refresh::FUNCTION, value)?;
                let updated = StoredSession {
                    token: Some(token),
                    expires_at: Some(expires_at),
                    issued_at: Some(sent_wall),
                    ..session
                };
                tracing::debug!("session token refreshed");
                self.persist(&updated).await;
                st.session = Some(updated);
                st.deadline = Some(Deadline::received(sent_at, sent_wall, expires_at));
                self.bump(st);
                Ok(())
            }
            Err(TransportError::Function { message }) => {
                tracing::info!(reason = %message, "refresh refused; re-booting");
                self.boot(st).await
            }
            Err(e) => {
                // The old token is still valid (we only refresh before expiry): keep going.
                tracing::warn!(error = %e, "refresh failed; keeping the current token");
                Ok(())
            }
        }
    }

    /// Recovers from a dead token seen by a call made with `generation`. Many concurrent calls
    /// failing with the same token cause one re-boot.
    async fn recover(&self, generation: u64) -> Result<()> {
        let mut st = self.state.lock().await;
        if st.generation != generation {
            return Ok(());
        }
        tracing::info!("session token is no longer valid; re-booting");
        self.boot(&mut st).await
    }

    /// Asks the server whether the token is still valid (never throws server-side). When the
    /// question itself fails we assume valid, so a network blip never throws a session away.
    async fn token_is_valid(&self, creds: &Credentials) -> bool {
        let args = ValidateSessionToken {
            workspace_id: &self.config.workspace_id,
            session_token: creds.token.clone(),
            visitor_id: Some(creds.visitor_id.clone()),
        };
        let answer = match self
            .transport
            .call(ValidateSessionToken::FUNCTION, &args)
            .await
        {
            Ok(value) => wire::decode::<Validity>(ValidateSessionToken::FUNCTION, value),
            Err(e) => Err(e.into()),
        };
        match answer {
            Ok(validity) => validity.valid,
            Err(_) => true,
        }
    }

    /// Runs a session-bearing call. On a session failure (by text, or, when the text is redacted,
    /// by asking `validateSessionToken`) it re-boots once and repeats the call: a function that
    /// threw wrote nothing, so repeating it cannot duplicate anything.
    pub(crate) async fn call<F, A>(&self, function: Function, build_args: F) -> Result<Value>
    where
        F: Fn(&Credentials) -> A + Send + Sync,
        A: Serialize,
    {
        // Only the argument building is generic: the call and its recovery are one function
        // for every call (the library stays small however many functions there are).
        let build = |creds: &Credentials| {
            serde_json::to_value(build_args(creds)).map_err(|e| Error::Decode {
                message: format!("cannot encode the arguments of {}: {e}", function.path),
            })
        };
        self.call_value(function, &build).await
    }

    async fn call_value(
        &self,
        function: Function,
        build_args: &(dyn Fn(&Credentials) -> Result<Value> + Send + Sync),
    ) -> Result<Value> {
        let creds = self.credentials().await?;
        let first = self.transport.call(function, &build_args(&creds)?).await;
        let message = match first {
            Ok(value) => return Ok(value),
            Err(TransportError::Function { message }) => message,
            Err(other) => return Err(other.into()),
        };
        self.after_failure(&creds, &message).await?;
        let creds = self.credentials().await?;
        self.transport
            .call(function, &build_args(&creds)?)
            .await
            .map_err(|e| match e {
                TransportError::Function { message } => match classify(&message) {
                    // A fresh session still mismatching: the call named another tenant's data.
                    mismatch if mismatch.is_mismatch() => mismatch.with_valid_token(),
                    ServerFailure::Session(_) => {
                        self.bus.publish(ClientEvent::SessionExpired);
                        Error::SessionExpired
                    }
                    other => other.into(),
                },
                other => other.into(),
            })
    }

    /// [`call`](Self::call) for a typed [`Call`]: the arguments are built from the credentials
    /// and the response is decoded into the call's output.
    pub(crate) async fn request<C, F>(&self, build_args: F) -> Result<C::Output>
    where
        C: Call,
        F: Fn(&Credentials) -> C + Send + Sync,
    {
        let value = self.call(C::FUNCTION, build_args).await?;
        wire::decode(C::FUNCTION, value)
    }

    /// Decides what a function failure seen with `creds` means. `Ok(())`: the session was dead
    /// and has been replaced, repeat the call. `Err`: the mapped error to report.
    pub(crate) async fn after_failure(&self, creds: &Credentials, message: &str) -> Result<()> {
        let failure = classify(message);
        // "Session token does not match workspace/visitor" with a token that is valid for this
        // client's own workspace and visitor is about the data named (another tenant's), not
        // about the session: asked, not assumed, so no re-boot follows a refusal.
        let certain = matches!(failure, ServerFailure::Session(_)) && !failure.is_mismatch();
        let dead =
            failure.may_be_session_problem() && (certain || !self.token_is_valid(creds).await);
        if !dead {
            return Err(failure.with_valid_token());
        }
        self.recover(creds.generation).await
    }

    /// Records the result of a successful `visitors:identify`: the (possibly merged) visitor id
    /// and the user, so a later re-boot keeps them.
    pub(crate) async fn adopt_identity(&self, visitor_id: &str, user: StoredUser) {
        let mut st = self.state.lock().await;
        let Some(session) = st.session.as_mut() else {
            return;
        };
        if session.visitor_id.as_deref() != Some(visitor_id) {
            tracing::info!(
                visitor_id,
                "visitor merged by email; adopting the canonical visitor"
            );
        }
        session.visitor_id = Some(visitor_id.to_owned());
        session.user = Some(user);
        let snapshot = session.clone();
        self.persist(&snapshot).await;
    }

    /// The identified user, if any.
    pub(crate) async fn stored_user(&self) -> Option<StoredUser> {
        self.state
            .lock()
            .await
            .session
            .as_ref()
            .and_then(|s| s.user.clone())
    }

    /// Revokes the token, wipes everything stored for this workspace and boots a fresh anonymous
    /// visitor with a new `sessionId`.
    pub(crate) async fn logout(&self) -> Result<SessionInfo> {
        let mut st = self.state.lock().await;
        if !st.loaded {
            self.load(&mut st).await?;
        }
        if let Some(token) = st.session.as_ref().and_then(|s| s.token.clone()) {
            let args = Revoke {
                session_token: token,
            };
            if let Err(e) = self.transport.call(Revoke::FUNCTION, &args).await {
                // The token dies by expiry anyway; nothing of it is kept locally.
                tracing::warn!(error = %e, "could not revoke the session token");
            }
        }
        let prefix = self.config.storage_namespace();
        for key in self.services.storage.keys(&prefix).await? {
            self.services.storage.remove(&key).await?;
        }
        st.session = Some(StoredSession::fresh());
        st.deadline = None;
        self.bump(&mut st);
        if let Ok(mut snap) = self.snapshot.write() {
            *snap = None;
        }
        self.boot(&mut st).await?;
        Self::info(&st, false)
    }

    /// Forces a refresh now (for hosts that know the app was suspended for long).
    pub(crate) async fn refresh_now(&self) -> Result<SessionInfo> {
        let mut st = self.state.lock().await;
        self.ensure(&mut st).await?;
        self.refresh(&mut st).await?;
        Self::info(&st, false)
    }
}

impl StoredUser {
    /// The profile fields `boot` and `identify` send. Custom attributes only when they are a
    /// non-empty object.
    pub(crate) fn wire_fields(&self) -> UserFields<'_> {
        UserFields {
            email: self.email.as_deref(),
            name: self.name.as_deref(),
            external_user_id: self.user_id.as_deref(),
            user_hash: self.user_hash.as_ref(),
            custom_attributes: self
                .custom_attributes
                .as_ref()
                .filter(|attrs| attrs.as_object().is_some_and(|m| !m.is_empty())),
        }
    }

    pub(crate) fn custom_attributes(&self) -> crate::Attributes {
        match self
            .custom_attributes
            .as_ref()
            .map(AttributeValue::from_json)
        {
            Some(AttributeValue::Map(map)) => map,
            _ => crate::Attributes::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_user_becomes_the_profile_fields_of_boot_and_identify() {
        let user = StoredUser {
            email: Some("a@b.c".into()),
            name: None,
            user_id: Some("u1".into()),
            user_hash: Some(Secret::new("ab".repeat(32))),
            custom_attributes: Some(serde_json::json!({"plan": "pro"})),
        };
        assert_eq!(
            serde_json::to_value(user.wire_fields()).unwrap(),
            serde_json::json!({"email": "a@b.c", "externalUserId": "u1",
                "userHash": "ab".repeat(32), "customAttributes": {"plan": "pro"}})
        );
        let empty_attributes = StoredUser {
            custom_attributes: Some(serde_json::json!({})),
            ..StoredUser::default()
        };
        assert_eq!(
            serde_json::to_value(empty_attributes.wire_fields()).unwrap(),
            serde_json::json!({})
        );
    }
}
