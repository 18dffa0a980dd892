//! Why a retry decision came out the way it did.
//!
//! Why a separate enum: callers log, count and switch on the reason, so every outcome of
//! [`crate::core::retry::Policy::decide`] has one stable snake_case string that never changes.

/// The reason of a [`crate::core::retry::Decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Retry after a computed exponential backoff.
    RetryBackoff,
    /// Retry after the delay the server asked for (plus a small jitter).
    RetryHint,
    /// The classification says repeating will not help.
    NotRetryable,
    /// The caller aborted the request.
    Aborted,
    /// The attempt limit (total or for this kind of failure) is used up.
    AttemptsExhausted,
    /// Waiting would cross the per-call deadline.
    DeadlineExceeded,
    /// The shared retry budget has no tokens left.
    BudgetExhausted,
    /// The circuit breaker for this origin is open.
    CircuitOpen,
    /// The server asked for a longer wait than allowed and `largeHint` is `fail`.
    HintTooLarge,
    /// The method is not idempotent and nothing says repeating it is safe.
    UnsafeMethod,
}

impl Reason {
    /// Every reason, in declaration order.
    pub const ALL: [Reason; 10] = [
        Reason::RetryBackoff,
        Reason::RetryHint,
        Reason::NotRetryable,
        Reason::Aborted,
        Reason::AttemptsExhausted,
        Reason::DeadlineExceeded,
        Reason::BudgetExhausted,
        Reason::CircuitOpen,
        Reason::HintTooLarge,
        Reason::UnsafeMethod,
    ];

    /// The stable string form (`"retry_backoff"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::RetryBackoff => "retry_backoff",
            Reason::RetryHint => "retry_hint",
            Reason::NotRetryable => "not_retryable",
            Reason::Aborted => "aborted",
            Reason::AttemptsExhausted => "attempts_exhausted",
            Reason::DeadlineExceeded => "deadline_exceeded",
            Reason::BudgetExhausted => "budget_exhausted",
            Reason::CircuitOpen => "circuit_open",
            Reason::HintTooLarge => "hint_too_large",
            Reason::UnsafeMethod => "unsafe_method",
        }
    }

    /// Parses the stable string form.
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// True for the two reasons that mean "retry".
    pub fn is_retry(self) -> bool {
        matches!(self, Reason::RetryBackoff | Reason::RetryHint)
    }
}
