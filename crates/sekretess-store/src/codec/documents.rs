//! The document row encoding both backends share ([`DocumentRecord`]).

use sekretess_core::error::StoreError;
use sekretess_core::store::DocumentRecord;
use sqlx::Row;

/// The columns of `documents`, in the order [`document_record`] reads them.
pub(crate) const DOCUMENT_COLUMNS: &str = "id, kek_version, wrapped_dek, name, content_type, size, \
    original_sha256, filed_by, filed_at, findings, retain_until, chunk_count";

/// "LABEL=count" per label, comma-separated.
pub(crate) fn encode_findings(findings: &[(String, u64)]) -> String {
    findings.iter().map(|(label, n)| format!("{label}={n}")).collect::<Vec<_>>().join(",")
}

fn decode_findings(text: &str) -> Result<Vec<(String, u64)>, StoreError> {
    let corrupt = || StoreError::Corrupt("document findings".into());
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (label, n) = item.split_once('=').ok_or_else(corrupt)?;
            Ok((label.to_owned(), n.parse().map_err(|_| corrupt())?))
        })
        .collect()
}

pub(crate) fn to_sql(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A `documents` row (selected with [`DOCUMENT_COLUMNS`]) and its linked codes.
pub(crate) fn document_record<R: Row>(row: &R, codes: Vec<String>) -> Result<DocumentRecord, StoreError>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let corrupt = |what: &str| StoreError::Corrupt(format!("document {what}"));
    let get_i64 = |i: usize| row.try_get::<i64, _>(i).map_err(|_| corrupt("column"));
    let sha: Vec<u8> = row.try_get(6).map_err(|_| corrupt("column"))?;
    Ok(DocumentRecord {
        id: row.try_get(0).map_err(|_| corrupt("column"))?,
        kek_version: u32::try_from(get_i64(1)?).map_err(|_| corrupt("key version"))?,
        wrapped_dek: row.try_get(2).map_err(|_| corrupt("column"))?,
        name: row.try_get(3).map_err(|_| corrupt("column"))?,
        content_type: row.try_get(4).map_err(|_| corrupt("column"))?,
        size: u64::try_from(get_i64(5)?).map_err(|_| corrupt("size"))?,
        original_sha256: sha.try_into().map_err(|_| corrupt("hash"))?,
        filed_by: row.try_get(7).map_err(|_| corrupt("column"))?,
        filed_at: get_i64(8)?,
        codes,
        findings: decode_findings(&row.try_get::<String, _>(9).map_err(|_| corrupt("column"))?)?,
        retain_until: row.try_get(10).map_err(|_| corrupt("column"))?,
        chunk_count: u32::try_from(get_i64(11)?).map_err(|_| corrupt("chunk count"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_round_trip_and_damage_is_corrupt() {
        let f = vec![("CARD_NUMBER".to_owned(), 2), ("PERSON".to_owned(), 11)];
        assert_eq!(encode_findings(&f), "CARD_NUMBER=2,PERSON=11");
        assert_eq!(decode_findings(&encode_findings(&f)).unwrap(), f);
        assert_eq!(decode_findings("").unwrap(), vec![]);
        assert!(decode_findings("PERSON").is_err());
        assert!(decode_findings("PERSON=x").is_err());
    }
}
