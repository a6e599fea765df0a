//! `getservbyname`, `getservbyport` and their `_r` forms: /etc/services,
//! read by `crate::resolve::files` exactly as glibc's nss_files reads it.
//!
//! glibc's contract, verified against glibc 2.36: names and protocols are
//! compared case-sensitively (`strcmp`), with the aliases; a NULL `proto`
//! matches any protocol; the port is compared in network byte order, as
//! an `int`. The `_r` forms return 0 (errno set to 0) with `*result` the
//! entry or NULL when there is none, `ERANGE` (errno too) when the buffer is
//! too small, and the errno of a file that cannot be read. The others look
//! up into the thread's scratch buffer (grown on `ERANGE` from 1024 bytes,
//! as glibc grows its own) and publish a found entry into the function's
//! own static result, shared by all threads as glibc's is (`statics`).

use core::ffi::{c_char, c_int, CStr};
use core::ptr;

use super::super::errno::set_errno;
use super::events::{alias_list, c_str, NAME_MAX};
use super::statics::{Arena, Publish, Static};
use crate::header::trace::Cap;
use crate::header::trace::{self, ptr_arg};
use crate::resolve::files::entry::{self, Entry, Outcome};
use crate::sys::Errno;
use crate::trace::netdb::ResolveAux;
use crate::trace::Func;

#[repr(C)]
pub struct servent {
    pub s_name: *mut c_char,
    pub s_aliases: *mut *mut c_char,
    /// The port in network byte order.
    pub s_port: c_int,
    pub s_proto: *mut c_char,
}

extern "C" {
    /// The calling thread's scratch `servent` (src/resolve/files/tls.c).
    fn sockshim_tls_servent() -> *mut servent;
    /// The calling thread's buffer `which`, at least `want` bytes (tls.c).
    pub(super) fn sockshim_tls_netdb_buf(which: c_int, want: usize, len: *mut usize) -> *mut c_char;
}

/// glibc's first size for the non-`_r` functions' buffer.
pub(super) const NETDB_BUFLEN: usize = 1024;
/// Which buffer of tls.c.
const SERVICES_BUF: c_int = 0;

/// The bytes of a C string (None for NULL).
///
/// # Safety
/// `s` is NULL or a NUL-terminated string that stays unchanged for `'a`.
pub(super) unsafe fn c_bytes<'a>(s: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: the caller's contract; the scan stops at the first NUL.
    (!s.is_null()).then(|| unsafe { CStr::from_ptr(s) }.to_bytes())
}

/// The caller's buffer as a slice (empty for NULL); its length is capped so
/// that the addresses it spans do not wrap.
///
/// # Safety
/// `buf` is NULL or writable for `buflen` bytes, used by nothing else during
/// the call.
pub(super) unsafe fn caller_buf<'a>(buf: *mut c_char, buflen: usize) -> &'a mut [u8] {
    if buf.is_null() {
        return &mut [];
    }
    let len = buflen.min(isize::MAX as usize).min(usize::MAX - buf as usize);
    // SAFETY: the caller's contract.
    unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), len) }
}

/// The `_r` functions' return value and errno for an outcome; stores the
/// entry in `*result_buf` and sets `*result`.
///
/// # Safety
/// `result_buf` and `result` are valid for writes.
unsafe fn finish_r(outcome: Outcome, result_buf: *mut servent, result: *mut *mut servent) -> c_int {
    let (ret, entry) = match outcome {
        Outcome::Found(e) => (0, Some(e)),
        Outcome::NotFound => (0, None),
        Outcome::Range => (libc::ERANGE, None),
        Outcome::Unavail(e) => (e, None),
    };
    // SAFETY: the caller's contract.
    unsafe {
        *result = match entry {
            Some(Entry {
                name,
                proto,
                aliases,
                number,
            }) => {
                *result_buf = servent {
                    s_name: name as *mut c_char,
                    s_aliases: aliases as *mut *mut c_char,
                    s_port: number,
                    s_proto: proto as *mut c_char,
                };
                result_buf
            }
            None => ptr::null_mut(),
        }
    };
    set_errno(Errno(ret));
    ret
}

/// getservbyname_r itself.
///
/// # Safety
/// As `getservbyname_r`.
unsafe fn by_name_r(
    name: *const c_char,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    // SAFETY: C strings from the caller, unchanged during the call.
    let (name, proto) = unsafe { (c_bytes(name).unwrap_or_default(), c_bytes(proto)) };
    // SAFETY: the caller's buffer of `buflen` bytes.
    let buf = unsafe { caller_buf(buf, buflen) };
    let outcome = entry::service_r(buf, |s| proto.is_none_or(|p| s.proto == p) && s.is_named(name));
    // SAFETY: the caller's result pointers.
    unsafe { finish_r(outcome, result_buf, result) }
}

/// getservbyport_r itself.
///
/// # Safety
/// As `getservbyport_r`.
unsafe fn by_port_r(
    port: c_int,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    // SAFETY: a C string from the caller, unchanged during the call.
    let proto = unsafe { c_bytes(proto) };
    // SAFETY: the caller's buffer of `buflen` bytes.
    let buf = unsafe { caller_buf(buf, buflen) };
    let outcome = entry::service_r(buf, |s| {
        i32::from(s.port.to_be()) == port && proto.is_none_or(|p| s.proto == p)
    });
    // SAFETY: the caller's result pointers.
    unsafe { finish_r(outcome, result_buf, result) }
}

/// The non-`_r` form of a services or protocols lookup: the `_r` one with
/// the thread's scratch buffer `which` (doubled while it is too small) and
/// scratch struct `entry`, then the entry found published into function
/// `into`'s static result by `publish` (NULL and ENOMEM if it cannot be).
///
/// # Safety
/// `entry` is this thread's scratch struct (from tls.c); `lookup` is a `_r`
/// call with the caller's other arguments.
pub(super) unsafe fn with_thread_buffer<T: Publish>(
    which: c_int,
    entry: *mut T,
    into: Static,
    lookup: impl Fn(*mut T, *mut c_char, usize, *mut *mut T) -> c_int,
) -> *mut T {
    // SAFETY: the caller's contract.
    let found = unsafe { scratch_lookup(which, entry, lookup) };
    // SAFETY: a non-NULL `found` is `entry`, which `lookup` filled with
    // strings and lists in the thread's scratch buffer.
    match unsafe { found.as_ref() } {
        None => ptr::null_mut(),
        Some(found) => found.publish(into).unwrap_or_else(|| {
            set_errno(Errno(libc::ENOMEM));
            ptr::null_mut()
        }),
    }
}

/// The `_r` lookup into the thread's scratch storage.
///
/// # Safety
/// As `with_thread_buffer`.
unsafe fn scratch_lookup<T>(
    which: c_int,
    entry: *mut T,
    lookup: impl Fn(*mut T, *mut c_char, usize, *mut *mut T) -> c_int,
) -> *mut T {
    let mut want = NETDB_BUFLEN;
    loop {
        let mut len = 0usize;
        // SAFETY: tls.c returns this thread's buffer of `len` bytes, or NULL.
        let buf = unsafe { sockshim_tls_netdb_buf(which, want, &mut len) };
        if buf.is_null() {
            set_errno(Errno(libc::ENOMEM));
            return ptr::null_mut();
        }
        let mut result = ptr::null_mut();
        // `entry` and the buffer belong to this thread and no one else.
        let ret = lookup(entry, buf, len, &mut result);
        if ret != libc::ERANGE {
            return result;
        }
        want = len.saturating_mul(2);
    }
}

#[no_mangle]
pub unsafe extern "C" fn getservbyname_r(
    name: *const c_char,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    trace::resolution!(
        Func::GetservbynameR,
        [ptr_arg(name), ptr_arg(proto), buflen as u64, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_name_r(name, proto, result_buf, buf, buflen, result) },
        // SAFETY: the strings passed; `*result` is NULL or the entry filled.
        |cap, &rc| unsafe { servent_event(cap, Some(name), proto, out(result), rc) },
    )
}

#[no_mangle]
pub unsafe extern "C" fn getservbyport_r(
    port: c_int,
    proto: *const c_char,
    result_buf: *mut servent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut servent,
) -> c_int {
    trace::resolution!(
        Func::GetservbyportR,
        [port as u32 as u64, ptr_arg(proto), buflen as u64, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_port_r(port, proto, result_buf, buf, buflen, result) },
        // SAFETY: the string passed; `*result` is NULL or the entry filled.
        |cap, &rc| unsafe { servent_event(cap, None, proto, out(result), rc) },
    )
}

/// `*result` after a `_r` call (NULL for a NULL `result`).
///
/// # Safety
/// `result` is NULL or readable.
pub(super) unsafe fn out<T>(result: *const *mut T) -> *const T {
    // SAFETY: the caller's contract.
    unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.cast_const())
}

#[no_mangle]
pub unsafe extern "C" fn getservbyname(name: *const c_char, proto: *const c_char) -> *mut servent {
    trace::resolution!(
        Func::Getservbyname,
        [ptr_arg(name), ptr_arg(proto), 0, 0, 0, 0],
        // SAFETY: the caller's strings; the thread's own storage.
        || unsafe {
            let into = Static::Getservbyname;
            with_thread_buffer(SERVICES_BUF, sockshim_tls_servent(), into, |r, b, l, res| {
                by_name_r(name, proto, r, b, l, res)
            })
        },
        // SAFETY: the strings passed and the entry returned.
        |cap, &se| unsafe { servent_event(cap, Some(name), proto, se, 0) },
    )
}

#[no_mangle]
pub unsafe extern "C" fn getservbyport(port: c_int, proto: *const c_char) -> *mut servent {
    trace::resolution!(
        Func::Getservbyport,
        [port as u32 as u64, ptr_arg(proto), 0, 0, 0, 0],
        // SAFETY: the caller's string; the thread's own storage.
        || unsafe {
            let into = Static::Getservbyport;
            with_thread_buffer(SERVICES_BUF, sockshim_tls_servent(), into, |r, b, l, res| {
                by_port_r(port, proto, r, b, l, res)
            })
        },
        // SAFETY: the string passed and the entry returned.
        |cap, &se| unsafe { servent_event(cap, None, proto, se, 0) },
    )
}

// SAFETY: a servent a lookup filled: its strings are C strings and its
// alias list is NULL-terminated (the trait's contract).
unsafe impl Publish for servent {
    fn size(&self) -> usize {
        // SAFETY: the trait's contract.
        unsafe { Arena::strings_size(&[self.s_name, self.s_proto]) + Arena::list_size(self.s_aliases) }
    }

    fn copy(&self, to: &mut Arena) -> Self {
        // SAFETY: the trait's contract.
        unsafe {
            servent {
                s_aliases: to.list(self.s_aliases),
                s_name: to.string(self.s_name),
                s_port: self.s_port,
                s_proto: to.string(self.s_proto),
            }
        }
    }
}

// ---- the trace event of this call ----

/// A services call's event: the query (`name` for getservbyname), `proto`
/// and the entry found.
///
/// # Safety
/// `name`, `proto` NULL or C strings; `se` NULL or the entry the call filled.
pub(crate) unsafe fn servent_event(
    cap: &mut Cap,
    name: Option<*const core::ffi::c_char>,
    proto: *const core::ffi::c_char,
    se: *const servent,
    ret: c_int,
) -> i64 {
    cap.aux(|w| {
        let mut a = ResolveAux { w };
        // SAFETY: the caller's contract.
        unsafe {
            if let Some(name) = name {
                a.string(c_str(name, NAME_MAX));
            }
            a.string(c_str(proto, NAME_MAX));
            let se = se.as_ref();
            a.flag(se.is_some());
            if let Some(se) = se {
                a.string(c_str(se.s_name, NAME_MAX));
                alias_list(&mut a, se.s_aliases);
                a.int(se.s_port);
                a.string(c_str(se.s_proto, NAME_MAX));
            }
        }
    });
    i64::from(ret)
}
