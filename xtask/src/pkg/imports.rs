//! Short names for the imports wasm-bindgen's glue gives the module.
//!
//! wasm-bindgen names each function the module imports from its glue
//! `__wbg_<name>_<16 hex digits>` (or `__wbindgen_<name>`), and the name is written twice
//! in the package: in the `.wasm`'s import section and as a key of the glue's import
//! object. The hashes do not compress, so the ~70 names cost ~2.2 KB gzip of a web build
//! (measured: wasm −1.2 KB, minified JS −1.0 KB). This renames them `a`, `b`, … in both
//! files, in the order of the import section (the same build gives the same names).
//! Each old name must occur exactly once in the glue, as a whole identifier; anything
//! else stops the build rather than ship a module whose imports the glue does not give.
//!
//! It also stops the build when the module imports a function straight from a snippet
//! (`runtime.js`), which wasm-bindgen does for one that takes and returns only numbers:
//! the glue then passes that module's namespace object, and the bundle keeps every
//! export of `runtime.js` behind getters (measured: +0.45 KB gzip). Such a function
//! takes a JavaScript value instead (see `has_document` in `src/wasm/host.rs`).

use std::path::Path;

use crate::Result;

/// The glue's module name in the import section (`--target web`).
const GLUE_MODULE: &[u8] = b"./phone_auth_bg.js";

/// Renames the glue imports of `wasm` and the matching keys of the glue `js`, in place.
pub fn shorten(wasm: &Path, js: &Path) -> Result {
    let bytes = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let (module, renamed, direct) = rename_imports(&bytes)?;
    if let Some(direct) = direct {
        return Err(format!(
            "{}: the module imports `{direct}` straight from a snippet; give it a \
             JavaScript value argument so wasm-bindgen imports it through the glue",
            wasm.display()
        ));
    }
    let mut glue = std::fs::read_to_string(js).map_err(|e| format!("{}: {e}", js.display()))?;
    for (old, new) in &renamed {
        glue = replace_identifier(&glue, old, new).ok_or_else(|| {
            format!(
                "{}: the import `{old}` is not one key of the glue",
                js.display()
            )
        })?;
    }
    std::fs::write(wasm, module).map_err(|e| format!("{}: {e}", wasm.display()))?;
    std::fs::write(js, glue).map_err(|e| format!("{}: {e}", js.display()))?;
    eprintln!(
        "imports: {} glue imports renamed in {}",
        renamed.len(),
        wasm.display()
    );
    Ok(())
}

/// (old name, new name) of each renamed import.
pub(super) type Renamed = Vec<(String, String)>;

/// The module with its glue imports renamed, the names, and the first import taken
/// straight from a snippet (`module field`), if any.
fn rename_imports(b: &[u8]) -> Result<(Vec<u8>, Renamed, Option<String>)> {
    let (mut renamed, mut direct) = (Vec::new(), None);
    let out = rewrite_section(b, 2, |body| import_section(body, &mut renamed, &mut direct))
        .ok_or("the .wasm is not a module this step understands")?;
    Ok((out, renamed, direct))
}

/// The module `b` with the body of its section `id` replaced by what `f` makes of it
/// (the other sections as they are); `None` if `b` or `f` fails.
pub(super) fn rewrite_section(
    b: &[u8],
    id: u8,
    mut f: impl FnMut(&[u8]) -> Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    let mut out = b.get(..8)?.to_vec();
    let mut i = 8;
    while i < b.len() {
        let (len, at) = leb(b, i + 1)?;
        let end = at.checked_add(len).filter(|&e| e <= b.len())?;
        if b[i] == id {
            let body = f(&b[at..end])?;
            out.push(id);
            out.extend(uleb(body.len()));
            out.extend(body);
        } else {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
    }
    Some(out)
}

/// The next short name for `field`, recorded in `renamed`.
pub(super) fn short_for(renamed: &mut Renamed, field: &str) -> String {
    let new = short(renamed.len());
    renamed.push((field.to_owned(), new.clone()));
    new
}

/// The import section's body with the glue's names replaced (appended to `renamed`);
/// the first import from a snippet goes to `direct`.
fn import_section(
    body: &[u8],
    renamed: &mut Renamed,
    direct: &mut Option<String>,
) -> Option<Vec<u8>> {
    let (count, mut p) = leb(body, 0)?;
    let mut out = uleb(count);
    for _ in 0..count {
        let (module, q) = name(body, p)?;
        let (field, q) = name(body, q)?;
        let desc_start = q;
        let kind = *body.get(q)?;
        let mut p2 = q + 1;
        match kind {
            0 => p2 = leb(body, p2)?.1, // function: type index
            1 => {
                // table: element type, limits
                p2 += 1;
                p2 = limits(body, p2)?;
            }
            2 => p2 = limits(body, p2)?, // memory: limits
            3 => p2 += 2,                // global: value type, mutability
            _ => return None,
        }
        let desc = body.get(desc_start..p2)?;
        let field = std::str::from_utf8(field).ok()?;
        let glue = module == GLUE_MODULE
            && (field.starts_with("__wbg_") || field.starts_with("__wbindgen_"));
        if direct.is_none() && module.starts_with(b"./snippets/") {
            *direct = Some(format!("{} {field}", String::from_utf8_lossy(module)));
        }
        let new_field = if glue {
            short_for(renamed, field)
        } else {
            field.to_owned()
        };
        out.extend(uleb(module.len()));
        out.extend_from_slice(module);
        out.extend(uleb(new_field.len()));
        out.extend_from_slice(new_field.as_bytes());
        out.extend_from_slice(desc);
        p = p2;
    }
    (p == body.len()).then_some(out)
}

/// A length-prefixed name at `at`: the bytes and where the next field starts.
pub(super) fn name(b: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let (len, at) = leb(b, at)?;
    let end = at.checked_add(len)?;
    Some((b.get(at..end)?, end))
}

/// Skips a `limits` (flags, minimum, and the maximum when flag bit 0 is set).
fn limits(b: &[u8], at: usize) -> Option<usize> {
    let flags = *b.get(at)?;
    let at = leb(b, at + 1)?.1;
    if flags & 1 == 1 {
        Some(leb(b, at)?.1)
    } else {
        Some(at)
    }
}

/// An unsigned LEB128 at `at`: its value and the position after it.
pub(super) fn leb(b: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for shift in (0..35).step_by(7) {
        let byte = *b.get(at)?;
        at += 1;
        value |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

pub(super) fn uleb(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// `a`…`z`, `A`…`Z`, then `aa`, `ab`, …: the `i`-th short name.
fn short(mut i: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[i % LETTERS.len()]);
        i /= LETTERS.len();
        if i == 0 {
            break;
        }
        i -= 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// `text` with its one occurrence of the identifier `old` (not part of a longer one)
/// replaced by `new`; `None` unless there is exactly one.
fn replace_identifier(text: &str, old: &str, new: &str) -> Option<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut found = None;
    for (at, _) in text.match_indices(old) {
        let before = text[..at].chars().next_back();
        let after = text[at + old.len()..].chars().next();
        if before.is_some_and(ident) || after.is_some_and(ident) {
            continue;
        }
        if found.replace(at).is_some() {
            return None;
        }
    }
    let at = found?;
    Some(format!("{}{new}{}", &text[..at], &text[at + old.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_distinct() {
        let names: Vec<String> = (0..3000).map(short).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[52], "aa");
        let unique: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn only_whole_identifiers_are_replaced() {
        let js = "x.__wbg_a_1 = 1; __wbg_a_1: function() {}, __wbg_a_12: 2";
        assert_eq!(
            replace_identifier(js, "__wbg_a_12", "b").as_deref(),
            Some("x.__wbg_a_1 = 1; __wbg_a_1: function() {}, b: 2")
        );
        assert_eq!(replace_identifier(js, "__wbg_a_1", "c"), None); // twice
        assert_eq!(replace_identifier(js, "__wbg_zz", "c"), None); // absent
    }

    #[test]
    fn the_import_section_is_rewritten() {
        // (module (import "./phone_auth_bg.js" "__wbg_x_0123" (func)) (import "m" "f" (func))
        //         (import "./phone_auth_bg.js" "__wbindgen_throw" (func)))
        let mut section = uleb(3);
        for (m, f) in [
            ("./phone_auth_bg.js", "__wbg_x_0123"),
            ("m", "f"),
            ("./phone_auth_bg.js", "__wbindgen_throw"),
        ] {
            section.extend(uleb(m.len()));
            section.extend(m.as_bytes());
            section.extend(uleb(f.len()));
            section.extend(f.as_bytes());
            section.extend([0, 0]); // a function of type 0
        }
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend([1, 4, 1, 0x60, 0, 0]); // type section: () -> ()
        module.push(2);
        module.extend(uleb(section.len()));
        module.extend(&section);
        let (out, renamed, direct) = rename_imports(&module).expect("rewritten");
        assert_eq!(
            renamed,
            [
                ("__wbg_x_0123".to_owned(), "a".to_owned()),
                ("__wbindgen_throw".to_owned(), "b".to_owned())
            ]
        );
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("./phone_auth_bg.js\u{1}a") && text.contains("\u{1}m\u{1}f"));
        assert!(!text.contains("__wbg") && out.len() < module.len());
        assert_eq!(
            rename_imports(&out).map(|(m, _, _)| m.len()).ok(),
            Some(out.len())
        );
        assert_eq!(direct, None);
    }

    #[test]
    fn a_direct_snippet_import_is_found() {
        let (m, f) = ("./snippets/p-0/src/wasm/runtime.js", "nowMs");
        let mut section = uleb(2);
        section.extend(uleb(1));
        section.extend(b"m");
        section.extend(uleb(1));
        section.extend(b"f");
        section.extend([0, 0]);
        section.extend(uleb(m.len()));
        section.extend(m.as_bytes());
        section.extend(uleb(f.len()));
        section.extend(f.as_bytes());
        section.extend([0, 0]);
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend([1, 4, 1, 0x60, 0, 0]);
        module.push(2);
        module.extend(uleb(section.len()));
        module.extend(&section);
        assert_eq!(
            rename_imports(&module)
                .ok()
                .and_then(|(_, _, d)| d)
                .as_deref(),
            Some("./snippets/p-0/src/wasm/runtime.js nowMs")
        );
    }
}
