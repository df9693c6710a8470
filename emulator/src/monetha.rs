//! Monetha: `users/verify` → SMS + `verification_token` (and `is_registered`) →
//! `users/signup` or `users/signin` → `"Bearer <jwt>"`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::{now_ms, parse_number, App, Number};
use crate::codes::Check;
use crate::store::{Provider, User};
use crate::web::{code_field, json, json_object, str_field, with_retry_after, FieldError, Peer};

/// The routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/mth/v1/users/verify", post(verify))
        .route("/mth/v1/users/signup", post(signup))
        .route("/mth/v1/users/signin", post(signin))
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json(status, &json!({"error": code, "message": message}))
}

fn bad(code: &str, message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, code, message)
}

type Object = serde_json::Map<String, Value>;

fn required<'a>(obj: &'a Object, field: &str) -> Result<&'a str, Response> {
    str_field(obj, field).map_err(|e| match e {
        FieldError::Missing => bad("missing_field", &format!("{field} is required")),
        FieldError::WrongType => bad("invalid_field", &format!("{field} must be a string")),
    })
}

fn run(f: impl FnOnce() -> Result<Response, Response>) -> Response {
    f().unwrap_or_else(|e| e)
}

/// Claims of the `verification_token` (the seed's fields plus the challenge handle).
#[derive(Serialize, Deserialize)]
struct VerificationClaims {
    exp: u64,
    iat: u64,
    id: i64,
    country_code: String,
    country_code_iso: String,
    device_id: String,
    phone_number: String,
    e164: String,
    jti: String,
}

fn monetha_number(iso: &str, calling_code: &str, national: &str) -> Option<Number> {
    let cc = calling_code
        .trim()
        .trim_start_matches('+')
        .trim_start_matches("00");
    let n = parse_number(&format!("+{cc}{}", national.trim()))?;
    let region_ok = n.region.is_none_or(|r| r.eq_ignore_ascii_case(iso.trim()));
    region_ok.then_some(n)
}

async fn verify(
    State(app): State<Arc<App>>,
    Extension(peer): Extension<Peer>,
    body: Bytes,
) -> Response {
    run(|| {
        let obj = json_object(&body)
            .map_err(|_| bad("invalid_json", "request body must be a JSON object"))?;
        let iso = required(&obj, "country_code_iso")?;
        let cc = required(&obj, "country_code")?;
        let national = required(&obj, "phone_number")?;
        let device = str_field(&obj, "device_id").unwrap_or_default();
        let number = monetha_number(iso, cc, national).ok_or_else(|| {
            bad(
                "invalid_phone_number",
                "not a valid phone number for this country",
            )
        })?;
        let to = format!("+{}{}", cc.trim().trim_start_matches('+'), national.trim());
        let issued = app
            .send_code(Provider::Monetha, &number, &to, peer.ip(), 0)
            .map_err(|refusal| {
                let secs = refusal.retry_after();
                with_retry_after(
                    json(
                        StatusCode::TOO_MANY_REQUESTS,
                        &json!({"error": "rate_limited", "message": "too many verification requests", "retry_after": secs}),
                    ),
                    secs,
                )
            })?;
        let user = app.user(Provider::Monetha, &number.e164);
        let now_s = now_ms() / 1000;
        let claims = VerificationClaims {
            exp: now_s + app.cfg.code_ttl.as_secs(),
            iat: now_s,
            id: user.as_ref().map_or(0, |u| u.id),
            country_code: cc.to_owned(),
            country_code_iso: iso.to_ascii_uppercase(),
            device_id: device.to_owned(),
            phone_number: number.national.clone(),
            e164: number.e164.clone(),
            jti: issued.challenge_id,
        };
        let token = app.keys.sign_challenge(&claims).ok_or_else(|| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "could not sign a token",
            )
        })?;
        Ok(json(
            StatusCode::OK,
            &json!({"is_registered": user.is_some(), "verification_token": token}),
        ))
    })
}

/// Checks token and code; `signup` says which endpoint was called.
fn complete(app: &App, body: &Bytes, signup: bool) -> Result<Response, Response> {
    let obj =
        json_object(body).map_err(|_| bad("invalid_json", "request body must be a JSON object"))?;
    let token = required(&obj, "verification_token")?;
    let code = code_field(&obj, "verification_code").map_err(|e| match e {
        FieldError::Missing => bad("missing_field", "verification_code is required"),
        FieldError::WrongType => bad("invalid_field", "verification_code must be a string"),
    })?;
    let claims: VerificationClaims = app
        .keys
        .verify_challenge(token)
        .ok_or_else(|| bad("invalid_token", "verification_token is not valid"))?;
    let registered = app.user(Provider::Monetha, &claims.e164).is_some();
    if signup && registered {
        return Err(bad(
            "already_registered",
            "this number is registered: call /users/signin",
        ));
    }
    if !signup && !registered {
        return Err(bad(
            "not_registered",
            "this number is not registered: call /users/signup",
        ));
    }
    match app.check_code(Provider::Monetha, &claims.e164, Some(&claims.jti), 0, &code) {
        Check::Accepted => {}
        Check::Wrong => return Err(bad("invalid_code", "the verification code is not correct")),
        Check::Expired => {
            return Err(bad(
                "code_expired",
                "the verification code expired or was already used",
            ))
        }
        Check::TooManyAttempts => {
            return Err(bad(
                "too_many_attempts",
                "too many wrong codes: request a new one",
            ))
        }
    }
    let user = app.register(Provider::Monetha, &claims.e164).0;
    let jwt = app.issue_user_token(&user).ok_or_else(|| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "could not sign a token",
        )
    })?;
    Ok(json(
        StatusCode::OK,
        &json!({"auth_token": format!("Bearer {jwt}"), "user": user_json(&user, &claims)}),
    ))
}

fn user_json(user: &User, claims: &VerificationClaims) -> Value {
    json!({
        "id": user.id,
        "phone_number": claims.phone_number,
        "country_code": claims.country_code,
        "country_code_iso": claims.country_code_iso,
        "is_registered": true,
    })
}

async fn signup(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| complete(&app, &body, true))
}

async fn signin(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| complete(&app, &body, false))
}
