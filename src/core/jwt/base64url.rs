//! Strict base64url (RFC 4648 §5) for JWT segments, decoded by the `base64` crate.
//!
//! The lenient decoders are where JWT bugs come from (angular2-jwt#623 mishandled `-`/`_`;
//! jwt-decode falls back to `atob`), so the engine is configured strictly:
//!
//! - Alphabet `A-Z a-z 0-9 - _` only. `+`, `/`, white space and every other byte are refused
//!   with their offset, so a standard-base64 or line-wrapped token is an error, not a guess.
//! - Padding is optional (JWS omits it), but when present it must be exact.
//! - An unpadded length of `4n + 1` cannot encode anything and is refused.
//! - Non-zero trailing bits are refused (RFC 4648 §3.5 allows either): no encoder emits
//!   them, and refusing them keeps exactly one accepted text per byte string.
//!
//! Errors are mapped to [`Base64Error`] so the message names the offset in the segment.
//! [`check`] applies the same rules without producing the bytes (a signature is checked,
//! never verified, so its bytes have no reader).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use std::fmt;

const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(false),
);

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
    /// Offset in the encoded text (for [`Base64ErrorKind::BadLength`]: the data length).
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

/// Decodes one segment.
pub fn decode(segment: &[u8]) -> Result<Vec<u8>, Base64Error> {
    match ENGINE.decode(segment) {
        // The crate also takes a short run of `=` ("QQ="); we want none or exactly enough.
        Ok(bytes) if Parts::of(segment).padding_is_exact() => Ok(bytes),
        _ => Err(describe(segment)),
    }
}

/// Checks one segment by the rules of [`decode`], without decoding it.
pub fn check(segment: &[u8]) -> Result<(), Base64Error> {
    let parts = Parts::of(segment);
    let valid = parts.data.iter().all(|&b| in_alphabet(b))
        && parts.data.len() % 4 != 1
        && parts.padding_is_exact()
        && parts.trailing_bits_are_zero();
    if valid {
        Ok(())
    } else {
        Err(describe(segment))
    }
}

#[inline(always)] // once per byte of a signature: a call each would cost more than the test
fn in_alphabet(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The 6-bit value of a character of the alphabet.
fn sextet(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'-' => 62,
        _ => 63,
    }
}

/// A segment split into its data and its trailing `=` run.
struct Parts<'a> {
    data: &'a [u8],
    pad: usize,
}

impl<'a> Parts<'a> {
    fn of(segment: &'a [u8]) -> Parts<'a> {
        let pad = segment.iter().rev().take_while(|&&b| b == b'=').count();
        let data = segment.get(..segment.len() - pad).unwrap_or_default();
        Parts { data, pad }
    }

    /// No padding, or exactly what the data needs (one `=` after 3 leftover characters,
    /// two after 2).
    fn padding_is_exact(&self) -> bool {
        self.pad == 0 || self.pad == (4 - self.data.len() % 4) % 4
    }

    /// The bits of the last character that no byte uses are zero: 4 bits after 2 leftover
    /// characters, 2 after 3.
    fn trailing_bits_are_zero(&self) -> bool {
        let unused = match self.data.len() % 4 {
            2 => 0b1111,
            3 => 0b11,
            _ => 0,
        };
        self.data.last().is_none_or(|&b| sextet(b) & unused == 0)
    }
}

/// Our description of a refused segment, in the order a reader would fix it: a byte outside
/// the alphabet (`=` before the trailing padding included), a length no text can have, the
/// padding, then non-zero trailing bits.
fn describe(segment: &[u8]) -> Base64Error {
    let parts = Parts::of(segment);
    let last = parts.data.len().saturating_sub(1);
    let (kind, offset) = if let Some(at) = parts.data.iter().position(|&b| !in_alphabet(b)) {
        let byte = parts.data.get(at).copied().unwrap_or_default();
        (Base64ErrorKind::InvalidByte(byte), at)
    } else if parts.data.len() % 4 == 1 {
        (Base64ErrorKind::BadLength, parts.data.len())
    } else if parts.padding_is_exact() && !parts.trailing_bits_are_zero() {
        (Base64ErrorKind::NonZeroTrailingBits, last)
    } else {
        (Base64ErrorKind::BadPadding, parts.data.len())
    };
    Base64Error { kind, offset }
}

/// Encodes without padding (tests build tokens with it).
#[cfg(test)]
pub(crate) fn encode_for_tests(bytes: &[u8]) -> String {
    ENGINE.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(segment: &str) -> String {
        let error = decode(segment.as_bytes()).unwrap_err();
        assert_eq!(check(segment.as_bytes()), Err(error), "{segment}");
        error.to_string()
    }

    /// `check` accepts exactly what `decode` accepts and refuses the rest with the same
    /// error, on every segment of up to 5 characters over an alphabet with the edge cases
    /// (`=`, a foreign byte, characters with zero and non-zero low bits).
    #[test]
    fn check_agrees_with_decode() {
        let alphabet = b"AQRw-_=+";
        let mut segments: Vec<Vec<u8>> = vec![vec![]];
        let mut compared = 0;
        for _ in 0..5 {
            segments = segments
                .iter()
                .flat_map(|s| {
                    alphabet.iter().map(move |&b| {
                        let mut longer = s.clone();
                        longer.push(b);
                        longer
                    })
                })
                .collect();
            for segment in &segments {
                let decoded = decode(segment);
                assert_eq!(check(segment), decoded.map(|_| ()), "{segment:?}");
                compared += 1;
            }
        }
        assert_eq!(compared, 8 + 64 + 512 + 4096 + 32768);
    }

    #[test]
    fn accepts_url_alphabet_with_or_without_exact_padding() {
        assert_eq!(decode(b"-_8"), Ok(vec![0xfb, 0xff]));
        assert_eq!(decode(b"-_8="), Ok(vec![0xfb, 0xff]));
        assert_eq!(decode(b"QQ"), Ok(b"A".to_vec()));
        assert_eq!(decode(b"QQ=="), Ok(b"A".to_vec()));
        assert_eq!(decode(b""), Ok(vec![]));
        assert_eq!(encode_for_tests(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn refusals_name_what_and_where() {
        assert_eq!(
            message("ab+c"),
            "byte '+' at offset 2 is outside the base64url alphabet"
        );
        assert_eq!(
            message("a/"),
            "byte '/' at offset 1 is outside the base64url alphabet"
        );
        assert_eq!(
            message("ab\ncd"),
            "byte 0x0a at offset 2 is outside the base64url alphabet"
        );
        assert_eq!(
            message("a b"),
            "byte 0x20 at offset 1 is outside the base64url alphabet"
        );
        assert_eq!(
            message("a=bc"),
            "byte '=' at offset 1 is outside the base64url alphabet"
        );
        assert_eq!(
            message("abcde"),
            "5 characters of data is an impossible length"
        );
        // The crate alone would take a short run of '='.
        assert_eq!(message("QQ="), "wrong '=' padding at offset 2");
        assert_eq!(message("QQ==="), "wrong '=' padding at offset 2");
        assert_eq!(message("e30=="), "wrong '=' padding at offset 3");
        assert_eq!(
            message("QR"),
            "non-zero trailing bits in the character at offset 1"
        );
        assert_eq!(
            message("QR=="),
            "non-zero trailing bits in the character at offset 1"
        );
        assert_eq!(
            message("e31"),
            "non-zero trailing bits in the character at offset 2"
        );
    }
}
