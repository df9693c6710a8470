//! A small base64url decoder (RFC 4648 §5), padded or not.
//!
//! A dependency-free decoder keeps the wasm module small: this is all JWT decoding needs.
//! It is strict about everything but padding: only the URL-safe alphabet, no whitespace,
//! `=` only at the end and only as many as the length calls for, and no stray bits in
//! the last character (so every byte string has exactly one accepted unpadded encoding).
//!
//! `decodeToken` spends much of its time here (issue 7), hence the lookup table, the
//! output allocated once at its exact size and the plain loop over groups of four.

/// Marks a byte outside the alphabet in [`SEXTETS`] (bit 7 set; sextets are below 64).
const INVALID: u8 = 0xFF;

/// The value of every byte as a base64url character, [`INVALID`] outside the alphabet.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
const SEXTETS: [u8; 256] = {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The value of one character: 0..=63, or [`INVALID`].
#[inline(always)]
fn sextet(c: u8) -> u32 {
    // Never `None`: the table has an entry for every byte.
    u32::from(SEXTETS.get(usize::from(c)).copied().unwrap_or(INVALID))
}

/// Whether any of these sextets is [`INVALID`].
#[inline(always)]
fn any_invalid(or_of_sextets: u32) -> bool {
    or_of_sextets & 0x80 != 0
}

/// The characters that carry data (padding removed) and the decoded length; `None` when
/// the length or the padding cannot be base64url.
fn layout(text: &str) -> Option<(&[u8], usize)> {
    let data = strip_padding(text.as_bytes())?;
    // A single character left over after groups of four carries only 6 bits: never valid.
    let tail = data.len() % 4;
    if tail == 1 {
        return None;
    }
    Some((data, data.len() / 4 * 3 + tail.saturating_sub(1)))
}

/// The 1 or 2 bytes of a last group of 2 or 3 characters; `None` when a character is
/// outside the alphabet or the bits beyond the last byte are not zero.
fn last_group(tail: &[u8]) -> Option<[u8; 2]> {
    match *tail {
        [a, b] => {
            let (a, b) = (sextet(a), sextet(b));
            // 12 bits: one byte and four bits that must be zero.
            if any_invalid(a | b) || b & 0b1111 != 0 {
                return None;
            }
            Some([((a << 2) | (b >> 4)) as u8, 0])
        }
        [a, b, c] => {
            let (a, b, c) = (sextet(a), sextet(b), sextet(c));
            // 18 bits: two bytes and two bits that must be zero.
            if any_invalid(a | b | c) || c & 0b11 != 0 {
                return None;
            }
            let acc = (a << 12) | (b << 6) | c;
            Some([(acc >> 10) as u8, (acc >> 2) as u8])
        }
        _ => None,
    }
}

/// Decodes base64url text; `None` when it is not valid base64url.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let (data, len) = layout(text)?;
    let mut out = vec![0u8; len];
    let (mut i, mut o) = (0, 0);
    while let (Some(&[a, b, c, d]), Some([x, y, z])) = (data.get(i..i + 4), out.get_mut(o..o + 3)) {
        let (a, b, c, d) = (sextet(a), sextet(b), sextet(c), sextet(d));
        if any_invalid(a | b | c | d) {
            return None;
        }
        let acc = (a << 18) | (b << 12) | (c << 6) | d;
        (*x, *y, *z) = ((acc >> 16) as u8, (acc >> 8) as u8, acc as u8);
        i += 4;
        o += 3;
    }
    let rest = data.get(i..)?;
    if !rest.is_empty() {
        let bytes = last_group(rest)?;
        let dst = out.get_mut(o..)?;
        dst.copy_from_slice(bytes.get(..dst.len())?);
    }
    Some(out)
}

/// Whether `text` is base64url that [`decode`] accepts, without decoding it.
pub(crate) fn is_valid(text: &str) -> bool {
    let Some((data, _)) = layout(text) else {
        return false;
    };
    let Some((groups, rest)) = data.split_at_checked(data.len() / 4 * 4) else {
        return false;
    };
    let mut seen = 0;
    for &c in groups {
        seen |= sextet(c);
    }
    !any_invalid(seen) && (rest.is_empty() || last_group(rest).is_some())
}

/// The text without its `=` padding, if the padding is well-formed (none, or exactly
/// enough to make the length a multiple of four).
fn strip_padding(bytes: &[u8]) -> Option<&[u8]> {
    let pads = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if pads == 0 {
        return Some(bytes);
    }
    if pads > 2 || !bytes.len().is_multiple_of(4) {
        return None;
    }
    bytes.get(..bytes.len() - pads)
}

/// A plain reference encoder for tests (round trips, building JWTs), with `=` padding
/// when `padded`.
#[cfg(test)]
pub(crate) fn encode(data: &[u8], padded: bool) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if padded {
            out.push_str(&"=="[..3 - chunk.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decode;

    fn encode(data: &[u8]) -> String {
        super::encode(data, false)
    }

    #[test]
    fn rfc4648_vectors_padded_and_unpadded() {
        let cases: [(&str, &str); 7] = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(
                decode(encoded).as_deref(),
                Some(plain.as_bytes()),
                "{encoded}"
            );
            let unpadded = encoded.trim_end_matches('=');
            assert_eq!(
                decode(unpadded).as_deref(),
                Some(plain.as_bytes()),
                "{unpadded}"
            );
        }
    }

    #[test]
    fn url_safe_alphabet_only() {
        assert_eq!(decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode("+/8"), None, "standard alphabet is refused");
        assert_eq!(decode("Zm9v Yg"), None, "no whitespace");
        assert_eq!(decode("Zm9vé"), None, "no non-ASCII");
    }

    #[test]
    fn malformed_padding_and_lengths() {
        assert_eq!(decode("Z"), None, "one leftover character");
        assert_eq!(decode("Zm9vY"), None);
        assert_eq!(decode("Zg="), None, "padding must complete a group of four");
        assert_eq!(decode("Zg==="), None);
        assert_eq!(decode("Z==="), None);
        assert_eq!(decode("===="), None);
        assert_eq!(decode("Zg==Zg=="), None, "padding only at the end");
        assert_eq!(decode("Zh"), None, "stray bits in the last character");
        assert_eq!(decode("Zm9"), None);
    }

    #[test]
    fn every_byte_outside_the_alphabet_is_refused_anywhere() {
        for b in (0..=255u8).filter(|b| !b.is_ascii_alphanumeric() && *b != b'-' && *b != b'_') {
            let c = char::from(b);
            for text in [
                format!("{c}AAA"),
                format!("AA{c}A"),
                format!("AAAA{c}A"),
                format!("AAAAA{c}"),
            ] {
                if b != b'=' || !text.ends_with('=') {
                    assert_eq!(decode(&text), None, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn round_trips_every_length_and_byte() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for len in 0..data.len() {
            let slice = &data[..len];
            assert_eq!(decode(&encode(slice)).as_deref(), Some(slice), "len {len}");
        }
    }
}

#[cfg(test)]
mod agreement {
    use proptest::prelude::*;

    use super::{decode, is_valid};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, failure_persistence: None, ..ProptestConfig::default() })]

        /// `is_valid` is exactly "`decode` accepts it", on near-base64url text.
        #[test]
        fn is_valid_agrees_with_decode(s in "[A-Za-z0-9_=+/. -]{0,13}") {
            prop_assert_eq!(is_valid(&s), decode(&s).is_some(), "{:?}", s);
        }
    }
}
