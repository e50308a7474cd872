//! Employees, logins, sessions, grants, field policy and agreements over both real stores
//! (SQLite and PostgreSQL), with a manual clock.

use std::sync::Arc;

use crate::common::{Backend, NOW, ctx, fields, search};
use sekretess_core::audit::{AuditContext, AuditStore};
use sekretess_core::people::{
    EmployeeRow, EmployeeState, KeyBinding, PasswordRule, People, PeopleConfig, PeopleError, PeopleStore,
    Principal, RequestKind, RequestState, RequestStore,
};
use sekretess_core::policy::{Decision, FieldView, PolicyError, Purpose, Role};
use sekretess_core::{FieldDef, FieldType, ManualClock, Schema, Sensitivity, Vault};
use sekretess_crypto::password::PasswordParams;
use sekretess_crypto::totp::{TotpSecret, code_at};

crate::conformance!(
    lifecycle_and_self_approval,
    pending_and_suspended_cannot_log_in_and_live_sessions_end,
    a_suspension_written_elsewhere_ends_a_live_session,
    lockout_after_ten_failures_and_its_expiry,
    unknown_login_and_wrong_password_look_the_same,
    replayed_totp_code_is_refused,
    expired_reused_and_garbled_enrolment_codes_are_refused,
    weak_passwords_are_refused_and_nothing_changes,
    session_idle_and_absolute_timeouts,
    logout_and_password_change_revoke_sessions,
    password_rehashed_when_parameters_change,
    a_new_agreement_version_needs_everyone_to_sign_again,
    grants_policy_masking_and_reveal,
    a_policy_change_applies_at_once_here_and_within_the_cache_time_elsewhere,
    audit_records_events_and_never_secrets,
    dual_control_requests,
);

const FAST: PasswordParams = PasswordParams { memory_kib: 64, iterations: 2, parallelism: 1 };
const OFFICER_PW: &str = "violet kettle drums at dawn";
const AGENT_PW: &str = "seven quiet herons fishing";

struct Fx<B: Backend> {
    // Dropped first: the store's connections close before the backend cleans up.
    people: People<B::S>,
    clock: Arc<ManualClock>,
    backend: B,
}

fn config() -> PeopleConfig {
    PeopleConfig { password_params: FAST, ..PeopleConfig::default() }
}

fn schema() -> Schema {
    let mut s = Schema::default_schema();
    s.add_field(FieldDef {
        name: "secret_note".into(),
        field_type: FieldType::Text,
        sensitivity: Sensitivity::Restricted,
        searchable: false,
        unique: false,
    })
    .unwrap();
    s
}

async fn fixture<B: Backend>(backend: B) -> Fx<B> {
    let clock = Arc::new(ManualClock::new(NOW));
    let store = backend.open_store().await;
    let vault = Vault::open(store, clock.clone(), schema()).await.unwrap();
    // secret_note is restricted: sealed to an offline key whose identity stays out of reach.
    let (_, recipient) = sekretess_crypto::backup::generate_identity();
    vault
        .set_offline_recipient(Some(sekretess_crypto::offline::OfflineRecipient::parse(&recipient).unwrap()))
        .unwrap();
    let out = vault.init(&ctx(), 1, 1).await.unwrap();
    vault.submit_share(&ctx(), &out.shares[0].to_text()).await.unwrap();
    vault.create_group(&ctx(), "retail").await.unwrap();
    let people = People::new(Arc::new(vault), clock.clone(), config());
    Fx { people, clock, backend }
}

/// A code for the next TOTP step (moves the clock 30 s so every login has a fresh step).
fn next_code<B: Backend>(fx: &Fx<B>, secret: &TotpSecret) -> String {
    fx.clock.advance(30);
    code_at(secret.expose(), "SHA1", 6, fx.clock.now_u64()).unwrap()
}

trait NowU64 {
    fn now_u64(&self) -> u64;
}

impl NowU64 for ManualClock {
    fn now_u64(&self) -> u64 {
        use sekretess_core::Clock;
        self.now() as u64
    }
}

struct Person {
    id: u64,
    login: String,
    password: String,
    totp: TotpSecret,
}

async fn login<B: Backend>(fx: &Fx<B>, p: &Person) -> Result<(String, Principal), PeopleError> {
    let code = next_code(fx, &p.totp);
    let out = fx.people.login(&ctx(), &p.login, &p.password, &code).await?;
    Ok((out.token.expose().to_owned(), out.principal))
}

/// The first security officer, enrolled and logged in.
async fn first_officer<B: Backend>(fx: &Fx<B>) -> (Person, Principal) {
    let inv = fx.people.bootstrap_first_officer(&ctx(), "olga@example.com", "Olga Officer").await.unwrap();
    let e = fx.people.enrol(&ctx(), inv.code.expose(), OFFICER_PW).await.unwrap();
    assert_eq!(e.state, EmployeeState::Active, "the first officer needs no second person");
    let p = Person {
        id: e.employee_id,
        login: "olga@example.com".into(),
        password: OFFICER_PW.into(),
        totp: e.totp_secret,
    };
    let (_, principal) = login(fx, &p).await.unwrap();
    (p, principal)
}

/// A security officer other than `officer` who may approve what `officer` invited (dual
/// control): an active one if there is one, else a second officer made now (the only
/// employee a sole officer may approve alone).
async fn approver<B: Backend>(fx: &Fx<B>, officer: &Principal) -> Principal {
    let other = |e: &EmployeeRow| {
        e.id != officer.employee_id
            && e.state == EmployeeState::Active
            && e.roles.contains(&Role::SecurityOfficer)
    };
    let found = fx.people.vault().store().list_employees().await.unwrap().into_iter().find(|e| other(e));
    let row = match found {
        Some(row) => row,
        None => {
            let inv =
                fx.people.invite(officer, &ctx(), "otto", "Otto", &[Role::SecurityOfficer]).await.unwrap();
            let e = fx.people.enrol(&ctx(), inv.code.expose(), OFFICER_PW).await.unwrap();
            fx.people.approve(officer, &ctx(), e.employee_id).await.unwrap();
            fx.people.vault().store().get_employee(e.employee_id).await.unwrap().unwrap()
        }
    };
    Principal {
        employee_id: row.id,
        login: row.login,
        roles: row.roles,
        groups: Default::default(),
        agreement_version: None,
        agreement_signed: false,
    }
}

/// An employee invited by `officer`, enrolled, and (if `approve`) approved by another officer.
async fn employee<B: Backend>(
    fx: &Fx<B>,
    officer: &Principal,
    login_name: &str,
    roles: &[Role],
    approve: bool,
) -> Person {
    let inv = fx.people.invite(officer, &ctx(), login_name, "Some Body", roles).await.unwrap();
    let e = fx.people.enrol(&ctx(), inv.code.expose(), AGENT_PW).await.unwrap();
    assert_eq!(e.state, EmployeeState::PendingApproval);
    if approve {
        fx.people.approve(&approver(fx, officer).await, &ctx(), e.employee_id).await.unwrap();
    }
    Person { id: e.employee_id, login: login_name.into(), password: AGENT_PW.into(), totp: e.totp_secret }
}

async fn state_of<B: Backend>(fx: &Fx<B>, id: u64) -> EmployeeState {
    fx.people.vault().store().get_employee(id).await.unwrap().unwrap().state
}

async fn lifecycle_and_self_approval<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (olga, officer) = first_officer(&fx).await;
    assert!(fx.people.has_active_officer().await.unwrap());
    // Only one bootstrap, ever.
    assert_eq!(
        fx.people.bootstrap_first_officer(&ctx(), "mallory", "Mallory").await.unwrap_err(),
        PeopleError::AlreadyBootstrapped
    );
    // An officer cannot approve themselves.
    assert_eq!(fx.people.approve(&officer, &ctx(), olga.id).await.unwrap_err(), PeopleError::SelfApproval);

    // A second officer: pending until the first approves; then they cannot self-approve either.
    let sven = employee(&fx, &officer, "sven", &[Role::SecurityOfficer], false).await;
    assert_eq!(state_of(&fx, sven.id).await, EmployeeState::PendingApproval);
    assert_eq!(login(&fx, &sven).await.unwrap_err(), PeopleError::NotActive { state: "pending_approval" });
    fx.people.approve(&officer, &ctx(), sven.id).await.unwrap();
    let (_, sven_p) = login(&fx, &sven).await.unwrap();
    assert_eq!(fx.people.approve(&sven_p, &ctx(), sven.id).await.unwrap_err(), PeopleError::SelfApproval);

    // Dual control: the inviter cannot approve the invitee (a second officer can).
    let paula = employee(&fx, &officer, "paula", &[Role::Agent], false).await;
    assert_eq!(
        fx.people.approve(&officer, &ctx(), paula.id).await.unwrap_err(),
        PeopleError::InviterApproval
    );
    assert_eq!(state_of(&fx, paula.id).await, EmployeeState::PendingApproval);
    fx.people.approve(&sven_p, &ctx(), paula.id).await.unwrap();
    assert_eq!(state_of(&fx, paula.id).await, EmployeeState::Active);

    // Only security officers invite and approve.
    let agent = employee(&fx, &officer, "anna", &[Role::Agent], true).await;
    let (_, agent_p) = login(&fx, &agent).await.unwrap();
    assert!(matches!(
        fx.people.invite(&agent_p, &ctx(), "x", "X", &[Role::Agent]).await,
        Err(PeopleError::Forbidden { .. })
    ));
    assert!(matches!(fx.people.approve(&agent_p, &ctx(), sven.id).await, Err(PeopleError::Forbidden { .. })));
    // Taken logins are refused.
    assert_eq!(
        fx.people.invite(&officer, &ctx(), "ANNA", "Anna", &[Role::Agent]).await.unwrap_err(),
        PeopleError::LoginTaken
    );

    // Offboarding is final and removes credentials.
    fx.people.offboard(&officer, &ctx(), agent.id).await.unwrap();
    assert_eq!(state_of(&fx, agent.id).await, EmployeeState::Offboarded);
    assert_eq!(login(&fx, &agent).await.unwrap_err(), PeopleError::LoginFailed);
    assert!(matches!(
        fx.people.offboard(&officer, &ctx(), olga.id).await,
        Err(PeopleError::SelfAction { .. })
    ));
}

async fn pending_and_suspended_cannot_log_in_and_live_sessions_end<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    let pending = employee(&fx, &officer, "paul", &[Role::Agent], false).await;
    assert_eq!(login(&fx, &pending).await.unwrap_err(), PeopleError::NotActive { state: "pending_approval" });
    // Even a wrong password for a pending account says nothing about its state.
    let wrong = Person { password: "not the password at all".into(), ..pending };
    assert_eq!(login(&fx, &wrong).await.unwrap_err(), PeopleError::LoginFailed);

    let agent = employee(&fx, &officer, "anna", &[Role::Agent], true).await;
    let (token, _) = login(&fx, &agent).await.unwrap();
    assert_eq!(fx.people.authenticate(&token).await.unwrap().employee_id, agent.id);
    fx.people.suspend(&officer, &ctx(), agent.id).await.unwrap();
    assert_eq!(fx.people.authenticate(&token).await.unwrap_err(), PeopleError::SessionInvalid);
    assert_eq!(login(&fx, &agent).await.unwrap_err(), PeopleError::NotActive { state: "suspended" });
    fx.people.reinstate(&officer, &ctx(), agent.id).await.unwrap();
    let (token, _) = login(&fx, &agent).await.unwrap();
    assert!(fx.people.authenticate(&token).await.is_ok());
}

async fn a_suspension_written_elsewhere_ends_a_live_session<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    let agent = employee(&fx, &officer, "anna", &[Role::Agent], true).await;
    let (token, _) = login(&fx, &agent).await.unwrap();
    // The state changes underneath the session (e.g. another server process).
    let store = fx.people.vault().store();
    assert!(
        store
            .set_employee_state(agent.id, EmployeeState::Active, EmployeeState::Suspended, None, NOW)
            .await
            .unwrap()
    );
    assert_eq!(fx.people.authenticate(&token).await.unwrap_err(), PeopleError::SessionInvalid);
}

async fn lockout_after_ten_failures_and_its_expiry<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    let agent = employee(&fx, &officer, "anna", &[Role::Agent], true).await;
    let wrong_pw = Person { password: "wrong wrong wrong".into(), ..employee_clone(&agent) };
    // Nine wrong passwords, one wrong TOTP code: ten failures.
    for _ in 0..9 {
        assert_eq!(login(&fx, &wrong_pw).await.unwrap_err(), PeopleError::LoginFailed);
    }
    assert_eq!(
        fx.people.login(&ctx(), &agent.login, &agent.password, "000000").await.unwrap_err(),
        PeopleError::LoginFailed
    );
    let row = fx.people.vault().store().get_employee(agent.id).await.unwrap().unwrap();
    assert!(row.locked_until.unwrap() >= fx.clock_now() + 29 * 60);
    // Locked: the right credentials are refused, with the same answer.
    assert_eq!(login(&fx, &agent).await.unwrap_err(), PeopleError::LoginFailed);
    fx.clock.advance(28 * 60); // 29 minutes after the lock, counting the login's own step
    assert_eq!(login(&fx, &agent).await.unwrap_err(), PeopleError::LoginFailed);
    fx.clock.advance(60); // 30.5 minutes after the lock
    assert!(login(&fx, &agent).await.is_ok(), "the lock ends after 30 minutes");
}

fn employee_clone(p: &Person) -> Person {
    Person { id: p.id, login: p.login.clone(), password: p.password.clone(), totp: p.totp.clone() }
}

impl<B: Backend> Fx<B> {
    fn clock_now(&self) -> i64 {
        use sekretess_core::Clock;
        self.clock.now()
    }
}

async fn unknown_login_and_wrong_password_look_the_same<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (olga, _) = first_officer(&fx).await;
    let code = next_code(&fx, &olga.totp);
    let unknown = fx.people.login(&ctx(), "nobody@example.com", OFFICER_PW, &code).await.unwrap_err();
    let wrong = fx.people.login(&ctx(), &olga.login, "not my password at all", &code).await.unwrap_err();
    let bad_code = fx.people.login(&ctx(), &olga.login, OFFICER_PW, "123456").await.unwrap_err();
    assert_eq!(unknown, wrong);
    assert_eq!(unknown, bad_code);
    assert_eq!(format!("{unknown:?}"), format!("{wrong:?}"));
    assert_eq!(unknown.to_string(), wrong.to_string());
    assert!(!unknown.to_string().contains("nobody"));
}

async fn replayed_totp_code_is_refused<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (olga, _) = first_officer(&fx).await;
    let code = next_code(&fx, &olga.totp);
    fx.people.login(&ctx(), &olga.login, OFFICER_PW, &code).await.unwrap();
    assert_eq!(
        fx.people.login(&ctx(), &olga.login, OFFICER_PW, &code).await.unwrap_err(),
        PeopleError::LoginFailed
    );
    // Still refused 20 seconds later (the same step, or the one before).
    fx.clock.advance(20);
    assert_eq!(
        fx.people.login(&ctx(), &olga.login, OFFICER_PW, &code).await.unwrap_err(),
        PeopleError::LoginFailed
    );
}

async fn expired_reused_and_garbled_enrolment_codes_are_refused<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    let inv = fx.people.invite(&officer, &ctx(), "anna", "Anna", &[Role::Agent]).await.unwrap();
    fx.people.enrol(&ctx(), inv.code.expose(), AGENT_PW).await.unwrap();
    assert_eq!(
        fx.people.enrol(&ctx(), inv.code.expose(), AGENT_PW).await.unwrap_err(),
        PeopleError::InvalidEnrolmentCode
    );
    let late = fx.people.invite(&officer, &ctx(), "bert", "Bert", &[Role::Agent]).await.unwrap();
    fx.clock.advance(72 * 3600);
    let err = fx.people.enrol(&ctx(), late.code.expose(), AGENT_PW).await.unwrap_err();
    assert_eq!(err, PeopleError::InvalidEnrolmentCode);
    assert!(!err.to_string().contains(late.code.expose()));
    assert_eq!(
        fx.people.enrol(&ctx(), "ABCD-EFGH", AGENT_PW).await.unwrap_err(),
        PeopleError::InvalidEnrolmentCode
    );
    // A new code for the same invitation works; the expired one still does not.
    let again = fx.people.reissue_enrolment(&officer, &ctx(), late.employee_id).await.unwrap();
    assert_eq!(
        fx.people.enrol(&ctx(), late.code.expose(), AGENT_PW).await.unwrap_err(),
        PeopleError::InvalidEnrolmentCode
    );
    fx.people.enrol(&ctx(), again.code.expose(), AGENT_PW).await.unwrap();
    assert!(matches!(
        fx.people.reissue_enrolment(&officer, &ctx(), late.employee_id).await,
        Err(PeopleError::WrongState { .. })
    ));
}

async fn weak_passwords_are_refused_and_nothing_changes<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    let inv = fx.people.invite(&officer, &ctx(), "anna.berg", "Anna", &[Role::Agent]).await.unwrap();
    for (pw, rule) in [
        ("short pw", PasswordRule::TooShort),
        (&"x1".repeat(65)[..], PasswordRule::TooLong),
        ("Password2026!", PasswordRule::Common),
        ("qwertyuiop123", PasswordRule::Common),
        ("zzzzzzzzzzzzzzzz", PasswordRule::Repetitive),
        ("hello anna.berg friend", PasswordRule::ContainsLogin),
    ] {
        let err = fx.people.enrol(&ctx(), inv.code.expose(), pw).await.unwrap_err();
        assert_eq!(err, PeopleError::WeakPassword(rule), "{pw}");
        assert!(!err.to_string().contains(pw));
    }
    let row = fx.people.vault().store().get_employee(inv.employee_id).await.unwrap().unwrap();
    assert_eq!(row.state, EmployeeState::Invited);
    assert!(row.password_hash.is_none() && row.totp_sealed.is_none());
    // The code still works; 128 Unicode characters are taken whole.
    let long = "ö".repeat(127) + "x";
    let e = fx.people.enrol(&ctx(), inv.code.expose(), &long).await.unwrap();
    fx.people.approve(&approver(&fx, &officer).await, &ctx(), e.employee_id).await.unwrap();
    let anna =
        Person { id: e.employee_id, login: "anna.berg".into(), password: long.clone(), totp: e.totp_secret };
    let truncated = Person { password: "ö".repeat(127) + "y", ..employee_clone(&anna) };
    assert_eq!(login(&fx, &truncated).await.unwrap_err(), PeopleError::LoginFailed);
    assert!(login(&fx, &anna).await.is_ok());
}

async fn session_idle_and_absolute_timeouts<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (olga, _) = first_officer(&fx).await;
    let (token, _) = login(&fx, &olga).await.unwrap();
    fx.clock.advance(14 * 60);
    assert!(fx.people.authenticate(&token).await.is_ok());
    fx.clock.advance(15 * 60);
    assert_eq!(fx.people.authenticate(&token).await.unwrap_err(), PeopleError::SessionExpired);
    assert_eq!(fx.people.authenticate(&token).await.unwrap_err(), PeopleError::SessionInvalid, "deleted");

    // Active all day, the session still ends after 12 hours.
    let (token, _) = login(&fx, &olga).await.unwrap();
    for _ in 0..(12 * 60 / 10 - 1) {
        fx.clock.advance(10 * 60);
        fx.people.authenticate(&token).await.unwrap();
    }
    fx.clock.advance(10 * 60);
    assert_eq!(fx.people.authenticate(&token).await.unwrap_err(), PeopleError::SessionExpired);

    // Tokens of other kinds or shapes are refused.
    for bad in ["", "sks_", "Bearer x", "sek_0123", &token.replace("sks_", "key_")] {
        assert_eq!(fx.people.authenticate(bad).await.unwrap_err(), PeopleError::SessionInvalid);
    }
}

async fn logout_and_password_change_revoke_sessions<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (mut olga, _) = first_officer(&fx).await;
    let (t1, p) = login(&fx, &olga).await.unwrap();
    let (t2, _) = login(&fx, &olga).await.unwrap();
    fx.people.logout(&ctx(), &t1).await.unwrap();
    assert_eq!(fx.people.authenticate(&t1).await.unwrap_err(), PeopleError::SessionInvalid);
    assert!(fx.people.authenticate(&t2).await.is_ok());

    // A weak new password or a wrong old one changes nothing.
    assert!(matches!(
        fx.people.change_password(&p, &ctx(), OFFICER_PW, "password123!").await,
        Err(PeopleError::WeakPassword(PasswordRule::Common))
    ));
    assert_eq!(
        fx.people
            .change_password(&p, &ctx(), "not my old password", "a brand new passphrase")
            .await
            .unwrap_err(),
        PeopleError::PasswordMismatch
    );
    assert!(fx.people.authenticate(&t2).await.is_ok());
    fx.people.change_password(&p, &ctx(), OFFICER_PW, "a brand new passphrase").await.unwrap();
    assert_eq!(fx.people.authenticate(&t2).await.unwrap_err(), PeopleError::SessionInvalid);
    assert_eq!(login(&fx, &olga).await.unwrap_err(), PeopleError::LoginFailed);
    olga.password = "a brand new passphrase".into();
    assert!(login(&fx, &olga).await.is_ok());
}

async fn password_rehashed_when_parameters_change<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (olga, _) = first_officer(&fx).await;
    let before =
        fx.people.vault().store().get_employee(olga.id).await.unwrap().unwrap().password_hash.unwrap();
    assert!(before.contains("m=64,t=2,p=1"));
    let stronger = PeopleConfig { password_params: PasswordParams { memory_kib: 128, ..FAST }, ..config() };
    let people2 = People::new(fx.people.vault().clone(), fx.clock.clone(), stronger);
    let code = next_code(&fx, &olga.totp);
    people2.login(&ctx(), &olga.login, OFFICER_PW, &code).await.unwrap();
    let after =
        fx.people.vault().store().get_employee(olga.id).await.unwrap().unwrap().password_hash.unwrap();
    assert!(after.contains("m=128,t=2,p=1"), "{after}");
    assert!(PeopleConfig::default().password_params.memory_kib >= 19 * 1024);
}

async fn a_new_agreement_version_needs_everyone_to_sign_again<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (olga, officer) = first_officer(&fx).await;
    let anna = employee(&fx, &officer, "anna", &[Role::Agent], true).await;
    let (anna_t, anna_p) = login(&fx, &anna).await.unwrap();
    assert!(!anna_p.agreement_signed && anna_p.agreement_version.is_none(), "nothing published: closed");
    assert!(matches!(
        fx.people.publish_agreement(&anna_p, &ctx(), "# NDA").await,
        Err(PeopleError::Forbidden { .. })
    ));
    assert!(matches!(
        fx.people.publish_agreement(&officer, &ctx(), "  ").await,
        Err(PeopleError::InvalidInput { .. })
    ));

    let v1 =
        fx.people.publish_agreement(&officer, &ctx(), "# Confidentiality\n\nKeep it secret.").await.unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(
        fx.people.sign_agreement(&anna_p, &ctx(), 1, "wrong password here").await.unwrap_err(),
        PeopleError::PasswordMismatch
    );
    fx.people.sign_agreement(&anna_p, &ctx(), 1, AGENT_PW).await.unwrap();
    let p = fx.people.authenticate(&anna_t).await.unwrap();
    assert!(p.agreement_signed);
    assert_eq!(p.agreement_version, Some(1));
    let (olga_t, olga_p) = login(&fx, &olga).await.unwrap();
    assert!(!olga_p.agreement_signed);
    fx.people.sign_agreement(&olga_p, &ctx(), 1, OFFICER_PW).await.unwrap();
    let sig = fx.people.vault().store().signature(anna.id, 1).await.unwrap().unwrap();
    assert_eq!(sig.sha256, v1.sha256);
    assert_eq!(sig.origin.as_deref(), Some("127.0.0.1"));

    let v2 =
        fx.people.publish_agreement(&officer, &ctx(), "# Confidentiality\n\nVersion two.").await.unwrap();
    assert_eq!(v2.version, 2);
    for token in [&anna_t, &olga_t] {
        let p = fx.people.authenticate(token).await.unwrap();
        assert!(!p.agreement_signed, "everyone is unsigned after a new version");
        assert_eq!(p.agreement_version, Some(2));
    }
    assert_eq!(
        fx.people.sign_agreement(&anna_p, &ctx(), 1, AGENT_PW).await.unwrap_err(),
        PeopleError::AgreementOutdated { given: 1, current: 2 }
    );
    fx.people.sign_agreement(&anna_p, &ctx(), 2, AGENT_PW).await.unwrap();
    assert!(fx.people.authenticate(&anna_t).await.unwrap().agreement_signed);
    assert!(!fx.people.authenticate(&olga_t).await.unwrap().agreement_signed);
    let status = fx.people.agreement_status(&officer).await.unwrap();
    assert_eq!(status.iter().filter(|s| s.signed_at.is_some()).count(), 1);
}

/// The field policy is cached per process (`POLICY_CACHE_SECONDS`): a change is seen at
/// once by the process that made it, and by another process over the same store no later
/// than the cache time.
async fn a_policy_change_applies_at_once_here_and_within_the_cache_time_elsewhere<B: Backend>(b: B) {
    use sekretess_core::people::POLICY_CACHE_SECONDS;
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    // A second server process: its own employees service (and policy cache), same stores.
    let other = People::new(Arc::clone(fx.people.vault()), fx.clock.clone(), config());
    let cell = |p: &sekretess_core::policy::FieldPolicy| p.decision(Role::Agent, Sensitivity::Confidential);
    let before = cell(&other.field_policy().await.unwrap());
    assert_ne!(before, Decision::Masked, "the default is not what the test sets");
    assert_eq!(cell(&fx.people.field_policy().await.unwrap()), before);

    fx.people
        .set_field_policy(&officer, &ctx(), Role::Agent, Sensitivity::Confidential, Decision::Masked)
        .await
        .unwrap();
    assert_eq!(cell(&fx.people.field_policy().await.unwrap()), Decision::Masked, "at once here");
    assert_eq!(cell(&other.field_policy().await.unwrap()), before, "the other process's copy is fresh");
    fx.clock.advance(POLICY_CACHE_SECONDS - 1);
    assert_eq!(cell(&other.field_policy().await.unwrap()), before);
    fx.clock.advance(1);
    assert_eq!(
        cell(&other.field_policy().await.unwrap()),
        Decision::Masked,
        "read again after the cache time"
    );
    // A clock set back does not keep a copy alive.
    fx.people
        .set_field_policy(&officer, &ctx(), Role::Agent, Sensitivity::Confidential, before)
        .await
        .unwrap();
    fx.clock.advance(-1);
    assert_eq!(cell(&other.field_policy().await.unwrap()), before);
}

async fn grants_policy_masking_and_reveal<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    let anna = employee(&fx, &officer, "anna", &[Role::Agent], true).await;
    let (anna_t, anna_p) = login(&fx, &anna).await.unwrap();
    assert!(!anna_p.has_group("retail"), "no group without a grant");
    fx.people.grant(&officer, &ctx(), anna.id, "retail").await.unwrap();
    let anna_p = fx.people.authenticate(&anna_t).await.unwrap();
    assert!(anna_p.has_group("retail"));
    assert!(matches!(
        fx.people.grant(&officer, &ctx(), anna.id, "nope").await,
        Err(PeopleError::UnknownGroup(_))
    ));

    let vault = fx.people.vault();
    let code = vault
        .create_customer(
            &ctx(),
            "retail",
            &fields(&[
                ("full_name", "Anna Svensson"),
                ("email", "jane.doe@example.com"),
                ("phone", "+46 70 123 45 67"),
                ("national_id", "19811218-9876"),
                ("card_number", "4111 1111 1111 1111"),
                ("notes", "prefers e-mail"),
                ("secret_note", "the vault combination"),
            ]),
        )
        .await
        .unwrap();
    let customer = vault.get_customer(&ctx(), &code, None).await.unwrap();
    let policy = fx.people.field_policy().await.unwrap();
    let view = policy.view_customer(&anna_p.roles, vault.schema(), &customer.fields, None).unwrap();
    let masked = |f: &str| match &view[f] {
        FieldView::Masked(m) => m.clone(),
        FieldView::Plain(_) => panic!("{f} is plain"),
    };
    assert_eq!(masked("full_name"), "A. S.");
    assert_eq!(masked("email"), "j***@example.com");
    assert_eq!(masked("phone"), "*********67");
    assert_eq!(masked("national_id"), "811218-****");
    assert_eq!(masked("card_number"), "411111******1111");
    assert_eq!(masked("secret_note"), sekretess_core::HELD_OFFLINE);
    assert!(matches!(&view["notes"], FieldView::Plain(v) if v.expose() == "prefers e-mail"));

    // The officer sees no customer data.
    let officer_view = policy.view_customer(&officer.roles, vault.schema(), &customer.fields, None).unwrap();
    assert!(officer_view.is_empty());

    // A reveal needs a purpose and returns only the named field.
    let card = vec!["card_number".to_owned()];
    assert_eq!(
        policy.view_customer(&anna_p.roles, vault.schema(), &customer.fields, Some((&card, None))),
        Err(PolicyError::PurposeRequired)
    );
    assert_eq!(Purpose::new("", None), Err(PolicyError::PurposeRequired));
    let purpose = Purpose::new("payment", Some("refund of order 1234")).unwrap();
    let shown = policy
        .view_customer(&anna_p.roles, vault.schema(), &customer.fields, Some((&card, Some(&purpose))))
        .unwrap();
    assert_eq!(shown.len(), 1);
    assert!(matches!(&shown["card_number"], FieldView::Plain(v) if v.expose() == "4111 1111 1111 1111"));
    let secret = vec!["secret_note".to_owned()];
    assert!(matches!(
        policy.view_customer(
            &anna_p.roles,
            vault.schema(),
            &customer.fields,
            Some((&secret, Some(&purpose)))
        ),
        Err(PolicyError::RevealNotAllowed { .. })
    ));

    // Restricted can never be set to plain; other cells can change and are stored.
    assert!(matches!(
        fx.people
            .set_field_policy(&officer, &ctx(), Role::Agent, Sensitivity::Restricted, Decision::Plain)
            .await,
        Err(PeopleError::Policy(PolicyError::RestrictedNeverPlain))
    ));
    assert!(matches!(
        fx.people
            .set_field_policy(&anna_p, &ctx(), Role::Agent, Sensitivity::Confidential, Decision::Plain)
            .await,
        Err(PeopleError::Forbidden { .. })
    ));
    fx.people
        .set_field_policy(&officer, &ctx(), Role::Agent, Sensitivity::Confidential, Decision::Masked)
        .await
        .unwrap();
    let policy = fx.people.field_policy().await.unwrap();
    assert_eq!(policy.decision(Role::Agent, Sensitivity::Confidential), Decision::Masked);
    assert!(matches!(
        policy.view_customer(&anna_p.roles, vault.schema(), &customer.fields, Some((&card, Some(&purpose)))),
        Err(PolicyError::RevealNotAllowed { .. })
    ));
    assert!(fx.people.revoke_grant(&officer, &ctx(), anna.id, "retail").await.unwrap());
    assert!(!fx.people.authenticate(&anna_t).await.unwrap().has_group("retail"));
}

async fn audit_records_events_and_never_secrets<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (olga, officer) = first_officer(&fx).await;
    let inv = fx.people.invite(&officer, &ctx(), "anna", "Anna", &[Role::Agent]).await.unwrap();
    let e = fx.people.enrol(&ctx(), inv.code.expose(), AGENT_PW).await.unwrap();
    fx.people.approve(&approver(&fx, &officer).await, &ctx(), e.employee_id).await.unwrap();
    let (token, _) = login(&fx, &olga).await.unwrap();
    let _ = fx.people.login(&ctx(), "nobody", "some password typed", "123456").await;
    fx.people.logout(&ctx(), &token).await.unwrap();
    fx.people.publish_agreement(&officer, &ctx(), "# NDA").await.unwrap();

    let entries = fx.people.vault().store().audit_read(1, 1000).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for wanted in [
        "employee.bootstrap",
        "employee.enrol",
        "employee.invite",
        "employee.approve",
        "login",
        "logout",
        "agreement.publish",
    ] {
        assert!(actions.contains(&wanted), "{wanted} missing from {actions:?}");
    }
    assert!(entries.iter().any(|e| e.action == "login" && e.actor == "anonymous"));
    assert!(entries.iter().all(|e| e.fields.iter().all(|f| !f.contains("nobody"))));
    assert_eq!(
        fx.people.vault().audit_verify(None).await.unwrap(),
        sekretess_core::audit::Verdict::Intact { head: entries.len() as u64 }
    );

    // No password, code, token or TOTP secret anywhere in the stored data.
    let needles: Vec<Vec<u8>> = [
        OFFICER_PW.as_bytes().to_vec(),
        AGENT_PW.as_bytes().to_vec(),
        b"some password typed".to_vec(),
        inv.code.expose().as_bytes().to_vec(),
        inv.code.expose().replace('-', "").into_bytes(),
        token.as_bytes().to_vec(),
        token.trim_start_matches("sks_").as_bytes().to_vec(),
        e.totp_secret.expose().to_vec(),
        e.totp_secret.base32().as_bytes().to_vec(),
    ]
    .into();
    let stored = fx.backend.at_rest().await;
    assert!(stored.len() >= 2);
    assert_eq!(search(&stored, &needles), vec![]);
}

#[test]
fn errors_never_carry_secrets() {
    let ctx = AuditContext::system();
    assert_eq!(ctx.actor, "system");
    for e in [PeopleError::LoginFailed, PeopleError::InvalidEnrolmentCode, PeopleError::SessionInvalid] {
        let text = e.to_string();
        assert!(!text.is_empty() && !text.contains("sks_"));
    }
}

/// Dual control in the store: a request is decided once, by an officer other than its
/// requester, before it expires; two officers deciding at once cannot both win.
async fn dual_control_requests<B: Backend>(b: B) {
    let fx = fixture(b).await;
    let (_, officer) = first_officer(&fx).await;
    assert_eq!(fx.people.active_officers().await.unwrap(), 1);
    let second = approver(&fx, &officer).await;
    assert_eq!(fx.people.active_officers().await.unwrap(), 2);
    let octx = officer.audit_context(None, None);
    let payload = r#"{"group":"retail"}"#.to_owned();
    let asked = fx.people.now();
    let r = fx
        .people
        .request_change(&octx, RequestKind::UnlockGroup, "group:retail".into(), payload.clone())
        .await
        .unwrap();
    assert_eq!(
        (r.state, r.requested_by.clone(), r.payload.as_str()),
        (RequestState::Pending, officer.actor(), payload.as_str())
    );
    assert_eq!(r.expires_at, asked + 24 * 3600);
    // Not by its requester.
    assert_eq!(
        fx.people.decide_request(&officer, &ctx(), r.id, true).await.unwrap_err(),
        PeopleError::SelfApproval
    );
    // Two decisions at once: one wins.
    let (c1, c2) = (ctx(), ctx());
    let (a, b) = tokio::join!(
        fx.people.decide_request(&second, &c1, r.id, true),
        fx.people.decide_request(&second, &c2, r.id, false)
    );
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    let row = fx.people.vault().store().get_request(r.id).await.unwrap().unwrap();
    assert_eq!(row.decided_by, Some(second.employee_id));
    assert!(matches!(row.state, RequestState::Approved | RequestState::Rejected));
    // Expired: refused, and listed as expired.
    let late = fx
        .people
        .request_change(&octx, RequestKind::SetPolicy, "role:agent".into(), "{}".into())
        .await
        .unwrap();
    fx.clock.advance(24 * 3600);
    assert_eq!(
        fx.people.decide_request(&second, &ctx(), late.id, true).await.unwrap_err(),
        PeopleError::RequestClosed { status: "expired" }
    );
    let list = fx.people.list_requests(&second).await.unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), vec![late.id, r.id]);
    assert_eq!(list[0].status(fx.people.now()), "expired");
    // A failed change is marked so.
    let third = fx
        .people
        .request_change(&octx, RequestKind::PublishAgreement, "agreement".into(), "{}".into())
        .await
        .unwrap();
    fx.people.decide_request(&second, &ctx(), third.id, true).await.unwrap();
    fx.people.request_failed(third.id).await.unwrap();
    assert_eq!(
        fx.people.vault().store().get_request(third.id).await.unwrap().unwrap().state,
        RequestState::Failed
    );
    // Certificate bindings of API keys.
    let store = fx.people.vault().store();
    assert_eq!(store.api_key_binding("k1").await.unwrap(), None);
    store.bind_api_key("k1", &KeyBinding::Certificate([7u8; 32])).await.unwrap();
    store.bind_api_key("k1", &KeyBinding::Certificate([9u8; 32])).await.unwrap();
    assert_eq!(store.api_key_binding("k1").await.unwrap(), Some(KeyBinding::Certificate([9u8; 32])));
    // A binding by subject and CA replaces the certificate binding, and the other way round.
    let by_subject = KeyBinding::SubjectAndCa { subject: vec![0x31, 0x0b, 0x30, 0x09], ca_sha256: [5u8; 32] };
    store.bind_api_key("k1", &by_subject).await.unwrap();
    assert_eq!(store.api_key_binding("k1").await.unwrap(), Some(by_subject.clone()));
    assert_eq!(store.api_key_binding("k2").await.unwrap(), None);
    store.bind_api_key("k1", &KeyBinding::Certificate([3u8; 32])).await.unwrap();
    assert_eq!(store.api_key_binding("k1").await.unwrap(), Some(KeyBinding::Certificate([3u8; 32])));
    store.bind_api_key("k2", &by_subject).await.unwrap();
    assert_eq!(store.api_key_binding("k2").await.unwrap(), Some(by_subject));
}
