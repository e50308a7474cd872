//! `sekretess token create|reveal|revoke` and `redact --vault --operator token` over HTTPS
//! against `sekretess serve --dev`: values and tokens on standard input, one per line.

use crate::serve::{out, run, start_dev, stop};

#[test]
fn token_create_reveal_revoke_and_redact_with_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let (child, env) = start_dev(&dir.path().join("dev"), None);
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));

    let cards = "4111 1111 1111 1111\n5555555555554444\n";
    let made = run(
        &env,
        &["token", "create", "--group", "retail", "--format", "fpe", "--type", "card_number"],
        Some(cards),
    );
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let tokens = out(&made);
    let lines: Vec<&str> = tokens.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("4111 11") && lines[0].ends_with("1111") && lines[0] != "4111 1111 1111 1111"
    );
    assert!(lines[1].starts_with("555555") && lines[1].ends_with("4444") && lines[1] != "5555555555554444");

    let back = run(&env, &["token", "reveal", "--group", "retail", "--purpose", "payment"], Some(&tokens));
    assert_eq!(back.status.code(), Some(0), "{back:?}");
    assert_eq!(out(&back), cards.trim_end());

    // Revoke the first; revealing both then fails the first line only (exit 1).
    let first = format!("{}\n", lines[0]);
    let revoked = run(&env, &["token", "revoke", "--group", "retail"], Some(&first));
    assert_eq!(revoked.status.code(), Some(0), "{revoked:?}");
    assert!(out(&revoked).starts_with("tkn_"));
    let back = run(&env, &["token", "reveal", "--group", "retail", "--purpose", "payment"], Some(&tokens));
    assert_eq!(back.status.code(), Some(1), "{back:?}");
    let raw = String::from_utf8_lossy(&back.stdout).into_owned();
    assert_eq!(raw.lines().collect::<Vec<_>>(), vec!["", "5555555555554444"]);
    assert!(String::from_utf8_lossy(&back.stderr).contains("token-revoked"), "{back:?}");

    // Redaction with tokens: the card in the document becomes its FF1 token.
    let letter = "Kort 5555 5555 5555 4444 tack.\n";
    let red = run(&env, &["redact", "--vault", "--operator", "token", "--group", "retail"], Some(letter));
    assert_eq!(red.status.code(), Some(0), "{red:?}");
    let text = out(&red);
    assert!(!text.contains("5555 5555 5555 4444") && text.contains("5555 55"), "{text}");
    stop(child);
}
