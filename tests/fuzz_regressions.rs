//! Replays every saved fuzz input under a normal `cargo test`.
//!
//! The fuzz targets' bodies live in `fuzz/src/lib.rs` (included here as a module), so
//! the inputs `cargo xtask fuzz` kept in `fuzz/regressions/<target>/` (crashes it
//! found, and which must now pass) and the seeds in `fuzz/seeds/<target>/` run on
//! stable, without libFuzzer.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod targets;

use std::fs;
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted (none when the folder does not exist).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n != ".gitkeep" && n != "README.md")
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn replay(kind: &str) -> usize {
    let mut count = 0;
    for (name, run) in targets::TARGETS {
        for path in inputs(kind, name) {
            let data = fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{name} panics on {}", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn regressions_pass() {
    let n = replay("regressions");
    eprintln!("replayed {n} regression inputs");
}

#[test]
fn seeds_pass() {
    let n = replay("seeds");
    assert!(
        n >= targets::TARGETS.len(),
        "every target has seeds ({n} files)"
    );
}

#[test]
fn every_target_is_wired_up() {
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    for (name, _) in targets::TARGETS {
        let bin = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let source =
            fs::read_to_string(&bin).unwrap_or_else(|_| panic!("{} is missing", bin.display()));
        assert!(
            source.contains(&format!("phone_auth_fuzz::{name}(")),
            "{} does not call {name}",
            bin.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no [[bin]] {name}"
        );
    }
    let binaries = fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .unwrap()
        .count();
    assert_eq!(
        binaries,
        targets::TARGETS.len(),
        "a fuzz_targets/*.rs is not in TARGETS"
    );
}

#[test]
fn flows_have_configs() {
    // The provider targets also drive each flow; their configs must still deserialize.
    let _ = (
        targets::gizo_config(),
        targets::arita_config(),
        targets::monetha_config(),
        targets::sso_config(),
    );
}

#[test]
fn response_bytes_layout() {
    // Status (2 bytes, 100 + n % 500), flags (content type, Retry-After), body.
    let response = targets::response(&[0x01, 0x2c, 0x04, b'{', b'}']);
    assert_eq!(response.status, 100 + 300);
    assert_eq!(response.body, b"{}");
    assert_eq!(
        response.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let limited = targets::response(&[0x01, 0x49, 0x5c]);
    assert_eq!((limited.status, limited.retry_after()), (429, Some(5)));
}
