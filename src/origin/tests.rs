use super::*;

/// `input` → its origin serialized (as `new URL(input).origin` gives it), or the error.
fn check(input: &str, expected: Result<&str, UrlError>) {
    let got = parse(input).map(|u| u.origin.serialize());
    assert_eq!(got.as_deref().map_err(|e| *e), expected, "{input:?}");
}

#[test]
fn origins_as_the_url_standard_serializes_them() {
    let cases: &[(&str, Result<&str, UrlError>)] = &[
        ("https://sso.example", Ok("https://sso.example")),
        ("https://sso.example/", Ok("https://sso.example")),
        ("HTTPS://SSO.Example/Path?Q#F", Ok("https://sso.example")),
        ("https://sso.example:443/x", Ok("https://sso.example")),
        ("http://sso.example:80/x", Ok("http://sso.example")),
        ("https://sso.example:80/x", Ok("https://sso.example:80")),
        ("https://sso.example:0443", Ok("https://sso.example")),
        ("https://sso.example:/x", Ok("https://sso.example")),
        ("https://sso.example:8443?x", Ok("https://sso.example:8443")),
        ("https://sso.example#frag", Ok("https://sso.example")),
        ("https://sso.example./", Ok("https://sso.example.")),
        (
            "https://xn--mnchen-3ya.example/",
            Ok("https://xn--mnchen-3ya.example"),
        ),
        ("http://127.0.0.1:8787", Ok("http://127.0.0.1:8787")),
        ("http://[::1]:8080/", Ok("http://[::1]:8080")),
        ("http://[2001:DB8::1]/", Ok("http://[2001:db8::1]")),
        ("http://10.0.0.255/", Ok("http://10.0.0.255")),
        (
            "https://1password.example/",
            Ok("https://1password.example"),
        ),
        // IP addresses in other spellings: refused, not normalised (an SSRF classic).
        ("http://2130706433/", Err(UrlError::Host)),
        ("http://0x7f.1/", Err(UrlError::Host)),
        ("http://0177.0.0.1/", Err(UrlError::Host)),
        ("http://127.1/", Err(UrlError::Host)),
        ("http://sso.0x10/", Err(UrlError::Host)),
        // Refused: what parsers disagree on or attackers use.
        ("sso.example", Err(UrlError::Relative)),
        ("/api/me", Err(UrlError::Relative)),
        ("javascript:alert(1)", Err(UrlError::Scheme)),
        ("file:///etc/passwd", Err(UrlError::Scheme)),
        ("data:text/plain,x", Err(UrlError::Scheme)),
        ("ftp://sso.example/", Err(UrlError::Scheme)),
        ("https:sso.example", Err(UrlError::Malformed)),
        ("https:/sso.example", Err(UrlError::Malformed)),
        ("https:///sso.example", Err(UrlError::Host)),
        ("https:\\\\evil.example", Err(UrlError::Malformed)),
        (
            "https://evil.example\\@sso.example/",
            Err(UrlError::Malformed),
        ),
        ("https://sso.example\\evil", Err(UrlError::Malformed)),
        ("https://sso.example/a\\b", Err(UrlError::Malformed)),
        (" https://sso.example", Err(UrlError::Malformed)),
        ("https://sso.example/ ", Err(UrlError::Malformed)),
        ("https://sso.exa\tmple/", Err(UrlError::Malformed)),
        ("https://sso.example\n/", Err(UrlError::Malformed)),
        ("https://sso .example/", Err(UrlError::Malformed)),
        ("https://user:pass@sso.example", Err(UrlError::UserInfo)),
        ("https://sso.example@evil.example/", Err(UrlError::UserInfo)),
        ("https://@sso.example", Err(UrlError::UserInfo)),
        ("https://%65vil.example/", Err(UrlError::Host)),
        (
            "https://evil.example%2f@sso.example",
            Err(UrlError::UserInfo),
        ),
        ("https://münchen.example/", Err(UrlError::NonAsciiHost)),
        ("https://ｅｖｉｌ.example/", Err(UrlError::NonAsciiHost)),
        ("https://sso.example:99999/", Err(UrlError::Port)),
        ("https://sso.example:12a/", Err(UrlError::Port)),
        ("https://sso.example:-1/", Err(UrlError::Port)),
        ("https://[::1/", Err(UrlError::Host)),
        ("https://[::1]x/", Err(UrlError::Port)),
        ("https://[evil.example]/", Err(UrlError::Host)),
        ("https://[]/", Err(UrlError::Host)),
        ("https://1.2.3.4.5/", Err(UrlError::Host)),
        ("https://256.0.0.1/", Err(UrlError::Host)),
        ("https://1.2.3.09/", Err(UrlError::Host)),
        ("https://4294967296/", Err(UrlError::Host)),
        ("https:///", Err(UrlError::Host)),
        ("https://", Err(UrlError::Host)),
        ("https://a:b:c/", Err(UrlError::Host)),
    ];
    for (input, expected) in cases {
        check(input, *expected);
    }
}

#[test]
fn loopback_hosts() {
    for (url, loopback) in [
        ("http://localhost:3000", true),
        ("http://LOCALHOST", true),
        ("http://api.localhost", true),
        ("http://127.0.0.1", true),
        ("http://127.255.1.2", true),
        ("http://[::1]", true),
        ("http://localhost.evil.example", false),
        ("http://127.0.0.1.evil.example", false),
        ("http://127.example", false),
        ("http://128.0.0.1", false),
        ("http://[::2]", false),
        ("http://sso.example", false),
    ] {
        assert_eq!(parse(url).unwrap().origin.is_loopback(), loopback, "{url}");
    }
}

#[test]
fn base_url_must_be_https_without_credentials_query_or_fragment() {
    assert!(check_base_url("https://sso.example/v1", false).is_ok());
    assert!(check_base_url("http://127.0.0.1:8787", false).is_ok());
    assert!(check_base_url("http://localhost:8787/", false).is_ok());
    assert!(check_base_url("http://sso.example", true).is_ok());
    for bad in [
        "http://sso.example",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:pass@sso.example",
        "sso.example",
        "https://sso.example/?x=1",
        "https://sso.example/#x",
        "",
        "https://",
    ] {
        let e = check_base_url(bad, false).unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{bad}");
        assert!(e.to_string().contains("baseUrl"), "{bad}: {e}");
    }
}

#[test]
fn api_origins_are_origins() {
    let ok = Policy::new(
        "https://sso.example",
        &["https://api.example:8443/".into()],
        false,
    );
    assert!(ok.is_ok());
    for bad in [
        "https://api.example/v1",
        "https://api.example?x",
        "http://api.example",
        "https://u@api.example",
        "api.example",
    ] {
        let e = Policy::new("https://sso.example", &[bad.into()], false).unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{bad}");
        assert!(e.to_string().contains("apiOrigins"), "{bad}: {e}");
    }
}

fn policy() -> Policy {
    Policy::new(
        "https://sso.example/v1/",
        &["https://api.example".into(), "http://127.0.0.1:9000".into()],
        false,
    )
    .unwrap()
}

#[test]
fn fetch_targets_trusted_or_refused() {
    let p = policy();
    let ok = |t: &str, page: Option<&str>, want: &str| {
        assert_eq!(p.check(t, page).as_deref(), Ok(want), "{t} on {page:?}");
    };
    ok("https://sso.example/user", None, "https://sso.example/user");
    ok(
        "https://SSO.example:443/user",
        None,
        "https://SSO.example:443/user",
    );
    ok("https://api.example/me", None, "https://api.example/me");
    ok("http://127.0.0.1:9000/x", None, "http://127.0.0.1:9000/x");
    // Relative, no page: against baseUrl.
    ok("/api/me", None, "https://sso.example/api/me");
    ok("me?x=1", None, "https://sso.example/v1/me?x=1");
    ok("?q", None, "https://sso.example/v1/?q");
    ok("//api.example/me", None, "https://api.example/me");
    // Relative, in a page: against the page, whose origin is trusted.
    ok(
        "/api/me",
        Some("https://app.example/login"),
        "https://app.example/api/me",
    );
    ok(
        "https://app.example/x",
        Some("https://app.example/"),
        "https://app.example/x",
    );

    let refused = |t: &str, page: Option<&str>| {
        let e = p.check(t, page).unwrap_err();
        assert_eq!(e.code(), "untrusted_origin", "{t}");
        e.to_string()
    };
    let m = refused("https://evil.example/steal", None);
    assert!(
        m.contains("https://evil.example") && m.contains("apiOrigins"),
        "{m}"
    );
    refused("https://sso.example.evil.example/", None);
    refused("https://sso.example:8443/", None);
    refused("https://api.example.", None);
    let m = refused("http://sso.example/user", None);
    assert!(m.contains("clear-text"), "{m}");
    refused("http://127.0.0.1:9001/", None);
    refused("https://user:pw@sso.example/", None);
    refused("https://evil.example\\@sso.example/", None);
    refused("/\\evil.example/x", None);
    refused("\\\\evil.example/x", None);
    refused("//evil.example/x", None);
    refused("javascript:alert(1)", None);
    refused(" https://evil.example/", None);
    refused("/x ", None);
    refused("https:evil.example", None);
    refused("https://münchen.example/", None);
    refused("/x", Some("about:blank"));
    // A page served over plain http to another device: relative requests would leak.
    let m = refused("/api", Some("http://app.example/"));
    assert!(m.contains("clear text"), "{m}");
}

#[test]
fn insecure_http_only_when_allowed() {
    assert!(Policy::new("http://sso.example", &[], false).is_err());
    let p = Policy::new("http://sso.example", &["http://api.example".into()], true).unwrap();
    assert!(p.check("http://sso.example/x", None).is_ok());
    assert!(p.check("http://api.example/x", None).is_ok());
    assert!(p.check("https://sso.example/x", None).is_err());
}

#[test]
fn check_never_panics_on_junk() {
    let p = policy();
    let junk = [
        "",
        ":",
        "//",
        "///",
        "?",
        "#",
        "[",
        "https://[",
        "https://[]",
        "https://:",
        "https://:1",
        "http://0x",
        "http://0x.0x.0x.0x",
        "http://09",
        "\u{0}",
        "https://a\u{7f}",
        "😀://x",
        "https://😀",
        "https://a:😀",
        "https://[😀]",
        "h:",
        "a:b:c",
    ];
    for j in junk {
        let _ = p.check(j, None);
        let _ = p.check(j, Some(j));
        let _ = p.check("/x", Some(j));
        let _ = parse(j);
    }
}
