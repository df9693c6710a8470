use proptest::prelude::*;

use super::*;
use crate::json;
use crate::provider::common::testing::{arb_response, fixture, json, phone};
use crate::provider::ProviderConfig;

/// A Monetha-like API described as data, as JavaScript would pass it.
fn acme() -> Description {
    Description::from_json(&acme_json()).unwrap()
}

fn acme_json() -> Value {
    json::parse_str(fixture!("custom/acme.json")).unwrap()
}

/// `acme.json` with one member replaced (or added), given as JSON text.
fn acme_with(key: &str, value: &str) -> Result<Description, String> {
    let mut doc = acme_json();
    if let Value::Object(m) = &mut doc {
        m.insert(key, json::parse_str(value).unwrap());
    }
    Description::from_json(&doc)
}

#[test]
fn description_reads_from_camel_case_and_validates() {
    let d = acme();
    assert_eq!(d.name, "acme");
    assert_eq!(d.base_url, "https://acme.example/v1");
    assert_eq!(d.phone_format, PhoneForm::NationalDigits);
    assert_eq!(d.headers, [("X-Api-Key".to_owned(), "demo".to_owned())]);
    assert_eq!(d.verify.method, Method::Post, "POST by default");
    assert_eq!(d.sign_out.as_ref().unwrap().method, Method::Delete);
    assert_eq!(d.token_pointer, "/result/jwt");
    assert_eq!(d.error_kind("LOCKED"), Some(ErrorKind::TooManyAttempts));
    d.validate().unwrap();
    let typo = r#"{"name":"x","baseUrl":"https://x","requestCode":{"path":"/a"},"verify":{"path":"/b"},"tokenPointer":"/t","tokenPointr":"/t"}"#;
    assert_eq!(
        Description::from_json(&json::parse_str(typo).unwrap()),
        Err("tokenPointr: unknown member".into()),
        "unknown members are refused"
    );
}

#[test]
fn the_provider_tag_is_custom_beside_the_description() {
    let mut doc = acme_json();
    if let Value::Object(m) = &mut doc {
        m.insert("provider", "custom");
    }
    assert_eq!(
        ProviderConfig::from_json(&doc),
        Ok(ProviderConfig::Custom(acme()))
    );
    assert_eq!(Description::from_json(&doc), Ok(acme()));
    assert_eq!(
        acme_with("provider", r#""gizo""#),
        Err(r#"provider: expected "custom""#.into())
    );
}

#[test]
fn errors_name_the_member() {
    let cases = [
        (
            "verify",
            r#"{"path":"/b","method":"get"}"#,
            r#"verify.method: expected "GET", "POST", "PUT", "PATCH" or "DELETE""#,
        ),
        (
            "signUp",
            r#"{"path":"/b","bdy":{}}"#,
            "signUp.bdy: unknown member",
        ),
        (
            "refresh",
            r#"{"method":"POST"}"#,
            "refresh.path: expected a string",
        ),
        (
            "refresh",
            r#"{"path":"/r","path":"/s"}"#,
            "refresh.path: given twice",
        ),
        (
            "signOut",
            r#"{"path":"/o","headers":{"X-K":1}}"#,
            "signOut.headers.X-K: expected a string",
        ),
        ("verify", "null", "verify: expected an object"),
        (
            "requestCode",
            r#"["POST","/a"]"#,
            "requestCode: expected an object",
        ),
        ("name", "7", "name: expected a string"),
        ("handlePointer", "false", "handlePointer: expected a string"),
        ("headers", "null", "headers: expected an object of strings"),
        (
            "phoneFormat",
            r#""national_digits""#,
            r#"phoneFormat: expected "e164", "gizo", "nationalDigits" or "international""#,
        ),
        (
            "errorCodes",
            r#"{"X":"InvalidCode"}"#,
            r#"errorCodes.X: expected "invalid_code", "code_expired", "too_many_attempts", "rate_limited", "invalid_phone" or "unauthorized""#,
        ),
    ];
    for (key, value, expected) in cases {
        assert_eq!(
            acme_with(key, value),
            Err(expected.to_owned()),
            "{key}: {value}"
        );
    }
    let missing =
        r#"{"name":"x","baseUrl":"https://x","requestCode":{"path":"/a"},"verify":{"path":"/b"}}"#;
    assert_eq!(
        Description::from_json(&json::parse_str(missing).unwrap()),
        Err("tokenPointer: expected a string".into())
    );
    assert_eq!(
        Description::from_json(&Value::from("acme")),
        Err("the custom provider description must be an object".into())
    );
}

#[test]
fn null_is_absent_only_where_a_member_is_optional() {
    let d = acme_with("signUp", "null").unwrap();
    assert_eq!(d.sign_up, None);
    let d = acme_with("verify", r#"{"path":"/login","body":null}"#).unwrap();
    assert_eq!(d.verify.body, None, "a null body is no body");
    assert!(acme_with("phoneFormat", "null").is_err());
    assert!(acme_with("errorCodes", "null").is_err());
    assert!(acme_with("tokenPointer", "null").is_err());
}

#[test]
fn body_templates_are_kept_and_sent_with_sorted_keys() {
    let d = acme_with(
        "verify",
        r#"{"path":"/v","body":{"z":"{{code}}","a":{"y":1,"b":[{"d":2,"c":3}]},"m":"x","m":"{{e164}}"}}"#,
    )
    .unwrap();
    let kept =
        json::parse_str(r#"{"a":{"b":[{"c":3,"d":2}],"y":1},"m":"{{e164}}","z":"{{code}}"}"#)
            .unwrap();
    assert_eq!(
        d.verify.body,
        Some(kept),
        "sorted; of a repeated name the last counts"
    );
    let code = OtpCode::parse("012345").unwrap();
    let req = d
        .verify_request(&phone("+37068086090"), &Challenge::default(), &code)
        .unwrap();
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"a":{"b":[{"c":3,"d":2}],"y":1},"m":"+37068086090","z":"012345"}"#)
    );
    // A body built in code goes out sorted too.
    let mut d = acme();
    d.verify.body = Some(Value::object([
        ("z", "{{code}}".into()),
        ("a", 1u64.into()),
    ]));
    let req = d
        .verify_request(&phone("+37068086090"), &Challenge::default(), &code)
        .unwrap();
    assert_eq!(req.body.as_deref(), Some(r#"{"a":1,"z":"012345"}"#));
}

#[test]
fn pointers_follow_rfc_6901() {
    let doc = json::parse_str(r#"{"a/b":{"m~n":[10,{"x":true}]},"":1,"a":{"b":2}}"#).unwrap();
    let at = |p: &str| pointer(&doc, p).map(Value::to_json);
    assert_eq!(at(""), Some(doc.to_json()));
    assert_eq!(at("/a~1b/m~0n/0"), Some("10".into()));
    assert_eq!(at("/a~1b/m~0n/1/x"), Some("true".into()));
    assert_eq!(at("/a/b"), Some("2".into()));
    assert_eq!(at("/"), Some("1".into()));
    for missing in [
        "a",
        "/a~1b/m~0n/01",
        "/a~1b/m~0n/+1",
        "/a~1b/m~0n/2",
        "/a/b/c",
        "/x",
    ] {
        assert_eq!(at(missing), None, "{missing}");
    }
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
            |d| d.verify.body = Some(Value::object([("h", "{{handle}}".into())])),
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
                d.headers.push(("X-Key".into(), "{{token}}".into()));
            },
            DescriptionError::Unavailable("headers", "token".into()),
        ),
        (
            |d| {
                d.headers.push(("Bad Name".into(), "v".into()));
            },
            DescriptionError::Header("headers"),
        ),
        (
            |d| d.refresh.as_mut().unwrap().body = Some(Value::object([("c", "{{code}}".into())])),
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
fn headers_are_read_sorted_and_sent_in_order() {
    let d = acme_with(
        "headers",
        r#"{"X-B":"1","X-A":"2","X-B":"3","Accept":"application/json"}"#,
    )
    .unwrap();
    let pairs = |list: &[(String, String)]| -> Vec<String> {
        list.iter().map(|(k, v)| format!("{k}={v}")).collect()
    };
    assert_eq!(
        pairs(&d.headers),
        ["Accept=application/json", "X-A=2", "X-B=3"],
        "sorted by name; of a repeated name the last counts"
    );
    // Headers built in code go out as listed, the shared ones first.
    let mut d = acme();
    d.headers = vec![("X-Z".into(), "z".into()), ("X-A".into(), "a".into())];
    d.request_code.headers = vec![("X-M".into(), "{{region}}".into())];
    let req = d.code_request(&phone("+37068086090")).unwrap();
    assert_eq!(
        pairs(&req.headers),
        ["X-Z=z", "X-A=a", "X-M=LT", "Content-Type=application/json"]
    );
}

#[test]
fn paths_are_percent_encoded_and_the_scheme_ignores_case() {
    let mut d = acme();
    d.base_url = "HTTPS://acme.example".into();
    d.phone_format = PhoneForm::International;
    d.request_code.path = "/otp/{{phone}}/{{region}}".into();
    let req = d.code_request(&phone("+37068086090")).unwrap();
    assert_eq!(req.url, "HTTPS://acme.example/otp/%2B370%20680%2086090/LT");
    d.verify.path = "/v/{{handle}}".into();
    let challenge = Challenge {
        handle: Some(Secret::new("a/\u{fc} b~.-_Z9")),
        ..Challenge::default()
    };
    let code = OtpCode::parse("012345").unwrap();
    let req = d
        .verify_request(&phone("+37068086090"), &challenge, &code)
        .unwrap();
    assert_eq!(req.url, "HTTPS://acme.example/v/a%2F%C3%BC%20b~.-_Z9");
    d.base_url = "Http:/acme.example".into();
    assert_eq!(d.validate(), Err(DescriptionError::BaseUrl));
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
    assert_eq!(v.user, Some(json::parse_str(r#"{"id":3}"#).unwrap()));
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
        let d = json::parse_str(&text).map_err(|e| format!("{e:?}")).and_then(|v| Description::from_json(&v));
        if let Ok(d) = d {
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

mod oracle;

/// A description's `baseUrl` passes the same checks as the built-in providers': https,
/// or http to loopback, or plain http elsewhere only with `allowInsecureHttp`.
#[test]
fn the_base_url_is_checked_like_the_built_in_providers() {
    let with = |base: &str, allow: Option<bool>| {
        let mut doc = acme_json();
        if let Value::Object(m) = &mut doc {
            m.insert("provider", "custom");
            m.insert("baseUrl", base);
            if let Some(a) = allow {
                m.insert("allowInsecureHttp", a);
            }
        }
        ProviderConfig::from_json(&doc)
    };
    assert!(with("https://acme.example/v1", None).is_ok());
    assert!(with("http://127.0.0.1:8787", None).is_ok());
    assert!(with("http://acme.example", Some(true)).is_ok());
    for (base, allow) in [
        ("http://acme.example", None),
        ("http://acme.example", Some(false)),
        ("https://user:pw@acme.example", Some(true)),
        ("https://acme.example/?q", None),
        ("javascript:alert(1)", Some(true)),
    ] {
        let e = with(base, allow).unwrap_err();
        assert!(e.contains("baseUrl"), "{base}: {e}");
    }
}
