//! Placeholders: checking templates and filling them in.

use std::collections::BTreeMap;

use super::read::sorted_members;
use super::{DescriptionError, PhoneForm};
use crate::error::Error;
use crate::json::Value;
use crate::phone::{PhoneError, PhoneNumber};

pub(super) const PHONE_VARS: [&str; 5] =
    ["phone", "e164", "nationalNumber", "countryCode", "region"];
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

/// The values placeholders take in one request.
#[derive(Default)]
pub(super) struct Vars {
    pub(super) values: BTreeMap<&'static str, String>,
    pub(super) code_number: Option<u64>,
}

impl Vars {
    pub(super) fn phone(form: PhoneForm, phone: &PhoneNumber) -> Vars {
        let mut v = Vars::default();
        v.values.insert("phone", phone.format(form.into()));
        v.values.insert("e164", phone.e164());
        v.values
            .insert("nationalNumber", phone.national_number().to_owned());
        v.values
            .insert("countryCode", phone.country_calling_code().to_string());
        if let Some(region) = phone.region() {
            v.values.insert("region", region.to_owned());
        }
        v
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
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => map.iter().for_each(|(_, i)| collect_strings(i, out)),
        _ => {}
    }
}

/// Fills a template; a placeholder without a value (e.g. `{{region}}` for `+800…`) fails.
pub(super) fn fill(
    template: &str,
    vars: &Vars,
    escape: fn(&str) -> String,
) -> Result<String, Error> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        let end = after
            .find("}}")
            .ok_or(DescriptionError::Unterminated("template"))?;
        let name = after.get(..end).unwrap_or_default().trim();
        let value = match (name, vars.code_number) {
            ("codeNumber", Some(n)) => n.to_string(),
            ("region", _) => vars
                .values
                .get(name)
                .cloned()
                .ok_or(Error::InvalidPhone(PhoneError::InvalidCountry))?,
            _ => vars
                .values
                .get(name)
                .cloned()
                .ok_or_else(|| DescriptionError::Unavailable("template", name.to_owned()))?,
        };
        out.push_str(&escape(&value));
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
        Value::String(s) => Value::String(fill(s, vars, str::to_owned)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| fill_json(i, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let filled = map
                .iter()
                .map(|(k, v)| Ok((k.clone(), fill_json(v, vars)?)))
                .collect::<Result<Vec<_>, Error>>()?;
            Value::Object(sorted_members(filled.into_iter()))
        }
        other => other.clone(),
    })
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(super) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
