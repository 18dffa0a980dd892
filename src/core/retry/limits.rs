//! Hard bounds shared by the retry modules.
//!
//! Why: user numbers may be huge; every bound here turns "huge" into a typed error (or a
//! documented clamp) so no wait is ever infinite and no table grows without limit.

/// Longest duration any option or honoured hint may express: 24 hours.
pub const MAX_DURATION_MS: f64 = 86_400_000.0;
/// Largest backoff multiplier accepted.
pub const MAX_MULTIPLIER: f64 = 1000.0;
/// Most delays [`crate::core::retry::Policy::schedule`] returns.
pub const MAX_SCHEDULE: usize = 1000;
/// Largest budget capacity or cost accepted.
pub const MAX_TOKENS: f64 = 1_000_000_000.0;
/// Most origins a circuit breaker may be configured to track.
pub const MAX_ORIGINS: usize = 10_000;
/// Longest origin key kept by the breaker (longer keys are truncated).
pub const MAX_ORIGIN_LEN: usize = 256;
/// Largest request count in a pacer rate (`"100000/second"`).
pub const MAX_RATE_LIMIT: u32 = 100_000;
/// Most scopes one pacer tracks.
pub const MAX_SCOPES: usize = 64;
/// Longest scope name kept by the pacer.
pub const MAX_SCOPE_LEN: usize = 128;
