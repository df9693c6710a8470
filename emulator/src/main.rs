//! `phone-auth-emulator`: see `docs/emulator.md` or `--help`.
#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = phone_auth_emulator::cli::Args::parse();
    let config = match args.into_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("phone-auth-emulator: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let running = match phone_auth_emulator::serve(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("phone-auth-emulator: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // Runs until Ctrl-C / SIGTERM.
    shutdown_signal().await;
    running.shutdown().await;
    std::process::ExitCode::SUCCESS
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
