//! A small JSON value, parser and writer.
//!
//! The SDK reads JSON from four APIs, from JWT parts, from its own stored snapshot and
//! from JavaScript options, and writes request bodies. `serde` + `serde_json` did that
//! at a cost of ~100 KB of generated code in the WebAssembly module (one visitor per
//! type, buffering for tagged enums, float printing); this module is a few KB and does
//! all the SDK needs:
//!
//! - [`Value`] keeps object members in their order ([`Map`] is a vector), so request
//!   bodies come out in the order the seeds show, and `get` finds the *last* member of a
//!   name, as `JSON.parse` does;
//! - numbers stay the literal text that was sent ([`Number`]); readers convert to
//!   integers (exactly, or rounding a fraction up for seconds), so nothing here prints or
//!   parses floats;
//! - [`parse`] is strict RFC 8259 (no trailing commas, comments, `NaN`), nests at most
//!   [`MAX_DEPTH`] deep and never panics; it tells a truncated document from a wrong one.

use crate::text::{cat, decimal};
use std::fmt;

/// How deep arrays and objects may nest before [`parse`] refuses the document.
pub const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its literal text.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON number as the literal text it was written with (grammar-checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(String);

/// A JSON object: members in document order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

/// Why [`parse`] refused a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The document ended early (a truncated body).
    Eof,
    /// Anything else: bad syntax, trailing data, too deep, invalid UTF-8.
    Syntax,
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(input: &[u8]) -> Result<Value, ParseError> {
    let text = std::str::from_utf8(input).map_err(|_| ParseError::Syntax)?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(ParseError::Syntax);
    }
    Ok(v)
}

/// Parses JSON text.
pub fn parse_str(input: &str) -> Result<Value, ParseError> {
    parse(input.as_bytes())
}

impl Map {
    /// An empty object.
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// The value of the last member called `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether a member called `key` exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` (replacing every member of that name).
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        let key = key.into();
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, value.into()));
    }

    /// Removes every member called `key`, returning the last value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut out = None;
        self.0.retain_mut(|(k, v)| {
            if k == key {
                out = Some(std::mem::take(v));
                false
            } else {
                true
            }
        });
        out
    }

    /// The members, in order (duplicates included).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Collects members as given, in order, duplicates included (linear; [`Map::get`] still
/// finds the last of a name). Use [`Map::insert`] to replace.
impl<K: Into<String>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        Map(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl Value {
    /// An object from `(name, value)` pairs, in order.
    pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
        // One non-generic body for every N (each N was its own ~430-byte copy in wasm).
        Value::object_of(Vec::from(members))
    }

    fn object_of(members: Vec<(&str, Value)>) -> Value {
        Value::Object(members.into_iter().collect())
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// An integer number that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// A non-negative integer number that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends compact JSON text to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_str(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `s` as a JSON string literal.
pub fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let b = c as usize;
                out.push_str("\\u00");
                for nibble in [b >> 4, b & 15] {
                    out.push(char::from(HEX.get(nibble).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// The member `key`, or `null` when absent or not an object (like `serde_json`).
    fn index(&self, key: &str) -> &Value {
        const NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number(if n < 0 {
            cat!("-", decimal(n.unsigned_abs()))
        } else {
            decimal(n.unsigned_abs())
        }))
    }
}
impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(Number(decimal(n)))
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::from(u64::from(n))
    }
}
impl From<u8> for Value {
    fn from(n: u8) -> Value {
        Value::from(u64::from(n))
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}
impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Value {
        Value::Array(a)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::Null, Into::into)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn next_byte(&mut self) -> Result<u8, ParseError> {
        let b = self.peek().ok_or(ParseError::Eof)?;
        self.i += 1;
        Ok(b)
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Result<Value, ParseError> {
        for &w in word {
            if self.next_byte()? != w {
                return Err(ParseError::Syntax);
            }
        }
        Ok(v)
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.ws();
        match self.peek().ok_or(ParseError::Eof)? {
            b'n' => self.literal(b"null", Value::Null),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' if depth < MAX_DEPTH => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.next_byte()? {
                        b',' => {}
                        b']' => return Ok(Value::Array(items)),
                        _ => return Err(ParseError::Syntax),
                    }
                }
            }
            b'{' if depth < MAX_DEPTH => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Value::Object(Map(members)));
                }
                loop {
                    self.ws();
                    if self.peek().ok_or(ParseError::Eof)? != b'"' {
                        return Err(ParseError::Syntax);
                    }
                    let key = self.string()?;
                    self.ws();
                    if self.next_byte()? != b':' {
                        return Err(ParseError::Syntax);
                    }
                    let v = self.value(depth + 1)?;
                    members.push((key, v));
                    self.ws();
                    match self.next_byte()? {
                        b',' => {}
                        b'}' => return Ok(Value::Object(Map(members))),
                        _ => return Err(ParseError::Syntax),
                    }
                }
            }
            _ => Err(ParseError::Syntax),
        }
    }

    fn digits(&mut self) -> Result<usize, ParseError> {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        match self.i - start {
            0 if self.i == self.s.len() => Err(ParseError::Eof),
            0 => Err(ParseError::Syntax),
            n => Ok(n),
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            self.digits()?;
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digits()?;
        }
        let text = self.text.get(start..self.i).ok_or(ParseError::Syntax)?;
        Ok(Value::Number(Number(text.to_owned())))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut v = 0;
        for _ in 0..4 {
            let d = char::from(self.next_byte()?)
                .to_digit(16)
                .ok_or(ParseError::Syntax)?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character.
            let start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(self.text.get(start..self.i).ok_or(ParseError::Syntax)?);
            match self.next_byte()? {
                b'"' => return Ok(out),
                b'\\' => {}
                _ => return Err(ParseError::Syntax),
            }
            let c = match self.next_byte()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.escaped_char()?,
                _ => return Err(ParseError::Syntax),
            };
            out.push(c);
        }
    }

    /// The character of a `\uXXXX` escape (a surrogate pair when one follows); a lone
    /// surrogate becomes U+FFFD, as `JSON.parse` + `TextEncoder` would give.
    fn escaped_char(&mut self) -> Result<char, ParseError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }
}

mod number;

#[cfg(test)]
mod tests;
