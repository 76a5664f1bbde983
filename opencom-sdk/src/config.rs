//! Client configuration: the builder, its validation, and the deployment / site URLs.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::clock::{Clock, SystemClock};
use crate::storage::{MemoryStorage, Storage};

pub use crate::transport::DEFAULT_MAX_RESPONSE_BYTES;

/// How live data reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RealtimeMode {
    /// Convex WebSocket subscriptions, polling over HTTP while the socket is down (default).
    #[default]
    WebSocket,
    /// HTTP polling only (for networks that block WebSockets).
    Polling,
}

/// Why [`OpencomBuilder::build`](crate::OpencomBuilder::build) refused the configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The deployment (or site) URL does not parse or has a query/fragment.
    #[error("invalid {which} URL: {reason}")]
    InvalidUrl {
        /// `deployment` or `site`.
        which: &'static str,
        /// Why.
        reason: String,
    },
    /// Plain `http://` is allowed only for localhost, 127.0.0.1 and ::1.
    #[error("the {which} URL must use https (plain http only for localhost)")]
    InsecureUrl {
        /// `deployment` or `site`.
        which: &'static str,
    },
    /// The workspace id is empty or contains whitespace.
    #[error("invalid workspace id: {reason}")]
    InvalidWorkspaceId {
        /// Why.
        reason: String,
    },
    /// The origin is not an `http(s)` origin without credentials.
    #[error("invalid origin: {reason}")]
    InvalidOrigin {
        /// Why.
        reason: String,
    },
    /// A duration or interval is out of range.
    #[error("invalid {setting}: {reason}")]
    InvalidSetting {
        /// The builder method.
        setting: &'static str,
        /// Why.
        reason: String,
    },
    /// A root certificate given to `add_root_certificate_pem` is not a usable PEM certificate.
    #[error("invalid root certificate #{index}: {reason}")]
    InvalidCertificate {
        /// Which `add_root_certificate_pem` call (0-based).
        index: usize,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be created.
    #[error("cannot create the HTTP client: {0}")]
    Http(String),
}

/// Parses the PEMs given to `add_root_certificate_pem` into trust settings.
pub(crate) fn trust_settings(
    pems: &[Vec<u8>],
    platform_verifier: bool,
) -> Result<crate::transport::tls::TrustSettings, BuildError> {
    let mut extra_roots = Vec::new();
    for (index, pem) in pems.iter().enumerate() {
        let certs = crate::transport::tls::parse_root_pem(pem).map_err(|e| {
            BuildError::InvalidCertificate {
                index,
                reason: e.to_string(),
            }
        })?;
        extra_roots.extend(certs);
    }
    Ok(crate::transport::tls::TrustSettings {
        extra_roots,
        platform_verifier,
    })
}

impl From<BuildError> for crate::Error {
    fn from(err: BuildError) -> Self {
        crate::Error::Config {
            message: err.to_string(),
        }
    }
}

/// What the client tells the server about itself at boot (`clientType`, `clientVersion`,
/// `clientIdentifier`).
///
/// ```
/// use opencom_sdk::ClientInfo;
/// let info = ClientInfo::default().identifier("com.example.app").version("4.2.0");
/// assert_eq!(info.client_type.as_deref(), Some("mobile_sdk"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// `clientType`; `mobile_sdk` by default.
    pub client_type: Option<String>,
    /// `clientVersion`; this crate's version by default.
    pub client_version: Option<String>,
    /// `clientIdentifier`; `opencom-rust-sdk` by default (use your bundle id).
    pub client_identifier: Option<String>,
}

impl Default for ClientInfo {
    fn default() -> Self {
        Self {
            client_type: Some("mobile_sdk".into()),
            client_version: Some(env!("CARGO_PKG_VERSION").into()),
            client_identifier: Some("opencom-rust-sdk".into()),
        }
    }
}

impl ClientInfo {
    /// Sets `clientIdentifier` (e.g. the app's bundle id).
    pub fn identifier(mut self, identifier: impl Into<String>) -> Self {
        self.client_identifier = Some(identifier.into());
        self
    }

    /// Sets `clientVersion`.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.client_version = Some(version.into());
        self
    }

    /// Sets `clientType`.
    pub fn client_type(mut self, client_type: impl Into<String>) -> Self {
        self.client_type = Some(client_type.into());
        self
    }
}

/// The device, exactly as the server's validator takes it: `browser`, `os`, `deviceType`,
/// `platform` (there is no `appVersion`; sending one fails validation).
///
/// ```
/// use opencom_sdk::DeviceInfo;
/// let device = DeviceInfo { os: Some("iOS 18.1".into()), platform: Some("ios".into()),
///     device_type: Some("mobile".into()), ..Default::default() };
/// assert!(device.browser.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// `browser`.
    pub browser: Option<String>,
    /// `os`, e.g. `iOS 18.1`.
    pub os: Option<String>,
    /// `deviceType`, e.g. `mobile`.
    pub device_type: Option<String>,
    /// `platform`: `ios` or `android` make the server treat the client as a mobile SDK.
    pub platform: Option<String>,
}

/// Validated configuration shared by every part of a client.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) deployment_url: Url,
    pub(crate) site_url: Url,
    pub(crate) workspace_id: String,
    pub(crate) origin: Option<String>,
    pub(crate) client: ClientInfo,
    pub(crate) device: Option<DeviceInfo>,
    pub(crate) request_timeout: Duration,
    pub(crate) heartbeat_interval: Option<Duration>,
    pub(crate) realtime: RealtimeMode,
    pub(crate) poll_interval: Duration,
    pub(crate) ai_replies: bool,
}

impl Config {
    /// The storage key prefix for this deployment + workspace.
    pub(crate) fn storage_namespace(&self) -> String {
        visitor_namespace(&self.deployment_url, &self.workspace_id)
    }
}

/// The storage key prefix of everything kept for one deployment:
/// `opencom/v1/<host>[:<port>]<path>` (no trailing slash; the default port and a trailing `/`
/// are left out). Both the visitor client ([`visitor_namespace`]) and the workspace client
/// (its token key) live under it; the keys are what existing installations have stored, so the
/// spelling must never change.
pub(crate) fn deployment_namespace(deployment_url: &Url) -> String {
    let host = deployment_url.host_str().unwrap_or("deployment");
    let port = deployment_url
        .port()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let path = deployment_url.path().trim_end_matches('/');
    format!("opencom/v1/{host}{port}{path}")
}

/// The visitor client's prefix for one workspace of a deployment:
/// `<deployment namespace>/<workspace id>/`.
pub(crate) fn visitor_namespace(deployment_url: &Url, workspace_id: &str) -> String {
    format!("{}/{workspace_id}/", deployment_namespace(deployment_url))
}

/// Host services chosen on the builder.
#[derive(Debug, Clone)]
pub(crate) struct Services {
    pub(crate) storage: Arc<dyn Storage>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Default for Services {
    fn default() -> Self {
        Self {
            storage: Arc::new(MemoryStorage::new()),
            clock: Arc::new(SystemClock),
        }
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.octets() == [127, 0, 0, 1],
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Parses and checks a deployment or site URL: https (http only on loopback), no query or
/// fragment, trailing slashes normalised (the path always ends in exactly one `/`, so
/// `join("api/query")` keeps any path prefix).
pub(crate) fn parse_base_url(raw: &str, which: &'static str) -> Result<Url, BuildError> {
    let invalid = |reason: String| BuildError::InvalidUrl { which, reason };
    let mut url = Url::parse(raw.trim()).map_err(|e| invalid(e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(BuildError::InsecureUrl { which }),
        other => return Err(invalid(format!("unsupported scheme `{other}`"))),
    }
    if url.host().is_none() {
        return Err(invalid("no host".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not contain credentials".into()));
    }
    let path = format!("{}/", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok(url)
}

/// Derives the site URL (HTTP actions, discovery) from the cloud URL, as the official clients do:
/// `https://name.convex.cloud` → `https://name.convex.site`. Other hosts (self-hosted) keep the
/// deployment URL.
pub(crate) fn derive_site_url(deployment: &Url) -> Url {
    let mut site = deployment.clone();
    if let Some(host) = deployment.host_str() {
        if let Some(name) = host.strip_suffix(".convex.cloud") {
            // set_host only fails for an empty host, which cannot happen here.
            let _ = site.set_host(Some(&format!("{name}.convex.site")));
        }
    }
    site
}

/// Validates an origin and reduces it to `scheme://host[:port]`.
pub(crate) fn parse_origin(raw: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidOrigin {
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|_| invalid("not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("must be http(s)"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not contain credentials"));
    }
    if url.host().is_none() {
        return Err(invalid("no host"));
    }
    Ok(url.origin().ascii_serialization())
}

pub(crate) fn check_workspace_id(id: &str) -> Result<(), BuildError> {
    if id.trim().is_empty() {
        return Err(BuildError::InvalidWorkspaceId {
            reason: "must not be empty".into(),
        });
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(BuildError::InvalidWorkspaceId {
            reason: "must not contain whitespace".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_required_except_loopback() {
        assert!(parse_base_url("https://happy-otter-123.convex.cloud", "deployment").is_ok());
        for ok in [
            "http://localhost:3210",
            "http://127.0.0.1:3210/",
            "http://[::1]:3210",
        ] {
            assert!(parse_base_url(ok, "deployment").is_ok(), "{ok}");
        }
        assert_eq!(
            parse_base_url("http://example.com", "deployment"),
            Err(BuildError::InsecureUrl {
                which: "deployment"
            })
        );
        for bad in [
            "",
            "not a url",
            "ftp://x.com",
            "https://x.com/?a=1",
            "https://u:p@x.com",
        ] {
            assert!(
                matches!(
                    parse_base_url(bad, "deployment"),
                    Err(BuildError::InvalidUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn trailing_slashes_are_normalised() {
        let a = parse_base_url("https://x.convex.cloud///", "deployment").unwrap();
        let b = parse_base_url("https://x.convex.cloud", "deployment").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.join("api/query").unwrap().as_str(),
            "https://x.convex.cloud/api/query"
        );
        let prefixed = parse_base_url("https://proxy.example.com/convex/", "deployment").unwrap();
        assert_eq!(
            prefixed.join("api/query").unwrap().as_str(),
            "https://proxy.example.com/convex/api/query"
        );
    }

    #[test]
    fn site_url_is_derived_from_cloud_url() {
        let cloud = parse_base_url("https://happy-otter-123.convex.cloud", "deployment").unwrap();
        assert_eq!(
            derive_site_url(&cloud).as_str(),
            "https://happy-otter-123.convex.site/"
        );
        let local = parse_base_url("http://127.0.0.1:3210", "deployment").unwrap();
        assert_eq!(derive_site_url(&local), local);
    }

    #[test]
    fn origins_are_reduced_to_their_origin() {
        assert_eq!(
            parse_origin("https://app.example.com/some/page?x=1").unwrap(),
            "https://app.example.com"
        );
        assert_eq!(
            parse_origin("http://localhost:3000").unwrap(),
            "http://localhost:3000"
        );
        assert!(parse_origin("app.example.com").is_err());
        assert!(parse_origin("https://user:pw@app.example.com").is_err());
        assert!(parse_origin("file:///etc/passwd").is_err());
    }

    #[test]
    fn workspace_ids() {
        assert!(check_workspace_id("k57abc").is_ok());
        assert!(check_workspace_id("").is_err());
        assert!(check_workspace_id("a b").is_err());
    }
}
