//! Issue 15, fault 4: the serving process can dump no core, and locks its keys' pages.

use rustix::process::{Resource, Rlimit, getrlimit};

/// What `sekretess serve` calls first. Run here in the test process, then read back
/// through the kernel's own getters (and /proc).
#[test]
fn fault4_hardened_process_is_not_dumpable_and_has_rlimit_core_0() {
    let done = sekretess_server::harden::harden_process().unwrap();
    assert!(done.no_core_files);
    assert_eq!(getrlimit(Resource::Core), Rlimit { current: Some(0), maximum: Some(0) });
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, dumpable_behavior};
        assert!(done.non_dumpable);
        assert_eq!(dumpable_behavior().unwrap(), DumpableBehavior::NotDumpable);
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
        let core = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap();
        assert_eq!(core.split_whitespace().skip(4).take(2).collect::<Vec<_>>(), ["0", "0"], "{core}");
    }
    // Locking is the platform's call (RLIMIT_MEMLOCK); the report agrees with a fresh try.
    assert_eq!(done.can_lock_keys, sekretess_crypto::secret::can_lock_memory().is_ok());
    // A long-lived key is locked where the platform allows it.
    let key = sekretess_crypto::Key32::generate().unwrap().into_locked();
    assert_eq!(key.is_locked(), done.can_lock_keys);
}
