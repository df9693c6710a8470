//! PLACEHOLDER — being implemented.

pub fn run(_args: &[String]) -> crate::Result {
    Err("`pkg` is not implemented yet".into())
}

pub fn size(_args: &[String]) -> crate::Result {
    Err("`size` is not implemented yet".into())
}

pub fn test() -> crate::Result {
    Err("package tests are not implemented yet".into())
}
