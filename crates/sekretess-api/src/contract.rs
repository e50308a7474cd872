//! Schema-only types of the OpenAPI document: the closed sets of strings the API answers
//! and takes (problem types, states, roles, operators ...) as `enum`s, and the two shapes
//! of a batch item's result as `oneOf`. The wire types keep their `String` members (a
//! client of this crate reads an unknown value without failing); these types only tell
//! generated clients which values exist (`#[schema(value_type = ...)]` on the members).

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::{PROBLEM_TYPE_PREFIX, Problem};

/// A string schema with a closed set of values.
fn string_enum(description: &str, values: impl IntoIterator<Item = String>) -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(values.into_iter().collect::<Vec<_>>()))
            .build(),
    ))
}

macro_rules! string_enums {
    ($($(#[doc = $doc:literal])* $name:ident / $values:ident = [$($v:literal),* $(,)?];)*) => {$(
        $(#[doc = $doc])*
        pub struct $name;

        #[doc = concat!("The values of [`", stringify!($name), "`].")]
        pub const $values: &[&str] = &[$($v),*];

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum(concat!($($doc, "\n"),*).trim(), $values.iter().map(|v| (*v).to_owned()))
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )*};
}

string_enums! {
    /// Whether a customer group serves customer operations (`locked` refuses them all).
    GroupState / GROUP_STATES = ["open", "locked"];
    /// How sensitive a field is; `restricted` is never shown in plain online.
    Sensitivity / SENSITIVITIES = ["internal", "confidential", "restricted"];
    /// The type of a schema field, which decides how values are validated and normalized.
    FieldType / FIELD_TYPES = [
        "name", "email", "phone", "address", "date", "se_personnummer", "us_ssn", "national_id",
        "se_orgnr", "card_number", "iban", "bank_account", "text",
    ];
    /// How an audited operation ended.
    AuditOutcome / AUDIT_OUTCOMES = ["success", "denied", "failed", "attempted"];
    /// The verdict on the audit chain: `truncated` only against a checkpoint.
    VerificationStatus / VERIFICATION_STATUSES = ["intact", "broken", "truncated"];
    /// How `content` is read (`auto` by default).
    RedactFormat / REDACT_FORMATS = ["auto", "text", "kv", "csv", "json", "ndjson"];
    /// How findings are replaced (`mask` by default). `code` replaces the vault's known
    /// customers by their customer codes and masks the rest; `token` replaces findings by
    /// tokens of the `group` (needs `tokens:create`). (The CLI's `hash` operator needs
    /// a key file the server does not hold; the API does not offer it.)
    RedactOperator / REDACT_OPERATORS = ["mask", "label", "partial", "code", "token"];
    /// What happens to parts of a binary document that cannot be inspected (`fail` by default).
    Uninspected / UNINSPECTED = ["fail", "skip", "copy"];
    /// `only`: answer with the report instead of the redacted document.
    ReportMode / REPORT_MODES = ["only"];
    /// What a role sees of a field of a sensitivity.
    PolicyDecision / POLICY_DECISIONS = ["deny", "masked", "reveal_with_purpose", "plain"];
    /// A role of the field policy (`service` is every API key's).
    PolicyRole / POLICY_ROLES = ["security_officer", "agent", "auditor", "service"];
    /// A role an employee holds.
    EmployeeRole / EMPLOYEE_ROLES = ["security_officer", "agent", "auditor"];
    /// Where an employee is in their life cycle.
    EmployeeState / EMPLOYEE_STATES = ["invited", "pending_approval", "active", "suspended", "offboarded"];
}

/// Every problem kind the server answers, the part of `type` after `urn:sekretess:problem:`.
/// New kinds are appended at the end.
pub const PROBLEM_KINDS: &[&str] = &[
    "account-locked",
    "account-not-active",
    "admin-key-needs-approval",
    "agreement-outdated",
    "agreement-required",
    "already-bootstrapped",
    "already-initialized",
    "already-unsealed",
    "audit-unavailable",
    "backup-not-configured",
    "batch-too-large",
    "body-too-large",
    "bootstrap-key-retired",
    "code-check-failed",
    "conflict",
    "customer-erased",
    "customer-not-found",
    "damaged-document",
    "document-limit",
    "document-not-found",
    "duplicate",
    "duplicate-share",
    "employees-only",
    "field-too-long",
    "forbidden",
    "forbidden-field",
    "group-exists",
    "group-forbidden",
    "group-locked",
    "integrity",
    "internal",
    "invalid-access-request",
    "invalid-body",
    "invalid-checkpoint",
    "invalid-document-request",
    "invalid-enrolment-code",
    "invalid-field",
    "invalid-group-name",
    "invalid-init-parameters",
    "invalid-input",
    "invalid-purpose",
    "invalid-query",
    "invalid-redact-request",
    "invalid-share",
    "invalid-unseal-request",
    "invalid-value",
    "key-used-up",
    "login-failed",
    "login-taken",
    "malformed-code",
    "malformed-json",
    "method-not-allowed",
    "missing-member",
    "no-agreement",
    "no-fields",
    "no-group-reachable",
    "not-initialized",
    "not-inspected",
    "not-searchable",
    "purpose-required",
    "rate-limited",
    "rekey-refused",
    "restricted-never-plain",
    "reveal-not-allowed",
    "route-not-found",
    "sealed",
    "self-action",
    "self-approval",
    "session-expired",
    "session-invalid",
    "store-unavailable",
    "threshold-mismatch",
    "unauthenticated",
    "unknown-api-key",
    "unknown-body-field",
    "unknown-employee",
    "unknown-field",
    "unknown-group",
    "unknown-purpose",
    "unseal-failed",
    "unsupported-media-type",
    "weak-password",
    "wrong-password",
    "wrong-state",
    "wrong-type",
    "wrong-vault",
    "field-in-use",
    "invalid-token-request",
    "invalid-token-value",
    "inviter-approval",
    "offline-key-missing",
    "request-closed",
    "token-erased",
    "token-expired",
    "token-revoked",
    "token-unknown",
    "unknown-request",
    "invalid-reason",
    "customer-changed",
];

/// A problem `type`: `urn:sekretess:problem:` and one of [`PROBLEM_KINDS`].
pub struct ProblemType;

impl PartialSchema for ProblemType {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "`urn:sekretess:problem:<kind>`: stable, for programs to branch on. New kinds may be added in later versions.",
            PROBLEM_KINDS.iter().map(|k| format!("{PROBLEM_TYPE_PREFIX}{k}")),
        )
    }
}

impl ToSchema for ProblemType {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ProblemType")
    }
}

/// A batch item that was created.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct BatchCreated {
    /// The new customer's code, e.g. `K7Q4-M92D-J3XP`.
    #[schema(example = "K7Q4-M92D-J3XP")]
    code: String,
}

/// A batch item that failed, and why (nothing of it was stored).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct BatchFailed {
    problem: Problem,
}

/// The answer for one batch item: a code, or a problem naming why that item failed.
pub struct BatchOutcome;

impl PartialSchema for BatchOutcome {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::OneOf(
            OneOfBuilder::new()
                .item(Ref::from_schema_name("BatchCreated"))
                .item(Ref::from_schema_name("BatchFailed"))
                .description(Some(
                    "The answer for one batch item: a code, or a problem naming why that item failed.",
                ))
                .build(),
        ))
    }
}

impl ToSchema for BatchOutcome {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("BatchOutcome")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push(("BatchCreated".to_owned(), BatchCreated::schema()));
        schemas.push(("BatchFailed".to_owned(), BatchFailed::schema()));
        <BatchFailed as ToSchema>::schemas(schemas);
    }
}
