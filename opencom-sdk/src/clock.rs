//! Time as a host service, so tests (and hosts with a trusted time source) control token expiry.

use std::fmt::Debug;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A source of "now": the wall clock in epoch milliseconds (the unit of every Opencom
/// timestamp) and a monotonic [`Instant`].
///
/// A visitor session token's expiry is judged by the time elapsed on the monotonic clock since
/// the token arrived, with the lifetime the server gave it, so a device clock that is hours off
/// (or is changed) neither expires tokens early nor keeps dead ones. The wall clock judges only
/// a token restored from storage after a restart (it has no `Instant`), once.
///
/// ```
/// use opencom_sdk::{Clock, SystemClock};
/// let now = SystemClock.now_ms();
/// assert!(now > 1.6e12);
/// let a = SystemClock.now_instant();
/// assert!(SystemClock.now_instant() >= a);
/// ```
pub trait Clock: Send + Sync + Debug {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;

    /// A monotonic instant (default: [`Instant::now`]). A test clock that moves
    /// [`now_ms`](Self::now_ms) by hand should move this by the same amount, so that token
    /// expiry follows it.
    fn now_instant(&self) -> Instant {
        Instant::now()
    }
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
