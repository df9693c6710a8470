//! Text joined without `core::fmt`.
//!
//! `format!` and `write!` link the formatting machinery (`fmt::write`, `Formatter`,
//! padding, the integer `Display`s) into the wasm module. The code it reaches joins
//! strings with [`cat!`] and writes numbers with [`decimal`] instead (BENCHMARKS, "The
//! size gate"). The `Display` impls stay for Rust callers and write the same text
//! ([`crate::Error::message`]); the wasm layer never calls them.

/// `parts` joined into one `String`.
pub fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `n` in decimal.
pub fn decimal(n: u64) -> String {
    let mut s = String::new();
    push_decimal(&mut s, n);
    s
}

/// Appends `n` in decimal to `s`.
pub fn push_decimal(s: &mut String, n: u64) {
    // Most significant digit first; at most 20 levels deep.
    if n >= 10 {
        push_decimal(s, n / 10);
    }
    s.push(char::from(b'0' + (n % 10) as u8));
}

/// Where `needle` first starts in `hay`: `str::find` without `core`'s two-way searcher
/// (~1.5 KB of wasm), for the few short texts the SDK searches.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Whether `needle` occurs in `hay` (see [`find`]).
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// Where the ASCII byte `b` last occurs in `s` (`str::rfind` of a char, without
/// `core`'s reverse char searcher).
pub fn rfind_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().rposition(|c| c == b)
}

/// `s` as a `u64` exactly as `str::parse::<u64>` reads it (an optional `+`, then at
/// least one ASCII digit, `None` on overflow), without one copy of `core`'s integer
/// parser per type: other widths go through `try_from`.
pub fn parse_u64(s: &str) -> Option<u64> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// `s` as an `i64` exactly as `str::parse::<i64>` reads it (an optional sign).
pub fn parse_i64(s: &str) -> Option<i64> {
    match s.strip_prefix('-') {
        // `-+5` is not a number: the magnitude must start with a digit.
        Some(m) if !m.starts_with('+') => {
            let m = parse_u64(m)?;
            if m == 1 << 63 {
                Some(i64::MIN)
            } else {
                i64::try_from(m).ok().map(|v| -v)
            }
        }
        Some(_) => None,
        None => i64::try_from(parse_u64(s)?).ok(),
    }
}

/// `s` cut after `n` characters, with `…` when something was cut (error excerpts).
pub fn clip(s: &str, n: usize) -> String {
    for (count, (at, _)) in s.char_indices().enumerate() {
        if count == n {
            return cat!(s.get(..at).unwrap_or_default(), "…");
        }
    }
    s.to_owned()
}

/// `bytes` as text, each invalid UTF-8 sequence replaced by U+FFFD: what
/// `String::from_utf8_lossy` gives, without its chunk iterator.
pub fn lossy(mut bytes: &[u8]) -> String {
    let mut out = String::new();
    loop {
        match core::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                out.push_str(core::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                // An incomplete sequence at the end is one replacement for all of it.
                let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len());
                bytes = bytes.get(skip..).unwrap_or_default();
            }
        }
    }
}

/// Joins string-like values (`&str`, `String`, `&String`, [`decimal`]'s result) into
/// one `String`: `cat!("HTTP ", decimal(status), ")")`.
macro_rules! cat {
    ($($part:expr),+ $(,)?) => {
        $crate::text::concat(&[$(::core::convert::AsRef::<str>::as_ref(&$part)),+])
    };
}
pub(crate) use cat;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_is_display() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
        let mut s = String::from("x");
        push_decimal(&mut s, 907);
        assert_eq!(s, "x907");
    }

    #[test]
    fn find_is_str_find() {
        for (hay, needle) in [
            ("tel:+1;phone-context=x", "tel:"),
            ("abc", ""),
            ("", "a"),
            ("aaab", "aab"),
            ("ab", "abc"),
            ("xcodeycode", "code"),
            ("éa;isub=1", ";isub="),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            assert_eq!(contains(hay, needle), hay.contains(needle));
            for b in [b':', b'.', b'/', b'e'] {
                assert_eq!(rfind_byte(hay, b), hay.rfind(char::from(b)));
            }
        }
    }

    #[test]
    fn clip_and_lossy_are_std_s() {
        for s in ["", "abc", "ä€😀x", "ab😀"] {
            for n in 0..6 {
                let mut want: String = s.chars().take(n).collect();
                if s.chars().nth(n).is_some() {
                    want.push('…');
                }
                assert_eq!(clip(s, n), want, "{s:?} {n}");
            }
        }
        let cases: [&[u8]; 8] = [
            b"",
            b"plain",
            b"\xff",
            b"a\xffb\xfe",
            b"\xe2\x82",
            b"ok\xe2\x82\xacok\xf0\x9f",
            b"\xc0\x80\xed\xa0\x80",
            b"\xf4\x90\x80\x80z",
        ];
        for bytes in cases {
            assert_eq!(lossy(bytes), String::from_utf8_lossy(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn parse_is_std_s() {
        let cases = [
            "",
            "+",
            "-",
            "0",
            "+0",
            "-0",
            "007",
            "12",
            "+12",
            "-12",
            "1 2",
            " 1",
            "1 ",
            "1_0",
            "+-1",
            "-+1",
            "++1",
            "--1",
            "٣",
            "18446744073709551615",
            "18446744073709551616",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "65535",
            "65536",
            "99999999999999999999999",
            "1e3",
        ];
        for s in cases {
            assert_eq!(parse_u64(s), s.parse::<u64>().ok(), "{s:?}");
            assert_eq!(parse_i64(s), s.parse::<i64>().ok(), "{s:?}");
            let as_u16 = parse_u64(s).and_then(|n| u16::try_from(n).ok());
            assert_eq!(as_u16, s.parse::<u16>().ok(), "{s:?}");
        }
    }

    #[test]
    fn cat_joins_in_order() {
        let owned = String::from("b");
        assert_eq!(cat!("a", owned, &owned, decimal(3), ""), "abb3");
        assert_eq!(concat(&[]), "");
    }
}
