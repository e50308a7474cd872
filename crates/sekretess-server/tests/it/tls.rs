//! Only TLS 1.2+ answers: a plain-HTTP request and a TLS 1.1 handshake get no data. The
//! ClientHellos are written by hand; the TLS 1.2 one is the control that shows the test
//! can tell a refusal from an answer.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::TestServer;

/// Sends `bytes` and reads what comes back until the peer closes (or 5 s pass, a guard
/// against a hang, not an assertion).
async fn exchange(port: u16, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buf[..n]);
                // A ServerHello flight or an alert is all we need to judge.
                if out.len() >= 7 && (out[0] == 0x15 || out.len() > 64) {
                    break;
                }
            }
        }
    }
    out
}

fn ext(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
}

/// A ClientHello with the given `client_version` and cipher suites.
fn client_hello(version: [u8; 2], suites: &[u16]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version);
    body.extend_from_slice(&[0x42; 32]); // random
    body.push(0); // session id
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut exts = Vec::new();
    ext(&mut exts, 0x000a, &[0, 4, 0x00, 0x1d, 0x00, 0x17]); // groups: x25519, secp256r1
    ext(&mut exts, 0x000b, &[1, 0]); // EC point formats: uncompressed
    // signature algorithms: ecdsa_p256_sha256, rsa_pss_sha256, rsa_pkcs1_sha256, ecdsa_p384_sha384
    ext(&mut exts, 0x000d, &[0, 8, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03]);
    ext(&mut exts, 0x0017, &[]); // extended master secret
    ext(&mut exts, 0xff01, &[0]); // renegotiation info
    body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    body.extend_from_slice(&exts);

    let mut hs = vec![0x01];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    record.extend_from_slice(&hs);
    record
}

fn is_server_hello(resp: &[u8]) -> bool {
    resp.len() > 11 && resp[0] == 0x16 && resp[5] == 0x02
}

#[tokio::test]
async fn tls_1_1_handshake_is_refused_and_tls_1_2_answers() {
    let ts = TestServer::start().await;
    let port = ts.server.addr.port();

    // Control: a TLS 1.2 hello with ECDHE + AES-GCM suites gets a TLS 1.2 ServerHello.
    let resp = exchange(port, &client_hello([3, 3], &[0xc02b, 0xc02f, 0xc02c, 0xc030])).await;
    assert!(is_server_hello(&resp), "TLS 1.2 hello got {resp:02x?}");
    assert_eq!(&resp[9..11], &[3, 3], "server_version");

    // TLS 1.2 with only CBC and static-RSA suites: refused.
    let resp = exchange(port, &client_hello([3, 3], &[0xc013, 0xc014, 0x002f, 0x0035, 0x009c])).await;
    assert!(!is_server_hello(&resp), "CBC/static-RSA hello got a ServerHello");

    // TLS 1.1 (and 1.0): refused, at most with an alert.
    for version in [[3, 2], [3, 1]] {
        let suites = [0xc009, 0xc013, 0xc014, 0x002f, 0x0035, 0xc02b, 0xc02f];
        let resp = exchange(port, &client_hello(version, &suites)).await;
        assert!(!is_server_hello(&resp), "{version:?} hello got a ServerHello");
        assert!(resp.is_empty() || resp[0] == 0x15, "{version:?} hello got {resp:02x?}");
    }
}

#[tokio::test]
async fn plain_http_gets_no_data() {
    let ts = TestServer::start().await;
    let resp = exchange(
        ts.server.addr.port(),
        b"GET /v1/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    let text = String::from_utf8_lossy(&resp);
    assert!(!text.contains("HTTP/") && !text.contains("sealed") && !text.contains("ok"), "{text}");
    assert!(resp.is_empty() || resp[0] == 0x15, "{resp:02x?}");
    // The same port answers over TLS.
    assert_eq!(ts.client(None).health().await.unwrap().status, "ok");
}
