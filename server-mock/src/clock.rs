//! The mock's controllable clock.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

use crate::util::lock;

/// A controllable clock shared by every function the mock runs.
///
/// It plays the part of `Date.now()` inside the emulated Convex functions: session expiry,
/// `lastSeenAt`, event timestamps, the auto-event rate-limit window and `_creationTime` all read
/// it. It starts at the real wall time and then runs with real time, but it can be moved forward
/// ([`advance`](MockClock::advance)), set ([`set_ms`](MockClock::set_ms)) or stopped
/// ([`freeze`](MockClock::freeze)). Cloning is cheap: every clone controls the same clock.
///
/// Moving the clock counts as a state change: live WebSocket subscriptions are re-run (a
/// session that just expired shows up as `"Session expired"` on its subscriptions).
///
/// ```
/// use std::time::Duration;
/// use server_mock::MockClock;
///
/// let clock = MockClock::new();
/// clock.freeze();
/// let before = clock.now_ms();
/// clock.advance(Duration::from_secs(25 * 3600));
/// assert_eq!(clock.now_ms() - before, 25.0 * 3600.0 * 1000.0);
/// ```
#[derive(Clone, Debug)]
pub struct MockClock {
    inner: Arc<Mutex<ClockState>>,
    /// Bumped whenever the clock is moved by hand (not as real time passes).
    moved: Arc<watch::Sender<u64>>,
}

#[derive(Debug)]
struct ClockState {
    /// Epoch milliseconds at `base_instant`.
    base_ms: f64,
    base_instant: Instant,
    frozen: bool,
}

impl ClockState {
    fn now(&self) -> f64 {
        if self.frozen {
            self.base_ms
        } else {
            // Whole milliseconds, like `Date.now()`.
            self.base_ms + self.base_instant.elapsed().as_millis() as f64
        }
    }
}

impl Default for MockClock {
    fn default() -> Self {
        Self::new()
    }
}

impl MockClock {
    /// A clock that starts at the real wall time and runs.
    ///
    /// ```
    /// let clock = server_mock::MockClock::new();
    /// assert!(clock.now_ms() > 1.7e12);
    /// ```
    pub fn new() -> Self {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or(0.0);
        Self {
            inner: Arc::new(Mutex::new(ClockState {
                base_ms: wall,
                base_instant: Instant::now(),
                frozen: false,
            })),
            moved: Arc::new(watch::channel(0).0),
        }
    }

    /// Tells the subscribers of [`moves`](Self::moves) that the clock was moved.
    fn notify_moved(&self) {
        self.moved.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that changes whenever the clock is moved by hand.
    pub(crate) fn moves(&self) -> watch::Receiver<u64> {
        self.moved.subscribe()
    }

    /// The current mock time in epoch milliseconds.
    ///
    /// ```
    /// let clock = server_mock::MockClock::new();
    /// clock.set_ms(1_000.0);
    /// assert!(clock.now_ms() >= 1_000.0);
    /// ```
    pub fn now_ms(&self) -> f64 {
        lock(&self.inner).now()
    }

    /// Moves the clock forward by `by` (it keeps running afterwards unless frozen).
    ///
    /// ```
    /// use std::time::Duration;
    /// let clock = server_mock::MockClock::new();
    /// let before = clock.now_ms();
    /// clock.advance(Duration::from_secs(60));
    /// assert!(clock.now_ms() - before >= 60_000.0);
    /// ```
    pub fn advance(&self, by: Duration) {
        lock(&self.inner).base_ms += by.as_secs_f64() * 1000.0;
        self.notify_moved();
    }

    /// Sets the clock to `ms` epoch milliseconds (it keeps running afterwards unless frozen).
    ///
    /// ```
    /// let clock = server_mock::MockClock::new();
    /// clock.freeze();
    /// clock.set_ms(1_795_333_226_015.0);
    /// assert_eq!(clock.now_ms(), 1_795_333_226_015.0);
    /// ```
    pub fn set_ms(&self, ms: f64) {
        let mut state = lock(&self.inner);
        state.base_ms = ms;
        state.base_instant = Instant::now();
        drop(state);
        self.notify_moved();
    }

    /// Stops the clock at the current time; only [`advance`](Self::advance) and
    /// [`set_ms`](Self::set_ms) move it until [`resume`](Self::resume).
    ///
    /// ```
    /// let clock = server_mock::MockClock::new();
    /// clock.freeze();
    /// assert_eq!(clock.now_ms(), clock.now_ms());
    /// ```
    pub fn freeze(&self) {
        let mut state = lock(&self.inner);
        state.base_ms = state.now();
        state.frozen = true;
        drop(state);
        self.notify_moved();
    }

    /// Lets a frozen clock run with real time again, from where it stands.
    ///
    /// ```
    /// let clock = server_mock::MockClock::new();
    /// clock.freeze();
    /// clock.resume();
    /// assert!(!clock.is_frozen());
    /// ```
    pub fn resume(&self) {
        let mut state = lock(&self.inner);
        state.base_ms = state.now();
        state.base_instant = Instant::now();
        state.frozen = false;
        drop(state);
        self.notify_moved();
    }

    /// Whether the clock is frozen.
    ///
    /// ```
    /// assert!(!server_mock::MockClock::new().is_frozen());
    /// ```
    pub fn is_frozen(&self) -> bool {
        lock(&self.inner).frozen
    }
}
