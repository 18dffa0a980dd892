//! The retry decision: given one failed attempt, retry or not, and how long to wait.
//!
//! Why a pure function of (options, shared state, input): the same decision must come out in
//! the browser, in Node and in the native tests and simulations, so nothing here reads a
//! clock or a global random source.
//!
//! Order of checks (the first that applies wins; its [`Reason`] is reported):
//! 1. the failure is recorded in the origin's breaker (server, unavailable, timeout, network);
//! 2. `aborted` (the caller aborted), `not_retryable` (classification says so);
//! 3. `unsafe_method`: GET, HEAD, OPTIONS, PUT, DELETE, TRACE, QUERY (and an empty method,
//!    fetch's GET) retry freely; others only with an idempotency key, when the request was
//!    never sent (`not_sent`), or with `retry_non_idempotent`;
//! 4. `attempts_exhausted`: total attempts, then the per-kind limit. A failure is
//!    THROTTLED when its category is `rate_limited` or it carries a server hint; throttled
//!    retries are counted separately (`throttled_retries`) and do not use up `max_retries`;
//! 5. `circuit_open`: the origin's circuit refuses requests now;
//! 6. the delay: a server hint (large-hint policy, `hint_too_large`, plus hint jitter) or the
//!    backoff of retry number `attempt` (exponent `attempt - 1`);
//! 7. `deadline_exceeded`: `elapsed + delay` would pass the deadline;
//! 8. `budget_exhausted`: the retry budget cannot pay for this retry (paid only here, when
//!    the answer is yes).
//!
//! The decision carries the server's hint (`retry_after_ms`, finite and not negative, else
//! `None`) and `retry_at_ms`: when retrying, `now + delay`; when giving up on a failure that
//! carried a hint, `now + hint` as sent, so a UI can say when to try again (this is how
//! `largeHint: "fail"`, the default, hands back a one-hour `Retry-After`).
//!
//! Input clamps (documented, never errors): `attempt` 0 is read as 1; NaN, infinite or
//! negative times are read as 0; a NaN or negative hint is ignored; an infinite hint is "too
//! large"; `throttled_retries` above `attempt - 1` is read as `attempt - 1`.

use crate::core::classify::model::{Category, Classification};
use crate::core::retry::backoff::clamp_delay;
use crate::core::retry::config::LargeHint;
use crate::core::retry::hints::HintSource;
use crate::core::retry::limits::MAX_DURATION_MS;
use crate::core::retry::policy::{Policy, finite_or_zero};
use crate::core::retry::reason::Reason;

/// The facts about a failure that the decision reads; a [`Classification`] has them all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Failure<'a> {
    /// What kind of failure.
    pub category: Category,
    /// Whether repeating the request may succeed.
    pub retryable: bool,
    /// The server's delay hint in ms, if any.
    pub retry_after_ms: Option<f64>,
    /// Where the hint came from (echoed in the decision).
    pub hint_source: Option<&'a str>,
    /// The request certainly never reached the server (safe to retry any method).
    pub not_sent: bool,
}

impl<'a> From<&'a Classification> for Failure<'a> {
    fn from(c: &'a Classification) -> Failure<'a> {
        Failure {
            category: c.category,
            retryable: c.retryable,
            retry_after_ms: c.retry_after_ms,
            hint_source: c.hint_source.map(HintSource::as_str),
            not_sent: c.not_sent,
        }
    }
}

/// One failed attempt, as seen by the caller.
#[derive(Debug, Clone, Copy)]
pub struct DecideInput<'a> {
    /// 1-based number of the attempt that just failed (1 = the first request).
    pub attempt: u32,
    /// What went wrong.
    pub failure: Failure<'a>,
    /// The HTTP method (any case); empty means GET.
    pub method: &'a str,
    /// The request carries an `Idempotency-Key`.
    pub has_idempotency_key: bool,
    /// Milliseconds since the first attempt started.
    pub elapsed_ms: f64,
    /// Current time, epoch ms (for the breaker and `retry_at_ms`).
    pub now_ms: f64,
    /// The origin (`"https://api.example.com"`) for the breaker; `None` skips the breaker.
    pub origin: Option<&'a str>,
    /// How many of this call's earlier retries were throttled (see [`Decision::throttled`]).
    pub throttled_retries: u32,
    /// The delay waited before this attempt (only decorrelated jitter reads it).
    pub previous_delay_ms: Option<f64>,
}

impl<'a> DecideInput<'a> {
    /// An input for `attempt` with defaults: method GET, no key, no time, no origin.
    pub fn new(attempt: u32, classification: &'a Classification) -> DecideInput<'a> {
        DecideInput::of(attempt, Failure::from(classification))
    }

    /// The same defaults for a [`Failure`].
    pub fn of(attempt: u32, failure: Failure<'a>) -> DecideInput<'a> {
        DecideInput {
            attempt,
            failure,
            method: "GET",
            has_idempotency_key: false,
            elapsed_ms: 0.0,
            now_ms: 0.0,
            origin: None,
            throttled_retries: 0,
            previous_delay_ms: None,
        }
    }
}

/// What to do about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision<'a> {
    /// Retry or give up.
    pub retry: bool,
    /// Milliseconds to wait before the retry (0 when not retrying); finite, never negative.
    pub delay_ms: f64,
    /// Why.
    pub reason: Reason,
    /// The server hint's source when the delay came from (or was refused because of) a hint.
    pub hint_source: Option<&'a str>,
    /// This failure counts as throttled: add 1 to `throttled_retries` when retrying.
    pub throttled: bool,
    /// The server's hint in ms as read (finite, not negative), whether followed or not.
    pub retry_after_ms: Option<f64>,
    /// Epoch ms when a retry may be made: `now + delay` when retrying, `now + hint` when
    /// giving up on a failure with a hint, else `None`.
    pub retry_at_ms: Option<f64>,
}

impl Decision<'_> {
    fn stop(reason: Reason, throttled: bool) -> Self {
        Decision {
            retry: false,
            delay_ms: 0.0,
            reason,
            hint_source: None,
            throttled,
            retry_after_ms: None,
            retry_at_ms: None,
        }
    }
}

/// Methods that may be repeated without changing the outcome (RFC 9110 §9.2.2, plus QUERY).
pub fn is_idempotent_method(method: &str) -> bool {
    method.is_empty()
        || ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", "QUERY"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(method))
}

/// Categories that say the origin itself is unhealthy (they feed the breaker).
pub fn counts_for_breaker(category: Category) -> bool {
    matches!(
        category,
        Category::Server | Category::Unavailable | Category::Timeout | Category::Network
    )
}

impl Policy {
    /// Decides about one failed attempt. See the module docs for the order of checks.
    pub fn decide<'a>(&mut self, input: &DecideInput<'a>) -> Decision<'a> {
        let hint = input
            .failure
            .retry_after_ms
            .filter(|h| !h.is_nan() && *h >= 0.0);
        let now = finite_or_zero(input.now_ms);
        let mut d = self.decide_inner(input, hint);
        d.retry_after_ms = hint.filter(|h| h.is_finite());
        d.retry_at_ms = if d.retry {
            Some(now + d.delay_ms)
        } else {
            d.retry_after_ms.map(|h| now + h)
        };
        d
    }

    fn decide_inner<'a>(&mut self, input: &DecideInput<'a>, hint: Option<f64>) -> Decision<'a> {
        let c = &input.failure;
        let now = finite_or_zero(input.now_ms);
        let elapsed = finite_or_zero(input.elapsed_ms).max(0.0);
        let attempt = input.attempt.max(1);

        if let (Some(b), Some(o)) = (&mut self.breaker, input.origin) {
            if counts_for_breaker(c.category) {
                b.record_failure(o, now);
            }
        }

        let throttled = c.category == Category::RateLimited || hint.is_some();

        if c.category == Category::Aborted {
            return Decision::stop(Reason::Aborted, throttled);
        }
        if !c.retryable {
            return Decision::stop(Reason::NotRetryable, throttled);
        }
        if !(is_idempotent_method(input.method)
            || input.has_idempotency_key
            || c.not_sent
            || self.config.retry_non_idempotent)
        {
            return Decision::stop(Reason::UnsafeMethod, throttled);
        }

        let previous = attempt - 1;
        let throttled_prev = input.throttled_retries.min(previous);
        let other_prev = previous - throttled_prev;
        let kind_limit_hit = if throttled {
            throttled_prev >= self.config.max_throttled_retries
        } else {
            other_prev >= self.config.max_retries
        };
        if attempt >= self.config.max_attempts || kind_limit_hit {
            return Decision::stop(Reason::AttemptsExhausted, throttled);
        }

        if let (Some(b), Some(o)) = (&self.breaker, input.origin) {
            if b.blocks(o, now) {
                return Decision::stop(Reason::CircuitOpen, throttled);
            }
        }

        let (delay, reason, hint_source) = match hint {
            Some(h) => match self.hint_delay(h) {
                Some(d) => (d, Reason::RetryHint, c.hint_source),
                None => {
                    return Decision {
                        hint_source: c.hint_source,
                        ..Decision::stop(Reason::HintTooLarge, throttled)
                    };
                }
            },
            None => {
                let prev = input.previous_delay_ms.unwrap_or(self.backoff.base_ms());
                let d = self.backoff.delay_ms(previous, prev, &mut self.rng);
                (d, Reason::RetryBackoff, None)
            }
        };

        if let Some(deadline) = self.config.deadline_ms {
            if elapsed + delay > deadline {
                return Decision {
                    hint_source,
                    ..Decision::stop(Reason::DeadlineExceeded, throttled)
                };
            }
        }

        if let Some(b) = &mut self.budget {
            let timeout_like = matches!(c.category, Category::Timeout | Category::Network);
            let cost = b.cost(timeout_like);
            if !b.try_acquire(cost) {
                return Decision {
                    hint_source,
                    ..Decision::stop(Reason::BudgetExhausted, throttled)
                };
            }
        }

        Decision {
            retry: true,
            delay_ms: delay,
            reason,
            hint_source,
            throttled,
            retry_after_ms: None,
            retry_at_ms: None,
        }
    }

    /// The wait for a server hint `h` (ms, not NaN, not negative), or `None` when the hint
    /// must be refused (`fail` policy, or above 24 h even with `honor`).
    fn hint_delay(&mut self, h: f64) -> Option<f64> {
        let max = self.config.max_retry_after_ms;
        let ratio = self.config.hint_jitter_ratio;
        let jmax = self.config.hint_jitter_max_ms;
        let spread = |x: f64| (x * ratio).min(jmax).max(0.0);
        if h > max {
            match self.config.large_hint {
                LargeHint::Fail => None,
                LargeHint::Clamp => {
                    // Spread below the clamp so clients given a huge hint do not all return
                    // at the same instant.
                    let j = self.rng.uniform(0.0, spread(max));
                    Some(clamp_delay(max - j, max))
                }
                LargeHint::Honor => {
                    if h > MAX_DURATION_MS {
                        return None;
                    }
                    let j = self.rng.uniform(0.0, spread(h));
                    Some(clamp_delay(h + j, MAX_DURATION_MS + jmax))
                }
            }
        } else {
            let j = self.rng.uniform(0.0, spread(h));
            let d = h + j;
            Some(match self.config.large_hint {
                LargeHint::Honor => clamp_delay(d, MAX_DURATION_MS + jmax),
                LargeHint::Clamp | LargeHint::Fail => clamp_delay(d, max.max(h)),
            })
        }
    }
}
