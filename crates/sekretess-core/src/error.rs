//! Errors of the vault. Messages name fields and rules, never values.

use sekretess_crypto::shamir::ShareError;

/// Failure of a storage backend. The message comes from the backend and never holds
/// a value (queries bind values as parameters; messages name tables and columns).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// A uniqueness rule was broken: `what` names the rule (e.g. a field name).
    #[error("conflict on {what}")]
    Conflict { what: String },
    /// The backend could not be reached or refused to work (down, full, read-only).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data did not have the expected shape.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VaultError {
    #[error("the vault is sealed; unseal it with the unseal shares first")]
    Sealed,
    #[error("the vault is not initialized; run init first")]
    NotInitialized,
    #[error("the vault is already initialized")]
    AlreadyInitialized,
    #[error("invalid init parameters: {0}")]
    InitParameters(&'static str),
    #[error("the vault is already unsealed")]
    AlreadyUnsealed,
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(
        "this unseal share belongs to another vault (its key id is {share_key_id}, this vault's is {vault_key_id})"
    )]
    WrongVault { share_key_id: String, vault_key_id: String },
    #[error("unseal share {index} was already given")]
    DuplicateShare { index: u8 },
    #[error("this unseal share says the threshold is {share}, but this vault needs {vault}")]
    ThresholdMismatch { share: u8, vault: u8 },
    #[error("the shares do not combine to this vault's root key; unseal progress was reset")]
    UnsealFailed,

    #[error("no customer group named {0:?}")]
    UnknownGroup(String),
    #[error("a customer group named {0:?} already exists")]
    GroupExists(String),
    #[error("invalid group name: {0}")]
    InvalidGroupName(&'static str),
    #[error("customer group {0:?} is locked")]
    GroupLocked(String),

    #[error("unknown field {field:?}")]
    UnknownField { field: String },
    #[error("field {field:?} looks like a card security code (CVV/CVC); those are never stored")]
    ForbiddenField { field: String },
    #[error("field {field:?} is invalid: {rule}")]
    Invalid { field: String, rule: &'static str },
    #[error("field {field:?} is too long (at most {max} characters)")]
    TooLong { field: String, max: usize },
    #[error("another customer in this group already has this {field}")]
    Duplicate { field: String },
    #[error("a customer needs at least one field")]
    NoFields,
    #[error("field {field:?} is not searchable")]
    NotSearchable { field: String },
    #[error(
        "field {field:?} has values in this group: its type, its restricted sensitivity and its index cannot change while values exist"
    )]
    FieldInUse { field: String },
    #[error(
        "restricted fields need the offline key's public half in the server configuration ([offline] recipient)"
    )]
    OfflineKeyMissing,

    #[error("customer code is malformed (expected 12 symbols like K7Q4-M92D-J3X8)")]
    MalformedCode,
    #[error("customer code has a wrong check symbol (a typo?)")]
    CodeCheckFailed,
    #[error("no customer with this code")]
    NotFound,
    #[error("this customer was erased")]
    Erased,
    #[error("no document with this id")]
    DocumentNotFound,

    #[error("missing, malformed, unknown or revoked credentials")]
    Unauthenticated,
    #[error("the caller lacks the {0} scope")]
    Forbidden(&'static str),
    #[error("the caller has no access to this customer group")]
    GroupForbidden,
    #[error("invalid access request: {0}")]
    InvalidAccess(&'static str),

    /// A KEK version reached its use limit and no newer version could be made: writes to
    /// the group are refused (fail closed) until a rotation succeeds.
    #[error(
        "the customer group's key reached its use limit and could not be rotated; writes are refused until `group rotate-key` succeeds"
    )]
    KeyUsedUp,
    /// Rekey refused (the reason names no secret).
    #[error("rekey refused: {0}")]
    Rekey(&'static str),

    /// One uniform error for every ciphertext that fails to decrypt or verify.
    #[error("stored data failed its integrity check")]
    Integrity,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit entry could not be made durable, so the operation was not done (or its
    /// result not returned). `cause` is the store's failure (it names tables, constraints
    /// and conditions, never a value): for the operator's log, not for the caller.
    #[error("the audit log cannot be written ({cause}); the operation was refused")]
    AuditUnavailable { cause: StoreError },
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// A token could not be issued, turned back or revoked (never names the value or token).
    #[error("{0}")]
    Token(TokenFault),
    /// The customer changed since the caller read it (an update named an older version).
    #[error("the customer changed since it was read; read it again")]
    Changed,
}

/// Why one token or value was refused.
#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenFault {
    #[error("no such token in this customer group")]
    Unknown,
    #[error("this token was revoked")]
    Revoked,
    #[error("this token has expired")]
    Expired,
    #[error("the customer this token stands for was erased")]
    Erased,
    #[error("value refused: {0}")]
    InvalidValue(&'static str),
}

impl From<crate::audit::AuditError> for VaultError {
    fn from(e: crate::audit::AuditError) -> Self {
        match e {
            crate::audit::AuditError::Unavailable(cause) => VaultError::AuditUnavailable { cause },
        }
    }
}

impl From<sekretess_crypto::CryptoError> for VaultError {
    fn from(e: sekretess_crypto::CryptoError) -> Self {
        match e {
            sekretess_crypto::CryptoError::Integrity => VaultError::Integrity,
            _ => VaultError::Internal("cryptographic operation failed"),
        }
    }
}
