//! `cargo xtask <command>`: the project's build, test and tooling commands.
//!
//! Every command installs what it needs (idempotently) before it runs.

mod bench;
mod demo;
mod fuzz;
mod phone_gen;
mod pkg;
mod rn;
mod test;
mod tools;

use std::process::ExitCode;

/// Result type of every command.
pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test [--quick]            install missing tools, then run every test (what CI runs)
  demo [--port N]           build the package, start the emulator, serve the demo page
  pkg [--test | --repro]    build the npm package into pkg/, gated by its size budgets; --test: then the
                            wasm and package tests; --repro: then build pkg/web again elsewhere, same bytes
  size                      print both browser builds' sizes (raw, gzip -9, brotli); fails over budget
  bench [--quick]           benchmarks against the peers, one table
  fuzz [--seconds N]        run every fuzz target for N seconds (nightly)
  gen-phone [--check]       regenerate (or check) src/phone/data.rs from libphonenumber metadata
  rn                        the React Native tests (Metro, Hermes) on the built pkg/
  setup                     install the tools (wasm target, wasm-bindgen-cli, wasm-pack, binaryen, chromium)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => {
            eprint!("{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cmd {
        "test" => test::run(rest),
        "demo" => demo::run(rest),
        "pkg" => pkg::run(rest),
        "size" => pkg::size(rest),
        "bench" => bench::run(rest),
        "fuzz" => fuzz::run(rest),
        "gen-phone" => phone_gen::run(rest),
        "setup" => tools::setup_all(),
        "rn" => rn::test(),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
