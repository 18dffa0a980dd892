#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Shared protection: circuit breaker transitions, retry budget, pacer math, rate specs and
//! the RateLimit-Policy field.

use faultline::core::error::ErrorCode;
use faultline::core::rand::SplitMix64;
use faultline::core::retry::{
    BreakerConfig, BreakerState, BudgetConfig, CircuitBreaker, Pacer, Rate, RateLimitPolicyItem,
    RetryBudget, RetryError, parse_ratelimit_policy,
};

fn breaker(threshold: u32, cooldown: f64, max_origins: usize) -> CircuitBreaker {
    CircuitBreaker::new(BreakerConfig {
        failure_threshold: threshold,
        cooldown_ms: cooldown,
        max_origins,
    })
}

#[test]
fn breaker_closed_open_half_open_closed() {
    let mut b = breaker(3, 1000.0, 8);
    let o = "https://api";
    assert_eq!(b.state(o, 0.0), BreakerState::Closed);
    b.record_failure(o, 0.0);
    b.record_failure(o, 1.0);
    assert_eq!(b.state(o, 1.0), BreakerState::Closed);
    b.record_success(o);
    b.record_failure(o, 2.0);
    b.record_failure(o, 3.0);
    assert_eq!(
        b.state(o, 3.0),
        BreakerState::Closed,
        "success resets the count"
    );
    b.record_failure(o, 4.0);
    assert_eq!(b.state(o, 4.0), BreakerState::Open);
    assert!(b.blocks(o, 4.0) && !b.allow(o, 1003.9));
    b.record_failure(o, 900.0);
    assert!(
        b.allow(o, 1004.0),
        "late failures do not extend the cool-down"
    );
    assert_eq!(b.state(o, 1004.0), BreakerState::HalfOpen);
    assert!(!b.allow(o, 1005.0) && b.blocks(o, 1005.0), "one probe only");
    b.record_success(o);
    assert_eq!(b.state(o, 1006.0), BreakerState::Closed);
    assert!(b.allow(o, 1006.0));
}

#[test]
fn breaker_failed_probe_reopens_and_lost_probe_is_replaced() {
    let mut b = breaker(1, 100.0, 8);
    let o = "o";
    b.record_failure(o, 0.0);
    assert!(b.allow(o, 100.0));
    b.record_failure(o, 150.0);
    assert_eq!(b.state(o, 150.0), BreakerState::Open);
    assert!(!b.allow(o, 249.0));
    assert!(b.allow(o, 250.0), "next probe after a full cool-down");
    // This probe never reports back: after one cool-down another probe may go.
    assert!(!b.allow(o, 349.0));
    assert!(b.allow(o, 350.0));
    assert_eq!(BreakerState::HalfOpen.as_str(), "half_open");
    assert_eq!(BreakerState::Open.as_str(), "open");
    assert_eq!(BreakerState::Closed.as_str(), "closed");
}

#[test]
fn breaker_memory_is_bounded_lru() {
    let mut b = breaker(1, 1e6, 3);
    for i in 0..1000 {
        b.record_failure(&format!("https://o{i}"), 0.0);
        assert!(b.tracked() <= 3);
    }
    assert_eq!(b.state("https://o999", 1.0), BreakerState::Open);
    assert_eq!(
        b.state("https://o0", 1.0),
        BreakerState::Closed,
        "forgotten = closed"
    );
    // Recently used survives eviction.
    let mut b = breaker(1, 1e6, 2);
    b.record_failure("a", 0.0);
    b.record_failure("b", 0.0);
    assert!(!b.allow("a", 1.0));
    b.record_failure("c", 0.0);
    assert_eq!(b.state("a", 1.0), BreakerState::Open);
    assert_eq!(b.state("b", 1.0), BreakerState::Closed);
    // Long keys are truncated, not stored whole.
    let long = "x".repeat(100_000);
    b.record_failure(&long, 0.0);
    assert_eq!(b.state(&long, 1.0), BreakerState::Open);
    // Success on an unknown origin creates nothing.
    let mut e = breaker(1, 1.0, 2);
    e.record_success("nobody");
    assert_eq!(e.tracked(), 0);
    assert!(e.allow("nobody", 0.0));
}

#[test]
fn budget_transitions() {
    let mut b = RetryBudget::new(BudgetConfig {
        capacity: 20.0,
        retry_cost: 5.0,
        timeout_cost: 10.0,
        success_refill: 1.0,
    });
    assert_eq!(b.tokens(), 20.0);
    assert_eq!((b.cost(false), b.cost(true)), (5.0, 10.0));
    assert!(b.try_acquire(10.0));
    assert!(b.try_acquire(5.0));
    assert!(b.try_acquire(5.0));
    assert!(!b.try_acquire(5.0));
    assert_eq!(b.tokens(), 0.0);
    for _ in 0..4 {
        b.record_success();
    }
    assert!(!b.try_acquire(5.0));
    b.record_success();
    assert!(b.try_acquire(5.0));
    assert!(
        b.try_acquire(f64::NAN),
        "a NaN cost is free, never negative"
    );
    for _ in 0..50 {
        b.record_success();
    }
    assert_eq!(b.tokens(), 20.0);
}

#[test]
fn rate_spec_errors_are_typed() {
    for (spec, reason_part) in [
        ("10", "look like"),
        ("ten/hour", "whole number"),
        ("/hour", "whole number"),
        ("-1/hour", "whole number"),
        ("1.5/hour", "whole number"),
        ("0/hour", "between 1 and 100000"),
        ("100001/second", "between 1 and 100000"),
        ("99999999999/s", "whole number"),
        ("10/fortnight", "second, minute, hour or day"),
        ("10/", "second, minute, hour or day"),
    ] {
        let e = Rate::parse(spec).unwrap_err();
        assert_eq!(e.code(), "retry_invalid_rate", "{spec}");
        assert!(e.to_string().contains(reason_part), "{spec}: {e}");
    }
    let long = format!("{}/x", "9".repeat(500));
    match Rate::parse(&long).unwrap_err() {
        RetryError::InvalidRate { spec, .. } => assert_eq!(spec.len(), 64),
        e => panic!("{e:?}"),
    }
    assert!(
        Rate::new(0, 60).is_err() && Rate::new(10, 0).is_err() && Rate::new(200_000, 1).is_err()
    );
    assert_eq!(
        Rate::new(100, 60).unwrap(),
        Rate {
            limit: 100,
            window_ms: 60_000.0
        }
    );
}

#[test]
fn seed_scopes_pace_exactly() {
    let mut p = Pacer::from_specs(&[
        ("authentication", "5/hour"),
        ("report_generation", "10/hour"),
        ("burst", "60/minute"),
    ])
    .unwrap();
    // 10 reports in a burst, then the 11th waits until the first leaves the rolling hour.
    for i in 0..10 {
        let t = i as f64 * 1000.0;
        assert_eq!(p.delay_before_send("report_generation", t), 0.0);
        p.record_send("report_generation", t);
    }
    assert_eq!(
        p.delay_before_send("report_generation", 10_000.0),
        3_590_000.0
    );
    assert_eq!(p.delay_before_send("report_generation", 3_600_000.0), 0.0);
    assert_eq!(p.delay_before_send("report_generation", 3_599_999.0), 1.0);
    // Other scopes are independent; unknown scopes are free.
    assert_eq!(p.delay_before_send("burst", 10_000.0), 0.0);
    assert_eq!(p.delay_before_send("read_only", 10_000.0), 0.0);
    p.record_send("read_only", 1.0);
    assert_eq!(p.limit("read_only"), None);
    assert_eq!(p.limit("burst").unwrap().limit, 60);
    // Clock going backwards: the delay stays within one window.
    let d = p.delay_before_send("report_generation", -1e9);
    assert!((0.0..=3_600_000.0).contains(&d));
    assert_eq!(p.delay_before_send("report_generation", f64::NAN), 0.0);
}

#[test]
fn pacer_never_exceeds_the_limit_in_any_window() {
    let mut r = SplitMix64::new(77);
    for case in 0..200 {
        let limit = 1 + r.below(20) as u32;
        let window = 100.0 + r.uniform(0.0, 5000.0).floor();
        let mut p = Pacer::new();
        p.set_limit(
            "s",
            Rate {
                limit,
                window_ms: window,
            },
        )
        .unwrap();
        let mut now = 0.0;
        let mut sent = Vec::new();
        for _ in 0..300 {
            now += r.uniform(0.0, window / limit as f64 * 2.0).floor();
            let d = p.delay_before_send("s", now);
            assert!(d >= 0.0 && d <= window, "case {case}: {d}");
            now += d;
            assert_eq!(
                p.delay_before_send("s", now),
                0.0,
                "case {case}: waited enough"
            );
            p.record_send("s", now);
            sent.push(now);
        }
        for (i, &t) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().take_while(|&&u| u < t + window).count();
            assert!(
                in_window <= limit as usize,
                "case {case}: {in_window} > {limit} at {t}"
            );
        }
    }
}

#[test]
fn pacer_scope_errors() {
    let mut p = Pacer::new();
    assert_eq!(
        p.set_limit(
            "s",
            Rate {
                limit: 0,
                window_ms: 1.0
            }
        )
        .unwrap_err()
        .code(),
        "retry_invalid_rate"
    );
    assert_eq!(
        p.set_limit(
            "s",
            Rate {
                limit: 1,
                window_ms: f64::NAN
            }
        )
        .unwrap_err()
        .code(),
        "retry_invalid_rate"
    );
    for i in 0..64 {
        p.set_limit(
            &format!("s{i}"),
            Rate {
                limit: 1,
                window_ms: 1.0,
            },
        )
        .unwrap();
    }
    let e = p
        .set_limit(
            "one-more",
            Rate {
                limit: 1,
                window_ms: 1.0,
            },
        )
        .unwrap_err();
    assert_eq!(e, RetryError::TooManyScopes { max: 64 });
    assert_eq!(e.code(), "retry_too_many_scopes");
    // Replacing an existing scope is fine and keeps history (trimmed to the new limit).
    p.set_limit(
        "s0",
        Rate {
            limit: 3,
            window_ms: 1000.0,
        },
    )
    .unwrap();
    for t in [0.0, 1.0, 2.0] {
        p.record_send("s0", t);
    }
    assert_eq!(p.delay_before_send("s0", 2.0), 998.0);
    p.set_limit(
        "s0",
        Rate {
            limit: 1,
            window_ms: 1000.0,
        },
    )
    .unwrap();
    assert_eq!(p.delay_before_send("s0", 2.0), 1000.0);
    assert!(Pacer::from_specs(&[("x", "nope")]).is_err());
}

#[test]
fn ratelimit_policy_parses_the_draft_examples() {
    let items = parse_ratelimit_policy(r#""burst";q=100;w=60, "daily";q=1000;w=86400"#).unwrap();
    assert_eq!(
        items,
        vec![
            RateLimitPolicyItem {
                name: "burst".into(),
                quota: 100,
                quota_unit: "requests".into(),
                window_s: Some(60),
                partition_key: None
            },
            RateLimitPolicyItem {
                name: "daily".into(),
                quota: 1000,
                quota_unit: "requests".into(),
                window_s: Some(86_400),
                partition_key: None
            },
        ]
    );
    assert_eq!(
        items[0].rate(),
        Some(Rate {
            limit: 100,
            window_ms: 60_000.0
        })
    );
    let bytes = parse_ratelimit_policy(
        r#"peruser;q=65535;qu="content-bytes";w=10;pk=:cHsdsRa894==:;x=?1;y=1.5"#,
    )
    .unwrap();
    assert_eq!(bytes[0].name, "peruser");
    assert_eq!(bytes[0].quota_unit, "content-bytes");
    assert_eq!(bytes[0].partition_key.as_deref(), Some("cHsdsRa894=="));
    assert_eq!(bytes[0].rate(), None, "not a request quota");
    let no_window = parse_ratelimit_policy(r#""q";q=5"#).unwrap();
    assert_eq!((no_window[0].window_s, no_window[0].rate()), (None, None));
    assert!(parse_ratelimit_policy("").unwrap().is_empty());
    assert!(parse_ratelimit_policy("   ").unwrap().is_empty());
    let esc = parse_ratelimit_policy(r#""a\"b";q=1;w=1;q=2"#).unwrap();
    assert_eq!(
        (esc[0].name.as_str(), esc[0].quota),
        ("a\"b", 2),
        "last parameter wins"
    );
    // Feeding the pacer.
    let mut p = Pacer::new();
    for it in &items {
        if let Some(rate) = it.rate() {
            p.set_limit(&it.name, rate).unwrap();
        }
    }
    assert_eq!(p.limit("daily").unwrap().window_ms, 86_400_000.0);
}

#[test]
fn ratelimit_policy_errors_are_typed() {
    for (src, why) in [
        (r#""burst";w=60"#, "needs q"),
        (r#""burst";q=-1"#, "q must be"),
        (r#""burst";q=1.5"#, "q must be"),
        (r#""burst";q=1;w=0"#, "w must be"),
        (r#""burst";q=1;qu=requests"#, "qu must be"),
        (r#""burst";q=1;pk="k""#, "pk must be"),
        (r#""burst;q=1"#, "unterminated string"),
        (r#""b\n";q=1"#, "bad escape"),
        ("\"b\u{7}\";q=1", "bad character"),
        (r#"5;q=1"#, "name must be"),
        (r#""a";q=1,"#, "trailing comma"),
        (r#""a";q=1 "b";q=2"#, "expected a comma"),
        (r#""a";Q=1"#, "bad parameter name"),
        (r#""a";q=1;x=?2"#, "bad boolean"),
        (r#""a";q=1;pk=:abc"#, "unterminated byte"),
        (r#""a";q=1234567890123456"#, "too long"),
        (r#""a";q=1;x=1.12345"#, "bad decimal"),
        (r#""a";q=-"#, "bad number"),
        (r#"("a");q=1"#, "expected a string"),
    ] {
        let e = parse_ratelimit_policy(src).unwrap_err();
        assert_eq!(e.code(), "retry_invalid_ratelimit_policy", "{src}");
        assert!(e.to_string().contains(why), "{src}: {e}");
    }
    let long = format!("\"a\";q=1;w=1{}", " ".repeat(5000));
    assert!(
        parse_ratelimit_policy(&long)
            .unwrap_err()
            .to_string()
            .contains("4096")
    );
    let many = vec!["a;q=1"; 33].join(", ");
    assert!(
        parse_ratelimit_policy(&many)
            .unwrap_err()
            .to_string()
            .contains("32")
    );
}
