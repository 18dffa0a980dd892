#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Shared state: several policies (processes) that load what a store holds before each
//! decision and save it after run one budget, one breaker per origin and one pacing window.
//! The "store" here is a plain value; the Redis store keeps the same data as JSON.

mod common;

use common::cls;
use faultline::core::classify::model::{Category, Classification};
use faultline::core::retry::{
    BreakerConfig, BreakerState, BudgetConfig, DecideInput, Pacer, Policy, Rate, Reason,
    RetryConfig, SharedState,
};

fn failure(category: Category) -> Classification {
    cls(category, Some(503), true, None)
}

const ORIGIN: &str = "https://api.example.com";

/// One decision against the store: load, decide, save.
fn decide_shared(p: &mut Policy, store: &mut SharedState, attempt: u32, now: f64) -> Reason {
    p.set_shared(ORIGIN, store);
    let c = failure(Category::Unavailable);
    let d = p.decide(&DecideInput {
        origin: Some(ORIGIN),
        now_ms: now,
        ..DecideInput::new(attempt, &c)
    });
    *store = p.shared(ORIGIN);
    d.reason
}

fn config() -> RetryConfig {
    RetryConfig {
        max_retries: 100,
        max_attempts: 200,
        budget: Some(BudgetConfig {
            capacity: 20.0,
            ..BudgetConfig::default()
        }),
        breaker: Some(BreakerConfig {
            failure_threshold: 3,
            cooldown_ms: 1000.0,
            ..BreakerConfig::default()
        }),
        ..RetryConfig::default()
    }
}

#[test]
fn four_processes_share_one_budget() {
    let mut procs: Vec<Policy> = (0..4)
        .map(|_| {
            Policy::new(RetryConfig {
                breaker: None,
                ..config()
            })
            .unwrap()
        })
        .collect();
    let mut store = SharedState::default();
    let mut retries = 0;
    for round in 0..10 {
        for p in &mut procs {
            if decide_shared(p, &mut store, 1 + round, 0.0).is_retry() {
                retries += 1;
            }
        }
    }
    // 20 tokens at 5 a retry: 4 retries for the whole fleet, not 4 per process.
    assert_eq!(retries, 4);
    assert_eq!(store.budget_tokens, Some(0.0));
}

#[test]
fn the_breaker_opened_by_one_process_stops_the_others() {
    let mut a = Policy::new(config()).unwrap();
    let mut b = Policy::new(config()).unwrap();
    let mut store = SharedState::default();
    for attempt in 1..=3 {
        decide_shared(&mut a, &mut store, attempt, 10.0);
    }
    assert_eq!(store.circuit.unwrap().state, BreakerState::Open);
    // b never saw a failure itself, yet its next decision meets the open circuit.
    assert_eq!(
        decide_shared(&mut b, &mut store, 1, 20.0),
        Reason::CircuitOpen
    );
    b.set_shared(ORIGIN, &store);
    assert!(!b.allow_request(ORIGIN, 30.0));
    // An empty store is the initial state: full budget, closed circuit.
    b.set_shared(ORIGIN, &SharedState::default());
    assert_eq!(b.breaker_state(ORIGIN, 30.0), Some(BreakerState::Closed));
    assert_eq!(b.budget_tokens(), Some(20.0));
}

#[test]
fn stored_garbage_cannot_stall_the_breaker_or_overfill_the_budget() {
    let mut p = Policy::new(config()).unwrap();
    let mut store = p.shared(ORIGIN);
    store.budget_tokens = Some(f64::INFINITY);
    p.set_shared(ORIGIN, &store);
    assert_eq!(p.budget_tokens(), Some(20.0), "not finite: kept");
    store.budget_tokens = Some(1e12);
    p.set_shared(ORIGIN, &store);
    assert_eq!(p.budget_tokens(), Some(20.0), "clamped to the capacity");
    let mut c = store.circuit.unwrap_or_default();
    c.state = BreakerState::Open;
    c.opened_at_ms = f64::NAN;
    store.circuit = Some(c);
    p.set_shared(ORIGIN, &store);
    assert!(
        p.allow_request(ORIGIN, 1000.0),
        "a NaN time reads as 0: cooled down"
    );
}

#[test]
fn four_pacers_share_one_window() {
    let mut sends: Vec<f64> = Vec::new();
    let mut pacers: Vec<Pacer> = (0..4)
        .map(|_| {
            let mut p = Pacer::new();
            p.set_limit("reports", Rate::parse("10/hour").unwrap())
                .unwrap();
            p
        })
        .collect();
    let mut sent = 0;
    for i in 0..40 {
        let p = &mut pacers[i % 4];
        p.set_sends("reports", &sends);
        let now = i as f64 * 1000.0;
        if p.delay_before_send("reports", now) == 0.0 {
            p.record_send("reports", now);
            sent += 1;
        }
        sends = p.sends("reports");
    }
    assert_eq!(sent, 10);
    let mut p = Pacer::new();
    p.set_limit("reports", Rate::parse("2/hour").unwrap())
        .unwrap();
    p.set_sends("reports", &[5.0, f64::NAN, 1.0, 3.0]);
    assert_eq!(
        p.sends("reports"),
        vec![3.0, 5.0],
        "sorted, finite, newest `limit`"
    );
}
