//! Phone numbers: parsing what people type, formatting what each backend expects.
//!
//! [`PhoneNumber::parse`] follows libphonenumber (as libphonenumber-js 1.13.16 with its
//! "max" metadata does it) step for step: the text stage (`input`: `tel:` URIs,
//! finding the number, extensions), then the number stage (`parse`: international
//! prefix, calling code, national prefix, region). The numbering data is a generated
//! table (`data`, `cargo xtask gen-phone`) read through `metadata` and matched by a
//! small regular-expression interpreter (`pattern`); no regex crate. The international
//! format is grouped by the metadata's formats (`format`). See
//! `docs/phone.md` for the supported forms and the `valid` vs `possible` decision.

use crate::text::{cat, decimal};
use core::fmt;

#[rustfmt::skip]
mod data;
mod format;
mod input;
mod metadata;
mod parse;
mod pattern;
mod prefilter;
mod punctuation;
#[cfg(test)]
mod tests;

/// Why an input is not a phone number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PhoneError {
    /// No digits that could form a number.
    NotANumber,
    /// The country calling code or the default region is unknown.
    InvalidCountry,
    /// Too short for any number of its region.
    TooShort,
    /// Too long for any number of its region.
    TooLong,
    /// Between its region's lengths, but of none of them.
    InvalidLength,
}

impl PhoneError {
    /// Stable reason string (`NOT_A_NUMBER` style, as libphonenumber names them).
    pub fn reason(self) -> &'static str {
        match self {
            PhoneError::NotANumber => "NOT_A_NUMBER",
            PhoneError::InvalidCountry => "INVALID_COUNTRY",
            PhoneError::TooShort => "TOO_SHORT",
            PhoneError::TooLong => "TOO_LONG",
            PhoneError::InvalidLength => "INVALID_LENGTH",
        }
    }
}

impl PhoneError {
    /// What is wrong, in words (what `Display` writes).
    pub fn as_str(&self) -> &'static str {
        match self {
            PhoneError::NotANumber => "no phone number found",
            PhoneError::InvalidCountry => "unknown country",
            PhoneError::TooShort => "too short",
            PhoneError::TooLong => "too long",
            PhoneError::InvalidLength => "not a possible length",
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for PhoneError {}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneFormat {
    /// `+491747707607`
    E164,
    /// GIZO's `+49_1747707607`
    Gizo,
    /// National significant number digits `1747707607`
    NationalDigits,
    /// `+49 174 7707607`: grouped as libphonenumber-js's `formatInternational()`
    /// groups it (without the extension).
    International,
}

/// A parsed phone number. Only [`PhoneNumber::parse`] makes one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    calling_code: u16,
    national: String,
    region: Option<&'static str>,
    extension: Option<String>,
}

/// Monetha's three parts of a number: ISO region, calling code, national number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonethaParts<'a> {
    /// `"LT"`: the number's region, else the main region of its calling code.
    pub region: &'static str,
    /// `"370"`
    pub calling_code: u16,
    /// `"68086090"`
    pub national_number: &'a str,
}

impl PhoneNumber {
    /// Parses what a person typed or pasted, with the region to assume for numbers
    /// without a calling code (an ISO 3166 code such as `"DE"`, any case; an unknown
    /// one counts as none).
    ///
    /// Accepts only numbers of a possible length for their region; see `docs/phone.md`.
    pub fn parse(input: &str, default_region: Option<&str>) -> Result<PhoneNumber, PhoneError> {
        let default = default_region.and_then(|r| {
            let mut code = [0u8; 2];
            let bytes = r.as_bytes();
            if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_alphabetic) {
                return None;
            }
            for (c, b) in code.iter_mut().zip(bytes) {
                *c = b.to_ascii_uppercase();
            }
            metadata::Plan::by_id(core::str::from_utf8(&code).ok()?)
                .filter(metadata::Plan::is_region)
        });
        if let Some((code, rest)) = gizo_parts(input) {
            let number = Self::parse_text(&cat!("+", code, " ", rest), default)?;
            return if decimal(u64::from(number.calling_code)) == code {
                Ok(number)
            } else {
                Err(PhoneError::InvalidCountry)
            };
        }
        Self::parse_text(input, default)
    }

    fn parse_text(input: &str, default: Option<metadata::Plan>) -> Result<PhoneNumber, PhoneError> {
        let extracted = input::extract(input)?;
        // Typed numbers fit on the stack; only long `tel:` URIs need the heap.
        let mut stack = [0u8; 64];
        let mut heap = Vec::new();
        let digits = input::digits_of(&extracted.number, &mut stack, &mut heap);
        let parsed = parse::parse(digits, default)?;
        let national =
            String::from_utf8(parsed.national.into_owned()).map_err(|_| PhoneError::NotANumber)?;
        Ok(PhoneNumber {
            calling_code: parsed.calling_code,
            national,
            region: parsed.region.map(|p| p.id),
            extension: extracted.extension.map(|e| e.into_owned()),
        })
    }

    /// `+491747707607`
    pub fn e164(&self) -> String {
        cat!("+", decimal(u64::from(self.calling_code)), self.national)
    }
    /// `49`
    pub fn country_calling_code(&self) -> u16 {
        self.calling_code
    }
    /// `1747707607`
    pub fn national_number(&self) -> &str {
        &self.national
    }
    /// `Some("DE")`; `None` for non-geographic numbers (`+800`, `+882`, …) and for
    /// numbers of a shared calling code that match none of its regions.
    pub fn region(&self) -> Option<&'static str> {
        self.region
    }
    /// Extension digits (ASCII), if any.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }
    /// Appends the national number grouped as in the international format,
    /// `174 7707607` (what follows `+49 ` in [`PhoneFormat::International`]).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn push_grouped_national(&self, out: &mut String) {
        format::push_grouped(out, self.calling_code, &self.national);
    }
    /// Monetha's parts; `None` for non-geographic numbers, which have no region.
    pub fn monetha_parts(&self) -> Option<MonethaParts<'_>> {
        let region = self.region.or_else(|| {
            let ids = metadata::regions_of(self.calling_code)?;
            let main = ids.split(' ').next()?;
            metadata::Plan::by_id(main)
                .filter(metadata::Plan::is_region)
                .map(|p| p.id)
        })?;
        Some(MonethaParts {
            region,
            calling_code: self.calling_code,
            national_number: &self.national,
        })
    }
    /// Formats for a wire format.
    pub fn format(&self, f: PhoneFormat) -> String {
        match f {
            PhoneFormat::E164 => self.e164(),
            PhoneFormat::International => format::international(self.calling_code, &self.national),
            PhoneFormat::Gizo => {
                cat!(
                    "+",
                    decimal(u64::from(self.calling_code)),
                    "_",
                    self.national
                )
            }
            PhoneFormat::NationalDigits => self.national.clone(),
        }
    }
}

/// Every region the numbering data knows (`"AC"`, `"AD"`, …, `"ZW"`).
pub fn regions() -> impl Iterator<Item = &'static str> {
    metadata::region_ids()
}

/// GIZO's wire form `+49_1747707607`: `("49", "1747707607")`.
fn gizo_parts(input: &str) -> Option<(&str, &str)> {
    if !input.as_bytes().contains(&b'_') {
        return None;
    }
    let (code, rest) = input.trim().strip_prefix('+')?.split_once('_')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(code) && code.len() <= 3 && digits(rest)).then_some((code, rest))
}

/// The value 0–9 of a decimal digit in any script people type numbers in
/// (ASCII, full-width, Arabic-Indic, Eastern Arabic-Indic, …), else `None`.
pub fn digit_value(c: char) -> Option<u8> {
    let v = match c {
        '0'..='9' => c as u32 - '0' as u32,
        '\u{FF10}'..='\u{FF19}' => c as u32 - 0xFF10,
        '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
        '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
        '\u{0966}'..='\u{096F}' => c as u32 - 0x0966,
        _ => return None,
    };
    u8::try_from(v).ok()
}
