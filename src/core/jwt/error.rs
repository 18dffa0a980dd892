//! The one error type of the JWT concern.
//!
//! Why one enum: `decodeJwt` and `tokenTiming` throw a `FaultlineError` whose `code` users
//! switch on, so every way a token (or a timing input) can be refused maps to exactly one
//! stable code from [`super::CODES`]. The variants carry the detail (which segment, which
//! byte, which claim) so the `Display` message says what to fix, mirroring the error kinds
//! of jose's `decodeJwt` while keeping our codes apart (a JWE gets its own code).

use crate::core::error::ErrorCode;
use crate::core::json::JsonErrorKind;
use std::fmt;

use super::base64url::Base64Error;

/// A segment of a compact JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The first segment (JOSE header).
    Header,
    /// The second segment (claims set).
    Payload,
    /// The third segment (signature; never verified here).
    Signature,
}

impl Part {
    /// `"header"`, `"payload"` or `"signature"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        }
    }
}

/// Why a token's overall shape was refused (code `jwt_malformed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedReason {
    /// The token does not have three dot-separated segments (five is [`JwtError::Encrypted`]).
    SegmentCount(usize),
    /// The header or payload segment is empty.
    EmptySegment(Part),
}

/// Why a token could not be decoded, or why timing inputs were refused.
#[derive(Debug, Clone, PartialEq)]
pub enum JwtError {
    /// Wrong number of segments or an empty header/payload (`jwt_malformed`).
    Malformed(MalformedReason),
    /// Five segments: an encrypted JWE, whose claims cannot be read without the key
    /// (`jwt_encrypted`).
    Encrypted,
    /// A segment is not strict base64url (`jwt_base64`).
    Base64 {
        /// Which segment.
        part: Part,
        /// What is wrong, and where inside the segment.
        error: Base64Error,
    },
    /// A decoded segment is not valid UTF-8 (`jwt_utf8`).
    Utf8 {
        /// Which segment.
        part: Part,
        /// Byte offset of the first invalid sequence in the decoded segment.
        offset: usize,
    },
    /// A decoded segment is not valid JSON (`jwt_json`).
    Json {
        /// Which segment.
        part: Part,
        /// What is wrong.
        kind: JsonErrorKind,
        /// Byte offset in the decoded segment.
        offset: usize,
    },
    /// A decoded segment is valid JSON but not an object (`jwt_not_object`).
    NotObject {
        /// Which segment.
        part: Part,
    },
    /// `exp`, `nbf` or `iat` is present but not a finite number (`jwt_claim_type`).
    ClaimType {
        /// The claim name.
        claim: &'static str,
    },
    /// The token is longer than the limit; nothing was decoded (`jwt_too_large`).
    TooLarge {
        /// Length of the token in bytes.
        len: usize,
        /// The limit in force.
        max: usize,
    },
    /// A timing input is NaN, infinite, negative or out of the JS `Date` range
    /// (`jwt_invalid_timing_input`).
    InvalidTimingInput {
        /// The offending field, as named in the TypeScript API (`"nowMs"`, `"exp"`, ...).
        field: &'static str,
        /// What a valid value looks like.
        expected: &'static str,
    },
}

impl ErrorCode for JwtError {
    fn code(&self) -> &'static str {
        match self {
            JwtError::Malformed(_) => "jwt_malformed",
            JwtError::Encrypted => "jwt_encrypted",
            JwtError::Base64 { .. } => "jwt_base64",
            JwtError::Utf8 { .. } => "jwt_utf8",
            JwtError::Json { .. } => "jwt_json",
            JwtError::NotObject { .. } => "jwt_not_object",
            JwtError::ClaimType { .. } => "jwt_claim_type",
            JwtError::TooLarge { .. } => "jwt_too_large",
            JwtError::InvalidTimingInput { .. } => "jwt_invalid_timing_input",
        }
    }
}

fn json_kind_text(kind: JsonErrorKind) -> &'static str {
    match kind {
        JsonErrorKind::UnexpectedEnd => "unexpected end",
        JsonErrorKind::UnexpectedByte => "unexpected byte",
        JsonErrorKind::BadNumber => "malformed number",
        JsonErrorKind::BadString => "malformed string",
        JsonErrorKind::TooDeep => "nested too deeply",
        JsonErrorKind::TrailingData => "data after the value",
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Malformed(MalformedReason::SegmentCount(n)) => write!(
                f,
                "token is not a JWT: expected 3 dot-separated segments, found {n}"
            ),
            JwtError::Malformed(MalformedReason::EmptySegment(part)) => {
                write!(
                    f,
                    "token is not a JWT: the {} segment is empty",
                    part.as_str()
                )
            }
            JwtError::Encrypted => write!(
                f,
                "token is an encrypted JWE (5 segments); its claims cannot be read"
            ),
            JwtError::Base64 { part, error } => write!(
                f,
                "{} segment is not valid base64url: {error}",
                part.as_str()
            ),
            JwtError::Utf8 { part, offset } => write!(
                f,
                "{} segment is not valid UTF-8 (at decoded byte {offset})",
                part.as_str()
            ),
            JwtError::Json { part, kind, offset } => write!(
                f,
                "{} segment is not valid JSON: {} at decoded byte {offset}",
                part.as_str(),
                json_kind_text(*kind)
            ),
            JwtError::NotObject { part } => {
                write!(f, "{} segment is JSON but not an object", part.as_str())
            }
            JwtError::ClaimType { claim } => {
                write!(f, "claim \"{claim}\" is present but not a finite number")
            }
            JwtError::TooLarge { len, max } => {
                write!(f, "token is {len} bytes, above the limit of {max} bytes")
            }
            JwtError::InvalidTimingInput { field, expected } => {
                write!(f, "timing input \"{field}\" must be {expected}")
            }
        }
    }
}

impl std::error::Error for JwtError {}
