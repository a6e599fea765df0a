//! `<fcntl.h>` and `<unistd.h>`'s descriptor-table calls (`fcntl dup dup2
//! dup3 close_range closefrom`): exported so that tracing can follow
//! descriptors as they are copied and closed, and exact for every kind of
//! descriptor (glibc 2.36's behaviour; the kernel decides on everything).
//!
//! `fcntl` is variadic in C. On x86_64 SysV a caller passes the optional
//! third argument in the same register as a third `unsigned long`
//! parameter (and `%al`, which a non-variadic callee ignores), so it is
//! defined here with `arg: usize`. cbindgen leaves it out of the header;
//! the header's trailer declares `int fcntl(int, int, ...);`.

use core::ffi::{c_int, c_uint};

use super::errno::ret;
use crate::sys::{self, Errno};
use crate::trace::{fdtable, runtime, Func};

use super::trace::call;

use libc::{F_DUPFD, F_DUPFD_CLOEXEC, F_GETOWN, F_OFD_SETLKW, F_SETLKW};
/// The flags close_range(2) knows.
const CLOSE_RANGE_FLAGS: c_int = (libc::CLOSE_RANGE_UNSHARE | libc::CLOSE_RANGE_CLOEXEC) as c_int;

/// What glibc's `fcntl64` does: `F_GETOWN` through `F_GETOWN_EX` (so a
/// process group comes back negative), the waiting lock commands as
/// cancellation points, everything else straight to the kernel.
unsafe fn fcntl_sys(fd: c_int, cmd: c_int, arg: usize) -> sys::Result<c_int> {
    match cmd {
        F_GETOWN => sys::fd::getown(fd),
        // SAFETY: `arg` is the caller's `struct flock *`, checked by the kernel.
        F_SETLKW | F_OFD_SETLKW => unsafe { sys::fd::fcntl_cancellable(fd, cmd, arg) },
        // SAFETY: `arg` is an integer or the caller's pointer for `cmd`,
        // checked by the kernel.
        _ => unsafe { sys::fd::fcntl(fd, cmd, arg) },
    }
}

#[no_mangle]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: usize) -> c_int {
    ret(call!(
        Func::Fcntl,
        [fd as u64, cmd as u64, arg as u64, 0, 0, 0],
        |_| {},
        // SAFETY: the caller's arguments, as for glibc's fcntl.
        || unsafe { fcntl_sys(fd, cmd, arg) },
        |_, r| {
            if let (Ok(new), F_DUPFD | F_DUPFD_CLOEXEC) = (r, cmd) {
                fdtable::copy(fd, *new);
            }
        },
    ))
}

/// On x86_64 `fcntl64` is `fcntl` (glibc aliases them).
#[no_mangle]
pub unsafe extern "C" fn fcntl64(fd: c_int, cmd: c_int, arg: usize) -> c_int {
    // SAFETY: forwarded.
    unsafe { fcntl(fd, cmd, arg) }
}

/// cbindgen:postfix=__THROW
#[no_mangle]
pub extern "C" fn dup(fd: c_int) -> c_int {
    ret(call!(
        Func::Dup,
        [fd as u64, 0, 0, 0, 0, 0],
        |_| {},
        || sys::fd::dup(fd),
        |_, r| {
            if let Ok(new) = r {
                fdtable::copy(fd, *new);
            }
        },
    ))
}

/// cbindgen:postfix=__THROW
#[no_mangle]
pub extern "C" fn dup2(oldfd: c_int, newfd: c_int) -> c_int {
    if runtime::tracing() && oldfd != newfd {
        runtime::make_room(newfd);
    }
    ret(call!(
        Func::Dup2,
        [oldfd as u64, newfd as u64, 0, 0, 0, 0],
        |_| {},
        || sys::fd::dup2(oldfd, newfd),
        |_, r| {
            if r.is_ok() && oldfd != newfd {
                fdtable::copy(oldfd, newfd);
            }
        },
    ))
}

/// cbindgen:postfix=__THROW
#[no_mangle]
pub extern "C" fn dup3(oldfd: c_int, newfd: c_int, flags: c_int) -> c_int {
    if runtime::tracing() && oldfd != newfd {
        runtime::make_room(newfd);
    }
    ret(call!(
        Func::Dup3,
        [oldfd as u64, newfd as u64, flags as u64, 0, 0, 0],
        |_| {},
        || sys::fd::dup3(oldfd, newfd, flags),
        |_, r| {
            if r.is_ok() {
                fdtable::copy(oldfd, newfd);
            }
        },
    ))
}

/// `close_range` that leaves the tracer's descriptors open: the range is
/// closed around them (the program's descriptors all go, as asked).
fn close_range_around_tracer(first: c_uint, last: c_uint, flags: c_int) -> sys::Result<c_int> {
    if !runtime::tracing() || first > last {
        return sys::fd::close_range(first, last, flags);
    }
    let parts = runtime::carve(first, last);
    if parts[0].is_none() {
        // Only tracer descriptors in range: nothing of the program's to
        // close; the kernel's only other answer would be about the flags.
        return if flags & !CLOSE_RANGE_FLAGS != 0 {
            Err(Errno(libc::EINVAL))
        } else {
            Ok(0)
        };
    }
    for (lo, hi) in parts.into_iter().flatten() {
        sys::fd::close_range(lo, hi, flags)?;
    }
    Ok(0)
}

/// cbindgen:postfix=__THROW
#[no_mangle]
pub extern "C" fn close_range(first: c_uint, last: c_uint, flags: c_int) -> c_int {
    ret(call!(
        Func::CloseRange,
        [u64::from(first), u64::from(last), flags as u64, 0, 0, 0],
        |_| {},
        || close_range_around_tracer(first, last, flags),
        |_, r| {
            // With CLOSE_RANGE_CLOEXEC nothing closes now (exec starts a
            // fresh table anyway).
            if r.is_ok() && flags & libc::CLOSE_RANGE_CLOEXEC as c_int == 0 {
                fdtable::forget_range(first, last);
            }
        },
    ))
}

/// glibc 2.34+: `close_range(max(lowfd, 0), ~0U, 0)`; should the kernel
/// refuse (before Linux 5.9), every descriptor from `lowfd` up to the
/// descriptor limit is closed one by one.
/// cbindgen:postfix=__THROW
#[no_mangle]
pub extern "C" fn closefrom(lowfd: c_int) {
    let first = lowfd.max(0) as c_uint;
    let r = call!(
        Func::Closefrom,
        [lowfd as u64, 0, 0, 0, 0, 0],
        |_| {},
        || close_range_around_tracer(first, c_uint::MAX, 0).map(|_| ()),
        |_, r| {
            if r.is_ok() {
                fdtable::forget_range(first, c_uint::MAX);
            }
        },
    );
    if r.is_ok() {
        return;
    }
    let limit = sys::proc::nofile_limit().unwrap_or(1 << 20);
    let mut fd = u64::from(first);
    while fd < limit.min(1 << 20) {
        if !runtime::is_tracer_fd(fd as c_int) {
            sys::fd::close_quiet(fd as c_int);
        }
        fd += 1;
    }
    if runtime::tracing() {
        fdtable::forget_range(first, c_uint::MAX);
    }
}
