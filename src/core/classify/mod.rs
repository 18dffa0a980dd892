//! (placeholder: filled in by the classify work)

use crate::core::error::CodeInfo;

/// Error codes raised by this concern.
pub const CODES: &[CodeInfo] = &[];
