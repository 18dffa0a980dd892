//! Retry exports: the `RetryPolicy` and `Pacer` engines behind the TypeScript classes.
//!
//! Both are stateful (the budget, the breakers and the pacing windows are shared by every
//! call of a client), so each is an exported struct; their methods take and return typed
//! objects and strings through [`crate::bindings::boundary`]: the options and the `decide`
//! input as JSON text (a `Classification` fits as is), the `RetryDecision` as an object, whose TypeScript
//! types are generated from the same Rust definitions (`core::retry::args`).

use crate::bindings::boundary::{decode, encode};
use crate::bindings::errors::{js_error, to_js};
use crate::core::retry::args::{DecideArgs, PacerPolicy, PacerRate, read_options};
use crate::core::retry::{Pacer, Policy, Rate, SharedState, parse_ratelimit_policy};
use wasm_bindgen::prelude::*;

/// A retry policy with its shared budget and breakers (the TypeScript `RetryPolicy` wraps it).
#[wasm_bindgen]
pub struct RetryEngine {
    policy: Policy,
}

// By hand: a derived Debug would format the config's floats and pull Rust's float
// formatting into the module.
impl std::fmt::Debug for RetryEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryEngine").finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl RetryEngine {
    /// Builds the policy from the options object (`RetryPolicyOptions`).
    /// Errors: `retry_invalid_option`, `retry_unknown_option`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<RetryEngine, JsValue> {
        let config = read_options(options).map_err(|e| to_js(&e))?;
        let policy = Policy::new(config).map_err(|e| to_js(&e))?;
        Ok(RetryEngine { policy })
    }

    /// The jitter seed in force.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> f64 {
        // Seeds are validated below 2^53, so the conversion is exact.
        self.policy.config().seed as f64
    }

    /// Decides about one failed attempt (`RetryDecideInput` in, `RetryDecision` out).
    /// Errors: `invalid_argument` naming what is malformed.
    pub fn decide(&mut self, input: &str) -> Result<JsValue, JsValue> {
        let args: DecideArgs = decode("decide input", input)?;
        let input = args
            .input(js_sys::Date::now())
            .map_err(|m| js_error("invalid_argument", &format!("faultline: {m}")))?;
        encode(&self.policy.decide(&input))
    }

    /// The first `n` backoff delays (at most 1000), reproducible from the seed.
    pub fn schedule(&self, n: usize) -> Vec<f64> {
        self.policy.schedule(n)
    }

    /// May a request to `origin` be sent now?
    pub fn allow_request(&mut self, origin: &str, now_ms: f64) -> bool {
        self.policy.allow_request(origin, now_ms)
    }

    /// A request succeeded (refills the budget; closes the origin's circuit if given).
    pub fn record_success(&mut self, origin: Option<String>, now_ms: f64) {
        self.policy.record_success(origin.as_deref(), now_ms);
    }

    /// A request to `origin` failed in a way `decide` was not told about.
    pub fn record_failure(&mut self, origin: &str, now_ms: f64) {
        self.policy.record_failure(origin, now_ms);
    }

    /// What the policy shares about `origin` with other processes (`RetrySharedState`).
    pub fn shared(&self, origin: &str) -> Result<JsValue, JsValue> {
        encode(&self.policy.shared(origin))
    }

    /// Takes over the shared state a store returned (`RetrySharedState`); the decisions
    /// then run on it. Errors: `invalid_argument` for a malformed state.
    pub fn set_shared(&mut self, origin: &str, state: &str) -> Result<(), JsValue> {
        let state: SharedState = decode("shared retry state", state)?;
        self.policy.set_shared(origin, &state);
        Ok(())
    }

    /// Tokens left in the retry budget; `undefined` when the budget is disabled.
    pub fn budget_tokens(&self) -> Option<f64> {
        self.policy.budget_tokens()
    }

    /// The circuit state of `origin` (`BreakerState`); `undefined` when the breaker is
    /// disabled.
    pub fn breaker_state(&self, origin: &str, now_ms: f64) -> Option<String> {
        self.policy
            .breaker_state(origin, now_ms)
            .map(|s| s.as_str().to_string())
    }
}

/// Pacing state (the TypeScript `Pacer` wraps it). The facade gives header-announced
/// policies their own scope names and asks about each scope a send must respect.
#[wasm_bindgen]
#[derive(Default)]
pub struct PacerEngine {
    pacer: Pacer,
}

impl std::fmt::Debug for PacerEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacerEngine").finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl PacerEngine {
    /// A pacer with no limits.
    #[wasm_bindgen(constructor)]
    pub fn new() -> PacerEngine {
        PacerEngine::default()
    }

    /// Sets the limit of `scope` from a rate spec (`"10/hour"`).
    /// Errors: `retry_invalid_rate`, `retry_too_many_scopes`.
    pub fn set_limit(&mut self, scope: &str, spec: &str) -> Result<(), JsValue> {
        let rate = Rate::parse(spec).map_err(|e| to_js(&e))?;
        self.pacer.set_limit(scope, rate).map_err(|e| to_js(&e))
    }

    /// Reads a `RateLimit-Policy` field value and sets a limit on scope `prefix + name` for
    /// every request quota with a window. Returns the policies applied (`PacerPolicy[]`).
    /// Errors: `retry_invalid_ratelimit_policy`, `retry_too_many_scopes`.
    pub fn apply_header(&mut self, prefix: &str, value: &str) -> Result<JsValue, JsValue> {
        let items = parse_ratelimit_policy(value).map_err(|e| to_js(&e))?;
        let mut applied = Vec::new();
        for item in &items {
            let Some(rate) = item.rate() else { continue };
            let scope = format!("{prefix}{}", item.name);
            self.pacer.set_limit(&scope, rate).map_err(|e| to_js(&e))?;
            applied.push(PacerPolicy {
                name: item.name.clone(),
                limit: rate.limit,
                window_ms: rate.window_ms,
            });
        }
        encode(&applied)
    }

    /// How long a send in `scope` must wait (0 for a scope without a limit).
    pub fn delay(&self, scope: &str, now_ms: f64) -> f64 {
        self.pacer.delay_before_send(scope, now_ms)
    }

    /// Records a send in `scope`.
    pub fn record(&mut self, scope: &str, now_ms: f64) {
        self.pacer.record_send(scope, now_ms);
    }

    /// The recorded send times of `scope`, oldest first, for a shared store.
    pub fn sends(&self, scope: &str) -> Vec<f64> {
        self.pacer.sends(scope)
    }

    /// Replaces the send times of `scope` with those a store returned.
    pub fn set_sends(&mut self, scope: &str, sends: &[f64]) {
        self.pacer.set_sends(scope, sends);
    }

    /// The limit of `scope` (`PacerRate`), or `null`.
    pub fn limit(&self, scope: &str) -> Result<JsValue, JsValue> {
        let rate = self.pacer.limit(scope).map(|r| PacerRate {
            limit: r.limit,
            window_ms: r.window_ms,
        });
        encode(&rate)
    }
}
