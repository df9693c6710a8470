//! A small base64url decoder (RFC 4648 §5), padded or not.
//!
//! A dependency-free decoder keeps the wasm module small: this is all JWT decoding needs.
//! It is strict about everything but padding: only the URL-safe alphabet, no whitespace,
//! `=` only at the end and only as many as the length calls for, and no stray bits in
//! the last character (so every byte string has exactly one accepted unpadded encoding).

/// The value of one base64url character, or `None` outside the alphabet.
fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes base64url text; `None` when it is not valid base64url.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let data = strip_padding(bytes)?;
    // A single character left over after groups of four carries only 6 bits: never valid.
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for chunk in data.chunks(4) {
        let mut acc: u32 = 0;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        match chunk.len() {
            4 => out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]),
            3 => {
                // 18 bits: two bytes and two bits that must be zero.
                if acc & 0b11 != 0 {
                    return None;
                }
                out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]);
            }
            2 => {
                // 12 bits: one byte and four bits that must be zero.
                if acc & 0b1111 != 0 {
                    return None;
                }
                out.push((acc >> 4) as u8);
            }
            _ => return None,
        }
    }
    Some(out)
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

#[cfg(test)]
mod tests {
    use super::decode;

    /// A reference encoder, for round trips.
    fn encode(data: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
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
        }
        out
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
    fn round_trips_every_length_and_byte() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for len in 0..data.len() {
            let slice = &data[..len];
            assert_eq!(decode(&encode(slice)).as_deref(), Some(slice), "len {len}");
        }
    }
}
