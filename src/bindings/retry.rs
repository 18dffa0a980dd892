//! Retry exports: the `RetryPolicy` and `Pacer` engines behind the TypeScript classes.
//!
//! Why this shape: `decide` runs after every failed request, so it crosses the boundary as
//! numbers only. The classification's category, hint source and the method travel as small
//! indices into tables that Rust exports once ([`retry_vocab`]), so the TypeScript facade
//! never keeps its own copy of a vocabulary; the answer is one packed `u32` plus the delay in
//! out slot 0, and the facade builds the `RetryDecision` object from the same tables.
//!
//! Key decisions:
//! - options are read once, as JSON text, by [`RetryConfig::from_json`], so option names,
//!   defaults and error messages are the core's;
//! - origins are interned per engine ([`RetryEngine::intern_origin`], at most
//!   [`MAX_INTERNED_ORIGINS`]), so the breaker's per-origin calls pass an id instead of
//!   re-encoding the same string every time; beyond the limit the string goes through the
//!   scratch buffer on each call;
//! - a method outside the table, and a hint source outside the table, still work: the method
//!   is read from the scratch buffer, and a custom hint source is echoed back by the facade;
//! - indices that are out of range never panic: an unknown category reads as `unknown`, an
//!   unknown origin id as "no origin".

use crate::bindings::errors::{js_error, to_js};
use crate::bindings::scratch::{set_out, with_input};
use crate::core::classify::model::{Action, Category, Classification, Format};
use crate::core::json;
use crate::core::retry::hints::HintSource;
use crate::core::retry::{
    BreakerState, DecideInput, Pacer, Policy, Rate, Reason, RetryConfig, parse_ratelimit_policy,
};
use wasm_bindgen::prelude::*;

/// Hint sources the classifier produces, in index order (index 0 of the wire form is "none",
/// `i + 1` is `HINT_SOURCES[i]`, `HINT_SOURCES.len() + 1` is a caller-defined source).
pub const HINT_SOURCES: [HintSource; 9] = HintSource::ALL;

/// Placeholder for a hint source the table does not know; the facade substitutes the
/// caller's own string.
const CUSTOM_HINT_INDEX: u32 = HINT_SOURCES.len() as u32 + 1;

/// Methods passed by index (upper case); `METHODS.len()` means "read it from the scratch".
pub const METHODS: [&str; 10] = [
    "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", "QUERY", "POST", "PATCH", "CONNECT",
];
const METHOD_FROM_SCRATCH: u32 = METHODS.len() as u32;

/// Most origins one engine interns.
pub const MAX_INTERNED_ORIGINS: usize = 64;

/// Origin argument: no origin.
const NO_ORIGIN: i32 = -1;
/// Origin argument: read it from the scratch buffer.
const ORIGIN_FROM_SCRATCH: i32 = -2;

/// Flag bits of [`RetryEngine::decide`].
const FLAG_RETRYABLE: u32 = 1;
const FLAG_NOT_SENT: u32 = 2;
const FLAG_IDEMPOTENCY_KEY: u32 = 4;

/// Breaker states in wire order; the wire value `BREAKER_STATES.len()` means "disabled".
const BREAKER_STATES: [BreakerState; 3] = [
    BreakerState::Closed,
    BreakerState::Open,
    BreakerState::HalfOpen,
];

/// The vocabularies of the wire format, one section per line, items separated by `|`:
/// categories, reasons, hint sources, methods, breaker states. The facade reads it once.
#[wasm_bindgen]
pub fn retry_vocab() -> String {
    let join = |items: &mut dyn Iterator<Item = &'static str>| -> String {
        items.collect::<Vec<_>>().join("|")
    };
    [
        join(&mut Category::ALL.iter().map(|c| c.as_str())),
        join(&mut Reason::ALL.iter().map(|r| r.as_str())),
        join(&mut HINT_SOURCES.iter().map(|h| h.as_str())),
        join(&mut METHODS.iter().copied()),
        join(&mut BREAKER_STATES.iter().map(|s| s.as_str())),
    ]
    .join("\n")
}

fn utf8(bytes: &[u8]) -> &str {
    // The facade writes with TextEncoder, which always produces valid UTF-8.
    std::str::from_utf8(bytes).unwrap_or("")
}

/// Resolves an origin argument (`NO_ORIGIN`, `ORIGIN_FROM_SCRATCH` or an interned id).
fn origin_of<'a>(origins: &'a [String], origin: i32, scratch: &'a [u8]) -> Option<&'a str> {
    match origin {
        ORIGIN_FROM_SCRATCH => Some(utf8(scratch)),
        o => usize::try_from(o)
            .ok()
            .and_then(|i| origins.get(i))
            .map(String::as_str),
    }
}

fn hint_index(h: Option<&'static str>) -> u32 {
    match h {
        None => 0,
        Some(s) => HINT_SOURCES
            .iter()
            .position(|x| x.as_str() == s)
            .map_or(CUSTOM_HINT_INDEX, |i| i as u32 + 1),
    }
}

fn reason_index(r: Reason) -> u32 {
    Reason::ALL.iter().position(|x| *x == r).unwrap_or(0) as u32
}

/// A retry policy with its shared budget and breakers (the TypeScript `RetryPolicy` wraps it).
#[wasm_bindgen]
pub struct RetryEngine {
    policy: Policy,
    origins: Vec<String>,
}

// By hand: a derived Debug would format the config's floats and pull Rust's float
// formatting (~20 KB) into the module.
impl std::fmt::Debug for RetryEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryEngine").finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl RetryEngine {
    /// Reads the options object, as JSON text in scratch `[0, len)`, and builds the policy.
    /// Errors: `retry_invalid_option`, `retry_unknown_option`, `invalid_argument` (not JSON).
    #[wasm_bindgen(constructor)]
    pub fn new(len: usize) -> Result<RetryEngine, JsValue> {
        let config = with_input(0, len, |bytes| {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| js_error("invalid_argument", "retry options are not UTF-8"))?;
            let v = json::parse(text).map_err(|e| {
                js_error(
                    "invalid_argument",
                    &format!(
                        "retry options are not plain JSON data ({:?} at byte {})",
                        e.kind, e.offset
                    ),
                )
            })?;
            RetryConfig::from_json(&v).map_err(|e| to_js(&e))
        })?;
        let policy = Policy::new(config).map_err(|e| to_js(&e))?;
        Ok(RetryEngine {
            policy,
            origins: Vec::new(),
        })
    }

    /// Interns the origin in scratch `[0, len)`: its id, or -1 when the table is full.
    pub fn intern_origin(&mut self, len: usize) -> i32 {
        with_input(0, len, |bytes| {
            let o = utf8(bytes);
            if let Some(i) = self.origins.iter().position(|x| x == o) {
                return i32::try_from(i).unwrap_or(NO_ORIGIN);
            }
            if self.origins.len() >= MAX_INTERNED_ORIGINS {
                return NO_ORIGIN;
            }
            self.origins.push(o.to_string());
            i32::try_from(self.origins.len() - 1).unwrap_or(NO_ORIGIN)
        })
    }

    /// Decides about one failed attempt.
    ///
    /// `category` indexes the categories of [`retry_vocab`]; `flags`: 1 retryable, 2 not
    /// sent, 4 has an idempotency key; `retry_after_ms` NaN when absent; `hint_source` 0 none,
    /// `i + 1` a table source, table length + 1 a custom source; `method` indexes the methods,
    /// or equals their count to read the method from scratch `[0, method_len)`; `origin` -1
    /// none, -2 from scratch `[method_len, method_len + origin_len)`, else an interned id;
    /// `previous_delay_ms` NaN when absent.
    ///
    /// Returns `reason | hint << 4 | throttled << 8 | retry << 9` (reason and hint as
    /// indices of the vocabulary); the delay in ms is in out slot 0.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &mut self,
        attempt: f64,
        category: u32,
        flags: u32,
        retry_after_ms: f64,
        hint_source: u32,
        method: u32,
        origin: i32,
        elapsed_ms: f64,
        now_ms: f64,
        throttled_retries: f64,
        previous_delay_ms: f64,
        method_len: usize,
        origin_len: usize,
    ) -> u32 {
        let category = usize::try_from(category)
            .ok()
            .and_then(|i| Category::ALL.get(i).copied())
            .unwrap_or(Category::Unknown);
        // A caller-defined source has no place in the vocabulary: it travels as a stand-in
        // and is echoed back as the custom index.
        let custom_hint = hint_source == CUSTOM_HINT_INDEX;
        let hint_source = match hint_source {
            0 => None,
            i if custom_hint => Some(HintSource::RetryAfter).filter(|_| i > 0),
            i => usize::try_from(i - 1)
                .ok()
                .and_then(|i| HINT_SOURCES.get(i).copied()),
        };
        let c = Classification {
            category,
            action: Action::None,
            status: None,
            code: None,
            message: None,
            retryable: flags & FLAG_RETRYABLE != 0,
            retry_after_ms: (!retry_after_ms.is_nan()).then_some(retry_after_ms),
            hint_source,
            request_id: None,
            field_errors: None,
            format: Format::Unknown,
            user_message: String::new(),
            not_sent: flags & FLAG_NOT_SENT != 0,
        };
        let total = method_len.saturating_add(origin_len);
        let RetryEngine { policy, origins } = self;
        let d = with_input(0, total, |bytes| {
            let (m_bytes, o_bytes) = bytes.split_at(method_len.min(bytes.len()));
            let method = if method == METHOD_FROM_SCRATCH {
                utf8(m_bytes)
            } else {
                usize::try_from(method)
                    .ok()
                    .and_then(|i| METHODS.get(i).copied())
                    .unwrap_or("GET")
            };
            // `as` saturates: NaN -> 0, huge -> u32::MAX (the facade has validated both).
            let input = DecideInput {
                attempt: attempt as u32,
                classification: &c,
                method,
                has_idempotency_key: flags & FLAG_IDEMPOTENCY_KEY != 0,
                elapsed_ms,
                now_ms,
                origin: origin_of(origins, origin, o_bytes),
                throttled_retries: throttled_retries as u32,
                previous_delay_ms: (!previous_delay_ms.is_nan()).then_some(previous_delay_ms),
            };
            policy.decide(&input)
        });
        set_out(&[d.delay_ms]);
        reason_index(d.reason)
            | if custom_hint && d.hint_source.is_some() {
                CUSTOM_HINT_INDEX
            } else {
                hint_index(d.hint_source)
            } << 4
            | u32::from(d.throttled) << 8
            | u32::from(d.retry) << 9
    }

    /// The first `n` backoff delays (at most 1000), reproducible from the seed.
    pub fn schedule(&self, n: usize) -> Vec<f64> {
        self.policy.schedule(n)
    }

    /// May a request to `origin` be sent now? (`origin` as in [`RetryEngine::decide`], with
    /// the string at scratch `[0, len)`.)
    pub fn allow_request(&mut self, origin: i32, len: usize, now_ms: f64) -> bool {
        let RetryEngine { policy, origins } = self;
        with_input(0, len, |b| match origin_of(origins, origin, b) {
            Some(o) => policy.allow_request(o, now_ms),
            None => true,
        })
    }

    /// A request succeeded (refills the budget; closes the origin's circuit if given).
    pub fn record_success(&mut self, origin: i32, len: usize, now_ms: f64) {
        let RetryEngine { policy, origins } = self;
        with_input(0, len, |b| {
            policy.record_success(origin_of(origins, origin, b), now_ms)
        });
    }

    /// A request to `origin` failed in a way `decide` was not told about.
    pub fn record_failure(&mut self, origin: i32, len: usize, now_ms: f64) {
        let RetryEngine { policy, origins } = self;
        with_input(0, len, |b| {
            if let Some(o) = origin_of(origins, origin, b) {
                policy.record_failure(o, now_ms);
            }
        });
    }

    /// Tokens left in the retry budget; NaN when the budget is disabled.
    pub fn budget_tokens(&self) -> f64 {
        self.policy.budget_tokens().unwrap_or(f64::NAN)
    }

    /// The circuit state of `origin` as an index of the breaker states of [`retry_vocab`];
    /// their count when the breaker is disabled (or no origin was given).
    pub fn breaker_state(&self, origin: i32, len: usize, now_ms: f64) -> u32 {
        with_input(0, len, |b| {
            origin_of(&self.origins, origin, b)
                .and_then(|o| self.policy.breaker_state(o, now_ms))
                .and_then(|s| BREAKER_STATES.iter().position(|x| *x == s))
                .map_or(BREAKER_STATES.len() as u32, |i| i as u32)
        })
    }
}

/// Pacing state (the TypeScript `Pacer` wraps it). Scope names are plain strings; the facade
/// gives header-announced policies their own scope names and asks about several scopes in one
/// call (names separated by `\n`).
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

/// Splits a `\n`-separated list of scope names.
fn scopes(bytes: &[u8]) -> impl Iterator<Item = &str> {
    utf8(bytes).split('\n')
}

#[wasm_bindgen]
impl PacerEngine {
    /// A pacer with no limits.
    #[wasm_bindgen(constructor)]
    pub fn new() -> PacerEngine {
        PacerEngine::default()
    }

    /// Sets the limit of the scope in scratch `[0, scope_len)` from the rate spec that follows
    /// it (`"10/hour"`). Errors: `retry_invalid_rate`, `retry_too_many_scopes`.
    pub fn set_limit(&mut self, scope_len: usize, spec_len: usize) -> Result<(), JsValue> {
        let total = scope_len.saturating_add(spec_len);
        with_input(0, total, |bytes| {
            let (scope, spec) = bytes.split_at(scope_len.min(bytes.len()));
            let rate = Rate::parse(utf8(spec)).map_err(|e| to_js(&e))?;
            self.pacer
                .set_limit(utf8(scope), rate)
                .map_err(|e| to_js(&e))
        })
    }

    /// Reads a `RateLimit-Policy` field value (scratch, after a `prefix_len`-byte prefix) and
    /// sets a limit on scope `prefix + name` for every request quota with a window. Returns
    /// `name \t limit \t window_ms` lines for the policies applied (others are skipped).
    /// Errors: `retry_invalid_ratelimit_policy`, `retry_too_many_scopes`.
    pub fn apply_header(&mut self, prefix_len: usize, value_len: usize) -> Result<String, JsValue> {
        let total = prefix_len.saturating_add(value_len);
        with_input(0, total, |bytes| {
            let (prefix, value) = bytes.split_at(prefix_len.min(bytes.len()));
            let prefix = utf8(prefix);
            let items = parse_ratelimit_policy(utf8(value)).map_err(|e| to_js(&e))?;
            let mut out = String::new();
            for item in &items {
                let Some(rate) = item.rate() else { continue };
                let scope = format!("{prefix}{}", item.name);
                self.pacer.set_limit(&scope, rate).map_err(|e| to_js(&e))?;
                // Windows are whole seconds, so the ms fit a u64 exactly (and formatting an
                // integer keeps float formatting out of the module).
                let window_ms = (rate.window_ms.max(0.0)) as u64;
                out.push_str(&format!("{}\t{}\t{}\n", item.name, rate.limit, window_ms));
            }
            Ok(out)
        })
    }

    /// The longest wait any of the scopes in scratch `[0, len)` (`\n`-separated) asks for.
    pub fn delay(&self, len: usize, now_ms: f64) -> f64 {
        with_input(0, len, |b| {
            scopes(b)
                .map(|s| self.pacer.delay_before_send(s, now_ms))
                .fold(0.0, f64::max)
        })
    }

    /// Records a send in every scope of scratch `[0, len)` (`\n`-separated).
    pub fn record(&mut self, len: usize, now_ms: f64) {
        with_input(0, len, |b| {
            for s in scopes(b) {
                self.pacer.record_send(s, now_ms);
            }
        });
    }

    /// The limit of the scope in scratch `[0, len)`: out slots 0, 1 = limit, window ms
    /// (NaN when none). Returns whether a limit is set.
    pub fn limit(&self, len: usize) -> bool {
        let rate = with_input(0, len, |b| self.pacer.limit(utf8(b)));
        set_out(&[
            rate.map_or(f64::NAN, |r| f64::from(r.limit)),
            rate.map_or(f64::NAN, |r| r.window_ms),
        ]);
        rate.is_some()
    }
}
