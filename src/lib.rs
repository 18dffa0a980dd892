//! # faultline
//!
//! Handle API failures one way everywhere: classify a failed request, decide whether and
//! when to retry, read JWT expiry, and share one token refresh across browser tabs.
//!
//! The crate has two layers with one direction of dependency:
//!
//! - [`core`] is pure Rust. It knows nothing of JavaScript: time and randomness are
//!   arguments, every decision is a function or a state machine, and it is tested natively.
//! - `bindings` (compiled for `wasm32` only) is the thin layer that decodes JS values,
//!   calls the core and encodes the answer. The hand-written TypeScript facade in
//!   `pkg-template/` sits on top of it.
//!
//! Library code never panics: a panic inside WebAssembly poisons the module for the whole
//! page, so every fallible path returns a typed error with a stable code
//! (see [`core::error`]).

pub mod core;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod bindings;
