//! Custom-attribute and event-property validation on arbitrary trees: never panics, and the
//! verdict matches an independent statement of the server's validators
//! (`customAttributesValidator`, the event `properties` validator).
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use opencom_sdk::fuzzing::{validate_custom_attributes, validate_event_properties};
use opencom_sdk::{AttributeValue, Attributes, Error};

#[derive(Arbitrary, Debug)]
enum Tree {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

fn build(tree: Tree, depth: usize) -> AttributeValue {
    match tree {
        Tree::Null => AttributeValue::Null,
        Tree::Bool(b) => AttributeValue::Bool(b),
        Tree::Number(n) => AttributeValue::Number(n),
        Tree::String(s) => AttributeValue::String(s),
        // Bound the depth so inputs stay small; deeper than 6 adds nothing.
        _ if depth > 6 => AttributeValue::Null,
        Tree::List(items) => {
            AttributeValue::List(items.into_iter().map(|t| build(t, depth + 1)).collect())
        }
        Tree::Map(entries) => AttributeValue::Map(
            entries
                .into_iter()
                .map(|(k, t)| (k, build(t, depth + 1)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn key_ok(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 1024
        && !key.starts_with(['$', '_'])
        && key.bytes().all(|b| (0x20..0x7f).contains(&b))
}

fn primitive_ok(v: &AttributeValue) -> bool {
    match v {
        AttributeValue::Number(n) => n.is_finite(),
        AttributeValue::Null | AttributeValue::Bool(_) | AttributeValue::String(_) => true,
        _ => false,
    }
}

/// V_n = primitive | primitive[] | record<string, V_{n-1}>, V_0 = primitive | primitive[].
fn custom_ok(v: &AttributeValue, maps_left: u8) -> bool {
    match v {
        AttributeValue::List(items) => items.iter().all(primitive_ok),
        AttributeValue::Map(m) => {
            maps_left > 0
                && m.iter()
                    .all(|(k, v)| key_ok(k) && custom_ok(v, maps_left - 1))
        }
        p => primitive_ok(p),
    }
}

fn event_ok(v: &AttributeValue) -> bool {
    match v {
        AttributeValue::List(items) => items.iter().all(|i| match i {
            AttributeValue::String(_) => true,
            AttributeValue::Number(n) => n.is_finite(),
            _ => false,
        }),
        AttributeValue::Map(_) => false,
        p => primitive_ok(p),
    }
}

fuzz_target!(|entries: Vec<(String, Tree)>| {
    let attrs: Attributes = entries.into_iter().map(|(k, t)| (k, build(t, 0))).collect();

    let expected = attrs.iter().all(|(k, v)| key_ok(k) && custom_ok(v, 2));
    let result = validate_custom_attributes(&attrs);
    assert_eq!(result.is_ok(), expected, "{attrs:?} → {result:?}");
    if let Err(err) = result {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }

    let expected = attrs.iter().all(|(k, v)| key_ok(k) && event_ok(v));
    let result = validate_event_properties(&attrs);
    assert_eq!(result.is_ok(), expected, "{attrs:?} → {result:?}");
    if let Err(err) = result {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
});
