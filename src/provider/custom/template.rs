//! Placeholders: checking templates and filling them in.

use super::{DescriptionError, PhoneForm};
use crate::error::Error;
use crate::json::{Map, Value};
use crate::phone::{PhoneError, PhoneNumber};

/// Every placeholder, in widening groups: the phone's, then what verify and sign-up may
/// add, then `token` (refresh and sign-out).
const ALL_VARS: [&str; 9] = [
    "phone",
    "e164",
    "nationalNumber",
    "countryCode",
    "region",
    "code",
    "codeNumber",
    "handle",
    "token",
];
/// What the code request may use.
pub(super) const PHONE_VARS: &[&str] = ALL_VARS.split_at(5).0;
/// What verify and sign-up may use.
pub(super) const CODE_VARS: &[&str] = ALL_VARS.split_at(8).0;

/// The values placeholders take in one request.
#[derive(Default)]
pub(super) struct Vars {
    values: Vec<(&'static str, String)>,
    pub(super) code_number: Option<u64>,
}

impl Vars {
    pub(super) fn phone(form: PhoneForm, phone: &PhoneNumber) -> Vars {
        let mut v = Vars::default();
        v.set("phone", phone.format(form.into()));
        v.set("e164", phone.e164());
        v.set("nationalNumber", phone.national_number().to_owned());
        v.set("countryCode", phone.country_calling_code().to_string());
        if let Some(region) = phone.region() {
            v.set("region", region.to_owned());
        }
        v
    }

    /// Gives `name` a value (each name is set once per request).
    pub(super) fn set(&mut self, name: &'static str, value: String) {
        self.values.push((name, value));
    }

    fn get(&self, name: &str) -> Option<&str> {
        let found = self.values.iter().find(|(n, _)| *n == name);
        found.map(|(_, v)| v.as_str())
    }
}

/// Sets `key` in a list kept sorted by key; a repeated key replaces the earlier value.
/// (Linear, and linear overall for input that is already sorted: these lists are the
/// members of one header or body object.)
pub(super) fn insert_sorted<T>(list: &mut Vec<(String, T)>, key: String, value: T) {
    match list.iter().rposition(|(k, _)| *k <= key) {
        Some(i) => match list.get_mut(i) {
            Some((k, v)) if *k == key => *v = value,
            _ => list.insert(i + 1, (key, value)),
        },
        None => list.insert(0, (key, value)),
    }
}

/// The placeholder names in a template, checked against the known and allowed ones.
pub(super) fn placeholders(
    endpoint: &'static str,
    template: &str,
    allowed: &[&str],
) -> Result<Vec<String>, DescriptionError> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = rest.get(start + 2..).unwrap_or_default();
        let end = after
            .find("}}")
            .ok_or(DescriptionError::Unterminated(endpoint))?;
        let name = after.get(..end).unwrap_or_default().trim();
        if !ALL_VARS.contains(&name) {
            return Err(DescriptionError::UnknownPlaceholder(
                endpoint,
                name.to_owned(),
            ));
        }
        if !allowed.contains(&name) {
            return Err(DescriptionError::Unavailable(endpoint, name.to_owned()));
        }
        out.push(name.to_owned());
        rest = after.get(end + 2..).unwrap_or_default();
    }
    Ok(out)
}

pub(super) fn collect_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => {
            for item in items {
                collect_strings(item, out);
            }
        }
        Value::Object(map) => {
            for (_, item) in map.iter() {
                collect_strings(item, out);
            }
        }
        _ => {}
    }
}

/// Fills a template; a placeholder without a value (e.g. `{{region}}` for `+800…`) fails.
/// With `encode`, values are percent-encoded (for paths).
pub(super) fn fill(template: &str, vars: &Vars, encode: bool) -> Result<String, Error> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        let end = after
            .find("}}")
            .ok_or(DescriptionError::Unterminated("template"))?;
        let name = after.get(..end).unwrap_or_default().trim();
        let number;
        let value = match (name, vars.code_number) {
            ("codeNumber", Some(n)) => {
                number = n.to_string();
                number.as_str()
            }
            ("region", _) => vars
                .get(name)
                .ok_or(Error::InvalidPhone(PhoneError::InvalidCountry))?,
            _ => vars
                .get(name)
                .ok_or_else(|| DescriptionError::Unavailable("template", name.to_owned()))?,
        };
        if encode {
            percent_encode(value, &mut out);
        } else {
            out.push_str(value);
        }
        rest = after.get(end + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// Fills a body template; objects come out with sorted keys.
pub(super) fn fill_json(template: &Value, vars: &Vars) -> Result<Value, Error> {
    Ok(match template {
        Value::String(s) if s.trim() == "{{codeNumber}}" => match vars.code_number {
            Some(n) => Value::from(n),
            None => return Err(DescriptionError::Unavailable("body", "codeNumber".into()).into()),
        },
        Value::String(s) => Value::String(fill(s, vars, false)?),
        Value::Array(items) => {
            let mut filled = Vec::with_capacity(items.len());
            for item in items {
                filled.push(fill_json(item, vars)?);
            }
            Value::Array(filled)
        }
        Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            for (k, v) in map.iter() {
                insert_sorted(&mut members, k.clone(), fill_json(v, vars)?);
            }
            Value::Object(members.into_iter().collect::<Map>())
        }
        other => other.clone(),
    })
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(super) fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0xf));
        }
    }
}

fn hex_digit(n: u8) -> char {
    char::from(if n < 10 { b'0' + n } else { b'A' + n - 10 })
}
