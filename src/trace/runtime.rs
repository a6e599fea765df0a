//! The live tracer: global state (set once by the library's constructor),
//! the destinations (a text/JSON descriptor, the recording's mapping), and
//! the emission of one traced call. Lock-free and async-signal-safe: only
//! atomics, stack buffers and raw syscalls.
//!
//! The tracer's descriptors live at high close-on-exec numbers
//! (`F_DUPFD_CLOEXEC` from `FD_BASE`), out of the program's way; the skin
//! hides them from `close`, moves them before `dup2`/`dup3` onto them, and
//! carves them out of `close_range`/`closefrom`.

use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering::*};

use super::config::{Config, Format, PathTemplate, Pids, PATH_MAX};
use super::decode::Descs;
use super::event::{Event, FdDesc, ADDR_MAX};
use super::func::{Func, FuncSet};
use super::json::format_json;
use super::out::Out;
use super::record;
use super::text::{format_line, TextOptions, TimeFormat};
use crate::sys;
use crate::sys::mem::Mapping;

const TEXT: u32 = 1;
const JSON: u32 = 2;
const RECORD: u32 = 4;

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
/// Lowest number for the tracer's own descriptors.
static FD_BASE: AtomicI32 = AtomicI32::new(1000);

/// Longest text or JSON line (one `write`; at most `PIPE_BUF` so that a
/// line to a pipe is atomic too).
pub(crate) const LINE_MAX: usize = 4096;
/// Most chunks of a recording (`record::CHUNK` each: 8 GiB).
const MAX_CHUNKS: usize = 1024;

/// Descriptor states besides a real descriptor.
const NONE: i32 = -1;
const REOPEN: i32 = -2;
const OPENING: i32 = -3;

/// A path template kept in atomics (set once, before any thread reads it).
struct PathCell {
    bytes: [AtomicU8; PATH_MAX],
    len: AtomicUsize,
}

impl PathCell {
    const fn new() -> PathCell {
        PathCell {
            bytes: [const { AtomicU8::new(0) }; PATH_MAX],
            len: AtomicUsize::new(0),
        }
    }

    fn set(&self, t: &PathTemplate) {
        for (cell, b) in self.bytes.iter().zip(t.as_bytes()) {
            cell.store(*b, Relaxed);
        }
        self.len.store(t.as_bytes().len(), Release);
    }

    fn get(&self) -> Option<PathTemplate> {
        let n = self.len.load(Acquire).min(PATH_MAX);
        let mut b = [0u8; PATH_MAX];
        for (d, cell) in b.iter_mut().zip(&self.bytes).take(n) {
            *d = cell.load(Relaxed);
        }
        PathTemplate::new(&b[..n])
    }
}

/// One of the tracer's descriptors, with a count of the threads using it
/// right now (so that moving it never pulls it from under a writer).
struct Protected {
    fd: AtomicI32,
    users: AtomicU32,
}

impl Protected {
    const fn new() -> Protected {
        Protected {
            fd: AtomicI32::new(NONE),
            users: AtomicU32::new(0),
        }
    }

    fn acquire(&self) -> i32 {
        self.users.fetch_add(1, SeqCst);
        self.fd.load(SeqCst)
    }

    fn release(&self) {
        self.users.fetch_sub(1, Release);
    }

    fn is(&self, fd: i32) -> bool {
        fd >= 0 && self.fd.load(Relaxed) == fd
    }

    /// Moves the descriptor off number `fd` if it is there (the program is
    /// about to `dup2` onto it).
    fn move_off(&self, fd: i32) {
        if !self.is(fd) {
            return;
        }
        let Ok(new) = sys::fd::dupfd_cloexec(fd, FD_BASE.load(Relaxed)) else {
            return;
        };
        if self.fd.compare_exchange(fd, new, SeqCst, SeqCst).is_err() {
            sys::fd::close_quiet(new);
            return;
        }
        // Writers that loaded the old number finish before it is reused; a
        // bounded wait (a writer blocked on a full pipe must not hang us).
        let mut spins = 0u32;
        while self.users.load(Acquire) != 0 && spins < 1_000_000 {
            core::hint::spin_loop();
            spins += 1;
        }
        sys::fd::close_quiet(fd);
    }
}

static SINK: Protected = Protected::new();
static SINK_PATH: PathCell = PathCell::new();
static REC: Protected = Protected::new();
static REC_PATH: PathCell = PathCell::new();
static CHUNKS: [AtomicUsize; MAX_CHUNKS] = [const { AtomicUsize::new(0) }; MAX_CHUNKS];

/// True when anything is traced. The disabled path of every exported
/// function is this one relaxed load.
#[inline(always)]
pub fn enabled() -> bool {
    ON.load(Relaxed) != 0
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

/// Writes one line on the original stderr (configuration errors).
pub fn warn(parts: &[&[u8]]) {
    let mut b = [0u8; 512];
    let mut o = Out::new(&mut b);
    o.str("sockshim: ");
    for p in parts {
        o.bytes(p);
    }
    o.byte(b'\n');
    let _ = sys::fd::write_all(2, o.as_bytes());
}

/// Starts tracing as `cfg` says (the constructor, once, single-threaded).
pub fn init(cfg: &Config) {
    if !cfg.active() {
        return;
    }
    let pid = sys::proc::getpid();
    PID.store(pid, Relaxed);
    let limit = sys::proc::nofile_limit().unwrap_or(1024).min(1 << 20) as i32;
    FD_BASE.store(1000.min((limit - 64).max(3)), Relaxed);
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
    let mut on = 0;
    if cfg.format != Format::Off {
        let fd = match &cfg.file {
            None => sys::fd::dupfd_cloexec(2, FD_BASE.load(Relaxed)).ok(),
            Some(t) => {
                SINK_PATH.set(t);
                open_trace_file(t, pid as u32)
            }
        };
        match fd {
            Some(fd) => {
                SINK.fd.store(fd, Relaxed);
                on |= if cfg.format == Format::Json { JSON } else { TEXT };
            }
            None => warn(&[b"cannot open the trace destination; live tracing is off"]),
        }
    }
    if let Some(t) = &cfg.record {
        REC_PATH.set(t);
        match open_recording(t, pid as u32) {
            Some(fd) => {
                REC.fd.store(fd, Relaxed);
                on |= RECORD;
            }
            None => warn(&[b"cannot create the recording ", t.as_bytes(), b"; recording is off"]),
        }
    }
    ON.store(on, Release);
}

/// The child side of fork (a pthread_atfork handler; the child has one
/// thread): new pid, new thread id, and for per-process (`%p`) files,
/// drop the parent's and open our own at the first traced call.
pub fn after_fork_child() {
    if ON.load(Relaxed) == 0 {
        return;
    }
    PID.store(sys::proc::getpid(), Relaxed);
    sys::proc::forget_tid();
    FAMILY.store(true, Relaxed);
    if SINK_PATH.get().is_some_and(|t| t.per_process()) {
        let fd = SINK.fd.swap(REOPEN, SeqCst);
        if fd >= 0 {
            sys::fd::close_quiet(fd);
        }
    }
    if REC_PATH.get().is_some_and(|t| t.per_process()) {
        let fd = REC.fd.swap(REOPEN, SeqCst);
        if fd >= 0 {
            sys::fd::close_quiet(fd);
        }
        for c in CHUNKS.iter() {
            let a = c.swap(0, SeqCst);
            if a != 0 {
                Mapping::from_raw(a, record::CHUNK).unmap();
            }
        }
    }
}

/// The parent side of fork: its lines get `[pid N]` from now on.
pub fn after_fork_parent() {
    FAMILY.store(true, Relaxed);
}

/// True for a descriptor the tracer owns (hidden from the program).
pub fn is_tracer_fd(fd: i32) -> bool {
    fd >= 0 && (SINK.is(fd) || REC.is(fd))
}

/// Before the program puts a descriptor at number `fd` (dup2, dup3):
/// moves the tracer's own descriptor off it.
pub fn make_room(fd: i32) {
    SINK.move_off(fd);
    REC.move_off(fd);
}

/// `first..=last` without the tracer's descriptors: up to three ranges,
/// `None` past the end.
pub fn carve(first: u32, last: u32) -> [Option<(u32, u32)>; 3] {
    let mut holes = [SINK.fd.load(Relaxed), REC.fd.load(Relaxed)];
    holes.sort_unstable();
    let mut out = [None; 3];
    let mut n = 0;
    let mut lo = first;
    for h in holes {
        if h < 0 || (h as u32) < lo || (h as u32) > last {
            continue;
        }
        let h = h as u32;
        if h > lo {
            out[n] = Some((lo, h - 1));
            n += 1;
        }
        if h == u32::MAX {
            return out;
        }
        lo = h + 1;
    }
    if lo <= last {
        out[n] = Some((lo, last));
    }
    out
}

fn open_trace_file(t: &PathTemplate, pid: u32) -> Option<i32> {
    let mut path = [0u8; PATH_MAX + 16];
    let n = t.expand(pid, &mut path)?;
    let c = core::ffi::CStr::from_bytes_with_nul(path.get(..n)?).ok()?;
    let fd = sys::fs::open(c, libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND, 0o644).ok()?;
    Some(raise(fd))
}

/// Moves one of our new descriptors to the high range.
fn raise(fd: i32) -> i32 {
    let base = FD_BASE.load(Relaxed);
    if fd >= base {
        return fd;
    }
    match sys::fd::dupfd_cloexec(fd, base) {
        Ok(high) => {
            sys::fd::close_quiet(fd);
            high
        }
        Err(_) => fd,
    }
}

/// The descriptor for a live line, opening a per-process file first if this
/// process has none yet. `None` when there is nowhere to write.
fn sink_fd() -> Option<i32> {
    let fd = SINK.acquire();
    if fd >= 0 {
        return Some(fd);
    }
    SINK.release();
    if fd == REOPEN && SINK.fd.compare_exchange(REOPEN, OPENING, SeqCst, SeqCst).is_ok() {
        let new = SINK_PATH.get().and_then(|t| open_trace_file(&t, pid()));
        SINK.fd.store(new.unwrap_or(NONE), SeqCst);
        if new.is_some() {
            return sink_fd();
        }
    }
    None
}

/// Writes a finished line. In a child that shares our memory (vfork) the
/// shared state is left alone: a per-process file is opened for this one
/// line and closed again.
fn write_line(line: &[u8]) {
    let real = sys::proc::getpid();
    if real != PID.load(Relaxed) && SINK_PATH.get().is_some_and(|t| t.per_process()) {
        if let Some(fd) = SINK_PATH.get().and_then(|t| open_trace_file(&t, real as u32)) {
            let _ = sys::fd::write_all(fd, line);
            sys::fd::close_quiet(fd);
        }
        return;
    }
    if let Some(fd) = sink_fd() {
        let _ = sys::fd::write_all(fd, line);
        SINK.release();
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

/// Reports one call: a line (text or JSON) and/or a record.
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
        write_line(o.as_bytes());
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

/// Creates (or joins) the recording for `pid`: maps its first chunk and
/// writes the header if the file is new.
fn open_recording(t: &PathTemplate, pid: u32) -> Option<i32> {
    let mut path = [0u8; PATH_MAX + 16];
    let n = t.expand(pid, &mut path)?;
    let c = core::ffi::CStr::from_bytes_with_nul(path.get(..n)?).ok()?;
    let fd = raise(sys::fs::open(c, libc::O_RDWR | libc::O_CREAT, 0o644).ok()?);
    REC.fd.store(fd, SeqCst);
    let Some(m) = chunk(0) else {
        REC.fd.store(NONE, SeqCst);
        sys::fd::close_quiet(fd);
        return None;
    };
    let next = m.u64_at(record::OFF_NEXT).ok()?;
    if next
        .compare_exchange(0, record::HEADER_SIZE as u64, SeqCst, SeqCst)
        .is_ok()
    {
        let h = record::encode_header(pid, sys::clock::realtime_ns());
        let _ = m.write(0, h.get(..record::OFF_NEXT)?);
        let _ = m.write(record::OFF_NEXT + 8, h.get(record::OFF_NEXT + 8..)?);
    }
    Some(fd)
}

/// Grows the file to hold chunk `i`.
fn grow(fd: i32, i: usize) -> bool {
    let off = (i * record::CHUNK) as u64;
    match sys::mem::fallocate(fd, off, record::CHUNK as u64) {
        Ok(()) => true,
        Err(_) => {
            // No fallocate (some filesystems): grow with ftruncate, never shrink.
            let want = off + record::CHUNK as u64;
            match sys::fs::fstat(fd) {
                Ok(st) if st.size as u64 >= want => true,
                Ok(_) => sys::mem::ftruncate(fd, want).is_ok(),
                Err(_) => false,
            }
        }
    }
}

/// Chunk `i` of the recording, mapped (once per process: a racing mapper's
/// extra mapping is undone).
fn chunk(i: usize) -> Option<Mapping> {
    let cell = CHUNKS.get(i)?;
    let a = cell.load(Acquire);
    if a != 0 {
        return Some(Mapping::from_raw(a, record::CHUNK));
    }
    let mut fd = REC.acquire();
    if fd == REOPEN && i == 0 {
        REC.release();
        if REC.fd.compare_exchange(REOPEN, OPENING, SeqCst, SeqCst).is_err() {
            return None;
        }
        // open_recording stores the descriptor and maps chunk 0.
        let opened = REC_PATH.get().and_then(|t| open_recording(&t, pid()));
        if opened.is_none() {
            REC.fd.store(NONE, SeqCst);
            return None;
        }
        let a = cell.load(Acquire);
        return (a != 0).then(|| Mapping::from_raw(a, record::CHUNK));
    } else if fd == REOPEN {
        REC.release();
        chunk(0)?;
        fd = REC.acquire();
    }
    let m = if fd >= 0 && grow(fd, i) {
        Mapping::map_shared(fd, (i * record::CHUNK) as u64, record::CHUNK).ok()
    } else {
        None
    };
    if let Some(m) = &m {
        let _ = m.populate_write(0, 2 * POPULATE_WINDOW);
    }
    REC.release();
    let m = m?;
    match cell.compare_exchange(0, m.addr(), AcqRel, Acquire) {
        Ok(_) => Some(m),
        Err(other) => {
            m.unmap();
            Some(Mapping::from_raw(other, record::CHUNK))
        }
    }
}

/// The recording's pages are made present ahead of the writers, this much
/// at a time: a first write to a page of a shared file mapping otherwise
/// traps once per page (a 1-byte ping-pong: every 32 records), which costs
/// more than all the rest of the recording.
const POPULATE_WINDOW: usize = 256 << 10;

/// Appends a record made of `parts` (the first starts with the length and
/// a zero commit word), `total` bytes in all, reserved with one fetch-add
/// and published with one release store.
fn append(parts: &[&[u8]], total: usize) {
    let Some(first) = chunk(0) else { return };
    let Ok(next) = first.u64_at(record::OFF_NEXT) else {
        return;
    };
    for _ in 0..4 {
        let off = next.fetch_add(total as u64, Relaxed) as usize;
        let ci = off / record::CHUNK;
        let chunk_end = (ci + 1) * record::CHUNK;
        if off + total > chunk_end {
            // Never across a chunk: fill both sides with padding, retry.
            pad(off, chunk_end - off);
            pad(chunk_end, off + total - chunk_end);
            continue;
        }
        let m = match ci {
            0 => first,
            _ => match chunk(ci) {
                Some(m) => m,
                None => return,
            },
        };
        let at = off - ci * record::CHUNK;
        // The record that enters a window populates the one after it (the
        // mapping of a chunk did its first two).
        let (w0, w1) = (at / POPULATE_WINDOW, (at + total) / POPULATE_WINDOW);
        if w1 > w0 && (w1 + 1) * POPULATE_WINDOW <= record::CHUNK {
            let _ = m.populate_write((w1 + 1) * POPULATE_WINDOW, POPULATE_WINDOW);
        }
        let mut p = at;
        for part in parts.iter().filter(|p| !p.is_empty()) {
            let _ = m.write(p, part);
            p += part.len();
        }
        let _ = m.publish_u32(at + 4, record::COMMIT ^ total as u32);
        return;
    }
}

fn pad(off: usize, len: usize) {
    let ci = off / record::CHUNK;
    if let Some(m) = chunk(ci) {
        let at = off - ci * record::CHUNK;
        let _ = m.write(at, &(len as u32).to_le_bytes());
        let _ = m.publish_u32(at + 4, record::PAD ^ len as u32);
    }
}

/// A socket's description for `-yy` and the recording, by strace's
/// rules: the description cached for its inode (the first one the kernel's
/// tables gave), else what they give now, else just the inode.
pub fn describe(fd: i32) -> Option<FdDesc> {
    let super::fdtable::Kind::Socket { domain, ty } = super::fdtable::kind(fd) else {
        return None;
    };
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
    fn carving_ranges_around_tracer_descriptors() {
        SINK.fd.store(1000, Relaxed);
        REC.fd.store(1001, Relaxed);
        assert_eq!(carve(3, u32::MAX), [Some((3, 999)), Some((1002, u32::MAX)), None]);
        assert_eq!(carve(1000, 1001), [None, None, None]);
        assert_eq!(carve(3, 10), [Some((3, 10)), None, None]);
        REC.fd.store(NONE, Relaxed);
        assert_eq!(carve(1000, 1000), [None, None, None]);
        assert_eq!(carve(999, 1002), [Some((999, 999)), Some((1001, 1002)), None]);
        SINK.fd.store(NONE, Relaxed);
    }
}
