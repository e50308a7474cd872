//! `Store` for SQLite: vault metadata, groups, the directory and erasures.

use sekretess_core::store::{
    FIRST_RECORD_VERSION, GroupKeyKind, GroupRow, GroupState, SealedGroupKey, Store, VaultMeta,
};
use sqlx::{QueryBuilder, Sqlite};

use super::index::INDEX_STAGING;
use super::*;
use crate::codec::{version_from_sql, version_to_sql};

fn group_row(row: &sqlx::sqlite::SqliteRow) -> Result<GroupRow, StoreError> {
    let state: String = row.try_get("state").map_err(map_err)?;
    Ok(GroupRow {
        id: row.try_get::<i64, _>("id").map_err(map_err)? as u32,
        name: row.try_get("name").map_err(map_err)?,
        location: row.try_get("location").map_err(map_err)?,
        state: GroupState::parse(&state).ok_or_else(|| StoreError::Corrupt("group state".into()))?,
        current_kek_version: row.try_get::<i64, _>("current_kek_version").map_err(map_err)? as u32,
        created_at: row.try_get("created_at").map_err(map_err)?,
    })
}

impl Store for SqliteStore {
    type Group = SqliteGroup;

    async fn load_meta(&self) -> Result<Option<VaultMeta>, StoreError> {
        let row = sqlx::query("SELECT key_id, threshold, share_count, created_at FROM vault_meta")
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let key_id: Vec<u8> = row.try_get("key_id").map_err(map_err)?;
        Ok(Some(VaultMeta {
            key_id: key_id.try_into().map_err(|_| StoreError::Corrupt("vault key id".into()))?,
            threshold: row.try_get::<i64, _>("threshold").map_err(map_err)? as u8,
            share_count: row.try_get::<i64, _>("share_count").map_err(map_err)? as u8,
            created_at: row.try_get("created_at").map_err(map_err)?,
        }))
    }

    async fn init_meta(&self, meta: &VaultMeta) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vault_meta (singleton, key_id, threshold, share_count, created_at) VALUES (1, ?, ?, ?, ?)",
        )
        .bind(&meta.key_id[..])
        .bind(i64::from(meta.threshold))
        .bind(i64::from(meta.share_count))
        .bind(meta.created_at)
        .execute(&self.control)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict { .. } => StoreError::Conflict { what: "vault already initialized".into() },
            other => other,
        })?;
        Ok(())
    }

    async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError> {
        let rows = sqlx::query("SELECT * FROM groups ORDER BY id")
            .fetch_all(&self.control)
            .await
            .map_err(map_err)?;
        rows.iter().map(group_row).collect()
    }

    async fn create_group(
        &self,
        id: u32,
        name: &str,
        created_at: i64,
        keys: &[SealedGroupKey],
    ) -> Result<GroupRow, StoreError> {
        let location = format!("{GROUPS_DIR}/group-{id}.db");
        let mut tx = self.control.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO groups (id, name, location, state, current_kek_version, created_at) VALUES (?, ?, ?, 'open', 1, ?)",
        )
        .bind(i64::from(id))
        .bind(name)
        .bind(&location)
        .bind(created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for k in keys {
            sqlx::query("INSERT INTO group_keys (group_id, kind, version, sealed) VALUES (?, ?, ?, ?)")
                .bind(i64::from(id))
                .bind(k.kind.as_str())
                .bind(i64::from(k.version))
                .bind(&k.sealed)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        let row = GroupRow {
            id,
            name: name.to_owned(),
            location,
            state: GroupState::Open,
            current_kek_version: 1,
            created_at,
        };
        // Create and migrate the group's own database before the group becomes visible.
        self.open_group(&row).await?.close().await;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn set_group_state(&self, id: u32, state: GroupState) -> Result<(), StoreError> {
        sqlx::query("UPDATE groups SET state = ? WHERE id = ?")
            .bind(state.as_str())
            .bind(i64::from(id))
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn group_keys(&self, id: u32) -> Result<Vec<SealedGroupKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, version, sealed FROM group_keys WHERE group_id = ? ORDER BY kind, version",
        )
        .bind(i64::from(id))
        .fetch_all(&self.control)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind").map_err(map_err)?;
                Ok(SealedGroupKey {
                    kind: GroupKeyKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt("group key kind".into()))?,
                    version: r.try_get::<i64, _>("version").map_err(map_err)? as u32,
                    sealed: r.try_get("sealed").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn open_group(&self, group: &GroupRow) -> Result<SqliteGroup, StoreError> {
        // Locations are written by this store; refuse anything that would leave the folder.
        if group.location.contains("..") || group.location.starts_with('/') {
            return Err(StoreError::Corrupt("group location".into()));
        }
        let path = self.dir.join(&group.location);
        let pool = open_pool(&path, 4).await?;
        migrate::migrator(migrate::SQLITE_GROUP)
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(format!("group database migration failed: {e}")))?;
        Ok(SqliteGroup {
            pool,
            path,
            checkpoints: Checkpointer::default(),
            staging: INDEX_STAGING,
            filters: FilterCache::default(),
            runs: Arc::default(),
        })
    }

    async fn directory_insert(&self, codes: &[String], group: u32) -> Result<(), StoreError> {
        // Random codes in key order: each B-tree page is visited once.
        let mut sorted: Vec<&String> = codes.iter().collect();
        sorted.sort_unstable();
        let mut tx = self.control.begin().await.map_err(map_err)?;
        for chunk in sorted.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT OR FAIL INTO directory (code, group_id, version) ");
            q.push_values(chunk, |mut b, code| {
                b.push_bind(code).push_bind(i64::from(group)).push_bind(version_to_sql(FIRST_RECORD_VERSION));
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
        self.control_checkpoints.after_commit(&self.control);
        Ok(())
    }

    async fn directory_remove(&self, codes: &[String]) -> Result<(), StoreError> {
        let mut tx = self.control.begin().await.map_err(map_err)?;
        for code in codes {
            sqlx::query("DELETE FROM directory WHERE code = ?")
                .bind(code)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn directory_lookup(&self, code: &str) -> Result<Option<u32>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT group_id FROM directory WHERE code = ?")
            .bind(code)
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        Ok(row.map(|(g,)| g as u32))
    }

    async fn directory_versions(&self, codes: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        // One code (a read alone in its round) is the common case: one prepared statement.
        let rows: Vec<(String, i64)> = if let [code] = codes {
            sqlx::query_as("SELECT code, version FROM directory WHERE code = ?")
                .bind(code)
                .fetch_all(&self.control)
                .await
                .map_err(map_err)?
        } else {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT code, version FROM directory WHERE code IN (");
            let mut list = q.separated(", ");
            for code in codes {
                list.push_bind(code.as_str());
            }
            q.push(")");
            q.build_query_as().fetch_all(&self.control).await.map_err(map_err)?
        };
        rows.into_iter().map(|(code, v)| Ok((code, version_from_sql(v)?))).collect()
    }

    async fn directory_set_version(&self, code: &str, version: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE directory SET version = ?1 WHERE code = ?2 AND version < ?1")
            .bind(version_to_sql(version))
            .bind(code)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        self.control_checkpoints.after_commit(&self.control);
        Ok(())
    }

    async fn record_erasure(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO erasures (code, group_id, erased_at) VALUES (?, ?, ?)")
            .bind(code)
            .bind(i64::from(group))
            .bind(at)
            .execute(&self.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn is_erased(&self, code: &str) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM erasures WHERE code = ?")
            .bind(code)
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        Ok(row.is_some())
    }
}
