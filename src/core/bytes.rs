//! Byte searches the readers share: case-insensitive ASCII substring search, and finding
//! a byte eight at a time.
//!
//! Why here: the JSON reader, the HTML title reader, content-type checks, redaction and the
//! DRF throttle sentence all search bounded server text; one word-at-a-time trick
//! ([`zero_bytes`]) serves all of them.

/// `0x01` in every byte of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte of a word.
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The top bit of each zero byte of `x`. The lowest set bit marks the first zero byte
/// exactly; bits above it may be false (a borrow only reaches higher bytes).
#[inline(always)]
pub(crate) fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Byte offset of `needle` (lowercase ASCII) in `hay`, compared ASCII case-insensitively.
pub(crate) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    let Some((&first, rest)) = n.split_first() else {
        return Some(0);
    };
    let last_start = h.len().checked_sub(n.len())?;
    let letter = first.is_ascii_alphabetic();
    let mut i = 0;
    while i <= last_start {
        // A needle that starts with a non-letter (`<title`) jumps eight bytes at a time.
        i = if letter {
            // `b | 0x20` is the lowercase letter only for that letter in either case.
            i + h.get(i..)?.iter().position(|&b| b | 0x20 == first)?
        } else {
            find_byte(h, i, first)?
        };
        if i > last_start {
            return None;
        }
        if h.get(i + 1..i + n.len())
            .is_some_and(|w| folds_to_lower(w, rest))
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether `w` equals `lower` (lowercase ASCII, same length) ignoring ASCII case. A byte may
/// differ from the needle's only by the case bit, and only where the needle has a letter:
/// half the work of lowering both sides, which `eq_ignore_ascii_case` does.
#[inline(always)]
fn folds_to_lower(w: &[u8], lower: &[u8]) -> bool {
    w.len() == lower.len()
        && w.iter().zip(lower).all(|(&b, &l)| {
            let d = b ^ l;
            d == 0 || (d == 0x20 && l.is_ascii_lowercase())
        })
}

/// Whether `h` holds `a` or `b`, eight bytes per step.
pub(crate) fn has_either(h: &[u8], a: u8, b: u8) -> bool {
    let (pa, pb) = (ONES * u64::from(a), ONES * u64::from(b));
    let mut chunks = h.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(w) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(w);
        if zero_bytes(w ^ pa) | zero_bytes(w ^ pb) != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&c| c == a || c == b)
}

/// The position of the first `byte` at or after `from`, eight bytes per step.
pub(crate) fn find_byte(h: &[u8], from: usize, byte: u8) -> Option<usize> {
    let pattern = ONES * u64::from(byte);
    let mut i = from;
    while let Some(chunk) = h.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
        let zero = zero_bytes(u64::from_le_bytes(chunk) ^ pattern);
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    h.get(i..)?.iter().position(|&b| b == byte).map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast searches find what a plain scan finds, at every alignment and near the end.
    #[test]
    fn searches_agree_with_a_plain_scan() {
        let mut rng = crate::core::rand::SplitMix64::new(0xF17D);
        let alphabet = b"<tT/iI>lLe a\xc3";
        for _ in 0..20_000 {
            let n = rng.below(40) as usize;
            let hay = rng.text_from(alphabet, n);
            let from = rng.below(n as u64 + 2) as usize;
            for byte in [b'<', b'>', b'l', 0xc3] {
                let plain = hay
                    .as_bytes()
                    .get(from..)
                    .and_then(|rest| rest.iter().position(|&b| b == byte))
                    .map(|p| from + p);
                assert_eq!(
                    find_byte(hay.as_bytes(), from, byte),
                    plain,
                    "{hay:?} {from}"
                );
            }
            for (a, b) in [(b'<', b'>'), (b'/', b'#'), (b'T', b'x')] {
                let plain = hay.bytes().any(|c| c == a || c == b);
                assert_eq!(has_either(hay.as_bytes(), a, b), plain, "{hay:?}");
            }
            for needle in ["<title", "</title", "title", "<", "le", "x"] {
                let plain = hay.to_ascii_lowercase().find(needle);
                assert_eq!(find_ascii_ci(&hay, needle), plain, "{hay:?} {needle:?}");
            }
        }
    }
}
