//! The few JSON-writing helpers the wire and storage codecs need.
//!
//! Numbers written by this concern are always integers in `[0, 2^53 - 1]` (ids, nonces,
//! generations, epoch milliseconds rounded), so they survive `JSON.parse` and our own
//! reader exactly. Strings are escaped per RFC 8259.

use crate::core::json::Value;

/// Largest integer exactly representable in an `f64` (and in JavaScript).
pub const MAX_SAFE: u64 = (1u64 << 53) - 1;

/// Appends `"s"` with RFC 8259 escaping.
pub fn push_str(out: &mut String, s: &str) {
    crate::core::json::write_string(out, s);
}

/// Appends an integer, clamped to [`MAX_SAFE`].
pub fn push_u64(out: &mut String, v: u64) {
    out.push_str(&v.min(MAX_SAFE).to_string());
}

/// Appends a time (epoch ms) rounded to an integer; non-finite or negative becomes 0.
pub fn push_ms(out: &mut String, v: f64) {
    push_u64(out, ms_to_u64(v));
}

/// A time as a safe integer (rounded, clamped; NaN and negatives give 0).
pub fn ms_to_u64(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        let r = v.round().min(MAX_SAFE as f64);
        r as u64
    } else {
        0
    }
}

/// Appends an optional time: the number or `null`.
pub fn push_opt_ms(out: &mut String, v: Option<f64>) {
    match v {
        Some(x) if x.is_finite() => push_ms(out, x),
        _ => out.push_str("null"),
    }
}

/// Reads an integer in `[0, MAX_SAFE]`.
pub fn get_u64(v: &Value<'_>, key: &str) -> Option<u64> {
    let n = v.get(key)?.as_f64()?;
    if n >= 0.0 && n <= MAX_SAFE as f64 && n.fract() == 0.0 {
        Some(n as u64)
    } else {
        None
    }
}

/// Reads an optional time: absent or `null` gives `Some(None)`, a bad value `None`.
pub fn get_opt_ms(v: &Value<'_>, key: &str) -> Option<Option<f64>> {
    match v.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(_) => get_u64(v, key).map(|n| Some(n as f64)),
    }
}

/// Reads a required time.
pub fn get_ms(v: &Value<'_>, key: &str) -> Option<f64> {
    get_u64(v, key).map(|n| n as f64)
}
