//! The retry policy object: validated options plus the state shared by all calls.
//!
//! Why one object: per-call limits live in the call (the caller passes the attempt number),
//! but jitter randomness, the retry budget and the circuit breakers must be shared by every
//! call of a client, so an outage is seen once and not once per request.
//!
//! Key decisions: the jitter RNG is owned by the policy and seeded from the config;
//! [`Policy::schedule`] previews delays from a FRESH generator with the same seed, so it is
//! reproducible and never disturbs [`Policy::decide`]. Times (`now_ms`) that are NaN or
//! infinite are treated as 0.

use crate::core::rand::SplitMix64;
use crate::core::retry::backoff::Backoff;
use crate::core::retry::breaker::{BreakerState, Circuit, CircuitBreaker};
use crate::core::retry::budget::RetryBudget;
use crate::core::retry::config::RetryConfig;
use crate::core::retry::error::RetryError;
use crate::core::retry::limits::MAX_SCHEDULE;

/// The part of a policy's state that processes can share through a store: plain data, so
/// a store keeps it as it is and the decisions stay here.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedState {
    /// Tokens left in the retry budget (`None`: disabled, or unknown to the store).
    pub budget_tokens: Option<f64>,
    /// The origin's circuit (`None`: disabled, or unknown to the store).
    pub circuit: Option<Circuit>,
}

/// A validated retry policy with its shared budget and breakers.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) config: RetryConfig,
    pub(crate) backoff: Backoff,
    pub(crate) rng: SplitMix64,
    pub(crate) budget: Option<RetryBudget>,
    pub(crate) breaker: Option<CircuitBreaker>,
}

/// A finite time or 0.
pub(crate) fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

impl Policy {
    /// Validates `config` and builds the policy (full budget, all circuits closed).
    pub fn new(config: RetryConfig) -> Result<Policy, RetryError> {
        config.validate()?;
        let backoff = config.backoff()?;
        Ok(Policy {
            rng: SplitMix64::new(config.seed),
            budget: config.budget.map(RetryBudget::new),
            breaker: config.breaker.map(CircuitBreaker::new),
            backoff,
            config,
        })
    }

    /// The options in force.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// The first `n` backoff delays (ms) of a call whose failures carry no server hint:
    /// entry `k` is the delay before retry `k + 1`. At most 1000 entries. Reproducible from
    /// the seed; does not change the state `decide` uses.
    pub fn schedule(&self, n: usize) -> Vec<f64> {
        let n = n.min(MAX_SCHEDULE);
        let mut rng = SplitMix64::new(self.config.seed);
        let mut prev = self.backoff.base_ms();
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            let exponent = u32::try_from(k).unwrap_or(u32::MAX);
            let d = self.backoff.delay_ms(exponent, prev, &mut rng);
            prev = d;
            out.push(d);
        }
        out
    }

    /// Asks whether a request to `origin` may be sent now (call it before every send,
    /// retries included). False means the circuit is open: fail fast with `circuit_open`.
    /// When the cool-down is over, exactly one caller gets true (the probe).
    pub fn allow_request(&mut self, origin: &str, now_ms: f64) -> bool {
        let now = finite_or_zero(now_ms);
        match &mut self.breaker {
            Some(b) => b.allow(origin, now),
            None => true,
        }
    }

    /// A request succeeded: refills the budget and closes the origin's circuit. `now_ms` is
    /// accepted for symmetry with `record_failure` (a success needs no time).
    pub fn record_success(&mut self, origin: Option<&str>, _now_ms: f64) {
        if let Some(b) = &mut self.budget {
            b.record_success();
        }
        if let (Some(b), Some(o)) = (&mut self.breaker, origin) {
            b.record_success(o);
        }
    }

    /// A request to `origin` failed in a way that says the origin is unhealthy. `decide`
    /// already records the failures it is given (server, unavailable, timeout, network);
    /// call this only for failures you do not pass to `decide`.
    pub fn record_failure(&mut self, origin: &str, now_ms: f64) {
        let now = finite_or_zero(now_ms);
        if let Some(b) = &mut self.breaker {
            b.record_failure(origin, now);
        }
    }

    /// What this policy shares about `origin` with other processes: the budget's tokens and
    /// the origin's circuit (each `None` when disabled).
    pub fn shared(&self, origin: &str) -> SharedState {
        SharedState {
            budget_tokens: self.budget_tokens(),
            circuit: self.breaker.as_ref().map(|b| b.circuit(origin)),
        }
    }

    /// Takes over the state a store holds (see [`Policy::shared`]); the same state machine
    /// then runs on it. A part the store does not have is the initial one (a full budget, a
    /// closed circuit): a key that expired means nothing happened lately.
    pub fn set_shared(&mut self, origin: &str, state: &SharedState) {
        if let Some(b) = &mut self.budget {
            match state.budget_tokens {
                Some(t) => b.set_tokens(t),
                None => b.fill(),
            }
        }
        if let Some(b) = &mut self.breaker {
            match state.circuit {
                Some(c) => b.set_circuit(origin, c),
                None => b.forget(origin),
            }
        }
    }

    /// Tokens left in the retry budget (`None` when the budget is disabled).
    pub fn budget_tokens(&self) -> Option<f64> {
        self.budget.as_ref().map(RetryBudget::tokens)
    }

    /// The circuit state of `origin` at `now_ms` (`None` when the breaker is disabled).
    pub fn breaker_state(&self, origin: &str, now_ms: f64) -> Option<BreakerState> {
        let now = finite_or_zero(now_ms);
        self.breaker.as_ref().map(|b| b.state(origin, now))
    }
}
