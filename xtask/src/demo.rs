//! PLACEHOLDER — being implemented.

pub fn run(_args: &[String]) -> crate::Result {
    Err("`demo` is not implemented yet".into())
}

pub fn test_e2e() -> crate::Result {
    Err("end-to-end tests are not implemented yet".into())
}
