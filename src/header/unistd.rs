//! `<unistd.h>`: the descriptor calls programs use on sockets. Exported to
//! every program that links sockshim, so exact for every kind of descriptor.

use core::ffi::{c_int, c_void};

use super::errno::{__chk_fail, ret, ret_size};
use super::ssize_t;
use crate::sys;

#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, count: usize) -> ssize_t {
    // SAFETY: the caller's buffer, checked by the kernel.
    ret_size(unsafe { sys::io::read(fd, buf.cast(), count) })
}

#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, count: usize) -> ssize_t {
    // SAFETY: the caller's buffer, checked by the kernel.
    ret_size(unsafe { sys::io::write(fd, buf.cast(), count) })
}

#[no_mangle]
pub extern "C" fn close(fd: c_int) -> c_int {
    ret(sys::io::close(fd))
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
