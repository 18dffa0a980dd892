//! HTML error pages (nginx, Cloudflare, load balancers): the `<title>` text, else the first
//! `<h1>`, as the message. Raw markup is never returned.
//!
//! The text is stripped of tags, common entities are decoded (`&amp;` `&lt;` `&gt;` `&quot;`
//! `&#39;` `&apos;` `&nbsp;` and numeric ones), white space is collapsed. The search is
//! linear in the (bounded) body.

use super::Extracted;
use crate::core::bytes::find_ascii_ci;
use crate::core::classify::model::Format;
use crate::core::classify::text::{MAX_MESSAGE_BYTES, trim};
use std::borrow::Cow;

/// Reads an HTML page.
pub(crate) fn read(page: &str) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Html);
    ex.message = title(page);
    ex
}

/// The readable title of a page: `<title>` text, else the first `<h1>`.
pub(crate) fn title(page: &str) -> Option<Cow<'_, str>> {
    [("<title", "</title"), ("<h1", "</h1")]
        .iter()
        .find_map(|&(open, close)| {
            let text = plain(element_text(page, open, close)?);
            if text.is_empty() { None } else { Some(text) }
        })
}

/// [`to_plain`], borrowed when the text is already plain (most titles are: no tags, no
/// entities, single spaces), so the message is a slice of the page.
fn plain(s: &str) -> Cow<'_, str> {
    let t = trim(s);
    if t.len() <= MAX_MESSAGE_BYTES && already_plain(t) {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(to_plain(s))
    }
}

/// Whether [`to_plain`] leaves trimmed `t` as it is: no markup, no entity, white space only
/// as single spaces. One pass over the bytes; text outside ASCII is checked by character.
fn already_plain(t: &str) -> bool {
    let mut after_space = false;
    for &b in t.as_bytes() {
        match b {
            b'<' | b'&' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => return false,
            b' ' if after_space => return false,
            0x80.. => {
                return !t.contains(['<', '&'])
                    && !crate::core::bytes::contains(t, "  ")
                    && !t.chars().any(|c| c.is_whitespace() && c != ' ');
            }
            _ => {}
        }
        after_space = b == b' ';
    }
    true
}

/// The text between the element opened by `open` (`<title`) and closed by `close`.
fn element_text<'a>(page: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let mut from = 0;
    loop {
        let at = from + find_ascii_ci(page.get(from..)?, open)?;
        let after = at + open.len();
        // `<title>` or `<title attr>`, not `<titlex>`.
        match page.as_bytes().get(after) {
            Some(b'>' | b' ' | b'\t' | b'\n' | b'\r') => {}
            _ => {
                from = after;
                continue;
            }
        }
        let gt = after + page.get(after..)?.find('>')?;
        let start = gt + 1;
        let end = start + find_ascii_ci(page.get(start..)?, close).unwrap_or(page.len() - start);
        return page.get(start..end);
    }
}

/// Tags removed, entities decoded, white space collapsed, bounded.
pub(crate) fn to_plain(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut pending_space = false;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let mut consumed = c.len_utf8();
        let mut emit: Option<char> = None;
        if in_tag {
            if c == '>' {
                in_tag = false;
                pending_space = true;
            }
        } else if c == '<' {
            in_tag = true;
        } else if c == '&' {
            if let Some((ch, len)) = entity(rest) {
                emit = Some(ch);
                consumed = len;
            } else {
                emit = Some('&');
            }
        } else {
            emit = Some(c);
        }
        if let Some(ch) = emit {
            if ch.is_whitespace() || ch == '\u{a0}' {
                pending_space = true;
            } else {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                if out.len() + ch.len_utf8() > MAX_MESSAGE_BYTES {
                    out.push('…');
                    return out;
                }
                out.push(ch);
            }
        }
        rest = rest.get(consumed..).unwrap_or("");
    }
    out
}

/// Decodes the entity at the start of `s` (which starts with `&`): (char, bytes used).
fn entity(s: &str) -> Option<(char, usize)> {
    let semi = s.bytes().take(12).position(|b| b == b';')?;
    let name = s.get(1..semi)?;
    let ch = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                num.parse::<u32>().ok()?
            };
            char::from_u32(code)
                .filter(|c| !c.is_control())
                .unwrap_or('\u{FFFD}')
        }
    };
    Some((ch, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_502() {
        let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                    <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                    </body>\r\n</html>\r\n";
        assert_eq!(title(page).as_deref(), Some("502 Bad Gateway"));
    }

    #[test]
    fn h1_fallback_entities_and_nested_tags() {
        let page = "<body><h1 class=x>Service &amp; <b>API</b>&#160;down &#x263A; &bogus;</h1>";
        assert_eq!(title(page).as_deref(), Some("Service & API down ☺ &bogus;"));
        assert_eq!(title("<titlex>no</titlex>"), None);
        assert_eq!(title("<title>   </title>"), None);
        assert_eq!(title("<title>unclosed").as_deref(), Some("unclosed"));
    }

    /// Plain text is borrowed exactly when [`to_plain`] would return it unchanged.
    #[test]
    fn plain_agrees_with_to_plain() {
        let mut rng = crate::core::rand::SplitMix64::new(0x717E);
        let alphabet = [
            "a", "Z", " ", "  ", "\t", "\n", "<b>", "&amp;", "&", "\u{a0}", "\u{2003}", "é", "…",
            "5",
        ];
        for _ in 0..20_000 {
            let n = rng.below(12) as usize;
            let s: String = (0..n)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                .collect();
            let p = plain(&s);
            assert_eq!(p, to_plain(&s), "{s:?}");
            if matches!(p, Cow::Borrowed(_)) {
                assert!(!s.contains('<') && !s.contains('&'), "{s:?}");
            }
        }
        let long = "x".repeat(MAX_MESSAGE_BYTES + 10);
        assert_eq!(plain(&long), to_plain(&long));
        assert!(matches!(
            plain(" 502 Bad Gateway "),
            Cow::Borrowed("502 Bad Gateway")
        ));
    }
}
