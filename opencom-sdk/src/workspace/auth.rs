//! The agent's Convex Auth tokens: a JWT (1 h) and a single-use refresh token, kept in memory
//! and in [`Storage`], refreshed shortly before expiry with at most one refresh in flight.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::Mutex;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::storage::Storage;
use crate::transport::{fns, ConvexHttp};

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
    /// `{token, refreshToken}` from `auth:signIn`'s `tokens`; `None` for `null`.
    pub(crate) fn from_json(value: &Value) -> Result<Option<Self>> {
        if value.is_null() {
            return Ok(None);
        }
        let field = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(Secret::new)
                .ok_or_else(|| Error::Decode {
                    message: format!("auth:signIn tokens without `{key}`"),
                })
        };
        Ok(Some(Self {
            token: field("token")?,
            refresh_token: field("refreshToken")?,
        }))
    }

    /// The JWT's `exp` in epoch ms, if it decodes.
    pub(crate) fn expires_at_ms(&self) -> Option<f64> {
        jwt_claim(&self.token, "exp").and_then(|v| v.as_f64().map(|s| s * 1000.0))
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

/// The token state shared by every call of one [`crate::WorkspaceClient`]. No `Debug`: the
/// storage it holds may print its contents.
pub(crate) struct TokenManager {
    transport: ConvexHttp,
    storage: Arc<dyn Storage>,
    clock: Arc<dyn Clock>,
    key: String,
    current: RwLock<Option<Tokens>>,
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
        self.storage.set(&self.key, &raw).await?;
        self.write(Some(tokens));
        Ok(())
    }

    /// Forgets the tokens (memory and storage).
    pub(crate) async fn clear(&self) -> Result<()> {
        self.write(None);
        self.storage.remove(&self.key).await?;
        Ok(())
    }

    fn fresh(&self, tokens: &Tokens) -> bool {
        tokens
            .expires_at_ms()
            .is_none_or(|exp| self.clock.now_ms() < exp - REFRESH_LEEWAY_MS)
    }

    /// How long until the JWT must be refreshed (zero: now); `None` when signed out or the
    /// JWT carries no expiry.
    pub(crate) fn refresh_due_in(&self) -> Option<Duration> {
        let tokens = self.read()?;
        let exp = tokens.expires_at_ms()?;
        let left = exp - REFRESH_LEEWAY_MS - self.clock.now_ms();
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
        let mut args = Map::new();
        args.insert("refreshToken".into(), json!(tokens.refresh_token.expose()));
        tracing::debug!("refreshing the workspace JWT");
        let value = self
            .transport
            .call_as(fns::AUTH_SIGN_IN, args, None)
            .await?;
        match Tokens::from_json(value.get("tokens").unwrap_or(&Value::Null))? {
            Some(new) => {
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
