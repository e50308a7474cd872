//! Streaming with bounded memory, split across cores.
//!
//! The input is read in batches of `threads * block_size` bytes. Each batch is cut at record
//! boundaries (line breaks; for CSV, line breaks outside quotes) into one piece per thread,
//! the pieces are processed in parallel and written in order. The worker threads live for the
//! whole stream (one scope, pieces sent over channels, their buffers reused): threads made
//! and ended per batch left each allocator heap behind and doubled peak memory with two
//! threads (docs/benchmarks.md). A JSON document (not NDJSON) is one record and is read
//! whole, up to a limit.

use std::io::{Read, Write};
use std::sync::mpsc;

use crate::format::{Ctx, Format, process_chunk};
use crate::scan::Cand;
use crate::{CharCounter, DetectError, Finding, Options, count_chars};

/// The largest single record (CSV record with quoted line breaks, line without any
/// whitespace, or JSON document) accepted, in bytes.
pub const MAX_RECORD: usize = 256 << 20;

type ChunkResult = Result<(Vec<u8>, Vec<Cand>), DetectError>;

/// What a stream run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Bytes read.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
    /// Characters read (invalid UTF-8 bytes count one each).
    pub chars_in: u64,
    /// Findings reported.
    pub findings: u64,
}

fn read_more<R: Read>(r: &mut R, buf: &mut Vec<u8>, want: usize) -> Result<bool, DetectError> {
    let start = buf.len();
    buf.resize(start + want, 0);
    let mut filled = start;
    let mut eof = false;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    buf.truncate(filled);
    Ok(eof)
}

/// Boundaries where records end (positions just past a `\n` outside quotes for CSV).
/// Returns the last boundary at or before `limit`, scanning from `from` with the quote state
/// `quoted` at `from`; updates nothing (pieces always start outside quotes).
fn last_boundary(buf: &[u8], limit: usize, csv: bool) -> Option<usize> {
    let limit = limit.min(buf.len());
    if !csv {
        return memchr::memrchr(b'\n', &buf[..limit]).map(|p| p + 1);
    }
    let mut quoted = false;
    let mut last = None;
    let mut i = 0;
    while let Some(k) = memchr::memchr2(b'"', b'\n', &buf[i..limit]) {
        let p = i + k;
        if buf[p] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            last = Some(p + 1);
        }
        i = p + 1;
    }
    last
}

/// Where to cut `buf` so that the first part holds whole records, aiming at `target`.
fn cut(buf: &[u8], target: usize, format: Format, eof: bool) -> Option<usize> {
    if eof && target >= buf.len() {
        return Some(buf.len());
    }
    let csv = format == Format::Csv;
    if let Some(p) = last_boundary(buf, target, csv).filter(|&p| p > 0) {
        return Some(p);
    }
    if matches!(format, Format::Text | Format::KeyValue | Format::Auto) && target < buf.len() {
        // One very long line: cut after whitespace, else at a character boundary.
        let t = &buf[..target];
        if let Some(p) = t.iter().rposition(|b| b.is_ascii_whitespace()).filter(|&p| p > 0) {
            return Some(p + 1);
        }
        let mut p = target;
        while p > 0 && (buf[p] & 0xC0) == 0x80 {
            p -= 1;
        }
        return (p > 0).then_some(p);
    }
    None
}

/// Redact `input` into `output`, calling `on_finding` for each finding in document order.
///
/// `file_name` helps `Format::Auto` decide. Memory stays bounded by the block size and the
/// thread count, except for single JSON documents, which are read whole (up to
/// 256 MiB, `MAX_RECORD`).
pub fn redact_stream<R: Read, W: Write>(
    mut input: R,
    mut output: W,
    format: Format,
    file_name: Option<&str>,
    options: &Options,
    mut on_finding: impl FnMut(&Finding),
) -> Result<Summary, DetectError> {
    options.check()?;
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    };
    let block = options.block_size.max(4096);
    let mut buf: Vec<u8> = Vec::with_capacity(block * threads + 1024);
    let mut eof = read_more(&mut input, &mut buf, block.min(64 << 10))?;
    let format = format.resolve(file_name, &buf);
    let ctx = Ctx::new(format, &buf);
    let mut summary = Summary::default();
    let mut base_byte = 0usize;
    let mut base_char = 0usize;
    let mut first = true;

    if format == Format::Json {
        while !eof {
            if buf.len() > MAX_RECORD {
                return Err(DetectError::TooLarge { format: "json", offset: 0, limit: MAX_RECORD });
            }
            eof = read_more(&mut input, &mut buf, block)?;
        }
        let (out, cands) = process_chunk(&buf, &ctx, true, options)?;
        output.write_all(&out)?;
        let mut counter = CharCounter::default();
        for c in &cands {
            on_finding(&counter.finding(&buf, c, 0, 0));
        }
        summary.bytes_in = buf.len() as u64;
        summary.bytes_out = out.len() as u64;
        summary.chars_in = count_chars(&buf) as u64;
        summary.findings = cands.len() as u64;
        output.flush()?;
        return Ok(summary);
    }

    let ctx = &ctx;
    std::thread::scope(|scope| -> Result<Summary, DetectError> {
        // Workers for the pieces after the first: each takes a piece's bytes and gives them
        // back with its result, so their buffers are reused.
        type Worker = (mpsc::Sender<Vec<u8>>, mpsc::Receiver<(Vec<u8>, ChunkResult)>);
        let mut workers: Vec<Worker> = Vec::new();
        let mut handles = Vec::new();
        for _ in 1..threads {
            let (tx, rx) = mpsc::channel::<Vec<u8>>();
            let (rtx, rrx) = mpsc::channel::<(Vec<u8>, ChunkResult)>();
            handles.push(scope.spawn(move || {
                for data in rx {
                    let r = process_chunk(&data, ctx, false, options);
                    if rtx.send((data, r)).is_err() {
                        break;
                    }
                }
            }));
            workers.push((tx, rrx));
        }
        let mut spare: Vec<Vec<u8>> = Vec::new();
        let run = (|| -> Result<(), DetectError> {
            loop {
                // Fill the batch.
                let want = block * threads;
                if !eof && buf.len() < want {
                    let more = want - buf.len();
                    eof = read_more(&mut input, &mut buf, more)?;
                }
                if buf.is_empty() {
                    break;
                }
                // Cut the batch into pieces of about `block` bytes at record boundaries.
                let mut pieces: Vec<(usize, usize)> = Vec::with_capacity(threads);
                let mut start = 0;
                while pieces.len() < threads && start < buf.len() {
                    let target =
                        if pieces.len() + 1 == threads { buf.len() } else { (start + block).min(buf.len()) };
                    let rest = &buf[start..];
                    match cut(rest, target - start, format, eof) {
                        Some(len) if len > 0 => {
                            pieces.push((start, start + len));
                            start += len;
                        }
                        _ => break,
                    }
                }
                if pieces.is_empty() {
                    // No record boundary in the whole batch: read more, up to the limit.
                    if eof {
                        pieces.push((0, buf.len()));
                    } else if buf.len() >= MAX_RECORD {
                        return Err(DetectError::TooLarge {
                            format: format.name(),
                            offset: base_byte as u64,
                            limit: MAX_RECORD,
                        });
                    } else {
                        eof = read_more(&mut input, &mut buf, block)?;
                        continue;
                    }
                }
                // Process in parallel: the first piece here, the others on the workers.
                let results: Vec<ChunkResult> = if pieces.len() == 1 || workers.is_empty() {
                    pieces
                        .iter()
                        .enumerate()
                        .map(|(k, &(s, e))| process_chunk(&buf[s..e], ctx, first && k == 0, options))
                        .collect()
                } else {
                    let mut sent = 0;
                    for (w, &(s, e)) in workers.iter().zip(pieces.iter().skip(1)) {
                        let mut data = spare.pop().unwrap_or_default();
                        data.clear();
                        data.extend_from_slice(&buf[s..e]);
                        if w.0.send(data).is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    let (s0, e0) = pieces[0];
                    let mut rs = vec![process_chunk(&buf[s0..e0], ctx, first, options)];
                    for w in &workers[..sent] {
                        match w.1.recv() {
                            Ok((data, r)) => {
                                spare.push(data);
                                rs.push(r);
                            }
                            Err(_) => {
                                rs.push(Err(DetectError::Io(std::io::Error::other("worker thread failed"))))
                            }
                        }
                    }
                    if rs.len() < pieces.len() {
                        rs.push(Err(DetectError::Io(std::io::Error::other("worker thread failed"))));
                    }
                    rs
                };
                for (&(s, e), r) in pieces.iter().zip(results) {
                    let (out, cands) = r.map_err(|err| match err {
                        DetectError::Syntax { format, offset } => {
                            DetectError::Syntax { format, offset: offset + (base_byte + s) as u64 }
                        }
                        other => other,
                    })?;
                    output.write_all(&out)?;
                    summary.bytes_out += out.len() as u64;
                    let piece = &buf[s..e];
                    // Validated once: the stretches between findings, and the piece, are
                    // then counted without validating them again.
                    let ps = std::str::from_utf8(piece).ok();
                    let mut counter = CharCounter::default();
                    for c in &cands {
                        on_finding(&counter.finding_in(piece, ps, c, base_byte + s, base_char));
                    }
                    summary.findings += cands.len() as u64;
                    let chars = ps.map_or_else(|| count_chars(piece), |p| p.chars().count());
                    base_char += chars;
                    summary.chars_in += chars as u64;
                }
                first = false;
                let used = pieces.last().map_or(0, |p| p.1);
                base_byte += used;
                summary.bytes_in += used as u64;
                buf.drain(..used);
                if eof && buf.is_empty() {
                    break;
                }
            }
            Ok(())
        })();
        drop(workers);
        for h in handles {
            // A worker that panicked has already been reported as failed above.
            let _ = h.join();
        }
        run?;
        Ok(summary)
    })?;
    output.flush()?;
    Ok(summary)
}
