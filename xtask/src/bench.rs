//! PLACEHOLDER — being implemented.

pub fn run(_args: &[String]) -> crate::Result {
    Err("`bench` is not implemented yet".into())
}
