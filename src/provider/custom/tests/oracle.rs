//! The former `serde` derive of [`Description`] as the oracle of
//! [`Description::from_json`], and a generator of near-valid descriptions.

use proptest::prelude::*;

use super::*;

/// The derive `Description` had before `crate::json`, kept as the oracle of
/// [`Description::from_json`]: the same documents must be accepted, with the same result.
mod old {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use crate::http::Method;
    use crate::json;
    use crate::provider::custom::{Description, Endpoint, ErrorKind, PhoneForm};

    /// `ProviderConfig` was `#[serde(tag = "provider", rename_all = "lowercase")]`.
    #[derive(Deserialize)]
    #[serde(tag = "provider", rename_all = "lowercase")]
    pub enum Config {
        Custom(Old),
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct Old {
        name: String,
        base_url: String,
        #[serde(default)]
        phone_format: Form,
        #[serde(default)]
        headers: BTreeMap<String, String>,
        request_code: OldEndpoint,
        verify: OldEndpoint,
        #[serde(default)]
        sign_up: Option<OldEndpoint>,
        #[serde(default)]
        refresh: Option<OldEndpoint>,
        #[serde(default)]
        sign_out: Option<OldEndpoint>,
        #[serde(default)]
        handle_pointer: Option<String>,
        #[serde(default)]
        registered_pointer: Option<String>,
        #[serde(default)]
        code_ttl_pointer: Option<String>,
        token_pointer: String,
        #[serde(default)]
        user_pointer: Option<String>,
        #[serde(default)]
        success_pointer: Option<String>,
        #[serde(default)]
        error_pointer: Option<String>,
        #[serde(default)]
        message_pointer: Option<String>,
        #[serde(default)]
        error_codes: BTreeMap<String, Kind>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct OldEndpoint {
        #[serde(default = "post")]
        method: Verb,
        path: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
        #[serde(default)]
        body: Option<serde_json::Value>,
    }

    fn post() -> Verb {
        Verb::Post
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "UPPERCASE")]
    enum Verb {
        Get,
        Post,
        Put,
        Patch,
        Delete,
    }

    #[derive(Default, Deserialize)]
    #[serde(rename_all = "camelCase")]
    enum Form {
        #[default]
        E164,
        Gizo,
        NationalDigits,
        International,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        InvalidCode,
        CodeExpired,
        TooManyAttempts,
        RateLimited,
        InvalidPhone,
        Unauthorized,
    }

    impl From<OldEndpoint> for Endpoint {
        fn from(e: OldEndpoint) -> Endpoint {
            Endpoint {
                method: match e.method {
                    Verb::Get => Method::Get,
                    Verb::Post => Method::Post,
                    Verb::Put => Method::Put,
                    Verb::Patch => Method::Patch,
                    Verb::Delete => Method::Delete,
                },
                path: e.path,
                headers: e.headers.into_iter().collect(),
                body: e.body.map(|b| json::parse_str(&b.to_string()).unwrap()),
            }
        }
    }

    impl From<Old> for Description {
        fn from(d: Old) -> Description {
            Description {
                name: d.name,
                base_url: d.base_url,
                phone_format: match d.phone_format {
                    Form::E164 => PhoneForm::E164,
                    Form::Gizo => PhoneForm::Gizo,
                    Form::NationalDigits => PhoneForm::NationalDigits,
                    Form::International => PhoneForm::International,
                },
                headers: d.headers.into_iter().collect(),
                request_code: d.request_code.into(),
                verify: d.verify.into(),
                sign_up: d.sign_up.map(Into::into),
                refresh: d.refresh.map(Into::into),
                sign_out: d.sign_out.map(Into::into),
                handle_pointer: d.handle_pointer,
                registered_pointer: d.registered_pointer,
                code_ttl_pointer: d.code_ttl_pointer,
                token_pointer: d.token_pointer,
                user_pointer: d.user_pointer,
                success_pointer: d.success_pointer,
                error_pointer: d.error_pointer,
                message_pointer: d.message_pointer,
                error_codes: d
                    .error_codes
                    .into_iter()
                    .map(|(k, v)| {
                        let kind = match v {
                            Kind::InvalidCode => ErrorKind::InvalidCode,
                            Kind::CodeExpired => ErrorKind::CodeExpired,
                            Kind::TooManyAttempts => ErrorKind::TooManyAttempts,
                            Kind::RateLimited => ErrorKind::RateLimited,
                            Kind::InvalidPhone => ErrorKind::InvalidPhone,
                            Kind::Unauthorized => ErrorKind::Unauthorized,
                        };
                        (k, kind)
                    })
                    .collect(),
            }
        }
    }

    /// What the old code made of a document: with a `provider` member it came through
    /// `ProviderConfig` (which took the tag away), without one it was read directly.
    pub fn read(text: &str) -> Option<Description> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        if value.get("provider").is_some() {
            let Config::Custom(d) = serde_json::from_str(text).ok()?;
            Some(d.into())
        } else {
            serde_json::from_str::<Old>(text).ok().map(Into::into)
        }
    }
}

/// Values for a member: the right kind, near misses and the wrong types.
fn values(right: &'static [&'static str]) -> BoxedStrategy<String> {
    let wrong = prop::sample::select(&["null", "1", "true", r#""x""#, "[]", "{}"][..]);
    if right.is_empty() {
        return wrong.prop_map(str::to_owned).boxed();
    }
    prop_oneof![19 => prop::sample::select(right), 1 => wrong]
        .prop_map(str::to_owned)
        .boxed()
}

fn object(members: Vec<Option<(&'static str, String)>>) -> String {
    let members: Vec<String> = members
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("\"{k}\":{v}"))
        .collect();
    format!("{{{}}}", members.join(","))
}

fn member(
    key: &'static str,
    p: f64,
    value: BoxedStrategy<String>,
) -> BoxedStrategy<Option<(&'static str, String)>> {
    prop::option::weighted(p, value.prop_map(move |v| (key, v))).boxed()
}

/// (Near misses are listed once, the right values several times.)
const HEADERS: &[&str] = &[
    r#"{"X-K":"v","A":"{{token}}"}"#,
    r#"{"X-K":"v","X-K":"w"}"#,
    r#"{"X-K":"v","A":"{{token}}"}"#,
    r#"{"X-K":"v","X-K":"w"}"#,
    r#"{}"#,
    r#"{}"#,
    r#"{"X-K":1}"#,
    r#"{"X-K":null}"#,
];

fn arb_endpoint() -> BoxedStrategy<String> {
    let methods = &[
        r#""GET""#,
        r#""POST""#,
        r#""DELETE""#,
        r#""PATCH""#,
        r#""get""#,
    ];
    let bodies = &[
        r#"{"b":"{{code}}","a":[1,{"z":true,"y":null}]}"#,
        r#"{"a":1,"a":"{{codeNumber}}"}"#,
        r#""{{codeNumber}}""#,
        "-7",
    ];
    let endpoint = vec![
        member("method", 0.5, values(methods)),
        member("path", 0.97, values(&[r#""/v/{{phone}}""#])),
        member("headers", 0.3, values(HEADERS)),
        member("body", 0.5, values(bodies)),
        member("bdy", 0.02, values(&[])),
        member("path", 0.02, values(&[r#""/again""#])),
    ];
    endpoint.prop_map(object).boxed()
}

fn arb_description() -> impl Strategy<Value = String> {
    let pointer = || values(&[r#""/a/0""#]);
    let optional = |key| member(key, 0.4, pointer());
    vec![
        member(
            "provider",
            0.3,
            values(&[r#""custom""#, r#""custom""#, r#""custom""#, r#""gizo""#]),
        ),
        member("name", 0.98, values(&[r#""acme""#])),
        member("baseUrl", 0.98, values(&[r#""https://acme.example""#])),
        member(
            "phoneFormat",
            0.4,
            values(&[
                r#""nationalDigits""#,
                r#""gizo""#,
                r#""international""#,
                r#""e164""#,
                r#""NationalDigits""#,
            ]),
        ),
        member("headers", 0.3, values(HEADERS)),
        member("requestCode", 0.98, arb_endpoint()),
        member("verify", 0.98, arb_endpoint()),
        member("signUp", 0.3, arb_endpoint()),
        member("refresh", 0.3, arb_endpoint()),
        member("signOut", 0.3, arb_endpoint()),
        optional("handlePointer"),
        optional("registeredPointer"),
        optional("codeTtlPointer"),
        member("tokenPointer", 0.98, pointer()),
        optional("userPointer"),
        optional("successPointer"),
        optional("errorPointer"),
        optional("messagePointer"),
        member(
            "errorCodes",
            0.3,
            values(&[
                r#"{"A":"invalid_code","B":"unauthorized","A":"rate_limited"}"#,
                r#"{"A":"code_expired","B":"too_many_attempts","C":"invalid_phone"}"#,
                r#"{}"#,
                r#"{"A":"InvalidCode"}"#,
                r#"{"A":null}"#,
            ]),
        ),
        member("tokenPointr", 0.03, pointer()),
        member("name", 0.03, values(&[r#""twice""#])),
        member("provider", 0.03, values(&[r#""custom""#])),
    ]
    .prop_map(object)
}

#[test]
fn the_oracle_accepts_the_fixture_and_reads_it_alike() {
    let text = fixture!("custom/acme.json");
    assert_eq!(old::read(text), Some(acme()));
}

/// Serde's positional spellings (a struct as an array, a unit variant as a one-member
/// object) were never part of the format; they are refused now.
#[test]
fn serde_positional_forms_are_no_longer_accepted() {
    let doc = |verify: &str| {
        format!(
            r#"{{"name":"x","baseUrl":"https://x","requestCode":{{"path":"/a"}},"verify":{verify},"tokenPointer":"/t"}}"#
        )
    };
    for verify in [r#"["POST","/b"]"#, r#"{"path":"/b","method":{"GET":null}}"#] {
        let text = doc(verify);
        assert!(old::read(&text).is_some(), "serde took {verify}");
        let new = Description::from_json(&json::parse_str(&text).unwrap());
        assert!(new.is_err(), "{verify}");
    }
}

proptest! {
    // About one generated document in six is accepted; the rest are refused by both.
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn from_json_accepts_what_the_serde_derive_accepted(text in arb_description()) {
        let new = Description::from_json(&json::parse_str(&text).unwrap());
        prop_assert_eq!(new.ok(), old::read(&text), "{}", text);
    }

    #[test]
    fn pointers_agree_with_serde_json(
        text in prop::sample::select(vec![
            r#"{"a":[1,{"b":[true,null]}],"a/b":{"~":2},"":{"":3},"0":4}"#,
            r#"[[0,1],{"10":"x"},[]]"#,
        ]),
        p in r#"(/([ab0-9~]|~0|~1|\+|a/b){0,3}){0,4}|[a0]"#,
    ) {
        let theirs = serde_json::from_str::<serde_json::Value>(text).unwrap();
        let ours = json::parse_str(text).unwrap();
        let found = pointer(&ours, &p).map(|v| serde_json::from_str::<serde_json::Value>(&v.to_json()).unwrap());
        prop_assert_eq!(found.as_ref(), theirs.pointer(&p));
    }
}
