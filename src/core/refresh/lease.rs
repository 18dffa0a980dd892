//! Path B: a lease over BroadcastChannel and storage, for browsers without Web Locks.
//!
//! 1. A tab that needs a refresh and sees no live lease posts `CLAIM{gen, nonce}` and
//!    listens for `settle_ms`; a lower `(nonce, tab)` claim, or a `REFRESHING` heartbeat,
//!    makes it back off.
//! 2. It re-reads storage; if still no live lease, it writes a short lease
//!    `{gen, owner, nonce, until}` and re-reads it `confirm_ms` later. Only if the record
//!    still holds *its* lease does it proceed (two tabs that both wrote see the same last
//!    write; the loser backs off).
//! 3. It extends the lease to `lease_ms`, writes the in-flight marker, sends the request,
//!    and renews the lease with a `REFRESHING` heartbeat every `heartbeat_ms`. The lease is
//!    longer than the network timeout plus a heartbeat, so a live holder never loses it
//!    unless its page is frozen.
//! 4. Followers wait for `DONE`/`FAILED`/`LOGOUT` or for the lease end, then re-claim; the
//!    new holder sees the old in-flight marker and treats it as a takeover.

use super::effects::Effect;
use super::jsonw::MAX_SAFE;
use super::machine::{Cx, Need, Tab};
use super::message::Message;
use super::state::{Flight, Phase};
use super::store::{Lease, SharedRecord};

impl Tab {
    /// A live lease held by another tab for the record's generation.
    /// A lease ending further ahead than one lease (plus slack) was not written by a tab of
    /// this version and is ignored: nothing holds off refreshing beyond one lease.
    pub(crate) fn foreign_lease(&self, r: &SharedRecord, now: f64) -> Option<Lease> {
        r.lease.filter(|l| {
            l.generation == r.generation
                && l.until_ms > now
                && l.until_ms <= now + self.cfg.lease_ms + 2_000.0
                && l.owner != self.id
        })
    }

    fn is_my_lease(&self, r: &SharedRecord, nonce: u64) -> bool {
        r.lease
            .is_some_and(|l| l.owner == self.id && l.nonce == nonce && l.generation == r.generation)
    }

    /// Removes our lease from the record, if it is still there.
    pub(crate) fn clear_my_lease(&mut self, nonce: u64, cx: &mut Cx) {
        if let Some(r) = cx.rec.as_ref() {
            if r.lease
                .is_some_and(|l| l.owner == self.id && l.nonce == nonce)
            {
                let mut next = r.clone();
                next.lease = None;
                cx.write(next);
            }
        }
    }

    /// Step 1: post a claim, unless a live lease exists (then wait for its end).
    pub(crate) fn claim(&mut self, r: &SharedRecord, now: f64, cx: &mut Cx) {
        if self.foreign_lease(r, now).is_some() {
            return;
        }
        let nonce = self.rng.next_u64() & MAX_SAFE;
        self.phase = Phase::Claiming {
            generation: r.generation,
            nonce,
            settle_at: now + self.cfg.settle_ms,
        };
        cx.fx.push(Effect::Post(Message::Claim {
            from: self.id,
            generation: r.generation,
            nonce,
        }));
    }

    /// While claiming: drop the claim if it became pointless; at the end of the settle
    /// window, write the short lease (step 2).
    pub(crate) fn step_claiming(
        &mut self,
        generation: u64,
        nonce: u64,
        settle_at: f64,
        now: f64,
        cx: &mut Cx,
    ) {
        let Some(r) = cx.rec.clone() else {
            self.phase = Phase::Idle;
            return;
        };
        let pointless = r.generation != generation
            || self.need(now, Some(&r)) == Need::None
            || !self.may_start(now, &r)
            || self.foreign_lease(&r, now).is_some();
        if pointless {
            self.phase = Phase::Idle;
            return;
        }
        if now < settle_at {
            return;
        }
        let mut next = r;
        next.lease = Some(Lease {
            generation,
            owner: self.id,
            nonce,
            until_ms: now + self.cfg.confirm_ms + 2_000.0,
        });
        cx.write(next);
        self.phase = Phase::Confirming {
            generation,
            nonce,
            confirm_at: now + self.cfg.confirm_ms,
        };
    }

    /// Step 3: the re-read. Proceed only if the record still holds our lease.
    pub(crate) fn confirm(&mut self, generation: u64, nonce: u64, now: f64, cx: &mut Cx) {
        self.phase = Phase::Idle;
        let go = cx.rec.as_ref().is_some_and(|r| {
            r.generation == generation
                && self.is_my_lease(r, nonce)
                && self.need(now, Some(r)) != Need::None
                && self.may_start(now, r)
        });
        if go {
            self.start_flight(None, Some(nonce), now, cx);
        } else {
            self.clear_my_lease(nonce, cx);
            self.backoff_until = now + self.cfg.settle_ms;
        }
    }

    /// Renews our lease and announces it; stops renewing once the lease is not ours.
    pub(crate) fn heartbeat(&mut self, f: Flight, now: f64, cx: &mut Cx) {
        let mut f = f;
        let mine = f.lease_nonce.and_then(|nonce| {
            cx.rec
                .as_ref()
                .filter(|r| r.generation == f.generation && self.is_my_lease(r, nonce))
                .cloned()
                .map(|r| (r, nonce))
        });
        match mine {
            Some((mut next, nonce)) => {
                let until = now + self.cfg.lease_ms;
                next.lease = Some(Lease {
                    generation: f.generation,
                    owner: self.id,
                    nonce,
                    until_ms: until,
                });
                cx.write(next);
                cx.fx.push(Effect::Post(Message::Refreshing {
                    from: self.id,
                    generation: f.generation,
                    until_ms: until,
                }));
                f.heartbeat_at = now + self.cfg.heartbeat_ms;
            }
            None => f.heartbeat_at = f64::INFINITY,
        }
        self.phase = Phase::Refreshing(f);
    }

    /// Another tab claims `gen`: yield to a lower claim; tell it we already hold the lease.
    pub(crate) fn on_claim(
        &mut self,
        from: u64,
        generation: u64,
        nonce: u64,
        now: f64,
        cx: &mut Cx,
    ) {
        match self.phase.clone() {
            Phase::Claiming {
                generation: g,
                nonce: n,
                ..
            } if g == generation
                && (nonce, from) < (n, self.id)
                && self.yielded_gen != Some(generation) =>
            {
                // Yield once per generation: if the winner's lease never shows up, the next
                // claim goes on to the lease write, whose re-read decides between writers.
                self.yielded_gen = Some(generation);
                self.phase = Phase::Idle;
                self.backoff_until = now + 2.0 * self.cfg.settle_ms + self.cfg.confirm_ms;
            }
            Phase::Refreshing(f) if f.generation == generation => {
                if let (Some(nonce), Some(r)) = (f.lease_nonce, cx.rec.as_ref()) {
                    if let Some(l) = r.lease.filter(|l| l.owner == self.id && l.nonce == nonce) {
                        cx.fx.push(Effect::Post(Message::Refreshing {
                            from: self.id,
                            generation,
                            until_ms: l.until_ms,
                        }));
                    }
                }
            }
            _ => {}
        }
    }

    /// Another tab says it holds the lease for `gen`: stop claiming until the lease in
    /// storage ends. The message is believed only as far as storage confirms it (a lease of
    /// that tab for that generation), so no message can hold off refreshing by itself.
    pub(crate) fn on_refreshing(&mut self, from: u64, generation: u64, now: f64, cx: &Cx) {
        let Phase::Claiming { generation: g, .. } = self.phase else {
            return;
        };
        let lease = cx
            .rec
            .as_ref()
            .and_then(|r| self.foreign_lease(r, now))
            .filter(|l| l.owner == from && l.generation == generation);
        if let Some(l) = lease {
            if g <= generation {
                self.phase = Phase::Idle;
                self.backoff_until = self.backoff_until.max(l.until_ms);
            }
        }
    }
}
