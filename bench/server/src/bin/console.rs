//! Console page times with 1,000,000 customers in a group (issue 25's targets: every page
//! < 50 ms p95, the customer search < 100 ms p95). Run it in release mode:
//!
//! ```text
//! cargo run --release -p sekretess-bench-server --bin console -- --customers 1000000 --requests 200
//! ```
//!
//! The server runs in this process over HTTPS on loopback (2 worker threads, like
//! `sekretess serve` on this machine); the client is a plain HTTPS client on another
//! runtime. The group is filled through the batch create API (`POST /v1/customers/batch`)
//! and kept in `--data` for the next run. Two officers and an agent are made through the
//! API (invite, enrol, approve by the other officer, agreement published under dual
//! control, group granted, agreement signed); the officer and the agent then log in
//! through the console's own login form (password + TOTP from `sekretess_crypto::totp`,
//! the form's CSRF token and the pre-login cookie, then the session cookie). Each page is
//! asked `--requests` times one after another (after 10 unmeasured), and its p50 and p95
//! are printed in milliseconds beside its target.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use reqwest::StatusCode;
use sekretess_api::{BatchItem, CreateCustomers};
use sekretess_bench_server::{name, runtime};
use sekretess_core::audit::AuditContext;
use sekretess_core::{Clock, Schema, SystemClock, Vault};
use sekretess_server::{AppState, Limits, PeopleOptions, RunningServer, tls};
use sekretess_store::SqliteStore;
use serde_json::{Value, json};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PW: &str = "Bench-Fjord-Kvarn-7291";
const BATCH: usize = 1000;
const GROUP: &str = "bench";

fn email(i: usize) -> String {
    format!("user{i}@example.com")
}

/// What a run leaves for the next one in `--data` (a throwaway bench vault: the share and
/// the TOTP secrets are kept in plain there on purpose).
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Saved {
    share: String,
    token: String,
    filled: usize,
    /// A sample of the customers' codes, by index.
    codes: Vec<(usize, String)>,
    /// login -> TOTP secret (base32).
    secrets: BTreeMap<String, String>,
}

fn load(path: &Path) -> Option<Saved> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn save(path: &Path, s: &Saved) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec(s)?)?;
    std::fs::rename(tmp, path)?;
    Ok(())
}

fn base32(text: &str) -> Result<Vec<u8>> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut n, mut out) = (0u64, 0, vec![]);
    for ch in text.bytes().filter(|b| *b != b'=') {
        let v = alphabet.iter().position(|a| *a == ch.to_ascii_uppercase()).context("not base32")? as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    Ok(out)
}

fn totp_now(secret_b32: &str) -> Result<String> {
    let t = SystemClock.now() as u64;
    Ok(sekretess_crypto::totp::code_at(&base32(secret_b32)?, "SHA1", 6, t)?)
}

fn http_client(ca: &Path) -> Result<reqwest::Client> {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_file_iter(ca)? {
        roots.add(cert?)?;
    }
    let tls =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// A JSON call with a bearer token; the answer's status and JSON body.
    async fn call(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if !token.is_empty() {
            r = r.bearer_auth(token);
        }
        if let Some(b) = body.filter(|b| !b.is_null()) {
            r = r.json(&b);
        }
        let resp = r.send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        ensure!(status.is_success(), "{path}: {status} {text}");
        Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> Result<Value> {
        self.call(token, reqwest::Method::POST, path, Some(body)).await
    }

    async fn enrol(&self, code: &str) -> Result<(u64, String)> {
        let e = self.post("", "/v1/employees/enrol", json!({"code": code, "password": PW})).await?;
        Ok((
            e["employee_id"].as_u64().context("id")?,
            e["totp_secret"].as_str().context("secret")?.to_owned(),
        ))
    }

    async fn invite(&self, officer: &str, login: &str, role: &str) -> Result<(u64, String)> {
        let inv = self
            .post(officer, "/v1/employees", json!({"login": login, "display_name": login, "roles": [role]}))
            .await?;
        self.enrol(inv["code"].as_str().context("code")?).await
    }

    /// The value of the first hidden `csrf` input of a page.
    fn csrf(page: &str) -> Result<String> {
        let at = page.find("name=\"csrf\" value=\"").context("no CSRF token on the page")?;
        let rest = &page[at + "name=\"csrf\" value=\"".len()..];
        Ok(rest[..rest.find('"').context("unterminated")?].to_owned())
    }

    fn cookie_of(resp: &reqwest::Response, name: &str) -> Option<String> {
        resp.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
            let (kv, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=')?;
            (k == name && !val.is_empty()).then(|| val.to_owned())
        })
    }

    /// Logs in through the console's form: GET /ui/login (CSRF token and pre-login cookie),
    /// POST it with the password and the current TOTP code; answers the session cookie.
    async fn console_login(&self, login: &str, secret: &str) -> Result<String> {
        match self.console_login_once(login, secret).await {
            Ok(c) => Ok(c),
            // A TOTP step is used once: wait for the next one and try again.
            Err(_) => {
                let wait = 31 - SystemClock.now() % 30;
                tokio::time::sleep(std::time::Duration::from_secs(wait as u64)).await;
                self.console_login_once(login, secret).await
            }
        }
    }

    async fn console_login_once(&self, login: &str, secret: &str) -> Result<String> {
        let page = self.http.get(format!("{}/ui/login", self.base)).send().await?;
        let pre = Self::cookie_of(&page, "__Host-sekretess-pre").context("no pre-login cookie")?;
        let csrf = Self::csrf(&page.text().await?)?;
        let form = [
            ("csrf", csrf),
            ("login", login.to_owned()),
            ("password", PW.to_owned()),
            ("totp", totp_now(secret)?),
        ];
        let resp = self
            .http
            .post(format!("{}/ui/login", self.base))
            .header("cookie", format!("__Host-sekretess-pre={pre}"))
            .form(&form)
            .send()
            .await?;
        ensure!(resp.status() == StatusCode::SEE_OTHER, "{login}: console login answered {}", resp.status());
        Self::cookie_of(&resp, "__Host-sekretess").context("no session cookie")
    }
}

/// Makes the employees on a fresh vault: officer (first, via the bootstrap key), olle (the
/// second officer, approved by the first), agnes (agent, approved by olle), the agreement
/// (asked by one officer, approved by the other) and agnes's grant of the group.
async fn employees(api: &Api, bootstrap: &str, saved: &mut Saved) -> Result<()> {
    let inv = api
        .post(bootstrap, "/v1/employees/bootstrap", json!({"login": "officer", "display_name": "Officer"}))
        .await?;
    let (_, officer_secret) = api.enrol(inv["code"].as_str().context("code")?).await?;
    let officer = api.console_login("officer", &officer_secret).await?;
    let (olle_id, olle_secret) = api.invite(&officer, "olle", "security_officer").await?;
    api.post(&officer, &format!("/v1/employees/{olle_id}/approve"), Value::Null).await?;
    let olle = api.console_login("olle", &olle_secret).await?;
    let (agnes_id, agnes_secret) = api.invite(&officer, "agnes", "agent").await?;
    api.post(&olle, &format!("/v1/employees/{agnes_id}/approve"), Value::Null).await?;
    let req = api.post(&officer, "/v1/agreements", json!({"text": "I keep what I see to myself."})).await?;
    let id = req["id"].as_u64().context("request id")?;
    api.post(&olle, &format!("/v1/approvals/{id}/approve"), Value::Null).await?;
    api.post(&officer, &format!("/v1/employees/{agnes_id}/grants"), json!({"group": GROUP})).await?;
    saved.secrets.insert("officer".into(), officer_secret);
    saved.secrets.insert("olle".into(), olle_secret);
    saved.secrets.insert("agnes".into(), agnes_secret);
    Ok(())
}

/// Fills the group up to `size` customers through the batch API, four batches in flight.
async fn fill(api: Arc<Api>, token: &str, saved: &mut Saved, size: usize, state: &Path) -> Result<()> {
    let t = Instant::now();
    let start = saved.filled;
    while saved.filled < size {
        let mut tasks = Vec::new();
        for k in 0..4 {
            let from = saved.filled + k * BATCH;
            if from >= size {
                break;
            }
            let to = (from + BATCH).min(size);
            let (api, token) = (Arc::clone(&api), token.to_owned());
            tasks.push(tokio::spawn(async move {
                let items: Vec<BatchItem> = (from..to)
                    .map(|i| BatchItem {
                        fields: [("full_name".to_owned(), name(i)), ("email".to_owned(), email(i))].into(),
                    })
                    .collect();
                let body = serde_json::to_value(CreateCustomers { group: GROUP.into(), customers: items })?;
                let r = api.post(&token, "/v1/customers/batch", body).await?;
                let codes: Vec<String> = r["results"]
                    .as_array()
                    .context("results")?
                    .iter()
                    .map(|x| x["code"].as_str().map(str::to_owned).context("a create failed"))
                    .collect::<Result<_>>()?;
                ensure!(codes.len() == to - from, "short batch");
                Ok::<_, anyhow::Error>((from, to, codes))
            }));
        }
        for task in tasks {
            let (from, to, codes) = task.await??;
            // One code in a thousand is kept, spread over the whole group.
            saved.codes.extend(
                codes.into_iter().enumerate().filter(|(k, _)| k % 1000 == 7).map(|(k, c)| (from + k, c)),
            );
            saved.filled = saved.filled.max(to);
        }
        save(state, saved)?;
        if saved.filled % 100_000 < 4 * BATCH {
            let rate = (saved.filled - start) as f64 / t.elapsed().as_secs_f64();
            eprintln!("{} customers ({:.0} s, {rate:.0}/s)", saved.filled, t.elapsed().as_secs_f64());
        }
    }
    Ok(())
}

fn pct(v: &[f64], p: f64) -> f64 {
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// One page to time: GET `path`, or POST of `form` (its CSRF token added) to `path`.
struct Page {
    label: String,
    cookie: String,
    path: String,
    form: Option<Vec<(String, String)>>,
    expect: StatusCode,
    target_ms: f64,
}

async fn time(api: &Api, page: &Page, csrf: &str, n: usize) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n + 10 {
        // A slow page gets fewer samples (at least 20) rather than holding the run up.
        if out.len() >= 20 && started.elapsed().as_secs() > 30 {
            break;
        }
        let url = format!("{}{}", api.base, page.path);
        let t = Instant::now();
        let req = match &page.form {
            None => api.http.get(url),
            Some(f) => {
                let mut f = f.clone();
                f.push(("csrf".into(), csrf.to_owned()));
                api.http.post(url).form(&f)
            }
        };
        let resp = req.header("cookie", format!("__Host-sekretess={}", page.cookie)).send().await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if status != page.expect {
            bail!("{}: {status} (expected {}): {}", page.label, page.expect, String::from_utf8_lossy(&body));
        }
        if i >= 10 {
            out.push(ms);
        }
    }
    out.sort_by(f64::total_cmp);
    Ok(out)
}

fn main() -> Result<()> {
    let mut size: usize = 1_000_000;
    let mut requests = 200usize;
    let mut data = PathBuf::from("/var/tmp/sekretess-bench-console");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().context("a flag without its value");
        match a.as_str() {
            "--customers" => size = value()?.parse()?,
            "--requests" => requests = value()?.parse()?,
            "--data" => data = value()?.into(),
            _ => bail!("flags: --customers N --requests N --data DIR"),
        }
    }
    std::fs::create_dir_all(&data)?;
    let server_rt = runtime("server")?;
    let load_rt = runtime("load")?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let state_file = data.join("state.json");
    let mut saved = load(&state_file).unwrap_or_default();
    let fresh = saved.share.is_empty();

    let vault = server_rt.block_on(async {
        let store = SqliteStore::open(&data.join("store")).await?;
        let vault = Arc::new(Vault::open(store, clock.clone(), Schema::default_schema()).await?);
        let ctx = AuditContext::system();
        if fresh {
            let done = sekretess_server::initialize(&vault, &ctx, clock.as_ref(), 1, 1).await?;
            saved.share = done.shares.first().context("no share")?.to_string();
            saved.token = done.bootstrap_token.expose().to_owned();
            vault.submit_share(&ctx, &saved.share).await?;
            vault.create_group(&ctx, GROUP).await?;
            save(&state_file, &saved)?;
        } else {
            vault.submit_share(&ctx, &saved.share).await?;
        }
        Ok::<_, anyhow::Error>(vault)
    })?;
    let certs = tls::generate_dev_certificate(&data.join("tls"), SystemClock.now())?;
    let tls_config = tls::server_config(&certs.cert, &certs.key)?;
    // The bootstrap key fills the group: kept (as dev mode does) after the officer enrols.
    let people = PeopleOptions { retire_bootstrap_key: false, ..PeopleOptions::default() };
    let state = AppState::new(Arc::clone(&vault), clock.clone(), Limits::default(), people);
    let server = server_rt.block_on(RunningServer::start("127.0.0.1:0".parse()?, tls_config, state))?;
    let api = Arc::new(Api { http: http_client(&certs.ca_cert)?, base: format!("https://{}", server.addr) });

    load_rt.block_on(async {
        if saved.secrets.is_empty() {
            employees(&api, &saved.token.clone(), &mut saved).await?;
            save(&state_file, &saved)?;
        }
        let token = saved.token.clone();
        fill(Arc::clone(&api), &token, &mut saved, size, &state_file).await?;
        let secret = |l: &str| saved.secrets.get(l).cloned().context("no secret");
        let officer = api.console_login("officer", &secret("officer")?).await?;
        let agent = api.console_login("agnes", &secret("agnes")?).await?;
        api.post(&agent, "/v1/agreements/sign", json!({"version": 1, "password": PW})).await.ok();
        // The CSRF token of each session's forms, as its pages carry it.
        let page_csrf = |cookie: String| {
            let api = Arc::clone(&api);
            async move {
                let page = api
                    .http
                    .get(format!("{}/ui/home", api.base))
                    .header("cookie", format!("__Host-sekretess={cookie}"))
                    .send()
                    .await?
                    .text()
                    .await?;
                Api::csrf(&page)
            }
        };
        let officer_csrf = page_csrf(officer.clone()).await?;
        let agent_csrf = page_csrf(agent.clone()).await?;

        let (idx, code) = saved.codes.get(saved.codes.len() / 2).cloned().context("no codes kept")?;
        let g = |label: &str, cookie: &str, path: String, target_ms: f64| Page {
            label: label.to_owned(),
            cookie: cookie.to_owned(),
            path,
            form: None,
            expect: StatusCode::OK,
            target_ms,
        };
        let pages = vec![
            g("officer: home", &officer, "/ui/home".into(), 50.0),
            g("officer: employees", &officer, "/ui/employees".into(), 50.0),
            g("officer: groups", &officer, "/ui/groups".into(), 50.0),
            g("officer: agreements", &officer, "/ui/agreements".into(), 50.0),
            g("officer: API keys", &officer, "/ui/keys".into(), 50.0),
            g("officer: approvals", &officer, "/ui/approvals".into(), 50.0),
            g("officer: field policy", &officer, "/ui/policy".into(), 50.0),
            g("officer: status", &officer, "/ui/status".into(), 50.0),
            g("officer: audit log (first page)", &officer, "/ui/audit".into(), 50.0),
            g("officer: audit log (one customer)", &officer, format!("/ui/audit?customer={code}"), 50.0),
            g("agent: home", &agent, "/ui/home".into(), 50.0),
            g("agent: search page", &agent, "/ui/customers".into(), 100.0),
            Page {
                label: "agent: search by code".into(),
                cookie: agent.clone(),
                path: "/ui/customers/find".into(),
                form: Some(vec![("code".into(), code.clone())]),
                expect: StatusCode::SEE_OTHER,
                target_ms: 100.0,
            },
            Page {
                label: "agent: search by identifier (e-mail)".into(),
                cookie: agent.clone(),
                path: "/ui/customers/find".into(),
                form: Some(vec![
                    ("group".into(), GROUP.into()),
                    ("field".into(), "email".into()),
                    ("value".into(), email(idx)),
                ]),
                expect: StatusCode::SEE_OTHER,
                target_ms: 100.0,
            },
            g("agent: customer view (masked)", &agent, format!("/ui/customers/{code}"), 50.0),
        ];
        println!("Customers in the group: {}; {requests} requests per page, one at a time.\n", saved.filled);
        println!("| page | requests | p50 ms | p95 ms | target p95 ms | met |");
        println!("|---|---|---|---|---|---|");
        for p in &pages {
            let csrf = if p.cookie == officer { &officer_csrf } else { &agent_csrf };
            let v = time(&api, p, csrf, requests).await?;
            let p95 = pct(&v, 0.95);
            println!(
                "| {} | {} | {:.2} | {p95:.2} | {} | {} |",
                p.label,
                v.len(),
                pct(&v, 0.5),
                p.target_ms,
                if p95 < p.target_ms { "yes" } else { "**no**" }
            );
        }
        Ok::<_, anyhow::Error>(())
    })?;
    server_rt.block_on(server.shutdown());
    Ok(())
}
