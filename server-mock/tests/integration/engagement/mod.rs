//! The visitor-facing engagement features (CONTRACT §13) and the AI agent's visitor functions
//! (§9), over real HTTP against server-mock: each function's happy path, its argument
//! validation (unknown field, `null` optional, missing required), its error texts, tenant
//! isolation and the audience / exclusion rules; plus live subscriptions that follow the
//! mutations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ai_agent;
mod carousels;
mod checklists;
mod demo;
mod live;
mod outbound;
mod surveys;
mod tooltips;
mod tours;

use serde_json::{json, Value};
use server_mock::ServerMock;

use crate::common::{detail, envelope, post, uncaught};

/// The `Uncaught Error:` message of a call that must fail.
pub(crate) async fn fails(mock: &ServerMock, endpoint: &str, path: &str, args: Value) -> String {
    let (status, body) = post(mock, endpoint, path, args).await;
    let error = envelope(status, body).expect_err("the call must fail");
    uncaught(&error).to_owned()
}

/// The `ArgumentValidationError` text of a call that must fail validation.
pub(crate) async fn rejected(mock: &ServerMock, endpoint: &str, path: &str, args: Value) -> String {
    let (status, body) = post(mock, endpoint, path, args).await;
    let error = envelope(status, body).expect_err("the arguments must be rejected");
    detail(&error)
        .strip_prefix("ArgumentValidationError: ")
        .unwrap_or_else(|| panic!("not a validation error: {error}"))
        .to_owned()
}

/// Checks Convex's validation on valid `args`: an unknown field, `null` for the optional
/// field `optional`, and `args` without the required field `required` are rejected with
/// Convex's texts.
pub(crate) async fn validates(
    mock: &ServerMock,
    endpoint: &str,
    path: &str,
    args: Value,
    optional: &str,
    required: &str,
) {
    let with = |key: &str, value: Value| {
        let mut args = args.clone();
        args[key] = value;
        args
    };
    let extra = rejected(mock, endpoint, path, with("bogus", json!(1))).await;
    assert!(
        extra.starts_with("Object contains extra field `bogus` that is not in the validator."),
        "{path}: {extra}"
    );
    let null = rejected(mock, endpoint, path, with(optional, Value::Null)).await;
    assert!(
        null.starts_with(&format!(
            "Value does not match validator.\nPath: .{optional}\nValue: null"
        )),
        "{path}: {null}"
    );
    let mut missing = args.clone();
    missing.as_object_mut().unwrap().remove(required);
    let missing = rejected(mock, endpoint, path, missing).await;
    assert_eq!(
        missing,
        format!("Validator error: Missing required field `{required}` in object"),
        "{path}"
    );
}

/// A document id, comparable with the `&String` ids the control API returned.
#[derive(Debug)]
pub(crate) struct Id(pub(crate) String);

impl PartialEq<&String> for Id {
    fn eq(&self, other: &&String) -> bool {
        self.0 == **other
    }
}

/// The `_id`s of an array of documents (or of `{key: doc}` items).
pub(crate) fn ids(items: &Value, key: Option<&str>) -> Vec<Id> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|item| {
            let doc = key.map_or(item, |k| &item[k]);
            Id(doc["_id"].as_str().expect("_id").to_owned())
        })
        .collect()
}

/// The string at the JSON `pointer` of each item of an array (`"/checklist/name"`).
pub(crate) fn strings_at(items: &Value, pointer: &str) -> Vec<String> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|item| {
            item.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("no string at {pointer}: {item}"))
                .to_owned()
        })
        .collect()
}

/// `visitors:identify` with `profile` (`email`, `customAttributes`, …) for the session's visitor.
pub(crate) async fn identify(mock: &ServerMock, visitor: &str, token: &str, profile: Value) {
    let mut args = json!({"visitorId": visitor, "sessionToken": token});
    args.as_object_mut()
        .unwrap()
        .extend(profile.as_object().unwrap().clone());
    crate::common::mutation(mock, "visitors:identify", args)
        .await
        .unwrap();
}

/// The value of a query that must succeed.
pub(crate) async fn ok(mock: &ServerMock, path: &str, args: Value) -> Value {
    crate::common::query(mock, path, args)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}
