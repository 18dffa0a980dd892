//! JWT exports: the token comes in through the scratch buffer, numbers come out.
//!
//! `decodeJwt(token).exp` and the per-request expiry check are hot, so they cross the
//! boundary as numbers only ([`jwt_summary`], [`jwt_timing`]); the header and payload texts
//! are returned ([`jwt_texts`]) only when the caller actually reads them.

use crate::bindings::errors::to_js;
use crate::bindings::scratch::{set_out, with_input};
use crate::core::jwt::{self, Claims, JwtLimits, SummaryReader, TimingInput, TokenType};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Reused for every summary: the per-request path does not allocate, and tokens with
    /// the last token's header skip it.
    static READER: RefCell<SummaryReader> = const { RefCell::new(SummaryReader::new()) };
}

fn limits(max_token_bytes: usize) -> JwtLimits {
    let mut limits = JwtLimits::default();
    if max_token_bytes > 0 {
        limits.max_token_bytes = max_token_bytes;
    }
    limits
}

fn or_nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// What [`jwt_summary`] returns for a refused token.
pub const REFUSED: u32 = 255;

fn summary(len: usize, max_token_bytes: usize) -> Result<jwt::Summary, jwt::JwtError> {
    READER.with(|reader| {
        let mut reader = reader.borrow_mut();
        with_input(0, len, |token| reader.read(token, &limits(max_token_bytes)))
    })
}

/// Reads the token in scratch `[0, len)`. Out slots: exp, iat, nbf (NaN when absent).
/// Returns the kind: 0 none, 1 access, 2 refresh, 3 other (see [`jwt_texts`] for its
/// name), or [`REFUSED`]: then [`jwt_error`] throws the reason. A plain number, because a
/// `Result` comes back to JS as a multi-value array allocated on every call.
#[wasm_bindgen]
pub fn jwt_summary(len: usize, max_token_bytes: usize) -> u32 {
    let Ok(summary) = summary(len, max_token_bytes) else {
        return REFUSED;
    };
    let Claims { exp, iat, nbf } = summary.claims;
    set_out(&[or_nan(exp), or_nan(iat), or_nan(nbf)]);
    match summary.token_type {
        None => 0,
        Some(TokenType::Access) => 1,
        Some(TokenType::Refresh) => 2,
        Some(TokenType::Other(_)) => 3,
    }
}

/// Throws the `FaultlineError` for the token in scratch `[0, len)` that [`jwt_summary`]
/// refused (returns normally for a valid token). Errors are rare, so they pay for a second
/// decode instead of every call paying for a `Result`.
#[wasm_bindgen]
pub fn jwt_error(len: usize, max_token_bytes: usize) -> Result<(), JsValue> {
    summary(len, max_token_bytes)
        .map(drop)
        .map_err(|e| to_js(&e))
}

/// Decodes the token in scratch `[0, len)` fully and returns header text, payload text and
/// the kind's name, concatenated. Out slots 0..3: their lengths in UTF-16 units.
#[wasm_bindgen]
pub fn jwt_texts(len: usize, max_token_bytes: usize) -> Result<String, JsValue> {
    let decoded = with_input(0, len, |token| jwt::decode(token, &limits(max_token_bytes)))
        .map_err(|e| to_js(&e))?;
    let kind = decoded
        .token_type
        .as_ref()
        .map(TokenType::as_str)
        .unwrap_or("");
    let utf16 = |s: &str| s.encode_utf16().count() as f64;
    set_out(&[utf16(&decoded.header), utf16(&decoded.payload), utf16(kind)]);
    let mut out = String::with_capacity(decoded.header.len() + decoded.payload.len() + kind.len());
    out.push_str(&decoded.header);
    out.push_str(&decoded.payload);
    out.push_str(kind);
    Ok(out)
}

/// Refresh timing from claims. `present` has bit 0..6 set for exp, iat, nbf, now,
/// received_at, server_date, refresh_ahead. Out slots: expires_at, refresh_at, expired,
/// should_refresh, lifetime, skew (NaN when absent). Returns the clock: 0 lifetime,
/// 1 server_date, 2 local.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn jwt_timing(
    exp: f64,
    iat: f64,
    nbf: f64,
    now_ms: f64,
    received_at_ms: f64,
    server_date_ms: f64,
    refresh_ahead_ms: f64,
    present: u32,
) -> Result<u32, JsValue> {
    let opt = |bit: u32, v: f64| (present & (1 << bit) != 0).then_some(v);
    let claims = Claims {
        exp: opt(0, exp),
        iat: opt(1, iat),
        nbf: opt(2, nbf),
    };
    let input = TimingInput {
        now_ms,
        received_at_ms: opt(4, received_at_ms),
        server_date_ms: opt(5, server_date_ms),
        refresh_ahead_ms: opt(6, refresh_ahead_ms),
    };
    let t = jwt::timing(&claims, &input).map_err(|e| to_js(&e))?;
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    set_out(&[
        or_nan(t.expires_at_ms),
        or_nan(t.refresh_at_ms),
        flag(t.expired),
        flag(t.should_refresh),
        or_nan(t.lifetime_ms),
        or_nan(t.skew_ms),
    ]);
    Ok(match t.clock {
        jwt::ClockSource::Lifetime => 0,
        jwt::ClockSource::ServerDate => 1,
        jwt::ClockSource::Local => 2,
    })
}
