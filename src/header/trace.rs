//! The tracing skin: the one generic wrapper every exported function's
//! call goes through (`call!`, and `resolution!` for name resolution),
//! with errno saved and restored around everything it does; the capture
//! of the program's memory is `capture.rs`, the emission `trace::emit`.
//!
//! Disabled, `call` is one relaxed atomic load and the plain syscall.
//! Enabled, it captures what it needs before the call (value-result
//! lengths, `-yy` descriptions), holds nothing across the call, and after
//! it updates the descriptor table, reads the memory the kernel accepted
//! (bounded by the lengths), and emits the event. errno is preserved.

use core::ffi::{c_int, c_void};
use core::mem::MaybeUninit;

use super::capture::{accepted, copy_untrusted};
use crate::header::errno::{errno, set_errno};
use crate::header::netdb::gethostby::RetH;
use crate::header::netdb::{addrinfo, hostent, protoent, servent, EAI_SYSTEM};
use crate::sys::{self, Errno, Result};
use crate::trace::decode::Descs;
use crate::trace::event::{AuxBuf, AuxWriter, Event, ADDR_MAX, AUX_MAX};
use crate::trace::resolve::{ResolveAux, H_ERRNO_UNSET, RESULTS_MAX};
use crate::trace::{emit, fdtable, runtime, Func};

/// Payload bytes gathered from several buffers (iovecs) for one event.
pub(crate) const GATHER_MAX: usize = 512;

/// A fixed buffer filled from the front, left uninitialised beyond what
/// was written: a traced call clears nothing it does not use.
pub(crate) struct Bytes<const N: usize> {
    buf: [MaybeUninit<u8>; N],
    len: usize,
}

impl<const N: usize> Bytes<N> {
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Bytes {
            buf: [const { MaybeUninit::uninit() }; N],
            len: 0,
        }
    }

    /// The bytes written so far.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the first `len` bytes were written (`append` keeps
        // `len <= N` and advances it only over bytes it copied).
        unsafe { core::slice::from_raw_parts(self.buf.as_ptr().cast(), self.len) }
    }

    /// Room left.
    pub fn room(&self) -> usize {
        N - self.len
    }
}

impl<const N: usize> AuxBuf for Bytes<N> {
    fn append(&mut self, b: &[u8]) {
        let n = b.len().min(N - self.len);
        // SAFETY: `n` bytes fit after `len`; source and destination are
        // distinct objects.
        unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), self.buf.as_mut_ptr().add(self.len).cast(), n) };
        self.len += n;
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// What the hooks of one call capture.
pub(crate) struct Cap<'a> {
    pub args: [u64; 6],
    pub len_in: u32,
    pub len_out: u32,
    pub addr: Bytes<ADDR_MAX>,
    pub aux: Bytes<AUX_MAX>,
    /// The payload: a prefix of the caller's buffer (`data`), or bytes
    /// copied into `gather` (scatter/gather calls, refused sends).
    pub data: &'a [u8],
    pub data_total: u64,
    pub gather: Bytes<GATHER_MAX>,
    pub gathered: bool,
    /// False when the call is not to be reported (a `read` on a pipe, a
    /// function the filter leaves out, a call from a signal handler that
    /// interrupted the tracer): `post` then only keeps the descriptor table.
    pub report: bool,
}

impl<'a> Cap<'a> {
    #[inline(always)]
    fn new(args: [u64; 6]) -> Cap<'a> {
        Cap {
            args,
            len_in: u32::MAX,
            len_out: u32::MAX,
            addr: Bytes::new(),
            aux: Bytes::new(),
            data: &[],
            data_total: 0,
            gather: Bytes::new(),
            gathered: false,
            report: true,
        }
    }

    /// Appends to `aux` through an `AuxWriter`.
    pub fn aux(&mut self, f: impl FnOnce(&mut AuxWriter)) {
        let mut w = AuxWriter::new(&mut self.aux);
        f(&mut w);
    }

    /// Replaces the address with `a`.
    pub fn set_addr(&mut self, a: &[u8]) {
        self.addr.len = 0;
        self.addr.append(a);
    }
}

/// A call's success value, as the event's return.
pub(crate) trait RetVal {
    fn as_ret(&self) -> i64;
}
impl RetVal for i32 {
    fn as_ret(&self) -> i64 {
        i64::from(*self)
    }
}
impl RetVal for usize {
    fn as_ret(&self) -> i64 {
        *self as i64
    }
}
impl RetVal for () {
    fn as_ret(&self) -> i64 {
        0
    }
}

/// Runs `syscall` as function `func` with arguments `args` (integers and
/// pointer values, in C order), traced when tracing is on: `pre` runs
/// before the call, `post` after it.
///
/// `call!(func, args, pre, syscall, post)`. A macro rather than a function
/// so that the disabled path is only the load and the syscall: nothing of
/// the tracing arguments (the array, the closures) is built before the test.
macro_rules! call {
    ($func:expr, $args:expr, $pre:expr, $sys:expr, $post:expr $(,)?) => {{
        // `$sys` is a closure literal, written out in both branches so that
        // the disabled branch calls it inline with nothing captured in memory.
        if !$crate::trace::runtime::enabled() {
            ($sys)()
        } else {
            $crate::header::trace::traced($func, $args, $pre, $sys, $post)
        }
    }};
}
pub(crate) use call;

#[cold]
#[inline(never)]
pub(crate) fn traced<'a, T: RetVal>(
    func: Func,
    args: [u64; 6],
    pre: impl FnOnce(&mut Cap<'a>),
    syscall: impl FnOnce() -> Result<T>,
    post: impl FnOnce(&mut Cap<'a>, &Result<T>),
) -> Result<T> {
    let saved = errno();
    // A call made by a signal handler that interrupted the tracer keeps
    // the descriptor table right but is not reported.
    let outer = sys::proc::enter_tracer();
    let mut cap = Cap::new(args);
    if func.only_on_sockets() {
        cap.report = fdtable::is_socket(args[0] as c_int);
    }
    let report = outer && cap.report && runtime::wanted(func);
    if report {
        pre(&mut cap);
    }
    let describe = report && runtime::describing();
    let desc_arg = if describe && func.fd_first() {
        runtime::describe(args[0] as c_int)
    } else {
        None
    };
    let start = if report { sys::clock::realtime_ns() } else { 0 };
    if outer {
        sys::proc::leave_tracer();
    }
    let r = syscall();
    let end = if report { sys::clock::realtime_ns() } else { 0 };
    let outer = outer && sys::proc::enter_tracer();
    // `post` always keeps the descriptor table right; it reads memory
    // with system calls (failures) only for a call that is reported.
    cap.report = report && outer;
    post(&mut cap, &r);
    if report && outer {
        let (ret, err) = match &r {
            Ok(v) => (v.as_ret(), 0),
            Err(e) => (-1, e.0),
        };
        let data = if cap.gathered { cap.gather.as_slice() } else { cap.data };
        let ev = Event {
            func,
            pid: runtime::pid(),
            tid: runtime::tid(),
            time_ns: start,
            dur_ns: end.saturating_sub(start),
            ret,
            errno: err,
            args: cap.args,
            len_in: cap.len_in,
            len_out: cap.len_out,
            addr: cap.addr.as_slice(),
            data,
            data_total: cap.data_total,
            aux: cap.aux.as_slice(),
        };
        if describe {
            emit::emit_described(&ev, desc_arg.as_ref());
        } else {
            runtime::emit(&ev, &Descs::default());
        }
        if runtime::recording() {
            emit::note_endpoints(&ev, end);
        }
    }
    if outer {
        sys::proc::leave_tracer();
    }
    set_errno(Errno(saved));
    r
}

/// The seam for name resolution (`getaddrinfo getnameinfo gethostbyname
/// gethostbyname2 gethostbyaddr`): runs `body` (the whole C function, which
/// sets errno/h_errno itself) and, when tracing is on, reports one event.
/// `post` fills the event's aux with `trace::resolve::ResolveAux` (layout
/// in `src/trace/resolve.rs`), may set `cap.addr` (getnameinfo's,
/// gethostbyaddr's address), and returns the event's `ret` (the EAI code,
/// or 0/the `h_errno` value of a hostent call). errno and h_errno are what
/// `body` left: the trace path touches neither.
///
/// The resolver's own system calls (its DNS sockets, file reads) go through
/// `crate::sys` directly and are never traced: the event is the call.
///
/// `resolution!(func, args, body, post)`: a macro like `call!`, so that the
/// disabled path is the load and the inlined body, nothing else built.
macro_rules! resolution {
    ($func:expr, $args:expr, $body:expr, $post:expr $(,)?) => {{
        if !$crate::trace::runtime::enabled() {
            ($body)()
        } else {
            $crate::header::trace::resolution_traced($func, $args, $body, $post)
        }
    }};
}
pub(crate) use resolution;

#[cold]
#[inline(never)]
pub(crate) fn resolution_traced<'a, T>(
    func: Func,
    args: [u64; 6],
    body: impl FnOnce() -> T,
    post: impl FnOnce(&mut Cap<'a>, &T) -> i64,
) -> T {
    // A call from a signal handler that interrupted the tracer is not reported.
    let report = runtime::wanted(func) && sys::proc::enter_tracer();
    if report {
        sys::proc::leave_tracer();
    }
    let start = if report { sys::clock::realtime_ns() } else { 0 };
    let out = body();
    if !report {
        return out;
    }
    let end = sys::clock::realtime_ns();
    let after = errno();
    if sys::proc::enter_tracer() {
        let mut cap = Cap::new(args);
        let ret = post(&mut cap, &out);
        let system = matches!(func, Func::Getaddrinfo | Func::Getnameinfo) && ret == i64::from(EAI_SYSTEM);
        let ev = Event {
            func,
            pid: runtime::pid(),
            tid: runtime::tid(),
            time_ns: start,
            dur_ns: end.saturating_sub(start),
            ret,
            errno: if system { after } else { 0 },
            args: cap.args,
            len_in: cap.len_in,
            len_out: cap.len_out,
            addr: cap.addr.as_slice(),
            data: &[],
            data_total: 0,
            aux: cap.aux.as_slice(),
        };
        runtime::emit(&ev, &Descs::default());
        sys::proc::leave_tracer();
    }
    set_errno(Errno(after));
    out
}

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

/// A pointer argument as an event argument.
pub(crate) fn p<T>(ptr: *const T) -> u64 {
    ptr as usize as u64
}
