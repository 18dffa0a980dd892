//! JWT exports: a token string in; the decoded token as a plain object out, or, for the
//! per-call claims that `decodeJwt(token).exp` reads, a few numbers.
//!
//! Why two: an object built through serde costs more than the rest of the decode, and
//! `decodeJwt(t).exp` has a speed floor (2× jose on distinct tokens). The numbers' order is
//! [`jwt::CLAIM_SLOTS`], which the TypeScript reads from the generated `JwtClaimSlots`.

use crate::bindings::boundary::{decode, encode};
use crate::bindings::errors::to_js;
use crate::core::jwt::{self, Claims, JwtLimits, TimingInput};
use wasm_bindgen::prelude::*;

fn limits(max_token_bytes: usize) -> JwtLimits {
    let mut limits = JwtLimits::default();
    if max_token_bytes > 0 {
        limits.max_token_bytes = max_token_bytes;
    }
    limits
}

/// Decodes `token` (not verified): a `RawDecodedJwt` (header and payload as JSON text, the
/// claims and kind), or throws the `FaultlineError` of the first check that failed.
/// `max_token_bytes` 0 means the default limit.
#[wasm_bindgen]
pub fn jwt_decode(token: &str, max_token_bytes: usize) -> Result<JsValue, JsValue> {
    let decoded = jwt::decode(token.as_bytes(), &limits(max_token_bytes)).map_err(|e| to_js(&e))?;
    encode(&decoded)
}

/// The claims of `token` as numbers in [`jwt::CLAIM_SLOTS`] order (see
/// [`jwt::DecodedJwt::claim_slots`]), or throws the `FaultlineError` of the first check that
/// failed. `max_token_bytes` 0 means the default limit.
#[wasm_bindgen]
pub fn jwt_claims(token: &str, max_token_bytes: usize) -> Result<Vec<f64>, JsValue> {
    let decoded = jwt::decode(token.as_bytes(), &limits(max_token_bytes)).map_err(|e| to_js(&e))?;
    Ok(decoded.claim_slots().to_vec())
}

/// Refresh timing: `claims` is `{exp?, iat?, nbf?}` in seconds, `options` the `TimingInput`
/// (`nowMs`, `receivedAtMs?`, `serverDateMs?`, `refreshAheadMs?`), both as JSON text.
/// Returns a `TokenTiming`.
#[wasm_bindgen]
pub fn jwt_timing(claims: &str, options: &str) -> Result<JsValue, JsValue> {
    let claims: Claims = decode("tokenTiming claims", claims)?;
    let input: TimingInput = decode("tokenTiming options", options)?;
    encode(&jwt::timing(&claims, &input).map_err(|e| to_js(&e))?)
}
