//! Retry decisions and backoff (placeholder: filled in by the retry work).

pub mod hints;

use crate::core::error::CodeInfo;

/// Error codes raised by this concern.
pub const CODES: &[CodeInfo] = &[];
