//! `sekretess archive` over HTTPS against `sekretess serve --dev`: add (files and folders,
//! a refused file), list, get, delete.

use serde_json::Value;

use crate::serve::{out, run, start_dev, stop};

const PNR: &str = "670919-9530";
const EMAIL: &str = "ada@example.com";

fn letter(n: usize) -> String {
    format!("Dear customer,\n\nletter {n}: personnummer {PNR}, e-mail {EMAIL}, card 4111 1111 1111 1111.\n")
}

#[test]
fn archive_add_list_get_delete_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let (child, env) = start_dev(&dir.path().join("dev"), None);
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    let add = run(&env, &["customer", "add", "--group", "retail"], Some(r#"{"full_name": "Ada Lovelace"}"#));
    let code = out(&add);
    assert_eq!(code.len(), 14, "{add:?}");

    let docs = dir.path().join("letters");
    std::fs::create_dir_all(docs.join("sub")).unwrap();
    std::fs::write(docs.join("a.txt"), letter(1)).unwrap();
    std::fs::write(docs.join("sub/b.txt"), letter(2)).unwrap();
    std::fs::write(docs.join(".hidden.txt"), letter(3)).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
    png.extend_from_slice(PNR.as_bytes());
    std::fs::write(docs.join("scan.png"), png).unwrap();
    let single = dir.path().join("c.txt");
    std::fs::write(&single, letter(4)).unwrap();

    // A folder with a file that cannot be inspected: the rest is filed, exit code 1.
    let docs_arg = docs.to_str().unwrap();
    let add =
        run(&env, &["archive", "add", docs_arg, "--group", "retail", "--customer", &code, "--json"], None);
    assert_eq!(add.status.code(), Some(1), "{add:?}");
    let summary: Value = serde_json::from_str(&out(&add)).unwrap();
    assert_eq!(summary["files"], 3, "hidden files are skipped: {summary}");
    assert_eq!(summary["filed"], 2);
    let refused = summary["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1);
    assert!(refused[0]["file"].as_str().unwrap().ends_with("scan.png"));
    assert!(refused[0]["reason"].as_str().unwrap().contains("not-inspected"), "{summary}");
    assert!(summary["codes"].as_array().unwrap().iter().any(|c| c == code.as_str()));
    assert!(!out(&add).contains(PNR) && !out(&add).contains(EMAIL));

    // One file, plain lines (not a terminal): exit 0.
    let add = run(
        &env,
        &["archive", "add", single.to_str().unwrap(), "--group", "retail", "--customer", &code],
        None,
    );
    assert_eq!(add.status.code(), Some(0), "{add:?}");
    let text = out(&add);
    assert!(text.starts_with("filed ") && text.contains("doc_") && text.contains(&code), "{text}");
    assert!(text.contains("filed 1 of 1 files"), "{text}");

    let list = run(&env, &["archive", "list", "--customer", &code, "--json"], None);
    assert_eq!(list.status.code(), Some(0), "{list:?}");
    let listed: Vec<Value> = serde_json::from_str(&out(&list)).unwrap();
    assert_eq!(listed.len(), 3);
    let names: Vec<&str> = listed.iter().map(|d| d["name"].as_str().unwrap()).collect();
    for n in ["a.txt", "b.txt", "c.txt"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let table = out(&run(&env, &["archive", "list", "--customer", &code], None));
    assert!(table.contains("KEEP UNTIL") && table.contains("a.txt"), "{table}");

    // Get: the redacted copy, whole; an unknown id writes nothing.
    let id = listed.iter().find(|d| d["name"] == "a.txt").unwrap()["id"].as_str().unwrap().to_owned();
    let got = dir.path().join("out/a-redacted.txt");
    std::fs::create_dir_all(got.parent().unwrap()).unwrap();
    let get = run(&env, &["archive", "get", &id, "--out", got.to_str().unwrap()], None);
    assert_eq!(get.status.code(), Some(0), "{get:?}");
    let copy = std::fs::read_to_string(&got).unwrap();
    assert!(copy.starts_with("Dear customer,") && copy.contains("letter 1"), "{copy}");
    for v in [PNR, "9530", EMAIL, "4111"] {
        assert!(!copy.contains(v), "{v} in {copy}");
    }
    let missing = dir.path().join("out/missing.txt");
    let unknown = format!("doc_{}", "0".repeat(26));
    let get = run(&env, &["archive", "get", &unknown, "--out", missing.to_str().unwrap()], None);
    assert_eq!(get.status.code(), Some(3), "{get:?}");
    assert!(String::from_utf8_lossy(&get.stderr).contains("document-not-found"));
    assert!(!missing.exists());
    assert_eq!(std::fs::read_dir(got.parent().unwrap()).unwrap().count(), 1, "no temporary file left");

    // Delete, then it is gone from the list.
    let del = run(&env, &["archive", "delete", &id], None);
    assert_eq!(del.status.code(), Some(0), "{del:?}");
    let del = run(&env, &["archive", "delete", &id], None);
    assert_eq!(del.status.code(), Some(3), "{del:?}");
    let listed: Vec<Value> =
        serde_json::from_str(&out(&run(&env, &["archive", "list", "--customer", &code, "--json"], None)))
            .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|d| d["id"] != id.as_str()));
    stop(child);
}
