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
        /// The error underneath (an `std::io::Error`, the host's own), when there is one.
        #[source]
        source: Option<crate::error_source::ErrorSource>,
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
///
/// `Debug` prints the number of keys, never the values (they hold the session token):
///
/// ```
/// use opencom_sdk::{MemoryStorage, Storage};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let storage = MemoryStorage::new();
/// storage.set("opencom/session", "wst_0123456789").await.unwrap();
/// assert_eq!(format!("{storage:?}"), "MemoryStorage { keys: 1, .. }");
/// # });
/// ```
#[derive(Default)]
pub struct MemoryStorage {
    values: Mutex<BTreeMap<String, String>>,
}

impl std::fmt::Debug for MemoryStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStorage")
            .field("keys", &self.lock().len())
            .finish_non_exhaustive()
    }
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
/// On unix the directory is made `0700` (also when it already existed) and every file is
/// created `0600`: the files hold the session token. File names encode the keys, so
/// [`keys`](Storage::keys) lists them without opening any file.
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
    /// Uses (and creates if needed) `dir`; on unix its mode is set to `0700`.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let dir = dir.into();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            // Created private from the start (no window with the umask's mode).
            builder.mode(0o700);
        }
        builder.create(&dir).map_err(|e| io_error(&dir, e))?;
        #[cfg(unix)]
        {
            // An existing directory (an older version's, or the host's) is tightened.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| io_error(&dir, e))?;
        }
        Ok(Self { dir })
    }

    /// The directory holding the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_for(&self, key: &str) -> PathBuf {
        self.dir.join(file_name_for(key))
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
                source: Some(crate::error_source::ErrorSource::new(e)),
            })?
    }
}

/// The file name of a key: ASCII letters, digits, `-` and `.` as they are, every other byte as
/// `_xx` (so `_` itself is always escaped and the name decodes back to exactly one key).
fn file_name_for(key: &str) -> String {
    let mut name = String::with_capacity(key.len() + 5);
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.') {
            name.push(byte as char);
        } else {
            name.push_str(&format!("_{byte:02x}"));
        }
    }
    name.push_str(".json");
    name
}

/// The key a file name encodes, or `None` for a name [`file_name_for`] cannot have produced
/// (temporary files, foreign files).
fn key_for_file_name(name: &str) -> Option<String> {
    let encoded = name.strip_suffix(".json")?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'_' {
            let hex = tail.get(..2)?;
            let hex = std::str::from_utf8(hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    let key = String::from_utf8(bytes).ok()?;
    // Only the canonical spelling (lower-case hex, nothing escaped needlessly) is ours.
    (file_name_for(&key) == name).then_some(key)
}

/// Replaces the file at `path` with `bytes` atomically: a reader (or the next start after a
/// crash) finds the old content or the new one, never a mix.
///
/// The bytes go to a temporary file (`.tmp-<random>`) in the same directory, which is flushed
/// to disk (`fsync`) and renamed over `path`; the directory is then flushed too, so the rename
/// itself survives a crash. On unix a newly written file has mode `0600` (owner only), since the
/// SDK's files hold session tokens. The directory must exist. On failure the temporary file is
/// removed and `path` is left as it was.
///
/// [`FileStorage`] writes every value this way; hosts keeping their own small files (the
/// `opencom` CLI's token file, for one) can reuse it.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("tokens.json");
/// opencom_sdk::write_atomic(&path, br#"{"url":"https://example.convex.cloud"}"#)?;
/// opencom_sdk::write_atomic(&path, b"{}")?;
/// assert_eq!(std::fs::read(&path)?, b"{}");
/// #[cfg(unix)]
/// {
///     use std::os::unix::fs::PermissionsExt;
///     assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let tmp = dir.join(format!(".tmp-{:016x}", rand::random::<u64>()));
    let write = || -> std::io::Result<()> {
        let mut file = create_private(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable (not possible everywhere, e.g. on Windows).
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Creates (truncating) a file that only its owner can read and write.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

fn io_error(path: &Path, err: std::io::Error) -> StorageError {
    StorageError::Io {
        message: format!("{}: {err}", path.display()),
        source: Some(crate::error_source::ErrorSource::new(err)),
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
            source: None,
        })?;
        self.blocking(move |_| write_atomic(&path, &record).map_err(|e| io_error(&path, e)))
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
            // Names only: no file is opened (a file that cannot be read still lists, and a
            // listing never reads the values).
            let mut keys: Vec<String> = entries
                .flatten()
                .filter_map(|entry| key_for_file_name(entry.file_name().to_str()?))
                .filter(|key| key.starts_with(&prefix))
                .collect();
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
    async fn an_io_failure_keeps_the_io_error_as_its_source() {
        use std::error::Error as _;
        let dir = tempfile::tempdir().unwrap();
        // A regular file where the storage directory should be: nothing can be created there.
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, "x").unwrap();
        let err = match FileStorage::new(blocker.join("store")) {
            Err(e) => e,
            Ok(storage) => storage.set("a/b", "1").await.unwrap_err(),
        };
        assert!(
            matches!(
                err,
                StorageError::Io {
                    source: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
        let source = err.source().expect("the io error is the source");
        assert!(!source.to_string().is_empty());
        // And the public error keeps the storage error in its chain.
        let public = crate::Error::from(err.clone());
        assert_eq!(public.source().unwrap().to_string(), err.to_string());
    }

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

    #[test]
    fn write_atomic_replaces_privately_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("tokens.json")]);
        // A failed write (no such directory) leaves no file and reports the error.
        let missing = dir.path().join("absent").join("x.json");
        assert!(write_atomic(&missing, b"x").is_err());
        assert!(!missing.exists());
    }

    #[test]
    fn file_names_decode_to_exactly_their_key() {
        for key in [
            "opencom/v1/127.0.0.1:3210/ws/session",
            "a_b",
            "ü/é",
            "",
            "-.x",
        ] {
            let name = file_name_for(key);
            assert_eq!(key_for_file_name(&name).as_deref(), Some(key), "{name}");
        }
        for foreign in [
            ".tmp-00ff",
            "x.txt",
            "a_b.json",
            "a_5F.json",
            "a_5.json",
            "a_zz.json",
        ] {
            assert_eq!(key_for_file_name(foreign), None, "{foreign}");
        }
    }

    /// Listing reads names, not contents: an unreadable entry still lists, and a record whose
    /// inner key disagrees with its name lists under its name.
    #[tokio::test]
    async fn keys_are_listed_without_reading_any_file() {
        let dir = tempfile::tempdir().unwrap();
        let storage = FileStorage::new(dir.path()).unwrap();
        storage.set("opencom/a", "1").await.unwrap();
        // A directory where a value file would be: any attempt to read it fails (even as root).
        std::fs::create_dir(storage.path_for("opencom/b")).unwrap();
        // A file nobody may read (when not running as root).
        let c = storage.path_for("opencom/c");
        std::fs::write(&c, b"{}").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&c, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        assert_eq!(
            storage.keys("opencom/").await.unwrap(),
            vec!["opencom/a", "opencom/b", "opencom/c"]
        );
        assert!(storage.get("opencom/b").await.is_err());
        assert_eq!(storage.keys("other/").await.unwrap(), Vec::<String>::new());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn files_are_0600_in_a_0700_directory() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("new/opencom");
        let storage = FileStorage::new(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        storage
            .set("opencom/x/session", "wst_secret")
            .await
            .unwrap();
        assert_eq!(mode(&storage.path_for("opencom/x/session")), 0o600);
        // Rewriting replaces the file, still 0600.
        storage.set("opencom/x/session", "wst_other").await.unwrap();
        assert_eq!(mode(&storage.path_for("opencom/x/session")), 0o600);

        // An existing, too open directory is tightened; a file an older version left 0644 is
        // 0600 once written again.
        let old = parent.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        let storage = FileStorage::new(&old).unwrap();
        assert_eq!(mode(&old), 0o700);
        let legacy = storage.path_for("k");
        std::fs::write(&legacy, br#"{"v":1,"key":"k","value":"v"}"#).unwrap();
        std::fs::set_permissions(&legacy, std::fs::Permissions::from_mode(0o644)).unwrap();
        storage.set("k", "v2").await.unwrap();
        assert_eq!(mode(&legacy), 0o600);
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
