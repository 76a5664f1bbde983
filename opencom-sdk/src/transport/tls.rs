//! The one TLS configuration of a client: rustls with the ring provider, webpki roots (or the
//! platform verifier with the `platform-verifier` feature) plus the private CAs the app added.
//! HTTP calls, uploads and the sync WebSocket all use it, so a private CA added once is trusted
//! everywhere.
//!
//! ALPN is derived from what the HTTP stack can speak, in this one place: `h2` is offered only
//! when the `http2` feature compiled HTTP/2 into reqwest. Offering `h2` without it makes
//! hyper-util panic ("http2 feature is not enabled") as soon as a server picks it.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// Which root certificates a client trusts.
#[derive(Clone, Default)]
pub(crate) struct TrustSettings {
    /// Private CAs added with `add_root_certificate_pem`, DER-encoded.
    pub(crate) extra_roots: Vec<CertificateDer<'static>>,
    /// Verify with the operating system's trust store instead of the bundled webpki roots.
    pub(crate) platform_verifier: bool,
}

impl std::fmt::Debug for TrustSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustSettings")
            .field("extra_roots", &self.extra_roots.len())
            .field("platform_verifier", &self.platform_verifier)
            .finish()
    }
}

/// Why a PEM or a TLS configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TlsError {
    #[error("the PEM holds no certificate")]
    NoCertificate,
    #[error("the PEM cannot be read: {0}")]
    BadPem(String),
    #[error("the certificate is not a usable root: {0}")]
    BadRoot(String),
    #[error("TLS setup failed: {0}")]
    Setup(String),
}

/// Parses every `CERTIFICATE` block of `pem` (at least one), checking each is a usable root.
pub(crate) fn parse_root_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let mut certs = Vec::new();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| TlsError::BadPem(e.to_string()))?;
        // A root store rejects what webpki cannot parse as a trust anchor: check it now, so a
        // bad certificate is a build error rather than a handshake failure later.
        let mut store = rustls::RootCertStore::empty();
        store
            .add(cert.clone())
            .map_err(|e| TlsError::BadRoot(e.to_string()))?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    Ok(certs)
}

/// What a connection speaks on top of TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alpn {
    /// Function calls and uploads: `http/1.1`, plus `h2` when compiled in.
    Http,
    /// The sync WebSocket: the upgrade is HTTP/1.1 only.
    WebSocket,
}

impl Alpn {
    fn protocols(self) -> Vec<Vec<u8>> {
        match self {
            Alpn::Http if cfg!(feature = "http2") => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
            Alpn::Http | Alpn::WebSocket => vec![b"http/1.1".to_vec()],
        }
    }
}

/// The rustls configuration for `alpn`.
pub(crate) fn client_config(
    trust: &TrustSettings,
    alpn: Alpn,
) -> Result<Arc<rustls::ClientConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?;
    let mut config = if trust.platform_verifier {
        platform(builder, trust, provider)?
    } else {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for cert in &trust.extra_roots {
            roots
                .add(cert.clone())
                .map_err(|e| TlsError::BadRoot(e.to_string()))?;
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    config.alpn_protocols = alpn.protocols();
    Ok(Arc::new(config))
}

#[cfg(feature = "platform-verifier")]
fn platform(
    builder: rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>,
    trust: &TrustSettings,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls::ClientConfig, TlsError> {
    let verifier = if trust.extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)
    } else {
        extra_roots_verifier(trust, provider)?
    }
    .map_err(|e| TlsError::Setup(e.to_string()))?;
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

#[cfg(all(feature = "platform-verifier", not(target_os = "android")))]
fn extra_roots_verifier(
    trust: &TrustSettings,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Result<rustls_platform_verifier::Verifier, rustls::Error>, TlsError> {
    Ok(rustls_platform_verifier::Verifier::new_with_extra_roots(
        trust.extra_roots.iter().cloned(),
        provider,
    ))
}

/// Android's verifier asks the system (through JNI) and takes no extra roots: a private CA is
/// trusted there through the app's `network_security_config.xml`.
#[cfg(all(feature = "platform-verifier", target_os = "android"))]
fn extra_roots_verifier(
    _trust: &TrustSettings,
    _provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Result<rustls_platform_verifier::Verifier, rustls::Error>, TlsError> {
    Err(TlsError::Setup(
        "on Android the platform verifier takes no extra roots: add the CA to the app's network security config".into(),
    ))
}

#[cfg(not(feature = "platform-verifier"))]
fn platform(
    _builder: rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>,
    _trust: &TrustSettings,
    _provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls::ClientConfig, TlsError> {
    Err(TlsError::Setup(
        "the OS trust store needs the `platform-verifier` cargo feature".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_never_offers_what_the_http_stack_cannot_speak() {
        let http = client_config(&TrustSettings::default(), Alpn::Http).unwrap();
        if cfg!(feature = "http2") {
            assert_eq!(
                http.alpn_protocols,
                vec![b"h2".to_vec(), b"http/1.1".to_vec()]
            );
        } else {
            assert_eq!(http.alpn_protocols, vec![b"http/1.1".to_vec()]);
        }
        let ws = client_config(&TrustSettings::default(), Alpn::WebSocket).unwrap();
        assert_eq!(ws.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn bad_pems_are_typed_errors() {
        assert_eq!(parse_root_pem(b""), Err(TlsError::NoCertificate));
        assert_eq!(
            parse_root_pem(b"not a pem at all"),
            Err(TlsError::NoCertificate)
        );
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(matches!(parse_root_pem(broken), Err(TlsError::BadPem(_))));
        let garbage = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            parse_root_pem(garbage),
            Err(TlsError::BadRoot(_)) | Err(TlsError::BadPem(_))
        ));
    }
}
