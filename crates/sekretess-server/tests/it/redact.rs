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
