//! Reading the IETF `RateLimit-Policy` field (draft-ietf-httpapi-ratelimit-headers-10).
//!
//! Why: a server that announces `RateLimit-Policy: "burst";q=100;w=60` tells the client its
//! limit before the first 429; feeding it to the [`crate::core::retry::Pacer`] avoids the 429.
//!
//! Key decisions: the field is a Structured Field List (RFC 8941); this reader implements the
//! subset a policy needs (strings, tokens, integers, decimals, booleans, byte sequences, and
//! parameters) and rejects the whole field on any syntax error, as RFC 8941 requires. Each
//! item needs `q` (a non-negative integer quota); `w` (window seconds), `qu` (quota unit,
//! default `"requests"`) and `pk` (partition key) are optional; unknown parameters are
//! ignored. Input is bounded: at most 4096 bytes and 32 items.

use crate::core::retry::error::RetryError;
use crate::core::retry::pacer::Rate;

const MAX_FIELD_LEN: usize = 4096;
const MAX_ITEMS: usize = 32;

/// One quota policy announced by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitPolicyItem {
    /// The policy name (`"burst"`).
    pub name: String,
    /// The quota `q`: units allowed per window.
    pub quota: u64,
    /// The quota unit `qu` (`"requests"` when absent; also `"content-bytes"`, `"concurrent-requests"`).
    pub quota_unit: String,
    /// The window `w` in seconds, when given.
    pub window_s: Option<u64>,
    /// The partition key `pk` (base64 text as sent), when given.
    pub partition_key: Option<String>,
}

impl RateLimitPolicyItem {
    /// The pacing rate of this policy: only for request quotas with a window and a quota
    /// the pacer accepts (1..=100 000); `None` otherwise.
    pub fn rate(&self) -> Option<Rate> {
        if self.quota_unit != "requests" {
            return None;
        }
        Rate::new(self.quota, self.window_s?).ok()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Bare {
    Int(i64),
    Dec,
    Str(String),
    Token(String),
    Bool,
    Bytes(String),
}

fn err(reason: &'static str) -> RetryError {
    RetryError::InvalidRateLimitPolicy { reason }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> String {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        String::from_utf8_lossy(self.b.get(start..self.pos).unwrap_or_default()).into_owned()
    }

    fn bare(&mut self) -> Result<Bare, RetryError> {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                let mut s = String::new();
                loop {
                    match self.peek() {
                        None => return Err(err("unterminated string")),
                        Some(b'\\') => {
                            self.pos += 1;
                            match self.peek() {
                                Some(c @ (b'"' | b'\\')) => {
                                    s.push(char::from(c));
                                    self.pos += 1;
                                }
                                _ => return Err(err("bad escape in string")),
                            }
                        }
                        Some(b'"') => {
                            self.pos += 1;
                            return Ok(Bare::Str(s));
                        }
                        Some(c @ 0x20..=0x7e) => {
                            s.push(char::from(c));
                            self.pos += 1;
                        }
                        Some(_) => return Err(err("bad character in string")),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'?') => {
                self.pos += 1;
                match self.peek() {
                    Some(b'0' | b'1') => {
                        self.pos += 1;
                        Ok(Bare::Bool)
                    }
                    _ => Err(err("bad boolean")),
                }
            }
            Some(b':') => {
                self.pos += 1;
                let s = self
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='));
                if self.peek() != Some(b':') {
                    return Err(err("unterminated byte sequence"));
                }
                self.pos += 1;
                Ok(Bare::Bytes(s))
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'*' => {
                let t = self
                    .take_while(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c));
                Ok(Bare::Token(t))
            }
            _ => Err(err("expected a string, token, number or boolean")),
        }
    }

    fn number(&mut self) -> Result<Bare, RetryError> {
        let neg = self.peek() == Some(b'-');
        if neg {
            self.pos += 1;
        }
        let int = self.take_while(|c| c.is_ascii_digit());
        if int.is_empty() {
            return Err(err("bad number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let frac = self.take_while(|c| c.is_ascii_digit());
            if frac.is_empty() || frac.len() > 3 || int.len() > 12 {
                return Err(err("bad decimal"));
            }
            return Ok(Bare::Dec);
        }
        if int.len() > 15 {
            return Err(err("integer too long"));
        }
        let v: i64 = int.parse().map_err(|_| err("bad number"))?;
        Ok(Bare::Int(if neg { -v } else { v }))
    }

    fn params(&mut self) -> Result<Vec<(String, Bare)>, RetryError> {
        let mut out = Vec::new();
        while self.peek() == Some(b';') {
            self.pos += 1;
            self.skip_sp();
            if !self
                .peek()
                .is_some_and(|c| c.is_ascii_lowercase() || c == b'*')
            {
                return Err(err("bad parameter name"));
            }
            let k = self.take_while(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, b'_' | b'-' | b'.' | b'*')
            });
            let v = if self.peek() == Some(b'=') {
                self.pos += 1;
                self.bare()?
            } else {
                Bare::Bool
            };
            out.retain(|(name, _): &(String, Bare)| *name != k);
            out.push((k, v));
        }
        Ok(out)
    }
}

/// Parses a `RateLimit-Policy` field value, e.g.
/// `"burst";q=100;w=60, "daily";q=1000;w=86400`. An empty value gives no items.
pub fn parse_ratelimit_policy(field: &str) -> Result<Vec<RateLimitPolicyItem>, RetryError> {
    if field.len() > MAX_FIELD_LEN {
        return Err(err("field longer than 4096 bytes"));
    }
    let mut r = Reader {
        b: field.as_bytes(),
        pos: 0,
    };
    let mut items = Vec::new();
    r.skip_sp();
    if r.peek().is_none() {
        return Ok(items);
    }
    loop {
        if items.len() >= MAX_ITEMS {
            return Err(err("more than 32 policies"));
        }
        let name = match r.bare()? {
            Bare::Str(s) | Bare::Token(s) => s,
            _ => return Err(err("a policy name must be a string or a token")),
        };
        let mut item = RateLimitPolicyItem {
            name,
            quota: 0,
            quota_unit: "requests".to_string(),
            window_s: None,
            partition_key: None,
        };
        let mut has_quota = false;
        for (k, v) in r.params()? {
            match (k.as_str(), v) {
                ("q", Bare::Int(q)) if q >= 0 => {
                    item.quota = q.unsigned_abs();
                    has_quota = true;
                }
                ("q", _) => return Err(err("q must be a non-negative integer")),
                ("w", Bare::Int(w)) if w > 0 => item.window_s = Some(w.unsigned_abs()),
                ("w", _) => return Err(err("w must be a positive integer")),
                ("qu", Bare::Str(u)) => item.quota_unit = u,
                ("qu", _) => return Err(err("qu must be a string")),
                ("pk", Bare::Bytes(b)) => item.partition_key = Some(b),
                ("pk", _) => return Err(err("pk must be a byte sequence")),
                _ => {}
            }
        }
        if !has_quota {
            return Err(err("a policy needs q"));
        }
        items.push(item);
        r.skip_ows();
        match r.peek() {
            None => return Ok(items),
            Some(b',') => {
                r.pos += 1;
                r.skip_ows();
                if r.peek().is_none() {
                    return Err(err("trailing comma"));
                }
            }
            Some(_) => return Err(err("expected a comma between policies")),
        }
    }
}
