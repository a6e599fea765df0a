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
}
