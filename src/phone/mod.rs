//! Phone numbers: parsing what people type, formatting what each backend expects.
//!
//! PLACEHOLDER — being implemented (see issue 2). The public API below is the contract.

use core::fmt;

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
}

impl PhoneError {
    /// Stable reason string (`NOT_A_NUMBER` style, as libphonenumber names them).
    pub fn reason(self) -> &'static str {
        match self {
            PhoneError::NotANumber => "NOT_A_NUMBER",
            PhoneError::InvalidCountry => "INVALID_COUNTRY",
            PhoneError::TooShort => "TOO_SHORT",
            PhoneError::TooLong => "TOO_LONG",
        }
    }
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhoneError::NotANumber => "no phone number found",
            PhoneError::InvalidCountry => "unknown country",
            PhoneError::TooShort => "too short",
            PhoneError::TooLong => "too long",
        })
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
    /// `+49 174 7707607`
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

impl PhoneNumber {
    /// Parses what a person typed or pasted.
    pub fn parse(_input: &str, _default_region: Option<&str>) -> Result<PhoneNumber, PhoneError> {
        Err(PhoneError::NotANumber)
    }
    /// `+491747707607`
    pub fn e164(&self) -> String {
        format!("+{}{}", self.calling_code, self.national)
    }
    /// `49`
    pub fn country_calling_code(&self) -> u16 {
        self.calling_code
    }
    /// `1747707607`
    pub fn national_number(&self) -> &str {
        &self.national
    }
    /// `Some("DE")`
    pub fn region(&self) -> Option<&'static str> {
        self.region
    }
    /// Extension digits, if any.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }
    /// Formats for a wire format.
    pub fn format(&self, f: PhoneFormat) -> String {
        match f {
            PhoneFormat::E164 | PhoneFormat::International => self.e164(),
            PhoneFormat::Gizo => format!("+{}_{}", self.calling_code, self.national),
            PhoneFormat::NationalDigits => self.national.clone(),
        }
    }
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
