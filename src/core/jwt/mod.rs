//! Reading JWTs: strict decoding, the claims faultline needs, and refresh timing.
//!
//! Why it exists: a client must know when its access token expires to refresh it ahead of
//! time, and must not be fooled by malformed tokens or a wrong local clock. The signature is
//! never verified (a browser has no key); this module only reads.
//!
//! - [`base64url`]: strict RFC 4648 §5 decoder (own, table-driven).
//! - [`decode`](mod@decode): `header.payload.signature` -> [`DecodedJwt`], plus the
//!   allocation-light fast path [`read_claims`] / [`read_exp`] with identical checks.
//! - `fast`: the one-pass path those take for well-formed tokens (falls back on anything else).
//! - [`claims`]: `exp`/`iat`/`nbf` and the token kind (access vs refresh).
//! - [`timing`](mod@timing): local expiry and refresh instants, corrected for clock skew.
//! - [`error`]: [`JwtError`], one stable code per failure (listed in [`CODES`]).

pub mod base64url;
pub mod claims;
pub mod decode;
pub mod error;
mod fast;
pub mod timing;

pub use claims::{Claims, TokenType};
pub use decode::{
    DEFAULT_MAX_TOKEN_BYTES, DecodedJwt, JwtLimits, Summary, SummaryReader, decode, read_claims,
    read_exp, read_summary, read_summary_with,
};
pub use error::{JwtError, MalformedReason, Part};
pub use timing::{
    ClockSource, DEFAULT_REFRESH_AHEAD_MS, MAX_TIME_MS, Timing, TimingInput, timing, token_timing,
};

use crate::core::error::CodeInfo;

/// Error codes raised by this concern.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "jwt_malformed",
        summary: "the token does not have three dot-separated segments, or its header or payload is empty",
    },
    CodeInfo {
        code: "jwt_encrypted",
        summary: "the token is an encrypted JWE (five segments); its claims cannot be read",
    },
    CodeInfo {
        code: "jwt_base64",
        summary: "a token segment is not strict base64url",
    },
    CodeInfo {
        code: "jwt_utf8",
        summary: "a decoded token segment is not valid UTF-8",
    },
    CodeInfo {
        code: "jwt_json",
        summary: "a decoded token segment is not valid JSON",
    },
    CodeInfo {
        code: "jwt_not_object",
        summary: "the token header or payload is JSON but not an object",
    },
    CodeInfo {
        code: "jwt_claim_type",
        summary: "exp, nbf or iat is present but not a finite number",
    },
    CodeInfo {
        code: "jwt_too_large",
        summary: "the token is longer than the size limit (16 KiB by default)",
    },
    CodeInfo {
        code: "jwt_invalid_timing_input",
        summary: "a time given to tokenTiming is NaN, infinite, negative or outside the Date range",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    /// Every variant's code is listed in CODES, and every listed code is produced.
    #[test]
    fn codes_match_the_enum() {
        let samples = [
            JwtError::Malformed(MalformedReason::SegmentCount(2)),
            JwtError::Encrypted,
            decode(b"e3+.e30.", &JwtLimits::default()).unwrap_err(),
            decode(b"e30.__4.", &JwtLimits::default()).unwrap_err(),
            decode(b"e3s.e30.", &JwtLimits::default()).unwrap_err(),
            decode(b"e30.WzFd.", &JwtLimits::default()).unwrap_err(),
            JwtError::ClaimType { claim: "exp" },
            JwtError::TooLarge { len: 2, max: 1 },
            timing(&Claims::default(), &TimingInput::at(f64::NAN)).unwrap_err(),
        ];
        let produced: Vec<&str> = samples.iter().map(ErrorCode::code).collect();
        let listed: Vec<&str> = CODES.iter().map(|c| c.code).collect();
        assert_eq!(produced, listed);
    }
}
