//! SDK logs for the host: a [`LogSink`] receives batches of records, filtered by level on the
//! Rust side before anything crosses the boundary.
//!
//! Records come from `tracing`: this crate installs a minimal process-wide subscriber the first
//! time [`set_log_sink`] is called. SDK records (`opencom_*` targets) pass at the chosen level;
//! records of the libraries underneath (HTTP, TLS, WebSocket) pass at `Warn` and above only. The
//! SDK never logs a credential (tokens and hashes print as `wst_…(redacted)`), so neither does
//! the sink.
//!
//! Delivery is asynchronous: a dedicated thread batches records (up to 64 per call) and calls the
//! sink, so a slow sink never slows the SDK down, and a sink may call back into the SDK. When
//! more than 1024 records are waiting, new ones are dropped.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

use crate::error::OpencomError;

const QUEUE: usize = 1024;
const BATCH: usize = 64;

/// How much to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    /// Failures.
    Error,
    /// Things that may need attention.
    Warn,
    /// Milestones (session started, …).
    Info,
    /// Details for debugging.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    fn rank(self) -> u8 {
        match self {
            LogLevel::Error => 1,
            LogLevel::Warn => 2,
            LogLevel::Info => 3,
            LogLevel::Debug => 4,
            LogLevel::Trace => 5,
        }
    }

    fn of(level: &Level) -> Self {
        match *level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }
}

/// One log record.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LogRecord {
    /// Its level.
    pub level: LogLevel,
    /// Where it comes from (a Rust module path such as `opencom_sdk::session`).
    pub target: String,
    /// The message, followed by its fields as `key=value`.
    pub message: String,
}

/// Receives the SDK's log records, in batches, from a dedicated SDK thread. Forward them to
/// `os_log`, Logcat, or your logging library.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// A batch of records, oldest first.
    fn log(&self, records: Vec<LogRecord>);
}

/// Sends SDK logs at `level` and above to `sink`, replacing any previous sink. Fails with
/// `Config` when the process already has another global `tracing` subscriber.
#[uniffi::export]
pub fn set_log_sink(sink: Arc<dyn LogSink>, level: LogLevel) -> Result<(), OpencomError> {
    let state = install()?;
    let (tx, rx) = sync_channel(QUEUE);
    std::thread::Builder::new()
        .name("opencom-log".into())
        .spawn(move || drain(rx, sink))
        .map_err(|e| OpencomError::Internal {
            detail: format!("cannot start the log thread: {e}"),
        })?;
    // Dropping the previous sender ends the previous thread once it has delivered its queue.
    *lock(&state.sender) = Some(tx);
    state.level.store(level.rank(), Ordering::SeqCst);
    tracing::callsite::rebuild_interest_cache();
    Ok(())
}

/// Stops sending logs to the host.
#[uniffi::export]
pub fn clear_log_sink() {
    if let Some(state) = STATE.get() {
        state.level.store(0, Ordering::SeqCst);
        *lock(&state.sender) = None;
        tracing::callsite::rebuild_interest_cache();
    }
}

struct State {
    /// 0 = off, else [`LogLevel::rank`] of the most verbose level passed.
    level: AtomicU8,
    sender: Mutex<Option<SyncSender<LogRecord>>>,
}

static STATE: OnceLock<State> = OnceLock::new();
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn install() -> Result<&'static State, OpencomError> {
    let state = STATE.get_or_init(|| State {
        level: AtomicU8::new(0),
        sender: Mutex::new(None),
    });
    INSTALLED
        .get_or_init(|| {
            tracing::subscriber::set_global_default(SinkSubscriber).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| OpencomError::Config {
            detail: format!("another tracing subscriber is installed: {e}"),
        })?;
    Ok(state)
}

fn drain(rx: Receiver<LogRecord>, sink: Arc<dyn LogSink>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(record) => batch.push(record),
                Err(_) => break,
            }
        }
        // A sink that throws loses its batch, not the SDK.
        let _ = catch_unwind(AssertUnwindSafe(|| sink.log(batch)));
    }
}

/// Whether a record of `level` from `target` passes the filter.
fn passes(level: &Level, target: &str) -> bool {
    let Some(state) = STATE.get() else {
        return false;
    };
    let chosen = state.level.load(Ordering::Relaxed);
    let rank = LogLevel::of(level).rank();
    let ours = target.starts_with("opencom");
    chosen != 0 && rank <= if ours { chosen } else { chosen.min(2) }
}

/// The process-wide subscriber: no spans, events go to the sink's queue.
struct SinkSubscriber;

impl Subscriber for SinkSubscriber {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        passes(metadata.level(), metadata.target())
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        let chosen = STATE.get().map_or(0, |s| s.level.load(Ordering::Relaxed));
        Some(match chosen {
            0 => LevelFilter::OFF,
            1 => LevelFilter::ERROR,
            2 => LevelFilter::WARN,
            3 => LevelFilter::INFO,
            4 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        if !passes(metadata.level(), metadata.target()) {
            return;
        }
        let Some(state) = STATE.get() else { return };
        let mut text = Text::default();
        event.record(&mut text);
        let record = LogRecord {
            level: LogLevel::of(metadata.level()),
            target: metadata.target().to_owned(),
            message: text.finish(),
        };
        if let Some(tx) = lock(&state.sender).as_ref() {
            // A full queue drops the record: logging must never hold the SDK up.
            let _ = tx.try_send(record);
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Formats an event: its message, then ` key=value` for each other field.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Text {
    fn finish(self) -> String {
        self.message + &self.fields
    }
}

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_targets_follow_the_level_and_libraries_stay_at_warn() {
        let state = STATE.get_or_init(|| State {
            level: AtomicU8::new(0),
            sender: Mutex::new(None),
        });
        state.level.store(LogLevel::Debug.rank(), Ordering::SeqCst);
        assert!(passes(&Level::DEBUG, "opencom_sdk::session"));
        assert!(!passes(&Level::TRACE, "opencom_sdk::session"));
        assert!(!passes(&Level::DEBUG, "hyper::client"));
        assert!(passes(&Level::WARN, "hyper::client"));
        state.level.store(0, Ordering::SeqCst);
        assert!(!passes(&Level::ERROR, "opencom_sdk"));
    }
}
