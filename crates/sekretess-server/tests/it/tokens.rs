//! Tokens over HTTPS (issue 23): `POST /v1/tokenize`, `/v1/detokenize`, `/v1/tokens/revoke`
//! and the redaction operator `token`. Round trips over every card of `testdata/cards` and
//! every valid personnummer of `testdata/stdnum`, checked against `sekretess-ident`'s rules
//! (Luhn, personnummer check digit), which share no code with the token construction.

use sekretess_api::CreateApiKey;
use sekretess_api::audit::AuditQuery;
use sekretess_api::redact::RedactRequest;
use sekretess_api::tokens::{DetokenizeRequest, RevokeTokensRequest, TokenizeItem, TokenizeRequest};
use sekretess_client::Client;
use sekretess_ident::{PersonnummerFault, luhn, personnummer_check};
use sekretess_server::Limits;
use sekretess_server::ratelimit::{Rate, RateLimitConfig};

use crate::common::{NOW, TestServer, fields, kind, repo_root};

fn lines(relative: &str) -> Vec<String> {
    let path = repo_root().join("testdata").join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect()
}

fn digits(s: &str) -> Vec<u8> {
    s.bytes().filter(u8::is_ascii_digit).collect()
}

fn req(group: &str, format: &str, kind: &str, values: &[String]) -> TokenizeRequest {
    TokenizeRequest {
        group: group.into(),
        format: format.into(),
        kind: kind.into(),
        ttl_seconds: None,
        reuse: false,
        items: values.iter().map(|v| TokenizeItem { value: v.clone(), customer: None }).collect(),
    }
}

async fn tokenize(c: &Client, r: &TokenizeRequest) -> Vec<String> {
    let resp = c.tokenize(r).await.unwrap();
    assert_eq!(resp.issued, r.items.len(), "{:?}", resp.results.iter().find(|x| x.problem.is_some()));
    resp.results.into_iter().map(|x| x.token.unwrap()).collect()
}

fn detok(group: &str, tokens: &[String]) -> DetokenizeRequest {
    DetokenizeRequest {
        group: group.into(),
        tokens: tokens.to_vec(),
        purpose: Some("customer_request".into()),
    }
}

async fn reveal(c: &Client, group: &str, tokens: &[String]) -> Vec<Result<String, String>> {
    let resp = c.detokenize(&detok(group, tokens)).await.unwrap();
    assert_eq!(resp.results.len(), tokens.len());
    resp.results
        .into_iter()
        .map(|r| match (r.value, r.problem) {
            (Some(v), None) => Ok(v),
            (None, Some(p)) => Err(p.kind().to_owned()),
            other => panic!("neither value nor problem: {other:?}"),
        })
        .collect()
}

fn same_shape(a: &str, b: &str) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.bytes().zip(b.bytes()) {
        assert_eq!(x.is_ascii_digit(), y.is_ascii_digit());
        if !x.is_ascii_digit() {
            assert_eq!(x, y);
        }
    }
}

#[tokio::test]
async fn every_test_card_and_personnummer_round_trips_in_every_format() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let cards = lines("cards/test_pans_luhn_valid.txt");
    assert_eq!(cards.len(), 15);
    let pnrs = lines("stdnum/se_personnummer_valid.txt");
    assert!(pnrs.len() >= 10);

    // FF1 cards: first 6 (first len-10 under 16 digits) and last 4 kept, Luhn fails.
    let tokens = tokenize(&admin, &req("retail", "fpe", "card_number", &cards)).await;
    for (pan, token) in cards.iter().zip(&tokens) {
        same_shape(pan, token);
        let (d, t) = (digits(pan), digits(token));
        let head = if d.len() >= 16 { 6 } else { d.len() - 10 };
        assert_eq!(t[..head], d[..head]);
        assert_eq!(t[t.len() - 4..], d[d.len() - 4..]);
        assert!(!luhn(&t), "card token passes Luhn");
    }
    let back = reveal(&admin, "retail", &tokens).await;
    assert_eq!(back, cards.iter().cloned().map(Ok).collect::<Vec<_>>());

    // FF1 personnummer: century, year and check digit kept, a real date, check digit fails.
    let tokens = tokenize(&admin, &req("retail", "fpe", "se_personnummer", &pnrs)).await;
    for (v, token) in pnrs.iter().zip(&tokens) {
        same_shape(v, token);
        let (d, t) = (digits(v), digits(token));
        let kept = t.len() - 8;
        assert_eq!(t[..kept], d[..kept]);
        assert_eq!(t.last(), d.last());
        assert_eq!(personnummer_check(&t, None), Err(PersonnummerFault::CheckDigit), "{token}");
    }
    assert_eq!(reveal(&admin, "retail", &tokens).await, pnrs.iter().cloned().map(Ok).collect::<Vec<_>>());

    // Opaque and deterministic: the value comes back as it was given.
    for format in ["opaque", "deterministic"] {
        let tokens = tokenize(&admin, &req("retail", format, "card_number", &cards)).await;
        let prefix = if format == "opaque" { "tok_" } else { "dtk_" };
        assert!(tokens.iter().all(|t| t.starts_with(prefix)));
        let normalized: Vec<Result<String, String>> =
            cards.iter().map(|c| Ok(String::from_utf8(digits(c)).unwrap())).collect();
        let back = reveal(&admin, "retail", &tokens).await;
        if format == "opaque" {
            assert_eq!(back, cards.iter().cloned().map(Ok).collect::<Vec<_>>());
        } else {
            assert_eq!(back, normalized);
        }
    }

    // Invalid values are refused per item, the rest issued.
    let mixed = vec!["4111111111111112".to_owned(), "4111111111111111".to_owned(), "12".to_owned()];
    let resp = admin.tokenize(&req("retail", "fpe", "card_number", &mixed)).await.unwrap();
    assert_eq!(resp.issued, 1);
    assert_eq!(resp.results[0].problem.as_ref().unwrap().kind(), "invalid-token-value");
    assert!(resp.results[1].token.is_some());
    assert_eq!(resp.results[2].problem.as_ref().unwrap().kind(), "invalid-token-value");
    // A problem names the rule, never the value.
    let shown = serde_json::to_string(&resp.results[0].problem).unwrap();
    assert!(!shown.contains("4111"), "{shown}");
}

#[tokio::test]
async fn deterministic_tokens_differ_by_group_and_agree_across_written_forms() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    admin.create_group("wholesale").await.unwrap();
    let forms: Vec<String> =
        ["19880320-0016", "198803200016", "880320-0016", "8803200016", " 19880320 0016 "]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let a = tokenize(&admin, &req("retail", "deterministic", "se_personnummer", &forms)).await;
    assert!(a.iter().all(|t| *t == a[0]), "{a:?}");
    let b = tokenize(&admin, &req("wholesale", "deterministic", "se_personnummer", &forms[..1])).await;
    assert_ne!(a[0], b[0]);
    // A token of one group is unknown in the other.
    assert_eq!(reveal(&admin, "wholesale", &a[..1]).await, vec![Err("token-unknown".to_owned())]);
    let cards: Vec<String> = ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let c = tokenize(&admin, &req("retail", "deterministic", "card_number", &cards)).await;
    assert!(c.iter().all(|t| *t == c[0]));
    assert_ne!(
        c[0],
        tokenize(&admin, &req("wholesale", "deterministic", "card_number", &cards[..1])).await[0]
    );

    // Opaque: a new token each time, unless asked to reuse.
    let one = vec!["4111111111111111".to_owned()];
    let x = tokenize(&admin, &req("retail", "opaque", "card_number", &one)).await;
    let y = tokenize(&admin, &req("retail", "opaque", "card_number", &one)).await;
    assert_ne!(x, y);
    let mut reuse = req("retail", "opaque", "card_number", &cards);
    reuse.reuse = true;
    let first = tokenize(&admin, &reuse).await;
    assert!(first.iter().all(|t| *t == first[0]), "one value, one token within the batch");
    let again = tokenize(&admin, &reuse).await;
    assert_eq!(first, again);
    assert_ne!(first[0], x[0]);
}

fn key(name: &str, scopes: &[&str]) -> CreateApiKey {
    CreateApiKey {
        name: name.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        groups: vec!["retail".into()],
    }
}

#[tokio::test]
async fn detokenize_refusals_each_have_their_problem_type_and_are_audited() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let made = admin.create_api_key(&key("billing", &["tokens:create"])).await.unwrap();
    let create_only = r.ts.client(Some(&made.token));
    let pan = "5555555555554444".to_owned();
    let tokens =
        tokenize(&create_only, &req("retail", "fpe", "card_number", std::slice::from_ref(&pan))).await;

    // Without tokens:reveal: 403.
    assert_eq!(kind(create_only.detokenize(&detok("retail", &tokens)).await), "forbidden");
    // Without a purpose: 400.
    let mut no_purpose = detok("retail", &tokens);
    no_purpose.purpose = None;
    assert_eq!(kind(admin.detokenize(&no_purpose).await), "purpose-required");
    assert_eq!(reveal(&admin, "retail", &tokens).await, vec![Ok(pan.clone())]);

    // After revocation.
    let revoked = admin
        .revoke_tokens(&RevokeTokensRequest { group: "retail".into(), tokens: tokens.clone() })
        .await
        .unwrap();
    assert_eq!(revoked.revoked, 1);
    assert_eq!(reveal(&admin, "retail", &tokens).await, vec![Err("token-revoked".to_owned())]);
    // A revoked FF1 token is not issued again for its value.
    let again =
        admin.tokenize(&req("retail", "fpe", "card_number", std::slice::from_ref(&pan))).await.unwrap();
    assert_eq!(again.results[0].problem.as_ref().unwrap().kind(), "token-revoked");

    // After the TTL.
    let mut ttl = req("retail", "opaque", "text", &["order 1234".to_owned()]);
    ttl.ttl_seconds = Some(60);
    let short = tokenize(&admin, &ttl).await;
    assert_eq!(reveal(&admin, "retail", &short).await, vec![Ok("order 1234".to_owned())]);
    r.ts.clock.set(NOW + 61);
    assert_eq!(reveal(&admin, "retail", &short).await, vec![Err("token-expired".to_owned())]);

    // After the customer's erasure.
    let code =
        admin.create_customer("retail", fields(&[("card_number", "4012888888881881")])).await.unwrap().code;
    let mut linked = req("retail", "deterministic", "card_number", &["4012888888881881".to_owned()]);
    linked.items[0].customer = Some(code.clone());
    let erased = tokenize(&admin, &linked).await;
    let ok = admin.detokenize(&detok("retail", &erased)).await.unwrap();
    assert_eq!(ok.results[0].customer.as_deref(), Some(code.as_str()));
    admin.erase_customer(&code).await.unwrap();
    assert_eq!(reveal(&admin, "retail", &erased).await, vec![Err("token-erased".to_owned())]);
    // And the erased customer can get no new token.
    let refused = admin.tokenize(&linked).await.unwrap();
    assert_eq!(refused.results[0].problem.as_ref().unwrap().kind(), "token-erased");

    // Unknown tokens.
    let unknown = vec!["tok_0000000000000000000000000".to_owned(), "4111111111111112".to_owned()];
    assert_eq!(reveal(&admin, "retail", &unknown).await, vec![Err("token-unknown".to_owned()); 2]);

    // The audit log: every refusal on record with its problem type; ids, never values.
    let entries = admin
        .audit(&AuditQuery { limit: Some(1000), action: Some("token.reveal".into()), ..Default::default() })
        .await
        .unwrap()
        .entries;
    let text: Vec<String> =
        entries.iter().map(|e| format!("{} {} {:?}", e.outcome, e.fields.join(" "), e.purpose)).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("problem:forbidden"), "{text:#?}");
    assert!(has("problem:purpose-required"), "{text:#?}");
    for fault in [":revoked", ":expired", ":erased", ":unknown"] {
        assert!(has(fault), "{fault} not on record: {text:#?}");
    }
    assert!(text.iter().all(|t| !t.contains("5555555555554444") && !t.contains("4012888888881881")));
    assert!(
        text.iter().all(|t| !t.contains(&tokens[0]) && !t.contains(&erased[0])),
        "a token in the audit log"
    );
    let first_ok = entries.iter().find(|e| e.outcome == "success").unwrap();
    assert!(first_ok.fields.iter().any(|f| f.starts_with("token:tkn_")), "{first_ok:?}");
    assert_eq!(first_ok.purpose.as_deref(), Some("customer_request"));
    let created = admin
        .audit(&AuditQuery { limit: Some(1000), action: Some("token.create".into()), ..Default::default() })
        .await
        .unwrap()
        .entries;
    assert!(created.iter().any(|e| e.fields.contains(&"count:1".to_owned())));
}

#[tokio::test]
async fn locked_group_answers_423_and_detokenize_is_rate_limited_per_key() {
    let rate = RateLimitConfig { auth_failures: Rate::OFF, reveals: Rate { per_minute: 1, burst: 2 } };
    let r = TestServer::ready_with(Limits { rate, ..Limits::default() }).await;
    let admin = r.admin();
    let tokens = tokenize(&admin, &req("retail", "fpe", "digits", &["12345678".to_owned()])).await;
    admin.set_group_locked("retail", true).await.unwrap();
    assert_eq!(
        kind(admin.tokenize(&req("retail", "fpe", "digits", &["12345678".to_owned()])).await),
        "group-locked"
    );
    assert_eq!(kind(admin.detokenize(&detok("retail", &tokens)).await), "group-locked");
    admin.set_group_locked("retail", false).await.unwrap();
    assert_eq!(reveal(&admin, "retail", &tokens).await, vec![Ok("12345678".to_owned())]);
    // The burst of 2 is used up (the locked call took one): the next call waits.
    assert_eq!(kind(admin.detokenize(&detok("retail", &tokens)).await), "rate-limited");
    // Another key has its own bucket... from another source it would; same source here is
    // limited too (per principal and per source), so only the principal's refusal is shown.
}

#[tokio::test]
async fn batches_over_10000_are_refused_and_10000_pass() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let values: Vec<String> =
        (0..10_000u32).map(|i| format!("{:016}", 4_000_000_000_000_000u64 + u64::from(i) * 7)).collect();
    let tokens = tokenize(&admin, &req("retail", "fpe", "digits", &values)).await;
    assert_eq!(tokens.len(), 10_000);
    let back = reveal(&admin, "retail", &tokens).await;
    assert!(back.iter().zip(&values).all(|(b, v)| b.as_deref() == Ok(v.as_str())));
    let mut too_many = values.clone();
    too_many.push("123456".into());
    assert_eq!(
        kind(admin.tokenize(&req("retail", "fpe", "digits", &too_many)).await),
        "invalid-token-request"
    );
}

#[tokio::test]
async fn redaction_operator_token_puts_tokens_that_detokenize_in_the_document() {
    let r = TestServer::ready().await;
    let admin = r.admin();
    let letter = "Kort 4111 1111 1111 1111, personnummer 19880320-0016, mejl anna@example.com.\n";
    let ask = RedactRequest {
        content: Some(letter.into()),
        json: None,
        format: None,
        operator: Some("token".into()),
        min_confidence: None,
        group: Some("retail".into()),
    };
    let out = admin.redact(&ask).await.unwrap().content.unwrap();
    assert!(
        !out.contains("4111 1111 1111 1111") && !out.contains("19880320-0016") && !out.contains("anna@"),
        "{out}"
    );
    let card = out.split_whitespace().skip(1).take(4).collect::<Vec<_>>().join(" ");
    let card = card.trim_end_matches(',').to_owned();
    assert!(card.starts_with("4111 11") && card.ends_with("1111") && !luhn(&digits(&card)), "{out}");
    let dtk: String =
        out.split_whitespace().find(|w| w.starts_with("dtk_")).unwrap().trim_end_matches('.').to_owned();
    let back = reveal(&admin, "retail", &[card.clone(), dtk]).await;
    assert_eq!(back, vec![Ok("4111 1111 1111 1111".to_owned()), Ok("anna@example.com".to_owned())]);
    // Without tokens:create: refused.
    let made = admin
        .create_api_key(&CreateApiKey {
            name: "r".into(),
            scopes: vec!["redact".into()],
            groups: vec!["retail".into()],
        })
        .await
        .unwrap();
    assert_eq!(kind(r.ts.client(Some(&made.token)).redact(&ask).await), "forbidden");
}
