//! Small helpers shared across the crate: poison-tolerant locking and random identifiers.

use std::sync::{Mutex, MutexGuard, PoisonError};

use rand::Rng;
use serde_json::Value;

/// Locks `mutex`, ignoring poisoning (a panicking test must not wedge the mock for the others).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The alphabet of Convex document ids (base32 without `i`, `l`, `o`, `u`).
const ID_ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh opaque document id: 32 lowercase base32 characters, like a real Convex id.
pub(crate) fn new_document_id() -> String {
    let mut rng = rand::rng();
    (0..32)
        .map(|_| char::from(ID_ALPHABET[rng.random_range(0..ID_ALPHABET.len())]))
        .collect()
}

/// A visitor session token: `wst_` + 64 lowercase hex chars from 32 random bytes.
pub(crate) fn new_session_token() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("wst_{}", hex::encode(bytes))
}

/// An opaque upload-URL token: 48 lowercase hex chars.
pub(crate) fn new_upload_token() -> String {
    let bytes: [u8; 24] = rand::random();
    hex::encode(bytes)
}

/// A Convex request id: 16 lowercase hex chars.
pub(crate) fn new_request_id() -> String {
    let bytes: [u8; 8] = rand::random();
    hex::encode(bytes)
}

/// An identity-verification secret: 64 chars from `[A-Za-z0-9]`.
pub(crate) fn new_identity_secret() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..64)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

/// Rewrites integral floats as integers, recursively, so numbers print as JavaScript's
/// `JSON.stringify` prints them (`1795419626015`, not `1795419626015.0`).
pub(crate) fn js_numbers(value: Value) -> Value {
    /// 2^53: integers up to here are exact in an f64.
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() <= MAX_SAFE => {
                // Exact: |f| <= 2^53 and integral.
                Value::from(f as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(js_numbers).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, js_numbers(v))).collect())
        }
        other => other,
    }
}

const ADJECTIVES: &[&str] = &[
    "amber", "bold", "brisk", "calm", "clever", "cosmic", "crisp", "dapper", "eager", "fiery",
    "gentle", "glad", "golden", "happy", "humble", "jolly", "keen", "lively", "lucky", "merry",
    "mellow", "nimble", "noble", "polite", "proud", "quick", "quiet", "rapid", "shiny", "silent",
    "sunny", "swift", "tidy", "vivid", "warm", "wild", "witty", "zesty",
];

const NOUNS: &[&str] = &[
    "apples", "badgers", "beacons", "bees", "brooks", "canyons", "cedars", "clouds", "comets",
    "dunes", "falcons", "ferns", "fields", "foxes", "geese", "harbors", "hills", "islands",
    "kites", "lakes", "lanterns", "maples", "meadows", "moons", "otters", "owls", "pebbles",
    "pines", "rice", "rivers", "robins", "seals", "stars", "stones", "tides", "valleys", "waves",
    "willows",
];

/// A human-friendly visitor label like `"fiery-rice-49"`, derived from the visitor id
/// (deterministic, so the same id always reads the same).
pub(crate) fn readable_visitor_id(visitor_id: &str) -> String {
    // FNV-1a, then two independent mixes for the word picks and the number.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in visitor_id.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    let mix = |salt: u32| (hash ^ salt).wrapping_mul(0x9e37_79b1) as usize;
    let adjective = ADJECTIVES[mix(0x85eb_ca6b) % ADJECTIVES.len()];
    let noun = NOUNS[mix(0xc2b2_ae35) % NOUNS.len()];
    let number = mix(0x27d4_eb2d) % 99 + 1;
    format!("{adjective}-{noun}-{number:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_have_the_documented_shapes() {
        let id = new_document_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));

        let token = new_session_token();
        assert!(token.starts_with("wst_"));
        assert_eq!(token.len(), 68);
        assert!(token[4..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));

        assert_eq!(new_request_id().len(), 16);
        let secret = new_identity_secret();
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn numbers_print_like_javascript() {
        let v = serde_json::json!({"a": 1795419626015.0_f64, "b": [0.5, 2.0], "c": -0.0_f64});
        assert_eq!(
            js_numbers(v).to_string(),
            r#"{"a":1795419626015,"b":[0.5,2],"c":0}"#
        );
    }

    #[test]
    fn readable_ids_are_stable_and_well_formed() {
        let a = readable_visitor_id("k57a1b2c3d4e5f6g7h8j9k0m1n2p3q4r");
        assert_eq!(a, readable_visitor_id("k57a1b2c3d4e5f6g7h8j9k0m1n2p3q4r"));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2].len(), 2);
        assert!(parts[2].parse::<u32>().is_ok_and(|n| (1..=99).contains(&n)));
    }
}
