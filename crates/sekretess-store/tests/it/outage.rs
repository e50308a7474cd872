//! PostgreSQL: a group whose database server is down fails alone. The group's server is
//! reached through a TCP proxy on loopback, which the test stops and starts again: to the
//! store that is a server going away (connections cut, then refused) and coming back.

use std::sync::Arc;
use std::time::Duration;

use sekretess_core::error::StoreError;
use sekretess_core::{ManualClock, Vault, VaultError};
use sekretess_store::{GroupPlacement, PgStore};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::common::{self, Backend, NOW, Postgres, ctx, fields};

/// A loopback TCP proxy to `target`; stopping it closes the listener and every connection.
struct Proxy {
    port: u16,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Proxy {
    async fn start(port: u16, target: String) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut on_stop = stopped.clone();
            let mut conns = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    _ = on_stop.changed() => break,
                    accepted = listener.accept() => {
                        let Ok((mut client, _)) = accepted else { continue };
                        let target = target.clone();
                        let mut on_stop = stopped.clone();
                        conns.spawn(async move {
                            let Ok(mut server) = TcpStream::connect(&target).await else { return };
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                _ = on_stop.changed() => {}
                            }
                        });
                    }
                }
            }
            // Every connection ends (its sockets close) before the proxy counts as stopped.
            while conns.join_next().await.is_some() {}
        });
        Proxy { port, stop, task }
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        self.task.await.unwrap();
    }
}

async fn vault(b: &Postgres) -> Vault<PgStore> {
    let mut options = b.options();
    options.acquire_timeout = Duration::from_secs(1);
    let store = PgStore::open_with(options).await.unwrap();
    Vault::open(store, Arc::new(ManualClock::new(NOW)), common::schema()).await.unwrap()
}

fn unavailable(result: Result<impl std::fmt::Debug, VaultError>) {
    match result {
        Err(VaultError::Store(StoreError::Unavailable(_))) => {}
        other => panic!("expected the store to be unavailable, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_whose_server_is_down_fails_alone() {
    let Some(b) = Postgres::fresh().await else { return };
    let proxy = Proxy::start(0, b.server_addr()).await;
    let port = proxy.port;

    let v = vault(&b).await;
    let shares: Vec<String> =
        v.init(&ctx(), 2, 3).await.unwrap().shares.iter().map(|s| s.to_text().to_string()).collect();
    for s in &shares[..2] {
        v.submit_share(&ctx(), s).await.unwrap();
    }
    v.store().place_group("remote", GroupPlacement::Database(b.url_via(port, "remote"))).unwrap();
    v.create_group(&ctx(), "local").await.unwrap();
    v.create_group(&ctx(), "remote").await.unwrap();
    let person = fields(&[("full_name", "Ada Lovelace"), ("email", "ada@example.com")]);
    let here = v.create_customer(&ctx(), "local", &person).await.unwrap();
    let there = v.create_customer(&ctx(), "remote", &person).await.unwrap();
    v.get_customer(&ctx(), &there, None).await.unwrap();

    // The remote group's server goes away.
    proxy.stop().await;
    unavailable(v.get_customer(&ctx(), &there, None).await);
    unavailable(v.create_customer(&ctx(), "remote", &person).await);
    unavailable(v.find(&ctx(), "remote", "email", "ada@example.com").await);
    // The local group does not notice.
    assert_eq!(
        v.get_customer(&ctx(), &here, None).await.unwrap().fields["full_name"].expose(),
        "Ada Lovelace"
    );
    let more = v.create_customer(&ctx(), "local", &fields(&[("full_name", "Bo")])).await.unwrap();
    assert_eq!(v.find(&ctx(), "local", "email", "ada@example.com").await.unwrap(), vec![here.clone()]);

    // A process starting now unseals and serves the local group all the same.
    let second = vault(&b).await;
    for s in &shares[1..] {
        second.submit_share(&ctx(), s).await.unwrap();
    }
    second.get_customer(&ctx(), &more, None).await.unwrap();
    unavailable(second.get_customer(&ctx(), &there, None).await);

    // The server comes back on the same address: both processes serve it again.
    let proxy = Proxy::start(port, b.server_addr()).await;
    assert_eq!(
        v.get_customer(&ctx(), &there, None).await.unwrap().fields["email"].expose(),
        "ada@example.com"
    );
    second.get_customer(&ctx(), &there, None).await.unwrap();
    v.create_customer(&ctx(), "remote", &fields(&[("full_name", "Cy")])).await.unwrap();
    drop((v, second));
    proxy.stop().await;
}
