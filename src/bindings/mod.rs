//! The only code that touches JavaScript: decode, call the core, encode.
//!
//! One file per concern, each export with the same shape. Hot paths take and return
//! numbers and short strings; objects are built by the TypeScript facade from constant
//! tables, because an object returned through serde costs ~500 ns at the boundary.
//! Public only so that `tests/wasm.rs` can call the exports; not a stable Rust API.

pub mod boundary;
pub mod classify;
pub mod errors;
pub mod jwt;
pub mod refresh;
pub mod retry;
pub mod scratch;
pub mod version;
