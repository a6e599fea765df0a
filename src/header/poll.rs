//! `<poll.h>`: poll and ppoll.

use core::ffi::{c_int, c_short};

use super::capture;
use super::errno::{__chk_fail, ret};
use super::trace::{call, ptr_arg};
use crate::sys;
use crate::trace::Func;

pub type nfds_t = core::ffi::c_ulong;

#[repr(C)]
pub struct pollfd {
    pub fd: c_int,
    pub events: c_short,
    pub revents: c_short,
}

pub const POLLIN: c_short = 0x001;
pub const POLLPRI: c_short = 0x002;
pub const POLLOUT: c_short = 0x004;
pub const POLLERR: c_short = 0x008;
pub const POLLHUP: c_short = 0x010;
pub const POLLNVAL: c_short = 0x020;
pub const POLLRDNORM: c_short = 0x040;
pub const POLLRDBAND: c_short = 0x080;
pub const POLLWRNORM: c_short = 0x100;
pub const POLLWRBAND: c_short = 0x200;
pub const POLLMSG: c_short = 0x400;
pub const POLLREMOVE: c_short = 0x1000;
pub const POLLRDHUP: c_short = 0x2000;

#[no_mangle]
pub unsafe extern "C" fn poll(fds: *mut pollfd, nfds: nfds_t, timeout: c_int) -> c_int {
    ret(call!(
        Func::Poll,
        [ptr_arg(fds), nfds, timeout as u64, 0, 0, 0],
        |_| {},
        // SAFETY: the caller's pollfd array, checked by the kernel.
        || unsafe { sys::poll::poll(fds.cast(), nfds, timeout) },
        // SAFETY: on success the kernel read and wrote the `nfds` entries.
        |cap, r| unsafe { capture::pollfds(cap, fds.cast(), nfds, r) },
    ))
}

/// Like glibc, the caller's timeout is copied so the kernel cannot update it.
#[no_mangle]
pub unsafe extern "C" fn ppoll(
    fds: *mut pollfd,
    nfds: nfds_t,
    timeout: *const libc::timespec,
    sigmask: *const libc::sigset_t,
) -> c_int {
    // The copy lives on our stack for the duration of the call.
    let mut copy = if timeout.is_null() {
        None
    } else {
        // SAFETY: glibc reads `*timeout` the same way (a bad pointer faults
        // in both).
        Some(unsafe { timeout.read() })
    };
    // The timeout as the caller gave it, for the trace.
    let given = copy.as_ref().map(|t| (t.tv_sec, t.tv_nsec));
    // The kernel writes the time left into the copy.
    let ts = copy
        .as_mut()
        .map_or(core::ptr::null_mut(), |t| t as *mut libc::timespec);
    ret(call!(
        Func::Ppoll,
        [ptr_arg(fds), nfds, ptr_arg(timeout), ptr_arg(sigmask), 0, 0],
        |_| {},
        // SAFETY: the caller's array and mask, our timeout copy.
        || unsafe { sys::poll::ppoll(fds.cast(), nfds, ts.cast(), sigmask.cast()) },
        |cap, r| {
            // SAFETY: on success the kernel read and wrote the `nfds` entries.
            unsafe { capture::pollfds(cap, fds.cast(), nfds, r) };
            capture::aux_time(cap, given);
        },
    ))
}

/// Fortified `poll`: aborts when `nfds` exceeds the array the compiler saw.
#[no_mangle]
pub unsafe extern "C" fn __poll_chk(fds: *mut pollfd, nfds: nfds_t, timeout: c_int, fdslen: usize) -> c_int {
    if (fdslen / core::mem::size_of::<pollfd>()) < nfds as usize {
        // SAFETY: glibc's own failure path; it never returns.
        unsafe { __chk_fail() }
    }
    // SAFETY: forwarded to `poll` with the caller's pointer.
    unsafe { poll(fds, nfds, timeout) }
}
