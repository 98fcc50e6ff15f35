//! TLS for the loopback servers: a throwaway certificate authority made per
//! test run (rcgen), and a server certificate for `localhost` it signs, so a
//! spec's `ca_file` is exercised against a real handshake.

use super::docspace::Portal;
use super::server::Server;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

pub struct TestCa {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

impl TestCa {
    /// A new CA, and a certificate for `localhost` and 127.0.0.1 it signed.
    pub fn new() -> TestCa {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "permspec test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();
        TestCa {
            ca_pem: ca_cert.pem(),
            chain: vec![cert.der().clone(), ca_cert.der().clone()],
            key: key.serialize_der(),
        }
    }

    /// The CA certificate, as a spec's `ca_file` holds it.
    pub fn pem(&self) -> &str {
        &self.ca_pem
    }

    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        // Deprecated in rustls 0.23.48 (src/fetch/http/mod.rs says why
        // ring stays).
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), key)
            .unwrap();
        Arc::new(config)
    }
}

/// A DocSpace portal over TLS at `https://localhost:PORT`.
pub struct TlsServer;

impl TlsServer {
    pub fn start(ca: &TestCa, portal: Portal) -> Server {
        Server::start_tls(ca.server_config(), move |hit| portal.answer(hit))
    }
}
