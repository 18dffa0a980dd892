//! Removing credentials from anything that goes into a support report.
//!
//! Why: seed 000 asks users to send "the curl command to reproduce (with credentials
//! redacted)". People paste these into tickets and chats, so redaction must be thorough and
//! must not depend on the text being well-formed (the body excerpt may be cut mid-value).
//!
//! What is redacted (the replacement is `REDACTED`):
//! - header values whose name is sensitive ([`is_sensitive_name`]); `Authorization` keeps
//!   its scheme (`Bearer REDACTED`), `Cookie` keeps cookie names (`sid=REDACTED`),
//!   `Set-Cookie` keeps only the cookie name;
//! - JSON members with a sensitive key, whatever the value (string, number, object, array),
//!   by a scanner that preserves formatting and copes with truncated JSON;
//! - query-string and fragment parameters with a sensitive name, `user:password@` in URLs,
//!   and `application/x-www-form-urlencoded` bodies;
//! - everywhere, as a safety net: JWT-shaped strings (`eyJ…` with dots) and `Bearer <token>`.
//!
//! A name is sensitive when, lowercased with `-`, `_` and `.` removed, it contains `token`,
//! `secret`, `password`, `passwd`, `apikey`, `authoriz`, `cookie`, `credential`,
//! `signature`, `privatekey` or `session`, or equals `key`, `auth`, `access`, `refresh`,
//! `pass`, `pwd`, `sig`, `otp`, `jwt`, `bearer`, `sid` or `xamzcredential`. `access` and
//! `refresh` are the SimpleJWT token fields of seed 000.

use std::borrow::Cow;

use crate::core::bytes::{contains, find, find_ascii_ci};

/// The replacement text.
pub const REDACTED: &str = "REDACTED";

/// True when a header, JSON key or query parameter name may carry a credential.
pub fn is_sensitive_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    const CONTAINS: [&str; 11] = [
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "authoriz",
        "cookie",
        "credential",
        "signature",
        "privatekey",
        "session",
    ];
    const EXACT: [&str; 13] = [
        "key",
        "auth",
        "access",
        "refresh",
        "pass",
        "pwd",
        "sig",
        "otp",
        "jwt",
        "bearer",
        "sid",
        "xamzcredential",
        "codeverifier",
    ];
    CONTAINS.iter().any(|c| contains(&n, c)) || EXACT.contains(&n.as_str())
}

/// A header value safe to print.
pub fn redact_header<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    let lower = name.to_ascii_lowercase();
    if lower == "cookie" {
        let parts: Vec<String> = value
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, _)) => format!("{}={REDACTED}", k.trim()),
                None => REDACTED.to_string(),
            })
            .collect();
        return Cow::Owned(parts.join("; "));
    }
    if lower == "set-cookie" {
        let first = value.split(';').next().unwrap_or("");
        return Cow::Owned(match first.split_once('=') {
            Some((k, _)) => format!("{}={REDACTED}", k.trim()),
            None => REDACTED.to_string(),
        });
    }
    if is_sensitive_name(name) {
        let v = value.trim();
        return Cow::Owned(match v.split_once(' ') {
            Some((scheme, _))
                if contains(&lower, "authoriz")
                    && !scheme.is_empty()
                    && scheme
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                format!("{scheme} {REDACTED}")
            }
            _ => REDACTED.to_string(),
        });
    }
    scrub_text(value)
}

/// A URL safe to print: userinfo, sensitive query and fragment parameters redacted.
pub fn redact_url(url: &str) -> String {
    let (before_frag, fragment) = match url.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (url, None),
    };
    let (base, query) = match before_frag.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (before_frag, None),
    };
    let mut out = String::with_capacity(url.len());
    // userinfo: scheme://user:pass@host
    match find(base, "://").and_then(|i| base.split_at_checked(i + 3)) {
        Some((scheme, rest)) => {
            let auth_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at_checked(auth_end).unwrap_or((rest, ""));
            out.push_str(scheme);
            match authority.rfind('@') {
                Some(at) => {
                    out.push_str(REDACTED);
                    out.push_str(authority.get(at..).unwrap_or(""));
                }
                None => out.push_str(authority),
            }
            out.push_str(&scrub_text(path));
        }
        None => out.push_str(&scrub_text(base)),
    }
    if let Some(q) = query {
        out.push('?');
        out.push_str(&redact_form(q));
    }
    if let Some(f) = fragment {
        out.push('#');
        if f.contains('=') {
            out.push_str(&redact_form(f));
        } else {
            out.push_str(&scrub_text(f));
        }
    }
    out
}

/// `a=1&token=xyz` -> `a=1&token=REDACTED`.
pub(crate) fn redact_form(q: &str) -> String {
    q.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_sensitive_name(&percent_decode_lossy(k)) => {
                format!("{k}={REDACTED}")
            }
            _ => scrub_text(pair).into_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode_lossy(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|h| (*h as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Redacts sensitive members of JSON text (valid, truncated or slightly broken), keeping
/// its formatting; non-JSON text that looks like a form body is redacted as a form; any
/// text gets the JWT/Bearer safety net.
pub fn redact_json_text(text: &str) -> String {
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) && t.contains('=') && !t.contains(' ') {
        return redact_form(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(q) = rest.find('"') {
        out.push_str(rest.get(..q).unwrap_or(""));
        let (s_end, closed) = string_end(rest, q);
        let key = rest.get(q..s_end).unwrap_or("");
        out.push_str(key);
        rest = rest.get(s_end..).unwrap_or("");
        if !closed {
            break;
        }
        let after_ws = rest.trim_start();
        let Some(after_colon) = after_ws.strip_prefix(':') else {
            continue;
        };
        let inner = key.get(1..key.len().saturating_sub(1)).unwrap_or("");
        if !is_sensitive_name(inner) {
            continue;
        }
        let ws_len = rest.len() - after_ws.len();
        out.push_str(rest.get(..ws_len + 1).unwrap_or(":"));
        let value = after_colon.trim_start();
        out.push_str(
            after_colon
                .get(..after_colon.len() - value.len())
                .unwrap_or(""),
        );
        let skip = value_len(value);
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        rest = value.get(skip..).unwrap_or("");
    }
    out.push_str(rest);
    scrub_text(&out).into_owned()
}

/// End (exclusive) of the string starting at `q` (a `"`), and whether it was closed.
fn string_end(s: &str, q: usize) -> (usize, bool) {
    let b = s.as_bytes();
    let mut i = q + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return (i + 1, true),
            _ => i += 1,
        }
    }
    (s.len(), false)
}

/// Length of the JSON value at the start of `v` (to the end when it is cut).
fn value_len(v: &str) -> usize {
    let b = v.as_bytes();
    match b.first() {
        Some(b'"') => string_end(v, 0).0,
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = 0;
            while let Some(&c) = b.get(i) {
                match c {
                    b'"' => {
                        i = string_end(v, i).0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            v.len()
        }
        _ => v
            .find([',', '}', ']', '\n'])
            .map_or(v.len(), |i| v.get(..i).map_or(i, |s| s.trim_end().len())),
    }
}

/// The safety net: JWT-shaped strings and `Bearer <token>` become `REDACTED`.
pub(crate) fn scrub_text(s: &str) -> Cow<'_, str> {
    if !contains(s, "eyJ") && find_ascii_ci(s, "bearer ").is_none() {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    let tok = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    while i < b.len() {
        let boundary = i == 0 || b.get(i - 1).is_none_or(|&p| !tok(p));
        if boundary && b.get(i..i + 3) == Some(b"eyJ") {
            let mut j = i;
            let mut dots = 0;
            while let Some(&c) = b.get(j) {
                if tok(c) {
                    j += 1;
                } else if c == b'.' && b.get(j + 1).is_some_and(|&n| tok(n)) {
                    dots += 1;
                    j += 1;
                } else {
                    break;
                }
            }
            if dots >= 1 {
                out.push_str(s.get(copied..i).unwrap_or(""));
                out.push_str(REDACTED);
                copied = j;
                i = j;
                continue;
            }
        }
        if boundary
            && b.get(i..i + 7)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"bearer "))
        {
            let start = i + 7;
            let mut j = start;
            while let Some(&c) = b.get(j) {
                if c.is_ascii_whitespace() || c == b'"' || c == b'\'' || c == b',' {
                    break;
                }
                j += 1;
            }
            if j > start && s.get(start..j) != Some(REDACTED) {
                out.push_str(s.get(copied..start).unwrap_or(""));
                out.push_str(REDACTED);
                copied = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "Authorization",
            "Proxy-Authorization",
            "Cookie",
            "X-API-Key",
            "x-auth-token",
            "access_token",
            "refresh",
            "client_secret",
            "password",
            "X-Amz-Security-Token",
            "X-Amz-Signature",
            "key",
            "sessionid",
        ] {
            assert!(is_sensitive_name(n), "{n}");
        }
        for n in [
            "Content-Type",
            "author",
            "page_size",
            "username",
            "X-Request-Id",
            "monkey",
        ] {
            assert!(!is_sensitive_name(n), "{n}");
        }
    }

    #[test]
    fn headers() {
        assert_eq!(
            redact_header("Authorization", "Bearer eyJabc.def.ghi"),
            "Bearer REDACTED"
        );
        assert_eq!(redact_header("authorization", "rawtoken"), "REDACTED");
        assert_eq!(redact_header("X-API-Key", "valid-key-123"), "REDACTED");
        assert_eq!(
            redact_header("Cookie", "sessionid=abc; csrftoken=def"),
            "sessionid=REDACTED; csrftoken=REDACTED"
        );
        assert_eq!(
            redact_header("Set-Cookie", "sid=abc; Path=/; HttpOnly"),
            "sid=REDACTED"
        );
        assert_eq!(
            redact_header("Accept", "application/json"),
            "application/json"
        );
        assert_eq!(
            redact_header("X-Debug", "Bearer abc.def"),
            "Bearer REDACTED"
        );
    }

    #[test]
    fn urls() {
        assert_eq!(
            redact_url(
                "https://u:p@api.example.com/x?page=1&api_key=abc&token=t#access_token=zz&state=1"
            ),
            "https://REDACTED@api.example.com/x?page=1&api_key=REDACTED&token=REDACTED#access_token=REDACTED&state=1"
        );
        assert_eq!(
            redact_url("/api/v1/claims/?page_size=1000"),
            "/api/v1/claims/?page_size=1000"
        );
        assert_eq!(
            redact_url("https://x.io/?a%5Fkey=1&%6Bey=2"),
            "https://x.io/?a%5Fkey=1&%6Bey=REDACTED"
        );
    }

    #[test]
    fn json_bodies() {
        assert_eq!(
            redact_json_text(r#"{"username": "a@b.c", "password": "hunter2"}"#),
            r#"{"username": "a@b.c", "password": "REDACTED"}"#
        );
        assert_eq!(
            redact_json_text(
                r#"{"refresh":"eyJ0eXAi.eyJ1c2Vy.sig","n":{"apiKey":123,"x":[1]},"creds":{"password":"p"}}"#
            ),
            r#"{"refresh":"REDACTED","n":{"apiKey":"REDACTED","x":[1]},"creds":{"password":"REDACTED"}}"#
        );
        assert_eq!(
            redact_json_text(r#"{"credentials": {"user": "u", "pw": "x"}, "ok": true}"#),
            r#"{"credentials": "REDACTED", "ok": true}"#
        );
        // Cut in the middle of a secret.
        assert_eq!(
            redact_json_text(r#"{"token": "abcdef"#),
            r#"{"token": "REDACTED""#
        );
        assert_eq!(
            redact_json_text("grant_type=password&username=u&password=p"),
            "grant_type=password&username=u&password=REDACTED"
        );
        assert_eq!(
            redact_json_text(r#"{"note": "use \"token\": here", "token" : null}"#),
            r#"{"note": "use \"token\": here", "token" : "REDACTED"}"#
        );
    }

    #[test]
    fn safety_net() {
        assert_eq!(
            scrub_text("saw eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc in logs"),
            "saw REDACTED in logs"
        );
        assert_eq!(scrub_text("keyJ.x"), "keyJ.x");
        assert_eq!(scrub_text("bearer abc def"), "bearer REDACTED def");
    }
}
