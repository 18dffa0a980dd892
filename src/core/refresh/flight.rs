//! The refresh flight and the rules that make its result safe to commit.
//!
//! - Before the request leaves, the holder writes the in-flight marker
//!   `{gen, owner, attempt}`; the `StartRefresh` effect carries exactly the refresh token
//!   of that record.
//! - A result is committed only if the record's generation is unchanged *and* the marker is
//!   still this attempt's (DESIGN invariant 3): a logout, a login, a newer token or a
//!   takeover all win over a late result.
//! - A rejection logs every tab out only under the same condition, i.e. only if the refresh
//!   token that failed is still the current one (anchor mode 9).
//! - A transient failure clears the marker and writes a shared cooldown (invariant 6).
//! - A holder that finds the marker of a previous attempt of the *same* generation knows
//!   that attempt's holder was lost (it died, or froze past its lease) after possibly
//!   sending the token. It may retry that token `max_takeovers` times (default once) at once,
//!   and after that once per shared cooldown (doubling), so dying holders cannot cause a
//!   storm. If the lost request had reached a rotating server, the retry is a reuse, the
//!   server revokes the family and answers 401, and the rejection logs every tab out once — a
//!   single clean re-authentication signal, never a loop. If it had not, the retry simply
//!   succeeds: a session is never ended while the server may still accept its token. No
//!   client-side protocol can do better without a server grace window for reuse: a token
//!   rotated by a request whose holder died is lost with it.

use super::effects::Effect;
use super::error::RefreshError;
use super::event::RefreshOutcome;
use super::machine::MAX_BAD_GRANTS;
use super::machine::{Cx, Tab};
use super::message::Message;
use super::state::{Flight, Late, Phase, bump};
use super::store::{Inflight, Lease, LogoutReason, Session, SharedRecord};
use super::timing::{cooldown_ms, expires_at, restored_expires_at, usable};
use super::token::{AccessToken, Grant, RefreshToken};

impl Tab {
    /// Sends the refresh for the snapshot's generation (the caller holds the lock or a
    /// confirmed lease and checked `need` and `may_start`).
    pub(crate) fn start_flight(
        &mut self,
        lock: Option<u64>,
        lease_nonce: Option<u64>,
        now: f64,
        cx: &mut Cx,
    ) {
        let Some((r, refresh)) = cx.rec.clone().and_then(|r| {
            r.session
                .as_ref()
                .map(|s| s.refresh.clone())
                .map(|t| (r, t))
        }) else {
            if let Some(request) = lock {
                cx.fx.push(Effect::ReleaseLock { request });
            }
            return;
        };
        let mut next = r.clone();
        if r.inflight.is_some_and(|i| i.generation == r.generation) {
            if r.takeovers >= self.cfg.max_takeovers && !r.takeover_due {
                // Lost holders again: the next takeover waits for the shared cooldown.
                next.failures = next.failures.saturating_add(1);
                next.cooldown_until_ms = now + cooldown_ms(&self.cfg, next.failures, None);
                next.takeover_due = true;
                cx.write(next);
                if let Some(request) = lock {
                    cx.fx.push(Effect::ReleaseLock { request });
                }
                return;
            }
            next.takeovers = r.takeovers.saturating_add(1);
            next.takeover_due = false;
            bump(&mut self.stats.takeovers);
        }
        if now - next.window_start_ms >= self.cfg.refresh_window_ms || next.window_start_ms > now {
            next.window_start_ms = now;
            next.window_count = 0;
        }
        next.window_count = next.window_count.saturating_add(1);
        self.attempt_seq = self.attempt_seq.saturating_add(1);
        let attempt = self.attempt_seq;
        next.inflight = Some(Inflight {
            generation: r.generation,
            owner: self.id,
            attempt,
            since_ms: now,
        });
        let until = now + self.cfg.lease_ms;
        if let Some(nonce) = lease_nonce {
            next.lease = Some(Lease {
                generation: r.generation,
                owner: self.id,
                nonce,
                until_ms: until,
            });
        }
        cx.write(next);
        cx.fx.push(Effect::StartRefresh {
            attempt,
            refresh_token: refresh,
        });
        if lease_nonce.is_some() {
            cx.fx.push(Effect::Post(Message::Refreshing {
                from: self.id,
                generation: r.generation,
                until_ms: until,
            }));
        }
        self.phase = Phase::Refreshing(Flight {
            generation: r.generation,
            attempt,
            lock,
            lease_nonce,
            heartbeat_at: if lease_nonce.is_some() {
                now + self.cfg.heartbeat_ms
            } else {
                f64::INFINITY
            },
            give_up_at: now + self.cfg.network_timeout_ms + self.cfg.heartbeat_ms + 1_000.0,
        });
        self.late = None;
        bump(&mut self.stats.refreshes_started);
    }

    /// The user's `refresh()` settled.
    pub(crate) fn on_refresh_done(
        &mut self,
        attempt: u64,
        outcome: RefreshOutcome,
        now: f64,
        cx: &mut Cx,
    ) {
        let current = match self.phase {
            Phase::Refreshing(f) if f.attempt == attempt => Some(f),
            _ => None,
        };
        let (generation, lock, nonce) = match (current, self.late) {
            (Some(f), _) => {
                self.phase = Phase::Idle;
                (f.generation, f.lock, f.lease_nonce)
            }
            (None, Some(l)) if l.attempt == attempt => {
                self.late = None;
                (l.generation, None, None)
            }
            _ => {
                bump(&mut self.stats.stale_inputs);
                return;
            }
        };
        let committable = cx.rec.as_ref().is_some_and(|r| {
            r.generation == generation
                && r.session.is_some()
                && r.inflight.is_some_and(|i| {
                    i.owner == self.id && i.attempt == attempt && i.generation == generation
                })
        });
        match outcome {
            RefreshOutcome::Ok(grant) if committable => self.commit(grant, now, cx),
            RefreshOutcome::Transient { retry_after_ms } if committable => {
                self.fail(retry_after_ms, now, cx);
            }
            RefreshOutcome::Rejected if committable => {
                self.logout_everywhere(LogoutReason::Rejected, now, cx);
            }
            RefreshOutcome::Unreadable if committable => self.unreadable(now, cx),
            RefreshOutcome::Ok(_) => {
                bump(&mut self.stats.discarded_results);
                if let Some(n) = nonce {
                    self.clear_my_lease(n, cx);
                }
            }
            _ => {
                if let Some(n) = nonce {
                    self.clear_my_lease(n, cx);
                }
            }
        }
        if let Some(request) = lock {
            cx.fx.push(Effect::ReleaseLock { request });
        }
    }

    fn commit(&mut self, grant: Grant, now: f64, cx: &mut Cx) {
        let Some(prev) = cx.rec.clone() else { return };
        let Some(old) = prev.session else { return };
        let generation = prev.generation.saturating_add(1);
        let expires_at_ms = Some(
            expires_at(
                now,
                grant.exp_s,
                grant.iat_s,
                prev.inflight.map(|i| i.since_ms),
            )
            .unwrap_or(now + self.cfg.opaque_lifetime_ms),
        );
        let keeps_refresh = grant.refresh.is_none();
        let session = Session {
            access: grant.access,
            refresh: grant.refresh.unwrap_or(old.refresh),
            expires_at_ms,
            received_at_ms: now,
        };
        // A server that keeps issuing tokens that are dead on arrival is a loop: after a
        // few in a row the session ends instead of refreshing again and again.
        let bad_grants = if usable(&session, &self.cfg, now) {
            0
        } else {
            prev.bad_grants.saturating_add(1)
        };
        if bad_grants >= MAX_BAD_GRANTS {
            self.logout_everywhere(LogoutReason::Rejected, now, cx);
            return;
        }
        let mut next = SharedRecord::new(generation, Some(session), None);
        next.after_rejection = prev.api_rejected;
        next.keeps_refresh = keeps_refresh;
        next.bad_grants = bad_grants;
        next.window_start_ms = prev.window_start_ms;
        next.window_count = prev.window_count;
        cx.write(next);
        cx.fx.push(Effect::Post(Message::Done {
            from: self.id,
            generation,
            expires_at_ms,
        }));
    }

    /// The result could not be read. On a server known not to rotate, the same token may
    /// be sent again: a transient failure. Otherwise the token may be spent: it is marked so
    /// no tab sends it again, and the session lasts as long as its access token.
    fn unreadable(&mut self, now: f64, cx: &mut Cx) {
        // (Callers that need a newer token are answered by `Tab::end_spent_session`.)
        let Some(mut next) = cx.rec.clone() else {
            return;
        };
        if next.keeps_refresh {
            self.fail(None, now, cx);
            return;
        }
        next.spent = true;
        next.inflight = None;
        next.lease = None;
        cx.write(next);
    }

    fn fail(&mut self, retry_after_ms: Option<f64>, now: f64, cx: &mut Cx) {
        let Some(mut next) = cx.rec.clone() else {
            return;
        };
        next.failures = next.failures.saturating_add(1);
        let until = now + cooldown_ms(&self.cfg, next.failures, retry_after_ms);
        next.cooldown_until_ms = until;
        next.inflight = None;
        next.lease = None;
        let generation = next.generation;
        cx.write(next);
        cx.fx.push(Effect::Post(Message::Failed {
            from: self.id,
            generation,
            until_ms: until,
        }));
        self.reject_unsatisfied(RefreshError::Failed { retry_at_ms: until }, now, cx);
    }

    /// Ends the session in every tab: a logged-out record at a new generation, `LOGOUT`.
    pub(crate) fn logout_everywhere(&mut self, reason: LogoutReason, now: f64, cx: &mut Cx) {
        let base = cx
            .rec
            .as_ref()
            .map_or(0, |r| r.generation)
            .max(self.known_gen);
        let generation = base.saturating_add(1);
        cx.write(SharedRecord::new(generation, None, Some(reason)));
        cx.fx.push(Effect::Post(Message::Logout {
            from: self.id,
            generation,
        }));
        self.known_gen = self.known_gen.max(generation);
        self.abandon(now, cx);
    }

    /// A login in this tab: a new generation everywhere (time-based floor, so it is newer
    /// than anything announced before the storage was cleared).
    pub(crate) fn on_login(
        &mut self,
        access: AccessToken,
        refresh: RefreshToken,
        exp_s: Option<f64>,
        iat_s: Option<f64>,
        now: f64,
        cx: &mut Cx,
    ) {
        let stored = cx.rec.as_ref().map_or(0, |r| r.generation);
        let floor = super::jsonw::ms_to_u64(now.floor());
        let generation = stored.max(self.known_gen).saturating_add(1).max(floor);
        let expires_at_ms = Some(
            restored_expires_at(now, exp_s, iat_s).unwrap_or(now + self.cfg.opaque_lifetime_ms),
        );
        let session = Session {
            access,
            refresh,
            expires_at_ms,
            received_at_ms: now,
        };
        cx.write(SharedRecord::new(generation, Some(session), None));
        cx.fx.push(Effect::Post(Message::Done {
            from: self.id,
            generation,
            expires_at_ms,
        }));
        self.known_gen = self.known_gen.max(generation);
        self.abandon(now, cx);
    }

    /// Stops whatever is in progress (logout, login, pagehide, give-up). An outstanding
    /// request is remembered as late: its result may still be committed if its in-flight
    /// marker is untouched.
    pub(crate) fn abandon(&mut self, _now: f64, cx: &mut Cx) {
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Idle | Phase::Claiming { .. } => {}
            Phase::AwaitLock { request, .. } => {
                cx.fx.push(Effect::AbortLockRequest { request });
            }
            Phase::Confirming { nonce, .. } => self.clear_my_lease(nonce, cx),
            Phase::Refreshing(f) => {
                self.late = Some(Late {
                    attempt: f.attempt,
                    generation: f.generation,
                    until: f.give_up_at,
                });
                if let Some(nonce) = f.lease_nonce {
                    self.clear_my_lease(nonce, cx);
                }
                if let Some(request) = f.lock {
                    cx.fx.push(Effect::ReleaseLock { request });
                }
            }
        }
    }
}
