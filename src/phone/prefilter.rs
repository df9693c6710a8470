//! What can be known of a pattern of the metadata's regular-expression subset (see
//! `pattern`) without running the matcher: the digits a match can start with, and a
//! direct test for patterns made of digits and digit classes only. The formats use
//! them to rule out most of their leading-digits patterns in one step.

/// Whether `p` is alternatives of digits and digit classes only (`1[67]`, `3[02]|40`):
/// no groups, quantifiers or escapes, so [`simple_prefix`] can match it.
pub(super) fn is_simple(p: &[u8]) -> bool {
    p.iter()
        .all(|&c| c.is_ascii_digit() || matches!(c, b'[' | b']' | b'-' | b'|'))
}

/// Whether one of the alternatives of `p` — digits and digit classes only, no
/// groups or quantifiers (an [`is_simple`] pattern) — matches the start of `input`.
pub(super) fn simple_prefix(p: &[u8], input: &[u8]) -> bool {
    p.split(|&c| c == b'|').any(|alt| {
        let mut at = 0;
        let mut i = 0;
        while let Some(&c) = alt.get(i) {
            let Some(&d) = input.get(at) else {
                return false;
            };
            let ok = if c == b'[' {
                let end = alt
                    .get(i..)
                    .and_then(|r| r.iter().position(|&c| c == b']'))
                    .map_or(alt.len(), |e| i + e);
                let ok = class_digits(alt.get(i + 1..end).unwrap_or_default())
                    & 1u16
                        .checked_shl(u32::from(d.wrapping_sub(b'0')))
                        .unwrap_or(0)
                    != 0;
                i = end;
                ok
            } else {
                c == d
            };
            if !ok {
                return false;
            }
            at += 1;
            i += 1;
        }
        true
    })
}

/// Every digit, as a mask (bit `d` for digit `d`).
const ANY_DIGIT: u16 = 0x3FF;

/// The digits a match of `p` (the metadata's regular-expression subset) can start
/// with, as a mask; all of them where the pattern could match the empty string or is
/// not understood, so a digit outside the mask certainly does not match.
pub(super) fn first_digits(p: &[u8]) -> u16 {
    let mut mask = 0;
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while let Some(&c) = p.get(i) {
        match c {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'[' => i = class_end(p, i),
            b'\\' => i += 1,
            b'|' if depth == 0 => {
                mask |= sequence_first(p.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    mask | sequence_first(p.get(start..).unwrap_or_default())
}

/// Where the class opened at `i` of `p` closes (its `]`), or `i` when it does not.
fn class_end(p: &[u8], i: usize) -> usize {
    p.get(i..)
        .and_then(|r| r.iter().position(|&c| c == b']'))
        .map_or(i, |e| i + e)
}

/// [`first_digits`] of one alternative: its first atom's, unless that may repeat zero
/// times.
fn sequence_first(s: &[u8]) -> u16 {
    let (mask, len) = match s.first() {
        Some(&d @ b'0'..=b'9') => (1 << (d - b'0'), 1),
        Some(b'\\') => (ANY_DIGIT, 2),
        Some(b'[') => {
            let Some(end) = s.iter().position(|&c| c == b']') else {
                return ANY_DIGIT;
            };
            (class_digits(s.get(1..end).unwrap_or_default()), end + 1)
        }
        Some(b'(') => {
            let mut depth = 0usize;
            let mut at = 0;
            let mut end = None;
            while let Some(&c) = s.get(at) {
                match c {
                    b'(' => depth += 1,
                    b')' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(at);
                            break;
                        }
                    }
                    b'[' => at = class_end(s, at),
                    b'\\' => at += 1,
                    _ => {}
                }
                at += 1;
            }
            let Some(end) = end else {
                return ANY_DIGIT;
            };
            let skip = if s.get(1) == Some(&b'?') { 3 } else { 1 };
            (first_digits(s.get(skip..end).unwrap_or_default()), end + 1)
        }
        _ => return ANY_DIGIT,
    };
    match (s.get(len), s.get(len + 1)) {
        (Some(b'?' | b'*'), _) | (Some(b'{'), Some(b'0')) => ANY_DIGIT,
        _ => mask,
    }
}

/// The digits a class body (`2-9`, `13-5`, `\\d`) contains.
fn class_digits(body: &[u8]) -> u16 {
    let mut mask = 0u16;
    let mut i = 0;
    while let Some(&c) = body.get(i) {
        match (c, body.get(i + 1), body.get(i + 2)) {
            (b'\\', _, _) => {
                mask = ANY_DIGIT;
                i += 2;
            }
            (lo @ b'0'..=b'9', Some(b'-'), Some(&hi @ b'0'..=b'9')) => {
                for d in lo..=hi {
                    mask |= 1 << (d - b'0');
                }
                i += 3;
            }
            (d @ b'0'..=b'9', _, _) => {
                mask |= 1 << (d - b'0');
                i += 1;
            }
            _ => return ANY_DIGIT,
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_digits_are_what_a_match_can_start_with() {
        let mask = |p: &str| first_digits(p.as_bytes());
        assert_eq!(mask("3[02]|40|[68]9"), 1 << 3 | 1 << 4 | 1 << 6 | 1 << 8);
        assert_eq!(mask("(?:2[4-9]|4)1|9"), 1 << 2 | 1 << 4 | 1 << 9);
        assert_eq!(mask("[13-5]"), 1 << 1 | 1 << 3 | 1 << 4 | 1 << 5);
        // What may be empty at the start lets every digit through.
        for p in ["1?2", "(?:1|)2", "1{0,2}3", "\\d", "$", "", "(?:12", "[2-"] {
            assert_eq!(mask(p), ANY_DIGIT, "{p}");
        }
    }

    #[test]
    fn simple_patterns_are_digits_and_classes() {
        assert!(is_simple(b"1[67]|3[02]|40"));
        for p in ["1?2", "(?:1)2", "\\d", "1{2}"] {
            assert!(!is_simple(p.as_bytes()), "{p}");
        }
        assert!(simple_prefix(b"3[02]|40", b"305"));
        assert!(simple_prefix(b"3[02]|40", b"40"));
        assert!(!simple_prefix(b"3[02]|40", b"31"));
        assert!(!simple_prefix(b"3[02]|40", b"3"));
    }
}
