//! The phone corpus (oracle: libphonenumber-js with max metadata) and a property test
//! that parsing never panics.
//!
//! Runs the committed `tests/fixtures/phone-cases.json` and, when it exists,
//! `../shared/corpus/phone-cases.json`.

use std::path::{Path, PathBuf};

use phone_auth::{PhoneError, PhoneNumber};
use proptest::prelude::*;
use serde_json::Value;

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("tests/fixtures/phone-cases.json")];
    let shared = root.join("../shared/corpus/phone-cases.json");
    if shared.exists() {
        files.push(shared);
    }
    files
}

fn field<'a>(row: &'a Value, name: &str) -> Option<&'a str> {
    row.get(name).and_then(Value::as_str)
}

/// Checks one row; `Err` says how it failed.
fn check(row: &Value) -> Result<(), String> {
    let input = field(row, "input").ok_or("row without input")?;
    let default = field(row, "defaultCountry");
    let got = PhoneNumber::parse(input, default);
    let want = |name| field(row, name);
    if let Some(e164) = want("e164") {
        // A valid number: everything must match.
        let n = got.map_err(|e| format!("rejected ({e:?}), want {e164}"))?;
        let cc = n.country_calling_code().to_string();
        let seen = (
            n.e164(),
            cc.as_str(),
            n.national_number(),
            n.region(),
            n.extension(),
        );
        let expected = (
            e164.to_owned(),
            want("countryCallingCode").unwrap_or_default(),
            want("nationalNumber").unwrap_or_default(),
            want("country"),
            want("ext"),
        );
        return if seen == expected {
            Ok(())
        } else {
            Err(format!("got {seen:?}, want {expected:?}"))
        };
    }
    if let Some(reason) = want("parseError") {
        return match got {
            Err(e) if e.reason() == reason => Ok(()),
            other => Err(format!("got {other:?}, want {reason}")),
        };
    }
    // Parsed by the oracle but not valid: accepted exactly when of a possible length,
    // and then as the same number.
    let possible = row
        .get("possible")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match got {
        Ok(n) if possible => {
            let oracle = format!(
                "+{}{}",
                want("countryCallingCode").unwrap_or_default(),
                want("nationalNumber").unwrap_or_default()
            );
            if n.e164() == oracle && n.region() == want("country") {
                Ok(())
            } else {
                Err(format!(
                    "got {} {:?}, oracle parsed {oracle} {:?}",
                    n.e164(),
                    n.region(),
                    want("country")
                ))
            }
        }
        Err(e) if !possible && e != PhoneError::NotANumber && e != PhoneError::InvalidCountry => {
            Ok(())
        }
        other => Err(format!("got {other:?}; oracle: possible={possible}")),
    }
}

#[test]
fn corpus_rows_match_the_oracle() {
    let mut failures = Vec::new();
    let mut rows = 0;
    for file in corpus_files() {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let cases: Vec<Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for row in &cases {
            rows += 1;
            if let Err(why) = check(row) {
                failures.push(format!("{}: {row}\n    {why}", file.display()));
            }
        }
    }
    assert!(rows >= 300, "only {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary strings, and strings made of what phone input is made of.
    #[test]
    fn parse_never_panics(
        s in prop_oneof![
            any::<String>(),
            "[+＋0-9０-９٠-٩()\\-. /#x;=_a-z:~\u{00A0}]{0,40}",
            "(tel:)?[+0-9]{0,18}(;ext=[0-9]{0,4})?(;phone-context=[+a-z0-9.\\-]{0,8})?(;isub=1)?",
        ],
        region in prop_oneof![Just(None), "[A-Z]{2}".prop_map(Some), Just(Some("US".to_owned()))],
    ) {
        let parsed = PhoneNumber::parse(&s, region.as_deref());
        if let Ok(n) = parsed {
            prop_assert!(n.e164().len() <= 1 + 3 + 17);
            prop_assert!(n.national_number().bytes().all(|b| b.is_ascii_digit()));
        }
    }
}

/// More oracle rows from a file: `PHONE_CASES=/path/cases.json cargo test --test
/// phone_corpus -- --ignored` (same row format as the corpus).
#[test]
#[ignore = "needs PHONE_CASES"]
fn extra_cases_match_the_oracle() {
    let Some(file) = std::env::var_os("PHONE_CASES") else {
        return;
    };
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file:?}: {e}"));
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|row| check(row).err().map(|why| format!("{row}\n    {why}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows fail:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Parse speed on the corpus inputs: `cargo test --release -p phone-auth --test
/// phone_corpus -- --ignored --nocapture parse_speed` (prints ns per parse).
#[test]
#[ignore = "benchmark; run in release"]
fn parse_speed() {
    let mut inputs: Vec<(String, Option<String>)> = Vec::new();
    for file in corpus_files() {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let cases: Vec<Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for row in &cases {
            if let Some(input) = field(row, "input") {
                inputs.push((
                    input.to_owned(),
                    field(row, "defaultCountry").map(str::to_owned),
                ));
            }
        }
    }
    let rounds = 200;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            for (input, region) in &inputs {
                let _ = std::hint::black_box(PhoneNumber::parse(
                    std::hint::black_box(input),
                    region.as_deref(),
                ));
            }
        }
        let ns = start.elapsed().as_nanos() as f64 / (rounds * inputs.len()) as f64;
        best = best.min(ns);
    }
    println!(
        "PhoneNumber::parse: {best:.0} ns/parse (best of 5, {} inputs × {rounds})",
        inputs.len()
    );
    assert!(best.is_finite());
}
