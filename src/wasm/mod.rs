//! PLACEHOLDER — the wasm-bindgen layer is being implemented (issue 5).
