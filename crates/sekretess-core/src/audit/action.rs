//! The names of the audit actions.

/// The actions recorded in the audit log. The names are stored in every entry,
/// so they never change: [`Action::as_str`] is what is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `vault.init`: The vault was initialized (shares handed out).
    VaultInit,
    /// `vault.unseal.share`: An unseal share was submitted.
    VaultUnsealShare,
    /// `vault.unseal`: The vault was unsealed.
    VaultUnseal,
    /// `vault.unseal.reset`: The shares submitted so far were discarded.
    VaultUnsealReset,
    /// `vault.seal`: The vault was sealed.
    VaultSeal,
    /// `group.create`: A customer group was created.
    GroupCreate,
    /// `group.lock`: A group was locked.
    GroupLock,
    /// `group.unlock`: A group was unlocked.
    GroupUnlock,
    /// `customer.create`: A customer was created (an attempt, resolved by a commit marker).
    CustomerCreate,
    /// `customer.read`: A customer was read.
    CustomerRead,
    /// `customer.update`: A customer was updated.
    CustomerUpdate,
    /// `customer.erase`: A customer was erased.
    CustomerErase,
    /// `customer.find`: Customers were searched by a blind index.
    CustomerFind,
    /// `customer.identify`: The values of one document were looked up in the blind indexes
    /// of the groups the caller may reach (known customers, issue 18).
    CustomerIdentify,
    /// `audit.key_export`: The audit verification key was handed out.
    AuditKeyExport,
    /// `employee.bootstrap`: The first security officer was invited.
    EmployeeBootstrap,
    /// `employee.invite`: An employee was invited.
    EmployeeInvite,
    /// `employee.enrol`: An employee enrolled (password and TOTP).
    EmployeeEnrol,
    /// `employee.reinvite`: An employee's enrolment code was issued again.
    EmployeeReinvite,
    /// `employee.approve`: An employee was approved.
    EmployeeApprove,
    /// `employee.suspend`: An employee was suspended.
    EmployeeSuspend,
    /// `employee.reinstate`: A suspended employee was reinstated.
    EmployeeReinstate,
    /// `employee.offboard`: An employee was offboarded.
    EmployeeOffboard,
    /// `employee.password_change`: An employee changed their password.
    EmployeePasswordChange,
    /// `login`: A login.
    Login,
    /// `login.locked`: A login refused because the account is locked.
    LoginLocked,
    /// `login.lockout`: A failed login locked the account.
    LoginLockout,
    /// `logout`: A logout.
    Logout,
    /// `grant.add`: A group was granted to an employee.
    GrantAdd,
    /// `grant.remove`: A group grant was revoked.
    GrantRemove,
    /// `policy.set`: A rule of the field policy was set.
    PolicySet,
    /// `agreement.publish`: A confidentiality agreement was published.
    AgreementPublish,
    /// `agreement.sign`: An employee signed the agreement.
    AgreementSign,
    /// `auth.failed`: Requests without valid credentials from one source in one interval (a count).
    AuthFailed,
    /// `apikey.create`: An API key was created (an attempt, resolved by a commit marker).
    ApiKeyCreate,
    /// `apikey.revoke`: An API key was revoked (an attempt, resolved by a commit marker).
    ApiKeyRevoke,
    /// `audit.read`: Audit entries were read.
    AuditRead,
    /// `audit.verify`: The audit chain was verified.
    AuditVerify,
    /// `audit.checkpoint`: A checkpoint of the audit chain was exported.
    AuditCheckpoint,
    /// `customer.reveal`: A refused or failed reveal of a customer's fields (a reveal that succeeds is a `customer.read` with its purpose).
    CustomerReveal,
    /// `redact`: A document was redacted (the number of findings, never the content).
    Redact,
    /// `document.file`: A redacted document was filed in the archive (its id and codes, never content or name).
    DocumentFile,
    /// `document.read`: An archived document was downloaded.
    DocumentRead,
    /// `document.list`: Archived documents were listed by customer code.
    DocumentList,
    /// `document.delete`: An archived document was deleted.
    DocumentDelete,
    /// `group.key_rotate`: A group's key-encryption key was rotated (a new version).
    GroupKeyRotate,
    /// `group.key_retire`: A group's old key version was retired once no data key used it.
    GroupKeyRetire,
    /// `vault.rekey`: The root key was replaced (new unseal shares).
    VaultRekey,
    /// `audit.key_rotate`: The audit MAC key was rotated: later entries are MAC'd under the next epoch's key.
    AuditKeyRotate,
    /// `approval.request`: A change that needs a second security officer was asked for (a pending request).
    ApprovalRequest,
    /// `approval.approve`: A pending request was approved by another officer (and carried out).
    ApprovalApprove,
    /// `approval.reject`: A pending request was rejected by another officer.
    ApprovalReject,
    /// `apikey.bind`: An API key was bound to a client certificate (mTLS).
    ApiKeyBind,
    /// `token.create`: Tokens were issued (format, kind, count and token ids; never values).
    TokenCreate,
    /// `token.reveal`: Tokens were turned back into values, for a purpose (count and token ids, and why each refused one was refused).
    TokenReveal,
    /// `token.revoke`: Tokens were revoked (token ids).
    TokenRevoke,
    /// `schema.change`: A field was added to a group's schema or changed (a new schema version).
    SchemaChange,
    /// `offline.export`: A customer's restricted values were exported, still sealed to the offline key.
    OfflineExport,
    /// `customer.export`: A customer's subject access export was made (fields, documents and access history).
    CustomerExport,
    /// `customer.retention`: A customer's retention date was set or cleared.
    CustomerRetention,
    /// `customer.legal_hold`: A customer was put on legal hold (no retention sweep erases it).
    CustomerLegalHold,
    /// `customer.legal_hold.clear`: A customer's legal hold was cleared.
    CustomerLegalHoldClear,
    /// `retention.due`: The customers of a group past retention were listed (codes only).
    RetentionDue,
    /// `retention.sweep`: A retention sweep of a group ran (each erasure is its own `customer.erase`).
    RetentionSweep,
}

impl Action {
    /// Every action, in the order above.
    pub const ALL: [Action; 64] = [
        Action::VaultInit,
        Action::VaultUnsealShare,
        Action::VaultUnseal,
        Action::VaultUnsealReset,
        Action::VaultSeal,
        Action::GroupCreate,
        Action::GroupLock,
        Action::GroupUnlock,
        Action::CustomerCreate,
        Action::CustomerRead,
        Action::CustomerUpdate,
        Action::CustomerErase,
        Action::CustomerFind,
        Action::AuditKeyExport,
        Action::EmployeeBootstrap,
        Action::EmployeeInvite,
        Action::EmployeeEnrol,
        Action::EmployeeReinvite,
        Action::EmployeeApprove,
        Action::EmployeeSuspend,
        Action::EmployeeReinstate,
        Action::EmployeeOffboard,
        Action::EmployeePasswordChange,
        Action::Login,
        Action::LoginLocked,
        Action::LoginLockout,
        Action::Logout,
        Action::GrantAdd,
        Action::GrantRemove,
        Action::PolicySet,
        Action::AgreementPublish,
        Action::AgreementSign,
        Action::AuthFailed,
        Action::ApiKeyCreate,
        Action::ApiKeyRevoke,
        Action::AuditRead,
        Action::AuditVerify,
        Action::AuditCheckpoint,
        Action::CustomerReveal,
        Action::Redact,
        Action::CustomerIdentify,
        Action::DocumentFile,
        Action::DocumentRead,
        Action::DocumentList,
        Action::DocumentDelete,
        Action::GroupKeyRotate,
        Action::GroupKeyRetire,
        Action::VaultRekey,
        Action::AuditKeyRotate,
        Action::ApprovalRequest,
        Action::ApprovalApprove,
        Action::ApprovalReject,
        Action::ApiKeyBind,
        Action::TokenCreate,
        Action::TokenReveal,
        Action::TokenRevoke,
        Action::SchemaChange,
        Action::OfflineExport,
        Action::CustomerExport,
        Action::CustomerRetention,
        Action::CustomerLegalHold,
        Action::CustomerLegalHoldClear,
        Action::RetentionDue,
        Action::RetentionSweep,
    ];

    /// The name written to the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::VaultInit => "vault.init",
            Action::VaultUnsealShare => "vault.unseal.share",
            Action::VaultUnseal => "vault.unseal",
            Action::VaultUnsealReset => "vault.unseal.reset",
            Action::VaultSeal => "vault.seal",
            Action::GroupCreate => "group.create",
            Action::GroupLock => "group.lock",
            Action::GroupUnlock => "group.unlock",
            Action::CustomerCreate => "customer.create",
            Action::CustomerRead => "customer.read",
            Action::CustomerUpdate => "customer.update",
            Action::CustomerErase => "customer.erase",
            Action::CustomerFind => "customer.find",
            Action::AuditKeyExport => "audit.key_export",
            Action::EmployeeBootstrap => "employee.bootstrap",
            Action::EmployeeInvite => "employee.invite",
            Action::EmployeeEnrol => "employee.enrol",
            Action::EmployeeReinvite => "employee.reinvite",
            Action::EmployeeApprove => "employee.approve",
            Action::EmployeeSuspend => "employee.suspend",
            Action::EmployeeReinstate => "employee.reinstate",
            Action::EmployeeOffboard => "employee.offboard",
            Action::EmployeePasswordChange => "employee.password_change",
            Action::Login => "login",
            Action::LoginLocked => "login.locked",
            Action::LoginLockout => "login.lockout",
            Action::Logout => "logout",
            Action::GrantAdd => "grant.add",
            Action::GrantRemove => "grant.remove",
            Action::PolicySet => "policy.set",
            Action::AgreementPublish => "agreement.publish",
            Action::AgreementSign => "agreement.sign",
            Action::AuthFailed => "auth.failed",
            Action::ApiKeyCreate => "apikey.create",
            Action::ApiKeyRevoke => "apikey.revoke",
            Action::AuditRead => "audit.read",
            Action::AuditVerify => "audit.verify",
            Action::AuditCheckpoint => "audit.checkpoint",
            Action::CustomerReveal => "customer.reveal",
            Action::Redact => "redact",
            Action::CustomerIdentify => "customer.identify",
            Action::DocumentFile => "document.file",
            Action::DocumentRead => "document.read",
            Action::DocumentList => "document.list",
            Action::DocumentDelete => "document.delete",
            Action::GroupKeyRotate => "group.key_rotate",
            Action::GroupKeyRetire => "group.key_retire",
            Action::VaultRekey => "vault.rekey",
            Action::AuditKeyRotate => "audit.key_rotate",
            Action::ApprovalRequest => "approval.request",
            Action::ApprovalApprove => "approval.approve",
            Action::ApprovalReject => "approval.reject",
            Action::ApiKeyBind => "apikey.bind",
            Action::TokenCreate => "token.create",
            Action::TokenReveal => "token.reveal",
            Action::TokenRevoke => "token.revoke",
            Action::SchemaChange => "schema.change",
            Action::OfflineExport => "offline.export",
            Action::CustomerExport => "customer.export",
            Action::CustomerRetention => "customer.retention",
            Action::CustomerLegalHold => "customer.legal_hold",
            Action::CustomerLegalHoldClear => "customer.legal_hold.clear",
            Action::RetentionDue => "retention.due",
            Action::RetentionSweep => "retention.sweep",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names are stored in the audit log: they must never change.
    #[test]
    fn action_names_are_stable_and_distinct() {
        let expected = [
            (Action::VaultInit, "vault.init"),
            (Action::VaultUnsealShare, "vault.unseal.share"),
            (Action::VaultUnseal, "vault.unseal"),
            (Action::VaultUnsealReset, "vault.unseal.reset"),
            (Action::VaultSeal, "vault.seal"),
            (Action::GroupCreate, "group.create"),
            (Action::GroupLock, "group.lock"),
            (Action::GroupUnlock, "group.unlock"),
            (Action::CustomerCreate, "customer.create"),
            (Action::CustomerRead, "customer.read"),
            (Action::CustomerUpdate, "customer.update"),
            (Action::CustomerErase, "customer.erase"),
            (Action::CustomerFind, "customer.find"),
            (Action::AuditKeyExport, "audit.key_export"),
            (Action::EmployeeBootstrap, "employee.bootstrap"),
            (Action::EmployeeInvite, "employee.invite"),
            (Action::EmployeeEnrol, "employee.enrol"),
            (Action::EmployeeReinvite, "employee.reinvite"),
            (Action::EmployeeApprove, "employee.approve"),
            (Action::EmployeeSuspend, "employee.suspend"),
            (Action::EmployeeReinstate, "employee.reinstate"),
            (Action::EmployeeOffboard, "employee.offboard"),
            (Action::EmployeePasswordChange, "employee.password_change"),
            (Action::Login, "login"),
            (Action::LoginLocked, "login.locked"),
            (Action::LoginLockout, "login.lockout"),
            (Action::Logout, "logout"),
            (Action::GrantAdd, "grant.add"),
            (Action::GrantRemove, "grant.remove"),
            (Action::PolicySet, "policy.set"),
            (Action::AgreementPublish, "agreement.publish"),
            (Action::AgreementSign, "agreement.sign"),
            (Action::AuthFailed, "auth.failed"),
            (Action::ApiKeyCreate, "apikey.create"),
            (Action::ApiKeyRevoke, "apikey.revoke"),
            (Action::AuditRead, "audit.read"),
            (Action::AuditVerify, "audit.verify"),
            (Action::AuditCheckpoint, "audit.checkpoint"),
            (Action::CustomerReveal, "customer.reveal"),
            (Action::Redact, "redact"),
            (Action::CustomerIdentify, "customer.identify"),
            (Action::DocumentFile, "document.file"),
            (Action::DocumentRead, "document.read"),
            (Action::DocumentList, "document.list"),
            (Action::DocumentDelete, "document.delete"),
            (Action::GroupKeyRotate, "group.key_rotate"),
            (Action::GroupKeyRetire, "group.key_retire"),
            (Action::VaultRekey, "vault.rekey"),
            (Action::AuditKeyRotate, "audit.key_rotate"),
            (Action::ApprovalRequest, "approval.request"),
            (Action::ApprovalApprove, "approval.approve"),
            (Action::ApprovalReject, "approval.reject"),
            (Action::ApiKeyBind, "apikey.bind"),
            (Action::TokenCreate, "token.create"),
            (Action::TokenReveal, "token.reveal"),
            (Action::TokenRevoke, "token.revoke"),
            (Action::SchemaChange, "schema.change"),
            (Action::OfflineExport, "offline.export"),
            (Action::CustomerExport, "customer.export"),
            (Action::CustomerRetention, "customer.retention"),
            (Action::CustomerLegalHold, "customer.legal_hold"),
            (Action::CustomerLegalHoldClear, "customer.legal_hold.clear"),
            (Action::RetentionDue, "retention.due"),
            (Action::RetentionSweep, "retention.sweep"),
        ];
        assert_eq!(expected.len(), Action::ALL.len());
        for ((action, name), listed) in expected.iter().zip(Action::ALL) {
            assert_eq!(action.as_str(), *name);
            assert_eq!(*action, listed);
        }
        let distinct: std::collections::HashSet<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(distinct.len(), Action::ALL.len());
    }
}
