//! Authentication and authorization.
//!
//! One middleware authenticates every protected route (deny by default: a route on the
//! protected router cannot be reached without a valid credential) and puts a [`Caller`]
//! in the request. Each handler then takes [`Authorized<R>`], which names the one scope
//! `R` the route needs; the OpenAPI document lists it too. Employees with sessions
//! (`sks_…` tokens) produce the same `Caller` in the same middleware
//! ([`crate::auth::session`]).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sekretess_core::VaultError;
use sekretess_core::access::{self, AccessStore, ApiKeyRecord, Caller, Scope};
use sekretess_core::audit::AuditContext;
use sekretess_core::people::KeyBinding;
use sekretess_core::store::Store;

use crate::AppState;
use crate::problem::ApiError;

pub mod session;

/// Reads `Authorization: Bearer <token>` and authenticates it. A refusal (401) is
/// counted for the audit log, per source ([`crate::audit_trail::AuthFailures`]).
pub async fn authenticate<S: Store + AccessStore>(
    State(state): State<AppState<S>>,
    req: Request,
    next: Next,
) -> Response {
    let peer = req.extensions().get::<Peer>().map(|p| p.0.ip());
    let now_ms = state.clock.now().saturating_mul(1000);
    // A source that has used up its failures is not heard before its bucket refills.
    if let Err(wait) = state.rate_limits.check_source(peer, now_ms) {
        return ApiError::RateLimited(wait).into_response();
    }
    let (resp, refused) = authenticated(&state, req, next).await;
    if refused {
        state.rate_limits.note_failure(peer, now_ms);
    }
    crate::audit_trail::note_authentication(&state, peer, refused).await;
    resp
}

/// The response, and whether authentication refused the request.
async fn authenticated<S: Store + AccessStore>(
    state: &AppState<S>,
    mut req: Request,
    next: Next,
) -> (Response, bool) {
    // Only a refusal (401) is counted, not a store that failed.
    let refused = |e: ApiError| {
        let resp = e.into_response();
        let refused = resp.status() == axum::http::StatusCode::UNAUTHORIZED;
        (resp, refused)
    };
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let Some(token) = token else {
        return refused(ApiError::Vault(VaultError::Unauthenticated));
    };
    if token.starts_with(crate::auth::session::SESSION_PREFIX) {
        let token = zeroize::Zeroizing::new(token.to_owned());
        return crate::auth::session::session(state, req, next, &token).await;
    }
    match state.keys.authenticate(state.vault.store(), state.clock.now(), token).await {
        Ok((caller, key)) => {
            if let Err(e) = crate::auth::session::check_api_key(state, &key).await {
                return refused(e);
            }
            // A key bound to a client certificate works only on a connection that
            // presented it: otherwise the same 401 as any authentication failure.
            let presented = req.extensions().get::<ClientCert>().and_then(|c| c.0.clone());
            match state.people.key_binding(&key.id).await {
                Ok(None) => {}
                Ok(Some(bound)) if binding_met(state, &bound, presented.as_deref()) => {}
                Ok(Some(_)) => return refused(ApiError::Vault(VaultError::Unauthenticated)),
                Err(e) => return refused(ApiError::People(e)),
            }
            tracing::Span::current().record("principal", caller.principal.as_str());
            req.extensions_mut().insert(caller);
            (next.run(req).await, false)
        }
        Err(e) => refused(ApiError::Vault(e)),
    }
}

/// Recently used API key records, so a request does not need a database read to
/// authenticate. The secret is still verified on every request. A revoke through this
/// server takes effect at once; one made by another server process within `ttl` seconds.
pub struct KeyCache {
    ttl: i64,
    entries: RwLock<HashMap<String, (ApiKeyRecord, i64)>>,
}

impl KeyCache {
    pub fn new(ttl_seconds: i64) -> Self {
        KeyCache { ttl: ttl_seconds, entries: RwLock::new(HashMap::new()) }
    }

    /// The caller `token` stands for, and its key record: read from the store at most once
    /// (not at all while cached), so the rest of the request reuses it.
    pub async fn authenticate<A: AccessStore>(
        &self,
        store: &A,
        now: i64,
        token: &str,
    ) -> Result<(Caller, ApiKeyRecord), VaultError> {
        let id = access::token_id(token).ok_or(VaultError::Unauthenticated)?;
        let cached = self
            .entries
            .read()
            .ok()
            .and_then(|m| m.get(id).filter(|(_, at)| now - at < self.ttl).map(|(r, _)| r.clone()));
        let record = match cached {
            Some(r) => r,
            None => {
                let r = store.get_api_key(id).await?.ok_or(VaultError::Unauthenticated)?;
                if let Ok(mut m) = self.entries.write() {
                    if m.len() > 10_000 {
                        m.clear();
                    }
                    m.insert(r.id.clone(), (r.clone(), now));
                }
                r
            }
        };
        let caller = access::verify(&record, token)?;
        Ok((caller, record))
    }

    /// Forgets a key (after a revoke).
    pub fn forget(&self, id: &str) {
        if let Ok(mut m) = self.entries.write() {
            m.remove(id);
        }
    }
}

/// A scope a route needs, as a type.
pub trait RequiredScope: Send + Sync + 'static {
    const SCOPE: Scope;
}

macro_rules! scopes {
    ($($name:ident),* $(,)?) => {
        /// Marker types naming the scope each route needs.
        pub mod need {
            use super::*;
            $(
                pub struct $name;
                impl RequiredScope for $name {
                    const SCOPE: Scope = Scope::$name;
                }
            )*
        }
    };
}

scopes!(
    SysSeal,
    GroupsAdmin,
    GroupsRead,
    CustomersRead,
    CustomersReveal,
    CustomersWrite,
    CustomersErase,
    CustomersFind,
    ApiKeysAdmin,
    AuditRead,
    Redact,
    Metrics,
    DocumentsWrite,
    DocumentsRead,
    SysBackup,
    TokensCreate,
    TokensReveal,
    SchemaWrite,
    OfflineExport,
    CustomersExport,
    CustomersRetention
);

/// The address of the connection's peer.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub std::net::SocketAddr);

/// The client certificate the connection presented (verified against the configured
/// client CA by the handshake), if any.
#[derive(Debug, Clone)]
pub struct ClientCert(pub Option<Arc<crate::mtls::PeerCertificate>>);

/// Whether the connection's certificate meets an API key's binding: the very certificate
/// (SHA-256 of its DER), or one with the bound subject whose verified chain has the bound
/// CA directly above it (see [`crate::mtls`]). No certificate, or no client CA configured
/// for a binding by subject, never meets one.
fn binding_met<S: Store + AccessStore>(
    state: &AppState<S>,
    bound: &KeyBinding,
    presented: Option<&crate::mtls::PeerCertificate>,
) -> bool {
    let Some(presented) = presented else { return false };
    match bound {
        // A certificate's hash is public: no need for a constant-time comparison.
        KeyBinding::Certificate(sha256) => presented.sha256 == *sha256,
        KeyBinding::SubjectAndCa { subject, ca_sha256 } => state
            .client_cas
            .get()
            .is_some_and(|cas| cas.issued(&presented.chain, subject, ca_sha256, state.clock.now())),
    }
}

/// An authenticated caller holding scope `R`.
pub struct Authorized<R: RequiredScope> {
    pub caller: Caller,
    /// The employee, when the caller is one (a session rather than an API key).
    pub employee: Option<sekretess_core::people::Principal>,
    origin: Option<String>,
    _scope: PhantomData<R>,
}

impl<R: RequiredScope> Authorized<R> {
    /// Who to write in the audit log for this request.
    pub fn ctx(&self) -> AuditContext {
        let mut ctx = audit_context(&self.caller.principal);
        ctx.origin.clone_from(&self.origin);
        ctx
    }
}

/// An audit context for `actor` in the current request.
pub fn audit_context(actor: &str) -> AuditContext {
    AuditContext {
        actor: actor.to_owned(),
        request_id: crate::problem::REQUEST_ID.try_with(Clone::clone).ok(),
        origin: None,
    }
}

impl<S: Send + Sync, R: RequiredScope> FromRequestParts<S> for Authorized<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned().ok_or(VaultError::Unauthenticated)?;
        caller.require(R::SCOPE)?;
        let employee = parts.extensions.get::<sekretess_core::people::Principal>().cloned();
        if employee.as_ref().is_some_and(|p| !p.agreement_signed)
            && crate::auth::session::is_customer_data(R::SCOPE)
        {
            return Err(ApiError::AgreementRequired);
        }
        let origin = parts.extensions.get::<Peer>().map(|p| p.0.ip().to_string());
        Ok(Authorized { caller, employee, origin, _scope: PhantomData })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use sekretess_core::ManualClock;
    use sekretess_core::error::StoreError;

    use super::*;

    /// API keys in memory, counting `get_api_key` calls.
    #[derive(Default)]
    struct CountingKeys {
        keys: Mutex<HashMap<String, ApiKeyRecord>>,
        reads: AtomicUsize,
    }

    impl AccessStore for CountingKeys {
        async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
            self.keys.lock().unwrap().insert(key.id.clone(), key.clone());
            Ok(())
        }
        async fn get_api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(self.keys.lock().unwrap().get(id).cloned())
        }
        async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
            Ok(self.keys.lock().unwrap().values().cloned().collect())
        }
        async fn revoke_api_key(&self, _id: &str, _at: i64) -> Result<bool, StoreError> {
            Ok(false)
        }
    }

    #[tokio::test]
    async fn api_key_request_reads_its_key_at_most_once() {
        let store = CountingKeys::default();
        let clock = ManualClock::new(1_000);
        let (record, token) = access::create_api_key(
            &store,
            &clock,
            "bootstrap",
            &["customers:read".to_owned()],
            &["*".to_owned()],
        )
        .await
        .unwrap();
        let cache = KeyCache::new(5);
        // First request: one read; the record comes back for the bootstrap-key check.
        let (caller, key) = cache.authenticate(&store, 1_000, token.expose()).await.unwrap();
        assert_eq!(store.reads.load(Ordering::SeqCst), 1);
        assert_eq!(key.name, "bootstrap");
        assert_eq!(key.id, record.id);
        assert_eq!(caller.principal, format!("apikey:{}", record.id));
        // A cache hit reads nothing.
        let (_, key) = cache.authenticate(&store, 1_004, token.expose()).await.unwrap();
        assert_eq!(store.reads.load(Ordering::SeqCst), 1);
        assert_eq!(key.name, "bootstrap");
        // After the cache time, one read again.
        cache.authenticate(&store, 1_005, token.expose()).await.unwrap();
        assert_eq!(store.reads.load(Ordering::SeqCst), 2);
    }
}
