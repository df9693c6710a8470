//! The number stage: from `+`/digits to calling code, national number and region,
//! step for step as libphonenumber-js does it (international prefix, calling code
//! with or without `+`, national prefix and its transform rule, region detection).

use std::borrow::Cow;

use super::metadata::{region_for, Length, Plan};
use super::PhoneError;

/// National numbers are at least this long…
const MIN_NATIONAL: usize = 2;
/// …and at most this long (libphonenumber's `MAX_LENGTH_FOR_NSN`).
const MAX_NATIONAL: usize = 17;

/// A parsed number before it becomes a [`super::PhoneNumber`].
pub(crate) struct Parsed<'a> {
    pub calling_code: u16,
    pub national: Cow<'a, [u8]>,
    /// The region, when one is known (never for non-geographic codes).
    pub region: Option<Plan>,
}

/// Parses `+`/digits (`digits_of`) with an optional default region.
pub(crate) fn parse(digits: &[u8], default: Option<Plan>) -> Result<Parsed<'_>, PhoneError> {
    let (calling_code, number, plan, mut region) = match calling_code(digits, default) {
        Split::Code(cc, rest) => {
            let plan = Plan::by_calling_code(cc).ok_or(PhoneError::InvalidCountry)?;
            (cc, rest, plan, None)
        }
        Split::NumberOnly(rest) => match default {
            Some(d) if !rest.is_empty() => (d.calling_code, rest, d, Some(d)),
            _ => return Err(PhoneError::InvalidCountry),
        },
        Split::Nothing => return Err(PhoneError::InvalidCountry),
    };
    if number.is_empty() {
        return Err(PhoneError::TooShort);
    }
    let (national, known) = national_and_region(number, &plan);
    if let Some(exact) = known.unwrap_or_else(|| region_for(calling_code, &national)) {
        region = Some(exact);
    }
    if national.len() < MIN_NATIONAL {
        return Err(PhoneError::TooShort);
    }
    if national.len() > MAX_NATIONAL {
        return Err(PhoneError::TooLong);
    }
    // Length-based "possible" check, against the region's plan (or the calling code's).
    let lengths = match region {
        Some(r) => r,
        None => Plan::by_calling_code(calling_code).unwrap_or(plan),
    };
    match lengths.check_length(&national) {
        Length::Possible => {}
        Length::TooShort => return Err(PhoneError::TooShort),
        Length::TooLong => return Err(PhoneError::TooLong),
        Length::Invalid => return Err(PhoneError::InvalidLength),
    }
    Ok(Parsed {
        calling_code,
        national,
        region: region.filter(Plan::is_region),
    })
}

enum Split<'a> {
    /// Nothing usable (`+0…`, unknown calling code).
    Nothing,
    /// No calling code in the number.
    NumberOnly(&'a [u8]),
    /// A calling code and what follows it.
    Code(u16, &'a [u8]),
}

/// libphonenumber's `extractCountryCallingCode`: after `+`, after the default region's
/// international prefix, or — when the rest would otherwise not fit — the default
/// region's own calling code typed without `+`.
fn calling_code(number: &[u8], default: Option<Plan>) -> Split<'_> {
    let rest = match number.strip_prefix(b"+") {
        Some(rest) => rest,
        None => match default.and_then(|d| strip_idd(number, &d)) {
            Some(rest) => rest,
            None => {
                return match default.and_then(|d| own_code_without_plus(number, &d)) {
                    Some(split) => split,
                    None => Split::NumberOnly(number),
                }
            }
        },
    };
    if rest.first() == Some(&b'0') {
        return Split::Nothing;
    }
    for len in 1..=3 {
        let (Some(code), Some(tail)) = (rest.get(..len), rest.get(len..)) else {
            break;
        };
        if let Some(cc) = parse_code(code).filter(|&cc| super::metadata::regions_of(cc).is_some()) {
            return Split::Code(cc, tail);
        }
    }
    Split::Nothing
}

fn parse_code(digits: &[u8]) -> Option<u16> {
    u16::try_from(crate::text::parse_u64(core::str::from_utf8(digits).ok()?)?).ok()
}

/// The number after the region's international prefix (`00`, `011`, `810`, …), unless
/// a `0` follows it (no calling code starts with 0) or nothing does.
fn strip_idd<'a>(number: &'a [u8], plan: &Plan) -> Option<&'a [u8]> {
    if plan.idd.is_empty() {
        return None;
    }
    let m = plan.prefix_match(plan.idd, number)?;
    let rest = number.get(m.len..)?;
    (m.len > 0 && !rest.is_empty() && rest.first() != Some(&b'0')).then_some(rest)
}

/// `4930123456` in Germany: the calling code typed without `+`, recognised when the
/// whole is not a national number but the rest is, or the whole is too long.
fn own_code_without_plus<'a>(number: &'a [u8], plan: &Plan) -> Option<Split<'a>> {
    let mut buf = itoa(plan.calling_code);
    let code = buf.digits();
    let shorter = number.strip_prefix(code)?;
    let full_national = national_number(number, plan);
    let fits = plan.check_length(&full_national) == Length::TooLong || {
        let short_national = national_number(shorter, plan);
        plan.matches_pattern(&short_national) && !plan.matches_pattern(&full_national)
    };
    fits.then_some(Split::Code(plan.calling_code, shorter))
}

/// The national significant number: `number` without its national (trunk) prefix or
/// carrier code, rewritten by the transform rule where the metadata has one — unless
/// that would make a number that matched the national pattern stop matching, or make
/// it too short.
pub(crate) fn national_number<'a>(number: &'a [u8], plan: &Plan) -> Cow<'a, [u8]> {
    national_and_region(number, plan).0
}

/// [`national_number`], with `region_for(plan.calling_code, national)` when it was
/// worked out on the way (so the caller need not work it out again).
fn national_and_region<'a>(number: &'a [u8], plan: &Plan) -> (Cow<'a, [u8]>, Option<Option<Plan>>) {
    let stripped = strip_national_prefix(number, plan);
    if *stripped == *number {
        return (Cow::Borrowed(number), None);
    }
    if !plan.matches_pattern(&stripped) && plan.matches_pattern(number) {
        return (Cow::Borrowed(number), None);
    }
    let region = region_for(plan.calling_code, &stripped);
    match region.unwrap_or(*plan).check_length(&stripped) {
        Length::TooShort | Length::Invalid => (Cow::Borrowed(number), None),
        Length::Possible | Length::TooLong => (stripped, Some(region)),
    }
}

/// libphonenumber's `extractNationalNumberFromPossiblyIncompleteNumber`.
fn strip_national_prefix<'a>(number: &'a [u8], plan: &Plan) -> Cow<'a, [u8]> {
    let pattern = plan.prefix_for_parsing();
    if number.is_empty() || pattern.is_empty() {
        return Cow::Borrowed(number);
    }
    let Some(m) = plan.prefix_match(pattern, number) else {
        return Cow::Borrowed(number);
    };
    let rest = number.get(m.len..).unwrap_or_default();
    let last_group = m.group(m.group_count).filter(|g| !g.is_empty());
    if plan.transform.is_empty() || last_group.is_none() {
        return Cow::Borrowed(rest);
    }
    let rule = plan.transform.as_bytes();
    let mut out = Vec::with_capacity(number.len() + rule.len());
    let mut i = 0;
    while let Some(&c) = rule.get(i) {
        let group = rule
            .get(i + 1)
            .filter(|_| c == b'$')
            .and_then(|d| d.is_ascii_digit().then(|| usize::from(d - b'0')))
            .filter(|&g| g >= 1 && g <= m.group_count);
        match group {
            Some(g) => {
                if let Some(span) = m.group(g) {
                    out.extend_from_slice(number.get(span).unwrap_or_default());
                }
                i += 2;
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

/// A calling code's decimal digits without allocating.
struct Itoa {
    buf: [u8; 5],
    start: usize,
}

impl Itoa {
    fn digits(&mut self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }
}

fn itoa(mut n: u16) -> Itoa {
    let mut buf = [b'0'; 5];
    let mut start = buf.len();
    loop {
        start -= 1;
        if let Some(slot) = buf.get_mut(start) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    Itoa { buf, start }
}
