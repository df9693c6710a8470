//! # phone-auth-emulator
//!
//! A local server that speaks the GIZO, Arita, Monetha and SSO v1 phone-OTP APIs at
//! their real paths on one port, with developer endpoints to read the "sent" codes,
//! fixed test numbers, fault injection and optional SQLite persistence.
//!
//! Start it in-process with [`serve`] (tests use [`Config::ephemeral`] for a free
//! loopback port), or run the `phone-auth-emulator` binary; see `docs/emulator.md`.
//!
//! Code map: [`config`] (settings), [`server`] (start-up, accept loop, router), one
//! module per backend ([`gizo`], [`arita`], [`monetha`], [`sso`]), [`app`] (shared
//! operations), [`store`] (state), [`codes`] (code rules), [`tokens`] (JWTs), [`db`]
//! (`--data`), [`faults`] (`X-Emulator-Fault`), [`dev`] (`/__emulator/…`),
//! [`static_files`] (`www/`, `pkg/`), [`web`] (HTTP plumbing), [`cli`] (flags).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Handlers bail out early with a finished `Response` as their `Err`; boxing it would
// only add noise to every `?`.
#![allow(clippy::result_large_err)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod app;
pub mod arita;
pub mod cli;
pub mod codes;
pub mod config;
pub mod db;
pub mod dev;
pub mod faults;
pub mod gizo;
pub mod monetha;
pub mod server;
pub mod sso;
pub mod static_files;
pub mod store;
pub mod tokens;
pub mod web;

pub use config::{Config, JwtAlg, Logger, RateLimits};
pub use server::{serve, Running, StartError};
