//! Classification exports: a typed input as JSON text in, a `Classification` object out.
//!
//! Typed values cross through serde ([`decode`] / [`encode`]): the facade normalises what
//! users pass into a [`ClassifyInput`], [`ThrownInput`] or [`ReportInput`] (the core's
//! `classify::args`), with a response's headers (as `name:value` lines) and body as plain
//! strings beside the input, and gets back the core's `Classification` as a plain object.
//! Nothing is kept between calls, so a call that fails half-way, or one made from inside
//! another (a getter, a `toJSON`), cannot change another call's result.
//!
//! Custom rules live in a [`Classifier`] handle built once from [`ClassifierSpec`] and
//! validated here, where the vocabulary is: an unknown category or action is
//! `invalid_argument`.

use wasm_bindgen::prelude::*;

use super::boundary::{decode, encode};
use crate::bindings::errors::js_error;
use crate::core::classify::args::{ClassifierSpec, ClassifyInput, ReportInput, ThrownInput};
use crate::core::classify::{
    Classification, ClassifyOptions, CustomRule, DEFAULT_MAX_BODY_BYTES, Format, ReportRequest,
    ResponseParts, Thrown, classify as classify_core, classify_thrown_with, support_report,
};
use crate::core::retry::hints::{Headers, HintSource};

/// The largest `maxBodyBytes` a classifier accepts (8 MiB).
pub const MAX_BODY_BYTES_LIMIT: usize = 8 * 1024 * 1024;

fn invalid(msg: &str) -> JsValue {
    js_error("invalid_argument", &format!("faultline: {msg}"))
}

/// Validates a spec into the core's options.
pub fn options_from_spec(spec: ClassifierSpec) -> Result<ClassifyOptions, JsValue> {
    let max_body_bytes = spec.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
    if max_body_bytes > MAX_BODY_BYTES_LIMIT {
        return Err(invalid(&format!(
            "maxBodyBytes must be an integer from 0 to {MAX_BODY_BYTES_LIMIT}"
        )));
    }
    let mut rules = Vec::new();
    for r in spec.rules.unwrap_or_default() {
        let code = r.code.trim();
        if code.is_empty() {
            return Err(invalid("every rule needs a non-empty code"));
        }
        rules.push(CustomRule {
            code: code.to_string(),
            ..r
        });
    }
    Ok(ClassifyOptions {
        max_body_bytes,
        rules,
        user_messages: spec.user_messages.unwrap_or_default(),
    })
}

/// `name:value` lines as pairs, values trimmed; a line without `:` is skipped.
fn header_refs(lines: &str) -> Vec<(&str, &str)> {
    lines
        .split('\n')
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k, v.trim()))
        .collect()
}

fn run(input: &str, headers: &str, body: &str, opts: &ClassifyOptions) -> Result<JsValue, JsValue> {
    let input: ClassifyInput = decode("classify input", input)?;
    if input.status > 999 {
        return Err(invalid("status must be an integer from 0 to 999"));
    }
    let pairs = header_refs(headers);
    let parts = ResponseParts {
        status: input.status,
        headers: Headers(&pairs),
        body: body.as_bytes(),
        phase: input.phase.unwrap_or_default(),
        now_ms: input.now_ms.filter(|n| n.is_finite()),
        credentials_sent: input.credentials_sent,
        ..ResponseParts::default()
    };
    encode(&classify_core(&parts, opts))
}

fn run_thrown(input: &str, opts: &ClassifyOptions) -> Result<JsValue, JsValue> {
    let t: ThrownInput = decode("thrown error", input)?;
    let thrown = Thrown {
        name: t.name.as_deref(),
        message: t.message.as_deref(),
        code: t.code.as_deref(),
        cause_name: t.cause_name.as_deref(),
        cause_message: t.cause_message.as_deref(),
        cause_code: t.cause_code.as_deref(),
    };
    encode(&classify_thrown_with(&thrown, opts))
}

/// Classifies a response with the default options: `input` is a [`ClassifyInput`] as JSON
/// text, `headers` the response headers as `name:value` lines joined by `\n`, `body` the
/// body as text (the facade sends at most `maxBodyBytes + 1` UTF-16 units, bytes decoded as
/// UTF-8 with U+FFFD for invalid sequences).
#[wasm_bindgen]
pub fn classify(input: &str, headers: &str, body: &str) -> Result<JsValue, JsValue> {
    run(input, headers, body, &ClassifyOptions::default())
}

/// Classifies a thrown error with the default options (see [`ThrownInput`]).
#[wasm_bindgen]
pub fn classify_thrown(input: &str) -> Result<JsValue, JsValue> {
    run_thrown(input, &ClassifyOptions::default())
}

/// A classifier with the caller's rules and user messages, built once and reused.
/// Free it with `free()` (the facade also registers it for finalization).
#[wasm_bindgen]
#[derive(Debug)]
pub struct Classifier {
    opts: ClassifyOptions,
}

#[wasm_bindgen]
impl Classifier {
    /// Builds a classifier from a [`ClassifierSpec`]. Throws `invalid_argument` for an
    /// unknown category or action, a wrong type, or an unknown field.
    #[wasm_bindgen(constructor)]
    pub fn new(spec: &str) -> Result<Classifier, JsValue> {
        let spec: ClassifierSpec = decode("classifier options", spec)?;
        Ok(Classifier {
            opts: options_from_spec(spec)?,
        })
    }

    /// The body bytes this classifier looks at.
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> usize {
        self.opts.max_body_bytes
    }

    /// As [`classify`], with this classifier's options.
    pub fn classify(&self, input: &str, headers: &str, body: &str) -> Result<JsValue, JsValue> {
        run(input, headers, body, &self.opts)
    }

    /// As [`classify_thrown`], with this classifier's rules and user messages.
    #[wasm_bindgen(js_name = classifyThrown)]
    pub fn classify_thrown(&self, input: &str) -> Result<JsValue, JsValue> {
        run_thrown(input, &self.opts)
    }
}

/// The support report text (see [`ReportInput`]).
#[wasm_bindgen]
pub fn support_report_text(input: &str) -> Result<String, JsValue> {
    let input: ReportInput<'_> = decode("supportReport input", input)?;
    let r = input.classification;
    let c = Classification {
        category: r.category,
        action: r.action,
        status: r
            .status
            .filter(|s| s.fract() == 0.0 && (1.0..=65535.0).contains(s))
            .map(|s| s as u16),
        code: r.code,
        message: r.message,
        retryable: r.retryable,
        retry_after_ms: r.retry_after_ms.filter(|ms| ms.is_finite() && *ms >= 0.0),
        hint_source: r.hint_source.as_deref().and_then(HintSource::parse),
        request_id: r.request_id,
        field_errors: None,
        format: Format::Unknown,
        user_message: String::new(),
        not_sent: r.not_sent,
    };
    let pairs = header_refs(&input.headers);
    let req = ReportRequest {
        method: input.method.as_deref(),
        url: input.url.as_deref(),
        headers: Headers(&pairs),
        body: input.body.as_deref(),
        response_body: input.response_body.as_ref().map(|b| b.as_bytes()),
        timestamp_ms: input.timestamp_ms.filter(|t| t.is_finite()),
    };
    Ok(support_report(&c, &req))
}

/// The default body limit, so the facade does not write it down twice.
#[wasm_bindgen]
pub fn classify_default_max_body_bytes() -> usize {
    DEFAULT_MAX_BODY_BYTES
}
