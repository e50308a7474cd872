//! A store whose audit log writes nothing: only to measure what auditing costs, side by
//! side in one run. Never used by the product.

use sekretess_core::access::{AccessStore, ApiKeyRecord};
use sekretess_core::audit::{AuditStore, Entry};
use sekretess_core::error::StoreError;
use sekretess_core::people::{
    AgreementRow, EmployeeRow, EmployeeState, FailureCount, NewEmployee, NewRequest, PeopleStore, RequestRow,
    RequestState, RequestStore, SessionRow, SignatureRow,
};
use sekretess_core::policy::{Decision, Role};
use sekretess_core::schema::Sensitivity;
use sekretess_core::store::{GroupRow, GroupState, SealedGroupKey, SealedVaultKey, Store, VaultMeta};
use sekretess_store::{SqliteGroup, SqliteStore};

#[derive(Clone)]
pub struct Unaudited(pub SqliteStore);

impl AuditStore for Unaudited {
    async fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        Ok(None)
    }
    async fn audit_append(&self, _prev_seq: u64, _entries: &[Entry]) -> Result<(), StoreError> {
        Ok(())
    }
    async fn audit_read(&self, _from: u64, _limit: usize) -> Result<Vec<Entry>, StoreError> {
        Ok(Vec::new())
    }
}

impl Store for Unaudited {
    type Group = SqliteGroup;

    async fn load_meta(&self) -> Result<Option<VaultMeta>, StoreError> {
        self.0.load_meta().await
    }
    async fn init_meta(&self, meta: &VaultMeta) -> Result<(), StoreError> {
        self.0.init_meta(meta).await
    }
    async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError> {
        self.0.list_groups().await
    }
    async fn create_group(
        &self,
        id: u32,
        name: &str,
        created_at: i64,
        keys: &[SealedGroupKey],
    ) -> Result<GroupRow, StoreError> {
        self.0.create_group(id, name, created_at, keys).await
    }
    async fn set_group_state(&self, id: u32, state: GroupState) -> Result<(), StoreError> {
        self.0.set_group_state(id, state).await
    }

    async fn group_schema(&self, group: u32) -> Result<Option<(u32, String)>, StoreError> {
        self.0.group_schema(group).await
    }

    async fn put_group_schema(
        &self,
        group: u32,
        version: u32,
        fields: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        self.0.put_group_schema(group, version, fields, at).await
    }
    async fn group_keys(&self, id: u32) -> Result<Vec<SealedGroupKey>, StoreError> {
        self.0.group_keys(id).await
    }
    async fn open_group(&self, group: &GroupRow) -> Result<SqliteGroup, StoreError> {
        self.0.open_group(group).await
    }
    async fn add_group_kek(&self, group: u32, key: &SealedGroupKey) -> Result<(), StoreError> {
        self.0.add_group_kek(group, key).await
    }
    async fn retire_group_kek(&self, group: u32, version: u32) -> Result<(), StoreError> {
        self.0.retire_group_kek(group, version).await
    }
    async fn reserve_kek_uses(
        &self,
        group: u32,
        version: u32,
        n: u64,
        limit: u64,
    ) -> Result<bool, StoreError> {
        self.0.reserve_kek_uses(group, version, n, limit).await
    }
    async fn vault_keys(&self) -> Result<Vec<SealedVaultKey>, StoreError> {
        self.0.vault_keys().await
    }
    async fn add_vault_keys(&self, keys: &[SealedVaultKey]) -> Result<(), StoreError> {
        self.0.add_vault_keys(keys).await
    }
    async fn rekey(
        &self,
        old_key_id: &[u8; 5],
        meta: &VaultMeta,
        group_keys: &[(u32, SealedGroupKey)],
        vault_keys: &[SealedVaultKey],
    ) -> Result<(), StoreError> {
        self.0.rekey(old_key_id, meta, group_keys, vault_keys).await
    }
    async fn directory_insert(&self, codes: &[String], group: u32) -> Result<(), StoreError> {
        self.0.directory_insert(codes, group).await
    }
    async fn directory_remove(&self, codes: &[String]) -> Result<(), StoreError> {
        self.0.directory_remove(codes).await
    }
    async fn directory_lookup(&self, code: &str) -> Result<Option<u32>, StoreError> {
        self.0.directory_lookup(code).await
    }
    async fn directory_versions(&self, codes: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        self.0.directory_versions(codes).await
    }
    async fn directory_set_version(&self, code: &str, version: u64) -> Result<(), StoreError> {
        self.0.directory_set_version(code, version).await
    }
    async fn record_erasure(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        self.0.record_erasure(code, group, at).await
    }
    async fn is_erased(&self, code: &str) -> Result<bool, StoreError> {
        self.0.is_erased(code).await
    }
    async fn record_erasures(&self, codes: &[String], group: u32, at: i64) -> Result<(), StoreError> {
        self.0.record_erasures(codes, group, at).await
    }
    async fn set_legal_hold(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        self.0.set_legal_hold(code, group, at).await
    }
    async fn clear_legal_hold(&self, code: &str) -> Result<bool, StoreError> {
        self.0.clear_legal_hold(code).await
    }
    async fn legal_hold(&self, code: &str) -> Result<Option<i64>, StoreError> {
        self.0.legal_hold(code).await
    }
    async fn legal_holds(&self, group: u32) -> Result<Vec<String>, StoreError> {
        self.0.legal_holds(group).await
    }
}

impl AccessStore for Unaudited {
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        self.0.insert_api_key(key).await
    }
    async fn get_api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.0.get_api_key(id).await
    }
    async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.0.list_api_keys().await
    }
    async fn revoke_api_key(&self, id: &str, at: i64) -> Result<bool, StoreError> {
        self.0.revoke_api_key(id, at).await
    }
}

// Employees as the SQLite store keeps them (the server always serves them).
impl PeopleStore for Unaudited {
    fn insert_employee(
        &self,
        employee: &NewEmployee,
        only_if_none: bool,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        self.0.insert_employee(employee, only_if_none)
    }

    fn get_employee(&self, id: u64) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send {
        self.0.get_employee(id)
    }

    fn employee_by_login(
        &self,
        login: &str,
    ) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send {
        self.0.employee_by_login(login)
    }

    fn employee_by_enrolment(
        &self,
        code_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send {
        self.0.employee_by_enrolment(code_hash)
    }

    fn list_employees(&self) -> impl Future<Output = Result<Vec<EmployeeRow>, StoreError>> + Send {
        self.0.list_employees()
    }

    fn complete_enrolment(
        &self,
        id: u64,
        code_hash: &[u8; 32],
        password_hash: &str,
        totp_sealed: &[u8],
        state: EmployeeState,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.complete_enrolment(id, code_hash, password_hash, totp_sealed, state, at)
    }

    fn set_enrolment(
        &self,
        id: u64,
        code_hash: &[u8; 32],
        expires: i64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.set_enrolment(id, code_hash, expires, at)
    }

    fn set_employee_state(
        &self,
        id: u64,
        from: EmployeeState,
        to: EmployeeState,
        approved_by: Option<u64>,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.set_employee_state(id, from, to, approved_by, at)
    }

    fn set_password_hash(
        &self,
        id: u64,
        password_hash: &str,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.set_password_hash(id, password_hash, at)
    }

    fn record_login_failure(
        &self,
        id: u64,
        now: i64,
        max_failures: u32,
        lock_seconds: i64,
    ) -> impl Future<Output = Result<FailureCount, StoreError>> + Send {
        self.0.record_login_failure(id, now, max_failures, lock_seconds)
    }

    fn record_login_success(
        &self,
        id: u64,
        totp_step: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.record_login_success(id, totp_step)
    }

    fn clear_credentials(&self, id: u64, at: i64) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.clear_credentials(id, at)
    }

    fn insert_session(&self, session: &SessionRow) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.insert_session(session)
    }

    fn get_session(
        &self,
        token_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<SessionRow>, StoreError>> + Send {
        self.0.get_session(token_hash)
    }

    fn touch_session(
        &self,
        token_hash: &[u8; 32],
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.touch_session(token_hash, at)
    }

    fn delete_session(&self, token_hash: &[u8; 32]) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.delete_session(token_hash)
    }

    fn delete_sessions_of(&self, employee_id: u64) -> impl Future<Output = Result<u64, StoreError>> + Send {
        self.0.delete_sessions_of(employee_id)
    }

    fn grant_group(
        &self,
        employee_id: u64,
        group_id: u32,
        by: u64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.grant_group(employee_id, group_id, by, at)
    }

    fn revoke_group(
        &self,
        employee_id: u64,
        group_id: u32,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.revoke_group(employee_id, group_id)
    }

    fn groups_of(&self, employee_id: u64) -> impl Future<Output = Result<Vec<u32>, StoreError>> + Send {
        self.0.groups_of(employee_id)
    }

    fn policy_rules(
        &self,
    ) -> impl Future<Output = Result<Vec<(Role, Sensitivity, Decision)>, StoreError>> + Send {
        self.0.policy_rules()
    }

    fn set_policy_rule(
        &self,
        role: Role,
        sensitivity: Sensitivity,
        decision: Decision,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.set_policy_rule(role, sensitivity, decision, at)
    }

    fn insert_agreement(
        &self,
        text: &str,
        sha256: &[u8; 32],
        published_at: i64,
        published_by: u64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send {
        self.0.insert_agreement(text, sha256, published_at, published_by)
    }

    fn current_agreement(&self) -> impl Future<Output = Result<Option<AgreementRow>, StoreError>> + Send {
        self.0.current_agreement()
    }

    fn insert_signature(
        &self,
        signature: &SignatureRow,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.insert_signature(signature)
    }

    fn signature(
        &self,
        employee_id: u64,
        version: u32,
    ) -> impl Future<Output = Result<Option<SignatureRow>, StoreError>> + Send {
        self.0.signature(employee_id, version)
    }
}

// Dual-control requests and key bindings as the SQLite store keeps them.
impl RequestStore for Unaudited {
    fn insert_request(&self, request: &NewRequest) -> impl Future<Output = Result<u64, StoreError>> + Send {
        self.0.insert_request(request)
    }

    fn get_request(&self, id: u64) -> impl Future<Output = Result<Option<RequestRow>, StoreError>> + Send {
        self.0.get_request(id)
    }

    fn list_requests(&self) -> impl Future<Output = Result<Vec<RequestRow>, StoreError>> + Send {
        self.0.list_requests()
    }

    fn set_request_state(
        &self,
        id: u64,
        from: RequestState,
        to: RequestState,
        decided_by: Option<u64>,
        at: i64,
        now: Option<i64>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.0.set_request_state(id, from, to, decided_by, at, now)
    }

    fn bind_api_key(
        &self,
        key_id: &str,
        binding: &sekretess_core::people::KeyBinding,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.0.bind_api_key(key_id, binding)
    }

    fn api_key_binding(
        &self,
        key_id: &str,
    ) -> impl Future<Output = Result<Option<sekretess_core::people::KeyBinding>, StoreError>> + Send {
        self.0.api_key_binding(key_id)
    }
}
