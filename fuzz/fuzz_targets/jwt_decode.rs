#![no_main]
//! Fuzzes the JWT reader: `decode`, `read` and `timing` on arbitrary bytes. Invariants:
//! nothing panics; `read` gives `decode`'s claims and errors; decoded texts are valid JSON
//! objects; timing outputs
//! are finite and consistent (`expired` implies `should_refresh`, refresh never after
//! expiry).
//!
//! Input layout: the first 8 bytes (when present) seed the timing inputs, the rest is the
//! token, so the fuzzer explores both.

use faultline::core::json;
use faultline::core::jwt::{JwtLimits, TimingInput, decode, read, timing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (knobs, token) = data.split_at(data.len().min(8));
    let limits = JwtLimits::default();

    let decoded = decode(token, &limits);
    let claims = read(token, &limits);
    assert_eq!(
        claims.as_ref().map(|c| (c.claims(), c.token_type.clone())),
        decoded.as_ref().map(|d| (d.claims(), d.token_type.clone()))
    );
    let Ok(d) = decoded else { return };
    assert!(matches!(json::parse(&d.header), Ok(json::Value::Object(_))));
    assert!(matches!(
        json::parse(&d.payload),
        Ok(json::Value::Object(_))
    ));

    // Timing around the token's own times, with a knob-chosen skew, latency and buffer.
    let mut k = [0u8; 8];
    k[..knobs.len()].copy_from_slice(knobs);
    let base = d.iat.or(d.exp).unwrap_or(1.7e9) * 1000.0;
    let skew = f64::from(i16::from_le_bytes([k[0], k[1]])) * 10_000.0;
    let elapsed = f64::from(u16::from_le_bytes([k[2], k[3]])) * 1_000.0;
    let input = TimingInput {
        now_ms: base + skew + elapsed,
        received_at_ms: (k[4] & 1 == 1).then_some(base + skew),
        server_date_ms: (k[4] & 2 == 2).then_some(base),
        refresh_ahead_ms: (k[4] & 4 == 4)
            .then_some(f64::from(u16::from_le_bytes([k[5], k[6]])) * 100.0),
    };
    let Ok(t) = timing(&d.claims(), &input) else {
        // Only out-of-range instants are refused.
        return;
    };
    if t.expired {
        assert!(t.should_refresh);
    }
    match (t.expires_at_ms, t.refresh_at_ms) {
        (Some(e), Some(r)) => {
            assert!(e.is_finite() && r.is_finite());
            assert!(r <= e);
        }
        (None, None) => assert!(!t.expired && !t.should_refresh),
        _ => panic!("expiresAt and refreshAt must both be set or both absent"),
    }
    if let Some(l) = t.lifetime_ms {
        assert!(l >= 0.0 && !l.is_nan());
    }
});
