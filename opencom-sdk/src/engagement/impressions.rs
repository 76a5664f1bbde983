//! Which impressions this client already recorded, so that each is sent once per survey,
//! carousel or message per visitor session (a survey shown twice on screen is one `shown`).
//! The facade owns one log for the surveys, carousels and outbound messages.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::error::Result;
use crate::session::Credentials;

/// One impression: what (`"survey"`, …), which item, which action, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ImpressionKey {
    visitor_id: String,
    session_id: String,
    kind: &'static str,
    item_id: String,
    action: String,
}

impl ImpressionKey {
    /// The key of `action` on `item_id` in the session of `creds`.
    pub(crate) fn new(
        creds: &Credentials,
        kind: &'static str,
        item_id: &str,
        action: impl Into<String>,
    ) -> Self {
        Self {
            visitor_id: creds.visitor_id.clone(),
            session_id: creds.session_id.clone(),
            kind,
            item_id: item_id.to_owned(),
            action: action.into(),
        }
    }
}

/// The impressions recorded (or being recorded) in this client's sessions.
#[derive(Debug, Default)]
pub(crate) struct ImpressionLog {
    seen: Mutex<HashSet<ImpressionKey>>,
}

impl ImpressionLog {
    /// Claims `key`: true the first time (the caller sends it), false when it was already
    /// recorded or is being recorded right now.
    fn claim(&self, key: &ImpressionKey) -> bool {
        match self.seen.lock() {
            Ok(mut seen) => seen.insert(key.clone()),
            Err(poisoned) => poisoned.into_inner().insert(key.clone()),
        }
    }

    /// Gives a claim back (the call failed, a later one may send it again).
    fn release(&self, key: &ImpressionKey) {
        match self.seen.lock() {
            Ok(mut seen) => seen.remove(key),
            Err(poisoned) => poisoned.into_inner().remove(key),
        };
    }

    /// Runs `send` unless `key` was already recorded: `Ok(true)` when it was sent now,
    /// `Ok(false)` when it had been before. A failed send is forgotten, so a retry sends again.
    pub(crate) async fn once<F, Fut>(&self, key: ImpressionKey, send: F) -> Result<bool>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        if !self.claim(&key) {
            return Ok(false);
        }
        match send().await {
            Ok(()) => Ok(true),
            Err(e) => {
                self.release(&key);
                Err(e)
            }
        }
    }

    /// Forgets everything (logout: a new visitor starts with nothing shown).
    pub(crate) fn clear(&self) {
        match self.seen.lock() {
            Ok(mut seen) => seen.clear(),
            Err(poisoned) => poisoned.into_inner().clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(action: &str) -> ImpressionKey {
        ImpressionKey {
            visitor_id: "v1".into(),
            session_id: "ses_1".into(),
            kind: "survey",
            item_id: "s1".into(),
            action: action.into(),
        }
    }

    #[tokio::test]
    async fn each_key_is_sent_once_and_a_failure_is_forgotten() {
        let log = ImpressionLog::default();
        let failed = log
            .once(key("shown"), || async { Err(crate::Error::Timeout) })
            .await;
        assert!(matches!(failed, Err(crate::Error::Timeout)));
        assert!(log.once(key("shown"), || async { Ok(()) }).await.unwrap());
        assert!(!log.once(key("shown"), || async { Ok(()) }).await.unwrap());
        assert!(log.once(key("started"), || async { Ok(()) }).await.unwrap());
        log.clear();
        assert!(log.once(key("shown"), || async { Ok(()) }).await.unwrap());
    }
}
