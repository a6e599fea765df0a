//! `getprotobyname`, `getprotobynumber` and their `_r` forms:
//! /etc/protocols, read by `crate::resolve::files` as glibc's nss_files
//! reads it. Same contract as the services functions (`services.rs`):
//! case-sensitive names and aliases, 0 / `ERANGE` / the file's errno from
//! the `_r` forms, the function's own static result (shared by all
//! threads, as glibc's) for the others.

use core::ffi::{c_char, c_int};
use core::ptr;

use super::super::errno::set_errno;
use super::events::{alias_list, c_str, NAME_MAX};
use super::services::{c_bytes, caller_buf, out, with_thread_buffer};
use super::statics::{Arena, Publish, Static};
use crate::header::trace::Cap;
use crate::header::trace::{self, ptr_arg};
use crate::resolve::files::entry::{self, Entry, Outcome};
use crate::sys::Errno;
use crate::trace::netdb::ResolveAux;
use crate::trace::Func;

#[repr(C)]
pub struct protoent {
    pub p_name: *mut c_char,
    pub p_aliases: *mut *mut c_char,
    pub p_proto: c_int,
}

extern "C" {
    /// The calling thread's scratch `protoent` (src/resolve/files/tls.c).
    fn sockshim_tls_protoent() -> *mut protoent;
}

/// Which buffer of tls.c.
const PROTOCOLS_BUF: c_int = 1;

/// The `_r` functions' return value and errno; stores the entry.
///
/// # Safety
/// `result_buf` and `result` are valid for writes.
unsafe fn finish_r(outcome: Outcome, result_buf: *mut protoent, result: *mut *mut protoent) -> c_int {
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
                name, aliases, number, ..
            }) => {
                *result_buf = protoent {
                    p_name: name as *mut c_char,
                    p_aliases: aliases as *mut *mut c_char,
                    p_proto: number,
                };
                result_buf
            }
            None => ptr::null_mut(),
        }
    };
    set_errno(Errno(ret));
    ret
}

/// getprotobyname_r itself.
///
/// # Safety
/// As `getprotobyname_r`.
unsafe fn by_name_r(
    name: *const c_char,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    // SAFETY: a C string from the caller, unchanged during the call.
    let name = unsafe { c_bytes(name).unwrap_or_default() };
    // SAFETY: the caller's buffer of `buflen` bytes.
    let buf = unsafe { caller_buf(buf, buflen) };
    let outcome = entry::protocol_r(buf, |p| p.is_named(name));
    // SAFETY: the caller's result pointers.
    unsafe { finish_r(outcome, result_buf, result) }
}

/// getprotobynumber_r itself.
///
/// # Safety
/// As `getprotobynumber_r`.
unsafe fn by_number_r(
    proto: c_int,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    // SAFETY: the caller's buffer of `buflen` bytes.
    let buf = unsafe { caller_buf(buf, buflen) };
    let outcome = entry::protocol_r(buf, |p| p.number == proto);
    // SAFETY: the caller's result pointers.
    unsafe { finish_r(outcome, result_buf, result) }
}

#[no_mangle]
pub unsafe extern "C" fn getprotobyname_r(
    name: *const c_char,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    trace::resolution!(
        Func::GetprotobynameR,
        [ptr_arg(name), buflen as u64, 0, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_name_r(name, result_buf, buf, buflen, result) },
        // SAFETY: the string passed; `*result` is NULL or the entry filled.
        |cap, &rc| unsafe { protoent_event(cap, Some(name), out(result), rc) },
    )
}

#[no_mangle]
pub unsafe extern "C" fn getprotobynumber_r(
    proto: c_int,
    result_buf: *mut protoent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut protoent,
) -> c_int {
    trace::resolution!(
        Func::GetprotobynumberR,
        [proto as u32 as u64, buflen as u64, 0, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_number_r(proto, result_buf, buf, buflen, result) },
        // SAFETY: `*result` is NULL or the entry filled.
        |cap, &rc| unsafe { protoent_event(cap, None, out(result), rc) },
    )
}

#[no_mangle]
pub unsafe extern "C" fn getprotobyname(name: *const c_char) -> *mut protoent {
    trace::resolution!(
        Func::Getprotobyname,
        [ptr_arg(name), 0, 0, 0, 0, 0],
        // SAFETY: the caller's string; the thread's own storage.
        || unsafe {
            let into = Static::Getprotobyname;
            with_thread_buffer(PROTOCOLS_BUF, sockshim_tls_protoent(), into, |r, b, l, res| {
                by_name_r(name, r, b, l, res)
            })
        },
        // SAFETY: the string passed and the entry returned.
        |cap, &pe| unsafe { protoent_event(cap, Some(name), pe, 0) },
    )
}

#[no_mangle]
pub unsafe extern "C" fn getprotobynumber(proto: c_int) -> *mut protoent {
    trace::resolution!(
        Func::Getprotobynumber,
        [proto as u32 as u64, 0, 0, 0, 0, 0],
        // SAFETY: the thread's own storage.
        || unsafe {
            let into = Static::Getprotobynumber;
            with_thread_buffer(PROTOCOLS_BUF, sockshim_tls_protoent(), into, |r, b, l, res| {
                by_number_r(proto, r, b, l, res)
            })
        },
        // SAFETY: the entry returned.
        |cap, &pe| unsafe { protoent_event(cap, None, pe, 0) },
    )
}

// SAFETY: a protoent a lookup filled: its name is a C string and its alias
// list is NULL-terminated (the trait's contract).
unsafe impl Publish for protoent {
    fn size(&self) -> usize {
        // SAFETY: the trait's contract.
        unsafe { Arena::strings_size(&[self.p_name]) + Arena::list_size(self.p_aliases) }
    }

    fn copy(&self, to: &mut Arena) -> Self {
        // SAFETY: the trait's contract.
        unsafe {
            protoent {
                p_aliases: to.list(self.p_aliases),
                p_name: to.string(self.p_name),
                p_proto: self.p_proto,
            }
        }
    }
}

// ---- the trace event of this call ----

/// A protocols call's event: the query (`name` for getprotobyname) and the
/// entry found.
///
/// # Safety
/// `name` NULL or a C string; `pe` NULL or the entry the call filled.
pub(crate) unsafe fn protoent_event(
    cap: &mut Cap,
    name: Option<*const core::ffi::c_char>,
    pe: *const protoent,
    ret: c_int,
) -> i64 {
    cap.aux(|w| {
        let mut a = ResolveAux { w };
        // SAFETY: the caller's contract.
        unsafe {
            if let Some(name) = name {
                a.string(c_str(name, NAME_MAX));
            }
            let pe = pe.as_ref();
            a.flag(pe.is_some());
            if let Some(pe) = pe {
                a.string(c_str(pe.p_name, NAME_MAX));
                alias_list(&mut a, pe.p_aliases);
                a.int(pe.p_proto);
            }
        }
    });
    i64::from(ret)
}
