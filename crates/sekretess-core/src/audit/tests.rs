use super::*;

#[test]
fn key_and_checkpoint_text_round_trip() {
    let key = AuditKey::from_key(Key32::generate().unwrap());
    let back = AuditKey::parse_text(&key.to_text()).unwrap();
    assert_eq!(back.expose(), key.expose());
    assert!(AuditKey::parse_text("sekretess-audit-key-v1:abc").is_none());
    let cp = Checkpoint::new(&key, 42, [7; 32], 1_795_000_000);
    let text = cp.to_text();
    assert_eq!(Checkpoint::parse_text(&text), Some(cp.clone()));
    assert!(Checkpoint::parse_text(&text).unwrap().is_authentic(&key));
    assert!(Checkpoint::parse_text(&text.replace("seq=42", "seq=41")).is_some_and(|c| !c.is_authentic(&key)));
    assert!(Checkpoint::parse_text("garbage").is_none());
}

#[test]
fn outcomes_round_trip_and_markers_name_their_attempts() {
    for o in [Outcome::Success, Outcome::Denied, Outcome::Failed, Outcome::Attempted] {
        assert_eq!(Outcome::parse(o.as_str()), Some(o));
    }
    assert_eq!(Outcome::parse("maybe"), None);
    let ctx = AuditContext { actor: "apikey:x".into(), request_id: Some("r".into()), origin: None };
    let mut attempt = ctx.event("customer.create");
    attempt.group = Some("retail".into());
    attempt.customer = Some("K7Q4M92DJ3X8".into());
    attempt.fields = vec!["full_name".into()];
    let batch = commit_marker(&attempt, 7, 10_006);
    assert_eq!(batch.action, "customer.create.commit");
    assert_eq!((batch.group.as_deref(), batch.customer.as_deref()), (Some("retail"), None));
    assert_eq!(marker_range(&batch.fields), Some((7, 10_006)));
    let one = commit_marker(&attempt, 7, 7);
    assert_eq!(one.customer.as_deref(), Some("K7Q4M92DJ3X8"));
    assert_eq!((one.actor.as_str(), one.request_id.as_deref()), ("apikey:x", Some("r")));
    assert_eq!(marker_range(&["full_name".into()]), None);
}

#[test]
fn escaping_removes_line_breaks_and_escapes() {
    assert_eq!(escape_text("ok\n2026 forged entry"), "ok\\u{a}2026 forged entry");
    assert_eq!(escape_text("a\\u{a}"), "a\\\\u{a}");
    assert_eq!(escape_text("\u{1b}[31m"), "\\u{1b}[31m");
    assert_eq!(escape_text("Åsa"), "Åsa");
}

#[test]
fn canonical_form_is_unambiguous() {
    let base = Entry {
        seq: 1,
        time: 0,
        actor: "a".into(),
        action: "b".into(),
        group: None,
        customer: None,
        fields: vec!["x".into(), "y".into()],
        purpose: None,
        outcome: Outcome::Success,
        request_id: None,
        origin: None,
        mac: [0; 32],
    };
    let mut moved = base.clone();
    moved.fields = vec!["xy".into()];
    assert_ne!(base.canonical(), moved.canonical());
    let mut shifted = base.clone();
    shifted.actor = "ab".into();
    shifted.action = "".into();
    assert_ne!(base.canonical(), shifted.canonical());
}
