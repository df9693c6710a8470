//! The wasm-bindgen layer: the only place that knows `JsValue`, `fetch`, storage and
//! timers. JavaScript sees `AuthClient`, `AuthError`, `normalizePhone` and `decodeToken`
//! (see `docs/wasm.md`); everything else is the sans-IO core.
//!
//! Public (on `wasm32` only) so the wasm-bindgen-test suites in `tests/` drive the very
//! functions JavaScript calls.
//!
//! It reads top-down: each module imports only modules listed before it (no cycles).
//!
//! - leaves: `host` (the `runtime.js` bindings), `types` (TypeScript), `error` (host),
//!   `js` (error), `io` (host, js), `options` (error, host, js), `util` (error, host);
//! - `driver` (leaves): the state `Inner` in `driver/mod.rs`, and `driver/ops.rs`, the one
//!   place operations run (`Op`, one `future_to_promise`, one `spawn_local`); one unit,
//!   its two files use each other;
//! - `client` (driver, leaves): the exported class `AuthClient`;
//! - `extras` (client, driver, leaves; feature `extras`): `admin`, `arita`, `sso` add
//!   `AuthClient` methods that hand the driver an `Op::Extra`; nothing above names them.

mod client;
mod driver;
mod error;
#[cfg(feature = "extras")]
mod extras;
mod host;
mod io;
mod js;
mod options;
mod types;
mod util;

pub use client::{AuthClient, Probe};
pub use util::{decode_token, normalize_phone};

/// The heap of the wasm module: `lol_alloc`'s free list (first fit, neighbours merged
/// on free) instead of std's dlmalloc, −2.4 KB gzip. The SDK's heap is small and
/// short-lived (a request, a parse), so a list walk costs nothing measurable (BENCHMARKS,
/// "The size gate"); the leak soaks check that long use leaves no growth. The lock is
/// never contended: a wasm instance here runs on one thread.
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
