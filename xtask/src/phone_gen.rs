//! `cargo xtask gen-phone [--check]`: generates `src/phone/data.rs` from libphonenumber's
//! metadata as shipped in the npm package `libphonenumber-js` (its `metadata.max.json`,
//! Apache-2.0), installed at a pinned version into the tools directory.
//!
//! The table keeps only what parsing needs: for every region (and non-geographic
//! entity) its calling code, international (IDD) prefix, national number pattern,
//! possible lengths, national prefix, national prefix for parsing and its transform
//! rule, leading digits, and — only for regions that share a calling code and have no
//! leading digits, where libphonenumber tells them apart by number type — the type
//! patterns. Formats and the remaining type patterns are left out (they would triple
//! the size). Every pattern is checked to use only the regular-expression subset the
//! library's matcher (`src/phone/pattern.rs`) implements.
//!
//! `--check` regenerates in memory and fails when the committed file differs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::tools;
use crate::Result;

/// The pinned metadata source.
const PACKAGE: &str = "libphonenumber-js";
const VERSION: &str = "1.13.16";

/// Runs the command.
pub fn run(args: &[String]) -> Result {
    let check = match args {
        [] => false,
        [a] if a == "--check" => true,
        _ => return Err("usage: cargo xtask gen-phone [--check]".into()),
    };
    let metadata = read_metadata()?;
    let generated = generate(&metadata)?;
    let target = tools::root().join("src/phone/data.rs");
    if check {
        let committed =
            std::fs::read_to_string(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        if committed != generated {
            return Err(format!(
                "{} does not match its generator: run `cargo xtask gen-phone`",
                target.display()
            ));
        }
        eprintln!("{} matches {PACKAGE}@{VERSION}", target.display());
        return Ok(());
    }
    std::fs::write(&target, &generated).map_err(|e| format!("{}: {e}", target.display()))?;
    eprintln!(
        "wrote {} ({} bytes) from {PACKAGE}@{VERSION}",
        target.display(),
        generated.len()
    );
    Ok(())
}

/// Installs the pinned package (once) and returns its parsed `metadata.max.json`.
fn read_metadata() -> Result<Value> {
    let dir = tools::tools_dir().join(format!("{PACKAGE}-{VERSION}"));
    let file = metadata_file(&dir);
    if !file.exists() {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        tools::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(format!("{PACKAGE}@{VERSION}")),
        )?;
    }
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

fn metadata_file(dir: &std::path::Path) -> PathBuf {
    dir.join("node_modules")
        .join(PACKAGE)
        .join("metadata.max.json")
}

/// Positions in libphonenumber-js's compressed country array (metadata version 4).
mod field {
    pub const CALLING_CODE: usize = 0;
    pub const IDD_PREFIX: usize = 1;
    pub const PATTERN: usize = 2;
    pub const LENGTHS: usize = 3;
    pub const NATIONAL_PREFIX: usize = 5;
    pub const PREFIX_FOR_PARSING: usize = 7;
    pub const TRANSFORM_RULE: usize = 8;
    pub const LEADING_DIGITS: usize = 10;
    pub const TYPES: usize = 11;
}

fn generate(m: &Value) -> Result<String> {
    let codes = m
        .get("country_calling_codes")
        .and_then(Value::as_object)
        .ok_or("metadata has no country_calling_codes")?;
    let countries = m
        .get("countries")
        .and_then(Value::as_object)
        .ok_or("metadata has no countries")?;
    let non_geo = m
        .get("nonGeographic")
        .and_then(Value::as_object)
        .ok_or("metadata has no nonGeographic")?;

    // Regions that need their type patterns: they share a calling code and have no
    // leading digits, so libphonenumber identifies them by full validation.
    let mut needs_types = std::collections::BTreeSet::new();
    let mut calling_codes = BTreeMap::new();
    for (code, regions) in codes {
        let regions: Vec<&str> = regions
            .as_array()
            .ok_or("bad calling code list")?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let cc: u16 = code
            .parse()
            .map_err(|_| format!("bad calling code {code}"))?;
        if regions.len() > 1 {
            for r in &regions {
                let c = countries.get(*r).ok_or(format!("no metadata for {r}"))?;
                if text(c, field::LEADING_DIGITS).is_empty() {
                    needs_types.insert(*r);
                }
            }
        }
        calling_codes.insert(cc, regions.join(" "));
    }
    for code in non_geo.keys() {
        let cc: u16 = code
            .parse()
            .map_err(|_| format!("bad calling code {code}"))?;
        calling_codes.insert(cc, code.clone());
    }

    let mut records = BTreeMap::new();
    for (id, c) in countries.iter().chain(non_geo.iter()) {
        records.insert(
            id.clone(),
            record(id, c, needs_types.contains(id.as_str()))?,
        );
    }

    let mut out = String::new();
    out.push_str(&format!(
        "//! Numbering data for every region, generated by `cargo xtask gen-phone` from\n\
         //! libphonenumber's metadata (`{PACKAGE}@{VERSION}`, `metadata.max.json`, Apache-2.0).\n\
         //! Do not edit: regenerate. The record layout is described in `super::metadata`.\n\n"
    ));
    out.push_str("/// One record per region or non-geographic entity, sorted by id.\n");
    out.push_str("pub(super) static REGIONS: &[&str] = &[\n");
    for r in records.values() {
        out.push_str(&format!("    {},\n", quote(r)));
    }
    out.push_str("];\n\n");
    out.push_str("/// Calling codes and their region ids (main region first), sorted by code.\n");
    out.push_str("pub(super) static CALLING_CODES: &[(u16, &str)] = &[\n");
    for (cc, ids) in &calling_codes {
        out.push_str(&format!("    ({cc}, {}),\n", quote(ids)));
    }
    out.push_str("];\n");
    Ok(out)
}

/// `ID CC IDD PATTERN LENGTHS NP NPFP TRANSFORM LEADING [TYPE;LENGTHS]...` (space-separated).
fn record(id: &str, c: &Value, with_types: bool) -> Result<String> {
    let cc = text(c, field::CALLING_CODE);
    let idd = text(c, field::IDD_PREFIX);
    let pattern = text(c, field::PATTERN);
    let np = text(c, field::NATIONAL_PREFIX);
    let npfp = text(c, field::PREFIX_FOR_PARSING);
    let transform = text(c, field::TRANSFORM_RULE);
    let leading = text(c, field::LEADING_DIGITS);
    for p in [&idd, &pattern, &npfp, &leading] {
        check_pattern(p).map_err(|e| format!("{id}: pattern `{p}`: {e}"))?;
    }
    if !np.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{id}: national prefix `{np}` is not digits"));
    }
    if !transform.bytes().all(|b| b.is_ascii_digit() || b == b'$') {
        return Err(format!(
            "{id}: transform rule `{transform}` is not digits and $n"
        ));
    }
    let possible = lengths(c.get(field::LENGTHS));
    let mut fields = vec![
        id.to_owned(),
        cc,
        idd,
        pattern,
        possible,
        np,
        npfp,
        transform,
        leading,
    ];
    if with_types {
        let mut seen = Vec::new();
        for t in c
            .get(field::TYPES)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let pattern = t.get(0).and_then(Value::as_str).unwrap_or_default();
            if pattern.is_empty() {
                continue;
            }
            check_pattern(pattern).map_err(|e| format!("{id}: type `{pattern}`: {e}"))?;
            let l = lengths(t.get(1));
            let entry = if l.is_empty() {
                pattern.to_owned()
            } else {
                format!("{pattern};{l}")
            };
            if !seen.contains(&entry) {
                seen.push(entry);
            }
        }
        fields.extend(seen);
    }
    Ok(fields.join(" "))
}

/// A string field, or `""` when missing, `0` or `null`.
fn text(c: &Value, i: usize) -> String {
    match c.get(i) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// `[7,9,10]` → `"7,9,10"`.
fn lengths(v: Option<&Value>) -> String {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_u64)
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for ch in s.chars() {
        match ch {
            '\\' => q.push_str("\\\\"),
            '"' => q.push_str("\\\""),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Accepts exactly the subset `src/phone/pattern.rs` implements: digits, `\d`, classes of
/// digits and digit ranges, `(…)` and `(?:…)` groups, `|`, and the quantifiers `?`,
/// `{n}`, `{n,}` and `{n,m}` (greedy only), and the end anchor `$`; nothing else.
fn check_pattern(p: &str) -> std::result::Result<(), String> {
    let b = p.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut after_atom = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                i += 1;
                after_atom = true;
            }
            b'\\' if b.get(i + 1) == Some(&b'd') => {
                i += 2;
                after_atom = true;
            }
            b'[' => {
                i += 1;
                let mut n = 0;
                loop {
                    match (b.get(i), b.get(i + 1), b.get(i + 2)) {
                        (Some(b']'), _, _) if n > 0 => break,
                        (Some(x), Some(b'-'), Some(y))
                            if x.is_ascii_digit() && y.is_ascii_digit() && x <= y =>
                        {
                            i += 3
                        }
                        (Some(x), _, _) if x.is_ascii_digit() => i += 1,
                        (Some(b'\\'), Some(b'd'), _) => i += 2,
                        _ => return Err(format!("unsupported class at {i}")),
                    }
                    n += 1;
                }
                i += 1;
                after_atom = true;
            }
            b'(' => {
                i += if b.get(i + 1) == Some(&b'?') {
                    if b.get(i + 2) != Some(&b':') {
                        return Err(format!("unsupported group at {i}"));
                    }
                    3
                } else {
                    1
                };
                depth += 1;
                after_atom = false;
            }
            b')' => {
                depth = depth.checked_sub(1).ok_or("unbalanced `)`")?;
                i += 1;
                after_atom = true;
            }
            b'|' | b'$' => {
                i += 1;
                after_atom = false;
            }
            b'?' | b'{' if after_atom => {
                if c == b'{' {
                    let close = b[i..]
                        .iter()
                        .position(|&x| x == b'}')
                        .ok_or("unclosed `{`")?;
                    let inner = &p[i + 1..i + close];
                    let ok = match inner.split_once(',') {
                        None => inner.parse::<u8>().is_ok(),
                        Some((a, "")) => a.parse::<u8>().is_ok(),
                        Some((a, z)) => {
                            matches!((a.parse::<u8>(), z.parse::<u8>()), (Ok(a), Ok(z)) if a <= z)
                        }
                    };
                    if !ok {
                        return Err(format!("unsupported repetition {{{inner}}}"));
                    }
                    i += close + 1;
                } else {
                    i += 1;
                }
                if matches!(b.get(i), Some(b'?' | b'{')) {
                    return Err(format!("stacked or lazy quantifier at {i}"));
                }
                after_atom = false;
            }
            _ => return Err(format!("unsupported `{}` at {i}", c as char)),
        }
    }
    if depth != 0 {
        return Err("unbalanced `(`".into());
    }
    Ok(())
}
