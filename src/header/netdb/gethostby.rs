//! gethostbyname, gethostbyname2, gethostbyaddr and their `_r` forms.
//!
//! The lookups, their glibc 2.36 results and how much of a `_r` caller's
//! buffer glibc needs are the safe core's (`resolve::hostent`); this skin
//! lays the entry out in the buffer as glibc would (never needing more than
//! glibc), and stores `*result`, `h_errno` and errno. The non-_r forms each
//! publish into their own static hostent and buffer, one per function per
//! process as glibc's (`statics`). `RES_USE_INET6` is not supported (glibc
//! deprecates it): IPv4 results are never mapped.
//!
//! The thread's `h_errno` after a `_r` call is what glibc's resolver leaves
//! there on the side (`Failure::global_h_errno`: nss_dns's queries only),
//! found or not; `*h_errnop` is the call's own answer. The non-_r forms
//! store a nonzero `*h_errnop` over it (glibc's getXXbyYY.c), and leave
//! errno alone for numeric text, found or not.

use core::ffi::{c_char, c_int, c_void};
use core::mem::size_of;
use core::ptr;

use super::events::{c_str, ALIAS_MAX, NAME_MAX};
use super::statics::{static_len, Published, Static, STATIC_BUF};
use super::*;
use crate::header::capture::accepted;
use crate::header::errno::set_errno;
use crate::header::trace::Cap;
use crate::header::trace::{self, ptr_arg};
use crate::resolve::hostent::{self as core_hostent, Answer, Entry, Failure, Layout, Room};
use crate::resolve::Addr;
use crate::sys::Errno;
use crate::trace::event::ADDR_MAX;
use crate::trace::netdb::{ResolveAux, H_ERRNO_UNSET, RESULTS_MAX};
use crate::trace::Func;

const PTR: usize = size_of::<*mut c_char>();

fn up(x: usize, align: usize) -> usize {
    x.div_ceil(align) * align
}

/// The bytes of address `i` of `e` (for `Reverse`, the caller's).
fn addr_bytes<'a>(e: &'a Entry, i: usize, caller: &'a [u8]) -> &'a [u8] {
    match (e.layout, e.host.addrs().get(i)) {
        (Layout::Reverse { from }, _) => caller.get(from..from + e.length).unwrap_or(&[]),
        (_, Some(Addr::V4(b))) => b,
        (_, Some(Addr::V6(b))) => b,
        (_, None) => &[],
    }
}

/// Lays `e` out in `buf` (`buflen` bytes) as its layout says and fills
/// `*he`. False (nothing written) if it does not fit, which `e.need`
/// rules out.
///
/// # Safety
/// `buf` is writable for `buflen` bytes; `he` is a writable hostent.
unsafe fn fill(e: &Entry, caller: &[u8], he: *mut hostent, buf: *mut c_char, buflen: usize) -> bool {
    let base = buf as usize;
    let alen = e.length;
    let name = e.host.name.as_bytes();
    let naddrs = e.host.addrs().len();
    let naliases = e.host.alias_count();
    // Offsets from `buf`: (name, aliases' text, addresses, address pointers,
    // alias pointers, end).
    let (name_at, text_at, addrs_at, addr_list_at, alias_list_at, end) = match e.layout {
        Layout::Numeric => (16 + 3 * PTR, 0, 0, 16, 16 + 2 * PTR, 16 + 3 * PTR + name.len() + 1),
        Layout::Sequential => {
            let text = e.host.aliases().map(|a| a.len() + 1).sum::<usize>();
            let addrs_at = up(base + text + name.len() + 1, 4) - base;
            let lists = up(base + addrs_at + naddrs * alen, PTR) - base;
            let end = lists + (naddrs + 1) * PTR + (naliases + 1) * PTR;
            (text, 0, addrs_at, lists, lists + (naddrs + 1) * PTR, end)
        }
        Layout::Reverse { .. } => {
            let lists = up(base, PTR) - base;
            let name_at = lists + 2 * PTR;
            let addrs_at = up(base + name_at + name.len() + 1, 4) - base;
            (name_at, 0, addrs_at, lists, lists + PTR, addrs_at + alen)
        }
    };
    if buf.is_null() || end > buflen {
        return false;
    }
    // SAFETY: every write below lands inside `buf[..end]`, `end <= buflen`;
    // pointers are written unaligned where glibc's layout has them so.
    unsafe {
        let at = |off: usize| buf.add(off);
        let put = |off: usize, s: &[u8]| {
            ptr::copy_nonoverlapping(s.as_ptr(), at(off).cast::<u8>(), s.len());
            *at(off + s.len()) = 0;
        };
        let addr_list = at(addr_list_at).cast::<*mut c_char>();
        for i in 0..naddrs {
            let a = addr_bytes(e, i, caller);
            let off = addrs_at + i * alen;
            ptr::write_bytes(at(off), 0, alen);
            ptr::copy_nonoverlapping(a.as_ptr(), at(off).cast::<u8>(), a.len().min(alen));
            addr_list.add(i).write_unaligned(at(off));
        }
        addr_list.add(naddrs).write_unaligned(ptr::null_mut());
        let alias_list = at(alias_list_at).cast::<*mut c_char>();
        let mut text = text_at;
        for (i, a) in e.host.aliases().enumerate() {
            put(text, a);
            alias_list.add(i).write_unaligned(at(text));
            text += a.len() + 1;
        }
        alias_list.add(naliases).write_unaligned(ptr::null_mut());
        put(name_at, name);
        he.write(hostent {
            h_name: at(name_at),
            h_aliases: alias_list,
            h_addrtype: e.addrtype,
            h_length: alen as c_int,
            h_addr_list: addr_list,
        });
    }
    true
}

/// The `_r` ending shared by the three reentrant calls: the return code
/// and what was stored in `*h_errnop` (`None` when it was left alone, as
/// glibc leaves it after most successes).
///
/// # Safety
/// The pointers are the caller's, as the `_r` functions document.
unsafe fn finish_r(
    a: Answer,
    caller: &[u8],
    ret: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> RetH {
    let f = match a {
        // SAFETY: the caller's buffer and hostent.
        Answer::Found(e) if unsafe { fill(&e, caller, ret, buf, buflen) } => {
            // SAFETY: the caller's result and h_errno pointers.
            unsafe {
                *result = ret;
                if let Some(h) = e.h_errno {
                    *h_errnop = h;
                }
            }
            if let Some(h) = e.global_h_errno {
                set_h_errno(h);
            }
            set_errno(Errno(0));
            return RetH { ret: 0, h: e.h_errno };
        }
        Answer::Found(_) => core_hostent::RANGE,
        Answer::Failed(f) => f,
    };
    // SAFETY: the caller's result and h_errno pointers.
    unsafe {
        *result = ptr::null_mut();
        if let Some(h) = f.h_errno {
            *h_errnop = h;
        }
    }
    if let Some(h) = f.global_h_errno {
        set_h_errno(h);
    }
    if let Some(e) = f.errno {
        set_errno(Errno(e));
    }
    RetH {
        ret: f.ret,
        h: f.h_errno,
    }
}

/// A `_r` call's return code and the `*h_errnop` it stored, if any (the
/// tracer shows only what the call set).
#[derive(Clone, Copy)]
pub(crate) struct RetH {
    pub ret: c_int,
    pub h: Option<c_int>,
}

/// A failure of a non-_r call: the resolver's h_errno, then the call's
/// own unless 0 or untouched; errno, unless numeric text was refused.
fn fail_static(f: Failure) -> *mut hostent {
    if let Some(h) = f.h_errno.filter(|&h| h != 0).or(f.global_h_errno) {
        set_h_errno(h);
    }
    if let Some(e) = f.errno.filter(|_| !f.numeric) {
        set_errno(Errno(e));
    }
    ptr::null_mut()
}

/// The lookup of a non-_r call as glibc's getXXbyYY.c makes it: the `_r`
/// lookup into the function's buffer, its size kept from the last call;
/// while the answer says ERANGE, the size doubles and the lookup is made
/// again (its DNS queries too). The answer and the size it fitted.
fn static_lookup(which: Static, mut lookup: impl FnMut(Option<Room>) -> Answer) -> (Answer, usize) {
    let mut size = static_len(which);
    loop {
        // statics.c's buffers are malloc'd (16-aligned): address 0 mod 8.
        let a = lookup(Some(Room { addr: 0, len: size }));
        match a {
            // getXXbyYY.c: ERANGE with NETDB_INTERNAL.
            Answer::Failed(f)
                if f.ret == libc::ERANGE && f.h_errno == Some(NETDB_INTERNAL) && size < usize::MAX / 2 =>
            {
                size *= 2
            }
            a => return (a, size),
        }
    }
}

/// The non-_r ending: the entry published in `which`'s static hostent, its
/// buffer grown to `size` (the lock held only for the copy).
fn finish_static(which: Static, a: Answer, caller: &[u8], size: usize) -> *mut hostent {
    let e = match a {
        Answer::Found(e) => e,
        Answer::Failed(f) => return fail_static(f),
    };
    let slot = Published::<hostent>::enter(which, e.need.at(0).max(size));
    // SAFETY: `slot` is locked: its hostent and `len` bytes of buffer are
    // ours until it drops.
    if slot.buf.is_null() || !unsafe { fill(&e, caller, slot.ent, slot.buf, slot.len) } {
        drop(slot);
        return fail_static(Failure {
            h_errno: Some(NETDB_INTERNAL),
            ret: libc::ENOMEM,
            errno: Some(libc::ENOMEM),
            global_h_errno: e.global_h_errno,
            numeric: false,
        });
    }
    let he = slot.ent;
    drop(slot);
    // glibc's non-_r calls never store NETDB_SUCCESS; a numeric answer
    // leaves errno alone, a looked-up one leaves the `_r` form's 0.
    if let Some(h) = e.h_errno.filter(|&h| h != 0).or(e.global_h_errno) {
        set_h_errno(h);
    }
    if e.layout != Layout::Numeric {
        set_errno(Errno(0));
    }
    he
}

fn room(buf: *mut c_char, buflen: usize) -> Option<Room> {
    Some(Room {
        addr: buf as usize,
        len: if buf.is_null() { 0 } else { buflen },
    })
}

/// # Safety
/// `addr` is NULL or readable for `len` bytes.
unsafe fn addr_slice<'a>(addr: *const c_void, len: u32) -> &'a [u8] {
    if addr.is_null() {
        &[]
    } else {
        // SAFETY: the caller's contract.
        unsafe { core::slice::from_raw_parts(addr.cast::<u8>(), len as usize) }
    }
}

/// gethostbyname2_r itself.
///
/// # Safety
/// As `gethostbyname2_r`.
unsafe fn by_name2_r(
    name: *const c_char,
    af: c_int,
    ret: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> RetH {
    // SAFETY: `name` is a C string (the contract).
    let name = unsafe { c_opt(name) }.unwrap_or(&[]);
    let a = core_hostent::by_name(&mut system_sources(), name, af, room(buf, buflen));
    // SAFETY: the caller's pointers.
    unsafe { finish_r(a, &[], ret, buf, buflen, result, h_errnop) }
}

#[no_mangle]
pub unsafe extern "C" fn gethostbyname2_r(
    name: *const c_char,
    af: c_int,
    ret: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    trace::resolution!(
        Func::Gethostbyname2R,
        [ptr_arg(name), af as u64, buflen as u64, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_name2_r(name, af, ret, buf, buflen, result, h_errnop) },
        // SAFETY: the name passed and the call's result pointers.
        |cap, &rc| unsafe { hostent_r_event(cap, name, ptr::null(), 0, result, rc) },
        // An injected h_errno: as glibc when the DNS source fails so.
        // SAFETY: the caller's pointers.
        |h| Some(unsafe { finish_r(core_hostent::dns_failed(h), &[], ret, buf, buflen, result, h_errnop) }),
    )
    .ret
}

#[no_mangle]
pub unsafe extern "C" fn gethostbyname_r(
    name: *const c_char,
    ret: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    trace::resolution!(
        Func::GethostbynameR,
        [ptr_arg(name), buflen as u64, 0, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_name2_r(name, libc::AF_INET, ret, buf, buflen, result, h_errnop) },
        // SAFETY: the name passed and the call's result pointers.
        |cap, &rc| unsafe { hostent_r_event(cap, name, ptr::null(), 0, result, rc) },
        // An injected h_errno: as glibc when the DNS source fails so.
        // SAFETY: the caller's pointers.
        |h| Some(unsafe { finish_r(core_hostent::dns_failed(h), &[], ret, buf, buflen, result, h_errnop) }),
    )
    .ret
}

#[no_mangle]
pub unsafe extern "C" fn gethostbyaddr_r(
    addr: *const c_void,
    len: u32,
    af: c_int,
    ret: *mut hostent,
    buf: *mut c_char,
    buflen: usize,
    result: *mut *mut hostent,
    h_errnop: *mut c_int,
) -> c_int {
    trace::resolution!(
        Func::GethostbyaddrR,
        [ptr_arg(addr), u64::from(len), af as u64, buflen as u64, 0, 0],
        || {
            // SAFETY: `addr` holds `len` bytes (the contract).
            let caller = unsafe { addr_slice(addr, len) };
            let a = core_hostent::by_addr(&mut system_sources(), caller, af, room(buf, buflen));
            // SAFETY: the caller's pointers.
            unsafe { finish_r(a, caller, ret, buf, buflen, result, h_errnop) }
        },
        // SAFETY: the address passed (`len` bytes) and the call's result pointers.
        |cap, &rc| unsafe { hostent_r_event(cap, ptr::null(), addr, len, result, rc) },
        // An injected h_errno: as glibc when the DNS source fails so.
        // SAFETY: the caller's pointers.
        |h| Some(unsafe { finish_r(core_hostent::dns_failed(h), &[], ret, buf, buflen, result, h_errnop) }),
    )
    .ret
}

/// gethostbyname2 itself.
///
/// # Safety
/// `name` is NULL or a C string.
unsafe fn by_name2(which: Static, name: *const c_char, af: c_int) -> *mut hostent {
    // SAFETY: `name` is a C string (the contract).
    let name = unsafe { c_opt(name) }.unwrap_or(&[]);
    let (a, size) = static_lookup(which, |room| {
        core_hostent::by_name(&mut system_sources(), name, af, room)
    });
    finish_static(which, a, &[], size)
}

#[no_mangle]
pub unsafe extern "C" fn gethostbyname2(name: *const c_char, af: c_int) -> *mut hostent {
    trace::resolution!(
        Func::Gethostbyname2,
        [ptr_arg(name), af as u64, 0, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_name2(Static::Gethostbyname2, name, af) },
        // SAFETY: the name passed and the entry returned.
        |cap, &he| unsafe { hostent_event(cap, name, ptr::null(), 0, he) },
        // An injected h_errno: as glibc when the DNS source fails so.
        |h| Some(finish_static(
            Static::Gethostbyname2,
            core_hostent::dns_failed(h),
            &[],
            STATIC_BUF
        )),
    )
}

#[no_mangle]
pub unsafe extern "C" fn gethostbyname(name: *const c_char) -> *mut hostent {
    trace::resolution!(
        Func::Gethostbyname,
        [ptr_arg(name), 0, 0, 0, 0, 0],
        // SAFETY: forwarded contract.
        || unsafe { by_name2(Static::Gethostbyname, name, libc::AF_INET) },
        // SAFETY: the name passed and the entry returned.
        |cap, &he| unsafe { hostent_event(cap, name, ptr::null(), 0, he) },
        // An injected h_errno: as glibc when the DNS source fails so.
        |h| Some(finish_static(
            Static::Gethostbyname,
            core_hostent::dns_failed(h),
            &[],
            STATIC_BUF
        )),
    )
}

#[no_mangle]
pub unsafe extern "C" fn gethostbyaddr(addr: *const c_void, len: u32, af: c_int) -> *mut hostent {
    trace::resolution!(
        Func::Gethostbyaddr,
        [ptr_arg(addr), u64::from(len), af as u64, 0, 0, 0],
        || {
            // SAFETY: `addr` holds `len` bytes (the contract).
            let caller = unsafe { addr_slice(addr, len) };
            let (a, size) = static_lookup(Static::Gethostbyaddr, |room| {
                core_hostent::by_addr(&mut system_sources(), caller, af, room)
            });
            finish_static(Static::Gethostbyaddr, a, caller, size)
        },
        // SAFETY: the address passed (`len` bytes) and the entry returned.
        |cap, &he| unsafe { hostent_event(cap, ptr::null(), addr, len, he) },
        // An injected h_errno: as glibc when the DNS source fails so.
        |h| Some(finish_static(
            Static::Gethostbyaddr,
            core_hostent::dns_failed(h),
            &[],
            STATIC_BUF
        )),
    )
}

// ---- the trace event of this call ----

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
