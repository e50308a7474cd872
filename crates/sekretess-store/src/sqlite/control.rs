//! `Store` for SQLite: vault metadata, groups, the directory and erasures.

use sekretess_core::store::{
    FIRST_RECORD_VERSION, GroupKeyKind, GroupRow, GroupState, SealedGroupKey, SealedVaultKey, Store,
    VaultMeta,
};
use sqlx::{QueryBuilder, Sqlite};

use super::index::INDEX_STAGING;
use super::*;
use crate::codec::{vault_key, version_from_sql, version_to_sql};

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

    async fn group_schema(&self, group: u32) -> Result<Option<(u32, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT version, fields FROM group_schemas WHERE group_id = ? ORDER BY version DESC LIMIT 1",
        )
        .bind(i64::from(group))
        .fetch_optional(&self.control)
        .await
        .map_err(map_err)?;
        row.map(|r| {
            let version: i64 = r.try_get("version").map_err(map_err)?;
            let version = u32::try_from(version).map_err(|_| StoreError::Corrupt("schema version".into()))?;
            Ok((version, r.try_get("fields").map_err(map_err)?))
        })
        .transpose()
    }

    async fn put_group_schema(
        &self,
        group: u32,
        version: u32,
        fields: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO group_schemas (group_id, version, fields, changed_at) VALUES (?, ?, ?, ?)")
            .bind(i64::from(group))
            .bind(i64::from(version))
            .bind(fields)
            .bind(at)
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

    async fn add_group_kek(&self, group: u32, key: &SealedGroupKey) -> Result<(), StoreError> {
        let mut tx = self.control.begin().await.map_err(map_err)?;
        let moved = sqlx::query(
            "UPDATE groups SET current_kek_version = ?1 WHERE id = ?2 AND current_kek_version = ?1 - 1",
        )
        .bind(i64::from(key.version))
        .bind(i64::from(group))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if moved.rows_affected() != 1 {
            return Err(StoreError::Conflict { what: "key version".into() });
        }
        sqlx::query("INSERT INTO group_keys (group_id, kind, version, sealed) VALUES (?, 'kek', ?, ?)")
            .bind(i64::from(group))
            .bind(i64::from(key.version))
            .bind(&key.sealed)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        tx.commit().await.map_err(map_err)
    }

    async fn retire_group_kek(&self, group: u32, version: u32) -> Result<(), StoreError> {
        let done = sqlx::query(
            "DELETE FROM group_keys WHERE group_id = ?1 AND kind = 'kek' AND version = ?2 \
             AND version <> (SELECT current_kek_version FROM groups WHERE id = ?1)",
        )
        .bind(i64::from(group))
        .bind(i64::from(version))
        .execute(&self.control)
        .await
        .map_err(map_err)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { what: "key version".into() });
        }
        Ok(())
    }

    async fn reserve_kek_uses(
        &self,
        group: u32,
        version: u32,
        n: u64,
        limit: u64,
    ) -> Result<bool, StoreError> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let done = sqlx::query(
            "UPDATE group_keys SET uses = uses + ?1 \
             WHERE group_id = ?2 AND kind = 'kek' AND version = ?3 AND uses <= ?4 - ?1",
        )
        .bind(n)
        .bind(i64::from(group))
        .bind(i64::from(version))
        .bind(limit)
        .execute(&self.control)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn vault_keys(&self) -> Result<Vec<SealedVaultKey>, StoreError> {
        let rows: Vec<(String, i64, Vec<u8>)> =
            sqlx::query_as("SELECT kind, version, sealed FROM vault_keys ORDER BY kind, version")
                .fetch_all(&self.control)
                .await
                .map_err(map_err)?;
        rows.into_iter().map(vault_key).collect()
    }

    async fn add_vault_keys(&self, keys: &[SealedVaultKey]) -> Result<(), StoreError> {
        let mut tx = self.control.begin().await.map_err(map_err)?;
        for k in keys {
            sqlx::query("INSERT INTO vault_keys (kind, version, sealed) VALUES (?, ?, ?)")
                .bind(k.kind.as_str())
                .bind(i64::from(k.version))
                .bind(&k.sealed)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn rekey(
        &self,
        old_key_id: &[u8; 5],
        meta: &VaultMeta,
        group_keys: &[(u32, SealedGroupKey)],
        vault_keys: &[SealedVaultKey],
    ) -> Result<(), StoreError> {
        let conflict = |what: &str| StoreError::Conflict { what: what.into() };
        let mut tx = self.control.begin().await.map_err(map_err)?;
        let moved =
            sqlx::query("UPDATE vault_meta SET key_id = ?, threshold = ?, share_count = ? WHERE key_id = ?")
                .bind(&meta.key_id[..])
                .bind(i64::from(meta.threshold))
                .bind(i64::from(meta.share_count))
                .bind(&old_key_id[..])
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        if moved.rows_affected() != 1 {
            return Err(conflict("root key"));
        }
        let (stored,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM group_keys").fetch_one(&mut *tx).await.map_err(map_err)?;
        if usize::try_from(stored).ok() != Some(group_keys.len()) {
            return Err(conflict("group keys"));
        }
        for (group, k) in group_keys {
            let done = sqlx::query(
                "UPDATE group_keys SET sealed = ? WHERE group_id = ? AND kind = ? AND version = ?",
            )
            .bind(&k.sealed)
            .bind(i64::from(*group))
            .bind(k.kind.as_str())
            .bind(i64::from(k.version))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            if done.rows_affected() != 1 {
                return Err(conflict("group keys"));
            }
        }
        sqlx::query("DELETE FROM vault_keys").execute(&mut *tx).await.map_err(map_err)?;
        for k in vault_keys {
            sqlx::query("INSERT INTO vault_keys (kind, version, sealed) VALUES (?, ?, ?)")
                .bind(k.kind.as_str())
                .bind(i64::from(k.version))
                .bind(&k.sealed)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
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
            reader: Arc::new(Reader::new(path.clone())),
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
        let read = |conn: &rusqlite::Connection| {
            use rusqlite::OptionalExtension;
            let mut statement = conn.prepare_cached("SELECT group_id FROM directory WHERE code = ?")?;
            statement.query_row([code], |row| row.get::<_, u32>(0)).optional()
        };
        if let Some(found) = self.control_reader.read(read) {
            return Ok(found);
        }
        let row: Option<(i64,)> = sqlx::query_as("SELECT group_id FROM directory WHERE code = ?")
            .bind(code)
            .fetch_optional(&self.control)
            .await
            .map_err(map_err)?;
        Ok(row.map(|(g,)| g as u32))
    }

    async fn directory_versions(&self, codes: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        let read = |conn: &rusqlite::Connection| {
            let sql = format!(
                "SELECT code, version FROM directory WHERE code IN ({})",
                super::reader::placeholders(codes.len())
            );
            let mut statement = conn.prepare_cached(&sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(codes), |row| {
                let version: i64 = row.get(1)?;
                Ok((
                    row.get(0)?,
                    u64::try_from(version)
                        .map_err(|_| rusqlite::Error::IntegralValueOutOfRange(1, version))?,
                ))
            })?;
            rows.collect::<rusqlite::Result<Vec<(String, u64)>>>()
        };
        if let Some(found) = self.control_reader.read(read) {
            return Ok(found);
        }
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

    async fn directory_set_versions(&self, versions: &[(String, u64)]) -> Result<(), StoreError> {
        if versions.is_empty() {
            return Ok(());
        }
        let mut tx = self.control.begin().await.map_err(map_err)?;
        for (code, version) in versions {
            sqlx::query("UPDATE directory SET version = ?1 WHERE code = ?2 AND version < ?1")
                .bind(version_to_sql(*version))
                .bind(code)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)?;
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

    async fn record_erasures(&self, codes: &[String], group: u32, at: i64) -> Result<(), StoreError> {
        self.journal_erasures(codes, group, at).await
    }

    async fn set_legal_hold(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        self.hold(code, group, at).await
    }

    async fn clear_legal_hold(&self, code: &str) -> Result<bool, StoreError> {
        self.release(code).await
    }

    async fn legal_hold(&self, code: &str) -> Result<Option<i64>, StoreError> {
        self.hold_of(code).await
    }

    async fn legal_holds(&self, group: u32) -> Result<Vec<String>, StoreError> {
        self.holds(group).await
    }
}
