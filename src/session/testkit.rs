//! A small fake provider and token helpers for the machine's and the client's tests.

use serde_json::json;

use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::json::{self, Value};
use crate::phone::PhoneNumber;
use crate::provider::{Challenge, CodeStep, Flow, Verified};
use crate::secret::{OtpCode, Secret};

/// A provider of the usual shape: `POST /code` → `{handle, registered, ttl?}`,
/// `POST /verify` → `{token, user}`; optionally a `POST /refresh` and `DELETE /logout`,
/// and an extra account-check step before the code request.
#[derive(Clone, Debug, Default)]
pub struct Fake {
    pub refresh: bool,
    pub sign_out: bool,
    pub check_first: bool,
}

pub const BASE: &str = "https://fake.test";

impl Flow for Fake {
    fn name(&self) -> &str {
        "fake"
    }
    fn base_url(&self) -> &str {
        BASE
    }
    fn code_request(&self, phone: &PhoneNumber) -> Result<HttpRequest, Error> {
        let path = if self.check_first { "check" } else { "code" };
        Ok(HttpRequest::new(Method::Post, format!("{BASE}/{path}"))
            .json(&Value::object([("phone", phone.e164().into())])))
    }
    fn on_code_response(
        &self,
        phone: &PhoneNumber,
        step: u8,
        resp: &HttpResponse,
    ) -> Result<CodeStep, Error> {
        let body = ok_json(resp)?;
        if self.check_first && step == 0 {
            return Ok(CodeStep::Send(
                HttpRequest::new(Method::Post, format!("{BASE}/code")).json(&Value::object([
                    ("phone", phone.e164().into()),
                    ("exists", body["exists"].clone()),
                ])),
            ));
        }
        Ok(CodeStep::Sent(Challenge {
            handle: body["handle"].as_str().map(Secret::from),
            is_registered: body["registered"].as_bool(),
            code_ttl: body["ttl"].as_u64(),
        }))
    }
    fn verify_request(
        &self,
        phone: &PhoneNumber,
        challenge: &Challenge,
        code: &OtpCode,
    ) -> Result<HttpRequest, Error> {
        let handle = challenge.handle.as_ref().map(Secret::expose);
        Ok(
            HttpRequest::new(Method::Post, format!("{BASE}/verify")).json(&Value::object([
                ("phone", phone.e164().into()),
                ("handle", handle.into()),
                ("code", code.expose().into()),
            ])),
        )
    }
    fn on_verify_response(&self, resp: &HttpResponse) -> Result<Verified, Error> {
        let body = ok_json(resp)?;
        let token = body["token"]
            .as_str()
            .ok_or_else(|| Error::malformed(resp, "no token"))?;
        Ok(Verified {
            token: Secret::from(token),
            user: body.get("user").cloned(),
        })
    }
    fn refresh_request(&self, token: &Secret) -> Option<Result<HttpRequest, Error>> {
        self.refresh.then(|| {
            Ok(HttpRequest::new(Method::Post, format!("{BASE}/refresh"))
                .header("Authorization", format!("Bearer {}", token.expose())))
        })
    }
    fn sign_out_request(&self, token: &Secret) -> Option<HttpRequest> {
        self.sign_out.then(|| {
            HttpRequest::new(Method::Delete, format!("{BASE}/logout"))
                .header("Authorization", format!("Bearer {}", token.expose()))
        })
    }
}

/// The body of a 2xx response, or the error its status and `error` member say.
fn ok_json(resp: &HttpResponse) -> Result<Value, Error> {
    let body = json::parse(&resp.body).map_err(|_| Error::malformed(resp, "not JSON"))?;
    if resp.is_success() {
        return Ok(body);
    }
    Err(match body["error"].as_str() {
        Some("invalid_code") => Error::InvalidCode {
            status: Some(resp.status),
            message: None,
        },
        Some("code_expired") => Error::CodeExpired,
        Some("too_many_attempts") => Error::TooManyAttempts,
        _ => Error::from_status(resp.status, None, resp.retry_after()),
    })
}

/// A JSON response (the body written with `serde_json::json!`).
pub fn respond(status: u16, body: serde_json::Value) -> HttpResponse {
    HttpResponse::new(status, body.to_string()).with_header("Content-Type", "application/json")
}

/// An unsigned JWT with these claims (the signature is never checked here).
pub fn jwt(claims: serde_json::Value) -> String {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    format!("{header}.{}.c2ln", b64url(claims.to_string().as_bytes()))
}

/// A JWT issued at `iat` (server seconds) that lives `lifetime` seconds.
pub fn jwt_at(iat: u64, lifetime: u64, sub: &str) -> String {
    jwt(json!({ "sub": sub, "iat": iat, "exp": iat + lifetime }))
}

fn b64url(data: &[u8]) -> String {
    crate::token::base64url::encode(data, false)
}

/// The test number.
pub fn phone() -> PhoneNumber {
    PhoneNumber::parse("+491747707607", None).unwrap()
}
