//! The live destination of text and JSON lines: standard error (a copy of
//! descriptor 2 taken at start) or a file (`SOCKSHIM_TRACE_FILE`, `%p` for
//! one per process), one `write` per line.
//!
//! The file is opened without blocking (a FIFO with no reader is refused
//! with one line, and live tracing stays off) and then used blocking, so
//! no line is lost. Each line is written by its destination's kind
//! (`dest::write_kind`): no `SIGPIPE`, `SIGXFSZ` reaches the program. A
//! write that fails stops the output (`stop`); `runtime` turns the lines
//! off and the program runs on.
//!
//! One descriptor is unavoidable while lines are written: it sits at the
//! top of the program's range (`dest::place_high`).

use core::sync::atomic::{AtomicU32, Ordering::*};

use super::config::{PathTemplate, PATH_MAX};
use super::dest::{self, Kind, OpenError, PathCell, Protected, NONE, OPENING, REOPEN};
use crate::sys::{self, Errno};

static SINK: Protected = Protected::new();
static SINK_PATH: PathCell = PathCell::new();
/// The destination's file type (`st_mode & S_IFMT`, 0 unknown), which
/// says how a line is written (`dest::kind_of`).
static MODE: AtomicU32 = AtomicU32::new(0);

fn set_kind(st_kind: u32) {
    MODE.store(st_kind, Relaxed);
}

fn kind() -> Kind {
    dest::kind_of(MODE.load(Relaxed))
}

/// Opens the destination at start: `None` for standard error. False (and
/// one line said) when there is none.
pub fn init(file: Option<&PathTemplate>, pid: u32) -> bool {
    let opened = match file {
        None => match sys::fd::dupfd_cloexec(2, dest::fd_base()) {
            Ok(fd) => {
                let k = sys::fs::fstat_meta(fd).map_or(0, |m| m.kind);
                Ok((fd, k))
            }
            Err(e) => Err(OpenError::Sys(e)),
        },
        Some(t) => {
            SINK_PATH.set(t);
            open_file(t, pid)
        }
    };
    match opened {
        Ok((fd, k)) => {
            set_kind(k);
            SINK.fd.store(fd, Relaxed);
            true
        }
        Err(e) => {
            dest::warn_now(|o| {
                o.str("cannot open the trace output ");
                match file {
                    Some(t) => o.bytes(t.as_bytes()),
                    None => o.str("(standard error)"),
                }
                o.str(": ");
                dest::put_open_error(o, e);
                o.str("; live tracing is off");
            });
            false
        }
    }
}

/// Opens the trace file for `pid`: appending, created 0644, a FIFO only
/// if it has a reader; moved to the high range.
fn open_file(t: &PathTemplate, pid: u32) -> Result<(i32, u32), OpenError> {
    let mut path = [0u8; PATH_MAX + 16];
    let c = t
        .path(pid, &mut path)
        .ok_or(OpenError::Sys(Errno(libc::ENAMETOOLONG)))?;
    let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND | libc::O_NONBLOCK;
    let (fd, m) = dest::open(c, flags, 0o644)?;
    if let Err(e) = sys::fd::set_blocking(fd) {
        sys::fd::close_quiet(fd);
        return Err(e.into());
    }
    Ok((dest::place_high(fd), m.kind))
}

/// After fork, in the child: a per-process file is the parent's; drop it
/// and open our own at the first line.
pub fn after_fork_child() {
    if SINK_PATH.get().is_some_and(|t| t.per_process()) {
        let fd = SINK.fd.swap(REOPEN, SeqCst);
        if fd >= 0 {
            sys::fd::close_quiet(fd);
        }
    }
}

/// The descriptor for a line (the caller releases it), opening this
/// process's own file first if it has none yet.
fn acquire(pid: u32) -> Option<i32> {
    let fd = SINK.acquire();
    if fd >= 0 {
        return Some(fd);
    }
    SINK.release();
    if fd == REOPEN && !dest::sandboxed() && SINK.fd.compare_exchange(REOPEN, OPENING, SeqCst, SeqCst).is_ok() {
        match SINK_PATH.get().map(|t| open_file(&t, pid)) {
            Some(Ok((new, k))) => {
                set_kind(k);
                SINK.fd.store(new, SeqCst);
                return acquire(pid);
            }
            Some(Err(e)) => {
                SINK.fd.store(NONE, SeqCst);
                dest::notice(|o| {
                    o.str("cannot open the trace output for process ");
                    o.u64(u64::from(pid));
                    o.str(": ");
                    dest::put_open_error(o, e);
                    o.str("; live tracing is off in it");
                });
            }
            None => SINK.fd.store(NONE, SeqCst),
        }
    }
    None
}

/// Writes one finished line for process `pid`. In a child that shares
/// our memory (vfork, detected by `real_pid != pid`) the shared state is
/// left alone: a per-process file is opened for this one line and closed
/// again. An error means the output failed: the caller stops it.
pub fn write_line(line: &[u8], pid: u32, real_pid: u32) -> sys::Result<()> {
    if real_pid != pid && SINK_PATH.get().is_some_and(|t| t.per_process()) {
        if let Some(Ok((fd, k))) = SINK_PATH.get().map(|t| open_file(&t, real_pid)) {
            let _ = dest::write_kind(fd, line, dest::kind_of(k));
            sys::fd::close_quiet(fd);
        }
        return Ok(());
    }
    let Some(fd) = acquire(pid) else { return Ok(()) };
    let r = dest::write_kind(fd, line, kind());
    SINK.release();
    r
}

/// Stops the output after `e` (once: true for the caller that did) and
/// says so.
pub fn stop(e: Errno) -> bool {
    let fd = SINK.fd.load(SeqCst);
    if !SINK.retire(fd) {
        return false;
    }
    dest::notice(|o| {
        o.str("trace output ");
        match SINK_PATH.get() {
            Some(t) => o.bytes(t.as_bytes()),
            None => o.str("(standard error)"),
        }
        o.str(": ");
        dest::put_errno(o, e);
        o.str("; live tracing stopped");
    });
    true
}

pub fn is(fd: i32) -> bool {
    SINK.is(fd)
}

pub fn fd() -> i32 {
    SINK.fd.load(Relaxed)
}

/// Before the program puts a descriptor at number `fd`: moves ours off it.
/// False when there was no room and the output stopped.
pub fn make_room(fd: i32) -> bool {
    let kept = SINK.move_off(fd);
    if !kept {
        dest::notice(|o| {
            o.str("the program needs every descriptor, including the trace output's; live tracing stopped")
        });
    }
    kept
}

#[cfg(test)]
pub(crate) fn set_fd_for_test(fd: i32) {
    SINK.fd.store(fd, Relaxed);
}
