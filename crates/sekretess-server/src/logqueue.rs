//! The log written off the request path: a request thread only formats its line and hands
//! it to a bounded queue; one writer thread (`log-writer`) writes the queued lines, many per
//! `write(2)`, flushes whenever the queue is empty, then rests 2 ms so that it wakes once
//! per batch, not once per line.
//!
//! **No line is ever dropped.** When the queue is full (the output is slower than the
//! lines arrive) the thread that logs waits for room, exactly as it waited for a direct
//! write before, and each such wait is counted: `sekretess_log_queue_full_total` in
//! `/v1/sys/metrics` ([`queue_full_waits`]). If the writer thread is gone, lines are
//! written directly. [`LogGuard`] flushes what is queued when it is dropped (at the end of
//! `sekretess serve`); a process killed with SIGKILL loses at most the lines of the last
//! moment that were not yet written, as a buffered log would.
//!
//! Used by `sekretess serve` as the writer of its `tracing` subscriber: every closure
//! `Fn() -> W` with `W: io::Write` is a `MakeWriter`, so `move || queue.writer()` is one.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

/// Lines the queue holds by default before a logging thread waits.
pub const DEFAULT_CAPACITY: usize = 16 * 1024;

/// How long the writer rests after a write before it takes the next lines (a log line
/// is written at most this much later than it would be at once).
const LINGER: Duration = Duration::from_millis(2);

/// Times a line waited for room in a full queue, since the process started.
static QUEUE_FULL: AtomicU64 = AtomicU64::new(0);

/// Times a log line waited for room in a full queue (process-wide; for the metrics).
pub fn queue_full_waits() -> u64 {
    QUEUE_FULL.load(Ordering::Relaxed)
}

/// The queue's metric in the Prometheus text format.
pub fn render() -> String {
    format!(
        "# HELP sekretess_log_queue_full_total Times a log line waited for room in the full log queue (the log output was slower than the lines came; none is dropped). Counted since the process started.\n# TYPE sekretess_log_queue_full_total counter\nsekretess_log_queue_full_total {}\n",
        queue_full_waits()
    )
}

enum Msg {
    Line(Vec<u8>),
    /// Write out everything before this, then answer.
    Flush(SyncSender<()>),
}

/// The sending side: cheap to clone, one per subscriber.
#[derive(Clone)]
pub struct LogQueue {
    tx: SyncSender<Msg>,
}

/// Keeps the writer thread; on drop, writes out what is queued (waits up to 5 s).
pub struct LogGuard {
    tx: SyncSender<Msg>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the writer thread over `out` with room for `capacity` lines.
pub fn start<W: Write + Send + 'static>(out: W, capacity: usize) -> io::Result<(LogQueue, LogGuard)> {
    let (tx, rx) = mpsc::sync_channel(capacity.max(1));
    let thread =
        std::thread::Builder::new().name("log-writer".into()).spawn(move || write_lines(out, &rx))?;
    Ok((LogQueue { tx: tx.clone() }, LogGuard { tx, thread: Some(thread) }))
}

/// The writer thread: waits for a line, then takes every line already queued, and flushes
/// once the queue is empty. Ends when every sender is gone.
fn write_lines<W: Write>(out: W, rx: &Receiver<Msg>) {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    // A write error cannot be logged (this is the log): the lines are lost to the output
    // that failed, and the writer goes on with the next ones.
    let take = |out: &mut io::BufWriter<W>, msg: Msg| match msg {
        Msg::Line(line) => {
            let _ = out.write_all(&line);
        }
        Msg::Flush(done) => {
            let _ = out.flush();
            let _ = done.send(());
        }
    };
    while let Ok(msg) = rx.recv() {
        take(&mut out, msg);
        while let Ok(msg) = rx.try_recv() {
            take(&mut out, msg);
        }
        let _ = out.flush();
        // Lines that come in the next moment wait in the queue for the next write: a
        // sender wakes this thread only when it is parked in `recv`, so under load the
        // thread wakes at most once per `LINGER` instead of once per request.
        std::thread::sleep(LINGER);
    }
    let _ = out.flush();
}

impl LogQueue {
    /// A writer for one log event (the subscriber writes each formatted event with one
    /// `write_all`).
    pub fn writer(&self) -> LineWriter {
        LineWriter { queue: self.clone() }
    }

    /// Queues `line`; waits for room when the queue is full (counted); writes it to stderr
    /// directly if the writer thread is gone.
    fn send(&self, line: Vec<u8>) {
        let line = match self.tx.try_send(Msg::Line(line)) {
            Ok(()) => return,
            Err(TrySendError::Full(msg)) => {
                QUEUE_FULL.fetch_add(1, Ordering::Relaxed);
                match self.tx.send(msg) {
                    Ok(()) => return,
                    Err(mpsc::SendError(msg)) => msg,
                }
            }
            Err(TrySendError::Disconnected(msg)) => msg,
        };
        if let Msg::Line(line) = line {
            let _ = io::stderr().write_all(&line);
        }
    }
}

/// One event's bytes, queued as one line.
pub struct LineWriter {
    queue: LogQueue,
}

impl Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.is_empty() {
            self.queue.send(buf.to_vec());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl LogGuard {
    /// Waits until every line queued before this call is written and flushed (up to
    /// `timeout`); false if it was not in time or the writer is gone.
    pub fn flush(&self, timeout: Duration) -> bool {
        let (done, wait) = mpsc::sync_channel(1);
        self.tx.send(Msg::Flush(done)).is_ok() && wait.recv_timeout(timeout).is_ok()
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        let _ = self.flush(Duration::from_secs(5));
        // The thread ends once the subscriber's sender is gone too, which for a global
        // subscriber is never: it is left to end with the process.
        let _ = self.thread.take();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// An output that holds what it was given, optionally waiting before each write.
    #[derive(Clone, Default)]
    struct Sink {
        bytes: Arc<Mutex<Vec<u8>>>,
        writes: Arc<AtomicU64>,
        gate: Option<Arc<Mutex<()>>>,
    }

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if let Some(g) = &self.gate {
                drop(g.lock().unwrap());
            }
            self.writes.fetch_add(1, Ordering::Relaxed);
            self.bytes.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_arrives_whole_and_in_order_from_each_thread() {
        let sink = Sink::default();
        let (queue, guard) = start(sink.clone(), 8).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let q = queue.clone();
                std::thread::spawn(move || {
                    for i in 0..2000 {
                        // As the subscriber does: the whole event in one `write_all`.
                        q.writer().write_all(format!("thread {t} line {i}\n").as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(guard.flush(Duration::from_secs(30)));
        let text = String::from_utf8(sink.bytes.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 8000, "no line lost, none split");
        for t in 0..4 {
            let own: Vec<usize> = lines
                .iter()
                .filter_map(|l| l.strip_prefix(&format!("thread {t} line ")))
                .map(|n| n.parse().unwrap())
                .collect();
            assert_eq!(own, (0..2000).collect::<Vec<_>>(), "thread {t}'s lines in order");
        }
    }

    #[test]
    fn a_full_queue_makes_the_logger_wait_and_counts_it_and_loses_nothing() {
        let gate = Arc::new(Mutex::new(()));
        let sink = Sink { gate: Some(Arc::clone(&gate)), ..Sink::default() };
        let (queue, guard) = start(sink.clone(), 2).unwrap();
        let held = gate.lock().unwrap();
        let before = queue_full_waits();
        let q = queue.clone();
        // The writer blocks on its first write (the gate), so the queue of 2 fills up.
        let logger = std::thread::spawn(move || {
            for i in 0..20 {
                // Larger than the writer's buffer: every line goes through to the output.
                let line = format!("{}{i}\n", "0".repeat(70_000));
                q.writer().write_all(line.as_bytes()).unwrap();
            }
        });
        while queue_full_waits() == before {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!logger.is_finished(), "the logger waits for room");
        drop(held);
        logger.join().unwrap();
        assert!(guard.flush(Duration::from_secs(30)));
        let text = String::from_utf8(sink.bytes.lock().unwrap().clone()).unwrap();
        let got: Vec<usize> = text.lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(got, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn dropping_the_guard_writes_out_what_is_queued() {
        let gate = Arc::new(Mutex::new(()));
        let sink = Sink { gate: Some(Arc::clone(&gate)), ..Sink::default() };
        let (queue, guard) = start(sink.clone(), 100).unwrap();
        {
            let _held = gate.lock().unwrap();
            for i in 0..50 {
                queue.writer().write_all(format!("{i}\n").as_bytes()).unwrap();
            }
        }
        drop(guard);
        let text = String::from_utf8(sink.bytes.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 50);
        // Lines queued while the output was busy go out together: the batch the writer held
        // when the gate closed, then all the rest in one write.
        assert!(sink.writes.load(Ordering::Relaxed) <= 2, "{} writes", sink.writes.load(Ordering::Relaxed));
    }
}
