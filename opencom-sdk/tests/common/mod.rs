//! Shared set-up for the integration tests: a server-mock on 127.0.0.1 and a client whose clock
//! is the mock's clock, so tests move time for both sides at once.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub mod proxy;

use opencom_sdk::{Clock, MemoryStorage, Opencom, OpencomBuilder, RetryPolicy, Storage};
use server_mock::{MockClock, RecordedCall, ServerMock};

/// The SDK's clock, reading the mock's: its monotonic instant moves with the mock's time too
/// (an anchor `Instant` plus the mock time elapsed since the anchor), so advancing the mock
/// clock ages the session token as real time would.
#[derive(Debug, Clone)]
pub struct SharedClock(pub MockClock);

/// The anchor of every [`SharedClock`]'s monotonic reading (mock time never goes back).
fn mock_instant(clock: &MockClock) -> Instant {
    static ANCHOR: OnceLock<Instant> = OnceLock::new();
    let anchor = *ANCHOR.get_or_init(Instant::now);
    // Mock times are epoch ms of today (> 1e12): the anchor stands for 1e12 ms (2001), so
    // every later mock time maps to a later instant, and the mapping never goes back.
    let since = clock.now_ms() - 1.0e12;
    anchor + Duration::from_secs_f64(since.max(0.0) / 1000.0)
}

impl Clock for SharedClock {
    fn now_ms(&self) -> f64 {
        self.0.now_ms()
    }

    fn now_instant(&self) -> Instant {
        mock_instant(&self.0)
    }
}

/// A device whose wall clock is `ahead` of the mock's (hours off, as a misconfigured phone),
/// while time passes for it exactly as for the mock.
#[derive(Debug, Clone)]
pub struct SkewedClock {
    pub mock: MockClock,
    pub ahead: Duration,
}

impl Clock for SkewedClock {
    fn now_ms(&self) -> f64 {
        self.mock.now_ms() + self.ahead.as_secs_f64() * 1000.0
    }

    fn now_instant(&self) -> Instant {
        mock_instant(&self.mock)
    }
}

pub struct Harness {
    pub mock: ServerMock,
    pub storage: Arc<MemoryStorage>,
}

impl Harness {
    pub async fn new() -> Self {
        Self {
            mock: ServerMock::start().await.expect("server-mock starts"),
            storage: Arc::new(MemoryStorage::new()),
        }
    }

    /// A harness on a mock started with `options` (e.g. TLS).
    pub async fn with_options(options: server_mock::MockOptions) -> Self {
        Self {
            mock: ServerMock::start_with(options)
                .await
                .expect("server-mock starts"),
            storage: Arc::new(MemoryStorage::new()),
        }
    }

    /// A builder wired to the mock, its clock and this harness's storage; fast retries, no
    /// heartbeat unless a test asks for one.
    pub fn builder(&self) -> OpencomBuilder {
        self.builder_for(&self.mock.workspace_id())
    }

    pub fn builder_for(&self, workspace_id: &str) -> OpencomBuilder {
        Opencom::builder(&self.mock.url(), workspace_id)
            .storage(self.storage.clone())
            .clock(Arc::new(SharedClock(self.mock.clock())))
            .retry_policy(
                RetryPolicy::default()
                    .delays(Duration::from_millis(5), Duration::from_millis(50))
                    .jitter(false),
            )
            .heartbeat_interval(None)
    }

    pub fn client(&self) -> Opencom {
        self.builder().build().expect("valid config")
    }

    /// A client trusting the mock's CA (for a TLS mock).
    pub fn client_with_ca(&self) -> Opencom {
        self.builder()
            .add_root_certificate_pem(self.mock.ca_pem().expect("a TLS mock"))
            .build()
            .expect("valid config")
    }

    pub fn calls_to(&self, path: &str) -> Vec<RecordedCall> {
        self.mock
            .calls()
            .into_iter()
            .filter(|c| c.path == path)
            .collect()
    }

    /// The session token the SDK stored (tests only: to act as an attacker or admin).
    pub async fn stored_token(&self) -> String {
        let keys = self.storage.keys("opencom/").await.unwrap();
        let key = keys.iter().find(|k| k.ends_with("/session")).unwrap();
        let raw = self.storage.get(key).await.unwrap().unwrap();
        let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
        json["token"].as_str().unwrap().to_owned()
    }
}

/// Waits until `condition` holds, checking every few milliseconds, for at most `limit`.
/// (Waiting on a condition, not sleeping for a guessed time.)
pub async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    condition()
}

pub const HOUR: Duration = Duration::from_secs(3600);

impl Harness {
    /// A second device: same server, its own storage.
    pub fn new_sharing(other: &Harness) -> HarnessRef<'_> {
        HarnessRef {
            mock: &other.mock,
            storage: Arc::new(MemoryStorage::new()),
        }
    }
}

/// A second client's view of a harness's server.
pub struct HarnessRef<'a> {
    pub mock: &'a ServerMock,
    pub storage: Arc<MemoryStorage>,
}

impl HarnessRef<'_> {
    pub fn client(&self) -> Opencom {
        Opencom::builder(&self.mock.url(), &self.mock.workspace_id())
            .storage(self.storage.clone())
            .clock(Arc::new(SharedClock(self.mock.clock())))
            .heartbeat_interval(None)
            .build()
            .expect("valid config")
    }
}

/// How long a live-stream test waits for one snapshot before it fails.
pub const LIVE_LIMIT: Duration = Duration::from_secs(20);

/// The next snapshot of a live stream, failing the test instead of hanging.
pub async fn next_snapshot<T, S>(stream: &mut S) -> opencom_sdk::Snapshot<T>
where
    S: futures::Stream<Item = Result<opencom_sdk::Snapshot<T>, opencom_sdk::Error>> + Unpin,
{
    tokio::time::timeout(LIVE_LIMIT, futures::StreamExt::next(stream))
        .await
        .expect("a snapshot within the limit")
        .expect("the stream is open")
        .expect("a snapshot, not an error")
}

/// The next event a domain published, skipping what the events stream's pump reports about the
/// live queries (connection, unread total, received messages); fails instead of hanging.
pub async fn next_domain_event(
    events: &mut opencom_sdk::ClientEvents,
) -> Option<opencom_sdk::ClientEvent> {
    use opencom_sdk::ClientEvent;
    tokio::time::timeout(LIVE_LIMIT, async {
        loop {
            match futures::StreamExt::next(events).await {
                Some(
                    ClientEvent::ConnectionChanged { .. }
                    | ClientEvent::UnreadChanged { .. }
                    | ClientEvent::MessageReceived { .. },
                ) => continue,
                other => return other,
            }
        }
    })
    .await
    .expect("an event within the limit")
}
