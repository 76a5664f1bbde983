//! Records and enums shared by several sub-clients, and their conversions from and to the core.

use std::collections::HashMap;
use std::time::Duration;

use opencom_sdk as sdk;

/// A value of a custom attribute or event property: a JSON-like tree.
///
/// Attributes accept `Null`, `Bool`, `Number`, `Text`, `Array` of primitives and `Object`
/// (at most two levels below the top); event properties accept primitives and arrays of
/// strings/numbers. Anything else fails with `OpencomError.InvalidInput` naming the key, before
/// any network call.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AttributeValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool {
        /// The value.
        value: bool,
    },
    /// A finite number.
    Number {
        /// The value.
        value: f64,
    },
    /// A string.
    Text {
        /// The value.
        value: String,
    },
    /// An array (of primitives only).
    Array {
        /// The items.
        items: Vec<AttributeValue>,
    },
    /// A nested object (custom attributes only).
    Object {
        /// Key → value.
        entries: HashMap<String, AttributeValue>,
    },
}

impl From<AttributeValue> for sdk::AttributeValue {
    fn from(value: AttributeValue) -> Self {
        match value {
            AttributeValue::Null => sdk::AttributeValue::Null,
            AttributeValue::Bool { value } => sdk::AttributeValue::Bool(value),
            AttributeValue::Number { value } => sdk::AttributeValue::Number(value),
            AttributeValue::Text { value } => sdk::AttributeValue::String(value),
            AttributeValue::Array { items } => {
                sdk::AttributeValue::List(items.into_iter().map(Into::into).collect())
            }
            AttributeValue::Object { entries } => sdk::AttributeValue::Map(to_core_map(entries)),
        }
    }
}

impl From<sdk::AttributeValue> for AttributeValue {
    fn from(value: sdk::AttributeValue) -> Self {
        match value {
            sdk::AttributeValue::Null => AttributeValue::Null,
            sdk::AttributeValue::Bool(value) => AttributeValue::Bool { value },
            sdk::AttributeValue::Number(value) => AttributeValue::Number { value },
            sdk::AttributeValue::String(value) => AttributeValue::Text { value },
            sdk::AttributeValue::List(items) => AttributeValue::Array {
                items: items.into_iter().map(Into::into).collect(),
            },
            sdk::AttributeValue::Map(map) => AttributeValue::Object {
                entries: from_core_map(map),
            },
        }
    }
}

/// Host attributes → core attributes.
pub(crate) fn to_core_map(map: HashMap<String, AttributeValue>) -> sdk::Attributes {
    map.into_iter().map(|(k, v)| (k, v.into())).collect()
}

/// Core attributes → host attributes.
pub(crate) fn from_core_map(map: sdk::Attributes) -> HashMap<String, AttributeValue> {
    map.into_iter().map(|(k, v)| (k, v.into())).collect()
}

/// A snapshot of the current visitor session.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SessionInfo {
    /// The visitor this session belongs to (opaque id).
    pub visitor_id: String,
    /// The client-generated, persisted `sessionId`.
    pub session_id: String,
    /// When the current token expires (epoch ms).
    pub expires_at_ms: f64,
    /// True when the session came from storage without any network call.
    pub restored: bool,
    /// True when stored state was unreadable and was replaced by a fresh session.
    pub discarded_corrupt_state: bool,
}

impl From<sdk::SessionInfo> for SessionInfo {
    fn from(info: sdk::SessionInfo) -> Self {
        Self {
            visitor_id: info.visitor_id,
            session_id: info.session_id,
            expires_at_ms: info.expires_at_ms,
            restored: info.restored,
            discarded_corrupt_state: info.discarded_corrupt_state,
        }
    }
}

/// Who the visitor is, for `VisitorClient.identify`. `user_id` becomes Opencom's
/// `externalUserId`; `company` is stored as the `company` custom attribute. `user_hash` is the
/// identity-verification HMAC computed by **your backend** — never compute it in the app.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct User {
    /// Email address.
    #[uniffi(default = None)]
    pub email: Option<String>,
    /// Display name.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// Your user id (`externalUserId` on the wire).
    #[uniffi(default = None)]
    pub user_id: Option<String>,
    /// HMAC-SHA256 of `user_id` with the workspace identity secret, from your backend.
    #[uniffi(default = None)]
    pub user_hash: Option<String>,
    /// Custom attributes (validated like the server does, before any network call).
    #[uniffi(default)]
    pub custom_attributes: HashMap<String, AttributeValue>,
    /// Company name, sent as the `company` custom attribute.
    #[uniffi(default = None)]
    pub company: Option<String>,
}

impl From<User> for sdk::User {
    fn from(user: User) -> Self {
        let mut out = sdk::User::new();
        out.email = user.email;
        out.name = user.name;
        out.user_id = user.user_id;
        out.user_hash = user.user_hash.map(sdk::Secret::new);
        out.custom_attributes = to_core_map(user.custom_attributes);
        out.company = user.company;
        out
    }
}

impl From<sdk::User> for User {
    fn from(user: sdk::User) -> Self {
        Self {
            email: user.email,
            name: user.name,
            user_id: user.user_id,
            user_hash: user.user_hash.map(|h| h.expose().to_owned()),
            custom_attributes: from_core_map(user.custom_attributes),
            company: user.company,
        }
    }
}

/// A visitor profile as the server returned it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
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
    pub custom_attributes: HashMap<String, AttributeValue>,
}

impl From<sdk::Visitor> for Visitor {
    fn from(v: sdk::Visitor) -> Self {
        Self {
            id: v.id,
            readable_id: v.readable_id,
            email: v.email,
            name: v.name,
            user_id: v.user_id,
            identity_verified: v.identity_verified,
            custom_attributes: from_core_map(v.custom_attributes),
        }
    }
}

/// The result of tracking a screen view.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TrackOutcome {
    /// Stored.
    Recorded {
        /// Opaque event id.
        event_id: String,
    },
    /// The server dropped it (at most 100 automatic events per visitor per minute). Not an
    /// error.
    RateLimited,
}

impl From<sdk::TrackOutcome> for TrackOutcome {
    fn from(outcome: sdk::TrackOutcome) -> Self {
        match outcome {
            sdk::TrackOutcome::Recorded { event_id } => TrackOutcome::Recorded { event_id },
            sdk::TrackOutcome::RateLimited => TrackOutcome::RateLimited,
        }
    }
}

/// What the client tells the server about itself at boot. `None` keeps the SDK's default
/// (`mobile_sdk`, this SDK's version, `opencom-rust-sdk`); set `client_identifier` to your
/// bundle id.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ClientInfo {
    /// `clientType`.
    #[uniffi(default = None)]
    pub client_type: Option<String>,
    /// `clientVersion`.
    #[uniffi(default = None)]
    pub client_version: Option<String>,
    /// `clientIdentifier`.
    #[uniffi(default = None)]
    pub client_identifier: Option<String>,
}

impl From<ClientInfo> for sdk::ClientInfo {
    fn from(info: ClientInfo) -> Self {
        let mut out = sdk::ClientInfo::default();
        if let Some(t) = info.client_type {
            out = out.client_type(t);
        }
        if let Some(v) = info.client_version {
            out = out.version(v);
        }
        if let Some(i) = info.client_identifier {
            out = out.identifier(i);
        }
        out
    }
}

/// The device, as the server's validator takes it. `platform` `ios` or `android` makes the
/// server treat the client as a mobile SDK.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct DeviceInfo {
    /// `browser`.
    #[uniffi(default = None)]
    pub browser: Option<String>,
    /// `os`, e.g. `iOS 18.1`.
    #[uniffi(default = None)]
    pub os: Option<String>,
    /// `deviceType`, e.g. `mobile`.
    #[uniffi(default = None)]
    pub device_type: Option<String>,
    /// `platform`: `ios` or `android`.
    #[uniffi(default = None)]
    pub platform: Option<String>,
}

impl From<DeviceInfo> for sdk::DeviceInfo {
    fn from(d: DeviceInfo) -> Self {
        sdk::DeviceInfo {
            browser: d.browser,
            os: d.os,
            device_type: d.device_type,
            platform: d.platform,
        }
    }
}

/// How failed calls are retried. Every `None` keeps the SDK's default (4 attempts, 200 ms to
/// 5 s between them, at most 20 s of waiting, `Retry-After` honoured up to 30 s, jitter on).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct RetryPolicy {
    /// Total number of tries, the first included (at least 1; 1 = never retry).
    #[uniffi(default = None)]
    pub max_attempts: Option<u32>,
    /// The first delay between tries.
    #[uniffi(default = None)]
    pub min_delay: Option<Duration>,
    /// The largest delay between tries.
    #[uniffi(default = None)]
    pub max_delay: Option<Duration>,
    /// The most time spent waiting between tries of one call.
    #[uniffi(default = None)]
    pub max_total_delay: Option<Duration>,
    /// The longest `Retry-After` honoured.
    #[uniffi(default = None)]
    pub max_retry_after: Option<Duration>,
    /// Randomise delays.
    #[uniffi(default = None)]
    pub jitter: Option<bool>,
}

impl From<RetryPolicy> for sdk::RetryPolicy {
    fn from(p: RetryPolicy) -> Self {
        let mut out = sdk::RetryPolicy::default();
        if let Some(n) = p.max_attempts {
            out = out.max_attempts(n);
        }
        if p.min_delay.is_some() || p.max_delay.is_some() {
            let defaults = (Duration::from_millis(200), Duration::from_secs(5));
            out = out.delays(
                p.min_delay.unwrap_or(defaults.0),
                p.max_delay.unwrap_or(defaults.1),
            );
        }
        if let Some(d) = p.max_total_delay {
            out = out.max_total_delay(d);
        }
        if let Some(d) = p.max_retry_after {
            out = out.max_retry_after(d);
        }
        if let Some(j) = p.jitter {
            out = out.jitter(j);
        }
        out
    }
}

/// How live data reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RealtimeMode {
    /// WebSocket subscriptions, polling over HTTP while the socket is down (default).
    WebSocket,
    /// HTTP polling only (for networks that block WebSockets).
    Polling,
}

impl From<RealtimeMode> for sdk::RealtimeMode {
    fn from(mode: RealtimeMode) -> Self {
        match mode {
            RealtimeMode::WebSocket => sdk::RealtimeMode::WebSocket,
            RealtimeMode::Polling => sdk::RealtimeMode::Polling,
        }
    }
}

/// The live connection's state, for a UI indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConnectionState {
    /// Opening the WebSocket for the first time.
    Connecting,
    /// Subscriptions are live.
    Connected,
    /// The socket was lost; reconnecting with backoff (data is polled meanwhile).
    Disconnected,
    /// WebSockets are off; data is polled over HTTP.
    Polling,
}

impl From<sdk::ConnectionState> for ConnectionState {
    fn from(state: sdk::ConnectionState) -> Self {
        match state {
            sdk::ConnectionState::Connecting => ConnectionState::Connecting,
            sdk::ConnectionState::Connected => ConnectionState::Connected,
            sdk::ConnectionState::Disconnected => ConnectionState::Disconnected,
            sdk::ConnectionState::Polling => ConnectionState::Polling,
        }
    }
}

/// How a live value reached the client: the `via` argument of every snapshot callback
/// (`MessagesListener.on_messages`, `ConversationsListener.on_conversations`,
/// `UnreadCountListener.on_unread_count`), mirroring the core's `Snapshot::via`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Delivery {
    /// The offline cache, before the network answered (`from_cache` is true exactly then).
    Cache,
    /// The sync WebSocket.
    Socket,
    /// HTTP polling: the socket was down, refused or stalled, or `RealtimeMode.Polling` was
    /// chosen.
    Polling,
    /// A local change re-rendered the last value (this device's outgoing messages).
    Local,
}

impl From<sdk::Delivery> for Delivery {
    fn from(via: sdk::Delivery) -> Self {
        match via {
            sdk::Delivery::Cache => Delivery::Cache,
            sdk::Delivery::Socket => Delivery::Socket,
            sdk::Delivery::Polling => Delivery::Polling,
            sdk::Delivery::Local => Delivery::Local,
            // `sdk::Delivery` is `#[non_exhaustive]`: a transport the core adds later reads as
            // HTTP polling (the fallback transport) until it is mirrored here.
            _ => Delivery::Polling,
        }
    }
}

/// What `/.well-known/opencom.json` says about a deployment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Discovery {
    /// Protocol version (`"1.0"`).
    pub version: String,
    /// The instance name.
    pub name: String,
    /// The deployment URL the instance advertises.
    pub convex_url: String,
    /// Features such as `chat`, `knowledge-base`.
    pub features: Vec<String>,
}

impl From<sdk::Discovery> for Discovery {
    fn from(d: sdk::Discovery) -> Self {
        Self {
            version: d.version,
            name: d.name,
            convex_url: d.convex_url,
            features: d.features,
        }
    }
}

/// What a data export contained.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportSummary {
    /// Conversations written.
    pub conversations: u64,
    /// Messages written.
    pub messages: u64,
    /// Tickets written.
    pub tickets: u64,
    /// Events written.
    pub events: u64,
    /// Bytes written.
    pub bytes: u64,
}

impl From<sdk::ExportSummary> for ExportSummary {
    fn from(s: sdk::ExportSummary) -> Self {
        Self {
            conversations: s.conversations as u64,
            messages: s.messages as u64,
            tickets: s.tickets as u64,
            events: s.events as u64,
            bytes: s.bytes,
        }
    }
}

/// A file attached to a message or a ticket.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Attachment {
    /// Opaque attachment id.
    pub id: String,
    /// File name (basename).
    pub file_name: String,
    /// MIME type derived by the server from the extension.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u64,
    /// A download URL, when the server provides one.
    pub url: Option<String>,
}

impl From<sdk::Attachment> for Attachment {
    fn from(a: sdk::Attachment) -> Self {
        Self {
            id: a.id,
            file_name: a.file_name,
            mime_type: a.mime_type,
            size: a.size,
            url: a.url,
        }
    }
}

/// Converts a list at the boundary.
pub(crate) fn list<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_delivery_maps_to_its_namesake() {
        let pairs = [
            (sdk::Delivery::Cache, Delivery::Cache),
            (sdk::Delivery::Socket, Delivery::Socket),
            (sdk::Delivery::Polling, Delivery::Polling),
            (sdk::Delivery::Local, Delivery::Local),
        ];
        for (core, host) in pairs {
            assert_eq!(Delivery::from(core), host, "{core:?}");
        }
    }
}
