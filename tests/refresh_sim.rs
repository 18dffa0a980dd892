#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The deterministic simulation of the cross-tab refresh protocol, at test scale: ~1 000
//! schedules checking DESIGN's seven invariants after every step (see
//! `examples/refresh_sim.rs` for the model; the example runs ≥ 10 000 bigger schedules).

#[path = "../examples/refresh_sim.rs"]
mod sim;

#[test]
fn thousand_schedules_hold_every_invariant() {
    let n = 1_000;
    let f = match sim::run_many(0x5EED_0000, n, sim::TEST_SCALE) {
        Ok(f) => f,
        Err(e) => panic!(
            "{e}\nreplay: cargo run --profile sim --example refresh_sim -- --seed <seed> --schedules 1"
        ),
    };
    println!("{}", sim::report(&f));
    assert_eq!(f.schedules, n);
    assert_eq!(f.final_checks, n);
    // Both mechanisms were exercised.
    assert!(
        f.path_a > n / 4 && f.path_b > n / 4,
        "{} / {}",
        f.path_a,
        f.path_b
    );
    // Invariant 1: never two live requests for one refresh token.
    assert_eq!(f.max_live_concurrent, 1);
    // The chaos reached the interesting cases.
    assert!(f.commits > n, "commits {}", f.commits);
    assert!(f.holder_deaths_in_flight > 0);
    assert!(f.takeover_after_death > 0);
    assert!(f.resend_after_transient > 0);
    assert!(f.ignored_foreign > 0 && f.ignored_version > 0 && f.ignored_malformed > 0);
    assert!(f.logouts_user > 0 && f.logouts_rejected > 0);
    assert!(!f.convergence_us.is_empty());
    // The faults of restored sessions and short-lived tokens were exercised, and held.
    assert!(f.short_lived > n / 8 && f.agreeing_clocks > n / 4);
    assert!(f.restored_dead > 0 && f.unreadable_reads > 0 && f.unreadable_results > 0);
    assert!(f.hostile_messages > 0);
    assert_eq!(f.expired_handed_out, 0);
    assert_eq!(f.needless_logouts, 0);
}
