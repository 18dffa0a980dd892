//! Cross-tab refresh exports: [`RefreshTab`] wraps one [`Tab`] of the core state machine.
//!
//! Why a class and not functions: the machine has state (phase, callers, timer), one per
//! token manager, so it lives in wasm memory behind a handle the facade frees on `dispose()`
//! (and the generated glue's `FinalizationRegistry` frees it if the facade is dropped).
//!
//! Every event is one method with plain, typed arguments: first the record as read
//! ([`Read`]: the string, none, or unreadable) and the time, then the event's own values
//! (numbers, strings, booleans). Effects come back as an array of typed objects (`Output`,
//! the TypeScript union `RefreshEffect` generated from Rust). Nothing else crosses; no
//! object is decoded on the way in (a serde decoder per event kind would cost more than the
//! whole state machine).

use wasm_bindgen::prelude::*;

use crate::bindings::boundary::{decode, encode};
use crate::bindings::errors::js_error;
use crate::core::error::ErrorCode;
use crate::core::refresh::{
    AccessToken, Config, Effect, Event, Grant, Output, RefreshError, RefreshOutcome, RefreshToken,
    Tab, TabStats, TimerId,
};

/// The effects of one event (`RefreshEffect[]`), or a thrown `FaultlineError`.
type Fx = Result<JsValue, JsValue>;

/// The shared record as the facade read it just before the event (each export's `read`).
#[derive(Debug)]
enum Read {
    /// `getItem` returned this string.
    Value(String),
    /// `getItem` returned `null`: there is no record.
    Missing,
    /// `getItem` threw or returned something else, even after the facade's retries.
    Unreadable,
}

impl Read {
    /// A string is the record, `null` no record, anything else (the facade passes
    /// `undefined`) a read that failed.
    fn from(stored: JsValue) -> Read {
        match stored.as_string() {
            Some(s) => Read::Value(s),
            None if stored.is_null() => Read::Missing,
            None => Read::Unreadable,
        }
    }
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

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

/// The JS error for a refused token, with a fixed message (no float formatting pulled in).
fn invalid_token(e: &RefreshError) -> JsValue {
    js_error(
        e.code(),
        "a token given to the token manager is empty or longer than 16 KiB",
    )
}

fn outputs(effects: Vec<Effect>) -> Result<JsValue, JsValue> {
    let out: Vec<Output> = effects.into_iter().map(Output::of).collect();
    encode(&out)
}

/// One tab of the cross-tab refresh protocol, driven by the TypeScript token manager.
#[wasm_bindgen]
#[derive(Debug)]
pub struct RefreshTab {
    tab: Tab,
}

#[wasm_bindgen]
impl RefreshTab {
    /// A tab configured by `options` (JSON text of the core `Config` in camelCase: `namespace`,
    /// `webLocks`, the durations; absent = default). `tab_id` and `seed` are random per page
    /// load. Every value is sanitized by the core, so no input makes a bad delay.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str, tab_id: f64, seed: f64) -> Result<RefreshTab, JsValue> {
        let config: Config = decode("token manager options", options)?;
        Ok(RefreshTab {
            tab: Tab::new(config, id(tab_id), id(seed)),
        })
    }

    /// The storage key and Web Lock name.
    pub fn key(&self) -> String {
        self.tab.config().key()
    }

    /// The sanitized configuration (the core `Config`, camelCase).
    pub fn config(&self) -> Result<JsValue, JsValue> {
        encode(self.tab.config())
    }

    /// Counters and state (`RefreshTabStats`).
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        encode(&TabStats::new(
            self.tab.stats(),
            self.tab.generation(),
            self.tab.waiting(),
            self.tab.is_refreshing(),
            self.tab.has_session(),
        ))
    }

    /// `getAccessToken()`; `reject_gen`: the generation whose token the API refused.
    pub fn get_token(
        &mut self,
        read: JsValue,
        now: f64,
        request: f64,
        reject_gen: Option<f64>,
    ) -> Fx {
        let event = Event::GetToken {
            request_id: id(request),
            reject_gen: reject_gen.map(id),
        };
        self.run(read, now, event)
    }

    /// The caller gave up (AbortSignal).
    pub fn cancel_get_token(&mut self, read: JsValue, now: f64, request: f64) -> Fx {
        let request_id = id(request);
        self.run(read, now, Event::CancelGetToken { request_id })
    }

    /// `setTokens()`: `exp`/`iat` are the access token's claims in seconds, if known.
    /// Throws `refresh_invalid_token` for an empty or too long token (nothing is fed).
    pub fn login(
        &mut self,
        read: JsValue,
        now: f64,
        access: &str,
        refresh: &str,
        exp: Option<f64>,
        iat: Option<f64>,
    ) -> Fx {
        let event = Event::Login {
            access: AccessToken::new(access).map_err(|e| invalid_token(&e))?,
            refresh: RefreshToken::new(refresh).map_err(|e| invalid_token(&e))?,
            exp_s: finite(exp),
            iat_s: finite(iat),
        };
        self.run(read, now, event)
    }

    /// `logout()`.
    pub fn logout(&mut self, read: JsValue, now: f64) -> Fx {
        self.run(read, now, Event::Logout)
    }

    /// The wake-up timer fired.
    pub fn timer(&mut self, read: JsValue, now: f64) -> Fx {
        self.run(read, now, Event::Timer(TimerId::Wake))
    }

    /// A channel message (the facade checked its length before passing it).
    pub fn message(&mut self, read: JsValue, now: f64, data: &str) -> Fx {
        self.run(read, now, Event::RawMessage(data))
    }

    /// Path A: the lock of `request` is held.
    pub fn lock_granted(&mut self, read: JsValue, now: f64, request: f64) -> Fx {
        let request = id(request);
        self.run(read, now, Event::LockGranted { request })
    }

    /// Path A: the lock is taken (`ifAvailable`), or the request failed or was aborted.
    pub fn lock_unavailable(&mut self, read: JsValue, now: f64, request: f64) -> Fx {
        let request = id(request);
        self.run(read, now, Event::LockUnavailable { request })
    }

    /// `refresh()` of `attempt` returned tokens (`refresh` absent: the server keeps it).
    /// Throws `refresh_invalid_token` for an empty or too long token (nothing is fed): the
    /// facade then reports the result unreadable.
    #[allow(clippy::too_many_arguments)]
    pub fn refresh_ok(
        &mut self,
        read: JsValue,
        now: f64,
        attempt: f64,
        access: &str,
        refresh: Option<String>,
        exp: Option<f64>,
        iat: Option<f64>,
    ) -> Fx {
        let refresh = match refresh.filter(|r| !r.is_empty()) {
            Some(r) => Some(RefreshToken::new(r).map_err(|e| invalid_token(&e))?),
            None => None,
        };
        let grant = Grant {
            access: AccessToken::new(access).map_err(|e| invalid_token(&e))?,
            refresh,
            exp_s: finite(exp),
            iat_s: finite(iat),
        };
        self.done(read, now, attempt, RefreshOutcome::Ok(grant))
    }

    /// The server refused the refresh token (401/400).
    pub fn refresh_rejected(&mut self, read: JsValue, now: f64, attempt: f64) -> Fx {
        self.done(read, now, attempt, RefreshOutcome::Rejected)
    }

    /// The refresh failed transiently; `retry_after_ms` is the server's hint.
    pub fn refresh_transient(
        &mut self,
        read: JsValue,
        now: f64,
        attempt: f64,
        retry_after_ms: Option<f64>,
    ) -> Fx {
        let retry_after_ms = finite(retry_after_ms);
        self.done(
            read,
            now,
            attempt,
            RefreshOutcome::Transient { retry_after_ms },
        )
    }

    /// `refresh()` resolved with something that could not be read.
    pub fn refresh_unreadable(&mut self, read: JsValue, now: f64, attempt: f64) -> Fx {
        self.done(read, now, attempt, RefreshOutcome::Unreadable)
    }

    /// Another context wrote the record (`storage` event).
    pub fn storage_changed(&mut self, read: JsValue, now: f64) -> Fx {
        self.run(read, now, Event::StorageChanged)
    }

    /// `visibilitychange`.
    pub fn visibility(&mut self, read: JsValue, now: f64, visible: bool) -> Fx {
        self.run(read, now, Event::Visibility { visible })
    }

    /// `online` / `offline`.
    pub fn connectivity(&mut self, read: JsValue, now: f64, online: bool) -> Fx {
        self.run(read, now, Event::Connectivity { online })
    }

    /// `pagehide`.
    pub fn page_hide(&mut self, read: JsValue, now: f64, persisted: bool) -> Fx {
        self.run(read, now, Event::PageHide { persisted })
    }

    /// `pageshow` (also once at start-up).
    pub fn page_show(&mut self, read: JsValue, now: f64, persisted: bool) -> Fx {
        self.run(read, now, Event::PageShow { persisted })
    }

    /// Whether a fresh lock grant must be reported only after `confirmMs` (the record shows
    /// another tab's flight; see `Tab::grant_needs_settle`).
    pub fn grant_needs_settle(&self, stored: Option<String>) -> bool {
        self.tab.grant_needs_settle(stored.as_deref())
    }
}

impl RefreshTab {
    fn done(&mut self, read: JsValue, now: f64, attempt: f64, outcome: RefreshOutcome) -> Fx {
        let attempt = id(attempt);
        self.run(read, now, Event::RefreshDone { attempt, outcome })
    }

    /// Feeds the event with the record as read (`Read`) and encodes the effects.
    fn run(&mut self, read: JsValue, now: f64, event: Event<'_>) -> Fx {
        let effects = match Read::from(read) {
            Read::Unreadable => self.tab.handle_unreadable(event, now),
            Read::Missing => self.tab.handle(event, None, now),
            Read::Value(record) => self.tab.handle(event, Some(&record), now),
        };
        outputs(effects)
    }
}
