//! `opencom_sdk::parse_push` on arbitrary JSON: never panics, and a route only ever carries an
//! id of the safe shape (1–128 ASCII letters, digits, `_`, `-`, `;`) taken from the payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opencom_sdk::{parse_push, Route};
use serde_json::Value;

fn safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b';'))
}

fuzz_target!(|data: &[u8]| {
    let Ok(payload) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Some(route) = parse_push(&payload) else {
        return;
    };
    let (id, key) = match &route {
        Route::NewMessage { conversation_id } => (conversation_id, "conversationId"),
        Route::TicketUpdate { ticket_id, .. } => (ticket_id, "ticketId"),
        other => panic!("a push payload produced a deep-link-only route: {other:?}"),
    };
    assert!(safe_id(id), "unsafe id {id:?}");
    // The id is the payload's own field, at one of the three documented places.
    let found = [
        payload.pointer("/request/content/data"),
        payload.get("data"),
        Some(&payload),
    ]
    .into_iter()
    .flatten()
    .any(|data| data.get(key).and_then(Value::as_str) == Some(id.as_str()));
    assert!(found, "{id:?} is not in the payload");
    // Parsing is a pure function.
    assert_eq!(parse_push(&payload), Some(route));
});
