//! The wasm-bindgen layer: the only place that knows `JsValue`, `fetch`, storage and
//! timers. JavaScript sees `AuthClient`, `AuthError`, `normalizePhone` and `decodeToken`
//! (see `docs/wasm.md`); everything else is the sans-IO core.
//!
//! Public (on `wasm32` only) so the wasm-bindgen-test suites in `tests/` drive the very
//! functions JavaScript calls.

#[cfg(feature = "extras")]
mod admin;
#[cfg(feature = "extras")]
mod arita;
mod client;
mod driver;
mod error;
mod host;
mod js;
mod ops;
mod options;
#[cfg(feature = "extras")]
mod sso;
mod types;
mod util;

pub use client::{AuthClient, Probe};

/// The heap of the wasm module: `lol_alloc`'s free list (first fit, neighbours merged
/// on free) instead of std's dlmalloc, −2.4 KB gzip. The SDK's heap is small and
/// short-lived (a request, a parse), so a list walk costs nothing measurable (BENCHMARKS,
/// "The size gate"); the leak soaks check that long use leaves no growth. The lock is
/// never contended: a wasm instance here runs on one thread.
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
pub use util::{decode_token, normalize_phone};
