//! Turning body bytes into something to read: a bounded, lossily decoded prefix, sniffed
//! as JSON, HTML, text or nothing.
//!
//! Key decisions:
//! - Only `max_body_bytes` are looked at. When the cut falls inside a UTF-8 sequence the
//!   partial character is dropped; any other invalid byte becomes U+FFFD. A leading BOM is
//!   skipped. Valid UTF-8 is borrowed, never copied.
//! - The content decides before the `Content-Type` does: a body starting with `{` or `[` is
//!   tried as JSON whatever its type (gateways mislabel), a body starting with `<` is markup.
//!   JSON that does not parse (cut, malformed, nested deeper than 64) is `Unparsed`: it is
//!   never shown, the status and headers alone classify the response. A cut body is usually
//!   recognised without parsing it (it does not end with the bracket it opened with).
//! - `<?xml` bodies are `Unparsed` too: markup is never shown, and no XML envelope is known.

use std::borrow::Cow;

use super::text::trim;
use crate::core::json::{self, Value};

/// A sniffed body.
#[derive(Debug)]
pub(crate) enum Sniffed<'a> {
    /// Nothing but white space.
    Empty,
    /// A JSON document.
    Json(Value<'a>),
    /// An HTML page.
    Html(&'a str),
    /// Plain text.
    Text(&'a str),
    /// JSON that does not parse, or XML.
    Unparsed,
}

/// The first `max` bytes of `body` as text.
pub(crate) fn decode(body: &[u8], max: usize) -> Cow<'_, str> {
    let truncated = body.len() > max;
    let prefix = body.get(..max.min(body.len())).unwrap_or(body);
    match std::str::from_utf8(prefix) {
        Ok(s) => Cow::Borrowed(s),
        Err(e) if truncated && e.error_len().is_none() => {
            let valid = prefix.get(..e.valid_up_to()).unwrap_or(&[]);
            Cow::Borrowed(std::str::from_utf8(valid).unwrap_or(""))
        }
        Err(_) => String::from_utf8_lossy(prefix),
    }
}

/// Sniffs decoded body text; `content_type` is the response `Content-Type` (or "").
pub(crate) fn sniff<'a>(text: &'a str, content_type: &str) -> Sniffed<'a> {
    let t = trim(text.trim_start_matches('\u{feff}'));
    let Some(first) = t.bytes().next() else {
        return Sniffed::Empty;
    };
    let ct_has = |kind: &str| crate::core::bytes::find_ascii_ci(content_type, kind).is_some();
    if first == b'{' || first == b'[' {
        // A document that opens with `{` (`[`) parses only if it ends with `}` (`]`): a body
        // cut by `max_body_bytes` almost never does, so it is rejected without parsing.
        let close = if first == b'{' { b'}' } else { b']' };
        if t.bytes().next_back() != Some(close) {
            return Sniffed::Unparsed;
        }
        return match json::parse(t) {
            Ok(v) => Sniffed::Json(v),
            Err(_) => Sniffed::Unparsed,
        };
    }
    if first == b'"' || (first != b'<' && ct_has("json")) {
        if let Ok(v) = json::parse(t) {
            return Sniffed::Json(v);
        }
    }
    if first == b'<' {
        if t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("<?xml")) {
            return Sniffed::Unparsed;
        }
        return Sniffed::Html(t);
    }
    if ct_has("html") {
        return Sniffed::Html(t);
    }
    Sniffed::Text(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_inside_a_character_drops_it() {
        let body = "abcé".as_bytes(); // é is 2 bytes
        assert_eq!(decode(body, 4), "abc");
        assert_eq!(decode(body, 5), "abcé");
        assert_eq!(decode(b"a\xffb", 10), "a\u{FFFD}b");
        assert!(matches!(decode(body, 100), Cow::Borrowed(_)));
    }

    #[test]
    fn sniffing() {
        assert!(matches!(sniff(" \n", ""), Sniffed::Empty));
        assert!(matches!(sniff("{\"a\":1}", "text/plain"), Sniffed::Json(_)));
        assert!(matches!(
            sniff("{\"a\":", "application/json"),
            Sniffed::Unparsed
        ));
        assert!(matches!(sniff("<html></html>", ""), Sniffed::Html(_)));
        assert!(matches!(
            sniff("<?xml version=\"1.0\"?><a/>", ""),
            Sniffed::Unparsed
        ));
        assert!(matches!(
            sniff("Bad Gateway", "text/html"),
            Sniffed::Html(_)
        ));
        assert!(matches!(sniff("Bad Gateway", ""), Sniffed::Text(_)));
        assert!(matches!(sniff("\"quoted\"", ""), Sniffed::Json(_)));
        assert!(matches!(sniff("\"half", ""), Sniffed::Text(_)));
        assert!(matches!(sniff("\u{feff}{}", ""), Sniffed::Json(_)));
        assert!(matches!(sniff("[1,2", ""), Sniffed::Unparsed));
        assert!(matches!(sniff("[1,{}", ""), Sniffed::Unparsed));
        assert!(matches!(sniff("{\"a\":[1]", ""), Sniffed::Unparsed));
        assert!(matches!(sniff("{\"a\":[1]}}", ""), Sniffed::Unparsed));
        assert!(matches!(sniff(" [1] \n", ""), Sniffed::Json(_)));
    }
}
