//! Property tests: the parsers and validators that see untrusted input never panic, and keep
//! their promises on arbitrary input. (The cargo-fuzz targets run the same functions for longer.)

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::attributes::{
    validate_custom_attributes, validate_event_properties, AttributeValue, Attributes,
};
use crate::routes::{parse_deep_link, parse_push};
use crate::transport::http::{decode_response, parse_retry_after_value};
use crate::Error;

/// Whether `text` still holds something credential-shaped (`wst_x…`, `eyJx…`).
fn leaks(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).any(|i| {
        (b[i..].starts_with(b"wst_") && b.get(i + 4).is_some_and(u8::is_ascii_alphanumeric))
            || (b[i..].starts_with(b"eyJ")
                && b.get(i + 3)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || b"-_.".contains(c)))
    })
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_attribute() -> impl Strategy<Value = AttributeValue> {
    let leaf = prop_oneof![
        Just(AttributeValue::Null),
        any::<bool>().prop_map(AttributeValue::Bool),
        any::<f64>().prop_map(AttributeValue::Number),
        ".{0,10}".prop_map(AttributeValue::String),
    ];
    leaf.prop_recursive(5, 64, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(AttributeValue::List),
            prop::collection::btree_map(".{0,6}", inner, 0..5).prop_map(AttributeValue::Map),
        ]
    })
}

fn depth(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::Map(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        AttributeValue::List(l) => l.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn non_finite(value: &AttributeValue) -> bool {
    match value {
        AttributeValue::Number(n) => !n.is_finite(),
        AttributeValue::Map(m) => m.values().any(non_finite),
        AttributeValue::List(l) => l.iter().any(non_finite),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn the_envelope_decoder_never_panics(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_response(status, &body, None);
    }

    #[test]
    fn any_json_envelope_decodes_to_value_or_typed_error(status in prop_oneof![Just(200u16), Just(560u16)], value in arb_json()) {
        let body = serde_json::to_vec(&json!({"status": "success", "value": value.clone()})).unwrap();
        let decoded = decode_response(status, &body, None);
        // f64 NaN/inf serialise as null, so compare through a JSON round trip.
        let expected: Value = serde_json::from_slice(&serde_json::to_vec(&value).unwrap()).unwrap();
        prop_assert_eq!(decoded, Ok(expected));
    }

    #[test]
    fn push_and_deep_link_parsers_never_panic(payload in arb_json(), link in ".{0,80}") {
        let _ = parse_push(&payload);
        let _ = parse_deep_link(&link);
        let _ = parse_deep_link(&format!("opencom://{link}"));
    }

    #[test]
    fn deep_links_round_trip_for_safe_ids(id in "[A-Za-z0-9_-]{1,40}") {
        prop_assert_eq!(
            parse_deep_link(&format!("opencom://conversation/{id}")),
            Some(crate::Route::Conversation { conversation_id: id.clone() })
        );
        prop_assert_eq!(
            parse_push(&json!({"data": {"type": "new_message", "conversationId": id.clone()}})),
            Some(crate::Route::NewMessage { conversation_id: id })
        );
    }

    #[test]
    fn attribute_validation_accepts_exactly_what_the_server_would(tree in prop::collection::btree_map("[a-z]{1,6}", arb_attribute(), 0..5)) {
        let attrs: Attributes = tree;
        let result = validate_custom_attributes(&attrs);
        let too_deep = attrs.values().any(|v| depth(v) > 2);
        let bad_number = attrs.values().any(non_finite);
        if too_deep {
            prop_assert!(result.is_err(), "accepted a tree deeper than the validator allows");
        }
        if result.is_ok() {
            prop_assert!(!too_deep && !bad_number);
        }
        let _ = validate_event_properties(&attrs);
    }

    #[test]
    fn event_property_validation_accepts_exactly_what_the_server_would(tree in prop::collection::btree_map(".{0,6}", arb_attribute(), 0..5)) {
        let attrs: Attributes = tree;
        let key_ok = |k: &str| !k.is_empty() && !k.starts_with(['$', '_']) && k.bytes().all(|b| (0x20..0x7f).contains(&b));
        let value_ok = |v: &AttributeValue| match v {
            AttributeValue::Number(n) => n.is_finite(),
            AttributeValue::List(items) => items.iter().all(|i| match i {
                AttributeValue::String(_) => true,
                AttributeValue::Number(n) => n.is_finite(),
                _ => false,
            }),
            AttributeValue::Map(_) => false,
            _ => true,
        };
        let expected = attrs.iter().all(|(k, v)| key_ok(k) && value_ok(v));
        let result = validate_event_properties(&attrs);
        prop_assert_eq!(result.is_ok(), expected, "{:?}", result);
        if let Err(err) = result {
            let typed = matches!(err, Error::InvalidInput { .. });
            prop_assert!(typed, "{:?}", err);
        }
    }

    #[test]
    fn decode_errors_never_show_a_credential(
        status in prop_oneof![Just(200u16), Just(560u16), 400u16..600],
        before in "[ -~]{0,10}",
        secret in "(wst_|eyJ)[A-Za-z0-9._-]{1,20}",
        after in "[ -~]{0,10}",
        shape in 0u8..3,
    ) {
        let text = format!("{before}{secret}{after}");
        let body = match shape {
            0 => json!({"status": "error", "errorMessage": text}),
            1 => json!({"code": text, "message": text}),
            _ => json!({"code": "X", "message": text}),
        };
        let body = serde_json::to_vec(&body).unwrap();
        if let Err(err) = decode_response(status, &body, None) {
            prop_assert!(!leaks(&err.to_string()), "{}", err);
            let public: Error = err.into();
            prop_assert!(!leaks(&public.to_string()), "{}", public);
            prop_assert!(!leaks(&format!("{public:?}")), "{:?}", public);
        }
    }

    /// A secret echoed after its argument name, in any of the print styles Convex and JSON use,
    /// never survives the scrub, whatever surrounds it.
    #[test]
    fn values_after_secret_argument_names_are_scrubbed(
        name in prop::sample::select(vec![
            "sessionToken", "userHash", "refreshToken", "token", "password", "secret", "code",
        ]),
        // (An unquoted value starting `v.` reads as a Convex validator print and is kept.)
        value in "[A-Za-z0-9_+/=-]{2}[A-Za-z0-9_.+/=-]{4,38}",
        style in 0u8..5,
        before in "[ -~]{0,12}",
        after in "[ ,}\n][ -~]{0,12}",
    ) {
        let pair = match style {
            0 => format!("{name}: \"{value}\""),
            1 => format!("\"{name}\":\"{value}\""),
            2 => format!("\"{name}\": '{value}'"),
            3 => format!("{name}={value}"),
            _ => format!("{name}: {value}"),
        };
        let text = format!("{before}{{{pair}{after}");
        let clean = crate::secret::scrub(&text);
        prop_assert!(!clean.contains(&value), "{} -> {}", text, clean);
    }

    #[test]
    fn retry_after_values_never_panic(raw in prop_oneof![
        "[0-9]{1,40}(\\.[0-9]{0,6})?",
        "-?[0-9]{0,5}[eE][+-]?[0-9]{1,4}",
        ".{0,40}",
    ]) {
        let parsed = parse_retry_after_value(&raw);
        if let Ok(secs) = raw.trim().parse::<u32>() {
            // Whole seconds as sent, clamped at one day.
            let day = std::time::Duration::from_secs(86_400);
            prop_assert_eq!(parsed, Some(std::time::Duration::from_secs(secs.into()).min(day)));
        }
    }

    #[test]
    fn deep_link_routes_re_parse_to_themselves(link in "(opencom://|https://opencom\\.app/)?[a-z-]{0,14}(/[A-Za-z0-9_;%.-]{0,12}){0,2}/?") {
        if let Some(route) = parse_deep_link(&link) {
            use crate::Route;
            let canonical = match &route {
                Route::Conversation { conversation_id } => format!("opencom://conversation/{conversation_id}"),
                Route::Ticket { ticket_id } => format!("opencom://ticket/{ticket_id}"),
                Route::Article { article_id } => format!("opencom://article/{article_id}"),
                Route::Tickets => "opencom://tickets".into(),
                Route::Messenger => "opencom://messenger".into(),
                Route::HelpCenter => "opencom://help-center".into(),
                other => return Err(TestCaseError::fail(format!("push-only route {other:?}"))),
            };
            prop_assert_eq!(parse_deep_link(&canonical), Some(route));
        }
    }
}
