//! Classification of failed requests (placeholder: filled in by the classify work).

pub mod model;

pub use model::{Action, Category, Classification, Format};

use crate::core::error::CodeInfo;

/// Error codes raised by this concern.
pub const CODES: &[CodeInfo] = &[];
