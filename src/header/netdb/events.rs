//! The name-resolution events: what `trace::resolution!` records of each
//! netdb call (its query and results, read from the structures the call
//! returned), in the layouts of `trace::resolve` (`ResolveAux`).

use core::ffi::{c_int, c_void};

use super::gethostby::RetH;
use super::{addrinfo, hostent, protoent, servent};
use crate::header::capture::{accepted, copy_untrusted};
use crate::header::trace::Cap;
use crate::trace::event::ADDR_MAX;
use crate::trace::resolve::{ResolveAux, H_ERRNO_UNSET, RESULTS_MAX};

/// A C string the caller passed (or the library returned), NULL-safe,
/// read up to its NUL but at most `max` bytes.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string (or holds at least `max` bytes).
pub(crate) unsafe fn c_str<'a>(s: *const core::ffi::c_char, max: usize) -> Option<&'a [u8]> {
    if s.is_null() {
        return None;
    }
    let mut n = 0;
    // SAFETY: the caller's contract: every byte up to the NUL (or `max`) is readable.
    while n < max && unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    // SAFETY: the `n` bytes just read.
    Some(unsafe { core::slice::from_raw_parts(s.cast::<u8>(), n) })
}

/// Longest query or result string kept (the rest is cut: the aux must hold
/// every string and the shown results).
const NAME_MAX: usize = 160;
/// Longest alias kept.
const ALIAS_MAX: usize = 48;

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
    // SAFETY: on success `*res` is the list getaddrinfo just built.
    let head = if code == 0 && !res.is_null() {
        unsafe { *res }
    } else {
        core::ptr::null_mut()
    };
    cap.aux(|w| {
        let mut a = ResolveAux { w };
        a.string(node);
        a.string(service);
        a.hints(hints);
        // SAFETY: the list's entries, names and addresses are ours.
        let canon = unsafe { head.as_ref() }.and_then(|ai| unsafe { c_str(ai.ai_canonname, NAME_MAX) });
        a.string(canon);
        let mut total = 0u16;
        let mut ai = head;
        while !ai.is_null() {
            total = total.saturating_add(1);
            // SAFETY: as above.
            ai = unsafe { (*ai).ai_next };
        }
        a.count(total);
        let mut ai = head;
        let mut shown = 0;
        while !ai.is_null() && shown < RESULTS_MAX {
            // SAFETY: as above: `ai_addr` holds `ai_addrlen` bytes.
            let e = unsafe { &*ai };
            let sa = unsafe { accepted(e.ai_addr.cast(), (e.ai_addrlen as usize).min(ADDR_MAX)) };
            a.addrinfo(e.ai_family, e.ai_socktype, e.ai_protocol, sa);
            shown += 1;
            ai = e.ai_next;
        }
    });
    i64::from(code)
}

/// getnameinfo's event: the address, flags and, after success, the host
/// and service it wrote.
///
/// # Safety
/// The arguments are getnameinfo's after it returned `code`: on success
/// the non-NULL `host`/`serv` buffers hold NUL-terminated strings within
/// `hostlen`/`servlen` bytes.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn nameinfo_event(
    cap: &mut Cap,
    sa: *const c_void,
    salen: u32,
    host: *const core::ffi::c_char,
    hostlen: u32,
    serv: *const core::ffi::c_char,
    servlen: u32,
    flags: c_int,
    code: c_int,
) -> i64 {
    let mut b = [0u8; ADDR_MAX];
    let n = copy_untrusted(sa, &mut b[..(salen as usize).min(ADDR_MAX)]);
    cap.set_addr(&b[..n]);
    cap.len_in = flags as u32;
    let result = |p: *const core::ffi::c_char, len: u32| {
        if code != 0 || len == 0 {
            return None;
        }
        // SAFETY: the caller's contract.
        unsafe { c_str(p, (len as usize).min(NAME_MAX)) }
    };
    let (h, s) = (result(host, hostlen), result(serv, servlen));
    cap.aux(|w| {
        let mut a = ResolveAux { w };
        a.string(h);
        a.string(s);
    });
    i64::from(code)
}

extern "C" {
    fn __h_errno_location() -> *mut c_int;
}

/// A non-_r hostent call's event (`ret` 0 when found, else `h_errno`): the
/// query (`name`, or for gethostbyaddr the address) and the entry.
///
/// # Safety
/// `name` is NULL or a C string, `addr` NULL or `len` readable bytes, `he`
/// NULL or the entry the call just returned.
pub(crate) unsafe fn hostent_event(
    cap: &mut Cap,
    name: *const core::ffi::c_char,
    addr: *const c_void,
    len: u32,
    he: *const hostent,
) -> i64 {
    if !addr.is_null() {
        // SAFETY: the caller's contract.
        cap.set_addr(unsafe { accepted(addr, (len as usize).min(ADDR_MAX)) });
    }
    // SAFETY: the caller's contract.
    let name = unsafe { c_str(name, NAME_MAX) };
    // SAFETY: a non-NULL `he` is the entry the call just filled.
    let he = unsafe { he.as_ref() };
    cap.aux(|w| {
        let mut a = ResolveAux { w };
        a.string(name);
        if let Some(he) = he {
            // SAFETY: the entry the call just filled.
            unsafe { hostent_body(&mut a, he) };
        }
    });
    if he.is_some() {
        0
    } else {
        // SAFETY: glibc returns a valid pointer to the calling thread's h_errno.
        i64::from(unsafe { *__h_errno_location() })
    }
}

/// A hostent's name, aliases and addresses.
///
/// # Safety
/// `he` is an entry a call just filled: its name, NULL-terminated lists and
/// addresses of `h_length` bytes are readable.
unsafe fn hostent_body(a: &mut ResolveAux, he: &hostent) {
    // SAFETY: the caller's contract.
    unsafe {
        a.string(c_str(he.h_name, NAME_MAX));
        for (list, alias) in [(he.h_aliases, true), (he.h_addr_list, false)] {
            let mut total = 0;
            while !list.is_null() && !(*list.add(total)).is_null() {
                total += 1;
            }
            a.count(total.min(usize::from(u16::MAX)) as u16);
            for i in 0..total.min(RESULTS_MAX) {
                let item = *list.add(i);
                if alias {
                    a.string(c_str(item, ALIAS_MAX));
                } else {
                    a.host_addr(accepted(item.cast(), (he.h_length.clamp(0, 16)) as usize));
                }
            }
        }
    }
}

/// A NULL-terminated alias list: its length, then the first
/// `RESULTS_MAX` aliases.
///
/// # Safety
/// `list` is NULL or a NULL-terminated array of C strings.
unsafe fn alias_list(a: &mut ResolveAux, list: *const *mut core::ffi::c_char) {
    let mut total = 0;
    // SAFETY: the caller's contract.
    while !list.is_null() && unsafe { !(*list.add(total)).is_null() } {
        total += 1;
    }
    a.count(total.min(usize::from(u16::MAX)) as u16);
    for i in 0..total.min(RESULTS_MAX) {
        // SAFETY: one of the `total` entries.
        a.string(unsafe { c_str(*list.add(i), ALIAS_MAX) });
    }
}

/// A `_r` hostent call's event (`rh` its return code and what it stored in
/// `*h_errnop`): the query, that `h_errno` (only if the call set it) and
/// `*result` after the call.
///
/// # Safety
/// As `hostent_event`; `result` is NULL or the call's pointer, `*result`
/// NULL or the entry the call filled.
pub(crate) unsafe fn hostent_r_event(
    cap: &mut Cap,
    name: *const core::ffi::c_char,
    addr: *const c_void,
    len: u32,
    result: *const *mut hostent,
    rh: RetH,
) -> i64 {
    if !addr.is_null() {
        // SAFETY: the caller's contract.
        cap.set_addr(unsafe { accepted(addr, (len as usize).min(ADDR_MAX)) });
    }
    // SAFETY: the caller's contract.
    let (name, he) = unsafe { (c_str(name, NAME_MAX), result.as_ref().and_then(|r| r.as_ref())) };
    cap.aux(|w| {
        let mut a = ResolveAux { w };
        a.string(name);
        a.int(rh.h.unwrap_or(H_ERRNO_UNSET));
        a.flag(he.is_some());
        if let Some(he) = he {
            // SAFETY: the entry the call just filled.
            unsafe { hostent_body(&mut a, he) };
        }
    });
    i64::from(rh.ret)
}

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
