use proptest::prelude::*;

use super::*;
use crate::provider::common::testing::{arb_response, fixture, json, phone};

/// A Monetha-like API described as data, as JavaScript would pass it.
fn acme() -> Description {
    serde_json::from_str(fixture!("custom/acme.json")).unwrap()
}

#[test]
fn description_deserialises_from_camel_case_and_validates() {
    let d = acme();
    assert_eq!(d.name, "acme");
    assert_eq!(d.phone_format, PhoneForm::NationalDigits);
    d.validate().unwrap();
    let typo = r#"{"name":"x","baseUrl":"https://x","requestCode":{"path":"/a"},"verify":{"path":"/b"},"tokenPointer":"/t","tokenPointr":"/t"}"#;
    assert!(
        serde_json::from_str::<Description>(typo).is_err(),
        "unknown fields are refused"
    );
}

type Mutation = fn(&mut Description);

#[test]
fn invalid_descriptions_have_typed_errors() {
    let cases: Vec<(Mutation, DescriptionError)> = vec![
        (|d| d.name = "Acme Inc".into(), DescriptionError::Name),
        (|d| d.base_url = "ftp://x".into(), DescriptionError::BaseUrl),
        (
            |d| d.verify.path = "verify".into(),
            DescriptionError::Path("verify"),
        ),
        (
            |d| d.token_pointer = "token".into(),
            DescriptionError::Pointer("tokenPointer"),
        ),
        (
            |d| d.request_code.path = "/otp/{{phone".into(),
            DescriptionError::Unterminated("requestCode"),
        ),
        (
            |d| d.request_code.path = "/otp/{{phoen}}".into(),
            DescriptionError::UnknownPlaceholder("requestCode", "phoen".into()),
        ),
        (
            |d| d.request_code.path = "/otp/{{code}}".into(),
            DescriptionError::Unavailable("requestCode", "code".into()),
        ),
        (
            |d| d.verify.body = Some(serde_json::json!({"h": "{{handle}}"})),
            DescriptionError::CodeNotSent("verify"),
        ),
        (
            |d| d.handle_pointer = None,
            DescriptionError::HandleWithoutPointer,
        ),
        (
            |d| d.registered_pointer = None,
            DescriptionError::SignUpWithoutRegisteredPointer,
        ),
        (
            |d| {
                d.headers.insert("X-Key".into(), "{{token}}".into());
            },
            DescriptionError::Unavailable("headers", "token".into()),
        ),
        (
            |d| {
                d.headers.insert("Bad Name".into(), "v".into());
            },
            DescriptionError::Header("headers"),
        ),
        (
            |d| d.refresh.as_mut().unwrap().body = Some(serde_json::json!({"c": "{{code}}"})),
            DescriptionError::Unavailable("refresh", "code".into()),
        ),
    ];
    for (mutate, expected) in cases {
        let mut d = acme();
        mutate(&mut d);
        assert_eq!(d.validate(), Err(expected.clone()));
        let err = d.code_request(&phone("+37068086090")).unwrap_err();
        assert_eq!(err.code(), "invalid_config", "{expected:?}");
        assert_eq!(err, Error::from(expected));
    }
}

#[test]
fn requests_fill_placeholders() {
    let d = acme();
    let p = phone("+37068086090");
    let req = d.code_request(&p).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://acme.example/v1/otp/%2B37068086090");
    assert_eq!(req.get_header("x-api-key"), Some("demo"));
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"country":"LT","number":"68086090","prefix":"+370"}"#)
    );

    let code = OtpCode::parse("012345").unwrap();
    let registered = Challenge {
        handle: Some(Secret::new("h-1")),
        is_registered: Some(true),
        code_ttl: None,
    };
    let req = d.verify_request(&p, &registered, &code).unwrap();
    assert_eq!(req.url, "https://acme.example/v1/login");
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"code":"012345","handle":"h-1"}"#)
    );
    let new = Challenge {
        is_registered: Some(false),
        ..registered
    };
    let req = d.verify_request(&p, &new, &code).unwrap();
    assert_eq!(req.url, "https://acme.example/v1/register");
    assert_eq!(req.body.as_deref(), Some(r#"{"handle":"h-1","otp":12345}"#));

    let refresh = d.refresh_request(&Secret::new("old.jwt")).unwrap().unwrap();
    assert_eq!(refresh.get_header("authorization"), Some("Bearer old.jwt"));
    assert_eq!(refresh.url, "https://acme.example/v1/refresh");
    let out = d.sign_out_request(&Secret::new("old.jwt")).unwrap();
    assert_eq!((out.method, out.body), (Method::Delete, None));
}

#[test]
fn responses_are_read_through_pointers() {
    let d = acme();
    let p = phone("+37068086090");
    let body = r#"{"data":{"requestId":"h-9","registered":0,"ttl":300}}"#;
    let CodeStep::Sent(ch) = d.on_code_response(&p, 0, &json(200, body)).unwrap() else {
        panic!("one request sends the code")
    };
    assert_eq!(ch.handle.unwrap().expose(), "h-9");
    assert_eq!((ch.is_registered, ch.code_ttl), (Some(false), Some(300)));
    let missing = d
        .on_code_response(&p, 0, &json(200, r#"{"data":{}}"#))
        .unwrap_err();
    assert_eq!(missing.code(), "malformed_response");

    let v = d
        .on_verify_response(&json(
            200,
            r#"{"result":{"jwt":"Bearer a.b.c","profile":{"id":3}}}"#,
        ))
        .unwrap();
    assert_eq!(v.token.expose(), "a.b.c");
    assert_eq!(v.user, Some(serde_json::json!({"id": 3})));
    let r = d
        .on_refresh_response(&json(200, r#"{"result":{"jwt":"n.e.w"}}"#))
        .unwrap();
    assert_eq!((r.token.expose(), r.user), ("n.e.w", None));
}

#[test]
fn errors_map_through_the_error_codes() {
    let d = acme();
    let cases: Vec<(HttpResponse, &str)> = vec![
        (
            json(400, r#"{"err":{"kind":"BAD_OTP"},"msg":"nope"}"#),
            "invalid_code",
        ),
        (json(400, r#"{"err":{"kind":"OTP_GONE"}}"#), "code_expired"),
        (
            json(200, r#"{"ok":false,"err":{"kind":"LOCKED"}}"#),
            "too_many_attempts",
        ),
        (json(200, r#"{"ok":false,"msg":"maintenance"}"#), "server"),
        (json(429, r#"{"retryAfter":5}"#), "rate_limited"),
        (json(401, "{}"), "unauthorized"),
        (json(400, r#"{"err":{"kind":"OTHER"}}"#), "bad_request"),
        (json(200, r#"{"ok":true}"#), "malformed_response"),
        (
            HttpResponse::new(200, "<html/>").with_header("Content-Type", "text/html"),
            "malformed_response",
        ),
    ];
    for (resp, code) in cases {
        let err = d.on_verify_response(&resp).unwrap_err();
        assert_eq!(err.code(), code, "{resp:?}: {err:?}");
    }
    let err = d
        .on_verify_response(&json(400, r#"{"err":{"kind":"BAD_OTP"},"msg":"nope"}"#))
        .unwrap_err();
    assert_eq!(err.provider_message(), Some("nope"));
    let err = d
        .on_verify_response(&json(200, r#"{"ok":false,"msg":"maintenance"}"#))
        .unwrap_err();
    assert_eq!(err.provider_message(), Some("maintenance"));
}

proptest! {
    #[test]
    fn parsers_survive_anything(resp in arb_response()) {
        let d = acme();
        let _ = d.on_code_response(&phone("+37068086090"), 0, &resp);
        let _ = d.on_verify_response(&resp);
        let _ = d.on_refresh_response(&resp);
    }

    #[test]
    fn any_description_json_is_accepted_or_refused_cleanly(text in r#"\{("[a-zA-Z]{1,14}":("[ -~]{0,20}"|\{"path":"[ -~]{0,12}"\}|null|1),?){0,8}\}"#) {
        if let Ok(d) = serde_json::from_str::<Description>(&text) {
            let _ = d.validate();
            let _ = d.code_request(&phone("+37068086090"));
        }
    }

    #[test]
    fn templates_never_panic(path in "[ -~]{0,40}", body in "[ -~]{0,40}") {
        let mut d = acme();
        d.request_code.path = path;
        d.verify.body = Some(Value::String(body));
        let _ = d.validate();
        let p = phone("+37068086090");
        let _ = d.code_request(&p);
        let _ = d.verify_request(&p, &Challenge::default(), &OtpCode::parse("1234").unwrap());
    }
}
