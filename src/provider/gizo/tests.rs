use proptest::prelude::*;

use super::*;
use crate::json;
use crate::provider::common::testing::{
    arb_response, assert_no_secret_members, check, fixture, json, phone, without, Expected,
};

const BASE: &str = "https://api.artificient.de";

fn cfg() -> Config {
    Config {
        base_url: BASE.into(),
        app_token: Some(Secret::new("app.jwt.token")),
    }
}

fn with_bearer(token: &'static str) -> [(&'static str, &'static str); 3] {
    [
        ("Authorization", token),
        ("Content-Type", "application/json"),
        ("Accept", "*/*"),
    ]
}

#[test]
fn requests_are_built_as_the_seed_shows() {
    let c = cfg();
    let app = with_bearer("Bearer app.jwt.token");
    let admin = with_bearer("Bearer admin.jwt");
    let cases: Vec<(&str, HttpRequest, Expected)> = vec![
        (
            "checkIdentity",
            build_check_identity(
                &c,
                &CheckIdentityInput {
                    username: "+49_1747707607".into(),
                },
            )
            .unwrap(),
            Expected {
                method: Method::Post,
                url: "https://api.artificient.de/api/v1/User/checkIdentity",
                headers: &app,
                body: Some(r#"{"username":"+49_1747707607"}"#),
            },
        ),
        (
            "verify",
            build_verify(
                &c,
                &VerifyInput {
                    username: "+49_1747707607".into(),
                    verify_code: Secret::new("12345"),
                },
            )
            .unwrap(),
            Expected {
                method: Method::Post,
                url: "https://api.artificient.de/api/v3/User/verify",
                headers: &app,
                body: Some(r#"{"username":"+49_1747707607","verifyCode":"12345"}"#),
            },
        ),
        (
            "access-token",
            build_access_token(
                &c,
                &AccessTokenInput {
                    client_id: "text".into(),
                    client_secret: Secret::new("text"),
                },
            )
            .unwrap(),
            Expected {
                method: Method::Post,
                url: "https://api.artificient.de/api/v1/company/access-token",
                headers: &[("Content-Type", "application/json"), ("Accept", "*/*")],
                body: Some(r#"{"clientId":"text","clientSecret":"text"}"#),
            },
        ),
        (
            "client-token",
            build_client_token(
                &c,
                &Secret::new("admin.jwt"),
                &ClientTokenInput { user_id: 1 },
            )
            .unwrap(),
            Expected {
                method: Method::Post,
                url: "https://api.artificient.de/api/v2/User/client-token",
                headers: &admin,
                body: Some(r#"{"userId":1}"#),
            },
        ),
    ];
    for (name, req, expected) in &cases {
        check(name, req, expected);
    }
}

#[test]
fn bodies_have_the_seed_content_lengths() {
    let c = cfg();
    let text = || Secret::new("text");
    let bodies = [
        build_check_identity(
            &c,
            &CheckIdentityInput {
                username: "text".into(),
            },
        ),
        build_verify(
            &c,
            &VerifyInput {
                username: "text".into(),
                verify_code: text(),
            },
        ),
        build_access_token(
            &c,
            &AccessTokenInput {
                client_id: "text".into(),
                client_secret: text(),
            },
        ),
        build_client_token(&c, &text(), &ClientTokenInput { user_id: 1 }),
    ];
    let lengths: Vec<usize> = bodies
        .iter()
        .map(|r| r.as_ref().unwrap().body.as_ref().unwrap().len())
        .collect();
    assert_eq!(lengths, [19, 39, 41, 12]);
}

#[test]
fn no_app_token_means_no_authorization_header() {
    let c = Config {
        base_url: "http://127.0.0.1:8787/".into(),
        app_token: None,
    };
    let req = build_check_identity(
        &c,
        &CheckIdentityInput {
            username: "x".into(),
        },
    )
    .unwrap();
    assert_eq!(req.url, "http://127.0.0.1:8787/api/v1/User/checkIdentity");
    assert_eq!(req.get_header("authorization"), None);
}

#[test]
fn seed_responses_parse() {
    parse_check_identity(&json(200, fixture!("gizo/check_identity_200.json"))).unwrap();
    parse_check_identity(&HttpResponse::new(200, "")).unwrap();
    parse_check_identity(&json(200, "{}")).unwrap();

    let out = parse_verify(&json(200, fixture!("gizo/verify_200.json"))).unwrap();
    assert_eq!(out.token.expose(), "text");
    let expected = Profile {
        user_name: Some("text".into()),
        first_name: Some("text".into()),
        last_name: Some("text".into()),
        email: Some("text".into()),
        phone_number: Some("text".into()),
        profile_image_path: Some("text".into()),
        birth_date: Some("2025-06-11".into()),
        gender: Some(Gender(0)),
        is_initialized: Some(true),
    };
    assert_eq!(out.profile, expected);

    let admin = parse_access_token(&json(200, fixture!("gizo/access_token_200.json"))).unwrap();
    assert_eq!(admin.expose(), "text");
    let user = parse_client_token(&json(200, fixture!("gizo/access_token_200.json"))).unwrap();
    assert_eq!(user.expose(), "text");
}

#[test]
fn profile_tolerates_nulls_missing_and_odd_fields() {
    let body =
        r#"{"userName":null,"firstName":"José","gender":7,"isInitialized":"yes","token":"t"}"#;
    let out = parse_verify(&json(200, body)).unwrap();
    assert_eq!(out.profile.first_name.as_deref(), Some("José"));
    assert_eq!(out.profile.user_name, None);
    assert_eq!(out.profile.gender, None, "7 is not a GIZO gender");
    assert_eq!(out.profile.is_initialized, None);
    assert_eq!(out.profile.email, None);
}

#[test]
fn error_mappings() {
    let cases: Vec<(HttpResponse, &str)> = vec![
        (
            json(400, fixture!("gizo/verify_400_invalid.json")),
            "invalid_code",
        ),
        (
            json(400, fixture!("gizo/verify_400_expired.json")),
            "code_expired",
        ),
        (
            json(400, fixture!("gizo/verify_400_attempts.json")),
            "too_many_attempts",
        ),
        (
            json(400, fixture!("gizo/check_identity_400_username.json")),
            "invalid_phone",
        ),
        (HttpResponse::new(401, ""), "unauthorized"),
        (
            json(429, r#"{"title":"Too many requests"}"#).with_header("Retry-After", "30"),
            "rate_limited",
        ),
        (
            json(400, r#"{"title":"bad","errors":{"other":["x"]}}"#),
            "bad_request",
        ),
        (json(500, r#"{"title":"boom"}"#), "server"),
        (
            HttpResponse::new(502, "<html><body>Bad gateway</body></html>")
                .with_header("Content-Type", "text/html"),
            "server",
        ),
        (json(200, r#"{"token": "abc"#), "malformed_response"),
        (json(200, r#"{"userName":"x"}"#), "malformed_response"),
        (
            HttpResponse::new(200, "<html>portal</html>").with_header("Content-Type", "text/html"),
            "malformed_response",
        ),
        (HttpResponse::new(200, ""), "malformed_response"),
    ];
    for (resp, code) in cases {
        let err = parse_verify(&resp).unwrap_err();
        assert_eq!(err.code(), code, "{resp:?} gave {err:?}");
    }
    let limited =
        parse_check_identity(&json(429, "{}").with_header("Retry-After", "30")).unwrap_err();
    assert_eq!(limited.retry_after(), Some(30));
    let invalid = parse_verify(&json(400, fixture!("gizo/verify_400_invalid.json"))).unwrap_err();
    assert_eq!(
        invalid.provider_message(),
        Some("Invalid verification code.")
    );
    assert_eq!(
        parse_check_identity(&json(200, "false"))
            .unwrap_err()
            .code(),
        "server"
    );
}

#[test]
fn flow_signs_in_with_the_gizo_phone_form() {
    let c = cfg();
    let p = phone("+491747707607");
    let req = c.code_request(&p).unwrap();
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"username":"+49_1747707607"}"#)
    );
    let step = c.on_code_response(&p, 0, &json(200, "true")).unwrap();
    let CodeStep::Sent(challenge) = step else {
        panic!("GIZO sends the code in one request")
    };
    assert_eq!(challenge, Challenge::default());
    assert_eq!(
        c.on_code_response(&p, 1, &json(200, "true"))
            .unwrap_err()
            .code(),
        "invalid_state"
    );

    let code = OtpCode::parse("48213").unwrap();
    let req = c.verify_request(&p, &challenge, &code).unwrap();
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"username":"+49_1747707607","verifyCode":"48213"}"#)
    );
    let v = c
        .on_verify_response(&json(200, fixture!("gizo/verify_200.json")))
        .unwrap();
    assert_eq!(v.token.expose(), "text");
    let user = v.user.unwrap();
    assert_eq!(user["birthDate"].as_str(), Some("2025-06-11"));
    assert_eq!(user["gender"].as_u64(), Some(0));
    assert!(
        user.get("token").is_none(),
        "the token is not part of the profile"
    );
}

#[test]
fn reported_user_is_the_body_as_sent_without_secrets() {
    let c = cfg();
    let v = c
        .on_verify_response(&json(200, fixture!("gizo/verify_200.json")))
        .unwrap();
    let user = v.user.unwrap();
    assert_eq!(user, without(fixture!("gizo/verify_200.json"), &["token"]));
    assert_no_secret_members(&user);
    assert_eq!(
        user.to_json(),
        r#"{"userName":"text","firstName":"text","lastName":"text","email":"text","phoneNumber":"text","profileImagePath":"text","birthDate":"2025-06-11","gender":0,"isInitialized":true}"#,
        "document order, nothing added"
    );

    let body = r#"{"zeta":1,"userName":null,"refreshToken":"r","token":"t","countryCode":"DE","settings":{"jwt":"j","theme":"dark"},"authCode":"a","gender":7}"#;
    let v = c.on_verify_response(&json(200, body)).unwrap();
    assert_eq!(v.token.expose(), "t");
    let user = v.user.unwrap();
    assert_no_secret_members(&user);
    assert_eq!(
        user.to_json(),
        r#"{"zeta":1,"userName":null,"countryCode":"DE","settings":{"theme":"dark"},"gender":7}"#,
        "unknown members and odd values are kept as sent"
    );

    for (body, reason) in [
        ("[]", "unexpected JSON shape"),
        (r#""text""#, "unexpected JSON shape"),
        (r#"{"userName":"u"}"#, "no token in the response"),
    ] {
        let err = c.on_verify_response(&json(200, body)).unwrap_err();
        assert!(
            matches!(&err, Error::MalformedResponse { reason: r, .. } if r == reason),
            "{body}: {err:?}"
        );
        let typed = parse_verify(&json(200, body)).unwrap_err();
        assert_eq!(typed, err, "the flow fails like parse_verify");
    }
    assert_eq!(Profile::from_json(&json::parse_str("[]").unwrap()), None);
}

#[test]
fn config_reads_the_js_options() {
    let read = |text: &str| Config::from_json(&json::parse_str(text).unwrap());
    assert_eq!(
        read(
            r#"{"provider":"gizo","baseUrl":"https://api.artificient.de","appToken":"app.jwt.token"}"#
        ),
        Ok(cfg())
    );
    let bare = Config {
        base_url: BASE.into(),
        app_token: None,
    };
    assert_eq!(
        read(r#"{"baseUrl":"https://api.artificient.de"}"#),
        Ok(bare.clone())
    );
    assert_eq!(
        read(r#"{"baseUrl":"https://api.artificient.de","appToken":null,"other":1}"#),
        Ok(bare)
    );
    assert_eq!(read("{}"), Err("baseUrl: expected a string".into()));
    assert_eq!(
        read(r#"{"baseUrl":7}"#),
        Err("baseUrl: expected a string".into())
    );
    assert_eq!(
        read(r#"{"baseUrl":"x","appToken":true}"#),
        Err("appToken: expected a string".into())
    );
    let err = read(r#"{"baseUrl":"x","appToken":["app.jwt.token"]}"#).unwrap_err();
    assert!(!err.contains("app.jwt.token"), "{err}");
}

#[test]
fn a_body_naming_both_fields_maps_by_key_order() {
    for body in [
        r#"{"errors":{"verifyCode":["Code expired."],"username":["bad"]}}"#,
        r#"{"errors":{"username":["bad"],"verifyCode":["Code expired."]}}"#,
    ] {
        assert_eq!(
            parse_verify(&json(400, body)).unwrap_err().code(),
            "invalid_phone",
            "{body}"
        );
    }
    let repeated = r#"{"errors":{"verifyCode":["bad"],"verifyCode":["Code expired."]}}"#;
    assert_eq!(
        parse_verify(&json(400, repeated)).unwrap_err().code(),
        "code_expired",
        "the last member of a name counts"
    );
}

proptest! {
    #[test]
    fn parsers_survive_anything(resp in arb_response()) {
        let _ = parse_check_identity(&resp);
        let _ = parse_verify(&resp);
        let _ = parse_access_token(&resp);
        let _ = parse_client_token(&resp);
        let _ = cfg().on_verify_response(&resp);
        if let Err(Error::MalformedResponse { excerpt, .. }) = parse_verify(&resp) {
            prop_assert!(excerpt.chars().count() <= 201);
        }
    }
}
