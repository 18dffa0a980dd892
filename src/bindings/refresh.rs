//! Cross-tab refresh exports: [`RefreshTab`] wraps one [`Tab`] of the core state machine.
//!
//! Why a class and not functions: the machine has state (phase, callers, timer), one per
//! token manager, so it lives in wasm memory behind a handle the facade frees on `dispose()`
//! (and the generated glue's `FinalizationRegistry` frees it if the facade is dropped).
//!
//! Events go in as typed objects (`Input`, tagged by `type`) with the raw storage value and
//! the time beside them; effects come back as an array of typed objects (`Output`, the
//! TypeScript union `RefreshEffect` generated from Rust). Nothing else crosses.

use wasm_bindgen::prelude::*;

use crate::bindings::boundary::{decode, encode};
use crate::bindings::errors::js_error;
use crate::core::error::ErrorCode;
use crate::core::refresh::{Config, Effect, Input, Output, RefreshError, Tab, TabStats};

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
    /// A tab configured by `options` (the core `Config` in camelCase: `namespace`,
    /// `webLocks`, the durations; absent = default). `tab_id` and `seed` are random per page
    /// load. Every value is sanitized by the core, so no input makes a bad delay.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, tab_id: f64, seed: f64) -> Result<RefreshTab, JsValue> {
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

    /// Whether a refresh request of this tab is outstanding.
    pub fn is_refreshing(&self) -> bool {
        self.tab.is_refreshing()
    }

    /// Feeds one event (`Input`); `stored` is the record as read just before. Returns the
    /// effects (`RefreshEffect[]`). Throws `invalid_argument` for an input of the wrong
    /// shape and `refresh_invalid_token` for an empty or too long token (nothing is fed).
    pub fn handle(
        &mut self,
        input: JsValue,
        stored: Option<String>,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        let input: Input = decode("token manager event", input)?;
        let event = input.event().map_err(|e| invalid_token(&e))?;
        outputs(self.tab.handle(event, stored.as_deref(), now))
    }

    /// Feeds one event when the record could not be read (the store threw or returned a
    /// non-string): nothing is concluded from it (see `Tab::handle_unreadable`).
    pub fn handle_unreadable(&mut self, input: JsValue, now: f64) -> Result<JsValue, JsValue> {
        let input: Input = decode("token manager event", input)?;
        let event = input.event().map_err(|e| invalid_token(&e))?;
        outputs(self.tab.handle_unreadable(event, now))
    }

    /// Whether a fresh lock grant must be reported only after `confirmMs` (the record shows
    /// another tab's flight; see `Tab::grant_needs_settle`).
    pub fn grant_needs_settle(&self, stored: Option<String>) -> bool {
        self.tab.grant_needs_settle(stored.as_deref())
    }
}
