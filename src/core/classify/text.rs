//! Small string helpers shared by the envelope readers: bounded messages, code comparison.
//!
//! Why: every envelope yields server text of unknown length and quality. One place decides
//! how long a message may be ([`MAX_MESSAGE_BYTES`]) and how codes compare ([`CodeKey`]:
//! ASCII case-insensitively, `-` equal to `_`, only the last segment of a URI), so the
//! readers and the rules agree.

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

/// A code in comparison form: its [`code_key`], ASCII-lowercased, `-` written `_`. Built
/// once per classification so every table lookup is a plain string comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeKey(String);

impl CodeKey {
    pub(crate) fn new(code: &str) -> CodeKey {
        CodeKey(
            code_key(code)
                .chars()
                .map(|c| {
                    if c == '-' {
                        '_'
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect(),
        )
    }

    /// Equal to `want` (lowercase, `_`).
    pub(crate) fn is(&self, want: &str) -> bool {
        self.0 == want
    }

    /// Starts with `prefix` (lowercase, `_`).
    pub(crate) fn starts(&self, prefix: &str) -> bool {
        self.0.starts_with(prefix)
    }

    /// Ends with `suffix` (lowercase, `_`).
    pub(crate) fn ends(&self, suffix: &str) -> bool {
        self.0.ends_with(suffix)
    }
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
        assert!(CodeKey::new("RATE_LIMIT_EXCEEDED").is("rate_limit_exceeded"));
        assert!(CodeKey::new("/errors/validation-error").is("validation_error"));
        assert!(CodeKey::new(" https://iana.org/x#quota-exceeded ").is("quota_exceeded"));
        assert!(!CodeKey::new("throttled").is("throttle"));
        assert!(CodeKey::new("VALIDATION_FILE_TOO_LARGE").starts("validation_"));
        assert!(CodeKey::new("BUSINESS_DOCUMENT_NOT_FOUND").ends("_not_found"));
        assert!(!CodeKey::new("x").ends("_not_found"));
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
