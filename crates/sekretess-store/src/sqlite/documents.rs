//! The document archive's part of a SQLite group store (`DocumentStore`).

use sekretess_core::store::{DocumentRecord, DocumentStore};

use super::*;
use crate::codec::documents::{DOCUMENT_COLUMNS, document_record, encode_findings, to_sql};

impl SqliteGroup {
    async fn codes_of(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT code FROM document_codes WHERE document = ? ORDER BY code")
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }
}

impl DocumentStore for SqliteGroup {
    async fn insert_document(&self, doc: &DocumentRecord, chunks: &[Vec<u8>]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(&format!(
            "INSERT OR FAIL INTO documents ({DOCUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
            sqlx::query("INSERT INTO document_chunks (document, idx, data) VALUES (?, ?, ?)")
                .bind(doc.id.as_str())
                .bind(index as i64)
                .bind(data.as_slice())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        for code in &doc.codes {
            sqlx::query("INSERT OR IGNORE INTO document_codes (code, document) VALUES (?, ?)")
                .bind(code.as_str())
                .bind(doc.id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(())
    }

    async fn get_document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(document_record(&row, self.codes_of(id).await?)?)),
        }
    }

    async fn document_chunk(&self, id: &str, index: u32) -> Result<Option<Vec<u8>>, StoreError> {
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT data FROM document_chunks WHERE document = ? AND idx = ?")
                .bind(id)
                .bind(i64::from(index))
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
        Ok(row.map(|(d,)| d))
    }

    async fn documents_of(&self, code: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        let columns = DOCUMENT_COLUMNS.replace(", ", ", d.");
        let rows = sqlx::query(&format!(
            "SELECT d.{columns} FROM document_codes c JOIN documents d ON d.id = c.document \
             WHERE c.code = ? ORDER BY d.filed_at, d.id"
        ))
        .bind(code)
        .fetch_all(&self.pool)
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
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT DISTINCT kek_version FROM documents")
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        rows.into_iter()
            .map(|(v,)| u32::try_from(v).map_err(|_| StoreError::Corrupt("document key version".into())))
            .collect()
    }

    async fn delete_document(&self, id: &str) -> Result<bool, StoreError> {
        // Chunks and links go with it (foreign keys with ON DELETE CASCADE; secure_delete
        // zeroes the freed pages).
        let done = sqlx::query("DELETE FROM documents WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        self.checkpoints.after_commit(&self.pool);
        Ok(done.rows_affected() == 1)
    }
}
