//! glibc's errno, reached through `__errno_location` (never exported by us),
//! and the one conversion from a typed result to C's `-1` + errno.

use crate::sys::{Errno, Result};

/// The calling thread's glibc errno.
#[inline(always)]
pub fn errno() -> i32 {
    // SAFETY: glibc returns a valid pointer to the calling thread's errno.
    unsafe { *libc::__errno_location() }
}

/// Sets the calling thread's glibc errno.
#[inline(always)]
pub fn set_errno(e: Errno) {
    // SAFETY: glibc returns a valid pointer to the calling thread's errno.
    unsafe { *libc::__errno_location() = e.0 }
}

/// `Ok(v)` gives `v`; `Err(e)` sets errno and gives `-1`, as every glibc
/// socket call reports failure.
#[inline(always)]
pub fn ret<T: From<i8>>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            set_errno(e);
            T::from(-1)
        }
    }
}

/// `ret` for calls that return `ssize_t`.
#[inline(always)]
pub fn ret_size(r: Result<usize>) -> isize {
    ret(r.map(|n| n as isize))
}

extern "C" {
    /// glibc's fortify failure: prints "buffer overflow detected" and aborts.
    pub fn __chk_fail() -> !;
    fn abort() -> !;
}

/// A fortify failure with its own message, as glibc's `__fortify_fail`
/// reports it: `*** MSG ***: terminated` on standard error, then `abort()`.
pub fn fortify_fail(msg: &[u8]) -> ! {
    let mut line = [0u8; 128];
    let mut n = 0;
    for part in [&b"*** "[..], msg, b" ***: terminated\n"] {
        for &b in part {
            if let Some(d) = line.get_mut(n) {
                *d = b;
                n += 1;
            }
        }
    }
    let _ = crate::sys::fd::write_all(libc::STDERR_FILENO, line.get(..n).unwrap_or(&[]));
    // SAFETY: glibc's abort takes no arguments and never returns.
    unsafe { abort() }
}
