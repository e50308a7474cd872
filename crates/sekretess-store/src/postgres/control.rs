//! `Store` for PostgreSQL: vault metadata, groups and their placement, the directory and
//! erasures, in the control database.

use sekretess_core::store::{
    FIRST_RECORD_VERSION, GroupKeyKind, GroupRow, GroupState, SealedGroupKey, SealedVaultKey, Store,
    VaultMeta,
};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use super::pool::migrate_schema;
use super::*;
use crate::codec::{vault_key, version_from_sql, version_to_sql};
use crate::migrate;

fn group_row(row: &PgRow) -> Result<GroupRow, StoreError> {
    let state: String = row.try_get("state").map_err(map_err)?;
    let id: i64 = row.try_get("id").map_err(map_err)?;
    let kek: i64 = row.try_get("current_kek_version").map_err(map_err)?;
    Ok(GroupRow {
        id: u32::try_from(id).map_err(|_| StoreError::Corrupt("group id".into()))?,
        name: row.try_get("name").map_err(map_err)?,
        location: row.try_get("location").map_err(map_err)?,
        state: GroupState::parse(&state).ok_or_else(|| StoreError::Corrupt("group state".into()))?,
        current_kek_version: u32::try_from(kek).map_err(|_| StoreError::Corrupt("kek version".into()))?,
        created_at: row.try_get("created_at").map_err(map_err)?,
    })
}

impl Store for PgStore {
    type Group = PgGroup;

    async fn load_meta(&self) -> Result<Option<VaultMeta>, StoreError> {
        let row = sqlx::query("SELECT key_id, threshold, share_count, created_at FROM sekretess.vault_meta")
            .fetch_optional(&self.inner.control)
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let key_id: Vec<u8> = row.try_get("key_id").map_err(map_err)?;
        let small = |col: &str| -> Result<u8, StoreError> {
            let v: i64 = row.try_get(col).map_err(map_err)?;
            u8::try_from(v).map_err(|_| StoreError::Corrupt(format!("vault {col}")))
        };
        Ok(Some(VaultMeta {
            key_id: key_id.try_into().map_err(|_| StoreError::Corrupt("vault key id".into()))?,
            threshold: small("threshold")?,
            share_count: small("share_count")?,
            created_at: row.try_get("created_at").map_err(map_err)?,
        }))
    }

    async fn init_meta(&self, meta: &VaultMeta) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sekretess.vault_meta (singleton, key_id, threshold, share_count, created_at) \
             VALUES (1, $1, $2, $3, $4)",
        )
        .bind(&meta.key_id[..])
        .bind(i64::from(meta.threshold))
        .bind(i64::from(meta.share_count))
        .bind(meta.created_at)
        .execute(&self.inner.control)
        .await
        .map_err(|e| match map_err(e) {
            StoreError::Conflict { .. } => StoreError::Conflict { what: "vault already initialized".into() },
            other => other,
        })?;
        Ok(())
    }

    async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError> {
        let rows = sqlx::query("SELECT * FROM sekretess.groups ORDER BY id")
            .fetch_all(&self.inner.control)
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
        let placement = self.placement_for(id, name)?;
        let location = Self::location_of(&placement, id)?;
        let mut tx = self.inner.control.begin().await.map_err(map_err)?;
        sqlx::query(
            "INSERT INTO sekretess.groups (id, name, location, state, current_kek_version, created_at) \
             VALUES ($1, $2, $3, 'open', 1, $4)",
        )
        .bind(i64::from(id))
        .bind(name)
        .bind(&location)
        .bind(created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        for k in keys {
            sqlx::query(
                "INSERT INTO sekretess.group_keys (group_id, kind, version, sealed) VALUES ($1, $2, $3, $4)",
            )
            .bind(i64::from(id))
            .bind(k.kind.as_str())
            .bind(i64::from(k.version))
            .bind(&k.sealed)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        // Create and migrate the group's own schema before the group becomes visible.
        let options = self.options_of(&location)?;
        self.ensure_database(&location, &options).await?;
        migrate_schema(
            &options,
            self.inner.options.acquire_timeout,
            &group_schema(id),
            migrate::POSTGRES_GROUP,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        if let Ok(mut named) = self.inner.named.lock() {
            named.remove(name);
        }
        Ok(GroupRow {
            id,
            name: name.to_owned(),
            location,
            state: GroupState::Open,
            current_kek_version: 1,
            created_at,
        })
    }

    async fn add_group_kek(&self, group: u32, key: &SealedGroupKey) -> Result<(), StoreError> {
        let mut tx = self.inner.control.begin().await.map_err(map_err)?;
        let moved = sqlx::query(
            "UPDATE sekretess.groups SET current_kek_version = $1 WHERE id = $2 AND current_kek_version = $1 - 1",
        )
        .bind(i64::from(key.version))
        .bind(i64::from(group))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if moved.rows_affected() != 1 {
            return Err(StoreError::Conflict { what: "key version".into() });
        }
        sqlx::query(
            "INSERT INTO sekretess.group_keys (group_id, kind, version, sealed) VALUES ($1, 'kek', $2, $3)",
        )
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
            "DELETE FROM sekretess.group_keys WHERE group_id = $1 AND kind = 'kek' AND version = $2 \
             AND version <> (SELECT current_kek_version FROM sekretess.groups WHERE id = $1)",
        )
        .bind(i64::from(group))
        .bind(i64::from(version))
        .execute(&self.inner.control)
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
            "UPDATE sekretess.group_keys SET uses = uses + $1 \
             WHERE group_id = $2 AND kind = 'kek' AND version = $3 AND uses <= $4 - $1",
        )
        .bind(n)
        .bind(i64::from(group))
        .bind(i64::from(version))
        .bind(limit)
        .execute(&self.inner.control)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn vault_keys(&self) -> Result<Vec<SealedVaultKey>, StoreError> {
        let rows: Vec<(String, i64, Vec<u8>)> =
            sqlx::query_as("SELECT kind, version, sealed FROM sekretess.vault_keys ORDER BY kind, version")
                .fetch_all(&self.inner.control)
                .await
                .map_err(map_err)?;
        rows.into_iter().map(vault_key).collect()
    }

    async fn add_vault_keys(&self, keys: &[SealedVaultKey]) -> Result<(), StoreError> {
        let mut tx = self.inner.control.begin().await.map_err(map_err)?;
        for k in keys {
            sqlx::query("INSERT INTO sekretess.vault_keys (kind, version, sealed) VALUES ($1, $2, $3)")
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
        let mut tx = self.inner.control.begin().await.map_err(map_err)?;
        let moved = sqlx::query(
            "UPDATE sekretess.vault_meta SET key_id = $1, threshold = $2, share_count = $3 WHERE key_id = $4",
        )
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
        // Rotations wait for this transaction: the keyring cannot grow under it.
        sqlx::query("LOCK TABLE sekretess.group_keys IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sekretess.group_keys")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_err)?;
        if usize::try_from(stored).ok() != Some(group_keys.len()) {
            return Err(conflict("group keys"));
        }
        for (group, k) in group_keys {
            let done = sqlx::query(
                "UPDATE sekretess.group_keys SET sealed = $1 WHERE group_id = $2 AND kind = $3 AND version = $4",
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
        sqlx::query("DELETE FROM sekretess.vault_keys").execute(&mut *tx).await.map_err(map_err)?;
        for k in vault_keys {
            sqlx::query("INSERT INTO sekretess.vault_keys (kind, version, sealed) VALUES ($1, $2, $3)")
                .bind(k.kind.as_str())
                .bind(i64::from(k.version))
                .bind(&k.sealed)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn set_group_state(&self, id: u32, state: GroupState) -> Result<(), StoreError> {
        sqlx::query("UPDATE sekretess.groups SET state = $1 WHERE id = $2")
            .bind(state.as_str())
            .bind(i64::from(id))
            .execute(&self.inner.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn group_schema(&self, group: u32) -> Result<Option<(u32, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT version, fields FROM sekretess.group_schemas WHERE group_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(i64::from(group))
        .fetch_optional(&self.inner.control)
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
        sqlx::query(
            "INSERT INTO sekretess.group_schemas (group_id, version, fields, changed_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(i64::from(group))
        .bind(i64::from(version))
        .bind(fields)
        .bind(at)
        .execute(&self.inner.control)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn group_keys(&self, id: u32) -> Result<Vec<SealedGroupKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, version, sealed FROM sekretess.group_keys WHERE group_id = $1 ORDER BY kind, version",
        )
        .bind(i64::from(id))
        .fetch_all(&self.inner.control)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind").map_err(map_err)?;
                let version: i64 = r.try_get("version").map_err(map_err)?;
                Ok(SealedGroupKey {
                    kind: GroupKeyKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt("group key kind".into()))?,
                    version: u32::try_from(version)
                        .map_err(|_| StoreError::Corrupt("group key version".into()))?,
                    sealed: r.try_get("sealed").map_err(map_err)?,
                })
            })
            .collect()
    }

    /// Does not connect: the group's pool connects (and migrates) on first use, so a group
    /// whose server is down fails alone.
    async fn open_group(&self, group: &GroupRow) -> Result<PgGroup, StoreError> {
        let options = self.options_of(&group.location)?;
        let pool = self.pool_of(&group.location, &options)?;
        Ok(PgGroup {
            inner: Arc::new(GroupInner {
                pool,
                options,
                timeout: self.inner.options.acquire_timeout,
                schema: group_schema(group.id),
                location: group.location.clone(),
                ready: tokio::sync::OnceCell::new(),
            }),
        })
    }

    async fn directory_insert(&self, codes: &[String], group: u32) -> Result<(), StoreError> {
        let mut tx = self.inner.control.begin().await.map_err(map_err)?;
        for chunk in codes.chunks(ROWS_PER_STATEMENT) {
            let mut q: QueryBuilder<Postgres> =
                QueryBuilder::new("INSERT INTO sekretess.directory (code, group_id, version) ");
            q.push_values(chunk, |mut b, code| {
                b.push_bind(code).push_bind(i64::from(group)).push_bind(version_to_sql(FIRST_RECORD_VERSION));
            });
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn directory_remove(&self, codes: &[String]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sekretess.directory WHERE code = ANY($1)")
            .bind(codes)
            .execute(&self.inner.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn directory_lookup(&self, code: &str) -> Result<Option<u32>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT group_id FROM sekretess.directory WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.inner.control)
            .await
            .map_err(map_err)?;
        row.map(|(g,)| u32::try_from(g).map_err(|_| StoreError::Corrupt("directory group id".into())))
            .transpose()
    }

    async fn directory_versions(&self, codes: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT code, version FROM sekretess.directory WHERE code = ANY($1)")
                .bind(codes)
                .fetch_all(&self.inner.control)
                .await
                .map_err(map_err)?;
        rows.into_iter().map(|(code, v)| Ok((code, version_from_sql(v)?))).collect()
    }

    async fn directory_set_version(&self, code: &str, version: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sekretess.directory SET version = $1 WHERE code = $2 AND version < $1")
            .bind(version_to_sql(version))
            .bind(code)
            .execute(&self.inner.control)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn directory_set_versions(&self, versions: &[(String, u64)]) -> Result<(), StoreError> {
        if versions.is_empty() {
            return Ok(());
        }
        let codes: Vec<&str> = versions.iter().map(|(c, _)| c.as_str()).collect();
        let numbers: Vec<i64> = versions.iter().map(|&(_, v)| version_to_sql(v)).collect();
        sqlx::query(
            "UPDATE sekretess.directory d SET version = v.version \
             FROM UNNEST($1::text[], $2::bigint[]) AS v(code, version) \
             WHERE d.code = v.code AND d.version < v.version",
        )
        .bind(&codes)
        .bind(&numbers)
        .execute(&self.inner.control)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn record_erasure(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sekretess.erasures (code, group_id, erased_at) VALUES ($1, $2, $3) \
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(i64::from(group))
        .bind(at)
        .execute(&self.inner.control)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn is_erased(&self, code: &str) -> Result<bool, StoreError> {
        let row: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM sekretess.erasures WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.inner.control)
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
