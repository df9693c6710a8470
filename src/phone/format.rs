//! The international format (`+49 174 7707607`), grouped exactly as libphonenumber-js's
//! `formatInternational()` groups it (1.13.16, max metadata).
//!
//! libphonenumber-js takes the formats of the calling code's main region and chooses
//! the first whose last leading-digits pattern matches at the start of the national
//! number (or that has none) and whose pattern matches all of it
//! (`chooseFormatForNumber`); then it replaces the pattern's groups into the format's
//! international template and turns punctuation runs into single spaces
//! (`applyInternationalSeparatorStyle`). Without a format the national number stays
//! whole. Every format pattern of the metadata is a run of digit groups (`(\d{3})`,
//! `(\d{3,12})`, `(\d+)`), which the generator checks and stores as their lengths, and
//! it stores the templates with the separator style already applied; so here a
//! format's pattern matches when the length fits, and the groups are cut as
//! JavaScript's greedy, backtracking match cuts them.

use super::metadata::Formats;
use super::prefilter::{first_digits, is_simple, simple_prefix};
use crate::text::{cat, decimal};

/// Most groups in a format (the generator refuses more).
const MAX_GROUPS: usize = 9;

/// One format: its digit groups, template and leading digits (a `FORMATS` record).
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// `(min, max)` length of each group (`u8::MAX`: unbounded).
    spans: [(u8, u8); MAX_GROUPS],
    count: usize,
    /// The lengths of the numbers the pattern matches all of.
    lengths: core::ops::RangeInclusive<usize>,
    /// `$1_$2` style, `_` for a space; empty for `$1 $2 … $n`.
    template: &'static str,
    /// The last leading-digits pattern; empty when the format has none.
    leading: &'static str,
    /// The first digits `leading` can match (bit `d` for digit `d`): most formats are
    /// ruled out by this one test instead of a run of the matcher.
    first: u16,
    /// `leading` is alternatives of digits and classes only (`1[67]`, `3[02]|40`), which
    /// [`simple_prefix`] matches without the matcher.
    simple: bool,
}

impl Record {
    /// `2,3-13;TEMPLATE;LEADING` (`1-` for an unbounded group); `None` when malformed.
    pub(crate) fn parse(record: &'static str) -> Option<Record> {
        let small = |s: &str| u8::try_from(crate::text::parse_u64(s)?).ok();
        let mut fields = record.splitn(3, ';');
        let (groups, template, leading) = (fields.next()?, fields.next()?, fields.next()?);
        let mut spans = [(0u8, 0u8); MAX_GROUPS];
        let mut count = 0;
        for group in groups.split(',') {
            let (min, max) = match group.split_once('-') {
                Some((min, "")) => (small(min)?, u8::MAX),
                Some((min, max)) => (small(min)?, small(max)?),
                None => {
                    let n = small(group)?;
                    (n, n)
                }
            };
            *spans.get_mut(count)? = (min, max);
            count += 1;
        }
        let (min, max) = spans.iter().fold((0usize, 0usize), |(a, b), &(lo, hi)| {
            (a + usize::from(lo), b + usize::from(hi))
        });
        Some(Record {
            spans,
            count,
            lengths: min..=max,
            template,
            leading,
            first: first_digits(leading.as_bytes()),
            simple: is_simple(leading.as_bytes()),
        })
    }

    /// Whether the format applies to `digits` (`formats` is its table).
    fn applies(&self, formats: &Formats, digits: &[u8]) -> bool {
        if !self.lengths.contains(&digits.len()) {
            return false;
        }
        if self.leading.is_empty() {
            return true;
        }
        let bit = digits
            .first()
            .and_then(|d| 1u16.checked_shl(u32::from(d.wrapping_sub(b'0'))));
        if bit.is_none_or(|b| self.first & b == 0) {
            return false;
        }
        if self.simple {
            simple_prefix(self.leading.as_bytes(), digits)
        } else {
            formats.leads(self.leading, digits)
        }
    }

    fn spans(&self) -> &[(u8, u8)] {
        self.spans.get(..self.count).unwrap_or_default()
    }

    /// Where each group ends in a number of `len` digits (one of `lengths`): each
    /// group takes as many digits as it can while the groups after it still get their
    /// least, which is the first match JavaScript's backtracking finds.
    fn ends(&self, len: usize) -> [usize; MAX_GROUPS] {
        let mut ends = [0; MAX_GROUPS];
        let mut at = 0;
        let mut rest_min = *self.lengths.start();
        for (&(lo, hi), end) in self.spans().iter().zip(ends.iter_mut()) {
            rest_min = rest_min.saturating_sub(usize::from(lo));
            let room = len.saturating_sub(at).saturating_sub(rest_min);
            at += room.min(usize::from(hi)).max(usize::from(lo));
            *end = at;
        }
        ends
    }
}

/// Appends the national number `national` (ASCII digits) grouped for the international
/// format to `out`: `1747707607` of `+49` → `174 7707607`.
pub(super) fn push_grouped(out: &mut String, calling_code: u16, national: &str) {
    let digits = national.as_bytes();
    let chosen = Formats::of(calling_code).and_then(|formats| {
        formats
            .records()
            .iter()
            .find(|f| f.applies(&formats, digits))
    });
    let Some(format) = chosen else {
        out.push_str(national);
        return;
    };
    let ends = format.ends(digits.len());
    let group = |n: usize| {
        let start = n.checked_sub(1).and_then(|p| ends.get(p)).copied();
        let end = ends.get(n).copied().unwrap_or(0);
        national.get(start.unwrap_or(0)..end).unwrap_or_default()
    };
    if format.template.is_empty() {
        for n in 0..format.count {
            if n > 0 {
                out.push(' ');
            }
            out.push_str(group(n));
        }
    } else {
        let mut bytes = format.template.bytes();
        while let Some(b) = bytes.next() {
            match b {
                b'$' => {
                    let n = bytes
                        .next()
                        .map_or(0, |d| usize::from(d.wrapping_sub(b'0')));
                    out.push_str(group(n.wrapping_sub(1)));
                }
                b'_' => out.push(' '),
                b => out.push(char::from(b)),
            }
        }
    }
    // What the match left (JavaScript's `replace` keeps it; a fitting pattern leaves none).
    let last = format.count.checked_sub(1).and_then(|i| ends.get(i));
    out.push_str(
        national
            .get(last.copied().unwrap_or(0)..)
            .unwrap_or_default(),
    );
}

/// `+49 174 7707607`: the calling code and the grouped national number.
pub(super) fn international(calling_code: u16, national: &str) -> String {
    let mut out = cat!("+", decimal(u64::from(calling_code)), " ");
    push_grouped(&mut out, calling_code, national);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(groups: &str) -> Option<Record> {
        Record::parse(Box::leak(format!("{groups};;").into_boxed_str()))
    }

    fn cut(groups: &str, digits: &str) -> Vec<usize> {
        let r = record(groups).expect("groups");
        assert!(r.lengths.contains(&digits.len()));
        r.ends(digits.len())[..r.count].to_vec()
    }

    #[test]
    fn groups_are_cut_greedily_as_javascript_backtracks() {
        // (\d{3})(\d{3,4})(\d{4}) on 10 digits: the middle group gives one back.
        assert_eq!(cut("3,3-4,4", "1234567890"), [3, 6, 10]);
        assert_eq!(cut("3,3-4,4", "12345678901"), [3, 7, 11]);
        // (\d{2})(\d{3,13}) takes the rest; (\d+) too.
        assert_eq!(cut("2,3-13", "1747707607"), [2, 10]);
        assert_eq!(cut("1,1-", "1234"), [1, 4]);
        // (\d{2,3})(\d{2,3}): the first group takes three when the rest can have two.
        assert_eq!(cut("2-3,2-3", "12345"), [3, 5]);
        assert_eq!(cut("2-3,2-3", "1234"), [2, 4]);
        assert_eq!(record("3,4").expect("groups").lengths, 7..=7);
        assert!(record("1,2,3,4,5,6,7,8,9,1").is_none());
        assert!(record("x").is_none());
        assert!(Record::parse("3,4;").is_none());
    }

    #[test]
    fn first_digit_masks_are_a_safe_filter() {
        // Every record of every calling code: a digit outside the mask never leads.
        for cc in 1..1000 {
            let Some(formats) = Formats::of(cc) else {
                continue;
            };
            for r in formats.records() {
                for d in 0..10u8 {
                    let digits = [b'0' + d, b'1', b'2', b'3', b'4', b'5'];
                    for len in 1..=digits.len() {
                        let leads =
                            r.leading.is_empty() || formats.leads(r.leading, &digits[..len]);
                        assert!(!leads || r.first & 1 << d != 0, "+{cc} {}", r.leading);
                    }
                }
            }
        }
    }

    #[test]
    fn simple_patterns_match_as_the_matcher_does() {
        // Every string of one to three digits, and per alternative a string it matches
        // (each class by its first digit), one digit longer, and one digit shorter.
        let mut inputs: Vec<String> = (1..=3u32)
            .flat_map(|len| (0..10u32.pow(len)).map(move |v| format!("{v:0w$}", w = len as usize)))
            .collect();
        let mut simple = 0;
        for cc in 1..1000 {
            let Some(formats) = Formats::of(cc) else {
                continue;
            };
            for r in formats
                .records()
                .iter()
                .filter(|r| r.simple && !r.leading.is_empty())
            {
                simple += 1;
                inputs.truncate(1110);
                for alt in r.leading.split('|') {
                    let mut witness = String::new();
                    let mut rest = alt;
                    while let Some(c) = rest.chars().next() {
                        if c == '[' {
                            witness.extend(rest[1..].chars().next());
                            rest = rest.split_once(']').map_or("", |(_, r)| r);
                        } else {
                            witness.push(c);
                            rest = &rest[1..];
                        }
                    }
                    inputs.push(format!("{witness}5"));
                    inputs.push(
                        witness
                            .get(..witness.len().saturating_sub(1))
                            .unwrap_or("")
                            .to_owned(),
                    );
                    inputs.push(witness);
                }
                for input in &inputs {
                    assert_eq!(
                        simple_prefix(r.leading.as_bytes(), input.as_bytes()),
                        formats.leads(r.leading, input.as_bytes()),
                        "+{cc} {} {input}",
                        r.leading
                    );
                }
            }
        }
        assert!(simple > 300, "{simple}");
    }

    #[test]
    fn numbers_are_grouped_like_libphonenumber_js() {
        assert_eq!(international(49, "1747707607"), "+49 174 7707607");
        assert_eq!(international(49, "301234567"), "+49 30 1234567");
        assert_eq!(international(1, "2015550123"), "+1 201 555 0123");
        assert_eq!(international(44, "7400123456"), "+44 7400 123456");
        assert_eq!(international(370, "61234567"), "+370 612 34567");
        assert_eq!(international(54, "91123456789"), "+54 9 11 2345 6789");
        assert_eq!(international(800, "12345678"), "+800 1234 5678");
        // No format (Ascension has none) or none that fits: the number stays whole.
        assert_eq!(international(247, "12345"), "+247 12345");
        assert_eq!(international(49, "1"), "+49 1");
        assert_eq!(international(9999, ""), "+9999 ");
    }
}
