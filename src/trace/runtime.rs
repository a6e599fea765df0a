//! The live tracer: global state (set once by the library's constructor)
//! and the emission of one traced call to its destinations (`live`, the
//! text/JSON lines; `recfile`, the recording). Lock-free and
//! async-signal-safe: only atomics, stack buffers and raw syscalls.
//!
//! When a destination fails, it stops and `ON` loses its bit: the rest of
//! the process's calls take the cheaper path (see `dest`).
//!
//! The live output's descriptor lives at a high close-on-exec number
//! (`dest::place_high`), out of the program's way; the skin hides it from
//! `close`, moves it before `dup2`/`dup3` onto it, and carves it out of
//! `close_range`/`closefrom`. The recording keeps no descriptor.

use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, Ordering::*};

use super::config::{Config, Format, Pids, PATH_MAX};
use super::decode::Descs;
use super::dest;
use super::event::{Event, FdDesc, ADDR_MAX};
use super::func::{Func, FuncSet};
use super::json::format_json;
use super::out::Out;
use super::text::{format_line, TextOptions, TimeFormat};
use super::{fdtable, live, recfile, record};
use crate::sys;

const TEXT: u32 = 1;
const JSON: u32 = 2;
const RECORD: u32 = 4;
/// Fault injection (`trace::inject`): calls a rule names take the slow path.
const INJECT: u32 = 8;

/// What is on; 0 when tracing is off (the one load of the disabled path).
static ON: AtomicU32 = AtomicU32::new(0);

static STRSIZE: AtomicU32 = AtomicU32::new(32);
static TIME: AtomicU8 = AtomicU8::new(0);
static UTC_OFFSET: AtomicI32 = AtomicI32::new(0);
static DURATION: AtomicBool = AtomicBool::new(false);
static FDS: AtomicBool = AtomicBool::new(false);
static PIDS: AtomicU8 = AtomicU8::new(0);
static FILTER: AtomicU64 = AtomicU64::new(0);
static RECORD_PAYLOAD: AtomicU32 = AtomicU32::new(0);
/// The current process id (refreshed in a child after fork).
static PID: AtomicI32 = AtomicI32::new(0);
/// The process has forked, or is a forked child: lines get `[pid N]`.
static FAMILY: AtomicBool = AtomicBool::new(false);

/// Longest text or JSON line (one `write`; at most `PIPE_BUF` so that a
/// line to a pipe is atomic too).
pub(crate) const LINE_MAX: usize = 4096;

/// True when anything is traced. The disabled path of every exported
/// function is this one relaxed load.
#[inline(always)]
pub fn enabled() -> bool {
    ON.load(Relaxed) != 0
}

/// True when anything is traced (not only injected): the descriptor
/// table is kept, and outputs are open.
#[inline(always)]
pub fn tracing() -> bool {
    ON.load(Relaxed) & (TEXT | JSON | RECORD) != 0
}

/// Turns fault injection on (the constructor, after `init`, once the
/// rules are installed).
pub fn start_injecting() {
    ON.fetch_or(INJECT, Release);
}

/// True when `f` is to be reported (the filter).
pub fn wanted(f: Func) -> bool {
    FuncSet(FILTER.load(Relaxed)).contains(f)
}

/// strace's `-yy`: live lines describe descriptors.
pub fn describing() -> bool {
    FDS.load(Relaxed) && ON.load(Relaxed) & (TEXT | JSON) != 0
}

pub fn recording() -> bool {
    ON.load(Relaxed) & RECORD != 0
}

/// Payload bytes the live path should capture for an event.
pub fn payload_cap() -> usize {
    let on = ON.load(Relaxed);
    let mut n = 0;
    if on & (TEXT | JSON) != 0 {
        n = STRSIZE.load(Relaxed) as usize;
    }
    if on & RECORD != 0 {
        n = n.max(RECORD_PAYLOAD.load(Relaxed) as usize);
    }
    n
}

pub fn pid() -> u32 {
    PID.load(Relaxed) as u32
}

/// The calling thread's id for an event: cached after its first call; in
/// a sandbox, where `gettid` may be refused, the pid until it is known.
pub fn tid() -> u32 {
    if dest::sandboxed() {
        return sys::proc::known_tid().unwrap_or(PID.load(Relaxed)) as u32;
    }
    sys::proc::cached_tid() as u32
}

/// Writes one line on the original stderr (configuration errors).
pub fn warn(parts: &[&[u8]]) {
    dest::warn_now(|o| {
        for p in parts {
            o.bytes(p);
        }
    });
}

/// Starts tracing as `cfg` says (the constructor, once, single-threaded).
pub fn init(cfg: &Config) {
    if !cfg.active() {
        return;
    }
    let pid = sys::proc::getpid();
    PID.store(pid, Relaxed);
    dest::init_process();
    STRSIZE.store(cfg.strsize as u32, Relaxed);
    TIME.store(
        match cfg.time {
            TimeFormat::None => 0,
            TimeFormat::Seconds => 1,
            TimeFormat::Micros => 2,
            TimeFormat::Epoch => 3,
        },
        Relaxed,
    );
    UTC_OFFSET.store(cfg.utc_offset, Relaxed);
    DURATION.store(cfg.duration, Relaxed);
    FDS.store(cfg.fds, Relaxed);
    PIDS.store(
        match cfg.pids {
            Pids::Auto => 0,
            Pids::Always => 1,
            Pids::Never => 2,
        },
        Relaxed,
    );
    FILTER.store(cfg.filter.0, Relaxed);
    RECORD_PAYLOAD.store(cfg.record_payload as u32, Relaxed);
    // Paths as the user meant them: relative to the directory at start,
    // also when a child reopens its own %p file or the recording grows
    // after the program changed directory.
    let mut cwd = [0u8; PATH_MAX];
    let dir = sys::fs::getcwd(&mut cwd).map_or(&[][..], |n| cwd.get(..n).unwrap_or(&[]));
    let mut on = 0;
    let file = cfg.file.as_ref().map(|t| t.under(dir));
    if cfg.format != Format::Off && live::init(file.as_ref(), pid as u32) {
        on |= if cfg.format == Format::Json { JSON } else { TEXT };
    }
    if let Some(t) = &cfg.record {
        if recfile::init(&t.under(dir), pid as u32) {
            on |= RECORD;
        }
    }
    ON.store(on, Release);
}

/// The child side of fork (a pthread_atfork handler; the child has one
/// thread): new pid, new thread id, and for per-process (`%p`) files,
/// drop the parent's and open our own at the first traced call.
pub fn after_fork_child() {
    if !tracing() {
        return;
    }
    if !dest::sandboxed() {
        PID.store(sys::proc::getpid(), Relaxed);
    }
    sys::proc::forget_tid();
    FAMILY.store(true, Relaxed);
    if recording() {
        // The child's calls are recorded under its own pid: its inherited
        // sockets are described again (decode -yy, --pcap).
        fdtable::forget_recorded();
    }
    live::after_fork_child();
    recfile::after_fork_child();
}

/// The parent side of fork: its lines get `[pid N]` from now on.
pub fn after_fork_parent() {
    FAMILY.store(true, Relaxed);
}

/// True for a descriptor the tracer owns (hidden from the program).
pub fn is_tracer_fd(fd: i32) -> bool {
    live::is(fd)
}

/// Before the program puts a descriptor at number `fd` (dup2, dup3):
/// moves the tracer's own descriptor off it (or, with no room left,
/// stops the live output so the program gets the number).
pub fn make_room(fd: i32) {
    if !live::make_room(fd) {
        ON.fetch_and(!(TEXT | JSON), SeqCst);
    }
}

/// `first..=last` without the tracer's descriptor: up to two ranges,
/// `None` past the end.
pub fn carve(first: u32, last: u32) -> [Option<(u32, u32)>; 2] {
    let h = live::fd();
    if h < 0 || (h as u32) < first || (h as u32) > last {
        return [Some((first, last)), None];
    }
    let h = h as u32;
    let below = (h > first).then(|| (first, h - 1));
    let above = (h < last).then(|| (h + 1, last));
    match below {
        Some(b) => [Some(b), above],
        None => [above, None],
    }
}

fn text_options() -> TextOptions {
    let pid_prefix = match PIDS.load(Relaxed) {
        1 => true,
        2 => false,
        _ => FAMILY.load(Relaxed) || !sys::proc::single_threaded(),
    };
    TextOptions {
        strsize: STRSIZE.load(Relaxed) as usize,
        time: match TIME.load(Relaxed) {
            1 => TimeFormat::Seconds,
            2 => TimeFormat::Micros,
            3 => TimeFormat::Epoch,
            _ => TimeFormat::None,
        },
        utc_offset: UTC_OFFSET.load(Relaxed),
        duration: DURATION.load(Relaxed),
        pid_prefix,
    }
}

/// Reports one call: a line (text or JSON) and/or a record. An output
/// that fails is stopped (said once); the others go on.
pub fn emit(ev: &Event, descs: &Descs) {
    let on = ON.load(Acquire);
    if on & (TEXT | JSON) != 0 {
        let mut buf = [0u8; LINE_MAX];
        let mut o = Out::new(&mut buf);
        if on & JSON != 0 {
            format_json(ev, STRSIZE.load(Relaxed) as usize, descs, &mut o);
        } else {
            format_line(ev, &text_options(), descs, &mut o);
        }
        let pid = pid();
        // A vfork child runs in our memory with its own pid.
        let real = if dest::sandboxed() {
            pid
        } else {
            sys::proc::getpid() as u32
        };
        if let Err(e) = live::write_line(o.as_bytes(), pid, real) {
            if live::stop(e) {
                ON.fetch_and(!(TEXT | JSON), SeqCst);
            }
        }
    }
    if on & RECORD != 0 {
        let cap = RECORD_PAYLOAD.load(Relaxed) as usize;
        let data = ev.data.get(..cap).unwrap_or(ev.data);
        let (fixed, total) = record::encode_call(ev, data.len());
        let addr = ev.addr.get(..ADDR_MAX).unwrap_or(ev.addr);
        let aux = ev.aux.get(..u16::MAX as usize).unwrap_or(ev.aux);
        append(&[&fixed, addr, aux, data], total);
    }
}

/// Appends a record; a recording that cannot go on is stopped.
fn append(parts: &[&[u8]], total: usize) {
    if let Err(e) = recfile::append(parts, total, pid()) {
        if recfile::stop(e) {
            ON.fetch_and(!RECORD, SeqCst);
        }
    }
}

/// Writes socket `fd`'s endpoints to the recording.
pub fn record_fd(fd: i32, d: &FdDesc, time_ns: u64) {
    if ON.load(Acquire) & RECORD == 0 {
        return;
    }
    let mut buf = [0u8; record::FD_MAX];
    let n = record::encode_fd(pid(), fd, time_ns, d, &mut buf);
    let body = buf.get(..n).unwrap_or(&[]);
    append(&[body], n);
}

/// A socket's description for `-yy` and the recording, by strace's
/// rules: the description cached for its inode (the first one the kernel's
/// tables gave), else what they give now, else just the inode.
pub fn describe(fd: i32) -> Option<FdDesc> {
    let super::fdtable::Kind::Socket { domain, ty } = super::fdtable::kind(fd) else {
        return None;
    };
    if dest::sandboxed() {
        // No question to the kernel in a sandbox: what is known, or nothing.
        return None;
    }
    let ino = sys::fd::fstat(fd).map(|s| s.ino).unwrap_or(0);
    if let Some(d) = super::desccache::get(ino) {
        return Some(d);
    }
    let protocol = sys::fd::sockopt_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL).unwrap_or(0);
    let mut d = FdDesc::new(domain, ty, protocol, ino);
    let listed = match domain {
        libc::AF_INET | libc::AF_INET6 => inet_listed(fd, &mut d),
        libc::AF_UNIX => unix_listed(fd, &mut d),
        _ => false,
    };
    if listed {
        super::desccache::put(&d);
    }
    Some(d)
}

/// The two ends of a new `socketpair`, described together: each Unix end
/// is the other's peer, which needs no question to the kernel.
pub fn describe_pair(a: i32, b: i32) -> [Option<FdDesc>; 2] {
    let unix = |fd| match super::fdtable::kind(fd) {
        super::fdtable::Kind::Socket {
            domain: libc::AF_UNIX,
            ty,
        } => sys::fd::fstat(fd)
            .ok()
            .map(|s| (ty, s.ino))
            .filter(|&(_, ino)| ino != 0),
        _ => None,
    };
    if dest::sandboxed() {
        return [None, None];
    }
    let (Some((ta, ia)), Some((tb, ib))) = (unix(a), unix(b)) else {
        return [describe(a), describe(b)];
    };
    let end = |ty, ino, peer| {
        super::desccache::get(ino).unwrap_or_else(|| {
            let mut d = FdDesc::new(libc::AF_UNIX, ty, 0, ino);
            d.peer_inode = peer;
            super::desccache::put(&d);
            d
        })
    };
    [Some(end(ta, ia, ib)), Some(end(tb, ib, ia))]
}

/// A TCP or UDP socket's endpoints, when the kernel's socket tables list
/// it (as strace's inet_diag query would find it): it has a local port and,
/// for TCP, is not closed, unless the program bound it (a socket whose
/// connect failed has a stale port but is in no table).
fn inet_listed(fd: i32, d: &mut FdDesc) -> bool {
    if !matches!(d.ty, libc::SOCK_STREAM | libc::SOCK_DGRAM) {
        return false;
    }
    let mut a = [0u8; ADDR_MAX];
    let Ok(n) = sys::fd::sockname(fd, false, &mut a) else {
        return false;
    };
    let local = a.get(..n).unwrap_or(&[]);
    if local.get(2..4).is_none_or(|p| p == [0, 0]) {
        return false;
    }
    if d.ty == libc::SOCK_STREAM && !super::fdtable::bound(fd) {
        const TCP_CLOSE: i32 = 7;
        let state = sys::fd::sockopt_int(fd, libc::SOL_TCP, libc::TCP_INFO).map(|v| v & 0xff);
        if state == Ok(TCP_CLOSE) {
            return false;
        }
    }
    d.set_local(local);
    if let Ok(n) = sys::fd::sockname(fd, true, &mut a) {
        d.set_peer(a.get(..n).unwrap_or(&[]));
    }
    true
}

/// A Unix socket's name and peer inode from the kernel's unix_diag (as
/// strace asks for them); listed when it has either. Without the
/// diagnostics (no netlink), the name from `getsockname`.
fn unix_listed(fd: i32, d: &mut FdDesc) -> bool {
    let mut reply = [0u8; 512];
    let diag = sys::fd::sock_diag(&super::diag::unix_request(d.inode), &mut reply)
        .ok()
        .and_then(|n| super::diag::parse_unix_reply(reply.get(..n).unwrap_or(&[]), d.inode));
    match diag {
        Some(u) => {
            d.peer_inode = u64::from(u.peer);
            d.set_local(u.name());
        }
        None => {
            let mut a = [0u8; ADDR_MAX];
            if let Ok(n) = sys::fd::sockname(fd, false, &mut a) {
                if n > 2 {
                    d.set_local(a.get(..n).unwrap_or(&[]));
                }
            }
        }
    }
    d.peer_inode != 0 || d.local_len > 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carving_ranges_around_the_tracer_descriptor() {
        live::set_fd_for_test(1000);
        assert_eq!(carve(3, u32::MAX), [Some((3, 999)), Some((1001, u32::MAX))]);
        assert_eq!(carve(1000, 1000), [None, None]);
        assert_eq!(carve(3, 10), [Some((3, 10)), None]);
        assert_eq!(carve(1000, 1002), [Some((1001, 1002)), None]);
        assert_eq!(carve(999, 1000), [Some((999, 999)), None]);
        live::set_fd_for_test(-1);
        assert_eq!(carve(1000, 1000), [Some((1000, 1000)), None]);
    }
}
