//! SSO v1: `sms` → `auth` (token + authCode) → `code` / `user`; `user/status`, the
//! e-mail calls. Media types are enforced (406 / 415), invalid fields are 422.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{patch, post};
use axum::{Extension, Router};
use serde_json::{json, Value};

use crate::app::{now_ms, parse_number, App, Number};
use crate::codes::{self, Check};
use crate::store::{handle_key, AuthCode, Mail, Provider, TokenKind, User};
use crate::web::{bearer, json, json_object, str_field, with_retry_after, FieldError, Peer};

/// Most numbers one `user/status` call may ask about.
pub const MAX_STATUS_NUMBERS: usize = 100;

/// The routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/sso/sms", post(sms))
        .route("/sso/auth", post(auth))
        .route("/sso/code", post(code))
        .route("/sso/email-optin", patch(email_optin))
        .route("/sso/email-status", patch(email_status))
        .route("/sso/email", patch(email))
        .route("/sso/user/status", post(user_status))
        .route("/sso/user", post(user_post).get(user_get))
        .route_layer(middleware::from_fn(media_types))
}

const ACCEPTABLE: [&str; 5] = [
    "application/vnd.sso.v1+json",
    "application/json",
    "application/*+json",
    "application/*",
    "*/*",
];
const CONTENT_TYPES: [&str; 2] = ["application/vnd.sso.v1+json", "application/json"];

fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// 406 for an `Accept` that excludes every SSO type, 415 for a body that is not one.
async fn media_types(req: Request, next: Next) -> Response {
    if let Some(accept) = req.headers().get(header::ACCEPT) {
        let accept = accept.to_str().unwrap_or("");
        let ok = accept
            .split(',')
            .map(media_type)
            .any(|m| ACCEPTABLE.contains(&m.as_str()));
        if !ok {
            return message(
                StatusCode::NOT_ACCEPTABLE,
                "Not Acceptable: use application/vnd.sso.v1+json or application/json",
            );
        }
    }
    if matches!(*req.method(), Method::POST | Method::PATCH | Method::PUT) {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(media_type)
            .unwrap_or_default();
        if !CONTENT_TYPES.contains(&ct.as_str()) {
            return message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type: send application/vnd.sso.v1+json or application/json",
            );
        }
    }
    next.run(req).await
}

fn message(status: StatusCode, message: &str) -> Response {
    json(status, &json!({ "message": message }))
}

fn invalid(field: &str, reason: &str) -> Response {
    json(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({"message": "The given data was invalid.", "errors": { field: [reason] }}),
    )
}

fn unauthorized() -> Response {
    message(StatusCode::UNAUTHORIZED, "Unauthorized")
}

type Object = serde_json::Map<String, Value>;

fn body_object(body: &Bytes) -> Result<Object, Response> {
    json_object(body).map_err(|_| message(StatusCode::BAD_REQUEST, "Malformed JSON body"))
}

fn required<'a>(obj: &'a Object, field: &str) -> Result<&'a str, Response> {
    str_field(obj, field).map_err(|e| match e {
        FieldError::Missing => invalid(field, "required"),
        FieldError::WrongType => invalid(field, "must be a string"),
    })
}

fn telephone(obj: &Object, field: &str) -> Result<(String, Number), Response> {
    let raw = required(obj, field)?;
    let number = parse_number(raw).ok_or_else(|| invalid(field, "invalid phone number"))?;
    Ok((raw.to_owned(), number))
}

fn run(f: impl FnOnce() -> Result<Response, Response>) -> Response {
    f().unwrap_or_else(|e| e)
}

fn user_json(u: &User) -> Value {
    json!({"user": {
        "id": u.id,
        "email": u.email,
        "nickname": "",
        "firstname": "",
        "imageUrl": null,
        "verified": u.email_status == "confirmed",
    }})
}

fn token_for(app: &App, user: &User) -> Result<String, Response> {
    app.issue_user_token(user)
        .ok_or_else(|| message(StatusCode::INTERNAL_SERVER_ERROR, "could not sign a token"))
}

async fn sms(
    State(app): State<Arc<App>>,
    Extension(peer): Extension<Peer>,
    body: Bytes,
) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let (raw, number) = telephone(&obj, "telephone")?;
        app.send_code(Provider::Sso, &number, &raw, peer.ip(), 0)
            .map_err(|refusal| {
                let secs = refusal.retry_after();
                with_retry_after(
                    json(
                        StatusCode::TOO_MANY_REQUESTS,
                        &json!({"message": "Too many SMS requests, try again later.", "retryAfter": secs}),
                    ),
                    secs,
                )
            })?;
        Ok(json(StatusCode::CREATED, &json!({})))
    })
}

async fn auth(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let (_, number) = telephone(&obj, "telephone")?;
        let code = required(&obj, "code")?;
        for flag in ["agb", "dataprotection"] {
            if obj
                .get(flag)
                .is_some_and(|v| !v.is_boolean() && !v.is_null())
            {
                return Err(invalid(flag, "must be a boolean"));
            }
        }
        match app.check_code(Provider::Sso, &number.e164, None, 0, code.trim()) {
            Check::Accepted => {}
            Check::Wrong => return Err(invalid("code", "invalid")),
            Check::Expired => return Err(invalid("code", "expired")),
            Check::TooManyAttempts => return Err(invalid("code", "too_many_attempts")),
        }
        let (user, _) = app.register(Provider::Sso, &number.e164);
        let token = token_for(&app, &user)?;
        let auth_code = codes::random_id();
        let ttl = u64::try_from(app.cfg.token_ttl.as_millis()).unwrap_or(u64::MAX);
        let key = handle_key(&auth_code).ok_or_else(|| invalid("code", "invalid"))?;
        app.state().auth_codes.insert(
            key,
            AuthCode {
                e164: number.e164.clone(),
                expires_at: now_ms().saturating_add(ttl),
            },
        );
        let mut body = user_json(&user);
        if let Some(obj) = body.as_object_mut() {
            obj.insert("token".into(), json!(token));
            obj.insert("authCode".into(), json!(auth_code));
        }
        Ok(json(StatusCode::CREATED, &body))
    })
}

/// The user an auth code belongs to, if the code is live and issued to `e164`.
fn auth_code_user(app: &App, auth_code: &str, e164: &str) -> Option<User> {
    let owner = {
        let state = app.state();
        let entry = state.auth_codes.get(&handle_key(auth_code)?)?;
        (entry.expires_at > now_ms() && entry.e164 == e164).then(|| entry.e164.clone())?
    };
    app.user(Provider::Sso, &owner)
}

async fn code(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let (_, number) = telephone(&obj, "telephone")?;
        let auth_code = required(&obj, "code")?;
        let user = auth_code_user(&app, auth_code, &number.e164)
            .ok_or_else(|| invalid("code", "invalid"))?;
        let token = token_for(&app, &user)?;
        Ok(json(StatusCode::CREATED, &json!({ "token": token })))
    })
}

async fn user_post(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let (_, number) = telephone(&obj, "username")?;
        let auth_code = required(&obj, "authCode")?;
        let user = auth_code_user(&app, auth_code, &number.e164)
            .ok_or_else(|| invalid("authCode", "invalid"))?;
        Ok(json(StatusCode::CREATED, &user_json(&user)))
    })
}

fn signed_in(app: &App, headers: &HeaderMap) -> Result<User, Response> {
    let token = bearer(headers).ok_or_else(unauthorized)?;
    let claims = app
        .authorize(token, Provider::Sso, TokenKind::User)
        .ok_or_else(unauthorized)?;
    claims
        .phone
        .and_then(|p| app.user(Provider::Sso, &p))
        .ok_or_else(unauthorized)
}

async fn user_get(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    run(|| {
        Ok(json(
            StatusCode::OK,
            &user_json(&signed_in(&app, &headers)?),
        ))
    })
}

async fn user_status(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let list = match obj.get("user") {
            None | Some(Value::Null) => return Err(invalid("user", "required")),
            Some(Value::Array(list)) => list,
            Some(_) => return Err(invalid("user", "must be an array of telephone numbers")),
        };
        if list.is_empty() {
            return Err(invalid("user", "required"));
        }
        if list.len() > MAX_STATUS_NUMBERS {
            return Err(invalid("user", "may not have more than 100 items"));
        }
        let mut out = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            let field = format!("user.{i}");
            let raw = item
                .as_str()
                .ok_or_else(|| invalid(&field, "must be a string"))?;
            let number =
                parse_number(raw).ok_or_else(|| invalid(&field, "invalid phone number"))?;
            let registered = app.user(Provider::Sso, &number.e164).is_some();
            out.push(json!({"user": raw, "isRegistered": u8::from(registered)}));
        }
        Ok(json(StatusCode::CREATED, &json!({ "user": out })))
    })
}

async fn email(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    run(|| {
        let user = signed_in(&app, &headers)?;
        let obj = body_object(&body)?;
        let address = email_field(&obj)?;
        let (_, number) = telephone(&obj, "telephone")?;
        if number.e164 != user.e164 {
            return Err(message(
                StatusCode::FORBIDDEN,
                "Forbidden: the telephone is not the signed-in user's",
            ));
        }
        let optin = codes::random_id();
        app.update_user(Provider::Sso, &user.e164, |u| {
            u.email = Some(address.clone());
            u.email_status = "pending";
        });
        {
            let mut state = app.state();
            state.mail.push_back(Mail {
                to: address,
                optin_code: optin,
                sent_at: now_ms(),
            });
            while state.mail.len() > app.cfg.sms_log_cap.max(1) {
                state.mail.pop_front();
            }
        }
        app.cfg
            .logger
            .line("MAIL sso opt-in sent (see /__emulator/mail)");
        Ok(json(StatusCode::OK, &json!({})))
    })
}

fn email_field(obj: &Object) -> Result<String, Response> {
    let address = required(obj, "email")?.trim();
    let valid = address.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
    });
    if !valid || address.len() > 254 || address.contains(char::is_whitespace) {
        return Err(invalid("email", "must be a valid email address"));
    }
    Ok(address.to_owned())
}

async fn email_status(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let address = email_field(&obj)?;
        let (_, number) = telephone(&obj, "telephone")?;
        let status = app
            .user(Provider::Sso, &number.e164)
            .filter(|u| u.email.as_deref() == Some(address.as_str()))
            .map_or("none", |u| u.email_status);
        Ok(json(
            StatusCode::OK,
            &json!({"email": address, "status": status}),
        ))
    })
}

async fn email_optin(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let c = required(&obj, "c")?;
        let address = {
            let state = app.state();
            state
                .mail
                .iter()
                .find(|m| codes::codes_match(&m.optin_code, c))
                .map(|m| m.to.clone())
        }
        .ok_or_else(|| invalid("c", "invalid"))?;
        let owner = app
            .state()
            .users
            .values()
            .find(|u| u.provider == Provider::Sso && u.email.as_deref() == Some(address.as_str()))
            .map(|u| u.e164.clone());
        if let Some(e164) = owner {
            app.update_user(Provider::Sso, &e164, |u| u.email_status = "confirmed");
        }
        Ok(json(StatusCode::OK, &json!({})))
    })
}
