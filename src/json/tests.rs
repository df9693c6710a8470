use super::*;
use proptest::prelude::*;

fn p(s: &str) -> Result<Value, ParseError> {
    parse_str(s)
}

#[test]
fn parses_and_writes_every_kind_in_order() {
    let v = p(r#" {"b":1,"a":[true,false,null,"x\u00e9\n"],"c":{"d":-2.5e3}} "#).unwrap();
    assert_eq!(
        v.to_json(),
        r#"{"b":1,"a":[true,false,null,"xé\n"],"c":{"d":-2.5e3}}"#
    );
    assert_eq!(v["c"]["d"].as_number().unwrap().as_i64(), Some(-2500));
    assert_eq!(v["missing"]["deeper"], Value::Null);
}

#[test]
fn last_duplicate_member_wins_like_json_parse() {
    let v = p(r#"{"exp":1,"exp":2}"#).unwrap();
    assert_eq!(v["exp"].as_u64(), Some(2));
}

#[test]
fn truncation_is_eof_and_garbage_is_syntax() {
    for s in [
        "", "{", r#"{"a""#, r#"{"a":"#, "[1,", r#""abc"#, "tru", "-", "1.", "1e",
    ] {
        assert_eq!(p(s), Err(ParseError::Eof), "{s:?}");
    }
    for s in [
        "{,}",
        "[1,]",
        "01",
        "+1",
        "NaN",
        "'a'",
        "{a:1}",
        "[1 2]",
        "1 2",
        "\"\u{1}\"",
        "nul!",
        r#""\x""#,
        r#""\u12G4""#,
        ".5",
        "1.e3",
    ] {
        assert_eq!(p(s), Err(ParseError::Syntax), "{s:?}");
    }
    assert_eq!(parse(b"\"\xff\""), Err(ParseError::Syntax));
}

#[test]
fn depth_is_bounded() {
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(p(&ok).is_ok());
    let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    assert_eq!(p(&deep), Err(ParseError::Syntax));
    // A hostile nesting depth neither overflows the stack nor takes long.
    assert!(p(&"[".repeat(1_000_000)).is_err());
}

#[test]
fn surrogates() {
    assert_eq!(p(r#""\ud83d\ude00""#).unwrap().as_str(), Some("😀"));
    assert_eq!(p(r#""\ud83d x""#).unwrap().as_str(), Some("\u{FFFD} x"));
    assert_eq!(p(r#""\ude00""#).unwrap().as_str(), Some("\u{FFFD}"));
}

#[test]
fn numbers_convert_without_floats() {
    let n = |s: &str| p(s).unwrap().as_number().unwrap().clone();
    assert_eq!(n("1700000000").as_u64(), Some(1_700_000_000));
    assert_eq!(n("1.7e9").as_u64(), Some(1_700_000_000));
    assert_eq!(n("17e-1").as_i64(), None);
    assert_eq!(n("17e-1").trunc(), Some((1, true)));
    assert_eq!(n("1.2").as_ceil_u64(), Some(2));
    assert_eq!(n("3").as_ceil_u64(), Some(3));
    assert_eq!(n("-0.5").as_ceil_u64(), None);
    assert_eq!(n("-0").as_ceil_u64(), Some(0));
    assert_eq!(n("-7").as_i64(), Some(-7));
    assert_eq!(n("-7").as_u64(), None);
    assert_eq!(n("9223372036854775807").as_i64(), Some(i64::MAX));
    assert_eq!(n("9223372036854775808").as_i64(), None);
    assert_eq!(n("1e400").as_i64(), None);
    assert_eq!(n("1e-400").as_i64(), None);
    assert_eq!(n("0e400").as_i64(), Some(0));
    assert_eq!(n("1e99999999999999999999").as_i64(), None);
    assert_eq!(n("2.50e1").as_u64(), Some(25));
}

#[test]
fn control_characters_are_escaped() {
    let v = Value::from("a\"b\\c\u{1}\u{1f}\t\u{8}\u{c}");
    assert_eq!(v.to_json(), r#""a\"b\\c\u0001\u001f\t\b\f""#);
    assert_eq!(
        v.to_json(),
        serde_json::Value::from(v.as_str().unwrap()).to_string()
    );
    assert_eq!(p(&v.to_json()).unwrap(), v);
}

#[test]
fn map_insert_replaces_and_remove_takes_last() {
    let mut m = Map::new();
    m.insert("a", 1u64);
    m.insert("b", 2u64);
    m.insert("a", 3u64);
    assert_eq!(Value::Object(m.clone()).to_json(), r#"{"b":2,"a":3}"#);
    assert_eq!(m.remove("a"), Some(Value::from(3u64)));
    assert_eq!(m.len(), 1);
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".*".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            prop::collection::btree_map(".*", inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// serde_json is the oracle: whatever it writes we read back to the same document.
    #[test]
    fn round_trips_what_serde_json_writes(doc in arb_json()) {
        let text = doc.to_string();
        let ours = parse_str(&text).unwrap();
        // Same text back: members keep their order and numbers their literal.
        prop_assert_eq!(ours.to_json(), text);
        if let Some(i) = doc.as_i64() {
            prop_assert_eq!(ours.as_i64(), Some(i));
        }
    }

    /// Any bytes: no panic, and we accept exactly what serde_json accepts.
    #[test]
    fn agrees_with_serde_json_on_validity(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let ours = parse(&bytes);
        let theirs = serde_json::from_slice::<serde_json::Value>(&bytes);
        if let Err(e) = &theirs {
            prop_assume!(!e.to_string().contains("out of range"));
        }
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn agrees_with_serde_json_on_json_like_text(s in "[\\[\\]{}\",:0-9a-z.eE+\\- \\\\]{0,24}") {
        // serde_json refuses lone surrogates and numbers beyond f64; we accept both.
        prop_assume!(!s.contains("\\u"));
        let ours = parse_str(&s);
        let theirs = serde_json::from_str::<serde_json::Value>(&s);
        if let Err(e) = &theirs {
            prop_assume!(!e.to_string().contains("out of range"));
        }
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", s);
    }
}
