//! [`Token::decode_texts`]: the checks of [`Token::decode`] without building the claims.
//!
//! The wasm `decodeToken` hands the header and claims JSON texts to `JSON.parse`, so it
//! needs the texts, the times and the verdict, not a [`Map`](crate::json::Map) of every
//! claim. This module checks the JSON syntax without allocating (exactly the grammar of
//! [`crate::json::parse`]) and keeps, per top-level member it cares about, where the last
//! value of that name sits; only those few values are then read with `crate::json`.

use core::ops::Range;

use super::{audience, base64url, numeric_date, strip_bearer, Token, TokenError};
use crate::json::{self, Value, MAX_DEPTH};

/// A JWT that [`Token::decode`] accepts, as its header and claims JSON texts plus the
/// registered times. `Debug` is deliberately not derived: the texts hold the claims.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedTexts {
    /// The header, as the JSON text the token carries (an object with a string `alg`).
    pub header: String,
    /// The claims, as the JSON text the token carries (an object, registered claims
    /// typed as [`Token::decode`] requires).
    pub claims: String,
    /// `exp`, seconds (as in [`Claims`](super::Claims)).
    pub exp: Option<u64>,
    /// `iat`, seconds.
    pub iat: Option<u64>,
    /// `nbf`, seconds.
    pub nbf: Option<u64>,
    /// Where the last `sub` value sits in `claims`.
    sub: Option<Range<usize>>,
}

impl DecodedTexts {
    /// The `sub` claim.
    pub fn subject(&self) -> Option<String> {
        let text = self.claims.get(self.sub.clone()?)?;
        match json::parse_str(text) {
            Ok(Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

impl Token {
    /// Decodes a JWT as [`Token::decode`] does (same input forms, same checks in the same
    /// order, so the same result or error), keeping the header and claims as JSON text.
    pub fn decode_texts(s: &str) -> Result<DecodedTexts, TokenError> {
        let raw = strip_bearer(s);
        let mut parts = raw.split('.');
        let (Some(h), Some(c), Some(sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::NotAJwt);
        };

        let header = text_part(h, 1)?;
        let [alg, typ, kid] = top_members(&header, ["alg", "typ", "kid"])
            .ok_or(TokenError::BadJson { part: 1 })?
            .ok_or(TokenError::HeaderNotObject)?;
        // A member is absent or a string (its value starts with a quote).
        let is_string = |span: &Option<Range<usize>>, text: &str| {
            span.clone()
                .is_none_or(|r| text.as_bytes().get(r.start) == Some(&b'"'))
        };
        if alg.is_none() || !is_string(&alg, &header) {
            return Err(TokenError::InvalidHeader { name: "alg" });
        }
        for (span, name) in [(typ, "typ"), (kid, "kid")] {
            if !is_string(&span, &header) {
                return Err(TokenError::InvalidHeader { name });
            }
        }

        let claims = text_part(c, 2)?;
        let [exp, iat, nbf, sub, iss, aud] =
            top_members(&claims, ["exp", "iat", "nbf", "sub", "iss", "aud"])
                .ok_or(TokenError::BadJson { part: 2 })?
                .ok_or(TokenError::ClaimsNotObject)?;
        let time = |span: Option<Range<usize>>, name| numeric_date_at(&claims, span, name);
        let (exp, iat, nbf) = (time(exp, "exp")?, time(iat, "iat")?, time(nbf, "nbf")?);
        for (span, name) in [(&sub, "sub"), (&iss, "iss")] {
            if !is_string(span, &claims) {
                return Err(TokenError::InvalidClaim { name });
            }
        }
        if !is_string(&aud, &claims) {
            audience(value_at(&claims, aud).as_ref())?;
        }

        if !base64url::is_valid(sig) {
            return Err(TokenError::BadBase64 { part: 3 });
        }
        Ok(DecodedTexts {
            header,
            claims,
            exp,
            iat,
            nbf,
            sub,
        })
    }
}

/// Part `part` (1 or 2) decoded from base64url, as UTF-8 text.
fn text_part(text: &str, part: u8) -> Result<String, TokenError> {
    let bytes = base64url::decode(text).ok_or(TokenError::BadBase64 { part })?;
    String::from_utf8(bytes).map_err(|_| TokenError::BadJson { part })
}

/// The NumericDate `name` at `span` of the claims, as [`Token::decode`] reads it; up to
/// 18 plain digits (the usual form, and always exact) without going through a [`Value`].
fn numeric_date_at(
    claims: &str,
    span: Option<Range<usize>>,
    name: &'static str,
) -> Result<Option<u64>, TokenError> {
    let Some(text) = span.and_then(|r| claims.get(r)) else {
        return Ok(None);
    };
    if text.len() <= 18 {
        let mut secs: u64 = 0;
        let mut plain = !text.is_empty();
        for b in text.bytes() {
            plain &= b.is_ascii_digit();
            secs = secs * 10 + u64::from(b.wrapping_sub(b'0') & 0x0F);
        }
        if plain {
            return Ok(Some(secs));
        }
    }
    numeric_date(json::parse_str(text).ok().as_ref(), name)
}

/// The value at `span` of a document already checked, as JSON.
fn value_at(text: &str, span: Option<Range<usize>>) -> Option<Value> {
    json::parse_str(text.get(span?)?).ok()
}

/// Checks that `text` is one JSON document ([`json::parse`]'s grammar) and, when it is
/// an object, finds the value of the last member called each of `names`.
///
/// `None`: not JSON. `Some(None)`: JSON, but not an object. Otherwise the byte range of
/// each name's value (a member name written with escapes, `"\u0065xp"`, counts as the
/// name it spells, as in `JSON.parse`).
fn top_members<const N: usize>(
    text: &str,
    names: [&str; N],
) -> Option<Option<[Option<Range<usize>>; N]>> {
    let mut scan = Scan {
        s: text.as_bytes(),
        i: 0,
    };
    scan.ws();
    let found = if scan.byte() == b'{' {
        Some(scan.object_members(text, names.map(name_code))?)
    } else {
        scan.value(0)?;
        None
    };
    scan.ws();
    (scan.i == scan.s.len()).then_some(found)
}

/// A member name of up to three bytes as one integer (the names looked for are all
/// three letters), so that comparing names costs no call even at `opt-level = "z"`;
/// `u32::MAX` (no name) for any other length.
fn name_code(name: &str) -> u32 {
    match *name.as_bytes() {
        [a, b, c] => u32::from_le_bytes([a, b, c, 0]),
        _ => u32::MAX,
    }
}

/// A non-allocating JSON syntax check, accepting exactly what [`json::parse`] accepts
/// (after its UTF-8 check, which `String::from_utf8` has done).
///
/// Written for the size-optimised wasm build, which inlines little: bytes are read
/// through [`Scan::byte`], where 0 stands for the end of the text (a NUL byte is never
/// valid JSON outside a string, nor raw inside one, so both are refused alike).
struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    /// The current byte, 0 at the end.
    #[inline(always)]
    fn byte(&self) -> u8 {
        match self.s.get(self.i) {
            Some(&b) => b,
            None => 0,
        }
    }

    /// The current byte (0 at the end), moving past it.
    #[inline(always)]
    fn next_byte(&mut self) -> u8 {
        let b = self.byte();
        self.i += 1;
        b
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let b' ' | b'\t' | b'\n' | b'\r' = self.byte() {
            self.i += 1;
        }
    }

    /// The top-level object (at `{`): its members checked, the spans of the names
    /// (see [`name_code`]) kept.
    fn object_members<const N: usize>(
        &mut self,
        text: &str,
        names: [u32; N],
    ) -> Option<[Option<Range<usize>>; N]> {
        let mut found: [Option<Range<usize>>; N] = [const { None }; N];
        self.i += 1;
        self.ws();
        if self.byte() == b'}' {
            self.i += 1;
            return Some(found);
        }
        loop {
            self.ws();
            let key_start = self.i;
            let escaped = self.string()?;
            let code = if escaped {
                // Rare: read the name the escapes spell.
                match json::parse_str(text.get(key_start..self.i)?) {
                    Ok(Value::String(k)) => name_code(&k),
                    _ => u32::MAX,
                }
            } else {
                name_code(text.get(key_start + 1..self.i - 1)?)
            };
            self.ws();
            if self.next_byte() != b':' {
                return None;
            }
            self.ws();
            let start = self.i;
            self.value(1)?;
            if let Some(slot) = names.iter().position(|&n| n == code) {
                if let Some(slot) = found.get_mut(slot) {
                    *slot = Some(start..self.i);
                }
            }
            self.ws();
            match self.next_byte() {
                b',' => {}
                b'}' => return Some(found),
                _ => return None,
            }
        }
    }

    /// One value at `depth` (leading whitespace allowed), as `json::parse` reads it.
    fn value(&mut self, depth: usize) -> Option<()> {
        self.ws();
        match self.byte() {
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'"' => self.string().map(|_| ()),
            b'-' | b'0'..=b'9' => self.number(),
            open @ (b'[' | b'{') if depth < MAX_DEPTH => {
                let close = if open == b'[' { b']' } else { b'}' };
                self.i += 1;
                self.ws();
                if self.byte() == close {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.ws();
                        self.string()?;
                        self.ws();
                        if self.next_byte() != b':' {
                            return None;
                        }
                    }
                    self.value(depth + 1)?;
                    self.ws();
                    match self.next_byte() {
                        b',' => {}
                        b if b == close => return Some(()),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        if self.s.get(self.i..end)? != word {
            return None;
        }
        self.i = end;
        Some(())
    }

    /// One or more digits.
    fn digits(&mut self) -> Option<()> {
        let start = self.i;
        while self.byte().is_ascii_digit() {
            self.i += 1;
        }
        (self.i > start).then_some(())
    }

    fn number(&mut self) -> Option<()> {
        if self.byte() == b'-' {
            self.i += 1;
        }
        if self.byte() == b'0' {
            self.i += 1;
        } else {
            self.digits()?;
        }
        if self.byte() == b'.' {
            self.i += 1;
            self.digits()?;
        }
        if let b'e' | b'E' = self.byte() {
            self.i += 1;
            if let b'+' | b'-' = self.byte() {
                self.i += 1;
            }
            self.digits()?;
        }
        Some(())
    }

    /// A string (at its opening quote, which is checked); whether it has escapes.
    fn string(&mut self) -> Option<bool> {
        if self.next_byte() != b'"' {
            return None;
        }
        let mut escaped = false;
        loop {
            match self.next_byte() {
                b'"' => return Some(escaped),
                b'\\' => {
                    escaped = true;
                    match self.next_byte() {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            for _ in 0..4 {
                                if !self.next_byte().is_ascii_hexdigit() {
                                    return None;
                                }
                            }
                        }
                        _ => return None,
                    }
                }
                // Control characters, and the end of the text.
                0..=0x1F => return None,
                _ => {}
            }
        }
    }
}
