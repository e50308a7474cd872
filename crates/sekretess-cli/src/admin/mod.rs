//! The commands that talk to a server through `sekretess-client`, one module per command
//! group; the helpers they share (output, prompts, reading input) are here.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;
use zeroize::Zeroizing;

/// Prints a line to stdout; a closed pipe (`| head`) ends the output quietly.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod apikeys;
mod customers;
mod groups;
mod import;
mod keys;
mod seal;

pub use apikeys::{ApiKeyCmd, apikey};
pub use customers::{CustomerCmd, customer};
pub use groups::{GroupCmd, group};
pub use import::{ImportArgs, import};
pub use keys::{RekeyArgs, rekey, rotate_audit_key};
pub use seal::{InitArgs, UnsealArgs, init, seal, status, unseal};

pub struct Out {
    pub json: bool,
}

impl Out {
    pub(crate) fn json<T: Serialize>(&self, v: &T) -> Result<()> {
        say!("{}", serde_json::to_string_pretty(v)?);
        Ok(())
    }
}

pub(crate) fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let s: Vec<String> =
            cells.iter().enumerate().map(|(i, c)| format!("{c:<w$}", w = widths[i])).collect();
        say!("{}", s.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_uppercase()).collect());
    for r in rows {
        line(r.clone());
    }
}

fn ask(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut s = String::new();
    std::io::stdin().lock().read_line(&mut s)?;
    Ok(s.trim_end_matches(['\n', '\r']).to_owned())
}

fn read_input(file: &Option<PathBuf>) -> Result<Zeroizing<String>> {
    let mut s = Zeroizing::new(String::new());
    match file {
        Some(p) => {
            s.push_str(&std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?);
        }
        None => {
            std::io::stdin().read_to_string(&mut s)?;
        }
    }
    Ok(s)
}

/// Parses JSON without ever quoting the input in an error.
fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!("{what} is not the expected JSON (line {}, column {})", e.line(), e.column())
    })
}
