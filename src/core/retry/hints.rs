//! Server delay hints, strongest first.
//!
//! Why this exists: servers say "come back later" in a dozen ways, in headers and in JSON
//! bodies, and every hand-written client in the seeds reads only one of them. This module
//! reads them all into one [`Hint`] (milliseconds to wait from now, plus where it came
//! from), so the retry engine has a single number to clamp and jitter.
//!
//! Key decisions:
//! - **Order** (first usable one wins): `retry-after-ms`; `Retry-After` (delay-seconds, or any
//!   of the three HTTP-date forms of RFC 9110 §5.6.7, measured against the response `Date`
//!   header when it parses, else against `now_ms`); the IETF `RateLimit` field (`t` of the
//!   policies whose `r` is 0; the largest such `t` wins because every exhausted policy must
//!   reset); `RateLimit-Reset`; `X-RateLimit-Reset`. Headers always beat body hints.
//! - **Reset headers** count only when the paired `...-Remaining` header is absent or 0 (GitHub
//!   sends `X-RateLimit-Reset` on every response). Their value is read by magnitude:
//!   below 10^9 it is a delta in seconds, from 10^9 to 10^12 epoch seconds, from 10^12 epoch
//!   milliseconds. An epoch value needs a base (`Date` or `now_ms`), else it is ignored.
//! - **Bad values are ignored**, never guessed at: negative, NaN, non-numeric, impossible dates.
//!   A date in the past yields a delay of 0. Huge values are kept but saturate at
//!   [`MAX_HINT_MS`] so that `now + delay` stays finite; the retry policy decides what to do
//!   with a hint larger than the caller allows (honor / clamp / fail).
//! - RFC 850 two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999 (this function has
//!   no clock to apply RFC 9110's "50 years" rule). Day names are checked for spelling, not
//!   for agreement with the date.

use crate::core::body::BodyMembers;
use crate::core::bytes::find_ascii_ci;
use crate::core::json::Value;

/// The largest delay a hint can carry (8.64e15 ms, the largest time a JavaScript `Date`
/// can hold): bigger values saturate here so arithmetic on them stays finite.
pub const MAX_HINT_MS: f64 = 8.64e15;

/// A delay the server asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hint {
    /// Milliseconds to wait from now (never negative, always finite).
    pub delay_ms: f64,
    /// Where it came from.
    pub source: HintSource,
}

impl Hint {
    /// A hint of `delay_ms` (clamped into `0..=MAX_HINT_MS`; NaN is refused).
    pub fn new(delay_ms: f64, source: HintSource) -> Option<Hint> {
        if delay_ms.is_nan() {
            return None;
        }
        Some(Hint {
            delay_ms: crate::core::num::clamp(delay_ms, 0.0, MAX_HINT_MS),
            source,
        })
    }
}

pub use crate::core::headers::Headers;

crate::vocabulary! {
    /// Where a server delay hint came from, strongest first.
    pub enum HintSource as "HintSource" {
        /// `retry-after-ms` header (milliseconds).
        RetryAfterMs = "retry-after-ms",
        /// `Retry-After` header (seconds or HTTP-date).
        RetryAfter = "retry-after",
        /// IETF `RateLimit` field.
        RateLimit = "ratelimit",
        /// `RateLimit-Reset` header.
        RateLimitReset = "ratelimit-reset",
        /// `X-RateLimit-Reset` header.
        XRateLimitReset = "x-ratelimit-reset",
        /// Upstream (seed 000) `error.details.wait_seconds`.
        BodyWaitSeconds = "body:error.details.wait_seconds",
        /// Sachain (seed 004) `details.retryAfter`, in seconds.
        BodyRetryAfter = "body:details.retryAfter",
        /// Google `google.rpc.RetryInfo.retryDelay`.
        BodyRetryInfo = "body:retryInfo.retryDelay",
        /// DRF text "Expected available in N seconds." in a message.
        BodyText = "body:text",
    }
}

/// The strongest hint in the response headers, or `None`.
///
/// `now_ms` (epoch ms) is the base for HTTP-dates and epoch resets when the response has
/// no valid `Date` header.
pub fn from_headers(h: &Headers<'_>, now_ms: Option<f64>) -> Option<Hint> {
    if let Some(ms) = h.get("retry-after-ms").and_then(parse_non_negative) {
        return Hint::new(ms, HintSource::RetryAfterMs);
    }
    if let Some(v) = h.get("retry-after") {
        let v = v.trim();
        if let Some(secs) = parse_non_negative(v) {
            return Hint::new(secs * 1000.0, HintSource::RetryAfter);
        }
        if let (Some(at), Some(base)) = (parse_http_date(v), base_ms(h, now_ms)) {
            return Hint::new(at - base, HintSource::RetryAfter);
        }
    }
    if let Some(secs) = h.get("ratelimit").and_then(ratelimit_wait_seconds) {
        return Hint::new(secs * 1000.0, HintSource::RateLimit);
    }
    for (reset, remaining, src) in [
        (
            "ratelimit-reset",
            "ratelimit-remaining",
            HintSource::RateLimitReset,
        ),
        (
            "x-ratelimit-reset",
            "x-ratelimit-remaining",
            HintSource::XRateLimitReset,
        ),
    ] {
        let exhausted = match h.get(remaining) {
            None => true,
            Some(r) => parse_non_negative(r.trim()) == Some(0.0),
        };
        if !exhausted {
            continue;
        }
        if let Some(ms) = h.get(reset).and_then(|v| reset_delay_ms(v, h, now_ms)) {
            return Hint::new(ms, src);
        }
    }
    None
}

/// The strongest hint in a parsed JSON error body, or `None`.
///
/// Looks at, in order: `error.details.wait_seconds` (seconds), `details.retryAfter`
/// (seconds; seed 004 pairs `"retryAfter": 45` with `"window": "1 minute"`), Google
/// `error.details[]` `RetryInfo.retryDelay` (`"58s"`, `"1.5s"`, or `{seconds, nanos}`), and
/// the DRF text "Expected available in N seconds." in `error.message`, `detail` or `message`.
pub fn from_body(v: &Value<'_>) -> Option<Hint> {
    from_members(BodyMembers::of(v))
}

/// [`from_body`] from members already looked up.
pub fn from_members(m: BodyMembers<'_>) -> Option<Hint> {
    let BodyMembers {
        root: v,
        error,
        error_details,
        details,
        message,
    } = m;
    if let Some(s) = error_details
        .and_then(|d| d.get("wait_seconds"))
        .and_then(number_like)
    {
        return Hint::new(s * 1000.0, HintSource::BodyWaitSeconds);
    }
    if let Some(s) = details
        .and_then(|d| d.get("retryAfter"))
        .and_then(number_like)
    {
        return Hint::new(s * 1000.0, HintSource::BodyRetryAfter);
    }
    if let Some(details) = error_details.and_then(Value::as_array) {
        for d in details {
            let is_retry_info = d
                .get("@type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with("google.rpc.RetryInfo"));
            if !is_retry_info {
                continue;
            }
            if let Some(ms) = d.get("retryDelay").and_then(proto_duration_ms) {
                return Hint::new(ms, HintSource::BodyRetryInfo);
            }
        }
    }
    let text_hint = |text: Option<&Value<'_>>| text.and_then(Value::as_str).and_then(from_text);
    text_hint(error.and_then(|e| e.get("message")))
        .or_else(|| text_hint(v.get("detail")))
        .or_else(|| text_hint(message))
}

/// The DRF throttle text "Expected available in N seconds." (also "in 1 second."), found
/// anywhere in `text`.
pub fn from_text(text: &str) -> Option<Hint> {
    const NEEDLE: &str = "expected available in ";
    let lower_at = find_ascii_ci(text, NEEDLE)?;
    let rest = text.get(lower_at + NEEDLE.len()..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let num = rest.get(..end)?.trim_end_matches('.');
    let after = rest.get(end..)?.trim_start();
    if !starts_with_ci(after, "second") {
        return None;
    }
    let secs = parse_non_negative(num)?;
    Hint::new(secs * 1000.0, HintSource::BodyText)
}

/// Parses an HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, RFC 850 or asctime) to epoch ms.
pub fn parse_http_date(s: &str) -> Option<f64> {
    parse_http_date_any(s.trim())
}

/// Epoch ms of a civil date and time, `None` when a field is out of range.
fn epoch_ms(year: i64, month: i64, day: i64, hh: i64, mm: i64, ss: i64) -> Option<f64> {
    if hh > 23 || mm > 59 || ss > 60 || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + hh * 3600 + mm * 60 + ss) as f64 * 1000.0)
}

/// [`parse_http_date`] for any of the three forms and loose white space.
fn parse_http_date_any(s: &str) -> Option<f64> {
    let (year, month, day, time) = if let Some((wd, rest)) = s.split_once(',') {
        if !is_day_name(wd.trim()) {
            return None;
        }
        let mut it = rest.split_whitespace();
        let first = it.next()?;
        if first.contains('-') {
            // RFC 850: "06-Nov-94 08:49:37 GMT"
            let mut parts = first.split('-');
            let day = parse_digits(parts.next()?, 1, 2)?;
            let month = month_number(parts.next()?)?;
            let yy = parse_digits(parts.next()?, 2, 2)?;
            if parts.next().is_some() {
                return None;
            }
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            let time = it.next()?;
            if !is_gmt(it.next()?) || it.next().is_some() {
                return None;
            }
            (year, month, day, time)
        } else {
            // IMF-fixdate: "06 Nov 1994 08:49:37 GMT"
            let day = parse_digits(first, 1, 2)?;
            let month = month_number(it.next()?)?;
            let year = parse_digits(it.next()?, 4, 4)?;
            let time = it.next()?;
            if !is_gmt(it.next()?) || it.next().is_some() {
                return None;
            }
            (year, month, day, time)
        }
    } else {
        // asctime: "Sun Nov  6 08:49:37 1994"
        let mut it = s.split_whitespace();
        if !is_day_name(it.next()?) {
            return None;
        }
        let month = month_number(it.next()?)?;
        let day = parse_digits(it.next()?, 1, 2)?;
        let time = it.next()?;
        let year = parse_digits(it.next()?, 4, 4)?;
        if it.next().is_some() {
            return None;
        }
        (year, month, day, time)
    };
    let mut t = time.split(':');
    let hh = parse_digits(t.next()?, 2, 2)?;
    let mm = parse_digits(t.next()?, 2, 2)?;
    let ss = parse_digits(t.next()?, 2, 2)?;
    if t.next().is_some() {
        return None;
    }
    epoch_ms(year, month, day, hh, mm, ss)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day count since 1970-01-01 (inverse of
/// [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The wait of an IETF `RateLimit` field value, in seconds: the largest `t` among the
/// policies with `r=0` (draft-ietf-httpapi-ratelimit-headers -10), or `reset` when the
/// older dictionary form says `remaining=0`. `None` when no policy is exhausted.
pub fn ratelimit_wait_seconds(value: &str) -> Option<f64> {
    let mut best: Option<f64> = None;
    let mut old_remaining: Option<f64> = None;
    let mut old_reset: Option<f64> = None;
    for member in split_top_level(value, ',') {
        let mut parts = split_top_level(member, ';').into_iter();
        let item = parts.next().unwrap_or("").trim();
        // The pre-2023 drafts used a dictionary: `limit=100, remaining=0, reset=30`.
        if let Some((k, v)) = item.split_once('=') {
            let k = k.trim();
            let v = parse_non_negative(v.trim());
            if k.eq_ignore_ascii_case("remaining") {
                old_remaining = v;
            } else if k.eq_ignore_ascii_case("reset") {
                old_reset = v;
            }
            continue;
        }
        let (mut r, mut t) = (None, None);
        for p in parts {
            if let Some((k, v)) = p.split_once('=') {
                match k.trim() {
                    "r" => r = parse_non_negative(v.trim()),
                    "t" => t = parse_non_negative(v.trim()),
                    _ => {}
                }
            }
        }
        if let (Some(r), Some(t)) = (r, t) {
            if r == 0.0 {
                best = Some(best.map_or(t, |b: f64| b.max(t)));
            }
        }
    }
    if best.is_none() && old_remaining == Some(0.0) {
        return old_reset;
    }
    best
}

fn base_ms(h: &Headers<'_>, now_ms: Option<f64>) -> Option<f64> {
    h.get("date")
        .and_then(parse_http_date)
        .or(now_ms.filter(|n| n.is_finite()))
}

fn reset_delay_ms(v: &str, h: &Headers<'_>, now_ms: Option<f64>) -> Option<f64> {
    let v = v.trim();
    if let Some(n) = parse_non_negative(v) {
        if n < 1e9 {
            return Some(n * 1000.0);
        }
        let at = if n < 1e12 { n * 1000.0 } else { n };
        return Some(at - base_ms(h, now_ms)?);
    }
    let at = parse_http_date(v)?;
    Some(at - base_ms(h, now_ms)?)
}

/// A non-negative decimal number (`"30"`, `"1.5"`); no sign, exponent, NaN or infinity.
/// Values too large for `f64` saturate at [`MAX_HINT_MS`].
pub fn parse_non_negative(s: &str) -> Option<f64> {
    let s = s.trim();
    let mut dots = 0;
    let mut digits = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return None,
        }
    }
    if digits == 0 || dots > 1 || s.starts_with('.') || s.ends_with('.') {
        return None;
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let v = crate::core::json::decimal_to_f64(int.as_bytes(), frac.as_bytes(), 0);
    Some(v.min(MAX_HINT_MS))
}

/// A non-negative finite number, or a string holding one.
fn number_like(v: &Value<'_>) -> Option<f64> {
    match v {
        Value::Number(n) if *n >= 0.0 => Some(n.min(MAX_HINT_MS)),
        Value::String(s) => parse_non_negative(s),
        _ => None,
    }
}

/// A protobuf JSON Duration: `"58s"`, `"1.500s"`, or `{"seconds": 58, "nanos": 0}`.
fn proto_duration_ms(v: &Value<'_>) -> Option<f64> {
    match v {
        Value::String(s) => {
            let secs = parse_non_negative(s.trim().strip_suffix('s')?)?;
            Some(secs * 1000.0)
        }
        Value::Object(_) => {
            let secs = v.get("seconds").and_then(number_like).unwrap_or(0.0);
            let nanos = v.get("nanos").and_then(number_like).unwrap_or(0.0);
            if v.get("seconds").is_none() && v.get("nanos").is_none() {
                return None;
            }
            Some(secs * 1000.0 + nanos / 1e6)
        }
        _ => None,
    }
}

fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_str = false;
    let mut escaped = false;
    let mut depth = 0u32;
    for (i, c) in s.char_indices() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' => depth = depth.saturating_add(1),
            ')' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                out.push(s.get(start..i).unwrap_or(""));
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

fn parse_digits(s: &str, min: usize, max: usize) -> Option<i64> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn month_number(s: &str) -> Option<i64> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(s))
        .map(|i| i as i64 + 1)
}

fn is_day_name(s: &str) -> bool {
    DAYS.iter().any(|d| {
        d.eq_ignore_ascii_case(s)
            || d.get(..3)
                .is_some_and(|short| short.eq_ignore_ascii_case(s))
    })
}

fn is_gmt(s: &str) -> bool {
    s.eq_ignore_ascii_case("GMT") || s.eq_ignore_ascii_case("UTC")
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs<'a>(pairs: &'a [(&'a str, &'a str)]) -> Headers<'a> {
        Headers(pairs)
    }

    #[test]
    fn three_date_forms_agree() {
        let want = 784_111_777_000.0;
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(want));
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(want)
        );
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(want));
    }

    #[test]
    fn bad_dates_are_refused() {
        for s in [
            "",
            "Sun, 31 Feb 2024 00:00:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 6 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun Nov  6 08:49:37",
        ] {
            assert_eq!(parse_http_date(s), None, "{s:?}");
        }
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800_000.0)
        );
    }

    #[test]
    fn decimal_hints_are_exact() {
        for (s, want) in [
            ("30", 30.0),
            ("030", 30.0),
            ("1.5", 1.5),
            ("0.001", 0.001),
            ("120.25", 120.25),
            ("3600", 3600.0),
        ] {
            assert_eq!(parse_non_negative(s), Some(want), "{s}");
            assert_eq!(parse_non_negative(s), s.parse::<f64>().ok(), "{s}");
        }
        assert_eq!(parse_non_negative("1e400"), None);
        assert_eq!(
            parse_non_negative(&"9".repeat(400)),
            Some(MAX_HINT_MS),
            "saturates"
        );
    }

    #[test]
    fn civil_round_trips() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{days}");
        }
    }

    #[test]
    fn negative_and_nan_values_are_ignored() {
        for v in ["-5", "NaN", "inf", "1e3", "", " ", "1.", ".5", "abc"] {
            assert_eq!(
                from_headers(&hs(&[("Retry-After", v)]), Some(0.0)),
                None,
                "{v}"
            );
        }
    }

    #[test]
    fn huge_values_saturate() {
        let h = from_headers(&hs(&[("Retry-After", &"9".repeat(400))]), None).unwrap();
        assert_eq!(h.delay_ms, MAX_HINT_MS);
    }

    #[test]
    fn drf_text() {
        assert_eq!(
            from_text("Request was throttled. Expected available in 58 seconds."),
            Some(Hint {
                delay_ms: 58_000.0,
                source: HintSource::BodyText
            })
        );
        assert_eq!(
            from_text("expected available in 1 second.")
                .unwrap()
                .delay_ms,
            1000.0
        );
        assert_eq!(from_text("Expected available in soon."), None);
        assert_eq!(from_text("Expected available in 5 minutes."), None);
    }
}
