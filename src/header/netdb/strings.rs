//! gai_strerror, hstrerror, herror: glibc's exact texts.

use core::ffi::{c_char, c_int, c_void};

use super::super::sys_uio::iovec;
use super::{__h_errno_location, c_opt};
use crate::sys;

/// glibc's `gai_strerror` texts (EAI_OVERFLOW has none in glibc 2.36).
fn gai_text(code: c_int) -> &'static [u8] {
    match code {
        -1 => b"Bad value for ai_flags\0",
        -2 => b"Name or service not known\0",
        -3 => b"Temporary failure in name resolution\0",
        -4 => b"Non-recoverable failure in name resolution\0",
        -5 => b"No address associated with hostname\0",
        -6 => b"ai_family not supported\0",
        -7 => b"ai_socktype not supported\0",
        -8 => b"Servname not supported for ai_socktype\0",
        -9 => b"Address family for hostname not supported\0",
        -10 => b"Memory allocation failure\0",
        -11 => b"System error\0",
        -100 => b"Processing request in progress\0",
        -101 => b"Request canceled\0",
        -102 => b"Request not canceled\0",
        -103 => b"All requests done\0",
        -104 => b"Interrupted by a signal\0",
        -105 => b"Parameter string not correctly encoded\0",
        _ => b"Unknown error\0",
    }
}

/// glibc's `hstrerror` texts.
fn h_text(code: c_int) -> &'static [u8] {
    match code {
        c if c < 0 => b"Resolver internal error\0",
        0 => b"Resolver Error 0 (no error)\0",
        1 => b"Unknown host\0",
        2 => b"Host name lookup failure\0",
        3 => b"Unknown server error\0",
        4 => b"No address associated with name\0",
        _ => b"Unknown resolver error\0",
    }
}

#[no_mangle]
pub extern "C" fn gai_strerror(code: c_int) -> *const c_char {
    gai_text(code).as_ptr().cast()
}

#[no_mangle]
pub extern "C" fn hstrerror(code: c_int) -> *const c_char {
    h_text(code).as_ptr().cast()
}

/// "prefix: message\n" (or "message\n" for a NULL or empty prefix) on
/// standard error, in one writev as glibc does; never through stdio.
#[no_mangle]
pub unsafe extern "C" fn herror(prefix: *const c_char) {
    // SAFETY: `prefix` is NULL or a C string (the function's contract).
    let prefix = unsafe { c_opt(prefix) }.unwrap_or(&[]);
    // SAFETY: glibc returns a valid pointer to the calling thread's h_errno.
    let msg = h_text(unsafe { *__h_errno_location() });
    let msg = &msg[..msg.len() - 1];
    let part = |s: &[u8]| iovec {
        iov_base: s.as_ptr() as *mut c_void,
        iov_len: s.len(),
    };
    let iov = if prefix.is_empty() {
        [part(msg), part(b"\n"), part(b""), part(b"")]
    } else {
        [part(prefix), part(b": "), part(msg), part(b"\n")]
    };
    // SAFETY: four iovecs pointing at live byte slices.
    let _ = unsafe { sys::io::writev(2, iov.as_ptr().cast(), iov.len() as i32) };
}
