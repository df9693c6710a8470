//! Access to the generated numbering table (`data.rs`).
//!
//! Each region record is one string of space-separated fields:
//! `ID CC IDD PATTERN LENGTHS NP NPFP TRANSFORM LEADING [TYPE[;LENGTHS]]…` — the id
//! (`DE`, or the calling code for a non-geographic entity such as `800`), the calling
//! code, the international (IDD) prefix pattern, the national number pattern, the
//! possible national lengths (`7,9,10`), the national (trunk) prefix, the national
//! prefix for parsing and its transform rule (`$1`), the leading-digits pattern, and,
//! only for regions told apart by validation, their number-type patterns.

use std::sync::OnceLock;

use super::data::{CALLING_CODES, REGIONS};
use super::pattern::matches_entirely;

/// One region's (or non-geographic entity's) numbering plan.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub id: &'static str,
    pub calling_code: u16,
    pub idd: &'static str,
    pub pattern: &'static str,
    lengths: &'static str,
    pub national_prefix: &'static str,
    prefix_for_parsing: &'static str,
    pub transform: &'static str,
    pub leading_digits: &'static str,
    types: &'static str,
}

/// What a national number's length says (libphonenumber's `checkNumberLength`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Length {
    Possible,
    TooShort,
    TooLong,
    Invalid,
}

impl Plan {
    fn from_record(r: &'static str) -> Option<Plan> {
        let mut f = r.splitn(10, ' ');
        let mut next = || f.next().unwrap_or("");
        Some(Plan {
            id: next(),
            calling_code: next().parse().ok()?,
            idd: next(),
            pattern: next(),
            lengths: next(),
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
        matches_entirely(self.pattern, national)
    }

    /// libphonenumber's `checkNumberLength` against the possible lengths.
    pub fn check_length(&self, national: &[u8]) -> Length {
        check_length(self.lengths, national.len())
    }

    /// Whether some number type (fixed line, mobile, toll free, …) matches: what
    /// libphonenumber calls a valid number. Only answers for plans whose type patterns
    /// the table keeps ([`Plan::has_types`]).
    pub fn matches_some_type(&self, national: &[u8]) -> bool {
        self.matches_pattern(national)
            && self.types.split(' ').any(|t| {
                let (pattern, lengths) = t.split_once(';').unwrap_or((t, self.lengths));
                !pattern.is_empty()
                    && lengths.split(',').any(|l| l.parse() == Ok(national.len()))
                    && matches_entirely(pattern, national)
            })
    }
}

/// `lengths` is a sorted `7,9,10` list.
fn check_length(lengths: &str, len: usize) -> Length {
    let mut all = lengths.split(',').filter_map(|l| l.parse::<usize>().ok());
    let Some(min) = all.next() else {
        return Length::Possible;
    };
    if len == min {
        return Length::Possible;
    }
    if len < min {
        return Length::TooShort;
    }
    let mut max = min;
    for l in all {
        if l == len {
            return Length::Possible;
        }
        max = l;
    }
    if len > max {
        Length::TooLong
    } else {
        Length::Invalid
    }
}

/// The table's records parsed once: what every parse would otherwise split again.
struct Tables {
    /// Every plan, sorted by id like `REGIONS`.
    plans: Vec<Plan>,
    /// Every calling code (sorted, like `CALLING_CODES`) with its plans, main first.
    by_code: Vec<(u16, Vec<Plan>)>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let plans: Vec<Plan> = REGIONS
            .iter()
            .filter_map(|r| Plan::from_record(r))
            .collect();
        let by_code = CALLING_CODES
            .iter()
            .map(|&(cc, ids)| {
                let of_code = ids.split(' ').filter_map(|id| find_plan(&plans, id));
                (cc, of_code.collect())
            })
            .collect();
        Tables { plans, by_code }
    })
}

fn find_plan(plans: &[Plan], id: &str) -> Option<Plan> {
    let i = plans.binary_search_by(|p| p.id.cmp(id)).ok()?;
    plans.get(i).copied()
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
    let i = CALLING_CODES.binary_search_by_key(&cc, |&(c, _)| c).ok()?;
    CALLING_CODES.get(i).map(|&(_, ids)| ids)
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
            super::pattern::match_prefix(plan.leading_digits, national).is_some()
        }
    })
}

/// Every region id, sorted (`"AC"`, `"AD"`, …).
pub(crate) fn region_ids() -> impl Iterator<Item = &'static str> {
    REGIONS
        .iter()
        .filter_map(|r| r.split(' ').next())
        .filter(|id| id.bytes().all(|b| b.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked_like_libphonenumber() {
        assert_eq!(check_length("7,9,10", 7), Length::Possible);
        assert_eq!(check_length("7,9,10", 6), Length::TooShort);
        assert_eq!(check_length("7,9,10", 8), Length::Invalid);
        assert_eq!(check_length("7,9,10", 10), Length::Possible);
        assert_eq!(check_length("7,9,10", 11), Length::TooLong);
    }

    #[test]
    fn every_record_parses_and_calling_codes_point_at_records() {
        assert!(region_ids().count() > 240);
        for id in region_ids() {
            let plan = Plan::by_id(id).map(|p| p.id);
            assert_eq!(plan, Some(id));
        }
        for &(cc, ids) in CALLING_CODES {
            for id in ids.split(' ') {
                assert_eq!(Plan::by_id(id).map(|p| p.calling_code), Some(cc), "{id}");
            }
        }
    }
}
