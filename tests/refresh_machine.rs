#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Scenario tests of the refresh state machine: the exact effects an adapter sees.

use faultline::core::refresh::{
    AccessToken, Config, Effect, Event, Grant, LockMode, LogoutReason, Message, RefreshError,
    RefreshOutcome, RefreshToken, SharedRecord, Tab, TimerId,
};

/// Shared storage plus a clock; applies `WriteRecord` effects like the adapter would.
struct World {
    store: Option<String>,
    now: f64,
}

impl World {
    fn new() -> Self {
        World {
            store: None,
            now: 1_000_000.0,
        }
    }
    fn run(&mut self, tab: &mut Tab, ev: Event<'_>) -> Vec<Effect> {
        let fx = tab.handle(ev, self.store.as_deref(), self.now);
        for e in &fx {
            if let Effect::WriteRecord(r) = e {
                self.store = Some(r.encode());
            }
        }
        fx
    }
    fn rec(&self) -> SharedRecord {
        SharedRecord::decode(self.store.as_deref().unwrap()).unwrap()
    }
}

fn cfg(web_locks: bool) -> Config {
    Config {
        web_locks,
        ..Config::default()
    }
}

/// Logs in with a token living `life_s` seconds (server clock far from ours).
fn login(w: &mut World, tab: &mut Tab, n: u32, life_s: f64) -> Vec<Effect> {
    w.run(
        tab,
        Event::Login {
            access: AccessToken::new(format!("at{n}")).unwrap(),
            refresh: RefreshToken::new(format!("rt{n}")).unwrap(),
            exp_s: Some(5_000.0 + life_s),
            iat_s: Some(5_000.0),
        },
    )
}

fn grant(n: u32) -> RefreshOutcome {
    RefreshOutcome::Ok(Grant {
        access: AccessToken::new(format!("at{n}")).unwrap(),
        refresh: Some(RefreshToken::new(format!("rt{n}")).unwrap()),
        exp_s: Some(3_600.0),
        iat_s: Some(0.0),
    })
}

fn get(id: u64) -> Event<'static> {
    Event::GetToken {
        request_id: id,
        reject_gen: None,
    }
}

fn lock_request(fx: &[Effect]) -> Option<(u64, LockMode)> {
    fx.iter().find_map(|e| match e {
        Effect::RequestLock {
            request,
            mode,
            name,
        } => {
            assert_eq!(name, "faultline.refresh.default");
            Some((*request, *mode))
        }
        _ => None,
    })
}

fn started(fx: &[Effect]) -> Option<(u64, String)> {
    fx.iter().find_map(|e| match e {
        Effect::StartRefresh {
            attempt,
            refresh_token,
        } => Some((*attempt, refresh_token.expose_secret().to_string())),
        _ => None,
    })
}

fn resolved(fx: &[Effect], id: u64) -> Option<(String, u64)> {
    fx.iter().find_map(|e| match e {
        Effect::Resolve {
            request_id,
            token,
            generation,
            ..
        } if *request_id == id => Some((token.as_str().to_string(), *generation)),
        _ => None,
    })
}

fn rejected(fx: &[Effect], id: u64) -> Option<RefreshError> {
    fx.iter().find_map(|e| match e {
        Effect::Reject { request_id, error } if *request_id == id => Some(*error),
        _ => None,
    })
}

fn timer(fx: &[Effect]) -> Option<f64> {
    fx.iter().rev().find_map(|e| match e {
        Effect::SetTimer {
            timer: TimerId::Wake,
            at_ms,
        } => Some(*at_ms),
        _ => None,
    })
}

#[test]
fn login_then_token_and_no_session_rejects() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    let fx = w.run(&mut a, get(1));
    assert_eq!(rejected(&fx, 1), Some(RefreshError::LoggedOut));
    let fx = login(&mut w, &mut a, 0, 3_600.0);
    let g = w.rec().generation;
    assert_eq!(
        g, 1_000_000,
        "a login's generation is at least the epoch time in ms"
    );
    assert!(fx.contains(&Effect::Post(Message::Done {
        from: 1,
        generation: g,
        expires_at_ms: Some(w.now + 3_600_000.0)
    })));
    let fx = w.run(&mut a, get(2));
    assert_eq!(resolved(&fx, 2), Some(("at0".into(), g)));
    // The proactive refresh is armed: expiry - 5 min - jitter (< 10 s).
    let mut w2 = World::new();
    let at = timer(&login(&mut w2, &mut Tab::new(cfg(true), 9, 1), 0, 3_600.0)).unwrap();
    let due = w2.now + 3_600_000.0 - 300_000.0;
    assert!(at <= due && at > due - 10_000.0, "{at}");
}

#[test]
fn path_a_single_refresh_commit_order_and_second_tab_skips() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    let mut b = Tab::new(cfg(true), 2, 2);
    login(&mut w, &mut a, 0, 60.0);
    let g0 = w.rec().generation;
    w.now += 60_000.0; // expired
    let fa = w.run(&mut a, get(1));
    let fb = w.run(&mut b, get(2));
    let (ra, ma) = lock_request(&fa).unwrap();
    let (rb, mb) = lock_request(&fb).unwrap();
    assert_eq!((ma, mb), (LockMode::Wait, LockMode::Wait));
    // The browser grants A first.
    let fx = w.run(&mut a, Event::LockGranted { request: ra });
    let (attempt, token) = started(&fx).unwrap();
    assert_eq!(token, "rt0");
    let inf = w.rec().inflight.unwrap();
    assert_eq!((inf.generation, inf.owner, inf.attempt), (g0, 1, attempt));
    w.now += 200.0;
    let fx = w.run(
        &mut a,
        Event::RefreshDone {
            attempt,
            outcome: grant(1),
        },
    );
    // Storage write, then the announcement, then the lock release.
    let pos = |p: &dyn Fn(&Effect) -> bool| fx.iter().position(p).unwrap();
    let write = pos(&|e| matches!(e, Effect::WriteRecord(_)));
    let post = pos(&|e| matches!(e, Effect::Post(Message::Done { .. })));
    let release = pos(&|e| *e == Effect::ReleaseLock { request: ra });
    assert!(write < post && post < release);
    assert_eq!(resolved(&fx, 1), Some(("at1".into(), g0 + 1)));
    let rec = w.rec();
    assert_eq!(rec.generation, g0 + 1);
    assert_eq!(rec.session.as_ref().unwrap().refresh.expose_secret(), "rt1");
    assert_eq!(rec.inflight, None);
    // B gets the lock next, re-reads storage, does not refresh, releases and answers.
    let fx = w.run(&mut b, Event::LockGranted { request: rb });
    assert_eq!(started(&fx), None);
    assert!(fx.contains(&Effect::ReleaseLock { request: rb }));
    assert_eq!(resolved(&fx, 2), Some(("at1".into(), g0 + 1)));
    assert_eq!(a.stats().refreshes_started + b.stats().refreshes_started, 1);
}

#[test]
fn logout_racing_a_refresh_wins() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    let mut b = Tab::new(cfg(true), 2, 2);
    login(&mut w, &mut a, 0, 60.0);
    w.now += 60_000.0;
    let (r, _) = lock_request(&w.run(&mut a, get(1))).unwrap();
    let (attempt, _) = started(&w.run(&mut a, Event::LockGranted { request: r })).unwrap();
    let fx = w.run(&mut b, Event::Logout);
    assert!(fx.contains(&Effect::Post(Message::Logout {
        from: 2,
        generation: w.rec().generation
    })));
    let out_gen = w.rec().generation;
    let fx = w.run(
        &mut a,
        Event::RefreshDone {
            attempt,
            outcome: grant(1),
        },
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::WriteRecord(_))),
        "{fx:?}"
    );
    assert!(fx.contains(&Effect::LoggedOut {
        reason: LogoutReason::User
    }));
    assert_eq!(rejected(&fx, 1), Some(RefreshError::LoggedOut));
    assert_eq!(w.rec().generation, out_gen);
    assert!(w.rec().session.is_none());
    assert_eq!(a.stats().discarded_results, 1);
}

#[test]
fn rejection_logs_out_everywhere_only_if_the_token_is_current() {
    // Current: logout everywhere.
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    login(&mut w, &mut a, 0, 60.0);
    w.now += 60_000.0;
    let (r, _) = lock_request(&w.run(&mut a, get(1))).unwrap();
    let (attempt, _) = started(&w.run(&mut a, Event::LockGranted { request: r })).unwrap();
    let fx = w.run(
        &mut a,
        Event::RefreshDone {
            attempt,
            outcome: RefreshOutcome::Rejected,
        },
    );
    assert_eq!(w.rec().logout, Some(LogoutReason::Rejected));
    assert!(fx.contains(&Effect::LoggedOut {
        reason: LogoutReason::Rejected
    }));
    assert_eq!(rejected(&fx, 1), Some(RefreshError::LoggedOut));
    // No longer current (a login happened meanwhile): ignored.
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    let mut b = Tab::new(cfg(true), 2, 2);
    login(&mut w, &mut a, 0, 60.0);
    w.now += 60_000.0;
    let (r, _) = lock_request(&w.run(&mut a, get(1))).unwrap();
    let (attempt, _) = started(&w.run(&mut a, Event::LockGranted { request: r })).unwrap();
    login(&mut w, &mut b, 5, 3_600.0);
    let fx = w.run(
        &mut a,
        Event::RefreshDone {
            attempt,
            outcome: RefreshOutcome::Rejected,
        },
    );
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::WriteRecord(_) | Effect::LoggedOut { .. }))
    );
    assert_eq!(resolved(&fx, 1), Some(("at5".into(), w.rec().generation)));
}

#[test]
fn transient_failure_sets_a_shared_cooldown() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    let mut b = Tab::new(cfg(true), 2, 2);
    login(&mut w, &mut a, 0, 60.0);
    w.now += 60_000.0;
    let (r, _) = lock_request(&w.run(&mut a, get(1))).unwrap();
    let (attempt, _) = started(&w.run(&mut a, Event::LockGranted { request: r })).unwrap();
    let fx = w.run(
        &mut a,
        Event::RefreshDone {
            attempt,
            outcome: RefreshOutcome::Transient {
                retry_after_ms: Some(7_000.0),
            },
        },
    );
    let until = w.now + 7_000.0;
    assert_eq!(
        rejected(&fx, 1),
        Some(RefreshError::Failed { retry_at_ms: until })
    );
    assert!(fx.contains(&Effect::Post(Message::Failed {
        from: 1,
        generation: w.rec().generation,
        until_ms: until
    })));
    let rec = w.rec();
    assert_eq!(
        (rec.failures, rec.cooldown_until_ms, rec.inflight),
        (1, until, None)
    );
    // Another tab respects it: rejected at once, no lock requested.
    let fx = w.run(&mut b, get(2));
    assert_eq!(
        rejected(&fx, 2),
        Some(RefreshError::Cooldown { until_ms: until })
    );
    assert_eq!(lock_request(&fx), None);
    // After the cooldown, it tries again.
    w.now = until;
    let fx = w.run(&mut b, get(3));
    assert!(lock_request(&fx).is_some());
    assert_eq!(rejected(&fx, 3), None);
}

#[test]
fn takeover_after_a_dead_holder_then_a_cooldown_when_lost_twice() {
    let mut w = World::new();
    let mut tabs: Vec<Tab> = (1..=3).map(|i| Tab::new(cfg(true), i, i)).collect();
    login(&mut w, &mut tabs[0], 0, 60.0);
    w.now += 60_000.0;
    // Tab 1 sends rt0 and dies (the browser releases its lock).
    let (r, _) = lock_request(&w.run(&mut tabs[0], get(1))).unwrap();
    started(&w.run(&mut tabs[0], Event::LockGranted { request: r })).unwrap();
    // Tab 2 takes over: it may retry rt0 once at once.
    let (r, _) = lock_request(&w.run(&mut tabs[1], get(2))).unwrap();
    let fx = w.run(&mut tabs[1], Event::LockGranted { request: r });
    assert_eq!(started(&fx).unwrap().1, "rt0");
    assert_eq!(w.rec().takeovers, 1);
    assert_eq!(tabs[1].stats().takeovers, 1);
    // Tab 2 dies too: tab 3 does not send rt0 at once, nor log anyone out (the server may
    // never have seen either request): the next takeover waits for the shared cooldown.
    let (r, _) = lock_request(&w.run(&mut tabs[2], get(3))).unwrap();
    let fx = w.run(&mut tabs[2], Event::LockGranted { request: r });
    assert_eq!(started(&fx), None);
    assert!(fx.contains(&Effect::ReleaseLock { request: r }));
    let rec = w.rec();
    assert_eq!(rec.logout, None);
    assert!(rec.takeover_due);
    assert_eq!(rec.cooldown_until_ms, w.now + 5_000.0);
    assert_eq!(
        rejected(&fx, 3),
        Some(RefreshError::Cooldown {
            until_ms: w.now + 5_000.0
        })
    );
    // After the cooldown, the takeover sends rt0 once more.
    w.now += 5_000.0;
    let (r, _) = lock_request(&w.run(&mut tabs[2], get(4))).unwrap();
    let fx = w.run(&mut tabs[2], Event::LockGranted { request: r });
    assert_eq!(started(&fx).unwrap().1, "rt0");
    assert_eq!(w.rec().takeovers, 2);
}

#[test]
fn path_b_claim_settle_confirm_and_yield_to_lower_nonce() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(false), 1, 1);
    login(&mut w, &mut a, 0, 60.0);
    w.now += 60_000.0;
    let fx = w.run(&mut a, get(1));
    let Some(Effect::Post(Message::Claim {
        generation, nonce, ..
    })) = fx
        .iter()
        .find(|e| matches!(e, Effect::Post(Message::Claim { .. })))
        .cloned()
    else {
        panic!("no claim: {fx:?}")
    };
    assert_eq!(generation, w.rec().generation);
    assert_eq!(timer(&fx), Some(w.now + 100.0));
    w.now += 100.0;
    w.run(&mut a, Event::Timer(TimerId::Wake));
    let lease = w.rec().lease.unwrap();
    assert_eq!((lease.owner, lease.nonce), (1, nonce));
    w.now += 50.0;
    let fx = w.run(&mut a, Event::Timer(TimerId::Wake));
    assert_eq!(started(&fx).unwrap().1, "rt0");
    assert_eq!(w.rec().lease.unwrap().until_ms, w.now + 15_000.0);
    assert!(fx.contains(&Effect::Post(Message::Refreshing {
        from: 1,
        generation,
        until_ms: w.now + 15_000.0
    })));
    // Heartbeat renews the lease.
    w.now += 3_000.0;
    let fx = w.run(&mut a, Event::Timer(TimerId::Wake));
    assert_eq!(w.rec().lease.unwrap().until_ms, w.now + 15_000.0);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Post(Message::Refreshing { .. })))
    );

    // A claimer that hears a lower nonce backs off and writes nothing at settle time.
    let mut w = World::new();
    let mut b = Tab::new(cfg(false), 2, 2);
    login(&mut w, &mut b, 0, 60.0);
    w.now += 60_000.0;
    let g = w.rec().generation;
    w.run(&mut b, get(1));
    w.run(
        &mut b,
        Event::Message(Message::Claim {
            from: 9,
            generation: g,
            nonce: 0,
        }),
    );
    w.now += 100.0;
    let fx = w.run(&mut b, Event::Timer(TimerId::Wake));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::WriteRecord(_))),
        "{fx:?}"
    );
    assert_eq!(w.rec().lease, None);
}

#[test]
fn path_b_live_lease_blocks_and_expiry_allows_takeover() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(false), 1, 1);
    let mut b = Tab::new(cfg(false), 2, 2);
    login(&mut w, &mut a, 0, 60.0);
    w.now += 60_000.0;
    w.run(&mut a, get(1));
    w.now += 100.0;
    w.run(&mut a, Event::Timer(TimerId::Wake));
    w.now += 50.0;
    started(&w.run(&mut a, Event::Timer(TimerId::Wake))).unwrap();
    let until = w.rec().lease.unwrap().until_ms;
    // A dies. B needs a token: no claim while the lease lives; wakes at its end.
    let fx = w.run(&mut b, get(2));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Post(Message::Claim { .. })))
    );
    assert!(timer(&fx).unwrap() <= until);
    w.now = until + 1.0;
    let fx = w.run(&mut b, Event::Timer(TimerId::Wake));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Post(Message::Claim { .. })))
    );
    w.now += 100.0;
    w.run(&mut b, Event::Timer(TimerId::Wake));
    w.now += 50.0;
    let fx = w.run(&mut b, Event::Timer(TimerId::Wake));
    assert_eq!(started(&fx).unwrap().1, "rt0");
    assert_eq!(w.rec().takeovers, 1);
}

#[test]
fn bounded_waiters_and_timeouts() {
    let mut w = World::new();
    let mut a = Tab::new(
        Config {
            max_waiters: 2,
            ..cfg(true)
        },
        1,
        1,
    );
    login(&mut w, &mut a, 0, 60.0);
    w.run(&mut a, Event::Visibility { visible: false });
    w.now += 60_000.0;
    let fx = w.run(&mut a, get(1));
    let (r, _) = lock_request(&fx).unwrap();
    w.run(&mut a, get(2));
    let fx = w.run(&mut a, get(3));
    assert_eq!(rejected(&fx, 3), Some(RefreshError::Busy));
    // The lock is never granted (a frozen holder elsewhere): both callers time out and the
    // lock request is withdrawn.
    w.now += 20_000.0;
    let fx = w.run(&mut a, Event::Timer(TimerId::Wake));
    assert_eq!(rejected(&fx, 1), Some(RefreshError::Timeout));
    assert_eq!(rejected(&fx, 2), Some(RefreshError::Timeout));
    assert!(fx.contains(&Effect::AbortLockRequest { request: r }));
    assert_eq!(a.waiting(), 0);
    // A late grant is handed back.
    let fx = w.run(&mut a, Event::LockGranted { request: r });
    assert_eq!(fx, vec![Effect::ReleaseLock { request: r }]);
    assert_eq!(a.stats().busy_rejections, 1);
}

#[test]
fn foreign_and_bad_messages_are_counted_and_ignored() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    login(&mut w, &mut a, 0, 3_600.0);
    for raw in [
        r#"{"type":"token_refreshed","access":"x"}"#,
        r#"{"fl":3,"t":"logout","from":2,"gen":99999999999}"#,
        r#"{"fl":1,"t":"logout","from":2}"#,
    ] {
        let fx = w.run(&mut a, Event::RawMessage(raw));
        assert!(fx.is_empty(), "{fx:?}");
    }
    let s = a.stats();
    assert_eq!(
        (s.foreign_messages, s.version_messages, s.malformed_messages),
        (1, 1, 1)
    );
    assert!(a.has_session());
}

#[test]
fn hidden_tabs_do_not_refresh_proactively() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    login(&mut w, &mut a, 0, 3_600.0);
    w.run(&mut a, Event::Visibility { visible: false });
    w.now += 3_500_000.0; // inside the refresh-ahead window, token still valid
    let fx = w.run(&mut a, Event::Timer(TimerId::Wake));
    assert_eq!(lock_request(&fx), None);
    let fx = w.run(&mut a, Event::Visibility { visible: true });
    assert_eq!(lock_request(&fx).map(|r| r.1), Some(LockMode::IfAvailable));
}

#[test]
fn a_401_forces_a_newer_token_and_storage_clear_logs_out_once() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(true), 1, 1);
    login(&mut w, &mut a, 0, 3_600.0);
    let g = w.rec().generation;
    // A 401 on a young session still leads to a refresh (it used to hand back the same
    // token while the session was younger than `minRefreshIntervalMs`).
    let fx = w.run(
        &mut a,
        Event::GetToken {
            request_id: 2,
            reject_gen: Some(g),
        },
    );
    assert_eq!(resolved(&fx, 2), None);
    assert_eq!(lock_request(&fx).map(|r| r.1), Some(LockMode::Wait));
    // The page clears storage: one logout signal, then nothing more.
    w.store = None;
    let fx = w.run(&mut a, Event::StorageChanged);
    assert!(fx.contains(&Effect::LoggedOut {
        reason: LogoutReason::Cleared
    }));
    assert_eq!(rejected(&fx, 2), Some(RefreshError::LoggedOut));
    let fx = w.run(&mut a, Event::StorageChanged);
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoggedOut { .. })));
    // Corrupt storage is counted, treated as no session.
    w.store = Some("{corrupt".into());
    w.run(&mut a, Event::StorageChanged);
    assert_eq!(a.stats().malformed_records, 1);
}

#[test]
fn hostile_clock_values_never_produce_bad_timers() {
    let mut w = World::new();
    let mut a = Tab::new(cfg(false), 1, 1);
    login(&mut w, &mut a, 0, 60.0);
    for now in [f64::NAN, f64::INFINITY, -5.0, 1e300, 0.0] {
        w.now = now;
        let fx = w.run(&mut a, get(7));
        for e in fx {
            if let Effect::SetTimer { at_ms, .. } = e {
                assert!(at_ms.is_finite() && at_ms >= 0.0, "{at_ms}");
            }
        }
    }
}
