//! What crosses into the retry engine from JavaScript, as serde types: the options of
//! `new RetryPolicy({...})` and the input of `decide`, with the camelCase names of the
//! TypeScript API. The shapes of what crosses are listed here too ([`SHAPES`]) and written
//! into the generated TypeScript types by [`crate::core::schema`].
//!
//! Why options are read as a map of loose values (a [`Scalar`] by name) and checked here: a
//! wrong option must come back as `retry_invalid_option` naming the option the user wrote
//! (`maxRetries`, `budget.retryCost`) in the retry concern's words, not as a decoding error. Option names are checked against the shapes ([`check_names`]), so a typo
//! is `retry_unknown_option`, never a silent default. `null` means "the default".
//!
//! Nothing here keeps more than the options need: the members of `budget` and `breaker` are
//! read, and an object or array below them is noted and skipped (the JSON reader bounds its
//! depth).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::core::classify::model::Category;
use crate::core::json::Limits;
use crate::core::json::de::from_str;
use crate::core::retry::backoff::Jitter;
use crate::core::retry::config::{BreakerConfig, BudgetConfig, LargeHint, RetryConfig};
use crate::core::retry::decide::{DecideInput, Failure};
use crate::core::retry::error::RetryError;
use crate::core::schema::{Field, Shape};

/// Largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Options by name, as given.
pub type Options = BTreeMap<String, Scalar>;

/// One option value as given: read without judging its type, so the check can name the option.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// `true` or `false`.
    Flag(bool),
    /// Any number, NaN and infinities included (they are rejected by name later).
    Number(f64),
    /// A string.
    Text(String),
    /// An object of options (`budget`, `breaker`): its members by name. Below that level the
    /// members' values are not read (each is [`Scalar::Other`]).
    Object(Options),
    /// Anything else, described (`"null"`, `"an array"`), never walked.
    Other(&'static str),
}

/// Checks the names of an options object against the shapes: an unknown name is
/// `retry_unknown_option`, and `budget` / `breaker` must be a boolean or an object whose
/// names are known too.
pub fn check_names(given: &Options) -> Result<(), RetryError> {
    let known = |shape: &Shape, name: &str| shape.fields.iter().any(|f| f.name == name);
    let unknown = |name: String| RetryError::UnknownOption {
        option: name.chars().take(64).collect(),
    };
    for (name, value) in given {
        if !known(&OPTIONS_SHAPE, name) {
            return Err(unknown(name.clone()));
        }
        let (option, shape) = match name.as_str() {
            "budget" => ("budget", &BUDGET_SHAPE),
            "breaker" => ("breaker", &BREAKER_SHAPE),
            _ => continue,
        };
        match value {
            Scalar::Object(inner) => {
                if let Some(bad) = inner.keys().find(|n| !known(shape, n)) {
                    return Err(unknown(format!("{option}.{bad}")));
                }
            }
            Scalar::Flag(_) | Scalar::Other("null") => {}
            _ => {
                return Err(RetryError::option(
                    option,
                    "must be an object, true, false or null",
                ));
            }
        }
    }
    Ok(())
}

/// The options on top of the defaults, validated; the error names the option.
/// The names must have passed [`check_names`].
pub fn into_config(given: &Options) -> Result<RetryConfig, RetryError> {
    let mut c = RetryConfig::default();
    set(&mut c.max_attempts, given, "maxAttempts", whole_u32)?;
    set(&mut c.max_retries, given, "maxRetries", whole_u32)?;
    set(
        &mut c.max_throttled_retries,
        given,
        "maxThrottledRetries",
        whole_u32,
    )?;
    set(&mut c.base_ms, given, "baseMs", number)?;
    set(&mut c.cap_ms, given, "capMs", number)?;
    set(&mut c.multiplier, given, "multiplier", number)?;
    set(&mut c.jitter, given, "jitter", |o, v| {
        word(v).and_then(Jitter::parse).ok_or_else(|| {
            RetryError::option(
                o,
                "must be \"full\", \"equal\", \"decorrelated\" or \"none\"",
            )
        })
    })?;
    set(&mut c.max_retry_after_ms, given, "maxRetryAfterMs", number)?;
    set(&mut c.large_hint, given, "largeHint", |o, v| {
        word(v)
            .and_then(LargeHint::parse)
            .ok_or_else(|| RetryError::option(o, "must be \"fail\", \"clamp\" or \"honor\""))
    })?;
    set(&mut c.hint_jitter_ratio, given, "hintJitterRatio", number)?;
    set(&mut c.hint_jitter_max_ms, given, "hintJitterMaxMs", number)?;
    set(&mut c.deadline_ms, given, "deadlineMs", |o, v| {
        number(o, v).map(Some)
    })?;
    set(
        &mut c.retry_non_idempotent,
        given,
        "retryNonIdempotent",
        |o, v| match v {
            Scalar::Flag(b) => Ok(*b),
            _ => Err(RetryError::option(o, "must be a boolean")),
        },
    )?;
    set(&mut c.budget, given, "budget", |_, v| toggle(v, budget))?;
    set(&mut c.breaker, given, "breaker", |_, v| toggle(v, breaker))?;
    set(&mut c.seed, given, "seed", |o, v| {
        let n = number(o, v)?;
        if n.fract() != 0.0 || !(0.0..=MAX_SAFE_INTEGER).contains(&n) {
            return Err(RetryError::option(
                o,
                "must be a whole number between 0 and 2^53 - 1",
            ));
        }
        Ok(n as u64)
    })?;
    c.validate()?;
    Ok(c)
}

/// The `budget` options on top of the defaults.
fn budget(given: &Options) -> Result<BudgetConfig, RetryError> {
    let mut b = BudgetConfig::default();
    set(&mut b.capacity, given, "budget.capacity", number)?;
    set(&mut b.retry_cost, given, "budget.retryCost", number)?;
    set(&mut b.timeout_cost, given, "budget.timeoutCost", number)?;
    set(&mut b.success_refill, given, "budget.successRefill", number)?;
    Ok(b)
}

/// The `breaker` options on top of the defaults.
fn breaker(given: &Options) -> Result<BreakerConfig, RetryError> {
    let mut b = BreakerConfig::default();
    set(
        &mut b.failure_threshold,
        given,
        "breaker.failureThreshold",
        whole_u32,
    )?;
    set(&mut b.cooldown_ms, given, "breaker.cooldownMs", number)?;
    set(&mut b.max_origins, given, "breaker.maxOrigins", |o, v| {
        usize::try_from(whole_u32(o, v)?).map_err(|_| RetryError::option(o, "is too large"))
    })?;
    Ok(b)
}

/// Reads the option named `option` (`"maxRetries"`, `"budget.retryCost"`: the member's name
/// is the last part) into `slot` when it is given and not null.
fn set<T>(
    slot: &mut T,
    given: &Options,
    option: &'static str,
    read: impl FnOnce(&'static str, &Scalar) -> Result<T, RetryError>,
) -> Result<(), RetryError> {
    let name = option.rsplit('.').next().unwrap_or(option);
    match given.get(name) {
        None | Some(Scalar::Other("null")) => Ok(()),
        Some(v) => {
            *slot = read(option, v)?;
            Ok(())
        }
    }
}

/// `false` disables, `true` is the defaults, an object is options on top of the defaults
/// ([`check_names`] refused anything else).
fn toggle<C: Default>(
    value: &Scalar,
    read: impl FnOnce(&Options) -> Result<C, RetryError>,
) -> Result<Option<C>, RetryError> {
    match value {
        Scalar::Object(members) => read(members).map(Some),
        Scalar::Flag(false) => Ok(None),
        _ => Ok(Some(C::default())),
    }
}

/// A finite number (range checks happen in `RetryConfig::validate`).
fn number(option: &'static str, v: &Scalar) -> Result<f64, RetryError> {
    match v {
        Scalar::Number(n) if n.is_finite() => Ok(*n),
        _ => Err(RetryError::option(option, "must be a finite number")),
    }
}

/// A whole number that fits in `u32`.
fn whole_u32(option: &'static str, v: &Scalar) -> Result<u32, RetryError> {
    let n = number(option, v)?;
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(RetryError::option(
            option,
            "must be a whole number between 0 and 4294967295",
        ));
    }
    Ok(n as u32)
}

/// The string of a text value.
fn word(v: &Scalar) -> Option<&str> {
    match v {
        Scalar::Text(s) => Some(s),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Deserialising the loose values without walking deeper than the options go.

/// Reads one [`Scalar`]; the members of an object are read as scalars when `members` is set
/// (the top level and `budget` / `breaker`), else only their names are kept.
struct ScalarVisitor {
    members: bool,
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an option value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Flag(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other("null"))
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Scalar, E> {
        Ok(Scalar::Other("bytes"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        let mut members = Options::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = if self.members {
                map.next_value::<Member>()?.0
            } else {
                map.next_value::<IgnoredAny>()?;
                Scalar::Other("not read")
            };
            members.insert(name, value);
        }
        Ok(Scalar::Object(members))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array"))
    }
}

/// A member of an object of options: a scalar, or an object whose members are not read.
struct Member(Scalar);

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Member, D::Error> {
        d.deserialize_any(ScalarVisitor { members: false })
            .map(Member)
    }
}

/// A top-level option: an object's members are read one level down (`budget.retryCost`).
impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor { members: true })
    }
}

/// Reads retry options from JSON text: names first ([`check_names`]), then values. `null` is
/// the defaults; anything but an object is `retry_invalid_option` for `options`.
pub fn read_options(text: &str) -> Result<RetryConfig, RetryError> {
    let not_object = |_| RetryError::option("options", "must be an object");
    let given: Option<Options> = from_str(text, &Limits::default()).map_err(not_object)?;
    let Some(given) = given else {
        return Ok(RetryConfig::default());
    };
    check_names(&given)?;
    into_config(&given)
}

// ---------------------------------------------------------------------------------------
// The input of `decide`.

/// The part of a `Classification` the decision reads (a full one fits: the other fields are
/// not read). Absent optional fields read as `None`, as serde does for every `Option`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureArgs {
    /// What kind of failure.
    pub category: Category,
    /// Whether repeating the request may succeed.
    pub retryable: bool,
    /// The server's delay hint in ms, if any.
    pub retry_after_ms: Option<f64>,
    /// Where the hint came from (echoed in the decision).
    pub hint_source: Option<String>,
    /// The request certainly never reached the server.
    pub not_sent: Option<bool>,
}

/// An idempotency key: a non-empty string or `true` says the request carries one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HasKey(pub bool);

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = HasKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a boolean")
    }
    fn visit_bool<E>(self, v: bool) -> Result<HasKey, E> {
        Ok(HasKey(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<HasKey, E> {
        Ok(HasKey(!v.is_empty()))
    }
}

impl<'de> Deserialize<'de> for HasKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HasKey, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

/// The input of `RetryPolicy.decide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecideArgs {
    /// 1-based number of the attempt that just failed.
    pub attempt: u32,
    /// What went wrong.
    pub classification: FailureArgs,
    /// HTTP method, any case (default GET).
    pub method: Option<String>,
    /// The request's idempotency key.
    pub idempotency_key: Option<HasKey>,
    /// Milliseconds since the first attempt started (default 0).
    pub elapsed_ms: Option<f64>,
    /// Epoch ms (the caller's clock when absent).
    pub now_ms: Option<f64>,
    /// The origin for the circuit breaker.
    pub origin: Option<String>,
    /// How many earlier retries of this call were throttled (default 0).
    pub throttled_retries: Option<u32>,
    /// The delay waited before this attempt.
    pub previous_delay_ms: Option<f64>,
}

impl DecideArgs {
    /// The engine's input, with `now_ms` used when the args carry no time. A value the
    /// engine would have to guess about (attempt 0, NaN or infinite times, a NaN hint) is an
    /// error naming the field.
    pub fn input(&self, now_ms: f64) -> Result<DecideInput<'_>, &'static str> {
        if self.attempt == 0 {
            return Err("attempt must be a whole number >= 1 (1 = the first request)");
        }
        let finite = |v: Option<f64>, msg: &'static str| match v {
            Some(x) if !x.is_finite() => Err(msg),
            _ => Ok(v),
        };
        let elapsed = finite(self.elapsed_ms, "elapsedMs must be a finite number")?;
        let now = finite(self.now_ms, "nowMs must be a finite number")?;
        let previous = finite(
            self.previous_delay_ms,
            "previousDelayMs must be a finite number",
        )?;
        let c = &self.classification;
        if c.retry_after_ms.is_some_and(f64::is_nan) {
            return Err("classification.retryAfterMs must be a number or null");
        }
        Ok(DecideInput {
            attempt: self.attempt,
            failure: Failure {
                category: c.category,
                retryable: c.retryable,
                retry_after_ms: c.retry_after_ms,
                hint_source: c.hint_source.as_deref(),
                not_sent: c.not_sent.unwrap_or(false),
            },
            method: self.method.as_deref().unwrap_or("GET"),
            has_idempotency_key: self.idempotency_key.unwrap_or_default().0,
            elapsed_ms: elapsed.unwrap_or(0.0),
            now_ms: now.unwrap_or(now_ms),
            origin: self.origin.as_deref(),
            throttled_retries: self.throttled_retries.unwrap_or(0),
            previous_delay_ms: previous,
        })
    }
}

/// A pacing limit: at most `limit` requests in any rolling window of `window_ms`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PacerRate {
    /// Requests allowed per window.
    pub limit: u32,
    /// Window length in ms.
    pub window_ms: f64,
}

/// A policy read from a `RateLimit-Policy` header and applied to a pacer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PacerPolicy {
    /// The policy name as the server sent it.
    pub name: String,
    /// Requests allowed per window.
    pub limit: u32,
    /// Window length in ms.
    pub window_ms: f64,
}

// ---------------------------------------------------------------------------------------
// The shapes, for the generated TypeScript types.

const OPT_NUM: &str = "number | null";

/// `RetryPolicyOptions`.
pub const OPTIONS_SHAPE: Shape = Shape {
    ts_name: "RetryPolicyOptions",
    doc: "Options of `RetryPolicy`; all optional, `null` means the default, unknown names are `retry_unknown_option`.",
    fields: &[
        Field::optional(
            "maxAttempts",
            OPT_NUM,
            "Total attempts INCLUDING the first. Default 6 (a ceiling over the two limits below).",
        ),
        Field::optional(
            "maxRetries",
            OPT_NUM,
            "Retries of 5xx, timeouts and network failures per call. Default 3.",
        ),
        Field::optional(
            "maxThrottledRetries",
            OPT_NUM,
            "Retries of throttled failures (429, or any failure with a server hint) per call. Default 5.",
        ),
        Field::optional(
            "baseMs",
            OPT_NUM,
            "First backoff ceiling in ms. Default 1000.",
        ),
        Field::optional(
            "capMs",
            OPT_NUM,
            "Largest backoff delay in ms, after jitter. Default 30 000.",
        ),
        Field::optional(
            "multiplier",
            OPT_NUM,
            "Growth per retry, 1 to 1000. Default 2.",
        ),
        Field::optional("jitter", "Jitter | null", "Default `\"full\"`."),
        Field::optional(
            "maxRetryAfterMs",
            OPT_NUM,
            "Longest server hint (Retry-After, ...) followed, in ms. Default 60 000.",
        ),
        Field::optional(
            "largeHint",
            "LargeHint | null",
            "What to do with a longer hint. Default `\"fail\"`: give up and carry the hint (`retryAtMs`).",
        ),
        Field::optional(
            "hintJitterRatio",
            OPT_NUM,
            "Jitter added to a server hint, as a fraction of it (0 to 1). Default 0.1.",
        ),
        Field::optional(
            "hintJitterMaxMs",
            OPT_NUM,
            "Largest jitter added to a server hint, in ms. Default 1000.",
        ),
        Field::optional(
            "deadlineMs",
            OPT_NUM,
            "Per-call time limit in ms from the first attempt (`elapsedMs`). Default none.",
        ),
        Field::optional(
            "retryNonIdempotent",
            "boolean | null",
            "Retry POST/PATCH without an idempotency key. Default false.",
        ),
        Field::optional(
            "budget",
            "RetryBudgetOptions | boolean | null",
            "The shared retry budget; `false` disables it.",
        ),
        Field::optional(
            "breaker",
            "RetryBreakerOptions | boolean | null",
            "The per-origin circuit breaker; `false` disables it.",
        ),
        Field::optional(
            "seed",
            OPT_NUM,
            "Seed of the jitter randomness, a whole number below 2^53. Default: a random one per policy.",
        ),
    ],
};

/// `RetryBudgetOptions`.
pub const BUDGET_SHAPE: Shape = Shape {
    ts_name: "RetryBudgetOptions",
    doc: "The shared retry budget (an AWS-style token bucket).",
    fields: &[
        Field::optional("capacity", OPT_NUM, "Tokens when full. Default 500."),
        Field::optional("retryCost", OPT_NUM, "Tokens one retry costs. Default 5."),
        Field::optional(
            "timeoutCost",
            OPT_NUM,
            "Tokens one retry after a timeout or network failure costs. Default 10.",
        ),
        Field::optional(
            "successRefill",
            OPT_NUM,
            "Tokens each success returns. Default 1.",
        ),
    ],
};

/// `RetryBreakerOptions`.
pub const BREAKER_SHAPE: Shape = Shape {
    ts_name: "RetryBreakerOptions",
    doc: "The per-origin circuit breaker.",
    fields: &[
        Field::optional(
            "failureThreshold",
            OPT_NUM,
            "Consecutive failures that open the circuit. Default 5.",
        ),
        Field::optional(
            "cooldownMs",
            OPT_NUM,
            "How long the circuit stays open before one probe is let through. Default 5000 ms.",
        ),
        Field::optional(
            "maxOrigins",
            OPT_NUM,
            "Most origins tracked (least recently used forgotten first). Default 256, at most 10 000.",
        ),
    ],
};

/// `RetryClassification`.
pub const FAILURE_SHAPE: Shape = Shape {
    ts_name: "RetryClassification",
    doc: "The part of a `Classification` the decision reads; a full `Classification` fits as is.",
    fields: &[
        Field::new("category", "Category", "What kind of failure."),
        Field::new(
            "retryable",
            "boolean",
            "Whether repeating the request may succeed.",
        ),
        Field::optional(
            "retryAfterMs",
            "number | null",
            "The server's delay hint in ms, if any.",
        ),
        Field::optional(
            "hintSource",
            "string | null",
            "Where the hint came from (echoed in the decision).",
        ),
        Field::optional(
            "notSent",
            "boolean | null",
            "True when the request certainly never reached the server (safe to retry any method).",
        ),
    ],
};

/// `RetryDecideInput`.
pub const DECIDE_SHAPE: Shape = Shape {
    ts_name: "RetryDecideInput",
    doc: "One failed attempt, for `RetryPolicy.decide`.",
    fields: &[
        Field::new(
            "attempt",
            "number",
            "1-based number of the attempt that just failed (1 = the first request).",
        ),
        Field::new("classification", "RetryClassification", "What went wrong."),
        Field::optional(
            "method",
            "string | null",
            "HTTP method, any case. Default `\"GET\"`.",
        ),
        Field::optional(
            "idempotencyKey",
            "string | boolean | null",
            "The request's `Idempotency-Key` (a non-empty string, or `true`): POST/PATCH may be retried.",
        ),
        Field::optional(
            "elapsedMs",
            "number | null",
            "Milliseconds since the first attempt started (for `deadlineMs`). Default 0.",
        ),
        Field::optional(
            "nowMs",
            "number | null",
            "Epoch ms, for the breaker and `retryAtMs`. Default `Date.now()`.",
        ),
        Field::optional(
            "origin",
            "string | null",
            "The origin (`\"https://api.example.com\"`) for the circuit breaker; none skips it.",
        ),
        Field::optional(
            "throttledRetries",
            "number | null",
            "How many of this call's earlier retries were throttled (sum of `decision.throttled`). Default 0.",
        ),
        Field::optional(
            "previousDelayMs",
            "number | null",
            "The delay waited before this attempt (only `decorrelated` jitter reads it).",
        ),
    ],
};

/// `RetryDecision`.
pub const DECISION_SHAPE: Shape = Shape {
    ts_name: "RetryDecision",
    doc: "What to do about a failed attempt.",
    fields: &[
        Field::new("retry", "boolean", "Retry, or give up."),
        Field::new(
            "delayMs",
            "number",
            "Milliseconds to wait before the retry; 0 when not retrying. Finite, never negative.",
        ),
        Field::new("reason", "RetryReason", "Why."),
        Field::new(
            "hintSource",
            "string | null",
            "The server hint's source when the delay came from (or was refused because of) a hint.",
        ),
        Field::new(
            "throttled",
            "boolean",
            "This failure counts as throttled: add 1 to `throttledRetries` when you retry.",
        ),
        Field::new(
            "retryAfterMs",
            "number | null",
            "The server's hint in ms as read, whether followed or not.",
        ),
        Field::new(
            "retryAtMs",
            "number | null",
            "Epoch ms when to try again: `nowMs + delayMs` when retrying, `nowMs + retryAfterMs` when giving up on a hinted failure (e.g. a one-hour Retry-After), else null.",
        ),
    ],
};

/// `PacerRate`.
pub const PACER_RATE_SHAPE: Shape = Shape {
    ts_name: "PacerRate",
    doc: "A rate limit: at most `limit` requests in any rolling window of `windowMs`.",
    fields: &[
        Field::new("limit", "number", "Requests allowed per window."),
        Field::new("windowMs", "number", "Window length in ms."),
    ],
};

/// `PacerPolicy`.
pub const PACER_POLICY_SHAPE: Shape = Shape {
    ts_name: "PacerPolicy",
    doc: "A policy read from a `RateLimit-Policy` header by `Pacer.updateFromHeader`.",
    fields: &[
        Field::new(
            "name",
            "string",
            "The policy name as the server sent it (`\"burst\"`).",
        ),
        Field::new("limit", "number", "Requests allowed per window."),
        Field::new("windowMs", "number", "Window length in ms."),
    ],
};

/// `RetryCircuit`.
pub const CIRCUIT_SHAPE: Shape = Shape {
    ts_name: "RetryCircuit",
    doc: "One origin's circuit as plain data, as a shared store keeps it.",
    fields: &[
        Field::new(
            "state",
            "BreakerState",
            "The stored state (an open circuit past its cool-down is still `open` here).",
        ),
        Field::new("failures", "number", "Consecutive failures while closed."),
        Field::new(
            "openedAtMs",
            "number",
            "When the circuit last opened, epoch ms.",
        ),
        Field::new(
            "probeSentMs",
            "number | null",
            "When the half-open probe was let through, epoch ms.",
        ),
    ],
};

/// `RetrySharedState`.
pub const SHARED_SHAPE: Shape = Shape {
    ts_name: "RetrySharedState",
    doc: "What a policy shares about one origin with other processes through a store.",
    fields: &[
        Field::new(
            "budgetTokens",
            "number | null",
            "Tokens left in the retry budget (`null`: disabled, or not in the store: a full bucket).",
        ),
        Field::new(
            "circuit",
            "RetryCircuit | null",
            "The origin's circuit (`null`: disabled, or not in the store: closed).",
        ),
    ],
};

/// Every retry shape that crosses, in the order they are written.
pub const SHAPES: [Shape; 10] = [
    OPTIONS_SHAPE,
    BUDGET_SHAPE,
    BREAKER_SHAPE,
    FAILURE_SHAPE,
    DECIDE_SHAPE,
    DECISION_SHAPE,
    PACER_RATE_SHAPE,
    PACER_POLICY_SHAPE,
    CIRCUIT_SHAPE,
    SHARED_SHAPE,
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::core::retry::{BreakerState, Policy, Reason};
    use crate::core::schema::shape_mismatch;
    use serde_json::json;

    fn keys(v: &serde_json::Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    fn agrees(shape: &Shape, value: &impl Serialize) {
        let v = serde_json::to_value(value).unwrap();
        assert_eq!(shape_mismatch(shape, &keys(&v)), None, "{v}");
    }

    #[test]
    fn shapes_match_the_serde_output() {
        // The option shapes are checked by `option_names_are_checked_against_the_shapes`.
        let args: DecideArgs = serde_json::from_value(json!({
            "attempt": 1, "method": "POST", "idempotencyKey": "k", "elapsedMs": 1, "nowMs": 2,
            "origin": "https://a", "throttledRetries": 0, "previousDelayMs": 3,
            "classification": {"category": "rate_limited", "retryable": true, "retryAfterMs": 5000,
                               "hintSource": "retry-after", "notSent": false},
        }))
        .unwrap();
        agrees(&DECIDE_SHAPE, &args);
        agrees(&FAILURE_SHAPE, &args.classification);
        let mut p = Policy::new(RetryConfig::default()).unwrap();
        let d = p.decide(&args.input(0.0).unwrap());
        agrees(&DECISION_SHAPE, &d);
        agrees(
            &PACER_RATE_SHAPE,
            &PacerRate {
                limit: 1,
                window_ms: 2.0,
            },
        );
        let mut open = Policy::new(RetryConfig::default()).unwrap();
        for _ in 0..5 {
            open.record_failure("https://a", 1.0);
        }
        let shared = open.shared("https://a");
        agrees(&SHARED_SHAPE, &shared);
        agrees(&CIRCUIT_SHAPE, &shared.circuit.unwrap());
        agrees(
            &PACER_POLICY_SHAPE,
            &PacerPolicy {
                name: "n".into(),
                limit: 1,
                window_ms: 2.0,
            },
        );
    }

    #[test]
    fn decision_serialises_as_the_typescript_object() {
        let c = FailureArgs {
            category: Category::RateLimited,
            retryable: true,
            retry_after_ms: Some(3_600_000.0),
            hint_source: Some("retry-after".into()),
            not_sent: None,
        };
        let args = DecideArgs {
            attempt: 1,
            classification: c,
            method: None,
            idempotency_key: None,
            elapsed_ms: None,
            now_ms: Some(1000.0),
            origin: None,
            throttled_retries: None,
            previous_delay_ms: None,
        };
        let mut p = Policy::new(RetryConfig::default()).unwrap();
        let d = p.decide(&args.input(0.0).unwrap());
        assert_eq!(
            serde_json::to_value(d).unwrap(),
            json!({"retry": false, "delayMs": 0.0, "reason": "hint_too_large",
                   "hintSource": "retry-after", "throttled": true,
                   "retryAfterMs": 3_600_000.0, "retryAtMs": 3_601_000.0})
        );
    }

    #[test]
    fn vocabulary_names_are_serde_names() {
        fn check<V: crate::core::vocab::Vocabulary + Serialize>(all: &[V]) {
            let names: Vec<serde_json::Value> = all
                .iter()
                .map(|v| serde_json::to_value(v).unwrap())
                .collect();
            let want: Vec<serde_json::Value> = V::names()
                .into_iter()
                .map(serde_json::Value::from)
                .collect();
            assert_eq!(names, want, "{}", V::TS_NAME);
        }
        check(&Jitter::ALL);
        check(&LargeHint::ALL);
        check(&Reason::ALL);
        check(&BreakerState::ALL);
        assert_eq!(LargeHint::default(), LargeHint::Fail);
    }

    #[test]
    fn option_names_are_checked_against_the_shapes() {
        let read = |v: serde_json::Value| read_options(&v.to_string());
        let unknown = |v: serde_json::Value| match read(v) {
            Err(RetryError::UnknownOption { option }) => option,
            other => panic!("{other:?}"),
        };
        assert_eq!(unknown(json!({"capMS": 1})), "capMS");
        assert_eq!(unknown(json!({"budget": {"cost": 1}})), "budget.cost");
        assert_eq!(
            unknown(json!({"breaker": {"cooldownMS": 1}})),
            "breaker.cooldownMS"
        );
        // Every name of every shape is read (none is silently dropped).
        for f in OPTIONS_SHAPE.fields {
            let v = json!({ f.name: "?" });
            assert!(
                matches!(read(v), Err(RetryError::InvalidOption { .. })),
                "{}",
                f.name
            );
        }
        for (parent, shape) in [("budget", &BUDGET_SHAPE), ("breaker", &BREAKER_SHAPE)] {
            for f in shape.fields {
                let v = json!({ parent: { f.name: "?" } });
                match read(v) {
                    Err(RetryError::InvalidOption { option, .. }) => {
                        assert_eq!(option, format!("{parent}.{}", f.name))
                    }
                    other => panic!("{parent}.{}: {other:?}", f.name),
                }
            }
        }
    }

    #[test]
    fn decide_args_refuse_what_the_engine_would_guess_about() {
        let base =
            json!({"attempt": 1, "classification": {"category": "server", "retryable": true}});
        let args: DecideArgs = serde_json::from_value(base.clone()).unwrap();
        let input = args.input(5.0).unwrap();
        assert_eq!(
            (input.now_ms, input.method, input.elapsed_ms),
            (5.0, "GET", 0.0)
        );
        let mut zero = args.clone();
        zero.attempt = 0;
        assert!(zero.input(0.0).is_err());
        let mut nan = args.clone();
        nan.elapsed_ms = Some(f64::NAN);
        assert_eq!(
            nan.input(0.0).err(),
            Some("elapsedMs must be a finite number")
        );
        let mut hint = args;
        hint.classification.retry_after_ms = Some(f64::NAN);
        assert!(hint.input(0.0).is_err());
        for bad in [
            json!({"attempt": 1}),
            json!({"attempt": 1.5, "classification": {"category": "server", "retryable": true}}),
            json!({"attempt": 1, "classification": {"category": "teapot", "retryable": true}}),
            json!({"attempt": 1, "classification": {"category": "server", "retryable": true},
                   "idempotencyKey": 12}),
        ] {
            assert!(
                serde_json::from_value::<DecideArgs>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        let keyed: DecideArgs = serde_json::from_value(json!({"attempt": 1,
            "classification": {"category": "server", "retryable": true}, "idempotencyKey": ""}))
        .unwrap();
        assert!(
            !keyed.input(0.0).unwrap().has_idempotency_key,
            "an empty key is no key"
        );
    }
}
