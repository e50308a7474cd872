//! TLS: a rustls configuration with TLS 1.3 and TLS 1.2 ECDHE + AEAD suites only, and
//! the dev-mode certificate (a private CA and a loopback server certificate).

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::crypto::aws_lc_rs;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::ServerError;

/// The cipher suites we accept: every TLS 1.3 suite (all AEAD) and the TLS 1.2 suites with
/// ECDHE key exchange and an AEAD (AES-GCM, ChaCha20-Poly1305). rustls has no CBC, RC4 or
/// static-RSA suites at all; the filter keeps it so if that ever changes.
pub fn provider() -> CryptoProvider {
    let mut provider = aws_lc_rs::default_provider();
    provider.cipher_suites.retain(|s| {
        let name = format!("{:?}", s.suite());
        name.starts_with("TLS13_")
            || (name.starts_with("TLS_ECDHE_")
                && (name.contains("_GCM_") || name.contains("CHACHA20_POLY1305")))
    });
    provider
}

/// Reads a PEM certificate chain and private key and builds the server's TLS config.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, ServerError> {
    server_config_with_clients(cert, key, None)
}

/// [`server_config`], and with `client_ca` (PEM, one or more CA certificates) asks clients
/// for a certificate issued by it (mTLS for service accounts). Presenting one is optional,
/// so employees and unbound keys connect without; a certificate that is presented must
/// verify (rustls's WebPKI client verifier), else the handshake fails.
pub fn server_config_with_clients(
    cert: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<Arc<rustls::ServerConfig>, ServerError> {
    let tls = |what: &str, p: &Path, e: &dyn std::fmt::Display| {
        ServerError::Tls(format!("{what} {}: {e}", p.display()))
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| tls("cannot read certificate", cert, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| tls("bad certificate PEM in", cert, &e))?;
    if chain.is_empty() {
        return Err(ServerError::Tls(format!("no certificate in {}", cert.display())));
    }
    check_key_mode(key)?;
    // The key's error never quotes the file's content.
    let key_der = PrivateKeyDer::from_pem_file(key)
        .map_err(|_| ServerError::Tls(format!("cannot read a PEM private key from {}", key.display())))?;
    let builder = rustls::ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| ServerError::Tls(e.to_string()))?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_file_iter(ca).map_err(|e| tls("cannot read client CA", ca, &e))? {
                let c = c.map_err(|e| tls("bad certificate PEM in", ca, &e))?;
                roots.add(c).map_err(|e| tls("unusable client CA certificate in", ca, &e))?;
            }
            if roots.is_empty() {
                return Err(ServerError::Tls(format!("no certificate in {}", ca.display())));
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                Arc::new(provider()),
            )
            .allow_unauthenticated()
            .build()
            .map_err(|e| ServerError::Tls(format!("client CA: {e}")))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(chain, key_der)
        .map_err(|e| ServerError::Tls(format!("certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Refuses a private key file that others may read; warns when its group may.
pub fn check_key_mode(key: &Path) -> Result<(), ServerError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(key)
        .map_err(|e| ServerError::Io(format!("cannot read {}", key.display()), e))?
        .permissions()
        .mode();
    if mode & 0o007 != 0 {
        return Err(ServerError::Tls(format!(
            "the private key {} is readable by others (mode {:03o}); run chmod 600 on it",
            key.display(),
            mode & 0o777
        )));
    }
    if mode & 0o070 != 0 {
        tracing::warn!(file = %key.display(), mode = format!("{:03o}", mode & 0o777), "the TLS private key is readable by its group; chmod 600 it");
    }
    Ok(())
}

/// Warns about every file or folder under `dir` (the data folder) that its group or
/// others may read or write: the stores are encrypted, but their files are still private.
pub fn warn_loose_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(file = %path.display(), mode = format!("{mode:03o}"), "readable or writable by group or others; chmod go-rwx it");
        }
        if meta.is_dir()
            && let Ok(entries) = std::fs::read_dir(&path)
        {
            stack.extend(entries.flatten().map(|e| e.path()));
        }
    }
}

/// Where dev mode keeps its certificate files.
#[derive(Debug, Clone)]
pub struct DevCertificate {
    /// The private CA's certificate: what clients trust.
    pub ca_cert: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl DevCertificate {
    pub fn in_dir(dir: &Path) -> Self {
        DevCertificate {
            ca_cert: dir.join("ca.pem"),
            cert: dir.join("server.pem"),
            key: dir.join("server-key.pem"),
        }
    }

    pub fn exists(&self) -> bool {
        self.ca_cert.exists() && self.cert.exists() && self.key.exists()
    }
}

fn write_private(path: &Path, data: &[u8]) -> Result<(), ServerError> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| ServerError::Io(format!("cannot write {}", path.display()), e))?;
    f.write_all(data).map_err(|e| ServerError::Io(format!("cannot write {}", path.display()), e))
}

/// Makes a private CA (its key is not kept) and a server certificate for `localhost`,
/// `127.0.0.1` and `::1`, valid from yesterday for a year (by `now`, Unix seconds), in `dir`.
pub fn generate_dev_certificate(dir: &Path, now: i64) -> Result<DevCertificate, ServerError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, date_time_ymd,
    };
    let (y, m, d) = sekretess_core::clock::civil_date(now - 86_400);
    let (m, d) = (m as u8, d.min(28) as u8);
    let (not_before, not_after) = (date_time_ymd(y, m, d), date_time_ymd(y + 1, m, d));
    let err = |e: rcgen::Error| ServerError::Tls(format!("cannot make the dev certificate: {e}"));
    std::fs::create_dir_all(dir)
        .map_err(|e| ServerError::Io(format!("cannot create {}", dir.display()), e))?;

    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.distinguished_name.push(DnType::CommonName, "Sekretess dev CA (not for production)");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    (ca.not_before, ca.not_after) = (not_before, not_after);
    let ca_key = KeyPair::generate().map_err(err)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);

    let mut leaf =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()])
            .map_err(err)?;
    leaf.distinguished_name.push(DnType::CommonName, "localhost");
    leaf.use_authority_key_identifier_extension = true;
    (leaf.not_before, leaf.not_after) = (not_before, not_after);
    let leaf_key = KeyPair::generate().map_err(err)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(err)?;

    let out = DevCertificate::in_dir(dir);
    write_private(&out.ca_cert, ca_cert.pem().as_bytes())?;
    write_private(&out.cert, leaf_cert.pem().as_bytes())?;
    write_private(&out.key, leaf_key.serialize_pem().as_bytes())?;
    Ok(out)
}
