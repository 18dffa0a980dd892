//! The pure core: no JavaScript, no clocks, no global randomness.
//!
//! Every module here takes time (`now_ms`) and randomness (a seed or a [`rand::SplitMix64`])
//! as arguments, so the same inputs always give the same outputs. That is what lets the
//! retry engine and the cross-tab refresh protocol be checked by deterministic simulation.

pub mod body;
pub(crate) mod bytes;
pub mod classify;
pub mod error;
pub mod headers;
pub mod json;
pub mod jwt;
pub mod num;
pub mod rand;
pub mod refresh;
pub mod retry;
pub mod schema;
pub mod vocab;
