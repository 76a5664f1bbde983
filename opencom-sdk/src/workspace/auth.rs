//! The agent's Convex Auth tokens: a JWT (1 h) and a single-use refresh token, kept in memory
//! and in [`Storage`], refreshed shortly before expiry with at most one refresh in flight.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::storage::Storage;
use crate::transport::ConvexHttp;
use crate::wire::agent::auth::{SignIn, SignInAnswer};
use crate::wire::functions as fns;

/// Refresh this long before the JWT's `exp` (the JS clients' `authRefreshTokenLeewaySeconds`).
pub(crate) const REFRESH_LEEWAY_MS: f64 = 10_000.0;

/// A token pair as stored. `Debug` is safe: both are [`Secret`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tokens {
    pub(crate) token: Secret,
    #[serde(rename = "refreshToken")]
    pub(crate) refresh_token: Secret,
}

impl Tokens {
    /// The JWT's `exp` in epoch ms, if it decodes.
    pub(crate) fn expires_at_ms(&self) -> Option<f64> {
        jwt_claim(&self.token, "exp").and_then(|v| v.as_f64().map(|s| s * 1000.0))
    }

    /// The JWT's lifetime (`exp - iat`) in ms, if both claims decode: the server's own numbers,
    /// whatever the device clock says.
    fn lifetime_ms(&self) -> Option<f64> {
        let iat = jwt_claim(&self.token, "iat").and_then(|v| v.as_f64())?;
        let exp = jwt_claim(&self.token, "exp").and_then(|v| v.as_f64())?;
        (exp > iat).then_some((exp - iat) * 1000.0)
    }

    /// The user id from the JWT's `sub` (`<userId>|<sessionId>`).
    pub(crate) fn user_id(&self) -> Option<String> {
        let sub = jwt_claim(&self.token, "sub")?;
        sub.as_str()?.split('|').next().map(str::to_owned)
    }
}

/// One claim of a JWT's payload (no signature check: the server verifies).
fn jwt_claim(token: &Secret, claim: &str) -> Option<Value> {
    let payload = token.expose().split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get(claim).cloned()
}

/// When the JWT `jwt` runs out on the monotonic clock: `remaining_ms` as of `at`.
struct Deadline {
    jwt: Secret,
    at: Instant,
    remaining_ms: f64,
}

/// The token state shared by every call of one [`crate::WorkspaceClient`]. No `Debug`: the
/// storage it holds may print its contents.
///
/// The JWT's expiry is judged by the monotonic clock ([`Clock::now_instant`]): a JWT that
/// arrived in this process lives `exp - iat` from its arrival, so a device clock that is off
/// neither refreshes on every call nor keeps a dead JWT. A JWT restored from storage is judged
/// once by the wall clock (`exp` against `now_ms`).
pub(crate) struct TokenManager {
    transport: ConvexHttp,
    storage: Arc<dyn Storage>,
    clock: Arc<dyn Clock>,
    key: String,
    current: RwLock<Option<Tokens>>,
    deadline: RwLock<Option<Deadline>>,
    /// Held for the whole of a refresh: refresh tokens are single-use, so never two at once.
    refreshing: Mutex<()>,
}

impl TokenManager {
    pub(crate) fn new(
        transport: ConvexHttp,
        storage: Arc<dyn Storage>,
        clock: Arc<dyn Clock>,
        key: String,
    ) -> Self {
        Self {
            transport,
            storage,
            clock,
            key,
            current: RwLock::new(None),
            deadline: RwLock::new(None),
            refreshing: Mutex::new(()),
        }
    }

    fn read(&self) -> Option<Tokens> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn write(&self, tokens: Option<Tokens>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = tokens;
    }

    /// The tokens in memory (after [`load`](Self::load) or a sign-in).
    pub(crate) fn tokens(&self) -> Option<Tokens> {
        self.read()
    }

    /// Loads stored tokens; true when there were some.
    pub(crate) async fn load(&self) -> Result<bool> {
        let Some(raw) = self.storage.get(&self.key).await? else {
            return Ok(false);
        };
        match serde_json::from_str::<Tokens>(&raw) {
            Ok(tokens) => {
                self.write(Some(tokens));
                Ok(true)
            }
            Err(_) => {
                tracing::warn!("stored workspace tokens are unreadable; discarding them");
                self.storage.remove(&self.key).await?;
                Ok(false)
            }
        }
    }

    /// Keeps and persists a new pair.
    pub(crate) async fn set(&self, tokens: Tokens) -> Result<()> {
        let raw = serde_json::to_string(&tokens).map_err(|e| Error::Decode {
            message: format!("cannot encode tokens: {e}"),
        })?;
        let at = self.clock.now_instant();
        let remaining_ms = tokens
            .lifetime_ms()
            .or_else(|| tokens.expires_at_ms().map(|exp| exp - self.clock.now_ms()));
        self.storage.set(&self.key, &raw).await?;
        *self.deadline.write().unwrap_or_else(|e| e.into_inner()) =
            remaining_ms.map(|remaining_ms| Deadline {
                jwt: tokens.token.clone(),
                at,
                remaining_ms,
            });
        self.write(Some(tokens));
        Ok(())
    }

    /// Forgets the tokens (memory and storage).
    pub(crate) async fn clear(&self) -> Result<()> {
        self.write(None);
        *self.deadline.write().unwrap_or_else(|e| e.into_inner()) = None;
        self.storage.remove(&self.key).await?;
        Ok(())
    }

    /// How long `tokens`' JWT has left, in ms; `None` when it carries no expiry. A JWT without a
    /// deadline (restored from storage) is judged by the wall clock once, and gets one.
    fn remaining_ms(&self, tokens: &Tokens) -> Option<f64> {
        let now = self.clock.now_instant();
        let mut deadline = self.deadline.write().unwrap_or_else(|e| e.into_inner());
        match deadline.as_ref() {
            Some(d) if d.jwt == tokens.token => {
                Some(d.remaining_ms - now.saturating_duration_since(d.at).as_secs_f64() * 1000.0)
            }
            _ => {
                let remaining_ms = tokens.expires_at_ms()? - self.clock.now_ms();
                *deadline = Some(Deadline {
                    jwt: tokens.token.clone(),
                    at: now,
                    remaining_ms,
                });
                Some(remaining_ms)
            }
        }
    }

    fn fresh(&self, tokens: &Tokens) -> bool {
        self.remaining_ms(tokens)
            .is_none_or(|left| left > REFRESH_LEEWAY_MS)
    }

    /// How long until the JWT must be refreshed (zero: now); `None` when signed out or the
    /// JWT carries no expiry.
    pub(crate) fn refresh_due_in(&self) -> Option<Duration> {
        let tokens = self.read()?;
        let left = self.remaining_ms(&tokens)? - REFRESH_LEEWAY_MS;
        Some(if left > 0.0 {
            Duration::from_millis(left as u64)
        } else {
            Duration::ZERO
        })
    }

    /// The JWT to send now: the current one, or a refreshed one when it is about to expire.
    /// Not signed in, or the refresh answered `tokens: null` → [`Error::SessionExpired`].
    pub(crate) async fn bearer(&self) -> Result<Secret> {
        let tokens = self.read().ok_or(Error::SessionExpired)?;
        if self.fresh(&tokens) {
            return Ok(tokens.token);
        }
        self.refresh_from(&tokens.token).await
    }

    /// Refreshes unless someone else already replaced `stale` (single-flight: the calls that
    /// queue behind a refresh reuse its result).
    pub(crate) async fn refresh_from(&self, stale: &Secret) -> Result<Secret> {
        let _guard = self.refreshing.lock().await;
        let tokens = self.read().ok_or(Error::SessionExpired)?;
        if &tokens.token != stale && self.fresh(&tokens) {
            return Ok(tokens.token);
        }
        let args = SignIn {
            provider: None,
            params: None,
            refresh_token: Some(&tokens.refresh_token),
        };
        tracing::debug!("refreshing the workspace JWT");
        let value = self
            .transport
            .call_as(fns::AUTH_SIGN_IN, &args, None)
            .await?;
        let answer: Option<SignInAnswer> = crate::wire::decode(fns::AUTH_SIGN_IN, value)?;
        match answer.and_then(|a| a.tokens) {
            Some(pair) => {
                let new = Tokens {
                    token: pair.token,
                    refresh_token: pair.refresh_token,
                };
                let token = new.token.clone();
                self.set(new).await?;
                Ok(token)
            }
            None => {
                tracing::info!("the refresh token was refused; signed out");
                self.clear().await?;
                Err(Error::SessionExpired)
            }
        }
    }
}
