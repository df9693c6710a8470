//! wasm2js writes the module's data segments as base64 strings that a helper decodes
//! into the memory when the module is instantiated. base64 hides the data from gzip: a
//! repeated run of bytes shows up the same only every third offset, and the phone data
//! is ~41 KB of pattern text. This writes each segment as a JavaScript string of char
//! codes 0–255 instead (printable ASCII as itself, the rest escaped), copied into the
//! memory by a one-line loop, and removes the base64 helper and its lookup table.
//! Measured on `phone-auth`'s React Native entry: the data costs ~27.5 KB gzip as base64
//! and ~20.9 KB as text. Fails when wasm2js's output does not have the expected shape,
//! rather than ship a module without its data.

use crate::Result;

/// What wasm2js writes before the segments: the lookup table and the decoder.
const HELPER_START: &str = "  var base64ReverseLookup = new Uint8Array(123/*'z'+1*/);\n";
const HELPER_FN: &str = "  function base64DecodeToExistingUint8Array(uint8Array, offset, b64) {";
const SEGMENTS_START: &str = "function initActiveSegments(imports) {\n";
const CALL: &str = "  base64DecodeToExistingUint8Array(bufferView, ";

/// The copy loop that replaces the decoder.
const COPY_FN: &str = "  function copyToExistingUint8Array(uint8Array, offset, s) {\n    \
                       for (var i = 0; i < s.length; i++) uint8Array[offset + i] = s.charCodeAt(i);\n  \
                       }\n";

/// `js` (wasm2js's module) with its data segments as text.
pub fn as_text(js: &str) -> Result<String> {
    let fail = |what: &str| Err(format!("wasm2js output: {what}; its shape changed"));
    let (Some(helper), Some(segments)) = (js.find(HELPER_START), js.find(SEGMENTS_START)) else {
        return fail("no base64 lookup table or no `function initActiveSegments`");
    };
    // Only the base64 table and decoder go: every declaration dropped names base64.
    let dropped = js.get(helper..segments).unwrap_or_default();
    let declares_other = dropped.lines().any(|l| {
        (l.starts_with("  var ") || l.starts_with("  function ")) && !l.contains("base64")
    });
    if !dropped.contains(HELPER_FN) || declares_other {
        return fail("the base64 decoder is not just before `initActiveSegments`");
    }
    let body_start = segments + SEGMENTS_START.len();
    let Some(body_len) = js[body_start..].find("\n}\n") else {
        return fail("no end of `initActiveSegments`");
    };
    let mut out = String::with_capacity(js.len());
    out.push_str(&js[..helper]);
    out.push_str(COPY_FN);
    out.push_str(SEGMENTS_START);
    let mut count = 0;
    for line in js[body_start..body_start + body_len].lines() {
        let Some((offset, data)) = line
            .strip_prefix(CALL)
            .and_then(|rest| rest.strip_suffix("\");"))
            .and_then(|rest| rest.split_once(", \""))
        else {
            return fail(&format!(
                "unexpected line in initActiveSegments: {line:.80}"
            ));
        };
        let Some(bytes) = base64(data).filter(|_| offset.bytes().all(|b| b.is_ascii_digit()))
        else {
            return fail(&format!("a segment that is not base64: {line:.80}"));
        };
        out.push_str(&format!(
            "  copyToExistingUint8Array(bufferView, {offset}, \"{}\");\n",
            literal(&bytes)
        ));
        count += 1;
    }
    if count == 0 {
        return fail("no data segment");
    }
    out.push_str(&js[body_start + body_len + 1..]);
    if out.contains("base64DecodeToExistingUint8Array") {
        return fail("the base64 decoder is still called");
    }
    Ok(out)
}

/// Standard base64 (with `=` padding) decoded; `None` if it is not that.
fn base64(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (i, quad) in bytes.chunks(4).enumerate() {
        let last = i + 1 == bytes.len() / 4;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = n << 6 | u32::from(digit(c)?);
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

/// `bytes` as the inside of a double-quoted JavaScript string, one char per byte.
fn literal(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(char::from(b)),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        assert_eq!(
            base64("PHJlZGFjdGVkPg==").as_deref(),
            Some(&b"<redacted>"[..])
        );
        assert_eq!(base64("AAEC").as_deref(), Some(&[0u8, 1, 2][..]));
        assert_eq!(base64("/w==").as_deref(), Some(&[255u8][..]));
        assert_eq!(base64("A==="), None);
        assert_eq!(base64("AA=A"), None);
        assert_eq!(base64("AA==AAAA"), None);
        assert_eq!(base64("AAE"), None);
        assert_eq!(base64("AA*A"), None);
    }

    #[test]
    fn literals_escape_what_javascript_needs() {
        assert_eq!(
            literal(b"a\"b\\c\nd\0\x7f\xff"),
            "a\\\"b\\\\c\\nd\\x00\\x7f\\xff"
        );
    }

    #[test]
    fn segments_become_text() {
        let js = "import * as x from './phone_auth_bg.js';\n\n  var bufferView;\n\
                  \x20 var base64ReverseLookup = new Uint8Array(123/*'z'+1*/);\n\
                  \x20 for (;;) {}\n\
                  \x20 function base64DecodeToExistingUint8Array(uint8Array, offset, b64) {\n  }\n\
                  function initActiveSegments(imports) {\n\
                  \x20 base64DecodeToExistingUint8Array(bufferView, 1048576, \"PHJlZGFjdGVkPgAK\");\n\
                  \x20 base64DecodeToExistingUint8Array(bufferView, 1048600, \"Ig==\");\n\
                  }\n\nfunction asmFunc(imports) {\n}\n";
        let out = as_text(js).expect("rewritten");
        assert!(out.contains("  var bufferView;\n  function copyToExistingUint8Array("));
        assert!(out.contains(
            "  copyToExistingUint8Array(bufferView, 1048576, \"<redacted>\\x00\\n\");\n  \
             copyToExistingUint8Array(bufferView, 1048600, \"\\\"\");\n}\n\nfunction asmFunc"
        ));
        assert!(!out.contains("base64"));
        // Shapes it does not know stop the build.
        assert!(as_text(&js.replace("initActiveSegments", "init")).is_err());
        assert!(as_text(&js.replace("\"Ig==\"", "\"I*==\"")).is_err());
        assert!(as_text(&js.replace("bufferView, 1048600", "view, 1048600")).is_err());
        assert!(as_text(&js.replace("  for (;;) {}\n", "  var other = 1;\n")).is_err());
    }
}
