use proptest::prelude::*;

use super::*;
use crate::json::parse_str;
use crate::provider::common::testing::{arb_response, check, fixture, json, phone, Expected};
use crate::provider::ProviderConfig;

const OTP_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHBpcnkiOiIyMDI0LTA0LTIzVDA5OjA0OjQ1WiIsImxvZ2luSUQiOiJ0ZXN0QGFyaXRhb25lLmNvbSIsIm5hdHVyZSI6MX0.iTIbn6BUqsAAxLVrTSHYxkLV39ajcp8H-PL_KYb_3OI";
const ACCESS: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyZGUwYjg3Ni1jNmM2LTExZWQtYTQ5Yy0wMjQyYWMxMjAwMDIiLCJleHAiOjE2NzkyODc3Mjd9.9c6BUnxi0Rruag2OCJKiHWquRf830Ma9yeI-atSH-TQ";
const JSON: (&str, &str) = ("Content-Type", "application/json");
const AUTH: (&str, &str) = ("Authorization", "Bearer user.token");

fn cfg() -> Config {
    Config {
        base_url: "https://arita.example".into(),
        device_token: Some("1234567890".into()),
    }
}

fn url(path: &str) -> String {
    format!("https://arita.example/app/auth/{path}")
}

fn verify_input() -> VerifyInput {
    VerifyInput {
        otp: OtpCode::parse("37695").unwrap(),
        otp_token: Secret::new(OTP_TOKEN),
    }
}

/// Path, request, method, headers, body.
type Case<'a> = (
    &'a str,
    HttpRequest,
    Method,
    &'a [(&'a str, &'a str)],
    Option<&'a str>,
);

#[test]
fn requests_are_built_as_the_seed_shows() {
    let c = cfg();
    let token = Secret::new("user.token");
    let pw = Secret::new("gdfhdjo33");
    let verify_body = format!(r#"{{"otp":37695,"otpToken":"{OTP_TOKEN}"}}"#);
    let cases: Vec<Case> = vec![
        (
            "account/check",
            build_account_check(
                &c,
                &LoginIdInput {
                    login_id: "test@aritaone.com".into(),
                },
            )
            .unwrap(),
            Method::Post,
            &[JSON],
            Some(r#"{"loginID":"test@aritaone.com"}"#),
        ),
        (
            "username/info",
            build_username_info(
                &c,
                &UsernameInput {
                    username: "OZFQkAz5".into(),
                },
            )
            .unwrap(),
            Method::Post,
            &[JSON],
            Some(r#"{"username":"OZFQkAz5"}"#),
        ),
        (
            "info",
            build_info(&c, &token).unwrap(),
            Method::Get,
            &[AUTH],
            None,
        ),
        (
            "login",
            build_login(
                &c,
                &LoginInput {
                    login_id: "test@aritaone.com".into(),
                    password: Secret::new("PasghWgf"),
                    device_token: None,
                },
            )
            .unwrap(),
            Method::Post,
            &[JSON],
            Some(
                r#"{"loginID":"test@aritaone.com","password":"PasghWgf","deviceToken":"1234567890"}"#,
            ),
        ),
        (
            "otp",
            build_otp(
                &c,
                &OtpInput {
                    nature: OtpNature::Login,
                    login_id: "test@aritaone.com".into(),
                    send_type: SendType::None,
                },
            )
            .unwrap(),
            Method::Post,
            &[JSON],
            Some(r#"{"nature":1,"loginID":"test@aritaone.com","sendType":0}"#),
        ),
        (
            "login/verify",
            build_login_verify(&c, &verify_input()).unwrap(),
            Method::Post,
            &[JSON],
            Some(&verify_body),
        ),
        (
            "signup/verify",
            build_signup_verify(&c, &verify_input()).unwrap(),
            Method::Post,
            &[JSON],
            Some(&verify_body),
        ),
        (
            "forgot-password/verify",
            build_forgot_password_verify(&c, &verify_input()).unwrap(),
            Method::Post,
            &[JSON],
            Some(&verify_body),
        ),
        (
            "password",
            build_set_password(&c, &token, &pw).unwrap(),
            Method::Post,
            &[JSON, AUTH],
            Some(r#"{"password":"gdfhdjo33"}"#),
        ),
        (
            "password",
            build_reset_password(&c, &token, &pw).unwrap(),
            Method::Put,
            &[JSON, AUTH],
            Some(r#"{"password":"gdfhdjo33"}"#),
        ),
        (
            "logout",
            build_logout(&c, &token).unwrap(),
            Method::Delete,
            &[AUTH],
            None,
        ),
        (
            "device-token",
            build_device_token(
                &c,
                &token,
                "D2fdAbE5e9bcAFDBE5bEeED3b795ecf44B35e99B6D28591429fEE6B7C0BcCed1",
            )
            .unwrap(),
            Method::Put,
            &[JSON, AUTH],
            Some(
                r#"{"deviceToken":"D2fdAbE5e9bcAFDBE5bEeED3b795ecf44B35e99B6D28591429fEE6B7C0BcCed1"}"#,
            ),
        ),
    ];
    for (path, req, method, headers, body) in &cases {
        let url = url(path);
        check(
            path,
            req,
            &Expected {
                method: *method,
                url: &url,
                headers,
                body: *body,
            },
        );
    }
}

#[test]
fn client_side_validation() {
    let c = cfg();
    let t = Secret::new("t");
    for (pw, ok) in [
        ("12345", false),
        ("123456", true),
        (&"a".repeat(40)[..], true),
        (&"a".repeat(41)[..], false),
        ("with space", false),
        ("pässwort", false),
    ] {
        let got = build_reset_password(&c, &t, &Secret::new(pw));
        assert_eq!(got.is_ok(), ok, "{pw:?}");
        if !ok {
            assert!(matches!(
                got,
                Err(Error::InvalidInput {
                    field: "password",
                    ..
                })
            ));
        }
    }
    assert!(build_set_password(&c, &t, &Secret::new("short")).is_err());
    assert!(build_device_token(&c, &t, "").is_err());
    assert!(build_device_token(&c, &t, &"x".repeat(255)).is_ok());
    assert_eq!(
        build_device_token(&c, &t, &"x".repeat(256))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let no_device = Config {
        device_token: None,
        ..cfg()
    };
    let login = LoginInput {
        login_id: "a".into(),
        password: Secret::new("p"),
        device_token: None,
    };
    assert_eq!(
        build_login(&no_device, &login).unwrap_err().code(),
        "invalid_input"
    );
    let with = LoginInput {
        device_token: Some("dev".into()),
        ..login
    };
    assert!(build_login(&no_device, &with)
        .unwrap()
        .body
        .unwrap()
        .ends_with(r#""deviceToken":"dev"}"#));
}

#[test]
fn config_reads_the_js_spelling() {
    let read = |text: &str| Config::from_json(&parse_str(text).unwrap());
    assert_eq!(
        read(
            r#"{"provider":"arita","baseUrl":"https://arita.example","deviceToken":"1234567890"}"#
        ),
        Ok(cfg())
    );
    let bare = Config {
        base_url: "https://arita.example".into(),
        device_token: None,
    };
    assert_eq!(
        read(r#"{"baseUrl":"https://arita.example"}"#),
        Ok(bare.clone())
    );
    assert_eq!(
        read(r#"{"baseUrl":"https://arita.example","deviceToken":null}"#),
        Ok(bare.clone())
    );
    let tagged = parse_str(r#"{"provider":"arita","baseUrl":"https://arita.example"}"#).unwrap();
    assert_eq!(
        ProviderConfig::from_json(&tagged),
        Ok(ProviderConfig::Arita(bare))
    );
    for (text, error) in [
        ("{}", "baseUrl: expected a string"),
        (r#"{"base_url":"x"}"#, "baseUrl: expected a string"),
        (r#"{"baseUrl":["x"]}"#, "baseUrl: expected a string"),
        (
            r#"{"baseUrl":"x","deviceToken":12}"#,
            "deviceToken: expected a string",
        ),
    ] {
        assert_eq!(read(text), Err(error.to_owned()), "{text}");
    }
}

#[test]
fn bodies_escape_strings_as_serde_json_did() {
    let odd = "q\"uote\\ back\nline\ttab\u{1}\u{1f} é 中文 \u{7f} 🦀 </script>";
    let req = build_device_token(&cfg(), &Secret::new("t"), odd).unwrap();
    let oracle = serde_json::json!({ "deviceToken": odd }).to_string();
    assert_eq!(req.body.as_deref(), Some(oracle.as_str()));
}

#[test]
fn account_check_reads_leniently_and_writes_every_member() {
    let data = |d: &str| {
        json(
            200,
            &format!(r#"{{"success":true,"message":"","data":{d}}}"#),
        )
    };
    let odd = parse_account_check(&data(
        r#"{"accountType":9,"exists":true,"setPassword":"yes"}"#,
    ))
    .unwrap();
    assert_eq!(
        odd,
        AccountCheck {
            account_type: None,
            exists: true,
            set_password: None
        }
    );
    for bad in [r#"{"exists":"true"}"#, r#"{"accountType":1}"#, "null", "[]"] {
        let err = parse_account_check(&data(bad)).unwrap_err();
        assert_eq!(err.code(), "malformed_response", "{bad}");
    }
    assert_eq!(
        AccountCheck {
            account_type: Some(AccountType::Phone),
            exists: false,
            set_password: None,
        }
        .to_json()
        .to_json(),
        r#"{"accountType":3,"exists":false,"setPassword":null}"#
    );
    let empty = parse_info(&data("{}")).unwrap();
    assert_eq!(empty, EmailPhone::default());
    let wrong = parse_info(&data(r#"{"email":1,"phone":null}"#)).unwrap();
    assert_eq!(wrong, EmailPhone::default());
    assert_eq!(
        parse_info(&data("null")).unwrap_err().code(),
        "malformed_response"
    );
}

#[test]
fn seed_responses_parse() {
    let check =
        parse_account_check(&json(200, fixture!("arita/account_check_exists.json"))).unwrap();
    assert_eq!(
        check,
        AccountCheck {
            account_type: Some(AccountType::Username),
            exists: true,
            set_password: Some(true)
        }
    );
    let unknown =
        parse_account_check(&json(200, fixture!("arita/account_check_unknown.json"))).unwrap();
    assert!(!unknown.exists);
    let emulator = r#"{"success":true,"message":"","data":{"accountType":3,"exists":false,"setPassword":false}}"#;
    assert_eq!(
        parse_account_check(&json(200, emulator))
            .unwrap()
            .account_type,
        Some(AccountType::Phone)
    );

    let blurred = parse_username_info(&json(200, fixture!("arita/username_info.json"))).unwrap();
    assert_eq!(blurred.email.as_deref(), Some("bi*****@*****.com"));
    assert_eq!(blurred.phone.as_deref(), Some("******27"));
    let info = parse_info(&json(200, fixture!("arita/info.json"))).unwrap();
    assert_eq!(
        info,
        EmailPhone {
            email: Some("test@aritaone.com".into()),
            phone: Some("68098227".into())
        }
    );

    let access = json(200, fixture!("arita/access_token.json"));
    for parse in [
        parse_login,
        parse_login_verify,
        parse_signup_verify,
        parse_forgot_password_verify,
    ] {
        assert_eq!(parse(&access).unwrap().expose(), ACCESS);
    }
    assert_eq!(
        parse_otp(&json(200, fixture!("arita/otp.json")))
            .unwrap()
            .expose(),
        OTP_TOKEN
    );
    let null = json(200, fixture!("arita/null_data.json"));
    for parse in [
        parse_set_password,
        parse_reset_password,
        parse_logout,
        parse_device_token,
    ] {
        parse(&null).unwrap();
    }
}

#[test]
fn failure_envelope_keeps_the_message_verbatim() {
    let e = parse_account_check(&json(
        200,
        r#"{"success":false,"message":"帳號已被停用","data":null}"#,
    ))
    .unwrap_err();
    assert_eq!(
        e,
        Error::Server {
            status: 200,
            message: Some("帳號已被停用".into())
        }
    );
    // The unknown-user envelope is an error everywhere but account/check.
    let e =
        parse_username_info(&json(200, fixture!("arita/account_check_unknown.json"))).unwrap_err();
    assert_eq!(e.provider_message(), Some("輸入的用戶名不存在"));
    assert_eq!(e.code(), "server");
}

#[test]
fn error_mappings() {
    let env = |m: &str| format!(r#"{{"success":false,"message":"{m}","data":null}}"#);
    let cases: Vec<(HttpResponse, &str)> = vec![
        (json(200, &env("驗證碼錯誤")), "invalid_code"),
        (json(200, &env("验证码错误")), "invalid_code"),
        (json(200, &env("Invalid OTP")), "invalid_code"),
        (json(200, &env("驗證碼已過期")), "code_expired"),
        (json(200, &env("OTP expired")), "code_expired"),
        (json(200, &env("嘗試次數過多")), "too_many_attempts"),
        (json(200, &env("請求過於頻繁")), "rate_limited"),
        (json(200, &env("手機號碼格式錯誤")), "invalid_phone"),
        (json(200, &env("帳號或密碼錯誤")), "unauthorized"),
        (json(200, &env("Wrong password")), "unauthorized"),
        (json(401, &env("未授權")), "unauthorized"),
        (json(403, &env("forbidden")), "forbidden"),
        (json(500, "oops"), "server"),
        (json(200, r#"{"message":"no flag"}"#), "malformed_response"),
        (
            json(200, r#"{"success":true,"message":"","data":{}}"#),
            "malformed_response",
        ),
        (json(200, r#"{"success":tr"#), "malformed_response"),
        (
            HttpResponse::new(200, "<html/>").with_header("Content-Type", "text/html"),
            "malformed_response",
        ),
    ];
    for (resp, code) in cases {
        let err = parse_login_verify(&resp).unwrap_err();
        assert_eq!(err.code(), code, "{resp:?}: {err:?}");
    }
    let limited = json(
        429,
        r#"{"success":false,"message":"請求過於頻繁","data":{"retryAfter":25}}"#,
    );
    let err = parse_otp(&limited).unwrap_err();
    assert_eq!((err.code(), err.retry_after()), ("rate_limited", Some(25)));
    assert_eq!(err.provider_message(), Some("請求過於頻繁"));
    let err = parse_otp(&limited.with_header("Retry-After", "30")).unwrap_err();
    assert_eq!(err.retry_after(), Some(30), "the header wins");
    let wrong = parse_login_verify(&json(200, &env("驗證碼錯誤"))).unwrap_err();
    assert_eq!(wrong.provider_message(), Some("驗證碼錯誤"));
}

fn otp_response(nature: u8) -> HttpResponse {
    let claims = format!(
        r#"{{"expiry":"2030-01-01T00:00:00Z","loginID":"+85268098227","nature":{nature}}}"#
    );
    let jwt = format!("eyJhbGciOiJIUzI1NiJ9.{}.c2ln", b64url(claims.as_bytes()));
    json(
        200,
        &format!(r#"{{"success":true,"message":"","data":{{"otpToken":"{jwt}"}}}}"#),
    )
}

fn b64url(bytes: &[u8]) -> String {
    crate::token::base64url::encode(bytes, false)
}

#[test]
fn flow_chooses_login_or_signup_from_account_check() {
    let c = cfg();
    let p = phone("+85268098227");
    let req = c.code_request(&p).unwrap();
    assert_eq!(req.url, url("account/check"));
    assert_eq!(req.body.as_deref(), Some(r#"{"loginID":"+85268098227"}"#));
    let code = OtpCode::parse("4821").unwrap();
    let cases = [
        (
            fixture!("arita/account_check_exists.json"),
            1,
            "login/verify",
            Some(true),
        ),
        (
            fixture!("arita/account_check_unknown.json"),
            2,
            "signup/verify",
            Some(false),
        ),
    ];
    for (check_body, nature, verify_path, registered) in cases {
        let CodeStep::Send(otp) = c.on_code_response(&p, 0, &json(200, check_body)).unwrap() else {
            panic!("account/check is followed by otp")
        };
        let expected = format!(r#"{{"nature":{nature},"loginID":"+85268098227","sendType":0}}"#);
        assert_eq!(
            (otp.url.as_str(), otp.body.as_deref()),
            (url("otp").as_str(), Some(expected.as_str()))
        );
        let CodeStep::Sent(challenge) = c.on_code_response(&p, 1, &otp_response(nature)).unwrap()
        else {
            panic!("otp sends the code")
        };
        assert_eq!(challenge.is_registered, registered);
        let verify = c.verify_request(&p, &challenge, &code).unwrap();
        assert_eq!(verify.url, url(verify_path));
        assert!(verify
            .body
            .unwrap()
            .starts_with(r#"{"otp":4821,"otpToken":"eyJ"#));
    }
    let v = c
        .on_verify_response(&json(200, fixture!("arita/access_token.json")))
        .unwrap();
    assert_eq!((v.token.expose(), v.user), (ACCESS, None));
    let out = c.sign_out_request(&Secret::new("user.token")).unwrap();
    assert_eq!((out.method, out.url), (Method::Delete, url("logout")));
    assert_eq!(
        c.on_code_response(&p, 2, &otp_response(1))
            .unwrap_err()
            .code(),
        "invalid_state"
    );
    let none = c
        .verify_request(&p, &Challenge::default(), &code)
        .unwrap_err();
    assert_eq!(none.code(), "invalid_state");
}

#[test]
fn seed_otp_token_records_login() {
    let c = cfg();
    let CodeStep::Sent(ch) = c
        .on_code_response(
            &phone("+85268098227"),
            1,
            &json(200, fixture!("arita/otp.json")),
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        ch.is_registered,
        Some(true),
        "the seed's otpToken has nature 1"
    );
    assert_eq!(ch.handle.unwrap().expose(), OTP_TOKEN);
}

proptest! {
    #[test]
    fn parsers_survive_anything(resp in arb_response()) {
        let _ = parse_account_check(&resp);
        let _ = parse_username_info(&resp);
        let _ = parse_info(&resp);
        let _ = parse_login(&resp);
        let _ = parse_otp(&resp);
        let _ = parse_login_verify(&resp);
        let _ = parse_signup_verify(&resp);
        let _ = parse_forgot_password_verify(&resp);
        let _ = parse_set_password(&resp);
        let _ = parse_reset_password(&resp);
        let _ = parse_logout(&resp);
        let _ = parse_device_token(&resp);
        let p = phone("+85268098227");
        let _ = cfg().on_code_response(&p, 0, &resp);
        let _ = cfg().on_code_response(&p, 1, &resp);
    }
}
