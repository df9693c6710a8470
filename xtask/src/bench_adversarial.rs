//! The adversarial suite against the built Node package (`tests/adversarial/`).
//!
//! At least 100,000 random and mutated inputs go to every exported function and method;
//! each call must return or throw an `AuthError`. Afterwards the same module instance signs
//! in against the real emulator, which a wasm panic (a poisoned instance) would prevent.

use crate::tools::{self, command, root};
use crate::Result;

use super::emulator::{self, Emulator};

/// Builds the package and the emulator, then runs `tests/adversarial/adversarial.mjs`.
pub fn adversarial() -> Result {
    let pkg = super::package()?;
    let bin = emulator::build()?;
    // Code-request limits lifted: the final sign-ins must not be refused for reasons
    // that have nothing to do with a poisoned module.
    let emu = Emulator::start(&bin, &emulator::load_flags(&bin))?;
    let script = root().join("tests/adversarial/adversarial.mjs");
    let inputs = std::env::var("ADVERSARIAL_INPUTS").unwrap_or_else(|_| "100000".into());
    tools::run(
        command("node")
            .current_dir(root())
            .arg(&script)
            .arg("--node")
            .arg(&pkg.node_entry)
            .args(["--emulator", &emu.base, "--inputs", &inputs]),
    )
}
