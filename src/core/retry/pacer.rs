//! Pacing sends so that known rate limits are never hit.
//!
//! Why: seed 000 publishes per-scope limits ("report_generation: 10/hour", "burst: 60/minute")
//! enforced over a ROLLING window. Backing off after a 429 wastes a request and, for an
//! hourly limit, up to an hour; pacing before the send wastes neither.
//!
//! Key decisions:
//! - an exact sliding-window log, the same model the server uses: at most `limit` sends in
//!   any window of `window_ms` (a send at `t` counts while `now < t + window_ms`). A token
//!   bucket would allow `limit` plus the refill inside one rolling window and get throttled;
//! - only the newest `limit` send times are kept per scope (that is enough to be exact), so
//!   memory is bounded by the limit (at most 100 000) and scopes (at most 64);
//! - a scope without a configured limit is never delayed;
//! - delays are finite, in `[0, window_ms]`, even if the clock goes backwards.

use crate::core::retry::error::RetryError;
use crate::core::retry::limits::{MAX_RATE_LIMIT, MAX_SCOPE_LEN, MAX_SCOPES};

/// A request rate: at most `limit` requests in any rolling window of `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests allowed per window (1 ..= 100 000).
    pub limit: u32,
    /// Window length in ms (1 second ..= 1 day for parsed specs).
    pub window_ms: f64,
}

impl Rate {
    /// Parses `"<count>/<period>"`: count a whole number in `1..=100000`; period one of
    /// `s`, `sec`, `second`, `m`, `min`, `minute`, `h`, `hour`, `d`, `day` (plurals and any
    /// case accepted, spaces around parts ignored), e.g. `"10/hour"`, `"60/minute"`, `"5/s"`.
    pub fn parse(spec: &str) -> Result<Rate, RetryError> {
        let (count, period) = spec
            .split_once('/')
            .ok_or_else(|| RetryError::rate(spec, "must look like \"10/hour\""))?;
        let count = count.trim();
        if count.is_empty() || count.len() > 6 || !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RetryError::rate(
                spec,
                "must start with a whole number of requests",
            ));
        }
        let limit: u32 = count
            .parse()
            .map_err(|_| RetryError::rate(spec, "must start with a whole number of requests"))?;
        if limit == 0 || limit > MAX_RATE_LIMIT {
            return Err(RetryError::rate(
                spec,
                "must allow between 1 and 100000 requests",
            ));
        }
        let p = period.trim().to_ascii_lowercase();
        let window_s = match p.as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86_400.0,
            _ => {
                return Err(RetryError::rate(
                    spec,
                    "must end with second, minute, hour or day",
                ));
            }
        };
        Ok(Rate {
            limit,
            window_ms: window_s * 1000.0,
        })
    }

    /// A rate from a quota and a window in seconds (e.g. from `RateLimit-Policy`).
    pub fn new(limit: u64, window_s: u64) -> Result<Rate, RetryError> {
        let limit = u32::try_from(limit)
            .ok()
            .filter(|l| (1..=MAX_RATE_LIMIT).contains(l))
            .ok_or_else(|| RetryError::rate("quota", "must be between 1 and 100000"))?;
        if window_s == 0 || window_s > 86_400 * 31 {
            return Err(RetryError::rate(
                "window",
                "must be between 1 s and 31 days",
            ));
        }
        Ok(Rate {
            limit,
            window_ms: window_s as f64 * 1000.0,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Scope {
    name: String,
    rate: Rate,
    /// Newest `rate.limit` send times, ascending.
    sends: Vec<f64>,
}

/// Per-scope sliding-window pacing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pacer {
    scopes: Vec<Scope>,
}

fn scope_key(scope: &str) -> &str {
    let mut end = scope.len().min(MAX_SCOPE_LEN);
    while !scope.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    scope.get(..end).unwrap_or_default()
}

impl Pacer {
    /// A pacer with no limits.
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// A pacer from `(scope, spec)` pairs such as `("report_generation", "10/hour")`.
    pub fn from_specs(specs: &[(&str, &str)]) -> Result<Pacer, RetryError> {
        let mut p = Pacer::new();
        for (scope, spec) in specs {
            p.set_limit(scope, Rate::parse(spec)?)?;
        }
        Ok(p)
    }

    /// Sets (or replaces) the limit of `scope`; recorded sends are kept.
    pub fn set_limit(&mut self, scope: &str, rate: Rate) -> Result<(), RetryError> {
        if rate.limit == 0
            || rate.limit > MAX_RATE_LIMIT
            || !(rate.window_ms.is_finite() && rate.window_ms > 0.0)
        {
            return Err(RetryError::rate(
                scope_key(scope),
                "must allow 1..=100000 requests in a positive window",
            ));
        }
        let k = scope_key(scope);
        if let Some(s) = self.scopes.iter_mut().find(|s| s.name == k) {
            s.rate = rate;
            trim(&mut s.sends, rate.limit);
            return Ok(());
        }
        if self.scopes.len() >= MAX_SCOPES {
            return Err(RetryError::TooManyScopes { max: MAX_SCOPES });
        }
        self.scopes.push(Scope {
            name: k.to_string(),
            rate,
            sends: Vec::new(),
        });
        Ok(())
    }

    /// The limit of `scope`, if one is set.
    pub fn limit(&self, scope: &str) -> Option<Rate> {
        let k = scope_key(scope);
        self.scopes.iter().find(|s| s.name == k).map(|s| s.rate)
    }

    /// How long to wait before sending in `scope` at `now_ms` so the limit holds: 0 when a
    /// send is allowed now, otherwise the time until enough old sends leave the window.
    pub fn delay_before_send(&self, scope: &str, now_ms: f64) -> f64 {
        let k = scope_key(scope);
        let Some(s) = self.scopes.iter().find(|s| s.name == k) else {
            return 0.0;
        };
        if !now_ms.is_finite() {
            return 0.0;
        }
        let w = s.rate.window_ms;
        let limit = s.rate.limit as usize;
        let start = s.sends.partition_point(|&t| t + w <= now_ms);
        let in_window = s.sends.len().saturating_sub(start);
        if in_window < limit {
            return 0.0;
        }
        // `sends` holds at most `limit` entries, so in_window == limit and the oldest one in
        // the window is the one that must leave.
        match s.sends.get(start) {
            // max/min, not `clamp`: clamp asserts `min <= max` and its panic message drags
            // Rust's float formatting (~20 KB) into the wasm module.
            Some(&t) => (t + w - now_ms).max(0.0).min(w),
            None => 0.0,
        }
    }

    /// Records a send in `scope` at `now_ms` (ignored for scopes without a limit or a
    /// non-finite time).
    pub fn record_send(&mut self, scope: &str, now_ms: f64) {
        if !now_ms.is_finite() {
            return;
        }
        let k = scope_key(scope);
        let Some(s) = self.scopes.iter_mut().find(|s| s.name == k) else {
            return;
        };
        let at = s.sends.partition_point(|&t| t <= now_ms);
        s.sends.insert(at, now_ms);
        trim(&mut s.sends, s.rate.limit);
    }
}

impl Pacer {
    /// The recorded send times of `scope`, oldest first (empty without a limit).
    pub fn sends(&self, scope: &str) -> Vec<f64> {
        let k = scope_key(scope);
        self.scopes
            .iter()
            .find(|s| s.name == k)
            .map(|s| s.sends.clone())
            .unwrap_or_default()
    }

    /// Replaces the send times of `scope` (read from a shared store): times that are not
    /// finite are dropped, the rest sorted, and only the newest `limit` kept. Ignored for a
    /// scope without a limit.
    pub fn set_sends(&mut self, scope: &str, sends: &[f64]) {
        let k = scope_key(scope);
        let Some(s) = self.scopes.iter_mut().find(|s| s.name == k) else {
            return;
        };
        let mut times: Vec<f64> = sends.iter().copied().filter(|t| t.is_finite()).collect();
        times.sort_unstable_by(f64::total_cmp);
        s.sends = times;
        trim(&mut s.sends, s.rate.limit);
    }
}

/// Keeps the newest `limit` send times.
fn trim(sends: &mut Vec<f64>, limit: u32) {
    let excess = sends.len().saturating_sub(limit as usize);
    sends.drain(..excess);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_scopes_parse() {
        assert_eq!(
            Rate::parse("10/hour").unwrap(),
            Rate {
                limit: 10,
                window_ms: 3_600_000.0
            }
        );
        assert_eq!(Rate::parse(" 60 / Minute ").unwrap().window_ms, 60_000.0);
        assert_eq!(Rate::parse("5/s").unwrap().limit, 5);
        assert_eq!(Rate::parse("1000/day").unwrap().window_ms, 86_400_000.0);
    }

    #[test]
    fn exact_window() {
        let mut p = Pacer::from_specs(&[("burst", "2/second")]).unwrap();
        p.record_send("burst", 0.0);
        assert_eq!(p.delay_before_send("burst", 0.0), 0.0);
        p.record_send("burst", 100.0);
        assert_eq!(p.delay_before_send("burst", 100.0), 900.0);
        assert_eq!(p.delay_before_send("burst", 999.0), 1.0);
        assert_eq!(p.delay_before_send("burst", 1000.0), 0.0);
        assert_eq!(p.delay_before_send("other", 100.0), 0.0);
    }
}
