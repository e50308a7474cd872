//! The web console in headless Chromium, driven through WebDriver (Debian's `chromium` and
//! `chromium-driver`), against a real `sekretess serve --dev` over HTTPS.
//!
//! One story: the first officer enrols and logs in with TOTP, invites an officer, an agent and
//! an auditor; the second officer approves the agent; the agent is refused customer data until
//! signing the agreement, signs, finds a customer, sees it masked with the documents filed
//! under its code (and downloads one), reveals one field with a purpose; creates a customer
//! (a bad personnummer is refused beside its field, echoing nothing), edits it (an edit made
//! from an older read is refused), erases it after typing its code; the auditor sees exactly
//! those events and verifies the chain. Throughout: no
//! request leaves for another host (the browsers' performance logs), no CSP violation (their
//! console logs), the cookie attributes, and a form without its CSRF token is refused (a plain
//! HTTP client). Screenshots of the main pages go to `docs/console/` when
//! `SEKRETESS_CONSOLE_SCREENSHOTS=1`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::serve::{Env, bin, out, run};

const PW: &str = "Ljus-Fjord-Kvarn-7291";

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

/// Chromium and chromedriver, or `None` (with a line saying so) when one is missing and CI
/// is not set.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = on_path("chromium");
    let driver = on_path("chromedriver");
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
            );
            eprintln!("skipped: chromium or chromedriver missing (apt-get install chromium chromium-driver)");
            None
        }
    }
}

/// A child process killed when the test ends, however it ends.
struct Killed(Option<Child>);

impl Killed {
    fn take(mut self) -> Child {
        self.0.take().unwrap()
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// chromedriver on a free loopback port, once it answers.
fn start_driver(driver: &Path) -> (Killed, String) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let child = Killed(Some(child));
    for _ in 0..400 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (child, format!("http://127.0.0.1:{port}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("chromedriver did not start");
}

/// A dev server whose first officer's enrolment code is read from what it prints.
fn start_server(data: &Path, log: &Path) -> (Killed, Env, String) {
    let child = bin()
        .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let child = Killed(Some(child));
    let creds = data.join("dev-credentials.json");
    for _ in 0..1200 {
        let printed = std::fs::read_to_string(log).unwrap_or_default();
        if let (Ok(text), Some(at)) = (std::fs::read_to_string(&creds), printed.find("paste the code: "))
            && let Ok(v) = serde_json::from_str::<Value>(&text)
        {
            let code = printed[at + "paste the code: ".len()..].lines().next().unwrap().trim().to_owned();
            let env = Env {
                addr: v["addr"].as_str().unwrap().to_owned(),
                ca: v["ca_cert"].as_str().unwrap().to_owned(),
                token: v["token"].as_str().unwrap().to_owned(),
            };
            return (child, env, code);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the dev server did not start");
}

async fn browser(driver: &str, chromium: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    // The dev server's certificate is signed by its own throwaway CA.
    caps.insert("acceptInsecureCerts".into(), json!(true));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,900", "--lang=en-US", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-default-apps", "--disable-extensions"],
            "prefs": {"intl.accept_languages": "en-US,en"}
        }),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL", "performance": "ALL"}));
    ClientBuilder::rustls().unwrap().capabilities(caps).connect(driver).await.unwrap()
}

/// chromedriver's log endpoint (`browser`: console messages, CSP violations included;
/// `performance`: DevTools events, every network request included).
#[derive(Debug)]
struct GetLog(&'static str);

impl WebDriverCompatibleCommand for GetLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": self.0}).to_string()))
    }
}

async fn log(c: &Client, kind: &'static str) -> Vec<Value> {
    c.issue_cmd(GetLog(kind)).await.unwrap().as_array().cloned().unwrap_or_default()
}

/// Every URL the browser requested so far (from the performance log), and every console
/// message about the Content-Security-Policy.
async fn network_and_csp(c: &Client, seen: &mut Vec<String>, csp: &mut Vec<String>) {
    for e in log(c, "performance").await {
        let m: Value = serde_json::from_str(e["message"].as_str().unwrap_or("{}")).unwrap();
        if m["message"]["method"] == "Network.requestWillBeSent" {
            seen.push(m["message"]["params"]["request"]["url"].as_str().unwrap_or("").to_owned());
        }
        if m["message"]["method"] == "Log.entryAdded"
            && m["message"]["params"]["entry"]["text"]
                .as_str()
                .unwrap_or("")
                .contains("Content Security Policy")
        {
            csp.push(m["message"]["params"]["entry"]["text"].to_string());
        }
    }
    for e in log(c, "browser").await {
        let text = e["message"].as_str().unwrap_or("");
        if text.contains("Content Security Policy") || text.contains("Content-Security-Policy") {
            csp.push(text.to_owned());
        }
    }
}

fn totp_now(secret_b32: &str) -> String {
    let secret = base32(secret_b32);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    sekretess_crypto::totp::code_at(&secret, "SHA1", 6, t).unwrap()
}

fn base32(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = vec![];
    for ch in text.bytes().filter(|b| *b != b'=') {
        let v = alphabet.iter().position(|a| *a == ch.to_ascii_uppercase()).unwrap() as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

struct Ui {
    base: String,
    shots: Option<PathBuf>,
}

impl Ui {
    async fn go(&self, c: &Client, path: &str) {
        c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    async fn fill(&self, c: &Client, id: &str, value: &str) {
        let e = c.find(Locator::Id(id)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(value).await.unwrap();
    }

    /// Clicks and waits until the page it was on is gone (every click here submits a form or
    /// follows a link); the bound only guards against a hang.
    async fn click(&self, c: &Client, id: &str) {
        let old = c.find(Locator::Css("html")).await.unwrap();
        c.find(Locator::Id(id)).await.unwrap().click().await.unwrap();
        for _ in 0..600 {
            if old.attr("lang").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("clicking {id} led nowhere");
    }

    async fn text(&self, c: &Client, css: &str) -> String {
        c.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
    }

    async fn path(&self, c: &Client) -> String {
        c.current_url().await.unwrap().path().to_owned()
    }

    async fn shot(&self, c: &Client, name: &str) {
        if let Some(dir) = &self.shots {
            std::fs::write(dir.join(format!("{name}.png")), c.screenshot().await.unwrap()).unwrap();
        }
    }

    /// Enrols with a one-time code; answers the TOTP key shown (as text beside the QR code).
    async fn enrol(&self, c: &Client, code: &str) -> String {
        self.go(c, "/ui/enrol").await;
        self.fill(c, "code", code).await;
        self.fill(c, "password", PW).await;
        self.fill(c, "password2", PW).await;
        self.click(c, "enrol-button").await;
        let secret = self.text(c, "#totp-secret").await;
        let page = c.source().await.unwrap();
        assert!(page.contains("<svg") && page.contains("<path"), "the QR code is shown: {page}");
        secret
    }

    async fn login(&self, c: &Client, login: &str, secret: &str) {
        self.go(c, "/ui/login").await;
        self.fill(c, "login", login).await;
        self.fill(c, "password", PW).await;
        self.fill(c, "totp", &totp_now(secret)).await;
        self.click(c, "login-button").await;
        if self.path(c).await != "/ui/home" {
            panic!("{login} not logged in: {}", self.text(c, "main").await);
        }
        assert_eq!(self.text(c, "#me").await, login);
    }

    async fn invite(&self, c: &Client, login: &str, role: &str) -> String {
        self.go(c, "/ui/employees").await;
        self.fill(c, "invite-login", login).await;
        self.fill(c, "invite-name", login).await;
        c.find(Locator::Id(role)).await.unwrap().click().await.unwrap();
        self.click(c, "invite-button").await;
        self.text(c, "#enrolment-code").await
    }
}

fn http_client(ca: &str) -> reqwest::Client {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let tls =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_end_to_end_in_headless_chromium() {
    let Some((chromium, driver_bin)) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (server, env, officer_code) = start_server(&dir.path().join("dev"), &dir.path().join("serve.log"));
    let (driver, driver_url) = start_driver(&driver_bin);
    let shots = std::env::var_os("SEKRETESS_CONSOLE_SCREENSHOTS").map(|_| {
        let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/console");
        std::fs::create_dir_all(&d).unwrap();
        d
    });
    let ui = Ui { base: env.addr.clone(), shots };

    // A group and a customer, made with the dev key (an API client, as other systems would).
    assert_eq!(run(&env, &["group", "create", "retail"], None).status.code(), Some(0));
    let add = run(
        &env,
        &["customer", "add", "--group", "retail"],
        Some(
            r#"{"full_name": "Ada Lovelace", "email": "ada.lovelace@example.com", "notes": "prefers letters"}"#,
        ),
    );
    assert_eq!(add.status.code(), Some(0), "{add:?}");
    let code = out(&add);
    // A letter filed under the code (the archive keeps only the redacted copy).
    let letter = dir.path().join("letter-to-customer.txt");
    std::fs::write(
        &letter,
        "Dear customer,\nthank you for your letter. Reply to ada.lovelace@example.com.\n",
    )
    .unwrap();
    let filed = run(
        &env,
        &["archive", "add", letter.to_str().unwrap(), "--group", "retail", "--customer", &code],
        None,
    );
    assert_eq!(filed.status.code(), Some(0), "{filed:?}");

    // The first officer enrols (QR code and key), logs in with TOTP and invites a second
    // officer, an agent and an auditor.
    let a = browser(&driver_url, &chromium).await;
    ui.go(&a, "/ui/login").await;
    ui.shot(&a, "login").await;
    let officer_secret = ui.enrol(&a, &officer_code).await;
    ui.login(&a, "officer", &officer_secret).await;
    let cookies = a.get_all_cookies().await.unwrap();
    let session = cookies.iter().find(|c| c.name() == "__Host-sekretess").expect("the session cookie");
    assert_eq!(session.secure(), Some(true));
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(format!("{:?}", session.same_site()), "Some(Strict)");
    assert_eq!(session.path(), Some("/"));
    assert!(session.domain().is_none_or(|d| d == "127.0.0.1"), "host-only");
    let officer_cookie = session.value().to_owned();

    // The status page while this is the only officer: unsealed, the warning, this process.
    ui.go(&a, "/ui/status").await;
    assert_eq!(ui.text(&a, "#seal-state").await, "unsealed");
    assert!(a.find(Locator::Id("single-officer-warning")).await.is_ok());
    assert!(a.find(Locator::Css(r#"#processes tr.process[data-this="true"]"#)).await.is_ok());
    assert_eq!(ui.text(&a, "#status-group-retail .state").await, "open");

    let olle_code = ui.invite(&a, "olle", "role-officer").await;
    let agnes_code = ui.invite(&a, "agnes", "role-agent").await;
    let aud_code = ui.invite(&a, "aud", "role-auditor").await;

    // They enrol (each pending approval); the first officer approves the second.
    let b = browser(&driver_url, &chromium).await;
    let olle_secret = ui.enrol(&b, &olle_code).await;
    assert!(b.find(Locator::Id("pending")).await.is_ok());
    let agnes_secret = ui.enrol(&b, &agnes_code).await;
    let aud_secret = ui.enrol(&b, &aud_code).await;
    ui.go(&a, "/ui/employees").await;
    ui.click(&a, "approve-olle").await;
    ui.go(&a, "/ui/status").await;
    assert!(a.find(Locator::Id("single-officer-warning")).await.is_err(), "two officers now");
    ui.shot(&a, "status").await;

    // The field policy: a change is a pending request until the other officer approves it.
    ui.go(&a, "/ui/policy").await;
    let cell = a.find(Locator::Id("cell-auditor-internal")).await.unwrap();
    assert_eq!(cell.prop("value").await.unwrap().as_deref(), Some("deny"));
    let restricted = a.find_all(Locator::Css("#cell-agent-restricted option")).await.unwrap();
    let mut offered = vec![];
    for o in restricted {
        offered.push(o.attr("value").await.unwrap().unwrap_or_default());
    }
    assert_eq!(offered, ["deny", "masked"], "restricted is never plain online");
    cell.select_by_value("masked").await.unwrap();
    ui.click(&a, "policy-submit").await;
    assert_eq!(ui.path(&a).await, "/ui/policy");
    assert!(
        ui.text(&a, "#cell-auditor-internal-pending").await.contains("pending approval by another officer")
    );
    assert!(a.find(Locator::Id("policy-approvals")).await.is_ok());
    let cell = a.find(Locator::Id("cell-auditor-internal")).await.unwrap();
    assert_eq!(cell.prop("value").await.unwrap().as_deref(), Some("deny"), "not in force yet");
    ui.shot(&a, "policy").await;
    ui.click(&a, "policy-approvals").await;
    let row = a.find(Locator::Css(r#"tr[data-kind="policy.set"]"#)).await.unwrap();
    let policy_request = row.attr("data-id").await.unwrap().expect("the policy request's id");

    // Publishing the agreement is dual control: the first officer asks, the second approves.
    ui.go(&a, "/ui/agreements").await;
    ui.fill(
        &a,
        "agreement-input",
        "Confidentiality agreement\n\nI keep what I see about customers to myself.",
    )
    .await;
    ui.click(&a, "publish-button").await;
    assert_eq!(ui.path(&a).await, "/ui/approvals");
    let row = a.find(Locator::Css(r#"tr[data-kind="agreement.publish"]"#)).await.unwrap();
    let request = row.attr("data-id").await.unwrap().expect("the pending request's id");
    ui.go(&a, "/ui/agreements").await;
    assert!(a.find(Locator::Id("no-agreement")).await.is_ok(), "not published before approval");

    // The second officer approves it, then the agent and the auditor, and grants the agent
    // the group.
    ui.login(&b, "olle", &olle_secret).await;
    ui.go(&b, "/ui/approvals").await;
    ui.shot(&b, "approvals").await;
    ui.click(&b, &format!("approve-request-{request}")).await;
    ui.click(&b, &format!("approve-request-{policy_request}")).await;
    ui.go(&b, "/ui/policy").await;
    let cell = b.find(Locator::Id("cell-auditor-internal")).await.unwrap();
    assert_eq!(cell.prop("value").await.unwrap().as_deref(), Some("masked"), "in force once approved");
    assert!(b.find(Locator::Id("policy-pending")).await.is_err());
    ui.go(&b, "/ui/agreements").await;
    assert_eq!(ui.text(&b, "#current-version").await, "1");
    ui.shot(&b, "agreements").await;
    ui.go(&b, "/ui/employees").await;
    ui.click(&b, "approve-agnes").await;
    ui.click(&b, "approve-aud").await;
    ui.click(&b, "grant-button-agnes").await;
    assert_eq!(ui.text(&b, "#employee-agnes .state").await, "active");
    ui.shot(&b, "employees").await;

    // The agent: refused customer data until signing.
    let c = browser(&driver_url, &chromium).await;
    ui.login(&c, "agnes", &agnes_secret).await;
    assert!(c.find(Locator::Id("agreement-missing")).await.is_ok());
    ui.go(&c, "/ui/customers").await;
    ui.fill(&c, "code", &code).await;
    ui.click(&c, "find-code").await;
    assert_eq!(
        c.find(Locator::Id("problem")).await.unwrap().attr("data-kind").await.unwrap().as_deref(),
        Some("agreement-required")
    );
    assert!(!c.source().await.unwrap().contains("Lovelace"));
    ui.shot(&c, "agreement-required").await;
    ui.click(&c, "sign-link").await;
    assert!(ui.text(&c, "#agreement-text").await.contains("I keep what I see"));
    ui.shot(&c, "agreement").await;
    ui.fill(&c, "password", PW).await;
    ui.click(&c, "sign-button").await;
    assert!(c.find(Locator::Id("agreement-ok")).await.is_ok());

    // Finds the customer by code: the masked view, no plain value on the page.
    ui.go(&c, "/ui/customers").await;
    ui.shot(&c, "search").await;
    ui.fill(&c, "code", &code.to_lowercase().replace('-', "")).await;
    ui.click(&c, "find-code").await;
    assert_eq!(ui.path(&c).await, format!("/ui/customers/{code}"));
    assert_eq!(ui.text(&c, "#customer-code").await, code);
    let page = c.source().await.unwrap();
    assert!(!page.contains("Lovelace") && !page.contains("ada.lovelace@example.com"), "masked view");
    assert_ne!(ui.text(&c, "#field-email .value").await, "");
    // The document filed under the code, with a download link through the console.
    let docs = c.find_all(Locator::Css("#documents tr.document")).await.unwrap();
    assert_eq!(docs.len(), 1, "one document on file");
    assert_eq!(ui.text(&c, "#documents tr.document .name").await, "letter-to-customer.txt");
    let href = c
        .find(Locator::Css("#documents tr.document a.download"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("a download link");
    assert!(href.starts_with("/ui/documents/doc_") && !href.contains('?'), "{href}");
    ui.shot(&c, "customer").await;

    // Reveals the e-mail with a purpose: by POST, so nothing of it in the URL or the title.
    // The first purpose in the list is selected: customer_request.
    ui.fill(&c, "note-email", "case 4711").await;
    ui.click(&c, "reveal-email").await;
    assert_eq!(ui.text(&c, "#revealed-email .value").await, "ada.lovelace@example.com");
    assert!(!c.source().await.unwrap().contains("Lovelace"), "only the one field");
    let url = c.current_url().await.unwrap().to_string();
    let title = c.title().await.unwrap();
    assert!(!url.contains("ada") && !title.contains("ada") && !title.contains(&code), "{url} {title}");
    ui.shot(&c, "revealed").await;

    // The document, downloaded through the console with the agent's session: the redacted
    // copy, as an attachment.
    let http = http_client(&env.ca);
    let agent_cookie = c
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .find(|k| k.name() == "__Host-sekretess")
        .unwrap()
        .value()
        .to_owned();
    let got = http
        .get(format!("{}{href}", env.addr))
        .header("cookie", format!("__Host-sekretess={agent_cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let h = got.headers().clone();
    assert_eq!(h["content-type"], "application/octet-stream");
    let disposition = h["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("letter-to-customer.txt"),
        "{disposition}"
    );
    assert_eq!(h["cache-control"], "no-store");
    let body = got.text().await.unwrap();
    assert!(body.contains("thank you for your letter"), "{body}");
    assert!(!body.contains("ada.lovelace@example.com"), "only the redacted copy: {body}");

    // A new customer: a bad personnummer is refused beside its field, and nothing typed
    // comes back in the page.
    ui.go(&c, "/ui/customers").await;
    ui.click(&c, "new-customer").await;
    assert_eq!(ui.text(&c, "#form-group").await, "retail", "the agent's one group, no choice to make");
    ui.fill(&c, "f-full_name", "Grace Hopper").await;
    ui.fill(&c, "f-email", "grace.hopper@example.com").await;
    ui.fill(&c, "f-national_id", "19121212-1213").await;
    ui.click(&c, "create-button").await;
    assert_eq!(ui.path(&c).await, "/ui/customers/new");
    assert!(!ui.text(&c, "#error-national_id").await.is_empty());
    assert!(c.find(Locator::Id("error-email")).await.is_err(), "only the field at fault");
    let page = c.source().await.unwrap();
    for typed in ["Grace", "grace.hopper", "19121212"] {
        assert!(!page.contains(typed), "{typed} echoed: {page}");
    }
    assert_eq!(c.title().await.unwrap(), "New customer · Sekretess");
    ui.shot(&c, "customer-new-error").await;
    ui.fill(&c, "f-full_name", "Grace Hopper").await;
    ui.fill(&c, "f-email", "grace.hopper@example.com").await;
    ui.fill(&c, "f-national_id", "19121212-1212").await;
    ui.fill(&c, "f-notes", "first note").await;
    ui.click(&c, "create-button").await;
    let created = ui.text(&c, "#customer-code").await;
    assert_eq!(ui.path(&c).await, format!("/ui/customers/{created}"), "redirected to the code only");
    assert_ne!(created, code);
    assert_eq!(ui.text(&c, "#field-notes .value").await, "first note");

    // The edit form: the plain note filled in, the masked name not (its masked form beside).
    ui.click(&c, "edit-link").await;
    assert_eq!(ui.path(&c).await, format!("/ui/customers/{created}/edit"));
    let value = |id: &'static str| {
        let c = c.clone();
        async move { c.find(Locator::Id(id)).await.unwrap().prop("value").await.unwrap().unwrap_or_default() }
    };
    assert_eq!(value("f-notes").await, "first note");
    assert_eq!(value("f-full_name").await, "");
    assert!(c.find(Locator::Id("now-full_name")).await.is_ok());
    assert!(!c.source().await.unwrap().contains("Grace"), "a masked value is never filled in");
    ui.shot(&c, "customer-edit").await;
    // Someone else changes the customer meanwhile (an API client): the form's save is
    // refused, nothing is written, and the form is shown again as the customer is now.
    let other = run(&env, &["customer", "update", &created], Some(r#"{"phone": "+46701234567"}"#));
    assert_eq!(other.status.code(), Some(0), "{other:?}");
    ui.fill(&c, "f-notes", "call after five").await;
    ui.click(&c, "save-button").await;
    assert_eq!(
        c.find(Locator::Id("form-error")).await.unwrap().attr("data-kind").await.unwrap().as_deref(),
        Some("customer-changed")
    );
    assert_eq!(value("f-notes").await, "first note", "not saved");
    ui.fill(&c, "f-notes", "call after five").await;
    ui.click(&c, "save-button").await;
    assert_eq!(ui.path(&c).await, format!("/ui/customers/{created}"));
    assert_eq!(ui.text(&c, "#field-notes .value").await, "call after five");

    // Erasure asks for the code again: another code erases nothing; the right one erases.
    ui.click(&c, "erase-link").await;
    ui.fill(&c, "confirm", &code).await;
    ui.click(&c, "erase-button").await;
    assert!(c.find(Locator::Id("form-error")).await.is_ok());
    ui.shot(&c, "erase").await;
    ui.fill(&c, "confirm", &created.to_lowercase()).await;
    ui.click(&c, "erase-button").await;
    assert!(c.find(Locator::Id("erased")).await.is_ok());
    ui.go(&c, &format!("/ui/customers/{created}")).await;
    assert_eq!(
        c.find(Locator::Id("problem")).await.unwrap().attr("data-kind").await.unwrap().as_deref(),
        Some("customer-erased")
    );

    // The auditor sees exactly the agent's events on this customer, and the chain verifies.
    let d = browser(&driver_url, &chromium).await;
    ui.login(&d, "aud", &aud_secret).await;
    ui.go(&d, &format!("/ui/audit?customer={code}")).await;
    let mut events = vec![];
    for row in d.find_all(Locator::Css("#audit tr.entry")).await.unwrap() {
        let cell = |css: &'static str| {
            let row = row.clone();
            async move { row.find(Locator::Css(css)).await.unwrap().text().await.unwrap() }
        };
        events.push((
            cell(".actor").await,
            cell(".action").await,
            cell(".outcome").await,
            cell(".purpose").await,
            cell(".fields").await,
        ));
    }
    // The agent's customer events (the auditor's own audit reads name the code too).
    let agent_events: Vec<_> = events
        .iter()
        .filter(|e| e.0.starts_with("employee:") && e.1.starts_with("customer."))
        .cloned()
        .collect();
    assert_eq!(agent_events.len(), 3, "{events:?}");
    // Refused (no agreement), read (masked), revealed (the one field, with its purpose).
    assert_eq!(
        (agent_events[0].1.as_str(), agent_events[0].2.as_str(), agent_events[0].4.as_str()),
        ("customer.read", "denied", "problem:agreement-required"),
        "{events:?}"
    );
    assert_eq!(
        (agent_events[1].1.as_str(), agent_events[1].2.as_str()),
        ("customer.read", "success"),
        "{events:?}"
    );
    assert_eq!(agent_events[2].2, "success", "{events:?}");
    assert!(agent_events[2].1.contains("reveal"), "{events:?}");
    assert_eq!(agent_events[2].3, "customer_request: case 4711");
    assert_eq!(agent_events[2].4, "email");
    assert!(agent_events.iter().all(|e| e.0 == agent_events[0].0), "one agent");
    assert!(!d.source().await.unwrap().contains("ada.lovelace"), "no value in the log");
    ui.shot(&d, "audit").await;

    // The new customer's life: created, a stale edit refused, edited, erased, by the agent.
    ui.go(&d, &format!("/ui/audit?customer={created}")).await;
    let mut events = vec![];
    for row in d.find_all(Locator::Css("#audit tr.entry")).await.unwrap() {
        let cell = |css: &'static str| {
            let row = row.clone();
            async move { row.find(Locator::Css(css)).await.unwrap().text().await.unwrap() }
        };
        let actor = cell(".actor").await;
        if actor.starts_with("employee:") && actor == agent_events[0].0 {
            events.push((cell(".action").await, cell(".outcome").await, cell(".fields").await));
        }
    }
    // Each write is an attempt then its commit marker (`.commit`, success); a refusal is
    // one entry naming its problem.
    let at = |pred: &dyn Fn(&(String, String, String)) -> bool| {
        events.iter().position(pred).unwrap_or_else(|| panic!("missing in {events:?}"))
    };
    let created_at = at(&|e| e.0.starts_with("customer.create") && e.1 == "success");
    let stale = at(&|e| e.0 == "customer.update" && e.1 != "success" && e.2.contains("customer-changed"));
    let edited = at(&|e| e.0 == "customer.update" && e.2 == "notes");
    let edit_done = at(&|e| e.0.starts_with("customer.update") && e.1 == "success");
    let erased = at(&|e| e.0.starts_with("customer.erase") && e.1 == "success");
    assert!(created_at < stale && stale < edited && edited <= edit_done && edit_done < erased, "{events:?}");
    assert!(
        !events.iter().any(|e| e.0 == "customer.update" && e.2.contains("phone")),
        "the API client's change is not the agent's: {events:?}"
    );
    let page = d.source().await.unwrap();
    assert!(!page.contains("Grace") && !page.contains("call after five"), "no value in the log");
    ui.click(&d, "verify").await;
    assert_eq!(ui.text(&d, "#verify-status").await, "intact");
    ui.shot(&d, "verified").await;

    // The language switch: Swedish, then back.
    ui.go(&d, "/ui/home").await;
    ui.click(&d, "lang-sv").await;
    assert_eq!(
        d.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap().as_deref(),
        Some("sv")
    );
    assert!(ui.text(&d, "nav").await.contains("Granskningslogg"));
    ui.shot(&d, "home-sv").await;
    ui.click(&d, "lang-en").await;
    assert!(ui.text(&d, "nav").await.contains("Audit log"));

    // Logout ends the session on the server: the old cookie no longer opens a page.
    let home = |cookie: String| {
        let http = http.clone();
        let url = format!("{}/ui/home", env.addr);
        async move { http.get(url).header("cookie", format!("__Host-sekretess={cookie}")).send().await.unwrap() }
    };
    assert_eq!(home(agent_cookie.clone()).await.status(), 200);
    ui.click(&c, "logout").await;
    assert_eq!(ui.path(&c).await, "/ui/login");
    let after = home(agent_cookie).await;
    assert_eq!(after.status(), 303);
    assert_eq!(after.headers()["location"], "/ui/login");

    // A form posted without (or with a wrong) CSRF token is refused and changes nothing.
    let post = |body: String| {
        let http = http.clone();
        let url = format!("{}/ui/groups", env.addr);
        let cookie = format!("__Host-sekretess={officer_cookie}");
        async move {
            http.post(url)
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(post("name=csrfgroup".into()).await.status(), 403);
    assert_eq!(post(format!("name=csrfgroup&csrf={}", "0".repeat(64))).await.status(), 403);
    let groups = http
        .get(format!("{}/ui/groups", env.addr))
        .header("cookie", format!("__Host-sekretess={officer_cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(groups.status(), 200);
    let h = groups.headers().clone();
    assert_eq!(h["cache-control"], "no-store");
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(!groups.text().await.unwrap().contains("csrfgroup"));
    let login = http
        .post(format!("{}/ui/login", env.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login=officer&password=x&totp=123456")
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 403, "the login form needs its token too");
    // The pre-login cookie's attributes, as sent.
    let page = http.get(format!("{}/ui/login", env.addr)).send().await.unwrap();
    let set = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.starts_with("__Host-sekretess-pre="), "{set}");
    for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(set.split("; ").any(|a| a == attr), "{attr} in {set}");
    }

    // No browser asked any other host for anything, and no CSP violation was reported.
    let mut seen = vec![];
    let mut violations = vec![];
    for client in [&a, &b, &c, &d] {
        network_and_csp(client, &mut seen, &mut violations).await;
    }
    assert!(seen.len() > 20, "the network log was read: {seen:?}");
    let origin = format!("{}/", env.addr);
    let foreign: Vec<_> = seen.iter().filter(|u| !u.starts_with(&origin)).collect();
    assert!(foreign.is_empty(), "requests to other hosts: {foreign:?}");
    assert!(seen.iter().any(|u| u.ends_with("/ui/static/console.css")));
    assert!(violations.is_empty(), "CSP violations: {violations:?}");

    for client in [a, b, c, d] {
        client.close().await.unwrap();
    }
    drop(driver);
    crate::serve::stop(server.take());
}
