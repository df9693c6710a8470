//! `cargo xtask gen-phone [--check]`: generates `src/phone/data.rs` from libphonenumber's
//! metadata as shipped in the npm package `libphonenumber-js` (its `metadata.max.json`,
//! Apache-2.0), installed at a pinned version into the tools directory.
//!
//! The table keeps only what parsing needs: for every region (and non-geographic
//! entity) its calling code, international (IDD) prefix, national number pattern,
//! possible lengths, national prefix, national prefix for parsing and its transform
//! rule, leading digits, and — only for regions that share a calling code and have no
//! leading digits, where libphonenumber tells them apart by number type — the type
//! patterns. The remaining type patterns are left out (they would triple the size).
//! Every pattern is checked to use only the regular-expression subset the library's
//! matcher (`src/phone/pattern.rs`) implements.
//!
//! It also keeps, per calling code, the international formats of its main region
//! (`FORMATS`, see `format_records`), which `PhoneFormat::International` groups by.
//!
//! `--check` regenerates in memory and fails when the committed file differs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::tools;
use crate::Result;

// The SDK's own list, so the generator and the parser cannot disagree.
#[path = "../../src/phone/punctuation.rs"]
mod punctuation;
use punctuation::is_punctuation;

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
    pub const FORMATS: usize = 4;
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

    let formats = format_table(codes, countries, non_geo)?;

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
    // Each table is one string of lines, not an array of `&str`: the module then holds
    // no table of pointers and lengths, which compresses badly (−1 KB gzip).
    out.push_str(
        "/// One record per region or non-geographic entity, one per line, sorted by id.\n",
    );
    out.push_str("pub(super) static REGIONS: &str = concat!(\n");
    for r in records.values() {
        out.push_str(&format!("    {},\n", quote(&format!("{r}\n"))));
    }
    out.push_str(");\n\n");
    out.push_str(
        "/// Calling codes and their region ids (main region first), one `CC:IDS` line each,\n\
         /// sorted by code.\n",
    );
    out.push_str("pub(super) static CALLING_CODES: &str = concat!(\n");
    for (cc, ids) in &calling_codes {
        out.push_str(&format!("    {},\n", quote(&format!("{cc}:{ids}\n"))));
    }
    out.push_str(");\n\n");
    out.push_str(
        "/// International formats of the calling codes that have any (their main region's),\n\
         /// one `CC:RECORDS` line each, sorted by code; the records (`GROUPS;TEMPLATE;LEADING`)\n\
         /// space-separated. One string, so that it compresses as one.\n",
    );
    out.push_str("pub(super) static FORMATS: &str = concat!(\n");
    for (cc, f) in &formats {
        out.push_str(&format!("    {},\n", quote(&format!("{cc}:{f}\n"))));
    }
    out.push_str(");\n");
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

/// Every calling code's format records (`format_records`), for the codes whose main
/// region (or non-geographic entity) has formats. libphonenumber-js reads a number's
/// formats from its own region, falling back to the main region's; the table keeps
/// the main region's only, so it refuses metadata where another region has its own.
fn format_table(
    codes: &serde_json::Map<String, Value>,
    countries: &serde_json::Map<String, Value>,
    non_geo: &serde_json::Map<String, Value>,
) -> Result<BTreeMap<u16, String>> {
    let mut table = BTreeMap::new();
    let has_formats = |c: &Value| c.get(field::FORMATS).and_then(Value::as_array).is_some();
    for (code, regions) in codes
        .iter()
        .chain(non_geo.iter().map(|(k, _)| (k, &Value::Null)))
    {
        let cc: u16 = code
            .parse()
            .map_err(|_| format!("bad calling code {code}"))?;
        let ids: Vec<&str> = regions
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let main = match ids.first() {
            Some(id) => countries.get(*id),
            None => non_geo.get(code),
        }
        .ok_or(format!("no main metadata for +{code}"))?;
        for id in ids.iter().skip(1) {
            if countries.get(*id).is_some_and(has_formats) {
                return Err(format!("{id}: formats of its own (not its main region's)"));
            }
        }
        let records = format_records(main.get(field::FORMATS))
            .map_err(|e| format!("+{code} formats: {e}"))?;
        if !records.is_empty() {
            table.insert(cc, records);
        }
    }
    Ok(table)
}

/// One region's formats as `GROUPS;TEMPLATE;LEADING` records joined by spaces:
///
/// - `GROUPS`: the format pattern, which must be a sequence of digit groups
///   (`(\d{2})(\d{3,13})`), as their lengths `2,3-13` (`1-` for `\d+`);
/// - `TEMPLATE`: the international format (`intlFormat`, else `format`) after
///   libphonenumber-js's `applyInternationalSeparatorStyle` (punctuation runs → one
///   space, trimmed), with `_` for the spaces; empty when it is `$1 $2 … $n`;
/// - `LEADING`: the *last* leading-digits pattern (the only one `chooseFormatForNumber`
///   uses), empty when the format has none.
///
/// Adjacent formats with the same groups and template are merged by joining their
/// leading digits with `|` (a prefix match of `a|b` is one of `a` or of `b`; and a
/// format without leading digits takes every number, so the merge has none either).
fn format_records(formats: Option<&Value>) -> std::result::Result<String, String> {
    let mut out: Vec<(String, String, Option<String>)> = Vec::new();
    for f in formats.and_then(Value::as_array).into_iter().flatten() {
        let pattern = f
            .get(0)
            .and_then(Value::as_str)
            .ok_or("format without pattern")?;
        let groups = digit_groups(pattern).map_err(|e| format!("pattern `{pattern}`: {e}"))?;
        let template = match f.get(5) {
            Some(Value::String(s)) if !s.is_empty() => s.as_str(),
            _ => f
                .get(1)
                .and_then(Value::as_str)
                .ok_or("format without template")?,
        };
        let template = international_template(template, groups.len())
            .map_err(|e| format!("template `{template}`: {e}"))?;
        let leading = f
            .get(2)
            .and_then(Value::as_array)
            .and_then(|l| l.last())
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(l) = &leading {
            check_pattern(l).map_err(|e| format!("leading digits `{l}`: {e}"))?;
        }
        let lengths = groups
            .iter()
            .map(|&(min, max)| match max {
                Some(max) if max == min => min.to_string(),
                Some(max) => format!("{min}-{max}"),
                None => format!("{min}-"),
            })
            .collect::<Vec<_>>()
            .join(",");
        match out.last_mut() {
            Some((l, t, lead)) if *l == lengths && *t == template => {
                *lead = match (lead.take(), leading) {
                    (Some(a), Some(b)) => Some(format!("{a}|{b}")),
                    _ => None,
                };
            }
            _ => out.push((lengths, template, leading)),
        }
    }
    Ok(out
        .into_iter()
        .map(|(l, t, lead)| format!("{l};{t};{}", lead.unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(" "))
}

/// `(\d{2})(\d{3,13})(\d)(\d+)` → `[(2, Some(2)), (3, Some(13)), (1, Some(1)), (1, None)]`;
/// anything else is refused (at most 9 groups, each at least one digit).
fn digit_groups(pattern: &str) -> std::result::Result<Vec<(u8, Option<u8>)>, String> {
    let mut groups = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        let body = rest.strip_prefix("(\\d").ok_or("not a digit group")?;
        let close = body.find(')').ok_or("unclosed group")?;
        let (quant, after) = (&body[..close], &body[close + 1..]);
        let num = |s: &str| s.parse::<u8>().map_err(|_| format!("bad count `{quant}`"));
        let group = match quant {
            "" => (1, Some(1)),
            "+" => (1, None),
            q => {
                let inner = q
                    .strip_prefix('{')
                    .and_then(|q| q.strip_suffix('}'))
                    .ok_or(format!("bad quantifier `{q}`"))?;
                match inner.split_once(',') {
                    None => (num(inner)?, Some(num(inner)?)),
                    Some((a, "")) => (num(a)?, None),
                    Some((a, z)) => (num(a)?, Some(num(z)?)),
                }
            }
        };
        if group.0 == 0 || group.1.is_some_and(|max| max < group.0) {
            return Err(format!("group `{quant}` may be empty or is inverted"));
        }
        groups.push(group);
        rest = after;
    }
    if groups.is_empty() || groups.len() > 9 {
        return Err("no groups or more than 9".into());
    }
    Ok(groups)
}

/// A format template as `applyInternationalSeparatorStyle` leaves the formatted
/// number (the groups are non-empty digit runs, so the punctuation runs of the output
/// are the template's), with `_` for its spaces; `""` for `$1 $2 … $n`. Refuses
/// templates whose `$` is not a group reference (`$1`…`$n`) and characters other than
/// ASCII letters, digits and punctuation.
fn international_template(t: &str, groups: usize) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut chars = t.chars().peekable();
    let mut in_punct = false;
    while let Some(c) = chars.next() {
        if is_punctuation(c) {
            if !in_punct {
                out.push('_');
            }
            in_punct = true;
            continue;
        }
        in_punct = false;
        match c {
            '$' => {
                let d = chars.next().and_then(|d| d.to_digit(10)).unwrap_or(0);
                if d == 0 || d as usize > groups {
                    return Err("`$` is not a group reference".into());
                }
                out.push('$');
                out.push_str(&d.to_string());
            }
            c if c.is_ascii_alphanumeric() => out.push(c),
            c => return Err(format!("unsupported `{c}`")),
        }
    }
    let out = out.trim_matches('_').to_owned();
    let default = (1..=groups)
        .map(|g| format!("${g}"))
        .collect::<Vec<_>>()
        .join("_");
    Ok(if out == default { String::new() } else { out })
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
            '\n' => q.push_str("\\n"),
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
