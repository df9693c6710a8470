//! PLACEHOLDER — the arita backend is being implemented (issue 3).

use serde::{Deserialize, Serialize};

use super::{Challenge, CodeStep, Flow, Verified};
use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse};
use crate::phone::PhoneNumber;
use crate::secret::OtpCode;

/// Configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// Base URL.
    pub base_url: String,
}

fn todo() -> Error {
    Error::InvalidConfig {
        message: "not implemented".into(),
    }
}

impl Flow for Config {
    fn name(&self) -> &str {
        "arita"
    }
    fn code_request(&self, _p: &PhoneNumber) -> Result<HttpRequest, Error> {
        Err(todo())
    }
    fn on_code_response(
        &self,
        _p: &PhoneNumber,
        _s: u8,
        _r: &HttpResponse,
    ) -> Result<CodeStep, Error> {
        Err(todo())
    }
    fn verify_request(
        &self,
        _p: &PhoneNumber,
        _c: &Challenge,
        _o: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        Err(todo())
    }
    fn on_verify_response(&self, _r: &HttpResponse) -> Result<Verified, Error> {
        Err(todo())
    }
}
