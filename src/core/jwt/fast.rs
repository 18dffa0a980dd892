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
//! - [`HeaderMemo`]: a reader that keeps state ([`SummaryReader`](super::SummaryReader))
//!   remembers the last header it accepted; the next token with the same header bytes (one
//!   issuer's tokens all have one) skips decoding and checking it.
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

/// The last header the fast path accepted: its base64url text, the JSON depth limit it was
/// checked with, and the kind its `typ` declares. Tokens from one issuer share a
/// byte-identical header, which then needs neither decoding nor checking again.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct HeaderMemo {
    text: Vec<u8>,
    max_json_depth: usize,
    typ: Option<TokenType>,
}

impl HeaderMemo {
    /// Nothing remembered yet.
    pub(super) const fn new() -> Self {
        HeaderMemo {
            text: Vec::new(),
            max_json_depth: 0,
            typ: None,
        }
    }
}

/// The header segment at the start of `token` when it is plainly fine: its length (a `.`
/// follows it) and the kind its `typ` declares. Decodes into `buf` unless `memo` already
/// holds this very header, and updates `memo`.
fn header(
    token: &[u8],
    json_limits: json::Limits,
    buf: &mut [u8],
    memo: Option<&mut HeaderMemo>,
) -> Option<(usize, Option<TokenType>)> {
    if let Some(m) = &memo {
        let len = m.text.len();
        if len != 0
            && m.max_json_depth == json_limits.max_depth
            && token.get(len) == Some(&b'.')
            && token.get(..len) == Some(m.text.as_slice())
        {
            return Some((len, m.typ.clone()));
        }
    }
    let run = base64url::decode_run(token, buf)?;
    if run.len == 0 || token.get(run.len) != Some(&b'.') {
        return None;
    }
    let mut typ = Slot::Absent;
    json::scan_object(buf.get(..run.written)?, json_limits, |k, v| {
        if k == b"typ" {
            typ = kind(v);
        }
    })?;
    let typ = typ.into_option()?.flatten();
    if let Some(m) = memo {
        m.text.clear();
        m.text.extend_from_slice(token.get(..run.len)?);
        m.max_json_depth = json_limits.max_depth;
        m.typ.clone_from(&typ);
    }
    Some((run.len, typ))
}

/// The summary of a plainly well-formed token, or `None` (then use the exact path).
/// `buf` receives the decoded segments; `memo`, when given, remembers the header.
pub(super) fn summary(
    token: &[u8],
    limits: &JwtLimits,
    buf: &mut Vec<u8>,
    memo: Option<&mut HeaderMemo>,
) -> Option<Summary> {
    if token.len() > limits.max_token_bytes {
        return None;
    }
    // The segments decode into `buf`, which keeps its length between calls (its old bytes
    // are overwritten), so the steady state neither allocates nor clears.
    let need = base64url::run_capacity(token.len()) + 8;
    if buf.len() < need {
        buf.resize(need, 0);
    }
    let json_limits = json::Limits {
        max_depth: limits.max_json_depth,
    };
    let (header_len, header_typ) = header(token, json_limits, buf, memo)?;
    let rest = token.get(header_len + 1..)?;
    let payload_run = base64url::decode_run(rest, buf)?;
    if payload_run.len == 0 || rest.get(payload_run.len) != Some(&b'.') {
        return None;
    }
    if !base64url::is_canonical_unpadded(rest.get(payload_run.len + 1..)?) {
        return None;
    }
    let payload = buf.get(..payload_run.written)?;
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
    let (first, third) = (
        token_type.into_option()?.flatten(),
        payload_typ.into_option()?.flatten(),
    );
    let token_type = first.or(header_typ).or(third);
    Some(Summary { claims, token_type })
}

#[cfg(test)]
mod tests {
    use super::super::decode::{decode, read_summary_exact, read_summary_with};
    use super::*;
    use crate::core::rand::SplitMix64;

    fn b64(bytes: &[u8]) -> String {
        super::super::base64url::encode_for_tests(bytes)
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
            if let Some(s) = summary(t, &limits, &mut buf, None) {
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
    fn a_reader_with_a_header_memo_agrees_with_the_exact_path() {
        use super::super::decode::SummaryReader;
        let mut rng = SplitMix64::new(0x6d65_6d6f);
        // Few headers, so the memo hits often; some differ only in typ or nesting depth.
        let headers = [
            b64(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64(br#"{"alg":"HS256","typ":"at+jwt"}"#),
            b64(br#"{"alg":"HS256","typ":"refresh"}"#),
            b64(br#"{"alg":"HS256","typ":"ID"}"#),
            b64(br#"{"alg":"HS256","x":{"y":[1]}}"#),
            b64(br#"{"alg":"HS256","typ":"JWT"}"#) + "A",
            b64(br#"{"alg":"HS256","typ":"JWT"}"#).replacen('J', "K", 1),
        ];
        let payloads = [
            b64(br#"{"exp":1706357400,"token_type":"access"}"#),
            b64(br#"{"exp":1706357401,"typ":"Bearer"}"#),
            b64(br#"{"iat":5}"#),
            b64(br#"{"exp":"x"}"#),
        ];
        let mut reader = SummaryReader::new();
        let mut hits = 0;
        for case in 0..20_000 {
            let h = &headers[rng.below(headers.len() as u64) as usize];
            let p = &payloads[rng.below(payloads.len() as u64) as usize];
            let mut token = format!("{h}.{p}.c2ln");
            match rng.below(10) {
                0 => token = random_token(&mut rng),
                // The remembered header followed by more characters instead of the dot.
                1 => token = format!("{h}A{p}.c2ln"),
                _ => {}
            }
            let limits = JwtLimits {
                max_json_depth: [64, 64, 64, 2, 1][rng.below(5) as usize],
                ..JwtLimits::default()
            };
            let before = reader.memo.clone();
            let got = reader.read(token.as_bytes(), &limits);
            let want = read_summary_exact(token.as_bytes(), &limits, &mut Vec::new());
            assert_eq!(
                got, want,
                "case {case}: {token} with depth {}",
                limits.max_json_depth
            );
            if before == reader.memo && !before.text.is_empty() && got.is_ok() {
                hits += 1;
            }
        }
        assert!(hits > 500, "the memo was used {hits} times only");
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
        let s = summary(simple.as_bytes(), &limits, &mut buf, None).unwrap();
        assert_eq!(s.claims.exp, Some(1_706_357_400.0));
        assert_eq!(s.claims.iat, Some(1_706_353_800.0));
        assert_eq!(s.token_type, Some(TokenType::Access));
        let s = summary(oidc.as_bytes(), &limits, &mut buf, None).unwrap();
        assert_eq!(s.claims.exp, Some(1_763_886_400.0));
        assert_eq!(s.token_type, Some(TokenType::Access));
        // Too long for the caller's limit: the exact path reports it.
        let small = JwtLimits {
            max_token_bytes: 100,
            ..limits
        };
        assert_eq!(summary(simple.as_bytes(), &small, &mut buf, None), None);
    }
}
