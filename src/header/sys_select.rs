//! `<sys/select.h>`: select, pselect and the fortified fd_set index check.
//! The header takes `fd_set` and the `FD_*` macros from glibc's own
//! <sys/select.h>; the layout proof checks ours equals it.

use core::cell::Cell;
use core::ffi::{c_int, c_long};

use super::capture;
use super::errno::{fortify_fail, ret};
use super::trace::{call, ptr_arg};
use crate::sys::{self, poll::KERNEL_SIGSET_SIZE, Errno};
use crate::trace::Func;

pub const FD_SETSIZE: c_int = 1024;
const NFDBITS: c_long = 64;

#[repr(C)]
pub struct fd_set {
    pub __fds_bits: [c_long; 16],
}

/// What glibc 2.36 does: reject a negative timeout, normalise microseconds
/// into seconds (saturating), call pselect6, and write the time left back
/// into the caller's timeval, even when the call failed.
#[no_mangle]
pub unsafe extern "C" fn select(
    nfds: c_int,
    readfds: *mut fd_set,
    writefds: *mut fd_set,
    exceptfds: *mut fd_set,
    timeout: *mut libc::timeval,
) -> c_int {
    let sets = [
        readfds.cast_const().cast(),
        writefds.cast_const().cast(),
        exceptfds.cast_const().cast(),
    ];
    let nbytes = Cell::new(0);
    let tv = Cell::new(None);
    ret(call!(
        Func::Select,
        [
            nfds as u64,
            ptr_arg(readfds),
            ptr_arg(writefds),
            ptr_arg(exceptfds),
            ptr_arg(timeout),
            0
        ],
        |cap| {
            nbytes.set(capture::fd_sets_before(cap, nfds, sets));
            tv.set(capture::time_arg(timeout.cast()));
        },
        // SAFETY: the caller's fd_sets and timeval, as glibc uses them.
        || unsafe { select_sys(nfds, readfds, writefds, exceptfds, timeout) },
        |cap, r| {
            let left = match r {
                Ok(_) if !timeout.is_null() => {
                    // SAFETY: `select_sys` has just read and written
                    // `*timeout` (glibc's write-back of the time left) when
                    // it returned success.
                    let t = unsafe { timeout.read() };
                    Some((t.tv_sec, t.tv_usec))
                }
                _ => None,
            };
            // SAFETY: on success the kernel wrote the sets passed.
            unsafe { capture::fd_sets_after(cap, nbytes.get(), sets, tv.get(), left, r) }
        },
    ))
}

unsafe fn select_sys(
    nfds: c_int,
    readfds: *mut fd_set,
    writefds: *mut fd_set,
    exceptfds: *mut fd_set,
    timeout: *mut libc::timeval,
) -> sys::Result<c_int> {
    if timeout.is_null() {
        // SAFETY: the caller's fd_sets, checked by the kernel.
        return unsafe {
            sys::poll::pselect6(
                nfds,
                readfds.cast(),
                writefds.cast(),
                exceptfds.cast(),
                core::ptr::null_mut(),
                core::ptr::null(),
            )
        };
    }
    // SAFETY: glibc reads the caller's timeval the same way.
    let tv = unsafe { timeout.read() };
    let Some(mut ts) = select_timeout(tv.tv_sec, tv.tv_usec as i32) else {
        return Err(Errno(libc::EINVAL));
    };
    // SAFETY: the caller's fd_sets; `ts` is ours, on this stack.
    let r = unsafe {
        sys::poll::pselect6(
            nfds,
            readfds.cast(),
            writefds.cast(),
            exceptfds.cast(),
            (&raw mut ts).cast(),
            core::ptr::null(),
        )
    };
    // SAFETY: the same caller timeval we read above.
    unsafe {
        timeout.write(libc::timeval {
            tv_sec: ts.tv_sec,
            tv_usec: ts.tv_nsec / 1000,
        })
    };
    r
}

/// glibc's conversion of select's timeval (with `tv_usec` taken as 32 bits).
fn select_timeout(sec: i64, usec: i32) -> Option<libc::timespec> {
    if sec < 0 || usec < 0 {
        return None;
    }
    let carry = usec / 1_000_000;
    Some(if i64::from(carry) > i64::MAX - sec {
        libc::timespec {
            tv_sec: i64::MAX,
            tv_nsec: 999_999_999,
        }
    } else {
        libc::timespec {
            tv_sec: sec + i64::from(carry),
            tv_nsec: i64::from(usec % 1_000_000) * 1000,
        }
    })
}

/// Like glibc, the timeout is copied (pselect never reports the time left)
/// and the signal mask travels with its size, as the kernel wants.
#[no_mangle]
pub unsafe extern "C" fn pselect(
    nfds: c_int,
    readfds: *mut fd_set,
    writefds: *mut fd_set,
    exceptfds: *mut fd_set,
    timeout: *const libc::timespec,
    sigmask: *const libc::sigset_t,
) -> c_int {
    let mut copy = if timeout.is_null() {
        None
    } else {
        // SAFETY: glibc reads `*timeout` the same way (a bad pointer faults
        // in both).
        Some(unsafe { timeout.read() })
    };
    let ts = copy
        .as_mut()
        .map_or(core::ptr::null_mut(), |t| t as *mut libc::timespec);
    let data: [usize; 2] = [sigmask as usize, KERNEL_SIGSET_SIZE];
    let sets = [
        readfds.cast_const().cast(),
        writefds.cast_const().cast(),
        exceptfds.cast_const().cast(),
    ];
    let nbytes = Cell::new(0);
    let time = copy.map(|t| (t.tv_sec, t.tv_nsec));
    ret(call!(
        Func::Pselect,
        [
            nfds as u64,
            ptr_arg(readfds),
            ptr_arg(writefds),
            ptr_arg(exceptfds),
            ptr_arg(timeout),
            ptr_arg(sigmask),
        ],
        |cap| nbytes.set(capture::fd_sets_before(cap, nfds, sets)),
        // SAFETY: the caller's fd_sets and mask; the timeout copy and `data` are ours.
        || unsafe {
            sys::poll::pselect6(
                nfds,
                readfds.cast(),
                writefds.cast(),
                exceptfds.cast(),
                ts.cast(),
                data.as_ptr().cast(),
            )
        },
        // SAFETY: on success the kernel wrote the sets passed.
        |cap, r| unsafe { capture::fd_sets_after(cap, nbytes.get(), sets, time, None, r) },
    ))
}

/// The index check `FD_SET` and friends call under `_FORTIFY_SOURCE`;
/// out of range, glibc 2.36's message (debug/fdelt_chk.c) and abort.
#[no_mangle]
pub extern "C" fn __fdelt_chk(d: c_long) -> c_long {
    if !(0..c_long::from(FD_SETSIZE)).contains(&d) {
        fortify_fail(b"bit out of range 0 - FD_SETSIZE on fd_set")
    }
    d / NFDBITS
}

#[cfg(test)]
mod tests {
    use super::select_timeout;

    #[test]
    fn timeout_normalisation_matches_glibc() {
        assert!(select_timeout(-1, 0).is_none());
        assert!(select_timeout(0, -1).is_none());
        let t = select_timeout(1, 2_500_000).unwrap();
        assert_eq!((t.tv_sec, t.tv_nsec), (3, 500_000_000));
        let t = select_timeout(i64::MAX, 1_000_000).unwrap();
        assert_eq!((t.tv_sec, t.tv_nsec), (i64::MAX, 999_999_999));
    }
}
