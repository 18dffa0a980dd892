#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Retry decisions: every reason, idempotency, per-kind limits, hints, deadline, and every
//! validation error of the options.

mod common;

use common::cls;
use faultline::core::classify::model::{Category, Classification};
use faultline::core::error::ErrorCode;
use faultline::core::retry::args::read_options;
use faultline::core::retry::{
    BreakerConfig, BudgetConfig, DecideInput, Jitter, LargeHint, Policy, Reason, RetryConfig,
    RetryError,
};

fn s503() -> Classification {
    cls(Category::Unavailable, Some(503), true, None)
}

fn fixed() -> RetryConfig {
    RetryConfig {
        jitter: Jitter::None,
        base_ms: 100.0,
        cap_ms: 1000.0,
        hint_jitter_ratio: 0.0,
        ..RetryConfig::default()
    }
}

fn policy(c: RetryConfig) -> Policy {
    Policy::new(c).unwrap()
}

#[test]
fn backoff_delays_are_exact_without_jitter() {
    let mut p = policy(fixed());
    let c = s503();
    let got: Vec<(bool, f64, Reason)> = (1..=4)
        .map(|a| {
            let d = p.decide(&DecideInput::new(a, &c));
            (d.retry, d.delay_ms, d.reason)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (true, 100.0, Reason::RetryBackoff),
            (true, 200.0, Reason::RetryBackoff),
            (true, 400.0, Reason::RetryBackoff),
            (false, 0.0, Reason::AttemptsExhausted),
        ]
    );
    assert_eq!(p.schedule(5), vec![100.0, 200.0, 400.0, 800.0, 1000.0]);
}

#[test]
fn reason_retry_hint_uses_hint_and_reports_source() {
    let mut p = policy(fixed());
    let c = cls(Category::RateLimited, Some(429), true, Some(3000.0));
    let d = p.decide(&DecideInput::new(1, &c));
    assert_eq!(
        (d.retry, d.delay_ms, d.reason, d.hint_source, d.throttled),
        (true, 3000.0, Reason::RetryHint, Some("retry-after"), true)
    );
}

#[test]
fn reason_aborted_and_not_retryable() {
    let mut p = policy(fixed());
    let a = cls(Category::Aborted, None, true, None);
    assert_eq!(p.decide(&DecideInput::new(1, &a)).reason, Reason::Aborted);
    let n = cls(Category::InvalidRequest, Some(400), false, None);
    let d = p.decide(&DecideInput::new(1, &n));
    assert_eq!(
        (d.retry, d.delay_ms, d.reason),
        (false, 0.0, Reason::NotRetryable)
    );
    // 501 is classified not retryable; a body flag can make a 4xx retryable.
    let flagged = cls(Category::Conflict, Some(409), true, None);
    assert!(p.decide(&DecideInput::new(1, &flagged)).retry);
}

#[test]
fn reason_unsafe_method_and_the_three_ways_out() {
    let c = s503();
    let mut p = policy(fixed());
    for m in ["POST", "patch", "CONNECT", "LOCK"] {
        let d = p.decide(&DecideInput {
            method: m,
            ..DecideInput::new(1, &c)
        });
        assert_eq!(d.reason, Reason::UnsafeMethod, "{m}");
    }
    for m in [
        "GET", "head", "OPTIONS", "PUT", "DELETE", "TRACE", "QUERY", "",
    ] {
        let d = p.decide(&DecideInput {
            method: m,
            ..DecideInput::new(1, &c)
        });
        assert!(d.retry, "{m}");
    }
    let with_key = DecideInput {
        method: "POST",
        has_idempotency_key: true,
        ..DecideInput::new(1, &c)
    };
    assert!(p.decide(&with_key).retry);
    let refused = Classification {
        not_sent: true,
        ..cls(Category::Network, None, true, None)
    };
    let not_sent = DecideInput {
        method: "POST",
        ..DecideInput::new(1, &refused)
    };
    assert!(p.decide(&not_sent).retry);
    let mut opt_in = policy(RetryConfig {
        retry_non_idempotent: true,
        ..fixed()
    });
    assert!(
        opt_in
            .decide(&DecideInput {
                method: "POST",
                ..DecideInput::new(1, &c)
            })
            .retry
    );
}

#[test]
fn reason_attempts_exhausted_total_and_per_kind() {
    let c = s503();
    // Default: 3 retries for 5xx (4th failure stops), 5 for throttled, 6 attempts in all.
    let mut p = policy(RetryConfig {
        breaker: None,
        budget: None,
        ..fixed()
    });
    assert!(p.decide(&DecideInput::new(3, &c)).retry);
    assert_eq!(
        p.decide(&DecideInput::new(4, &c)).reason,
        Reason::AttemptsExhausted
    );
    let t = cls(Category::RateLimited, Some(429), true, None);
    for a in 1..=5 {
        let d = p.decide(&DecideInput {
            throttled_retries: a - 1,
            ..DecideInput::new(a, &t)
        });
        assert!(d.retry && d.throttled, "throttled attempt {a}");
    }
    let d = p.decide(&DecideInput {
        throttled_retries: 5,
        ..DecideInput::new(6, &t)
    });
    assert_eq!(d.reason, Reason::AttemptsExhausted);
    // Throttled retries do not use up the 5xx allowance: 2 throttled + 3 server retries.
    let d = p.decide(&DecideInput {
        throttled_retries: 2,
        ..DecideInput::new(5, &c)
    });
    assert!(d.retry, "{d:?}");
    let d = p.decide(&DecideInput {
        throttled_retries: 2,
        ..DecideInput::new(6, &c)
    });
    assert_eq!(d.reason, Reason::AttemptsExhausted);
    // maxAttempts is a hard ceiling.
    let mut one = policy(RetryConfig {
        max_attempts: 1,
        ..fixed()
    });
    assert_eq!(
        one.decide(&DecideInput::new(1, &t)).reason,
        Reason::AttemptsExhausted
    );
    // attempt 0 reads as 1; throttled_retries beyond attempt-1 is clamped.
    assert!(p.decide(&DecideInput::new(0, &c)).retry);
    let d = p.decide(&DecideInput {
        throttled_retries: 99,
        ..DecideInput::new(4, &c)
    });
    assert!(d.retry);
}

#[test]
fn reason_deadline_exceeded() {
    let c = s503();
    let mut p = policy(RetryConfig {
        deadline_ms: Some(1000.0),
        ..fixed()
    });
    let ok = DecideInput {
        elapsed_ms: 900.0,
        ..DecideInput::new(1, &c)
    };
    assert_eq!(p.decide(&ok).delay_ms, 100.0);
    let late = DecideInput {
        elapsed_ms: 901.0,
        ..DecideInput::new(1, &c)
    };
    assert_eq!(p.decide(&late).reason, Reason::DeadlineExceeded);
    let h = cls(Category::RateLimited, Some(429), true, Some(5000.0));
    let d = p.decide(&DecideInput::new(1, &h));
    assert_eq!(
        (d.reason, d.hint_source),
        (Reason::DeadlineExceeded, Some("retry-after"))
    );
    // NaN elapsed reads as 0.
    let nan = DecideInput {
        elapsed_ms: f64::NAN,
        ..DecideInput::new(1, &c)
    };
    assert!(p.decide(&nan).retry);
}

#[test]
fn reason_budget_exhausted_and_refill() {
    let budget = BudgetConfig {
        capacity: 12.0,
        retry_cost: 5.0,
        timeout_cost: 10.0,
        success_refill: 1.0,
    };
    let mut p = policy(RetryConfig {
        budget: Some(budget),
        breaker: None,
        ..fixed()
    });
    let c = s503();
    assert!(p.decide(&DecideInput::new(1, &c)).retry);
    assert!(p.decide(&DecideInput::new(1, &c)).retry);
    assert_eq!(p.budget_tokens(), Some(2.0));
    assert_eq!(
        p.decide(&DecideInput::new(1, &c)).reason,
        Reason::BudgetExhausted
    );
    assert_eq!(
        p.budget_tokens(),
        Some(2.0),
        "a refused retry costs nothing"
    );
    for _ in 0..3 {
        p.record_success(None, 0.0);
    }
    assert!(p.decide(&DecideInput::new(1, &c)).retry);
    assert_eq!(p.budget_tokens(), Some(0.0));
    // Timeouts cost 10.
    let mut q = policy(RetryConfig {
        budget: Some(budget),
        breaker: None,
        ..fixed()
    });
    let t = cls(Category::Timeout, Some(504), true, None);
    assert!(q.decide(&DecideInput::new(1, &t)).retry);
    assert_eq!(q.budget_tokens(), Some(2.0));
    for _ in 0..100 {
        q.record_success(None, 0.0);
    }
    assert_eq!(q.budget_tokens(), Some(12.0), "refill stops at capacity");
}

#[test]
fn reason_circuit_open_then_one_probe() {
    let breaker = BreakerConfig {
        failure_threshold: 3,
        cooldown_ms: 1000.0,
        max_origins: 4,
    };
    let mut p = policy(RetryConfig {
        breaker: Some(breaker),
        budget: None,
        max_retries: 10,
        max_attempts: 20,
        ..fixed()
    });
    let c = s503();
    let at = |a: u32, now: f64| DecideInput {
        now_ms: now,
        origin: Some("https://a"),
        ..DecideInput::new(a, &c)
    };
    assert!(p.decide(&at(1, 0.0)).retry);
    assert!(p.decide(&at(2, 10.0)).retry);
    let d = p.decide(&at(3, 20.0));
    assert_eq!(d.reason, Reason::CircuitOpen);
    assert_eq!(
        p.breaker_state("https://a", 500.0).unwrap().as_str(),
        "open"
    );
    assert!(!p.allow_request("https://a", 500.0));
    assert!(
        p.allow_request("https://b", 500.0),
        "other origins are unaffected"
    );
    assert_eq!(
        p.breaker_state("https://a", 1020.0).unwrap().as_str(),
        "half_open"
    );
    assert!(p.allow_request("https://a", 1020.0), "the probe");
    assert!(!p.allow_request("https://a", 1021.0), "exactly one probe");
    p.record_success(Some("https://a"), 1100.0);
    assert_eq!(
        p.breaker_state("https://a", 1100.0).unwrap().as_str(),
        "closed"
    );
    assert!(p.allow_request("https://a", 1101.0));
    // A 429 does not count as origin failure; a 400 neither.
    let t = cls(Category::RateLimited, Some(429), true, None);
    for a in 1..6 {
        let d = p.decide(&DecideInput {
            now_ms: 2000.0,
            origin: Some("https://c"),
            throttled_retries: a - 1,
            ..DecideInput::new(a, &t)
        });
        assert!(d.retry);
    }
    assert_eq!(
        p.breaker_state("https://c", 2000.0).unwrap().as_str(),
        "closed"
    );
}

#[test]
fn reason_hint_too_large_and_large_hint_policies() {
    let c = cls(Category::RateLimited, Some(429), true, Some(3_600_000.0));
    let base = RetryConfig {
        max_retry_after_ms: 60_000.0,
        ..fixed()
    };
    let mut fail = policy(RetryConfig {
        large_hint: LargeHint::Fail,
        ..base.clone()
    });
    let d = fail.decide(&DecideInput::new(1, &c));
    assert_eq!(
        (d.retry, d.reason, d.hint_source),
        (false, Reason::HintTooLarge, Some("retry-after"))
    );
    let mut clamp = policy(RetryConfig {
        large_hint: LargeHint::Clamp,
        ..base.clone()
    });
    let d = clamp.decide(&DecideInput::new(1, &c));
    assert_eq!(
        (d.retry, d.delay_ms, d.reason),
        (true, 60_000.0, Reason::RetryHint)
    );
    let mut honor = policy(RetryConfig {
        large_hint: LargeHint::Honor,
        ..base.clone()
    });
    assert_eq!(honor.decide(&DecideInput::new(1, &c)).delay_ms, 3_600_000.0);
    // Even honor refuses more than a day, and an infinite hint.
    let day = cls(Category::RateLimited, Some(429), true, Some(86_400_001.0));
    assert_eq!(
        honor.decide(&DecideInput::new(1, &day)).reason,
        Reason::HintTooLarge
    );
    let inf = cls(Category::RateLimited, Some(429), true, Some(f64::INFINITY));
    assert_eq!(
        honor.decide(&DecideInput::new(1, &inf)).reason,
        Reason::HintTooLarge
    );
    // NaN and negative hints are ignored: plain backoff.
    for bad in [f64::NAN, -5.0] {
        let h = cls(Category::Unavailable, Some(503), true, Some(bad));
        let d = clamp.decide(&DecideInput::new(1, &h));
        assert_eq!(
            (d.reason, d.delay_ms, d.hint_source),
            (Reason::RetryBackoff, 100.0, None)
        );
    }
}

#[test]
fn default_large_hint_gives_up_and_says_when_to_try_again() {
    // A 429 with `Retry-After: 3600` under the default options: no retry into the throttle,
    // no hour-long wait; the decision carries the hint and the time to try again.
    let now = 1_700_000_000_000.0;
    let c = cls(Category::RateLimited, Some(429), true, Some(3_600_000.0));
    let mut p = policy(RetryConfig::default());
    let d = p.decide(&DecideInput {
        now_ms: now,
        ..DecideInput::new(1, &c)
    });
    assert_eq!(
        (d.retry, d.reason, d.delay_ms, d.hint_source),
        (false, Reason::HintTooLarge, 0.0, Some("retry-after"))
    );
    assert_eq!(d.retry_after_ms, Some(3_600_000.0));
    assert_eq!(d.retry_at_ms, Some(now + 3_600_000.0));
    // A hint within the limit is followed; retryAtMs is when the retry goes out.
    let small = cls(Category::RateLimited, Some(429), true, Some(2000.0));
    let d = p.decide(&DecideInput {
        now_ms: now,
        ..DecideInput::new(1, &small)
    });
    assert!(
        d.retry && d.delay_ms >= 2000.0 && d.delay_ms <= 2200.0,
        "{d:?}"
    );
    assert_eq!(d.retry_at_ms, Some(now + d.delay_ms));
    // No hint, no retry: nothing to say.
    let bad = cls(Category::InvalidRequest, Some(400), false, None);
    let d = p.decide(&DecideInput {
        now_ms: now,
        ..DecideInput::new(1, &bad)
    });
    assert_eq!((d.retry_after_ms, d.retry_at_ms), (None, None));
}

#[test]
fn hint_jitter_never_goes_below_the_hint_and_stays_small() {
    let mut p = policy(RetryConfig {
        seed: 9,
        budget: None,
        ..RetryConfig::default()
    });
    for (i, h) in [0.0, 500.0, 3000.0, 59_000.0, 60_000.0]
        .into_iter()
        .enumerate()
    {
        let c = cls(Category::RateLimited, Some(429), true, Some(h));
        for k in 0..200 {
            let d = p.decide(&DecideInput::new(1, &c));
            let hi = (h + (h * 0.1).min(1000.0)).min(60_000.0);
            assert!(
                d.delay_ms >= h && d.delay_ms <= hi,
                "case {i}/{k}: hint {h} -> {}",
                d.delay_ms
            );
        }
    }
    // A clamped hint (opt-in) is spread just below the clamp.
    let mut p = policy(RetryConfig {
        seed: 9,
        budget: None,
        large_hint: LargeHint::Clamp,
        ..RetryConfig::default()
    });
    let c = cls(Category::RateLimited, Some(429), true, Some(1e7));
    let mut seen_below = false;
    for _ in 0..200 {
        let d = p.decide(&DecideInput::new(1, &c)).delay_ms;
        assert!((59_000.0..=60_000.0).contains(&d), "{d}");
        seen_below |= d < 59_900.0;
    }
    assert!(seen_below, "clamped hints must be spread");
}

#[test]
fn every_reason_string_is_stable() {
    let want = [
        "retry_backoff",
        "retry_hint",
        "not_retryable",
        "aborted",
        "attempts_exhausted",
        "deadline_exceeded",
        "budget_exhausted",
        "circuit_open",
        "hint_too_large",
        "unsafe_method",
    ];
    let got: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(got, want);
    for r in Reason::ALL {
        assert_eq!(Reason::parse(r.as_str()), Some(r));
        assert_eq!(
            r.is_retry(),
            matches!(r, Reason::RetryBackoff | Reason::RetryHint)
        );
    }
    assert_eq!(Reason::parse("retry"), None);
}

fn invalid(c: RetryConfig) -> (&'static str, &'static str) {
    match Policy::new(c) {
        Err(e @ RetryError::InvalidOption { option, .. }) => (e.code(), option),
        other => panic!("expected invalid option, got {other:?}"),
    }
}

#[test]
fn every_validation_error_names_its_option() {
    let d = RetryConfig::default;
    let cases: Vec<(RetryConfig, &str)> = vec![
        (
            RetryConfig {
                max_attempts: 0,
                ..d()
            },
            "maxAttempts",
        ),
        (
            RetryConfig {
                base_ms: f64::NAN,
                ..d()
            },
            "baseMs",
        ),
        (
            RetryConfig {
                base_ms: -1.0,
                ..d()
            },
            "baseMs",
        ),
        (
            RetryConfig {
                cap_ms: f64::INFINITY,
                ..d()
            },
            "capMs",
        ),
        (
            RetryConfig {
                cap_ms: 1e15,
                ..d()
            },
            "capMs",
        ),
        (
            RetryConfig {
                multiplier: 0.9,
                ..d()
            },
            "multiplier",
        ),
        (
            RetryConfig {
                max_retry_after_ms: -0.5,
                ..d()
            },
            "maxRetryAfterMs",
        ),
        (
            RetryConfig {
                hint_jitter_ratio: 1.5,
                ..d()
            },
            "hintJitterRatio",
        ),
        (
            RetryConfig {
                hint_jitter_ratio: f64::NAN,
                ..d()
            },
            "hintJitterRatio",
        ),
        (
            RetryConfig {
                hint_jitter_max_ms: 1e9,
                ..d()
            },
            "hintJitterMaxMs",
        ),
        (
            RetryConfig {
                deadline_ms: Some(0.0),
                ..d()
            },
            "deadlineMs",
        ),
        (
            RetryConfig {
                deadline_ms: Some(f64::NAN),
                ..d()
            },
            "deadlineMs",
        ),
        (
            RetryConfig {
                budget: Some(BudgetConfig {
                    capacity: -1.0,
                    ..BudgetConfig::default()
                }),
                ..d()
            },
            "budget.capacity",
        ),
        (
            RetryConfig {
                budget: Some(BudgetConfig {
                    retry_cost: f64::NAN,
                    ..BudgetConfig::default()
                }),
                ..d()
            },
            "budget.retryCost",
        ),
        (
            RetryConfig {
                budget: Some(BudgetConfig {
                    timeout_cost: 1e12,
                    ..BudgetConfig::default()
                }),
                ..d()
            },
            "budget.timeoutCost",
        ),
        (
            RetryConfig {
                budget: Some(BudgetConfig {
                    success_refill: -2.0,
                    ..BudgetConfig::default()
                }),
                ..d()
            },
            "budget.successRefill",
        ),
        (
            RetryConfig {
                breaker: Some(BreakerConfig {
                    failure_threshold: 0,
                    ..BreakerConfig::default()
                }),
                ..d()
            },
            "breaker.failureThreshold",
        ),
        (
            RetryConfig {
                breaker: Some(BreakerConfig {
                    cooldown_ms: 0.0,
                    ..BreakerConfig::default()
                }),
                ..d()
            },
            "breaker.cooldownMs",
        ),
        (
            RetryConfig {
                breaker: Some(BreakerConfig {
                    cooldown_ms: f64::NAN,
                    ..BreakerConfig::default()
                }),
                ..d()
            },
            "breaker.cooldownMs",
        ),
        (
            RetryConfig {
                breaker: Some(BreakerConfig {
                    max_origins: 0,
                    ..BreakerConfig::default()
                }),
                ..d()
            },
            "breaker.maxOrigins",
        ),
        (
            RetryConfig {
                breaker: Some(BreakerConfig {
                    max_origins: 1_000_000,
                    ..BreakerConfig::default()
                }),
                ..d()
            },
            "breaker.maxOrigins",
        ),
    ];
    for (c, want) in cases {
        assert_eq!(invalid(c), ("retry_invalid_option", want));
    }
}

/// Reads options the way the bindings do, from a JSON text.
fn from_json(src: &str) -> Result<RetryConfig, RetryError> {
    read_options(src)
}

fn json_err(src: &str) -> RetryError {
    from_json(src).expect_err(src)
}

#[test]
fn options_from_json() {
    let c = from_json(
        r#"{"maxAttempts":3,"maxRetries":2,"maxThrottledRetries":4,"baseMs":50,"capMs":500,
            "multiplier":3,"jitter":"equal","maxRetryAfterMs":1000,"largeHint":"fail",
            "hintJitterRatio":0,"hintJitterMaxMs":0,"deadlineMs":9000,"retryNonIdempotent":true,
            "budget":{"capacity":10,"retryCost":1,"timeoutCost":2,"successRefill":0.5},
            "breaker":{"failureThreshold":2,"cooldownMs":100,"maxOrigins":3},"seed":42}"#,
    )
    .unwrap();
    assert_eq!(
        c,
        RetryConfig {
            max_attempts: 3,
            max_retries: 2,
            max_throttled_retries: 4,
            base_ms: 50.0,
            cap_ms: 500.0,
            multiplier: 3.0,
            jitter: Jitter::Equal,
            max_retry_after_ms: 1000.0,
            large_hint: LargeHint::Fail,
            hint_jitter_ratio: 0.0,
            hint_jitter_max_ms: 0.0,
            deadline_ms: Some(9000.0),
            retry_non_idempotent: true,
            budget: Some(BudgetConfig {
                capacity: 10.0,
                retry_cost: 1.0,
                timeout_cost: 2.0,
                success_refill: 0.5
            }),
            breaker: Some(BreakerConfig {
                failure_threshold: 2,
                cooldown_ms: 100.0,
                max_origins: 3
            }),
            seed: 42,
        }
    );
    let off = from_json(r#"{"budget":false,"breaker":false,"deadlineMs":null}"#).unwrap();
    assert_eq!(
        (off.budget, off.breaker, off.deadline_ms),
        (None, None, None)
    );
    let on = from_json(r#"{"budget":true,"breaker":true}"#).unwrap();
    assert_eq!(on, RetryConfig::default());
    assert_eq!(from_json("null").unwrap(), RetryConfig::default());
    assert_eq!(from_json("{}").unwrap(), RetryConfig::default());
}

#[test]
fn json_errors_are_typed() {
    let cases = [
        ("[]", "retry_invalid_option", "options"),
        (
            r#"{"maxAttempts":-1}"#,
            "retry_invalid_option",
            "maxAttempts",
        ),
        (
            r#"{"maxAttempts":2.5}"#,
            "retry_invalid_option",
            "maxAttempts",
        ),
        (
            r#"{"maxRetries":"3"}"#,
            "retry_invalid_option",
            "maxRetries",
        ),
        (
            r#"{"maxThrottledRetries":1e10}"#,
            "retry_invalid_option",
            "maxThrottledRetries",
        ),
        (r#"{"baseMs":[1]}"#, "retry_invalid_option", "baseMs"),
        (r#"{"capMs":{"a":1}}"#, "retry_invalid_option", "capMs"),
        ("42", "retry_invalid_option", "options"),
        (r#"{"capMs":-5}"#, "retry_invalid_option", "capMs"),
        (r#"{"jitter":"random"}"#, "retry_invalid_option", "jitter"),
        (r#"{"largeHint":true}"#, "retry_invalid_option", "largeHint"),
        (
            r#"{"retryNonIdempotent":1}"#,
            "retry_invalid_option",
            "retryNonIdempotent",
        ),
        (r#"{"budget":5}"#, "retry_invalid_option", "budget"),
        (r#"{"breaker":"on"}"#, "retry_invalid_option", "breaker"),
        (
            r#"{"breaker":{"maxOrigins":0.5}}"#,
            "retry_invalid_option",
            "breaker.maxOrigins",
        ),
        (
            r#"{"breaker":{"failureThreshold":0}}"#,
            "retry_invalid_option",
            "breaker.failureThreshold",
        ),
        (
            r#"{"budget":{"retryCost":-1}}"#,
            "retry_invalid_option",
            "budget.retryCost",
        ),
        (r#"{"seed":-1}"#, "retry_invalid_option", "seed"),
        (
            r#"{"seed":9007199254740992}"#,
            "retry_invalid_option",
            "seed",
        ),
    ];
    for (src, code, option) in cases {
        let e = json_err(src);
        assert_eq!(e.code(), code, "{src}");
        match &e {
            RetryError::InvalidOption { option: o, .. } => assert_eq!(*o, option, "{src}"),
            other => panic!("{src}: {other:?}"),
        }
        assert!(e.to_string().contains(option), "{e}");
    }
    for (src, name) in [
        (r#"{"capMS":5}"#, "capMS"),
        (r#"{"budget":{"cap":1}}"#, "budget.cap"),
        (r#"{"breaker":{"threshold":1}}"#, "breaker.threshold"),
    ] {
        assert_eq!(
            json_err(src),
            RetryError::UnknownOption {
                option: name.to_string()
            }
        );
        assert_eq!(json_err(src).code(), "retry_unknown_option");
    }
}

#[test]
fn retry_codes_are_registered() {
    let codes: Vec<&str> = faultline::core::retry::CODES
        .iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(
        codes,
        vec![
            "retry_invalid_option",
            "retry_unknown_option",
            "retry_invalid_rate",
            "retry_invalid_ratelimit_policy",
            "retry_too_many_scopes",
        ]
    );
}
