//! Typed errors of the retry concern.
//!
//! Why: a bad option must reach the caller as a value it can switch on (`code`), never as a
//! panic inside wasm. Option names in messages are the camelCase names of the TypeScript API
//! (`capMs`, `budget.retryCost`), because that is what the user wrote.

use std::fmt;

use crate::core::error::{CodeInfo, ErrorCode};

/// Everything that can go wrong while configuring retries, pacing or parsing limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryError {
    /// An option has the wrong type or an out-of-range value.
    InvalidOption {
        /// The option, as named in the TypeScript API (`"capMs"`, `"budget.capacity"`).
        option: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An option name that does not exist (usually a typo).
    UnknownOption {
        /// The name as given.
        option: String,
    },
    /// A rate spec such as `"10/hour"` could not be read.
    InvalidRate {
        /// The spec as given (truncated to 64 bytes).
        spec: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A `RateLimit-Policy` field value could not be read.
    InvalidRateLimitPolicy {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The pacer already tracks its maximum number of scopes.
    TooManyScopes {
        /// The maximum.
        max: usize,
    },
}

/// Codes of [`RetryError`], in declaration order.
pub const RETRY_ERROR_CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "retry_invalid_option",
        summary: "a retry option has the wrong type or an out-of-range value",
    },
    CodeInfo {
        code: "retry_unknown_option",
        summary: "a retry option name does not exist",
    },
    CodeInfo {
        code: "retry_invalid_rate",
        summary: "a rate spec such as \"10/hour\" could not be read",
    },
    CodeInfo {
        code: "retry_invalid_ratelimit_policy",
        summary: "a RateLimit-Policy header value could not be read",
    },
    CodeInfo {
        code: "retry_too_many_scopes",
        summary: "the pacer already tracks its maximum number of scopes",
    },
];

impl ErrorCode for RetryError {
    fn code(&self) -> &'static str {
        match self {
            RetryError::InvalidOption { .. } => "retry_invalid_option",
            RetryError::UnknownOption { .. } => "retry_unknown_option",
            RetryError::InvalidRate { .. } => "retry_invalid_rate",
            RetryError::InvalidRateLimitPolicy { .. } => "retry_invalid_ratelimit_policy",
            RetryError::TooManyScopes { .. } => "retry_too_many_scopes",
        }
    }
}

impl RetryError {
    /// Shorthand for [`RetryError::InvalidOption`].
    pub(crate) fn option(option: &'static str, reason: &'static str) -> RetryError {
        RetryError::InvalidOption { option, reason }
    }

    /// Shorthand for [`RetryError::InvalidRate`], keeping at most 64 bytes of the spec.
    pub(crate) fn rate(spec: &str, reason: &'static str) -> RetryError {
        let mut end = spec.len().min(64);
        while !spec.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        RetryError::InvalidRate {
            spec: spec.get(..end).unwrap_or_default().to_string(),
            reason,
        }
    }
}

impl fmt::Display for RetryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryError::InvalidOption { option, reason } => {
                write!(f, "{}: option `{option}` {reason}", self.code())
            }
            RetryError::UnknownOption { option } => {
                write!(f, "{}: unknown option `{option}`", self.code())
            }
            RetryError::InvalidRate { spec, reason } => {
                write!(f, "{}: rate `{spec}` {reason}", self.code())
            }
            RetryError::InvalidRateLimitPolicy { reason } => {
                write!(f, "{}: {reason}", self.code())
            }
            RetryError::TooManyScopes { max } => {
                write!(f, "{}: at most {max} scopes", self.code())
            }
        }
    }
}

impl std::error::Error for RetryError {}
