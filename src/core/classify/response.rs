//! [`classify`]: one pass over a response, from bytes to a [`Classification`].
//!
//! Why a single function: the bindings call it on every failed response, so it does the work
//! once — decode a bounded prefix, sniff and parse once, read the envelope by borrowing from
//! the parsed body, read the hints, decide — and allocates only the strings it returns.
//!
//! Precedence of each field:
//! - `requestId`: dedicated request-id headers, then the body, then proxy/trace headers
//!   (see [`request_id`](super::request_id));
//! - `retryAfterMs` / `hintSource`: header hints, then body hints (see
//!   [`hints`](crate::core::retry::hints)); a plain-text body is searched for the DRF
//!   throttle sentence;
//! - `category` / `action` / `retryable`: [`rules`](super::rules), then the caller's
//!   custom rule for the code;
//! - `userMessage`: [`messages`](super::messages).
//!
//! Status 0 (an opaque response) is reported as `status: None`, category network.

use super::body::{self, Sniffed};
use super::envelope::{self, Extracted};
use super::input::{ClassifyOptions, ResponseParts};
use super::model::{Classification, ClassificationRef, Format};
use super::rules::{self, Signals};
use super::text::CodeKey;
use super::{messages, request_id};
use crate::core::body::BodyMembers;
use crate::core::bytes::{find_ascii_ci, find_byte};
use crate::core::headers::{HeaderSource, Known, KnownHeaders};
use crate::core::retry::hints;

/// Classifies a received response.
pub fn classify(parts: &ResponseParts, opts: &ClassifyOptions) -> Classification {
    classify_with(parts, opts, |c| c.to_classification())
}

/// Classifies a received response and hands the result, its strings borrowed from the
/// response, the options and static tables, to `f`.
pub fn classify_with<R>(
    parts: &ResponseParts,
    opts: &ClassifyOptions,
    f: impl FnOnce(&ClassificationRef<'_>) -> R,
) -> R {
    classify_known_with(parts, &KnownHeaders::from_headers(&parts.headers), opts, f)
}

/// [`classify_with`] for a caller that has filed the headers already: `known` is read and
/// `parts.headers` is not.
pub fn classify_known_with<R>(
    parts: &ResponseParts,
    known: &KnownHeaders<'_>,
    opts: &ClassifyOptions,
    f: impl FnOnce(&ClassificationRef<'_>) -> R,
) -> R {
    let text = body::decode(parts.body, opts.max_body_bytes);
    let content_type = known.value(Known::ContentType).unwrap_or("");
    let sniffed = body::sniff(&text, content_type);
    let (ex, body_hint, json_members) = match &sniffed {
        Sniffed::Json(doc) => {
            // Only a type with a `+` can name problem+json: `application/json` is ruled out
            // by one word-at-a-time scan instead of a case-insensitive walk.
            let problem_ct = find_byte(content_type.as_bytes(), 0, b'+').is_some()
                && find_ascii_ci(content_type, "problem+json").is_some();
            let members = BodyMembers::of(doc.root());
            (
                envelope::from_json(members, problem_ct),
                hints::from_members(members),
                Some(members),
            )
        }
        Sniffed::Text(t) => (envelope::text(t), hints::from_text(t), None),
        Sniffed::Html(t) => (envelope::html::read(t), None, None),
        Sniffed::Empty => (Extracted::with_format(Format::Empty), None, None),
        Sniffed::Unparsed => (Extracted::with_format(Format::Unknown), None, None),
    };
    let header_hint = hints::from_headers(known, parts.now_ms);
    let hint = header_hint.or(body_hint);
    let retry_after_header = header_hint.is_some_and(|h| {
        h.source == hints::source::RETRY_AFTER || h.source == hints::source::RETRY_AFTER_MS
    });
    let code = ex.code.as_deref();
    let key = code.map(CodeKey::new);
    let secondary_key = ex.secondary_code.map(CodeKey::new);
    let remaining_zero = |h: Known| known.value(h).and_then(hints::parse_non_negative) == Some(0.0);
    let quota_exhausted = remaining_zero(Known::XRateLimitRemaining)
        || remaining_zero(Known::RateLimitRemaining)
        || known
            .value(Known::RateLimit)
            .and_then(hints::ratelimit_wait_seconds)
            .is_some();
    let signals = Signals {
        status: parts.status,
        phase: parts.phase,
        code: key.as_ref(),
        secondary_code: secondary_key.as_ref(),
        message: ex.message.as_deref(),
        extra_text: ex.extra_text,
        body_retryable: ex.retryable,
        retry_after_header,
        has_hint: hint.is_some(),
        quota_exhausted,
    };
    let mut dec = rules::decide(&signals);
    if let Some(rule) = opts.rule_for(code) {
        (dec.category, dec.action, dec.retryable) =
            rule.apply(dec.category, dec.action, dec.retryable);
    }
    let user_message = messages::user_message(
        code,
        key.as_ref(),
        dec.category,
        dec.action,
        ex.details,
        opts,
    );
    let request_id = request_id::from_strong_headers(known)
        .or(ex.request_id)
        .or_else(|| json_members.and_then(request_id::from_body))
        .or_else(|| request_id::from_weak_headers(known));
    f(&ClassificationRef {
        category: dec.category,
        action: dec.action,
        status: (parts.status != 0).then_some(parts.status),
        code,
        message: ex.message.as_deref(),
        retryable: dec.retryable,
        retry_after_ms: hint.map(|h| h.delay_ms),
        hint_source: hint.map(|h| h.source),
        request_id,
        field_errors: ex.field_errors.finish(),
        format: ex.format.unwrap_or(Format::Unknown),
        user_message: &user_message,
        not_sent: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::classify::input::{
        HEADERS_NEEDING_NOW, HEADERS_ONLY_WITH_NOW, HEADERS_READ, Phase,
    };
    use crate::core::classify::request_id::{STRONG, WEAK};
    use crate::core::json::{self, Value};
    use crate::core::rand::SplitMix64;
    use crate::core::retry::hints::Headers;

    /// A response of `status` with `headers` and `body`, classified with the defaults.
    fn with_headers(
        status: u16,
        phase: Phase,
        body: &[u8],
        headers: &[(&str, &str)],
        now_ms: Option<f64>,
    ) -> Classification {
        classify(
            &ResponseParts {
                status,
                headers: Headers(headers),
                body,
                phase,
                now_ms,
                ..ResponseParts::default()
            },
            &ClassifyOptions::default(),
        )
    }

    /// `headers` less those of [`HEADERS_ONLY_WITH_NOW`].
    fn without_only_with_now<'a>(headers: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        headers
            .iter()
            .copied()
            .filter(|(k, _)| {
                !HEADERS_ONLY_WITH_NOW
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(k))
            })
            .collect()
    }

    #[test]
    fn the_header_list_covers_the_request_id_headers() {
        for n in STRONG.iter().chain(WEAK.iter()) {
            assert!(HEADERS_READ.contains(&n.name()), "{}", n.name());
        }
        for n in HEADERS_NEEDING_NOW {
            assert!(HEADERS_READ.contains(&n), "{n}");
        }
    }

    /// Every vector, with its headers in random case and unread headers mixed in: passing
    /// only [`HEADERS_READ`] gives the same classification, and without a header of
    /// [`HEADERS_NEEDING_NOW`] the clock does not matter.
    #[test]
    fn only_the_listed_headers_matter() {
        let text = include_str!("../../../tests/vectors/classify.json");
        let doc = json::parse(text).unwrap();
        let cases = doc.get("cases").and_then(Value::as_array).unwrap();
        let noise = [
            ("Server", "nginx"),
            ("Vary", "Accept"),
            ("WWW-Authenticate", "Bearer"),
            ("X-RateLimit-Limit", "60"),
            ("Content-Length", "12"),
            ("Set-Cookie", "a=b"),
            ("RateLimit-Policy", "10;w=60"),
        ];
        let mut rng = SplitMix64::new(0x04EA_DE25);
        for case in cases {
            let input = case.get("input").unwrap();
            let name = case.get("name").and_then(Value::as_str).unwrap();
            let body = input.get("body").and_then(Value::as_str).unwrap_or("");
            let status = input.get("status").and_then(Value::as_f64).unwrap() as u16;
            let phase = input
                .get("phase")
                .and_then(Value::as_str)
                .and_then(Phase::parse)
                .unwrap_or_default();
            let mut all: Vec<(String, String)> = Vec::new();
            for (k, v) in input.get("headers").and_then(Value::as_object).unwrap() {
                let k: String = k
                    .chars()
                    .map(|c| {
                        if rng.below(2) == 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                all.push((k, v.as_str().unwrap().to_string()));
                let (n, nv) = noise[rng.below(noise.len() as u64) as usize];
                all.push((n.to_string(), nv.to_string()));
            }
            let pairs: Vec<(&str, &str)> =
                all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let kept: Vec<(&str, &str)> = pairs
                .iter()
                .copied()
                .filter(|(k, _)| HEADERS_READ.iter().any(|n| n.eq_ignore_ascii_case(k)))
                .collect();
            let run =
                |h: &[(&str, &str)], now| with_headers(status, phase, body.as_bytes(), h, now);
            let now = Some(1.7e12);
            assert_eq!(run(&pairs, now), run(&kept, now), "{name}");
            let clock_free = !kept.iter().any(|(k, _)| {
                HEADERS_NEEDING_NOW
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(k))
            });
            if clock_free {
                assert_eq!(run(&kept, now), run(&kept, None), "{name}");
                assert_eq!(run(&kept, Some(0.0)), run(&kept, None), "{name}");
                let fewer = without_only_with_now(&kept);
                assert_eq!(run(&kept, now), run(&fewer, now), "{name}");
            }
        }
    }

    /// Every header-like string literal in the classifier's and the hints' source, alone or
    /// next to others, with values of every kind: a name the core reads but the list lacks
    /// changes the classification; a clock-dependent one missing from
    /// [`HEADERS_NEEDING_NOW`] makes the clock matter.
    #[test]
    fn no_header_read_is_missing_from_the_list() {
        let sources = [
            include_str!("../headers.rs"),
            include_str!("../retry/hints.rs"),
            include_str!("request_id.rs"),
            include_str!("response.rs"),
            include_str!("rules.rs"),
            include_str!("auth.rs"),
            include_str!("body.rs"),
            include_str!("messages.rs"),
        ];
        let mut names: Vec<&str> = Vec::new();
        for src in sources {
            for lit in src.split('"').skip(1).step_by(2) {
                let ok = lit.len() >= 3
                    && lit
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !names.contains(&lit);
                if ok {
                    names.push(lit);
                }
            }
        }
        assert!(names.len() > 20, "{names:?}");
        let values = [
            "30",
            "0",
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "1700000060",
            "1700000060000",
            "req-abc/1",
            "application/problem+json",
            "text/html",
            "\"default\";r=0;t=30",
        ];
        let body = br#"{"error":{"code":"throttled","message":"Slow down"}}"#;
        for status in [401u16, 403, 429, 503] {
            for name in &names {
                for value in values {
                    let all = [(*name, value), ("x-unrelated", "1")];
                    let kept: Vec<(&str, &str)> = all
                        .iter()
                        .copied()
                        .filter(|(k, _)| HEADERS_READ.contains(k))
                        .collect();
                    let run = |h: &[(&str, &str)], now| {
                        with_headers(status, Phase::Request, body, h, now)
                    };
                    let now = Some(7.8e11);
                    assert_eq!(run(&all, now), run(&kept, now), "{name}: {value}");
                    if !HEADERS_NEEDING_NOW.contains(name) {
                        assert_eq!(run(&kept, now), run(&kept, None), "{name}: {value}");
                        let fewer = without_only_with_now(&kept);
                        assert_eq!(run(&kept, now), run(&fewer, now), "{name}: {value}");
                    }
                }
            }
        }
    }
}
