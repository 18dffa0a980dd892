//! Retry decisions: backoff with jitter, server hints, per-call limits, and the protection
//! shared by all calls of a client (retry budget, circuit breaker per origin, pacing).
//!
//! Why this shape: every decision is a pure function of options, shared state and the
//! failed attempt, with time and randomness passed in, so the same engine runs natively in
//! tests and simulations and in wasm behind the TypeScript `RetryPolicy`.
//!
//! Entry points: [`Policy::new`] (from a [`RetryConfig`], or options read by
//! [`args::read_options`]),
//! [`Policy::decide`], [`Policy::schedule`], [`Policy::allow_request`],
//! [`Policy::record_success`]; [`Pacer`] with [`Rate::parse`] and
//! [`parse_ratelimit_policy`] for pacing from known limits. Server hints are parsed by
//! [`hints`] (owned by classification) and arrive in `Classification::retry_after_ms`.

pub mod args;
pub mod backoff;
pub mod breaker;
pub mod budget;
pub mod config;
pub mod decide;
pub mod error;
pub mod hints;
pub mod limits;
pub mod pacer;
pub mod policy;
pub mod ratelimit_policy;
pub mod reason;

pub use backoff::{Backoff, Jitter};
pub use breaker::{BreakerState, Circuit, CircuitBreaker};
pub use budget::RetryBudget;
pub use config::{BreakerConfig, BudgetConfig, LargeHint, RetryConfig};
pub use decide::{DecideInput, Decision, Failure, counts_for_breaker, is_idempotent_method};
pub use error::RetryError;
pub use pacer::{Pacer, Rate};
pub use policy::{Policy, SharedState};
pub use ratelimit_policy::{RateLimitPolicyItem, parse_ratelimit_policy};
pub use reason::Reason;

use crate::core::error::CodeInfo;

/// Error codes raised by this concern.
pub const CODES: &[CodeInfo] = error::RETRY_ERROR_CODES;
