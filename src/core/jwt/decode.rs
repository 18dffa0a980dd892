//! Strict decoding of a compact JWS (`header.payload.signature`), without verification.
//!
//! Why: a browser client needs `exp` (and the token kind) to know when to refresh; it cannot
//! verify the signature and must not pretend to. Decisions, following jose's `decodeJwt`:
//!
//! - The size limit ([`JwtLimits::max_token_bytes`], default 16 KiB) is checked before
//!   anything else, so a hostile megabyte costs one comparison.
//! - Exactly three segments; five is a JWE and gets its own error ([`JwtError::Encrypted`]);
//!   the header and payload must not be empty (the signature may be, for `alg: none`).
//! - Checks run in a fixed order: header (base64url, UTF-8, JSON, object), payload (same),
//!   signature (base64url alphabet only, never decoded), then `exp`, `nbf`, `iat`. The first
//!   failure is reported, so [`decode`] and the fast path [`read_claims`] always agree.
//! - UTF-8 is validated strictly (no lossy fallback: that is how jwt-decode garbles names).
//! - The decoded JSON texts are returned as strings so JS can `JSON.parse` them lazily;
//!   only the claims faultline uses are extracted here.
//!
//! [`read_claims`] / [`read_exp`] are the per-request fast path: one buffer reused for both
//! segments, no returned strings.

use crate::core::json::{self, Value};

use super::base64url;
use super::claims::{self, Claims, TokenType};
use super::error::{JwtError, MalformedReason, Part};

/// Default [`JwtLimits::max_token_bytes`]: 16 KiB, far above real tokens (a few hundred
/// bytes to a few KiB) and below anything that would be a denial of service.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Bounds on what [`decode`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwtLimits {
    /// Longest token accepted, in bytes (default [`DEFAULT_MAX_TOKEN_BYTES`]).
    pub max_token_bytes: usize,
    /// Deepest JSON nesting accepted in the header and payload (default 64).
    pub max_json_depth: usize,
}

impl Default for JwtLimits {
    fn default() -> Self {
        JwtLimits {
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            max_json_depth: json::Limits::default().max_depth,
        }
    }
}

/// A decoded (not verified) token.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    /// The header as JSON text (decoded UTF-8), for `JSON.parse` on the JS side.
    pub header: String,
    /// The payload (claims set) as JSON text (decoded UTF-8).
    pub payload: String,
    /// `exp` in seconds since the epoch; `None` means the token never expires.
    pub exp: Option<f64>,
    /// `iat` in seconds since the epoch.
    pub iat: Option<f64>,
    /// `nbf` in seconds since the epoch.
    pub nbf: Option<f64>,
    /// Header `alg`, when a string.
    pub alg: Option<String>,
    /// Header `typ`, when a string.
    pub typ: Option<String>,
    /// Header `kid`, when a string.
    pub kid: Option<String>,
    /// The token kind (see [`claims`](super::claims) for the sources).
    pub token_type: Option<TokenType>,
}

impl DecodedJwt {
    /// The time claims, for [`timing`](super::timing::timing).
    pub fn claims(&self) -> Claims {
        Claims {
            exp: self.exp,
            iat: self.iat,
            nbf: self.nbf,
        }
    }
}

/// The three segments of a token whose shape is right.
struct Segments<'a> {
    header: &'a [u8],
    payload: &'a [u8],
    signature: &'a [u8],
}

/// Size, segment count and empty segments: everything checked before decoding.
fn split<'a>(token: &'a [u8], limits: &JwtLimits) -> Result<Segments<'a>, JwtError> {
    if token.len() > limits.max_token_bytes {
        return Err(JwtError::TooLarge {
            len: token.len(),
            max: limits.max_token_bytes,
        });
    }
    // Slice scans (vectorised): the dot count, then the first two dot positions.
    let segments = token
        .iter()
        .filter(|&&b| b == b'.')
        .count()
        .saturating_add(1);
    if segments == 5 {
        return Err(JwtError::Encrypted);
    }
    if segments != 3 {
        return Err(JwtError::Malformed(MalformedReason::SegmentCount(segments)));
    }
    let first = token.iter().position(|&b| b == b'.').unwrap_or(0);
    let second = token
        .get(first + 1..)
        .and_then(|rest| rest.iter().position(|&b| b == b'.'))
        .map_or(first, |n| first + 1 + n);
    let header = token.get(..first).unwrap_or_default();
    let payload = token.get(first + 1..second).unwrap_or_default();
    let signature = token.get(second + 1..).unwrap_or_default();
    for (part, segment) in [(Part::Header, header), (Part::Payload, payload)] {
        if segment.is_empty() {
            return Err(JwtError::Malformed(MalformedReason::EmptySegment(part)));
        }
    }
    Ok(Segments {
        header,
        payload,
        signature,
    })
}

fn base64_error(part: Part) -> impl Fn(base64url::Base64Error) -> JwtError {
    move |error| JwtError::Base64 { part, error }
}

fn utf8(bytes: &[u8], part: Part) -> Result<&str, JwtError> {
    std::str::from_utf8(bytes).map_err(|e| JwtError::Utf8 {
        part,
        offset: e.valid_up_to(),
    })
}

fn object<'a>(text: &'a str, part: Part, limits: &JwtLimits) -> Result<Value<'a>, JwtError> {
    let json_limits = json::Limits {
        max_depth: limits.max_json_depth,
    };
    let value = json::parse_with(text, json_limits).map_err(|e| JwtError::Json {
        part,
        kind: e.kind,
        offset: e.offset,
    })?;
    match value {
        Value::Object(_) => Ok(value),
        _ => Err(JwtError::NotObject { part }),
    }
}

/// Decodes one segment into an owned UTF-8 string (no copy after base64url).
fn segment_text(segment: &[u8], part: Part) -> Result<String, JwtError> {
    let bytes = base64url::decode(segment).map_err(base64_error(part))?;
    String::from_utf8(bytes).map_err(|e| JwtError::Utf8 {
        part,
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Decodes a compact JWT without verifying it.
///
/// Errors: [`JwtError::TooLarge`], [`JwtError::Encrypted`], [`JwtError::Malformed`],
/// then per segment [`JwtError::Base64`], [`JwtError::Utf8`], [`JwtError::Json`],
/// [`JwtError::NotObject`], then [`JwtError::ClaimType`].
pub fn decode(token: &[u8], limits: &JwtLimits) -> Result<DecodedJwt, JwtError> {
    let segments = split(token, limits)?;
    let header = segment_text(segments.header, Part::Header)?;
    let header_value = object(&header, Part::Header, limits)?;
    let payload = segment_text(segments.payload, Part::Payload)?;
    let payload_value = object(&payload, Part::Payload, limits)?;
    base64url::validate(segments.signature).map_err(base64_error(Part::Signature))?;
    let Claims { exp, iat, nbf } = claims::time_claims(&payload_value)?;
    let alg = claims::string_member(&header_value, "alg");
    let typ = claims::string_member(&header_value, "typ");
    let kid = claims::string_member(&header_value, "kid");
    let token_type = claims::token_type(&header_value, &payload_value);
    drop((header_value, payload_value));
    Ok(DecodedJwt {
        header,
        payload,
        exp,
        iat,
        nbf,
        alg,
        typ,
        kid,
        token_type,
    })
}

/// The time claims and kind of a token: what the per-request path needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// `exp`, `iat`, `nbf`.
    pub claims: Claims,
    /// The token kind, as [`DecodedJwt::token_type`].
    pub token_type: Option<TokenType>,
}

/// Validates one decoded segment as a JSON object, handing its members to `f` without
/// building a tree (same errors as [`object`]).
fn visit<'a>(
    text: &'a str,
    part: Part,
    limits: &JwtLimits,
    f: impl FnMut(std::borrow::Cow<'a, str>, json::Scalar<'a>),
) -> Result<(), JwtError> {
    let json_limits = json::Limits {
        max_depth: limits.max_json_depth,
    };
    let is_object = json::visit_object(text, json_limits, f).map_err(|e| JwtError::Json {
        part,
        kind: e.kind,
        offset: e.offset,
    })?;
    if is_object {
        Ok(())
    } else {
        Err(JwtError::NotObject { part })
    }
}

/// The last value seen for a time claim: absent, a finite number, or the wrong type.
fn time_slot(scalar: &json::Scalar<'_>) -> Result<f64, ()> {
    match scalar {
        json::Scalar::Number(n) if n.is_finite() => Ok(*n),
        _ => Err(()),
    }
}

/// The kind a `typ`/`token_type` member declares (non-strings declare nothing).
fn declared(scalar: &json::Scalar<'_>) -> Option<TokenType> {
    match scalar {
        json::Scalar::String(s) => claims::declared_type(s),
        _ => None,
    }
}

/// The claims and kind of a token, with exactly the checks of [`decode`] (same errors for
/// the same input) but one reused buffer, no JSON tree and no returned strings.
pub fn read_summary(token: &[u8], limits: &JwtLimits) -> Result<Summary, JwtError> {
    read_summary_with(token, limits, &mut Vec::new())
}

/// [`read_summary`] decoding into a caller-owned buffer, so a caller that checks tokens
/// repeatedly (the wasm bindings) allocates nothing per call.
///
/// Well-formed tokens take a one-pass fast path ([`fast`](super::fast)); anything else
/// (including every error) reruns the exact checks.
pub fn read_summary_with(
    token: &[u8],
    limits: &JwtLimits,
    buf: &mut Vec<u8>,
) -> Result<Summary, JwtError> {
    match super::fast::summary(token, limits, buf, None) {
        Some(summary) => Ok(summary),
        None => read_summary_exact(token, limits, buf),
    }
}

/// Reads the summaries of many tokens in a row, with exactly the checks and results of
/// [`read_summary`], keeping its decode buffer (no allocation per token) and the last
/// header it accepted: tokens from one issuer share a byte-identical header, which is then
/// neither decoded nor checked again. This is what the wasm bindings use.
#[derive(Debug, Default)]
pub struct SummaryReader {
    buf: Vec<u8>,
    pub(super) memo: super::fast::HeaderMemo,
}

impl SummaryReader {
    /// A reader with nothing remembered.
    pub const fn new() -> Self {
        SummaryReader {
            buf: Vec::new(),
            memo: super::fast::HeaderMemo::new(),
        }
    }

    /// The summary of `token`: the same result as [`read_summary`].
    pub fn read(&mut self, token: &[u8], limits: &JwtLimits) -> Result<Summary, JwtError> {
        match super::fast::summary(token, limits, &mut self.buf, Some(&mut self.memo)) {
            Some(summary) => Ok(summary),
            None => read_summary_exact(token, limits, &mut self.buf),
        }
    }
}

/// [`read_summary_with`] without the fast path: every check in the documented order.
pub(super) fn read_summary_exact(
    token: &[u8],
    limits: &JwtLimits,
    buf: &mut Vec<u8>,
) -> Result<Summary, JwtError> {
    let segments = split(token, limits)?;
    // An upper bound for both segments, so the buffer grows at most once.
    let longest = segments.header.len().max(segments.payload.len());
    buf.clear();
    buf.reserve(longest / 4 * 3 + 3);
    base64url::decode_into(segments.header, buf).map_err(base64_error(Part::Header))?;
    let mut header_typ = None;
    visit(utf8(buf, Part::Header)?, Part::Header, limits, |k, v| {
        if k == "typ" {
            header_typ = Some(declared(&v));
        }
    })?;
    buf.clear();
    base64url::decode_into(segments.payload, buf).map_err(base64_error(Part::Payload))?;
    let (mut exp, mut iat, mut nbf) = (None, None, None);
    let (mut payload_token_type, mut payload_typ) = (None, None);
    visit(
        utf8(buf, Part::Payload)?,
        Part::Payload,
        limits,
        |k, v| match &*k {
            "exp" => exp = Some(time_slot(&v)),
            "iat" => iat = Some(time_slot(&v)),
            "nbf" => nbf = Some(time_slot(&v)),
            "token_type" => payload_token_type = Some(declared(&v)),
            "typ" => payload_typ = Some(declared(&v)),
            _ => {}
        },
    )?;
    base64url::validate(segments.signature).map_err(base64_error(Part::Signature))?;
    // Same order of checks as `claims::time_claims`: exp, nbf, iat.
    let check = |slot: Option<Result<f64, ()>>, claim: &'static str| match slot {
        None => Ok(None),
        Some(Ok(n)) => Ok(Some(n)),
        Some(Err(())) => Err(JwtError::ClaimType { claim }),
    };
    let exp = check(exp, "exp")?;
    let nbf = check(nbf, "nbf")?;
    let iat = check(iat, "iat")?;
    let token_type = [payload_token_type, header_typ, payload_typ]
        .into_iter()
        .flatten()
        .flatten()
        .next();
    Ok(Summary {
        claims: Claims { exp, iat, nbf },
        token_type,
    })
}

/// The time claims of a token, with exactly the checks of [`decode`].
pub fn read_claims(token: &[u8], limits: &JwtLimits) -> Result<Claims, JwtError> {
    read_summary(token, limits).map(|s| s.claims)
}

/// `exp` of a token in seconds (`None`: never expires), with the checks of [`decode`].
/// This is the per-request fast path the bindings call with the token's bytes.
pub fn read_exp(token: &[u8], limits: &JwtLimits) -> Result<Option<f64>, JwtError> {
    read_claims(token, limits).map(|c| c.exp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    const LIMITS: JwtLimits = JwtLimits {
        max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
        max_json_depth: 64,
    };

    fn b64(text: &str) -> String {
        super::super::base64url::encode_for_tests(text.as_bytes())
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.c2ln", b64(header), b64(payload))
    }

    fn code(t: &str) -> &'static str {
        let d = decode(t.as_bytes(), &LIMITS).unwrap_err();
        let r = read_claims(t.as_bytes(), &LIMITS).unwrap_err();
        assert_eq!(d, r, "decode and read_claims disagree on {t}");
        d.code()
    }

    #[test]
    fn decodes_a_simplejwt_access_token() {
        let t = token(
            r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
            r#"{"token_type":"access","exp":1700003600,"iat":1700000000,"jti":"x","user_id":7}"#,
        );
        let d = decode(t.as_bytes(), &LIMITS).unwrap();
        assert_eq!(d.header, r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#);
        assert_eq!(d.exp, Some(1_700_003_600.0));
        assert_eq!(d.iat, Some(1_700_000_000.0));
        assert_eq!(d.nbf, None);
        assert_eq!(d.alg.as_deref(), Some("HS256"));
        assert_eq!(d.typ.as_deref(), Some("JWT"));
        assert_eq!(d.kid.as_deref(), Some("k1"));
        assert_eq!(d.token_type, Some(TokenType::Access));
        assert_eq!(read_claims(t.as_bytes(), &LIMITS).unwrap(), d.claims());
        assert_eq!(read_exp(t.as_bytes(), &LIMITS), Ok(Some(1_700_003_600.0)));
    }

    #[test]
    fn shape_errors() {
        assert_eq!(code(""), "jwt_malformed");
        assert_eq!(code("abc"), "jwt_malformed");
        assert_eq!(code("e30.e30"), "jwt_malformed");
        assert_eq!(code("e30.e30.e30.e30"), "jwt_malformed");
        assert_eq!(code("e30.e30.e30.e30.e30.e30"), "jwt_malformed");
        assert_eq!(code("a.b.c.d.e"), "jwt_encrypted");
        assert_eq!(code("a....e"), "jwt_encrypted");
        assert_eq!(
            decode(b".e30.", &LIMITS),
            Err(JwtError::Malformed(MalformedReason::EmptySegment(
                Part::Header
            )))
        );
        assert_eq!(
            decode(b"e30..", &LIMITS),
            Err(JwtError::Malformed(MalformedReason::EmptySegment(
                Part::Payload
            )))
        );
        // alg "none": empty signature is fine.
        assert_eq!(read_exp(b"e30.e30.", &LIMITS), Ok(None));
    }

    #[test]
    fn too_large_is_checked_first() {
        let small = JwtLimits {
            max_token_bytes: 10,
            ..LIMITS
        };
        // Eleven bytes of garbage: the size wins over every other error.
        assert_eq!(
            decode(b"+++.+++.+++", &small),
            Err(JwtError::TooLarge { len: 11, max: 10 })
        );
        assert_eq!(
            read_exp(b"e30.e30.e30", &small).unwrap_err().code(),
            "jwt_too_large"
        );
        assert_eq!(read_exp(b"e30.e30.eA", &small), Ok(None));
    }

    #[test]
    fn segment_errors_name_the_part() {
        let e = decode(b"e30.e3+.", &LIMITS).unwrap_err();
        assert_eq!(e.code(), "jwt_base64");
        assert_eq!(
            e.to_string(),
            "payload segment is not valid base64url: byte '+' at offset 2 is outside the base64url alphabet"
        );
        let e = decode(b"e30.e30.ab/c", &LIMITS).unwrap_err();
        assert_eq!(
            e.to_string(),
            "signature segment is not valid base64url: byte '/' at offset 2 is outside the base64url alphabet"
        );
        // 0xff 0xfe is not UTF-8.
        let e = decode(format!("e30.{}.", "__4").as_bytes(), &LIMITS).unwrap_err();
        assert_eq!(
            e,
            JwtError::Utf8 {
                part: Part::Payload,
                offset: 0
            }
        );
        assert_eq!(
            e.to_string(),
            "payload segment is not valid UTF-8 (at decoded byte 0)"
        );
        assert_eq!(code(&token("{", "{}")), "jwt_json");
        assert_eq!(
            decode(token("{}", "[1]").as_bytes(), &LIMITS)
                .unwrap_err()
                .to_string(),
            "payload segment is JSON but not an object"
        );
        assert_eq!(code(&token("\"x\"", "{}")), "jwt_not_object");
        assert_eq!(code(&token("{}", r#"{"exp":"1"}"#)), "jwt_claim_type");
        // Header errors come before payload errors.
        assert_eq!(
            decode(b"e3+.e3+.", &LIMITS).unwrap_err(),
            JwtError::Base64 {
                part: Part::Header,
                error: base64url::Base64Error {
                    kind: base64url::Base64ErrorKind::InvalidByte(b'+'),
                    offset: 2
                }
            }
        );
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(70), "]".repeat(70));
        assert_eq!(
            decode(token("{}", &deep).as_bytes(), &LIMITS).unwrap_err(),
            JwtError::Json {
                part: Part::Payload,
                kind: json::JsonErrorKind::TooDeep,
                offset: 68
            }
        );
    }

    #[test]
    fn random_tokens_decode_and_read_claims_agree() {
        let mut rng = crate::core::rand::SplitMix64::new(0x6a77_7432);
        let pieces = [
            "e30",
            "eyJleHAiOjF9",
            "eyJleHAiOiJ4In0",
            "WzFd",
            "__4",
            ".",
            ".",
            "+",
            "=",
            "",
            "eyJhbGciOiJIUzI1NiJ9",
            "e3",
            "Zg==",
        ];
        for case in 0..5_000 {
            let t: String = (0..rng.below(8))
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect();
            let d = decode(t.as_bytes(), &LIMITS).map(|d| d.claims());
            let r = read_claims(t.as_bytes(), &LIMITS);
            assert_eq!(d, r, "case {case}: {t}");
        }
    }
}
