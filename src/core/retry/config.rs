//! Retry policy options, their defaults and their validation.
//!
//! Why: every number here can come from JavaScript, so each is checked once, here, and turned
//! into a typed [`RetryError`] naming the option; the engine then never sees NaN, negatives or
//! infinities.
//!
//! Key decisions (the defaults follow seed 000 and the anchor survey):
//! - `max_attempts` counts ALL attempts including the first (default 6). It is a hard ceiling;
//!   below it, `max_retries` (default 3) bounds retries of server/unavailable/timeout/network
//!   failures and `max_throttled_retries` (default 5) bounds retries of throttled failures
//!   (429 or any failure carrying a server hint), so throttling does not eat the 5xx allowance.
//! - backoff: base 1000 ms, multiplier 2, cap 30 000 ms, full jitter (seed 000: "1s, 2s, 4s").
//! - server hints larger than `max_retry_after_ms` (default 60 000, seed 000 caps at 60 s) are
//!   not followed by default (`largeHint: "fail"`): retrying early runs into the same throttle
//!   and waiting an hour holds the request, so the decision gives up and carries the hint;
//!   `clamp` and `honor` are opt-in, and `honor` still refuses hints above 24 h.
//! - hint jitter: `+U(0, min(hint * hint_jitter_ratio, hint_jitter_max_ms))`, default 10 %
//!   up to 1000 ms; a delay is never shorter than an honoured hint.
//! - budget (AWS-style token bucket) and breaker are on by default; `None` disables them.
//! - `seed` defaults to 0: bindings should pass a random seed per client, or every client
//!   with default options draws the same jitter.

use crate::core::retry::backoff::{Backoff, Jitter, check_ms};
use crate::core::retry::error::RetryError;
use crate::core::retry::limits::{MAX_ORIGINS, MAX_TOKENS};

crate::vocabulary! {
    /// What to do when the server asks for a longer wait than `maxRetryAfterMs`.
    #[derive(Default)]
    pub enum LargeHint as "LargeHint" {
        /// Do not retry (the default): the decision reason is `hint_too_large` and the
        /// decision carries the hint (`retryAfterMs`, `retryAtMs`) so a UI can say when.
        #[default]
        Fail = "fail",
        /// Wait `maxRetryAfterMs` instead, minus a small spread (the server will probably
        /// refuse the early retry).
        Clamp = "clamp",
        /// Wait as asked (still refused above 24 h and bounded by the deadline); for
        /// background jobs.
        Honor = "honor",
    }
}

/// The shared retry budget: a token bucket (AWS SDK "retry quota").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetConfig {
    /// Tokens when full (default 500).
    pub capacity: f64,
    /// Tokens one retry costs (default 5).
    pub retry_cost: f64,
    /// Tokens one retry after a timeout or network failure costs (default 10).
    pub timeout_cost: f64,
    /// Tokens returned by each success (default 1).
    pub success_refill: f64,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            capacity: 500.0,
            retry_cost: 5.0,
            timeout_cost: 10.0,
            success_refill: 1.0,
        }
    }
}

impl BudgetConfig {
    /// Checks every field: finite, in `[0, 1e9]`.
    pub fn validate(&self) -> Result<(), RetryError> {
        for (option, v) in [
            ("budget.capacity", self.capacity),
            ("budget.retryCost", self.retry_cost),
            ("budget.timeoutCost", self.timeout_cost),
            ("budget.successRefill", self.success_refill),
        ] {
            if !(v.is_finite() && (0.0..=MAX_TOKENS).contains(&v)) {
                return Err(RetryError::option(
                    option,
                    "must be a finite number between 0 and 1000000000",
                ));
            }
        }
        Ok(())
    }
}

/// The per-origin circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerConfig {
    /// Consecutive failures that open the circuit (default 5, seed 000).
    pub failure_threshold: u32,
    /// How long the circuit stays open before one probe is let through (default 5000 ms).
    pub cooldown_ms: f64,
    /// Most origins tracked; the least recently used is forgotten beyond it (default 256).
    pub max_origins: usize,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            failure_threshold: 5,
            cooldown_ms: 5000.0,
            max_origins: 256,
        }
    }
}

impl BreakerConfig {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), RetryError> {
        if self.failure_threshold == 0 {
            return Err(RetryError::option(
                "breaker.failureThreshold",
                "must be at least 1",
            ));
        }
        check_ms("breaker.cooldownMs", self.cooldown_ms)?;
        if self.cooldown_ms <= 0.0 {
            return Err(RetryError::option(
                "breaker.cooldownMs",
                "must be greater than 0",
            ));
        }
        if self.max_origins == 0 || self.max_origins > MAX_ORIGINS {
            return Err(RetryError::option(
                "breaker.maxOrigins",
                "must be between 1 and 10000",
            ));
        }
        Ok(())
    }
}

/// Every option of a retry policy. Build one with `RetryConfig::default()` and change fields,
/// or read one from an options object with [`crate::core::retry::args::read_options`];
/// [`crate::core::retry::Policy::new`] validates it.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Total attempts including the first (default 6). At least 1.
    pub max_attempts: u32,
    /// Retries of non-throttled failures (5xx, timeouts, network) per call (default 3).
    pub max_retries: u32,
    /// Retries of throttled failures (429 or with a server hint) per call (default 5).
    pub max_throttled_retries: u32,
    /// First backoff ceiling in ms (default 1000).
    pub base_ms: f64,
    /// Largest backoff delay in ms, after jitter (default 30 000).
    pub cap_ms: f64,
    /// Growth factor per retry (default 2).
    pub multiplier: f64,
    /// Jitter kind (default full).
    pub jitter: Jitter,
    /// Longest server hint followed as is, in ms (default 60 000).
    pub max_retry_after_ms: f64,
    /// What to do with a longer hint (default fail).
    pub large_hint: LargeHint,
    /// Hint jitter as a fraction of the hint, in `[0, 1]` (default 0.1).
    pub hint_jitter_ratio: f64,
    /// Largest hint jitter in ms, in `[0, 60 000]` (default 1000).
    pub hint_jitter_max_ms: f64,
    /// Per-call time limit in ms from the first attempt; `None` for none (default).
    pub deadline_ms: Option<f64>,
    /// Retry POST/PATCH/unknown methods even without an idempotency key (default false).
    pub retry_non_idempotent: bool,
    /// Shared retry budget; `None` disables it.
    pub budget: Option<BudgetConfig>,
    /// Per-origin circuit breaker; `None` disables it.
    pub breaker: Option<BreakerConfig>,
    /// Seed of the jitter randomness (default 0; pass a random one per client).
    pub seed: u64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 6,
            max_retries: 3,
            max_throttled_retries: 5,
            base_ms: 1000.0,
            cap_ms: 30_000.0,
            multiplier: 2.0,
            jitter: Jitter::Full,
            max_retry_after_ms: 60_000.0,
            large_hint: LargeHint::Fail,
            hint_jitter_ratio: 0.1,
            hint_jitter_max_ms: 1000.0,
            deadline_ms: None,
            retry_non_idempotent: false,
            budget: Some(BudgetConfig::default()),
            breaker: Some(BreakerConfig::default()),
            seed: 0,
        }
    }
}

impl RetryConfig {
    /// Checks every option; the first problem found is returned.
    pub fn validate(&self) -> Result<(), RetryError> {
        if self.max_attempts == 0 {
            return Err(RetryError::option(
                "maxAttempts",
                "must be at least 1 (it counts the first attempt)",
            ));
        }
        self.backoff()?;
        check_ms("maxRetryAfterMs", self.max_retry_after_ms)?;
        if !(self.hint_jitter_ratio.is_finite() && (0.0..=1.0).contains(&self.hint_jitter_ratio)) {
            return Err(RetryError::option(
                "hintJitterRatio",
                "must be a finite number between 0 and 1",
            ));
        }
        if !(self.hint_jitter_max_ms.is_finite()
            && (0.0..=60_000.0).contains(&self.hint_jitter_max_ms))
        {
            return Err(RetryError::option(
                "hintJitterMaxMs",
                "must be a finite number between 0 and 60000",
            ));
        }
        if let Some(d) = self.deadline_ms {
            check_ms("deadlineMs", d)?;
            if d <= 0.0 {
                return Err(RetryError::option("deadlineMs", "must be greater than 0"));
            }
        }
        if let Some(b) = &self.budget {
            b.validate()?;
        }
        if let Some(b) = &self.breaker {
            b.validate()?;
        }
        Ok(())
    }

    /// The backoff parameters of this config, validated.
    pub fn backoff(&self) -> Result<Backoff, RetryError> {
        Backoff::new(self.base_ms, self.cap_ms, self.multiplier, self.jitter)
    }
}
