//! The token row encoding both backends share ([`TokenRow`]).

use sekretess_core::error::StoreError;
use sekretess_core::store::{TokenRow, TokenState};
use sqlx::Row;

/// The columns of `tokens`, in the order [`token_row`] reads them.
pub(crate) const TOKEN_COLUMNS: &str =
    "hash, format, kind, value, value_hash, code, created_at, expires_at, state";

/// Hashes per `IN (…)` query.
pub(crate) const HASHES_PER_QUERY: usize = 500;
/// Rows per multi-row `INSERT`.
pub(crate) const ROWS_PER_INSERT: usize = 1000;

/// A `tokens` row selected with [`TOKEN_COLUMNS`].
pub(crate) fn token_row<R: Row>(row: &R) -> Result<TokenRow, StoreError>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let corrupt = |what: &str| StoreError::Corrupt(format!("token {what}"));
    let col = |_| corrupt("column");
    let hash: Vec<u8> = row.try_get(0).map_err(col)?;
    let value_hash: Option<Vec<u8>> = row.try_get(4).map_err(col)?;
    let state: String = row.try_get(8).map_err(col)?;
    Ok(TokenRow {
        hash: hash.try_into().map_err(|_| corrupt("hash"))?,
        format: row.try_get(1).map_err(col)?,
        kind: row.try_get(2).map_err(col)?,
        value: row.try_get(3).map_err(col)?,
        value_hash: value_hash.map(|v| v.try_into().map_err(|_| corrupt("value hash"))).transpose()?,
        customer: row.try_get(5).map_err(col)?,
        created_at: row.try_get(6).map_err(col)?,
        expires_at: row.try_get(7).map_err(col)?,
        state: TokenState::parse(&state).ok_or_else(|| corrupt("state"))?,
    })
}
