//! Small numeric helpers that keep the wasm module lean.
//!
//! `f64::clamp` asserts `min <= max` and its panic message formats both floats with `Debug`,
//! which alone drags Rust's float formatting (~20 KB) into the module even though the
//! assertion can never fire with constant bounds. [`clamp`] has the same results without
//! any panic path.

/// `v` limited to `[lo, hi]`, with `f64::clamp`'s results (NaN stays NaN) and no panic
/// path. Callers pass `lo <= hi`.
#[inline]
pub fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() { v } else { v.max(lo).min(hi) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_results_as_std_clamp() {
        for v in [
            -1.0,
            0.0,
            0.5,
            1.0,
            2.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
        ] {
            assert_eq!(clamp(v, 0.0, 1.0), v.clamp(0.0, 1.0), "{v}");
        }
        assert!(clamp(f64::NAN, 0.0, 1.0).is_nan());
    }
}
