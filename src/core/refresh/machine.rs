//! The tab: feeds on [`Event`]s, answers with [`Effect`]s.
//!
//! The machine is level-triggered. Each event first updates a little local state (a new
//! caller, a lock grant, a refresh result), then [`Tab::drive`] looks at the whole picture
//! — the storage snapshot, the callers, the phase, the clock — and decides: adopt a newer
//! generation, answer callers, advance the protocol, start a refresh, and re-arm the single
//! wake-up timer. Messages, storage events and timers are therefore interchangeable
//! triggers: a lost message or a late timer delays a decision, never changes it.
//!
//! Path A (Web Locks) lives in `lock.rs`, path B (lease over BroadcastChannel) in
//! `lease.rs`, the refresh flight and its commit rules in `flight.rs`.

use std::mem;

use crate::core::rand::SplitMix64;

use super::config::Config;
use super::effects::Effect;
use super::error::RefreshError;
use super::event::{Event, TimerId};
use super::jsonw::MAX_SAFE;
use super::message::{Message, WireIssue};
use super::state::{Late, Phase, Stats, Waiter, bump};
use super::store::{LogoutReason, Session, SharedRecord};
use super::timing::{MAX_EPOCH_MS, refresh_at, usable};

/// Why this tab wants a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// It does not.
    None,
    /// The proactive refresh time has passed (visible tabs only).
    Proactive,
    /// A caller is waiting for a token the current one cannot satisfy.
    Demand,
}

/// The storage snapshot of this `handle` call (updated by our own writes) and the effects.
#[derive(Debug)]
pub(crate) struct Cx {
    /// The record as it is now.
    pub rec: Option<SharedRecord>,
    /// Effects so far.
    pub fx: Vec<Effect>,
}

impl Cx {
    /// Writes the record (immediately visible to the rest of this call).
    pub fn write(&mut self, rec: SharedRecord) {
        self.rec = Some(rec.clone());
        self.fx.push(Effect::WriteRecord(rec));
    }
}

/// One browser tab's side of the cross-tab refresh protocol.
#[derive(Debug)]
pub struct Tab {
    pub(crate) cfg: Config,
    pub(crate) id: u64,
    pub(crate) rng: SplitMix64,
    pub(crate) jitter_frac: f64,
    pub(crate) phase: Phase,
    /// An abandoned attempt whose result may still be committed.
    pub(crate) late: Option<Late>,
    pub(crate) waiters: Vec<Waiter>,
    seen_gen: u64,
    had_session: bool,
    /// Highest generation announced by `done`/`logout` messages or seen in storage.
    pub(crate) known_gen: u64,
    known_gen_since: f64,
    visible: bool,
    pub(crate) online: bool,
    pub(crate) suspended: bool,
    pub(crate) backoff_until: f64,
    wake_at: Option<f64>,
    pub(crate) attempt_seq: u64,
    pub(crate) lock_seq: u64,
    last_now: f64,
    pub(crate) stats: Stats,
}

impl Tab {
    /// A tab with a unique `tab_id` (random per page load; masked to 53 bits so it survives
    /// JSON) and a `seed` for its nonces and jitter. `config` is sanitized.
    pub fn new(config: Config, tab_id: u64, seed: u64) -> Tab {
        let mut rng = SplitMix64::new(seed ^ tab_id.rotate_left(17));
        let jitter_frac = rng.next_f64();
        Tab {
            cfg: config.sanitized(),
            id: tab_id & MAX_SAFE,
            rng,
            jitter_frac,
            phase: Phase::Idle,
            late: None,
            waiters: Vec::new(),
            seen_gen: 0,
            had_session: false,
            known_gen: 0,
            known_gen_since: 0.0,
            visible: true,
            online: true,
            suspended: false,
            backoff_until: 0.0,
            wake_at: None,
            attempt_seq: 0,
            lock_seq: 0,
            last_now: 0.0,
            stats: Stats::default(),
        }
    }

    /// This tab's id (as sent in messages).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The sanitized configuration in use.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The generation this tab last adopted from storage.
    pub fn generation(&self) -> u64 {
        self.seen_gen
    }

    /// Whether this tab last saw a session.
    pub fn has_session(&self) -> bool {
        self.had_session
    }

    /// Callers waiting in this tab.
    pub fn waiting(&self) -> usize {
        self.waiters.len()
    }

    /// Whether a refresh request of this tab is outstanding.
    pub fn is_refreshing(&self) -> bool {
        matches!(self.phase, Phase::Refreshing(_))
    }

    /// Feeds one event. `stored` is `localStorage.getItem(config.key())` read just before
    /// the call; `now_ms` is `Date.now()` (NaN/infinite reuse the previous time). Returns
    /// the effects to execute in order (see [`Effect`]).
    pub fn handle(&mut self, event: Event<'_>, stored: Option<&str>, now_ms: f64) -> Vec<Effect> {
        let now = self.clock(now_ms);
        let rec = match stored {
            None => None,
            Some(raw) => match SharedRecord::decode(raw) {
                Ok(rec) => Some(rec),
                Err(_) => {
                    bump(&mut self.stats.malformed_records);
                    None
                }
            },
        };
        let mut cx = Cx {
            rec,
            fx: Vec::new(),
        };
        match event {
            Event::GetToken {
                request_id,
                reject_gen,
            } => self.on_get_token(request_id, reject_gen, now, &mut cx),
            Event::CancelGetToken { request_id } => {
                self.waiters.retain(|w| w.request_id != request_id);
            }
            Event::Login {
                access,
                refresh,
                exp_s,
                iat_s,
            } => self.on_login(access, refresh, exp_s, iat_s, now, &mut cx),
            Event::Logout => self.logout_everywhere(LogoutReason::User, now, &mut cx),
            Event::Timer(TimerId::Wake) => self.wake_at = None,
            Event::Message(m) => self.on_message(m, now, &mut cx),
            Event::RawMessage(raw) => match Message::decode(raw) {
                Ok(m) => self.on_message(m, now, &mut cx),
                Err(WireIssue::Foreign) => bump(&mut self.stats.foreign_messages),
                Err(WireIssue::Version) => bump(&mut self.stats.version_messages),
                Err(WireIssue::Malformed) => bump(&mut self.stats.malformed_messages),
            },
            Event::LockGranted { request } => self.on_lock_granted(request, now, &mut cx),
            Event::LockUnavailable { request } => self.on_lock_unavailable(request, now),
            Event::RefreshDone { attempt, outcome } => {
                self.on_refresh_done(attempt, outcome, now, &mut cx);
            }
            Event::StorageChanged => {}
            Event::Visibility { visible } => self.visible = visible,
            Event::Connectivity { online } => self.online = online,
            Event::PageHide { .. } => {
                self.suspended = true;
                // An outstanding refresh keeps its lock or lease: if the page is discarded,
                // the browser releases the lock (path A) or the lease runs out (path B); if
                // it is restored from the back/forward cache, the result is still
                // committed. Releasing early would let another tab re-send the same token
                // while this request may still be answered.
                if !matches!(self.phase, Phase::Refreshing(_)) {
                    self.abandon(now, &mut cx);
                }
            }
            Event::PageShow { .. } => self.suspended = false,
        }
        self.drive(now, &mut cx);
        cx.fx
    }

    fn clock(&mut self, now_ms: f64) -> f64 {
        let now = if now_ms.is_finite() {
            crate::core::num::clamp(now_ms, 0.0, MAX_EPOCH_MS)
        } else {
            self.last_now
        };
        self.last_now = now;
        now
    }

    fn on_get_token(&mut self, request_id: u64, reject_gen: Option<u64>, now: f64, cx: &mut Cx) {
        if self.waiters.len() >= self.cfg.max_waiters {
            bump(&mut self.stats.busy_rejections);
            cx.fx.push(Effect::Reject {
                request_id,
                error: RefreshError::Busy,
            });
            return;
        }
        // Path A: a background `ifAvailable` attempt that found the lock taken paused retries
        // for `poll_ms`. The first caller to wait needs a token, so it queues for the lock at
        // once (behind the holder; after the grant the record is re-read). Without this, a
        // holder that dies leaves the callers of the other tabs waiting out that pause
        // before the takeover (measured in Chromium: +5 s with the default `poll_ms`).
        if self.cfg.web_locks && self.waiters.is_empty() && self.phase == Phase::Idle {
            self.backoff_until = self.backoff_until.min(now);
        }
        self.waiters.push(Waiter {
            request_id,
            deadline_ms: now + self.cfg.get_token_timeout_ms,
            reject_gen,
        });
    }

    fn on_message(&mut self, m: Message, now: f64, cx: &mut Cx) {
        if m.from() == self.id {
            return;
        }
        match m {
            Message::Done { generation, .. } | Message::Logout { generation, .. } => {
                if generation > self.known_gen {
                    self.known_gen = generation;
                    self.known_gen_since = now;
                }
            }
            Message::Claim {
                from,
                generation,
                nonce,
            } => self.on_claim(from, generation, nonce, now, cx),
            Message::Refreshing {
                generation,
                until_ms,
                ..
            } => self.on_refreshing(generation, until_ms, now),
            Message::Failed { .. } => {}
        }
    }

    /// Re-evaluates everything (see the module doc).
    pub(crate) fn drive(&mut self, now: f64, cx: &mut Cx) {
        self.observe(now, cx);
        self.step(now, cx);
        self.observe(now, cx);
        self.settle_waiters(now, cx);
        self.withdraw_unneeded_lock_request(now, cx);
        self.maybe_start(now, cx);
        self.arm(now, cx);
    }

    /// Path A: a queued lock request nobody needs any more is aborted (callers answered,
    /// a newer token arrived, logged out); a background refresh never stays queued.
    fn withdraw_unneeded_lock_request(&mut self, now: f64, cx: &mut Cx) {
        if let Phase::AwaitLock { request, wait } = self.phase {
            let need = self.need(now, cx.rec.as_ref());
            if need == Need::None || (wait && need == Need::Proactive) {
                cx.fx.push(Effect::AbortLockRequest { request });
                self.phase = Phase::Idle;
            }
        }
    }

    /// Adopts the snapshot: `Changed` for a new generation, `LoggedOut` when the session
    /// ended.
    fn observe(&mut self, now: f64, cx: &mut Cx) {
        let generation = cx.rec.as_ref().map_or(0, |r| r.generation);
        if generation >= self.known_gen {
            self.known_gen = generation;
        } else if now - self.known_gen_since >= self.cfg.poll_ms {
            // A message announced a generation storage never showed: storage wins.
            self.known_gen = generation;
        }
        match cx.rec.as_ref().and_then(|r| r.session.as_ref()) {
            Some(s) => {
                if !self.had_session || generation != self.seen_gen {
                    cx.fx.push(Effect::Changed {
                        generation,
                        token: s.access.clone(),
                        expires_at_ms: s.expires_at_ms,
                    });
                }
                self.had_session = true;
            }
            None => {
                if self.had_session {
                    let reason = cx
                        .rec
                        .as_ref()
                        .and_then(|r| r.logout)
                        .unwrap_or(LogoutReason::Cleared);
                    cx.fx.push(Effect::LoggedOut { reason });
                }
                self.had_session = false;
            }
        }
        self.seen_gen = generation;
    }

    /// Advances the phase whose deadline passed or whose purpose vanished.
    fn step(&mut self, now: f64, cx: &mut Cx) {
        match self.phase.clone() {
            Phase::Idle => {}
            Phase::AwaitLock { .. } => self.withdraw_unneeded_lock_request(now, cx),
            Phase::Claiming {
                generation,
                nonce,
                settle_at,
            } => self.step_claiming(generation, nonce, settle_at, now, cx),
            Phase::Confirming {
                generation,
                nonce,
                confirm_at,
            } => {
                if now >= confirm_at {
                    self.confirm(generation, nonce, now, cx);
                }
            }
            Phase::Refreshing(f) => {
                if now >= f.give_up_at {
                    self.abandon(now, cx);
                } else if now >= f.heartbeat_at {
                    self.heartbeat(f, now, cx);
                }
            }
        }
    }

    /// Whether (and why) this tab wants a refresh of the snapshot's session.
    pub(crate) fn need(&self, now: f64, rec: Option<&SharedRecord>) -> Need {
        let Some(r) = rec else { return Need::None };
        let Some(s) = r.session.as_ref() else {
            return Need::None;
        };
        if self
            .waiters
            .iter()
            .any(|w| !self.satisfies(now, r.generation, s, w))
        {
            return Need::Demand;
        }
        if self.visible && !self.suspended && now >= refresh_at(s, &self.cfg, self.jitter_frac) {
            return Need::Proactive;
        }
        Need::None
    }

    fn satisfies(&self, now: f64, generation: u64, s: &Session, w: &Waiter) -> bool {
        usable(s, &self.cfg, now) && w.reject_gen != Some(generation)
    }

    /// Whether a refresh of the snapshot's session may start now (cooldown, loop guard,
    /// connectivity, lifecycle, storage not behind the announced generation).
    pub(crate) fn may_start(&self, now: f64, r: &SharedRecord) -> bool {
        let Some(s) = r.session.as_ref() else {
            return false;
        };
        self.online
            && !self.suspended
            && r.cooldown_until_ms <= now
            && now - s.received_at_ms >= self.cfg.min_refresh_interval_ms
            && r.generation >= self.known_gen
            && !self
                .late
                .is_some_and(|l| l.generation == r.generation && now < l.until)
    }

    /// Answers every caller that can be answered now.
    fn settle_waiters(&mut self, now: f64, cx: &mut Cx) {
        if self.waiters.is_empty() {
            return;
        }
        let waiters = mem::take(&mut self.waiters);
        let session = cx
            .rec
            .as_ref()
            .and_then(|r| r.session.as_ref().map(|s| (r, s)));
        for w in waiters {
            let answer = match session {
                None => Some(Err(RefreshError::LoggedOut)),
                Some((r, s)) => {
                    let young = now - s.received_at_ms < self.cfg.min_refresh_interval_ms;
                    if self.satisfies(now, r.generation, s, &w) || young {
                        Some(Ok((r.generation, s)))
                    } else if r.cooldown_until_ms > now {
                        Some(Err(RefreshError::Cooldown {
                            until_ms: r.cooldown_until_ms,
                        }))
                    } else if now >= w.deadline_ms {
                        Some(Err(RefreshError::Timeout))
                    } else {
                        None
                    }
                }
            };
            match answer {
                None => self.waiters.push(w),
                Some(Ok((generation, s))) => cx.fx.push(Effect::Resolve {
                    request_id: w.request_id,
                    token: s.access.clone(),
                    generation,
                    expires_at_ms: s.expires_at_ms,
                }),
                Some(Err(error)) => cx.fx.push(Effect::Reject {
                    request_id: w.request_id,
                    error,
                }),
            }
        }
    }

    /// Rejects the callers the current token cannot satisfy (after our own refresh failed).
    pub(crate) fn reject_unsatisfied(&mut self, error: RefreshError, now: f64, cx: &mut Cx) {
        let Some(r) = cx.rec.clone() else { return };
        let Some(s) = r.session.as_ref() else { return };
        let waiters = mem::take(&mut self.waiters);
        for w in waiters {
            if self.satisfies(now, r.generation, s, &w) {
                self.waiters.push(w);
            } else {
                cx.fx.push(Effect::Reject {
                    request_id: w.request_id,
                    error,
                });
            }
        }
    }

    fn maybe_start(&mut self, now: f64, cx: &mut Cx) {
        if self.phase != Phase::Idle || now < self.backoff_until {
            return;
        }
        let Some(r) = cx.rec.clone() else { return };
        let need = self.need(now, Some(&r));
        if need == Need::None || !self.may_start(now, &r) {
            return;
        }
        if self.cfg.web_locks {
            self.request_lock(need, cx);
        } else {
            self.claim(&r, now, cx);
        }
    }

    /// Re-arms the wake-up timer for the earliest future moment anything may change.
    fn arm(&mut self, now: f64, cx: &mut Cx) {
        let mut at = f64::INFINITY;
        let mut consider = |t: f64| {
            if t > now && t < at {
                at = t;
            }
        };
        match &self.phase {
            Phase::Idle | Phase::AwaitLock { .. } => {}
            Phase::Claiming { settle_at, .. } => consider(*settle_at),
            Phase::Confirming { confirm_at, .. } => consider(*confirm_at),
            Phase::Refreshing(f) => {
                consider(f.heartbeat_at);
                consider(f.give_up_at);
            }
        }
        for w in &self.waiters {
            consider(w.deadline_ms);
        }
        let need = self.need(now, cx.rec.as_ref());
        let pending = !self.waiters.is_empty()
            || self.phase != Phase::Idle
            || self.late.is_some()
            || need != Need::None;
        if pending {
            consider(now + self.cfg.poll_ms);
        }
        if let Some(r) = cx.rec.as_ref() {
            if let Some(s) = r.session.as_ref() {
                if self.visible && !self.suspended {
                    consider(refresh_at(s, &self.cfg, self.jitter_frac));
                }
                if need != Need::None {
                    consider(r.cooldown_until_ms);
                    consider(self.backoff_until);
                    consider(s.received_at_ms + self.cfg.min_refresh_interval_ms);
                    if let Some(l) = r.lease.as_ref() {
                        consider(l.until_ms);
                    }
                }
            }
            if let Some(l) = self.late {
                consider(l.until);
            }
            if self.known_gen > r.generation {
                consider(self.known_gen_since + self.cfg.poll_ms);
            }
        }
        let want = if at.is_finite() { Some(at) } else { None };
        if want != self.wake_at {
            match want {
                Some(at_ms) => cx.fx.push(Effect::SetTimer {
                    timer: TimerId::Wake,
                    at_ms,
                }),
                None => cx.fx.push(Effect::CancelTimer {
                    timer: TimerId::Wake,
                }),
            }
            self.wake_at = want;
        }
    }
}
