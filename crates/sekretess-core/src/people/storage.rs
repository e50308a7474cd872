//! The storage trait of employees, sessions, grants, the field policy and agreements.

use super::*;

/// Storage of employees, sessions, grants, the field policy and agreements (in the control
/// store). Every method is one transaction; the conditional ones say whether they applied.
pub trait PeopleStore: RequestStore + Send + Sync + 'static {
    /// Inserts an employee; `Conflict { what: "login" }` if the login is taken. With
    /// `only_if_none`, fails with `Conflict { what: "employees exist" }` unless the table is
    /// empty (checked in the same transaction).
    fn insert_employee(
        &self,
        employee: &NewEmployee,
        only_if_none: bool,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    fn get_employee(&self, id: u64) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send;
    fn employee_by_login(
        &self,
        login: &str,
    ) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send;
    fn employee_by_enrolment(
        &self,
        code_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<EmployeeRow>, StoreError>> + Send;
    fn list_employees(&self) -> impl Future<Output = Result<Vec<EmployeeRow>, StoreError>> + Send;
    /// Sets password and TOTP secret, clears the enrolment code and moves to `state`, only
    /// if the employee is still `invited` with this code hash. Returns whether it applied.
    fn complete_enrolment(
        &self,
        id: u64,
        code_hash: &[u8; 32],
        password_hash: &str,
        totp_sealed: &[u8],
        state: EmployeeState,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Replaces the enrolment code of a still-`invited` employee. Returns whether it applied.
    fn set_enrolment(
        &self,
        id: u64,
        code_hash: &[u8; 32],
        expires: i64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Moves `from` -> `to` (setting `approved_by` when given). Returns whether it applied.
    fn set_employee_state(
        &self,
        id: u64,
        from: EmployeeState,
        to: EmployeeState,
        approved_by: Option<u64>,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn set_password_hash(
        &self,
        id: u64,
        password_hash: &str,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Counts a failure; at `max_failures` locks the account until `now + lock_seconds`
    /// and restarts the count.
    fn record_login_failure(
        &self,
        id: u64,
        now: i64,
        max_failures: u32,
        lock_seconds: i64,
    ) -> impl Future<Output = Result<FailureCount, StoreError>> + Send;
    /// Stores `totp_step` as the last used step, only if it is newer than the stored one,
    /// and clears the failure count and lock. Returns whether it applied (false: replay).
    fn record_login_success(
        &self,
        id: u64,
        totp_step: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Offboarding: removes password, TOTP secret, enrolment code, grants and sessions.
    fn clear_credentials(&self, id: u64, at: i64) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn insert_session(&self, session: &SessionRow) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn get_session(
        &self,
        token_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<SessionRow>, StoreError>> + Send;
    fn touch_session(
        &self,
        token_hash: &[u8; 32],
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn delete_session(&self, token_hash: &[u8; 32]) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Deletes every session of an employee; returns how many there were.
    fn delete_sessions_of(&self, employee_id: u64) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Returns whether the grant is new.
    fn grant_group(
        &self,
        employee_id: u64,
        group_id: u32,
        by: u64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn revoke_group(
        &self,
        employee_id: u64,
        group_id: u32,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn groups_of(&self, employee_id: u64) -> impl Future<Output = Result<Vec<u32>, StoreError>> + Send;

    /// Cells changed from the default policy.
    fn policy_rules(
        &self,
    ) -> impl Future<Output = Result<Vec<(Role, Sensitivity, Decision)>, StoreError>> + Send;
    fn set_policy_rule(
        &self,
        role: Role,
        sensitivity: Sensitivity,
        decision: Decision,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Publishes the next version (1, 2, …); returns it.
    fn insert_agreement(
        &self,
        text: &str,
        sha256: &[u8; 32],
        published_at: i64,
        published_by: u64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
    fn current_agreement(&self) -> impl Future<Output = Result<Option<AgreementRow>, StoreError>> + Send;
    /// Stores a signature; signing the same version again keeps the first.
    fn insert_signature(
        &self,
        signature: &SignatureRow,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn signature(
        &self,
        employee_id: u64,
        version: u32,
    ) -> impl Future<Output = Result<Option<SignatureRow>, StoreError>> + Send;
}
