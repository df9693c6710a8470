//! PLACEHOLDER — being implemented.

pub fn run(_args: &[String]) -> crate::Result {
    Err("`fuzz` is not implemented yet".into())
}

pub fn deny() -> crate::Result {
    Err("cargo deny is not set up yet".into())
}
