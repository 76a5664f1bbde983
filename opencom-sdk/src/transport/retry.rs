//! Retry policy (exponential backoff with jitter via `backon`) and which failures it retries.

use std::time::Duration;

use backon::ExponentialBuilder;

use super::TransportError;

/// How failed calls are retried.
///
/// Queries and idempotent mutations are retried on connection errors, timeouts, 5xx answers,
/// broken connections and 429 (honouring `Retry-After`). Other mutations are retried only when the
/// request provably never reached the server (connection refused, 429). Function errors (the
/// function ran and threw) are never retried.
///
/// ```
/// use std::time::Duration;
/// use opencom_sdk::RetryPolicy;
/// let policy = RetryPolicy::default()
///     .max_attempts(6)
///     .delays(Duration::from_millis(100), Duration::from_secs(2))
///     .max_total_delay(Duration::from_secs(10));
/// assert_eq!(policy.attempts(), 6);
/// let never = RetryPolicy::none();
/// assert_eq!(never.attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    min_delay: Duration,
    max_delay: Duration,
    max_total_delay: Duration,
    max_retry_after: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_total_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total number of tries, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first and the largest delay between tries (doubling in between).
    pub fn delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max.max(min);
        self
    }

    /// The most time spent sleeping between tries of one call.
    pub fn max_total_delay(mut self, total: Duration) -> Self {
        self.max_total_delay = total;
        self
    }

    /// The longest `Retry-After` honoured; a longer one ends the retries with `RateLimited`.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Randomise delays (on by default) so that many clients do not retry in lockstep.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Total number of tries.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        crate::backoff::retries(
            self.min_delay,
            self.max_delay,
            self.max_attempts.saturating_sub(1) as usize,
            self.max_total_delay,
            self.jitter,
        )
    }

    /// The delay before the next try: `Retry-After` wins over the backoff's own delay, within
    /// bounds. `None` stops retrying.
    pub(crate) fn adjust(
        &self,
        err: &TransportError,
        planned: Option<Duration>,
    ) -> Option<Duration> {
        let planned = planned?;
        match err.retry_after() {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(planned),
        }
    }
}

/// Whether `err` may be retried for a function of the given idempotency.
pub(crate) fn is_retryable(err: &TransportError, idempotent: bool) -> bool {
    if err.provably_not_run() {
        return true;
    }
    if !idempotent {
        return false;
    }
    match err {
        TransportError::Io { .. } | TransportError::Timeout | TransportError::Decode(_) => true,
        TransportError::Http { status, .. } => *status >= 500,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16) -> TransportError {
        TransportError::Http {
            status,
            code: "X".into(),
            message: "x".into(),
            retry_after: None,
        }
    }

    #[test]
    fn the_retry_table() {
        let connect = TransportError::connect("refused");
        let function = TransportError::Function {
            message: "Boom".into(),
        };
        // Provably not sent: retried for everything.
        assert!(is_retryable(&connect, false));
        assert!(is_retryable(&http(429), false));
        // Ambiguous: only idempotent calls.
        for err in [
            TransportError::Timeout,
            TransportError::Io {
                message: "reset".into(),
                source: None,
            },
            http(503),
            TransportError::Decode("bad".into()),
        ] {
            assert!(is_retryable(&err, true), "{err:?}");
            assert!(!is_retryable(&err, false), "{err:?}");
        }
        // Deterministic failures: never.
        assert!(!is_retryable(&function, true));
        assert!(!is_retryable(&http(400), true));
    }

    #[test]
    fn retry_after_wins_within_bounds() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let limited = TransportError::Http {
            status: 429,
            code: "RateLimited".into(),
            message: "slow down".into(),
            retry_after: Some(Duration::from_secs(3)),
        };
        let planned = Some(Duration::from_millis(100));
        assert_eq!(
            policy.adjust(&limited, planned),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.adjust(&limited, None), None);
        let too_long = TransportError::Http {
            status: 429,
            code: "RateLimited".into(),
            message: "slow down".into(),
            retry_after: Some(Duration::from_secs(60)),
        };
        assert_eq!(policy.adjust(&too_long, planned), None);
        assert_eq!(policy.adjust(&TransportError::Timeout, planned), planned);
    }
}
