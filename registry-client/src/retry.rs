//! Which failures are worth another try, and how long to wait: 5xx, 408, 429, connection and
//! timeout errors are retried with exponential backoff (or the server's `Retry-After`); other
//! 4xx never are.

use std::time::Duration;

/// What went wrong with one attempt, as the retry policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The server answered with this status.
    Status(u16),
    /// No connection could be made.
    Connect,
    /// The request or the answer took longer than the timeout.
    Timeout,
    /// The connection broke, or another transport failure.
    Transport,
}

/// How often and how patiently requests are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The wait before the first retry; it doubles each time.
    pub initial_backoff: Duration,
    /// The longest wait, `Retry-After` included.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Whether a failed attempt may be tried again.
    pub fn is_retryable(attempt: Attempt) -> bool {
        match attempt {
            Attempt::Status(status) => status >= 500 || status == 408 || status == 429,
            Attempt::Connect | Attempt::Timeout | Attempt::Transport => true,
        }
    }

    /// How long to wait before retry number `retry` (from 0), given the server's `Retry-After`
    /// in seconds, if any.
    pub fn delay(&self, retry: u32, retry_after: Option<u64>) -> Duration {
        let backoff = match retry_after {
            Some(seconds) => Duration::from_secs(seconds),
            None => self
                .initial_backoff
                .saturating_mul(2u32.saturating_pow(retry)),
        };
        backoff.min(self.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_failures() {
        for retryable in [
            Attempt::Status(500),
            Attempt::Status(503),
            Attempt::Status(408),
            Attempt::Status(429),
            Attempt::Connect,
            Attempt::Timeout,
            Attempt::Transport,
        ] {
            assert!(RetryPolicy::is_retryable(retryable), "{retryable:?}");
        }
        for final_answer in [
            Attempt::Status(400),
            Attempt::Status(401),
            Attempt::Status(404),
            Attempt::Status(409),
            Attempt::Status(422),
        ] {
            assert!(!RetryPolicy::is_retryable(final_answer), "{final_answer:?}");
        }
    }

    #[test]
    fn backs_off_exponentially_and_honours_retry_after() {
        let policy = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        assert_eq!(policy.delay(0, None), Duration::from_millis(100));
        assert_eq!(policy.delay(2, None), Duration::from_millis(400));
        assert_eq!(policy.delay(9, None), Duration::from_secs(1), "capped");
        assert_eq!(policy.delay(0, Some(0)), Duration::ZERO);
        assert_eq!(
            policy.delay(0, Some(60)),
            Duration::from_secs(1),
            "Retry-After is capped too"
        );
    }
}
