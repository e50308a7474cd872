//! A typed async client of the Sekretess HTTPS API. It speaks only HTTPS and trusts only
//! the CA (or certificate) file it is given, or else the system's usual roots are not
//! consulted at all: a Sekretess server is always named explicitly.
#![forbid(unsafe_code)]

mod documents;
mod people;
mod retention;
mod tokens;

pub use documents::Downloaded;
pub use people::Applied;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use sekretess_api as api;
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

pub use sekretess_api::Problem;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server answered with a problem document.
    #[error("{} ({}){}", .0.title, .0.kind(), .0.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Api(Problem),
    /// The server answered something that is not the expected JSON.
    #[error("unexpected answer from the server (HTTP {status})")]
    Unexpected { status: u16 },
    #[error("cannot reach the server: {0}")]
    Transport(String),
    #[error("client configuration: {0}")]
    Config(String),
}

impl ClientError {
    /// The problem kind, if the server named one (e.g. `sealed`, `customer-not-found`).
    pub fn kind(&self) -> Option<&str> {
        match self {
            ClientError::Api(p) => Some(p.kind()),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api(p) => Some(p.status),
            ClientError::Unexpected { status } => Some(*status),
            _ => None,
        }
    }
}

fn transport(e: reqwest::Error) -> ClientError {
    // reqwest's messages carry the URL, which never holds personal data in this API.
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    ClientError::Transport(msg)
}

/// A raw answer (for tests and tools that look at status and headers). `Debug` leaves
/// the body out: it may hold customer data.
pub struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// How to reach a server.
#[derive(Clone)]
pub struct ClientConfig {
    /// e.g. `https://127.0.0.1:8200`
    pub addr: String,
    /// PEM file of the CA (or the self-signed certificate) to trust.
    pub ca_cert: Option<std::path::PathBuf>,
    pub token: Option<Zeroizing<String>>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("addr", &self.addr)
            .field("ca_cert", &self.ca_cert)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Option<HeaderValue>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Reads every certificate of a PEM file as a trust anchor.
fn roots(ca: &Path) -> Result<rustls::RootCertStore, ClientError> {
    let mut store = rustls::RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(ca)
        .map_err(|e| ClientError::Config(format!("cannot read CA file {}: {e}", ca.display())))?;
    for cert in certs {
        let cert = cert.map_err(|e| ClientError::Config(format!("bad PEM in {}: {e}", ca.display())))?;
        store
            .add(cert)
            .map_err(|e| ClientError::Config(format!("unusable certificate in {}: {e}", ca.display())))?;
    }
    if store.is_empty() {
        return Err(ClientError::Config(format!("no certificate in {}", ca.display())));
    }
    Ok(store)
}

impl Client {
    pub fn new(config: &ClientConfig) -> Result<Self, ClientError> {
        Self::with_identity(config, None)
    }

    /// [`Client::new`], presenting a client certificate (PEM chain and PEM private key
    /// files) to servers that ask for one: an API key bound to that certificate works only
    /// so (mTLS).
    pub fn with_identity(
        config: &ClientConfig,
        identity: Option<(&Path, &Path)>,
    ) -> Result<Self, ClientError> {
        let base = config.addr.trim_end_matches('/').to_owned();
        if !base.starts_with("https://") {
            return Err(ClientError::Config("the server address must start with https://".into()));
        }
        let roots = match &config.ca_cert {
            Some(ca) => roots(ca)?,
            None => return Err(ClientError::Config("name the CA file to trust (SEKRETESS_CACERT)".into())),
        };
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| ClientError::Config(e.to_string()))?
            .with_root_certificates(roots);
        let tls = match identity {
            None => tls.with_no_client_auth(),
            Some((cert, key)) => {
                let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
                    .map_err(|e| {
                        ClientError::Config(format!("cannot read client certificate {}: {e}", cert.display()))
                    })?
                    .collect::<Result<_, _>>()
                    .map_err(|e| ClientError::Config(format!("bad PEM in {}: {e}", cert.display())))?;
                if chain.is_empty() {
                    return Err(ClientError::Config(format!("no certificate in {}", cert.display())));
                }
                // The key's error never quotes the file's content.
                let key_der = rustls_pki_types::PrivateKeyDer::from_pem_file(key).map_err(|_| {
                    ClientError::Config(format!("cannot read a PEM private key from {}", key.display()))
                })?;
                tls.with_client_auth_cert(chain, key_der)
                    .map_err(|e| ClientError::Config(format!("client certificate and key do not fit: {e}")))?
            }
        };
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .https_only(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(transport)?;
        let auth = match &config.token {
            Some(t) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", t.as_str())).map_err(|_| {
                    ClientError::Config("the token has characters a header cannot carry".into())
                })?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        Ok(Client { http, base, auth })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether requests carry an API key.
    pub fn has_token(&self) -> bool {
        self.auth.is_some()
    }

    /// Sends a request with an optional raw body and content type; returns whatever came back.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, ClientError> {
        self.raw_with_headers(method, path, content_type, body, &[]).await
    }

    /// [`Client::raw`] with extra headers.
    pub async fn raw_with_headers(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&'static str, String)],
    ) -> Result<RawResponse, ClientError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(*name, value.as_str());
        }
        if let Some(a) = &self.auth {
            req = req.header(AUTHORIZATION, a.clone());
        }
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(transport)?.to_vec();
        Ok(RawResponse { status, headers, body })
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let bytes = self.call_bytes(method, path, body).await?;
        serde_json::from_slice(&bytes).map_err(|_| ClientError::Unexpected { status: 200 })
    }

    async fn call_bytes<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Vec<u8>, ClientError> {
        let json = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| ClientError::Config(e.to_string()))?),
            None => None,
        };
        let ct = json.as_ref().map(|_| "application/json");
        let resp = self.raw(method, path, ct, json).await?;
        body_or_problem(resp)
    }

    // ---- backups ----

    /// Takes a backup (`POST /v1/sys/backup`) and writes the encrypted stream to `out` as
    /// it arrives, calling `progress` with the bytes so far. A stream cut short by the
    /// server (a failed backup) is an error.
    pub async fn backup_to(
        &self,
        out: &mut (dyn std::io::Write + Send),
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64, ClientError> {
        let mut req = self.http.request(Method::POST, format!("{}/v1/sys/backup", self.base));
        if let Some(a) = &self.auth {
            req = req.header(AUTHORIZATION, a.clone());
        }
        let mut resp = req.send().await.map_err(transport)?;
        if !resp.status().is_success() {
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(transport)?.to_vec();
            body_or_problem(RawResponse { status, headers, body })?;
            return Err(ClientError::Unexpected { status });
        }
        let mut total = 0u64;
        while let Some(chunk) = resp.chunk().await.map_err(transport)? {
            out.write_all(&chunk)
                .map_err(|e| ClientError::Config(format!("cannot write the backup: {e}")))?;
            total += chunk.len() as u64;
            progress(total);
        }
        Ok(total)
    }

    /// The erasure journal (`POST /v1/sys/backup/erasures`), as the server wrote it.
    pub async fn erasure_journal(&self) -> Result<Vec<u8>, ClientError> {
        self.call_bytes::<()>(Method::POST, "/v1/sys/backup/erasures", None).await
    }

    // ---- sys ----

    pub async fn health(&self) -> Result<api::Health, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/sys/health", None).await
    }

    pub async fn seal_status(&self) -> Result<api::SealStatus, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/sys/seal-status", None).await
    }

    /// The server processes sharing the control database and their seal state.
    pub async fn processes(&self) -> Result<api::Processes, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/sys/processes", None).await
    }

    pub async fn init(&self, threshold: u8, shares: u8) -> Result<api::InitResponse, ClientError> {
        self.call(
            Method::POST,
            "/v1/sys/init",
            Some(&api::InitRequest { threshold, shares, officer_login: None, officer_name: None }),
        )
        .await
    }

    /// Gives one unseal share.
    pub async fn unseal(&self, share: &str) -> Result<api::SealStatus, ClientError> {
        let req = api::UnsealRequest { share: Some(share.to_owned()), reset: false };
        self.call(Method::POST, "/v1/sys/unseal", Some(&req)).await
    }

    /// Forgets the shares given so far.
    pub async fn unseal_reset(&self) -> Result<api::SealStatus, ClientError> {
        let req = api::UnsealRequest { share: None, reset: true };
        self.call(Method::POST, "/v1/sys/unseal", Some(&req)).await
    }

    pub async fn seal(&self) -> Result<(), ClientError> {
        self.call_bytes::<()>(Method::POST, "/v1/sys/seal", None).await.map(drop)
    }

    // ---- groups, schema ----

    pub async fn create_group(&self, name: &str) -> Result<api::Group, ClientError> {
        self.call(Method::POST, "/v1/groups", Some(&api::CreateGroup { name: name.to_owned() })).await
    }

    pub async fn list_groups(&self) -> Result<Vec<api::Group>, ClientError> {
        Ok(self.call::<(), api::GroupList>(Method::GET, "/v1/groups", None).await?.groups)
    }

    pub async fn set_group_locked(&self, name: &str, locked: bool) -> Result<api::Group, ClientError> {
        let verb = if locked { "lock" } else { "unlock" };
        self.call::<(), _>(Method::POST, &format!("/v1/groups/{}/{verb}", segment(name)), None).await
    }

    /// Makes a new key version for the group (the rewrap runs in the background).
    pub async fn rotate_group_key(&self, name: &str) -> Result<api::Group, ClientError> {
        self.call::<(), _>(Method::POST, &format!("/v1/groups/{}/rotate-key", segment(name)), None).await
    }

    /// Step 1 of a rekey: the new shares, valid only once confirmed.
    pub async fn rekey(&self, req: &api::keys::RekeyRequest) -> Result<api::keys::RekeyStarted, ClientError> {
        self.call(Method::POST, "/v1/sys/rekey", Some(req)).await
    }

    /// Step 2 of a rekey: a threshold of the new shares makes them the vault's.
    pub async fn rekey_confirm(&self, req: &api::keys::RekeyConfirm) -> Result<api::SealStatus, ClientError> {
        self.call(Method::POST, "/v1/sys/rekey/confirm", Some(req)).await
    }

    /// Rotates the audit MAC key; returns the new epoch.
    pub async fn rotate_audit_key(&self) -> Result<api::keys::AuditKeyRotated, ClientError> {
        self.call::<(), _>(Method::POST, "/v1/audit/rotate-key", None).await
    }

    pub async fn schema(&self) -> Result<api::SchemaDoc, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/schema", None).await
    }

    /// A group's schema and its version.
    pub async fn group_schema(&self, group: &str) -> Result<api::offline::GroupSchema, ClientError> {
        self.call::<(), _>(Method::GET, &format!("/v1/groups/{}/schema", segment(group)), None).await
    }

    /// Adds a field to a group's schema.
    pub async fn add_field(
        &self,
        group: &str,
        field: &api::SchemaField,
    ) -> Result<api::offline::GroupSchema, ClientError> {
        self.call(Method::POST, &format!("/v1/groups/{}/schema/fields", segment(group)), Some(field)).await
    }

    /// Changes a field of a group's schema.
    pub async fn change_field(
        &self,
        group: &str,
        field: &str,
        change: &api::offline::FieldChange,
    ) -> Result<api::offline::GroupSchema, ClientError> {
        self.call(
            Method::PATCH,
            &format!("/v1/groups/{}/schema/fields/{}", segment(group), segment(field)),
            Some(change),
        )
        .await
    }

    /// Exports customers' restricted values, sealed to the offline key.
    pub async fn offline_export(
        &self,
        req: &api::offline::OfflineExportRequest,
    ) -> Result<api::offline::OfflineExportBundle, ClientError> {
        self.call(Method::POST, "/v1/offline/export", Some(req)).await
    }

    // ---- customers ----

    pub async fn create_customer(
        &self,
        group: &str,
        fields: std::collections::BTreeMap<String, String>,
    ) -> Result<api::Created, ClientError> {
        self.call(
            Method::POST,
            "/v1/customers",
            Some(&api::CreateCustomer { group: group.to_owned(), fields }),
        )
        .await
    }

    pub async fn create_customers(
        &self,
        req: &api::CreateCustomers,
    ) -> Result<api::BatchResponse, ClientError> {
        self.call(Method::POST, "/v1/customers/batch", Some(req)).await
    }

    pub async fn get_customer(&self, code: &str) -> Result<api::Customer, ClientError> {
        self.get_customer_for(code, None).await
    }

    /// Reads a customer, giving the purpose of the read for the audit log.
    pub async fn get_customer_for(
        &self,
        code: &str,
        purpose: Option<&str>,
    ) -> Result<api::Customer, ClientError> {
        let headers: Vec<(&'static str, String)> =
            purpose.map(|p| vec![(api::PURPOSE_HEADER, p.to_owned())]).unwrap_or_default();
        let resp = self
            .raw_with_headers(Method::GET, &format!("/v1/customers/{}", segment(code)), None, None, &headers)
            .await?;
        decode(resp)
    }

    pub async fn update_customer(&self, code: &str, req: &api::UpdateCustomer) -> Result<(), ClientError> {
        self.call_bytes(Method::PATCH, &format!("/v1/customers/{}", segment(code)), Some(req)).await.map(drop)
    }

    pub async fn erase_customer(&self, code: &str) -> Result<(), ClientError> {
        self.call_bytes::<()>(Method::DELETE, &format!("/v1/customers/{}", segment(code)), None)
            .await
            .map(drop)
    }

    pub async fn find(&self, group: &str, field: &str, value: &str) -> Result<Vec<String>, ClientError> {
        let req =
            api::SearchRequest { group: group.to_owned(), field: field.to_owned(), value: value.to_owned() };
        let resp: api::SearchResponse = self.call(Method::POST, "/v1/customers/search", Some(&req)).await?;
        Ok(resp.matches.into_iter().map(|m| m.code).collect())
    }

    // ---- API keys ----

    pub async fn create_api_key(&self, req: &api::CreateApiKey) -> Result<api::CreatedApiKey, ClientError> {
        self.call(Method::POST, "/v1/apikeys", Some(req)).await
    }

    pub async fn list_api_keys(&self) -> Result<Vec<api::ApiKey>, ClientError> {
        Ok(self.call::<(), api::ApiKeyList>(Method::GET, "/v1/apikeys", None).await?.keys)
    }

    /// Binds an API key to a client certificate, or to a subject and its issuing CA
    /// (`POST /v1/apikeys/{id}/bind`).
    pub async fn bind_api_key(&self, id: &str, req: &api::BindApiKey) -> Result<(), ClientError> {
        self.call_bytes(Method::POST, &format!("/v1/apikeys/{}/bind", segment(id)), Some(req)).await.map(drop)
    }

    pub async fn revoke_api_key(&self, id: &str) -> Result<(), ClientError> {
        self.call_bytes::<()>(Method::DELETE, &format!("/v1/apikeys/{}", segment(id)), None).await.map(drop)
    }

    // ---- audit ----

    /// One page of audit entries matching `q` (codes, names and times only).
    pub async fn audit(&self, q: &api::audit::AuditQuery) -> Result<api::audit::AuditPage, ClientError> {
        let mut params: Vec<(&str, String)> = Vec::new();
        let mut add = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                params.push((k, v));
            }
        };
        add("from_seq", q.from_seq.map(|v| v.to_string()));
        add("limit", q.limit.map(|v| v.to_string()));
        add("actor", q.actor.clone());
        add("customer", q.customer.clone());
        add("action", q.action.clone());
        add("since", q.since.map(|v| v.to_string()));
        add("until", q.until.map(|v| v.to_string()));
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", query_value(v))).collect();
        let path =
            if query.is_empty() { "/v1/audit".to_owned() } else { format!("/v1/audit?{}", query.join("&")) };
        self.call::<(), _>(Method::GET, &path, None).await
    }

    pub async fn audit_verify(&self) -> Result<api::audit::AuditVerification, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/audit/verify", None).await
    }

    /// Verifies the chain and that it still reaches the entry `checkpoint` names.
    pub async fn audit_verify_checkpoint(
        &self,
        checkpoint: &str,
    ) -> Result<api::audit::AuditVerification, ClientError> {
        let req = api::audit::AuditVerifyRequest { checkpoint: checkpoint.trim().to_owned() };
        self.call(Method::POST, "/v1/audit/verify", Some(&req)).await
    }

    /// Exports the audit verification key (security officers; on record).
    pub async fn audit_export_key(&self) -> Result<api::audit::AuditKeyExport, ClientError> {
        self.call::<(), _>(Method::POST, "/v1/audit/key", None).await
    }

    pub async fn audit_checkpoint(&self) -> Result<api::audit::AuditCheckpoint, ClientError> {
        self.call::<(), _>(Method::GET, "/v1/audit/checkpoint", None).await
    }

    // ---- redaction ----

    pub async fn redact(
        &self,
        req: &api::redact::RedactRequest,
    ) -> Result<api::redact::RedactResponse, ClientError> {
        self.call(Method::POST, "/v1/redact", Some(req)).await
    }

    /// Redacts a document (any format the server reads) with `operator=code`: the vault's
    /// known customers (in `group`, or in every group the key may reach) become their codes.
    /// Returns the redacted bytes and the codes identified.
    pub async fn redact_with_codes(
        &self,
        document: Vec<u8>,
        group: Option<&str>,
    ) -> Result<(Vec<u8>, Vec<String>), ClientError> {
        let mut path = "/v1/redact?operator=code".to_owned();
        if let Some(g) = group {
            path.push_str("&group=");
            path.push_str(&query_value(g));
        }
        let resp = self.raw(Method::POST, &path, Some("application/octet-stream"), Some(document)).await?;
        let codes: Vec<String> = resp
            .headers
            .get("sekretess-customer-codes")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        Ok((body_or_problem(resp)?, codes))
    }

    /// Redacts a document with `operator=token`: every finding becomes a token of `group`
    /// (cards and personnummer format-preserving, the rest `dtk_…`). Needs `tokens:create`.
    pub async fn redact_with_tokens(&self, document: Vec<u8>, group: &str) -> Result<Vec<u8>, ClientError> {
        let path = format!("/v1/redact?operator=token&group={}", query_value(group));
        let resp = self.raw(Method::POST, &path, Some("application/octet-stream"), Some(document)).await?;
        body_or_problem(resp)
    }
}

pub(crate) fn body_or_problem(resp: RawResponse) -> Result<Vec<u8>, ClientError> {
    let status = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_success() {
        return Ok(resp.body);
    }
    match serde_json::from_slice::<Problem>(&resp.body) {
        Ok(p) => Err(ClientError::Api(p)),
        Err(_) => Err(ClientError::Unexpected { status: resp.status }),
    }
}

fn decode<T: DeserializeOwned>(resp: RawResponse) -> Result<T, ClientError> {
    let status = resp.status;
    let body = body_or_problem(resp)?;
    serde_json::from_slice(&body).map_err(|_| ClientError::Unexpected { status })
}

/// Keeps a path segment to characters that need no escaping (codes, ids, group names).
/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn segment(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect()
}
