//! Employee sessions in the one authentication middleware.
//!
//! A bearer token shaped `sks_…` is an employee session: [`People::authenticate`] turns it
//! into a [`Principal`], and the request gets the same [`Caller`] API keys produce (scopes
//! from the employee's roles, groups from their grants) plus the `Principal` itself, so
//! routes can apply the field policy and the agreement rule. Roles give these scopes:
//!
//! - `security_officer`: `sys:seal`, `groups:admin`, `groups:read`, `apikeys:admin`,
//!   `audit:read`, `sys:metrics` over every group, and the employee, policy and agreement
//!   routes; no customer data;
//! - `agent`: `groups:read`, `customers:read`, `customers:reveal` (as the field policy
//!   allows), `customers:find`, `documents:read` and `documents:write` (the archive) in
//!   their granted groups;
//! - `auditor`: `audit:read` and `sys:metrics` (and the employee list and agreement status).
//!
//! Every role also gets `redact`.
//!
//! Customer-data scopes additionally need the current agreement signed (else 403
//! `agreement-required`); see [`crate::auth::Authorized`].

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sekretess_core::VaultError;
use sekretess_core::access::{AccessStore, ApiKeyRecord, Caller, GroupAccess, Scope};
use sekretess_core::audit::AuditContext;
use sekretess_core::people::{People, PeopleError, PeopleStore, Principal, RequestKind, RequestRow};
use sekretess_core::policy::{FieldPolicy, Role};
use sekretess_core::store::Store;

use crate::AppState;
use crate::auth::{Peer, audit_context};
use crate::problem::ApiError;

/// How a session token starts.
pub const SESSION_PREFIX: &str = "sks_";
/// The name of the API key init creates; it stops working once a security officer has
/// enrolled (unless the server keeps it, as dev mode does).
pub const BOOTSTRAP_KEY_NAME: &str = "bootstrap";

type Fut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the shared middleware and customer routes need of the employees service, without
/// naming the store type.
pub trait Directory: Send + Sync + 'static {
    fn authenticate<'a>(&'a self, token: &'a str) -> Fut<'a, Result<Principal, PeopleError>>;
    fn field_policy(&self) -> Fut<'_, Result<FieldPolicy, PeopleError>>;
    /// Whether an API key named `key_name` is the bootstrap key and has been retired. Takes
    /// the name from the record the caller already holds: the key is not read again.
    fn key_retired<'a>(&'a self, key_name: &'a str) -> Fut<'a, Result<bool, PeopleError>>;
    /// The first security officer's enrolment (at init): the one-time code.
    fn bootstrap_officer<'a>(
        &'a self,
        ctx: &'a sekretess_core::audit::AuditContext,
        login: &'a str,
        name: &'a str,
    ) -> Fut<'a, Result<zeroize::Zeroizing<String>, PeopleError>>;
    /// Active security officers (dual control needs two).
    fn active_officers(&self) -> Fut<'_, Result<usize, PeopleError>>;
    /// Whether changes under dual control wait for a second officer (once any officer is
    /// active).
    fn dual_control(&self) -> Fut<'_, Result<bool, PeopleError>>;
    /// The client certificate(s) an API key is bound to, if any (cached briefly).
    fn key_binding<'a>(
        &'a self,
        key_id: &'a str,
    ) -> Fut<'a, Result<Option<sekretess_core::people::KeyBinding>, PeopleError>>;
    /// Binds an API key to a client certificate, or to a subject and issuing CA.
    fn bind_key<'a>(
        &'a self,
        key_id: &'a str,
        binding: sekretess_core::people::KeyBinding,
    ) -> Fut<'a, Result<(), PeopleError>>;
    /// Files a pending request for another officer to decide.
    fn request_change<'a>(
        &'a self,
        ctx: &'a AuditContext,
        kind: RequestKind,
        target: String,
        payload: String,
    ) -> Fut<'a, Result<RequestRow, PeopleError>>;
}

/// The employees service as the server holds it.
pub struct PeopleHandle<S: Store + AccessStore + PeopleStore> {
    pub people: Arc<People<S>>,
    retire_bootstrap_key: bool,
    officer_seen: AtomicBool,
    /// API key id -> (bound certificate, when read), so a request reads no table.
    bindings: std::sync::RwLock<Bindings>,
}

/// API key id -> (the certificate it is bound to, when that was read).
type Bindings = std::collections::HashMap<String, (Option<sekretess_core::people::KeyBinding>, i64)>;

/// How long a key's certificate binding is cached (a binding made through another server
/// process takes effect within this many seconds; through this one, at once).
const BINDING_TTL_SECONDS: i64 = 30;

impl<S: Store + AccessStore + PeopleStore> PeopleHandle<S> {
    pub fn new(people: Arc<People<S>>, retire_bootstrap_key: bool) -> Self {
        PeopleHandle {
            people,
            retire_bootstrap_key,
            officer_seen: AtomicBool::new(false),
            bindings: std::sync::RwLock::new(std::collections::HashMap::new()),
        }
    }
}

impl<S: Store + AccessStore + PeopleStore> Directory for PeopleHandle<S> {
    fn authenticate<'a>(&'a self, token: &'a str) -> Fut<'a, Result<Principal, PeopleError>> {
        Box::pin(self.people.authenticate(token))
    }

    fn field_policy(&self) -> Fut<'_, Result<FieldPolicy, PeopleError>> {
        Box::pin(self.people.field_policy())
    }

    fn bootstrap_officer<'a>(
        &'a self,
        ctx: &'a sekretess_core::audit::AuditContext,
        login: &'a str,
        name: &'a str,
    ) -> Fut<'a, Result<zeroize::Zeroizing<String>, PeopleError>> {
        Box::pin(async move {
            let inv = self.people.bootstrap_first_officer(ctx, login, name).await?;
            Ok(zeroize::Zeroizing::new(inv.code.expose().to_owned()))
        })
    }

    fn active_officers(&self) -> Fut<'_, Result<usize, PeopleError>> {
        Box::pin(self.people.active_officers())
    }

    fn dual_control(&self) -> Fut<'_, Result<bool, PeopleError>> {
        Box::pin(self.people.dual_control())
    }

    fn key_binding<'a>(
        &'a self,
        key_id: &'a str,
    ) -> Fut<'a, Result<Option<sekretess_core::people::KeyBinding>, PeopleError>> {
        Box::pin(async move {
            let now = self.people.now();
            let cached = self.bindings.read().ok().and_then(|m| {
                m.get(key_id).filter(|(_, at)| now - at < BINDING_TTL_SECONDS).map(|(b, _)| b.clone())
            });
            if let Some(b) = cached {
                return Ok(b);
            }
            let b = self.people.vault().store().api_key_binding(key_id).await?;
            if let Ok(mut m) = self.bindings.write() {
                if m.len() > 10_000 {
                    m.clear();
                }
                m.insert(key_id.to_owned(), (b.clone(), now));
            }
            Ok(b)
        })
    }

    fn bind_key<'a>(
        &'a self,
        key_id: &'a str,
        binding: sekretess_core::people::KeyBinding,
    ) -> Fut<'a, Result<(), PeopleError>> {
        Box::pin(async move {
            self.people.vault().store().bind_api_key(key_id, &binding).await?;
            if let Ok(mut m) = self.bindings.write() {
                m.remove(key_id);
            }
            Ok(())
        })
    }

    fn request_change<'a>(
        &'a self,
        ctx: &'a AuditContext,
        kind: RequestKind,
        target: String,
        payload: String,
    ) -> Fut<'a, Result<RequestRow, PeopleError>> {
        Box::pin(self.people.request_change(ctx, kind, target, payload))
    }

    fn key_retired<'a>(&'a self, key_name: &'a str) -> Fut<'a, Result<bool, PeopleError>> {
        Box::pin(async move {
            if !self.retire_bootstrap_key || key_name != BOOTSTRAP_KEY_NAME {
                return Ok(false);
            }
            if !self.officer_seen.load(Ordering::Relaxed) {
                if !self.people.has_active_officer().await? {
                    return Ok(false);
                }
                self.officer_seen.store(true, Ordering::Relaxed);
            }
            Ok(true)
        })
    }
}

/// The vault scopes an employee's roles give.
pub fn scopes_of(roles: &[Role]) -> Vec<Scope> {
    let mut out = Vec::new();
    for role in roles {
        match role {
            Role::SecurityOfficer => out.extend([
                Scope::SysSeal,
                Scope::GroupsAdmin,
                Scope::GroupsRead,
                Scope::ApiKeysAdmin,
                Scope::AuditRead,
                Scope::Metrics,
                Scope::SysBackup,
                Scope::SchemaWrite,
                Scope::OfflineExport,
                Scope::CustomersRetention,
            ]),
            Role::Agent => out.extend([
                Scope::GroupsRead,
                Scope::CustomersRead,
                Scope::CustomersReveal,
                Scope::CustomersFind,
                Scope::DocumentsRead,
                Scope::DocumentsWrite,
                Scope::TokensCreate,
                Scope::TokensReveal,
                Scope::CustomersExport,
                // Customer data in their groups (DESIGN.md 5): create, edit and erase too.
                Scope::CustomersWrite,
                Scope::CustomersErase,
            ]),
            Role::Auditor => out.extend([Scope::AuditRead, Scope::Metrics]),
            // Not an employee role (refused at invitation); gives nothing here.
            Role::Service => continue,
        }
        // Redaction reads no customer data: every employee role may use it.
        out.push(Scope::Redact);
    }
    out.sort();
    out.dedup();
    out
}

/// The caller an employee stands for.
pub fn caller_of(p: &Principal) -> Caller {
    let groups = if p.has_role(Role::SecurityOfficer) {
        GroupAccess::All
    } else {
        GroupAccess::Only(p.groups.values().cloned().collect())
    };
    Caller { principal: p.actor(), scopes: scopes_of(&p.roles), groups }
}

/// Whether a scope reaches customer data (and so needs the agreement signed).
pub fn is_customer_data(scope: Scope) -> bool {
    matches!(
        scope,
        Scope::CustomersRead
            | Scope::CustomersReveal
            | Scope::CustomersWrite
            | Scope::CustomersErase
            | Scope::CustomersFind
            | Scope::DocumentsRead
            | Scope::DocumentsWrite
            | Scope::TokensCreate
            | Scope::TokensReveal
            | Scope::OfflineExport
            | Scope::CustomersExport
    )
}

/// Authenticates a session token (called by [`crate::auth::authenticate`]); says whether
/// the token was refused.
pub(crate) async fn session<S: Store + AccessStore>(
    state: &AppState<S>,
    mut req: Request,
    next: Next,
    token: &str,
) -> (Response, bool) {
    match state.people.authenticate(token).await {
        Ok(principal) => {
            let caller = caller_of(&principal);
            tracing::Span::current().record("principal", caller.principal.as_str());
            req.extensions_mut().insert(caller);
            req.extensions_mut().insert(principal);
            (next.run(req).await, false)
        }
        // Refused (401), or the session store failed (5xx): only a refusal is counted.
        Err(e) => {
            let resp = ApiError::People(e).into_response();
            let refused = resp.status() == axum::http::StatusCode::UNAUTHORIZED;
            (resp, refused)
        }
    }
}

/// Refuses the bootstrap key once it is retired. `key` is the record authentication read.
pub(crate) async fn check_api_key<S: Store + AccessStore>(
    state: &AppState<S>,
    key: &ApiKeyRecord,
) -> Result<(), ApiError> {
    if state.people.key_retired(&key.name).await? {
        return Err(ApiError::BootstrapRetired);
    }
    Ok(())
}

/// Which employees a route takes.
pub trait RoleNeed: Send + Sync + 'static {
    fn allows(p: &Principal) -> bool;
    const NEEDS: &'static str;
}

/// Marker types for [`Staff`].
pub mod role {
    use super::*;

    /// Any active employee.
    pub struct Any;
    impl RoleNeed for Any {
        fn allows(_: &Principal) -> bool {
            true
        }
        const NEEDS: &'static str = "employee";
    }

    pub struct Officer;
    impl RoleNeed for Officer {
        fn allows(p: &Principal) -> bool {
            p.has_role(Role::SecurityOfficer)
        }
        const NEEDS: &'static str = "security_officer";
    }

    pub struct OfficerOrAuditor;
    impl RoleNeed for OfficerOrAuditor {
        fn allows(p: &Principal) -> bool {
            p.has_role(Role::SecurityOfficer) || p.has_role(Role::Auditor)
        }
        const NEEDS: &'static str = "security_officer or auditor";
    }
}

/// An employee with a session holding a role `R` needs. API keys are refused (403
/// `employees-only`).
pub struct Staff<R: RoleNeed> {
    pub principal: Principal,
    origin: Option<String>,
    _role: PhantomData<R>,
}

impl<R: RoleNeed> Staff<R> {
    pub fn ctx(&self) -> AuditContext {
        let mut ctx = audit_context(&self.principal.actor());
        ctx.origin.clone_from(&self.origin);
        ctx
    }
}

impl<S: Send + Sync, R: RoleNeed> FromRequestParts<S> for Staff<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(principal) = parts.extensions.get::<Principal>().cloned() else {
            if parts.extensions.get::<Caller>().is_some() {
                return Err(ApiError::EmployeesOnly);
            }
            return Err(VaultError::Unauthenticated.into());
        };
        if !R::allows(&principal) {
            return Err(ApiError::RoleRequired(R::NEEDS));
        }
        let origin = parts.extensions.get::<Peer>().map(|p| p.0.ip().to_string());
        Ok(Staff { principal, origin, _role: PhantomData })
    }
}

/// The origin of the request (for logins and enrolments, which have no caller yet).
pub struct Origin(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Origin(parts.extensions.get::<Peer>().map(|p| p.0.ip().to_string())))
    }
}
