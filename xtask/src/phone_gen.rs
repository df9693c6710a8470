//! PLACEHOLDER — being implemented.

pub fn run(_args: &[String]) -> crate::Result {
    Err("`phone_gen` is not implemented yet".into())
}
