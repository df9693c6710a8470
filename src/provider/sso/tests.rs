use proptest::prelude::*;

use super::*;
use crate::json::{parse_str, Map};
use crate::provider::common::testing::{
    arb_response, assert_no_secret_members, check, fixture, json, phone, typed, Expected,
};
use crate::provider::ProviderConfig;

const ACCEPT: (&str, &str) = ("Accept", MEDIA_TYPE);
const CONTENT: (&str, &str) = ("Content-Type", MEDIA_TYPE);
const BEARER: (&str, &str) = ("Authorization", "Bearer api.key");

fn cfg() -> Config {
    Config {
        base_url: "https://sso.example".into(),
        credentials: Some(Credentials::Bearer {
            token: Secret::new("api.key"),
        }),
        agb: Some(true),
        dataprotection: None,
        push_token: None,
    }
}

fn sso(status: u16, body: &str) -> HttpResponse {
    typed(status, MEDIA_TYPE, body)
}

const TEL: &str = "+491747707607";

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
    let email = EmailInput {
        email: "a@b.de".into(),
        telephone: TEL.into(),
    };
    let auth = AuthInput {
        telephone: TEL.into(),
        code: Secret::new("123456"),
        agb: Some(true),
        dataprotection: Some(true),
        push_token: Some("push".into()),
    };
    let cases: Vec<Case> = vec![
        (
            "sms",
            build_sms(
                &c,
                &SmsInput {
                    telephone: TEL.into(),
                },
            )
            .unwrap(),
            Method::Post,
            &[ACCEPT, CONTENT],
            Some(r#"{"telephone":"+491747707607"}"#),
        ),
        (
            "auth",
            build_auth(&c, &auth).unwrap(),
            Method::Post,
            &[ACCEPT, CONTENT, BEARER],
            Some(
                r#"{"telephone":"+491747707607","code":"123456","agb":true,"dataprotection":true,"pushToken":"push"}"#,
            ),
        ),
        (
            "code",
            build_code(
                &c,
                &CodeInput {
                    telephone: TEL.into(),
                    code: Secret::new("ac-1"),
                },
            )
            .unwrap(),
            Method::Post,
            &[ACCEPT, CONTENT, BEARER],
            Some(r#"{"telephone":"+491747707607","code":"ac-1"}"#),
        ),
        (
            "email-optin",
            build_email_optin(
                &c,
                &EmailOptinInput {
                    c: Secret::new("xyz"),
                },
            )
            .unwrap(),
            Method::Patch,
            &[ACCEPT, CONTENT],
            Some(r#"{"c":"xyz"}"#),
        ),
        (
            "email-status",
            build_email_status(&c, &email).unwrap(),
            Method::Patch,
            &[ACCEPT, CONTENT],
            Some(r#"{"email":"a@b.de","telephone":"+491747707607"}"#),
        ),
        (
            "email",
            build_email(&c, &email).unwrap(),
            Method::Patch,
            &[ACCEPT, CONTENT, BEARER],
            Some(r#"{"email":"a@b.de","telephone":"+491747707607"}"#),
        ),
        (
            "user/status",
            build_user_status(&c, &[TEL.into(), "+491747707608".into()]).unwrap(),
            Method::Post,
            &[ACCEPT, CONTENT, BEARER],
            Some(r#"{"user":["+491747707607","+491747707608"]}"#),
        ),
        (
            "user",
            build_create_user(
                &c,
                &UserInput {
                    username: TEL.into(),
                    auth_code: Secret::new("ac-1"),
                },
            )
            .unwrap(),
            Method::Post,
            &[ACCEPT, CONTENT, BEARER],
            Some(r#"{"username":"+491747707607","authCode":"ac-1"}"#),
        ),
        (
            "user",
            build_get_user(&c, &Secret::new("session.jwt")).unwrap(),
            Method::Get,
            &[ACCEPT, ("Authorization", "Bearer session.jwt")],
            None,
        ),
    ];
    for (path, req, method, headers, body) in &cases {
        let url = format!("https://sso.example/sso/{path}");
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
fn credentials_and_optional_fields() {
    let basic = Config {
        credentials: Some(Credentials::Basic {
            username: "Aladdin".into(),
            password: Secret::new("open sesame"),
        }),
        ..cfg()
    };
    let req = build_code(
        &basic,
        &CodeInput {
            telephone: TEL.into(),
            code: Secret::new("x"),
        },
    )
    .unwrap();
    assert_eq!(
        req.get_header("authorization"),
        Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    let none = Config {
        credentials: None,
        ..cfg()
    };
    let req = build_auth(
        &none,
        &AuthInput {
            telephone: TEL.into(),
            code: Secret::new("1"),
            agb: None,
            dataprotection: None,
            push_token: None,
        },
    )
    .unwrap();
    assert_eq!(req.get_header("authorization"), None);
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"telephone":"+491747707607","code":"1"}"#)
    );
}

fn config(text: &str) -> Result<Config, String> {
    Config::from_json(&parse_str(text).unwrap())
}

#[test]
fn config_reads_the_js_spelling() {
    let full = config(
        r#"{"provider":"sso","baseUrl":"https://x","credentials":{"type":"basic","username":"u","password":"p"},"agb":true,"dataprotection":false,"pushToken":"t"}"#,
    )
    .unwrap();
    assert_eq!(
        full,
        Config {
            base_url: "https://x".into(),
            credentials: Some(Credentials::Basic {
                username: "u".into(),
                password: Secret::new("p"),
            }),
            agb: Some(true),
            dataprotection: Some(false),
            push_token: Some("t".into()),
        }
    );
    let bearer = config(r#"{"baseUrl":"https://x","credentials":{"type":"bearer","token":"k"}}"#);
    assert_eq!(
        bearer.unwrap().credentials,
        Some(Credentials::Bearer {
            token: Secret::new("k")
        })
    );
    let minimal = Config {
        base_url: "https://x".into(),
        credentials: None,
        agb: None,
        dataprotection: None,
        push_token: None,
    };
    assert_eq!(config(r#"{"baseUrl":"https://x"}"#).unwrap(), minimal);
    let nulls = r#"{"baseUrl":"https://x","credentials":null,"agb":null,"dataprotection":null,"pushToken":null}"#;
    assert_eq!(config(nulls).unwrap(), minimal);
    let tagged = parse_str(r#"{"provider":"sso","baseUrl":"https://x"}"#).unwrap();
    assert_eq!(
        ProviderConfig::from_json(&tagged).unwrap(),
        ProviderConfig::Sso(minimal)
    );

    for (text, error) in [
        (r#"{}"#, "baseUrl: expected a string"),
        (r#"{"baseUrl":null}"#, "baseUrl: expected a string"),
        (r#"{"baseUrl":1}"#, "baseUrl: expected a string"),
        (
            r#"{"baseUrl":"x","credentials":"k"}"#,
            "credentials: expected an object",
        ),
        (
            r#"{"baseUrl":"x","credentials":{"type":"digest"}}"#,
            r#"credentials.type: expected "bearer" or "basic""#,
        ),
        (
            r#"{"baseUrl":"x","credentials":{"type":"bearer"}}"#,
            "credentials.token: expected a string",
        ),
        (
            r#"{"baseUrl":"x","credentials":{"type":"basic","username":"u","password":1}}"#,
            "credentials.password: expected a string",
        ),
        (r#"{"baseUrl":"x","agb":"yes"}"#, "agb: expected a boolean"),
        (
            r#"{"baseUrl":"x","dataprotection":1}"#,
            "dataprotection: expected a boolean",
        ),
        (
            r#"{"baseUrl":"x","pushToken":5}"#,
            "pushToken: expected a string",
        ),
    ] {
        assert_eq!(config(text), Err(error.to_owned()), "{text}");
    }
    // An error names the member but never echoes a secret value.
    let secret = config(r#"{"baseUrl":"x","credentials":{"type":"bearer","token":7}}"#);
    assert!(!format!("{secret:?}").contains('7'));
}

#[test]
fn user_keeps_unknown_members_in_document_order() {
    let v = parse_str(
        r#"{"zeta":1,"id":"not a number","nickname":null,"alpha":{"b":[1,2.50]},"email":"a@b.de","zeta":2,"verified":"yes","imageUrl":"u"}"#,
    )
    .unwrap();
    let user = User::from_json(&v).unwrap();
    let extra: Vec<&str> = user.extra.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(extra, ["zeta", "alpha", "zeta"], "as sent");
    assert_eq!(
        user.extra.get("zeta").unwrap().as_i64(),
        Some(2),
        "the last wins"
    );
    assert_eq!(
        (user.id, user.nickname.as_deref(), user.verified),
        (None, None, None),
        "known members of another kind are dropped, not kept in extra"
    );
    // Known members that are set, in declaration order, then the extras: numbers keep
    // their literal text.
    assert_eq!(
        user.to_json().to_json(),
        r#"{"email":"a@b.de","imageUrl":"u","zeta":1,"alpha":{"b":[1,2.50]},"zeta":2}"#
    );
    assert_eq!(User::default().to_json().to_json(), "{}");
    for not_a_user in ["null", "[]", r#""u""#] {
        assert_eq!(User::from_json(&parse_str(not_a_user).unwrap()), None);
    }
}

#[test]
fn reported_user_is_the_user_object_as_sent_without_secrets() {
    let c = cfg();
    let fixture = parse_str(fixture!("sso/auth_201.json")).unwrap();
    let v = c
        .on_verify_response(&sso(201, fixture!("sso/auth_201.json")))
        .unwrap();
    let user = v.user.unwrap();
    assert_eq!(user, fixture["user"], "the fixture's user object");
    assert_no_secret_members(&user);

    let body = r#"{"data":{"accessToken":"t","user":{"zeta":1,"authCode":"ac","id":"x","pushToken":"p","profile":{"password":"pw","city":"Bonn"},"countryCode":"DE"}}}"#;
    let v = c.on_verify_response(&sso(201, body)).unwrap();
    assert_eq!(v.token.expose(), "t");
    let user = v.user.unwrap();
    assert_no_secret_members(&user);
    assert_eq!(
        user.to_json(),
        r#"{"zeta":1,"id":"x","profile":{"city":"Bonn"},"countryCode":"DE"}"#,
        "found inside `data`, as sent minus secrets"
    );
    let v = c
        .on_verify_response(&typed(201, "text/plain", "a.b.c"))
        .unwrap();
    assert_eq!((v.token.expose(), v.user), ("a.b.c", None));
}

#[test]
fn more_than_100_numbers_is_refused_before_any_request() {
    let numbers: Vec<String> = (0..101).map(|i| format!("+49174770{i:04}")).collect();
    let err = build_user_status(&cfg(), &numbers).unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput { field: "user", .. }),
        "{err:?}"
    );
    assert!(build_user_status(&cfg(), &numbers[..100]).is_ok());
}

#[test]
fn responses_parse_in_every_accepted_form() {
    for resp in [
        sso(201, ""),
        sso(201, "{}"),
        HttpResponse::new(201, ""),
        json(201, "{}"),
    ] {
        parse_sms(&resp).unwrap();
    }
    let out = parse_auth(&sso(201, fixture!("sso/auth_201.json"))).unwrap();
    assert_eq!(
        out.token.expose(),
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"
    );
    assert_eq!(out.auth_code.unwrap().expose(), "ac-123");
    assert_eq!(
        out.user.unwrap().image_url.as_deref(),
        Some("https://x/y.png")
    );
    let tolerant = [
        (
            typed(201, "application/json", r#"{"accessToken":"a1"}"#),
            "a1",
        ),
        (
            typed(201, "application/hal+json", r#"{"access_token":"a2"}"#),
            "a2",
        ),
        (sso(201, r#"{"data":{"jwt":"a3"}}"#), "a3"),
        (sso(201, r#"{"authCode":"a4"}"#), "a4"),
        (sso(201, r#"{"token":"","accessToken":"a5"}"#), "a5"),
        (
            typed(201, "text/plain; charset=utf-8", " a6.b.c\n"),
            "a6.b.c",
        ),
        (typed(201, "text/plain", "Bearer a7"), "a7"),
    ];
    for (resp, token) in tolerant {
        assert_eq!(parse_auth(&resp).unwrap().token.expose(), token, "{resp:?}");
    }
    assert_eq!(
        parse_code(&sso(201, r#"{"token":"fresh"}"#))
            .unwrap()
            .expose(),
        "fresh"
    );

    parse_email_optin(&sso(200, "{}")).unwrap();
    parse_email(&sso(200, "")).unwrap();
    let status = parse_email_status(&sso(200, r#"{"email":"a@b.de","status":"pending"}"#)).unwrap();
    assert_eq!(
        status,
        EmailStatus {
            email: Some("a@b.de".into()),
            status: Some(EmailState::Pending)
        }
    );
    assert_eq!(
        parse_email_status(&sso(200, "{}")).unwrap(),
        EmailStatus::default()
    );

    let rows = parse_user_status(&sso(201, fixture!("sso/user_status_201.json"))).unwrap();
    let flags: Vec<bool> = rows.iter().map(|r| r.is_registered).collect();
    assert_eq!(flags, [true, false, true]);
    assert_eq!(rows[0].user, "+491747707607");
    let bare = parse_user_status(&sso(201, r#"[{"user":"+49","isRegistered":"1"}]"#)).unwrap();
    assert!(bare[0].is_registered);
    let single = parse_user_status(&sso(201, r#"{"user":"+49","isRegistered":"0"}"#)).unwrap();
    assert!(!single[0].is_registered);

    for parse in [parse_create_user, parse_get_user] {
        let user = parse(&sso(200, fixture!("sso/user_200.json"))).unwrap();
        let expected = User {
            id: Some(1),
            email: Some("a@b.de".into()),
            nickname: Some("Nick".into()),
            firstname: Some("Nina".into()),
            image_url: Some("https://x/y.png".into()),
            verified: Some(true),
            extra: Map::new(),
        };
        assert_eq!(user, expected);
        assert_eq!(
            user.to_json().to_json(),
            r#"{"id":1,"email":"a@b.de","nickname":"Nick","firstname":"Nina","imageUrl":"https://x/y.png","verified":true}"#
        );
    }
}

#[test]
fn error_mappings() {
    let cases: Vec<(HttpResponse, &str)> = vec![
        (sso(400, r#"{"message":"bad"}"#), "bad_request"),
        (sso(401, ""), "unauthorized"),
        (sso(403, "{}"), "forbidden"),
        (sso(404, "{}"), "not_found"),
        (sso(406, "{}"), "not_acceptable"),
        (sso(415, "{}"), "unsupported_media_type"),
        (
            sso(422, r#"{"message":"x","errors":{"email":["invalid"]}}"#),
            "validation_failed",
        ),
        (
            sso(422, r#"{"message":"x","errors":{"code":["invalid"]}}"#),
            "invalid_code",
        ),
        (
            sso(422, r#"{"message":"x","errors":{"code":["expired"]}}"#),
            "code_expired",
        ),
        (
            sso(
                422,
                r#"{"message":"x","errors":{"code":["too_many_attempts"]}}"#,
            ),
            "too_many_attempts",
        ),
        (
            sso(422, r#"{"message":"x","errors":{"telephone":["invalid"]}}"#),
            "invalid_phone",
        ),
        (
            sso(429, r#"{"message":"slow down","retryAfter":7}"#),
            "rate_limited",
        ),
        (sso(500, "<html/>"), "server"),
        (
            typed(201, "text/html", "<html>hi</html>"),
            "malformed_response",
        ),
        (typed(201, "text/plain", "two words"), "malformed_response"),
        (sso(201, "{}"), "malformed_response"),
        (sso(201, ""), "malformed_response"),
        (sso(201, r#"{"token":"abc"#), "malformed_response"),
    ];
    for (resp, code) in cases {
        let err = parse_auth(&resp).unwrap_err();
        assert_eq!(err.code(), code, "{resp:?}: {err:?}");
    }
    let err = parse_sms(&sso(429, r#"{"message":"slow down","retryAfter":7}"#)).unwrap_err();
    assert_eq!(
        (err.retry_after(), err.provider_message()),
        (Some(7), Some("slow down"))
    );
    let err =
        parse_sms(&sso(429, r#"{"retryAfter":7}"#).with_header("Retry-After", "9")).unwrap_err();
    assert_eq!(err.retry_after(), Some(9));
    assert_eq!(
        parse_user_status(&sso(
            201,
            r#"{"user":[{"user":"+49","isRegistered":"maybe"}]}"#
        ))
        .unwrap_err()
        .code(),
        "malformed_response"
    );
    assert_eq!(
        parse_get_user(&sso(200, "{}")).unwrap_err().code(),
        "malformed_response"
    );
}

#[test]
fn flow_sends_sms_then_auth() {
    let c = cfg();
    let p = phone(TEL);
    let req = c.code_request(&p).unwrap();
    assert_eq!(
        (req.url.as_str(), req.body.as_deref()),
        (
            "https://sso.example/sso/sms",
            Some(r#"{"telephone":"+491747707607"}"#)
        )
    );
    let CodeStep::Sent(challenge) = c.on_code_response(&p, 0, &sso(201, "")).unwrap() else {
        panic!("one request sends the code")
    };
    let req = c
        .verify_request(&p, &challenge, &OtpCode::parse("482 139").unwrap())
        .unwrap();
    assert_eq!(req.url, "https://sso.example/sso/auth");
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"telephone":"+491747707607","code":"482139","agb":true}"#)
    );
    let v = c
        .on_verify_response(&sso(201, fixture!("sso/auth_201.json")))
        .unwrap();
    let user = v.user.unwrap();
    assert_eq!(user["firstname"].as_str(), Some("Nina"));
    assert_eq!(
        user,
        parse_str(
            r#"{"id":1,"email":"a@b.de","nickname":"Nick","firstname":"Nina","imageUrl":"https://x/y.png","verified":true}"#
        )
        .unwrap()
    );
    let without = c
        .on_verify_response(&sso(201, r#"{"token":"t","user":[1]}"#))
        .unwrap();
    assert_eq!(
        without.user, None,
        "a user that is not an object is left out"
    );
    assert_eq!(
        c.on_code_response(&p, 1, &sso(201, "")).unwrap_err().code(),
        "invalid_state"
    );
}

proptest! {
    #[test]
    fn parsers_survive_anything(resp in arb_response()) {
        let _ = parse_sms(&resp);
        let _ = parse_auth(&resp);
        let _ = parse_code(&resp);
        let _ = parse_email_optin(&resp);
        let _ = parse_email_status(&resp);
        let _ = parse_email(&resp);
        let _ = parse_user_status(&resp);
        let _ = parse_create_user(&resp);
        let _ = parse_get_user(&resp);
        let _ = cfg().on_verify_response(&resp);
    }
}
