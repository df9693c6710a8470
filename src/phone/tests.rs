//! Unit tests: one or more per input form people type (see `docs/phone.md`).

use super::{PhoneError, PhoneFormat, PhoneNumber};

/// `(e164, region, extension)` of a parse, or its error.
fn parse(
    input: &str,
    region: Option<&str>,
) -> Result<(String, Option<&'static str>, Option<String>), PhoneError> {
    PhoneNumber::parse(input, region)
        .map(|n| (n.e164(), n.region(), n.extension().map(str::to_owned)))
}

fn e164(input: &str, region: Option<&str>) -> Result<String, PhoneError> {
    PhoneNumber::parse(input, region).map(|n| n.e164())
}

#[test]
fn accessors_and_formats() {
    let n = PhoneNumber::parse("+49 174 7707607", None).unwrap();
    assert_eq!(n.e164(), "+491747707607");
    assert_eq!(n.country_calling_code(), 49);
    assert_eq!(n.national_number(), "1747707607");
    assert_eq!(n.region(), Some("DE"));
    assert_eq!(n.extension(), None);
    assert_eq!(n.format(PhoneFormat::E164), "+491747707607");
    assert_eq!(n.format(PhoneFormat::Gizo), "+49_1747707607");
    assert_eq!(n.format(PhoneFormat::NationalDigits), "1747707607");
    assert_eq!(n.format(PhoneFormat::International), "+49 174 7707607");
    let lt = PhoneNumber::parse("+370 680 86090", None).unwrap();
    let parts = lt.monetha_parts().unwrap();
    assert_eq!(
        (parts.region, parts.calling_code, parts.national_number),
        ("LT", 370, "68086090")
    );
}

#[test]
fn separators_people_type() {
    for input in [
        "0174 7707607",
        "0174-770-76-07",
        "0174.770.7607",
        "0174/7707607",
        "(0174) 7707607",
        "0174\u{00A0}7707607",
        "０１７４ ７７０７６０７",
    ] {
        assert_eq!(
            e164(input, Some("DE")),
            Ok("+491747707607".into()),
            "{input}"
        );
    }
}

#[test]
fn leading_plus_and_bracketed_trunk_zero() {
    assert_eq!(e164("+49 (0)30 1234567", None), Ok("+49301234567".into()));
    assert_eq!(
        e164("+44 (0)20 7946 0958", Some("US")),
        Ok("+442079460958".into())
    );
}

#[test]
fn international_prefixes_of_the_default_region() {
    assert_eq!(
        e164("00 49 30 1234567", Some("DE")),
        Ok("+49301234567".into())
    );
    assert_eq!(
        e164("011 49 30 1234567", Some("US")),
        Ok("+49301234567".into())
    );
    assert_eq!(
        e164("810 49 30 1234567", Some("RU")),
        Ok("+49301234567".into())
    );
    assert_eq!(
        e164("0011 49 30 1234567", Some("AU")),
        Ok("+49301234567".into())
    );
    // 00 is not an international prefix in the US.
    assert_ne!(
        e164("00 49 30 1234567", Some("US")),
        Ok("+49301234567".into())
    );
}

#[test]
fn national_trunk_prefixes() {
    assert_eq!(e164("030 1234567", Some("DE")), Ok("+49301234567".into()));
    assert_eq!(
        e164("8 (912) 345-67-89", Some("RU")),
        Ok("+79123456789".into())
    );
    assert_eq!(
        e164("1 (201) 555-0123", Some("US")),
        Ok("+12015550123".into())
    );
    // Italy keeps its leading 0.
    let it = PhoneNumber::parse("06 6982 0000", Some("IT")).unwrap();
    assert_eq!(
        (it.e164().as_str(), it.national_number()),
        ("+390669820000", "0669820000")
    );
    // Argentina's mobile "15" is rewritten by the transform rule into 9 + area code.
    assert_eq!(
        e164("011 15 2345-6789", Some("AR")),
        Ok("+5491123456789".into())
    );
}

#[test]
fn calling_code_without_plus() {
    // Taken as the calling code only when the rest is a national number and the whole
    // is not (or is too long): 49 30… is, 49 174… is itself a valid German number.
    assert_eq!(e164("4930 1234567", Some("DE")), Ok("+49301234567".into()));
    assert_eq!(
        e164("49 1747707607", Some("DE")),
        Ok("+49491747707607".into())
    );
    assert_eq!(
        e164("1 201 555 0123", Some("US")),
        Ok("+12015550123".into())
    );
}

#[test]
fn other_digit_scripts() {
    assert_eq!(e164("+٤٩ ١٧٤ ٧٧٠٧٦٠٧", None), Ok("+491747707607".into()));
    assert_eq!(
        e164("۰۹۱۲ ۳۴۵ ۶۷۸۹", Some("IR")),
        Ok("+989123456789".into())
    );
    assert_eq!(
        e164("０１７４ ７７０７６０７", Some("DE")),
        Ok("+491747707607".into())
    );
    // libphonenumber drops a full-width plus, so this is national, 49 included.
    assert_eq!(
        e164("＋４９ １７４ ７７０７６０７", Some("DE")),
        Ok("+49491747707607".into())
    );
    // Thai digits are not phone digits for libphonenumber.
    assert_eq!(
        e164("+๔๙ ๓๐ ๑๒๓๔๕๖๗", Some("DE")),
        Err(PhoneError::NotANumber)
    );
}

#[test]
fn tel_uris() {
    assert_eq!(
        parse("tel:+49-30-1234567;ext=42", None),
        Ok(("+49301234567".into(), Some("DE"), Some("42".into())))
    );
    assert_eq!(
        e164("tel:030-1234567;phone-context=+49", None),
        Ok("+49301234567".into())
    );
    assert_eq!(
        e164("tel:1234567;phone-context=+49-30", None),
        Ok("+49301234567".into())
    );
    assert_eq!(
        e164("tel:030-1234567;phone-context=com", Some("DE")),
        Ok("+49301234567".into())
    );
    assert_eq!(
        e164("tel:030-1234567;phone-context=", Some("DE")),
        Err(PhoneError::NotANumber)
    );
    assert_eq!(
        e164("tel:+49301234567;isub=12345", None),
        Ok("+49301234567".into())
    );
}

#[test]
fn extensions() {
    let ext = |s| parse(s, Some("US")).map(|(_, _, e)| e);
    assert_eq!(ext("(201) 555-0123 ext. 1234"), Ok(Some("1234".into())));
    assert_eq!(ext("(201) 555-0123 x 77"), Ok(Some("77".into())));
    assert_eq!(ext("(201) 555-0123 #9"), Ok(Some("9".into())));
    assert_eq!(ext("(201) 555-0123 доб. 5"), Ok(Some("5".into())));
    assert_eq!(ext("(201) 555-0123,,42"), Ok(Some("42".into())));
    assert_eq!(ext("(201) 555-0123"), Ok(None));
    assert_eq!(
        e164("(201) 555-0123 EXT 1234", Some("US")),
        Ok("+12015550123".into())
    );
}

#[test]
fn extension_labels_ignore_case_in_every_script() {
    let ext = |s: &str| parse(s, Some("US")).map(|(_, _, e)| e);
    for label in [
        "EXT",
        "Ext.",
        "xT",
        "X",
        "ＥＸＴ",
        "ｅｘｔ",
        "ДОБ",
        "Доб",
        "EXTENSIÓN",
        "extensión",
        "INT",
        "Anexo",
    ] {
        let input = format!("(201) 555-0123 {label} 42");
        assert_eq!(ext(&input), Ok(Some("42".into())), "{input}");
    }
}

#[test]
fn long_formatted_input_parses_like_compact_input() {
    // Past the parser's stack buffer for digits: the heap path must give the same.
    let spaced: String = "+491747707607"
        .chars()
        .map(|c| format!("{c}    "))
        .collect();
    assert!(spaced.len() > 64);
    assert_eq!(e164(&spaced, None), Ok("+491747707607".into()));
    assert_eq!(e164("+491747707607", None), Ok("+491747707607".into()));
}

#[test]
fn gizo_wire_form() {
    assert_eq!(
        parse("+49_1747707607", None),
        Ok(("+491747707607".into(), Some("DE"), None))
    );
    assert_eq!(e164("+1_2015550123", Some("DE")), Ok("+12015550123".into()));
    // The part before `_` must be the calling code.
    assert_eq!(
        e164("+4_91747707607", None),
        Err(PhoneError::InvalidCountry)
    );
}

#[test]
fn shared_calling_codes_find_their_region() {
    let region = |s| PhoneNumber::parse(s, None).map(|n| n.region());
    assert_eq!(region("+1 201 555 0123"), Ok(Some("US")));
    assert_eq!(region("+1 416 555 0123"), Ok(Some("CA")));
    assert_eq!(region("+1 268 464 1234"), Ok(Some("AG")));
    assert_eq!(region("+44 20 7946 0958"), Ok(Some("GB")));
    assert_eq!(region("+44 1481 256789"), Ok(Some("GG")));
    assert_eq!(region("+44 7700 900123"), Ok(None));
    assert_eq!(region("+7 912 345 67 89"), Ok(Some("RU")));
    assert_eq!(region("+7 701 234 5678"), Ok(Some("KZ")));
    assert_eq!(region("+800 1234 5678"), Ok(None));
    // A Canadian number typed nationally with a US default is Canadian.
    assert_eq!(
        PhoneNumber::parse("416 555 0123", Some("US")).map(|n| n.region()),
        Ok(Some("CA"))
    );
}

#[test]
fn default_region_is_case_insensitive_and_unknown_ones_are_ignored() {
    assert_eq!(e164("030 1234567", Some("de")), Ok("+49301234567".into()));
    assert_eq!(
        e164("030 1234567", Some("XX")),
        Err(PhoneError::InvalidCountry)
    );
    assert_eq!(
        e164("+49 30 1234567", Some("XX")),
        Ok("+49301234567".into())
    );
    assert_eq!(e164("030 1234567", None), Err(PhoneError::InvalidCountry));
}

#[test]
fn typed_reasons() {
    assert_eq!(e164("", Some("DE")), Err(PhoneError::NotANumber));
    assert_eq!(e164("phone: none", Some("DE")), Err(PhoneError::NotANumber));
    assert_eq!(e164("+", None), Err(PhoneError::NotANumber));
    assert_eq!(e164("+49", None), Err(PhoneError::TooShort));
    assert_eq!(e164("112", Some("DE")), Err(PhoneError::TooShort));
    assert_eq!(e164("+0123", None), Err(PhoneError::InvalidCountry));
    assert_eq!(e164("+999 891 6015", None), Err(PhoneError::InvalidCountry));
    assert_eq!(
        e164("+4911111111111111111111", None),
        Err(PhoneError::TooLong)
    );
    assert_eq!(e164("+491512345678912345", None), Err(PhoneError::TooLong));
    assert_eq!(
        e164(&format!("+49 30 1234567{}", " ".repeat(300)), None),
        Err(PhoneError::TooLong)
    );
    for e in [
        PhoneError::NotANumber,
        PhoneError::InvalidCountry,
        PhoneError::TooShort,
        PhoneError::TooLong,
        PhoneError::InvalidLength,
    ] {
        assert!(!e.reason().is_empty() && !e.to_string().is_empty());
    }
}

#[test]
fn every_region_parses_its_own_calling_code() {
    let mut seen = 0;
    for region in super::regions() {
        let plan = super::metadata::Plan::by_id(region).unwrap();
        assert_eq!(plan.id, region);
        seen += 1;
    }
    assert!(seen > 240);
}
