//! Token mappings (store migration 0007) on both backends: opaque, deterministic and FF1
//! tokens round-trip, revocation and erasure end them, reuse finds a value's token again,
//! locked groups refuse, and neither a value nor a token lies in plain at rest.

use sekretess_core::vault::{Detokenized, TokenFormat, TokenInput, TokenKind, TokenSpec};
use sekretess_core::{CustomerCode, TokenFault, VaultError};
use zeroize::Zeroizing;

use crate::common::{self, Backend, contains, ctx, fields};

crate::conformance!(token_mappings_round_trip_and_end, tokens_and_values_are_not_at_rest);

fn spec(format: TokenFormat, kind: TokenKind) -> TokenSpec {
    TokenSpec { format, kind, ttl_seconds: None, reuse: false }
}

fn inputs(values: &[&str], customer: Option<&CustomerCode>) -> Vec<TokenInput> {
    values
        .iter()
        .map(|v| TokenInput { value: Zeroizing::new((*v).to_owned()), customer: customer.cloned() })
        .collect()
}

fn values(answers: Vec<Result<Detokenized, VaultError>>) -> Vec<Result<String, VaultError>> {
    answers.into_iter().map(|a| a.map(|d| d.value.expose().to_owned())).collect()
}

async fn token_mappings_round_trip_and_end<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let v = &tv.vault;
    v.create_group(&ctx(), "alpha").await.unwrap();
    let code = v.create_customer(&ctx(), "alpha", &fields(&[("full_name", "Testa Testsson")])).await.unwrap();
    let vals = ["4111 1111 1111 1111", "5555555555554444"];
    let mut all = Vec::new();
    for format in [TokenFormat::Opaque, TokenFormat::Deterministic, TokenFormat::Fpe] {
        let t: Vec<String> = v
            .tokenize(&ctx(), "alpha", spec(format, TokenKind::Card), &inputs(&vals, Some(&code)))
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.unwrap().token)
            .collect();
        let back = values(v.detokenize(&ctx(), "alpha", "payment", &t).await.unwrap());
        // Stored mappings give the value back normalized; FF1 keeps the separators as given.
        let expected: Vec<&str> =
            if format == TokenFormat::Fpe { vals.to_vec() } else { vec!["4111111111111111", vals[1]] };
        assert_eq!(back, expected.iter().map(|s| Ok(s.to_string())).collect::<Vec<_>>(), "{format:?}");
        all.extend(t);
    }
    // Reuse: the same value and customer get the same opaque token back.
    let reuse = TokenSpec { reuse: true, ..spec(TokenFormat::Opaque, TokenKind::Text) };
    let a = v.tokenize(&ctx(), "alpha", reuse, &inputs(&["ref 77"], None)).await.unwrap();
    let b2 = v.tokenize(&ctx(), "alpha", reuse, &inputs(&["ref 77"], None)).await.unwrap();
    assert_eq!(a[0].as_ref().unwrap().token, b2[0].as_ref().unwrap().token);

    // Revocation ends one token.
    let revoked = v.revoke_tokens(&ctx(), "alpha", &all[..1]).await.unwrap();
    assert!(revoked[0].is_ok());
    let back = v.detokenize(&ctx(), "alpha", "payment", &all[..2]).await.unwrap();
    assert_eq!(back[0].as_ref().unwrap_err(), &VaultError::Token(TokenFault::Revoked));
    assert!(back[1].is_ok());
    // Erasing the customer ends the rest.
    v.erase_customer(&ctx(), &code).await.unwrap();
    for r in v.detokenize(&ctx(), "alpha", "payment", &all[1..]).await.unwrap() {
        assert_eq!(r.unwrap_err(), VaultError::Token(TokenFault::Erased));
    }
    // A locked group refuses the whole call.
    v.set_group_locked(&ctx(), "alpha", true).await.unwrap();
    assert!(matches!(v.detokenize(&ctx(), "alpha", "payment", &all).await, Err(VaultError::GroupLocked(_))));
}

async fn tokens_and_values_are_not_at_rest<B: Backend>(b: B) {
    let tv = common::unsealed(b).await;
    let v = &tv.vault;
    v.create_group(&ctx(), "alpha").await.unwrap();
    let texts = ["restingvalue one", "restingvalue two"];
    let mut tokens = Vec::new();
    for format in [TokenFormat::Opaque, TokenFormat::Deterministic] {
        for a in
            v.tokenize(&ctx(), "alpha", spec(format, TokenKind::Text), &inputs(&texts, None)).await.unwrap()
        {
            tokens.push(a.unwrap().token);
        }
    }
    for a in v
        .tokenize(
            &ctx(),
            "alpha",
            spec(TokenFormat::Fpe, TokenKind::Card),
            &inputs(&["4012888888881881"], None),
        )
        .await
        .unwrap()
    {
        tokens.push(a.unwrap().token);
    }
    let at_rest = tv.backend.at_rest().await;
    for (what, bytes) in &at_rest {
        assert!(!contains(bytes, b"restingvalue"), "a value in {what}");
        assert!(!contains(bytes, b"4012888888881881"), "a card in {what}");
        for t in &tokens {
            assert!(!contains(bytes, t.as_bytes()), "a token in {what}");
        }
    }
}
