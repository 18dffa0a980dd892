//! Path A: Web Locks (`navigator.locks`).
//!
//! The lock is held only around the network call and the commit, never around a user
//! callback. After the grant the machine re-reads the record (the snapshot of the grant
//! event) and releases at once if another tab already refreshed, so queued tabs never
//! refresh twice. Background (proactive) refreshes use `ifAvailable` and never queue; a
//! waiting caller queues with an abortable request. The machine never steals the lock:
//! when the holder dies the browser releases it and the next tab takes over, seeing the
//! dead holder's in-flight marker (see `flight.rs` for what a takeover may do).
//!
//! Storage lag: the grant and the previous holder's commit travel on different channels
//! between browser processes, and in Chromium the grant can arrive first (seen in
//! `tests/e2e/tokens-tabs.test.mjs`: a queued tab treated a holder that had just committed as
//! lost and re-sent its token, a reuse). [`Tab::grant_needs_settle`] tells the adapter when
//! a grant must be reported only after `confirm_ms`, so the snapshot it carries is fresh.

use super::effects::{Effect, LockMode};
use super::machine::{Cx, Need, Tab};
use super::state::{Phase, bump};
use super::store::SharedRecord;

impl Tab {
    /// Requests the lock: `Wait` when a caller needs a token, `IfAvailable` otherwise.
    pub(crate) fn request_lock(&mut self, need: Need, cx: &mut Cx) {
        self.lock_seq = self.lock_seq.saturating_add(1);
        let request = self.lock_seq;
        let wait = need == Need::Demand;
        self.phase = Phase::AwaitLock { request, wait };
        cx.fx.push(Effect::RequestLock {
            request,
            name: self.cfg.key(),
            mode: if wait {
                LockMode::Wait
            } else {
                LockMode::IfAvailable
            },
        });
    }

    /// The lock is ours: refresh if still needed and allowed, else release at once.
    pub(crate) fn on_lock_granted(&mut self, request: u64, now: f64, cx: &mut Cx) {
        let ours = matches!(self.phase, Phase::AwaitLock { request: r, .. } if r == request);
        if !ours {
            bump(&mut self.stats.stale_inputs);
            cx.fx.push(Effect::ReleaseLock { request });
            return;
        }
        self.phase = Phase::Idle;
        let go = cx
            .rec
            .as_ref()
            .is_some_and(|r| self.need(now, Some(r)) != Need::None && self.may_start(now, r));
        if go {
            self.start_flight(Some(request), None, now, cx);
        } else {
            cx.fx.push(Effect::ReleaseLock { request });
        }
    }

    /// Path A: whether the adapter should hold a fresh grant for `confirm_ms` before
    /// reporting `LockGranted` (then with a new snapshot). True when the record shows
    /// another tab's refresh of the current generation in flight: either that tab died (a
    /// takeover follows, `confirm_ms` later) or its commit has not reached this process's
    /// storage yet (the re-read sees it and the lock is released unused).
    pub fn grant_needs_settle(&self, stored: Option<&str>) -> bool {
        stored
            .and_then(|raw| SharedRecord::decode(raw).ok())
            .is_some_and(|r| {
                r.inflight
                    .is_some_and(|i| i.generation == r.generation && i.owner != self.id)
            })
    }

    /// `ifAvailable` found the lock busy (someone is refreshing), or the request failed.
    pub(crate) fn on_lock_unavailable(&mut self, request: u64, now: f64) {
        match self.phase {
            Phase::AwaitLock { request: r, .. } if r == request => {
                self.phase = Phase::Idle;
                // A waiting caller retries (queued) soon; a background refresh much later.
                let pause = if self.waiters.is_empty() {
                    self.cfg.poll_ms
                } else {
                    self.cfg.settle_ms
                };
                self.backoff_until = now + pause;
            }
            _ => bump(&mut self.stats.stale_inputs),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use crate::core::refresh::{
        AccessToken, Config, Effect, Event, LockMode, RefreshToken, Tab, TimerId,
    };

    /// Storage shared by the tabs of a test, applying `WriteRecord` like the adapter.
    struct World {
        store: Option<String>,
    }

    impl World {
        fn run(&mut self, tab: &mut Tab, ev: Event<'_>, now: f64) -> Vec<Effect> {
            let fx = tab.handle(ev, self.store.as_deref(), now);
            for e in &fx {
                if let Effect::WriteRecord(r) = e {
                    self.store = Some(r.encode());
                }
            }
            fx
        }
    }

    fn lock_request(fx: &[Effect]) -> Option<(u64, LockMode)> {
        fx.iter().find_map(|e| match e {
            Effect::RequestLock { request, mode, .. } => Some((*request, *mode)),
            _ => None,
        })
    }

    fn login() -> Event<'static> {
        Event::Login {
            access: AccessToken::new("at").unwrap(),
            refresh: RefreshToken::new("rt").unwrap(),
            exp_s: Some(1_010.0),
            iat_s: None,
        }
    }

    fn get(request_id: u64) -> Event<'static> {
        Event::GetToken {
            request_id,
            reject_gen: None,
        }
    }

    /// A background `ifAvailable` refusal must not delay a caller that arrives later: it
    /// queues for the lock at once (found by the browser test of a closed refreshing tab).
    #[test]
    fn a_caller_after_a_background_refusal_queues_at_once() {
        let mut w = World { store: None };
        let mut tab = Tab::new(Config::default(), 7, 1);
        let mut now = 1_000_000.0;
        w.run(&mut tab, login(), now);
        now += 20_000.0; // the token (exp 1 010 s) has expired
        let fx = w.run(&mut tab, Event::Timer(TimerId::Wake), now);
        let (bg, mode) = lock_request(&fx).unwrap();
        assert_eq!(mode, LockMode::IfAvailable);
        w.run(&mut tab, Event::LockUnavailable { request: bg }, now);
        now += 10.0;
        let fx = w.run(&mut tab, get(1), now);
        let (req, mode) = lock_request(&fx).unwrap_or_else(|| panic!("no lock request: {fx:?}"));
        assert_eq!(mode, LockMode::Wait);
        assert!(req > bg);
    }

    /// A grant is held back only while another tab's flight of the current generation is
    /// visible: never for our own flight, a settled record, no record or a corrupt one.
    #[test]
    fn grant_needs_settle_only_for_a_foreign_flight() {
        let mut w = World { store: None };
        let mut a = Tab::new(Config::default(), 1, 1);
        let b = Tab::new(Config::default(), 2, 2);
        let now = 1_000_000.0;
        assert!(!b.grant_needs_settle(None));
        assert!(!b.grant_needs_settle(Some("not a record")));
        w.run(&mut a, login(), now);
        assert!(!b.grant_needs_settle(w.store.as_deref()));
        let (req, _) = lock_request(&w.run(&mut a, get(1), now + 20_000.0)).unwrap();
        let fx = w.run(&mut a, Event::LockGranted { request: req }, now + 20_000.0);
        assert!(fx.iter().any(|e| matches!(e, Effect::StartRefresh { .. })));
        assert!(b.grant_needs_settle(w.store.as_deref()));
        assert!(!a.grant_needs_settle(w.store.as_deref()));
    }
}
