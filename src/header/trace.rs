//! The tracing skin: the one generic wrapper every exported function's
//! call goes through (`call`), the capture of the program's memory for an
//! event, and the library constructor that reads the configuration.
//!
//! Disabled, `call` is one relaxed atomic load and the plain syscall.
//! Enabled, it captures what it needs before the call (value-result
//! lengths, `-yy` descriptions), holds nothing across the call, and after
//! it updates the descriptor table, reads the memory the kernel accepted
//! (bounded by the lengths), and emits the event. errno is preserved.

use core::ffi::{c_int, c_void};
use core::mem::MaybeUninit;

use crate::header::errno::{errno, set_errno};
use crate::header::netdb::gethostby::RetH;
use crate::header::netdb::{addrinfo, hostent, protoent, servent, EAI_SYSTEM};
use crate::sys::{self, Errno, Result};
use crate::trace::decode::{self, Descs};
use crate::trace::event::{
    AuxBuf, AuxReader, AuxWriter, Event, FdDesc, ADDR_MAX, AUX_EPOLL, AUX_IOV, AUX_MAX, AUX_MMSG, AUX_MMSG_IOV,
    AUX_POLLFDS,
};
use crate::trace::func::Learns;
use crate::trace::resolve::{ResolveAux, H_ERRNO_UNSET, RESULTS_MAX};
use crate::trace::{config::Config, fdtable, runtime, Func};

/// Payload bytes gathered from several buffers (iovecs) for one event.
const GATHER_MAX: usize = 512;

/// A fixed buffer filled from the front, left uninitialised beyond what
/// was written: a traced call clears nothing it does not use.
pub(crate) struct Bytes<const N: usize> {
    buf: [MaybeUninit<u8>; N],
    len: usize,
}

impl<const N: usize> Bytes<N> {
    #[inline(always)]
    fn new() -> Self {
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
            emit_described(&ev, desc_arg.as_ref());
        } else {
            runtime::emit(&ev, &Descs::default());
        }
        if runtime::recording() {
            note_endpoints(&ev, end);
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

/// Most descriptors besides the first argument, the result and
/// `socketpair`'s pair described for one `-yy` line.
const OTHERS_MAX: usize = 16;

/// Emits `ev` with its descriptors described (strace's `-yy`); `arg` was
/// described before the call (a `close` has nothing to describe after).
#[inline(never)]
fn emit_described(ev: &Event, arg: Option<&FdDesc>) {
    let mut ret = None;
    let mut pair = [None, None];
    if !ev.failed() {
        if ev.func.returns_fd() {
            ret = runtime::describe(ev.ret as c_int);
        } else if ev.func == Func::Socketpair {
            let mut r = AuxReader::new(ev.aux);
            pair = runtime::describe_pair(r.i32(), r.i32());
        }
    }
    let mut fds = [0i32; OTHERS_MAX];
    let n = decode::event_fds(ev, &mut fds);
    let mut others = [(0, FdDesc::new(0, 0, 0, 0)); OTHERS_MAX];
    let mut k = 0;
    for &fd in &fds[..n] {
        if let Some(d) = runtime::describe(fd) {
            others[k] = (fd, d);
            k += 1;
        }
    }
    let descs = Descs {
        arg,
        ret: ret.as_ref(),
        pair: [pair[0].as_ref(), pair[1].as_ref()],
        others: &others[..k],
    };
    runtime::emit(ev, &descs);
}

/// Writes descriptor records to the recording: for every descriptor a
/// call made (socket, socketpair, accept, dup, `F_DUPFD`, `SCM_RIGHTS`),
/// when a socket's endpoints became known (bind, connect), and on the
/// first traced use of a socket the recording has not described yet.
fn note_endpoints(ev: &Event, now: u64) {
    let ok = !ev.failed();
    let arg = ev.int(0);
    match ev.func.spec().learns {
        Learns::ArgEndpoints if ok || ev.errno == libc::EINPROGRESS => record_desc(arg, now),
        Learns::NewFd if ok => record_desc(ev.ret as c_int, now),
        Learns::NewFdIfDupfd if ok && matches!(ev.int(1), libc::F_DUPFD | libc::F_DUPFD_CLOEXEC) => {
            record_desc(ev.ret as c_int, now)
        }
        Learns::Pair if ok => {
            let mut r = AuxReader::new(ev.aux);
            let fds = [r.i32(), r.i32()];
            for (fd, d) in fds.into_iter().zip(runtime::describe_pair(fds[0], fds[1])) {
                if let Some(d) = d {
                    fdtable::mark_recorded(fd);
                    runtime::record_fd(fd, &d, now);
                }
            }
        }
        Learns::Rights if ok => {
            let mut fds = [0i32; OTHERS_MAX];
            let n = decode::event_fds(ev, &mut fds);
            for &fd in &fds[..n] {
                record_desc(fd, now);
            }
        }
        _ => {}
    }
    if ev.func.fd_first() && fdtable::unrecorded_socket(arg) {
        record_desc(arg, now);
    }
}

/// Writes socket `fd`'s description to the recording.
fn record_desc(fd: c_int, now: u64) {
    if let Some(d) = runtime::describe(fd) {
        fdtable::mark_recorded(fd);
        runtime::record_fd(fd, &d, now);
    }
}

/// A pointer argument as an event argument.
pub(crate) fn p<T>(ptr: *const T) -> u64 {
    ptr as usize as u64
}

// ---- capture of the program's memory ----
//
// Two rules keep these reads from faulting where glibc would not: memory
// the kernel has just read or written successfully for this call is read
// directly (bounded by the lengths the kernel used), and anything else is
// copied with `copy_from_self` (process_vm_readv), which answers EFAULT.

/// `n` bytes at `ptr` that the kernel accepted for this call (or none).
///
/// # Safety
/// `ptr` must be valid for `n` bytes: the kernel has just read or written
/// them successfully for this call.
pub(crate) unsafe fn accepted<'a>(ptr: *const c_void, n: usize) -> &'a [u8] {
    if ptr.is_null() || n == 0 {
        return &[];
    }
    // SAFETY: the caller's contract.
    unsafe { core::slice::from_raw_parts(ptr.cast(), n) }
}

/// Copies up to `buf.len()` bytes at `ptr` without trusting it (one
/// `process_vm_readv`: for failures and other uncommon paths only).
pub(crate) fn copy_untrusted(ptr: *const c_void, buf: &mut [u8]) -> usize {
    if ptr.is_null() {
        return 0;
    }
    sys::proc::copy_from_self(runtime::pid() as i32, ptr as usize, buf).unwrap_or(0)
}

/// Captures an input socket address (`bind connect sendto`).
pub(crate) fn addr_in<T>(cap: &mut Cap, addr: *const c_void, len: u32, r: &Result<T>) {
    let n = (len as usize).min(ADDR_MAX);
    match r {
        Err(Errno(libc::EFAULT)) => {}
        // SAFETY: on success the kernel read `len` bytes at `addr`.
        Ok(_) => cap.set_addr(unsafe { accepted(addr, n) }),
        Err(_) if cap.report => {
            let mut b = [0u8; ADDR_MAX];
            let got = copy_untrusted(addr, &mut b[..n]);
            cap.set_addr(&b[..got]);
        }
        Err(_) => {}
    }
}

/// Before a value-result call: `*len` as the program passed it, when that
/// can be read without a system call and without any risk of a fault
/// (the length lies on the calling thread's own stack, above the stack
/// pointer, as a local variable of a caller does). Otherwise it stays
/// unknown and the trace shows the length the kernel wrote back.
pub(crate) fn len_before(cap: &mut Cap, len: *const u32) {
    let mut b = [0u8; 4];
    if sys::proc::read_own_stack(len as usize, &mut b) {
        cap.len_in = u32::from_ne_bytes(b);
    }
}

/// After a successful value-result call: `*len`, and the address the
/// kernel wrote (`min(before, after)` bytes; `after` bytes, at most the
/// buffer the address type needs, when `before` is unknown).
///
/// # Safety
/// The call succeeded with these pointers (the kernel wrote `*len`, and the
/// address when `addr` is not NULL).
pub(crate) unsafe fn addr_out(cap: &mut Cap, addr: *const c_void, len: *const u32) {
    if len.is_null() {
        return;
    }
    // SAFETY: the kernel just wrote `*len` (caller's contract).
    cap.len_out = unsafe { len.read_unaligned() };
    if addr.is_null() || cap.len_in == u32::MAX {
        return;
    }
    let n = (cap.len_in.min(cap.len_out) as usize).min(ADDR_MAX);
    // SAFETY: the kernel wrote `min(len_in, len_out)` bytes at `addr`.
    cap.set_addr(unsafe { accepted(addr, n) });
}

/// The payload of a successful data call: the first bytes of the `n`
/// transferred.
///
/// # Safety
/// The kernel read or wrote `n` bytes at `buf` for this call.
pub(crate) unsafe fn payload<'a>(cap: &mut Cap<'a>, buf: *const c_void, n: usize) {
    cap.data_total = n as u64;
    // SAFETY: the caller's contract; only a prefix of those bytes is read.
    cap.data = unsafe { accepted(buf, n.min(runtime::payload_cap())) };
}

/// The payload of a call the kernel refused, read from the caller's buffer
/// without trusting it (strace shows what a failed `send` or `write` was
/// given); nothing after `EFAULT`. Only failures pay for this copy.
pub(crate) fn payload_refused<T>(cap: &mut Cap, buf: *const c_void, len: usize, r: &Result<T>) {
    if !cap.report || !matches!(r, Err(e) if e.0 != libc::EFAULT) {
        return;
    }
    let mut b = [0u8; GATHER_MAX];
    let n = len.min(runtime::payload_cap()).min(GATHER_MAX);
    let got = copy_untrusted(buf, &mut b[..n]);
    cap.gather.append(&b[..got]);
    cap.gathered = true;
    cap.data_total = len as u64;
}

/// The payload of a successful scatter/gather call, `n` bytes across the
/// iovecs, gathered into `cap.gather` (at most `limit`); the iovec count
/// and lengths go to `w` (at most `shown` of them).
///
/// # Safety
/// The kernel used the `cnt` iovecs at `iov` and transferred `n` bytes
/// through them.
unsafe fn gather_into(
    gather: &mut dyn AuxBuf,
    iov: *const libc::iovec,
    cnt: usize,
    n: usize,
    limit: usize,
    shown: usize,
    w: &mut AuxWriter,
) {
    let shown = cnt.min(shown);
    w.u32(cnt as u32);
    let limit = n.min(limit);
    let mut got = 0;
    let mut left = n;
    for i in 0..cnt {
        if got >= limit && i >= shown {
            break;
        }
        // SAFETY: the kernel read all `cnt` iovecs.
        let v = unsafe { iov.add(i).read_unaligned() };
        if i < shown {
            w.u64(v.iov_len as u64);
        }
        if got < limit {
            let take = v.iov_len.min(limit - got).min(left);
            // SAFETY: these bytes are within the `n` the kernel transferred.
            let b = unsafe { accepted(v.iov_base, take) };
            gather.append(b);
            got += b.len();
            left -= b.len();
        }
    }
}

/// The `aux` of readv/writev after success.
///
/// # Safety
/// The kernel used the `cnt` iovecs at `iov` and transferred `n` bytes.
pub(crate) unsafe fn iov_aux(cap: &mut Cap, iov: *const libc::iovec, cnt: c_int, n: usize) {
    cap.data_total = n as u64;
    cap.gathered = true;
    let limit = runtime::payload_cap().min(GATHER_MAX);
    let mut w = AuxWriter::new(&mut cap.aux);
    // SAFETY: forwarded contract.
    unsafe { gather_into(&mut cap.gather, iov, cnt.max(0) as usize, n, limit, AUX_IOV, &mut w) };
}

/// sendmsg/recvmsg after success: name, iovecs, payload and the
/// descriptors passed with `SCM_RIGHTS` (received ones are unknown to the
/// descriptor table until classified).
///
/// # Safety
/// The call succeeded with `msg`, transferring `n` bytes.
pub(crate) unsafe fn msg_capture(cap: &mut Cap, msg: *const libc::msghdr, n: usize, received: bool) {
    // SAFETY: the kernel read (and for recvmsg updated) the msghdr.
    let m = unsafe { msg.read_unaligned() };
    let nl = (m.msg_namelen as usize).min(ADDR_MAX);
    // SAFETY: the kernel read (sendmsg) or wrote (recvmsg) `msg_namelen` bytes.
    cap.set_addr(unsafe { accepted(m.msg_name, nl) });
    cap.data_total = n as u64;
    cap.gathered = true;
    let limit = runtime::payload_cap().min(GATHER_MAX);
    let mut w = AuxWriter::new(&mut cap.aux);
    w.u32(m.msg_namelen);
    w.i32(m.msg_flags);
    w.u64(m.msg_controllen as u64);
    // SAFETY: the kernel used the `msg_iovlen` iovecs and moved `n` bytes.
    unsafe { gather_into(&mut cap.gather, m.msg_iov, m.msg_iovlen, n, limit, AUX_IOV, &mut w) };
    let mut fds = [0i32; 16];
    // SAFETY: the kernel read (sendmsg) or wrote (recvmsg) `msg_controllen` bytes.
    let control = unsafe { accepted(m.msg_control, m.msg_controllen) };
    let nfds = scm_rights(control, &mut fds);
    w.u32(nfds as u32);
    for fd in &fds[..nfds] {
        w.i32(*fd);
        if received {
            fdtable::forget(*fd);
        }
    }
}

/// sendmmsg/recvmmsg after success: each of the first `n` messages (at
/// most `AUX_MMSG`, and as many as fit in the aux) with its header, name,
/// iovec lengths and payload prefix (layout in `trace::event`).
///
/// # Safety
/// The call succeeded for the first `n` messages of `vec`: the kernel read
/// their headers, names and iovecs and moved `msg_len` bytes of each.
pub(crate) unsafe fn mmsg_capture(cap: &mut Cap, vec: *const libc::mmsghdr, n: usize, received: bool) {
    let per_msg = runtime::payload_cap().min(GATHER_MAX);
    // The count comes first: measure what fits before writing.
    let mut shown = 0;
    let mut room = cap.aux.room().saturating_sub(4);
    while shown < n.min(AUX_MMSG) {
        // SAFETY: message `shown` < n was used by the kernel.
        let mm = unsafe { vec.add(shown).read_unaligned() };
        let size = mmsg_size(&mm, per_msg);
        if size > room {
            break;
        }
        room -= size;
        shown += 1;
    }
    let mut w = AuxWriter::new(&mut cap.aux);
    w.u32(shown as u32);
    for i in 0..shown {
        // SAFETY: as above.
        let mm = unsafe { vec.add(i).read_unaligned() };
        let m = mm.msg_hdr;
        let len = mm.msg_len as usize;
        let fits = if received {
            // SAFETY: the kernel used these iovecs.
            len.min(unsafe { iov_sum(m.msg_iov, m.msg_iovlen) })
        } else {
            len
        };
        w.u32(mm.msg_len);
        w.u32(m.msg_namelen);
        w.i32(m.msg_flags);
        w.u64(m.msg_controllen as u64);
        let nl = (m.msg_namelen as usize).min(ADDR_MAX);
        // SAFETY: the kernel read (send) or wrote (receive) the name.
        let name = unsafe { accepted(m.msg_name, nl) };
        w.u16(name.len() as u16);
        w.bytes(name);
        let mut data = Bytes::<GATHER_MAX>::new();
        let mut lens = Bytes::<{ 4 + 8 * AUX_MMSG_IOV }>::new();
        {
            let mut lw = AuxWriter::new(&mut lens);
            // SAFETY: the kernel used the iovecs and moved `fits` bytes.
            unsafe { gather_into(&mut data, m.msg_iov, m.msg_iovlen, fits, per_msg, AUX_MMSG_IOV, &mut lw) };
        }
        w.bytes(lens.as_slice());
        w.u64(len as u64);
        w.u16(data.len() as u16);
        w.bytes(data.as_slice());
    }
}

/// Aux bytes one `mmsg_capture` message takes.
fn mmsg_size(mm: &libc::mmsghdr, per_msg: usize) -> usize {
    let m = &mm.msg_hdr;
    let name = (m.msg_namelen as usize).min(ADDR_MAX);
    let iovs = m.msg_iovlen.min(AUX_MMSG_IOV);
    let data = (mm.msg_len as usize).min(per_msg);
    4 + 4 + 4 + 8 + 2 + name + 4 + 8 * iovs + 8 + 2 + data
}

/// The total length of `cnt` iovecs.
///
/// # Safety
/// The kernel has just used them.
unsafe fn iov_sum(iov: *const libc::iovec, cnt: usize) -> usize {
    let mut t: usize = 0;
    for i in 0..cnt {
        // SAFETY: the caller's contract.
        t = t.saturating_add(unsafe { iov.add(i).read_unaligned() }.iov_len);
    }
    t
}

/// The descriptors of the `SCM_RIGHTS` messages in a control buffer.
fn scm_rights(control: &[u8], out: &mut [i32; 16]) -> usize {
    const HDR: usize = 16; // cmsg_len (size_t), cmsg_level, cmsg_type
    let mut n = 0;
    let mut at = 0;
    while at + HDR <= control.len() {
        let word = |o: usize| {
            control
                .get(at + o..at + o + 4)
                .map_or(0, |s| i32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
        };
        let len = control.get(at..at + 8).map_or(0, |s| {
            u64::from_ne_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
        }) as usize;
        if len < HDR || at + len > control.len() {
            break;
        }
        if word(8) == libc::SOL_SOCKET && word(12) == libc::SCM_RIGHTS {
            let mut o = HDR;
            while o + 4 <= len && n < out.len() {
                out[n] = word(o);
                n += 1;
                o += 4;
            }
        }
        at += (len + 7) & !7;
    }
    n
}

/// poll/ppoll: the pollfd array (after a successful call directly, else
/// copied without trusting it).
///
/// # Safety
/// On success the kernel read and wrote the `nfds` entries at `fds`.
pub(crate) unsafe fn pollfds<T>(cap: &mut Cap, fds: *const libc::pollfd, nfds: u64, r: &Result<T>) {
    let shown = (nfds as usize).min(AUX_POLLFDS);
    let mut raw = [0u8; AUX_POLLFDS * 8];
    let got = match r {
        // SAFETY: the caller's contract.
        Ok(_) => {
            let b = unsafe { accepted(fds.cast(), shown * 8) };
            raw[..b.len()].copy_from_slice(b);
            b.len()
        }
        Err(_) if !cap.report => 0,
        Err(Errno(libc::EFAULT)) => 0,
        Err(_) => copy_untrusted(fds.cast(), &mut raw[..shown * 8]),
    };
    cap.aux(|w| {
        w.u32((got / 8) as u32);
        w.bytes(&raw[..got]);
    });
}

/// Appends a timeout to the aux (ppoll).
pub(crate) fn aux_time(cap: &mut Cap, t: Option<(i64, i64)>) {
    cap.aux(|w| match t {
        Some((s, n)) => {
            w.u8(1);
            w.i64(s);
            w.i64(n);
        }
        None => w.u8(0),
    });
}

/// epoll_wait/epoll_pwait: the `n` returned events.
///
/// # Safety
/// The kernel wrote `n` events at `evs`.
pub(crate) unsafe fn epoll_events(cap: &mut Cap, evs: *const c_void, n: usize) {
    let shown = n.min(AUX_EPOLL);
    // SAFETY: the caller's contract (12-byte packed events).
    let b = unsafe { accepted(evs, shown * 12) };
    cap.aux(|w| {
        w.u32(shown as u32);
        w.bytes(b);
    });
}

/// epoll_ctl: the event passed (if the kernel read it).
pub(crate) fn epoll_ctl_event<T>(cap: &mut Cap, ev: *const c_void, r: &Result<T>) {
    let mut b = [0u8; 12];
    let got = match r {
        // SAFETY: a successful ADD/MOD read the 12-byte event; for DEL the
        // kernel ignores it, so it is copied without trusting it.
        Ok(_) if cap.args[1] != libc::EPOLL_CTL_DEL as u64 => {
            let s = unsafe { accepted(ev, 12) };
            b[..s.len()].copy_from_slice(s);
            s.len()
        }
        _ if cap.report => copy_untrusted(ev, &mut b),
        _ => 0,
    };
    if got == 12 {
        cap.aux(|w| w.bytes(&b));
    }
}

/// select/pselect before the call: which sets were passed and their bits.
pub(crate) fn fd_sets_before(cap: &mut Cap, nfds: c_int, sets: [*const c_void; 3]) -> usize {
    let nbytes = ((nfds.clamp(0, 1024) as usize).div_ceil(64)) * 8;
    let mut which = 0u8;
    for (i, s) in sets.iter().enumerate() {
        if !s.is_null() {
            which |= 1 << i;
        }
    }
    cap.aux(|w| {
        w.u8(which);
        w.u16(nbytes as u16);
        for s in sets.iter().filter(|s| !s.is_null()) {
            let mut b = [0u8; 128];
            copy_untrusted(*s, &mut b[..nbytes]);
            w.bytes(&b[..nbytes]);
        }
    });
    nbytes
}

/// select/pselect after the call: the sets the kernel wrote (zeros on
/// failure), the timeout as passed and the time left (select).
///
/// # Safety
/// On success the kernel wrote `nbytes` bytes of each non-NULL set.
pub(crate) unsafe fn fd_sets_after<T>(
    cap: &mut Cap,
    nbytes: usize,
    sets: [*const c_void; 3],
    timeout: Option<(i64, i64)>,
    left: Option<(i64, i64)>,
    r: &Result<T>,
) {
    cap.aux(|w| {
        for s in sets.iter().filter(|s| !s.is_null()) {
            let b = match r {
                // SAFETY: the caller's contract.
                Ok(_) => unsafe { accepted(*s, nbytes) },
                Err(_) => &[0u8; 128][..nbytes],
            };
            w.bytes(b);
        }
        for t in [timeout, left] {
            match t {
                Some((sec, sub)) => {
                    w.u8(1);
                    w.i64(sec);
                    w.i64(sub);
                }
                None => w.u8(0),
            }
        }
    });
}

/// A timespec/timeval argument, copied without trusting it.
pub(crate) fn time_arg(ptr: *const c_void) -> Option<(i64, i64)> {
    let mut b = [0u8; 16];
    if copy_untrusted(ptr, &mut b) != 16 {
        return None;
    }
    let (s, n) = b.split_at(8);
    Some((
        i64::from_ne_bytes(s.try_into().ok()?),
        i64::from_ne_bytes(n.try_into().ok()?),
    ))
}

// ---- descriptor-table upkeep that does not depend on reporting ----

/// A call that made socket `fd`.
pub(crate) fn made_socket<T>(r: &Result<T>, fd: impl FnOnce() -> c_int, domain: c_int, ty: c_int) {
    if r.is_ok() {
        fdtable::set_socket(fd(), domain, ty);
    }
}

// ---- configuration: the library constructor ----

extern "C" {
    fn pthread_atfork(
        prepare: Option<extern "C" fn()>,
        parent: Option<extern "C" fn()>,
        child: Option<extern "C" fn()>,
    ) -> c_int;
}

extern "C" fn atfork_parent() {
    runtime::after_fork_parent();
}

extern "C" fn atfork_child() {
    runtime::after_fork_child();
}

/// Reads the `SOCKSHIM_*` variables once, when the library is loaded.
extern "C" fn init() {
    let saved = errno();
    let cfg = Config::from_env(
        |i| sys::env::var(crate::trace::config::VARIABLES[i]),
        |name, value, expected| {
            let value = value.get(..200).unwrap_or(value);
            runtime::warn(&[
                name.as_bytes(),
                b"=",
                value,
                b": invalid (expected ",
                expected.as_bytes(),
                b"); this setting is ignored",
            ]);
        },
    );
    if cfg.active() {
        runtime::init(&cfg);
        if runtime::enabled() {
            // SAFETY: registers plain functions that touch only atomics and
            // make raw syscalls (async-signal-safe, as fork's child side needs).
            unsafe { pthread_atfork(None, Some(atfork_parent), Some(atfork_child)) };
        }
    }
    set_errno(Errno(saved));
}

#[used]
#[link_section = ".init_array"]
static INIT: extern "C" fn() = init;

/// Descriptions for the tests of this module's helpers.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scm_rights_parsing() {
        let mut c = [0u8; 48];
        c[..8].copy_from_slice(&24u64.to_ne_bytes());
        c[8..12].copy_from_slice(&1i32.to_ne_bytes());
        c[12..16].copy_from_slice(&1i32.to_ne_bytes());
        c[16..20].copy_from_slice(&7i32.to_ne_bytes());
        c[20..24].copy_from_slice(&9i32.to_ne_bytes());
        let mut out = [0i32; 16];
        assert_eq!(scm_rights(&c[..24], &mut out), 2);
        assert_eq!(&out[..2], &[7, 9]);
        assert_eq!(scm_rights(&c[..10], &mut out), 0);
    }
}
