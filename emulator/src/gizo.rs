//! GIZO: `checkIdentity` → SMS → `verify` (Method 1, company bearer required), and
//! `company/access-token` → `client-token` (Method 2). Validation failures are
//! ASP.NET-style problem details (`application/problem+json`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Router};
use serde_json::{json, Value};

use crate::app::{parse_number, App, Number};
use crate::codes::{self, Check};
use crate::store::{Provider, TokenKind};
use crate::web::{
    bearer, json, json_object, json_with, str_field, with_retry_after, FieldError, Peer,
};

/// The routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v1/User/checkIdentity", post(check_identity))
        .route("/api/v3/User/verify", post(verify))
        .route("/api/v1/company/access-token", post(access_token))
        .route("/api/v2/User/client-token", post(client_token))
}

fn problem_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    }
}

/// A problem-details response.
fn problem(status: StatusCode, title: &str, errors: Option<Value>) -> Response {
    let mut body = json!({
        "type": problem_type(status),
        "title": title,
        "status": status.as_u16(),
        "traceId": format!("00-{}-01", codes::random_id()),
    });
    if let (Some(errors), Some(obj)) = (errors, body.as_object_mut()) {
        obj.insert("errors".into(), errors);
    }
    json_with(status, "application/problem+json", &body)
}

fn validation(field: &str, message: &str) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        "One or more validation errors occurred.",
        Some(json!({ field: [message] })),
    )
}

fn unauthorized() -> Response {
    problem(StatusCode::UNAUTHORIZED, "Unauthorized", None)
}

type Object = serde_json::Map<String, Value>;

fn body_object(body: &Bytes) -> Result<Object, Response> {
    json_object(body).map_err(|_| validation("$", "The request body is not a valid JSON object."))
}

fn required<'a>(obj: &'a Object, field: &str) -> Result<&'a str, Response> {
    str_field(obj, field).map_err(|e| match e {
        FieldError::Missing => validation(field, &format!("The {field} field is required.")),
        FieldError::WrongType => validation(field, &format!("The {field} field must be a string.")),
    })
}

/// `+49_1747707607` (or plain E.164) → a number.
fn gizo_number(username: &str) -> Option<Number> {
    let compact: String = username.chars().filter(|c| *c != '_').collect();
    if !compact.starts_with('+') {
        return None;
    }
    parse_number(&compact)
}

fn gizo_format(n: &Number) -> String {
    format!("+{}_{}", n.calling_code, n.national)
}

fn company(app: &App, headers: &HeaderMap) -> Result<(), Response> {
    let token = bearer(headers).ok_or_else(unauthorized)?;
    app.authorize(token, Provider::Gizo, TokenKind::Company)
        .map(|_| ())
        .ok_or_else(unauthorized)
}

async fn check_identity(
    State(app): State<Arc<App>>,
    Extension(peer): Extension<Peer>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    run(|| {
        company(&app, &headers)?;
        let obj = body_object(&body)?;
        let username = required(&obj, "username")?;
        let number = gizo_number(username).ok_or_else(|| {
            validation(
                "username",
                "The username must be a phone number like +49_1747707607.",
            )
        })?;
        match app.send_code(Provider::Gizo, &number, username, peer.ip(), 0) {
            Ok(_) => {
                // "In case the entered username does not exist in our database, an account is created."
                app.register(Provider::Gizo, &number.e164);
                Ok(json(StatusCode::OK, &json!(true)))
            }
            Err(refusal) => Err(with_retry_after(
                problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many verification code requests. Try again later.",
                    Some(json!({"username": ["Too many verification code requests."]})),
                ),
                refusal.retry_after(),
            )),
        }
    })
}

async fn verify(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    run(|| {
        company(&app, &headers)?;
        let obj = body_object(&body)?;
        let username = required(&obj, "username")?;
        let code = required(&obj, "verifyCode")?;
        let number = gizo_number(username).ok_or_else(|| {
            validation(
                "username",
                "The username must be a phone number like +49_1747707607.",
            )
        })?;
        let message = match app.check_code(Provider::Gizo, &number.e164, None, 0, code.trim()) {
            Check::Accepted => {
                let (user, _) = app.register(Provider::Gizo, &number.e164);
                let token = app.issue_user_token(&user).ok_or_else(|| {
                    problem(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Could not sign a token.",
                        None,
                    )
                })?;
                let name = gizo_format(&number);
                return Ok(json(
                    StatusCode::OK,
                    &json!({
                        "userName": name,
                        "firstName": "",
                        "lastName": "",
                        "email": user.email.unwrap_or_default(),
                        "phoneNumber": name,
                        "profileImagePath": null,
                        "birthDate": null,
                        "gender": 0,
                        "isInitialized": false,
                        "token": token,
                    }),
                ));
            }
            Check::Wrong => "Invalid verification code.",
            Check::Expired => "Verification code expired.",
            Check::TooManyAttempts => "Too many attempts.",
        };
        Err(validation("verifyCode", message))
    })
}

async fn access_token(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let id = required(&obj, "clientId")?;
        let secret = required(&obj, "clientSecret")?;
        // Both compared in constant time, and both always compared.
        let id_ok = codes::codes_match(&app.cfg.client_id, id);
        let secret_ok = codes::codes_match(&app.cfg.client_secret, secret);
        if !(id_ok & secret_ok) {
            return Err(problem(
                StatusCode::UNAUTHORIZED,
                "Invalid client credentials.",
                None,
            ));
        }
        let token = app.issue_company_token().ok_or_else(|| {
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Could not sign a token.",
                None,
            )
        })?;
        Ok(json(StatusCode::OK, &json!({ "token": token })))
    })
}

async fn client_token(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    run(|| {
        company(&app, &headers)?;
        let obj = body_object(&body)?;
        let id = match obj.get("userId") {
            None | Some(Value::Null) => {
                return Err(validation("userId", "The userId field is required."))
            }
            Some(v) => v
                .as_i64()
                .ok_or_else(|| validation("userId", "The userId field must be an integer."))?,
        };
        let user = app
            .user_by_id(Provider::Gizo, id)
            .ok_or_else(|| problem(StatusCode::NOT_FOUND, "User not found.", None))?;
        let token = app.issue_user_token(&user).ok_or_else(|| {
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Could not sign a token.",
                None,
            )
        })?;
        Ok(json(StatusCode::OK, &json!({ "token": token })))
    })
}

fn run(f: impl FnOnce() -> Result<Response, Response>) -> Response {
    f().unwrap_or_else(|e| e)
}
