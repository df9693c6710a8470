//! The wasm-bindgen-test suites (Node and headless Chromium) and the package tests,
//! all against one real emulator on an ephemeral loopback port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::tools::{self, command, root};
use crate::Result;

/// Numbers that always accept the code [`TEST_CODE`] (no SMS); the tests use them.
const TEST_NUMBERS: [&str; 13] = [
    "+491705550101",
    "+491705550102",
    "+491705550103",
    "+491705550104",
    "+491705550105",
    "+491705550106",
    "+491705550107",
    "+491705550108",
    "+491705550109",
    "+491705550110",
    "+491705550111",
    "+491705550112",
    "+491705550113",
];
/// The code of every test number.
const TEST_CODE: &str = "482135";

pub fn run() -> Result {
    tools::ensure_chromium()?;
    let emulator = Emulator::start()?;
    eprintln!("emulator at {}", emulator.url);
    wasm_tests(&emulator.url)?;
    package_tests(&emulator.url)
}

/// `cargo test --target wasm32-unknown-unknown` for `tests/wasm_node.rs` (Node) and
/// `tests/wasm_browser.rs` (headless Chromium through chromedriver and `webdriver.json`).
///
/// Green only with a `test result: ok.` line: a Node whose event loop runs dry ends
/// the run early with exit status 0 and no summary.
fn wasm_tests(url: &str) -> Result {
    for test in ["wasm_node", "wasm_browser"] {
        let mut child = command("cargo")
            .current_dir(root())
            .args(["test", "--target", "wasm32-unknown-unknown", "--test", test])
            .env("PHONE_AUTH_EMULATOR", url)
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "180")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cargo test --test {test}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no cargo test stdout")?;
        let mut summary_ok = false;
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            println!("{line}");
            summary_ok |= line.starts_with("test result: ok.");
        }
        let status = child
            .wait()
            .map_err(|e| format!("cargo test --test {test}: {e}"))?;
        if !status.success() || !summary_ok {
            return Err(format!(
                "the {test} wasm tests failed ({status}, summary {})",
                if summary_ok { "ok" } else { "missing" }
            ));
        }
    }
    Ok(())
}

/// The bundlers a web developer uses, each with no configuration.
const VITE: &str = "vite@8.4.1";
const WEBPACK: &str = "webpack@5.113.0";
const WEBPACK_CLI: &str = "webpack-cli@6.0.0";
/// The TypeScript compiler the declarations are checked with.
const TYPESCRIPT: &str = "typescript@5.9.3";
/// What `decodeToken` is compared with (the version `bench/` pins).
const JOSE: &str = "jose@6.2.17";

/// `npm pack` → a fresh project → Node ESM scripts (a sign-in, `phone-auth/full`, the
/// one-provider entries, `decodeToken` against jose), `tsc --strict` over the
/// declarations, and Vite 8 (`phone-auth`) and webpack 5 (`phone-auth/monetha`) builds,
/// with no configuration, run in Chromium.
fn package_tests(url: &str) -> Result {
    let work = super::fresh_project(
        "phone-auth-package",
        &[VITE, WEBPACK, WEBPACK_CLI, TYPESCRIPT, JOSE],
    )?;
    let here = root().join("tests/package");
    for f in [
        "node-test.mjs",
        "node-full-test.mjs",
        "node-providers-test.mjs",
        "security-test.mjs",
        "decode-token-jose.mjs",
        "decode-token-fast.mjs",
        "types-test.ts",
        "check-dts.mjs",
    ] {
        copy(&here.join(f), &work.join(f))?;
    }
    // No bundler configuration: the package must work with each bundler's defaults.
    for f in ["index.html", "main.js"] {
        copy(&here.join("page").join(f), &work.join(f))?;
    }
    copy(
        &root().join("tests/leaks/node-soak.mjs"),
        &work.join("node-soak.mjs"),
    )?;
    eprintln!("\n--- Node 20 ESM, no DOM globals ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg("node-test.mjs")
            .arg(url),
    )?;
    eprintln!("\n--- Node 20 ESM: `phone-auth/full`, and what the sign-in build leaves out ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg("node-full-test.mjs")
            .arg(url),
    )?;
    eprintln!("\n--- Node 20 ESM: the one-provider entries (`phone-auth/sso`, …) ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg("node-providers-test.mjs")
            .arg(url),
    )?;
    eprintln!("\n--- Node 20 ESM: the token only to trusted origins, never in clear text ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg("security-test.mjs")
            .arg(url),
    )?;
    eprintln!("\n--- decodeToken against jose on a corpus of headers and claims ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg("decode-token-jose.mjs"),
    )?;
    eprintln!("\n--- decodeToken: its JavaScript fast path against the Rust decoder ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .arg("decode-token-fast.mjs"),
    )?;
    eprintln!("\n--- Node 20: no leaks (16k clients disposed/dropped, 3k sign-in/out, refresh and 401 cycles, error paths) ---");
    tools::run(
        Command::new("node")
            .current_dir(&work)
            .args(["--expose-gc", "node-soak.mjs"]),
    )?;
    eprintln!("\n--- TypeScript: the declarations as an app uses them ---");
    tools::run(Command::new("node").current_dir(&work).arg("check-dts.mjs"))?;
    tools::run(
        command("node_modules/.bin/tsc")
            .current_dir(&work)
            .args([
                "--noEmit",
                "--strict",
                "--target",
                "es2022",
                "--lib",
                "es2022,dom",
            ])
            .args(["--module", "nodenext", "--moduleResolution", "nodenext"])
            .arg("types-test.ts"),
    )?;
    eprintln!("\n--- Vite 8 production build, no configuration ---");
    tools::run(
        command("node_modules/.bin/vite")
            .current_dir(&work)
            .arg("build"),
    )?;
    eprintln!("\n--- the Vite page in headless Chromium ---");
    page_in_chromium(&work, url, "dist", "Vite")?;
    // The same page through webpack, importing the one-provider entry it needs.
    eprintln!("\n--- webpack 5 production build of `phone-auth/monetha`, no configuration ---");
    let page = std::fs::read_to_string(work.join("main.js")).map_err(|e| e.to_string())?;
    let one = page.replace("from 'phone-auth';", "from 'phone-auth/monetha';");
    if one == page {
        return Err("tests/package/page/main.js no longer imports 'phone-auth'".into());
    }
    std::fs::write(work.join("main-monetha.js"), one).map_err(|e| e.to_string())?;
    tools::run(
        command("node_modules/.bin/webpack")
            .current_dir(&work)
            .args(["--mode", "production", "--entry", "./main-monetha.js"])
            .args(["--output-path", "dist-webpack"]),
    )?;
    let monetha = super::pkg_dir().join("monetha/phone_auth_bg.wasm");
    webpack_emitted_wasm(&work.join("dist-webpack"), &monetha)?;
    copy(
        &here.join("webpack/index.html"),
        &work.join("dist-webpack/index.html"),
    )?;
    eprintln!("\n--- the webpack page in headless Chromium ---");
    page_in_chromium(&work, url, "dist-webpack", "webpack")?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// webpack emitted the `.wasm` (the one of `expected`'s build) as an asset file of its
/// own, not inlined as base64.
fn webpack_emitted_wasm(dist: &Path, expected: &Path) -> Result {
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let want = len(expected);
    let files = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let wasm = files
        .flatten()
        .filter(|f| f.path().extension().is_some_and(|x| x == "wasm"))
        .any(|f| want > 0 && len(&f.path()) == want);
    let main = std::fs::read_to_string(dist.join("main.js")).map_err(|e| e.to_string())?;
    if !wasm || main.contains("data:application/wasm") {
        return Err(format!(
            "webpack did not emit the .wasm as an asset in {}",
            dist.display()
        ));
    }
    Ok(())
}

/// Serves `<work>/<out_dir>` with `vite preview` and reads the page's DOM after it ran.
fn page_in_chromium(work: &Path, api: &str, out_dir: &str, bundler: &str) -> Result {
    let port = free_port()?;
    // Vite itself, not through `npx` (whose kill would leave the server running).
    let mut preview = Kill(
        vite(work)
            .args(["preview", "--outDir", out_dir, "--strictPort"])
            .args(["--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("vite preview: {e}"))?,
    );
    let page = format!("http://127.0.0.1:{port}/?api={api}");
    let mut last = String::new();
    for _ in 0..30 {
        std::thread::sleep(Duration::from_millis(500));
        last = tools::output(Command::new("/usr/bin/chromium").args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=15000",
            "--dump-dom",
            &page,
        ]))
        .unwrap_or_default();
        if last.contains("done") || last.contains("failed:") {
            break;
        }
    }
    let _ = preview.0.kill();
    let expect = [
        "e164 +491747707607",
        "error true invalid_phone",
        "signed in monetha +491705550109 jwt",
        "done",
    ];
    match expect.iter().find(|e| !last.contains(*e)) {
        None => {
            eprintln!("the page worked: {}", expect.join(" / "));
            Ok(())
        }
        Some(missing) => Err(format!(
            "the {bundler} page did not show {missing:?}; its DOM:\n{last}"
        )),
    }
}

/// `<work>/node_modules/.bin/vite`, run in `work`.
fn vite(work: &Path) -> Command {
    let mut c = Command::new(work.join("node_modules/.bin/vite"));
    c.current_dir(work).env("PATH", tools::path_with_tools());
    c
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", from.display()))
}

/// Kills a child process when dropped.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real emulator on `127.0.0.1:0`, with CORS open for the test pages.
pub struct Emulator {
    pub url: String,
    _child: Kill,
}

impl Emulator {
    pub fn start() -> Result<Emulator> {
        tools::run(command("cargo").current_dir(root()).args([
            "build",
            "-p",
            "phone-auth-emulator",
        ]))?;
        let bin: PathBuf = root().join("target/debug/phone-auth-emulator");
        let mut cmd = Command::new(bin);
        cmd.current_dir(root())
            .args(["--port", "0", "--cors-origin", "*", "--quiet"])
            .args(["--max-codes-per-number", "0", "--resend-cooldown", "1"]);
        for n in TEST_NUMBERS {
            cmd.arg("--test-number").arg(format!("{n}={TEST_CODE}"));
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let stdout = child.stdout.take().ok_or("no emulator stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .and_then(|l| l.ok())
            .ok_or("the emulator printed nothing")?;
        // Keep draining so the emulator never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .ok_or_else(|| format!("unexpected first emulator line: {first}"))?
            .trim_end_matches('/')
            .to_owned();
        Ok(Emulator {
            url,
            _child: Kill(child),
        })
    }
}
