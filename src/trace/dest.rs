//! What the tracer's two destinations (the live text/JSON output and the
//! recording) share: how their files are opened, what the tracer knows of
//! the process that limits them, and the one line that says an output
//! stopped.
//!
//! The rule (README, "When the trace cannot be written"): when an output
//! fails, the tracer stops that output, says so once on the original
//! standard error if it can, and the program runs on unchanged.
//!
//! - **Symbolic links.** The last component of a trace or recording path is
//!   opened with `O_NOFOLLOW`; a symbolic link there is followed only when
//!   it belongs to the process's effective user or to root (the rule of
//!   Linux's `fs.protected_symlinks`, which the kernel applies only in
//!   sticky world-writable directories: a `%p` name is predictable, so an
//!   unprivileged user could plant one anywhere it can write). `strace -o`
//!   follows any link and truncates its target.
//! - **RLIMIT_FSIZE.** The soft limit is read at start and kept up to date
//!   by the library's `setrlimit`/`prlimit` exports; while it is finite,
//!   the tracer's writes and growth run with `SIGXFSZ` blocked, and a
//!   signal they cause is taken back before the mask is restored.
//! - **Sandboxes.** Once the process installs a seccomp filter (`prctl
//!   (PR_SET_SECCOMP)` through the library, or a filter already in force
//!   at start, from `/proc/self/status`), the tracer makes no syscall of
//!   its own beyond the output's `write`: no growth, no mapping, no
//!   descriptor classification, no `getpid`/`gettid`, no signal mask (so a
//!   pipe whose reader has left can still raise `SIGPIPE` there, as the
//!   program's own writes to it would). A regular file under a finite
//!   `RLIMIT_FSIZE` stops instead; in strict mode pipes and sockets stop.

use core::ffi::CStr;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering::*};

use super::config::{PathTemplate, PATH_MAX};
use super::names::{errno_message, errno_name};
use super::out::Out;
use crate::sys::{self, fs::Meta, Errno};

/// The process runs under a seccomp filter.
static SANDBOXED: AtomicBool = AtomicBool::new(false);
/// ... in strict mode: only read, write, exit and sigreturn are allowed.
static STRICT: AtomicBool = AtomicBool::new(false);
/// The soft `RLIMIT_FSIZE` (`u64::MAX`: none).
static FSIZE: AtomicU64 = AtomicU64::new(u64::MAX);
/// Device and inode of descriptor 2 when the library started (0: unknown).
static STDERR_DEV: AtomicU64 = AtomicU64::new(0);
static STDERR_INO: AtomicU64 = AtomicU64::new(0);

/// Lowest number for the tracer's own descriptors.
static FD_BASE: AtomicI32 = AtomicI32::new(1000);

/// No limit (`RLIM_INFINITY`).
pub(crate) const UNLIMITED: u64 = u64::MAX;

pub fn sandboxed() -> bool {
    SANDBOXED.load(Relaxed)
}

pub fn strict() -> bool {
    STRICT.load(Relaxed)
}

/// The program is installing a seccomp filter (`on`; `strict` for
/// `SECCOMP_MODE_STRICT`), or its attempt failed (the state before).
pub fn set_sandboxed(on: bool, strict: bool) {
    STRICT.store(strict, SeqCst);
    SANDBOXED.store(on, SeqCst);
}

/// The soft `RLIMIT_FSIZE` as far as the library knows it.
pub fn fsize_limit() -> u64 {
    FSIZE.load(Relaxed)
}

/// The program set its soft `RLIMIT_FSIZE` to `soft`.
pub fn note_fsize_limit(soft: u64) {
    FSIZE.store(soft, SeqCst);
}

/// What the tracer learns about the process when it starts: the file-size
/// limit, the identity of standard error, and whether a seccomp filter is
/// already in force (inherited across exec).
pub fn init_process() {
    if let Ok((soft, _)) = sys::proc::rlimit(libc::RLIMIT_FSIZE as i32) {
        FSIZE.store(soft, Relaxed);
    }
    if let Ok(m) = sys::fs::fstat_meta(2) {
        STDERR_DEV.store(m.dev, Relaxed);
        STDERR_INO.store(m.ino, Relaxed);
    }
    SANDBOXED.store(seccomp_at_start(), Relaxed);
    let limit = sys::proc::nofile_limit().unwrap_or(1024).min(1 << 20) as i32;
    FD_BASE.store(1000.min(limit - 1).max(3), Relaxed);
}

/// Where the tracer's descriptors go: the lowest free number from
/// `min(1000, soft RLIMIT_NOFILE - 1)`, so a program that opens
/// descriptors lowest-first meets it only when it has used all others.
pub fn fd_base() -> i32 {
    FD_BASE.load(Relaxed)
}

/// Moves a new descriptor of ours to the high range (the top of the
/// soft limit when 1000 is beyond it); where every high number is taken,
/// it stays where it is.
pub fn place_high(fd: i32) -> i32 {
    let base = fd_base();
    for b in (fd + 1..=base).rev().take(8) {
        if let Ok(high) = sys::fd::dupfd_cloexec(fd, b) {
            sys::fd::close_quiet(fd);
            return high;
        }
    }
    fd
}

/// A path template kept in atomics (set once, before any thread reads it).
pub struct PathCell {
    bytes: [AtomicU8; PATH_MAX],
    len: AtomicUsize,
}

impl PathCell {
    pub(crate) const fn new() -> PathCell {
        PathCell {
            bytes: [const { AtomicU8::new(0) }; PATH_MAX],
            len: AtomicUsize::new(0),
        }
    }

    pub fn set(&self, t: &PathTemplate) {
        for (cell, b) in self.bytes.iter().zip(t.as_bytes()) {
            cell.store(*b, Relaxed);
        }
        self.len.store(t.as_bytes().len(), Release);
    }

    pub fn get(&self) -> Option<PathTemplate> {
        let n = self.len.load(Acquire).min(PATH_MAX);
        let mut b = [0u8; PATH_MAX];
        for (d, cell) in b.iter_mut().zip(&self.bytes).take(n) {
            *d = cell.load(Relaxed);
        }
        PathTemplate::new(&b[..n])
    }
}

/// Descriptor states besides a real descriptor.
pub(crate) const NONE: i32 = -1;
pub(crate) const REOPEN: i32 = -2;
pub(crate) const OPENING: i32 = -3;

/// One of the tracer's descriptors, with a count of the threads using it
/// right now (so that moving or closing it never pulls it from under a
/// writer).
pub struct Protected {
    pub fd: AtomicI32,
    users: AtomicU32,
}

impl Protected {
    pub(crate) const fn new() -> Protected {
        Protected {
            fd: AtomicI32::new(NONE),
            users: AtomicU32::new(0),
        }
    }

    pub fn acquire(&self) -> i32 {
        self.users.fetch_add(1, SeqCst);
        self.fd.load(SeqCst)
    }

    pub fn release(&self) {
        self.users.fetch_sub(1, Release);
    }

    pub fn is(&self, fd: i32) -> bool {
        fd >= 0 && self.fd.load(Relaxed) == fd
    }

    /// Closes `old` once writers that loaded it are done: a bounded wait
    /// (a writer blocked on a full pipe must not hang us).
    fn close_when_unused(&self, old: i32) {
        let mut spins = 0u32;
        while self.users.load(Acquire) != 0 && spins < 1_000_000 {
            core::hint::spin_loop();
            spins += 1;
        }
        sys::fd::close_quiet(old);
    }

    /// Moves the descriptor off number `fd` if it is there (the program is
    /// about to `dup2` onto it): to the high range, else to any free
    /// number; where there is none, the output stops (returns false).
    pub fn move_off(&self, fd: i32) -> bool {
        if !self.is(fd) {
            return true;
        }
        let new = match sys::fd::dupfd_cloexec(fd, fd_base()) {
            Ok(n) if n != fd => Ok(n),
            _ => sys::fd::dupfd_cloexec(fd, 3),
        };
        let Ok(new) = new else {
            return !self.retire(fd);
        };
        if self.fd.compare_exchange(fd, new, SeqCst, SeqCst).is_err() {
            sys::fd::close_quiet(new);
            return true;
        }
        self.close_when_unused(fd);
        true
    }

    /// Stops using descriptor `fd` (if it is still ours): true for the one
    /// caller that retired it.
    pub fn retire(&self, fd: i32) -> bool {
        if fd < 0 || self.fd.compare_exchange(fd, NONE, SeqCst, SeqCst).is_err() {
            return false;
        }
        self.close_when_unused(fd);
        true
    }
}

/// True when `/proc/self/status` says a seccomp mode is on (or when a
/// filter refuses us the file).
fn seccomp_at_start() -> bool {
    let fd = match sys::fs::open_read(c"/proc/self/status") {
        Ok(fd) => fd,
        Err(Errno(e)) => return e == libc::EACCES || e == libc::EPERM,
    };
    let mut buf = [0u8; 4096];
    let n = sys::fs::read_full(fd, &mut buf).unwrap_or(0);
    sys::fd::close_quiet(fd);
    seccomp_mode(buf.get(..n).unwrap_or(&[])) != 0
}

/// The `Seccomp:` field of a `/proc/PID/status` text (0 when absent).
pub(crate) fn seccomp_mode(status: &[u8]) -> u8 {
    status
        .split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(b"Seccomp:"))
        .and_then(|v| v.iter().find(|b| !b.is_ascii_whitespace()))
        .map_or(0, |&d| d.wrapping_sub(b'0'))
}

/// Why a destination could not be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenError {
    Sys(Errno),
    /// The last component is a symbolic link owned by another user.
    ForeignLink(u32),
    /// A FIFO that no process has open for reading.
    NoReader,
    /// The recording is not a regular file.
    NotRegular,
    /// A non-empty file that is not a sockshim recording.
    NotRecording,
    /// A recording of another format version.
    Version(u32),
}

impl From<Errno> for OpenError {
    fn from(e: Errno) -> Self {
        OpenError::Sys(e)
    }
}

/// Opens `path` as a destination (`flags | O_CLOEXEC`), by the symlink
/// rule above.
pub fn open(path: &CStr, flags: i32, mode: u32) -> Result<(i32, Meta), OpenError> {
    let fd = match sys::fs::open(path, flags | libc::O_NOFOLLOW, mode) {
        Ok(fd) => fd,
        Err(Errno(libc::ELOOP)) => {
            let link = sys::fs::lstat_meta(path)?;
            if link.kind != libc::S_IFLNK {
                return Err(OpenError::Sys(Errno(libc::ELOOP)));
            }
            if link.uid != sys::proc::geteuid() && link.uid != 0 {
                return Err(OpenError::ForeignLink(link.uid));
            }
            sys::fs::open(path, flags, mode)?
        }
        Err(Errno(libc::ENXIO)) if sys::fs::lstat_meta(path).is_ok_and(|m| m.kind == libc::S_IFIFO) => {
            return Err(OpenError::NoReader)
        }
        Err(e) => return Err(e.into()),
    };
    match sys::fs::fstat_meta(fd) {
        Ok(m) => Ok((fd, m)),
        Err(e) => {
            sys::fd::close_quiet(fd);
            Err(e.into())
        }
    }
}

/// "No space left on device (ENOSPC)".
pub fn put_errno(o: &mut Out, e: Errno) {
    o.str(errno_message(e.0).unwrap_or("error"));
    o.str(" (");
    match errno_name(e.0) {
        Some(n) => o.str(n),
        None => {
            o.str("errno ");
            o.i64(i64::from(e.0));
        }
    }
    o.byte(b')');
}

/// Why an open failed, in words.
pub fn put_open_error(o: &mut Out, e: OpenError) {
    match e {
        OpenError::Sys(e) => put_errno(o, e),
        OpenError::ForeignLink(uid) => {
            o.str("a symbolic link owned by uid ");
            o.u64(u64::from(uid));
            o.str(" (not followed)");
        }
        OpenError::NoReader => o.str("a FIFO with no reader"),
        OpenError::NotRegular => o.str("not a regular file"),
        OpenError::NotRecording => o.str("an existing file that is not a sockshim recording (left as it is)"),
        OpenError::Version(v) => {
            o.str("a sockshim recording of another format version (");
            o.u64(u64::from(v));
            o.str(")");
        }
    }
}

/// A line for standard error: `sockshim: ` and what `f` writes.
pub fn line(f: impl FnOnce(&mut Out)) -> ([u8; PATH_MAX + 256], usize) {
    let mut b = [0u8; PATH_MAX + 256];
    let n = {
        let mut o = Out::new(&mut b[..PATH_MAX + 255]);
        o.str("sockshim: ");
        f(&mut o);
        o.len()
    };
    b[n] = b'\n';
    (b, n + 1)
}

/// Writes a line on descriptor 2 now (start-up: it is the original
/// standard error).
pub fn warn_now(f: impl FnOnce(&mut Out)) {
    let (b, n) = line(f);
    let _ = write_to(2, b.get(..n).unwrap_or(&[]), None);
}

/// Writes a line on the original standard error: only while descriptor 2
/// is still the file it was at start (never into a descriptor the program
/// has reused) and not in a sandbox (where even `fstat` may kill).
pub fn notice(f: impl FnOnce(&mut Out)) {
    if sandboxed() {
        return;
    }
    let Ok(m) = sys::fs::fstat_meta(2) else { return };
    if m.dev != STDERR_DEV.load(Relaxed) || m.ino != STDERR_INO.load(Relaxed) || m.ino == 0 {
        return;
    }
    let (b, n) = line(f);
    let _ = write_to(2, b.get(..n).unwrap_or(&[]), Some(m.kind));
}

/// How a destination of file type `kind` (`S_IF*`) is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A pipe or FIFO: `SIGPIPE` when the reader left.
    Pipe,
    /// A socket: `send(MSG_NOSIGNAL)`.
    Socket,
    /// A regular file: `SIGXFSZ` past `RLIMIT_FSIZE`.
    Regular,
    /// Anything else (a terminal, /dev/null, /dev/full ...).
    Other,
}

pub fn kind_of(st_kind: u32) -> Kind {
    match st_kind {
        libc::S_IFIFO => Kind::Pipe,
        libc::S_IFSOCK => Kind::Socket,
        libc::S_IFREG => Kind::Regular,
        _ => Kind::Other,
    }
}

/// Writes all of `buf` to `fd`, a destination of file type `kind` (`None`:
/// not known, asked now), so that no signal reaches the program: the
/// error is returned instead.
pub fn write_to(fd: i32, buf: &[u8], kind: Option<u32>) -> sys::Result<()> {
    let kind = match kind {
        Some(k) => kind_of(k),
        None if sandboxed() => Kind::Other,
        None => sys::fs::fstat_meta(fd).map_or(Kind::Other, |m| kind_of(m.kind)),
    };
    write_kind(fd, buf, kind)
}

/// `write_to` for a known kind.
pub fn write_kind(fd: i32, buf: &[u8], kind: Kind) -> sys::Result<()> {
    if strict() && matches!(kind, Kind::Pipe | Kind::Socket) {
        // Strict seccomp allows write alone: no way to keep SIGPIPE away.
        return Err(Errno(libc::EPERM));
    }
    match kind {
        Kind::Socket => sys::fd::send_all_nosignal(fd, buf),
        // In a sandbox the write is the only syscall the tracer makes (a
        // filter may kill for the mask's): a reader that has left means
        // SIGPIPE there, as for the program's own writes to the pipe.
        Kind::Pipe if sandboxed() => sys::fd::write_all_waiting(fd, buf),
        Kind::Pipe => sys::signal::without_signal(libc::SIGPIPE, libc::EPIPE, || sys::fd::write_all_waiting(fd, buf)),
        Kind::Regular => guard_fsize(|| sys::fd::write_all_waiting(fd, buf)),
        Kind::Other => sys::fd::write_all_waiting(fd, buf),
    }
}

/// Runs `f`, a write or growth of a regular file, so that the file-size
/// limit gives EFBIG and never `SIGXFSZ`: directly while there is no limit;
/// with the signal blocked while there is one; not at all (EFBIG) when the
/// limit is 0 or the process is sandboxed (taking the signal back needs a
/// syscall a filter may refuse).
pub fn guard_fsize<T>(f: impl FnOnce() -> sys::Result<T>) -> sys::Result<T> {
    match fsize_limit() {
        UNLIMITED => f(),
        0 => Err(Errno(libc::EFBIG)),
        _ if sandboxed() => Err(Errno(libc::EFBIG)),
        _ => sys::signal::without_signal(libc::SIGXFSZ, libc::EFBIG, f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seccomp_field() {
        assert_eq!(seccomp_mode(b"Name:\tx\nSeccomp:\t2\nSeccomp_filters:\t1\n"), 2);
        assert_eq!(seccomp_mode(b"Name:\tx\nSeccomp:\t0\n"), 0);
        assert_eq!(seccomp_mode(b"Name:\tx\n"), 0);
    }

    #[test]
    fn messages() {
        let (b, n) = line(|o| {
            o.str("x: ");
            put_errno(o, Errno(libc::ENOSPC));
            o.str("; ");
            put_open_error(o, OpenError::ForeignLink(65534));
        });
        assert_eq!(
            core::str::from_utf8(&b[..n]).unwrap(),
            "sockshim: x: No space left on device (ENOSPC); a symbolic link owned by uid 65534 (not followed)\n"
        );
    }
}
