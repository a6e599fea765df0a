//! getnameinfo, with glibc's checks in glibc's order and its buffer rules:
//! a host name that does not fit is EAI_OVERFLOW with nothing written; a
//! numeric service that does not fit is EAI_OVERFLOW after writing what
//! fits (glibc formats it with snprintf).

use core::ffi::{c_char, c_int, c_void};
use core::ptr;

use super::super::sys_socket::{sockaddr, socklen_t, AF_INET, AF_INET6, AF_LOCAL};
use super::events::{c_str, NAME_MAX};
use super::*;
use crate::header::capture::copy_untrusted;
use crate::header::trace::Cap;
use crate::header::trace::{self, ptr_arg};
use crate::resolve::getnameinfo::{self as core_getnameinfo, push_decimal, Text, NI_KNOWN};
use crate::resolve::Addr;
use crate::sys;
use crate::sys::route::{if_indextoname, IFNAMSIZ};
use crate::trace::event::ADDR_MAX;
use crate::trace::netdb::ResolveAux;
use crate::trace::Func;

/// Copies `text` and a NUL into `dst` of `size` bytes, or fails with
/// EAI_OVERFLOW touching nothing.
///
/// # Safety
/// `dst` is writable for `size` bytes.
unsafe fn put(text: &[u8], dst: *mut c_char, size: socklen_t) -> c_int {
    if text.len() >= size as usize {
        return EAI_OVERFLOW;
    }
    // SAFETY: `text.len() + 1 <= size` (the caller's buffer).
    unsafe {
        ptr::copy_nonoverlapping(text.as_ptr(), dst.cast::<u8>(), text.len());
        *dst.add(text.len()) = 0;
    }
    0
}

/// snprintf semantics: writes what fits (NUL-terminated) and reports
/// EAI_OVERFLOW when the whole text did not fit.
///
/// # Safety
/// `dst` is writable for `size > 0` bytes.
unsafe fn put_truncated(text: &[u8], dst: *mut c_char, size: socklen_t) -> c_int {
    let n = text.len().min(size as usize - 1);
    // SAFETY: `n + 1 <= size` bytes of the caller's buffer.
    unsafe {
        ptr::copy_nonoverlapping(text.as_ptr(), dst.cast::<u8>(), n);
        *dst.add(n) = 0;
    }
    if text.len() + 1 > size as usize {
        EAI_OVERFLOW
    } else {
        0
    }
}

/// The local domain for NI_NOFQDN: what follows the first dot of the host
/// name (glibc's `nrl_domainname` falls back to it).
fn local_domain(out: &mut [u8; 256]) -> usize {
    const PATH: &core::ffi::CStr = c"/proc/sys/kernel/hostname";
    let Ok(fd) = sys::fs::open_read(PATH) else { return 0 };
    let mut buf = [0u8; 256];
    let n = sys::fs::read_full(fd, &mut buf).unwrap_or(0);
    let _ = sys::io::close(fd);
    let name = buf.get(..n).unwrap_or(&[]);
    let name = name.strip_suffix(b"\n").unwrap_or(name);
    match name.iter().position(|&c| c == b'.') {
        Some(dot) => {
            let d = &name[dot + 1..];
            out[..d.len()].copy_from_slice(d);
            d.len()
        }
        None => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn getnameinfo(
    sa: *const sockaddr,
    salen: socklen_t,
    host: *mut c_char,
    hostlen: socklen_t,
    serv: *mut c_char,
    servlen: socklen_t,
    flags: c_int,
) -> c_int {
    trace::resolution!(
        Func::Getnameinfo,
        [
            ptr_arg(sa),
            u64::from(salen),
            ptr_arg(host),
            u64::from(hostlen),
            ptr_arg(serv),
            u64::from(servlen),
        ],
        // SAFETY: forwarded contract.
        || unsafe { name_info(sa, salen, host, hostlen, serv, servlen, flags) },
        // SAFETY: getnameinfo's arguments after it returned `code`.
        |cap, &code| unsafe { nameinfo_event(cap, sa.cast(), salen, host, hostlen, serv, servlen, flags, code) },
        // An injected EAI code: returned, the buffers untouched.
        Some,
    )
}

/// getnameinfo itself.
///
/// # Safety
/// getnameinfo's contract.
unsafe fn name_info(
    sa: *const sockaddr,
    salen: socklen_t,
    host: *mut c_char,
    hostlen: socklen_t,
    serv: *mut c_char,
    servlen: socklen_t,
    flags: c_int,
) -> c_int {
    if flags & !NI_KNOWN != 0 {
        return EAI_BADFLAGS;
    }
    if sa.is_null() || (salen as usize) < 2 {
        return EAI_FAMILY;
    }
    if flags & NI_NAMEREQD != 0 && host.is_null() && serv.is_null() {
        return EAI_NONAME;
    }
    // SAFETY: `sa` holds at least `salen >= 2` bytes (the contract).
    let family = c_int::from(unsafe { ptr::read_unaligned(sa.cast::<u16>()) });
    let need = match family {
        AF_LOCAL => 2,
        AF_INET => 16,
        AF_INET6 => 28,
        _ => return EAI_FAMILY,
    };
    if (salen as usize) < need {
        return EAI_FAMILY;
    }
    let mut bytes = [0u8; 28];
    if family != AF_LOCAL {
        // SAFETY: `salen >= need` bytes are readable at `sa`.
        unsafe { ptr::copy_nonoverlapping(sa.cast::<u8>(), bytes.as_mut_ptr(), need) };
    }
    let port = u16::from_be_bytes([bytes[2], bytes[3]]);
    let mut sources = system_sources();

    if !host.is_null() && hostlen > 0 {
        let r = match family {
            AF_LOCAL => {
                // SAFETY: the caller's buffer of `hostlen` bytes.
                unsafe { local_host(flags, host, hostlen) }
            }
            _ => {
                let (addr, scope) = if family == AF_INET {
                    (Addr::V4([bytes[4], bytes[5], bytes[6], bytes[7]]), 0)
                } else {
                    let mut a = [0u8; 16];
                    a.copy_from_slice(&bytes[8..24]);
                    (
                        Addr::V6(a),
                        u32::from_ne_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]),
                    )
                };
                let mut domain = [0u8; 256];
                let dlen = if flags & NI_NOFQDN != 0 {
                    local_domain(&mut domain)
                } else {
                    0
                };
                let mut text = Text::new();
                match core_getnameinfo::name_of_addr(&mut sources, &addr, flags, &domain[..dlen], &mut text) {
                    Err(e) => super::getaddrinfo::eai(e),
                    // SAFETY: the caller's buffer of `hostlen` bytes.
                    Ok(true) => unsafe { put(text.as_bytes(), host, hostlen) },
                    // SAFETY: the caller's buffer of `hostlen` bytes.
                    Ok(false) => unsafe { numeric_host(&addr, scope, text.as_bytes(), host, hostlen) },
                }
            }
        };
        if r != 0 {
            return r;
        }
    }

    if !serv.is_null() && servlen > 0 {
        return match family {
            AF_LOCAL => {
                // SAFETY: an AF_LOCAL address: sun_path follows the family
                // and is NUL-terminated (glibc uses strlen on it too).
                let path = unsafe { core::ffi::CStr::from_ptr(sa.cast::<c_char>().add(2)) }.to_bytes();
                // SAFETY: the caller's buffer of `servlen` bytes.
                unsafe { put(path, serv, servlen) }
            }
            _ => {
                let mut text = Text::new();
                let named = core_getnameinfo::service_of_port(&mut sources, port, flags, &mut text);
                if !named {
                    // SAFETY: the caller's buffer of `servlen > 0` bytes.
                    unsafe { put_truncated(text.as_bytes(), serv, servlen) }
                } else {
                    // SAFETY: the caller's buffer of `servlen > 0` bytes.
                    unsafe { put(text.as_bytes(), serv, servlen) }
                }
            }
        };
    }
    0
}

/// A numeric host, with an IPv6 scope suffix: the interface name for
/// link-local addresses when there is one, else the number. The address
/// must fit (else nothing is written); of a suffix that does not fit, what
/// fits is written and the call fails, as glibc 2.36 does.
///
/// # Safety
/// `host` is writable for `hostlen` bytes.
unsafe fn numeric_host(addr: &Addr, scope: u32, text: &[u8], host: *mut c_char, hostlen: socklen_t) -> c_int {
    // SAFETY: the caller's buffer.
    let r = unsafe { put(text, host, hostlen) };
    if r != 0 || scope == 0 {
        return r;
    }
    let Addr::V6(a) = addr else { return 0 };
    let mut suffix = Text::new();
    suffix.push(b"%");
    let link_local = (a[0] == 0xfe && a[1] & 0xc0 == 0x80) || (a[0] == 0xff && a[1] & 0xf == 2);
    let mut name = [0u8; IFNAMSIZ];
    match if_indextoname(scope, &mut name).filter(|_| link_local) {
        Some(n) => suffix.push(&name[..n]),
        None => push_decimal(&mut suffix, u64::from(scope)),
    }
    // SAFETY: the address and its NUL fit (put succeeded), so at least one
    // byte remains after it; what fits of the suffix goes there.
    unsafe {
        put_truncated(
            suffix.as_bytes(),
            host.add(text.len()),
            hostlen - text.len() as socklen_t,
        )
    }
}

/// AF_LOCAL hosts: the node name unless NI_NUMERICHOST, else "localhost".
///
/// # Safety
/// `host` is writable for `hostlen` bytes.
unsafe fn local_host(flags: c_int, host: *mut c_char, hostlen: socklen_t) -> c_int {
    if flags & NI_NUMERICHOST == 0 {
        const PATH: &core::ffi::CStr = c"/proc/sys/kernel/hostname";
        if let Ok(fd) = sys::fs::open_read(PATH) {
            let mut buf = [0u8; 65];
            let n = sys::fs::read_full(fd, &mut buf).unwrap_or(0);
            let _ = sys::io::close(fd);
            let name = buf.get(..n).unwrap_or(&[]);
            let name = name.strip_suffix(b"\n").unwrap_or(name);
            // SAFETY: the caller's buffer.
            return unsafe { put(name, host, hostlen) };
        }
    }
    if flags & NI_NAMEREQD != 0 {
        return EAI_NONAME;
    }
    // SAFETY: the caller's buffer.
    unsafe { put(b"localhost", host, hostlen) }
}

// ---- the trace event of this call ----

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
