//! Process hardening, done once at start before any key exists (issue 15, fault 4).
//!
//! - No core dumps: the process makes itself non-dumpable (`prctl(PR_SET_DUMPABLE, 0)`,
//!   Linux), which also keeps other processes of the same user from attaching to it or
//!   reading its memory through /proc, and sets `RLIMIT_CORE` to 0 (soft and hard).
//! - Keys out of swap: the long-lived keys of an unsealed vault (root key, group keys,
//!   audit key) live in pages of their own that are `mlock`ed and marked `MADV_DONTDUMP`
//!   (see `sekretess_crypto::Key32::into_locked`). Here the process only checks that it may
//!   lock memory; where it may not (`RLIMIT_MEMLOCK`), keys still work and a warning says so.
//!
//! Everything is done through rustix's and memmap2's safe APIs (no `unsafe` here).

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// What hardening achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hardening {
    /// `PR_SET_DUMPABLE` is 0 (Linux only; `false` elsewhere).
    pub non_dumpable: bool,
    /// `RLIMIT_CORE` is 0, soft and hard.
    pub no_core_files: bool,
    /// A page could be locked out of swap (keys will be locked as they are made).
    pub can_lock_keys: bool,
}

/// Why the process refused to serve: it could not keep keys out of core dumps.
#[derive(Debug, thiserror::Error)]
#[error("cannot disable core dumps (RLIMIT_CORE: {0}); refusing to hold keys in this process")]
pub struct HardenError(rustix::io::Errno);

/// Makes this process non-dumpable, sets `RLIMIT_CORE` to 0, and checks that key pages can
/// be locked; logs what was done and what the platform refused. Fails only if core files
/// stay possible (no `RLIMIT_CORE` 0), since a core file would carry every key.
pub fn harden_process() -> Result<Hardening, HardenError> {
    let non_dumpable = set_non_dumpable();

    let no_core = Rlimit { current: Some(0), maximum: Some(0) };
    setrlimit(Resource::Core, no_core).map_err(HardenError)?;
    let no_core_files = getrlimit(Resource::Core) == no_core;
    if !no_core_files {
        return Err(HardenError(rustix::io::Errno::PERM));
    }
    tracing::info!("hardening: core files disabled (RLIMIT_CORE 0)");

    let memlock = getrlimit(Resource::Memlock);
    let limit = memlock.current.map_or_else(|| "unlimited".to_owned(), |b| format!("{} KiB", b / 1024));
    let can_lock_keys = match sekretess_crypto::secret::can_lock_memory() {
        Ok(()) => {
            tracing::info!(
                memlock_limit = %limit,
                "hardening: key pages are locked out of swap (mlock) and left out of core dumps"
            );
            true
        }
        Err(e) => {
            tracing::warn!(
                memlock_limit = %limit,
                error = %e,
                "hardening: the platform refuses to lock memory; keys may be written to swap \
                 (raise RLIMIT_MEMLOCK, e.g. LimitMEMLOCK= in the systemd unit, or use encrypted swap)"
            );
            false
        }
    };
    Ok(Hardening { non_dumpable, no_core_files, can_lock_keys })
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn set_non_dumpable() -> bool {
    use rustix::process::{DumpableBehavior, dumpable_behavior, set_dumpable_behavior};
    let done = set_dumpable_behavior(DumpableBehavior::NotDumpable)
        .and_then(|()| dumpable_behavior())
        .map(|b| b == DumpableBehavior::NotDumpable);
    match done {
        Ok(true) => {
            tracing::info!("hardening: process is not dumpable (PR_SET_DUMPABLE 0)");
            true
        }
        Ok(false) => {
            tracing::warn!("hardening: PR_SET_DUMPABLE 0 did not take effect");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "hardening: the platform refused PR_SET_DUMPABLE 0");
            false
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn set_non_dumpable() -> bool {
    tracing::warn!("hardening: no PR_SET_DUMPABLE on this platform; only RLIMIT_CORE 0 applies");
    false
}
