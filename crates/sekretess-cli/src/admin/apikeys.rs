//! `apikey`: create, list, bind (mTLS) and revoke service-account API keys.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use sekretess_api as api;
use sekretess_client::Client;

use super::{Out, table};

#[derive(Debug, Subcommand)]
pub enum ApiKeyCmd {
    /// Create a service-account API key; its token is shown once.
    Create {
        #[arg(long)]
        name: String,
        /// Scope (repeat): customers:read (the masked view the field policy's `service` row
        /// gives), customers:reveal (plain values for a purpose, where the policy allows),
        /// customers:write, customers:erase, customers:find,
        /// groups:read, groups:admin, apikeys:admin, audit:read, redact, sys:seal,
        /// sys:metrics (read /v1/sys/metrics), or security-officer for all.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Group (repeat), or * for every group.
        #[arg(long = "group", required = true)]
        groups: Vec<String>,
    },
    /// List API keys (never their tokens).
    List,
    /// Revoke an API key at once.
    Revoke { id: String },
    /// Bind an API key to client certificates (mTLS): from then on the key is refused
    /// (401, like any failed authentication) on a connection without a matching
    /// certificate, given with the global --client-cert/--client-key. Either pin one
    /// certificate (--cert or --cert-sha256; a renewed certificate needs a new binding),
    /// or bind a subject and its issuing CA (--subject-of with --ca or --ca-sha256): any
    /// certificate with exactly that subject signed directly by that CA is accepted, so
    /// renewals keep working, while the same subject from another CA, or another subject,
    /// is refused. A new binding replaces the old one.
    Bind {
        /// The API key's id (`sekretess apikey list`).
        id: String,
        /// Pin this certificate (PEM file; its SHA-256 of the DER is sent).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["cert_sha256", "subject_of"], value_hint = clap::ValueHint::FilePath)]
        cert: Option<PathBuf>,
        /// Pin the certificate with this SHA-256 of its DER (64 hex digits, e.g. from
        /// `openssl x509 -in c.pem -outform DER | sha256sum`).
        #[arg(long, value_name = "HEX", conflicts_with = "subject_of")]
        cert_sha256: Option<String>,
        /// Bind to the subject of this certificate (PEM file; only its subject is used):
        /// the DER encoding of the subject Name, compared byte for byte, no
        /// normalisation. Needs --ca or --ca-sha256.
        #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
        subject_of: Option<PathBuf>,
        /// With --subject-of: the CA certificate (PEM file, one certificate) that signs the
        /// key's certificates; it must be one of the server's `tls_client_ca`
        /// certificates.
        #[arg(long, value_name = "FILE", requires = "subject_of", conflicts_with = "ca_sha256", value_hint = clap::ValueHint::FilePath)]
        ca: Option<PathBuf>,
        /// With --subject-of: the SHA-256 of that CA certificate's DER, instead of --ca.
        #[arg(long, value_name = "HEX", requires = "subject_of")]
        ca_sha256: Option<String>,
    },
}

/// The one certificate of a PEM file, as DER.
fn one_certificate(path: &Path) -> Result<Vec<u8>> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let certs = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("bad certificate PEM in {}", path.display()))?;
    match certs.as_slice() {
        [one] => Ok(one.to_vec()),
        [] => bail!("no certificate in {}", path.display()),
        _ => bail!("{} holds {} certificates; give a file with exactly one", path.display(), certs.len()),
    }
}

fn sha256_hex(der: &[u8]) -> String {
    sekretess_crypto::digest::sha256(der).iter().map(|b| format!("{b:02x}")).collect()
}

/// The bind request the flags describe (clap has already refused conflicting ones).
fn bind_request(
    cert: Option<PathBuf>,
    cert_sha256: Option<String>,
    subject_of: Option<PathBuf>,
    ca: Option<PathBuf>,
    ca_sha256: Option<String>,
) -> Result<api::BindApiKey> {
    if let Some(subject_of) = subject_of {
        let pem = std::fs::read_to_string(&subject_of)
            .with_context(|| format!("cannot read {}", subject_of.display()))?;
        one_certificate(&subject_of)?;
        let ca_sha256 = match (ca, ca_sha256) {
            (Some(ca), None) => sha256_hex(&one_certificate(&ca)?),
            (None, Some(hex)) => hex,
            _ => bail!("--subject-of needs --ca FILE or --ca-sha256 HEX"),
        };
        return Ok(api::BindApiKey {
            client_cert_subject_of: Some(pem),
            client_ca_sha256: Some(ca_sha256),
            ..Default::default()
        });
    }
    let fingerprint = match (cert, cert_sha256) {
        (Some(cert), None) => sha256_hex(&one_certificate(&cert)?),
        (None, Some(hex)) => hex,
        _ => bail!("give --cert FILE, --cert-sha256 HEX, or --subject-of FILE with --ca FILE"),
    };
    Ok(api::BindApiKey { client_cert_sha256: Some(fingerprint), ..Default::default() })
}

pub async fn apikey(c: &Client, cmd: ApiKeyCmd, out: &Out) -> Result<()> {
    let rows = |keys: &[api::ApiKey]| -> Vec<Vec<String>> {
        keys.iter()
            .map(|k| {
                vec![
                    k.id.clone(),
                    k.name.clone(),
                    k.scopes.join(","),
                    k.groups.join(","),
                    if k.revoked_at.is_some() { "revoked".into() } else { "active".into() },
                ]
            })
            .collect()
    };
    match cmd {
        ApiKeyCmd::Create { name, scopes, groups } => {
            let made = match c.create_api_key_applied(&api::CreateApiKey { name, scopes, groups }).await? {
                sekretess_client::Applied::Done(made) => made,
                sekretess_client::Applied::Pending(r) => {
                    if out.json {
                        return out.json(&r);
                    }
                    say!("{}", crate::approvals::pending_line(&r));
                    return Ok(());
                }
            };
            if out.json {
                return out.json(&made);
            }
            table(&["id", "name", "scopes", "groups", "state"], &rows(std::slice::from_ref(&made.key)));
            say!("\nToken (shown once; store it as SEKRETESS_TOKEN in a secret store):\n  {}", made.token);
            Ok(())
        }
        ApiKeyCmd::List => {
            let keys = c.list_api_keys().await?;
            if out.json {
                return out.json(&keys);
            }
            table(&["id", "name", "scopes", "groups", "state"], &rows(&keys));
            Ok(())
        }
        ApiKeyCmd::Bind { id, cert, cert_sha256, subject_of, ca, ca_sha256 } => {
            let req = bind_request(cert, cert_sha256, subject_of, ca, ca_sha256)?;
            let kind = if req.client_cert_subject_of.is_some() { "subject and CA" } else { "certificate" };
            c.bind_api_key(&id, &req).await?;
            if out.json {
                return out.json(&serde_json::json!({"id": id, "bound": kind}));
            }
            say!("bound {id} to a client certificate ({kind})");
            Ok(())
        }
        ApiKeyCmd::Revoke { id } => {
            c.revoke_api_key(&id).await?;
            if out.json {
                out.json(&serde_json::json!({"id": id, "revoked": true}))
            } else {
                {
                    say!("revoked {id}");
                    Ok(())
                }
            }
        }
    }
}
