//! Reading a [`RetryConfig`] from the JSON/JS options object.
//!
//! Why: the TypeScript facade passes `new RetryPolicy({ maxAttempts, baseMs, ... })`; reading
//! that object in one place keeps option names, types and defaults identical for the bindings,
//! the test vectors and the JS tests. Unknown keys are errors (a typo such as `capMS` should
//! not silently fall back to a default). `null` means "absent" (the default); `budget: false`
//! and `breaker: false` disable them; `deadlineMs: null` means no deadline.

use crate::core::json::Value;
use crate::core::retry::backoff::Jitter;
use crate::core::retry::config::{BreakerConfig, BudgetConfig, LargeHint, RetryConfig};
use crate::core::retry::error::RetryError;

/// Largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl RetryConfig {
    /// Reads the options object (camelCase keys of the TypeScript API) on top of the defaults,
    /// then validates the result.
    pub fn from_json(v: &Value<'_>) -> Result<RetryConfig, RetryError> {
        let mut c = RetryConfig::default();
        let members = match v {
            Value::Null => return Ok(c),
            Value::Object(m) => m,
            _ => return Err(RetryError::option("options", "must be an object")),
        };
        for (key, val) in members {
            if val.is_null() {
                continue;
            }
            match key.as_ref() {
                "maxAttempts" => c.max_attempts = u32_of("maxAttempts", val)?,
                "maxRetries" => c.max_retries = u32_of("maxRetries", val)?,
                "maxThrottledRetries" => {
                    c.max_throttled_retries = u32_of("maxThrottledRetries", val)?
                }
                "baseMs" => c.base_ms = num("baseMs", val)?,
                "capMs" => c.cap_ms = num("capMs", val)?,
                "multiplier" => c.multiplier = num("multiplier", val)?,
                "jitter" => {
                    c.jitter = val.as_str().and_then(Jitter::parse).ok_or_else(|| {
                        RetryError::option(
                            "jitter",
                            "must be \"full\", \"equal\", \"decorrelated\" or \"none\"",
                        )
                    })?
                }
                "maxRetryAfterMs" => c.max_retry_after_ms = num("maxRetryAfterMs", val)?,
                "largeHint" => {
                    c.large_hint = val.as_str().and_then(LargeHint::parse).ok_or_else(|| {
                        RetryError::option("largeHint", "must be \"honor\", \"clamp\" or \"fail\"")
                    })?
                }
                "hintJitterRatio" => c.hint_jitter_ratio = num("hintJitterRatio", val)?,
                "hintJitterMaxMs" => c.hint_jitter_max_ms = num("hintJitterMaxMs", val)?,
                "deadlineMs" => c.deadline_ms = Some(num("deadlineMs", val)?),
                "retryNonIdempotent" => {
                    c.retry_non_idempotent = val.as_bool().ok_or_else(|| {
                        RetryError::option("retryNonIdempotent", "must be a boolean")
                    })?
                }
                "budget" => c.budget = budget_of(val)?,
                "breaker" => c.breaker = breaker_of(val)?,
                "seed" => c.seed = u64_of("seed", val)?,
                other => {
                    return Err(RetryError::UnknownOption {
                        option: other.chars().take(64).collect(),
                    });
                }
            }
        }
        c.validate()?;
        Ok(c)
    }
}

fn budget_of(v: &Value<'_>) -> Result<Option<BudgetConfig>, RetryError> {
    let members = match v {
        Value::Bool(false) => return Ok(None),
        Value::Bool(true) => return Ok(Some(BudgetConfig::default())),
        Value::Object(m) => m,
        _ => {
            return Err(RetryError::option(
                "budget",
                "must be an object, true, false or null",
            ));
        }
    };
    let mut b = BudgetConfig::default();
    for (key, val) in members {
        if val.is_null() {
            continue;
        }
        match key.as_ref() {
            "capacity" => b.capacity = num("budget.capacity", val)?,
            "retryCost" => b.retry_cost = num("budget.retryCost", val)?,
            "timeoutCost" => b.timeout_cost = num("budget.timeoutCost", val)?,
            "successRefill" => b.success_refill = num("budget.successRefill", val)?,
            other => {
                return Err(RetryError::UnknownOption {
                    option: format!("budget.{}", other.chars().take(64).collect::<String>()),
                });
            }
        }
    }
    Ok(Some(b))
}

fn breaker_of(v: &Value<'_>) -> Result<Option<BreakerConfig>, RetryError> {
    let members = match v {
        Value::Bool(false) => return Ok(None),
        Value::Bool(true) => return Ok(Some(BreakerConfig::default())),
        Value::Object(m) => m,
        _ => {
            return Err(RetryError::option(
                "breaker",
                "must be an object, true, false or null",
            ));
        }
    };
    let mut b = BreakerConfig::default();
    for (key, val) in members {
        if val.is_null() {
            continue;
        }
        match key.as_ref() {
            "failureThreshold" => b.failure_threshold = u32_of("breaker.failureThreshold", val)?,
            "cooldownMs" => b.cooldown_ms = num("breaker.cooldownMs", val)?,
            "maxOrigins" => {
                b.max_origins = usize::try_from(u32_of("breaker.maxOrigins", val)?)
                    .map_err(|_| RetryError::option("breaker.maxOrigins", "is too large"))?
            }
            other => {
                return Err(RetryError::UnknownOption {
                    option: format!("breaker.{}", other.chars().take(64).collect::<String>()),
                });
            }
        }
    }
    Ok(Some(b))
}

/// A finite number (range checks happen in `validate`).
fn num(option: &'static str, v: &Value<'_>) -> Result<f64, RetryError> {
    v.as_f64()
        .ok_or_else(|| RetryError::option(option, "must be a finite number"))
}

/// A non-negative integer that fits in `u32`.
fn u32_of(option: &'static str, v: &Value<'_>) -> Result<u32, RetryError> {
    let n = num(option, v)?;
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(RetryError::option(
            option,
            "must be a whole number between 0 and 4294967295",
        ));
    }
    Ok(n as u32)
}

/// A non-negative integer a JavaScript number holds exactly.
fn u64_of(option: &'static str, v: &Value<'_>) -> Result<u64, RetryError> {
    let n = num(option, v)?;
    if n.fract() != 0.0 || !(0.0..=MAX_SAFE_INTEGER).contains(&n) {
        return Err(RetryError::option(
            option,
            "must be a whole number between 0 and 2^53 - 1",
        ));
    }
    Ok(n as u64)
}
