//! Strict base64url (RFC 4648 §5) decoding of JWT segments.
//!
//! Why our own: no dependencies, and the lenient decoders are where JWT bugs come from
//! (angular2-jwt#623 mishandled `-`/`_`; jwt-decode falls back to `atob`). Decisions:
//!
//! - Alphabet `A-Z a-z 0-9 - _` only. `+`, `/`, white space and every other byte are refused
//!   with their offset, so a standard-base64 or line-wrapped token is an error, not a guess.
//! - Padding is optional (JWS omits it), but when present it must be exact: the padded length
//!   is a multiple of 4 and holds one `=` for 3 leftover characters, two for 2. `=` anywhere
//!   else is an invalid byte.
//! - An unpadded length of `4n + 1` cannot encode anything and is refused.
//! - Non-zero trailing bits are **refused** (RFC 4648 §3.5 allows either). No encoder emits
//!   them, so they only appear in altered tokens; refusing them keeps exactly one accepted
//!   text per byte string, and every peer we compare with agrees on what we accept.
//! - Speed: a 256-entry lookup table, four characters to three bytes per step, one check of
//!   the OR of the four values per step; output is allocated once with the exact length.

use std::fmt;

/// Marks a byte outside the alphabet; any value with bit 6 or 7 set is invalid.
const INVALID: u8 = 0xFF;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Byte -> 6-bit value, or [`INVALID`].
static TABLE: [u8; 256] = build_table();

// Runs at compile time only: an out-of-range index here is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const fn build_table() -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
}

#[inline(always)]
fn value(byte: u8) -> u8 {
    // `byte as usize < 256` always holds; the fallback only satisfies the no-index rule.
    TABLE.get(usize::from(byte)).copied().unwrap_or(INVALID)
}

/// What is wrong with a base64url text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64ErrorKind {
    /// A byte outside `A-Z a-z 0-9 - _` (the byte is carried).
    InvalidByte(u8),
    /// `=` padding that is incomplete or too long for the data before it.
    BadPadding,
    /// `4n + 1` characters of data, which no byte string encodes to.
    BadLength,
    /// The last character carries bits that must be zero.
    NonZeroTrailingBits,
}

/// A refused base64url text: what went wrong and at which offset in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base64Error {
    /// What went wrong.
    pub kind: Base64ErrorKind,
    /// Offset in the encoded text.
    pub offset: usize,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.offset;
        match self.kind {
            Base64ErrorKind::InvalidByte(b) if b.is_ascii_graphic() => write!(
                f,
                "byte '{}' at offset {at} is outside the base64url alphabet",
                char::from(b)
            ),
            Base64ErrorKind::InvalidByte(b) => write!(
                f,
                "byte 0x{b:02x} at offset {at} is outside the base64url alphabet"
            ),
            Base64ErrorKind::BadPadding => write!(f, "wrong '=' padding at offset {at}"),
            Base64ErrorKind::BadLength => {
                write!(f, "{at} characters of data is an impossible length")
            }
            Base64ErrorKind::NonZeroTrailingBits => {
                write!(f, "non-zero trailing bits in the character at offset {at}")
            }
        }
    }
}

impl std::error::Error for Base64Error {}

/// The first byte outside the alphabet (`=` included), if any.
fn first_invalid(input: &[u8]) -> Option<Base64Error> {
    input
        .iter()
        .any(|&b| value(b) == INVALID)
        .then(|| invalid_in(input, 0))
}

/// Checks the padding and length of `input` and returns the data part (padding removed).
/// On a length or padding error, an invalid byte in the data is reported instead, because
/// it is the more useful message ("Zm9v\nZm9v" has a newline, not a bad length).
fn data_part(input: &[u8]) -> Result<&[u8], Base64Error> {
    let pad = input.iter().rev().take_while(|&&b| b == b'=').count();
    let len = input.len().saturating_sub(pad);
    let data = input.get(..len).unwrap_or_default();
    let leftover = len % 4;
    if leftover == 1 {
        return Err(first_invalid(data).unwrap_or(Base64Error {
            kind: Base64ErrorKind::BadLength,
            offset: len,
        }));
    }
    // 0 leftover characters need no '=', 2 need "==", 3 need "=".
    let exact_pad = (4 - leftover) % 4;
    if pad != 0 && pad != exact_pad {
        return Err(first_invalid(data).unwrap_or(Base64Error {
            kind: Base64ErrorKind::BadPadding,
            offset: len,
        }));
    }
    Ok(data)
}

/// Number of bytes a data part (no padding) of `len` characters decodes to.
fn bytes_for(len: usize) -> usize {
    (len / 4) * 3
        + match len % 4 {
            2 => 1,
            3 => 2,
            _ => 0,
        }
}

/// The first invalid byte of `chunk`, reported at `base + its index`.
fn invalid_in(chunk: &[u8], base: usize) -> Base64Error {
    let (i, b) = chunk
        .iter()
        .enumerate()
        .find(|(_, b)| value(**b) == INVALID)
        .map_or((0, 0), |(i, b)| (i, *b));
    Base64Error {
        kind: Base64ErrorKind::InvalidByte(b),
        offset: base.saturating_add(i),
    }
}

/// Walks the data part, handing each group of decoded bytes to `emit`. One code path for
/// decoding and for validation, so they cannot disagree.
#[inline(always)]
fn walk(data: &[u8], mut emit: impl FnMut(&[u8])) -> Result<(), Base64Error> {
    let mut chunks = data.chunks_exact(4);
    let mut base = 0usize;
    for chunk in chunks.by_ref() {
        if let [a, b, c, d] = *chunk {
            let (a, b, c, d) = (value(a), value(b), value(c), value(d));
            if (a | b | c | d) & 0xC0 != 0 {
                return Err(invalid_in(chunk, base));
            }
            let n =
                (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
            emit(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        }
        base += 4;
    }
    let rest = chunks.remainder();
    if rest.iter().any(|&b| value(b) == INVALID) {
        return Err(invalid_in(rest, base));
    }
    match *rest {
        [] => Ok(()),
        [a, b] => {
            let (a, b) = (value(a), value(b));
            if b & 0x0F != 0 {
                return Err(Base64Error {
                    kind: Base64ErrorKind::NonZeroTrailingBits,
                    offset: base + 1,
                });
            }
            emit(&[(a << 2) | (b >> 4)]);
            Ok(())
        }
        [a, b, c] => {
            let (a, b, c) = (value(a), value(b), value(c));
            if c & 0x03 != 0 {
                return Err(Base64Error {
                    kind: Base64ErrorKind::NonZeroTrailingBits,
                    offset: base + 2,
                });
            }
            emit(&[(a << 2) | (b >> 4), (b << 4) | (c >> 2)]);
            Ok(())
        }
        // A single leftover character was refused by `data_part`.
        _ => Err(Base64Error {
            kind: Base64ErrorKind::BadLength,
            offset: data.len(),
        }),
    }
}

/// The exact number of bytes `input` decodes to, after checking its length and padding
/// (not its characters).
pub fn decoded_len(input: &[u8]) -> Result<usize, Base64Error> {
    data_part(input).map(|d| bytes_for(d.len()))
}

/// Decodes `input`, appending the bytes to `out` (which grows at most once, exactly).
/// On error `out` is left as it was.
pub fn decode_into(input: &[u8], out: &mut Vec<u8>) -> Result<(), Base64Error> {
    let data = data_part(input)?;
    let start = out.len();
    let len = bytes_for(data.len());
    out.reserve_exact(len);
    out.resize(start.saturating_add(len), 0);
    let dst = out.get_mut(start..).unwrap_or_default();
    let mut pos = 0usize;
    let result = walk(data, |bytes| {
        let end = pos + bytes.len();
        if let Some(slot) = dst.get_mut(pos..end) {
            slot.copy_from_slice(bytes);
        }
        pos = end;
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Decodes `input` into a new vector whose capacity is exactly the decoded length.
pub fn decode(input: &[u8]) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::new();
    decode_into(input, &mut out)?;
    Ok(out)
}

/// Checks that `input` is strict base64url without producing output (used for the
/// signature segment, which is never decoded).
pub fn validate(input: &[u8]) -> Result<(), Base64Error> {
    walk(data_part(input)?, |_| {})
}

/// What [`decode_run`] decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// How many input bytes the run has (the first byte after it is outside the alphabet,
    /// or the input ended).
    pub len: usize,
    /// How many bytes it decoded to.
    pub written: usize,
}

/// Bits of a [`QUAD`] entry that only an invalid character sets.
const QUAD_INVALID: u32 = 0xFF00_0000;

/// For each position in a group of four characters, character -> its bits already placed
/// in the three little-endian output bytes (or [`QUAD_INVALID`]), so a group decodes to
/// `QUAD[0][a] | QUAD[1][b] | QUAD[2][c] | QUAD[3][d]` with one validity check.
static QUAD: [[u32; 256]; 4] = build_quad();

// Runs at compile time only: an out-of-range index here is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const fn build_quad() -> [[u32; 256]; 4] {
    let mut table = [[QUAD_INVALID; 256]; 4];
    let mut i = 0;
    while i < 64 {
        let c = ALPHABET[i] as usize;
        let v = i as u32;
        table[0][c] = v << 2;
        table[1][c] = (v >> 4) | ((v & 0x0F) << 12);
        table[2][c] = ((v >> 2) << 8) | ((v & 0x03) << 22);
        table[3][c] = v << 16;
        i += 1;
    }
    table
}

#[inline(always)]
fn quad(position: &[u32; 256], c: u8) -> u32 {
    // A u8 index is always in range; the fallback only satisfies the no-index rule.
    position
        .get(usize::from(c))
        .copied()
        .unwrap_or(QUAD_INVALID)
}

/// Decodes four characters into three bytes (low 24 bits); invalid bits set on a bad one.
#[inline(always)]
fn group4([a, b, c, d]: [u8; 4]) -> u32 {
    let [t0, t1, t2, t3] = &QUAD;
    quad(t0, a) | quad(t1, b) | quad(t2, c) | quad(t3, d)
}

/// How many bytes `out` must have for [`decode_run`] over `input_len` characters.
pub fn run_capacity(input_len: usize) -> usize {
    input_len / 4 * 3 + 8
}

/// The fast path for well-formed segments: decodes the run of alphabet characters at the
/// start of `input` (which may go on past the segment: the run stops at the first byte
/// outside the alphabet, such as the `.` after it) into the start of `out`, which needs
/// [`run_capacity`] bytes (bytes after the decoded ones may be overwritten).
///
/// `None` when the run is not canonical unpadded base64url by itself (`4n + 1` characters,
/// non-zero trailing bits) or `out` is too short. It never explains why: callers fall back
/// to [`decode_into`], which reports the exact error.
pub fn decode_run(input: &[u8], out: &mut [u8]) -> Option<Run> {
    let mut read = 0usize;
    let mut written = 0usize;
    // Eight characters per step, stored as one 8-byte write (the last two are scratch).
    while let (Some(src), Some(dst)) =
        (input.get(read..read + 8), out.get_mut(written..written + 8))
    {
        let Ok([a, b, c, d, e, f, g, h]) = <[u8; 8]>::try_from(src) else {
            break;
        };
        let lo = group4([a, b, c, d]);
        let hi = group4([e, f, g, h]);
        if (lo | hi) & QUAD_INVALID != 0 {
            break;
        }
        dst.copy_from_slice(&(u64::from(lo) | (u64::from(hi) << 24)).to_le_bytes());
        read += 8;
        written += 6;
    }
    // Fewer than eight characters are left in the run: a group of four, then the rest.
    let [t0, t1, t2, t3] = &QUAD;
    loop {
        let rest = input.get(read..).unwrap_or_default();
        let mut bits = 0u32;
        let mut n = 0usize;
        for (&c, table) in rest.iter().zip([t0, t1, t2, t3]) {
            let v = quad(table, c);
            if v & QUAD_INVALID != 0 {
                break;
            }
            bits |= v;
            n += 1;
        }
        // Bytes decoded; the trailing bits (a 2- or 3-character tail) must be zero.
        let bytes = match n {
            0 => break,
            2 if bits & 0xFF00 == 0 => 1,
            3 if bits & 0xFF_0000 == 0 => 2,
            4 => 3,
            _ => return None,
        };
        out.get_mut(written..written + 4)?
            .copy_from_slice(&bits.to_le_bytes());
        read += n;
        written += bytes;
        if n < 4 {
            break;
        }
    }
    Some(Run { len: read, written })
}

/// Whether all of `input` is canonical unpadded base64url (the fast path's check of the
/// signature). `false` says nothing about why: [`validate`] does.
pub fn is_canonical_unpadded(input: &[u8]) -> bool {
    let mut chunks = input.chunks_exact(8);
    let mut bad = 0u8;
    for chunk in chunks.by_ref() {
        for &c in chunk {
            bad |= value(c);
        }
    }
    let rest = chunks.remainder();
    for &c in rest {
        bad |= value(c);
    }
    let last = rest.last().map_or(0, |&c| value(c));
    bad & 0xC0 == 0
        && match rest.len() % 4 {
            0 => true,
            2 => last & 0x0F == 0,
            3 => last & 0x03 == 0,
            _ => false,
        }
}

/// A plain reference encoder (url alphabet, no padding) for the tests of this concern.
#[cfg(test)]
pub(crate) fn encode_for_tests(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> Base64Error {
        decode(input.as_bytes()).unwrap_err()
    }

    fn encode(bytes: &[u8]) -> String {
        encode_for_tests(bytes)
    }

    #[test]
    fn rfc4648_vectors_unpadded_and_padded() {
        for (text, padded, want) in [
            ("", "", ""),
            ("Zg", "Zg==", "f"),
            ("Zm8", "Zm8=", "fo"),
            ("Zm9v", "Zm9v", "foo"),
            ("Zm9vYg", "Zm9vYg==", "foob"),
            ("Zm9vYmE", "Zm9vYmE=", "fooba"),
            ("Zm9vYmFy", "Zm9vYmFy", "foobar"),
        ] {
            assert_eq!(decode(text.as_bytes()).unwrap(), want.as_bytes(), "{text}");
            assert_eq!(
                decode(padded.as_bytes()).unwrap(),
                want.as_bytes(),
                "{padded}"
            );
            assert_eq!(decoded_len(padded.as_bytes()).unwrap(), want.len());
        }
    }

    #[test]
    fn url_alphabet_not_standard() {
        // 0xfb 0xff 0xbf is "+/+/" in standard base64, "-_-_" in base64url.
        assert_eq!(decode(b"-_-_").unwrap(), [0xfb, 0xff, 0xbf]);
        assert_eq!(
            err("+_-_"),
            Base64Error {
                kind: Base64ErrorKind::InvalidByte(b'+'),
                offset: 0
            }
        );
        assert_eq!(err("-_-/").kind, Base64ErrorKind::InvalidByte(b'/'));
        assert_eq!(err("-_-/").offset, 3);
        assert_eq!(err("Zm9vYm/").offset, 6);
    }

    #[test]
    fn whitespace_and_controls_refused() {
        assert_eq!(err("Zm9v Zg").kind, Base64ErrorKind::InvalidByte(b' '));
        assert_eq!(err("Zm9v Zg").offset, 4);
        assert_eq!(err("Zm9v\nZm9v").kind, Base64ErrorKind::InvalidByte(b'\n'));
        assert_eq!(err("Zm9vZm9\r").offset, 7);
        assert_eq!(err("Zm+vY").kind, Base64ErrorKind::InvalidByte(b'+'));
        assert_eq!(err("Zm+=").offset, 2);
        assert_eq!(err("Zm\u{e9}v").kind, Base64ErrorKind::InvalidByte(0xc3));
    }

    #[test]
    fn padding_rules() {
        assert_eq!(err("Zg=").kind, Base64ErrorKind::BadPadding);
        assert_eq!(err("Zg===").kind, Base64ErrorKind::BadPadding);
        assert_eq!(err("Zm8==").kind, Base64ErrorKind::BadPadding);
        assert_eq!(err("Zm9v=").kind, Base64ErrorKind::BadPadding);
        assert_eq!(err("Zm9v====").kind, Base64ErrorKind::BadPadding);
        assert_eq!(err("==").kind, Base64ErrorKind::BadPadding);
        // '=' inside the data is just an invalid byte.
        assert_eq!(
            err("Zg==Zm9v"),
            Base64Error {
                kind: Base64ErrorKind::InvalidByte(b'='),
                offset: 2
            }
        );
    }

    #[test]
    fn impossible_lengths() {
        for text in ["Z", "Zm9vY", "Zm9vY=", "Zm9vY==", "Zm9vY==="] {
            let e = decode(text.as_bytes()).unwrap_err();
            assert_eq!(e.kind, Base64ErrorKind::BadLength, "{text}");
        }
        assert_eq!(err("Zm9vY").offset, 5);
    }

    #[test]
    fn non_zero_trailing_bits_refused() {
        // "Zg" is canonical for "f"; "Zh".."Zv" carry extra bits.
        assert_eq!(
            err("Zh"),
            Base64Error {
                kind: Base64ErrorKind::NonZeroTrailingBits,
                offset: 1
            }
        );
        assert_eq!(
            err("Zm9"),
            Base64Error {
                kind: Base64ErrorKind::NonZeroTrailingBits,
                offset: 2
            }
        );
        assert_eq!(decode(b"Zm8").unwrap(), b"fo");
    }

    #[test]
    fn exact_capacity_and_decode_into_appends() {
        let v = decode(b"Zm9vYmE").unwrap();
        assert_eq!(v.capacity(), 5);
        let mut out = b"x".to_vec();
        decode_into(b"Zm9v", &mut out).unwrap();
        assert_eq!(out, b"xfoo");
        assert_eq!(decode_into(b"Zm9vZm+v", &mut out).unwrap_err().offset, 6);
        assert_eq!(out, b"xfoo");
        assert_eq!(validate(b"Zm9vYmE"), Ok(()));
        assert_eq!(validate(b"Zm9vYm+").unwrap_err().offset, 6);
    }

    #[test]
    fn display_messages() {
        assert_eq!(
            err("ab+d").to_string(),
            "byte '+' at offset 2 is outside the base64url alphabet"
        );
        assert_eq!(
            err("ab\td").to_string(),
            "byte 0x09 at offset 2 is outside the base64url alphabet"
        );
        assert_eq!(err("Zg=").to_string(), "wrong '=' padding at offset 2");
        assert_eq!(
            err("Zm9vY").to_string(),
            "5 characters of data is an impossible length"
        );
        assert_eq!(
            err("Zh").to_string(),
            "non-zero trailing bits in the character at offset 1"
        );
    }

    #[test]
    fn decode_run_matches_decode_on_the_run() {
        let mut rng = crate::core::rand::SplitMix64::new(0x7275_6e73);
        let mut out = vec![0u8; 64];
        for case in 0..20_000 {
            let len = rng.below(40) as usize;
            let text: Vec<u8> = (0..len)
                .map(|_| match rng.below(20) {
                    0 => b'.',
                    1 => b'=',
                    2 => 0xc3,
                    _ => ALPHABET[rng.below(64) as usize],
                })
                .collect();
            out.resize(run_capacity(text.len()), 0);
            let run_len = text.iter().take_while(|&&b| value(b) != INVALID).count();
            let exact = decode(&text[..run_len]);
            match decode_run(&text, &mut out) {
                Some(run) => {
                    let bytes = exact.unwrap_or_else(|e| panic!("case {case}: {e} {text:?}"));
                    assert_eq!(run.len, run_len, "case {case}");
                    assert_eq!(&out[..run.written], &bytes[..], "case {case}: {text:?}");
                }
                None => assert!(exact.is_err(), "case {case}: {text:?}"),
            }
            let whole = validate(&text).is_ok() && !text.contains(&b'=');
            assert_eq!(is_canonical_unpadded(&text), whole, "case {case}: {text:?}");
        }
        // Too little room is a refusal, not a panic.
        assert_eq!(decode_run(b"Zm9vYmFy", &mut [0u8; 4]), None);
    }

    #[test]
    fn round_trip_and_random_bytes_property() {
        let mut rng = crate::core::rand::SplitMix64::new(0x6a77_7431);
        for case in 0..5_000 {
            let len = rng.below(40) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let text = encode(&bytes);
            assert_eq!(
                decode(text.as_bytes()).unwrap(),
                bytes,
                "case {case}: {text}"
            );
            // Random texts over an alphabet with bad bytes: never panics, and decode,
            // decoded_len and validate agree.
            let noise: Vec<u8> = (0..rng.below(24))
                .map(|_| b"AZaz09-_=+/ .\x00\xff"[rng.below(15) as usize])
                .collect();
            let d = decode(&noise);
            let d_err = d.as_ref().err().copied();
            assert_eq!(d_err, validate(&noise).err(), "case {case}: {noise:?}");
            if let Ok(out) = d {
                assert_eq!(decoded_len(&noise).unwrap(), out.len());
                assert_eq!(
                    encode(&out).as_bytes(),
                    noise
                        .strip_suffix(b"==")
                        .or(noise.strip_suffix(b"="))
                        .unwrap_or(&noise)
                );
            }
        }
    }
}
