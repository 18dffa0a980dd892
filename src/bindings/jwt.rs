//! JWT exports: a token string in; the decoded token as a plain object out, or, for the
//! per-call claims that `decodeJwt(token).exp` reads, a few numbers.
//!
//! Why two: an object built through serde costs more than the rest of the decode, and
//! `decodeJwt(t).exp` has a speed floor (2× jose on distinct tokens). The numbers' order is
//! [`jwt::CLAIM_SLOTS`], which the TypeScript reads from the generated `JwtClaimSlots`.
//!
//! The token arrives as a JS string and `TextEncoder.encodeInto` writes its UTF-8 into wasm
//! memory ([`utf8`]): a `&str` parameter is copied by wasm-bindgen's glue in a JS loop, one
//! character at a time, which for a 900-byte token costs more than decoding it.

use crate::bindings::boundary::{decode, encode};
use crate::bindings::errors::to_js;
use crate::core::jwt::{self, Claims, JwtLimits, TimingInput};
use js_sys::JsString;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (browsers, Node, Deno and workers all have it).
    type TextEncoder;

    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;

    /// Writes `source` as UTF-8 into `destination` (a view of wasm memory, not a copy).
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &JsString, destination: &mut [u8]) -> Encoded;

    /// What `encodeInto` did.
    type Encoded;

    /// How many bytes it wrote.
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

/// The UTF-8 bytes of `text`. A text of more than `max_bytes` UTF-16 units is too long
/// however it encodes; it is copied the ordinary way, so that the error can say its size.
fn utf8(text: &JsString, max_bytes: usize) -> Vec<u8> {
    let units = text.length() as usize;
    if units > max_bytes {
        return text.as_string().unwrap_or_default().into_bytes();
    }
    // A UTF-16 unit takes at most 3 bytes of UTF-8 (a surrogate pair takes 4).
    let mut bytes = vec![0; units * 3];
    let written = TextEncoder::new().encode_into(text, &mut bytes).written();
    bytes.truncate(written as usize);
    bytes
}

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
pub fn jwt_decode(token: &JsString, max_token_bytes: usize) -> Result<JsValue, JsValue> {
    let limits = limits(max_token_bytes);
    let token = utf8(token, limits.max_token_bytes);
    let decoded = jwt::decode(&token, &limits).map_err(|e| to_js(&e))?;
    encode(&decoded)
}

/// The claims of `token` as numbers in [`jwt::CLAIM_SLOTS`] order (see
/// [`jwt::TokenClaims::claim_slots`]), or throws the `FaultlineError` of the first check that
/// failed. `max_token_bytes` 0 means the default limit.
#[wasm_bindgen]
pub fn jwt_claims(token: &JsString, max_token_bytes: usize) -> Result<Vec<f64>, JsValue> {
    let limits = limits(max_token_bytes);
    let token = utf8(token, limits.max_token_bytes);
    let claims = jwt::read(&token, &limits).map_err(|e| to_js(&e))?;
    Ok(claims.claim_slots().to_vec())
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
