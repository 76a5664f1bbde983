//! Every delay between tries, built in one place with `backon`'s exponential backoff.
//!
//! Three loops wait before trying again: function-call retries (`transport::retry`, knobs from
//! [`RetryPolicy`](crate::RetryPolicy)), the outbox resending a message, the live loop fetching a
//! stream's arguments again, and the realtime engine reconnecting its socket. Each gets its builder
//! here, so the shapes of the curves can be read (and tested) side by side.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};

/// Doubling from `min`, capped at `max` (before any jitter).
fn exponential(min: Duration, max: Duration) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_factor(2.0)
        .with_min_delay(min)
        .with_max_delay(max)
}

/// Function-call retries: `retries` more tries, within `total` of sleeping in all.
pub(crate) fn retries(
    min: Duration,
    max: Duration,
    retries: usize,
    total: Duration,
    jitter: bool,
) -> ExponentialBuilder {
    let builder = exponential(min, max)
        .with_max_times(retries)
        .with_total_delay(Some(total));
    if jitter {
        builder.with_jitter()
    } else {
        builder
    }
}

/// The outbox's first delay (before jitter): 100 ms.
const OUTBOX_MIN: Duration = Duration::from_millis(100);
/// The outbox's largest delay before jitter; jitter adds up to as much again (10 s at most).
const OUTBOX_CAP: Duration = Duration::from_secs(5);

/// The outbox's wait after a message's `failures`-th consecutive failure (counted from 1): between
/// 100 and 200 ms after the first, doubling, at most between 5 and 10 s.
///
/// The failure count lives in the outbox entry (it survives the sending task), so the delay is the
/// `failures`-th step of a fresh backoff rather than the next step of a long-lived one.
pub(crate) fn outbox_delay(failures: u32) -> Duration {
    // The cap is reached after 6 doublings; more steps only cost time.
    let step = failures.saturating_sub(1).min(16) as usize;
    exponential(OUTBOX_MIN, OUTBOX_CAP)
        .with_jitter()
        .without_max_times()
        .build()
        .nth(step)
        .unwrap_or(OUTBOX_CAP)
}

/// The live loop's largest wait between attempts to get a stream's arguments.
pub(crate) const LIVE_RETRY_MAX: Duration = Duration::from_secs(15);

/// The live loop's waits between attempts to get a stream's arguments: 500 ms doubling to 15 s,
/// no jitter, forever. Build a new one after a success.
pub(crate) fn live_retries() -> ExponentialBackoff {
    exponential(Duration::from_millis(500), LIVE_RETRY_MAX)
        .without_max_times()
        .build()
}

/// The realtime engine's largest reconnect delay before jitter.
pub(crate) const RECONNECT_MAX: Duration = Duration::from_secs(15);

/// Reconnect delays: 250 ms doubling to 15 s, with jitter, forever. Build a new one once a
/// connection is healthy.
pub(crate) fn reconnect() -> ExponentialBackoff {
    exponential(Duration::from_millis(250), RECONNECT_MAX)
        .with_jitter()
        .without_max_times()
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_live_loop_waits_exactly_what_it_always_waited() {
        // Formerly `min(250 ms << failures, 15 s)` after `failures` (from 1) failures.
        let expected: Vec<Duration> = (1..=10u32)
            .map(|failures| ms((250u64 << failures.min(6)).min(15_000)))
            .collect();
        let actual: Vec<Duration> = live_retries().take(10).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn the_outbox_waits_between_half_and_all_of_the_doubled_delay() {
        // Formerly uniformly in [c/2, c] with c = min(100 ms << failures, 10 s).
        for failures in 1..=20u32 {
            let capped = (100u64 << failures.min(8)).min(10_000);
            for _ in 0..50 {
                let wait = outbox_delay(failures);
                assert!(
                    wait >= ms(capped / 2) && wait <= ms(capped),
                    "failures {failures}: {wait:?} not in [{}, {capped}] ms",
                    capped / 2
                );
            }
        }
        assert!(outbox_delay(u32::MAX) <= ms(10_000));
    }

    #[test]
    fn reconnects_never_end_and_stay_within_twice_the_cap() {
        let delays: Vec<Duration> = reconnect().take(50).collect();
        assert_eq!(delays.len(), 50);
        assert!(
            delays[0] >= ms(250) && delays[0] < ms(500),
            "{:?}",
            delays[0]
        );
        assert!(delays.iter().all(|d| *d < RECONNECT_MAX * 2));
    }

    #[test]
    fn retries_stop_after_the_count_and_the_total() {
        // backon multiplies in `f32` seconds: compare whole milliseconds.
        let millis = |builder: ExponentialBuilder| -> Vec<u128> {
            builder.build().map(|d| d.as_millis()).collect()
        };
        let builder = retries(ms(100), ms(1_000), 3, Duration::from_secs(60), false);
        assert_eq!(millis(builder), vec![100, 200, 400]);
        let builder = retries(ms(100), ms(1_000), 10, ms(350), false);
        assert_eq!(millis(builder), vec![100, 200]);
    }
}
