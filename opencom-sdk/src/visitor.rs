//! The visitor: identify (with identity verification), heartbeat, profile.

use crate::attributes::{to_json_object, validate_custom_attributes, AttributeValue, Attributes};
use std::sync::Arc;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::session::StoredUser;
use crate::wire::visitor::visitors::{Heartbeat, Identify, VisitorDoc};
use crate::wire::visitor::widget_sessions::Device;

/// Who the visitor is, for [`VisitorClient::identify`].
///
/// `user_id` becomes Opencom's `externalUserId`; `company` is stored as the `company` custom
/// attribute (as the official SDKs do). `user_hash` is the identity-verification HMAC computed by
/// **your backend** (see [`crate::identity`]).
///
/// ```
/// use opencom_sdk::User;
/// let user = User::new()
///     .email("jane@example.com")
///     .name("Jane Doe")
///     .user_id("user-42")
///     .user_hash("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
///     .company("Acme")
///     .attribute("plan", "pro")
///     .attribute("seats", 5);
/// assert_eq!(user.user_id.as_deref(), Some("user-42"));
/// // The hash never shows up in Debug output.
/// assert!(!format!("{user:?}").contains("9f86d0"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct User {
    /// Email address.
    pub email: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Your user id (`externalUserId` on the wire).
    pub user_id: Option<String>,
    /// HMAC-SHA256 of `user_id` with the workspace identity secret, from your backend.
    pub user_hash: Option<Secret>,
    /// Custom attributes (validated client-side like the server does).
    pub custom_attributes: Attributes,
    /// Company name, sent as the `company` custom attribute.
    pub company: Option<String>,
}

impl User {
    /// An empty user; fill it with the builder methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets your user id (`externalUserId`).
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Sets the identity-verification hash computed by your backend.
    pub fn user_hash(mut self, hash: impl Into<String>) -> Self {
        self.user_hash = Some(Secret::new(hash.into()));
        self
    }

    /// Sets the company.
    pub fn company(mut self, company: impl Into<String>) -> Self {
        self.company = Some(company.into());
        self
    }

    /// Adds one custom attribute.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<AttributeValue>) -> Self {
        self.custom_attributes.insert(key.into(), value.into());
        self
    }

    fn merged_attributes(&self) -> Attributes {
        let mut attrs = self.custom_attributes.clone();
        if let Some(company) = &self.company {
            attrs.insert("company".into(), AttributeValue::String(company.clone()));
        }
        attrs
    }

    /// Checks everything the server would reject, before any network call.
    pub(crate) fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("email", &self.email),
            ("name", &self.name),
            ("user_id", &self.user_id),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(Error::invalid(field, "must not be empty when set"));
            }
        }
        if let Some(email) = &self.email {
            if !email.contains('@') {
                return Err(Error::invalid("email", "is not an email address"));
            }
        }
        if self.user_hash.is_some() && self.user_id.is_none() {
            return Err(Error::invalid(
                "user_hash",
                "a user hash signs the user id: set user_id too",
            ));
        }
        if let Some(hash) = &self.user_hash {
            let h = hash.expose();
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::invalid(
                    "user_hash",
                    "must be 64 hex characters (HMAC-SHA256)",
                ));
            }
        }
        validate_custom_attributes(&self.merged_attributes())
    }

    pub(crate) fn to_stored(&self) -> StoredUser {
        let attrs = self.merged_attributes();
        StoredUser {
            email: self.email.clone(),
            name: self.name.clone(),
            user_id: self.user_id.clone(),
            user_hash: self.user_hash.clone(),
            custom_attributes: (!attrs.is_empty()).then(|| to_json_object(&attrs)),
        }
    }

    pub(crate) fn from_stored(stored: &StoredUser) -> Self {
        let mut attrs = stored.custom_attributes();
        let company = match attrs.remove("company") {
            Some(AttributeValue::String(c)) => Some(c),
            Some(other) => {
                attrs.insert("company".into(), other);
                None
            }
            None => None,
        };
        Self {
            email: stored.email.clone(),
            name: stored.name.clone(),
            user_id: stored.user_id.clone(),
            user_hash: stored.user_hash.clone(),
            custom_attributes: attrs,
            company,
        }
    }
}

/// A visitor profile as the server returned it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Visitor {
    /// Opaque visitor id.
    pub id: String,
    /// Human-friendly id such as `fiery-rice-49`.
    pub readable_id: Option<String>,
    /// Email, if known.
    pub email: Option<String>,
    /// Name, if known.
    pub name: Option<String>,
    /// Your user id (`externalUserId`).
    pub user_id: Option<String>,
    /// Whether the last identity verification succeeded.
    pub identity_verified: bool,
    /// The merged custom attributes.
    pub custom_attributes: Attributes,
}

impl From<VisitorDoc> for Visitor {
    fn from(doc: VisitorDoc) -> Self {
        let custom_attributes = match doc
            .custom_attributes
            .map(|m| AttributeValue::from_json(&serde_json::Value::Object(m)))
        {
            Some(AttributeValue::Map(m)) => m,
            _ => Attributes::new(),
        };
        Self {
            id: doc.id,
            readable_id: doc.readable_id,
            email: doc.email,
            name: doc.name,
            user_id: doc.external_user_id,
            identity_verified: doc.identity_verified,
            custom_attributes,
        }
    }
}

/// Visitor operations: `client.visitor()`.
#[derive(Clone, Copy)]
pub struct VisitorClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

impl VisitorClient<'_> {
    /// Identifies the visitor (`visitors:identify`).
    ///
    /// Everything is validated first (custom attributes as the server's validator, the hash's
    /// shape), so bad input is an [`Error::InvalidInput`] naming the key, with no network call.
    /// When the server merges this visitor into an existing one with the same email, the SDK
    /// adopts the returned visitor id and persists it. The user is remembered so that a re-boot
    /// after session expiry keeps the identity.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::User;
    /// let visitor = client.visitor()
    ///     .identify(User::new().email("jane@example.com").user_id("user-42").attribute("plan", "pro"))
    ///     .await?;
    /// println!("identified as {}", visitor.id);
    /// # Ok(()) }
    /// ```
    pub async fn identify(&self, user: User) -> Result<Visitor> {
        user.validate()?;
        let stored = user.to_stored();
        let cfg = &self.ctx.config;
        let visitor: Visitor = self
            .ctx
            .session
            .request(|creds| Identify {
                auth: creds.visitor(),
                user: stored.wire_fields(),
                device: Device::from_config(cfg),
                origin: cfg.origin.as_deref(),
            })
            .await?
            .into();
        self.ctx.session.adopt_identity(&visitor.id, stored).await;
        self.ctx
            .bus
            .publish(crate::client_events::ClientEvent::VisitorIdentified {
                visitor_id: visitor.id.clone(),
            });
        Ok(visitor)
    }

    /// The user last identified on this device (kept across restarts), if any.
    pub async fn current_user(&self) -> Option<User> {
        self.ctx
            .session
            .stored_user()
            .await
            .map(|s| User::from_stored(&s))
    }

    /// Sends one `visitors:heartbeat` now (the client also sends them on an interval).
    pub async fn heartbeat(&self) -> Result<()> {
        let origin = self.ctx.config.origin.as_deref();
        self.ctx
            .session
            .request(|creds| Heartbeat {
                auth: creds.visitor(),
                origin,
            })
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_happens_before_the_network() {
        assert!(User::new().email("a@b.c").validate().is_ok());
        assert!(matches!(
            User::new().email("nope").validate(),
            Err(Error::InvalidInput { field, .. }) if field == "email"
        ));
        assert!(matches!(
            User::new().user_hash("ab".repeat(32)).validate(),
            Err(Error::InvalidInput { field, .. }) if field == "user_hash"
        ));
        assert!(matches!(
            User::new().user_id("u").user_hash("xyz").validate(),
            Err(Error::InvalidInput { field, .. }) if field == "user_hash"
        ));
        assert!(matches!(
            User::new().attribute("$bad", 1).validate(),
            Err(Error::InvalidInput { field, .. }) if field == "customAttributes.$bad"
        ));
    }

    #[test]
    fn stored_user_round_trips_with_company() {
        let user = User::new()
            .email("a@b.c")
            .user_id("u1")
            .user_hash("ab".repeat(32))
            .company("Acme")
            .attribute("plan", "pro");
        assert_eq!(User::from_stored(&user.to_stored()), user);
    }
}
