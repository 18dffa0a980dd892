//! Cross-tab refresh exports: [`RefreshTab`] wraps one [`Tab`] of the core state machine.
//!
//! Why a class and not functions: the machine has state (phase, callers, timer), one per
//! token manager, so it lives in wasm memory behind a handle the facade frees on `dispose()`
//! (and the generated glue's `FinalizationRegistry` frees it if the facade is dropped).
//!
//! Every event is one method. The raw `localStorage` value of the record travels in the
//! scratch buffer (bytes `[0, stored_len)`, `stored_len < 0` meaning "no record"), followed
//! by the event's own strings; numbers are plain arguments (`NaN` = absent).
//!
//! Effects come back compactly, with no object built in Rust:
//! - numbers: [`FX_WIDTH`] `f64`s per effect, `[kind, a, b, c, len]`, in a buffer the facade
//!   views at `out[1]` with `out[0]` effects (see [`crate::bindings::scratch::set_out`]);
//! - strings: the returned `String` is the concatenation of every effect's string, each
//!   `len` UTF-16 units long, in effect order.
//!
//! | kind | effect | a | b | c | string |
//! |---|---|---|---|---|---|
//! | 0 | Post | | | | wire message (numbers only) |
//! | 1 | RequestLock | request | 1 wait / 0 ifAvailable | | |
//! | 2 | AbortLockRequest | request | | | |
//! | 3 | ReleaseLock | request | | | |
//! | 4 | StartRefresh | attempt | | | **the refresh token** (only here) |
//! | 5 | WriteRecord | | | | the storage record |
//! | 6 | SetTimer | at (epoch ms) | | | |
//! | 7 | CancelTimer | | | | |
//! | 8 | Resolve | request | generation | expires at (NaN unknown) | access token |
//! | 9 | Reject | request | time (retry at / cooldown end, NaN none) | | error code |
//! | 10 | Changed | generation | | expires at (NaN unknown) | access token |
//! | 11 | LoggedOut | | | | reason (`user`, `rejected`, `lost`, `cleared`) |
//!
//! Error codes and logout reasons travel as their stable strings, so no index table has to
//! be kept in sync between Rust and TypeScript.

use wasm_bindgen::prelude::*;

use crate::bindings::errors::js_error;
use crate::bindings::scratch::{set_out, with_input};
use crate::core::error::ErrorCode;
use crate::core::refresh::{
    AccessToken, Config, Effect, Event, Grant, LockMode, RefreshError, RefreshOutcome,
    RefreshToken, Tab, TimerId,
};

/// Numbers per effect in the effect buffer.
pub const FX_WIDTH: usize = 5;

/// How many timing values [`RefreshTab::new`] takes (and [`RefreshTab::config`] returns).
pub const TIMING_SLOTS: usize = 16;

/// Largest integer a JavaScript number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A non-negative integer id from a JS number (NaN, negative → 0; clamped to 2^53 − 1).
fn id(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v.min(MAX_SAFE) as u64
    } else {
        0
    }
}

/// `Some(v)` for a finite number, `None` for NaN (absent) or infinities.
fn opt(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// The value or `default` when NaN/infinite (the core clamps the rest).
fn or(v: f64, default: f64) -> f64 {
    if v.is_finite() { v } else { default }
}

fn or_nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// Builds the core configuration from the facade's timing slots (NaN = default), in the
/// order of [`RefreshTab::config`].
fn config(namespace: &str, web_locks: bool, t: &[f64]) -> Config {
    let d = Config::default();
    let at = |i: usize| t.get(i).copied().unwrap_or(f64::NAN);
    let max_waiters = at(14);
    let max_takeovers = at(15);
    Config {
        namespace: namespace.to_owned(),
        web_locks,
        refresh_ahead_ms: or(at(0), d.refresh_ahead_ms),
        jitter_ms: or(at(1), d.jitter_ms),
        expiry_margin_ms: or(at(2), d.expiry_margin_ms),
        network_timeout_ms: or(at(3), d.network_timeout_ms),
        lease_ms: or(at(4), d.lease_ms),
        heartbeat_ms: or(at(5), d.heartbeat_ms),
        settle_ms: or(at(6), d.settle_ms),
        confirm_ms: or(at(7), d.confirm_ms),
        get_token_timeout_ms: or(at(8), d.get_token_timeout_ms),
        cooldown_base_ms: or(at(9), d.cooldown_base_ms),
        cooldown_max_ms: or(at(10), d.cooldown_max_ms),
        max_retry_after_ms: or(at(11), d.max_retry_after_ms),
        min_refresh_interval_ms: or(at(12), d.min_refresh_interval_ms),
        poll_ms: or(at(13), d.poll_ms),
        max_waiters: if max_waiters.is_finite() && max_waiters >= 0.0 {
            max_waiters.min(65_536.0) as usize
        } else {
            d.max_waiters
        },
        max_takeovers: if max_takeovers.is_finite() && max_takeovers >= 0.0 {
            max_takeovers.min(16.0) as u32
        } else {
            d.max_takeovers
        },
    }
}

/// The JS error for a refused token. Built from the code with a fixed message rather than
/// `Display`, which would pull float formatting (~10 KB) into the module for variants this
/// export never produces.
fn invalid_token(e: &RefreshError) -> JsValue {
    js_error(
        e.code(),
        "a token given to the token manager is empty or longer than 16 KiB",
    )
}

fn utf16(s: &str) -> f64 {
    s.encode_utf16().count() as f64
}

/// One tab of the cross-tab refresh protocol, driven by the TypeScript token manager.
#[wasm_bindgen]
#[derive(Debug)]
pub struct RefreshTab {
    tab: Tab,
    fx: Vec<f64>,
}

#[wasm_bindgen]
impl RefreshTab {
    /// A tab for the storage key / lock name `faultline.refresh.<namespace>`. `tab_id` and
    /// `seed` are random per page load; `timing` holds [`TIMING_SLOTS`] values in the
    /// order of [`RefreshTab::config`], NaN meaning "default". Every value is sanitized by
    /// the core (clamped, relations enforced), so no input makes a bad delay.
    #[wasm_bindgen(constructor)]
    pub fn new(namespace: &str, web_locks: bool, tab_id: f64, seed: f64, timing: &[f64]) -> Self {
        RefreshTab {
            tab: Tab::new(config(namespace, web_locks, timing), id(tab_id), id(seed)),
            fx: Vec::with_capacity(8 * FX_WIDTH),
        }
    }

    /// The storage key and Web Lock name.
    pub fn key(&self) -> String {
        self.tab.config().key()
    }

    /// This tab's id (as sent in messages).
    pub fn tab_id(&self) -> f64 {
        self.tab.id() as f64
    }

    /// Writes the sanitized configuration to the out slots: refresh ahead, jitter, expiry
    /// margin, network timeout, lease, heartbeat, settle, confirm, get-token timeout,
    /// cooldown base, cooldown max, max retry-after, min refresh interval, poll, max
    /// waiters, max takeovers. Returns whether Web Locks are used.
    pub fn config(&self) -> bool {
        let c = self.tab.config();
        set_out(&[
            c.refresh_ahead_ms,
            c.jitter_ms,
            c.expiry_margin_ms,
            c.network_timeout_ms,
            c.lease_ms,
            c.heartbeat_ms,
            c.settle_ms,
            c.confirm_ms,
            c.get_token_timeout_ms,
            c.cooldown_base_ms,
            c.cooldown_max_ms,
            c.max_retry_after_ms,
            c.min_refresh_interval_ms,
            c.poll_ms,
            c.max_waiters as f64,
            f64::from(c.max_takeovers),
        ]);
        c.web_locks
    }

    /// Writes the counters and state to the out slots: foreign, version and malformed
    /// messages, malformed records, stale inputs, discarded results, busy rejections,
    /// refreshes started, takeovers, generation, waiting callers, refreshing (0/1),
    /// has session (0/1). Returns the number of slots written.
    pub fn stats(&self) -> u32 {
        let s = self.tab.stats();
        let n = |v: u64| v as f64;
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let values = [
            n(s.foreign_messages),
            n(s.version_messages),
            n(s.malformed_messages),
            n(s.malformed_records),
            n(s.stale_inputs),
            n(s.discarded_results),
            n(s.busy_rejections),
            n(s.refreshes_started),
            n(s.takeovers),
            n(self.tab.generation()),
            self.tab.waiting() as f64,
            flag(self.tab.is_refreshing()),
            flag(self.tab.has_session()),
        ];
        set_out(&values);
        values.len() as u32
    }

    /// Whether a refresh request of this tab is outstanding.
    pub fn is_refreshing(&self) -> bool {
        self.tab.is_refreshing()
    }

    /// `getAccessToken()`: `reject_gen` is the generation the API rejected (NaN: none).
    pub fn get_token(
        &mut self,
        stored_len: i32,
        now: f64,
        request: f64,
        reject_gen: f64,
    ) -> String {
        let event = Event::GetToken {
            request_id: id(request),
            reject_gen: opt(reject_gen).map(id),
        };
        self.run(stored_len, now, 0, |_| Ok(event))
            .unwrap_or_default()
    }

    /// The caller gave up (AbortSignal).
    pub fn cancel_get_token(&mut self, stored_len: i32, now: f64, request: f64) -> String {
        let event = Event::CancelGetToken {
            request_id: id(request),
        };
        self.run(stored_len, now, 0, |_| Ok(event))
            .unwrap_or_default()
    }

    /// `setTokens()`: access then refresh token follow the record in the scratch buffer;
    /// `exp`/`iat` are the access token's claims in seconds (NaN: unknown).
    /// Throws `refresh_invalid_token` for an empty or too long token.
    pub fn login(
        &mut self,
        stored_len: i32,
        now: f64,
        access_len: usize,
        refresh_len: usize,
        exp: f64,
        iat: f64,
    ) -> Result<String, JsValue> {
        self.run(stored_len, now, access_len + refresh_len, |rest| {
            let (a, r) = split(rest, access_len);
            Ok(Event::Login {
                access: AccessToken::new(a)?,
                refresh: RefreshToken::new(r)?,
                exp_s: opt(exp),
                iat_s: opt(iat),
            })
        })
        .map_err(|e| invalid_token(&e))
    }

    /// `logout()`.
    pub fn logout(&mut self, stored_len: i32, now: f64) -> String {
        self.simple(stored_len, now, Event::Logout)
    }

    /// The wake-up timer fired.
    pub fn timer(&mut self, stored_len: i32, now: f64) -> String {
        self.simple(stored_len, now, Event::Timer(TimerId::Wake))
    }

    /// A channel message (its text follows the record in the scratch buffer).
    pub fn message(&mut self, stored_len: i32, now: f64, message_len: usize) -> String {
        self.run(stored_len, now, message_len, |rest| {
            Ok(Event::RawMessage(rest))
        })
        .unwrap_or_default()
    }

    /// The Web Lock of `request` is held.
    pub fn lock_granted(&mut self, stored_len: i32, now: f64, request: f64) -> String {
        let request = id(request);
        self.simple(stored_len, now, Event::LockGranted { request })
    }

    /// Whether a fresh grant must be reported only after `confirm_ms` (the record in the
    /// scratch buffer shows another tab's flight; see `Tab::grant_needs_settle`).
    pub fn grant_needs_settle(&self, stored_len: i32) -> bool {
        let Ok(len) = usize::try_from(stored_len) else {
            return false;
        };
        with_input(0, len, |bytes| {
            std::str::from_utf8(bytes).is_ok_and(|s| self.tab.grant_needs_settle(Some(s)))
        })
    }

    /// The Web Lock request failed, was refused (`ifAvailable`) or aborted.
    pub fn lock_unavailable(&mut self, stored_len: i32, now: f64, request: f64) -> String {
        let request = id(request);
        self.simple(stored_len, now, Event::LockUnavailable { request })
    }

    /// The user's `refresh()` of `attempt` returned tokens (access, then refresh when
    /// `refresh_len > 0`, follow the record). Throws `refresh_invalid_token` (nothing fed)
    /// for an empty or too long token: the facade then reports a transient failure.
    #[allow(clippy::too_many_arguments)]
    pub fn refresh_ok(
        &mut self,
        stored_len: i32,
        now: f64,
        attempt: f64,
        access_len: usize,
        refresh_len: usize,
        exp: f64,
        iat: f64,
    ) -> Result<String, JsValue> {
        let attempt = id(attempt);
        self.run(stored_len, now, access_len + refresh_len, |rest| {
            let (a, r) = split(rest, access_len);
            let refresh = if refresh_len == 0 {
                None
            } else {
                Some(RefreshToken::new(r)?)
            };
            Ok(Event::RefreshDone {
                attempt,
                outcome: RefreshOutcome::Ok(Grant {
                    access: AccessToken::new(a)?,
                    refresh,
                    exp_s: opt(exp),
                    iat_s: opt(iat),
                }),
            })
        })
        .map_err(|e| invalid_token(&e))
    }

    /// The server refused the refresh token (401/400).
    pub fn refresh_rejected(&mut self, stored_len: i32, now: f64, attempt: f64) -> String {
        let event = Event::RefreshDone {
            attempt: id(attempt),
            outcome: RefreshOutcome::Rejected,
        };
        self.simple(stored_len, now, event)
    }

    /// The refresh failed transiently; `retry_after_ms` is the server hint (NaN: none).
    pub fn refresh_transient(
        &mut self,
        stored_len: i32,
        now: f64,
        attempt: f64,
        retry_after_ms: f64,
    ) -> String {
        let event = Event::RefreshDone {
            attempt: id(attempt),
            outcome: RefreshOutcome::Transient {
                retry_after_ms: opt(retry_after_ms),
            },
        };
        self.simple(stored_len, now, event)
    }

    /// Another tab wrote the record (`storage` event).
    pub fn storage_changed(&mut self, stored_len: i32, now: f64) -> String {
        self.simple(stored_len, now, Event::StorageChanged)
    }

    /// `visibilitychange`.
    pub fn visibility(&mut self, stored_len: i32, now: f64, visible: bool) -> String {
        self.simple(stored_len, now, Event::Visibility { visible })
    }

    /// `online` / `offline`.
    pub fn connectivity(&mut self, stored_len: i32, now: f64, online: bool) -> String {
        self.simple(stored_len, now, Event::Connectivity { online })
    }

    /// `pagehide`.
    pub fn page_hide(&mut self, stored_len: i32, now: f64, persisted: bool) -> String {
        self.simple(stored_len, now, Event::PageHide { persisted })
    }

    /// `pageshow` (also once at start-up).
    pub fn page_show(&mut self, stored_len: i32, now: f64, persisted: bool) -> String {
        self.simple(stored_len, now, Event::PageShow { persisted })
    }
}

/// Splits `s` at byte `at` (both halves empty-safe; a split inside a character yields "").
fn split(s: &str, at: usize) -> (&str, &str) {
    match (s.get(..at), s.get(at..)) {
        (Some(a), Some(b)) => (a, b),
        _ => ("", ""),
    }
}

impl RefreshTab {
    fn simple(&mut self, stored_len: i32, now: f64, event: Event<'static>) -> String {
        self.run(stored_len, now, 0, |_| Ok(event))
            .unwrap_or_default()
    }

    /// Reads the record and `extra_len` more bytes from the scratch buffer, builds the event,
    /// feeds it and encodes the effects.
    fn run(
        &mut self,
        stored_len: i32,
        now: f64,
        extra_len: usize,
        make: impl FnOnce(&str) -> Result<Event<'_>, RefreshError>,
    ) -> Result<String, RefreshError> {
        let record_len = usize::try_from(stored_len).unwrap_or(0);
        let effects = with_input(0, record_len.saturating_add(extra_len), |bytes| {
            let (record, rest) = bytes.split_at_checked(record_len).unwrap_or((&[], &[]));
            // The facade writes with TextEncoder, so the bytes are UTF-8; anything else
            // is treated as a corrupt record / an empty string (and fails validation).
            let stored = (stored_len >= 0).then(|| std::str::from_utf8(record).unwrap_or(""));
            let rest = std::str::from_utf8(rest).unwrap_or("");
            let event = make(rest)?;
            Ok::<_, RefreshError>(self.tab.handle(event, stored, now))
        })?;
        Ok(self.encode(effects))
    }

    /// Encodes effects into the number buffer and one string (see the module doc).
    fn encode(&mut self, effects: Vec<Effect>) -> String {
        self.fx.clear();
        let mut text = String::new();
        let mut put = |fx: &mut Vec<f64>, kind: f64, a: f64, b: f64, c: f64, s: &str| {
            text.push_str(s);
            fx.extend_from_slice(&[kind, a, b, c, utf16(s)]);
        };
        let nan = f64::NAN;
        for effect in effects {
            let fx = &mut self.fx;
            match effect {
                Effect::Post(m) => put(fx, 0.0, nan, nan, nan, &m.encode()),
                Effect::RequestLock { request, mode, .. } => {
                    let wait = if mode == LockMode::Wait { 1.0 } else { 0.0 };
                    put(fx, 1.0, request as f64, wait, nan, "");
                }
                Effect::AbortLockRequest { request } => put(fx, 2.0, request as f64, nan, nan, ""),
                Effect::ReleaseLock { request } => put(fx, 3.0, request as f64, nan, nan, ""),
                Effect::StartRefresh {
                    attempt,
                    refresh_token,
                } => put(
                    fx,
                    4.0,
                    attempt as f64,
                    nan,
                    nan,
                    refresh_token.expose_secret(),
                ),
                Effect::WriteRecord(r) => put(fx, 5.0, nan, nan, nan, &r.encode()),
                Effect::SetTimer { at_ms, .. } => put(fx, 6.0, at_ms, nan, nan, ""),
                Effect::CancelTimer { .. } => put(fx, 7.0, nan, nan, nan, ""),
                Effect::Resolve {
                    request_id,
                    token,
                    generation,
                    expires_at_ms,
                } => put(
                    fx,
                    8.0,
                    request_id as f64,
                    generation as f64,
                    or_nan(expires_at_ms),
                    token.as_str(),
                ),
                Effect::Reject { request_id, error } => {
                    let time = match error {
                        RefreshError::Failed { retry_at_ms } => retry_at_ms,
                        RefreshError::Cooldown { until_ms } => until_ms,
                        _ => nan,
                    };
                    put(fx, 9.0, request_id as f64, time, nan, error.code());
                }
                Effect::Changed {
                    generation,
                    token,
                    expires_at_ms,
                } => put(
                    fx,
                    10.0,
                    generation as f64,
                    nan,
                    or_nan(expires_at_ms),
                    token.as_str(),
                ),
                Effect::LoggedOut { reason } => put(fx, 11.0, nan, nan, nan, reason.as_str()),
            }
        }
        set_out(&[
            (self.fx.len() / FX_WIDTH) as f64,
            self.fx.as_ptr() as usize as f64,
        ]);
        text
    }
}
