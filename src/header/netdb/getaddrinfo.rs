//! getaddrinfo and freeaddrinfo.
//!
//! The whole answer (every `addrinfo`, its socket address and the canonical
//! name) is one `malloc` block, in the final (sorted) order, so the list
//! head is the block and `freeaddrinfo` frees exactly what we allocated.

use core::ffi::{c_char, c_int, c_void};
use core::mem::size_of;
use core::ptr;

use super::super::errno::set_errno;
use super::super::sys_socket::sockaddr;
use super::events::{c_str, NAME_MAX};
use super::*;
use crate::header::capture::accepted;
use crate::header::trace::Cap;
use crate::header::trace::{self, ptr_arg};
use crate::resolve::getaddrinfo::{self as core_getaddrinfo, Answer, Hints};
use crate::resolve::system::SystemKernel;
use crate::resolve::{Addr, GaiError};
use crate::sys::Errno;
use crate::trace::event::ADDR_MAX;
use crate::trace::netdb::{ResolveAux, RESULTS_MAX};
use crate::trace::Func;

/// The `EAI_*` code of `e` (setting errno for EAI_SYSTEM).
pub(super) fn eai(e: GaiError) -> c_int {
    match e {
        GaiError::BadFlags => EAI_BADFLAGS,
        GaiError::NoName => EAI_NONAME,
        GaiError::Again => EAI_AGAIN,
        GaiError::Fail => EAI_FAIL,
        GaiError::NoData => EAI_NODATA,
        GaiError::Family => EAI_FAMILY,
        GaiError::SockType => EAI_SOCKTYPE,
        GaiError::Service => EAI_SERVICE,
        GaiError::AddrFamily => EAI_ADDRFAMILY,
        GaiError::Memory => EAI_MEMORY,
        GaiError::System(errno) => {
            set_errno(Errno(errno));
            EAI_SYSTEM
        }
    }
}

/// Bytes of the socket address of `a` (sockaddr_in or sockaddr_in6).
fn sockaddr_len(a: &Addr) -> usize {
    match a {
        Addr::V4(_) => 16,
        Addr::V6(_) => 28,
    }
}

#[no_mangle]
pub unsafe extern "C" fn getaddrinfo(
    node: *const c_char,
    service: *const c_char,
    hints: *const addrinfo,
    res: *mut *mut addrinfo,
) -> c_int {
    trace::resolution!(
        Func::Getaddrinfo,
        [ptr_arg(node), ptr_arg(service), ptr_arg(hints), ptr_arg(res), 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { lookup(node, service, hints, res) },
        // SAFETY: getaddrinfo's arguments after it returned `code`.
        |cap, &code| unsafe { addrinfo_event(cap, node, service, hints, res, code) },
        // An injected EAI code: returned, `*res` untouched (as glibc on failure).
        Some,
    )
}

/// getaddrinfo itself.
///
/// # Safety
/// getaddrinfo's contract.
unsafe fn lookup(
    node: *const c_char,
    service: *const c_char,
    hints: *const addrinfo,
    res: *mut *mut addrinfo,
) -> c_int {
    // SAFETY: `node` and `service` are NULL or C strings (the contract).
    let (node, service) = unsafe { (c_opt(node), c_opt(service)) };
    let hints = if hints.is_null() {
        None
    } else {
        // SAFETY: a non-NULL `hints` points to an addrinfo (the contract).
        let h = unsafe { &*hints };
        Some(Hints {
            flags: h.ai_flags,
            family: h.ai_family,
            socktype: h.ai_socktype,
            protocol: h.ai_protocol,
        })
    };
    let mut answer = Answer::new();
    let mut sources = system_sources();
    let mut kernel = SystemKernel::new();
    let r = core_getaddrinfo::getaddrinfo(&mut sources, &mut kernel, node, service, hints.as_ref(), &mut answer);
    if let Err(e) = r {
        return eai(e);
    }
    match lay_out(&answer) {
        Some(list) => {
            // SAFETY: `res` is the caller's result pointer (the contract).
            unsafe { *res = list };
            0
        }
        None => EAI_MEMORY,
    }
}

/// One block: the `addrinfo` array, then the socket addresses, then the
/// canonical name.
fn lay_out(answer: &Answer) -> Option<*mut addrinfo> {
    let results = answer.results();
    let n = answer.len();
    if n == 0 {
        return None;
    }
    let addrs_at = n * size_of::<addrinfo>();
    let addr_bytes: usize = results.clone().map(|r| sockaddr_len(&r.target.addr)).sum();
    let canon = answer.canon.as_ref().map(|c| c.as_bytes());
    let canon_at = addrs_at + addr_bytes;
    let total = canon_at + canon.map_or(0, |c| c.len() + 1);
    // SAFETY: glibc's malloc; the block is filled completely below.
    let block = unsafe { malloc(total) }.cast::<u8>();
    if block.is_null() {
        return None;
    }
    let head = block.cast::<addrinfo>();
    let mut sa_off = addrs_at;
    for (i, r) in results.enumerate() {
        let len = sockaddr_len(&r.target.addr);
        let mut sa = [0u8; 28];
        let family = match r.target.addr {
            Addr::V4(a) => {
                sa[4..8].copy_from_slice(&a);
                libc::AF_INET
            }
            Addr::V6(a) => {
                sa[8..24].copy_from_slice(&a);
                sa[24..28].copy_from_slice(&r.target.scope_id.to_ne_bytes());
                libc::AF_INET6
            }
        };
        sa[..2].copy_from_slice(&(family as u16).to_ne_bytes());
        sa[2..4].copy_from_slice(&r.tuple.port.to_ne_bytes());
        // SAFETY: every offset below is inside the `total`-byte block:
        // entry `i < n` of the addrinfo array, `len` bytes at `sa_off`
        // (the sum of the lengths before it), the name at `canon_at`.
        unsafe {
            let sa_ptr = block.add(sa_off);
            ptr::copy_nonoverlapping(sa.as_ptr(), sa_ptr, len);
            let canonname = match canon {
                Some(c) if i == 0 => {
                    let p = block.add(canon_at);
                    ptr::copy_nonoverlapping(c.as_ptr(), p, c.len());
                    *p.add(c.len()) = 0;
                    p.cast::<c_char>()
                }
                _ => ptr::null_mut(),
            };
            head.add(i).write(addrinfo {
                ai_flags: answer.flags,
                ai_family: family,
                ai_socktype: r.tuple.socktype,
                ai_protocol: r.tuple.protocol,
                ai_addrlen: len as u32,
                ai_addr: sa_ptr.cast::<sockaddr>(),
                ai_canonname: canonname,
                ai_next: if i + 1 < n { head.add(i + 1) } else { ptr::null_mut() },
            });
        }
        sa_off += len;
    }
    Some(head)
}

/// Frees a list from our getaddrinfo: its head is the one block.
#[no_mangle]
pub unsafe extern "C" fn freeaddrinfo(ai: *mut addrinfo) {
    if !ai.is_null() {
        // SAFETY: `ai` is the head our getaddrinfo returned: the start of
        // the block it allocated with malloc.
        unsafe { free(ai.cast::<c_void>()) }
    }
}

// ---- the trace event of this call ----

/// getaddrinfo's event: node, service, hints and, after success, the first
/// `resolve::RESULTS_MAX` entries of the list it returned.
///
/// # Safety
/// The arguments are getaddrinfo's, after it returned `code`: `node` and
/// `service` NULL or C strings, `hints` NULL or an addrinfo, and on success
/// `*res` the list it built.
pub(crate) unsafe fn addrinfo_event(
    cap: &mut Cap,
    node: *const core::ffi::c_char,
    service: *const core::ffi::c_char,
    hints: *const addrinfo,
    res: *mut *mut addrinfo,
    code: c_int,
) -> i64 {
    // SAFETY: the caller's contract (the call read these too).
    let (node, service) = unsafe { (c_str(node, NAME_MAX), c_str(service, NAME_MAX)) };
    // SAFETY: a non-NULL `hints` is an addrinfo.
    let hints = unsafe { hints.as_ref() }.map(|h| [h.ai_flags, h.ai_family, h.ai_socktype, h.ai_protocol]);
    let head = if code == 0 && !res.is_null() {
        // SAFETY: on success `*res` is the list getaddrinfo just built.
        unsafe { *res }
    } else {
        core::ptr::null_mut()
    };
    cap.aux(|w| {
        let mut a = ResolveAux { w };
        a.string(node);
        a.string(service);
        a.hints(hints);
        // SAFETY: `head` is NULL or the first entry of the list getaddrinfo
        // just built (ours, alive until the caller frees it).
        let first = unsafe { head.as_ref() };
        // SAFETY: an entry's `ai_canonname` is NULL or a C string we made.
        let canon = first.and_then(|ai| unsafe { c_str(ai.ai_canonname, NAME_MAX) });
        a.string(canon);
        let mut total = 0u16;
        let mut ai = head;
        while !ai.is_null() {
            total = total.saturating_add(1);
            // SAFETY: `ai` is a non-NULL entry of the list we built.
            ai = unsafe { (*ai).ai_next };
        }
        a.count(total);
        let mut ai = head;
        let mut shown = 0;
        while !ai.is_null() && shown < RESULTS_MAX {
            // SAFETY: `ai` is a non-NULL entry of the list we built.
            let e = unsafe { &*ai };
            // SAFETY: we made `ai_addr` hold `ai_addrlen` bytes.
            let sa = unsafe { accepted(e.ai_addr.cast(), (e.ai_addrlen as usize).min(ADDR_MAX)) };
            a.addrinfo(e.ai_family, e.ai_socktype, e.ai_protocol, sa);
            shown += 1;
            ai = e.ai_next;
        }
    });
    i64::from(code)
}
