//! A store whose audit log writes nothing: only to measure what auditing costs, side by
//! side in one run. Never used by the product.

use sekretess_core::access::{AccessStore, ApiKeyRecord};
use sekretess_core::audit::{AuditStore, Entry};
use sekretess_core::error::StoreError;
use sekretess_core::store::{GroupRow, GroupState, SealedGroupKey, Store, VaultMeta};
use sekretess_store::{SqliteGroup, SqliteStore};

#[derive(Clone)]
pub struct Unaudited(pub SqliteStore);

impl AuditStore for Unaudited {
    async fn audit_head(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        Ok(None)
    }
    async fn audit_append(&self, _prev_seq: u64, _entries: &[Entry]) -> Result<(), StoreError> {
        Ok(())
    }
    async fn audit_read(&self, _from: u64, _limit: usize) -> Result<Vec<Entry>, StoreError> {
        Ok(Vec::new())
    }
}

impl Store for Unaudited {
    type Group = SqliteGroup;

    async fn load_meta(&self) -> Result<Option<VaultMeta>, StoreError> {
        self.0.load_meta().await
    }
    async fn init_meta(&self, meta: &VaultMeta) -> Result<(), StoreError> {
        self.0.init_meta(meta).await
    }
    async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError> {
        self.0.list_groups().await
    }
    async fn create_group(
        &self,
        id: u32,
        name: &str,
        created_at: i64,
        keys: &[SealedGroupKey],
    ) -> Result<GroupRow, StoreError> {
        self.0.create_group(id, name, created_at, keys).await
    }
    async fn set_group_state(&self, id: u32, state: GroupState) -> Result<(), StoreError> {
        self.0.set_group_state(id, state).await
    }
    async fn group_keys(&self, id: u32) -> Result<Vec<SealedGroupKey>, StoreError> {
        self.0.group_keys(id).await
    }
    async fn open_group(&self, group: &GroupRow) -> Result<SqliteGroup, StoreError> {
        self.0.open_group(group).await
    }
    async fn directory_insert(&self, codes: &[String], group: u32) -> Result<(), StoreError> {
        self.0.directory_insert(codes, group).await
    }
    async fn directory_remove(&self, codes: &[String]) -> Result<(), StoreError> {
        self.0.directory_remove(codes).await
    }
    async fn directory_lookup(&self, code: &str) -> Result<Option<u32>, StoreError> {
        self.0.directory_lookup(code).await
    }
    async fn directory_versions(&self, codes: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        self.0.directory_versions(codes).await
    }
    async fn directory_set_version(&self, code: &str, version: u64) -> Result<(), StoreError> {
        self.0.directory_set_version(code, version).await
    }
    async fn record_erasure(&self, code: &str, group: u32, at: i64) -> Result<(), StoreError> {
        self.0.record_erasure(code, group, at).await
    }
    async fn is_erased(&self, code: &str) -> Result<bool, StoreError> {
        self.0.is_erased(code).await
    }
}

impl AccessStore for Unaudited {
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        self.0.insert_api_key(key).await
    }
    async fn get_api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.0.get_api_key(id).await
    }
    async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.0.list_api_keys().await
    }
    async fn revoke_api_key(&self, id: &str, at: i64) -> Result<bool, StoreError> {
        self.0.revoke_api_key(id, at).await
    }
}
