//! [`classify`]: one pass over a response, from bytes to a [`Classification`].
//!
//! The pipeline: decode a bounded prefix of the body, sniff and parse it once, read the
//! envelope, read the hints, decide, pick the user message.
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
use super::model::{Classification, Format};
use super::rules::{self, Signals};
use super::text::CodeKey;
use super::{messages, request_id};
use crate::core::body::BodyMembers;
use crate::core::bytes::find_ascii_ci;
use crate::core::retry::hints::{self, HintSource};

/// Classifies a received response.
pub fn classify(parts: &ResponseParts, opts: &ClassifyOptions) -> Classification {
    let headers = &parts.headers;
    let text = body::decode(parts.body, opts.max_body_bytes);
    let content_type = headers.get("content-type").unwrap_or("");
    let sniffed = body::sniff(&text, content_type);
    let (ex, body_hint, json_members) = match &sniffed {
        Sniffed::Json(doc) => {
            let problem_ct = find_ascii_ci(content_type, "problem+json").is_some();
            let members = BodyMembers::of(doc);
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
    let header_hint = hints::from_headers(headers, parts.now_ms);
    let hint = header_hint.or(body_hint);
    let retry_after_header = header_hint
        .is_some_and(|h| matches!(h.source, HintSource::RetryAfter | HintSource::RetryAfterMs));
    let code = ex.code.as_deref();
    let key = code.map(CodeKey::new);
    let secondary_key = ex.secondary_code.map(CodeKey::new);
    let remaining_zero =
        |name: &str| headers.get(name).and_then(hints::parse_non_negative) == Some(0.0);
    let quota_exhausted = remaining_zero("x-ratelimit-remaining")
        || remaining_zero("ratelimit-remaining")
        || headers
            .get("ratelimit")
            .and_then(hints::ratelimit_wait_seconds)
            .is_some();
    let signals = Signals {
        status: parts.status,
        phase: parts.phase,
        credentials_sent: parts.credentials_sent,
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
    let request_id = request_id::from_strong_headers(headers)
        .or(ex.request_id)
        .or_else(|| json_members.and_then(request_id::from_body))
        .or_else(|| request_id::from_weak_headers(headers));
    Classification {
        category: dec.category,
        action: dec.action,
        status: (parts.status != 0).then_some(parts.status),
        code: code.map(str::to_string),
        message: ex.message.as_deref().map(str::to_string),
        retryable: dec.retryable,
        retry_after_ms: hint.map(|h| h.delay_ms),
        hint_source: hint.map(|h| h.source),
        request_id: request_id.map(str::to_string),
        field_errors: ex.field_errors.finish(),
        format: ex.format.unwrap_or(Format::Unknown),
        user_message: user_message.into_owned(),
        not_sent: false,
    }
}
