//! The reproducibility check: the package a user builds from a fresh clone must be the
//! package CI measured. `pkg/web` (the sign-in build the size budget is about) is built a
//! second time from a copy of the source tree at another path, into a target directory
//! of its own (so `std`, the dependencies and the crate are all compiled again), and must
//! come out byte for byte the same. One build, not both: the second build of `std` with
//! `-Z build-std` is most of the ~3 minutes this takes; `pkg/full` is the same crate with
//! two more features, through the same toolchain and tools.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{self, root};
use crate::Result;

/// Builds `pkg/web` again elsewhere and compares; prints the sha256 of every file of
/// `pkg/web` and `pkg/full` (for the log) and of the second build.
pub fn check() -> Result {
    let pkg = super::pkg_dir();
    for dir in ["web", "full"] {
        for (name, sum) in sums(&pkg.join(dir))? {
            eprintln!("sha256 {sum}  pkg/{dir}/{name}");
        }
    }
    let copy = std::env::temp_dir().join(format!("phone-auth-repro-{}", std::process::id()));
    let result = build_copy(&copy).and_then(|second| compare(&pkg.join("web"), &second));
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&copy);
    }
    result
}

/// The sources (what git tracks or would track, as they are in the working tree) copied
/// to `copy`, and `pkg/web` built from there: returns the second build's directory.
fn build_copy(copy: &Path) -> Result<PathBuf> {
    if copy.exists() {
        std::fs::remove_dir_all(copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    }
    let listed = tools::output(Command::new("git").current_dir(root()).args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ]))
    .ok_or("`git ls-files` failed: the reproducibility check needs a git checkout")?;
    let mut n = 0;
    for rel in listed.split('\0').filter(|r| !r.is_empty()) {
        let from = root().join(rel);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = copy.join(rel);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", from.display()))?;
        n += 1;
    }
    eprintln!(
        "reproducibility: {n} files copied to {}; building pkg/web there",
        copy.display()
    );
    let out = copy.join("target/wasm-pack/web");
    super::build_in(copy, &copy.join("target/web-nightly"), &out, "providers")?;
    let second = copy.join("pkg/web");
    super::assemble_web(&out, &second)?;
    Ok(second)
}

/// Every file of `first` and `second` has the same bytes (and neither has one more).
fn compare(first: &Path, second: &Path) -> Result {
    let a = sums(first)?;
    let b = sums(second)?;
    for (name, sum) in &b {
        eprintln!("sha256 {sum}  second build: pkg/web/{name}");
    }
    if a == b {
        eprintln!(
            "reproducible: pkg/web built twice (two source paths, two target directories), {} files, same bytes",
            a.len()
        );
        return Ok(());
    }
    let differ: Vec<&str> = a
        .iter()
        .chain(&b)
        .filter(|f| !(a.contains(f) && b.contains(f)))
        .map(|(name, _)| name.as_str())
        .collect();
    Err(format!(
        "pkg/web is not reproducible: built again from a copy of the sources at another \
         path, these files differ: {differ:?}. Compare {} with {} (kept) and look for \
         paths or build-time values in the output (panic locations, `file!()`, snippet \
         names)",
        first.display(),
        second.display()
    ))
}

/// `(file name, sha256)` of every file in `dir`, sorted by name.
fn sums(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let out = tools::output(Command::new("sha256sum").current_dir(dir).args(&names))
        .ok_or_else(|| format!("sha256sum failed in {}", dir.display()))?;
    let mut sums = Vec::new();
    for line in out.lines() {
        if let Some((sum, name)) = line.split_once("  ") {
            sums.push((name.to_owned(), sum.to_owned()));
        }
    }
    if sums.len() != names.len() {
        return Err(format!("unexpected sha256sum output in {}", dir.display()));
    }
    Ok(sums)
}
