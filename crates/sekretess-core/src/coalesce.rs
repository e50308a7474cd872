//! Coalescing of concurrent requests into rounds (group commit, batched reads).
//!
//! Callers queue a request each and wait for its answer. A round task takes everything
//! queued so far (up to a bound), runs one round over it, answers each caller, and goes
//! on while requests are queued. So `n` concurrent callers cost about one store round trip,
//! not `n`; no caller is kept busy serving others; and since rounds run on tasks of their
//! own, a caller that goes away (a client hung up) never leaves the others without an
//! answer.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

struct Queue<Req, Resp> {
    waiting: VecDeque<(Req, oneshot::Sender<Resp>)>,
    round_tasks: usize,
}

pub(crate) struct Coalescer<Req, Resp> {
    queue: Arc<Mutex<Queue<Req, Resp>>>,
    max_round_tasks: usize,
    max_round: usize,
    /// Where round tasks run (`None`: the caller's runtime).
    runtime: Option<tokio::runtime::Handle>,
    /// Rounds in stages ([`Coalescer::staged`]): a round task holds this from taking its
    /// requests until the round gives it back ([`Intake::release`]).
    intake: Option<Arc<tokio::sync::Mutex<()>>>,
}

/// A staged round's hold on the queue's intake: no other round takes requests until it is
/// released (or dropped), so requests that arrive meanwhile wait for the next round
/// together instead of starting rounds of their own.
pub(crate) struct Intake(Option<tokio::sync::OwnedMutexGuard<()>>);

impl Intake {
    /// Lets the next round take what has queued (the first stage of this round is done).
    pub(crate) fn release(&mut self) {
        self.0 = None;
    }
}

impl<Req: Send + 'static, Resp: Send + 'static> Coalescer<Req, Resp> {
    /// At most `round_tasks` rounds run at once, each over at most `max_round` requests.
    /// One round task keeps the rounds in order (the audit chain needs it).
    pub(crate) fn new(round_tasks: usize, max_round: usize) -> Self {
        Coalescer {
            queue: Arc::new(Mutex::new(Queue { waiting: VecDeque::new(), round_tasks: 0 })),
            max_round_tasks: round_tasks.max(1),
            max_round: max_round.max(1),
            runtime: None,
            intake: None,
        }
    }

    /// Rounds in stages: a round task takes requests only while it holds the intake, which
    /// the round passes on ([`Intake::release`]) once its first stage is done; with two
    /// round tasks, one round's first stage then overlaps the previous round's second, and
    /// each round takes everything that queued while the one before it held the intake.
    pub(crate) fn staged(mut self) -> Self {
        self.intake = Some(Arc::new(tokio::sync::Mutex::new(())));
        self
    }

    /// Runs the round tasks on `runtime` (if any) instead of the caller's.
    pub(crate) fn on_runtime(mut self, runtime: Option<tokio::runtime::Handle>) -> Self {
        self.runtime = runtime;
        self
    }

    /// Requests queued and not yet taken by a round.
    pub(crate) fn waiting(&self) -> usize {
        self.queue.lock().map_or(0, |q| q.waiting.len())
    }

    /// Queues `req` and returns its answer, or `None` if its round ended without one (the
    /// round returned fewer answers, or the runtime is shutting down). `round` gets
    /// requests in arrival order and answers them in the same order. A running round task
    /// serves later callers with the `round` it was started with, so every caller must pass
    /// a `round` that does the same.
    pub(crate) async fn call<F, Fut>(&self, req: Req, round: F) -> Option<Resp>
    where
        F: Fn(Vec<Req>) -> Fut + Send + 'static,
        Fut: Future<Output = Vec<Resp>> + Send + 'static,
    {
        self.call_staged(req, move |reqs, _intake| round(reqs)).await
    }

    /// [`Coalescer::call`] for a round that gets its [`Intake`] (a no-op unless
    /// [`Coalescer::staged`]) and releases it after its first stage.
    pub(crate) async fn call_staged<F, Fut>(&self, req: Req, round: F) -> Option<Resp>
    where
        F: Fn(Vec<Req>, Intake) -> Fut + Send + 'static,
        Fut: Future<Output = Vec<Resp>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let start_task = {
            let mut q = self.queue.lock().ok()?;
            q.waiting.push_back((req, answer));
            let start = q.round_tasks < self.max_round_tasks;
            if start {
                q.round_tasks += 1;
            }
            start
        };
        if start_task {
            let rounds = run_rounds(Arc::clone(&self.queue), self.max_round, self.intake.clone(), round);
            match &self.runtime {
                Some(runtime) => drop(runtime.spawn(rounds)),
                None => drop(tokio::spawn(rounds)),
            }
        }
        answered.await.ok()
    }
}

async fn run_rounds<Req, Resp, F, Fut>(
    queue: Arc<Mutex<Queue<Req, Resp>>>,
    max_round: usize,
    intake: Option<Arc<tokio::sync::Mutex<()>>>,
    round: F,
) where
    F: Fn(Vec<Req>, Intake) -> Fut,
    Fut: Future<Output = Vec<Resp>>,
{
    loop {
        // Let requests that are already running reach the queue first: bigger rounds, so
        // fewer store round trips and syncs (measured: twice the entries per audit round).
        tokio::task::yield_now().await;
        let held = match &intake {
            Some(lock) => Intake(Some(Arc::clone(lock).lock_owned().await)),
            None => Intake(None),
        };
        let taken: Vec<_> = {
            let Ok(mut q) = queue.lock() else { return };
            if q.waiting.is_empty() {
                q.round_tasks -= 1;
                return;
            }
            let n = q.waiting.len().min(max_round);
            q.waiting.drain(..n).collect()
        };
        let (reqs, answers): (Vec<Req>, Vec<_>) = taken.into_iter().unzip();
        let resps = round(reqs, held).await;
        for (answer, resp) in answers.into_iter().zip(resps) {
            let _ = answer.send(resp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_caller_gets_its_own_answer_and_rounds_are_shared() {
        let c = Arc::new(Coalescer::<u32, u32>::new(1, 1000));
        let rounds = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..200u32 {
            let (c, rounds) = (Arc::clone(&c), Arc::clone(&rounds));
            tasks.push(tokio::spawn(async move {
                let answer = c
                    .call(i, move |reqs: Vec<u32>| {
                        let rounds = Arc::clone(&rounds);
                        async move {
                            rounds.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                            reqs.into_iter().map(|r| r * 10).collect()
                        }
                    })
                    .await;
                (i, answer)
            }));
        }
        for t in tasks {
            let (i, answer) = t.await.unwrap();
            assert_eq!(answer, Some(i * 10));
        }
        let rounds = rounds.load(Ordering::SeqCst);
        assert!(rounds < 200, "200 concurrent callers ran {rounds} rounds: nothing was shared");
    }

    /// Staged rounds: while a round holds the intake no other round takes requests; once it
    /// releases it, the next round runs while the first is still in its second stage.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_staged_round_holds_the_intake_then_overlaps_the_next() {
        let c = Arc::new(Coalescer::<u32, u32>::new(2, 100).staged());
        let log = Arc::new(Mutex::new(Vec::<String>::new()));
        let (release_first, finish_first) =
            (Arc::new(tokio::sync::Notify::new()), Arc::new(tokio::sync::Notify::new()));
        let (started_tx, started_rx) = oneshot::channel::<()>();
        let started = Arc::new(Mutex::new(Some(started_tx)));
        let round = {
            let (log, release_first, finish_first) =
                (log.clone(), release_first.clone(), finish_first.clone());
            move |reqs: Vec<u32>, mut intake: Intake| {
                let (log, release_first, finish_first, started) =
                    (log.clone(), release_first.clone(), finish_first.clone(), started.clone());
                async move {
                    let first = reqs.contains(&1);
                    log.lock().unwrap().push(format!("start {reqs:?}"));
                    if first {
                        if let Some(tx) = started.lock().unwrap().take() {
                            let _ = tx.send(());
                        }
                        release_first.notified().await;
                        log.lock().unwrap().push("release 1".into());
                    }
                    intake.release();
                    if first {
                        finish_first.notified().await;
                        log.lock().unwrap().push("finish 1".into());
                    }
                    reqs
                }
            }
        };
        let one = {
            let (c, round) = (Arc::clone(&c), round.clone());
            tokio::spawn(async move { c.call_staged(1, round).await })
        };
        started_rx.await.unwrap();
        let two = {
            let (c, round) = (Arc::clone(&c), round.clone());
            tokio::spawn(async move { c.call_staged(2, round).await })
        };
        // Room for a second round to start too early (it must not: the intake is held).
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        release_first.notify_one();
        // The second round is answered while the first is still in its second stage.
        let two = tokio::time::timeout(std::time::Duration::from_secs(10), two).await;
        assert_eq!(two.expect("the second round waited for the first to finish").unwrap(), Some(2));
        finish_first.notify_one();
        assert_eq!(one.await.unwrap(), Some(1));
        let log = log.lock().unwrap().clone();
        assert_eq!(log, vec!["start [1]", "release 1", "start [2]", "finish 1"], "{log:?}");
    }

    #[tokio::test]
    async fn a_round_that_answers_too_few_gives_none_not_a_hang() {
        let c = Coalescer::<u32, u32>::new(1, 10);
        // A round with request 1 in it fails to answer; others are answered.
        let round = |reqs: Vec<u32>| async move { if reqs.contains(&1) { Vec::new() } else { reqs } };
        assert_eq!(c.call(1, round).await, None);
        // The queue keeps working: the next call is served.
        assert_eq!(c.call(2, round).await, Some(2));
    }

    #[tokio::test]
    async fn rounds_run_on_the_runtime_they_are_given() {
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("round-runner".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                handle_tx.send(runtime.handle().clone()).unwrap();
                runtime.block_on(std::future::pending::<()>());
            })
            .unwrap();
        let c = Coalescer::<u32, String>::new(1, 10).on_runtime(Some(handle_rx.recv().unwrap()));
        let round = |reqs: Vec<u32>| async move {
            // A store call awaited inside the round, as the audit writer's are.
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            let thread = std::thread::current().name().unwrap_or_default().to_owned();
            reqs.into_iter().map(|r| format!("{r} on {thread}")).collect()
        };
        assert_eq!(c.call(7, round).await.as_deref(), Some("7 on round-runner"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_caller_that_goes_away_does_not_strand_the_others() {
        let c = Arc::new(Coalescer::<u32, u32>::new(1, 1000));
        let slow = |reqs: Vec<u32>| async move {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            reqs
        };
        // The first caller starts the round task and is then dropped mid-round.
        let first = {
            let c = Arc::clone(&c);
            tokio::spawn(async move { c.call(1, slow).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let second = {
            let c = Arc::clone(&c);
            tokio::spawn(async move { c.call(2, slow).await })
        };
        first.abort();
        let answer = tokio::time::timeout(std::time::Duration::from_secs(5), second).await;
        assert_eq!(answer.unwrap().unwrap(), Some(2));
    }
}
