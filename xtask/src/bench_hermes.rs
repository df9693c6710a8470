//! `cargo xtask bench`'s Hermes rows: the React Native entry in the Hermes engine.
//!
//! The packed package in a fresh project; Metro bundles `tests/rn/bench-hermes.js` for
//! Android (production, `@react-native/babel-preset`), `hermesc -O` compiles it to bytecode
//! as a React Native release build does, and `hermes` runs it: `normalizePhone` against
//! libphonenumber-js and `decodeToken` against jwt-decode and jose, on the same inputs as
//! the Node bench (the first N of `bench/inputs.mjs`), then time to the first result after
//! `init()` in fresh processes. Also the entry's size, gzip -9.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::rn::tests as rn;
use crate::tools::{self, root};
use crate::Result;

/// Measures and prints the Hermes rows; returns them as JSON (kept in `target/bench/`).
pub fn run(quick: bool) -> Result<Value> {
    let tools = rn::ensure_tools()?;
    let work = crate::pkg::fresh_project("phone-auth-hermes-bench", &[])?;
    let (n, warmup, passes, starts) = if quick {
        (1000, 1, 3, 3)
    } else {
        (5000, 3, 15, 10)
    };
    let here = root().join("tests/rn");
    crate::rn::copy(&here.join("bench-hermes.js"), &work.join("bench-hermes.js"))?;
    crate::rn::copy(
        &here.join("metro.config.cjs"),
        &work.join("metro.config.cjs"),
    )?;
    tools::run(
        Command::new("node")
            .arg(here.join("bench-inputs.mjs"))
            .arg(root().join("bench"))
            .arg(work.join("bench-inputs.json"))
            .arg(n.to_string()),
    )?;
    let config = |v: Value| crate::rn::write(&work.join("bench-config.json"), &v.to_string());
    config(json!({ "warmup": warmup, "passes": passes }))?;
    let bundle = rn::metro(&tools, &work, "bench-hermes.js", true)?;
    rn::check_bundle(&bundle)?;
    let hbc = work.join("bench.hbc");
    compile(&tools, &bundle, &hbc)?;
    eprintln!("\n--- Hermes: throughput ({n} inputs, {passes} passes) ---");
    let mut result = hermes_json(&tools, &hbc)?;

    // Time to the first result, each in a fresh process: `await init()` then one
    // `normalizePhone` (the bundle holds only the package and this script's imports).
    config(json!({ "startOnly": true }))?;
    let bundle = rn::metro(&tools, &work, "bench-hermes.js", true)?;
    compile(&tools, &bundle, &hbc)?;
    let mut firsts = Vec::new();
    for _ in 0..starts {
        let v = hermes_json(&tools, &hbc)?;
        firsts.push(v["start"].clone());
    }
    let median = |key: &str| {
        let mut xs: Vec<f64> = firsts.iter().filter_map(|s| s[key].as_f64()).collect();
        xs.sort_by(f64::total_cmp);
        xs.get(xs.len() / 2).copied()
    };
    result["start"] = json!({
        "initMs": median("initMs"), "firstCallMs": median("firstCallMs"),
        "firstResultMs": median("firstResultMs"), "runs": starts,
    });
    result["size"] = entry_size(&work.join("node_modules/phone-auth/rn"))?;
    result["hermes"] = json!(hermes_version(&tools));
    print_rows(&result);
    let _ = std::fs::remove_dir_all(&work);
    Ok(result)
}

fn compile(tools: &Path, bundle: &Path, hbc: &Path) -> Result {
    tools::run(
        Command::new(tools.join("hermes-engine-cli/linux64-bin/hermesc"))
            .args(["-O", "-emit-binary", "-out"])
            .arg(hbc)
            .arg(bundle),
    )
}

fn hermes_json(tools: &Path, hbc: &Path) -> Result<Value> {
    let out = tools::output(Command::new(rn::hermes(tools)).arg(hbc))
        .ok_or("hermes could not run the bench")?;
    let line = out.lines().rev().find(|l| l.starts_with('{')).unwrap_or("");
    serde_json::from_str(line).map_err(|e| format!("hermes bench: bad output ({e}): {out}"))
}

fn hermes_version(tools: &Path) -> String {
    let manifest = tools.join("hermes-engine-cli/package.json");
    std::fs::read_to_string(manifest)
        .ok()
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .and_then(|v| {
            v["version"]
                .as_str()
                .map(|s| format!("hermes-engine-cli {s}"))
        })
        .unwrap_or_else(|| "hermes-engine-cli ?".into())
}

/// gzip -9 of the JavaScript the React Native entry loads (`index.js` + `polyfills.js`).
fn entry_size(rn: &Path) -> Result<Value> {
    let script = "const fs=require('fs'),z=require('zlib');let r=0,g=0;\
        for(const f of process.argv.slice(1)){const d=fs.readFileSync(f);r+=d.length;\
        g+=z.gzipSync(d,{level:9}).length;}console.log(JSON.stringify({raw:r,gzip:g}))";
    let out = tools::output(
        Command::new("node")
            .arg("-e")
            .arg(script)
            .arg(rn.join("index.js"))
            .arg(rn.join("polyfills.js")),
    )
    .ok_or("node could not measure pkg/rn")?;
    serde_json::from_str(out.trim()).map_err(|e| format!("pkg/rn size: {e}"))
}

fn print_rows(r: &Value) {
    let ops = |name: &str| r["results"][name]["opsPerSec"].as_f64().unwrap_or(f64::NAN);
    let agree = |name: &str| {
        let a = &r["agreement"][name];
        format!("{}/{}", a["ok"], a["of"])
    };
    println!(
        "\nHermes ({}), the react-native entry (wasm2js), bytecode from hermesc -O",
        r["hermes"]
    );
    println!("  {:<28} {:>12} {:>8}  agree", "", "ops/s", "ratio");
    let rows = [
        ("normalizePhone", "libphonenumber-js min"),
        ("libphonenumber-js min", "libphonenumber-js min"),
        ("libphonenumber-js max", "libphonenumber-js min"),
        ("decodeToken", "jose header + claims"),
        ("jwt-decode", "jose header + claims"),
        ("jose.decodeJwt", "jose header + claims"),
        ("jose header + claims", "jose header + claims"),
    ];
    for (name, base) in rows {
        println!(
            "  {name:<28} {:>12.0} {:>7.2}×  {}",
            ops(name),
            ops(name) / ops(base),
            agree(name)
        );
    }
    let s = &r["start"];
    println!(
        "  first result after init(): {} ms (init {} ms + first normalizePhone {} ms), median of {}",
        s["firstResultMs"], s["initMs"], s["firstCallMs"], s["runs"]
    );
    println!(
        "  entry size: {} B raw, {} B gzip -9 (rn/index.js + rn/polyfills.js)",
        r["size"]["raw"], r["size"]["gzip"]
    );
    println!("  (jwt-decode and jose need `atob`, which this Hermes shell lacks: a JS one is used; React Native has a native one)");
}
