//! Identity verification: the `userHash` that proves a visitor's `userId` came from your backend.
//!
//! **This belongs on your application's server, never in a mobile app.** Anyone holding the
//! workspace's identity secret can impersonate any of your users. Compute the hash on your backend
//! when the user signs in, send it to the app, and pass it to
//! [`User::user_hash`](crate::User::user_hash).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `lowercase_hex(HMAC-SHA256(key = secret, message = user_id))`, exactly as Opencom checks it.
///
/// ```
/// use opencom_sdk::identity::user_hash;
/// let hash = user_hash("workspace-identity-secret", "user-42");
/// assert_eq!(hash.len(), 64);
/// assert!(hash.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
/// ```
pub fn user_hash(secret: &str, user_id: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an impossible hash
    // rather than panic should that ever change.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(user_id.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            user_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
