#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Property tests over thousands of seeded random configs and inputs: delays are always
//! finite, never negative, within the cap (or the clamped hint), and schedules reproduce.

mod common;

use common::cls;
use faultline::core::classify::model::{Action, Category, Classification, Format};
use faultline::core::rand::SplitMix64;
use faultline::core::retry::{
    Backoff, BreakerConfig, BudgetConfig, DecideInput, Jitter, LargeHint, Policy, Reason,
    RetryConfig,
};

fn pick<T: Copy>(r: &mut SplitMix64, xs: &[T]) -> T {
    xs[r.below(xs.len() as u64) as usize]
}

/// Floats including the hostile ones.
fn wild(r: &mut SplitMix64) -> f64 {
    pick(
        r,
        &[
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            0.0,
            1e300,
            -0.0,
            f64::MIN_POSITIVE,
        ],
    )
}

fn ms(r: &mut SplitMix64) -> f64 {
    match r.below(10) {
        0 => wild(r),
        1 => 0.0,
        2 => r.uniform(0.0, 86_400_000.0),
        _ => r.uniform(0.0, 60_000.0).floor(),
    }
}

fn random_config(r: &mut SplitMix64) -> RetryConfig {
    RetryConfig {
        max_attempts: pick(r, &[0, 1, 2, 6, 50, u32::MAX]),
        max_retries: pick(r, &[0, 1, 3, u32::MAX]),
        max_throttled_retries: pick(r, &[0, 5, u32::MAX]),
        base_ms: ms(r),
        cap_ms: ms(r),
        multiplier: match r.below(6) {
            0 => wild(r),
            1 => 1.0,
            _ => r.uniform(0.5, 10.0),
        },
        jitter: pick(r, &Jitter::ALL),
        max_retry_after_ms: ms(r),
        large_hint: pick(r, &LargeHint::ALL),
        hint_jitter_ratio: if r.below(8) == 0 {
            wild(r)
        } else {
            r.uniform(0.0, 1.0)
        },
        hint_jitter_max_ms: if r.below(8) == 0 {
            wild(r)
        } else {
            r.uniform(0.0, 5000.0)
        },
        deadline_ms: if r.below(3) == 0 { Some(ms(r)) } else { None },
        retry_non_idempotent: r.below(2) == 0,
        budget: if r.below(3) == 0 {
            None
        } else {
            Some(BudgetConfig {
                capacity: if r.below(10) == 0 {
                    wild(r)
                } else {
                    r.uniform(0.0, 100.0)
                },
                ..BudgetConfig::default()
            })
        },
        breaker: if r.below(3) == 0 {
            None
        } else {
            Some(BreakerConfig {
                failure_threshold: pick(r, &[0, 1, 3, 5]),
                cooldown_ms: if r.below(10) == 0 {
                    wild(r)
                } else {
                    r.uniform(1.0, 10_000.0)
                },
                max_origins: pick(r, &[0, 1, 2, 256]),
            })
        },
        seed: r.next_u64(),
    }
}

fn random_classification(r: &mut SplitMix64) -> Classification {
    let hint = match r.below(6) {
        0 => Some(wild(r)),
        1 | 2 => Some(ms(r)),
        _ => None,
    };
    Classification {
        category: pick(r, &Category::ALL),
        action: Action::None,
        status: Some(pick(r, &[0u16, 400, 408, 429, 500, 502, 503, 504, 599])),
        code: None,
        message: None,
        retryable: r.below(4) != 0,
        retry_after_ms: hint,
        hint_source: hint.map(|_| faultline::core::retry::hints::HintSource::RetryAfter),
        request_id: None,
        field_errors: None,
        format: Format::Unknown,
        user_message: String::new(),
        not_sent: r.below(4) == 0,
    }
}

#[test]
fn decisions_are_always_sane() {
    let mut r = SplitMix64::new(0xFA17);
    let (mut built, mut retried) = (0, 0);
    let mut reasons = std::collections::HashSet::new();
    for case in 0..3000 {
        let cfg = random_config(&mut r);
        let Ok(mut p) = Policy::new(cfg.clone()) else {
            continue;
        };
        built += 1;
        for step in 0..20 {
            let c = random_classification(&mut r);
            let input = DecideInput {
                attempt: pick(&mut r, &[0, 1, 2, 3, 7, 1000, u32::MAX]),
                failure: (&c).into(),
                method: pick(&mut r, &["GET", "POST", "patch", "", "DELETE"]),
                has_idempotency_key: r.below(3) == 0,
                elapsed_ms: if r.below(5) == 0 {
                    wild(&mut r)
                } else {
                    ms(&mut r)
                },
                now_ms: if r.below(5) == 0 {
                    wild(&mut r)
                } else {
                    step as f64 * 100.0
                },
                origin: pick(
                    &mut r,
                    &[None, Some("https://a"), Some("https://b"), Some("")],
                ),
                throttled_retries: pick(&mut r, &[0, 1, 5, u32::MAX]),
                previous_delay_ms: if r.below(3) == 0 {
                    Some(wild(&mut r))
                } else {
                    None
                },
            };
            let d = p.decide(&input);
            reasons.insert(d.reason);
            let ctx = format!("case {case} step {step}: cfg {cfg:?} input {input:?} -> {d:?}");
            assert!(d.delay_ms.is_finite() && d.delay_ms >= 0.0, "{ctx}");
            assert_eq!(d.retry, d.reason.is_retry(), "{ctx}");
            if !d.retry {
                assert_eq!(d.delay_ms, 0.0, "{ctx}");
                continue;
            }
            retried += 1;
            match d.reason {
                Reason::RetryBackoff => assert!(d.delay_ms <= cfg.cap_ms, "{ctx}"),
                Reason::RetryHint => {
                    let h = c.retry_after_ms.unwrap();
                    let spread_of =
                        |x: f64| (x * cfg.hint_jitter_ratio).min(cfg.hint_jitter_max_ms);
                    let spread = spread_of(h.min(cfg.max_retry_after_ms));
                    match cfg.large_hint {
                        LargeHint::Honor => {
                            assert!(d.delay_ms >= h && d.delay_ms <= h + spread_of(h), "{ctx}")
                        }
                        _ if h > cfg.max_retry_after_ms => assert!(
                            d.delay_ms <= cfg.max_retry_after_ms
                                && d.delay_ms >= cfg.max_retry_after_ms - spread,
                            "{ctx}"
                        ),
                        _ => assert!(
                            d.delay_ms >= h && d.delay_ms <= cfg.max_retry_after_ms,
                            "{ctx}"
                        ),
                    }
                }
                other => panic!("retry with reason {other:?}: {ctx}"),
            }
            if let Some(deadline) = cfg.deadline_ms {
                let e = if input.elapsed_ms.is_finite() {
                    input.elapsed_ms.max(0.0)
                } else {
                    0.0
                };
                assert!(e + d.delay_ms <= deadline, "{ctx}");
            }
        }
    }
    assert!(built > 500, "too few valid configs: {built}");
    assert!(retried > 2000, "too few retries: {retried}");
    assert!(reasons.len() >= 9, "reasons seen: {reasons:?}");
}

#[test]
fn backoff_stays_in_bounds_for_any_exponent() {
    let mut r = SplitMix64::new(7);
    for case in 0..5000 {
        let base = r.uniform(0.0, 10_000.0);
        let cap = r.uniform(0.0, 100_000.0);
        let mult = r.uniform(1.0, 1000.0);
        let jitter = pick(&mut r, &Jitter::ALL);
        let b = Backoff::new(base, cap, mult, jitter).unwrap();
        let e = pick(
            &mut r,
            &[0, 1, 5, 31, 32, 63, 64, 1000, u32::MAX - 1, u32::MAX],
        );
        let prev = if r.below(4) == 0 {
            wild(&mut r)
        } else {
            r.uniform(0.0, 200_000.0)
        };
        let d = b.delay_ms(e, prev, &mut r);
        let ceiling = b.ceiling_ms(e);
        let ctx = format!("case {case}: {b:?} e={e} prev={prev} -> {d}");
        assert!(d.is_finite() && d >= 0.0 && d <= cap, "{ctx}");
        assert!(ceiling <= cap && ceiling >= 0.0, "{ctx}");
        match jitter {
            Jitter::None => assert_eq!(d, ceiling, "{ctx}"),
            Jitter::Full => assert!(d <= ceiling, "{ctx}"),
            Jitter::Equal => assert!(d >= ceiling / 2.0 && d <= ceiling, "{ctx}"),
            Jitter::Decorrelated => assert!(d >= base.min(cap), "{ctx}"),
        }
    }
}

#[test]
fn ceiling_is_monotonic_in_the_exponent() {
    let b = Backoff::new(3.0, 50_000.0, 1.7, Jitter::None).unwrap();
    let mut last = 0.0;
    for e in 0..200 {
        let v = b.ceiling_ms(e);
        assert!(v >= last, "exponent {e}");
        last = v;
    }
    assert_eq!(last, 50_000.0);
}

#[test]
fn schedules_reproduce_from_the_seed_and_differ_across_seeds() {
    for jitter in [Jitter::Full, Jitter::Equal, Jitter::Decorrelated] {
        let mut seen = std::collections::HashSet::new();
        for seed in 0..500u64 {
            let cfg = RetryConfig {
                seed,
                jitter,
                ..RetryConfig::default()
            };
            let a = Policy::new(cfg.clone()).unwrap().schedule(8);
            let mut p = Policy::new(cfg).unwrap();
            // decide() does not disturb schedule() and vice versa.
            let c = cls(Category::Unavailable, Some(503), true, None);
            let first = p.decide(&DecideInput::new(1, &c)).delay_ms;
            assert_eq!(p.schedule(8), a, "seed {seed}");
            assert_eq!(
                first, a[0],
                "seed {seed}: decide draws the same first delay"
            );
            assert_eq!(a.len(), 8);
            for (k, d) in a.iter().enumerate() {
                assert!(*d >= 0.0 && *d <= 30_000.0, "seed {seed} k {k}: {d}");
            }
            seen.insert(a.iter().map(|d| d.to_bits()).collect::<Vec<_>>());
        }
        assert_eq!(
            seen.len(),
            500,
            "{jitter:?}: schedules must differ across seeds"
        );
    }
    let p = Policy::new(RetryConfig::default()).unwrap();
    assert_eq!(p.schedule(5000).len(), 1000, "schedule length is bounded");
    assert!(p.schedule(0).is_empty());
}

#[test]
fn full_jitter_mean_is_half_the_ceiling() {
    let b = Backoff::new(1000.0, 30_000.0, 2.0, Jitter::Full).unwrap();
    let mut r = SplitMix64::new(11);
    let n = 20_000;
    let mean: f64 = (0..n).map(|_| b.delay_ms(2, 0.0, &mut r)).sum::<f64>() / n as f64;
    assert!((mean - 2000.0).abs() < 40.0, "mean {mean}");
}
