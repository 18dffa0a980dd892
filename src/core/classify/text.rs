//! Small string helpers shared by the envelope readers: bounded messages, code comparison.
//!
//! Why: every envelope yields server text of unknown length and quality. One place decides
//! how long a message may be ([`MAX_MESSAGE_BYTES`]) and how codes compare (ASCII
//! case-insensitively, `-` equal to `_`, only the last segment of a URI), so the readers and
//! the rules agree.

use std::borrow::Cow;

/// Longest message kept, in bytes; longer ones are cut at a character boundary and end
/// with `…`.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// Trims `s`; `None` when empty; cut to [`MAX_MESSAGE_BYTES`].
pub(crate) fn clean_message(s: &str) -> Option<Cow<'_, str>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Some(cap(s, MAX_MESSAGE_BYTES))
}

/// `s` cut to at most `max` bytes (plus `…`) at a character boundary.
pub(crate) fn cap(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + 3);
    out.push_str(s.get(..end).unwrap_or(""));
    out.push('…');
    Cow::Owned(out)
}

/// The part of a code that names it: the last segment of a URI (`/errors/validation-error`
/// -> `validation-error`, `…#quota-exceeded` -> `quota-exceeded`).
pub(crate) fn code_key(code: &str) -> &str {
    let code = code.trim();
    match code.rfind(['/', '#']) {
        Some(i) => code.get(i + 1..).unwrap_or(""),
        None => code,
    }
}

/// Codes compare ASCII case-insensitively, `-` equal to `_`, on their [`code_key`].
pub(crate) fn code_is(code: &str, want: &str) -> bool {
    let a = code_key(code).as_bytes();
    let b = want.as_bytes();
    a.len() == b.len()
        && a.iter().zip(b).all(|(&x, &y)| {
            let x = if x == b'-' { b'_' } else { x };
            let y = if y == b'-' { b'_' } else { y };
            x.eq_ignore_ascii_case(&y)
        })
}

/// True when `code_key(code)` starts with `prefix` (same comparison as [`code_is`]).
pub(crate) fn code_starts(code: &str, prefix: &str) -> bool {
    let key = code_key(code);
    key.get(..prefix.len()).is_some_and(|p| code_is(p, prefix))
}

/// True when `code_key(code)` ends with `suffix` (same comparison as [`code_is`]).
pub(crate) fn code_ends(code: &str, suffix: &str) -> bool {
    let key = code_key(code);
    key.len() >= suffix.len()
        && key
            .get(key.len() - suffix.len()..)
            .is_some_and(|p| code_is(p, suffix))
}

/// A request id or similar token: trimmed, no control characters, at most 200 bytes.
pub(crate) fn clean_id(s: &str) -> Option<&str> {
    let s = s.trim();
    if s.is_empty() || s.chars().any(char::is_control) {
        return None;
    }
    let mut end = s.len().min(200);
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_compare_loosely() {
        assert!(code_is("RATE_LIMIT_EXCEEDED", "rate_limit_exceeded"));
        assert!(code_is("/errors/validation-error", "validation_error"));
        assert!(code_is(
            "https://iana.org/x#quota-exceeded",
            "quota_exceeded"
        ));
        assert!(!code_is("throttled", "throttle"));
        assert!(code_starts("VALIDATION_FILE_TOO_LARGE", "validation_"));
        assert!(code_ends("BUSINESS_DOCUMENT_NOT_FOUND", "_not_found"));
        assert!(!code_ends("x", "_not_found"));
    }

    #[test]
    fn messages_are_bounded_on_char_boundaries() {
        let long = "é".repeat(2000);
        let c = clean_message(&long).unwrap();
        assert!(c.len() <= MAX_MESSAGE_BYTES + '…'.len_utf8());
        assert!(c.ends_with('…'));
        assert_eq!(clean_message("  \n "), None);
        assert_eq!(clean_id("a\u{0}b"), None);
        assert_eq!(clean_id(&"x".repeat(300)).map(str::len), Some(200));
    }
}
