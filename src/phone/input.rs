//! The text stage: from what a person typed to `+`/digits and an extension, as
//! libphonenumber-js does it (`tel:` URIs, finding the number in the text, the
//! "viable phone number" check, extensions).

use crate::text::{self, cat};
use std::borrow::Cow;

use super::punctuation::is_punctuation;
use super::PhoneError;

/// libphonenumber-js refuses longer input (counted in UTF-16 units).
const MAX_INPUT_UTF16: usize = 250;

/// A digit libphonenumber accepts: ASCII, full-width, Arabic-Indic, Eastern Arabic-Indic.
pub(crate) fn digit(c: char) -> Option<u8> {
    let base = match c {
        '0'..='9' => '0',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        _ => return None,
    };
    u8::try_from(u32::from(c) - u32::from(base)).ok()
}

fn is_digit(c: char) -> bool {
    digit(c).is_some()
}

fn is_plus(c: char) -> bool {
    matches!(c, '+' | '\u{FF0B}')
}

/// The number part of the input (still formatted) and the extension, if any.
pub(crate) struct Extracted<'a> {
    pub number: Cow<'a, str>,
    pub extension: Option<Cow<'a, str>>,
}

/// Finds the formatted number and its extension in `text`.
pub(crate) fn extract(text: &str) -> Result<Extracted<'_>, PhoneError> {
    let number = match phone_context(text) {
        None => {
            // A UTF-16 unit takes at least one UTF-8 byte: short text needs no count.
            if text.len() > MAX_INPUT_UTF16 && text.encode_utf16().count() > MAX_INPUT_UTF16 {
                return Err(PhoneError::TooLong);
            }
            Cow::Borrowed(find_number(text))
        }
        Some(context) => {
            if !context_is_valid(context) {
                return Err(PhoneError::NotANumber);
            }
            from_tel_uri(text, context)
        }
    };
    let isub = if number.as_bytes().contains(&b';') {
        text::find(&number, ";isub=")
    } else {
        None
    };
    let number = match isub {
        Some(i) if i > 0 => cut(number, i),
        _ => number,
    };
    if number.is_empty() {
        return Err(PhoneError::NotANumber);
    }
    if !is_viable(&number) {
        return Err(if is_viable_start(&number) {
            PhoneError::TooShort
        } else {
            PhoneError::NotANumber
        });
    }
    Ok(split_extension(number))
}

fn cut(s: Cow<'_, str>, at: usize) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.get(..at).unwrap_or(b)),
        Cow::Owned(mut o) => {
            o.truncate(at);
            Cow::Owned(o)
        }
    }
}

const PHONE_CONTEXT: &str = ";phone-context=";

/// The `;phone-context=` value of a `tel:` URI.
fn phone_context(text: &str) -> Option<&str> {
    if !text.as_bytes().contains(&b';') {
        return None;
    }
    let start = text::find(text, PHONE_CONTEXT)? + PHONE_CONTEXT.len();
    let rest = text.get(start..).unwrap_or("");
    Some(rest.split(';').next().unwrap_or(""))
}

/// RFC 3966: a global number (`+` and digits with visual separators) or a domain name
/// (as libphonenumber-js checks it: labels of digits and hyphens, then a top label).
fn context_is_valid(context: &str) -> bool {
    if let Some(rest) = context.strip_prefix('+') {
        return rest.chars().any(is_digit)
            && rest
                .chars()
                .all(|c| is_digit(c) || matches!(c, '-' | '.' | '(' | ')'));
    }
    if context.is_empty() {
        return false;
    }
    let name = context.strip_suffix('.').unwrap_or(context);
    // The top label, and the labels before it.
    let (rest, top) = match text::rfind_byte(name, b'.') {
        Some(i) => (name.get(..i), name.get(i + 1..).unwrap_or("")),
        None => (None, name),
    };
    let mut labels = rest.into_iter().flat_map(|l| l.split('.'));
    let digit_label = |l: &str| {
        l.starts_with(|c: char| is_digit(c))
            && l.ends_with(|c: char| is_digit(c))
            && l.chars().all(|c| is_digit(c) || c == '-')
    };
    let letters = top.chars().take_while(char::is_ascii_alphabetic).count();
    let tail = top.get(letters..).unwrap_or("");
    letters > 0 && (tail.is_empty() || digit_label(&cat!("0", tail))) && labels.all(digit_label)
}

/// The phone-context (when global) followed by what stands between `tel:` and
/// `;phone-context=`.
fn from_tel_uri<'a>(text: &'a str, context: &'a str) -> Cow<'a, str> {
    let start = text::find(text, "tel:").map_or(0, |i| i + 4);
    let end = text::find(text, PHONE_CONTEXT).unwrap_or(text.len());
    let part = text.get(start.min(end)..start.max(end)).unwrap_or("");
    if context.starts_with('+') {
        Cow::Owned(cat!(context, part))
    } else {
        Cow::Borrowed(part)
    }
}

/// From the first `+` or digit, without trailing characters other than digits and `#`.
fn find_number(text: &str) -> &str {
    let Some(start) = text.find(|c: char| is_plus(c) || is_digit(c)) else {
        return "";
    };
    let rest = text.get(start..).unwrap_or("");
    rest.trim_end_matches(|c: char| !is_digit(c) && c != '#')
}

/// libphonenumber's "viable phone number": two digits, or an optional plus, at least
/// three digits among punctuation, and an optional extension.
fn is_viable(s: &str) -> bool {
    let mut chars = s.chars();
    if let (Some(a), Some(b), None) = (chars.next(), chars.next(), chars.next()) {
        if is_digit(a) && is_digit(b) {
            return true;
        }
    }
    let body = s.strip_prefix(is_plus).unwrap_or(s);
    let tail = may_have_extension(body).then(|| Tail::of(body)).flatten();
    let mut digits = 0;
    for (i, c) in body.char_indices() {
        if digits >= 3 && tail.is_some_and(|t| t.extension_at(body, i)) {
            return true;
        }
        if is_digit(c) {
            digits += 1;
        } else if !is_punctuation(c) {
            return false;
        }
    }
    digits >= 3
}

/// The start of a number too short to be one: an optional plus and one or two digits.
fn is_viable_start(s: &str) -> bool {
    let body = s.strip_prefix(is_plus).unwrap_or(s);
    let digits = body.chars().filter(|&c| is_digit(c)).count();
    (1..=2).contains(&digits)
        && body.chars().all(|c| is_digit(c) || is_punctuation(c))
        && body.ends_with(is_digit)
}

fn split_extension(number: Cow<'_, str>) -> Extracted<'_> {
    let found = may_have_extension(&number)
        .then(|| Tail::of(&number))
        .flatten()
        .and_then(|tail| {
            let at = number
                .char_indices()
                .map(|(i, _)| i)
                .find(|&i| tail.extension_at(&number, i))?;
            Some((at, tail))
        });
    let Some((at, tail)) = found else {
        return Extracted {
            number,
            extension: None,
        };
    };
    let ascii: String = number
        .get(tail.start..tail.end)
        .unwrap_or("")
        .chars()
        .filter_map(digit)
        .map(|d| char::from(b'0' + d))
        .collect();
    Extracted {
        number: cut(number, at),
        extension: Some(Cow::Owned(ascii)),
    }
}

/// The digits an extension would be: the trailing run of digits, before an optional `#`.
#[derive(Clone, Copy)]
struct Tail {
    start: usize,
    end: usize,
    digits: usize,
    hash: bool,
}

impl Tail {
    fn of(s: &str) -> Option<Tail> {
        let hash = s.ends_with('#');
        let end = s.len() - usize::from(hash);
        let run = s.get(..end)?;
        let mut start = end;
        let mut digits = 0;
        for (i, c) in run.char_indices().rev() {
            if !is_digit(c) {
                break;
            }
            start = i;
            digits += 1;
        }
        (digits > 0).then_some(Tail {
            start,
            end,
            digits,
            hash,
        })
    }

    /// Whether libphonenumber's extension pattern matches `s` from `at` to its end.
    fn extension_at(&self, s: &str, at: usize) -> bool {
        let Some(label) = s.get(at..self.start).filter(|_| at < self.start) else {
            return false;
        };
        let n = self.digits;
        (n <= 20 && !self.hash && strip_ci(label, ";ext=") == Some(""))
            || (n <= 20 && labelled(label, explicit_label))
            || (n <= 9 && labelled(label, ambiguous_label))
            || (n <= 6
                && self.hash
                && !label.is_empty()
                && label.chars().all(|c| c == '-' || c == ' '))
            || (n <= 15 && auto_dialling(label))
            || (n <= 9 && only_commas(label))
    }
}

/// Whether `s` has a character an extension label needs: a letter (any non-ASCII
/// character counts, for the full-width and Cyrillic labels), `#`, `~`, `;` or `,`.
/// Numbers without one (the common case) skip the extension search.
fn may_have_extension(s: &str) -> bool {
    s.bytes()
        .any(|b| b.is_ascii_alphabetic() || !b.is_ascii() || matches!(b, b'#' | b'~' | b';' | b','))
}

/// The upper-case form of a lower-case label letter (ASCII, full-width, Cyrillic, `ó`);
/// other characters are their own upper case.
fn upper(lower: char) -> char {
    let shift = match lower {
        'a'..='z'
        | '\u{00E0}'..='\u{00F6}'
        | '\u{00F8}'..='\u{00FE}'
        | '\u{0430}'..='\u{044F}'
        | '\u{FF41}'..='\u{FF5A}' => 0x20,
        _ => 0,
    };
    char::from_u32(u32::from(lower) - shift).unwrap_or(lower)
}

/// Consumes the longest prefix of `s` whose chars satisfy `f`.
fn skip(s: &str, f: impl Fn(char) -> bool) -> &str {
    s.trim_start_matches(f)
}

fn after_label(rest: &str) -> bool {
    let rest = rest.strip_prefix([':', '.', '\u{FF0E}']).unwrap_or(rest);
    rest.chars()
        .all(|c| matches!(c, ' ' | '\u{00A0}' | '\t' | ',' | '-'))
}

/// `[ \u00A0\t,]* LABEL [:.．]? [ \u00A0\t,-]*`.
fn labelled(s: &str, label: fn(&str) -> Option<&str>) -> bool {
    let s = skip(s, |c| matches!(c, ' ' | '\u{00A0}' | '\t' | ','));
    label(s).is_some_and(after_label)
}

/// `s` without a prefix equal to `lower` up to case (JavaScript's `/i` for these
/// labels): ASCII bytes compared directly, other characters against their upper case.
fn strip_ci<'a>(s: &'a str, lower: &str) -> Option<&'a str> {
    if lower.is_ascii() {
        let head = s.as_bytes().get(..lower.len())?;
        return if head.eq_ignore_ascii_case(lower.as_bytes()) {
            s.get(lower.len()..)
        } else {
            None
        };
    }
    let mut rest = s;
    for l in lower.chars() {
        let c = rest.chars().next()?;
        if c != l && c != upper(l) {
            return None;
        }
        rest = rest.get(c.len_utf8()..)?;
    }
    Some(rest)
}

/// `e?xt(?:ensi(?:o\u0301?|ó))?n?|ｅ?ｘｔｎ?|доб|anexo`, case-insensitively.
fn explicit_label(s: &str) -> Option<&str> {
    if let Some(r) = strip_ci(s, "xt").or_else(|| strip_ci(s, "ext")) {
        let r = strip_ci(r, "ensi")
            .and_then(|r| {
                strip_ci(r, "o")
                    .map(|r| r.strip_prefix('\u{0301}').unwrap_or(r))
                    .or_else(|| strip_ci(r, "\u{00F3}"))
            })
            .unwrap_or(r);
        return Some(strip_ci(r, "n").unwrap_or(r));
    }
    if let Some(r) =
        strip_ci(s, "\u{FF58}\u{FF54}").or_else(|| strip_ci(s, "\u{FF45}\u{FF58}\u{FF54}"))
    {
        return Some(strip_ci(r, "\u{FF4E}").unwrap_or(r));
    }
    strip_ci(s, "\u{0434}\u{043E}\u{0431}").or_else(|| strip_ci(s, "anexo"))
}

/// `[xｘ#＃~～]|int|ｉｎｔ`, case-insensitively.
fn ambiguous_label(s: &str) -> Option<&str> {
    [
        "x",
        "\u{FF58}",
        "#",
        "\u{FF03}",
        "~",
        "\u{FF5E}",
        "int",
        "\u{FF49}\u{FF4E}\u{FF54}",
    ]
    .iter()
    .find_map(|l| strip_ci(s, l))
}

/// `[ \u00A0\t]*(?:,{2}|;)[:.．]?[ \u00A0\t,-]*`.
fn auto_dialling(s: &str) -> bool {
    let s = skip(s, |c| matches!(c, ' ' | '\u{00A0}' | '\t'));
    s.strip_prefix(",,")
        .or_else(|| s.strip_prefix(';'))
        .is_some_and(after_label)
}

/// `[ \u00A0\t]*,+[:.．]?[ \u00A0\t,-]*`.
fn only_commas(s: &str) -> bool {
    let s = skip(s, |c| matches!(c, ' ' | '\u{00A0}' | '\t'));
    s.starts_with(',') && after_label(skip(s, |c| c == ','))
}

/// `+` (first only) and ASCII digits of a formatted number; everything else dropped.
/// Written to `stack` when the number is short enough (as typed numbers are), else to
/// `heap`.
pub(crate) fn digits_of<'b>(number: &str, stack: &'b mut [u8], heap: &'b mut Vec<u8>) -> &'b [u8] {
    if number.len() > stack.len() {
        heap.clear();
        for b in digit_bytes(number) {
            heap.push(b);
        }
        return heap;
    }
    let mut len = 0;
    for (slot, b) in stack.iter_mut().zip(digit_bytes(number)) {
        *slot = b;
        len += 1;
    }
    stack.get(..len).unwrap_or_default()
}

/// The bytes [`digits_of`] keeps.
fn digit_bytes(number: &str) -> impl Iterator<Item = u8> + '_ {
    let mut first = true;
    number.chars().filter_map(move |c| {
        let keep = if c == '+' {
            first.then_some(b'+')
        } else {
            digit(c).map(|d| b'0' + d)
        };
        if keep.is_some() {
            first = false;
        }
        keep
    })
}
