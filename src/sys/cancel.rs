//! Cancellation points.
//!
//! glibc 2.36 makes a blocking call a cancellation point by switching the
//! thread to asynchronous cancellation for the duration of the syscall
//! (`__pthread_enable_asynccancel`), and skips that while the process has a
//! single thread. We do the same through the public equivalents:
//! `__libc_single_threaded` and `pthread_setcanceltype`. Neither makes a
//! syscall, takes a lock or allocates. A cancel that arrives while the thread
//! is inside the syscall unwinds straight through our frames, which hold no
//! lock and no value with a destructor.

use libc::c_int;

const PTHREAD_CANCEL_ASYNCHRONOUS: c_int = 1;

extern "C" {
    // Public since glibc 2.32 (<sys/single_threaded.h>); true until the
    // first pthread_create and never reset, like glibc's own SINGLE_THREAD_P.
    static __libc_single_threaded: core::ffi::c_char;
    fn pthread_setcanceltype(ty: c_int, oldtype: *mut c_int) -> c_int;
}

/// Runs the blocking syscall `f` as a cancellation point.
#[inline(always)]
pub fn cancellable<F: FnOnce() -> isize>(f: F) -> isize {
    // SAFETY: a plain byte read of a glibc variable that only ever changes
    // from 1 to 0; a stale 1 can only be seen by the thread that is the
    // process's single thread, exactly as in glibc.
    let single = unsafe { core::ptr::read_volatile(&raw const __libc_single_threaded) } != 0;
    if single {
        return f();
    }
    let mut old: c_int = 0;
    // SAFETY: `old` is a valid out-pointer; the call only flips bits in the
    // calling thread's descriptor (and acts on a cancel already pending,
    // which is what a cancellation point must do).
    unsafe { pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &mut old) };
    let ret = f();
    if old != PTHREAD_CANCEL_ASYNCHRONOUS {
        // SAFETY: restores the caller's cancel type; a NULL old-type pointer is
        // accepted by glibc.
        unsafe { pthread_setcanceltype(old, core::ptr::null_mut()) };
    }
    ret
}
