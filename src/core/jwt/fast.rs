//! The fast path of [`read_summary_with`](super::read_summary_with): one pass per segment
//! for tokens that are plainly well formed, and no error reporting at all.
//!
//! Why: `decodeJwt(token).exp` and the expiry check run on every request, and the exact
//! path pays for its precise error order (dot count before anything else, UTF-8 before
//! JSON, each step with offsets). Well-formed tokens need none of that. Decisions:
//!
//! - [`summary`] returns `Some` only for a token the exact path accepts, with the same
//!   result; on anything unusual (any error, padding, an escaped key or claim kind,
//!   nesting deeper than 128) it returns `None` and the caller reruns the exact path, which
//!   then produces the error. Errors cost one extra pass; valid tokens never pay for them.
//! - The segments are found by the decoder itself: each base64url run stops at the first
//!   byte outside the alphabet, which must be the `.`; the signature must then be canonical
//!   unpadded base64url, so a fourth segment (its `.`) falls back too.
//! - JSON is checked by [`json::scan_object`], which reads bytes and builds nothing, and
//!   checks UTF-8 only inside strings that have bytes of 0x80 or above (nowhere else can a
//!   valid text have them), so ASCII claims cost no UTF-8 validation at all.

use crate::core::json::{self, RawScalar};

use super::base64url;
use super::claims::{self, Claims, Declared, TokenType};
use super::decode::{JwtLimits, Summary};

/// A claim slot: not seen, seen with a usable value, or seen with one the exact path must
/// judge (wrong type, or an escaped string).
#[derive(Clone, Copy, PartialEq)]
enum Slot<T> {
    Absent,
    Value(T),
    Exact,
}

impl<T> Slot<T> {
    fn into_option(self) -> Option<Option<T>> {
        match self {
            Slot::Absent => Some(None),
            Slot::Value(v) => Some(Some(v)),
            Slot::Exact => None,
        }
    }
}

/// A time claim: a finite number, else the exact path reports the claim type.
fn time(value: RawScalar<'_>) -> Slot<f64> {
    match value {
        RawScalar::Number(n) if n.is_finite() => Slot::Value(n),
        _ => Slot::Exact,
    }
}

/// A `typ` / `token_type` member: the kind a plain string declares; other types declare
/// nothing; escaped strings go to the exact path, which unescapes them.
fn kind(value: RawScalar<'_>) -> Slot<Option<TokenType>> {
    match value {
        RawScalar::String(bytes) => match claims::declared_bytes(bytes) {
            Declared::Generic => Slot::Value(None),
            Declared::Known(kind) => Slot::Value(Some(kind)),
            // Copied only for a kind that is neither access nor refresh (rare).
            Declared::Other => match std::str::from_utf8(bytes) {
                Ok(s) => Slot::Value(Some(TokenType::Other(s.to_owned()))),
                Err(_) => Slot::Exact,
            },
        },
        RawScalar::EscapedString => Slot::Exact,
        _ => Slot::Value(None),
    }
}

/// The summary of a plainly well-formed token, or `None` (then use the exact path).
/// `buf` receives both decoded segments.
pub(super) fn summary(token: &[u8], limits: &JwtLimits, buf: &mut Vec<u8>) -> Option<Summary> {
    if token.len() > limits.max_token_bytes {
        return None;
    }
    // Both segments decode into `buf`, which keeps its length between calls (its old bytes
    // are overwritten), so the steady state neither allocates nor clears.
    let need = base64url::run_capacity(token.len()) + 8;
    if buf.len() < need {
        buf.resize(need, 0);
    }
    let header_run = base64url::decode_run(token, buf)?;
    if header_run.len == 0 || token.get(header_run.len) != Some(&b'.') {
        return None;
    }
    let rest = token.get(header_run.len + 1..)?;
    let (header_buf, payload_buf) = buf.split_at_mut(header_run.written);
    let payload_run = base64url::decode_run(rest, payload_buf)?;
    if payload_run.len == 0 || rest.get(payload_run.len) != Some(&b'.') {
        return None;
    }
    if !base64url::is_canonical_unpadded(rest.get(payload_run.len + 1..)?) {
        return None;
    }
    let header: &[u8] = header_buf;
    let payload = payload_buf.get(..payload_run.written)?;
    let json_limits = json::Limits {
        max_depth: limits.max_json_depth,
    };
    let mut header_typ = Slot::Absent;
    json::scan_object(header, json_limits, |k, v| {
        if k == b"typ" {
            header_typ = kind(v);
        }
    })?;
    let (mut exp, mut iat, mut nbf) = (Slot::Absent, Slot::Absent, Slot::Absent);
    let (mut token_type, mut payload_typ) = (Slot::Absent, Slot::Absent);
    json::scan_object(payload, json_limits, |k, v| match k {
        b"exp" => exp = time(v),
        b"iat" => iat = time(v),
        b"nbf" => nbf = time(v),
        b"token_type" => token_type = kind(v),
        b"typ" => payload_typ = kind(v),
        _ => {}
    })?;
    let claims = Claims {
        exp: exp.into_option()?,
        iat: iat.into_option()?,
        nbf: nbf.into_option()?,
    };
    // Same priority as `claims::token_type`: token_type, header typ, payload typ.
    let (first, second, third) = (
        token_type.into_option()?.flatten(),
        header_typ.into_option()?.flatten(),
        payload_typ.into_option()?.flatten(),
    );
    let token_type = first.or(second).or(third);
    Some(Summary { claims, token_type })
}

#[cfg(test)]
mod tests {
    use super::super::decode::{decode, read_summary_exact, read_summary_with};
    use super::*;
    use crate::core::rand::SplitMix64;

    fn b64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }

    fn pick<'a>(rng: &mut SplitMix64, items: &[&'a str]) -> &'a str {
        items[rng.below(items.len() as u64) as usize]
    }

    /// A random token: realistic parts, odd parts and byte-level damage.
    fn random_token(rng: &mut SplitMix64) -> String {
        let header = pick(
            rng,
            &[
                r#"{"alg":"HS256","typ":"JWT"}"#,
                r#"{"alg":"RS256","typ":"at+jwt","kid":"k1"}"#,
                r#"{"typ":"refresh"}"#,
                r#"{"typ":"dpop+jwt"}"#,
                r#"{"typ":"a\u0074+jwt"}"#,
                r#"{"typ":7}"#,
                r#"{}"#,
                r#" { "alg" : "none" } "#,
                r#"[1]"#,
                r#"{"alg":"#,
                "{\"n\":\"\u{e9}\"}",
            ],
        );
        let mut payload = String::from("{");
        for i in 0..rng.below(6) {
            if i > 0 {
                payload.push(',');
            }
            let key = pick(
                rng,
                &[
                    "exp",
                    "iat",
                    "nbf",
                    "token_type",
                    "typ",
                    "sub",
                    "aud",
                    "e\\u0078p",
                ],
            );
            let value = pick(
                rng,
                &[
                    "1706357400",
                    "1706357400.5",
                    "-1",
                    "1e400",
                    "\"1706357400\"",
                    "null",
                    "true",
                    "\"access\"",
                    "\"Refresh\"",
                    "\"Bearer\"",
                    "\"ID\"",
                    "\"acc\\u0065ss\"",
                    "[\"a\",{\"b\":[]}]",
                    "{\"x\":1}",
                    "\"Jos\u{e9} \u{65e5}\u{672c}\"",
                ],
            );
            payload.push_str(&format!("\"{key}\":{value}"));
        }
        payload.push('}');
        let mut payload = payload.into_bytes();
        if rng.below(8) == 0 && !payload.is_empty() {
            // Invalid UTF-8 or a broken document.
            let at = rng.below(payload.len() as u64) as usize;
            payload[at] = [0xff, 0xc3, b'}', b'"', 0x01][rng.below(5) as usize];
        }
        let signature = pick(
            rng,
            &["", "c2ln", "c2lnbmF0dXJl", "Zh", "AB==", "c2l+", "a.b"],
        );
        let mut payload = b64(&payload);
        if rng.below(4) == 0 {
            // The same data bits in the last character, random trailing bits.
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let trailing = if payload.len() % 4 == 2 { 0x0F } else { 0x03 };
            if let Some(last) = payload.pop() {
                let v = A.iter().position(|&c| char::from(c) == last).unwrap_or(0) as u64;
                let v = (v & !trailing) | rng.below(trailing + 1);
                payload.push(char::from(A[v as usize]));
            }
        }
        let mut token = format!("{}.{}.{}", b64(header.as_bytes()), payload, signature);
        if rng.below(6) == 0 {
            // Byte-level damage: a stray dot, padding, a foreign byte, a cut.
            let mut bytes = token.into_bytes();
            let at = rng.below(bytes.len() as u64 + 1) as usize;
            let b = [b'.', b'=', b'+', b' ', b'A', b'_'][rng.below(6) as usize];
            match rng.below(3) {
                0 => bytes.insert(at, b),
                1 => bytes.truncate(at),
                _ if at < bytes.len() => bytes[at] = b,
                _ => {}
            }
            token = String::from_utf8(bytes).unwrap_or_default();
        }
        token
    }

    #[test]
    fn fast_path_agrees_with_the_exact_path() {
        let mut rng = SplitMix64::new(0x6661_7374);
        let limits = JwtLimits::default();
        let mut buf = Vec::new();
        let mut fast = 0;
        for case in 0..30_000 {
            let token = random_token(&mut rng);
            let t = token.as_bytes();
            let exact = read_summary_exact(t, &limits, &mut Vec::new());
            if let Some(s) = summary(t, &limits, &mut buf) {
                fast += 1;
                assert_eq!(Ok(&s), exact.as_ref(), "case {case}: {token}");
            }
            assert_eq!(
                read_summary_with(t, &limits, &mut buf),
                exact,
                "case {case}"
            );
            let decoded = decode(t, &limits).map(|d| (d.claims(), d.token_type));
            let summary = exact.map(|s| (s.claims, s.token_type));
            assert_eq!(decoded, summary, "case {case}: {token}");
        }
        assert!(fast > 2_000, "only {fast} tokens took the fast path");
    }

    #[test]
    fn realistic_tokens_take_the_fast_path() {
        let simple = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzA2MzU3NDAwLCJpYXQiOjE3MDYzNTM4MDAsImp0aSI6IjlmMGMyYTdlNGIxZDRlNWYiLCJ1c2VyX2lkIjo0Mn0.z2r70CfiKKaTnfqZX_lS_TSQJdZjGS29hEWhKQCkIPI";
        let oidc = format!(
            "{}.{}.{}",
            b64(br#"{"alg":"RS256","typ":"at+jwt","kid":"k-2024-11"}"#),
            b64("{\"iss\":\"https://auth.example.com/\",\"aud\":[\"https://api.example.com\"],\"iat\":1763800000,\"exp\":1763886400,\"name\":\"Jos\u{e9} M\u{fc}ller \u{65e5}\u{672c}\u{8a9e}\",\"permissions\":[\"read:uploads\"]}".as_bytes()),
            "A".repeat(342)
        );
        let limits = JwtLimits::default();
        let mut buf = Vec::new();
        let s = summary(simple.as_bytes(), &limits, &mut buf).unwrap();
        assert_eq!(s.claims.exp, Some(1_706_357_400.0));
        assert_eq!(s.claims.iat, Some(1_706_353_800.0));
        assert_eq!(s.token_type, Some(TokenType::Access));
        let s = summary(oidc.as_bytes(), &limits, &mut buf).unwrap();
        assert_eq!(s.claims.exp, Some(1_763_886_400.0));
        assert_eq!(s.token_type, Some(TokenType::Access));
        // Too long for the caller's limit: the exact path reports it.
        let small = JwtLimits {
            max_token_bytes: 100,
            ..limits
        };
        assert_eq!(summary(simple.as_bytes(), &small, &mut buf), None);
    }
}
