//! While the program runs, the terminal's interrupt and quit keys are its
//! business: they reach the whole foreground process group, and if they
//! killed sockshim-trace too, `-c` would print no table and recordings would
//! be left half-handled. So sockshim-trace ignores them until the program
//! exits, as system(3) and strace do. std has no signal API: this is the
//! command's one `unsafe`.
#![allow(unsafe_code)]

/// Ignores SIGINT and SIGQUIT in this process. Call it after the program is
/// spawned: ignored signals stay ignored across exec, and the program must
/// keep the dispositions it was given.
pub fn ignore_terminal_signals() {
    for sig in [libc::SIGINT, libc::SIGQUIT] {
        // SAFETY: SIG_IGN installs no handler, so no code of ours can run
        // asynchronously; `signal` only changes this process's disposition.
        unsafe {
            libc::signal(sig, libc::SIG_IGN);
        }
    }
}
