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
use super::timing::{MAX_EPOCH_MS, dead_on_arrival, refresh_at, usable, usable_until};

/// How far ahead of the local time (ms) a login generation may be (tabs share a clock).
const MAX_GENERATION_AHEAD_MS: f64 = 86_400_000.0;

/// First retry delay after a failed storage read; doubles per failure up to `poll_ms`.
const UNREADABLE_RETRY_MS: f64 = 20.0;

/// Failed storage reads in a row after which waiting callers get
/// `refresh_storage_unavailable` (about two seconds of retries with the defaults).
pub const UNREADABLE_GIVE_UP: u32 = 8;

/// Most events kept while the record cannot be read.
const MAX_DEFERRED: usize = 16;

/// Dead-on-arrival refresh results in a row after which the session ends (`rejected`).
pub(crate) const MAX_BAD_GRANTS: u32 = 3;

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
    /// Path B: the generation for which this tab already yielded to a lower claim (it yields
    /// once per generation, so answering every claim with a lower nonce cannot stall it).
    pub(crate) yielded_gen: Option<u64>,
    /// Failed storage reads in a row.
    unreadable_streak: u32,
    /// Events that arrived while the record could not be read.
    deferred: Vec<Event<'static>>,
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
            yielded_gen: None,
            unreadable_streak: 0,
            deferred: Vec::new(),
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
        self.unreadable_streak = 0;
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
        for deferred in mem::take(&mut self.deferred) {
            self.apply(deferred, now, &mut cx);
        }
        self.apply(event, now, &mut cx);
        self.drive(now, &mut cx);
        cx.fx
    }

    /// Feeds one event when reading the shared record failed (the store threw or returned
    /// something that is not a string). Nothing is concluded from a failed read: no logout,
    /// no adoption, no refresh. Events that need the record (a refresh result, a lock grant,
    /// a login or logout) are kept and applied with the next readable snapshot; the machine
    /// asks to be woken with a growing backoff. Callers are answered `refresh_storage_unavailable`
    /// only after [`UNREADABLE_GIVE_UP`] failed reads in a row, or at their deadline.
    pub fn handle_unreadable(&mut self, event: Event<'_>, now_ms: f64) -> Vec<Effect> {
        let now = self.clock(now_ms);
        self.unreadable_streak = self.unreadable_streak.saturating_add(1);
        bump(&mut self.stats.unreadable_reads);
        let mut cx = Cx {
            rec: None,
            fx: Vec::new(),
        };
        match event {
            Event::GetToken { .. }
            | Event::CancelGetToken { .. }
            | Event::Timer(_)
            | Event::Visibility { .. }
            | Event::Connectivity { .. }
            | Event::PageShow { .. }
            | Event::StorageChanged
            | Event::RawMessage(_)
            | Event::Message(_) => {
                // Local state only; messages are hints and storage is read again anyway.
                if !matches!(event, Event::RawMessage(_) | Event::Message(_)) {
                    self.apply(event, now, &mut cx);
                }
            }
            other => {
                if self.deferred.len() < MAX_DEFERRED {
                    if let Some(e) = other.owned() {
                        self.deferred.push(e);
                    }
                }
            }
        }
        let give_up = self.unreadable_streak >= UNREADABLE_GIVE_UP;
        let waiters = mem::take(&mut self.waiters);
        for w in waiters {
            if give_up || now >= w.deadline_ms {
                cx.fx.push(Effect::Reject {
                    request_id: w.request_id,
                    error: if give_up {
                        RefreshError::StorageUnavailable
                    } else {
                        RefreshError::Timeout
                    },
                });
            } else {
                self.waiters.push(w);
            }
        }
        let exp = self.unreadable_streak.saturating_sub(1).min(8);
        let retry = (UNREADABLE_RETRY_MS * f64::from(1u32 << exp)).min(self.cfg.poll_ms);
        let at = now + retry;
        self.wake_at = Some(at);
        cx.fx.push(Effect::SetTimer {
            timer: TimerId::Wake,
            at_ms: at,
        });
        cx.fx
    }

    /// The part of an event that updates this tab's own state.
    fn apply(&mut self, event: Event<'_>, now: f64, cx: &mut Cx) {
        match event {
            Event::GetToken {
                request_id,
                reject_gen,
            } => self.on_get_token(request_id, reject_gen, now, cx),
            Event::CancelGetToken { request_id } => {
                self.waiters.retain(|w| w.request_id != request_id);
            }
            Event::Login {
                access,
                refresh,
                exp_s,
                iat_s,
            } => self.on_login(access, refresh, exp_s, iat_s, now, cx),
            Event::Logout => self.logout_everywhere(LogoutReason::User, now, cx),
            Event::Timer(TimerId::Wake) => self.wake_at = None,
            Event::Message(m) => self.on_message(m, now, cx),
            Event::RawMessage(raw) => match Message::decode(raw) {
                Ok(m) => self.on_message(m, now, cx),
                Err(WireIssue::Foreign) => bump(&mut self.stats.foreign_messages),
                Err(WireIssue::Version) => bump(&mut self.stats.version_messages),
                Err(WireIssue::Malformed) => bump(&mut self.stats.malformed_messages),
            },
            Event::LockGranted { request } => self.on_lock_granted(request, now, cx),
            Event::LockUnavailable { request } => self.on_lock_unavailable(request, now),
            Event::RefreshDone { attempt, outcome } => {
                self.on_refresh_done(attempt, outcome, now, cx);
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
                    self.abandon(now, cx);
                }
            }
            Event::PageShow { .. } => self.suspended = false,
        }
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
        self.note_rejection(reject_gen, now, cx);
        self.waiters.push(Waiter {
            request_id,
            deadline_ms: now + self.cfg.get_token_timeout_ms,
            reject_gen,
        });
    }

    /// A caller says the API rejected the token of `reject_gen`.
    fn note_rejection(&mut self, reject_gen: Option<u64>, now: f64, cx: &mut Cx) {
        // The API rejected a token fresh from the refresh that followed its predecessor's
        // rejection, before it expired: refreshing again would loop. (A token rejected
        // because it expired in the meantime is simply refreshed, and so is a first
        // rejection, which may come from a server that changed its signing key.)
        let Some(r) = cx.rec.as_ref().filter(|r| reject_gen == Some(r.generation)) else {
            return;
        };
        let fresh = r.session.as_ref().is_some_and(|s| {
            now - s.received_at_ms < self.cfg.min_refresh_interval_ms && usable(s, &self.cfg, now)
        });
        let alive = r
            .session
            .as_ref()
            .is_some_and(|s| usable(s, &self.cfg, now));
        // A refresh already in flight was not caused by this rejection: its result does not
        // count as "the refresh that followed a rejection".
        let in_flight = r.inflight.is_some_and(|i| i.generation == r.generation);
        if r.after_rejection && fresh {
            self.logout_everywhere(LogoutReason::Rejected, now, cx);
        } else if alive && !r.api_rejected && !in_flight {
            let mut next = r.clone();
            next.api_rejected = true;
            cx.write(next);
        }
    }

    fn on_message(&mut self, m: Message, now: f64, cx: &mut Cx) {
        if m.from() == self.id {
            return;
        }
        match m {
            Message::Done { generation, .. } | Message::Logout { generation, .. } => {
                // A generation grows by one per commit or logout; a login jumps to at most
                // the current time in ms. Anything beyond is not believed (it would hold
                // off refreshing until storage catches up, which it never would).
                let stored = cx.rec.as_ref().map_or(0, |r| r.generation);
                let plausible = generation <= stored.saturating_add(1)
                    || (generation as f64) <= now + MAX_GENERATION_AHEAD_MS;
                if !plausible {
                    bump(&mut self.stats.malformed_messages);
                } else if generation > self.known_gen {
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
                from, generation, ..
            } => self.on_refreshing(from, generation, now, cx),
            Message::Failed { .. } => {}
        }
    }

    /// Re-evaluates everything (see the module doc).
    pub(crate) fn drive(&mut self, now: f64, cx: &mut Cx) {
        self.observe(now, cx);
        self.step(now, cx);
        self.end_spent_session(now, cx);
        self.observe(now, cx);
        self.settle_waiters(now, cx);
        self.withdraw_unneeded_lock_request(now, cx);
        self.maybe_start(now, cx);
        self.arm(now, cx);
    }

    /// A session whose refresh token may be spent (a refresh result could not be read) ends
    /// (`lost`) when a token is needed that the current one cannot give; until then its
    /// access token serves.
    fn end_spent_session(&mut self, now: f64, cx: &mut Cx) {
        let Some(r) = cx.rec.as_ref() else { return };
        let Some(s) = r.session.as_ref() else { return };
        let stuck = r.spent
            && (!usable(s, &self.cfg, now)
                || self
                    .waiters
                    .iter()
                    .any(|w| !self.satisfies(now, r.generation, s, w)));
        if stuck && !matches!(self.phase, Phase::Refreshing(_)) {
            self.logout_everywhere(LogoutReason::Lost, now, cx);
        }
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
                        usable_until_ms: usable_until(s, &self.cfg),
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
        let unanswerable = self
            .waiters
            .iter()
            .any(|w| !self.satisfies(now, r.generation, s, w));
        // A session stored already expired (restored dead) is refreshed at once, in every
        // tab, hidden or not: the record is shared, so one refresh serves them all.
        if unanswerable || (dead_on_arrival(s) && !usable(s, &self.cfg, now)) {
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
        r.session.is_some()
            && self.online
            && !self.suspended
            && !r.spent
            && r.cooldown_until_ms <= now
            && self.window_open(r, now)
            && r.generation >= self.known_gen
            && !self
                .late
                .is_some_and(|l| l.generation == r.generation && now < l.until)
    }

    /// Loop guard: fewer than `max_refreshes_per_window` refreshes started in the current
    /// window (all tabs together, counted in the record).
    pub(crate) fn window_open(&self, r: &SharedRecord, now: f64) -> bool {
        now - r.window_start_ms >= self.cfg.refresh_window_ms
            || r.window_start_ms > now
            || r.window_count < self.cfg.max_refreshes_per_window
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
                    if self.satisfies(now, r.generation, s, &w) {
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
                    usable_until_ms: usable_until(s, &self.cfg),
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
                    if !self.window_open(r, now) {
                        consider(r.window_start_ms + self.cfg.refresh_window_ms);
                    }
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
