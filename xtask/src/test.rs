//! `cargo xtask test`: every check CI makes, in order, cheapest first.

use std::time::Instant;

use crate::tools::{self, command, root};
use crate::Result;

pub fn run(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--quick");
    let started = Instant::now();
    let step = |name: &str, f: &mut dyn FnMut() -> Result| -> Result {
        eprintln!("\n=== {name} ===");
        let t = Instant::now();
        f().map_err(|e| format!("{name}: {e}"))?;
        eprintln!("=== {name}: ok ({:.0?}) ===", t.elapsed());
        Ok(())
    };
    let cargo = |args: &[&str]| tools::run(command("cargo").current_dir(root()).args(args));

    step("tools", &mut || {
        tools::ensure_wasm_target()?;
        if !quick {
            tools::setup_all()?;
        }
        Ok(())
    })?;
    step("fmt", &mut || cargo(&["fmt", "--all", "--check"]))?;
    step("clippy", &mut || {
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])?;
        cargo(&[
            "clippy",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ])?;
        // The browser's sign-in build (`pkg/web`, without `custom` and `extras`) and the
        // one-provider builds (`pkg/sso`, …).
        for features in std::iter::once("providers").chain(crate::pkg::PROVIDERS) {
            cargo(&[
                "clippy",
                "--lib",
                "--target",
                "wasm32-unknown-unknown",
                "--no-default-features",
                "--features",
                features,
                "--",
                "-D",
                "warnings",
            ])?;
        }
        cargo(&[
            "clippy",
            "--lib",
            "--features",
            "verify",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    step("native tests", &mut || {
        cargo(&["test", "--workspace"])?;
        cargo(&["test", "--lib", "--features", "verify", "token"])
    })?;
    step("phone data matches its generator", &mut || {
        crate::phone_gen::run(&["--check".to_owned()])
    })?;
    if !quick {
        step("wasm tests (Chromium, Node) and package", &mut || {
            crate::pkg::test()
        })?;
        step("React Native: Metro bundles, Hermes runs", &mut || {
            crate::rn::test()
        })?;
        step("adversarial (Node package)", &mut || {
            crate::bench::adversarial()
        })?;
        step("browser end-to-end", &mut || crate::demo::test_e2e())?;
        step("bench --quick", &mut || {
            crate::bench::run(&["--quick".to_owned()])
        })?;
        step("fuzz (short)", &mut || {
            crate::fuzz::run(&["--seconds".to_owned(), "10".to_owned()])
        })?;
        step("cargo deny", &mut || crate::fuzz::deny())?;
    }
    eprintln!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}
