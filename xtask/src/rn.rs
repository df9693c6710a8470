//! `pkg/rn/`: the React Native entry of `phone-auth`, and its tests in the Hermes engine.
//!
//! React Native's engine, Hermes, has no `WebAssembly`. The same Rust crate is built once
//! more for the WebAssembly MVP (nightly `-Z build-std` with `-Ctarget-cpu=mvp`: no
//! reference types, bulk memory or sign-extension ops, which `wasm2js` cannot translate),
//! bound with `wasm-bindgen --target bundler`, given the web build's short import and
//! export names, optimised by `wasm-opt` with the web build's flags and function order,
//! and turned into JavaScript by binaryen's `wasm2js` (its data segments rewritten as
//! text, `rn_segments.rs`): the same module, as JS. docs/wasm.md says why this bridge
//! and not an interpreter, with the numbers.
//!
//! `pkg/rn/`:
//! - `index.js` (`phone-auth`) and `full.js` (`phone-auth/full`, the features `custom` and
//!   `extras`): each one minified ES module, bundled by esbuild from
//!   `pkg-template/rn/index.js`, the wasm-bindgen glue (`phone_auth_bg.js`, its snippets)
//!   and the wasm2js module; each imports `./polyfills.js` first;
//! - `polyfills.js`: `TextEncoder`/`TextDecoder`, `queueMicrotask` and `Symbol.dispose`,
//!   each installed only where the runtime lacks it (the glue makes a `TextDecoder` when it
//!   is evaluated, so this module must run before it: ES import order guarantees that);
//! - `phone_auth_bg.wasm`, `full_bg.wasm`: the MVP modules themselves, for `init(bytes)`
//!   where a real `WebAssembly` exists (a newer Hermes, `react-native-webassembly`);
//! - `index.d.ts`, `full.d.ts`: the web builds' declarations, re-exported (the same API).

use std::path::{Path, PathBuf};

use crate::tools::{self, command, root};
use crate::Result;

#[path = "rn_segments.rs"]
mod segments;
#[path = "rn_tests.rs"]
pub(crate) mod tests;

pub use tests::run as test;

/// The two React Native builds: `pkg/rn/<name>.js` and its `.wasm` from the crate built
/// with `features` (`index` is `phone-auth`, `full` is `phone-auth/full`).
const BUILDS: [(&str, &str, &str); 2] = [
    ("index", "providers", "phone_auth_bg.wasm"),
    ("full", "providers,custom,extras", "full_bg.wasm"),
];

/// `pkg/rn` (call after the web builds: it bundles with the same esbuild).
pub fn build(pkg: &Path) -> Result {
    let toolchain = tools::ensure_web_toolchain()?;
    let rn = pkg.join("rn");
    for (name, features, wasm_name) in BUILDS {
        let out = root().join("target/rn").join(name);
        build_one(&toolchain, features, &out)?;
        bundle(&out, &rn.join(format!("{name}.js")))?;
        copy(&out.join("phone_auth_bg.wasm"), &rn.join(wasm_name))?;
        let dts = if name == "index" {
            "../web/index.js"
        } else {
            "../full/index.js"
        };
        write(
            &rn.join(format!("{name}.d.ts")),
            &read(&root().join("pkg-template/rn/index.d.ts"))?
                .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"))
                .replace("../web/index.js", dts),
        )?;
    }
    write(
        &rn.join("polyfills.js"),
        &read(&root().join("pkg-template/rn/polyfills.js"))?
            .replace("{{VERSION}}", env!("CARGO_PKG_VERSION")),
    )
}

/// The MVP module with `features`, bound, optimised and turned into JavaScript in `out`
/// (`phone_auth_bg.wasm`, `phone_auth_asm.js`, the patched glue `phone_auth_bg.js`).
fn build_one(toolchain: &str, features: &str, out: &Path) -> Result {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let wasm = cargo_build_mvp(toolchain, features)?;
    tools::run(
        command("wasm-bindgen")
            .arg(&wasm)
            .args([
                "--target",
                "bundler",
                "--out-name",
                "phone_auth",
                "--out-dir",
            ])
            .arg(out),
    )?;
    let bg_wasm = out.join("phone_auth_bg.wasm");
    let glue = out.join("phone_auth_bg.js");
    // The web build's short names (see pkg/imports.rs, pkg/exports.rs): wasm2js keeps
    // them as the names of its imports and exports.
    crate::pkg::imports::shorten(&bg_wasm, &glue)?;
    crate::pkg::exports::shorten(&bg_wasm, &glue)?;
    tools::run(
        command("wasm-opt")
            .arg(&bg_wasm)
            .args(crate::pkg::WASM_OPT_SIZE)
            .args(["--strip-debug", "--strip-producers", "--mvp-features"])
            .arg("-o")
            .arg(&bg_wasm),
    )?;
    // Similar functions side by side, as in the web builds (wasm2js keeps the order).
    crate::pkg::order::reorder(&bg_wasm)?;
    let asm = out.join("phone_auth_asm.js");
    tools::run(
        command("wasm2js")
            .arg(&bg_wasm)
            .args(["-Oz", "--mvp-features", "-o"])
            .arg(&asm),
    )?;
    write(&asm, &segments::as_text(&deferred_instance(&read(&asm)?)?)?)?;
    write(&glue, &patch_memory_views(&read(&glue)?)?)
}

/// `pkg-template/rn/index.js` beside the build in `out`, bundled with it into one
/// minified module at `dest` (which imports `./polyfills.js` first).
fn bundle(out: &Path, dest: &Path) -> Result {
    let runtime = crate::pkg::find_runtime(out)?;
    let entry = out.join("index.js");
    write(&entry, &crate::pkg::fill("rn/index.js", &runtime)?)?;
    // The polyfills stay a separate module, imported first.
    let external = ["--external:./polyfills.js"];
    crate::pkg::bundle(&crate::pkg::ensure_esbuild()?, &entry, dest, &external)?;
    let bundled = read(dest)?;
    let name = dest.display();
    if bundled.contains("import.meta") {
        return Err(format!(
            "{name} contains `import.meta` (Metro cannot load it)"
        ));
    }
    // ES imports run before the importing module's body, so this one import is enough
    // to have the polyfills installed before the glue's first `new TextDecoder`.
    if bundled.matches("import\"./polyfills.js\"").count() != 1 {
        return Err(format!("{name} must import ./polyfills.js (once)"));
    }
    Ok(())
}

/// `cargo build` of the crate with `features` for the WebAssembly MVP, with the web build's
/// size flags (see `pkg.rs`) and its pinned nightly `toolchain`, in its own target
/// directory. Returns the `.wasm`.
fn cargo_build_mvp(toolchain: &str, features: &str) -> Result<PathBuf> {
    let target = root().join("target/rn-nightly");
    tools::run(
        command("cargo")
            .current_dir(root())
            .env("RUSTUP_TOOLCHAIN", toolchain)
            .env("CARGO_TARGET_DIR", &target)
            .env(
                "RUSTFLAGS",
                "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none \
                 -Ctarget-cpu=mvp",
            )
            .args(["build", "--lib", "--release", "--no-default-features"])
            .args(if features.is_empty() {
                vec![]
            } else {
                vec!["--features", features]
            })
            .args(["--target", "wasm32-unknown-unknown"])
            .args(["-Z", "build-std=std,panic_abort"])
            .args(["-Z", "build-std-features=optimize_for_size"]),
    )?;
    Ok(target.join("wasm32-unknown-unknown/release/phone_auth.wasm"))
}

/// wasm2js's module instantiates itself when it is evaluated (`var retasmFunc =
/// asmFunc({…})` and one `export var` per export). It becomes `export function
/// instantiate()` returning the exports, so the work (and the memory's allocation) happens
/// in `init()`, not when the app's bundle loads.
fn deferred_instance(js: &str) -> Result<String> {
    const START: &str = "var retasmFunc = asmFunc({";
    const END: &str = "\n});\n";
    let fail = |what: &str| Err(format!("wasm2js output: {what}; its shape changed"));
    let Some((head, rest)) = js.split_once(START) else {
        return fail("no `var retasmFunc = asmFunc({`");
    };
    if rest.contains(START) {
        return fail("two `var retasmFunc = asmFunc({`");
    }
    let Some((imports, exports)) = rest.split_once(END) else {
        return fail("no `});` after the instantiation");
    };
    let mut names = 0;
    for line in exports.lines().filter(|l| !l.trim().is_empty()) {
        if !line.starts_with("export var ") {
            return fail(&format!(
                "unexpected line after the instantiation: {line:.80}"
            ));
        }
        names += 1;
    }
    if names < 2 || !exports.contains("export var memory = retasmFunc.memory;") {
        return fail("no `memory` export");
    }
    Ok(format!(
        "{head}export function instantiate() {{\n  return asmFunc({{{imports}\n  }});\n}}\n"
    ))
}

/// wasm-bindgen's glue caches its views of the wasm memory and makes new ones when the
/// memory grows, testing `byteLength === 0` (a real `memory.grow` detaches the old buffer)
/// or `buffer.detached`. wasm2js's `memory.grow` makes a new `ArrayBuffer` and leaves the
/// old one attached, so both tests miss the growth and the glue then reads stale memory.
/// Every `getXMemory0()` check becomes `cached === null || cached.buffer !== memory.buffer`.
/// Fails when the pattern is not found, so a new wasm-bindgen cannot silently undo this.
fn patch_memory_views(glue: &str) -> Result<String> {
    let mut out = String::with_capacity(glue.len() + 256);
    let mut patched = Vec::new();
    for line in glue.split_inclusive('\n') {
        let t = line.trim_start();
        let name = t
            .strip_prefix("if (")
            .and_then(|r| r.split_once(" === null || "))
            .map(|(name, _)| name)
            .filter(|n| n.starts_with("cached") && n.ends_with("Memory0"));
        match name {
            Some(name) if t.trim_end().ends_with(") {") => {
                let indent = &line[..line.len() - t.len()];
                out.push_str(&format!(
                    "{indent}if ({name} === null || {name}.buffer !== wasm.memory.buffer) {{\n"
                ));
                patched.push(name.to_owned());
            }
            _ => out.push_str(line),
        }
    }
    if !patched.iter().any(|n| n == "cachedUint8ArrayMemory0") {
        return Err(
            "wasm-bindgen glue: no `if (cachedUint8ArrayMemory0 === null || …) {` to patch; \
             its shape changed (see rn.rs patch_memory_views)"
                .into(),
        );
    }
    eprintln!("glue: memory views refreshed by buffer identity: {patched:?}");
    Ok(out)
}

pub(crate) fn read(p: &Path) -> Result<String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

pub(crate) fn write(p: &Path, text: &str) -> Result {
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))
}

pub(crate) fn copy(from: &Path, to: &Path) -> Result {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn memory_view_checks_compare_buffers() {
        let glue = "function getUint8ArrayMemory0() {\n    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {\n        x();\n    }\n}\n";
        let out = patch_memory_views(glue).unwrap();
        assert!(out.contains("if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.buffer !== wasm.memory.buffer) {\n"));
        assert!(!out.contains("byteLength"));
        assert!(patch_memory_views("function f() {}\n").is_err());
    }

    #[test]
    fn instance_is_deferred() {
        let js = "import * as a from './a.js';\nfunction asmFunc(imports) {}\nvar retasmFunc = asmFunc({\n  \"./a.js\": a,\n});\nexport var memory = retasmFunc.memory;\nexport var f = retasmFunc.f;\n";
        let out = deferred_instance(js).unwrap();
        assert!(out.contains(
            "export function instantiate() {\n  return asmFunc({\n  \"./a.js\": a,\n  });\n}\n"
        ));
        assert!(!out.contains("retasmFunc"));
        assert!(deferred_instance("var x;").is_err());
    }
}
