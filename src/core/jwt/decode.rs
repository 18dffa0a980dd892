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
//!   signature (base64url, never verified), then `exp`, `nbf`, `iat`. The first failure is
//!   reported.
//! - UTF-8 is validated strictly (no lossy fallback: that is how jwt-decode garbles names).
//! - The signature is checked as base64url but its bytes are not kept: nothing reads them.
//! - The header and payload are parsed, keeping only the members faultline uses
//!   ([`claims`](super::claims)): [`read`] returns those claims. [`decode`] also returns
//!   the decoded JSON texts: the JS side builds the objects with `JSON.parse` when they are
//!   read, so they are exactly what `JSON.parse` makes of them.

use serde::Serialize;

use crate::core::json;

use super::base64url;
use super::claims::{self, Claims, Members, TokenKind, TokenType};
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

/// A decoded (not verified) token. Absent claims are left out when serialised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedJwt {
    /// The header as JSON text (decoded UTF-8), for `JSON.parse` on the JS side.
    pub header: String,
    /// The payload (claims set) as JSON text (decoded UTF-8).
    pub payload: String,
    /// `exp` in seconds since the epoch; `None` means the token never expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<f64>,
    /// `iat` in seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<f64>,
    /// `nbf` in seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<f64>,
    /// The token kind (see [`claims`](super::claims) for the sources).
    #[serde(skip_serializing_if = "Option::is_none")]
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

/// What a token says about itself: its time claims and the kind it declares ([`read`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenClaims {
    /// `exp` in seconds since the epoch; `None` means the token never expires.
    pub exp: Option<f64>,
    /// `iat` in seconds since the epoch.
    pub iat: Option<f64>,
    /// `nbf` in seconds since the epoch.
    pub nbf: Option<f64>,
    /// The token kind (see [`claims`](super::claims) for the sources).
    pub token_type: Option<TokenType>,
}

/// The order of [`TokenClaims::claim_slots`]; TypeScript reads it as `JwtClaimSlots`.
pub const CLAIM_SLOTS: [&str; 4] = ["exp", "iat", "nbf", "kind"];

/// [`TokenClaims::claim_slots`]' `kind` for a declared kind that is not a [`TokenKind`].
pub const OTHER_KIND: f64 = -1.0;

impl TokenClaims {
    /// `exp`, `iat`, `nbf` (NaN when absent) and the kind: NaN for none, the index of a
    /// [`TokenKind`] in [`TokenKind::ALL`], or [`OTHER_KIND`] (its name is in the texts).
    pub fn claim_slots(&self) -> [f64; 4] {
        let kind = match &self.token_type {
            None => f64::NAN,
            Some(TokenType::Known(kind)) => TokenKind::ALL
                .iter()
                .position(|k| k == kind)
                .map_or(OTHER_KIND, |i| i as f64),
            Some(TokenType::Other(_)) => OTHER_KIND,
        };
        let or_nan = |v: Option<f64>| v.unwrap_or(f64::NAN);
        [or_nan(self.exp), or_nan(self.iat), or_nan(self.nbf), kind]
    }

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
    let three = split_at_dot(token).and_then(|(header, rest)| {
        let (payload, signature) = split_at_dot(rest)?;
        (!signature.contains(&b'.')).then_some((header, payload, signature))
    });
    let Some((header, payload, signature)) = three else {
        let dots = token.iter().filter(|&&b| b == b'.').count();
        return Err(match dots + 1 {
            5 => JwtError::Encrypted,
            n => JwtError::Malformed(MalformedReason::SegmentCount(n)),
        });
    };
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

/// `text` before and after its first `.`.
fn split_at_dot(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let dot = text.iter().position(|&b| b == b'.')?;
    Some((text.get(..dot)?, text.get(dot + 1..)?))
}

/// Decodes one segment into its UTF-8 text.
fn segment_text(segment: &[u8], part: Part) -> Result<String, JwtError> {
    let bytes = base64url::decode(segment).map_err(|error| JwtError::Base64 { part, error })?;
    String::from_utf8(bytes).map_err(|e| JwtError::Utf8 {
        part,
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Parses a segment's text, which must be a JSON object, keeping the members faultline uses.
fn members<'a>(text: &'a str, part: Part, limits: &JwtLimits) -> Result<Members<'a>, JwtError> {
    let json_limits = json::Limits {
        max_depth: limits.max_json_depth,
    };
    let value = json::parse_with(text, json_limits).map_err(|e| JwtError::Json {
        part,
        kind: e.kind,
        offset: e.offset,
    })?;
    Members::of(&value).ok_or(JwtError::NotObject { part })
}

/// The checks of [`decode`], in order: the decoded header and payload texts, and the claims.
fn check(token: &[u8], limits: &JwtLimits) -> Result<(String, String, TokenClaims), JwtError> {
    let segments = split(token, limits)?;
    let header = segment_text(segments.header, Part::Header)?;
    let header_members = members(&header, Part::Header, limits)?;
    let payload = segment_text(segments.payload, Part::Payload)?;
    let payload_members = members(&payload, Part::Payload, limits)?;
    base64url::check(segments.signature).map_err(|error| JwtError::Base64 {
        part: Part::Signature,
        error,
    })?;
    let Claims { exp, iat, nbf } = payload_members.time_claims()?;
    let token_type = claims::token_type(&header_members, &payload_members);
    let claims = TokenClaims {
        exp,
        iat,
        nbf,
        token_type,
    };
    Ok((header, payload, claims))
}

/// Checks a compact JWT as [`decode`] does (same errors, same order) and returns only its
/// claims.
pub fn read(token: &[u8], limits: &JwtLimits) -> Result<TokenClaims, JwtError> {
    check(token, limits).map(|(_, _, claims)| claims)
}

/// Decodes a compact JWT without verifying it.
///
/// Errors: [`JwtError::TooLarge`], [`JwtError::Encrypted`], [`JwtError::Malformed`],
/// then per segment [`JwtError::Base64`], [`JwtError::Utf8`], [`JwtError::Json`],
/// [`JwtError::NotObject`], then [`JwtError::ClaimType`].
pub fn decode(token: &[u8], limits: &JwtLimits) -> Result<DecodedJwt, JwtError> {
    let (header, payload, claims) = check(token, limits)?;
    Ok(DecodedJwt {
        header,
        payload,
        exp: claims.exp,
        iat: claims.iat,
        nbf: claims.nbf,
        token_type: claims.token_type,
    })
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
        decode(t.as_bytes(), &LIMITS).unwrap_err().code()
    }

    fn exp(t: &[u8], limits: &JwtLimits) -> Result<Option<f64>, JwtError> {
        decode(t, limits).map(|d| d.exp)
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
        assert_eq!(d.token_type, Some(TokenType::ACCESS));
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({
                "header": r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
                "payload": r#"{"token_type":"access","exp":1700003600,"iat":1700000000,"jti":"x","user_id":7}"#,
                "exp": 1_700_003_600.0,
                "iat": 1_700_000_000.0,
                "tokenType": "access",
            })
        );
    }

    #[test]
    fn claim_slots_follow_their_layout() {
        let slots = |h: &str, p: &str| read(token(h, p).as_bytes(), &LIMITS).unwrap().claim_slots();
        let s = slots("{}", r#"{"exp":5,"iat":1,"token_type":"refresh"}"#);
        assert_eq!(CLAIM_SLOTS, ["exp", "iat", "nbf", "kind"]);
        assert_eq!((s[0], s[1]), (5.0, 1.0));
        assert!(s[2].is_nan());
        assert_eq!(TokenKind::ALL[s[3] as usize], TokenKind::Refresh);
        assert_eq!(slots(r#"{"typ":"ID"}"#, "{}")[3], OTHER_KIND);
        assert!(slots("{}", "{}").iter().all(|v| v.is_nan()));
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
        assert_eq!(exp(b"e30.e30.", &LIMITS), Ok(None));
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
            exp(b"e30.e30.e30", &small).unwrap_err().code(),
            "jwt_too_large"
        );
        assert_eq!(exp(b"e30.e30.eA", &small), Ok(None));
    }

    #[test]
    fn segment_errors_name_the_part() {
        let e = decode(b"e30.e3+.", &LIMITS).unwrap_err();
        assert_eq!(e.code(), "jwt_base64");
        assert_eq!(
            e.to_string(),
            "payload segment is not valid base64url: byte '+' at offset 2 is outside the base64url alphabet"
        );
        for (signature, message) in [
            ("QR", "non-zero trailing bits in the character at offset 1"),
            ("abcde", "5 characters of data is an impossible length"),
            ("QQ=", "wrong '=' padding at offset 2"),
        ] {
            assert_eq!(
                decode(format!("e30.e30.{signature}").as_bytes(), &LIMITS)
                    .unwrap_err()
                    .to_string(),
                format!("signature segment is not valid base64url: {message}")
            );
        }
        assert_eq!(exp(b"e30.e30.QQ==", &LIMITS), Ok(None));
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
        // Members faultline does not use are read too: their errors name the byte.
        assert_eq!(
            decode(token("{}", r#"{"aud":["a",],"exp":1}"#).as_bytes(), &LIMITS).unwrap_err(),
            JwtError::Json {
                part: Part::Payload,
                kind: json::JsonErrorKind::UnexpectedByte,
                offset: 12
            }
        );
        assert_eq!(
            decode(
                token(r#"{"alg":"HS256","kid":"a\x"}"#, "{}").as_bytes(),
                &LIMITS
            )
            .unwrap_err()
            .to_string(),
            "header segment is not valid JSON: malformed string at decoded byte 23"
        );
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
}
