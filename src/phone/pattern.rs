//! A tiny backtracking matcher for the regular-expression subset libphonenumber's
//! metadata uses: digits, `\d`, digit classes (`[2-9]`), `(…)` and `(?:…)` groups,
//! `|`, the greedy quantifiers `?`, `{n}`, `{n,}`, `{n,m}`, and the end anchor `$`.
//!
//! It interprets the pattern text directly with JavaScript's semantics — ordered
//! alternatives, greedy quantifiers, backtracking — so prefix matches and captured
//! groups come out exactly as libphonenumber-js's. The only precomputation is a
//! [`Jump`] table per pattern (where each group, class and alternative ends), so that
//! skipping a failed alternative of a long pattern costs one step instead of a scan;
//! `metadata` keeps one per record. The generator (`cargo xtask gen-phone`) rejects
//! metadata outside the subset; on anything else this matcher fails to match rather
//! than panicking.

use core::cell::Cell;

/// Capturing groups remembered (the metadata uses at most two).
const MAX_GROUPS: usize = 4;
/// "Not captured".
const UNSET: (u8, u8) = (u8::MAX, u8::MAX);
/// Largest repetition count honoured for `{n,}`.
const UNBOUNDED: u16 = u16::MAX;

/// For the byte at index `i` of a pattern, as distances forward from `i`: where the
/// group (`(`) or class (`[`) starting there ends (just past it), and where the
/// alternative starting there ends (its `|`, `)` or the pattern's end).
pub(crate) type Jump = (u16, u16);

/// The [`Jump`] table of `text` (one entry per byte, and one for its end). A space or
/// `;` ends a pattern, so one table serves every pattern of a metadata record, each
/// through the sub-slice starting at its first byte.
pub(crate) fn jumps(text: &[u8]) -> Vec<Jump> {
    let mut t = vec![(1u16, 0u16); text.len() + 1];
    // Records are far shorter than 64 KiB; a longer text gets wrong (never unsafe) jumps.
    let dist = |from: usize, to: usize| to.saturating_sub(from) as u16;
    // Open groups: where the `(` is (none for the pattern itself) and where the
    // current alternative starts.
    let mut open: Vec<(Option<usize>, usize)> = vec![(None, 0)];
    let mut i = 0;
    while i <= text.len() {
        // The end of the text ends the pattern as a space does.
        match text.get(i).copied().unwrap_or(b' ') {
            b'(' => {
                let skip = if text.get(i + 1) == Some(&b'?') { 3 } else { 1 };
                open.push((Some(i), i + skip));
            }
            b'|' => {
                if let Some(top) = open.last_mut() {
                    if let Some(j) = t.get_mut(top.1) {
                        j.1 = dist(top.1, i);
                    }
                    top.1 = i + 1;
                }
            }
            c @ (b')' | b' ' | b';') => {
                // `)` closes its group; a space or `;` every group and the pattern.
                while let Some((paren, alt)) = open.pop() {
                    if let Some(j) = t.get_mut(alt) {
                        j.1 = dist(alt, i);
                    }
                    if let Some(p) = paren {
                        if let Some(j) = t.get_mut(p) {
                            j.0 = dist(p, i + 1).max(1);
                        }
                        if c == b')' {
                            break;
                        }
                    }
                }
                if open.is_empty() {
                    open.push((None, i + 1));
                }
            }
            b'[' => {
                let close = text
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|&c| c == b']'));
                if let Some(j) = t.get_mut(i) {
                    j.0 = dist(i, close.map_or(text.len(), |p| i + p + 1)).max(1);
                }
                i += close.unwrap_or(0);
            }
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    t
}

/// `pattern` matches all of `input`. `jumps` is `pattern`'s [`Jump`] table (or a
/// table starting at it); a shorter one is computed here.
pub(crate) fn matches_entirely(pattern: &str, jumps: &[Jump], input: &[u8]) -> bool {
    let own = own_jumps(pattern, jumps);
    let m = Matcher::new(pattern, own.as_deref().unwrap_or(jumps), input);
    m.alts(0, 0, &mut |end| end == input.len())
}

/// The length of `pattern`'s match at the start of `input` (JavaScript's
/// `^(?:pattern)` exec), with the spans of its capturing groups. `jumps` as for
/// [`matches_entirely`].
pub(crate) fn match_prefix(pattern: &str, jumps: &[Jump], input: &[u8]) -> Option<PrefixMatch> {
    let own = own_jumps(pattern, jumps);
    let m = Matcher::new(pattern, own.as_deref().unwrap_or(jumps), input);
    let mut len = None;
    let mut groups = [UNSET; MAX_GROUPS];
    m.alts(0, 0, &mut |end| {
        len = Some(end);
        for (g, c) in groups.iter_mut().zip(m.caps.iter()) {
            *g = c.get();
        }
        true
    });
    Some(PrefixMatch {
        len: len?,
        groups,
        group_count: count_groups(pattern.as_bytes()),
    })
}

/// `pattern`'s own table when `jumps` is too short to be one for it.
fn own_jumps(pattern: &str, jumps: &[Jump]) -> Option<Vec<Jump>> {
    (jumps.len() <= pattern.len()).then(|| self::jumps(pattern.as_bytes()))
}

/// A successful [`match_prefix`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct PrefixMatch {
    /// Bytes matched.
    pub len: usize,
    groups: [(u8, u8); MAX_GROUPS],
    /// Capturing groups in the pattern.
    pub group_count: usize,
}

impl PrefixMatch {
    /// The span of group `n` (1-based) when it took part in the match.
    pub fn group(&self, n: usize) -> Option<core::ops::Range<usize>> {
        let (s, e) = *self.groups.get(n.checked_sub(1)?)?;
        (s != u8::MAX).then_some(usize::from(s)..usize::from(e))
    }
}

fn count_groups(p: &[u8]) -> usize {
    p.iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'(' && p.get(i + 1) != Some(&b'?'))
        .count()
}

struct Matcher<'a> {
    pat: &'a [u8],
    jumps: &'a [Jump],
    input: &'a [u8],
    caps: [Cell<(u8, u8)>; MAX_GROUPS],
}

type Cont<'k> = &'k mut dyn FnMut(usize) -> bool;

impl<'a> Matcher<'a> {
    fn new(pattern: &'a str, jumps: &'a [Jump], input: &'a [u8]) -> Self {
        Matcher {
            pat: pattern.as_bytes(),
            jumps,
            input,
            caps: core::array::from_fn(|_| Cell::new(UNSET)),
        }
    }

    /// Alternatives `a|b|…` starting at `pi`, up to the enclosing `)` or the end.
    fn alts(&self, mut pi: usize, s: usize, k: Cont<'_>) -> bool {
        loop {
            if self.may_start(pi, s) && self.seq(pi, s, k) {
                return true;
            }
            let end = self.seq_end(pi);
            if self.pat.get(end) != Some(&b'|') {
                return false;
            }
            pi = end + 1;
        }
    }

    /// A sequence of quantified atoms starting at `pi`, then `k`.
    fn seq(&self, pi: usize, s: usize, k: Cont<'_>) -> bool {
        match self.pat.get(pi) {
            None | Some(b'|' | b')') => k(s),
            Some(b'$') => s == self.input.len() && self.seq(pi + 1, s, k),
            Some(&first) => {
                let atom_end = self.atom_end(pi);
                let (min, max, next) = self.quantifier(atom_end);
                if first == b'(' {
                    return self.repeat(pi, min, max, 0, s, &mut |s2| self.seq(next, s2, k));
                }
                // One byte per iteration: count the greedy run, then give back one at a
                // time (what `repeat` does, without a continuation per byte).
                let rest = self.input.get(s..).unwrap_or_default();
                let run = rest
                    .iter()
                    .take(usize::from(max))
                    .take_while(|&&c| self.byte_matches(pi, c))
                    .count();
                (usize::from(min)..=run)
                    .rev()
                    .any(|n| self.seq(next, s + n, &mut *k))
            }
        }
    }

    /// False when the sequence at `pi` certainly fails at `s`: it begins with a one-byte
    /// atom that must match at least once and does not match the byte there. Most
    /// alternatives of the metadata's long patterns are rejected here, without a
    /// continuation.
    fn may_start(&self, pi: usize, s: usize) -> bool {
        let one_byte = match self.pat.get(pi) {
            Some(b'[') => self.class_end(pi),
            Some(b'\\') => pi + 2,
            Some(b'0'..=b'9') => pi + 1,
            _ => return true,
        };
        if matches!(self.pat.get(one_byte), Some(b'?') | Some(b'{'))
            && self.quantifier(one_byte).0 == 0
        {
            return true;
        }
        self.input.get(s).is_some_and(|&c| self.byte_matches(pi, c))
    }

    /// Whether the one-byte atom (`\d`, a class or a literal) at `pi` matches `c`.
    fn byte_matches(&self, pi: usize, c: u8) -> bool {
        match self.pat.get(pi) {
            Some(b'[') => self.class_contains(pi + 1, c),
            Some(b'\\') => self.pat.get(pi + 1) == Some(&b'd') && c.is_ascii_digit(),
            Some(&lit) => c == lit,
            None => false,
        }
    }

    /// Greedy repetition of the atom at `pi`, `n` times matched so far.
    fn repeat(&self, pi: usize, min: u16, max: u16, n: u16, s: usize, k: Cont<'_>) -> bool {
        if n < max
            && self.atom(pi, s, &mut |s2| {
                // An empty iteration past the minimum ends the loop, as in JavaScript.
                (s2 != s || n < min) && self.repeat(pi, min, max, n + 1, s2, k)
            })
        {
            return true;
        }
        n >= min && k(s)
    }

    fn atom(&self, pi: usize, s: usize, k: Cont<'_>) -> bool {
        match self.pat.get(pi) {
            Some(b'(') => {
                let non_capturing = self.pat.get(pi + 1) == Some(&b'?');
                if non_capturing {
                    return self.alts(pi + 3, s, k);
                }
                let slot = self.pat.get(..pi).map_or(0, count_groups);
                let Some(cap) = self.caps.get(slot) else {
                    return self.alts(pi + 1, s, k);
                };
                self.alts(pi + 1, s, &mut |e| {
                    let before = cap.get();
                    let span = (
                        u8::try_from(s).unwrap_or(u8::MAX),
                        u8::try_from(e).unwrap_or(u8::MAX),
                    );
                    cap.set(span);
                    k(e) || {
                        cap.set(before);
                        false
                    }
                })
            }
            Some(b'[') => match self.input.get(s) {
                Some(&c) if self.class_contains(pi + 1, c) => k(s + 1),
                _ => false,
            },
            Some(b'\\') => match (self.pat.get(pi + 1), self.input.get(s)) {
                (Some(b'd'), Some(c)) if c.is_ascii_digit() => k(s + 1),
                _ => false,
            },
            Some(&lit) => self.input.get(s) == Some(&lit) && k(s + 1),
            None => false,
        }
    }

    /// Whether the class whose items start at `pi` (after `[`) contains `c`.
    fn class_contains(&self, mut pi: usize, c: u8) -> bool {
        while let Some(&x) = self.pat.get(pi) {
            match (x, self.pat.get(pi + 1), self.pat.get(pi + 2)) {
                (b']', _, _) => return false,
                (b'\\', Some(b'd'), _) => {
                    if c.is_ascii_digit() {
                        return true;
                    }
                    pi += 2;
                }
                (lo, Some(b'-'), Some(&hi)) if hi != b']' => {
                    if (lo..=hi).contains(&c) {
                        return true;
                    }
                    pi += 3;
                }
                (x, _, _) => {
                    if x == c {
                        return true;
                    }
                    pi += 1;
                }
            }
        }
        false
    }

    /// The index just past the atom starting at `pi`.
    fn atom_end(&self, pi: usize) -> usize {
        match self.pat.get(pi) {
            Some(b'(' | b'[') => pi + usize::from(self.jump(pi).0),
            Some(b'\\') => pi + 2,
            _ => pi + 1,
        }
    }

    fn class_end(&self, pi: usize) -> usize {
        pi + usize::from(self.jump(pi).0)
    }

    fn jump(&self, pi: usize) -> Jump {
        self.jumps.get(pi).copied().unwrap_or((1, 0))
    }

    /// The quantifier at `i`: `(min, max, index after it)`.
    fn quantifier(&self, i: usize) -> (u16, u16, usize) {
        match self.pat.get(i) {
            Some(b'?') => (0, 1, i + 1),
            Some(b'{') => {
                let mut j = i + 1;
                let min = self.number(&mut j);
                let max = if self.pat.get(j) == Some(&b',') {
                    j += 1;
                    if self.pat.get(j) == Some(&b'}') {
                        UNBOUNDED
                    } else {
                        self.number(&mut j)
                    }
                } else {
                    min
                };
                (min, max, j + 1)
            }
            _ => (1, 1, i),
        }
    }

    fn number(&self, j: &mut usize) -> u16 {
        let mut n: u16 = 0;
        while let Some(&c) = self.pat.get(*j).filter(|c| c.is_ascii_digit()) {
            n = n.saturating_mul(10).saturating_add(u16::from(c - b'0'));
            *j += 1;
        }
        n
    }

    /// The index of the `|` or `)` ending the alternative at `pi` (or the pattern's end).
    fn seq_end(&self, pi: usize) -> usize {
        pi + usize::from(self.jump(pi).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_matches_follow_the_pattern() {
        let p = r"(?:[4-7]\d|9[0-689])\d{7}|800\d{2,9}";
        assert!(matches_entirely(p, &[], b"501234567"));
        assert!(matches_entirely(p, &[], b"80012"));
        assert!(!matches_entirely(p, &[], b"8001"));
        assert!(!matches_entirely(p, &[], b"97123456"));
        assert!(matches_entirely(r"\d{2,}", &[], b"123456"));
        assert!(!matches_entirely(r"\d{2,}", &[], b"1"));
    }

    #[test]
    fn prefix_match_takes_the_first_alternative_that_succeeds() {
        let m = match_prefix("0|180020", &[], b"18002012").map(|m| m.len);
        assert_eq!(m, Some(6));
        let m = match_prefix("00|0", &[], b"0012").map(|m| m.len);
        assert_eq!(m, Some(2));
        assert!(match_prefix("810", &[], b"8800").is_none());
    }

    #[test]
    fn groups_and_anchor_capture_like_javascript() {
        let m = match_prefix(r"([457]\d{6})$|1", &[], b"4601234");
        assert_eq!(m.and_then(|m| m.group(1)), Some(0..7));
        let m = match_prefix(r"([457]\d{6})$|1", &[], b"12684601234");
        assert_eq!(m.map(|m| (m.len, m.group(1))), Some((1, None)));
        let ar = r"0?(?:(11|2(?:2(?:02?|[13]))|3(?:3(?:2[79]|6)))15)?";
        let m = match_prefix(ar, &[], b"0111512345678");
        assert_eq!(
            m.map(|m| (m.len, m.group(1), m.group_count)),
            Some((5, Some(1..3), 1))
        );
    }

    #[test]
    fn one_table_serves_every_pattern_of_a_record() {
        let record = r"X 1 (?:12|3)\d|4 [5-7](8)?;9 0";
        let table = jumps(record.as_bytes());
        let at = |p: &str| record.find(p).and_then(|i| table.get(i..)).unwrap();
        let (first, second) = (r"(?:12|3)\d|4", "[5-7](8)?");
        assert_eq!(at(first)[0], (8, 10));
        assert!(matches_entirely(first, at(first), b"125"));
        assert!(matches_entirely(first, at(first), b"4"));
        assert!(!matches_entirely(first, at(first), b"45"));
        let m = match_prefix(second, at(second), b"58");
        assert_eq!(m.map(|m| (m.len, m.group(1))), Some((2, Some(1..2))));
        assert!(!matches_entirely(second, at(second), b"589"));
    }

    #[test]
    fn junk_patterns_do_not_panic() {
        for p in [
            "(",
            ")",
            "[",
            "[2-",
            "\\",
            "{",
            "a{99999999}",
            "(?:",
            "((((",
            "$$",
        ] {
            let _ = matches_entirely(p, &[], b"123");
            let _ = match_prefix(p, &[], b"123");
        }
    }
}
