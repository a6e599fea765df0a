//! The calling thread's signal mask, for the tracer's writes that the kernel
//! answers with a signal (`SIGPIPE` from a pipe whose reader left,
//! `SIGXFSZ` past `RLIMIT_FSIZE`): the signal is blocked around the write
//! and, when the write caused it, taken back before the mask is restored,
//! so the program never sees it.

use super::raw::syscall6;
use super::{check, Result};
use crate::sys::poll::KERNEL_SIGSET_SIZE;

/// The kernel's signal set bit of `sig`.
fn bit(sig: i32) -> u64 {
    1u64 << ((sig - 1) & 63)
}

fn sigprocmask(how: i32, set: Option<u64>) -> Result<u64> {
    let mut old = 0u64;
    let p = set.as_ref().map_or(0, |s| s as *const u64 as usize);
    // SAFETY: `set` (or NULL) and `old` are 8-byte kernel sigsets.
    check(unsafe {
        syscall6(
            libc::SYS_rt_sigprocmask,
            how as usize,
            p,
            &mut old as *mut u64 as usize,
            KERNEL_SIGSET_SIZE,
            0,
            0,
        )
    })?;
    Ok(old)
}

fn pending() -> Result<u64> {
    let mut set = 0u64;
    // SAFETY: `set` is a writable 8-byte kernel sigset.
    check(unsafe {
        syscall6(
            libc::SYS_rt_sigpending,
            &mut set as *mut u64 as usize,
            KERNEL_SIGSET_SIZE,
            0,
            0,
            0,
            0,
        )
    })?;
    Ok(set)
}

/// Takes a pending `sig` of this thread (or the process) without waiting.
fn take(sig: i32) {
    let set = bit(sig);
    let zero = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid sigset and timespec; no siginfo wanted.
    let _ = unsafe {
        syscall6(
            libc::SYS_rt_sigtimedwait,
            &set as *const u64 as usize,
            0,
            &zero as *const libc::timespec as usize,
            KERNEL_SIGSET_SIZE,
            0,
            0,
        )
    };
}

/// Runs `f` with `sig` blocked in the calling thread. If `f` fails with
/// `caused` (the error the kernel pairs with the signal) and `sig` was
/// not already pending, the signal it raised is taken back; then the mask
/// is restored. An error of the mask calls themselves is returned without
/// running `f`.
pub fn without_signal<T>(sig: i32, caused: i32, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let b = bit(sig);
    let old = sigprocmask(libc::SIG_BLOCK, Some(b))?;
    let was_pending = old & b != 0 && pending().map_or(true, |p| p & b != 0);
    let r = f();
    if matches!(r, Err(e) if e.0 == caused) && !was_pending {
        take(sig);
    }
    if old & b == 0 {
        let _ = sigprocmask(libc::SIG_UNBLOCK, Some(b));
    }
    r
}
