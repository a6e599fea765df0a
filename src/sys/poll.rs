//! Readiness syscalls: poll, pselect6, epoll.

use super::raw::*;
use super::{cancellable, check_int, Result};

/// The kernel's sigset size, which glibc passes as `_NSIG / 8`.
pub(crate) const KERNEL_SIGSET_SIZE: usize = 8;

// `unsafe` for the reason given in `socket.rs`.

pub unsafe fn poll(fds: *mut u8, nfds: u64, timeout: i32) -> Result<i32> {
    // SAFETY: the caller's pollfd array goes to the kernel.
    check_int(cancellable(|| unsafe {
        syscall3(SYS_poll, fds as usize, nfds as usize, timeout as usize)
    }))
}

pub unsafe fn ppoll(fds: *mut u8, nfds: u64, ts: *const u8, sigmask: *const u8) -> Result<i32> {
    // SAFETY: the caller's pollfd array, timespec and sigset (each may
    // be NULL but the array) go to the kernel, which checks them.
    check_int(cancellable(|| unsafe {
        syscall6(
            SYS_ppoll,
            fds as usize,
            nfds as usize,
            ts as usize,
            sigmask as usize,
            KERNEL_SIGSET_SIZE,
            0,
        )
    }))
}

/// `data` points at the kernel's `{ const sigset_t *ss; size_t ss_len; }`, or is NULL.
pub unsafe fn pselect6(nfds: i32, r: *mut u8, w: *mut u8, e: *mut u8, ts: *mut u8, data: *const u8) -> Result<i32> {
    // SAFETY: the fd_sets and timespec are the caller's (or ours, on our stack).
    check_int(cancellable(|| unsafe {
        syscall6(
            SYS_pselect6,
            nfds as usize,
            r as usize,
            w as usize,
            e as usize,
            ts as usize,
            data as usize,
        )
    }))
}

pub fn epoll_create(size: i32) -> Result<i32> {
    // SAFETY: no pointers. x86_64 keeps the old syscall, which glibc calls.
    check_int(unsafe { syscall3(SYS_epoll_create, size as usize, 0, 0) })
}

pub fn epoll_create1(flags: i32) -> Result<i32> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall3(SYS_epoll_create1, flags as usize, 0, 0) })
}

pub unsafe fn epoll_ctl(epfd: i32, op: i32, fd: i32, ev: *mut u8) -> Result<i32> {
    // SAFETY: `ev` is the caller's epoll_event (or NULL for EPOLL_CTL_DEL).
    check_int(unsafe {
        syscall6(
            SYS_epoll_ctl,
            epfd as usize,
            op as usize,
            fd as usize,
            ev as usize,
            0,
            0,
        )
    })
}

pub unsafe fn epoll_wait(epfd: i32, evs: *mut u8, max: i32, timeout: i32) -> Result<i32> {
    // SAFETY: the caller's event array of `max` entries.
    check_int(cancellable(|| unsafe {
        syscall6(
            SYS_epoll_wait,
            epfd as usize,
            evs as usize,
            max as usize,
            timeout as usize,
            0,
            0,
        )
    }))
}

pub unsafe fn epoll_pwait(epfd: i32, evs: *mut u8, max: i32, timeout: i32, sigmask: *const u8) -> Result<i32> {
    // SAFETY: the caller's event array and sigset (or NULL) go to the
    // kernel, which checks them.
    check_int(cancellable(|| unsafe {
        syscall6(
            SYS_epoll_pwait,
            epfd as usize,
            evs as usize,
            max as usize,
            timeout as usize,
            sigmask as usize,
            KERNEL_SIGSET_SIZE,
        )
    }))
}
