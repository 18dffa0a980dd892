//! Why a retry decision came out the way it did.
//!
//! Why a separate enum: callers log, count and switch on the reason, so every outcome of
//! [`crate::core::retry::Policy::decide`] has one stable snake_case string that never changes.

crate::vocabulary! {
    /// Why a retry decision came out the way it did. The two `retry_*` reasons mean "retry".
    pub enum Reason as "RetryReason" {
        /// Retry after a computed exponential backoff.
        RetryBackoff = "retry_backoff",
        /// Retry after the delay the server asked for (plus a small jitter).
        RetryHint = "retry_hint",
        /// The classification says repeating will not help.
        NotRetryable = "not_retryable",
        /// The caller aborted the request.
        Aborted = "aborted",
        /// The attempt limit (total or for this kind of failure) is used up.
        AttemptsExhausted = "attempts_exhausted",
        /// Waiting would cross the per-call deadline.
        DeadlineExceeded = "deadline_exceeded",
        /// The shared retry budget has no tokens left.
        BudgetExhausted = "budget_exhausted",
        /// The circuit breaker for this origin is open.
        CircuitOpen = "circuit_open",
        /// The server asked for a longer wait than `maxRetryAfterMs` allows (`largeHint`
        /// `fail`, the default, or a hint above 24 h).
        HintTooLarge = "hint_too_large",
        /// The method is not idempotent and nothing says repeating it is safe.
        UnsafeMethod = "unsafe_method",
    }
}

impl Reason {
    /// True for the two reasons that mean "retry".
    pub fn is_retry(self) -> bool {
        matches!(self, Reason::RetryBackoff | Reason::RetryHint)
    }
}
