//! Storage as a host service: where the SDK keeps the session (and, later, its cache and outbox).
//!
//! A mobile host can implement [`Storage`] over the Keychain / Keystore. Two implementations
//! ship: [`MemoryStorage`] (nothing survives the process) and [`FileStorage`] (one file per key,
//! written atomically).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use async_trait::async_trait;

/// Why a storage operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The backing store could not be read or written.
    #[error("storage I/O failed: {message}")]
    Io {
        /// What failed.
        message: String,
    },
    /// A stored value exists but cannot be read back (truncated or foreign file).
    #[error("stored value for `{key}` is corrupt")]
    Corrupt {
        /// The key whose value is unreadable.
        key: String,
    },
}

/// An async key-value store for SDK state. Keys are `/`-separated ASCII paths; values are
/// UTF-8 strings (the SDK stores JSON).
///
/// Implementations must make `set` atomic: a reader sees the old value or the new one, never a
/// mix, even across a crash.
///
/// ```
/// use opencom_sdk::{MemoryStorage, Storage};
/// # tokio_test_block_on(async {
/// let storage = MemoryStorage::new();
/// storage.set("a/b", "1").await.unwrap();
/// assert_eq!(storage.get("a/b").await.unwrap().as_deref(), Some("1"));
/// assert_eq!(storage.keys("a/").await.unwrap(), vec!["a/b".to_string()]);
/// storage.remove("a/b").await.unwrap();
/// assert_eq!(storage.get("a/b").await.unwrap(), None);
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[async_trait]
pub trait Storage: Send + Sync + Debug {
    /// Reads a value; `Ok(None)` when the key is absent.
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Writes a value atomically, replacing any previous one.
    async fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Deletes a value; deleting an absent key succeeds.
    async fn remove(&self, key: &str) -> Result<(), StorageError>;
    /// Lists the keys that start with `prefix`, sorted.
    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError>;
}

/// In-memory storage: state lives as long as the value.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    values: Mutex<BTreeMap<String, String>>,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        // A poisoned lock only means another thread panicked mid-insert of a whole String;
        // the map itself is still consistent.
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl Storage for MemoryStorage {
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.lock().get(key).cloned())
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.lock().insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    async fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.lock().remove(key);
        Ok(())
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        Ok(self
            .lock()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }
}

/// File storage: one file per key in a directory, written atomically (temporary file, `fsync`,
/// rename, `fsync` of the directory). A file that cannot be decoded is reported as
/// [`StorageError::Corrupt`] (the SDK then starts a fresh session), never a panic.
///
/// ```no_run
/// use std::sync::Arc;
/// use opencom_sdk::{FileStorage, Opencom};
/// let storage = Arc::new(FileStorage::new("/var/lib/my-app/opencom")?);
/// let client = Opencom::builder("https://happy-otter-123.convex.cloud", "workspace-id")
///     .storage(storage)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FileStorage {
    dir: PathBuf,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct FileRecord {
    v: u32,
    key: String,
    value: String,
}

impl FileStorage {
    /// Uses (and creates if needed) `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        Ok(Self { dir })
    }

    /// The directory holding the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_for(&self, key: &str) -> PathBuf {
        let mut name = String::with_capacity(key.len() + 5);
        for byte in key.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.') {
                name.push(byte as char);
            } else {
                name.push_str(&format!("_{byte:02x}"));
            }
        }
        name.push_str(".json");
        self.dir.join(name)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(PathBuf) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || work(dir))
            .await
            .map_err(|e| StorageError::Io {
                message: format!("storage task failed: {e}"),
            })?
    }
}

fn io_error(path: &Path, err: std::io::Error) -> StorageError {
    StorageError::Io {
        message: format!("{}: {err}", path.display()),
    }
}

fn read_record(path: &Path, key: &str) -> Result<Option<String>, StorageError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path, e)),
    };
    match serde_json::from_slice::<FileRecord>(&bytes) {
        Ok(record) if record.v == 1 && record.key == key => Ok(Some(record.value)),
        _ => Err(StorageError::Corrupt {
            key: key.to_owned(),
        }),
    }
}

#[async_trait]
impl Storage for FileStorage {
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        let path = self.path_for(key);
        let key = key.to_owned();
        self.blocking(move |_| read_record(&path, &key)).await
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let path = self.path_for(key);
        let record = serde_json::to_vec(&FileRecord {
            v: 1,
            key: key.to_owned(),
            value: value.to_owned(),
        })
        .map_err(|e| StorageError::Io {
            message: format!("cannot encode value: {e}"),
        })?;
        self.blocking(move |dir| {
            let tmp = dir.join(format!(".tmp-{:016x}", rand::random::<u64>()));
            let write = || -> std::io::Result<()> {
                let mut file = std::fs::File::create(&tmp)?;
                file.write_all(&record)?;
                file.sync_all()?;
                std::fs::rename(&tmp, &path)?;
                // Make the rename itself durable.
                if let Ok(d) = std::fs::File::open(&dir) {
                    let _ = d.sync_all();
                }
                Ok(())
            };
            write().map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                io_error(&path, e)
            })
        })
        .await
    }

    async fn remove(&self, key: &str) -> Result<(), StorageError> {
        let path = self.path_for(key);
        self.blocking(move |_| match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(&path, e)),
        })
        .await
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let prefix = prefix.to_owned();
        self.blocking(move |dir| {
            let entries = std::fs::read_dir(&dir).map_err(|e| io_error(&dir, e))?;
            let mut keys = Vec::new();
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                // The key is inside the record; a corrupt file has no readable key and is skipped.
                if let Ok(bytes) = std::fs::read(&path) {
                    if let Ok(record) = serde_json::from_slice::<FileRecord>(&bytes) {
                        if record.key.starts_with(&prefix) {
                            keys.push(record.key);
                        }
                    }
                }
            }
            keys.sort();
            Ok(keys)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_storage_round_trips_and_lists() {
        let dir = tempfile::tempdir().unwrap();
        let storage = FileStorage::new(dir.path()).unwrap();
        assert_eq!(storage.get("opencom/x/session").await.unwrap(), None);
        storage.set("opencom/x/session", "{\"a\":1}").await.unwrap();
        storage.set("opencom/x/other", "2").await.unwrap();
        storage.set("elsewhere", "3").await.unwrap();
        assert_eq!(
            storage.get("opencom/x/session").await.unwrap().as_deref(),
            Some("{\"a\":1}")
        );
        assert_eq!(
            storage.keys("opencom/").await.unwrap(),
            vec![
                "opencom/x/other".to_string(),
                "opencom/x/session".to_string()
            ]
        );
        storage.remove("opencom/x/session").await.unwrap();
        storage.remove("opencom/x/session").await.unwrap();
        assert_eq!(storage.get("opencom/x/session").await.unwrap(), None);
        // No temporary files are left behind.
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[tokio::test]
    async fn corrupt_files_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let storage = FileStorage::new(dir.path()).unwrap();
        storage.set("k", "v").await.unwrap();
        let path = storage.path_for("k");
        std::fs::write(&path, b"{\"v\":1,\"key\":\"k\",\"val").unwrap();
        assert_eq!(
            storage.get("k").await,
            Err(StorageError::Corrupt { key: "k".into() })
        );
        std::fs::write(&path, [0xff, 0x00, 0x13]).unwrap();
        assert!(matches!(
            storage.get("k").await,
            Err(StorageError::Corrupt { .. })
        ));
        // Writing again repairs it.
        storage.set("k", "fresh").await.unwrap();
        assert_eq!(storage.get("k").await.unwrap().as_deref(), Some("fresh"));
    }
}
