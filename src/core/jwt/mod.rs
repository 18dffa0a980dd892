//! Reading JWTs: strict decoding, the claims faultline needs, and refresh timing.
//!
//! Why it exists: a client must know when its access token expires to refresh it ahead of
//! time, and must not be fooled by malformed tokens or a wrong local clock. The signature is
//! never verified (a browser has no key); this module only reads.
//!
//! - [`base64url`]: strict RFC 4648 §5 segments, decoded by the `base64` crate.
//! - [`decode`](mod@decode): `header.payload.signature` -> [`DecodedJwt`], or only its
//!   [`TokenClaims`] ([`read`]).
//! - [`claims`]: `exp`/`iat`/`nbf` and the token kind (access vs refresh).
//! - [`timing`](mod@timing): local expiry and refresh instants, corrected for clock skew.
//! - [`error`]: [`JwtError`], one stable code per failure (listed in [`CODES`]).

pub mod base64url;
pub mod claims;
pub mod decode;
pub mod error;
pub mod timing;

pub use claims::{Claims, TokenKind, TokenType};
pub use decode::{
    CLAIM_SLOTS, DEFAULT_MAX_TOKEN_BYTES, DecodedJwt, JwtLimits, OTHER_KIND, TokenClaims, decode,
    read,
};
pub use error::{JwtError, MalformedReason, Part};
pub use timing::{
    ClockSource, DEFAULT_REFRESH_AHEAD_MS, MAX_TIME_MS, Timing, TimingInput, timing, token_timing,
};

use crate::core::error::CodeInfo;
use crate::core::schema::{Field, Shape};

/// What crosses to JavaScript: the decoded token (its texts and claims) and its timing.
pub const SHAPES: &[Shape] = &[
    Shape {
        ts_name: "RawDecodedJwt",
        doc: "What the wasm module returns for a token; `decodeJwt` parses the texts when they are read.",
        fields: &[
            Field::new("header", "string", "The JOSE header as JSON text."),
            Field::new("payload", "string", "The claims set as JSON text."),
            Field::optional(
                "exp",
                "number",
                "Expiry, seconds since the epoch; absent: never expires.",
            ),
            Field::optional("iat", "number", "Issued-at, seconds since the epoch."),
            Field::optional("nbf", "number", "Not-before, seconds since the epoch."),
            Field::optional(
                "tokenType",
                "TokenKind | (string & {})",
                "The kind the token declares (`token_type`, else header `typ`, else payload `typ`).",
            ),
        ],
    },
    Shape {
        ts_name: "TokenTiming",
        doc: "When a token expires and when to refresh it, on the local clock.",
        fields: &[
            Field::new(
                "expiresAtMs",
                "number | null",
                "Local instant of expiry; `null` when the token never expires.",
            ),
            Field::new(
                "refreshAtMs",
                "number | null",
                "Local instant to refresh at; `null` when it never expires.",
            ),
            Field::new("expired", "boolean", "True at or after `expiresAtMs`."),
            Field::new(
                "shouldRefresh",
                "boolean",
                "True at or after `refreshAtMs`.",
            ),
            Field::new(
                "lifetimeMs",
                "number | null",
                "The token's lifetime in ms (`exp − iat`, else `expiresAt − receivedAt`), when known.",
            ),
            Field::new(
                "skewMs",
                "number | null",
                "Estimated server clock minus local clock in ms, when known.",
            ),
            Field::new(
                "clock",
                "ClockSource",
                "Which clock the expiry was placed on.",
            ),
        ],
    },
];

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

    /// Each shape matches the serde output of a real value, optional fields present or not.
    #[test]
    fn shapes_match_serde_output() {
        use crate::core::schema::shape_mismatch;
        let keys = |v: serde_json::Value| -> Vec<String> {
            v.as_object().unwrap().keys().cloned().collect()
        };
        let check = |ts_name: &str, v: serde_json::Value| {
            let shape = SHAPES.iter().find(|s| s.ts_name == ts_name).unwrap();
            let keys = keys(v);
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            assert_eq!(shape_mismatch(shape, &keys), None);
        };
        let full = decode(
            b"eyJ0eXAiOiJhdCtqd3QifQ.eyJleHAiOjIsImlhdCI6MSwibmJmIjoxfQ.",
            &JwtLimits::default(),
        )
        .unwrap();
        assert_eq!(full.token_type, Some(TokenType::ACCESS));
        check("RawDecodedJwt", serde_json::to_value(&full).unwrap());
        let bare = decode(b"e30.e30.", &JwtLimits::default()).unwrap();
        check("RawDecodedJwt", serde_json::to_value(&bare).unwrap());
        let claims = read(
            b"eyJ0eXAiOiJhdCtqd3QifQ.eyJleHAiOjIsImlhdCI6MSwibmJmIjoxfQ.",
            &JwtLimits::default(),
        )
        .unwrap()
        .claims();
        for claims in [Claims::default(), claims] {
            let t = timing(&claims, &TimingInput::at(0.0)).unwrap();
            check("TokenTiming", serde_json::to_value(t).unwrap());
        }
    }
}
