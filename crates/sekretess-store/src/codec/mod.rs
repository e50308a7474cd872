//! The record encoding both backends share: a customer's field ciphertexts in one blob,
//! record versions as SQL integers, and a customer row decoded into a [`CustomerRecord`];
//! the employees' rows in [`people`].

use sekretess_core::error::StoreError;
use sekretess_core::store::{CustomerRecord, SealedVaultKey, VaultKeyKind, WrappedDek};
use sqlx::Row;
use sqlx::query_builder::Separated;

pub(crate) mod documents;
pub(crate) mod people;
pub(crate) mod tokens;

/// A record version as stored (a signed 64-bit column); versions never come near 2^63.
pub(crate) fn version_to_sql(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

pub(crate) fn version_from_sql(version: i64) -> Result<u64, StoreError> {
    u64::try_from(version).map_err(|_| StoreError::Corrupt("record version".into()))
}

/// Binds the leading columns of a customer row, as both backends store them: `code,
/// version, kek_version, wrapped_dek, fields`.
pub(crate) fn push_record_columns<'args, DB, Sep>(
    b: &mut Separated<'_, 'args, DB, Sep>,
    r: &'args CustomerRecord,
) where
    DB: sqlx::Database,
    Sep: std::fmt::Display,
    &'args str: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
    &'args [u8]: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
    Vec<u8>: sqlx::Encode<'args, DB> + sqlx::Type<DB>,
{
    b.push_bind(r.code.as_str())
        .push_bind(version_to_sql(r.version))
        .push_bind(i64::from(r.kek_version))
        .push_bind(r.wrapped_dek.as_slice())
        .push_bind(encode_fields(&r.fields));
}

/// Field ciphertexts of one customer in one blob: repeated
/// `[name length u8][name][ciphertext length u32 BE][ciphertext]`.
pub fn encode_fields(fields: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size = fields.iter().map(|(n, c)| 5 + n.len() + c.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (name, ct) in fields {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(ct.len() as u32).to_be_bytes());
        out.extend_from_slice(ct);
    }
    out
}

/// A customer row, as both backends store it (same column names and types).
pub(crate) fn customer_record<'r, R>(row: &'r R) -> Result<CustomerRecord, StoreError>
where
    R: Row,
    &'r str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let corrupt = |e: sqlx::Error| StoreError::Corrupt(e.to_string());
    let blob: Vec<u8> = row.try_get("fields").map_err(corrupt)?;
    let kek: i64 = row.try_get("kek_version").map_err(corrupt)?;
    Ok(CustomerRecord {
        code: row.try_get("code").map_err(corrupt)?,
        version: version_from_sql(row.try_get("version").map_err(corrupt)?)?,
        kek_version: u32::try_from(kek).map_err(|_| StoreError::Corrupt("kek version".into()))?,
        wrapped_dek: row.try_get("wrapped_dek").map_err(corrupt)?,
        fields: decode_fields(&blob)?,
        created_at: row.try_get("created_at").map_err(corrupt)?,
        updated_at: row.try_get("updated_at").map_err(corrupt)?,
        retain_until: row.try_get("retain_until").map_err(corrupt)?,
    })
}

/// Inverse of [`encode_fields`]; damaged framing is `Corrupt`.
pub fn decode_fields(mut blob: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let corrupt = || StoreError::Corrupt("customer field framing".into());
    let mut fields = Vec::new();
    while let Some((&name_len, rest)) = blob.split_first() {
        let (name, rest) = rest.split_at_checked(name_len as usize).ok_or_else(corrupt)?;
        let (len, rest) = rest.split_at_checked(4).ok_or_else(corrupt)?;
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (ct, rest) = rest.split_at_checked(len).ok_or_else(corrupt)?;
        let name = std::str::from_utf8(name).map_err(|_| corrupt())?;
        fields.push((name.to_owned(), ct.to_vec()));
        blob = rest;
    }
    Ok(fields)
}

/// A `vault_keys` row, as both backends store it: (kind, version, sealed).
pub(crate) fn vault_key(
    (kind, version, sealed): (String, i64, Vec<u8>),
) -> Result<SealedVaultKey, StoreError> {
    Ok(SealedVaultKey {
        kind: VaultKeyKind::parse(&kind).ok_or_else(|| StoreError::Corrupt("vault key kind".into()))?,
        version: u32::try_from(version).map_err(|_| StoreError::Corrupt("vault key version".into()))?,
        sealed,
    })
}

/// A wrapped data key as both backends return it: (code, version, kek_version, wrapped_dek).
pub(crate) fn wrapped_dek(
    (code, version, kek, wrapped_dek): (String, i64, i64, Vec<u8>),
) -> Result<WrappedDek, StoreError> {
    Ok(WrappedDek {
        code,
        version: version_from_sql(version)?,
        kek_version: u32::try_from(kek).map_err(|_| StoreError::Corrupt("kek version".into()))?,
        wrapped_dek,
    })
}

/// A KEK version count row: (kek_version, count).
pub(crate) fn kek_count((kek, n): (i64, i64)) -> Result<(u32, u64), StoreError> {
    let corrupt = || StoreError::Corrupt("kek version".into());
    Ok((u32::try_from(kek).map_err(|_| corrupt())?, u64::try_from(n).map_err(|_| corrupt())?))
}
