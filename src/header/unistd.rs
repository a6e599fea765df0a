//! `<unistd.h>`: the descriptor calls programs use on sockets. Exported to
//! every program that links sockshim, so exact for every kind of descriptor.

use core::ffi::{c_int, c_void};

use super::capture;
use super::errno::{__chk_fail, ret, ret_size};
use super::ssize_t;
use super::trace::{call, ptr_arg};
use crate::sys::{self, Errno};
use crate::trace::{fdtable, runtime, Func};

#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, count: usize) -> ssize_t {
    // Traced only on sockets (`Func::only_on_sockets`).
    ret_size(call!(
        Func::Read,
        [fd as u64, ptr_arg(buf), count as u64, 0, 0, 0],
        |_| {},
        // SAFETY: the caller's buffer, checked by the kernel.
        || unsafe { sys::io::read(fd, buf.cast(), count) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel wrote the `n` bytes it read.
                unsafe { capture::payload(cap, buf, *n) };
            }
        },
        // SAFETY: as the call, on a prefix of the caller's buffer.
        |n: usize| (count > n).then(|| unsafe { sys::io::read(fd, buf.cast(), n) }),
    ))
}

#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, count: usize) -> ssize_t {
    ret_size(call!(
        Func::Write,
        [fd as u64, ptr_arg(buf), count as u64, 0, 0, 0],
        |_| {},
        // SAFETY: the caller's buffer, checked by the kernel.
        || unsafe { sys::io::write(fd, buf.cast(), count) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel read the `n` bytes it wrote.
                unsafe { capture::payload(cap, buf, *n) };
            } else {
                capture::payload_refused(cap, buf, count, r);
            }
        },
        // SAFETY: as the call, on a prefix of the caller's buffer.
        |n: usize| (count > n).then(|| unsafe { sys::io::write(fd, buf.cast(), n) }),
    ))
}

#[no_mangle]
pub extern "C" fn close(fd: c_int) -> c_int {
    ret(call!(
        Func::Close,
        [fd as u64, 0, 0, 0, 0, 0],
        |_| {},
        || {
            // The tracer's own descriptors do not exist for the program.
            if runtime::is_tracer_fd(fd) {
                return Err(Errno(libc::EBADF));
            }
            sys::io::close(fd)
        },
        // Even a failed close (EINTR, EIO) has released the number.
        |_, r| {
            if !matches!(r, Err(Errno(libc::EBADF))) {
                fdtable::forget(fd)
            }
        },
    ))
}

/// Fortified `read`: aborts when `count` exceeds the buffer the compiler saw.
#[no_mangle]
pub unsafe extern "C" fn __read_chk(fd: c_int, buf: *mut c_void, count: usize, buflen: usize) -> ssize_t {
    if count > buflen {
        // SAFETY: glibc's own failure path; it never returns.
        unsafe { __chk_fail() }
    }
    // SAFETY: forwarded to `read` with the caller's pointer.
    unsafe { read(fd, buf, count) }
}
