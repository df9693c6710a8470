//! `PhoneFormat::International` against libphonenumber-js's `formatInternational()`
//! (1.13.16, max metadata, without the extension): every row of
//! `tests/fixtures/phone-international.json`, written by
//! `node tests/fixtures/phone-international.mjs` (see `docs/phone.md`). A row is
//! `[input, international]` or `[input, international, defaultCountry]`.

use std::path::Path;

use phone_auth::{PhoneFormat, PhoneNumber};

/// One row: `input` parsed with `default` must format as `expected`.
fn check(input: &str, default: Option<&str>, expected: &str) -> Result<(), String> {
    let n = PhoneNumber::parse(input, default).map_err(|e| format!("rejected ({e:?})"))?;
    let got = n.format(PhoneFormat::International);
    if got == expected {
        Ok(())
    } else {
        Err(format!("got {got:?}, want {expected:?}"))
    }
}

#[test]
fn international_format_matches_libphonenumber_js() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/phone-international.json");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let rows: Vec<Vec<String>> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut failures = Vec::new();
    let mut grouped = 0;
    for row in &rows {
        let (input, expected, default) = match row.as_slice() {
            [i, e] => (i, e, None),
            [i, e, d] => (i, e, Some(d.as_str())),
            _ => panic!("bad row {row:?}"),
        };
        grouped += usize::from(expected.matches(' ').count() > 1);
        if let Err(why) = check(input, default, expected) {
            failures.push(format!("{row:?}: {why}"));
        }
    }
    assert!(rows.len() >= 5000, "only {} rows", rows.len());
    assert!(grouped >= 4000, "only {grouped} rows grouped");
    assert!(
        failures.is_empty(),
        "{} of {} rows fail:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn contract_examples() {
    let cases = [
        ("0174 7707607", Some("DE"), "+49 174 7707607"),
        ("tel:+49-30-1234567;ext=42", None, "+49 30 1234567"),
        ("(201) 555-0123", Some("US"), "+1 201 555 0123"),
        ("07400 123456", Some("GB"), "+44 7400 123456"),
        ("+370 680 86090", None, "+370 680 86090"),
        ("+800 1234 5678", None, "+800 1234 5678"),
        ("011 15 2345-6789", Some("AR"), "+54 9 11 2345 6789"),
    ];
    for (input, default, want) in cases {
        assert_eq!(check(input, default, want), Ok(()), "{input}");
    }
}
