//! The order of the module's functions, chosen for gzip.
//!
//! gzip finds repeats only within its last 32 KB, and wasm-opt leaves the functions in
//! the order rustc emitted them. This puts each function after the ones it most
//! resembles: starting from the largest, it repeatedly appends the remaining function
//! with the largest share of its 4-byte sequences already present in the last few KB of
//! code placed (five window sizes are tried; the module that gzips smallest, by Node's
//! zlib as the size gate measures, is kept). Then it rewrites the module in that order
//! (`wasm-encoder`'s re-encoder, renumbering every function reference: calls, the table,
//! exports); no instruction changes but those indices. Measured on `phone-auth`: −1.29 KB
//! gzip (wasm-opt's own `--reorder-functions-by-name` on such an order gained ~0.2 KB
//! less: reading the module back adds locals). Deterministic: the same module gives the
//! same order.
//!
//! Before rewriting, the module is re-encoded unchanged and must come back byte for
//! byte, so a module this step does not fully understand stops the build.

use std::convert::Infallible;
use std::path::Path;

use wasm_encoder::reencode::{Error as ReencodeError, Reencode};
use wasmparser::{FunctionBody, Parser, Payload};

use crate::Result;

/// How many bytes of placed code a candidate is compared with: each is tried, and the
/// order whose module gzips smallest is kept (which one wins varies from build to build
/// by a few hundred bytes; all of them gain ~0.7–1.2 KB).
const WINDOWS: [usize; 5] = [512, 1024, 2048, 4096, 8192];

/// Rewrites the module at `wasm` with its functions in [`similar_first`] order.
pub fn reorder(wasm: &Path) -> Result {
    let bytes = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let (imports, bodies) = functions(&bytes).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let identity: Vec<usize> = (0..bodies.len()).collect();
    if rewrite(&bytes, imports, &identity)? != bytes {
        return Err(format!(
            "{}: re-encoding the module does not give back its bytes; not reordering",
            wasm.display()
        ));
    }
    let mut candidates = Vec::new();
    for window in WINDOWS {
        let out = rewrite(&bytes, imports, &similar_first(&bodies, window))?;
        let path = wasm.with_extension(format!("order{window}.wasm"));
        std::fs::write(&path, out).map_err(|e| format!("{}: {e}", path.display()))?;
        candidates.push(path);
    }
    let sizes = gzip_sizes(&candidates)?;
    let best = (0..candidates.len())
        .min_by_key(|&i| (sizes[i], i))
        .ok_or("no candidate order")?;
    for (i, path) in candidates.iter().enumerate() {
        let done = if i == best {
            std::fs::rename(path, wasm)
        } else {
            std::fs::remove_file(path)
        };
        done.map_err(|e| format!("{}: {e}", path.display()))?;
    }
    eprintln!(
        "order: the {} functions of {} reordered (window {} B; gzip -9 {sizes:?} for {WINDOWS:?})",
        bodies.len(),
        wasm.display(),
        WINDOWS[best],
    );
    Ok(())
}

/// gzip -9 sizes of `files`, by Node's zlib as the size gate measures them.
fn gzip_sizes(files: &[std::path::PathBuf]) -> Result<Vec<u64>> {
    let script = "const fs=require('fs'),z=require('zlib');console.log(process.argv.slice(1)\
        .map(f=>z.gzipSync(fs.readFileSync(f),{level:9}).length).join(' '))";
    let out = crate::tools::output(
        std::process::Command::new("node")
            .arg("-e")
            .arg(script)
            .args(files),
    )
    .ok_or("node could not measure the candidate orders")?;
    let sizes: Vec<u64> = out
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    if sizes.len() != files.len() {
        return Err(format!("unexpected size output: {out}"));
    }
    Ok(sizes)
}

/// The number of imported functions and each defined function's body (locals and code).
fn functions(
    bytes: &[u8],
) -> std::result::Result<(u32, Vec<&[u8]>), wasmparser::BinaryReaderError> {
    let mut imports = 0;
    let mut bodies = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    if matches!(import?.ty, wasmparser::TypeRef::Func(_)) {
                        imports += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(&bytes[body.range()]),
            _ => {}
        }
    }
    Ok((imports, bodies))
}

/// The module with its defined functions in `order` (old positions, new order first).
fn rewrite(bytes: &[u8], imports: u32, order: &[usize]) -> Result<Vec<u8>> {
    let mut new_of_old = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old] = u32::try_from(new).map_err(|_| "too many functions")?;
    }
    let mut r = Reorder {
        imports,
        order: order.to_vec(),
        new_of_old,
    };
    let mut module = wasm_encoder::Module::new();
    r.parse_core_module(&mut module, Parser::new(0), bytes)
        .map_err(|e| format!("re-encoding the module: {e}"))?;
    Ok(module.finish())
}

/// The re-encoder that moves the defined functions and renumbers every reference.
struct Reorder {
    imports: u32,
    order: Vec<usize>,
    new_of_old: Vec<u32>,
}

impl Reencode for Reorder {
    type Error = Infallible;

    fn function_index(&mut self, func: u32) -> std::result::Result<u32, ReencodeError<Infallible>> {
        Ok(match func.checked_sub(self.imports) {
            Some(defined) => self.imports + self.new_of_old[defined as usize],
            None => func,
        })
    }

    fn parse_function_section(
        &mut self,
        functions: &mut wasm_encoder::FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> std::result::Result<(), ReencodeError<Infallible>> {
        let types = section
            .into_iter()
            .collect::<std::result::Result<Vec<u32>, _>>()?;
        for ty in self.in_order(&types) {
            let ty = self.type_index(ty)?;
            functions.function(ty);
        }
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> std::result::Result<(), ReencodeError<Infallible>> {
        let bodies = section
            .into_iter()
            .collect::<std::result::Result<Vec<FunctionBody<'_>>, _>>()?;
        for body in self.in_order(&bodies) {
            self.parse_function_body(code, body)?;
        }
        Ok(())
    }
}

impl Reorder {
    /// `items` (one per defined function, in the module's order) in the new order.
    fn in_order<T: Clone>(&self, items: &[T]) -> Vec<T> {
        self.order.iter().map(|&old| items[old].clone()).collect()
    }
}

/// The order described in the module documentation, comparing each candidate with the
/// last `window` bytes placed; as positions in `bodies`.
fn similar_first(bodies: &[&[u8]], window: usize) -> Vec<usize> {
    // Each body's distinct 4-byte sequences, as dense ids, and for each id the bodies
    // that contain it.
    let mut ids = std::collections::HashMap::new();
    let grams: Vec<Vec<usize>> = bodies
        .iter()
        .map(|b| {
            let mut g: Vec<usize> = b
                .windows(4)
                .map(|w| {
                    let next = ids.len();
                    *ids.entry([w[0], w[1], w[2], w[3]]).or_insert(next)
                })
                .collect();
            g.sort_unstable();
            g.dedup();
            g
        })
        .collect();
    let mut holders = vec![Vec::new(); ids.len()];
    for (f, g) in grams.iter().enumerate() {
        for &id in g {
            holders[id].push(f);
        }
    }
    // `in_window[id]`: how many placed bodies in the window contain `id`;
    // `score[f]`: how many of `f`'s sequences are in the window.
    let mut in_window = vec![0u32; ids.len()];
    let mut score = vec![0usize; bodies.len()];
    let mut placed = vec![false; bodies.len()];
    let mut placed_window = std::collections::VecDeque::new();
    let mut window_bytes = 0;
    let mut order = Vec::with_capacity(bodies.len());
    let first = (0..bodies.len()).max_by_key(|&f| (bodies[f].len(), std::cmp::Reverse(f)));
    let mut next = first;
    while let Some(f) = next {
        placed[f] = true;
        order.push(f);
        for &id in &grams[f] {
            in_window[id] += 1;
            if in_window[id] == 1 {
                holders[id].iter().for_each(|&h| score[h] += 1);
            }
        }
        placed_window.push_back(f);
        window_bytes += bodies[f].len();
        while window_bytes > window && placed_window.len() > 1 {
            let Some(old) = placed_window.pop_front() else {
                break;
            };
            window_bytes -= bodies[old].len();
            for &id in &grams[old] {
                in_window[id] -= 1;
                if in_window[id] == 0 {
                    holders[id].iter().for_each(|&h| score[h] -= 1);
                }
            }
        }
        // The best share (score + ½) / (sequences + 1), compared without division; the
        // first such body on a tie.
        next = None;
        let mut best = (0usize, 1usize);
        for g in (0..bodies.len()).filter(|&g| !placed[g]) {
            let share = (2 * score[g] + 1, 2 * grams[g].len() + 2);
            if next.is_none() || share.0 * best.1 > best.0 * share.1 {
                best = share;
                next = Some(g);
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_bodies_end_up_together() {
        let a: &[u8] = b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a";
        let b: &[u8] = b"zzzzyyyyxxxxwwww";
        let a2: &[u8] = b"\x01\x02\x03\x04\x05\x06\x07\x08";
        let b2: &[u8] = b"zzzzyyyyxx";
        // b is the largest, so it comes first, then what resembles it; then a2 (nothing
        // in common with the window: the smaller body has the larger share ½ / (n + 1)),
        // then a, which resembles a2.
        assert_eq!(similar_first(&[a, b, a2, b2], 1024), [1, 3, 2, 0]);
        assert_eq!(similar_first(&[], 1024), Vec::<usize>::new());
    }

    /// (func $f (call $g)) (func $g) (func $h (call $f)) (export "h" (func $h)),
    /// with one imported function before them.
    fn module() -> Vec<u8> {
        use wasm_encoder::{
            CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
            ImportSection, Instruction, Module, TypeSection,
        };
        let mut m = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        m.section(&types);
        let mut imports = ImportSection::new();
        imports.import("m", "i", EntityType::Function(0));
        m.section(&imports);
        let mut funcs = FunctionSection::new();
        (0..3).for_each(|_| {
            funcs.function(0);
        });
        m.section(&funcs);
        let mut exports = ExportSection::new();
        exports.export("h", ExportKind::Func, 3);
        m.section(&exports);
        let mut code = CodeSection::new();
        for callee in [Some(2), None, Some(1)] {
            let mut f = Function::new([]);
            if let Some(c) = callee {
                f.instruction(&Instruction::Call(c));
            }
            f.instruction(&Instruction::End);
            code.function(&f);
        }
        m.section(&code);
        m.finish()
    }

    #[test]
    fn references_follow_the_functions() {
        let bytes = module();
        let (imports, bodies) = functions(&bytes).expect("parsed");
        assert_eq!((imports, bodies.len()), (1, 3));
        assert_eq!(rewrite(&bytes, imports, &[0, 1, 2]).expect("same"), bytes);
        // New order h, f, g: h (now 1) calls f (now 2), f calls g (now 3); the export
        // names h's new index.
        let out = rewrite(&bytes, imports, &[2, 0, 1]).expect("reordered");
        let (_, moved) = functions(&out).expect("parsed");
        let moved: Vec<Vec<u8>> = moved.iter().map(|b| b.to_vec()).collect();
        // Bodies: locals (none), `call` and its index, `end`.
        assert_eq!(
            moved,
            [
                vec![0, 0x10, 2, 0x0b],
                vec![0, 0x10, 3, 0x0b],
                vec![0, 0x0b]
            ]
        );
        assert_eq!(
            (bodies[2], bodies[0]),
            (&[0, 0x10, 1, 0x0b][..], &[0, 0x10, 2, 0x0b][..])
        );
        let export = Parser::new(0).parse_all(&out).find_map(|p| match p {
            Ok(Payload::ExportSection(s)) => s.into_iter().next()?.ok().map(|e| e.index),
            _ => None,
        });
        assert_eq!(export, Some(1));
    }
}
