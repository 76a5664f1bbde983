//! Push notifications for visitors: Expo push tokens registered through
//! `visitorPushTokens:*` (never the agent `pushTokens:*` functions).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::wire::visitor::visitor_push_tokens::{
    Platform, Register, RegisterStatus, SetNotificationsEnabled, Unregister, UnregisterStatus,
};

/// The device platform of a push token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PushPlatform {
    /// iOS.
    Ios,
    /// Android.
    Android,
}

impl PushPlatform {
    fn wire(self) -> Platform {
        match self {
            PushPlatform::Ios => Platform::Ios,
            PushPlatform::Android => Platform::Android,
        }
    }
}

/// What `register` reported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushRegistration {
    /// A new token.
    Created,
    /// The token was already this visitor's.
    Updated,
    /// The token belonged to another visitor and was moved to this one.
    Reassigned,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredPush {
    token: String,
    platform: PushPlatform,
    device_id: Option<String>,
}

/// Checks that a token is an Expo push token: Opencom delivers through Expo, so raw APNs or FCM
/// device tokens would be stored but never delivered.
pub(crate) fn check_expo_token(token: &str) -> Result<()> {
    let token = token.trim();
    let ctx = token
        .strip_prefix("ExponentPushToken[")
        .or_else(|| token.strip_prefix("ExpoPushToken["))
        .and_then(|rest| rest.strip_suffix(']'));
    match ctx {
        Some(body) if !body.is_empty() && body.len() <= 256 && !body.contains(['[', ']']) => Ok(()),
        _ => Err(Error::invalid(
            "token",
            "Opencom delivers notifications through Expo: register an Expo push token \
             (ExponentPushToken[…] from expo-notifications' getExpoPushTokenAsync), \
             not a raw APNs or FCM device token",
        )),
    }
}

/// Push registration: `client.push()`.
#[derive(Clone, Copy)]
pub struct PushClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

fn key(ctx: &Context) -> String {
    format!("{}push", ctx.config.storage_namespace())
}

impl PushClient<'_> {
    /// Registers this device's Expo push token for the visitor. The token is remembered, and
    /// unregistered on logout.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::PushPlatform;
    /// client.push().register("ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]", PushPlatform::Ios, None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn register(
        &self,
        token: &str,
        platform: PushPlatform,
        device_id: Option<&str>,
    ) -> Result<PushRegistration> {
        check_expo_token(token)?;
        let token = token.trim();
        let workspace_id = &self.ctx.config.workspace_id;
        let registered = self
            .ctx
            .session
            .request(|c| Register {
                auth: c.workspace(workspace_id),
                token,
                platform: platform.wire(),
                device_id,
            })
            .await?;
        let stored = StoredPush {
            token: token.to_owned(),
            platform,
            device_id: device_id.map(str::to_owned),
        };
        if let Ok(json) = serde_json::to_string(&stored) {
            self.ctx.services.storage.set(&key(self.ctx), &json).await?;
        }
        Ok(match registered.status {
            RegisterStatus::Created => PushRegistration::Created,
            RegisterStatus::Updated => PushRegistration::Updated,
            RegisterStatus::Reassigned => PushRegistration::Reassigned,
        })
    }

    /// The token registered on this device, if any.
    pub async fn registered_token(&self) -> Result<Option<String>> {
        Ok(stored(self.ctx).await?.map(|s| s.token))
    }

    /// Unregisters the remembered token (no call when there is none). Returns whether the
    /// server had it.
    pub async fn unregister(&self) -> Result<bool> {
        let Some(stored) = stored(self.ctx).await? else {
            return Ok(false);
        };
        let workspace_id = &self.ctx.config.workspace_id;
        let unregistered = self
            .ctx
            .session
            .request(|c| Unregister {
                auth: c.workspace(workspace_id),
                token: &stored.token,
            })
            .await?;
        self.ctx.services.storage.remove(&key(self.ctx)).await?;
        Ok(unregistered.status == UnregisterStatus::Removed)
    }

    /// Turns notifications for the remembered token on or off.
    pub async fn set_enabled(&self, enabled: bool) -> Result<()> {
        let Some(stored) = stored(self.ctx).await? else {
            return Err(Error::invalid("token", "no push token is registered"));
        };
        let workspace_id = &self.ctx.config.workspace_id;
        self.ctx
            .session
            .request(|c| SetNotificationsEnabled {
                auth: c.workspace(workspace_id),
                token: &stored.token,
                enabled,
            })
            .await
            .map(|_| ())
    }
}

async fn stored(ctx: &Context) -> Result<Option<StoredPush>> {
    Ok(ctx
        .services
        .storage
        .get(&key(ctx))
        .await?
        .and_then(|raw| serde_json::from_str(&raw).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_expo_tokens_are_accepted() {
        assert!(check_expo_token("ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]").is_ok());
        assert!(check_expo_token("ExpoPushToken[abc-123]").is_ok());
        let apns = "a".repeat(64);
        let fcm = "dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";
        for bad in [
            apns.as_str(),
            fcm,
            "ExponentPushToken[]",
            "ExponentPushToken[a",
            "",
        ] {
            match check_expo_token(bad) {
                Err(Error::InvalidInput { field, reason }) => {
                    assert_eq!(field, "token");
                    assert!(reason.contains("Expo"));
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
