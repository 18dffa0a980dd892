//! The shared record: the one `localStorage` value all tabs of an origin read and write.
//!
//! Why one key holding one JSON document: `setItem` of a single key is the only atomic
//! write `localStorage` offers, so the generation, the tokens, the lease, the in-flight
//! marker and the cooldown always change together and a reader never sees half an update.
//!
//! Why the machine receives a snapshot instead of calling a store: the adapter passes the
//! raw `getItem` string with every event and executes [`super::Effect::WriteRecord`]
//! effects in order, synchronously, in the same task. That keeps
//! [`super::Tab::handle`] a pure function of (state, event, snapshot, time), and it never
//! calls back into JavaScript while it runs (no re-entrancy, DESIGN invariant 7). Because
//! the browser runs one task at a time per tab, read-then-write within one `handle` is as
//! atomic as `localStorage` allows; across processes there is still no compare-and-swap,
//! which is why the lease path re-reads its lease after [`super::Config::confirm_ms`] and
//! why every commit is guarded by the generation and the in-flight owner.
//!
//! Format (`"fl":1`, unknown keys ignored so later versions can add fields):
//! `{"fl":1,"gen":G,"s":{"at":A,"rt":R,"exp":E|null,"rcv":T}|null,"out":"user"|...|null,
//!   "lease":{"gen","owner","nonce","until"}|null,"inf":{"gen","owner","att","since"}|null,
//!   "take":N,"fail":N,"cool":T,"rej":0|1,"ar":0|1,"due":0|1,"spent":0|1,"keep":0|1,"bad":N,"win":T,"wn":N}`
//! (the last eight were added later and default to 0 when absent).
//! This record is the only place the refresh token is written.

use crate::core::json::{self, Limits, Value};

use super::error::RefreshError;
use super::jsonw::{get_ms, get_opt_ms, get_u64, push_ms, push_opt_ms, push_str, push_u64};
use super::token::{AccessToken, RefreshToken};

/// Version written in the record's `"fl"` field.
pub const RECORD_VERSION: u64 = 1;

/// Longest record accepted, in bytes.
pub const MAX_RECORD_LEN: usize = 64 * 1024;

crate::vocabulary! {
    /// Why a session ended.
    pub enum LogoutReason as "LogoutReason" {
        /// A user called `logout()` in some tab.
        User = "user",
        /// The server rejected the refresh token (401/400, reuse detected, expired), rejected
        /// a token fresh from a refresh, or kept issuing tokens that were dead on arrival.
        Rejected = "rejected",
        /// A refresh result could not be read on a server that may rotate (so its refresh
        /// token may be spent), and the access token ran out. The user must sign in again.
        Lost = "lost",
        /// The record disappeared (storage cleared by the page or browser).
        Cleared = "cleared",
    }
}

/// The current tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The access token handed to callers.
    pub access: AccessToken,
    /// The refresh token; never leaves storage except in `StartRefresh`.
    pub refresh: RefreshToken,
    /// When the access token expires on the local clock (epoch ms); `None`: unknown.
    pub expires_at_ms: Option<f64>,
    /// When the tokens were received (epoch ms).
    pub received_at_ms: f64,
}

/// Path B: who may refresh generation `gen`, until when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lease {
    /// Generation the lease is for.
    pub generation: u64,
    /// Holder tab id.
    pub owner: u64,
    /// The holder's claim nonce (distinguishes two claims of one tab).
    pub nonce: u64,
    /// Lease end (epoch ms).
    pub until_ms: f64,
}

/// A refresh request for `gen` may be at the server: written before the request leaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inflight {
    /// Generation whose refresh token was sent.
    pub generation: u64,
    /// Sender tab id.
    pub owner: u64,
    /// The sender's attempt id.
    pub attempt: u64,
    /// When it was sent (epoch ms).
    pub since_ms: f64,
}

/// The shared record.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedRecord {
    /// Generation: increases on every commit, login and logout.
    pub generation: u64,
    /// The tokens, or `None` when logged out.
    pub session: Option<Session>,
    /// Why there is no session (`None` with a session).
    pub logout: Option<LogoutReason>,
    /// Path B lease.
    pub lease: Option<Lease>,
    /// In-flight marker.
    pub inflight: Option<Inflight>,
    /// Takeovers of this generation so far (holder lost while in flight).
    pub takeovers: u32,
    /// Consecutive transient failures of this generation.
    pub failures: u32,
    /// No tab starts a refresh before this (epoch ms; 0 = none).
    pub cooldown_until_ms: f64,
    /// The API rejected this session's access token (a caller's `reject_gen`).
    pub api_rejected: bool,
    /// The session came from a refresh that followed such a rejection: the API rejecting
    /// its access token too, soon after (`min_refresh_interval_ms`) and before it expired,
    /// is a loop, and ends the session instead of refreshing again.
    pub after_rejection: bool,
    /// Lost holders used up `max_takeovers`: the next takeover waits for the cooldown, and
    /// this marks that it has waited.
    pub takeover_due: bool,
    /// A refresh result of this refresh token could not be read: the server may have
    /// rotated it, so it is never sent again. The access token is used while it lasts.
    pub spent: bool,
    /// The last refresh answered without a new refresh token (the server does not rotate).
    pub keeps_refresh: bool,
    /// Consecutive refreshes whose access token was already unusable when it arrived.
    pub bad_grants: u32,
    /// Start of the loop guard's window (epoch ms).
    pub window_start_ms: f64,
    /// Refreshes started in that window.
    pub window_count: u32,
}

impl SharedRecord {
    /// A fresh record at `gen` holding `session` (or logged out for `reason`).
    pub fn new(generation: u64, session: Option<Session>, logout: Option<LogoutReason>) -> Self {
        SharedRecord {
            generation,
            session,
            logout,
            lease: None,
            inflight: None,
            takeovers: 0,
            failures: 0,
            cooldown_until_ms: 0.0,
            api_rejected: false,
            after_rejection: false,
            takeover_due: false,
            spent: false,
            keeps_refresh: false,
            bad_grants: 0,
            window_start_ms: 0.0,
            window_count: 0,
        }
    }

    /// The storage string.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("{\"fl\":");
        push_u64(&mut out, RECORD_VERSION);
        out.push_str(",\"gen\":");
        push_u64(&mut out, self.generation);
        out.push_str(",\"s\":");
        match &self.session {
            Some(s) => {
                out.push_str("{\"at\":");
                push_str(&mut out, s.access.as_str());
                out.push_str(",\"rt\":");
                push_str(&mut out, s.refresh.expose_secret());
                out.push_str(",\"exp\":");
                push_opt_ms(&mut out, s.expires_at_ms);
                out.push_str(",\"rcv\":");
                push_ms(&mut out, s.received_at_ms);
                out.push('}');
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"out\":");
        match self.logout {
            Some(r) => push_str(&mut out, r.as_str()),
            None => out.push_str("null"),
        }
        out.push_str(",\"lease\":");
        match &self.lease {
            Some(l) => {
                out.push_str("{\"gen\":");
                push_u64(&mut out, l.generation);
                out.push_str(",\"owner\":");
                push_u64(&mut out, l.owner);
                out.push_str(",\"nonce\":");
                push_u64(&mut out, l.nonce);
                out.push_str(",\"until\":");
                push_ms(&mut out, l.until_ms);
                out.push('}');
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"inf\":");
        match &self.inflight {
            Some(i) => {
                out.push_str("{\"gen\":");
                push_u64(&mut out, i.generation);
                out.push_str(",\"owner\":");
                push_u64(&mut out, i.owner);
                out.push_str(",\"att\":");
                push_u64(&mut out, i.attempt);
                out.push_str(",\"since\":");
                push_ms(&mut out, i.since_ms);
                out.push('}');
            }
            None => out.push_str("null"),
        }
        out.push_str(",\"take\":");
        push_u64(&mut out, u64::from(self.takeovers));
        out.push_str(",\"fail\":");
        push_u64(&mut out, u64::from(self.failures));
        out.push_str(",\"cool\":");
        push_ms(&mut out, self.cooldown_until_ms);
        out.push_str(",\"rej\":");
        out.push_str(if self.api_rejected { "1" } else { "0" });
        out.push_str(",\"ar\":");
        out.push_str(if self.after_rejection { "1" } else { "0" });
        out.push_str(",\"due\":");
        out.push_str(if self.takeover_due { "1" } else { "0" });
        out.push_str(",\"spent\":");
        out.push_str(if self.spent { "1" } else { "0" });
        out.push_str(",\"keep\":");
        out.push_str(if self.keeps_refresh { "1" } else { "0" });
        out.push_str(",\"bad\":");
        push_u64(&mut out, u64::from(self.bad_grants));
        out.push_str(",\"win\":");
        push_ms(&mut out, self.window_start_ms);
        out.push_str(",\"wn\":");
        push_u64(&mut out, u64::from(self.window_count));
        out.push('}');
        out
    }

    /// Reads a storage string; anything but a valid version-1 record (too long, not JSON,
    /// another version, a missing or invalid field) is `refresh_storage_malformed`.
    pub fn decode(raw: &str) -> Result<SharedRecord, RefreshError> {
        Self::read(raw).ok_or(RefreshError::StorageMalformed)
    }

    fn read(raw: &str) -> Option<SharedRecord> {
        if raw.len() > MAX_RECORD_LEN {
            return None;
        }
        let doc = json::parse_with(raw, Limits { max_depth: 4 }).ok()?;
        if get_u64(&doc, "fl")? != RECORD_VERSION {
            return None;
        }
        let session = match doc.get("s") {
            None | Some(Value::Null) => None,
            Some(s) => Some(Session {
                access: AccessToken::new(s.get("at")?.as_str()?).ok()?,
                refresh: RefreshToken::new(s.get("rt")?.as_str()?).ok()?,
                expires_at_ms: get_opt_ms(s, "exp")?,
                received_at_ms: get_ms(s, "rcv")?,
            }),
        };
        let logout = match doc.get("out") {
            None | Some(Value::Null) => None,
            Some(v) => Some(LogoutReason::parse(v.as_str()?)?),
        };
        let lease = match doc.get("lease") {
            None | Some(Value::Null) => None,
            Some(l) => Some(Lease {
                generation: get_u64(l, "gen")?,
                owner: get_u64(l, "owner")?,
                nonce: get_u64(l, "nonce")?,
                until_ms: get_ms(l, "until")?,
            }),
        };
        let inflight = match doc.get("inf") {
            None | Some(Value::Null) => None,
            Some(i) => Some(Inflight {
                generation: get_u64(i, "gen")?,
                owner: get_u64(i, "owner")?,
                attempt: get_u64(i, "att")?,
                since_ms: get_ms(i, "since")?,
            }),
        };
        let small = |key: &str| get_u64(&doc, key).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        // Fields added after the first release: absent means the default, present must be valid.
        let later = |key: &str| match doc.get(key) {
            None => Some(0),
            Some(_) => get_u64(&doc, key),
        };
        let flag = |key: &str| later(key).map(|n| n != 0);
        let count = |key: &str| later(key).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        Some(SharedRecord {
            generation: get_u64(&doc, "gen")?,
            session,
            logout,
            lease,
            inflight,
            takeovers: small("take")?,
            failures: small("fail")?,
            cooldown_until_ms: get_ms(&doc, "cool")?,
            api_rejected: flag("rej")?,
            after_rejection: flag("ar")?,
            takeover_due: flag("due")?,
            spent: flag("spent")?,
            keeps_refresh: flag("keep")?,
            bad_grants: count("bad")?,
            window_start_ms: later("win")? as f64,
            window_count: count("wn")?,
        })
    }
}
