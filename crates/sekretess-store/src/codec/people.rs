//! Rows of the employees' and API keys' tables, decoded the same way from SQLite and
//! PostgreSQL (both store integers as 64-bit, byte strings as blobs, and names and states as
//! text).

use sekretess_core::access::ApiKeyRecord;
use sekretess_core::error::StoreError;
use sekretess_core::people::{AgreementRow, EmployeeRow, EmployeeState, SessionRow, SignatureRow};
use sekretess_core::policy::{Decision, Role, parse_sensitivity};
use sekretess_core::schema::Sensitivity;
use sqlx::{ColumnIndex, Decode, Row, Type};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

/// One column, or `Corrupt` naming it (never its content).
fn col<'r, R, T>(row: &'r R, name: &'r str) -> Result<T, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    T: Decode<'r, R::Database> + Type<R::Database>,
{
    row.try_get(name).map_err(|_| StoreError::Corrupt(format!("column {name} of a people or API keys table")))
}

fn hash32(bytes: Vec<u8>, what: &str) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| corrupt(what))
}

/// Roles as stored: comma-separated names.
pub(crate) fn roles_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

pub(crate) fn employee<'r, R>(row: &'r R) -> Result<EmployeeRow, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    let roles: String = col(row, "roles")?;
    let state: String = col(row, "state")?;
    let enrolment_hash: Option<Vec<u8>> = col(row, "enrolment_hash")?;
    Ok(EmployeeRow {
        id: col::<_, i64>(row, "id")? as u64,
        login: col(row, "login")?,
        display_name: col(row, "display_name")?,
        roles: roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| Role::parse(r).ok_or_else(|| corrupt("employee role")))
            .collect::<Result<_, _>>()?,
        state: EmployeeState::parse(&state).ok_or_else(|| corrupt("employee state"))?,
        bootstrap: col::<_, i64>(row, "bootstrap")? != 0,
        password_hash: col(row, "password_hash")?,
        totp_sealed: col(row, "totp_sealed")?,
        last_totp_step: col::<_, Option<i64>>(row, "last_totp_step")?.map(|s| s as u64),
        failed_logins: col::<_, i64>(row, "failed_logins")? as u32,
        locked_until: col(row, "locked_until")?,
        enrolment_hash: enrolment_hash.map(|h| hash32(h, "enrolment hash")).transpose()?,
        enrolment_expires: col(row, "enrolment_expires")?,
        invited_by: col::<_, Option<i64>>(row, "invited_by")?.map(|v| v as u64),
        approved_by: col::<_, Option<i64>>(row, "approved_by")?.map(|v| v as u64),
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}

/// An API key; scopes and groups are stored as space-separated words.
pub(crate) fn api_key<'r, R>(row: &'r R) -> Result<ApiKeyRecord, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let words = |name| -> Result<Vec<String>, StoreError> {
        Ok(col::<_, String>(row, name)?.split_whitespace().map(str::to_owned).collect())
    };
    Ok(ApiKeyRecord {
        id: col(row, "id")?,
        name: col(row, "name")?,
        secret_hash: hash32(col(row, "secret_hash")?, "api key hash")?,
        scopes: words("scopes")?,
        groups: words("groups")?,
        created_at: col(row, "created_at")?,
        revoked_at: col(row, "revoked_at")?,
    })
}

pub(crate) fn session<'r, R>(row: &'r R) -> Result<SessionRow, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(SessionRow {
        token_hash: hash32(col(row, "token_hash")?, "session hash")?,
        employee_id: col::<_, i64>(row, "employee_id")? as u64,
        created_at: col(row, "created_at")?,
        last_seen: col(row, "last_seen")?,
        origin: col(row, "origin")?,
    })
}

pub(crate) fn agreement<'r, R>(row: &'r R) -> Result<AgreementRow, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(AgreementRow {
        version: col::<_, i64>(row, "version")? as u32,
        text: col(row, "text")?,
        sha256: hash32(col(row, "sha256")?, "agreement hash")?,
        published_at: col(row, "published_at")?,
        published_by: col::<_, i64>(row, "published_by")? as u64,
    })
}

pub(crate) fn signature<'r, R>(row: &'r R, employee_id: u64, version: u32) -> Result<SignatureRow, StoreError>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(SignatureRow {
        employee_id,
        version,
        sha256: hash32(col(row, "sha256")?, "signature hash")?,
        signed_at: col(row, "signed_at")?,
        origin: col(row, "origin")?,
    })
}

/// Stored policy cells (role, sensitivity, decision) as text.
pub(crate) fn policy_rules(
    rows: &[(String, String, String)],
) -> Result<Vec<(Role, Sensitivity, Decision)>, StoreError> {
    rows.iter()
        .map(|(r, s, d)| {
            Ok((
                Role::parse(r).ok_or_else(|| corrupt("policy role"))?,
                parse_sensitivity(s).ok_or_else(|| corrupt("policy sensitivity"))?,
                Decision::parse(d).ok_or_else(|| corrupt("policy decision"))?,
            ))
        })
        .collect()
}

/// A login already taken, named as such whatever the backend calls its constraint.
pub(crate) fn login_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict { .. } => StoreError::Conflict { what: "login".into() },
        other => other,
    }
}
