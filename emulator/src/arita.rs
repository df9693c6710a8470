//! Arita: `{success, message, data}` envelopes, business failures with HTTP 200.
//! `account/check` → `otp` (nature 1 login, 2 sign-up, 3 reset) → `…/verify` with the
//! `otpToken`; passwords, logout (revokes the token), device tokens.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::{hash_password, parse_number, password_matches, App};
use crate::codes::Check;
use crate::store::{Provider, TokenKind, User};
use crate::tokens::{rfc3339, Claims, ISSUER};
use crate::web::{
    bearer, code_field, json, json_object, str_field, with_retry_after, FieldError, Peer,
};

const NOT_A_PHONE: &str = "手機號碼格式錯誤";
const NO_SUCH_USER: &str = "輸入的用戶名不存在";

/// The routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/app/auth/account/check", post(account_check))
        .route("/app/auth/username/info", post(username_info))
        .route("/app/auth/info", get(info))
        .route("/app/auth/login", post(login))
        .route("/app/auth/otp", post(otp))
        .route("/app/auth/login/verify", post(login_verify))
        .route("/app/auth/signup/verify", post(signup_verify))
        .route("/app/auth/forgot-password/verify", post(forgot_verify))
        .route("/app/auth/password", post(set_password).put(set_password))
        .route("/app/auth/logout", delete(logout))
        .route("/app/auth/device-token", put(device_token))
}

fn ok(data: Value) -> Response {
    json(
        StatusCode::OK,
        &json!({"success": true, "message": "", "data": data}),
    )
}

fn fail(message: &str) -> Response {
    fail_with(StatusCode::OK, message)
}

fn fail_with(status: StatusCode, message: &str) -> Response {
    json(
        status,
        &json!({"success": false, "message": message, "data": null}),
    )
}

fn unauthorized() -> Response {
    fail_with(StatusCode::UNAUTHORIZED, "未授權,請重新登入")
}

type Object = serde_json::Map<String, Value>;

fn body_object(body: &Bytes) -> Result<Object, Response> {
    json_object(body)
        .map_err(|_| fail_with(StatusCode::BAD_REQUEST, "請求格式錯誤 (invalid JSON body)"))
}

fn field_error(field: &str, e: FieldError) -> Response {
    let what = match e {
        FieldError::Missing => "缺少必填欄位",
        FieldError::WrongType => "欄位格式錯誤",
    };
    fail_with(StatusCode::BAD_REQUEST, &format!("{what}: {field}"))
}

fn required<'a>(obj: &'a Object, field: &str) -> Result<&'a str, Response> {
    str_field(obj, field).map_err(|e| field_error(field, e))
}

/// The signed-in user behind the bearer, with the token's claims.
fn signed_in(app: &App, headers: &HeaderMap) -> Result<(User, Claims), Response> {
    let token = bearer(headers).ok_or_else(unauthorized)?;
    let claims = app
        .authorize(token, Provider::Arita, TokenKind::User)
        .ok_or_else(unauthorized)?;
    let user = claims
        .phone
        .as_deref()
        .and_then(|p| app.user(Provider::Arita, p))
        .ok_or_else(unauthorized)?;
    Ok((user, claims))
}

fn run(f: impl FnOnce() -> Result<Response, Response>) -> Response {
    f().unwrap_or_else(|e| e)
}

async fn account_check(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let login_id = required(&obj, "loginID")?;
        let number = parse_number(login_id).ok_or_else(|| fail(NOT_A_PHONE))?;
        let user = app.user(Provider::Arita, &number.e164);
        Ok(ok(json!({
            "accountType": 3,
            "exists": user.is_some(),
            "setPassword": user.is_some_and(|u| u.password_hash.is_some()),
        })))
    })
}

async fn username_info(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let username = required(&obj, "username")?;
        let user = app
            .state()
            .users
            .values()
            .find(|u| u.provider == Provider::Arita && u.username == username)
            .map(|u| User::clone(u))
            .ok_or_else(|| fail(NO_SUCH_USER))?;
        let tail: String = user
            .e164
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let email = user.email.as_deref().map(|e| match e.split_once('@') {
            Some((local, _)) => format!(
                "{}*****@*****.com",
                local.chars().take(2).collect::<String>()
            ),
            None => "*****".to_owned(),
        });
        Ok(ok(
            json!({"email": email, "phone": format!("******{tail}")}),
        ))
    })
}

async fn info(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    run(|| {
        let (user, _) = signed_in(&app, &headers)?;
        let national = parse_number(&user.e164)
            .map(|n| n.national)
            .unwrap_or(user.e164);
        Ok(ok(json!({"email": user.email, "phone": national})))
    })
}

async fn login(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let login_id = required(&obj, "loginID")?;
        let password = required(&obj, "password")?;
        let device = required(&obj, "deviceToken")?;
        let number = parse_number(login_id).ok_or_else(|| fail(NOT_A_PHONE))?;
        let user = app
            .user(Provider::Arita, &number.e164)
            .ok_or_else(|| fail(NO_SUCH_USER))?;
        let matches = user
            .password_hash
            .as_deref()
            .is_some_and(|h| password_matches(h, password));
        if !matches {
            return Err(fail("帳號或密碼錯誤"));
        }
        let device = device.to_owned();
        app.update_user(Provider::Arita, &number.e164, |u| {
            u.device_token = Some(device)
        });
        access_token(&app, &user)
    })
}

fn access_token(app: &App, user: &User) -> Result<Response, Response> {
    let token = app
        .issue_user_token(user)
        .ok_or_else(|| fail_with(StatusCode::INTERNAL_SERVER_ERROR, "無法簽發令牌"))?;
    Ok(ok(json!({ "accessToken": token })))
}

/// Claims of the `otpToken` (as the seed shows: `expiry`, `loginID`, `nature`).
#[derive(Serialize, Deserialize)]
struct OtpClaims {
    expiry: String,
    #[serde(rename = "loginID")]
    login_id: String,
    nature: u8,
    jti: String,
    iss: String,
    exp: u64,
}

async fn otp(
    State(app): State<Arc<App>>,
    Extension(peer): Extension<Peer>,
    body: Bytes,
) -> Response {
    run(|| {
        let obj = body_object(&body)?;
        let nature = match obj.get("nature") {
            None | Some(Value::Null) => return Err(field_error("nature", FieldError::Missing)),
            Some(v) => v
                .as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .ok_or_else(|| field_error("nature", FieldError::WrongType))?,
        };
        let login_id = required(&obj, "loginID")?;
        let number = parse_number(login_id).ok_or_else(|| fail(NOT_A_PHONE))?;
        let exists = app.user(Provider::Arita, &number.e164).is_some();
        match nature {
            1 | 3 if !exists => return Err(fail(NO_SUCH_USER)),
            2 if exists => return Err(fail("帳號已存在")),
            1..=3 => {}
            _ => return Err(fail("不支援的驗證類型")),
        }
        let issued = app
            .send_code(Provider::Arita, &number, login_id, peer.ip(), nature)
            .map_err(|refusal| {
                let secs = refusal.retry_after();
                with_retry_after(
                    json(
                        StatusCode::TOO_MANY_REQUESTS,
                        &json!({"success": false, "message": "請求過於頻繁", "data": {"retryAfter": secs}}),
                    ),
                    secs,
                )
            })?;
        let exp = crate::app::now_ms() / 1000 + app.cfg.code_ttl.as_secs();
        let claims = OtpClaims {
            expiry: rfc3339(exp),
            login_id: number.e164.clone(),
            nature,
            jti: issued.challenge_id,
            iss: ISSUER.into(),
            exp,
        };
        let token = app
            .keys
            .sign_challenge(&claims)
            .ok_or_else(|| fail_with(StatusCode::INTERNAL_SERVER_ERROR, "無法簽發令牌"))?;
        Ok(ok(json!({ "otpToken": token })))
    })
}

/// The shared body of the three verify endpoints.
fn verify_otp(app: &App, body: &Bytes, nature: u8) -> Result<User, Response> {
    let obj = body_object(body)?;
    let code = code_field(&obj, "otp").map_err(|e| field_error("otp", e))?;
    let token = required(&obj, "otpToken")?;
    let claims: OtpClaims = app
        .keys
        .verify_challenge(token)
        .ok_or_else(|| fail("驗證令牌無效"))?;
    if claims.nature != nature {
        return Err(fail("驗證類型不符"));
    }
    match app.check_code(
        Provider::Arita,
        &claims.login_id,
        Some(&claims.jti),
        nature,
        &code,
    ) {
        Check::Accepted => {}
        Check::Wrong => return Err(fail("驗證碼錯誤")),
        Check::Expired => return Err(fail("驗證碼已過期")),
        Check::TooManyAttempts => return Err(fail("嘗試次數過多")),
    }
    let user = match nature {
        2 => app.register(Provider::Arita, &claims.login_id).0,
        _ => app
            .user(Provider::Arita, &claims.login_id)
            .ok_or_else(|| fail(NO_SUCH_USER))?,
    };
    Ok(user)
}

async fn login_verify(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| access_token(&app, &verify_otp(&app, &body, 1)?))
}

async fn signup_verify(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| access_token(&app, &verify_otp(&app, &body, 2)?))
}

async fn forgot_verify(State(app): State<Arc<App>>, body: Bytes) -> Response {
    run(|| access_token(&app, &verify_otp(&app, &body, 3)?))
}

fn valid_password(p: &str) -> bool {
    (6..=40).contains(&p.chars().count()) && p.chars().all(|c| c.is_ascii_graphic())
}

async fn set_password(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    run(|| {
        let (user, _) = signed_in(&app, &headers)?;
        let obj = body_object(&body)?;
        let password = required(&obj, "password")?;
        if !valid_password(password) {
            return Err(fail("密碼格式錯誤 (6–40 letters, digits or symbols)"));
        }
        let hash = hash_password(password);
        app.update_user(Provider::Arita, &user.e164, |u| {
            u.password_hash = Some(hash)
        });
        Ok(ok(Value::Null))
    })
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    run(|| {
        let (_, claims) = signed_in(&app, &headers)?;
        app.revoke(&claims.jti);
        Ok(ok(Value::Null))
    })
}

async fn device_token(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    run(|| {
        let (user, _) = signed_in(&app, &headers)?;
        let obj = body_object(&body)?;
        let token = required(&obj, "deviceToken")?;
        if token.chars().count() > 255 {
            return Err(fail("裝置令牌過長 (at most 255 characters)"));
        }
        let token = token.to_owned();
        app.update_user(Provider::Arita, &user.e164, |u| {
            u.device_token = Some(token)
        });
        Ok(ok(Value::Null))
    })
}
