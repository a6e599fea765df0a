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

use core::ffi::c_int;
use core::mem::MaybeUninit;

use crate::header::errno::{errno, set_errno};
use crate::sys::{self, Errno, Result};
use crate::trace::decode::Descs;
use crate::trace::event::{AuxBuf, AuxWriter, Event, ADDR_MAX, AUX_MAX};
use crate::trace::func::Flow;
use crate::trace::inject::{self, Action, Fault};
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
    /// An injected `retval=` as the call's value (cut to the C type, as
    /// strace's injection into a register is).
    fn injected(v: i64) -> Self;
}
impl RetVal for i32 {
    fn as_ret(&self) -> i64 {
        i64::from(*self)
    }
    fn injected(v: i64) -> Self {
        v as i32
    }
}
impl RetVal for usize {
    fn as_ret(&self) -> i64 {
        *self as i64
    }
    fn injected(v: i64) -> Self {
        v as usize
    }
}
impl RetVal for () {
    fn as_ret(&self) -> i64 {
        0
    }
    fn injected(_: i64) -> Self {}
}

/// Runs `syscall` as function `func` with arguments `args` (integers and
/// pointer values, in C order), traced when tracing is on: `pre` runs
/// before the call, `post` after it.
///
/// `call!(func, args, pre, syscall, post[, short])`. A macro rather than a
/// function so that the disabled path is only the load and the syscall:
/// nothing of the tracing arguments (the array, the closures) is built
/// before the test. `short(n)` (the data calls) does the call on at most
/// `n` bytes for an injected `short=n`; it returns `None` when the call
/// asks for no more than that (then the plain call is made, not marked).
/// With only injection on (no tracing), a function no rule names takes the
/// plain path after one more load (`inject::wants`).
macro_rules! call {
    ($func:expr, $args:expr, $pre:expr, $sys:expr, $post:expr $(,)?) => {
        $crate::header::trace::call!($func, $args, $pre, $sys, $post, |_: usize| None)
    };
    ($func:expr, $args:expr, $pre:expr, $sys:expr, $post:expr, $short:expr $(,)?) => {{
        // `$sys` is a closure literal, written out in every branch so that
        // the untraced branches call it inline with nothing captured in memory.
        if !$crate::trace::runtime::enabled() {
            ($sys)()
        } else if !$crate::trace::runtime::tracing() && !$crate::trace::inject::wants($func) {
            // Only injection is on, and no rule names this function.
            ($sys)()
        } else {
            $crate::header::trace::traced($func, $args, $pre, $sys, $post, $short)
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
    short: impl FnOnce(usize) -> Option<Result<T>>,
) -> Result<T> {
    let saved = errno();
    // A call made by a signal handler that interrupted the tracer keeps
    // the descriptor table right but is not reported (it may be injected).
    let outer = sys::proc::enter_tracer();
    let mut cap = Cap::new(args);
    let tracing = runtime::tracing();
    if func.only_on_sockets() {
        let fd = args[0] as c_int;
        // Untraced, the table is not kept: ask the kernel (this path is
        // taken then only for a function a rule names).
        cap.report = if tracing {
            fdtable::is_socket(fd)
        } else {
            sys::fd::fstat(fd).is_ok_and(|s| s.is_socket())
        };
    }
    let fault = if cap.report && inject::wants(func) {
        let mut sel = CallSelectors::new(func, &args);
        inject::decide(func, |s| sel.meets(s))
    } else {
        None
    };
    let report = tracing && outer && cap.report && runtime::wanted(func);
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
    let (r, injected, delayed) = match fault {
        None => (syscall(), false, false),
        Some(f) => perform(func, f, args[0] as c_int, syscall, short),
    };
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
            injected,
            delayed,
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

/// Answers rules' selectors for one call of `func`: `fd=` by the socket's
/// class (`SO_DOMAIN`/`SO_TYPE`), `to=` by the peer: the address argument
/// of `connect` and `sendto`, else the descriptor's peer (`getpeername`).
/// Calls with no socket or no peer never match. The kernel is asked only
/// for a call such a rule names, at most once each per call.
struct CallSelectors<'a> {
    func: Func,
    args: &'a [u64; 6],
    class: Option<u8>,
    peer: Option<Option<([u8; ADDR_MAX], usize)>>,
}

impl<'a> CallSelectors<'a> {
    fn new(func: Func, args: &'a [u64; 6]) -> Self {
        CallSelectors {
            func,
            args,
            class: None,
            peer: None,
        }
    }

    fn meets(&mut self, sel: &inject::Selectors) -> bool {
        let (func, args) = (self.func, self.args);
        let fd = args[0] as c_int;
        if sel.fd != 0 {
            let class = *self.class.get_or_insert_with(|| {
                let kind = |opt| sys::fd::sockopt_int(fd, libc::SOL_SOCKET, opt);
                match (func.fd_first(), kind(libc::SO_DOMAIN), kind(libc::SO_TYPE)) {
                    (true, Ok(d), Ok(t)) => inject::fd_classes(d, t),
                    _ => 0,
                }
            });
            if class & sel.fd == 0 {
                return false;
            }
        }
        let Some(to) = sel.to else {
            return true;
        };
        let peer = self.peer.get_or_insert_with(|| {
            let mut buf = [0u8; ADDR_MAX];
            let (ptr, len) = match func {
                Func::Connect => (args[1], args[2]),
                Func::Sendto if args[4] != 0 => (args[4], args[5]),
                _ => (0, 0),
            };
            let n = if ptr != 0 {
                let len = (len as usize).min(ADDR_MAX);
                // The caller's address, copied by the kernel (a bad pointer: no match).
                sys::proc::copy_from_self(runtime::pid() as i32, ptr as usize, &mut buf[..len]).ok()
            } else if func.fd_first() {
                sys::fd::sockname(fd, true, &mut buf).ok()
            } else {
                None
            };
            n.map(|n| (buf, n))
        });
        peer.as_ref()
            .is_some_and(|(b, n)| to.matches(b.get(..*n).unwrap_or(&[])))
    }
}

/// Does an injected call: the delays around it, and instead of it the
/// injected error, return value or reset (of socket `fd`, the first
/// argument), or it on at most `short=` bytes; after a data call, the
/// `rate=` pause for the bytes it moved. With the result: whether it is
/// not what the call itself gave (strace's `INJECTED`), and whether a delay
/// or pause held the call back (`DELAYED`).
fn perform<T: RetVal>(
    func: Func,
    f: Fault,
    fd: c_int,
    syscall: impl FnOnce() -> Result<T>,
    short: impl FnOnce(usize) -> Option<Result<T>>,
) -> (Result<T>, bool, bool) {
    sys::clock::sleep_ns_fully(f.delay_enter_ns);
    let out = match f.action {
        Action::Errno(e) => (Err(Errno(e)), true),
        Action::Retval(v) => (Ok(T::injected(v)), true),
        Action::Reset => {
            // connect(AF_UNSPEC): Linux's tcp_disconnect sends the peer an
            // RST and leaves the descriptor open, unconnected.
            let unspec = [0u8; 16];
            // SAFETY: a 16-byte AF_UNSPEC address on our stack.
            let _ = unsafe { sys::socket::connect(fd, unspec.as_ptr(), 16) };
            (Err(Errno(libc::ECONNRESET)), true)
        }
        _ if f.short > 0 => match short(f.short as usize) {
            Some(r) => (r, true),
            None => (syscall(), false),
        },
        _ => (syscall(), false),
    };
    let moved = match &out.0 {
        // (sendmmsg/recvmmsg count messages, not bytes: not paced)
        Ok(n) if func.spec().flow != Flow::None && !matches!(func, Func::Sendmmsg | Func::Recvmmsg) => {
            n.as_ret().max(0) as u64
        }
        _ => 0,
    };
    let after = f.pace_ns(moved).saturating_add(f.delay_exit_ns);
    sys::clock::sleep_ns_fully(after);
    (out.0, out.1, f.delay_enter_ns > 0 || after > 0)
}

/// The seam for name resolution (`getaddrinfo getnameinfo gethostbyname
/// gethostbyname2 gethostbyaddr`): runs `body` (the whole C function, which
/// sets errno/h_errno itself) and, when tracing is on, reports one event.
/// `post` fills the event's aux with `trace::netdb::ResolveAux` (layout
/// in `src/trace/netdb.rs`), may set `cap.addr` (getnameinfo's,
/// gethostbyaddr's address), and returns the event's `ret` (the EAI code,
/// or 0/the `h_errno` value of a hostent call). errno and h_errno are what
/// `body` left: the trace path touches neither.
///
/// The resolver's own system calls (its DNS sockets, file reads) go through
/// `crate::sys` directly and are never traced: the event is the call.
///
/// `resolution!(func, args, body, post[, fail])`: a macro like `call!`, so
/// that the disabled path is the load and the inlined body, nothing else
/// built. `fail(code)` is the call failing with an injected `error=` code
/// (EAI_*, h_errno) as the function reports it (`None`: it cannot).
macro_rules! resolution {
    ($func:expr, $args:expr, $body:expr, $post:expr $(,)?) => {
        $crate::header::trace::resolution!($func, $args, $body, $post, $crate::header::trace::no_fail)
    };
    ($func:expr, $args:expr, $body:expr, $post:expr, $fail:expr $(,)?) => {{
        if !$crate::trace::runtime::enabled() {
            ($body)()
        } else if !$crate::trace::runtime::tracing() && !$crate::trace::inject::wants($func) {
            ($body)()
        } else {
            $crate::header::trace::resolution_traced($func, $args, $body, $post, $fail)
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
    fail: impl FnOnce(i32) -> Option<T>,
) -> T {
    // (no descriptor: a rule with to= or fd= never applies)
    let fault = if inject::wants(func) {
        inject::decide(func, |_| false)
    } else {
        None
    };
    // A call from a signal handler that interrupted the tracer is not reported.
    let report = runtime::tracing() && runtime::wanted(func) && sys::proc::enter_tracer();
    if report {
        sys::proc::leave_tracer();
    }
    let start = if report { sys::clock::realtime_ns() } else { 0 };
    let (out, injected, delayed) = match fault {
        None => (body(), false, false),
        Some(f) => {
            sys::clock::sleep_ns_fully(f.delay_enter_ns);
            let code = match f.action {
                Action::Eai(c) | Action::Herrno(c) => Some(c),
                _ => None,
            };
            let (out, injected) = match code.and_then(fail) {
                Some(failed) => (failed, true),
                None => (body(), false),
            };
            sys::clock::sleep_ns_fully(f.delay_exit_ns);
            (out, injected, f.delay_enter_ns > 0 || f.delay_exit_ns > 0)
        }
    };
    if !report {
        return out;
    }
    let end = sys::clock::realtime_ns();
    let after = errno();
    if sys::proc::enter_tracer() {
        let mut cap = Cap::new(args);
        let ret = post(&mut cap, &out);
        let system = matches!(func, Func::Getaddrinfo | Func::Getnameinfo) && ret == i64::from(libc::EAI_SYSTEM);
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
            injected,
            delayed,
        };
        runtime::emit(&ev, &Descs::default());
        sys::proc::leave_tracer();
    }
    set_errno(Errno(after));
    out
}

/// `resolution!`'s `fail` for functions an injected code cannot fail.
pub(crate) fn no_fail<T>(_: i32) -> Option<T> {
    None
}

/// A pointer argument as an event argument.
pub(crate) fn ptr_arg<T>(ptr: *const T) -> u64 {
    ptr as usize as u64
}
