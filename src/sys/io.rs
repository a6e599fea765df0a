//! Descriptor I/O syscalls: for every kind of descriptor, not only sockets.

use super::raw::*;
use super::{cancellable, check, check_int, Result};

// `unsafe` for the reason given in `socket.rs`: the kernel reads or writes
// the caller's buffers.

pub unsafe fn read(fd: i32, buf: *mut u8, len: usize) -> Result<usize> {
    // SAFETY: `buf` is the caller's buffer of `len` bytes, passed to the kernel.
    check(cancellable(|| unsafe {
        syscall3(SYS_read, fd as usize, buf as usize, len)
    }))
}

pub unsafe fn write(fd: i32, buf: *const u8, len: usize) -> Result<usize> {
    // SAFETY: `buf` is the caller's buffer of `len` bytes, passed to the kernel.
    check(cancellable(|| unsafe {
        syscall3(SYS_write, fd as usize, buf as usize, len)
    }))
}

pub unsafe fn readv(fd: i32, iov: *const u8, cnt: i32) -> Result<usize> {
    // SAFETY: the caller's iovec array goes to the kernel unchanged.
    check(cancellable(|| unsafe {
        syscall3(SYS_readv, fd as usize, iov as usize, cnt as usize)
    }))
}

pub unsafe fn writev(fd: i32, iov: *const u8, cnt: i32) -> Result<usize> {
    // SAFETY: the caller's iovec array goes to the kernel unchanged.
    check(cancellable(|| unsafe {
        syscall3(SYS_writev, fd as usize, iov as usize, cnt as usize)
    }))
}

pub fn close(fd: i32) -> Result<i32> {
    // SAFETY: no pointers; closing a descriptor is memory-safe for this process.
    check_int(cancellable(|| unsafe { syscall3(SYS_close, fd as usize, 0, 0) }))
}
