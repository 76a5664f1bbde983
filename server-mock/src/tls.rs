//! HTTPS for the mock: a throw-away certificate authority and a leaf certificate for
//! `localhost`, `127.0.0.1` and `::1`, made with rcgen at start-up, served with rustls (ring).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

/// How the mock serves TLS (see [`MockOptions::tls`](crate::MockOptions::tls)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TlsMode {
    /// ALPN offers `h2` and `http/1.1`, as hosted HTTPS endpoints (and Convex) do: a client
    /// that offers `h2` gets HTTP/2; the sync WebSocket upgrade needs a client that offers
    /// (or negotiates) `http/1.1`.
    #[default]
    H2AndHttp11,
    /// ALPN offers only `http/1.1`, and the server speaks only HTTP/1.1.
    Http11Only,
}

/// The mock's TLS material: the rustls server configuration and the CA certificate (PEM) that
/// clients must trust.
pub(crate) struct Tls {
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) ca_pem: String,
    pub(crate) mode: TlsMode,
}

fn tls_error(error: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("TLS set-up failed: {error}"))
}

impl Tls {
    /// A fresh CA and a leaf certificate signed by it, for `localhost`, `127.0.0.1` and `::1`.
    pub(crate) fn generate(mode: TlsMode) -> std::io::Result<Self> {
        let ca_key = KeyPair::generate().map_err(tls_error)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_error)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "server-mock test CA");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_error)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf_key = KeyPair::generate().map_err(tls_error)?;
        let mut leaf_params = CertificateParams::new(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ])
        .map_err(tls_error)?;
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        let leaf_cert = leaf_params
            .signed_by(&leaf_key, &issuer)
            .map_err(tls_error)?;

        let chain = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let config = server_config(mode, chain, key)?;
        Ok(Self {
            config: Arc::new(config),
            ca_pem: ca_cert.pem(),
            mode,
        })
    }
}

fn server_config(
    mode: TlsMode,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> std::io::Result<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(tls_error)?;
    config.alpn_protocols = match mode {
        TlsMode::H2AndHttp11 => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        TlsMode::Http11Only => vec![b"http/1.1".to_vec()],
    };
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_is_pem_and_alpn_follows_the_mode() {
        let tls = Tls::generate(TlsMode::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(tls.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(
            tls.config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        let tls = Tls::generate(TlsMode::Http11Only).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tls.config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }
}
