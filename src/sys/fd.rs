//! Descriptor-table syscalls (`dup`, `dup2`, `dup3`, `fcntl`, `close_range`)
//! and the descriptor queries the tracer makes on its own buffers.

use super::raw::syscall6;
use super::{cancellable, check, check_int, Result};

pub fn dup(fd: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall6(libc::SYS_dup, fd as usize, 0, 0, 0, 0, 0) })
}

/// x86_64 has the `dup2` syscall, which glibc calls (so `dup2(fd, fd)` is
/// the kernel's answer: `fd` if open, else EBADF).
pub fn dup2(old: i32, new: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall6(libc::SYS_dup2, old as usize, new as usize, 0, 0, 0, 0) })
}

pub fn dup3(old: i32, new: i32, flags: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall6(libc::SYS_dup3, old as usize, new as usize, flags as usize, 0, 0, 0) })
}

/// `fcntl(fd, cmd, arg)` for any command: `arg` is an integer or a pointer
/// depending on `cmd`, passed to the kernel unchanged.
///
/// # Safety
/// When `cmd` takes a pointer, `arg` must be valid for it (or unmapped: the
/// kernel answers EFAULT).
pub unsafe fn fcntl(fd: i32, cmd: i32, arg: usize) -> Result<i32> {
    // SAFETY: forwarded contract.
    check_int(unsafe { syscall6(libc::SYS_fcntl, fd as usize, cmd as usize, arg, 0, 0, 0) })
}

/// `fcntl` as a cancellation point (the waiting lock commands).
///
/// # Safety
/// As for `fcntl`.
pub unsafe fn fcntl_cancellable(fd: i32, cmd: i32, arg: usize) -> Result<i32> {
    // SAFETY: forwarded contract.
    check_int(cancellable(|| unsafe {
        syscall6(libc::SYS_fcntl, fd as usize, cmd as usize, arg, 0, 0, 0)
    }))
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, min)`: a close-on-exec copy of `fd` at the
/// lowest free number `>= min`.
pub fn dupfd_cloexec(fd: i32, min: i32) -> Result<i32> {
    // SAFETY: an integer command.
    unsafe { fcntl(fd, libc::F_DUPFD_CLOEXEC, min as usize) }
}

// Not in the libc crate (<fcntl.h>, _GNU_SOURCE).
const F_GETOWN_EX: i32 = 16;
const F_OWNER_PGRP: i32 = 2;

/// The owner of `fd`'s signals as `F_GETOWN` reports it, through
/// `F_GETOWN_EX` (a process group is negative), as glibc does.
pub fn getown(fd: i32) -> Result<i32> {
    // `struct f_owner_ex { int type; pid_t pid; }`
    let mut ex = [0i32; 2];
    // SAFETY: `ex` is a writable `struct f_owner_ex`.
    let r = unsafe { fcntl(fd, F_GETOWN_EX, ex.as_mut_ptr() as usize) };
    r.map(|_| if ex[0] == F_OWNER_PGRP { -ex[1] } else { ex[1] })
}

pub fn close_range(first: u32, last: u32, flags: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe {
        syscall6(
            libc::SYS_close_range,
            first as usize,
            last as usize,
            flags as usize,
            0,
            0,
            0,
        )
    })
}

/// Closes `fd` without a cancellation point (the tracer's own descriptors).
pub fn close_quiet(fd: i32) {
    // SAFETY: no pointers. The result is not needed: the descriptor is ours.
    let _ = unsafe { syscall6(libc::SYS_close, fd as usize, 0, 0, 0, 0, 0) };
}

/// What the tracer learns about a descriptor from `fstat`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FdStat {
    /// `st_mode & S_IFMT`.
    pub kind: u32,
    pub ino: u64,
}

impl FdStat {
    pub fn is_socket(&self) -> bool {
        self.kind == libc::S_IFSOCK
    }
}

pub fn fstat(fd: i32) -> Result<FdStat> {
    let mut st = core::mem::MaybeUninit::<libc::stat>::zeroed();
    // SAFETY: `st` is a writable `struct stat` the kernel fills in.
    check_int(unsafe { syscall6(libc::SYS_fstat, fd as usize, st.as_mut_ptr() as usize, 0, 0, 0, 0) })?;
    // SAFETY: zero-initialised and then filled by a successful fstat.
    let st = unsafe { st.assume_init_ref() };
    Ok(FdStat {
        kind: st.st_mode & libc::S_IFMT,
        ino: st.st_ino,
    })
}

/// An `int` socket option (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL` ...).
pub fn sockopt_int(fd: i32, level: i32, name: i32) -> Result<i32> {
    let mut v: i32 = 0;
    let mut len: u32 = 4;
    // SAFETY: `v` and `len` are ours and writable.
    check_int(unsafe {
        syscall6(
            libc::SYS_getsockopt,
            fd as usize,
            level as usize,
            name as usize,
            &mut v as *mut i32 as usize,
            &mut len as *mut u32 as usize,
            0,
        )
    })?;
    Ok(v)
}

/// The local (`peer == false`) or remote address of socket `fd` into `buf`;
/// returns the address length the kernel reports, capped at `buf.len()`.
pub fn sockname(fd: i32, peer: bool, buf: &mut [u8; 128]) -> Result<usize> {
    let mut len: u32 = 128;
    let n = if peer {
        libc::SYS_getpeername
    } else {
        libc::SYS_getsockname
    };
    // SAFETY: `buf` and `len` are ours and writable; `len` says how much of `buf`.
    check_int(unsafe {
        syscall6(
            n,
            fd as usize,
            buf.as_mut_ptr() as usize,
            &mut len as *mut u32 as usize,
            0,
            0,
            0,
        )
    })?;
    Ok((len as usize).min(buf.len()))
}

/// Runs `op` (one write-like syscall of the bytes from `done` on, which
/// returns the kernel's raw answer) until all `len` bytes are written:
/// EINTR retried, a short write continued, and with `wait` an EAGAIN of a
/// non-blocking descriptor waited for (as a blocking one would block).
pub(super) fn write_fully(fd: i32, len: usize, wait: bool, mut op: impl FnMut(usize) -> isize) -> Result<()> {
    let mut done = 0;
    while done < len {
        match check(op(done)) {
            Ok(0) => return Err(super::Errno(libc::EIO)),
            Ok(n) => done += n,
            Err(e) if e.0 == libc::EINTR => continue,
            Err(e) if e.0 == libc::EAGAIN && wait => wait_writable(fd),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes all of `buf` to `fd` (retrying on EINTR and after a short
/// write), not a cancellation point. One `write` suffices for a line of up to
/// `PIPE_BUF` bytes to a pipe or an `O_APPEND` file, which therefore never
/// interleaves with another writer's.
pub fn write_all(fd: i32, buf: &[u8]) -> Result<()> {
    write_fully(fd, buf.len(), false, |done| {
        raw_write(fd, buf.get(done..).unwrap_or(&[]))
    })
}

fn raw_write(fd: i32, b: &[u8]) -> isize {
    // SAFETY: `b` is readable for its length.
    unsafe { syscall6(libc::SYS_write, fd as usize, b.as_ptr() as usize, b.len(), 0, 0, 0) }
}

/// Waits until `fd` can be written (a non-blocking descriptor that
/// answered EAGAIN): `poll` without a timeout, EINTR retried.
fn wait_writable(fd: i32) {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd.
        match check(unsafe {
            syscall6(
                libc::SYS_poll,
                &mut p as *mut libc::pollfd as usize,
                1,
                usize::MAX,
                0,
                0,
                0,
            )
        }) {
            Err(e) if e.0 == libc::EINTR => continue,
            _ => return,
        }
    }
}

/// `write_all`, but a descriptor in non-blocking mode that answers EAGAIN
/// is waited for, so no line is lost.
pub fn write_all_waiting(fd: i32, buf: &[u8]) -> Result<()> {
    write_fully(fd, buf.len(), true, |done| {
        raw_write(fd, buf.get(done..).unwrap_or(&[]))
    })
}

/// All of `buf` to socket `fd` with `MSG_NOSIGNAL` (no `SIGPIPE` when the
/// peer is gone: EPIPE instead); EAGAIN waited for.
pub fn send_all_nosignal(fd: i32, buf: &[u8]) -> Result<()> {
    write_fully(fd, buf.len(), true, |done| {
        let b = buf.get(done..).unwrap_or(&[]);
        // SAFETY: `b` is readable for its length; no address.
        unsafe {
            syscall6(
                libc::SYS_sendto,
                fd as usize,
                b.as_ptr() as usize,
                b.len(),
                libc::MSG_NOSIGNAL as usize,
                0,
                0,
            )
        }
    })
}

/// Clears `O_NONBLOCK` in `fd`'s status flags (the tracer's own open file
/// description, opened non-blocking only so that a FIFO without a reader
/// does not block the open).
pub fn set_blocking(fd: i32) -> Result<()> {
    // SAFETY: integer commands.
    let fl = check(unsafe { syscall6(libc::SYS_fcntl, fd as usize, libc::F_GETFL as usize, 0, 0, 0, 0) })?;
    if fl & libc::O_NONBLOCK as usize == 0 {
        return Ok(());
    }
    // SAFETY: an integer command and flags; no pointers.
    check(unsafe {
        syscall6(
            libc::SYS_fcntl,
            fd as usize,
            libc::F_SETFL as usize,
            fl & !(libc::O_NONBLOCK as usize),
            0,
            0,
            0,
        )
    })
    .map(|_| ())
}

/// One request/reply exchange with the kernel's socket diagnostics
/// (`NETLINK_SOCK_DIAG`, see sock_diag(7)) on a netlink socket of its own,
/// opened close-on-exec and closed again: `request` is a complete netlink
/// message, the first reply datagram lands in `reply` (its length is
/// returned). Raw syscalls, not cancellation points.
pub fn sock_diag(request: &[u8], reply: &mut [u8]) -> Result<usize> {
    const NETLINK_SOCK_DIAG: usize = 4;
    // SAFETY: no pointers.
    let fd = check_int(unsafe {
        syscall6(
            libc::SYS_socket,
            libc::AF_NETLINK as usize,
            (libc::SOCK_RAW | libc::SOCK_CLOEXEC) as usize,
            NETLINK_SOCK_DIAG,
            0,
            0,
            0,
        )
    })?;
    // The kernel's address: family AF_NETLINK, port 0, no groups.
    let mut kernel = [0u8; 12];
    kernel[..2].copy_from_slice(&(libc::AF_NETLINK as u16).to_ne_bytes());
    // SAFETY: `request` and `kernel` are readable for their lengths.
    let sent = check(unsafe {
        syscall6(
            libc::SYS_sendto,
            fd as usize,
            request.as_ptr() as usize,
            request.len(),
            0,
            kernel.as_ptr() as usize,
            kernel.len(),
        )
    });
    let got = sent.and_then(|_| {
        // SAFETY: `reply` is writable for its length; no address wanted.
        check(unsafe {
            syscall6(
                libc::SYS_recvfrom,
                fd as usize,
                reply.as_mut_ptr() as usize,
                reply.len(),
                0,
                0,
                0,
            )
        })
    });
    close_quiet(fd);
    got
}
