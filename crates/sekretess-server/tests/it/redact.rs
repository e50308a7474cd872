//! `POST /v1/redact`.

use sekretess_api::redact::RedactRequest;

use crate::common::TestServer;

fn request(content: Option<&str>, json: Option<serde_json::Value>) -> RedactRequest {
    RedactRequest {
        content: content.map(str::to_owned),
        json,
        format: None,
        operator: Some("label".into()),
        min_confidence: None,
        group: None,
    }
}

#[tokio::test]
async fn redacts_text_and_json_without_echoing_values() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let text = "Kund 811228-9874 betalade med kort 4111 1111 1111 1111.";
    let out = admin.redact(&request(Some(text), None)).await.unwrap();
    let redacted = out.content.unwrap();
    assert!(redacted.contains("[SE_PERSONNUMMER]") && redacted.contains("[CARD_NUMBER]"), "{redacted}");
    assert!(!redacted.contains("9874") && !redacted.contains("4111"));
    let labels: Vec<&str> = out.findings.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["SE_PERSONNUMMER", "CARD_NUMBER"]);
    assert_eq!(&text[out.findings[0].start_byte..out.findings[0].end_byte], "811228-9874");

    let doc = serde_json::json!({"customer": {"email": "ada@example.com", "note": "ring 070-123 45 67"}});
    let out = admin.redact(&request(None, Some(doc))).await.unwrap();
    let json = out.json.unwrap();
    assert_eq!(json["customer"]["email"], "[EMAIL]");
    assert!(json["customer"]["note"].as_str().unwrap().contains("[PHONE]"));

    // Bad requests: both or neither document, an unknown format; no value echoed.
    let both = request(Some("4111 1111 1111 1111"), Some(serde_json::json!({})));
    let err = admin.redact(&both).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(!format!("{err:?}").contains("4111"));
    let mut unknown = request(Some("x"), None);
    unknown.format = Some("docx".into());
    assert_eq!(admin.redact(&unknown).await.unwrap_err().status(), Some(422));
}

#[tokio::test]
async fn binary_documents_come_back_redacted_or_are_refused_when_not_inspected() {
    use reqwest::Method;
    let r = TestServer::ready().await;
    let admin = r.admin();
    let text = "Kund 811228-9874 betalade med kort 4111 1111 1111 1111.\n";
    let resp = admin
        .raw(Method::POST, "/v1/redact?operator=label", Some("text/plain"), Some(text.into()))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    let body = String::from_utf8(resp.body).unwrap();
    assert_eq!(body, "Kund [SE_PERSONNUMMER] betalade med kort [CARD_NUMBER].\n");
    assert_eq!(resp.headers["content-type"], "text/plain");
    assert_eq!(resp.headers["sekretess-findings-count"], "2");
    assert_eq!(resp.headers["sekretess-findings"], "CARD_NUMBER=1, SE_PERSONNUMMER=1");

    // An image cannot be inspected: refused by default, whatever its declared type.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
    let resp = admin.raw(Method::POST, "/v1/redact", Some("text/plain"), Some(png.clone())).await.unwrap();
    assert_eq!(resp.status, 422);
    let problem: serde_json::Value = serde_json::from_slice(&resp.body).unwrap();
    assert!(problem["type"].as_str().unwrap().ends_with("not-inspected"), "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("image"));
    let resp = admin
        .raw(Method::POST, "/v1/redact?uninspected=copy", Some("image/png"), Some(png.clone()))
        .await
        .unwrap();
    assert_eq!((resp.status, resp.body), (200, png.clone()));
    let resp = admin.raw(Method::POST, "/v1/redact?report=only", Some("image/png"), Some(png)).await.unwrap();
    assert_eq!(resp.status, 200);
    let report: sekretess_api::redact::DocumentReport = serde_json::from_slice(&resp.body).unwrap();
    assert_eq!(report.kind, "image");
    assert_eq!(report.not_inspected[0].reason, "image");

    // Unknown query parameters and values are refused.
    let resp =
        admin.raw(Method::POST, "/v1/redact?uninspected=maybe", Some("text/plain"), Some(text.into())).await;
    assert_eq!(resp.unwrap().status, 422);
}
