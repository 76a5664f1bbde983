//! Host services implemented in Swift/Kotlin/Python: [`Storage`] and [`WallClock`], and the adapters
//! that hand them to the core as `opencom_sdk::Storage` / `opencom_sdk::Clock`.

use std::fmt;
use std::sync::Arc;

use crate::error::StorageError;

/// Where the SDK keeps its state (the visitor session, offline caches, the outbox). Implement
/// it over the Keychain (iOS) or the Keystore / EncryptedSharedPreferences (Android) so the
/// session token never sits in plain files, and so that the session survives app restarts.
///
/// Keys are `/`-separated ASCII paths; values are UTF-8 strings (the SDK stores JSON). `set`
/// must be atomic: a reader sees the old value or the new one, never a mix. The SDK calls these
/// methods from its own threads; they may suspend.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    /// Reads a value; `None` when the key is absent.
    async fn get(&self, key: String) -> Result<Option<String>, StorageError>;
    /// Writes a value atomically, replacing any previous one.
    async fn set(&self, key: String, value: String) -> Result<(), StorageError>;
    /// Deletes a value; deleting an absent key succeeds.
    async fn remove(&self, key: String) -> Result<(), StorageError>;
    /// Lists the keys that start with `prefix`, sorted.
    async fn keys(&self, prefix: String) -> Result<Vec<String>, StorageError>;
}

/// A host [`Storage`] seen by the core.
pub(crate) struct HostStorage(pub(crate) Arc<dyn Storage>);

impl fmt::Debug for HostStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostStorage")
    }
}

#[async_trait::async_trait]
impl opencom_sdk::Storage for HostStorage {
    async fn get(&self, key: &str) -> Result<Option<String>, opencom_sdk::StorageError> {
        Ok(self.0.get(key.to_owned()).await?)
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), opencom_sdk::StorageError> {
        Ok(self.0.set(key.to_owned(), value.to_owned()).await?)
    }

    async fn remove(&self, key: &str) -> Result<(), opencom_sdk::StorageError> {
        Ok(self.0.remove(key.to_owned()).await?)
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, opencom_sdk::StorageError> {
        Ok(self.0.keys(prefix.to_owned()).await?)
    }
}

/// A source of "now" in epoch milliseconds, used for token expiry. The default is the system
/// clock; hosts with a trusted time source (or tests) can supply their own. Called from SDK
/// threads; it must be cheap and must not block.
#[uniffi::export(with_foreign)]
pub trait WallClock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
}

/// A host [`WallClock`] seen by the core.
pub(crate) struct HostClock(pub(crate) Arc<dyn WallClock>);

impl fmt::Debug for HostClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostClock")
    }
}

impl opencom_sdk::Clock for HostClock {
    fn now_ms(&self) -> f64 {
        // A host clock that throws must not take the SDK down: fall back to the system clock.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.now_ms())).unwrap_or_else(
            |_| {
                tracing::warn!("the host clock failed; using the system clock");
                opencom_sdk::SystemClock.now_ms()
            },
        )
    }
}
