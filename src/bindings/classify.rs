//! Classification exports: response parts and thrown errors in through the scratch buffer,
//! numbers and one string out.
//!
//! Why this shape: `classify` runs on every failed response, so nothing crosses the boundary
//! as an object and, in the common case, no string does either. In: the body prefix, then
//! the values of the headers the core reads (`HEADERS_READ`, which includes every
//! request-id header), then one record of three bytes per value: the name as one letter,
//! its position in `core::headers::Known`, so the core files the value without comparing
//! names, and the value's byte length in two bytes of seven bits, so nothing is searched
//! for. All back to back in scratch; body and values are valid UTF-8 as a whole. Out: the
//! category, action, format and hint source as indices into the tables of
//! [`classify_vocab`] (read once by the facade, so the vocabulary is written only in
//! `core::classify::model` and `core::retry::hints`), the numbers in out slots, and each
//! string as a place: a server's code, message or request id is usually a slice of the text
//! the facade wrote (it still holds that text as JS strings, so it takes a `slice`, with no
//! decoding and no allocation here); anything else (an unescaped JSON string, a field name
//! built from a path, a custom message) is appended to one reused result text, which the
//! facade decodes only when it is not empty.
//!
//! Out slots of [`classify_parts`], [`classify_thrown_parts`] and the [`Classifier`] methods:
//! 0 category, 1 action, 2 format (indices), 3 status (NaN when none), 4 flags (bit 0
//! retryable, bit 1 notSent), 5 retryAfterMs (NaN when none), 6 hint source index (-1 none;
//! [`HINT_SOURCES`]`.len()` = the name is a string, slots 17–18), then `(start, len)` pairs in
//! UTF-16 units for 7–8 code, 9–10 message, 11–12 requestId, 13–14 userMessage, 17–18 hint
//! source name: `len` -1 means absent, `start >= 0` is a slice of the
//! text the facade wrote, `start < 0` is at `-start - 1` in the result text. When slot 14 is
//! below -1 the user message is entry `-slot - 2` of the vocabulary's message table. Slot 19
//! is the address of the result text; the export returns its UTF-8 length. Field errors are
//! an f64 array at the address in slot 15, slot 16 long (-1: none): per field the key's
//! `(start, len)`, the number of messages, then each message's `(start, len)`, placed as
//! above (no JSON to parse on the other side).
//!
//! Custom rules live in a [`Classifier`] handle built once from a JSON spec and validated
//! here, where the vocabulary is: an unknown category or action is `invalid_argument`.

use crate::bindings::errors::js_error;
use crate::bindings::scratch::{set_out, with_input};
use std::cell::RefCell;

use crate::core::classify::{
    Action, BUILT_IN_MESSAGES, Category, Classification, ClassificationRef, ClassifyOptions,
    CustomRule, DEFAULT_MAX_BODY_BYTES, Format, HEADERS_NEEDING_NOW, HEADERS_ONLY_WITH_NOW,
    HEADERS_READ, Phase, ReportRequest, ResponseParts, Thrown, built_in_message_index,
    classify_known_with, classify_thrown, classify_thrown_with, support_report,
};
use crate::core::headers::{Known, KnownHeaders};
use crate::core::json::{self, Value};
use crate::core::retry::hints::{Headers, source};
use wasm_bindgen::prelude::*;

/// Every hint source the core can report, in the order of the vocabulary table.
pub const HINT_SOURCES: [&str; 9] = source::ALL;

/// Most request header lines a support report reads (any headers travel there).
const MAX_REPORT_HEADERS: usize = 128;

/// The vocabulary tables, one per line, entries separated by `\u{1}`: categories, actions,
/// formats, hint sources, phases, built-in user messages, the response headers the core reads
/// (`HEADERS_READ`: a header travels as the letter `A` + its index, two length bytes, then
/// its value; see [`known_headers`]), those
/// of them that need the clock (`HEADERS_NEEDING_NOW`), and those worth sending only with one
/// of the latter (`HEADERS_ONLY_WITH_NOW`). Read once by the facade.
#[wasm_bindgen]
pub fn classify_vocab() -> String {
    let lines: [Vec<&str>; 9] = [
        Category::ALL.iter().map(|c| c.as_str()).collect(),
        Action::ALL.iter().map(|a| a.as_str()).collect(),
        Format::ALL.iter().map(|f| f.as_str()).collect(),
        HINT_SOURCES.to_vec(),
        [Phase::Request, Phase::Refresh, Phase::Login]
            .iter()
            .map(|p| p.as_str())
            .collect(),
        BUILT_IN_MESSAGES.to_vec(),
        HEADERS_READ.to_vec(),
        HEADERS_NEEDING_NOW.to_vec(),
        HEADERS_ONLY_WITH_NOW.to_vec(),
    ];
    lines
        .iter()
        .map(|l| l.join("\u{1}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn index_of<T: PartialEq + Copy>(all: &[T], x: T) -> f64 {
    all.iter().position(|y| *y == x).map_or(-1.0, |i| i as f64)
}

fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

thread_local! {
    /// The strings of the last result that are not slices of the input, back to back
    /// (reused: its capacity stays).
    static OUT_TEXT: RefCell<String> = const { RefCell::new(String::new()) };
    /// The field errors of the last result as places (see [`emit`]), reused likewise.
    static OUT_FIELDS: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Where the facade finds the strings of a result: slices of `input`, the text it wrote
/// (it still holds it as JS strings), cost nothing to hand over; anything else is appended
/// to `text`.
struct Placer<'i, 't> {
    input: &'i [u8],
    /// Whether `input` is all ASCII (then a byte offset is a UTF-16 offset); found on the
    /// first string placed, since most results place none or a few.
    ascii: Option<bool>,
    text: &'t mut String,
}

impl Placer<'_, '_> {
    /// `(start, len)` of `s` in UTF-16 units: `start >= 0` in the input, `start < 0` at
    /// `-start - 1` in the text; `(0, -1)` when absent.
    fn place(&mut self, s: Option<&str>) -> (f64, f64) {
        let Some(s) = s else {
            return (0.0, -1.0);
        };
        let base = self.input.as_ptr() as usize;
        let at = s.as_ptr() as usize;
        if at >= base && at - base + s.len() <= self.input.len() {
            let input = self.input;
            if *self.ascii.get_or_insert_with(|| input.is_ascii()) {
                return ((at - base) as f64, s.len() as f64);
            }
            let before = input.get(..at - base).unwrap_or(&[]);
            return (utf16_len(text(before)) as f64, utf16_len(s) as f64);
        }
        let start = utf16_len(self.text);
        self.text.push_str(s);
        (-(start as f64) - 1.0, utf16_len(s) as f64)
    }
}

/// Writes the out slots for `c`; its strings are placed by [`Placer`] against `input`, the
/// text the facade holds. Returns the UTF-8 length of the text, whose address is in
/// slot 19.
fn emit(c: &ClassificationRef<'_>, input: &[u8], input_ascii: bool) -> usize {
    OUT_TEXT.with(|t| {
        let mut t = t.borrow_mut();
        t.clear();
        let mut p = Placer {
            input,
            ascii: input_ascii.then_some(true),
            text: &mut t,
        };
        let hint_idx = c.hint_source.map_or(-1.0, |s| {
            HINT_SOURCES
                .iter()
                .position(|h| *h == s)
                .unwrap_or(HINT_SOURCES.len()) as f64
        });
        let code = p.place(c.code);
        let message = p.place(c.message);
        let request_id = p.place(c.request_id);
        let user_message = match built_in_message_index(c.user_message) {
            Some(i) => (0.0, -(i as f64) - 2.0),
            None => p.place(Some(c.user_message)),
        };
        let fields = OUT_FIELDS.with(|f| {
            let mut f = f.borrow_mut();
            f.clear();
            let Some(items) = c.field_errors.as_ref() else {
                return (0.0, -1.0);
            };
            for (key, messages) in items.iter() {
                let (start, len) = p.place(Some(key));
                f.extend([start, len, messages.len() as f64]);
                for m in messages {
                    let (start, len) = p.place(Some(m));
                    f.extend([start, len]);
                }
            }
            (f.as_ptr() as usize as f64, f.len() as f64)
        });
        let hint_text = p.place(c.hint_source.filter(|s| !HINT_SOURCES.contains(s)));
        let flags = f64::from(u8::from(c.retryable) | (u8::from(c.not_sent) << 1));
        set_out(&[
            index_of(&Category::ALL, c.category),
            index_of(&Action::ALL, c.action),
            index_of(&Format::ALL, c.format),
            c.status.map_or(f64::NAN, f64::from),
            flags,
            c.retry_after_ms.unwrap_or(f64::NAN),
            hint_idx,
            code.0,
            code.1,
            message.0,
            message.1,
            request_id.0,
            request_id.1,
            user_message.0,
            user_message.1,
            fields.0,
            fields.1,
            hint_text.0,
            hint_text.1,
            t.as_ptr() as usize as f64,
        ]);
        t.len()
    })
}

/// Bytes as text: valid UTF-8 as is, else its valid prefix (the facade only writes UTF-8).
fn text(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or(&[])).unwrap_or(""),
    }
}

/// Splits `name:value\n` lines into `slots`; returns how many were filled.
fn header_pairs<'a>(lines: &'a str, slots: &mut [(&'a str, &'a str)]) -> usize {
    let mut n = 0;
    for line in lines.split('\n') {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let Some(slot) = slots.get_mut(n) else {
            break;
        };
        *slot = (k.trim(), v.trim());
        n += 1;
    }
    n
}

fn phase_of(i: u32) -> Phase {
    match i {
        1 => Phase::Refresh,
        2 => Phase::Login,
        _ => Phase::Request,
    }
}

/// Files the header values, back to back in `values`, as the records say: one record of
/// three bytes per value, in order, `<letter><len><len>`. The letter is `A` + the position
/// in [`Known::ALL`], `len` the value's byte length as two bytes of seven bits, high first
/// (so a value is at most [`MAX_HEADER_VALUE_BYTES`]). Values are trimmed of HTTP white
/// space only. A record whose value runs past the end, or is not whole characters, ends
/// the list.
fn known_headers<'v>(values: &'v str, records: &[u8]) -> KnownHeaders<'v> {
    let mut known = KnownHeaders::default();
    let mut at = 0;
    for record in records.chunks_exact(3) {
        let &[letter, hi, lo] = record else {
            break;
        };
        let end = at + (usize::from(hi & 0x7f) << 7 | usize::from(lo & 0x7f));
        let Some(value) = values.get(at..end) else {
            break;
        };
        at = end;
        if let Some(h) = Known::at(usize::from(letter.wrapping_sub(b'A'))) {
            known.add(h, value.trim_ascii());
        }
    }
    known
}

/// The longest header value a record can hold (two bytes of seven bits of length); the
/// facade cuts longer ones.
pub const MAX_HEADER_VALUE_BYTES: usize = (1 << 14) - 1;

/// Classifies scratch `[0, total_len)`: the body (`[0, body_len)`), the header values
/// (`[body_len, values_end)`), then their records (see [`known_headers`]). The facade holds
/// `[text_start, values_end)` as JS text; `held_ascii` says it found that text all ASCII
/// (then positions in it are byte offsets, with no scan here).
#[allow(clippy::too_many_arguments)]
fn classify_scratch(
    status: u32,
    body_len: usize,
    values_end: usize,
    total_len: usize,
    text_start: usize,
    held_ascii: bool,
    phase: u32,
    now_ms: f64,
    opts: &ClassifyOptions,
) -> usize {
    with_input(0, total_len, |all| {
        let (text_part, records) = all.split_at_checked(values_end).unwrap_or((all, &[]));
        let (body, values) = text_part
            .split_at_checked(body_len)
            .unwrap_or((text_part, &[]));
        let known = known_headers(text(values), records);
        let parts = ResponseParts {
            status: u16::try_from(status).unwrap_or(0),
            headers: Headers::EMPTY,
            body,
            method: None,
            url: None,
            phase: phase_of(phase),
            now_ms: now_ms.is_finite().then_some(now_ms),
        };
        let held = text_part.get(text_start..).unwrap_or(&[]);
        classify_known_with(&parts, &known, opts, |c| emit(c, held, held_ascii))
    })
}

/// Classifies a response with the default options, looking at `max_body_bytes` of the body.
/// Scratch `[0, total_len)`: the body bytes (`body_len` of them), the header values (up to
/// `values_end`), then a record per value (see [`known_headers`]). The body comes first so
/// that the facade writes it at the start of its view, with no sub-view to allocate, and
/// the values follow it so that a short ASCII body and its header values can be written
/// by one `encodeInto` of the joined text. `phase`: 0 request,
/// 1 refresh, 2 login. `now_ms`: NaN when unknown. `text_start`: where the part of scratch
/// the facade holds as JS text begins (0 when the body is text, `body_len` when it is
/// bytes); strings inside it are handed back by position. `held_ascii`: the facade found
/// that text all ASCII. See the module doc for the out slots and the returned length.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn classify_parts(
    status: u32,
    body_len: usize,
    values_end: usize,
    total_len: usize,
    text_start: usize,
    held_ascii: bool,
    phase: u32,
    now_ms: f64,
    max_body_bytes: usize,
) -> usize {
    let opts = ClassifyOptions {
        max_body_bytes,
        rules: Vec::new(),
        user_messages: Vec::new(),
    };
    classify_scratch(
        status, body_len, values_end, total_len, text_start, held_ascii, phase, now_ms, &opts,
    )
}

/// Reads the six thrown-error strings written back to back; bit `i` of `present` says
/// whether string `i` (name, message, code, cause name, cause message, cause code) exists.
fn thrown_scratch(lens: [usize; 6], present: u32, opts: Option<&ClassifyOptions>) -> usize {
    let total = lens.iter().fold(0usize, |a, b| a.saturating_add(*b));
    let c = with_input(0, total, |all| {
        let mut fields: [Option<&str>; 6] = [None; 6];
        let mut at = 0usize;
        for (i, (len, field)) in lens.iter().zip(fields.iter_mut()).enumerate() {
            let end = at.saturating_add(*len);
            if present & (1 << i) != 0 {
                *field = Some(text(all.get(at..end).unwrap_or(&[])));
            }
            at = end;
        }
        let [name, message, code, cause_name, cause_message, cause_code] = fields;
        let err = Thrown {
            name,
            message,
            code,
            cause_name,
            cause_message,
            cause_code,
        };
        match opts {
            Some(opts) => classify_thrown_with(&err, opts),
            None => classify_thrown(&err),
        }
    });
    emit(&c.borrowed(), &[], true)
}

/// Classifies a thrown error with the default options. Scratch: the strings of `lens`, back
/// to back; see [`thrown_scratch`] for `present`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn classify_thrown_parts(
    name: usize,
    message: usize,
    code: usize,
    cause_name: usize,
    cause_message: usize,
    cause_code: usize,
    present: u32,
) -> usize {
    thrown_scratch(
        [name, message, code, cause_name, cause_message, cause_code],
        present,
        None,
    )
}

fn invalid(msg: &str) -> JsValue {
    js_error("invalid_argument", msg)
}

fn opt_str<'v>(v: &'v Value, key: &str, what: &str) -> Result<Option<&'v str>, JsValue> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(&format!("{what}.{key} must be a string"))),
    }
}

/// One rule of the spec: `{code, category?, action?, retryable?, userMessage?}`.
fn rule_from(v: &Value) -> Result<CustomRule, JsValue> {
    let code = opt_str(v, "code", "rule")?
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| invalid("every rule needs a non-empty code"))?;
    let what = format!("rules[{code:?}]");
    let category = match opt_str(v, "category", &what)? {
        None => None,
        Some(s) => Some(
            Category::parse(s)
                .ok_or_else(|| invalid(&format!("{what}.category {s:?} is not a category")))?,
        ),
    };
    let action = match opt_str(v, "action", &what)? {
        None => None,
        Some(s) => Some(
            Action::parse(s)
                .ok_or_else(|| invalid(&format!("{what}.action {s:?} is not an action")))?,
        ),
    };
    let retryable = match v.get("retryable") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(invalid(&format!("{what}.retryable must be a boolean"))),
    };
    let user_message = opt_str(v, "userMessage", &what)?.map(str::to_string);
    if let Some((k, _)) = v.as_object().unwrap_or(&[]).iter().find(|(k, _)| {
        !matches!(
            k.as_ref(),
            "code" | "category" | "action" | "retryable" | "userMessage"
        )
    }) {
        return Err(invalid(&format!("{what} has an unknown field {k:?}")));
    }
    Ok(CustomRule {
        code: code.to_string(),
        category,
        action,
        retryable,
        user_message,
    })
}

/// Parses and validates a classifier spec (see [`Classifier::new`]).
pub fn options_from_spec(spec: &str) -> Result<ClassifyOptions, JsValue> {
    let v = json::parse(spec).map_err(|_| invalid("classifier options are not valid JSON"))?;
    let mut opts = ClassifyOptions::default();
    match v.get("maxBodyBytes") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.fract() == 0.0 && (0.0..=8_388_608.0).contains(n) => {
            opts.max_body_bytes = *n as usize;
        }
        Some(_) => {
            return Err(invalid("maxBodyBytes must be an integer from 0 to 8388608"));
        }
    }
    match v.get("rules") {
        None | Some(Value::Null) => {}
        Some(Value::Array(rules)) => {
            for r in rules {
                opts.rules.push(rule_from(r)?);
            }
        }
        Some(_) => return Err(invalid("rules must be an object or an array")),
    }
    match v.get("userMessages") {
        None | Some(Value::Null) => {}
        Some(Value::Object(members)) => {
            for (k, m) in members {
                let m = m
                    .as_str()
                    .ok_or_else(|| invalid(&format!("userMessages[{k:?}] must be a string")))?;
                opts.user_messages.push((k.to_string(), m.to_string()));
            }
        }
        Some(_) => return Err(invalid("userMessages must be an object")),
    }
    Ok(opts)
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
    /// Builds a classifier from the JSON spec in scratch `[0, len)`:
    /// `{"maxBodyBytes": n?, "rules": [{code, category?, action?, retryable?, userMessage?}],
    /// "userMessages": {"codeOrCategory": "text"}}`.
    /// Throws `invalid_argument` for an unknown category or action, a wrong type, or an
    /// unknown rule field.
    #[wasm_bindgen(constructor)]
    pub fn new(len: usize) -> Result<Classifier, JsValue> {
        let opts = with_input(0, len, |b| options_from_spec(text(b)))?;
        Ok(Classifier { opts })
    }

    /// The body bytes this classifier looks at.
    #[wasm_bindgen(getter)]
    pub fn max_body_bytes(&self) -> usize {
        self.opts.max_body_bytes
    }

    /// As [`classify_parts`], with this classifier's options.
    #[allow(clippy::too_many_arguments)]
    pub fn classify(
        &self,
        status: u32,
        body_len: usize,
        values_end: usize,
        total_len: usize,
        text_start: usize,
        held_ascii: bool,
        phase: u32,
        now_ms: f64,
    ) -> usize {
        classify_scratch(
            status, body_len, values_end, total_len, text_start, held_ascii, phase, now_ms,
            &self.opts,
        )
    }

    /// As [`classify_thrown_parts`], with this classifier's rules and user messages.
    #[allow(clippy::too_many_arguments)]
    pub fn classify_thrown(
        &self,
        name: usize,
        message: usize,
        code: usize,
        cause_name: usize,
        cause_message: usize,
        cause_code: usize,
        present: u32,
    ) -> usize {
        thrown_scratch(
            [name, message, code, cause_name, cause_message, cause_code],
            present,
            Some(&self.opts),
        )
    }
}

/// The support report for a classification rebuilt from its numbers and the strings in
/// scratch, back to back: code, message, request id, method, url, request header lines,
/// request body, response body (`lens`, with bit `i` of `present` set when string `i`
/// exists). `flags`: bit 0 retryable, bit 1 notSent. Indices as in [`classify_vocab`]; a hint
/// index out of range reads as an unknown source.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn support_report_text(
    status: f64,
    category: usize,
    action: usize,
    flags: u32,
    retry_after_ms: f64,
    hint: i32,
    timestamp_ms: f64,
    lens: Vec<u32>,
    present: u32,
) -> String {
    let total = lens
        .iter()
        .fold(0usize, |a, b| a.saturating_add(*b as usize));
    with_input(0, total, |all| {
        let mut s: [Option<&[u8]>; 8] = [None; 8];
        let mut at = 0usize;
        for (i, (len, slot)) in lens.iter().zip(s.iter_mut()).enumerate() {
            let end = at.saturating_add(*len as usize);
            if present & (1 << i) != 0 {
                *slot = Some(all.get(at..end).unwrap_or(&[]));
            }
            at = end;
        }
        let [
            code,
            message,
            request_id,
            method,
            url,
            headers,
            body,
            response_body,
        ] = s;
        fn st(b: Option<&[u8]>) -> Option<&str> {
            b.map(text)
        }
        let mut slots = [("", ""); MAX_REPORT_HEADERS];
        let n = header_pairs(st(headers).unwrap_or(""), &mut slots);
        let c = Classification {
            category: Category::ALL
                .get(category)
                .copied()
                .unwrap_or(Category::Unknown),
            action: Action::ALL.get(action).copied().unwrap_or(Action::None),
            status: (status.is_finite() && (1.0..=65535.0).contains(&status))
                .then_some(status as u16),
            code: st(code).map(str::to_string),
            message: st(message).map(str::to_string),
            retryable: flags & 1 != 0,
            retry_after_ms: (retry_after_ms.is_finite() && retry_after_ms >= 0.0)
                .then_some(retry_after_ms),
            hint_source: usize::try_from(hint)
                .ok()
                .and_then(|i| HINT_SOURCES.get(i).copied()),
            request_id: st(request_id).map(str::to_string),
            field_errors: None,
            format: Format::Unknown,
            user_message: String::new(),
            not_sent: flags & 2 != 0,
        };
        let req = ReportRequest {
            method: st(method),
            url: st(url),
            headers: Headers(slots.get(..n).unwrap_or(&[])),
            body: st(body),
            response_body,
            timestamp_ms: timestamp_ms.is_finite().then_some(timestamp_ms),
        };
        support_report(&c, &req)
    })
}

/// The default body limit, so the facade does not write it down twice.
#[wasm_bindgen]
pub fn classify_default_max_body_bytes() -> usize {
    DEFAULT_MAX_BODY_BYTES
}

/// The longest header value a header record carries ([`MAX_HEADER_VALUE_BYTES`]), so the
/// facade cuts longer ones to the same limit.
#[wasm_bindgen]
pub fn classify_max_header_value_bytes() -> usize {
    MAX_HEADER_VALUE_BYTES
}
