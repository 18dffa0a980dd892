//! The shared retry budget: a token bucket in the style of the AWS SDK "retry quota".
//!
//! Why: per-call attempt limits do not stop an outage from multiplying load, because every
//! call still retries. A bucket shared by all calls of a client caps the retry ratio: each
//! retry spends tokens, each success returns a few, and when the bucket is empty retries stop
//! (first attempts are never blocked) until successes refill it.
//!
//! Key decisions: costs and capacity are validated finite non-negative numbers; tokens never
//! go below 0 or above the capacity; the bucket starts full.

use crate::core::retry::config::BudgetConfig;

/// A token bucket for retries.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryBudget {
    config: BudgetConfig,
    tokens: f64,
}

impl RetryBudget {
    /// A full bucket (the config is assumed validated; bad numbers are clamped to 0).
    pub fn new(config: BudgetConfig) -> RetryBudget {
        let capacity = if config.capacity.is_finite() {
            config.capacity.max(0.0)
        } else {
            0.0
        };
        RetryBudget {
            config,
            tokens: capacity,
        }
    }

    /// Tokens left.
    pub fn tokens(&self) -> f64 {
        self.tokens
    }

    /// Fills the bucket to its capacity.
    pub fn fill(&mut self) {
        self.tokens = self.config.capacity.max(0.0);
    }

    /// Sets the tokens left (read from a shared store), within `[0, capacity]`; a value that
    /// is not finite is ignored.
    pub fn set_tokens(&mut self, tokens: f64) {
        if tokens.is_finite() {
            self.tokens = tokens.max(0.0).min(self.config.capacity.max(0.0));
        }
    }

    /// Takes `cost` tokens if that many are left; false (and nothing taken) otherwise.
    pub fn try_acquire(&mut self, cost: f64) -> bool {
        let cost = if cost.is_finite() { cost.max(0.0) } else { 0.0 };
        if self.tokens >= cost {
            self.tokens -= cost;
            true
        } else {
            false
        }
    }

    /// The cost of one retry: `timeout_cost` after a timeout or network failure.
    pub fn cost(&self, timeout_like: bool) -> f64 {
        if timeout_like {
            self.config.timeout_cost
        } else {
            self.config.retry_cost
        }
    }

    /// A success returns `success_refill` tokens, up to the capacity.
    pub fn record_success(&mut self) {
        let refill = if self.config.success_refill.is_finite() {
            self.config.success_refill.max(0.0)
        } else {
            0.0
        };
        self.tokens = (self.tokens + refill).min(self.config.capacity.max(0.0));
    }
}
