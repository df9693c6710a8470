//! Short names for the module's exports, in the `.wasm` and in the glue.
//!
//! The glue calls every export as `wasm.<name>`: `authclient_requestCode`,
//! `__wbindgen_add_to_stack_pointer` (written 14 times), … . This renames each export
//! the glue uses that way `a`, `b`, … (in the order of the export section), in both
//! files; `memory`, `__wbindgen_start` and exports the glue does not name keep their
//! names. The build stops
//! if an old name is still reached some other way (`.name` on anything else) after the
//! rename, rather than ship a glue calling an export that no longer exists.

use std::path::Path;

use super::imports::{leb, name, rewrite_section, short_for, uleb, Renamed};
use crate::Result;

/// Exports that keep their names: the memory, and the start function that the React
/// Native entry looks up by name.
const KEPT: [&str; 2] = ["memory", "__wbindgen_start"];

/// Renames the exports `wasm` the glue `js` calls, in both files, in place.
pub fn shorten(wasm: &Path, js: &Path) -> Result {
    let bytes = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let mut glue = std::fs::read_to_string(js).map_err(|e| format!("{}: {e}", js.display()))?;
    let bad = || format!("{}: not a module this step understands", wasm.display());
    let (module, renamed) = rename_exports(&bytes, |n| {
        !KEPT.contains(&n) && member_uses(&glue, "wasm.", n) > 0
    })
    .ok_or_else(bad)?;
    for (old, new) in &renamed {
        glue = replace_member(&glue, "wasm.", old, new);
        if member_uses(&glue, ".", old) > 0 {
            return Err(format!(
                "{}: the export `{old}` is still reached as `.{old}` after the rename",
                js.display()
            ));
        }
    }
    std::fs::write(wasm, module).map_err(|e| format!("{}: {e}", wasm.display()))?;
    std::fs::write(js, glue).map_err(|e| format!("{}: {e}", js.display()))?;
    eprintln!("exports: {} renamed in {}", renamed.len(), wasm.display());
    Ok(())
}

/// The module with the exports `rename` picks renamed, and (old, new) of each.
fn rename_exports(b: &[u8], rename: impl Fn(&str) -> bool) -> Option<(Vec<u8>, Renamed)> {
    let mut renamed = Vec::new();
    let out = rewrite_section(b, 7, |body| {
        let (count, mut p) = leb(body, 0)?;
        let mut section = uleb(count);
        for _ in 0..count {
            let (field, q) = name(body, p)?;
            let field = std::str::from_utf8(field).ok()?;
            let q2 = leb(body, q + 1)?.1; // kind, index
            let new = if rename(field) {
                short_for(&mut renamed, field)
            } else {
                field.to_owned()
            };
            section.extend(uleb(new.len()));
            section.extend_from_slice(new.as_bytes());
            section.extend_from_slice(body.get(q..q2)?);
            p = q2;
        }
        (p == body.len()).then_some(section)
    })?;
    Some((out, renamed))
}

fn ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Where `prefix` + `name` occurs in `text` with no identifier character after it.
fn member_at<'a>(
    text: &'a str,
    prefix: &'a str,
    name: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let needle = format!("{prefix}{name}");
    let starts: Vec<usize> = text
        .match_indices(&needle)
        .map(|(at, _)| at)
        .filter(|&at| !text[at + needle.len()..].chars().next().is_some_and(ident))
        .collect();
    starts.into_iter()
}

/// How often `prefix` + `name` occurs in `text` (not followed by an identifier character).
fn member_uses(text: &str, prefix: &str, name: &str) -> usize {
    member_at(text, prefix, name).count()
}

/// `text` with every `prefix` + `old` (as in [`member_uses`]) now `prefix` + `new`.
fn replace_member(text: &str, prefix: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for at in member_at(text, prefix, old) {
        out.push_str(&text[last..at]);
        out.push_str(prefix);
        out.push_str(new);
        last = at + prefix.len() + old.len();
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_replaced_whole() {
        let js = "wasm.f(1); wasm.f_2(); x.wasm.f; export function f() {}";
        assert_eq!(member_uses(js, "wasm.", "f"), 2);
        assert_eq!(
            replace_member(js, "wasm.", "f", "a"),
            "wasm.a(1); wasm.f_2(); x.wasm.a; export function f() {}"
        );
    }

    #[test]
    fn the_export_section_is_rewritten() {
        // (func (export "authclient_new")) (memory (export "memory") 1) (func (export "g"))
        let mut section = uleb(3);
        for (f, kind) in [("authclient_new", 0u8), ("memory", 2), ("g", 0)] {
            section.extend(uleb(f.len()));
            section.extend(f.as_bytes());
            section.extend([kind, 0]);
        }
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.push(7);
        module.extend(uleb(section.len()));
        module.extend(&section);
        let (out, renamed) = rename_exports(&module, |n| n == "authclient_new").expect("rewritten");
        assert_eq!(renamed, [("authclient_new".to_owned(), "a".to_owned())]);
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("\u{1}a\0\0")
                && text.contains("memory\u{2}\0")
                && text.contains("\u{1}g\0\0")
        );
        assert!(!text.contains("authclient"));
        assert!(rename_exports(&module[..module.len() - 1], |_| true).is_none());
    }
}
