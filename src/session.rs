//! PLACEHOLDER — the session state machine is being implemented (issue 3).
