//! The document archive on both backends: documents round-trip in chunks, are found only
//! in reachable groups, outlive their customers' erasure, are bound to their place (moved,
//! dropped, reordered or resized chunks fail), and lie sealed at rest.

use sekretess_core::access::GroupAccess;
use sekretess_core::store::{DocumentStore, Store};
use sekretess_core::vault::{CHUNK_BYTES, DocumentReader, NewDocument};
use sekretess_core::{CustomerCode, VaultError};

use crate::common::{self, Backend, contains, ctx, fields};

crate::conformance!(
    documents_round_trip_list_and_delete,
    document_chunks_are_bound_to_their_place,
    archived_documents_are_sealed_at_rest
);

/// Redacted text of `lines` numbered lines, each naming `tag`.
fn content(tag: &str, lines: usize) -> Vec<u8> {
    (0..lines)
        .map(|i| format!("{tag} redacted line {i:07} of the filed copy\n"))
        .collect::<String>()
        .into_bytes()
}

fn new_doc(name: &str, content: Vec<u8>, codes: &[CustomerCode]) -> NewDocument {
    NewDocument {
        name: name.to_owned(),
        content_type: "text/plain".into(),
        original_sha256: [7; 32],
        codes: codes.to_vec(),
        findings: vec![("SE_PERSONNUMMER".into(), 2), ("EMAIL".into(), 1)],
        retention_days: Some(10),
        content,
    }
}

async fn read_all<S: Store>(mut r: DocumentReader<S>) -> Result<Vec<u8>, VaultError> {
    let mut out = Vec::new();
    while let Some(chunk) = r.next_chunk().await {
        out.extend(chunk?);
    }
    Ok(out)
}

fn only(group: &str) -> GroupAccess {
    GroupAccess::Only(vec![group.to_owned()])
}

async fn documents_round_trip_list_and_delete<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let v = &tv.vault;
    v.create_group(&ctx(), "alpha").await.unwrap();
    v.create_group(&ctx(), "beta").await.unwrap();
    let code = v.create_customer(&ctx(), "alpha", &fields(&[("full_name", "Testa Testsson")])).await.unwrap();
    let other = v.create_customer(&ctx(), "beta", &fields(&[("full_name", "Bo Ek")])).await.unwrap();

    // Two and a half chunks.
    let body = content("alpha", (CHUNK_BYTES * 5 / 2) / 40);
    assert!(body.len() > 2 * CHUNK_BYTES);
    let info = v
        .file_document(&ctx(), "alpha", new_doc("letter ███.txt", body.clone(), std::slice::from_ref(&code)))
        .await
        .unwrap();
    assert_eq!((info.group.as_str(), info.size), ("alpha", body.len() as u64));
    assert_eq!(info.codes, vec![code.clone()]);
    assert_eq!(info.retain_until, Some(info.filed_at + 10 * 86_400));
    assert_eq!(info.findings, vec![("EMAIL".to_owned(), 1), ("SE_PERSONNUMMER".to_owned(), 2)]);
    let empty = v
        .file_document(&ctx(), "alpha", new_doc("empty", Vec::new(), std::slice::from_ref(&code)))
        .await
        .unwrap();

    let listed = v.documents_of(&ctx(), &GroupAccess::All, &code).await.unwrap();
    assert_eq!(listed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().len(), 2);
    assert!(listed.contains(&info) && listed.contains(&empty));
    assert!(v.documents_of(&ctx(), &only("beta"), &code).await.unwrap().is_empty());
    assert!(v.documents_of(&ctx(), &GroupAccess::All, &other).await.unwrap().is_empty());

    let (got, reader) = v.open_document(&ctx(), &only("alpha"), &info.id).await.unwrap();
    assert_eq!(got, info);
    assert_eq!(read_all(reader).await.unwrap(), body);
    let (_, reader) = v.open_document(&ctx(), &GroupAccess::All, &empty.id).await.unwrap();
    assert_eq!(read_all(reader).await.unwrap(), Vec::<u8>::new());
    // Another group's caller, a malformed id, an unknown one: not found, alike.
    for (reach, id) in [
        (only("beta"), info.id.clone()),
        (GroupAccess::All, "doc_x".into()),
        (GroupAccess::All, format!("doc_{}", "0".repeat(26))),
    ] {
        assert!(
            matches!(v.open_document(&ctx(), &reach, &id).await, Err(VaultError::DocumentNotFound)),
            "{id}"
        );
    }
    assert!(matches!(
        v.delete_document(&ctx(), &only("beta"), &info.id).await,
        Err(VaultError::DocumentNotFound)
    ));

    // Erasing the customer leaves the documents, still found by the code.
    v.erase_customer(&ctx(), &code).await.unwrap();
    assert_eq!(v.documents_of(&ctx(), &GroupAccess::All, &code).await.unwrap().len(), 2);

    // Delete: the record, its chunks and its links go.
    v.delete_document(&ctx(), &GroupAccess::All, &info.id).await.unwrap();
    assert!(matches!(
        v.delete_document(&ctx(), &GroupAccess::All, &info.id).await,
        Err(VaultError::DocumentNotFound)
    ));
    let rows = v.store().list_groups().await.unwrap();
    let alpha = v.store().open_group(rows.iter().find(|r| r.name == "alpha").unwrap()).await.unwrap();
    assert_eq!(alpha.get_document(&info.id).await.unwrap(), None);
    for i in 0..3 {
        assert_eq!(alpha.document_chunk(&info.id, i).await.unwrap(), None);
    }
    let left = v.documents_of(&ctx(), &GroupAccess::All, &code).await.unwrap();
    assert_eq!(left, vec![empty]);
}

async fn document_chunks_are_bound_to_their_place<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let v = &tv.vault;
    v.create_group(&ctx(), "alpha").await.unwrap();
    let body = content("bound", (CHUNK_BYTES * 3 / 2) / 40);
    let info = v.file_document(&ctx(), "alpha", new_doc("a", body.clone(), &[])).await.unwrap();
    let rows = v.store().list_groups().await.unwrap();
    let g = v.store().open_group(&rows[0]).await.unwrap();
    let record = g.get_document(&info.id).await.unwrap().unwrap();
    assert_eq!(record.chunk_count, 2);
    let chunks = vec![
        g.document_chunk(&info.id, 0).await.unwrap().unwrap(),
        g.document_chunk(&info.id, 1).await.unwrap().unwrap(),
    ];
    let all = GroupAccess::All;

    // Moved under another id: nothing opens.
    let mut moved = record.clone();
    moved.id = format!("doc_{}", "1".repeat(26));
    g.insert_document(&moved, &chunks).await.unwrap();
    assert!(matches!(v.open_document(&ctx(), &all, &moved.id).await, Err(VaultError::Integrity)));

    // Put back with a chunk dropped, reordered, or a wrong size: the read fails.
    let tampered = [
        (
            {
                let mut r = record.clone();
                r.chunk_count = 1;
                r
            },
            vec![chunks[0].clone()],
        ),
        (record.clone(), vec![chunks[1].clone(), chunks[0].clone()]),
        (
            {
                let mut r = record.clone();
                r.size += 1;
                r
            },
            chunks.clone(),
        ),
        (
            {
                let mut r = record.clone();
                r.size -= 1;
                r
            },
            chunks.clone(),
        ),
    ];
    for (i, (r, c)) in tampered.into_iter().enumerate() {
        assert!(g.delete_document(&info.id).await.unwrap());
        g.insert_document(&r, &c).await.unwrap();
        let (_, reader) = v.open_document(&ctx(), &all, &info.id).await.unwrap();
        assert!(matches!(read_all(reader).await, Err(VaultError::Integrity)), "case {i}");
    }
    // As filed, it reads again.
    assert!(g.delete_document(&info.id).await.unwrap());
    g.insert_document(&record, &chunks).await.unwrap();
    let (_, reader) = v.open_document(&ctx(), &all, &info.id).await.unwrap();
    assert_eq!(read_all(reader).await.unwrap(), body);
    // An id taken is a conflict.
    assert!(g.insert_document(&record, &chunks).await.is_err());
}

async fn archived_documents_are_sealed_at_rest<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let v = &tv.vault;
    v.create_group(&ctx(), "alpha").await.unwrap();
    let code = v.create_customer(&ctx(), "alpha", &fields(&[("full_name", "Testa Testsson")])).await.unwrap();
    let mut texts = Vec::new();
    for n in 0..4 {
        let tag = format!("archivetag{n}");
        let body = content(&tag, 200 + n * 30_000);
        let name = format!("minutes-{tag}-filename.txt");
        v.file_document(&ctx(), "alpha", new_doc(&name, body, std::slice::from_ref(&code))).await.unwrap();
        texts.push(tag.into_bytes());
        texts.push(name.into_bytes());
    }
    let at_rest = tv.backend.at_rest().await;
    // The archive's tables are in what is searched: the linked code is stored as it is.
    assert!(at_rest.iter().any(|(_, bytes)| contains(bytes, code.compact().as_bytes())));
    for (what, bytes) in &at_rest {
        for t in &texts {
            assert!(!contains(bytes, t), "{} in {what}", String::from_utf8_lossy(t));
        }
        assert!(!contains(bytes, b"redacted line"), "document text in {what}");
    }
}
