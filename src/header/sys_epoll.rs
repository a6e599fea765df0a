//! `<sys/epoll.h>`. glibc packs `epoll_event` on x86_64 (12 bytes).

use core::ffi::{c_int, c_void};

use super::capture;
use super::errno::ret;
use super::trace::{call, ptr_arg};
use crate::sys;
use crate::trace::{fdtable, Func};

#[repr(C)]
#[derive(Clone, Copy)]
pub union epoll_data {
    pub ptr: *mut c_void,
    pub fd: c_int,
    pub u32: u32,
    pub u64: u64,
}

pub type epoll_data_t = epoll_data;

#[repr(C, packed)]
pub struct epoll_event {
    pub events: u32,
    pub data: epoll_data_t,
}

pub const EPOLLIN: u32 = 0x001;
pub const EPOLLPRI: u32 = 0x002;
pub const EPOLLOUT: u32 = 0x004;
pub const EPOLLRDNORM: u32 = 0x040;
pub const EPOLLRDBAND: u32 = 0x080;
pub const EPOLLWRNORM: u32 = 0x100;
pub const EPOLLWRBAND: u32 = 0x200;
pub const EPOLLMSG: u32 = 0x400;
pub const EPOLLERR: u32 = 0x008;
pub const EPOLLHUP: u32 = 0x010;
pub const EPOLLRDHUP: u32 = 0x2000;
pub const EPOLLEXCLUSIVE: u32 = 0x1000_0000;
pub const EPOLLWAKEUP: u32 = 0x2000_0000;
pub const EPOLLONESHOT: u32 = 0x4000_0000;
pub const EPOLLET: u32 = 0x8000_0000;

pub const EPOLL_CLOEXEC: c_int = 0o2000000;
pub const EPOLL_CTL_ADD: c_int = 1;
pub const EPOLL_CTL_DEL: c_int = 2;
pub const EPOLL_CTL_MOD: c_int = 3;

#[no_mangle]
pub extern "C" fn epoll_create(size: c_int) -> c_int {
    ret(call!(
        Func::EpollCreate,
        [size as u64, 0, 0, 0, 0, 0],
        |_| {},
        || sys::poll::epoll_create(size),
        |_, r| forget_new(r),
    ))
}

#[no_mangle]
pub extern "C" fn epoll_create1(flags: c_int) -> c_int {
    ret(call!(
        Func::EpollCreate1,
        [flags as u64, 0, 0, 0, 0, 0],
        |_| {},
        || sys::poll::epoll_create1(flags),
        |_, r| forget_new(r),
    ))
}

/// A new descriptor that is not a socket took a number the table may hold.
fn forget_new(r: &sys::Result<c_int>) {
    if let Ok(fd) = r {
        fdtable::forget(*fd);
    }
}

#[no_mangle]
pub unsafe extern "C" fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut epoll_event) -> c_int {
    ret(call!(
        Func::EpollCtl,
        [epfd as u64, op as u64, fd as u64, ptr_arg(event), 0, 0],
        |_| {},
        // SAFETY: the caller's event, checked by the kernel.
        || unsafe { sys::poll::epoll_ctl(epfd, op, fd, event.cast()) },
        |cap, r| capture::epoll_ctl_event(cap, event.cast(), r),
    ))
}

#[no_mangle]
pub unsafe extern "C" fn epoll_wait(epfd: c_int, events: *mut epoll_event, maxevents: c_int, timeout: c_int) -> c_int {
    ret(call!(
        Func::EpollWait,
        [epfd as u64, ptr_arg(events), maxevents as u64, timeout as u64, 0, 0],
        |_| {},
        // SAFETY: the caller's event array, checked by the kernel.
        || unsafe { sys::poll::epoll_wait(epfd, events.cast(), maxevents, timeout) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel wrote `n` events.
                unsafe { capture::epoll_events(cap, events.cast(), *n as usize) };
            }
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn epoll_pwait(
    epfd: c_int,
    events: *mut epoll_event,
    maxevents: c_int,
    timeout: c_int,
    sigmask: *const libc::sigset_t,
) -> c_int {
    ret(call!(
        Func::EpollPwait,
        [
            epfd as u64,
            ptr_arg(events),
            maxevents as u64,
            timeout as u64,
            ptr_arg(sigmask),
            0
        ],
        |_| {},
        // SAFETY: the caller's event array and mask, checked by the kernel.
        || unsafe { sys::poll::epoll_pwait(epfd, events.cast(), maxevents, timeout, sigmask.cast()) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel wrote `n` events.
                unsafe { capture::epoll_events(cap, events.cast(), *n as usize) };
            }
        },
    ))
}
