//! Classification exports: a typed input object in, a `Classification` object out.
//!
//! Every value crosses through serde ([`decode`] / [`encode`]): the facade normalises what
//! users pass (any `HeadersLike`, any body) into [`ClassifyInput`], [`ThrownInput`] or
//! [`ReportInput`], and gets back the core's `Classification` as a plain object. Nothing
//! is kept between calls, so a call that fails half-way, or one made from inside another
//! (a getter, a `toJSON`), cannot change another call's result.
//!
//! Custom rules live in a [`Classifier`] handle built once from [`ClassifierSpec`] and
//! validated here, where the vocabulary is: an unknown category or action is
//! `invalid_argument`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{Deserializer, Visitor};
use wasm_bindgen::prelude::*;

use super::boundary::{decode, encode};
use crate::bindings::errors::js_error;
use crate::core::classify::{
    Action, Category, Classification, ClassifyOptions, CustomRule, DEFAULT_MAX_BODY_BYTES, Format,
    Phase, ReportRequest, ResponseParts, Thrown, classify as classify_core, classify_thrown_with,
    support_report,
};
use crate::core::retry::hints::{Headers, HintSource};

/// The largest `maxBodyBytes` a classifier accepts (8 MiB).
pub const MAX_BODY_BYTES_LIMIT: usize = 8 * 1024 * 1024;

/// A body as it crosses: text or bytes (absent or `null` is empty).
#[derive(Debug, Default)]
pub struct Body(Vec<u8>);

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Body, D::Error> {
        struct TextOrBytes;
        impl Visitor<'_> for TextOrBytes {
            type Value = Body;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, bytes or null")
            }
            fn visit_str<E>(self, v: &str) -> Result<Body, E> {
                Ok(Body(v.as_bytes().to_vec()))
            }
            fn visit_string<E>(self, v: String) -> Result<Body, E> {
                Ok(Body(v.into_bytes()))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Body, E> {
                Ok(Body(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Body, E> {
                Ok(Body(v))
            }
            fn visit_unit<E>(self) -> Result<Body, E> {
                Ok(Body::default())
            }
            fn visit_none<E>(self) -> Result<Body, E> {
                Ok(Body::default())
            }
        }
        d.deserialize_any(TextOrBytes)
    }
}

/// What `classify` takes: the parts of a received response, as the facade normalised them.
/// (Unknown fields are not refused: serde-wasm-bindgen reads only the fields it knows, so
/// the facade checks what users may misspell, such as rule fields.)
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassifyInput {
    /// HTTP status, 0 to 999 (0: an opaque response).
    pub status: u16,
    /// Response headers as `name:value` lines joined by `\n`.
    #[serde(default)]
    pub headers: String,
    /// The body (the facade sends at most `maxBodyBytes + 1` bytes of it).
    #[serde(default)]
    pub body: Body,
    /// Which call this was.
    #[serde(default)]
    pub phase: Option<Phase>,
    /// Whether the request carried credentials.
    #[serde(default)]
    pub credentials_sent: Option<bool>,
    /// Epoch ms now.
    #[serde(default)]
    pub now_ms: Option<f64>,
}

/// What `classifyError` takes: the strings the facade read from a thrown value.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrownInput {
    /// `err.name`.
    pub name: Option<String>,
    /// `err.message`.
    pub message: Option<String>,
    /// `err.code`.
    pub code: Option<String>,
    /// `err.cause.name`.
    pub cause_name: Option<String>,
    /// `err.cause.message`.
    pub cause_message: Option<String>,
    /// `err.cause.code`.
    pub cause_code: Option<String>,
}

/// What `createClassifier` takes (rules as a list; the facade turns `{CODE: rule}` into one).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassifierSpec {
    /// Body bytes looked at.
    pub max_body_bytes: Option<usize>,
    /// Rules per server code.
    pub rules: Option<Vec<CustomRule>>,
    /// User messages per code or category name.
    pub user_messages: Option<BTreeMap<String, String>>,
}

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
        user_messages: spec.user_messages.unwrap_or_default().into_iter().collect(),
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

fn run(input: JsValue, opts: &ClassifyOptions) -> Result<JsValue, JsValue> {
    let input: ClassifyInput = decode("classify input", input)?;
    if input.status > 999 {
        return Err(invalid("status must be an integer from 0 to 999"));
    }
    let pairs = header_refs(&input.headers);
    let parts = ResponseParts {
        status: input.status,
        headers: Headers(&pairs),
        body: &input.body.0,
        phase: input.phase.unwrap_or_default(),
        now_ms: input.now_ms.filter(|n| n.is_finite()),
        credentials_sent: input.credentials_sent,
        ..ResponseParts::default()
    };
    encode(&classify_core(&parts, opts))
}

fn run_thrown(input: JsValue, opts: &ClassifyOptions) -> Result<JsValue, JsValue> {
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

/// Classifies a response with the default options (see [`ClassifyInput`]).
#[wasm_bindgen]
pub fn classify(input: JsValue) -> Result<JsValue, JsValue> {
    run(input, &ClassifyOptions::default())
}

/// Classifies a thrown error with the default options (see [`ThrownInput`]).
#[wasm_bindgen]
pub fn classify_thrown(input: JsValue) -> Result<JsValue, JsValue> {
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
    pub fn new(spec: JsValue) -> Result<Classifier, JsValue> {
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
    pub fn classify(&self, input: JsValue) -> Result<JsValue, JsValue> {
        run(input, &self.opts)
    }

    /// As [`classify_thrown`], with this classifier's rules and user messages.
    #[wasm_bindgen(js_name = classifyThrown)]
    pub fn classify_thrown(&self, input: JsValue) -> Result<JsValue, JsValue> {
        run_thrown(input, &self.opts)
    }
}

/// The parts of a classification a support report quotes; anything else a caller's object
/// holds is ignored, and an unknown hint source is left out.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportedClassification {
    /// What kind of failure.
    pub category: Category,
    /// What to do about it.
    pub action: Action,
    /// HTTP status.
    #[serde(default)]
    pub status: Option<f64>,
    /// The server's code.
    #[serde(default)]
    pub code: Option<String>,
    /// The server's message.
    #[serde(default)]
    pub message: Option<String>,
    /// Whether a retry may succeed.
    #[serde(default)]
    pub retryable: bool,
    /// The server's delay hint.
    #[serde(default)]
    pub retry_after_ms: Option<f64>,
    /// Where the hint came from.
    #[serde(default)]
    pub hint_source: Option<String>,
    /// The request id.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Whether the request never left.
    #[serde(default)]
    pub not_sent: bool,
}

/// What `supportReport` takes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportInput {
    /// The classification to report.
    pub classification: ReportedClassification,
    /// Request method.
    #[serde(default)]
    pub method: Option<String>,
    /// Request URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Request headers as `name:value` lines joined by `\n`.
    #[serde(default)]
    pub headers: String,
    /// Request body, text or bytes.
    #[serde(default)]
    pub body: Option<Body>,
    /// Response body, text or bytes.
    #[serde(default)]
    pub response_body: Option<Body>,
    /// When it failed, epoch ms.
    #[serde(default)]
    pub timestamp_ms: Option<f64>,
}

/// The support report text (see [`ReportInput`]).
#[wasm_bindgen]
pub fn support_report_text(input: JsValue) -> Result<String, JsValue> {
    let input: ReportInput = decode("supportReport input", input)?;
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
    let body = input
        .body
        .map(|b| String::from_utf8_lossy(&b.0).into_owned());
    let req = ReportRequest {
        method: input.method.as_deref(),
        url: input.url.as_deref(),
        headers: Headers(&pairs),
        body: body.as_deref(),
        response_body: input.response_body.as_ref().map(|b| b.0.as_slice()),
        timestamp_ms: input.timestamp_ms.filter(|t| t.is_finite()),
    };
    Ok(support_report(&c, &req))
}

/// The default body limit, so the facade does not write it down twice.
#[wasm_bindgen]
pub fn classify_default_max_body_bytes() -> usize {
    DEFAULT_MAX_BODY_BYTES
}
