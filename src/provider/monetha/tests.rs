use proptest::prelude::*;

use super::*;
use crate::json;
use crate::provider::common::testing::{
    arb_response, assert_no_secret_members, check, fixture, json, phone, Expected,
};

const DEVICE: &str = "a67c5d31-6f3d-4403-b8fa-c8f8a5a543d7";
const VERIFICATION_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE1NjUzMjkwMTgsImlhdCI6MTU2NTMyODQxOCwiaWQiOjE4NjM2NTUsImNvdW50cnlfY29kZSI6IjAwMDEiLCJjb3VudHJ5X2NvZGVfaXNvIjoiTFQiLCJkZXZpY2VfaWQiOiJhIiwiZGV2aWNlX29zIjoiYW5kcm9pZCIsInBob25lX251bWJlciI6IjYzNDQ1NDczNjI4MDk1In0.Xf9DonU7vKqXiz7W08wfU7wBxnCVC7tHWoYlZLgWSts";
const AUTH_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE1NjgwMDcwNTgsImlhdCI6MTU2NTMyODY1OCwibmJmIjoxNTY1MzI4NjU4LCJpZCI6MTExNzQ1NSwiZGV2X2lkIjoiYSJ9.v_OYeH4Uh6cGOAJFsk2w1BMi7PtMChVu15AtCk58SQA";

fn cfg() -> Config {
    Config {
        base_url: "https://api.monetha.io".into(),
        device_id: DEVICE.into(),
    }
}

#[test]
fn requests_are_built_as_the_seed_shows() {
    let c = cfg();
    let verify = VerifyInput::for_phone(&c, &phone("+37068086090")).unwrap();
    let sign = SignInput {
        verification_token: Secret::new(VERIFICATION_TOKEN),
        verification_code: Secret::new("123456"),
    };
    let sign_body =
        format!(r#"{{"verification_token":"{VERIFICATION_TOKEN}","verification_code":"123456"}}"#);
    let verify_body = format!(
        r#"{{"country_code_iso":"LT","country_code":"370","phone_number":"68086090","device_id":"{DEVICE}"}}"#
    );
    let cases = [
        ("verify", build_verify(&c, &verify).unwrap(), verify_body),
        (
            "signup",
            build_signup(&c, &sign).unwrap(),
            sign_body.clone(),
        ),
        ("signin", build_signin(&c, &sign).unwrap(), sign_body),
    ];
    for (name, req, body) in &cases {
        let url = format!("https://api.monetha.io/mth/v1/users/{name}");
        let expected = Expected {
            method: Method::Post,
            url: &url,
            headers: &[("Content-Type", "application/json")],
            body: Some(body),
        };
        check(name, req, &expected);
    }
}

#[test]
fn seed_responses_parse() {
    let out = parse_verify(&json(200, fixture!("monetha/verify.json"))).unwrap();
    assert!(!out.is_registered);
    assert_eq!(out.verification_token.expose(), VERIFICATION_TOKEN);

    for parse in [parse_signup, parse_signin] {
        let out = parse(&json(200, fixture!("monetha/signup.json"))).unwrap();
        assert_eq!(
            out.auth_token.expose(),
            AUTH_JWT,
            "the Bearer prefix is stripped"
        );
        assert_eq!(out.user, Some(User::default()));
    }
    let out = parse_signin(&json(200, fixture!("monetha/signin_emulator.json"))).unwrap();
    let user = out.user.unwrap();
    assert_eq!(
        (user.id, user.country_code_iso.as_deref()),
        (Some(7), Some("LT"))
    );
    assert_eq!(user.is_registered, Some(true));
    assert_eq!(
        user.extra.get("nickname").and_then(Value::as_str),
        Some("Ona")
    );
}

#[test]
fn error_mappings() {
    let cases: Vec<(HttpResponse, &str)> = vec![
        (
            json(400, r#"{"error":"invalid_code","message":"wrong"}"#),
            "invalid_code",
        ),
        (json(400, r#"{"error":"code_expired"}"#), "code_expired"),
        (
            json(400, r#"{"error":"too_many_attempts"}"#),
            "too_many_attempts",
        ),
        (
            json(400, r#"{"error":"invalid_phone_number"}"#),
            "invalid_phone",
        ),
        (
            json(429, r#"{"error":"rate_limited","retry_after":12}"#),
            "rate_limited",
        ),
        (json(401, r#"{"error":"unauthorized"}"#), "unauthorized"),
        (json(400, r#"{"error":"something_else"}"#), "bad_request"),
        (
            HttpResponse::new(503, "<html>down</html>").with_header("Content-Type", "text/html"),
            "server",
        ),
        (
            json(200, r#"{"auth_token":"Bearer "}"#),
            "malformed_response",
        ),
        (json(200, r#"{"user":{}}"#), "malformed_response"),
        (json(200, ""), "malformed_response"),
        (
            json(200, r#"{"auth_token":"Bearer abc"#),
            "malformed_response",
        ),
    ];
    for (resp, code) in cases {
        let err = parse_signin(&resp).unwrap_err();
        assert_eq!(err.code(), code, "{resp:?}: {err:?}");
    }
    let limited = json(429, r#"{"error":"rate_limited","retry_after":12}"#);
    assert_eq!(parse_verify(&limited).unwrap_err().retry_after(), Some(12));
    let header = limited.with_header("Retry-After", "40");
    assert_eq!(parse_verify(&header).unwrap_err().retry_after(), Some(40));
    let wrong =
        parse_signin(&json(400, r#"{"error":"invalid_code","message":"wrong"}"#)).unwrap_err();
    assert_eq!(wrong.provider_message(), Some("wrong"));
    let no_flag = json(
        200,
        &format!(r#"{{"verification_token":"{VERIFICATION_TOKEN}"}}"#),
    );
    let err = parse_verify(&no_flag).unwrap_err();
    let Error::MalformedResponse { excerpt, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        !excerpt.contains(VERIFICATION_TOKEN),
        "the handle is redacted: {excerpt}"
    );
}

#[test]
fn flow_chooses_signup_or_signin_from_is_registered() {
    let c = cfg();
    let p = phone("+37068086090");
    let req = c.code_request(&p).unwrap();
    assert!(req
        .body
        .unwrap()
        .starts_with(r#"{"country_code_iso":"LT","country_code":"370","phone_number":"68086090""#));
    let code = OtpCode::parse("123456").unwrap();
    for (registered, endpoint) in [(false, "signup"), (true, "signin")] {
        let body = format!(r#"{{"is_registered":{registered},"verification_token":"vt"}}"#);
        let CodeStep::Sent(challenge) = c.on_code_response(&p, 0, &json(200, &body)).unwrap()
        else {
            panic!("one request sends the code")
        };
        assert_eq!(challenge.is_registered, Some(registered));
        let verify = c.verify_request(&p, &challenge, &code).unwrap();
        assert_eq!(
            verify.url,
            format!("https://api.monetha.io/mth/v1/users/{endpoint}")
        );
        assert_eq!(
            verify.body.as_deref(),
            Some(r#"{"verification_token":"vt","verification_code":"123456"}"#)
        );
    }
    let v = c
        .on_verify_response(&json(200, fixture!("monetha/signin_emulator.json")))
        .unwrap();
    assert_eq!(v.token.expose(), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig");
    let user = v.user.unwrap();
    let fixture: json::Value = json::parse_str(fixture!("monetha/signin_emulator.json")).unwrap();
    assert_eq!(user, fixture["user"], "the user object as sent");
    assert_no_secret_members(&user);
    assert_eq!(
        user.to_json(),
        r#"{"id":7,"phone_number":"68086090","country_code":"370","country_code_iso":"LT","is_registered":true,"nickname":"Ona"}"#,
        "document order"
    );
    let err = c
        .verify_request(&p, &Challenge::default(), &code)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_state");
}

#[test]
fn user_keeps_unknown_members() {
    let body = json::parse_str(
        r#"{"zone":"EU","id":"seven","phone_number":null,"country_code":"370","avatar":{"url":"a"}}"#,
    )
    .unwrap();
    let user = User::from_json(&body).unwrap();
    assert_eq!((user.id, user.phone_number.as_deref()), (None, None));
    assert_eq!(user.country_code.as_deref(), Some("370"));
    let extra: Vec<&str> = user.extra.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        extra,
        ["zone", "avatar"],
        "known fields are not repeated in extra"
    );
    assert_eq!(User::from_json(&json::parse_str("null").unwrap()), None);
    let out = parse_signin(&json(200, r#"{"auth_token":"Bearer t","user":[1]}"#)).unwrap();
    assert_eq!(out.user, None, "a user that is not an object is left out");
}

#[test]
fn reported_user_is_the_user_object_as_sent_without_secrets() {
    let c = cfg();
    let body = r#"{"auth_token":"Bearer t","user":{"zone":"EU","session_token":"s","id":"seven","phone_number":null,"verification_code":"123456","country_code":"370","avatar":{"url":"a","jwt":"j"}},"jwt":"top"}"#;
    let v = c.on_verify_response(&json(200, body)).unwrap();
    assert_eq!(v.token.expose(), "t");
    let user = v.user.unwrap();
    assert_no_secret_members(&user);
    assert_eq!(
        user.to_json(),
        r#"{"zone":"EU","id":"seven","phone_number":null,"country_code":"370","avatar":{"url":"a"}}"#
    );
    let v = c
        .on_verify_response(&json(200, fixture!("monetha/signup.json")))
        .unwrap();
    assert_eq!(v.user, Some(json::parse_str("{}").unwrap()));
    for body in [r#"{"auth_token":"t","user":[1]}"#, r#"{"auth_token":"t"}"#] {
        let v = c.on_verify_response(&json(200, body)).unwrap();
        assert_eq!(v.user, None, "{body}: no user object, no user");
    }
    let err = c
        .on_verify_response(&json(200, r#"{"user":{"id":1}}"#))
        .unwrap_err();
    assert_eq!(err.code(), "malformed_response");
}

#[test]
fn config_reads_the_js_options() {
    let read = |text: &str| Config::from_json(&json::parse_str(text).unwrap());
    let text = format!(
        r#"{{"provider":"monetha","baseUrl":"https://api.monetha.io","deviceId":"{DEVICE}"}}"#
    );
    assert_eq!(read(&text), Ok(cfg()));
    assert_eq!(
        read(r#"{"deviceId":"d"}"#),
        Err("baseUrl: expected a string".into())
    );
    assert_eq!(
        read(r#"{"baseUrl":"x","deviceId":null}"#),
        Err("deviceId: expected a string".into())
    );
}

#[test]
fn verify_output_needs_both_members_with_their_types() {
    for body in [
        r#"{"is_registered":"true","verification_token":"vt"}"#,
        r#"{"is_registered":true,"verification_token":7}"#,
        r#"{"is_registered":true}"#,
        r#"[true,"vt"]"#,
    ] {
        let err = parse_verify(&json(200, body)).unwrap_err();
        assert!(
            matches!(&err, Error::MalformedResponse { reason, .. } if reason == "unexpected JSON shape"),
            "{body}: {err:?}"
        );
    }
    let empty = parse_verify(&json(
        200,
        r#"{"is_registered":true,"verification_token":""}"#,
    ))
    .unwrap_err();
    assert!(
        matches!(&empty, Error::MalformedResponse { reason, .. } if reason == "empty verification_token"),
        "{empty:?}"
    );
}

proptest! {
    #[test]
    fn parsers_survive_anything(resp in arb_response()) {
        let _ = parse_verify(&resp);
        let _ = parse_signup(&resp);
        let _ = parse_signin(&resp);
        let _ = cfg().on_code_response(&phone("+37068086090"), 0, &resp);
        let _ = cfg().on_verify_response(&resp);
    }
}
