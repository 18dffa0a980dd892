//! The only code that touches JavaScript: decode, call the core, encode.
//!
//! One file per concern; each export has the same shape.

mod version;
