//! `<sys/uio.h>`: scatter/gather I/O.

use core::ffi::{c_int, c_void};

use super::errno::ret_size;
use super::ssize_t;
use crate::sys;

#[repr(C)]
pub struct iovec {
    pub iov_base: *mut c_void,
    pub iov_len: usize,
}

#[no_mangle]
pub unsafe extern "C" fn readv(fd: c_int, iov: *const iovec, iovcnt: c_int) -> ssize_t {
    // SAFETY: the caller's iovec array, checked by the kernel.
    ret_size(unsafe { sys::io::readv(fd, iov.cast(), iovcnt) })
}

#[no_mangle]
pub unsafe extern "C" fn writev(fd: c_int, iov: *const iovec, iovcnt: c_int) -> ssize_t {
    // SAFETY: the caller's iovec array, checked by the kernel.
    ret_size(unsafe { sys::io::writev(fd, iov.cast(), iovcnt) })
}
