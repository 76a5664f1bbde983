//! Fault injection for `/api` requests: queued one-shot faults, a constant latency, and a
//! seedable random mode for soak tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::convex::normalize_path;
use crate::util::lock;

/// What an injected fault does to a request.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// Answer with this HTTP status and a `{"code","message"}` body; the function does not run.
    Status(u16),
    /// Answer `429` with a `Retry-After` header (whole seconds, rounded up); the function does
    /// not run.
    RateLimited {
        /// The delay announced in `Retry-After`.
        retry_after: Duration,
    },
    /// Cut the connection without running the function: the client gets no response.
    DropBeforeRun,
    /// Run the function (its effects persist), then cut the connection: the client gets no
    /// response.
    DropAfterRun,
    /// Answer HTTP 200 with a body that is not JSON; the function does not run.
    Malformed,
    /// Wait this long, then handle the request normally.
    Latency(Duration),
}

/// A queued fault: applied to the next `times` `/api` requests whose function path matches.
///
/// ```
/// use std::time::Duration;
/// use server_mock::{Fault, FaultKind};
///
/// let fault = Fault::new(FaultKind::Status(503))
///     .only_path("widgetSessions:refresh")
///     .times(2);
/// assert_eq!(fault.times, 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Only requests for this function (`module:function`; a `.js` suffix is ignored); `None`
    /// matches every request.
    pub only_path: Option<String>,
    /// What to do.
    pub kind: FaultKind,
    /// How many matching requests it applies to (0 counts as 1).
    pub times: u32,
}

impl Fault {
    /// A fault for the next request of any function.
    ///
    /// ```
    /// let fault = server_mock::Fault::new(server_mock::FaultKind::Malformed);
    /// assert_eq!((fault.only_path, fault.times), (None, 1));
    /// ```
    pub fn new(kind: FaultKind) -> Self {
        Self {
            only_path: None,
            kind,
            times: 1,
        }
    }

    /// Restricts the fault to one function path.
    ///
    /// ```
    /// use server_mock::{Fault, FaultKind};
    /// let fault = Fault::new(FaultKind::DropAfterRun).only_path("visitors.js:identify");
    /// assert_eq!(fault.only_path.as_deref(), Some("visitors.js:identify"));
    /// ```
    pub fn only_path(mut self, path: impl Into<String>) -> Self {
        self.only_path = Some(path.into());
        self
    }

    /// Applies the fault to this many matching requests.
    ///
    /// ```
    /// let fault = server_mock::Fault::new(server_mock::FaultKind::Status(500)).times(3);
    /// assert_eq!(fault.times, 3);
    /// ```
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }
}

/// Controls the faults the mock injects into `/api` requests. Cloning is cheap; every clone
/// controls the same mock.
///
/// Queued faults are consumed in order by the next matching request. A request whose body
/// cannot be parsed is refused before faults are considered. Faults apply to the HTTP
/// function endpoints only (`/api/query|mutation|action|function|run`): never to the sync WebSocket,
/// the storage routes, the site routes or `/_mock`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use server_mock::ServerMock;
///
/// let mock = ServerMock::start().await?;
/// let faults = mock.faults();
/// faults.fail_next(503);                                  // next request: HTTP 503
/// faults.rate_limit_next(Duration::from_secs(2));         // then: 429, Retry-After: 2
/// faults.drop_after_run_next();                           // then: runs, connection cut
/// faults.set_latency(Duration::from_millis(5));           // every request
/// faults.clear();
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct FaultInjector {
    inner: Arc<Mutex<FaultState>>,
}

#[derive(Debug)]
struct FaultState {
    queue: Vec<Fault>,
    latency: Duration,
    random_probability: f64,
    random_kinds: Vec<FaultKind>,
    random_paused: bool,
    /// How many requests the random mode caught, per kind (in `random_kinds` order).
    random_hits: Vec<u64>,
    rng: StdRng,
}

/// A fault that changes how a request is answered (latency is folded into [`FaultPlan`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Injected {
    Status(u16),
    RateLimited(Duration),
    DropBeforeRun,
    DropAfterRun,
    Malformed,
}

/// What to do with one request.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct FaultPlan {
    pub(crate) latency: Duration,
    pub(crate) fault: Option<Injected>,
}

impl FaultPlan {
    fn apply(&mut self, kind: FaultKind) {
        self.fault = match kind {
            FaultKind::Latency(extra) => {
                self.latency += extra;
                return;
            }
            FaultKind::Status(status) => Some(Injected::Status(status)),
            FaultKind::RateLimited { retry_after } => Some(Injected::RateLimited(retry_after)),
            FaultKind::DropBeforeRun => Some(Injected::DropBeforeRun),
            FaultKind::DropAfterRun => Some(Injected::DropAfterRun),
            FaultKind::Malformed => Some(Injected::Malformed),
        };
    }
}

impl Default for FaultInjector {
    fn default() -> Self {
        Self {
            inner: Arc::new(Mutex::new(FaultState {
                queue: Vec::new(),
                latency: Duration::ZERO,
                random_probability: 0.0,
                random_kinds: Vec::new(),
                random_paused: false,
                random_hits: Vec::new(),
                rng: StdRng::from_os_rng(),
            })),
        }
    }
}

impl FaultInjector {
    /// Queues a fault.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{Fault, FaultKind, ServerMock};
    /// let mock = ServerMock::start().await?;
    /// mock.faults().inject(Fault::new(FaultKind::Status(502)).only_path("events:track"));
    /// assert_eq!(mock.faults().pending().len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn inject(&self, mut fault: Fault) {
        fault.only_path = fault.only_path.map(|p| normalize_path(&p));
        fault.times = fault.times.max(1);
        lock(&self.inner).queue.push(fault);
    }

    /// The queued faults not yet consumed.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.malformed_next();
    /// assert_eq!(faults.pending().len(), 1);
    /// ```
    pub fn pending(&self) -> Vec<Fault> {
        lock(&self.inner).queue.clone()
    }

    /// Removes every queued fault, the constant latency and the random mode.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.fail_next(500);
    /// faults.clear();
    /// assert!(faults.pending().is_empty());
    /// ```
    pub fn clear(&self) {
        let mut state = lock(&self.inner);
        state.queue.clear();
        state.latency = Duration::ZERO;
        state.random_probability = 0.0;
        state.random_kinds.clear();
        state.random_hits.clear();
        state.random_paused = false;
    }

    /// Delays every `/api` request by `latency` (zero turns it off).
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.set_latency(std::time::Duration::from_millis(20));
    /// ```
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.inner).latency = latency;
    }

    /// The next request gets this HTTP status with a `{"code","message"}` body; the function
    /// does not run.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.fail_next(503);
    /// ```
    pub fn fail_next(&self, status: u16) {
        self.inject(Fault::new(FaultKind::Status(status)));
    }

    /// The next request gets `429 Too Many Requests` with `Retry-After`; the function does not
    /// run.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.rate_limit_next(std::time::Duration::from_secs(3));
    /// ```
    pub fn rate_limit_next(&self, retry_after: Duration) {
        self.inject(Fault::new(FaultKind::RateLimited { retry_after }));
    }

    /// The next request's connection is cut before the function runs.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.drop_before_run_next();
    /// ```
    pub fn drop_before_run_next(&self) {
        self.inject(Fault::new(FaultKind::DropBeforeRun));
    }

    /// The next request's function runs (its effects persist), then the connection is cut.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.drop_after_run_next();
    /// ```
    pub fn drop_after_run_next(&self) {
        self.inject(Fault::new(FaultKind::DropAfterRun));
    }

    /// The next request gets HTTP 200 with a non-JSON body; the function does not run.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.malformed_next();
    /// ```
    pub fn malformed_next(&self) {
        self.inject(Fault::new(FaultKind::Malformed));
    }

    /// The next request is delayed by `latency`, then handled normally.
    ///
    /// ```
    /// let faults = server_mock::FaultInjector::default();
    /// faults.latency_next(std::time::Duration::from_millis(50));
    /// ```
    pub fn latency_next(&self, latency: Duration) {
        self.inject(Fault::new(FaultKind::Latency(latency)));
    }

    /// Random mode for soaks: each request that no queued fault caught gets, with this
    /// probability, one of `kinds` picked at random. A probability of 0 or no kinds turns it off.
    ///
    /// ```
    /// use server_mock::{FaultInjector, FaultKind};
    /// let faults = FaultInjector::default();
    /// faults.set_random_seed(7);
    /// faults.set_random_faults(0.1, vec![FaultKind::Status(500), FaultKind::DropAfterRun]);
    /// ```
    pub fn set_random_faults(&self, probability: f64, kinds: Vec<FaultKind>) {
        let mut state = lock(&self.inner);
        state.random_probability = probability.clamp(0.0, 1.0);
        state.random_hits = vec![0; kinds.len()];
        state.random_kinds = kinds;
    }

    /// How many requests the random mode has caught with each of its kinds since
    /// [`set_random_faults`](Self::set_random_faults), so a soak can show what it survived.
    /// A `Latency` hit delays the request; whether that became a client timeout is up to the
    /// client.
    ///
    /// ```
    /// use server_mock::{FaultInjector, FaultKind};
    /// let faults = FaultInjector::default();
    /// faults.set_random_faults(0.1, vec![FaultKind::Status(503), FaultKind::Malformed]);
    /// assert_eq!(faults.random_hits(), vec![(FaultKind::Status(503), 0), (FaultKind::Malformed, 0)]);
    /// ```
    pub fn random_hits(&self) -> Vec<(FaultKind, u64)> {
        let state = lock(&self.inner);
        state
            .random_kinds
            .iter()
            .cloned()
            .zip(state.random_hits.iter().copied())
            .collect()
    }

    /// Suspends (`true`) or resumes (`false`) the random mode without forgetting its settings,
    /// e.g. to set up a soak's fixtures without faults. Queued faults and the constant latency
    /// still apply while it is paused. The generator does not advance while paused.
    ///
    /// ```
    /// use server_mock::{FaultInjector, FaultKind};
    /// let faults = FaultInjector::default();
    /// faults.set_random_faults(0.5, vec![FaultKind::Status(503)]);
    /// faults.pause_random(true);  // set-up runs fault-free
    /// faults.pause_random(false); // the soak runs with faults
    /// ```
    pub fn pause_random(&self, paused: bool) {
        lock(&self.inner).random_paused = paused;
    }

    /// Seeds the random mode's generator, so a soak run can be replayed.
    ///
    /// ```
    /// server_mock::FaultInjector::default().set_random_seed(42);
    /// ```
    pub fn set_random_seed(&self, seed: u64) {
        lock(&self.inner).rng = StdRng::seed_from_u64(seed);
    }

    /// Decides what happens to a request for `path` (consuming a queued fault if one matches).
    pub(crate) fn plan(&self, path: &str) -> FaultPlan {
        let mut state = lock(&self.inner);
        let mut plan = FaultPlan {
            latency: state.latency,
            fault: None,
        };
        let matching = state
            .queue
            .iter()
            .position(|f| f.only_path.as_deref().is_none_or(|p| p == path));
        if let Some(index) = matching {
            let kind = state.queue[index].kind.clone();
            if state.queue[index].times <= 1 {
                state.queue.remove(index);
            } else {
                state.queue[index].times -= 1;
            }
            plan.apply(kind);
        }
        if plan.fault.is_none()
            && !state.random_paused
            && state.random_probability > 0.0
            && !state.random_kinds.is_empty()
        {
            let roll: f64 = state.rng.random();
            if roll < state.random_probability {
                let count = state.random_kinds.len();
                let index = state.rng.random_range(0..count);
                if let Some(hits) = state.random_hits.get_mut(index) {
                    *hits += 1;
                }
                plan.apply(state.random_kinds[index].clone());
            }
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_match_in_order_and_count_down() {
        let faults = FaultInjector::default();
        faults.inject(
            Fault::new(FaultKind::Status(500))
                .only_path("a.js:x")
                .times(2),
        );
        faults.malformed_next();
        assert_eq!(faults.plan("a:x").fault, Some(Injected::Status(500)));
        assert_eq!(faults.plan("b:y").fault, Some(Injected::Malformed));
        assert_eq!(faults.plan("b:y").fault, None);
        assert_eq!(faults.plan("a:x").fault, Some(Injected::Status(500)));
        assert_eq!(faults.plan("a:x").fault, None);
    }

    #[test]
    fn latency_adds_up() {
        let faults = FaultInjector::default();
        faults.set_latency(Duration::from_millis(10));
        faults.latency_next(Duration::from_millis(5));
        assert_eq!(faults.plan("a:x").latency, Duration::from_millis(15));
        assert_eq!(faults.plan("a:x").latency, Duration::from_millis(10));
    }

    #[test]
    fn random_mode_can_be_paused() {
        let faults = FaultInjector::default();
        faults.set_random_faults(1.0, vec![FaultKind::Status(500)]);
        faults.pause_random(true);
        assert_eq!(faults.plan("a:x").fault, None);
        faults.fail_next(503);
        assert_eq!(faults.plan("a:x").fault, Some(Injected::Status(503)));
        faults.pause_random(false);
        assert_eq!(faults.plan("a:x").fault, Some(Injected::Status(500)));
    }

    #[test]
    fn random_hits_count_each_kind() {
        let faults = FaultInjector::default();
        faults.set_random_seed(3);
        faults.set_random_faults(1.0, vec![FaultKind::Status(500), FaultKind::Malformed]);
        let planned: Vec<_> = (0..40).map(|_| faults.plan("a:x").fault).collect();
        let fives = planned
            .iter()
            .filter(|f| **f == Some(Injected::Status(500)))
            .count() as u64;
        let hits = faults.random_hits();
        assert_eq!(hits[0], (FaultKind::Status(500), fives));
        assert_eq!(hits[1], (FaultKind::Malformed, 40 - fives));
        faults.set_random_faults(1.0, vec![FaultKind::Status(500)]);
        assert_eq!(faults.random_hits(), vec![(FaultKind::Status(500), 0)]);
    }

    #[test]
    fn random_mode_is_reproducible() {
        let run = || {
            let faults = FaultInjector::default();
            faults.set_random_seed(9);
            faults.set_random_faults(0.5, vec![FaultKind::Status(500), FaultKind::Status(503)]);
            (0..50)
                .map(|_| faults.plan("a:x").fault)
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.iter().any(Option::is_some));
        assert!(first.iter().any(Option::is_none));
    }
}
