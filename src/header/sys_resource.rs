//! `<sys/resource.h>`'s limit setters (`setrlimit setrlimit64 prlimit
//! prlimit64`), exported so that the tracer knows the program's
//! `RLIMIT_FSIZE`: past it a write of the tracer's own would raise
//! `SIGXFSZ` in the program (OpenSSH's sshd sets it to 0 in its sandboxed
//! child). Each is glibc 2.36's: one `prlimit64` syscall, -1 and errno on
//! failure. They are not traced and not in `<sockshim.h>` (programs keep
//! including `<sys/resource.h>`).
//!
//! On x86_64 `struct rlimit` and `struct rlimit64` are the same.

use core::ffi::c_int;

use super::errno::ret;
use crate::sys;
use crate::trace::{dest, runtime};

/// Does the call; then, if it set this process's `RLIMIT_FSIZE`, tells
/// the tracer the new soft limit.
///
/// # Safety
/// As `prlimit(2)`: `new` NULL or readable, `old` NULL or writable (the
/// kernel checks both).
unsafe fn set(pid: c_int, resource: c_int, new: *const libc::rlimit, old: *mut libc::rlimit) -> c_int {
    // SAFETY: forwarded contract.
    let r = unsafe { sys::proc::prlimit(pid, resource, new, old) };
    let own = pid == 0 || pid as u32 == runtime::pid();
    if r.is_ok() && !new.is_null() && resource == libc::RLIMIT_FSIZE as c_int && runtime::tracing() && own {
        // SAFETY: the kernel just read `*new` successfully.
        dest::note_fsize_limit(unsafe { (*new).rlim_cur });
    }
    ret(r)
}

#[no_mangle]
pub unsafe extern "C" fn setrlimit(resource: c_int, rlim: *const libc::rlimit) -> c_int {
    // SAFETY: the caller's pointer, checked by the kernel.
    unsafe { set(0, resource, rlim, core::ptr::null_mut()) }
}

#[no_mangle]
pub unsafe extern "C" fn setrlimit64(resource: c_int, rlim: *const libc::rlimit) -> c_int {
    // SAFETY: the same function (glibc aliases them).
    unsafe { setrlimit(resource, rlim) }
}

#[no_mangle]
pub unsafe extern "C" fn prlimit(
    pid: libc::pid_t,
    resource: c_int,
    new: *const libc::rlimit,
    old: *mut libc::rlimit,
) -> c_int {
    // SAFETY: the caller's pointers, checked by the kernel.
    unsafe { set(pid, resource, new, old) }
}

#[no_mangle]
pub unsafe extern "C" fn prlimit64(
    pid: libc::pid_t,
    resource: c_int,
    new: *const libc::rlimit,
    old: *mut libc::rlimit,
) -> c_int {
    // SAFETY: the same function (glibc aliases them).
    unsafe { prlimit(pid, resource, new, old) }
}
