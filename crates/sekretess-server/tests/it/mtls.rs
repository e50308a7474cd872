//! Issue 21, item 4: mTLS for service accounts. An API key bound to a client certificate
//! (SHA-256 of its DER) works only on a connection that presented that certificate
//! (verified against the server's client CA); without it, or with another certificate of
//! the same CA, the key gets the same 401 as any failed authentication. Clients without a
//! certificate (employees, unbound keys) still connect.

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
use reqwest::Method;
use serde_json::json;

use crate::common::TestServer;

struct Pem {
    cert: std::path::PathBuf,
    key: std::path::PathBuf,
    der_sha256: String,
}

fn client_cert(dir: &std::path::Path, name: &str, issuer: &Issuer<'_, KeyPair>) -> Pem {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    p.use_authority_key_identifier_extension = true;
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, issuer).unwrap();
    let out = Pem {
        cert: dir.join(format!("{name}.pem")),
        key: dir.join(format!("{name}.key")),
        der_sha256: String::new(),
    };
    std::fs::write(&out.cert, cert.pem()).unwrap();
    std::fs::write(&out.key, key.serialize_pem()).unwrap();
    // The fingerprint as an operator computes it: `openssl x509 -outform DER | sha256sum`
    // when openssl is here, else from the DER rcgen made.
    let der_sha256 = match std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("openssl x509 -in '{}' -outform DER | sha256sum", out.cert.display()))
        .output()
    {
        Ok(o) if o.status.success() && o.stdout.len() >= 64 => {
            String::from_utf8_lossy(&o.stdout[..64]).into_owned()
        }
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!("openssl is missing");
            }
            println!("openssl missing: fingerprint taken from the DER rcgen made");
            sekretess_crypto::digest::sha256(cert.der()).iter().map(|b| format!("{b:02x}")).collect()
        }
    };
    Pem { der_sha256, ..out }
}

#[tokio::test]
async fn a_bound_key_needs_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name.push(DnType::CommonName, "client CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = dir.path().join("client-ca.pem");
    std::fs::write(&ca_pem, ca.self_signed(&ca_key).unwrap().pem()).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let crm = client_cert(dir.path(), "crm", &issuer);
    let other = client_cert(dir.path(), "other", &issuer);

    let r = TestServer::ready_on(TestServer::start_mtls(&ca_pem).await).await;
    let admin = r.admin();
    let key = admin
        .create_api_key(&sekretess_api::CreateApiKey {
            name: "crm".into(),
            scopes: vec!["groups:read".into()],
            groups: vec!["retail".into()],
        })
        .await
        .unwrap();
    // Unbound: works with or without a certificate.
    assert_eq!(r.ts.client(Some(&key.token)).list_groups().await.unwrap().len(), 1);
    assert_eq!(
        r.ts.client_with_cert(Some(&key.token), &crm.cert, &crm.key).list_groups().await.unwrap().len(),
        1
    );

    let bind = |fp: &str| json!({"client_cert_sha256": fp});
    let path = format!("/v1/apikeys/{}/bind", key.key.id);
    let bad = admin
        .raw(Method::POST, &path, Some("application/json"), Some(serde_json::to_vec(&bind("abc")).unwrap()))
        .await
        .unwrap();
    assert_eq!(bad.status, 400, "{}", String::from_utf8_lossy(&bad.body));
    let ok = admin
        .raw(
            Method::POST,
            &path,
            Some("application/json"),
            Some(serde_json::to_vec(&bind(&crm.der_sha256)).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(ok.status, 204, "{}", String::from_utf8_lossy(&ok.body));

    // Bound: only with its certificate.
    let with = r.ts.client_with_cert(Some(&key.token), &crm.cert, &crm.key);
    assert_eq!(with.list_groups().await.unwrap().len(), 1);
    let without = r.ts.client(Some(&key.token)).raw(Method::GET, "/v1/groups", None, None).await.unwrap();
    let wrong =
        r.ts.client_with_cert(Some(&key.token), &other.cert, &other.key)
            .raw(Method::GET, "/v1/groups", None, None)
            .await
            .unwrap();
    let unknown =
        r.ts.client(Some("sk_0000000000000_000000000000000000000000000000000000000000000"))
            .raw(Method::GET, "/v1/groups", None, None)
            .await
            .unwrap();
    assert_eq!(without.status, 401);
    assert_eq!(wrong.status, 401);
    // The same body as any failed authentication (the request id aside).
    let body = |r: &sekretess_client::RawResponse| {
        let mut v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        v.as_object_mut().unwrap().remove("instance");
        v
    };
    assert_eq!(body(&without), body(&unknown));
    assert_eq!(body(&wrong), body(&unknown));
    // A certificate from no trusted CA fails the handshake.
    let rogue_key = KeyPair::generate().unwrap();
    let mut rp = CertificateParams::new(Vec::<String>::new()).unwrap();
    rp.distinguished_name.push(DnType::CommonName, "crm");
    let rogue_cert = rp.self_signed(&rogue_key).unwrap();
    std::fs::write(dir.path().join("rogue.pem"), rogue_cert.pem()).unwrap();
    std::fs::write(dir.path().join("rogue.key"), rogue_key.serialize_pem()).unwrap();
    let rogue =
        r.ts.client_with_cert(Some(&key.token), &dir.path().join("rogue.pem"), &dir.path().join("rogue.key"));
    assert!(matches!(rogue.list_groups().await, Err(sekretess_client::ClientError::Transport(_))));
}
