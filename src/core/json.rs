//! The crate's one JSON reader: a small, strict, bounded parser into a borrowed [`Value`] tree.
//!
//! Why not `serde_json`: measured in the release wasm (see docs/classify.md), this reader is
//! smaller, and it reads documents the way `JSON.parse` does where `serde_json` refuses them:
//!
//! - RFC 8259 grammar, strictly (no comments, no trailing commas, no leading zeros);
//! - nesting depth bounded by [`Limits::max_depth`] (default 64), so a body nested 100 000
//!   deep is a typed error, not a stack overflow; memory is a small factor of the input;
//! - duplicate keys are kept in order and [`Value::get`] returns the last, as `JSON.parse`;
//! - a lone UTF-16 surrogate from a `\u` escape becomes U+FFFD (`JSON.parse` keeps the lone
//!   surrogate, which a Rust string cannot hold; `serde_json` rejects the document);
//! - every number `JSON.stringify` writes from 1e-5 to 1e37 reads back as the same `f64`
//!   (correctly rounded); others are within a few units in the last place (see
//!   [`decimal_to_f64`]);
//! - a number out of `f64` range becomes an infinity (`JSON.parse` gives `Infinity`;
//!   `serde_json` rejects the document); callers treat it as "not a usable number";
//! - strings without escapes are borrowed from the input.
//!
//! [`de`] reads the same grammar straight into serde types (the inputs that cross from
//! JavaScript). The tests below check the reader against `serde_json` on random and mutated
//! documents, `de`'s own tests do so for [`de`] on every type that crosses, and so
//! does the fuzz target `classify_body`.

use std::borrow::Cow;

pub mod de;

/// A parsed JSON value borrowing from the input where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number (infinite when out of `f64` range).
    Number(f64),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object: members in document order, duplicates kept.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The last member named `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Follows `keys` through nested objects.
    pub fn path(&self, keys: &[&str]) -> Option<&Value<'a>> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, when this is a finite one (an out-of-range number is not usable).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, when this is an array.
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

    /// True for an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// True for an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }
}

/// A value inside a parsed document, as the readers of error bodies pass it around.
pub type Node<'v> = &'v Value<'v>;

/// Bounds on what [`parse_with`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of arrays and objects accepted. Default 64, at most 512.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 64 }
    }
}

/// The deepest nesting any caller may ask for: the parser recurses once per level.
const DEPTH_CEILING: usize = 512;

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

/// Parses a whole document with default [`Limits`].
pub fn parse(input: &str) -> Result<Value<'_>, JsonError> {
    parse_with(input, Limits::default())
}

/// Parses a whole document with the given limits.
pub fn parse_with(input: &str, limits: Limits) -> Result<Value<'_>, JsonError> {
    let mut p = Parser::new(input, limits);
    let v = p.value(0)?;
    p.finish()?;
    Ok(v)
}

/// Appends `s` as a JSON string literal with RFC 8259 escaping.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A top-level member value handed over by [`visit_object`].
///
/// Kept only for the JWT decoder until it reads claims with serde; new code uses [`Value`].
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string, unescaped.
    String(Cow<'a, str>),
    /// An array.
    Array,
    /// An object.
    Object,
}

/// Parses `input` as [`parse_with`] does and, when it is an object, calls `f` with each
/// top-level member in order. Returns whether the document is an object.
///
/// Kept only for the JWT decoder until it reads claims with serde.
pub fn visit_object<'a>(
    input: &'a str,
    limits: Limits,
    mut f: impl FnMut(Cow<'a, str>, Scalar<'a>),
) -> Result<bool, JsonError> {
    let Value::Object(members) = parse_with(input, limits)? else {
        return Ok(false);
    };
    for (k, v) in members {
        let scalar = match v {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(b),
            Value::Number(n) => Scalar::Number(n),
            Value::String(s) => Scalar::String(s),
            Value::Array(_) => Scalar::Array,
            Value::Object(_) => Scalar::Object,
        };
        f(k, scalar);
    }
    Ok(true)
}

/// A top-level member value handed over by [`scan_object`].
///
/// Kept only for the JWT decoder until it reads claims with serde.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawScalar<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string without escapes: the bytes between the quotes.
    String(&'a [u8]),
    /// A string with escapes.
    EscapedString,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// [`visit_object`] over bytes, with keys as raw bytes: `None` when the document is not
/// UTF-8, not valid, not an object, or has a key with escapes.
///
/// Kept only for the JWT decoder until it reads claims with serde.
pub fn scan_object<'a>(
    input: &'a [u8],
    limits: Limits,
    mut f: impl FnMut(&'a [u8], RawScalar<'a>),
) -> Option<()> {
    let text = std::str::from_utf8(input).ok()?;
    let Value::Object(members) = parse_with(text, limits).ok()? else {
        return None;
    };
    if members.iter().any(|(k, _)| matches!(k, Cow::Owned(_))) {
        return None;
    }
    for (k, v) in members {
        let (Cow::Borrowed(k), scalar) = (
            k,
            match v {
                Value::Null => RawScalar::Null,
                Value::Bool(b) => RawScalar::Bool(b),
                Value::Number(n) => RawScalar::Number(n),
                Value::String(Cow::Borrowed(s)) => RawScalar::String(s.as_bytes()),
                Value::String(Cow::Owned(_)) => RawScalar::EscapedString,
                Value::Array(_) => RawScalar::Array,
                Value::Object(_) => RawScalar::Object,
            },
        ) else {
            return None;
        };
        f(k.as_bytes(), scalar);
    }
    Some(())
}

/// The reader's tokens and rules, shared by the tree builder ([`parse_with`]) and the serde
/// deserializer ([`de`]). Each method starts at the token (white space already skipped).
struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
}

/// A number token: its value, and its digits when written as a whole number (no fraction,
/// no exponent), which `serde` reads as an integer.
struct Number<'a> {
    value: f64,
    negative: bool,
    whole: Option<&'a [u8]>,
}

impl<'a> Parser<'a> {
    /// At the first token of `input` (leading white space skipped).
    fn new(input: &'a str, limits: Limits) -> Self {
        let mut p = Parser {
            src: input,
            bytes: input.as_bytes(),
            pos: 0,
            max_depth: limits.max_depth.min(DEPTH_CEILING),
        };
        p.skip_ws();
        p
    }

    /// After the document's value: only white space may follow.
    fn finish(&mut self) -> Result<(), JsonError> {
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.err(JsonErrorKind::TrailingData));
        }
        Ok(())
    }

    fn err(&self, kind: JsonErrorKind) -> JsonError {
        JsonError {
            kind,
            offset: self.pos,
        }
    }

    /// `UnexpectedEnd` at the end of input, else `kind`.
    fn err_or_end(&self, kind: JsonErrorKind) -> JsonError {
        if self.pos >= self.bytes.len() {
            self.err(JsonErrorKind::UnexpectedEnd)
        } else {
            self.err(kind)
        }
    }

    /// The byte at the cursor. Inlined: every loop of the reader calls it once per byte, and
    /// the size-first release profile would otherwise keep it a call.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `lit` (`null`, `true`, `false`).
    fn literal(&mut self, lit: &[u8]) -> Result<(), JsonError> {
        for &want in lit {
            match self.peek() {
                Some(b) if b == want => self.pos += 1,
                Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
                None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            }
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        match self.peek() {
            None => Err(self.err(JsonErrorKind::UnexpectedEnd)),
            Some(b'n') => self.literal(b"null").map(|()| Value::Null),
            Some(b't') => self.literal(b"true").map(|()| Value::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|()| Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => self.object(depth + 1),
            Some(b'-' | b'0'..=b'9') => self.number().map(|n| Value::Number(n.value)),
            Some(_) => Err(self.err(JsonErrorKind::UnexpectedByte)),
        }
    }

    /// After an element: `,` (true: another follows) or `close` (false: done).
    fn next_or_close(&mut self, close: u8) -> Result<bool, JsonError> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                Ok(true)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.err_or_end(JsonErrorKind::UnexpectedByte)),
        }
    }

    /// Enters an array or object at `depth`: false when it is empty (and consumed).
    fn open(&mut self, depth: usize, close: u8) -> Result<bool, JsonError> {
        if depth > self.max_depth {
            return Err(self.err(JsonErrorKind::TooDeep));
        }
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(false);
        }
        Ok(true)
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        let mut items = Vec::new();
        let mut more = self.open(depth, b']')?;
        while more {
            items.push(self.value(depth)?);
            more = self.next_or_close(b']')?;
        }
        Ok(Value::Array(items))
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        let mut members = Vec::new();
        let mut more = self.open(depth, b'}')?;
        while more {
            let key = self.member_key()?;
            let value = self.value(depth)?;
            members.push((key, value));
            more = self.next_or_close(b'}')?;
        }
        Ok(Value::Object(members))
    }

    /// A member's name and the `:` after it; stops at the value.
    fn member_key(&mut self) -> Result<Cow<'a, str>, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.err_or_end(JsonErrorKind::UnexpectedByte));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.err_or_end(JsonErrorKind::UnexpectedByte));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(key)
    }

    /// The string whose opening quote is at the current position.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.pos += 1;
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            // Plain characters up to the next quote, backslash or control character.
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            self.pos += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            let Some(b) = self.peek() else {
                return Err(self.err(JsonErrorKind::UnexpectedEnd));
            };
            match b {
                b'"' => {
                    let tail = self.src.get(run..self.pos).unwrap_or("");
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(self.src.get(run..self.pos).unwrap_or(""));
                    self.escape(s)?;
                    run = self.pos;
                }
                _ => return Err(self.err(JsonErrorKind::BadString)),
            }
        }
    }

    /// Appends the escape whose backslash is at the current position.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = match self.bytes.get(self.pos + 1) {
            None => {
                self.pos += 1;
                return Err(self.err(JsonErrorKind::UnexpectedEnd));
            }
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let unit = self.hex4(self.pos + 2)?;
                self.pos += 6;
                out.push(self.after_unit(unit));
                return Ok(());
            }
            Some(_) => return Err(self.err(JsonErrorKind::BadString)),
        };
        out.push(c);
        self.pos += 2;
        Ok(())
    }

    /// The character of UTF-16 unit `unit` (just read): a high surrogate takes the low one
    /// that follows as `\uXXXX`; a lone surrogate is U+FFFD.
    fn after_unit(&mut self, unit: u32) -> char {
        if (0xD800..0xDC00).contains(&unit)
            && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
        {
            if let Ok(low) = self.hex4(self.pos + 2) {
                if (0xDC00..0xE000).contains(&low) {
                    self.pos += 6;
                    let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    return char::from_u32(c).unwrap_or('\u{FFFD}');
                }
            }
        }
        char::from_u32(unit).unwrap_or('\u{FFFD}')
    }

    /// The four hex digits at `at`.
    fn hex4(&self, at: usize) -> Result<u32, JsonError> {
        let Some(digits) = self.bytes.get(at..at + 4) else {
            return Err(JsonError {
                kind: JsonErrorKind::UnexpectedEnd,
                offset: self.bytes.len(),
            });
        };
        digits.iter().try_fold(0u32, |n, &d| {
            let v = char::from(d).to_digit(16).ok_or(JsonError {
                kind: JsonErrorKind::BadString,
                offset: at,
            })?;
            Ok(n * 16 + v)
        })
    }

    /// Consumes a run of ASCII digits; returns them.
    fn digits(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.bytes.get(start..self.pos).unwrap_or(&[])
    }

    fn number(&mut self) -> Result<Number<'a>, JsonError> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let int = self.digits();
        if int.is_empty() || (int.len() > 1 && int.first() == Some(&b'0')) {
            return Err(self.err_or_end(JsonErrorKind::BadNumber));
        }
        let mut frac: &[u8] = &[];
        if self.peek() == Some(b'.') {
            self.pos += 1;
            frac = self.digits();
            if frac.is_empty() {
                return Err(self.err_or_end(JsonErrorKind::BadNumber));
            }
        }
        let mut exp: i64 = 0;
        let mut has_exp = false;
        if let Some(b'e' | b'E') = self.peek() {
            has_exp = true;
            self.pos += 1;
            let exp_negative = self.peek() == Some(b'-');
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            let digits = self.digits();
            if digits.is_empty() {
                return Err(self.err_or_end(JsonErrorKind::BadNumber));
            }
            // Saturates: an exponent past a million already means 0 or infinity.
            let magnitude = digits
                .iter()
                .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(1_000_000));
            exp = if exp_negative { -magnitude } else { magnitude };
        }
        let n = decimal_to_f64(int, frac, exp);
        Ok(Number {
            value: if negative { -n } else { n },
            negative,
            whole: (frac.is_empty() && !has_exp).then_some(int),
        })
    }
}

/// `mantissa × 10^scale` correctly rounded, when the arithmetic fits in 128 bits: a whole
/// product, or a quotient by at most 10^21.
fn exact(mantissa: u64, scale: i64) -> Option<f64> {
    let m = u128::from(mantissa);
    let power = 10u128.checked_pow(u32::try_from(scale.unsigned_abs()).ok()?)?;
    if scale >= 0 {
        // u128 to f64 rounds to nearest, ties to even.
        return Some(m.checked_mul(power)? as f64);
    }
    if power >> 71 != 0 {
        return None;
    }
    // Shifted so that the quotient keeps at least 55 bits: the 53 an f64 holds, one to round
    // by, and below them a bit set when there is a remainder, so that the conversion rounds
    // as the exact quotient would. Dividing by a power of two is exact.
    let shift = m.leading_zeros() - 1;
    let n = m << shift;
    let q = (n / power) | u128::from(n % power != 0);
    Some(q as f64 / (1u128 << shift) as f64)
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Converts decimal digits times `10^exp` to `f64`. Correctly rounded when the significant
/// digits fit in 19 (more are dropped: they must be zeros) and the value can be computed
/// exactly in 128 bits ([`exact`]), which covers every number from 1e-5 to 1e37 that
/// `JSON.stringify` writes (at most 17 significant digits) and every status, delay and epoch
/// time; otherwise within a few units in the last place (the core's own `f64` parser would
/// add ~14 KB gzip of tables to the wasm). Out of range: infinity or 0.
pub(crate) fn decimal_to_f64(int_digits: &[u8], frac_digits: &[u8], exp: i64) -> f64 {
    let mut mantissa: u64 = 0;
    let mut scale = exp;
    let mut significant = 0usize;
    let mut dropped = false;
    for &d in int_digits.iter().chain(frac_digits) {
        if mantissa == 0 && d == b'0' {
            continue; // a leading zero
        }
        if significant < 19 {
            mantissa = mantissa * 10 + u64::from(d - b'0');
            significant += 1;
        } else {
            scale += 1; // a digit beyond 19 significant ones is dropped
            dropped |= d != b'0';
        }
    }
    scale -= frac_digits.len() as i64;
    if mantissa == 0 {
        return 0.0;
    }
    if let Some(v) = exact(mantissa, scale).filter(|_| !dropped) {
        return v;
    }
    let m = mantissa as f64;
    if mantissa < (1 << 53) {
        if let Some(&p) = usize::try_from(scale.unsigned_abs())
            .ok()
            .and_then(|i| POW10.get(i))
        {
            return if scale < 0 { m / p } else { m * p };
        }
    }
    let mut value = m;
    let mut rest = scale;
    while rest > 22 && value.is_finite() {
        value *= 1e22;
        rest -= 22;
    }
    while rest < -22 && value != 0.0 {
        value /= 1e22;
        rest += 22;
    }
    let p = usize::try_from(rest.unsigned_abs())
        .ok()
        .and_then(|i| POW10.get(i))
        .copied()
        .unwrap_or(1.0);
    if rest < 0 { value / p } else { value * p }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::rand::SplitMix64;

    #[test]
    fn scalars_and_containers() {
        assert_eq!(parse("null"), Ok(Value::Null));
        assert_eq!(parse(" true "), Ok(Value::Bool(true)));
        assert_eq!(parse("-12.5e1").unwrap().as_f64(), Some(-125.0));
        assert_eq!(parse("0.1").unwrap().as_f64(), Some(0.1));
        assert_eq!(
            parse("1700000000123").unwrap().as_f64(),
            Some(1.700000000123e12)
        );
        assert_eq!(parse("1e400"), Ok(Value::Number(f64::INFINITY)));
        assert_eq!(parse("-1e400"), Ok(Value::Number(f64::NEG_INFINITY)));
        assert_eq!(parse("1e400").unwrap().as_f64(), None);
        assert_eq!(parse("1e-400").unwrap().as_f64(), Some(0.0));
        let v = parse(r#"{"a":{"b":[1,"x",null]}}"#).unwrap();
        assert_eq!(
            v.path(&["a", "b"])
                .and_then(Value::as_array)
                .map(<[_]>::len),
            Some(3)
        );
    }

    #[test]
    fn numbers_read_back_exactly() {
        // As JavaScript writes them (shortest round trip, exponent with a sign), any f64
        // from 1e-5 to 1e37.
        let mut rng = SplitMix64::new(0x15F6_4000);
        for _ in 0..50_000 {
            let x = rng.next_f64() * 10f64.powi(rng.below(43) as i32 - 5);
            if x < 1e-5 {
                continue;
            }
            for text in [format!("{x:e}"), format!("{x:e}").replace('e', "e+")] {
                let text = text.replace("e+-", "e-");
                assert_eq!(parse(&text).unwrap().as_f64(), Some(x), "{text}");
            }
        }
        assert_eq!(
            parse("20754.755486381062").unwrap().as_f64(),
            Some(20754.755486381062)
        );
        assert_eq!(
            parse("123456789012345680000").unwrap().as_f64(),
            Some(1.2345678901234568e20)
        );
    }

    #[test]
    fn rejects_malformed_numbers() {
        for text in [
            "01", "-", "1.", ".5", "1e", "+1", "1e+", "NaN", "Infinity", "-01",
        ] {
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
        assert_eq!(
            parse(r#""\ud800\u0041""#).unwrap().as_str(),
            Some("\u{FFFD}A")
        );
        assert_eq!(parse("\"日本語\"").unwrap().as_str(), Some("日本語"));
        for (text, kind) in [
            ("\"a\\qb\"", JsonErrorKind::BadString),
            ("\"a\nb\"", JsonErrorKind::BadString),
            ("\"\\u12zz\"", JsonErrorKind::BadString),
            ("\"abc", JsonErrorKind::UnexpectedEnd),
            ("\"\\u12", JsonErrorKind::UnexpectedEnd),
            ("\"\\", JsonErrorKind::UnexpectedEnd),
        ] {
            assert_eq!(parse(text).unwrap_err().kind, kind, "{text:?}");
        }
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let v = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_f64), Some(2.0));
        assert_eq!(v.as_object().map(<[_]>::len), Some(2));
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().kind, JsonErrorKind::TooDeep);
        let deep_obj = "{\"a\":".repeat(100_000);
        assert_eq!(parse(&deep_obj).unwrap_err().kind, JsonErrorKind::TooDeep);
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(&ok).is_ok());
        let too = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(parse(&too).unwrap_err().kind, JsonErrorKind::TooDeep);
        let huge = Limits {
            max_depth: usize::MAX,
        };
        assert_eq!(
            parse_with(&deep, huge).unwrap_err().kind,
            JsonErrorKind::TooDeep
        );
    }

    #[test]
    fn structural_errors_are_typed() {
        for (text, kind) in [
            ("", JsonErrorKind::UnexpectedEnd),
            ("{} x", JsonErrorKind::TrailingData),
            ("[1,]", JsonErrorKind::UnexpectedByte),
            ("{\"a\" 1}", JsonErrorKind::UnexpectedByte),
            ("{\"a\":1", JsonErrorKind::UnexpectedEnd),
            ("tru", JsonErrorKind::UnexpectedEnd),
            ("trux", JsonErrorKind::UnexpectedByte),
            ("{1:2}", JsonErrorKind::UnexpectedByte),
            ("[1 2]", JsonErrorKind::UnexpectedByte),
        ] {
            assert_eq!(parse(text).unwrap_err().kind, kind, "{text:?}");
        }
        assert_eq!(
            parse(" [ true , false , null ] ")
                .unwrap()
                .as_array()
                .map(<[_]>::len),
            Some(3)
        );
    }

    #[test]
    fn writes_strings_that_read_back() {
        let s = "a\"b\\c\n\u{1}é😀";
        let mut out = String::new();
        write_string(&mut out, s);
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001é😀\"");
        assert_eq!(parse(&out).unwrap().as_str(), Some(s));
    }

    /// A random JSON text mixing every construct (escapes, surrogates, big and small
    /// numbers, duplicate keys, nesting), valid unless `mutate` edits it.
    fn random_json(rng: &mut SplitMix64, depth: usize, out: &mut String) {
        let pick = rng.below(if depth > 4 { 5 } else { 8 });
        match pick {
            0 => out.push_str(["null", "true", "false"][rng.below(3) as usize]),
            1 => {
                let n = [
                    "0",
                    "-0",
                    "7",
                    "-12",
                    "3.25",
                    "1e3",
                    "2E-3",
                    "1700000000123",
                    "0.1",
                    "123456789012345678901234",
                    "1e308",
                    "1e400",
                    "-1e-400",
                    "9007199254740993",
                ];
                out.push_str(n[rng.below(n.len() as u64) as usize]);
            }
            2 | 3 => random_string(rng, out),
            4 => {
                let digits = rng.below(20) + 1;
                for i in 0..digits {
                    let d = rng.below(10);
                    out.push(char::from(b'0' + if i == 0 { d % 9 + 1 } else { d } as u8));
                }
            }
            5 | 6 => {
                out.push('{');
                for i in 0..rng.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str([" ", "", "\n"][rng.below(3) as usize]);
                    random_string(rng, out);
                    out.push(':');
                    random_json(rng, depth + 1, out);
                }
                out.push('}');
            }
            _ => {
                out.push('[');
                for i in 0..rng.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    random_json(rng, depth + 1, out);
                }
                out.push(']');
            }
        }
    }

    fn random_string(rng: &mut SplitMix64, out: &mut String) {
        let pieces = [
            "a",
            "key",
            "é",
            "😀",
            "\\n",
            "\\\"",
            "\\u00e9",
            "\\ud83d\\ude00",
            "\\ud800",
            "\\udc00x",
            "\\/",
            " ",
            "code",
        ];
        out.push('"');
        for _ in 0..rng.below(4) {
            out.push_str(pieces[rng.below(pieces.len() as u64) as usize]);
        }
        out.push('"');
    }

    /// One random edit: a byte dropped, doubled or replaced by a JSON-ish one.
    pub(in crate::core::json) fn mutate(rng: &mut SplitMix64, text: &str) -> String {
        let mut b = text.as_bytes().to_vec();
        if b.is_empty() {
            return String::new();
        }
        let i = rng.below(b.len() as u64) as usize;
        let alphabet = b"{}[]\":,0123456789-+.eE tnulfalse\\u";
        match rng.below(3) {
            0 => {
                b.remove(i);
            }
            1 => b.insert(i, b[i]),
            _ => b[i] = alphabet[rng.below(alphabet.len() as u64) as usize],
        }
        String::from_utf8_lossy(&b).into_owned()
    }

    /// Whether our reading of a document agrees with serde_json's: the same values where
    /// both accept it; where only we accept it, one of the documented differences (a lone
    /// surrogate, a number out of `f64` range); never do we refuse what serde_json accepts.
    fn agrees(text: &str) -> Result<(), String> {
        let ours = parse_with(text, Limits { max_depth: 127 });
        let theirs: Result<serde_json::Value, _> = serde_json::from_str(text);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => same(&a, &b)
                .then_some(())
                .ok_or_else(|| format!("{a:?} vs {b}")),
            (Err(_), Err(_)) => Ok(()),
            (Ok(_), Err(e)) => {
                let e = e.to_string();
                let documented = [
                    "surrogate",
                    "unicode code point",
                    "unexpected end of hex escape",
                    "number out of range",
                ];
                documented
                    .iter()
                    .any(|d| e.contains(d))
                    .then_some(())
                    .ok_or(e)
            }
            (Err(e), Ok(v)) => Err(format!("we refuse ({e:?}) what serde_json reads as {v}")),
        }
    }

    fn same(a: &Value<'_>, b: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (a, b) {
            (Value::Null, J::Null) => true,
            (Value::Bool(x), J::Bool(y)) => x == y,
            (Value::Number(x), J::Number(y)) => {
                let y = y.as_f64().unwrap_or(f64::NAN);
                *x == y || ((x - y) / y).abs() < 1e-15
            }
            (Value::String(x), J::String(y)) => x == y,
            (Value::Array(xs), J::Array(ys)) => {
                xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
            }
            (Value::Object(members), J::Object(map)) => {
                let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_ref()).collect();
                keys.sort_unstable();
                keys.dedup();
                keys.len() == map.len()
                    && map
                        .iter()
                        .all(|(k, y)| a.get(k).is_some_and(|x| same(x, y)))
            }
            _ => false,
        }
    }

    #[test]
    fn agrees_with_serde_json_on_random_and_mutated_documents() {
        let mut rng = SplitMix64::new(0x0015_0C1A);
        for round in 0..20_000 {
            let mut text = String::new();
            random_json(&mut rng, 0, &mut text);
            let edited = mutate(&mut rng, &text);
            for t in [&text, &edited] {
                if let Err(e) = agrees(t) {
                    panic!("round {round}: {t:?}: {e}");
                }
            }
        }
        for text in ["\"\\ud800\"", "1e400", "[1e400]"] {
            assert!(agrees(text).is_ok(), "{text}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_err(),
                "{text}"
            );
        }
    }
}
