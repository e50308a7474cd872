//! The document archive (`/v1/documents`): upload, list, download and delete with scopes
//! and grants; an uninspectable file stores nothing; audit entries and the stored bytes hold
//! no content. Codes found by the known-customer lookup may be added to a document's codes,
//! so the tests only check that the codes they link are there.

use sekretess_api::CreateApiKey;
use sekretess_api::audit::AuditQuery;
use sekretess_client::Client;
use sha2::Digest;

use crate::common::{Ready, TestServer, fields, kind};

/// Values of the letters (each appears in the original only).
const PNR: &str = "19121212-1212";
const PNR_SHORT: &str = "121212-1212";
const EMAIL: &str = "ada.lovelace@example.com";
const PHONE: &str = "070-123 45 67";
const CARD: &str = "4111 1111 1111 1111";
/// Plain text kept by redaction (not personal), to find the redacted copy at rest.
const MARKER: &str = "the quarterly ledger reconciliation memo";

fn letter(n: usize) -> String {
    format!(
        "Dear customer,\n\nRegarding {MARKER} number {n}: your personnummer {PNR} and card {CARD} are on file.\n\
         Contact: {EMAIL}, phone {PHONE}.\nAlso {PNR_SHORT} in the short form.\n\nKind regards\n"
    )
}

async fn key(r: &Ready, name: &str, scopes: &[&str], groups: &[&str]) -> Client {
    let created = r
        .admin()
        .create_api_key(&CreateApiKey {
            name: name.to_owned(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            groups: groups.iter().map(|s| s.to_string()).collect(),
        })
        .await
        .unwrap();
    r.ts.client(Some(&created.token))
}

/// (retail customer code, other-group customer code)
async fn customers(r: &Ready) -> (String, String) {
    let admin = r.admin();
    admin.create_group("other").await.unwrap();
    let ada = admin
        .create_customer("retail", fields(&[("full_name", "Ada Lovelace"), ("email", EMAIL)]))
        .await
        .unwrap()
        .code;
    let bo = admin.create_customer("other", fields(&[("full_name", "Bo Ek")])).await.unwrap().code;
    (ada, bo)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn download(c: &Client, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    c.download_document(id, &mut out).await.unwrap();
    out
}

#[tokio::test]
async fn upload_list_download_delete_with_scopes_and_grants() {
    let r = TestServer::ready().await;
    let (ada, bo) = customers(&r).await;
    let writer = key(&r, "writer", &["documents:write"], &["retail"]).await;
    let reader = key(&r, "reader", &["documents:read"], &["retail"]).await;
    let other_reader = key(&r, "other-reader", &["documents:read"], &["other"]).await;
    let customers_only = key(&r, "customers", &["customers:read", "customers:write"], &["*"]).await;

    let original = letter(1);
    let doc = writer
        .file_document(
            "retail",
            Some("Ada_Lovelace_19121212-1212.txt"),
            Some("text/plain"),
            original.clone().into_bytes(),
            std::slice::from_ref(&ada),
        )
        .await
        .unwrap();
    assert!(doc.id.starts_with("doc_") && doc.id.len() == 30, "{}", doc.id);
    assert_eq!(doc.group, "retail");
    assert!(doc.codes.contains(&ada), "{:?}", doc.codes);
    assert!(!doc.codes.contains(&bo));
    assert!(!doc.name.contains("19121212") && doc.name.ends_with(".txt"), "{}", doc.name);
    assert_eq!(doc.content_type, "text/plain");
    assert_eq!(
        doc.original_sha256,
        sha2::Sha256::digest(original.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    assert!(doc.findings.get("SE_PERSONNUMMER").is_some_and(|&n| n >= 2), "{:?}", doc.findings);
    assert!(doc.findings.contains_key("CARD_NUMBER") && doc.findings.contains_key("EMAIL"));
    assert!(doc.filed_by.starts_with("apikey:"));
    // Default retention: seven years (2,557 days) from filing.
    assert_eq!(doc.retain_until, Some(doc.filed_at + 2557 * 86_400));

    // The download is the redacted copy: none of the values, the rest of the text kept.
    let copy = download(&reader, &doc.id).await;
    assert_eq!(copy.len() as u64, doc.size);
    for v in [PNR, PNR_SHORT, EMAIL, PHONE, CARD, "1212-1212", "4111"] {
        assert!(!contains(&copy, v), "{v} in the redacted copy");
    }
    assert!(contains(&copy, MARKER) && contains(&copy, "Kind regards"), "{}", String::from_utf8_lossy(&copy));

    // Listing by code, only in reachable groups.
    let listed = reader.list_documents(&ada).await.unwrap();
    assert_eq!(listed, vec![doc.clone()]);
    let compact = ada.replace('-', "").to_lowercase(); // codes are case-insensitive
    assert_eq!(reader.list_documents(&compact).await.unwrap().len(), 1);
    assert!(other_reader.list_documents(&ada).await.unwrap().is_empty());
    assert!(reader.list_documents(&bo).await.unwrap().is_empty());
    // Another group's key, a made-up id: the same "not found".
    let mut sink = Vec::new();
    assert_eq!(kind(other_reader.download_document(&doc.id, &mut sink).await), "document-not-found");
    assert!(sink.is_empty());
    let made_up = format!("doc_{}", "0".repeat(26));
    assert_eq!(kind(reader.download_document(&made_up, &mut sink).await), "document-not-found");

    // Scopes: each route needs its own.
    assert_eq!(kind(writer.list_documents(&ada).await), "forbidden");
    assert_eq!(kind(reader.file_document("retail", None, None, b"x".to_vec(), &[]).await), "forbidden");
    assert_eq!(
        kind(customers_only.file_document("retail", None, None, b"x".to_vec(), &[]).await),
        "forbidden"
    );
    assert_eq!(kind(customers_only.list_documents(&ada).await), "forbidden");
    // Grants: no filing in a group the key does not reach, no linking another group's code.
    assert_eq!(kind(writer.file_document("other", None, None, b"x".to_vec(), &[]).await), "group-forbidden");
    let err = writer.file_document("retail", None, None, b"x".to_vec(), std::slice::from_ref(&bo)).await;
    assert_eq!(kind(err), "invalid-document-request");
    assert_eq!(
        kind(writer.file_document("retail", None, None, b"x".to_vec(), &["K7Q4".into()]).await),
        "malformed-code"
    );

    // Delete: documents:write in the group; afterwards nothing is found.
    assert_eq!(kind(reader.delete_document(&doc.id).await), "forbidden");
    let other_writer = key(&r, "other-writer", &["documents:write"], &["other"]).await;
    assert_eq!(kind(other_writer.delete_document(&doc.id).await), "document-not-found");
    writer.delete_document(&doc.id).await.unwrap();
    assert_eq!(kind(writer.delete_document(&doc.id).await), "document-not-found");
    assert_eq!(kind(reader.download_document(&doc.id, &mut sink).await), "document-not-found");
    assert!(reader.list_documents(&ada).await.unwrap().is_empty());

    // Every upload, download, list and delete is on record with the id and codes, and no
    // entry holds a value, the file name or the content.
    let page = r.admin().audit(&AuditQuery { limit: Some(1000), ..AuditQuery::default() }).await.unwrap();
    let of = |action: &str| page.entries.iter().filter(|e| e.action == action).collect::<Vec<_>>();
    let compact_ada = ada.replace('-', "");
    let filed = of("document.file");
    assert!(!filed.is_empty());
    for e in filed.iter().chain(of("document.read").iter()).chain(of("document.delete").iter()) {
        assert!(e.fields.contains(&format!("document:{}", doc.id)), "{e:?}");
        assert!(e.fields.contains(&format!("code:{compact_ada}")), "{e:?}");
        assert_eq!(e.group.as_deref(), Some("retail"));
    }
    assert!(!of("document.read").is_empty() && !of("document.delete").is_empty());
    assert!(of("document.list").iter().any(|e| e.customer.as_deref() == Some(ada.as_str())));
    let all = serde_json::to_string(&page.entries).unwrap();
    for v in [PNR, PNR_SHORT, EMAIL, PHONE, CARD, MARKER, "Lovelace", "Dear customer", "Kind regards"] {
        assert!(!all.contains(v), "{v} in the audit log");
    }
}

/// A PNG cannot be inspected: refused with the reason, nothing stored, nothing filed.
#[tokio::test]
async fn an_uninspectable_file_is_refused_and_nothing_is_stored() {
    let r = TestServer::ready().await;
    let (ada, _) = customers(&r).await;
    let admin = r.admin();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
    png.extend_from_slice(format!("{PNR} {EMAIL}").as_bytes());
    let err = admin
        .file_document("retail", Some("scan.png"), Some("image/png"), png, std::slice::from_ref(&ada))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.kind(), Some("not-inspected"));
    assert!(!err.to_string().contains(PNR) && !err.to_string().contains(EMAIL), "{err}");
    assert!(admin.list_documents(&ada).await.unwrap().is_empty());
    // Nothing in the group's database, and no filing on record.
    let db = r.ts.data_dir().join("groups/group-1.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    for table in ["documents", "document_chunks", "document_codes"] {
        let (n,): (i64,) =
            sqlx::query_as(&format!("SELECT count(*) FROM {table}")).fetch_one(&pool).await.unwrap();
        assert_eq!(n, 0, "{table}");
    }
    pool.close().await;
    let page = admin.audit(&AuditQuery { limit: Some(1000), ..AuditQuery::default() }).await.unwrap();
    assert!(!page.entries.iter().any(|e| e.action == "document.file"));
}

/// The group's SQLite files (database and write-ahead log) hold none of the original values
/// and none of the redacted copies' text or names: everything filed is sealed. (The same
/// check on PostgreSQL, through a pg_dump, is in the store conformance suite.)
#[tokio::test]
async fn archive_bytes_at_rest_hold_no_original_value_and_no_redacted_text() {
    let r = TestServer::ready().await;
    let (ada, _) = customers(&r).await;
    let admin = r.admin();
    let mut copies = Vec::new();
    let mut names = Vec::new();
    for n in 0..5 {
        let doc = admin
            .file_document(
                "retail",
                Some(&format!("Minutes {MARKER} {n}.txt")),
                Some("text/plain"),
                letter(n).into_bytes(),
                std::slice::from_ref(&ada),
            )
            .await
            .unwrap();
        copies.push(download(&admin, &doc.id).await);
        names.push(doc.name);
    }
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(r.ts.data_dir().join("groups")).unwrap() {
        stored.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(stored.len() > 10_000);
    for v in [PNR, PNR_SHORT, "191212121212", EMAIL, PHONE, "0701234567", CARD, "4111111111111111", MARKER] {
        assert!(!contains(&stored, v), "{v} at rest");
    }
    for copy in &copies {
        let text = String::from_utf8_lossy(copy);
        for line in text.lines().filter(|l| l.len() >= 12) {
            assert!(!contains(&stored, line), "redacted text at rest: {line}");
        }
    }
    for name in &names {
        assert!(!contains(&stored, name), "a file name at rest");
    }
}
