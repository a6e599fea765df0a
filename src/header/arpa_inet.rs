//! `<arpa/inet.h>`: address text conversion (the parsing and printing live
//! in the safe core, `crate::inet`).
//!
//! Each function here only turns C pointers into slices, calls the core and
//! copies the result back, with glibc's return values and errno. Like
//! glibc's, the parsers read their string up to its NUL and nothing else,
//! and none of them changes errno.

use core::ffi::{c_char, c_int, c_void, CStr};
use core::ptr;

use super::errno::set_errno;
use super::netinet_in::{in_addr, in_addr_t, INADDR_NONE};
use super::sys_socket::{socklen_t, AF_INET, AF_INET6};
use crate::inet::{classful, ipv4, ipv6};
use crate::sys::Errno;

pub const INET_ADDRSTRLEN: c_int = 16;
pub const INET6_ADDRSTRLEN: c_int = 46;

extern "C" {
    /// The calling thread's 18-byte `inet_ntoa` buffer (src/tls.c).
    fn sockshim_tls_ntoa_buf() -> *mut c_char;
}

/// The bytes of a C string, without its NUL.
///
/// # Safety
/// `s` points to a NUL-terminated string that stays unchanged for `'a`.
#[inline(always)]
unsafe fn c_bytes<'a>(s: *const c_char) -> &'a [u8] {
    // SAFETY: the caller's contract; the scan stops at the first NUL.
    unsafe { CStr::from_ptr(s) }.to_bytes()
}

/// Copies `text` and a NUL to `dst` if `size` bytes hold both; otherwise
/// leaves `dst` untouched and fails with `ENOSPC`, as glibc does.
///
/// # Safety
/// `dst` is writable for `size` bytes.
#[inline(always)]
unsafe fn copy_out(text: &[u8], dst: *mut c_char, size: socklen_t) -> *const c_char {
    if text.len() >= size as usize {
        set_errno(Errno(libc::ENOSPC));
        return ptr::null();
    }
    // SAFETY: `text.len() + 1 <= size` bytes of `dst` are writable (the
    // caller's contract); `text` is our own stack buffer, so no overlap.
    unsafe {
        ptr::copy_nonoverlapping(text.as_ptr(), dst.cast::<u8>(), text.len());
        *dst.add(text.len()) = 0;
    }
    dst
}

#[no_mangle]
pub unsafe extern "C" fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int {
    match af {
        AF_INET => {
            // SAFETY: `src` is a C string (the function's contract).
            let text = unsafe { c_bytes(src) };
            match ipv4::parse_pton(text) {
                Some(a) => {
                    // SAFETY: `dst` holds a `struct in_addr` (4 bytes, any
                    // alignment as far as a byte copy is concerned).
                    unsafe { ptr::copy_nonoverlapping(a.as_ptr(), dst.cast::<u8>(), a.len()) };
                    1
                }
                None => 0,
            }
        }
        AF_INET6 => {
            // SAFETY: `src` is a NUL-terminated string (the contract).
            let text = unsafe { c_bytes(src) };
            match ipv6::parse(text) {
                Some(a) => {
                    // SAFETY: `dst` holds a `struct in6_addr` (16 bytes).
                    unsafe { ptr::copy_nonoverlapping(a.as_ptr(), dst.cast::<u8>(), a.len()) };
                    1
                }
                None => 0,
            }
        }
        _ => {
            set_errno(Errno(libc::EAFNOSUPPORT));
            -1
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn inet_ntop(af: c_int, src: *const c_void, dst: *mut c_char, size: socklen_t) -> *const c_char {
    match af {
        AF_INET => {
            // SAFETY: `src` points to a `struct in_addr` (4 readable bytes).
            let a = unsafe { src.cast::<[u8; 4]>().read_unaligned() };
            // SAFETY: `dst` is writable for `size` bytes (the contract).
            unsafe { copy_out(ipv4::format(a).as_bytes(), dst, size) }
        }
        AF_INET6 => {
            // SAFETY: `src` points to a `struct in6_addr` (16 readable bytes).
            let a = unsafe { src.cast::<[u8; 16]>().read_unaligned() };
            // SAFETY: `dst` is writable for `size` bytes (the contract).
            unsafe { copy_out(ipv6::format(&a).as_bytes(), dst, size) }
        }
        _ => {
            set_errno(Errno(libc::EAFNOSUPPORT));
            ptr::null()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn inet_aton(cp: *const c_char, inp: *mut in_addr) -> c_int {
    // SAFETY: `cp` is a C string (the function's contract).
    match ipv4::parse_aton(unsafe { c_bytes(cp) }) {
        Some(v) => {
            if !inp.is_null() {
                // SAFETY: a non-NULL `inp` points to a writable `struct in_addr`.
                unsafe { inp.write(in_addr { s_addr: v.to_be() }) };
            }
            1
        }
        None => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn inet_addr(cp: *const c_char) -> in_addr_t {
    // SAFETY: `cp` is a C string (the function's contract).
    match ipv4::parse_aton(unsafe { c_bytes(cp) }) {
        Some(v) => v.to_be(),
        None => INADDR_NONE,
    }
}

#[no_mangle]
pub unsafe extern "C" fn inet_network(cp: *const c_char) -> in_addr_t {
    // SAFETY: `cp` is a C string (the function's contract).
    ipv4::parse_network(unsafe { c_bytes(cp) }).unwrap_or(INADDR_NONE)
}

#[no_mangle]
pub unsafe extern "C" fn inet_ntoa(inp: in_addr) -> *mut c_char {
    let text = ipv4::format(inp.s_addr.to_ne_bytes());
    let bytes = text.as_bytes();
    // SAFETY: tls.c gives the calling thread's own buffer, 18 bytes, and
    // never NULL.
    let buf = unsafe { sockshim_tls_ntoa_buf() };
    // SAFETY: at most 15 bytes and a NUL go into the 18-byte buffer, which
    // no other thread touches.
    unsafe {
        ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), bytes.len());
        *buf.add(bytes.len()) = 0;
    }
    buf
}

#[no_mangle]
pub extern "C" fn inet_makeaddr(net: in_addr_t, host: in_addr_t) -> in_addr {
    in_addr {
        s_addr: classful::makeaddr(net, host).to_be(),
    }
}

#[no_mangle]
pub extern "C" fn inet_lnaof(inp: in_addr) -> in_addr_t {
    classful::lnaof(u32::from_be(inp.s_addr))
}

#[no_mangle]
pub extern "C" fn inet_netof(inp: in_addr) -> in_addr_t {
    classful::netof(u32::from_be(inp.s_addr))
}
