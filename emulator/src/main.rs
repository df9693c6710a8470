//! PLACEHOLDER — the emulator is being implemented (issue 4).

fn main() {
    eprintln!("phone-auth-emulator: not implemented yet");
    std::process::exit(1);
}
