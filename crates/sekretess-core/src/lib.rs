//! The Sekretess vault domain: seal state, customer groups, customers, codes and schema.
//!
//! Storage is reached only through the [`store::Store`] trait and time only through
//! [`clock::Clock`]; nothing here knows SQLite, PostgreSQL or HTTP.
#![forbid(unsafe_code)]

pub mod access;
pub mod agreements;
pub mod audit;
pub mod backup;
pub mod clock;
mod coalesce;
pub mod code;
pub mod error;
pub mod iban;
pub mod people;
pub mod policy;
pub mod process;
pub mod schema;
pub mod store;
pub mod validate;
pub mod vault;

pub use access::{AccessStore, ApiKeyRecord, ApiKeySecret, Caller, GroupAccess, Scope};
pub use clock::{Clock, ManualClock, SystemClock};
pub use code::CustomerCode;
pub use error::{StoreError, TokenFault, VaultError};
pub use schema::{FieldChange, FieldDef, FieldType, Schema, Sensitivity};
pub use vault::{
    Customer, CustomerExport, ExportedField, FieldValue, GroupInfo, Holding, InitOutcome, KEK_USE_LIMIT,
    KeyPolicy, Probe, RekeyStarted, Retention, RetentionRules, RewrapProgress, RewrapReport, SealStatus,
    SweepReport, Vault,
};
pub use vault::{DEFAULT_SCHEMA_VERSION, HELD_OFFLINE, MAX_EXPORT_CUSTOMERS, OfflineExport};
