//! A small, strict JSON reader for error bodies and JWT claims.
//!
//! Why not `serde_json`: it adds ~14 KB gzip to the wasm module and its float parser another
//! ~15 KB, for documents we only ever look into, never round-trip. This reader:
//!
//! - follows RFC 8259 strictly (no comments, no trailing commas, no leading zeros);
//! - borrows strings from the input when they have no escapes;
//! - bounds nesting depth ([`Limits::max_depth`]), so a body nested 100 000 deep is a typed
//!   error, not a stack overflow;
//! - keeps duplicate keys in order and lets [`Value::get`] return the last one, as
//!   `JSON.parse` does;
//! - parses numbers with a small decimal-to-`f64` routine that is exact for integers up to
//!   2^53 and for decimals with at most 15 significant digits; out-of-range numbers become
//!   infinities, which callers treat as "not a usable number";
//! - replaces lone UTF-16 surrogates from `\u` escapes with U+FFFD.
//!
//! Two forms of the same grammar: [`parse`] builds a [`Value`] tree (JWT claims, options,
//! cross-tab messages, vector files), and [`parse_doc`] reads a flat [`Doc`] of nodes, the
//! form error bodies are classified in, where the tree's allocations were most of the cost
//! (see `json/tape.rs`). Both accept exactly the same documents with the same errors.
//!
//! It never panics and allocates at most a small constant factor of the input size.

use crate::core::bytes::{HIGHS, ONES, zero_bytes};
use std::borrow::Cow;

mod tape;

pub use tape::{Children, Doc, Kind, Members, Node, parse_doc, parse_doc_with};

/// A parsed JSON value borrowing from the input where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// Any number (may be infinite when out of `f64` range).
    Number(f64),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object, members in document order (duplicates kept).
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The member `key` of an object (the last one when the key is duplicated).
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of object keys: `v.path(&["error", "details", "wait_seconds"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Value<'a>> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, when this is a finite number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }

    /// The boolean, when this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, when this is an object.
    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Value<'a>)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Bounds on what the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of arrays and objects accepted. Default 64.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 64 }
    }
}

/// Why a document was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// The input ended inside a value.
    UnexpectedEnd,
    /// A byte that cannot start or continue a value here.
    UnexpectedByte,
    /// A malformed number (leading zero, missing digits).
    BadNumber,
    /// A malformed string (control character, bad escape).
    BadString,
    /// Nesting deeper than [`Limits::max_depth`].
    TooDeep,
    /// Something other than white space after the value.
    TrailingData,
}

/// A rejected document: what went wrong and at which byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// What went wrong.
    pub kind: JsonErrorKind,
    /// Byte offset in the input.
    pub offset: usize,
}

/// A member value seen by [`visit_object`]: scalars are handed over, nested arrays and
/// objects are validated and skipped.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number (may be infinite when out of range).
    Number(f64),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array (validated, not built).
    Array,
    /// An object (validated, not built).
    Object,
}

/// Validates `input` as one JSON document exactly as [`parse_with`] does (same errors at the
/// same offsets) and, when it is an object, calls `f` with each top-level member in order,
/// without building a tree: nothing is allocated but strings that contain escapes.
/// Returns whether the document is an object.
///
/// This is the per-request path for JWT claims, where building the tree was half the cost.
pub fn visit_object<'a>(
    input: &'a str,
    limits: Limits,
    mut f: impl FnMut(Cow<'a, str>, Scalar<'a>),
) -> Result<bool, JsonError> {
    let mut p = Parser::new(input, limits);
    p.skip_ws();
    let is_object = p.peek() == Some(b'{');
    if is_object {
        p.visit_members(1, &mut f)?;
    } else {
        p.skip_value(0)?;
    }
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err(JsonErrorKind::TrailingData));
    }
    Ok(is_object)
}

/// A member value seen by [`scan_object`], straight from the bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawScalar<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number (may be infinite when out of range).
    Number(f64),
    /// A string without escapes: the bytes between the quotes.
    String(&'a [u8]),
    /// A string with escapes (validated, not unescaped).
    EscapedString,
    /// An array (validated, not built).
    Array,
    /// An object (validated, not built).
    Object,
}

/// The fast path of [`visit_object`] for documents that are plainly fine: one pass over the
/// bytes, nothing allocated, member keys handed over as their raw bytes.
///
/// Returns `Some(())` only when [`parse_with`] would return an object (with the members
/// `f` was given, in order); `None` when the document is invalid, is not an object, or has
/// a key with escapes or nesting deeper than 128. `None` explains nothing: callers rerun
/// [`visit_object`] for the exact error (or the escaped keys), and ignore what `f` saw.
///
/// `input` need not be UTF-8: bytes of 0x80 and above are only valid inside strings, and
/// such strings are validated, so a text that is not UTF-8 is declined (without the cost
/// of validating all of it when it is ASCII).
pub fn scan_object<'a>(
    input: &'a [u8],
    limits: Limits,
    mut f: impl FnMut(&'a [u8], RawScalar<'a>),
) -> Option<()> {
    let max_depth = limits.max_depth.min(MAX_SCAN_DEPTH);
    let mut pos = ws(input, 0);
    if at(input, pos) != b'{' || max_depth < 1 {
        return None;
    }
    pos = ws(input, pos + 1);
    if at(input, pos) == b'}' {
        pos += 1;
    } else {
        loop {
            if at(input, pos) != b'"' {
                return None;
            }
            let (end, escaped) = string_end(input, pos + 1)?;
            if escaped {
                return None;
            }
            let key = input.get(pos + 1..end - 1)?;
            pos = ws(input, end);
            if at(input, pos) != b':' {
                return None;
            }
            pos = ws(input, pos + 1);
            let value;
            (value, pos) = match at(input, pos) {
                b'"' => {
                    let (end, escaped) = string_end(input, pos + 1)?;
                    let value = if escaped {
                        RawScalar::EscapedString
                    } else {
                        RawScalar::String(input.get(pos + 1..end - 1)?)
                    };
                    (value, end)
                }
                b'{' => (RawScalar::Object, container(input, pos, 2, max_depth)?),
                b'[' => (RawScalar::Array, container(input, pos, 2, max_depth)?),
                b't' => (RawScalar::Bool(true), literal(input, pos, b"true").ok()?),
                b'f' => (RawScalar::Bool(false), literal(input, pos, b"false").ok()?),
                b'n' => (RawScalar::Null, literal(input, pos, b"null").ok()?),
                _ => {
                    let mut end = pos;
                    let n = number_at(input, &mut end).ok()?;
                    (RawScalar::Number(n), end)
                }
            };
            f(key, value);
            pos = ws(input, pos);
            match at(input, pos) {
                b',' => pos = ws(input, pos + 1),
                b'}' => {
                    pos += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (ws(input, pos) == input.len()).then_some(())
}

/// Deepest nesting [`scan_object`] follows (it recurses; deeper documents take the exact
/// path, which has its own bound).
const MAX_SCAN_DEPTH: usize = 128;

/// The byte at `pos`, 0 past the end (a NUL is invalid wherever the scanner looks).
#[inline(always)]
fn at(bytes: &[u8], pos: usize) -> u8 {
    bytes.get(pos).copied().unwrap_or(0)
}

/// The position of the first non-white-space byte from `pos`.
#[inline(always)]
fn ws(bytes: &[u8], mut pos: usize) -> usize {
    while let b' ' | b'\t' | b'\n' | b'\r' = at(bytes, pos) {
        pos += 1;
    }
    pos
}

/// The position after `lit` when it is at `pos`; else `UnexpectedByte`, or `UnexpectedEnd`
/// when the input ends first (both at `pos`).
#[inline(always)]
fn literal(bytes: &[u8], pos: usize, lit: &[u8]) -> Result<usize, JsonErrorKind> {
    let end = pos + lit.len();
    match bytes.get(pos..end) {
        Some(s) if s == lit => Ok(end),
        Some(_) => Err(JsonErrorKind::UnexpectedByte),
        None => Err(JsonErrorKind::UnexpectedEnd),
    }
}

/// Where the plain run of a string whose content starts at `start` stops: `(end, false)`
/// at the closing quote, `(end, true)` at the first escape; a control byte is `BadString`
/// and the end of input `UnexpectedEnd`, both at `end`. The one reading of a string's
/// plain run, for the tree parser and the node tape alike.
#[inline(always)]
fn plain_string(bytes: &[u8], start: usize) -> Result<(usize, bool), JsonError> {
    let end = plain_run(bytes, start);
    match bytes.get(end) {
        Some(b'"') => Ok((end, false)),
        Some(b'\\') => Ok((end, true)),
        Some(_) => Err(JsonError {
            kind: JsonErrorKind::BadString,
            offset: end,
        }),
        None => Err(JsonError {
            kind: JsonErrorKind::UnexpectedEnd,
            offset: end,
        }),
    }
}

/// One bit per byte of `w` (the top bit of that byte) for bytes that end the plain run of a
/// string: `"`, `\\` or a control character. The lowest set bit is exactly the first such
/// byte (false positives only ever appear above a true one).
#[inline(always)]
fn string_stops(w: u64) -> u64 {
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    control | zero_bytes(w ^ (ONES * u64::from(b'"'))) | zero_bytes(w ^ (ONES * u64::from(b'\\')))
}

/// The position of the first `"`, `\\` or control byte at or after `pos` (the length
/// when there is none), eight bytes per step.
#[inline(always)]
fn plain_run(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let Ok(w) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let stops = string_stops(u64::from_le_bytes(w));
        if stops != 0 {
            return pos + (stops.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        pos += 1;
    }
    pos
}

/// Scans a string whose content starts at `pos` (after the opening quote): the position
/// after the closing quote, and whether there were escapes. Eight bytes per step while
/// they are plain. A string with bytes of 0x80 or above is checked to be UTF-8 (the only
/// place a JSON text can hold them), so ASCII strings cost no validation.
// Inlined: returned as an aggregate it would go through the shadow stack in wasm.
#[inline(always)]
fn string_end(bytes: &[u8], mut pos: usize) -> Option<(usize, bool)> {
    let start = pos;
    let mut escaped = false;
    let mut high = 0u64;
    loop {
        let b = match bytes.get(pos..pos + 8) {
            Some(chunk) => {
                let w = u64::from_le_bytes(chunk.try_into().ok()?);
                let stops = string_stops(w);
                if stops == 0 {
                    high |= w;
                    pos += 8;
                    continue;
                }
                // Only the bytes before the first stop belong to the plain run.
                high |= w & ((stops & stops.wrapping_neg()) - 1);
                pos += (stops.trailing_zeros() / 8) as usize;
                at(bytes, pos)
            }
            None => {
                let b = at(bytes, pos);
                if b >= 0x20 && b != b'"' && b != b'\\' {
                    high |= u64::from(b);
                    pos += 1;
                    continue;
                }
                b
            }
        };
        match b {
            b'"' => {
                if high & 0x8080_8080_8080_8080 != 0 {
                    std::str::from_utf8(bytes.get(start..pos)?).ok()?;
                }
                return Some((pos + 1, escaped));
            }
            b'\\' => {
                escaped = true;
                pos = escape_end(bytes, pos)?;
            }
            _ => return None,
        }
    }
}

/// The position after the valid escape whose backslash is at `pos`.
fn escape_end(bytes: &[u8], pos: usize) -> Option<usize> {
    match *bytes.get(pos + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(pos + 2),
        b'u' => bytes
            .get(pos + 2..pos + 6)?
            .iter()
            .all(u8::is_ascii_hexdigit)
            .then_some(pos + 6),
        _ => None,
    }
}

/// Skips the array or object at `pos`, which sits at nesting `depth`; the position after it.
fn container(bytes: &[u8], pos: usize, depth: usize, max_depth: usize) -> Option<usize> {
    if depth > max_depth {
        return None;
    }
    let keyed = at(bytes, pos) == b'{';
    let close = if keyed { b'}' } else { b']' };
    let mut pos = ws(bytes, pos + 1);
    if at(bytes, pos) == close {
        return Some(pos + 1);
    }
    loop {
        if keyed {
            if at(bytes, pos) != b'"' {
                return None;
            }
            pos = ws(bytes, string_end(bytes, pos + 1)?.0);
            if at(bytes, pos) != b':' {
                return None;
            }
            pos = ws(bytes, pos + 1);
        }
        pos = match at(bytes, pos) {
            b'"' => string_end(bytes, pos + 1)?.0,
            b'{' | b'[' => container(bytes, pos, depth + 1, max_depth)?,
            b't' => literal(bytes, pos, b"true").ok()?,
            b'f' => literal(bytes, pos, b"false").ok()?,
            b'n' => literal(bytes, pos, b"null").ok()?,
            _ => {
                let mut end = pos;
                number_at(bytes, &mut end).ok()?;
                end
            }
        };
        pos = ws(bytes, pos);
        match at(bytes, pos) {
            b',' => pos = ws(bytes, pos + 1),
            b if b == close => return Some(pos + 1),
            _ => return None,
        }
    }
}

/// Appends `s` as a JSON string literal with RFC 8259 escaping (the one JSON string
/// writer of the crate: storage records, wire messages and binding payloads use it).
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                out.push_str("\\u00");
                for d in [n >> 4, n & 0xf] {
                    out.push(char::from(HEX.get(d).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses a whole document with default [`Limits`].
pub fn parse(input: &str) -> Result<Value<'_>, JsonError> {
    parse_with(input, Limits::default())
}

/// Parses a whole document with the given limits.
pub fn parse_with(input: &str, limits: Limits) -> Result<Value<'_>, JsonError> {
    let mut p = Parser::new(input, limits);
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err(JsonErrorKind::TrailingData));
    }
    Ok(v)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    limits: Limits,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, limits: Limits) -> Parser<'a> {
        Parser {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            limits,
        }
    }

    fn err(&self, kind: JsonErrorKind) -> JsonError {
        JsonError {
            kind,
            offset: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, lit: &[u8]) -> Result<(), JsonError> {
        self.pos = literal(self.bytes, self.pos, lit).map_err(|kind| self.err(kind))?;
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        match self.peek() {
            None => Err(self.err(JsonErrorKind::UnexpectedEnd)),
            Some(b'n') => self.expect_literal(b"null").map(|_| Value::Null),
            Some(b't') => self.expect_literal(b"true").map(|_| Value::Bool(true)),
            Some(b'f') => self.expect_literal(b"false").map(|_| Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => self.object(depth + 1),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(_) => Err(self.err(JsonErrorKind::UnexpectedByte)),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        if depth > self.limits.max_depth {
            return Err(self.err(JsonErrorKind::TooDeep));
        }
        self.pos += 1; // '['
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        if depth > self.limits.max_depth {
            return Err(self.err(JsonErrorKind::TooDeep));
        }
        self.pos += 1; // '{'
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Vec::new()));
        }
        let mut members = Vec::new();
        loop {
            self.skip_ws();
            let key = self.member_key()?;
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    /// Validates one value without building it (mirrors [`Parser::value`] error for error).
    fn skip_value(&mut self, depth: usize) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'[') => self.skip_container(depth + 1, b']', false),
            Some(b'{') => self.skip_container(depth + 1, b'}', true),
            Some(b'"') => self.string().map(drop),
            _ => self.value(depth).map(drop),
        }
    }

    /// Validates an array (`close == b']'`) or object without building it.
    fn skip_container(&mut self, depth: usize, close: u8, keyed: bool) -> Result<(), JsonError> {
        self.elements(depth, close, keyed, |p, _| p.skip_value(depth))
    }

    /// The array (`close == b']'`) or object at the current position, nested at `depth`,
    /// with the errors of [`Parser::array`] and [`Parser::object`]: `each` reads one element,
    /// given the member's key and where the key's content started (objects).
    #[inline(always)]
    fn elements(
        &mut self,
        depth: usize,
        close: u8,
        keyed: bool,
        mut each: impl FnMut(&mut Self, Option<(usize, Cow<'a, str>)>) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        if depth > self.limits.max_depth {
            return Err(self.err(JsonErrorKind::TooDeep));
        }
        self.pos += 1; // '[' or '{'
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            let key = if keyed {
                let start = self.pos + 1;
                Some((start, self.member_key()?))
            } else {
                None
            };
            each(self, key)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b) if b == close => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    /// `"key" :` with the errors of [`Parser::object`]; leaves the position at the value.
    #[inline(always)]
    fn member_key(&mut self) -> Result<Cow<'a, str>, JsonError> {
        match self.peek() {
            Some(b'"') => {}
            Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
            None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
        }
        let key = self.string()?;
        self.skip_ws();
        match self.peek() {
            Some(b':') => self.pos += 1,
            Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
            None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
        }
        self.skip_ws();
        Ok(key)
    }

    /// The members of the object at the current position, handed to `f` one by one.
    fn visit_members(
        &mut self,
        depth: usize,
        f: &mut impl FnMut(Cow<'a, str>, Scalar<'a>),
    ) -> Result<(), JsonError> {
        if depth > self.limits.max_depth {
            return Err(self.err(JsonErrorKind::TooDeep));
        }
        self.pos += 1; // '{'
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            let key = self.member_key()?;
            let scalar = match self.peek() {
                Some(b'[') => self.skip_value(depth).map(|_| Scalar::Array)?,
                Some(b'{') => self.skip_value(depth).map(|_| Scalar::Object)?,
                _ => match self.value(depth)? {
                    Value::Null => Scalar::Null,
                    Value::Bool(b) => Scalar::Bool(b),
                    Value::Number(n) => Scalar::Number(n),
                    Value::String(s) => Scalar::String(s),
                    Value::Array(_) => Scalar::Array,
                    Value::Object(_) => Scalar::Object,
                },
            };
            f(key, scalar);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            }
        }
    }

    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let start = self.pos + 1; // after the opening quote
        // Fast path: no escapes. Eight bytes per step to the first byte that needs attention.
        let (end, escaped) = plain_string(self.bytes, start)?;
        self.pos = end;
        if !escaped {
            self.pos += 1;
            return Ok(Cow::Borrowed(self.src.get(start..end).unwrap_or("")));
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        self.unescape_into(start, &mut out)?;
        Ok(Cow::Owned(out))
    }

    /// The rest of a string with escapes, unescaped and appended to `out`: its content
    /// started at `start` and runs plain up to the backslash at `self.pos`. Consumes the
    /// closing quote.
    fn unescape_into(&mut self, start: usize, out: &mut String) -> Result<(), JsonError> {
        out.push_str(self.src.get(start..self.pos).unwrap_or(""));
        loop {
            match self.peek() {
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek().ok_or(self.err(JsonErrorKind::UnexpectedEnd))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.err(JsonErrorKind::BadString)),
                    }
                }
                Some(b) if b < 0x20 => return Err(self.err(JsonErrorKind::BadString)),
                Some(_) => {
                    // A plain run: stops are ASCII, so both ends are character boundaries.
                    let end = plain_run(self.bytes, self.pos);
                    out.push_str(self.src.get(self.pos..end).unwrap_or(""));
                    self.pos = end;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or(self.err(JsonErrorKind::UnexpectedEnd))?;
        let mut v = 0u32;
        for &d in digits {
            let n = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(self.err(JsonErrorKind::BadString)),
            };
            v = (v << 4) | u32::from(n);
        }
        self.pos += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) {
            // A high surrogate: a low one must follow as another \u escape.
            if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                let save = self.pos;
                self.pos += 2;
                let lo = self.hex4()?;
                if (0xDC00..0xE000).contains(&lo) {
                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    return Ok(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                }
                self.pos = save;
            }
            return Ok('\u{FFFD}');
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    fn number(&mut self) -> Result<f64, JsonError> {
        let mut pos = self.pos;
        let result = scan_number(self.bytes, &mut pos);
        self.pos = pos;
        result.map_err(|kind| self.err(kind))
    }
}

/// Advances `pos` over ASCII digits and returns how many there were.
fn digits(bytes: &[u8], pos: &mut usize) -> usize {
    let start = *pos;
    while let Some(b'0'..=b'9') = bytes.get(*pos) {
        *pos += 1;
    }
    *pos - start
}

/// Reads the number at `pos` (a `-` or a digit), leaving `pos` after it, or where the
/// error is. Integers of up to 19 digits (every JWT time claim) are converted in the same
/// pass that reads them; anything else goes through [`decimal_to_f64`].
fn scan_number(bytes: &[u8], pos: &mut usize) -> Result<f64, JsonErrorKind> {
    // Work on a local copy (kept in a register), written back once.
    let mut local = *pos;
    let result = number_at(bytes, &mut local);
    *pos = local;
    result
}

/// [`scan_number`], inlined where the scanner needs it (no result through memory).
#[inline(always)]
fn number_at(bytes: &[u8], pos: &mut usize) -> Result<f64, JsonErrorKind> {
    let negative = bytes.get(*pos) == Some(&b'-');
    if negative {
        *pos += 1;
    }
    let int_start = *pos;
    let mut mantissa = 0u64;
    // Eight digits per step while there are eight (a timestamp has ten), then one by one.
    while let Some(w) = bytes
        .get(*pos..*pos + 8)
        .and_then(|chunk| chunk.try_into().ok())
        .map(u64::from_le_bytes)
        .filter(|&w| eight_digits(w))
    {
        mantissa = mantissa
            .wrapping_mul(100_000_000)
            .wrapping_add(eight_digits_value(w));
        *pos += 8;
    }
    while let Some(&d @ b'0'..=b'9') = bytes.get(*pos) {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        *pos += 1;
    }
    let int_len = *pos - int_start;
    if int_len == 0 {
        return Err(JsonErrorKind::BadNumber);
    }
    if int_len > 1 && bytes.get(int_start) == Some(&b'0') {
        return Err(JsonErrorKind::BadNumber);
    }
    if int_len <= 19 && !matches!(bytes.get(*pos), Some(b'.' | b'e' | b'E')) {
        // What `decimal_to_f64` returns for these digits: all are significant (19 fit in a
        // u64 without wrapping), the scale is 0, and "0" is the only one with a leading zero.
        let v = mantissa as f64;
        return Ok(if negative { -v } else { v });
    }
    let mut frac_range = (0, 0);
    if bytes.get(*pos) == Some(&b'.') {
        *pos += 1;
        let fs = *pos;
        if digits(bytes, pos) == 0 {
            return Err(JsonErrorKind::BadNumber);
        }
        frac_range = (fs, *pos);
    }
    let mut exp: i64 = 0;
    if let Some(b'e' | b'E') = bytes.get(*pos) {
        *pos += 1;
        let mut exp_neg = false;
        match bytes.get(*pos) {
            Some(b'-') => {
                exp_neg = true;
                *pos += 1;
            }
            Some(b'+') => *pos += 1,
            _ => {}
        }
        let es = *pos;
        if digits(bytes, pos) == 0 {
            return Err(JsonErrorKind::BadNumber);
        }
        for &d in bytes.get(es..*pos).unwrap_or(&[]) {
            exp = (exp * 10 + i64::from(d - b'0')).min(100_000);
        }
        if exp_neg {
            exp = -exp;
        }
    }
    let int_digits = bytes.get(int_start..int_start + int_len).unwrap_or(&[]);
    let frac_digits = bytes.get(frac_range.0..frac_range.1).unwrap_or(&[]);
    let v = decimal_to_f64(int_digits, frac_digits, exp);
    Ok(if negative { -v } else { v })
}

/// Whether all eight bytes of `w` are ASCII digits.
#[inline(always)]
fn eight_digits(w: u64) -> bool {
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    (w & HIGH_NIBBLES) | ((w.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES) >> 4)
        == 0x3333_3333_3333_3333
}

/// The value of eight ASCII digits loaded little-endian (first digit in the lowest byte):
/// pairs, then quads, then the whole, with three multiplications.
#[inline(always)]
fn eight_digits_value(w: u64) -> u64 {
    let v = w.wrapping_sub(0x3030_3030_3030_3030);
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let low = (v & 0x0000_00FF_0000_00FF).wrapping_mul(100 + (1_000_000 << 32));
    let high = ((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32));
    low.wrapping_add(high) >> 32
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Converts decimal digits to `f64`: exact for mantissas up to 2^53 scaled by 10^±22
/// (the classic fast path), a close approximation beyond.
pub(crate) fn decimal_to_f64(int_digits: &[u8], frac_digits: &[u8], exp: i64) -> f64 {
    let mut mantissa: u64 = 0;
    let mut scale: i64 = exp;
    let mut significant = 0usize;
    let mut leading = true;
    for &d in int_digits {
        if leading && d == b'0' {
            continue;
        }
        leading = false;
        if significant < 19 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            significant += 1;
        } else {
            scale += 1; // dropped integer digit
        }
    }
    for &d in frac_digits {
        if leading && d == b'0' {
            scale -= 1;
            continue;
        }
        leading = false;
        if significant < 19 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            significant += 1;
            scale -= 1;
        }
    }
    if mantissa == 0 {
        return 0.0;
    }
    let m = mantissa as f64;
    if scale == 0 {
        return m;
    }
    let table = |e: i64| -> f64 { POW10.get(e as usize).copied().unwrap_or(1e22) };
    if (1..=22).contains(&scale) {
        return m * table(scale);
    }
    if (-22..0).contains(&scale) {
        return m / table(-scale);
    }
    // Slow path: scale in steps; saturates to 0 or infinity.
    let mut v = m;
    let mut s = scale;
    while s > 0 && v.is_finite() {
        let step = s.min(22);
        v *= table(step);
        s -= step;
    }
    while s < 0 && v != 0.0 {
        let step = (-s).min(22);
        v /= table(step);
        s += step;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_documents() {
        let v = parse(r#"{"error":{"code":"throttled","details":{"wait_seconds":45}}}"#).unwrap();
        assert_eq!(
            v.path(&["error", "code"]).and_then(Value::as_str),
            Some("throttled")
        );
        assert_eq!(
            v.path(&["error", "details", "wait_seconds"])
                .and_then(Value::as_f64),
            Some(45.0)
        );
        assert_eq!(v.path(&["error", "missing"]), None);
    }

    #[test]
    fn numbers_are_exact_where_it_matters() {
        for (text, want) in [
            ("0", 0.0),
            ("-0", 0.0),
            ("1700000000", 1_700_000_000.0),
            ("9007199254740993", 9_007_199_254_740_992.0),
            ("1.5", 1.5),
            ("0.1", 0.1),
            ("2.5e3", 2500.0),
            ("1E-2", 0.01),
            ("123.456", 123.456),
            ("-42", -42.0),
            ("0.000001", 0.000001),
        ] {
            assert_eq!(parse(text).unwrap(), Value::Number(want), "{text}");
        }
        assert_eq!(parse("1e400").unwrap().as_f64(), None);
        assert_eq!(parse("1e-400").unwrap(), Value::Number(0.0));
        assert_eq!(
            parse("1e99999999999999999999").unwrap(),
            Value::Number(f64::INFINITY)
        );
    }

    #[test]
    fn integer_fast_path_equals_the_general_conversion() {
        let mut rng = crate::core::rand::SplitMix64::new(0x6469_6773);
        for case in 0..20_000 {
            let len = 1 + rng.below(24) as usize;
            let mut digits: Vec<u8> = (0..len).map(|_| b'0' + rng.below(10) as u8).collect();
            if len > 1 && digits[0] == b'0' {
                digits[0] = b'1' + rng.below(9) as u8;
            }
            let negative = rng.below(2) == 0;
            let text = format!(
                "{}{}",
                if negative { "-" } else { "" },
                std::str::from_utf8(&digits).unwrap()
            );
            let want = decimal_to_f64(&digits, &[], 0);
            let want = if negative { -want } else { want };
            let got = parse(&text).unwrap();
            assert_eq!(got, Value::Number(want), "case {case}: {text}");
            if let Value::Number(n) = got {
                assert_eq!(n.to_bits(), want.to_bits(), "case {case}: {text}");
            }
        }
        for w in [
            *b"12345678",
            *b"00000000",
            *b"99999999",
            *b"1234567:",
            *b"/1234567",
        ] {
            let is = w.iter().all(u8::is_ascii_digit);
            assert_eq!(eight_digits(u64::from_le_bytes(w)), is, "{w:?}");
        }
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut w = *b"09090909";
                w[at] = b;
                let got = eight_digits(u64::from_le_bytes(w));
                assert_eq!(got, b.is_ascii_digit(), "byte {b} at {at}");
            }
        }
        assert_eq!(
            eight_digits_value(u64::from_le_bytes(*b"12345678")),
            12_345_678
        );
        assert_eq!(
            eight_digits_value(u64::from_le_bytes(*b"99999999")),
            99_999_999
        );
    }

    #[test]
    fn rejects_malformed_numbers() {
        for text in ["01", "-", "1.", ".5", "1e", "+1", "1e+", "NaN", "Infinity"] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn strings_unescape_and_borrow() {
        let v = parse(r#""plain""#).unwrap();
        assert!(matches!(v, Value::String(Cow::Borrowed("plain"))));
        let v = parse(r#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"b\\c/d\né😀"));
        assert_eq!(parse(r#""\ud800x""#).unwrap().as_str(), Some("\u{FFFD}x"));
        assert_eq!(parse(r#""\udc00""#).unwrap().as_str(), Some("\u{FFFD}"));
        assert_eq!(parse("\"日本語\"").unwrap().as_str(), Some("日本語"));
        assert_eq!(
            parse("\"a\\qb\"").unwrap_err().kind,
            JsonErrorKind::BadString
        );
        assert_eq!(
            parse("\"a\nb\"").unwrap_err().kind,
            JsonErrorKind::BadString
        );
        assert_eq!(
            parse("\"\\u12zz\"").unwrap_err().kind,
            JsonErrorKind::BadString
        );
        assert_eq!(
            parse("\"abc").unwrap_err().kind,
            JsonErrorKind::UnexpectedEnd
        );
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let v = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_f64), Some(2.0));
        assert_eq!(v.as_object().map(<[_]>::len), Some(2));
    }

    #[test]
    fn depth_is_bounded_without_recursion_blowup() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().kind, JsonErrorKind::TooDeep);
        let deep_obj = "{\"a\":".repeat(100_000);
        assert_eq!(parse(&deep_obj).unwrap_err().kind, JsonErrorKind::TooDeep);
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(&ok).is_ok());
        let too = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(parse(&too).unwrap_err().kind, JsonErrorKind::TooDeep);
    }

    #[test]
    fn structural_errors_are_typed() {
        assert_eq!(parse("").unwrap_err().kind, JsonErrorKind::UnexpectedEnd);
        assert_eq!(parse("{} x").unwrap_err().kind, JsonErrorKind::TrailingData);
        assert_eq!(
            parse("[1,]").unwrap_err().kind,
            JsonErrorKind::UnexpectedByte
        );
        assert_eq!(
            parse("{\"a\" 1}").unwrap_err().kind,
            JsonErrorKind::UnexpectedByte
        );
        assert_eq!(
            parse("{\"a\":1").unwrap_err().kind,
            JsonErrorKind::UnexpectedEnd
        );
        assert_eq!(parse("tru").unwrap_err().kind, JsonErrorKind::UnexpectedEnd);
        assert_eq!(
            parse("trux").unwrap_err().kind,
            JsonErrorKind::UnexpectedByte
        );
        assert_eq!(
            parse("{1:2}").unwrap_err().kind,
            JsonErrorKind::UnexpectedByte
        );
        assert_eq!(
            parse(" [ true , false , null ] ")
                .unwrap()
                .as_array()
                .map(<[_]>::len),
            Some(3)
        );
    }

    #[test]
    fn visit_object_sees_members_and_matches_parse_errors() {
        let mut seen = Vec::new();
        let doc = r#"{"exp":1700000000,"sub":"a\u00e9","n":null,"t":true,"arr":[1,{"x":[]}],"o":{"k":"v"}}"#;
        let is_obj = visit_object(doc, Limits::default(), |k, v| {
            seen.push((k.into_owned(), v.clone().into_owned_string()))
        })
        .unwrap();
        assert!(is_obj);
        assert_eq!(
            seen,
            vec![
                ("exp".to_string(), Scalar::Number(1_700_000_000.0)),
                (
                    "sub".to_string(),
                    Scalar::String(Cow::Owned("aé".to_string()))
                ),
                ("n".to_string(), Scalar::Null),
                ("t".to_string(), Scalar::Bool(true)),
                ("arr".to_string(), Scalar::Array),
                ("o".to_string(), Scalar::Object),
            ]
        );
        assert_eq!(
            visit_object("[1,2]", Limits::default(), |_, _| {}),
            Ok(false)
        );
        assert_eq!(
            visit_object("\"s\"", Limits::default(), |_, _| {}),
            Ok(false)
        );
        // Every input: visit_object fails exactly when parse fails, with the same error.
        let mut rng = crate::core::rand::SplitMix64::new(11);
        let alphabet = b"{}[]\":,0123456789-+.eEtrufalsn \\u\x01ab";
        for _ in 0..50_000 {
            let len = (rng.next_u64() % 30) as usize;
            let s: String = rng.text_from(alphabet, len);
            let limits = Limits { max_depth: 3 };
            let parsed = parse_with(&s, limits);
            let visited = visit_object(&s, limits, |_, _| {});
            match (&parsed, &visited) {
                (Ok(v), Ok(is_obj)) => assert_eq!(matches!(v, Value::Object(_)), *is_obj, "{s}"),
                (Err(a), Err(b)) => assert_eq!(a, b, "{s}"),
                _ => panic!("parse {parsed:?} vs visit {visited:?} on {s:?}"),
            }
        }
        let deep = "{\"a\":".repeat(100_000);
        assert_eq!(
            visit_object(&deep, Limits::default(), |_, _| {})
                .unwrap_err()
                .kind,
            JsonErrorKind::TooDeep
        );
    }

    impl Scalar<'_> {
        fn into_owned_string(self) -> Scalar<'static> {
            match self {
                Scalar::String(s) => Scalar::String(Cow::Owned(s.into_owned())),
                Scalar::Null => Scalar::Null,
                Scalar::Bool(b) => Scalar::Bool(b),
                Scalar::Number(n) => Scalar::Number(n),
                Scalar::Array => Scalar::Array,
                Scalar::Object => Scalar::Object,
            }
        }
    }

    /// A random JSON text (valid unless `mutate` edits it), mixing every construct.
    pub(crate) fn random_json(
        rng: &mut crate::core::rand::SplitMix64,
        depth: u32,
        out: &mut String,
    ) {
        const WS: [&str; 5] = ["", "", "", " ", "\n\t"];
        const STRINGS: [&str; 12] = [
            "exp",
            "typ",
            "",
            "plain text",
            "a\\\"b",
            "\\u00e9t\\u00E9",
            "\\ud83d\\ude00",
            "\\/\\b\\f\\n\\r\\t",
            "José 日本語 😀",
            "0123456789abcdefghij",
            "\\u12",
            "tab\there",
        ];
        const NUMBERS: [&str; 14] = [
            "0",
            "-0",
            "1706357400",
            "42",
            "-7",
            "1.5",
            "2.5e3",
            "1E-2",
            "1e400",
            "12345678901234567890123",
            "9007199254740993",
            "0.000001",
            "01",
            "1.",
        ];
        let pick = |rng: &mut crate::core::rand::SplitMix64, n: usize| rng.below(n as u64) as usize;
        out.push_str(WS[pick(rng, WS.len())]);
        match if depth == 0 {
            pick(rng, 4)
        } else {
            pick(rng, 6)
        } {
            0 => out.push_str(["null", "true", "false", "nul"][pick(rng, 4)]),
            1 => out.push_str(NUMBERS[pick(rng, NUMBERS.len())]),
            2 | 3 => {
                out.push('"');
                out.push_str(STRINGS[pick(rng, STRINGS.len())]);
                out.push('"');
            }
            4 => {
                out.push('[');
                for i in 0..pick(rng, 4) {
                    if i > 0 {
                        out.push(',');
                    }
                    random_json(rng, depth - 1, out);
                }
                out.push(']');
            }
            _ => {
                out.push('{');
                for i in 0..pick(rng, 5) {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(WS[pick(rng, WS.len())]);
                    out.push('"');
                    out.push_str(STRINGS[pick(rng, STRINGS.len())]);
                    out.push('"');
                    out.push_str(WS[pick(rng, WS.len())]);
                    out.push(':');
                    random_json(rng, depth - 1, out);
                }
                out.push('}');
            }
        }
        out.push_str(WS[pick(rng, WS.len())]);
    }

    /// Edits one random byte position (replace, insert or delete) with JSON-ish bytes.
    pub(crate) fn mutate(rng: &mut crate::core::rand::SplitMix64, text: &str) -> String {
        let mut bytes = text.as_bytes().to_vec();
        let alphabet = b"{}[]\":,0123456789-+.eE \\u\x01\x7f\x00ntf";
        let at = rng.below(bytes.len() as u64 + 1) as usize;
        let b = alphabet[rng.below(alphabet.len() as u64) as usize];
        match rng.below(3) {
            0 if at < bytes.len() => bytes[at] = b,
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, b),
        }
        String::from_utf8(bytes).unwrap_or_default()
    }

    #[test]
    fn scan_object_agrees_with_visit_object() {
        let mut rng = crate::core::rand::SplitMix64::new(0x5ca2);
        let mut scanned = 0;
        for case in 0..40_000 {
            let mut text = String::new();
            if rng.below(2) == 0 {
                text.push('{');
                text.push_str(r#""k":"#);
                random_json(&mut rng, 3, &mut text);
                text.push('}');
            } else {
                random_json(&mut rng, 4, &mut text);
            }
            if rng.below(3) == 0 {
                text = mutate(&mut rng, &text);
            }
            let mut bytes = text.clone().into_bytes();
            if rng.below(10) == 0 && !bytes.is_empty() {
                // Not UTF-8 any more (most of the time): must be declined.
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] = [0xff, 0xc3, 0x80, 0xe6][rng.below(4) as usize];
            }
            let max_depth = [64, 2, 3, 1, 0][(case % 5) as usize];
            let limits = Limits { max_depth };
            let mut fast = Vec::new();
            let scan = scan_object(&bytes, limits, |k, v| fast.push((k, v)));
            let Ok(text) = String::from_utf8(bytes.clone()) else {
                assert_eq!(scan, None, "case {case}: accepted bytes that are not UTF-8");
                continue;
            };
            let mut exact = Vec::new();
            let visit = visit_object(&text, limits, |k, v| exact.push((k, v)));
            let Some(()) = scan else {
                // The fast path may decline anything; the exact path then decides.
                continue;
            };
            scanned += 1;
            assert_eq!(visit, Ok(true), "case {case}: scan accepted {text:?}");
            assert_eq!(fast.len(), exact.len(), "case {case}: {text:?}");
            for ((fk, fv), (ek, ev)) in fast.iter().zip(&exact) {
                assert_eq!(std::str::from_utf8(fk).ok(), Some(&**ek), "case {case}");
                let same = match (fv, ev) {
                    (RawScalar::Null, Scalar::Null) => true,
                    (RawScalar::Bool(a), Scalar::Bool(b)) => a == b,
                    (RawScalar::Number(a), Scalar::Number(b)) => a.to_bits() == b.to_bits(),
                    (RawScalar::String(a), Scalar::String(b)) => *a == b.as_bytes(),
                    (RawScalar::EscapedString, Scalar::String(_)) => true,
                    (RawScalar::Array, Scalar::Array) => true,
                    (RawScalar::Object, Scalar::Object) => true,
                    _ => false,
                };
                assert!(same, "case {case}: {fv:?} vs {ev:?} in {text:?}");
            }
        }
        // The fast path must actually take the common documents.
        assert!(
            scanned > 8_000,
            "only {scanned} documents took the fast path"
        );
        let claims = br#"{"token_type":"access","exp":1706357400,"iat":1706353800,"jti":"9f0c","user_id":42,"aud":["a","b"],"o":{"x":[1,{"y":null}]},"n":"Jos\u00e9"}"#;
        let mut seen = Vec::new();
        assert_eq!(
            scan_object(claims, Limits::default(), |k, v| seen.push((k, v))),
            Some(())
        );
        assert_eq!(seen.len(), 8);
        assert_eq!(seen[1], (&b"exp"[..], RawScalar::Number(1_706_357_400.0)));
        assert_eq!(seen[0].1, RawScalar::String(b"access"));
        assert_eq!(seen[7].1, RawScalar::EscapedString);
        // Declined, although valid: an escaped key, nesting beyond the scanner's bound.
        assert_eq!(
            scan_object(br#"{"e\u0078p":1}"#, Limits::default(), |_, _| {}),
            None
        );
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(130), "]".repeat(130));
        let limits = Limits { max_depth: 500 };
        assert_eq!(scan_object(deep.as_bytes(), limits, |_, _| {}), None);
        assert_eq!(visit_object(&deep, limits, |_, _| {}), Ok(true));
    }

    #[test]
    fn write_string_round_trips_through_parse() {
        for text in [
            "plain",
            "q\"b\\s/",
            "nl\ncr\rtab\t",
            "\u{1}\u{1f}\u{7f}",
            "é 日本語 😀",
            "",
        ] {
            let mut out = String::new();
            write_string(&mut out, text);
            assert_eq!(parse(&out).unwrap().as_str(), Some(text), "{out}");
        }
        let mut out = String::new();
        write_string(&mut out, "a\u{1}\"");
        assert_eq!(out, "\"a\\u0001\\\"\"");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut rng = crate::core::rand::SplitMix64::new(7);
        let alphabet = b"{}[]\":,0123456789-+.eEtrufalsn \\u\x01abc";
        for _ in 0..20_000 {
            let len = (rng.next_u64() % 40) as usize;
            let s: String = rng.text_from(alphabet, len);
            let _ = parse(&s);
        }
    }
}
