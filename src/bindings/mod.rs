//! The only code that touches JavaScript: decode, call the core, encode.
//!
//! One file per concern, each export with the same shape: typed objects and strings in and
//! out through [`boundary`] (serde on both sides), errors as `FaultlineError`s with a stable
//! code ([`errors`]). The only scalar path is the JWT claim read, whose slot layout is
//! generated from Rust. Public only so that `tests/wasm.rs` can call the exports; not a stable Rust API.

pub mod boundary;
pub mod classify;
pub mod errors;
pub mod jwt;
pub mod refresh;
pub mod retry;
pub mod version;
