//! API keys in the control store: only a hash is kept, revocation sticks, and the
//! authentication answer is the same for every failure.

use sekretess_core::access::{self, AccessStore, SECURITY_OFFICER, Scope};
use sekretess_core::{ManualClock, VaultError};
use sekretess_store::SqliteStore;

use crate::common::NOW;

#[tokio::test]
async fn api_keys_are_stored_hashed_and_revocable() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let clock = ManualClock::new(NOW);

    let (rec, token) =
        access::create_api_key(&store, &clock, "etl", &["customers:read".into()], &["retail".into()])
            .await
            .unwrap();
    assert!(token.expose().starts_with("sk_"));
    assert!(!format!("{token:?}").contains(&token.expose()[4..]));
    let stored = store.get_api_key(&rec.id).await.unwrap().unwrap();
    assert_eq!(stored, rec);
    assert_eq!(stored.created_at, NOW);

    let caller = access::authenticate(&store, token.expose()).await.unwrap();
    assert_eq!(caller.scopes, vec![Scope::CustomersRead]);
    assert!(caller.groups.allows("retail") && !caller.groups.allows("private"));

    // A wrong secret with the right id, a made-up id, and garbage: one answer.
    let t = token.expose();
    let wrong = format!("{}{}", &t[..t.len() - 1], if t.ends_with('0') { '1' } else { '0' });
    for bad in [wrong.as_str(), "sk_aaaaaaaaaaaaa_bbbb", "", "Bearer x"] {
        assert_eq!(access::authenticate(&store, bad).await, Err(VaultError::Unauthenticated));
    }

    let (admin, _) =
        access::create_api_key(&store, &clock, "root", &[SECURITY_OFFICER.into()], &["*".into()])
            .await
            .unwrap();
    assert_eq!(admin.scopes.len(), Scope::ALL.len());
    assert_eq!(store.list_api_keys().await.unwrap().len(), 2);

    assert!(store.revoke_api_key(&rec.id, NOW + 5).await.unwrap());
    assert!(!store.revoke_api_key(&rec.id, NOW + 6).await.unwrap());
    assert!(!store.revoke_api_key("nope", NOW).await.unwrap());
    assert_eq!(store.get_api_key(&rec.id).await.unwrap().unwrap().revoked_at, Some(NOW + 5));
    assert_eq!(access::authenticate(&store, token.expose()).await, Err(VaultError::Unauthenticated));

    // The secret itself is nowhere in the control database.
    store.close().await;
    let secret = t.rsplit('_').next().unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(memchr::memmem::find(&bytes, secret.as_bytes()).is_none(), "{}", path.display());
        }
    }

    assert!(
        access::create_api_key(&store, &clock, "", &["customers:read".into()], &["*".into()]).await.is_err()
    );
}
