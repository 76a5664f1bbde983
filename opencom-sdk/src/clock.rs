//! Time as a host service, so tests (and hosts with a trusted time source) control token expiry.

use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now" in epoch milliseconds (the unit of every Opencom timestamp).
///
/// ```
/// use opencom_sdk::{Clock, SystemClock};
/// let now = SystemClock.now_ms();
/// assert!(now > 1.6e12);
/// ```
pub trait Clock: Send + Sync + Debug {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    }
}
