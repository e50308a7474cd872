//! The document archive's part of a PostgreSQL group store (`DocumentStore`), in the
//! group's schema.

use sekretess_core::store::{DocumentRecord, DocumentStore};
use sqlx::Row;

use super::*;
use crate::codec::documents::{DOCUMENT_COLUMNS, document_record, encode_findings, to_sql};

impl PgGroup {
    async fn codes_of(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT code FROM {}.document_codes WHERE document = $1 ORDER BY code",
            self.inner.schema
        ))
        .bind(id)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }
}

impl DocumentStore for PgGroup {
    async fn insert_document(&self, doc: &DocumentRecord, chunks: &[Vec<u8>]) -> Result<(), StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let mut tx = self.inner.pool.begin().await.map_err(map_err)?;
        sqlx::query(&format!(
            "INSERT INTO {s}.documents ({DOCUMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(doc.id.as_str())
        .bind(i64::from(doc.kek_version))
        .bind(doc.wrapped_dek.as_slice())
        .bind(doc.name.as_slice())
        .bind(doc.content_type.as_str())
        .bind(to_sql(doc.size))
        .bind(&doc.original_sha256[..])
        .bind(doc.filed_by.as_str())
        .bind(doc.filed_at)
        .bind(encode_findings(&doc.findings))
        .bind(doc.retain_until)
        .bind(i64::from(doc.chunk_count))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for (index, data) in chunks.iter().enumerate() {
            sqlx::query(&format!(
                "INSERT INTO {s}.document_chunks (document, idx, data) VALUES ($1, $2, $3)"
            ))
            .bind(doc.id.as_str())
            .bind(index as i64)
            .bind(data.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        if !doc.codes.is_empty() {
            sqlx::query(&format!(
                "INSERT INTO {s}.document_codes (code, document) SELECT c, $2 FROM unnest($1::text[]) AS c \
                 ON CONFLICT DO NOTHING"
            ))
            .bind(&doc.codes)
            .bind(doc.id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn get_document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        self.ready().await?;
        let row = sqlx::query(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM {}.documents WHERE id = $1",
            self.inner.schema
        ))
        .bind(id)
        .fetch_optional(&self.inner.pool)
        .await
        .map_err(map_err)?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(document_record(&row, self.codes_of(id).await?)?)),
        }
    }

    async fn document_chunk(&self, id: &str, index: u32) -> Result<Option<Vec<u8>>, StoreError> {
        self.ready().await?;
        let row: Option<(Vec<u8>,)> = sqlx::query_as(&format!(
            "SELECT data FROM {}.document_chunks WHERE document = $1 AND idx = $2",
            self.inner.schema
        ))
        .bind(id)
        .bind(i64::from(index))
        .fetch_optional(&self.inner.pool)
        .await
        .map_err(map_err)?;
        Ok(row.map(|(d,)| d))
    }

    async fn documents_of(&self, code: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        self.ready().await?;
        let s = &self.inner.schema;
        let columns = DOCUMENT_COLUMNS.replace(", ", ", d.");
        let rows = sqlx::query(&format!(
            "SELECT d.{columns} FROM {s}.document_codes c JOIN {s}.documents d ON d.id = c.document \
             WHERE c.code = $1 ORDER BY d.filed_at, d.id"
        ))
        .bind(code)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get(0).map_err(map_err)?;
            out.push(document_record(row, self.codes_of(&id).await?)?);
        }
        Ok(out)
    }

    async fn document_kek_versions(&self) -> Result<Vec<u32>, StoreError> {
        self.ready().await?;
        let rows: Vec<(i64,)> = sqlx::query_as(&format!(
            "SELECT DISTINCT kek_version::BIGINT FROM {}.documents",
            self.inner.schema
        ))
        .fetch_all(&self.inner.pool)
        .await
        .map_err(map_err)?;
        rows.into_iter()
            .map(|(v,)| u32::try_from(v).map_err(|_| StoreError::Corrupt("document key version".into())))
            .collect()
    }

    async fn delete_document(&self, id: &str) -> Result<bool, StoreError> {
        self.ready().await?;
        let done = sqlx::query(&format!("DELETE FROM {}.documents WHERE id = $1", self.inner.schema))
            .bind(id)
            .execute(&self.inner.pool)
            .await
            .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }
}
