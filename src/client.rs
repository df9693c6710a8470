//! PLACEHOLDER — the native async client is being implemented (issue 3).
