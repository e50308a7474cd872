//! Client certificates of service accounts (mTLS): the CAs of `server.tls_client_ca`, and
//! the check of an API key bound by subject and issuing CA.
//!
//! The handshake (rustls's WebPKI client verifier, see [`crate::tls`]) already refuses a
//! certificate that does not chain to one of these CAs. A key bound by subject and CA is
//! then checked again here, with rustls-webpki: the presented chain must verify (at the
//! injected clock's time, for client authentication) along a path whose certificate
//! directly above the client's is the bound CA (SHA-256 of its DER), and the client
//! certificate's subject must be the bound one, byte for byte (the DER content octets of
//! its `Name`). Certificates are parsed by rustls-webpki only; nothing here reads DER by
//! hand.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use webpki::{EndEntityCert, KeyUsage};

use crate::ServerError;

/// The client certificate a connection presented (verified by the handshake): the SHA-256
/// of its DER and the chain as presented (the client's certificate first).
#[derive(Debug)]
pub struct PeerCertificate {
    pub sha256: [u8; 32],
    pub chain: Vec<CertificateDer<'static>>,
}

impl PeerCertificate {
    /// The peer's certificate chain, if it presented one.
    pub fn from_chain(chain: Option<&[CertificateDer<'_>]>) -> Option<Arc<PeerCertificate>> {
        let chain = chain.filter(|c| !c.is_empty())?;
        let sha256 = sekretess_crypto::digest::sha256(chain[0].as_ref());
        Some(Arc::new(PeerCertificate {
            sha256,
            chain: chain.iter().map(|c| c.clone().into_owned()).collect(),
        }))
    }
}

/// The certificates of the client CA file, as trust anchors and by fingerprint.
pub struct ClientCas {
    certs: Vec<CertificateDer<'static>>,
    anchors: Vec<TrustAnchor<'static>>,
    sha256: Vec<[u8; 32]>,
}

impl std::fmt::Debug for ClientCas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCas").field("count", &self.certs.len()).finish_non_exhaustive()
    }
}

impl ClientCas {
    /// Reads the CA certificates (PEM, one or more) of `path`.
    pub fn from_pem_file(path: &Path) -> Result<ClientCas, ServerError> {
        let tls = |what: &str, e: &dyn std::fmt::Display| {
            ServerError::Tls(format!("{what} {}: {e}", path.display()))
        };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| tls("cannot read client CA", &e))?
            .collect::<Result<_, _>>()
            .map_err(|e| tls("bad certificate PEM in", &e))?;
        ClientCas::from_certs(certs).map_err(|e| tls("unusable client CA certificate in", &e))
    }

    /// The CAs of `certs` (DER).
    pub fn from_certs(certs: Vec<CertificateDer<'static>>) -> Result<ClientCas, String> {
        if certs.is_empty() {
            return Err("no certificate".into());
        }
        let anchors = certs
            .iter()
            .map(|c| webpki::anchor_from_trusted_cert(c).map(|a| a.to_owned()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let sha256 = certs.iter().map(|c| sekretess_crypto::digest::sha256(c.as_ref())).collect();
        Ok(ClientCas { certs, anchors, sha256 })
    }

    /// The CA certificates (DER), in file order.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }

    /// The subject (DER content octets of its `Name`) of the CA whose certificate has this
    /// SHA-256, if it is one of these.
    pub fn subject_of(&self, ca_sha256: &[u8; 32]) -> Option<&[u8]> {
        let i = self.sha256.iter().position(|s| s == ca_sha256)?;
        Some(self.anchors[i].subject.as_ref())
    }

    /// Whether `chain` (the client's certificate first, then what it sent along) verifies
    /// at `now` (Unix seconds) for client authentication along a path where the client's
    /// certificate was signed directly by the CA certificate with SHA-256 `ca_sha256`,
    /// and the client certificate's subject is exactly `subject`.
    pub fn issued(
        &self,
        chain: &[CertificateDer<'_>],
        subject: &[u8],
        ca_sha256: &[u8; 32],
        now: i64,
    ) -> bool {
        let Some((leaf, intermediates)) = chain.split_first() else { return false };
        let Ok(leaf) = EndEntityCert::try_from(leaf) else { return false };
        if leaf.subject() != subject {
            return false;
        }
        let Ok(now) = u64::try_from(now) else { return false };
        let issued_by_bound_ca = |path: &webpki::VerifiedPath<'_>| -> Result<(), webpki::Error> {
            let ok = match path.intermediate_certificates().next() {
                Some(issuer) => sekretess_crypto::digest::sha256(issuer.der().as_ref()) == *ca_sha256,
                // Signed by a trust anchor: one of the configured certificates (two with the
                // same name and key are the same anchor; either fingerprint names it).
                None => {
                    self.anchors.iter().zip(&self.sha256).any(|(a, s)| a == path.anchor() && s == ca_sha256)
                }
            };
            if ok { Ok(()) } else { Err(webpki::Error::UnknownIssuer) }
        };
        leaf.verify_for_usage(
            crate::tls::provider().signature_verification_algorithms.all,
            &self.anchors,
            intermediates,
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(now)),
            KeyUsage::client_auth(),
            None,
            Some(&issued_by_bound_ca),
        )
        .is_ok()
    }
}

/// A certificate's subject and issuer (each the DER content octets of its `Name`), read
/// from PEM text by rustls-webpki: where a binding by subject takes its subject.
pub fn subject_and_issuer(pem: &str) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|_| "not a PEM certificate")?;
    let cert = EndEntityCert::try_from(&der).map_err(|_| "not a well-formed X.509 v3 certificate")?;
    if cert.subject().is_empty() {
        return Err("the certificate's subject is empty");
    }
    Ok((cert.subject().to_vec(), cert.issuer().to_vec()))
}
