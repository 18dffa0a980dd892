//! (placeholder: filled in by the jwt work)

use crate::core::error::CodeInfo;

/// Error codes raised by this concern.
pub const CODES: &[CodeInfo] = &[];
