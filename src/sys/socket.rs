//! Socket syscalls. Pointers are the caller's and go to the kernel unchanged:
//! the kernel validates them (`EFAULT`) and decides on every flag and option.

use super::raw::*;
use super::{cancellable, check, check_int, Result};

// Each function below that takes a pointer is `unsafe` for one reason: the kernel writes through
// (or reads from) the pointers it is given, so they must be valid for the
// lengths given, or unmapped (then the kernel answers EFAULT).

pub fn socket(domain: i32, ty: i32, protocol: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall3(SYS_socket, domain as usize, ty as usize, protocol as usize) })
}

pub unsafe fn socketpair(domain: i32, ty: i32, protocol: i32, sv: *mut i32) -> Result<i32> {
    // SAFETY: see module note; `sv` is the caller's int[2].
    check_int(unsafe {
        syscall6(
            SYS_socketpair,
            domain as usize,
            ty as usize,
            protocol as usize,
            sv as usize,
            0,
            0,
        )
    })
}

/// Not a cancellation point (glibc calls it without one); `connect` is.
pub unsafe fn bind(fd: i32, addr: *const u8, len: u32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(unsafe { syscall3(SYS_bind, fd as usize, addr as usize, len as usize) })
}

pub unsafe fn connect(fd: i32, addr: *const u8, len: u32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(cancellable(|| unsafe {
        syscall3(SYS_connect, fd as usize, addr as usize, len as usize)
    }))
}

pub fn listen(fd: i32, backlog: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall3(SYS_listen, fd as usize, backlog as usize, 0) })
}

pub unsafe fn accept(fd: i32, addr: *mut u8, len: *mut u32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(cancellable(|| unsafe {
        syscall3(SYS_accept, fd as usize, addr as usize, len as usize)
    }))
}

pub unsafe fn accept4(fd: i32, addr: *mut u8, len: *mut u32, flags: i32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(cancellable(|| unsafe {
        syscall6(
            SYS_accept4,
            fd as usize,
            addr as usize,
            len as usize,
            flags as usize,
            0,
            0,
        )
    }))
}

/// `SIOCATMARK` (<asm/sockios.h>; not in the libc crate).
const SIOCATMARK: usize = 0x8905;

/// `sockatmark(fd)` as glibc does it: `ioctl(fd, SIOCATMARK, &answer)`, the
/// answer (1 at the out-of-band mark, 0 before it).
pub fn sockatmark(fd: i32) -> Result<i32> {
    let mut answer: i32 = 0;
    // SAFETY: `answer` is a writable int, what SIOCATMARK writes.
    check_int(unsafe {
        syscall3(
            libc::SYS_ioctl,
            fd as usize,
            SIOCATMARK,
            &mut answer as *mut i32 as usize,
        )
    })?;
    Ok(answer)
}

pub fn shutdown(fd: i32, how: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall3(SYS_shutdown, fd as usize, how as usize, 0) })
}

pub unsafe fn getsockname(fd: i32, addr: *mut u8, len: *mut u32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(unsafe { syscall3(SYS_getsockname, fd as usize, addr as usize, len as usize) })
}

pub unsafe fn getpeername(fd: i32, addr: *mut u8, len: *mut u32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(unsafe { syscall3(SYS_getpeername, fd as usize, addr as usize, len as usize) })
}

pub unsafe fn getsockopt(fd: i32, level: i32, name: i32, val: *mut u8, len: *mut u32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(unsafe {
        syscall6(
            SYS_getsockopt,
            fd as usize,
            level as usize,
            name as usize,
            val as usize,
            len as usize,
            0,
        )
    })
}

pub unsafe fn setsockopt(fd: i32, level: i32, name: i32, val: *const u8, len: u32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(unsafe {
        syscall6(
            SYS_setsockopt,
            fd as usize,
            level as usize,
            name as usize,
            val as usize,
            len as usize,
            0,
        )
    })
}

/// send and sendto (x86_64 has no `send` syscall: glibc uses sendto with no address).
pub unsafe fn sendto(fd: i32, buf: *const u8, len: usize, flags: i32, addr: *const u8, alen: u32) -> Result<usize> {
    // SAFETY: see module note.
    check(cancellable(|| unsafe {
        syscall6(
            SYS_sendto,
            fd as usize,
            buf as usize,
            len,
            flags as usize,
            addr as usize,
            alen as usize,
        )
    }))
}

/// recv and recvfrom (recv is recvfrom with no address, as in glibc).
pub unsafe fn recvfrom(fd: i32, buf: *mut u8, len: usize, flags: i32, addr: *mut u8, alen: *mut u32) -> Result<usize> {
    // SAFETY: see module note.
    check(cancellable(|| unsafe {
        syscall6(
            SYS_recvfrom,
            fd as usize,
            buf as usize,
            len,
            flags as usize,
            addr as usize,
            alen as usize,
        )
    }))
}

pub unsafe fn sendmsg(fd: i32, msg: *const u8, flags: i32) -> Result<usize> {
    // SAFETY: see module note.
    check(cancellable(|| unsafe {
        syscall3(SYS_sendmsg, fd as usize, msg as usize, flags as usize)
    }))
}

pub unsafe fn recvmsg(fd: i32, msg: *mut u8, flags: i32) -> Result<usize> {
    // SAFETY: see module note.
    check(cancellable(|| unsafe {
        syscall3(SYS_recvmsg, fd as usize, msg as usize, flags as usize)
    }))
}

pub unsafe fn sendmmsg(fd: i32, vec: *mut u8, vlen: u32, flags: i32) -> Result<i32> {
    // SAFETY: see module note.
    check_int(cancellable(|| unsafe {
        syscall6(
            SYS_sendmmsg,
            fd as usize,
            vec as usize,
            vlen as usize,
            flags as usize,
            0,
            0,
        )
    }))
}

pub unsafe fn recvmmsg(fd: i32, vec: *mut u8, vlen: u32, flags: i32, timeout: *mut u8) -> Result<i32> {
    // SAFETY: see module note.
    check_int(cancellable(|| unsafe {
        syscall6(
            SYS_recvmmsg,
            fd as usize,
            vec as usize,
            vlen as usize,
            flags as usize,
            timeout as usize,
            0,
        )
    }))
}
