//! Capped exponential backoff with jitter.
//!
//! Why: clients that retry on the same schedule hit a recovering server in waves; jitter
//! spreads them out (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
//!
//! Key decisions:
//! - the ceiling is `min(cap, base * multiplier^exponent)`, computed in `f64` so any exponent
//!   (even `u32::MAX`) saturates at `cap` instead of overflowing;
//! - jitter formulas: none `v`; full `U(0, v)`; equal `v/2 + U(0, v/2)`;
//!   decorrelated `min(cap, U(base, 3 * prev))` with `prev` the previous delay (`base` at first);
//! - the cap is applied LAST, after jitter, so no jitter can exceed it;
//! - randomness is a caller-owned [`SplitMix64`], so a schedule reproduces from its seed.

use crate::core::rand::SplitMix64;
use crate::core::retry::error::RetryError;
use crate::core::retry::limits::{MAX_DURATION_MS, MAX_MULTIPLIER};

crate::vocabulary! {
    /// How random a backoff delay is. `full` (default): `U(0, ceiling)`.
    #[derive(Default)]
    pub enum Jitter as "Jitter" {
        /// `U(0, v)`: the least total work under contention (the default).
        #[default]
        Full = "full",
        /// `v/2 + U(0, v/2)`: never shorter than half the ceiling.
        Equal = "equal",
        /// `min(cap, U(base, 3 * prev))`: grows from the previous delay, not from the attempt.
        Decorrelated = "decorrelated",
        /// Exactly `v`: deterministic, for tests and plots (synchronised clients collide).
        None = "none",
    }
}

/// Validated backoff parameters. Delays are always finite and within `[0, cap_ms]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    base_ms: f64,
    cap_ms: f64,
    multiplier: f64,
    jitter: Jitter,
}

impl Backoff {
    /// Checks and builds the parameters: `base_ms` and `cap_ms` finite in `[0, 24 h]`,
    /// `multiplier` finite in `[1, 1000]`. A `base_ms` above `cap_ms` is allowed (the cap wins).
    pub fn new(
        base_ms: f64,
        cap_ms: f64,
        multiplier: f64,
        jitter: Jitter,
    ) -> Result<Backoff, RetryError> {
        check_ms("baseMs", base_ms)?;
        check_ms("capMs", cap_ms)?;
        if !(multiplier.is_finite() && (1.0..=MAX_MULTIPLIER).contains(&multiplier)) {
            return Err(RetryError::option(
                "multiplier",
                "must be a finite number between 1 and 1000",
            ));
        }
        Ok(Backoff {
            base_ms,
            cap_ms,
            multiplier,
            jitter,
        })
    }

    /// The base delay in ms.
    pub fn base_ms(&self) -> f64 {
        self.base_ms
    }

    /// The cap in ms.
    pub fn cap_ms(&self) -> f64 {
        self.cap_ms
    }

    /// The jitter kind.
    pub fn jitter(&self) -> Jitter {
        self.jitter
    }

    /// The un-jittered ceiling `min(cap, base * multiplier^exponent)`; saturates at `cap`.
    pub fn ceiling_ms(&self, exponent: u32) -> f64 {
        if self.base_ms <= 0.0 {
            return 0.0;
        }
        let raw = self.base_ms
            * self
                .multiplier
                .powi(i32::try_from(exponent).unwrap_or(i32::MAX));
        if raw.is_finite() {
            raw.min(self.cap_ms)
        } else {
            self.cap_ms
        }
    }

    /// One jittered delay. `exponent` is 0 for the first retry; `prev_ms` is the previous
    /// delay (only decorrelated jitter reads it; pass `base_ms` for the first retry; a
    /// non-finite or negative value is treated as `base_ms`).
    pub fn delay_ms(&self, exponent: u32, prev_ms: f64, rng: &mut SplitMix64) -> f64 {
        let v = self.ceiling_ms(exponent);
        let d = match self.jitter {
            Jitter::None => v,
            Jitter::Full => rng.uniform(0.0, v),
            Jitter::Equal => v / 2.0 + rng.uniform(0.0, v / 2.0),
            Jitter::Decorrelated => {
                let prev = if prev_ms.is_finite() && prev_ms >= self.base_ms {
                    prev_ms
                } else {
                    self.base_ms
                };
                rng.uniform(self.base_ms, prev * 3.0)
            }
        };
        clamp_delay(d, self.cap_ms)
    }
}

/// Clamps a computed delay into `[0, cap]`; NaN becomes 0.
pub(crate) fn clamp_delay(d: f64, cap: f64) -> f64 {
    if d.is_nan() {
        0.0
    } else {
        crate::core::num::clamp(d, 0.0, cap.max(0.0))
    }
}

/// A duration option must be finite, non-negative and at most 24 h.
pub(crate) fn check_ms(option: &'static str, v: f64) -> Result<(), RetryError> {
    if v.is_finite() && (0.0..=MAX_DURATION_MS).contains(&v) {
        Ok(())
    } else {
        Err(RetryError::option(
            option,
            "must be a finite number of milliseconds between 0 and 86400000 (24 h)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_grows_then_caps() {
        let b = Backoff::new(100.0, 1000.0, 2.0, Jitter::None).unwrap();
        let got: Vec<f64> = (0..6).map(|e| b.ceiling_ms(e)).collect();
        assert_eq!(got, vec![100.0, 200.0, 400.0, 800.0, 1000.0, 1000.0]);
        assert_eq!(b.ceiling_ms(u32::MAX), 1000.0);
    }

    #[test]
    fn zero_base_is_zero_even_at_huge_exponents() {
        let b = Backoff::new(0.0, 1000.0, 2.0, Jitter::Full).unwrap();
        let mut r = SplitMix64::new(1);
        assert_eq!(b.ceiling_ms(u32::MAX), 0.0);
        assert_eq!(b.delay_ms(u32::MAX, 0.0, &mut r), 0.0);
    }

    #[test]
    fn base_above_cap_is_capped() {
        let b = Backoff::new(5000.0, 1000.0, 2.0, Jitter::Decorrelated).unwrap();
        let mut r = SplitMix64::new(3);
        assert_eq!(b.delay_ms(0, 5000.0, &mut r), 1000.0);
    }

    #[test]
    fn rejects_bad_numbers() {
        for (base, cap, mult, opt) in [
            (f64::NAN, 1.0, 2.0, "baseMs"),
            (-1.0, 1.0, 2.0, "baseMs"),
            (1.0, f64::INFINITY, 2.0, "capMs"),
            (1.0, 1e12, 2.0, "capMs"),
            (1.0, 1.0, 0.5, "multiplier"),
            (1.0, 1.0, f64::NAN, "multiplier"),
            (1.0, 1.0, 1e9, "multiplier"),
        ] {
            match Backoff::new(base, cap, mult, Jitter::Full) {
                Err(RetryError::InvalidOption { option, .. }) => assert_eq!(option, opt),
                other => panic!("{base} {cap} {mult}: {other:?}"),
            }
        }
    }

    #[test]
    fn jitter_strings_round_trip() {
        for j in Jitter::ALL {
            assert_eq!(Jitter::parse(j.as_str()), Some(j));
        }
        assert_eq!(Jitter::parse("FULL"), None);
    }
}
