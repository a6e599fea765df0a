//! `<sys/uio.h>`: scatter/gather I/O.

use core::ffi::{c_int, c_void};

use super::capture;
use super::errno::ret_size;
use super::ssize_t;
use super::trace::{call, ptr_arg};
use crate::sys;
use crate::trace::Func;

#[repr(C)]
pub struct iovec {
    pub iov_base: *mut c_void,
    pub iov_len: usize,
}

#[no_mangle]
pub unsafe extern "C" fn readv(fd: c_int, iov: *const iovec, iovcnt: c_int) -> ssize_t {
    // Traced only on sockets (`Func::only_on_sockets`).
    ret_size(call!(
        Func::Readv,
        [fd as u64, ptr_arg(iov), iovcnt as u64, 0, 0, 0],
        |_| {},
        // SAFETY: the caller's iovec array, checked by the kernel.
        || unsafe { sys::io::readv(fd, iov.cast(), iovcnt) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel used the `iovcnt` iovecs and wrote `n` bytes.
                unsafe { capture::iov_aux(cap, iov.cast(), iovcnt, *n) };
            }
        },
        |n: usize| {
            let mut cut = crate::header::inject::cut_iov(iov.cast(), iovcnt, n)?;
            // SAFETY: the caller's buffers, fewer of their bytes; checked by the kernel.
            Some(unsafe { sys::io::readv(fd, cut.iov.as_mut_ptr().cast(), cut.cnt) })
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn writev(fd: c_int, iov: *const iovec, iovcnt: c_int) -> ssize_t {
    // Traced only on sockets (`Func::only_on_sockets`).
    ret_size(call!(
        Func::Writev,
        [fd as u64, ptr_arg(iov), iovcnt as u64, 0, 0, 0],
        |_| {},
        // SAFETY: the caller's iovec array, checked by the kernel.
        || unsafe { sys::io::writev(fd, iov.cast(), iovcnt) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel used the `iovcnt` iovecs and read `n` bytes.
                unsafe { capture::iov_aux(cap, iov.cast(), iovcnt, *n) };
            }
        },
        |n: usize| {
            let mut cut = crate::header::inject::cut_iov(iov.cast(), iovcnt, n)?;
            // SAFETY: the caller's buffers, fewer of their bytes; checked by the kernel.
            Some(unsafe { sys::io::writev(fd, cut.iov.as_mut_ptr().cast(), cut.cnt) })
        },
    ))
}
