//! Access to the generated numbering table (`data.rs`).
//!
//! Each region record is one string of space-separated fields:
//! `ID CC IDD PATTERN LENGTHS NP NPFP TRANSFORM LEADING [TYPE[;LENGTHS]]…` — the id
//! (`DE`, or the calling code for a non-geographic entity such as `800`), the calling
//! code, the international (IDD) prefix pattern, the national number pattern, the
//! possible national lengths (`7,9,10`), the national (trunk) prefix, the national
//! prefix for parsing and its transform rule (`$1`), the leading-digits pattern, and,
//! only for regions told apart by validation, their number-type patterns.
//!
//! `FORMATS` holds, per calling code, its main region's international formats: one
//! line `CC:RECORDS` per code, the records space-separated `GROUPS;TEMPLATE;LEADING`
//! (see [`Formats`]).

use std::sync::OnceLock;

use super::data::{CALLING_CODES, FORMATS, REGIONS};
use super::format::Record;
use super::pattern::{self, Jump, PrefixMatch};
use crate::text;

/// One region's (or non-geographic entity's) numbering plan.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    /// The record's index in `REGIONS` (for its [`Jump`] table).
    record: usize,
    pub id: &'static str,
    pub calling_code: u16,
    pub idd: &'static str,
    pub pattern: &'static str,
    /// The possible national lengths as bits (`1 << 7 | 1 << 9` for `7,9`).
    lengths: u32,
    pub national_prefix: &'static str,
    prefix_for_parsing: &'static str,
    pub transform: &'static str,
    pub leading_digits: &'static str,
    types: &'static str,
}

/// A number type's pattern and possible lengths (as [`Plan`]'s `lengths`).
type NumberType = (&'static str, u32);

/// What a national number's length says (libphonenumber's `checkNumberLength`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Length {
    Possible,
    TooShort,
    TooLong,
    Invalid,
}

impl Plan {
    fn from_record(record: usize, r: &'static str) -> Option<Plan> {
        let mut f = r.splitn(10, ' ');
        let mut next = || f.next().unwrap_or("");
        Some(Plan {
            record,
            id: next(),
            calling_code: u16::try_from(text::parse_u64(next())?).ok()?,
            idd: next(),
            pattern: next(),
            lengths: lengths_mask(next()),
            national_prefix: next(),
            prefix_for_parsing: next(),
            transform: next(),
            leading_digits: next(),
            types: next(),
        })
    }

    /// The plan of a region (`"DE"`) or non-geographic entity (`"800"`).
    pub fn by_id(id: &str) -> Option<Plan> {
        find_plan(&tables().plans, id)
    }

    /// The main plan of a calling code (its first region, or its non-geographic entity).
    pub fn by_calling_code(cc: u16) -> Option<Plan> {
        plans_of(cc)?.first().copied()
    }

    /// Whether this is a region (not a non-geographic entity such as `+800`).
    pub fn is_region(&self) -> bool {
        self.id.bytes().all(|b| b.is_ascii_uppercase())
    }

    /// The pattern national prefixes are recognised by (the national prefix itself
    /// when the metadata gives no other).
    pub fn prefix_for_parsing(&self) -> &'static str {
        if self.prefix_for_parsing.is_empty() {
            self.national_prefix
        } else {
            self.prefix_for_parsing
        }
    }

    /// Whether `national` matches the national number pattern.
    pub fn matches_pattern(&self, national: &[u8]) -> bool {
        self.full_match(self.pattern, national)
    }

    /// Whether `pattern`, one of this plan's fields, matches all of `input`.
    pub fn full_match(&self, pattern: &str, input: &[u8]) -> bool {
        pattern::matches_entirely(pattern, self.jumps(pattern), input)
    }

    /// `pattern`'s (one of this plan's fields) match at the start of `input`.
    pub fn prefix_match(&self, pattern: &str, input: &[u8]) -> Option<PrefixMatch> {
        pattern::match_prefix(pattern, self.jumps(pattern), input)
    }

    /// The record's [`Jump`] table from `field` on (computed on first use; empty when
    /// `field` is not part of the record, and the matcher then computes its own).
    fn jumps(&self, field: &str) -> &'static [Jump] {
        let tables = tables();
        let Some((record, table)) = tables
            .records
            .get(self.record)
            .zip(tables.jumps.get(self.record))
        else {
            return &[];
        };
        let at = (field.as_ptr() as usize).wrapping_sub(record.as_ptr() as usize);
        let table = table.get_or_init(|| pattern::jumps(record.as_bytes()));
        table.get(at..).unwrap_or_default()
    }

    /// libphonenumber's `checkNumberLength` against the possible lengths.
    pub fn check_length(&self, national: &[u8]) -> Length {
        check_length(self.lengths, national.len())
    }

    /// Whether some number type (fixed line, mobile, toll free, …) matches: what
    /// libphonenumber calls a valid number. Only answers for plans whose type patterns
    /// the table keeps (regions told apart by validation; for the others, false).
    pub fn matches_some_type(&self, national: &[u8]) -> bool {
        let bit = length_bit(national.len());
        let types = tables()
            .types
            .get(self.record)
            .map_or(&[][..], Vec::as_slice);
        self.matches_pattern(national)
            && types
                .iter()
                .any(|&(pattern, lengths)| lengths & bit != 0 && self.full_match(pattern, national))
    }

    /// The type patterns of the record, with their lengths (the plan's when the type
    /// has none of its own).
    fn number_types(&self) -> Vec<NumberType> {
        let types = self.types.split(' ').filter(|t| !t.is_empty());
        types
            .map(|t| match t.split_once(';') {
                Some((pattern, lengths)) => (pattern, lengths_mask(lengths)),
                None => (t, self.lengths),
            })
            .collect()
    }
}

/// `7,9,10` as bits ([`Plan`]'s `lengths`).
fn lengths_mask(list: &str) -> u32 {
    list.split(',')
        .filter_map(|l| usize::try_from(text::parse_u64(l)?).ok())
        .fold(0, |mask, l| mask | length_bit(l))
}

/// The bit of a length in a lengths mask (none for lengths past 31).
fn length_bit(len: usize) -> u32 {
    u32::try_from(len)
        .ok()
        .and_then(|l| 1u32.checked_shl(l))
        .unwrap_or(0)
}

/// libphonenumber's `checkNumberLength`: `lengths` is a mask of the possible lengths
/// (none: every length is possible).
fn check_length(lengths: u32, len: usize) -> Length {
    if lengths == 0 {
        return Length::Possible;
    }
    let min = lengths.trailing_zeros() as usize;
    let max = 31 - lengths.leading_zeros() as usize;
    if len < min {
        Length::TooShort
    } else if len > max {
        Length::TooLong
    } else if lengths & length_bit(len) != 0 {
        Length::Possible
    } else {
        Length::Invalid
    }
}

/// A calling code's formats (`super::format` uses them), from its `FORMATS` line of
/// space-separated `GROUPS;TEMPLATE;LEADING` records: the digit groups' lengths
/// (`2,3-13`, `1-` unbounded), the template after libphonenumber-js's separator style
/// with `_` for spaces (empty for `$1 $2 … $n`), and the last leading-digits pattern
/// (empty: any).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Formats {
    text: &'static str,
    parsed: &'static ParsedFormats,
}

/// A `FORMATS` line's records parsed, and their [`Jump`] table.
#[derive(Debug)]
pub(crate) struct ParsedFormats {
    records: Vec<Record>,
    jumps: Vec<Jump>,
}

impl Formats {
    /// The formats of calling code `cc` (none when its main region has none).
    pub fn of(cc: u16) -> Option<Formats> {
        let t = tables();
        let i = usize::from(*t.format_index.get(usize::from(cc))?).checked_sub(1)?;
        let (text, parsed) = t.formats.get(i)?;
        let parsed = parsed.get_or_init(|| ParsedFormats {
            records: text.split(' ').filter_map(Record::parse).collect(),
            jumps: pattern::jumps(text.as_bytes()),
        });
        Some(Formats { text, parsed })
    }

    /// The records, in the metadata's order.
    pub fn records(&self) -> &'static [Record] {
        &self.parsed.records
    }

    /// Whether `pattern` (a record's leading digits) matches at the start of `input`.
    pub fn leads(&self, pattern: &'static str, input: &[u8]) -> bool {
        let at = (pattern.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        let jumps = self.parsed.jumps.get(at..).unwrap_or_default();
        pattern::match_prefix(pattern, jumps, input).is_some()
    }
}

/// The table's records parsed once: what every parse would otherwise split again.
struct Tables {
    /// The `REGIONS` records, one per line there.
    records: Vec<&'static str>,
    /// The `CALLING_CODES` lines as (calling code, region ids).
    codes: Vec<(u16, &'static str)>,
    /// Every plan, sorted by id like `REGIONS`.
    plans: Vec<Plan>,
    /// Every calling code (sorted, like `CALLING_CODES`) with its plans, main first.
    by_code: Vec<(u16, Vec<Plan>)>,
    /// Each record's number types (empty for most), by `REGIONS` index.
    types: Vec<Vec<NumberType>>,
    /// Each record's [`Jump`] table, by `REGIONS` index, made on first use.
    jumps: Vec<OnceLock<Vec<Jump>>>,
    /// Each `FORMATS` line's records, and them parsed on first use.
    formats: Vec<(&'static str, OnceLock<ParsedFormats>)>,
    /// By calling code, its index in `formats` plus one (0: none), so a format lookup
    /// is one load (calling codes have at most three digits).
    format_index: Vec<u16>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let records: Vec<&'static str> = REGIONS.lines().collect();
        let codes: Vec<(u16, &'static str)> = CALLING_CODES
            .lines()
            .filter_map(|line| {
                let (cc, ids) = line.split_once(':')?;
                Some((u16::try_from(text::parse_u64(cc)?).ok()?, ids))
            })
            .collect();
        let plans: Vec<Plan> = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Plan::from_record(i, r))
            .collect();
        let by_code = codes
            .iter()
            .map(|&(cc, ids)| {
                let of_code = ids.split(' ').filter_map(|id| find_plan(&plans, id));
                (cc, of_code.collect())
            })
            .collect();
        let jumps = records.iter().map(|_| OnceLock::new()).collect();
        let mut types: Vec<Vec<NumberType>> = records.iter().map(|_| Vec::new()).collect();
        for plan in &plans {
            if let Some(slot) = types.get_mut(plan.record) {
                *slot = plan.number_types();
            }
        }
        Tables {
            records,
            codes,
            plans,
            types,
            by_code,
            jumps,
            formats: format_lines()
                .map(|(_, records)| (records, OnceLock::new()))
                .collect(),
            format_index: format_index(),
        }
    })
}

/// The `FORMATS` lines as (calling code, records).
fn format_lines() -> impl Iterator<Item = (u16, &'static str)> {
    FORMATS.lines().filter_map(|line| {
        let (cc, records) = line.split_once(':')?;
        Some((u16::try_from(text::parse_u64(cc)?).ok()?, records))
    })
}

/// [`Tables::format_index`].
fn format_index() -> Vec<u16> {
    let len = format_lines().map(|(cc, _)| usize::from(cc) + 1).max();
    let mut index = vec![0u16; len.unwrap_or(0)];
    for (i, (cc, _)) in format_lines().enumerate() {
        if let (Some(slot), Ok(i)) = (index.get_mut(usize::from(cc)), u16::try_from(i + 1)) {
            *slot = i;
        }
    }
    index
}

fn find_plan(plans: &[Plan], id: &str) -> Option<Plan> {
    let i = plans
        .binary_search_by_key(&id_key(id), |p| id_key(p.id))
        .ok()?;
    plans.get(i).copied().filter(|p| p.id == id)
}

/// The first three bytes of an id (ids have two or three) as a number that sorts like
/// the id, so the binary search compares integers rather than strings.
fn id_key(id: &str) -> u32 {
    let b = id.as_bytes();
    let at = |i: usize| u32::from(b.get(i).copied().unwrap_or(0));
    at(0) << 16 | at(1) << 8 | at(2)
}

/// The plans of a calling code, main first.
fn plans_of(cc: u16) -> Option<&'static [Plan]> {
    let by_code = &tables().by_code;
    let i = by_code.binary_search_by_key(&cc, |&(c, _)| c).ok()?;
    by_code.get(i).map(|(_, plans)| plans.as_slice())
}

/// The region ids of a calling code, main first (`"US AG AI …"`), or the
/// non-geographic entity's id.
pub(crate) fn regions_of(cc: u16) -> Option<&'static str> {
    let codes = &tables().codes;
    let i = codes.binary_search_by_key(&cc, |&(c, _)| c).ok()?;
    codes.get(i).map(|&(_, ids)| ids)
}

/// The region of a national number among those sharing its calling code
/// (libphonenumber's `getCountryByCallingCode`): the only one, else the first whose
/// leading digits start the number or, for regions without leading digits, whose
/// number types match it. `None` for non-geographic codes and when nothing matches.
pub(crate) fn region_for(cc: u16, national: &[u8]) -> Option<Plan> {
    let plans = plans_of(cc)?;
    let mut regions = plans.iter().copied().filter(Plan::is_region);
    let first = regions.next()?;
    if plans.len() == 1 {
        return Some(first);
    }
    core::iter::once(first).chain(regions).find(|plan| {
        if plan.leading_digits.is_empty() {
            plan.matches_some_type(national)
        } else {
            plan.prefix_match(plan.leading_digits, national).is_some()
        }
    })
}

/// Every region id, sorted (`"AC"`, `"AD"`, …).
pub(crate) fn region_ids() -> impl Iterator<Item = &'static str> {
    REGIONS
        .lines()
        .filter_map(|r| r.split(' ').next())
        .filter(|id| id.bytes().all(|b| b.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked_like_libphonenumber() {
        let lengths = lengths_mask("7,9,10");
        assert_eq!(check_length(lengths, 7), Length::Possible);
        assert_eq!(check_length(lengths, 6), Length::TooShort);
        assert_eq!(check_length(lengths, 8), Length::Invalid);
        assert_eq!(check_length(lengths, 10), Length::Possible);
        assert_eq!(check_length(lengths, 11), Length::TooLong);
        assert_eq!(check_length(lengths, 40), Length::TooLong);
        assert_eq!(check_length(0, 3), Length::Possible);
    }

    #[test]
    fn every_record_parses_and_calling_codes_point_at_records() {
        assert!(region_ids().count() > 240);
        for id in region_ids() {
            let plan = Plan::by_id(id).map(|p| p.id);
            assert_eq!(plan, Some(id));
        }
        assert_eq!(tables().records.len(), REGIONS.lines().count());
        assert_eq!(tables().codes.len(), CALLING_CODES.lines().count());
        for &(cc, ids) in &tables().codes {
            for id in ids.split(' ') {
                assert_eq!(Plan::by_id(id).map(|p| p.calling_code), Some(cc), "{id}");
            }
        }
    }
}
