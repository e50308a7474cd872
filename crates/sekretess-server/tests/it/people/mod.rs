//! Employees and access through the HTTPS API: deny by default over every route and every
//! kind of caller, lifecycle rules, logins, masking and reveal, agreements.

use reqwest::Method;
use sekretess_api::people as ap;
use sekretess_client::{Client, RawResponse};
use serde_json::{Value, json};

use crate::common::{Ready, TestServer, fields};
use route_table::row;

const PW: &str = "violet kettle drums at dawn";
const STRANGER: &str = "sks_0000000000000000000000000000000000000000000000000000000000000000";

/// RFC 4648 base32 (no padding), for the TOTP secret the enrolment answers.
fn base32(text: &str) -> Vec<u8> {
    let (mut bits, mut acc, mut out) = (0u32, 0u64, Vec::new());
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => continue,
        };
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

async fn send(c: &Client, method: Method, path: &str, body: Option<Value>) -> RawResponse {
    let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
    let ct = bytes.as_ref().map(|_| "application/json");
    c.raw(method, path, ct, bytes).await.unwrap()
}

fn json_of(r: &RawResponse) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

fn kind_of(r: &RawResponse) -> String {
    json_of(r)["type"].as_str().unwrap_or("").trim_start_matches("urn:sekretess:problem:").to_owned()
}

struct Emp {
    id: u64,
    login: String,
    secret: Vec<u8>,
}

/// A world with every kind of caller.
struct World {
    r: Ready,
    code: String,
    erase_code: String,
    officer: Emp,
    tokens: Vec<(Kind, String)>,
    /// The second security officer's session (dual control), and the officer.
    second: String,
    otto: Emp,
    /// A key made before any officer, that may make keys with customer scopes.
    keymaker: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    None,
    Pending,
    Suspended,
    Unsigned,
    NoGroup,
    Agent,
    Auditor,
    Officer,
    Svc(&'static str),
    /// A key bound to a client certificate, used without it (every scope).
    Bound,
}

const SCOPES: [&str; 21] = [
    "sys:seal",
    "groups:admin",
    "groups:read",
    "customers:read",
    "customers:reveal",
    "customers:write",
    "customers:erase",
    "customers:find",
    "apikeys:admin",
    "audit:read",
    "redact",
    "sys:metrics",
    "documents:write",
    "documents:read",
    "sys:backup",
    "tokens:create",
    "tokens:reveal",
    "schema:write",
    "offline:export",
    "customers:export",
    "customers:retention",
];

/// A restricted value of the World's customer (`tax_id`): no answer to anyone holds it.
const TAX_ID: &str = "19811228-9874";
/// Its forms: as written, digits only, the 10-digit form.
const TAX_ID_FORMS: [&str; 4] = ["19811228-9874", "198112289874", "811228-9874", "8112289874"];

fn holds_tax_id(body: &[u8]) -> bool {
    TAX_ID_FORMS.iter().any(|f| body.windows(f.len()).any(|w| w == f.as_bytes()))
}

impl World {
    fn client(&self, token: Option<&str>) -> Client {
        self.r.ts.client(token)
    }

    fn token(&self, k: Kind) -> Option<String> {
        self.tokens.iter().find(|(x, _)| *x == k).map(|(_, t)| t.clone())
    }

    fn as_kind(&self, k: Kind) -> Client {
        self.client(self.token(k).as_deref())
    }

    /// Logs in (the clock moves on a TOTP step first, so no step is used twice).
    async fn login(&self, e: &Emp, password: &str) -> RawResponse {
        self.r.ts.clock.advance(30);
        let t = {
            use sekretess_core::Clock;
            self.r.ts.clock.now() as u64
        };
        let code = sekretess_crypto::totp::code_at(&e.secret, "SHA1", 6, t).unwrap();
        send(
            &self.client(None),
            Method::POST,
            "/v1/auth/login",
            Some(json!({"login": e.login, "password": password, "totp": code})),
        )
        .await
    }

    async fn session(&self, e: &Emp) -> String {
        let r = self.login(e, PW).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        json_of(&r)["token"].as_str().unwrap().to_owned()
    }

    async fn enrol(&self, code: &str) -> Emp {
        let r = send(
            &self.client(None),
            Method::POST,
            "/v1/employees/enrol",
            Some(json!({"code": code, "password": PW})),
        )
        .await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let e: Value = json_of(&r);
        Emp {
            id: e["employee_id"].as_u64().unwrap(),
            login: e["login"].as_str().unwrap().to_owned(),
            secret: base32(e["totp_secret"].as_str().unwrap()),
        }
    }

    async fn invite(&self, officer: &str, login: &str, roles: &[&str]) -> Emp {
        let c = self.client(Some(officer));
        let r = send(
            &c,
            Method::POST,
            "/v1/employees",
            Some(json!({"login": login, "display_name": login, "roles": roles})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        self.enrol(json_of(&r)["code"].as_str().unwrap()).await
    }

    async fn officer_call(&self, officer: &str, path: &str, body: Option<Value>) -> RawResponse {
        send(&self.client(Some(officer)), Method::POST, path, body).await
    }

    /// A change under dual control: `r` must be a pending request (202), which the second
    /// officer then approves; returns the approval's answer.
    async fn approved(&self, r: RawResponse) -> RawResponse {
        assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
        let id = json_of(&r)["id"].as_u64().unwrap();
        let a = self.officer_call(&self.second, &format!("/v1/approvals/{id}/approve"), None).await;
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        a
    }

    async fn build() -> World {
        let r = TestServer::ready().await;
        let admin = r.admin();
        let tax_id = sekretess_api::SchemaField {
            name: "tax_id".into(),
            field_type: "se_personnummer".into(),
            sensitivity: "restricted".into(),
            searchable: true,
            unique: false,
        };
        admin.add_field("retail", &tax_id).await.unwrap();
        let code = admin
            .create_customer(
                "retail",
                fields(&[
                    ("full_name", "Ada Lovelace"),
                    ("email", "ada@example.com"),
                    ("notes", "vip"),
                    ("tax_id", TAX_ID),
                ]),
            )
            .await
            .unwrap()
            .code;
        let erase_code =
            admin.create_customer("retail", fields(&[("full_name", "Bo Ek")])).await.unwrap().code;
        let mut tokens = vec![];
        for s in SCOPES {
            let key = admin
                .create_api_key(&sekretess_api::CreateApiKey {
                    name: format!("svc-{}", s.replace(':', "-")),
                    scopes: vec![s.to_owned()],
                    groups: vec!["*".to_owned()],
                })
                .await
                .unwrap();
            tokens.push((Kind::Svc(s), key.token));
        }
        // Data scopes, bound to a certificate this client never presents.
        let bound = admin
            .create_api_key(&sekretess_api::CreateApiKey {
                name: "bound".into(),
                scopes: ["groups:read", "customers:read", "customers:reveal", "customers:find", "redact"]
                    .map(String::from)
                    .to_vec(),
                groups: vec!["*".to_owned()],
            })
            .await
            .unwrap();
        let bind = send(
            &admin,
            Method::POST,
            &format!("/v1/apikeys/{}/bind", bound.key.id),
            Some(json!({"client_cert_sha256": "ab".repeat(32)})),
        )
        .await;
        assert_eq!(bind.status, 204, "{}", String::from_utf8_lossy(&bind.body));
        tokens.push((Kind::Bound, bound.token));
        let keymaker = admin
            .create_api_key(&sekretess_api::CreateApiKey {
                name: "keymaker".into(),
                scopes: ["apikeys:admin", "groups:read", "customers:read", "customers:reveal"]
                    .map(String::from)
                    .to_vec(),
                groups: vec!["retail".to_owned()],
            })
            .await
            .unwrap()
            .token;
        // The first officer's enrolment came with init (login "officer"); the bootstrap
        // route then refuses a second one.
        let officer_code = r.officer_code.clone().expect("init returns the first officer's code");
        let again = send(
            &admin,
            Method::POST,
            "/v1/employees/bootstrap",
            Some(json!({"login": "olga", "display_name": "Olga"})),
        )
        .await;
        assert_eq!(again.status, 409, "{}", String::from_utf8_lossy(&again.body));
        let mut w = World {
            r,
            code,
            erase_code,
            officer: Emp { id: 0, login: String::new(), secret: vec![] },
            tokens,
            second: String::new(),
            otto: Emp { id: 0, login: String::new(), secret: vec![] },
            keymaker,
        };
        w.officer = w.enrol(&officer_code).await;
        let off = w.session(&w.officer).await;
        // The second officer: the only employee the sole officer may approve alone.
        let otto = w.invite(&off, "otto", &["security_officer"]).await;
        let r = w.officer_call(&off, &format!("/v1/employees/{}/approve", otto.id), None).await;
        assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
        w.second = w.session(&otto).await;
        w.otto = otto;
        // The bootstrap key is retired now.
        let r = send(&w.r.admin(), Method::GET, "/v1/groups", None).await;
        assert_eq!((r.status, kind_of(&r).as_str()), (401, "bootstrap-key-retired"));

        let agent = w.invite(&off, "agnes", &["agent"]).await;
        let nogroup = w.invite(&off, "nils", &["agent"]).await;
        let unsigned = w.invite(&off, "ulla", &["agent"]).await;
        let auditor = w.invite(&off, "aud", &["auditor"]).await;
        let pending = w.invite(&off, "pelle", &["agent"]).await;
        let suspended = w.invite(&off, "sven", &["agent"]).await;
        for e in [&agent, &nogroup, &unsigned, &auditor, &suspended] {
            let r = w.officer_call(&w.second, &format!("/v1/employees/{}/approve", e.id), None).await;
            assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
        }
        for e in [&agent, &unsigned, &suspended] {
            let r = w
                .officer_call(
                    &off,
                    &format!("/v1/employees/{}/grants", e.id),
                    Some(json!({"group": "retail"})),
                )
                .await;
            assert_eq!(r.status, 204);
        }
        let r = w
            .officer_call(&off, "/v1/agreements", Some(json!({"text": "# Confidentiality\nKeep it secret."})))
            .await;
        w.approved(r).await;
        let mut sessions = vec![(Kind::Officer, off)];
        for (k, e) in [
            (Kind::Agent, &agent),
            (Kind::NoGroup, &nogroup),
            (Kind::Unsigned, &unsigned),
            (Kind::Auditor, &auditor),
            (Kind::Suspended, &suspended),
        ] {
            let t = w.session(e).await;
            if k != Kind::Unsigned {
                let r = send(
                    &w.client(Some(&t)),
                    Method::POST,
                    "/v1/agreements/sign",
                    Some(json!({"version": 1, "password": PW})),
                )
                .await;
                assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
            }
            sessions.push((k, t));
        }
        // A pending account cannot log in at all: it holds no session.
        let r = w.login(&pending, PW).await;
        assert_eq!((r.status, kind_of(&r).as_str()), (403, "account-not-active"));
        sessions.push((Kind::Pending, STRANGER.to_owned()));
        // The suspended employee's session was live; suspension ends it.
        let sv = sessions.iter().find(|(k, _)| *k == Kind::Suspended).unwrap().1.clone();
        assert_eq!(send(&w.client(Some(&sv)), Method::GET, "/v1/agreements/current", None).await.status, 200);
        let off = sessions[0].1.clone();
        assert_eq!(
            w.officer_call(&off, &format!("/v1/employees/{}/suspend", suspended.id), None).await.status,
            204
        );
        w.tokens.extend(sessions);
        w
    }
}

#[tokio::test]
async fn deny_by_default_every_route_every_caller() {
    let w = World::build().await;
    let doc: Value = serde_json::from_str(&sekretess_server::openapi::document()).unwrap();
    let mut kinds = vec![
        Kind::None,
        Kind::Pending,
        Kind::Suspended,
        Kind::Unsigned,
        Kind::NoGroup,
        Kind::Agent,
        Kind::Auditor,
        Kind::Officer,
        Kind::Bound,
    ];
    kinds.extend(SCOPES.map(Kind::Svc));
    let mut routes = vec![];
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            routes.push((method.clone(), path.clone()));
        }
    }
    let mut checked = 0;
    for (method, path) in &routes {
        let (allowed, destructive) =
            row(method, path).unwrap_or_else(|| panic!("no row in the table for {method} {path}"));
        let code = if method == "delete" { &w.erase_code } else { &w.code };
        let concrete = path
            .replace("{name}", "nosuch")
            .replace("{code}", code)
            .replace("{id}", "999999")
            .replace("{group}", "retail")
            .replace("{field}", "notes");
        let concrete = match (method.as_str(), path.as_str()) {
            ("post", "/v1/documents") => format!("{concrete}?group=retail"),
            ("get", "/v1/documents") => format!("{concrete}?customer={}", w.code),
            _ => concrete,
        };
        let body = match path.as_str() {
            "/v1/customers/search" => {
                Some(json!({"group": "retail", "field": "email", "value": "ada@example.com"}))
            }
            "/v1/customers/{code}/reveal" => {
                Some(json!({"fields": ["email"], "purpose": "customer_request"}))
            }
            "/v1/tokenize" => Some(
                json!({"group": "retail", "format": "opaque", "type": "text", "items": [{"value": "x"}]}),
            ),
            "/v1/detokenize" => {
                Some(json!({"group": "retail", "tokens": ["tok_x"], "purpose": "customer_request"}))
            }
            "/v1/tokens/revoke" => Some(json!({"group": "retail", "tokens": ["tok_x"]})),
            // A well-formed body, so that a refusal comes from the caller, not the body.
            "/v1/customers" => Some(json!({"group": "retail", "fields": {"email": "table@example.com"}})),
            "/v1/customers/batch" => {
                Some(json!({"group": "retail", "customers": [{"fields": {"email": "table@example.com"}}]}))
            }
            "/v1/customers/{code}" if method == "patch" => Some(json!({"fields": {}})),
            _ => Option::None,
        };
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        for k in &kinds {
            let ok = allowed.contains(k);
            if ok && destructive {
                continue;
            }
            let resp = send(&w.as_kind(*k), m.clone(), &concrete, body.clone()).await;
            assert!(!holds_tax_id(&resp.body), "{method} {path} as {k:?} answered a restricted value");
            let s = resp.status;
            if ok {
                assert!(
                    s != 401 && s != 403 && s != 503,
                    "{method} {path} as {k:?}: expected to pass, got {s} {}",
                    String::from_utf8_lossy(&resp.body)
                );
            } else {
                let hidden = *k == Kind::NoGroup
                    && s == 404
                    && (path.contains("{code}") || path.starts_with("/v1/documents/"));
                assert!(
                    s == 401 || s == 403 || hidden,
                    "{method} {path} as {k:?}: expected a refusal, got {s} {}",
                    String::from_utf8_lossy(&resp.body)
                );
                if *k == Kind::Bound {
                    assert_eq!(s, 401, "{method} {path}: a bound key without its certificate");
                }
                if *k == Kind::Unsigned
                    && allowed.contains(&Kind::Agent)
                    && (path.starts_with("/v1/customers") || path.starts_with("/v1/documents"))
                {
                    assert_eq!(kind_of(&resp), "agreement-required", "{method} {path}");
                }
            }
            checked += 1;
        }
    }
    assert!(routes.len() >= 38, "only {} routes documented", routes.len());
    assert!(checked > 500, "only {checked} calls");
}

#[tokio::test]
async fn lifecycle_rules_logins_masking_and_agreements() {
    let w = World::build().await;
    let off = w.token(Kind::Officer).unwrap();
    let agent = w.as_kind(Kind::Agent);

    // Self-approval refused (the first officer approving themself).
    let r = w.officer_call(&off, &format!("/v1/employees/{}/approve", w.officer.id), None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "self-approval"));

    // Unknown user and wrong password: byte-identical answers.
    let a = send(
        &w.client(None),
        Method::POST,
        "/v1/auth/login",
        Some(json!({"login": "nobody", "password": PW, "totp": "123456"})),
    )
    .await;
    let b = w.login(&w.officer, "wrong password entirely").await;
    assert_eq!((a.status, &a.body), (b.status, &b.body));
    assert_eq!(a.status, 401);
    assert!(!String::from_utf8_lossy(&a.body).contains("nobody"));

    // Masking: the agent sees confidential fields masked, internal ones plain.
    let r = send(&agent, Method::GET, &format!("/v1/customers/{}", w.code), None).await;
    assert_eq!(r.status, 200);
    let c = json_of(&r);
    assert_eq!(c["fields"]["notes"], "vip");
    assert_ne!(c["fields"]["email"], "ada@example.com");
    assert!(c["fields"]["email"].as_str().unwrap().contains("@example.com"));
    assert!(c["masked"].as_array().unwrap().iter().any(|f| f == "email"));

    // Reveal: a purpose is required; the named fields only come back in plain.
    let path = format!("/v1/customers/{}/reveal", w.code);
    let r = send(&agent, Method::POST, &path, Some(json!({"fields": ["email"]}))).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (400, "purpose-required"));
    let r = send(&agent, Method::POST, &path, Some(json!({"fields": ["email"], "purpose": "  "}))).await;
    assert_eq!(r.status, 400);
    let r =
        send(&agent, Method::POST, &path, Some(json!({"fields": ["email"], "purpose": "secret-thing-xyz"})))
            .await;
    assert_eq!((r.status, kind_of(&r).as_str()), (400, "unknown-purpose"));
    assert!(!String::from_utf8_lossy(&r.body).contains("secret-thing-xyz"));
    let r =
        send(&agent, Method::POST, &path, Some(json!({"fields": ["email"], "purpose": "customer_request"})))
            .await;
    assert_eq!(r.status, 200);
    let v: ap::Revealed = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v.fields.len(), 1);
    assert_eq!(v.fields["email"], "ada@example.com");

    // Restricted is never plain: the policy refuses it.
    let r = send(
        &w.client(Some(&off)),
        Method::PUT,
        "/v1/policy",
        Some(json!({"role": "agent", "sensitivity": "restricted", "decision": "plain"})),
    )
    .await;
    assert_eq!((r.status, kind_of(&r).as_str()), (422, "restricted-never-plain"));
    // Lowering confidential to masked makes the reveal refused.
    let r = send(
        &w.client(Some(&off)),
        Method::PUT,
        "/v1/policy",
        Some(json!({"role": "agent", "sensitivity": "confidential", "decision": "masked"})),
    )
    .await;
    w.approved(r).await;
    let r = send(&agent, Method::POST, &path, Some(json!({"fields": ["email"], "purpose": "payment"}))).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "reveal-not-allowed"));
    // API keys have the policy row `service`, apart from agents': still revealable...
    let key = w.as_kind(Kind::Svc("customers:reveal"));
    let ask = json!({"fields": ["email"], "purpose": "payment"});
    assert_eq!(send(&key, Method::POST, &path, Some(ask.clone())).await.status, 200);
    // ...until the officer lowers it too.
    let r = send(
        &w.client(Some(&off)),
        Method::PUT,
        "/v1/policy",
        Some(json!({"role": "service", "sensitivity": "confidential", "decision": "masked"})),
    )
    .await;
    w.approved(r).await;
    let r = send(&key, Method::POST, &path, Some(ask)).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "reveal-not-allowed"));
    // `service` is a policy row, never an employee's role.
    let r = w
        .officer_call(
            &off,
            "/v1/employees",
            Some(json!({"login": "robot", "display_name": "R", "roles": ["service"]})),
        )
        .await;
    assert_eq!((r.status, kind_of(&r).as_str()), (422, "invalid-input"));

    // Security officers and auditors get no customer data.
    for k in [Kind::Officer, Kind::Auditor] {
        assert_eq!(
            send(&w.as_kind(k), Method::GET, &format!("/v1/customers/{}", w.code), None).await.status,
            403
        );
    }

    // A new agreement version blocks every employee until they sign it.
    let r = w.officer_call(&off, "/v1/agreements", Some(json!({"text": "# Version 2"}))).await;
    w.approved(r).await;
    let r = send(&agent, Method::GET, &format!("/v1/customers/{}", w.code), None).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "agreement-required"));
    let r =
        send(&agent, Method::POST, "/v1/agreements/sign", Some(json!({"version": 1, "password": PW}))).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (409, "agreement-outdated"));
    let r = send(
        &agent,
        Method::POST,
        "/v1/agreements/sign",
        Some(json!({"version": 2, "password": "not the password"})),
    )
    .await;
    assert_eq!((r.status, kind_of(&r).as_str()), (403, "wrong-password"));
    let r =
        send(&agent, Method::POST, "/v1/agreements/sign", Some(json!({"version": 2, "password": PW}))).await;
    assert_eq!(r.status, 204);
    assert_eq!(send(&agent, Method::GET, &format!("/v1/customers/{}", w.code), None).await.status, 200);
}

#[tokio::test]
async fn lockout_and_its_expiry_with_the_injected_clock() {
    let w = World::build().await;
    for _ in 0..10 {
        assert_eq!(w.login(&w.officer, "wrong password entirely").await.status, 401);
    }
    // Locked: even the right password fails, with the same answer.
    let locked = w.login(&w.officer, PW).await;
    assert_eq!((locked.status, kind_of(&locked).as_str()), (401, "login-failed"));
    w.r.ts.clock.advance(31 * 60);
    assert_eq!(w.login(&w.officer, PW).await.status, 200);
}

#[tokio::test]
async fn bad_input_changes_nothing_and_echoes_nothing() {
    let w = World::build().await;
    let anon = w.client(None);
    // A used enrolment code.
    let off = w.token(Kind::Officer).unwrap();
    let r = send(
        &w.client(Some(&off)),
        Method::POST,
        "/v1/employees",
        Some(json!({"login": "weak", "display_name": "W", "roles": ["agent"]})),
    )
    .await;
    let code = json_of(&r)["code"].as_str().unwrap().to_owned();
    let r = send(
        &anon,
        Method::POST,
        "/v1/employees/enrol",
        Some(json!({"code": code, "password": "Password2026!"})),
    )
    .await;
    assert_eq!((r.status, kind_of(&r).as_str()), (422, "weak-password"));
    assert!(!String::from_utf8_lossy(&r.body).contains("Password2026"));
    w.enrol(&code).await;
    let r =
        send(&anon, Method::POST, "/v1/employees/enrol", Some(json!({"code": code, "password": PW}))).await;
    assert_eq!((r.status, kind_of(&r).as_str()), (400, "invalid-enrolment-code"));
    assert!(!String::from_utf8_lossy(&r.body).contains(&code));
    // A token of another kind.
    let r = send(&w.client(Some("sks_nothex")), Method::GET, "/v1/policy", None).await;
    assert_eq!(r.status, 401);
    // Logout ends the session.
    let agent = w.token(Kind::Agent).unwrap();
    assert_eq!(send(&w.client(Some(&agent)), Method::POST, "/v1/auth/logout", None).await.status, 204);
    assert_eq!(send(&w.client(Some(&agent)), Method::GET, "/v1/policy", None).await.status, 401);
}

/// A bad first-officer login is refused before init creates anything.
#[tokio::test]
async fn init_checks_the_officer_login_first() {
    let ts = TestServer::start().await;
    let c = ts.client(None);
    let body = json!({"threshold": 1, "shares": 1, "officer_login": "no spaces please"});
    let resp = send(&c, Method::POST, "/v1/sys/init", Some(body)).await;
    assert_eq!(resp.status, 422, "{}", String::from_utf8_lossy(&resp.body));
    assert!(!String::from_utf8_lossy(&resp.body).contains("no spaces"), "the login was echoed");
    assert!(!c.seal_status().await.unwrap().initialized, "init went ahead");
    let body = json!({"threshold": 1, "shares": 1, "officer_login": "anna.admin"});
    let resp = send(&c, Method::POST, "/v1/sys/init", Some(body)).await;
    assert_eq!(resp.status, 200);
    assert!(json_of(&resp)["officer_enrolment_code"].as_str().is_some_and(|code| code.len() >= 20));
}

/// A lost enrolment code is replaced by a new one; the old one stops working, and an
/// enrolled employee gets none.
#[tokio::test]
async fn an_officer_reissues_an_enrolment_code() {
    let w = World::build().await;
    let off = w.token(Kind::Officer).unwrap();
    let c = w.client(Some(&off));
    let r = send(
        &c,
        Method::POST,
        "/v1/employees",
        Some(json!({"login": "lost", "display_name": "Lost", "roles": ["agent"]})),
    )
    .await;
    assert_eq!(r.status, 201);
    let first = json_of(&r);
    let id = first["employee_id"].as_u64().unwrap();
    let again = w.officer_call(&off, &format!("/v1/employees/{id}/enrolment"), None).await;
    assert_eq!(again.status, 201, "{}", String::from_utf8_lossy(&again.body));
    let second = json_of(&again)["code"].as_str().unwrap().to_owned();
    assert_ne!(second, first["code"].as_str().unwrap());
    let old = send(
        &w.client(None),
        Method::POST,
        "/v1/employees/enrol",
        Some(json!({"code": first["code"], "password": PW})),
    )
    .await;
    assert_eq!(old.status / 100, 4, "the replaced code still works");
    let e = w.enrol(&second).await;
    assert_eq!(e.id, id);
    let done = w.officer_call(&off, &format!("/v1/employees/{id}/enrolment"), None).await;
    assert_eq!(done.status, 409, "an enrolled employee got a new code");
}

#[tokio::test]
async fn fault10_an_employee_session_cannot_mint_an_admin_api_key() {
    let w = World::build().await;
    let officer = w.as_kind(Kind::Officer);
    for scope in ["apikeys:admin", "groups:admin", "sys:seal", "audit:read"] {
        let r = send(
            &officer,
            Method::POST,
            "/v1/apikeys",
            Some(json!({"name": "ops", "scopes": ["groups:read", scope], "groups": ["retail"]})),
        )
        .await;
        assert_eq!((r.status, kind_of(&r).as_str()), (403, "admin-key-needs-approval"), "{scope}");
    }
    // A key for another system's ordinary work is still the officer's to make.
    let r = send(
        &officer,
        Method::POST,
        "/v1/apikeys",
        Some(json!({"name": "crm", "scopes": ["groups:read", "redact"], "groups": ["retail"]})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    // No administrative key exists but init's (retired) bootstrap key.
    let keys = send(&officer, Method::GET, "/v1/apikeys", None).await;
    let admin_keys = json_of(&keys)["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["scopes"].as_array().unwrap().iter().any(|s| s == "apikeys:admin"))
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert!(
        admin_keys.iter().all(|n| n == "bootstrap" || n == "svc-apikeys-admin" || n == "keymaker"),
        "{admin_keys:?}"
    );
}

mod denials;
mod dual;
mod restricted;
mod route_table;
