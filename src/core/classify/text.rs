//! Small string helpers shared by the envelope readers and the rules: bounded messages, code
//! comparison, phrase search.
//!
//! Why: every envelope yields server text of unknown length and quality. One place decides
//! how long a message may be ([`MAX_MESSAGE_BYTES`]), how codes compare ([`CodeKey`]:
//! ASCII case-insensitively, `-` equal to `_`, only the last segment of a URI) and how
//! phrases are found in text ([`Phrases`]: ASCII case-insensitively), so the readers and
//! the rules agree.

use std::borrow::Cow;

/// Longest message kept, in bytes; longer ones are cut at a character boundary and end
/// with `…`.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// `s` without leading and trailing white space.
pub(crate) fn trim(s: &str) -> &str {
    s.trim()
}

/// Trims `s`; `None` when empty; cut to [`MAX_MESSAGE_BYTES`].
pub(crate) fn clean_message(s: &str) -> Option<Cow<'_, str>> {
    let s = trim(s);
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
    Cow::Owned(format!("{}…", s.get(..end).unwrap_or("")))
}

/// A request id or similar token: trimmed, no control characters, at most 200 bytes.
pub(crate) fn clean_id(s: &str) -> Option<&str> {
    let s = trim(s);
    if s.is_empty() || s.chars().any(char::is_control) {
        return None;
    }
    let mut end = s.len().min(200);
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end)
}

/// The part of a code that names it: the last segment of a URI (`/errors/validation-error`
/// -> `validation-error`, `…#quota-exceeded` -> `quota-exceeded`).
pub(crate) fn code_key(code: &str) -> &str {
    let code = trim(code);
    // Both separators are ASCII, so the byte after one starts a character.
    match code.bytes().rposition(|b| b == b'/' || b == b'#') {
        Some(i) => code.get(i + 1..).unwrap_or(""),
        None => code,
    }
}

/// A code in comparison form: its [`code_key`], compared ASCII case-insensitively with `-`
/// equal to `_` against table entries written in lower case with `_`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeKey<'a>(&'a str);

/// Whether `code` reads as `want` (lower case, `_`), byte for byte.
fn folds_to(code: &[u8], want: &[u8]) -> bool {
    let fold = |b: u8| {
        if b == b'-' {
            b'_'
        } else {
            b.to_ascii_lowercase()
        }
    };
    code.len() == want.len() && code.iter().zip(want).all(|(c, w)| fold(*c) == *w)
}

impl<'a> CodeKey<'a> {
    pub(crate) fn new(code: &'a str) -> CodeKey<'a> {
        CodeKey(code_key(code))
    }

    /// Equal to `want` (lowercase, `_`).
    pub(crate) fn is(&self, want: &str) -> bool {
        folds_to(self.0.as_bytes(), want.as_bytes())
    }

    /// Starts with `prefix` (lowercase, `_`).
    pub(crate) fn starts(&self, prefix: &str) -> bool {
        self.0
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| folds_to(head, prefix.as_bytes()))
    }

    /// Ends with `suffix` (lowercase, `_`).
    pub(crate) fn ends(&self, suffix: &str) -> bool {
        let code = self.0.as_bytes();
        code.len()
            .checked_sub(suffix.len())
            .and_then(|at| code.get(at..))
            .is_some_and(|tail| folds_to(tail, suffix.as_bytes()))
    }
}

/// A table from codes (lower case, `_`) to values, searched in order.
#[derive(Debug)]
pub(crate) struct CodeTable<T: 'static, const N: usize>([(&'static str, T); N]);

impl<T: Copy + 'static, const N: usize> CodeTable<T, N> {
    pub(crate) const fn new(entries: [(&'static str, T); N]) -> Self {
        CodeTable(entries)
    }

    /// The value of the first entry equal to `code`.
    pub(crate) fn get(&self, code: &CodeKey<'_>) -> Option<T> {
        self.0.iter().find(|(k, _)| code.is(k)).map(|(_, v)| *v)
    }
}

/// Server text lowercased once, to be searched for phrases (written in lower case).
#[derive(Debug)]
pub(crate) struct Phrases(String);

impl Phrases {
    pub(crate) fn new(text: &str) -> Phrases {
        Phrases(text.to_ascii_lowercase())
    }

    /// True when the text contains `phrase` (texts are short: at most [`MAX_MESSAGE_BYTES`]).
    pub(crate) fn has(&self, phrase: &str) -> bool {
        crate::core::bytes::contains(&self.0, phrase)
    }

    /// True when the text contains one of `phrases`.
    pub(crate) fn any_of(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has(p))
    }
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
        assert!(CodeKey::new("Ünïcode-Ä").is("Ünïcode_Ä"));
        assert!(!CodeKey::new("abc").starts("abcd") && !CodeKey::new("abc").ends("zabc"));
        assert!(CodeKey::new("abc").starts("abc") && CodeKey::new("a-bc").ends("_bc"));
        // Table entries are lower case with `_`: `-` and upper case in them never match.
        assert!(!CodeKey::new("a-b").is("a-b") && !CodeKey::new("AB").is("AB"));
    }

    #[test]
    fn code_keys_are_the_last_uri_segment() {
        for (code, key) in [
            ("/errors/validation-error", "validation-error"),
            ("https://x.io/p#quota", "quota"),
            ("a#b/c", "c"),
            (" plain ", "plain"),
            ("ends/", ""),
            ("/", ""),
            ("", ""),
            ("é/ü#日本", "日本"),
            ("ÄÖ", "ÄÖ"),
        ] {
            assert_eq!(code_key(code), key, "{code}");
        }
    }

    #[test]
    fn code_tables_find_the_first_entry() {
        const TABLE: CodeTable<u8, 3> =
            CodeTable::new([("throttled", 1), ("rate_limit", 2), ("throttled", 3)]);
        assert_eq!(TABLE.get(&CodeKey::new("THROTTLED")), Some(1));
        assert_eq!(TABLE.get(&CodeKey::new("Rate-Limit")), Some(2));
        assert_eq!(TABLE.get(&CodeKey::new("rate")), None);
    }

    #[test]
    fn phrases_ignore_ascii_case() {
        let p = Phrases::new("Given Token not valid — é");
        assert!(p.has("token not valid"));
        assert!(p.has("— é"));
        assert!(p.any_of(&["x", "given"]));
        assert!(!p.has("tokens"));
    }

    #[test]
    fn messages_are_bounded_on_char_boundaries() {
        let long = "é".repeat(2000);
        let c = clean_message(&long).unwrap();
        assert!(c.len() <= MAX_MESSAGE_BYTES + '…'.len_utf8());
        assert!(c.ends_with('…'));
        assert_eq!(clean_message("  \n "), None);
        assert_eq!(clean_id("a\u{0}b"), None);
        assert_eq!(clean_id("a\u{85}b"), None);
        assert_eq!(clean_id(&"x".repeat(300)).map(str::len), Some(200));
    }
}
