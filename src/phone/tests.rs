//! Unit tests: one per input form.
