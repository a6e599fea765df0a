//! `<sys/socket.h>`: socket types, constants and calls.

use super::capture::{self, Way, ROOM_UNKNOWN};
use super::errno::{__chk_fail, ret, ret_size};
use super::ssize_t;
use super::sys_uio::iovec;
use super::trace::{call, ptr_arg};
use crate::sys;
use crate::trace::aux::{OptVal, Pair, AUX_MMSG, OPTVAL_MAX};
use crate::trace::{fdtable, Func};
use core::cell::Cell;
use core::ffi::{c_char, c_int, c_uint, c_ulong, c_void};

pub type socklen_t = u32;
pub type sa_family_t = u16;

#[repr(C)]
pub struct sockaddr {
    pub sa_family: sa_family_t,
    pub sa_data: [c_char; 14],
}

#[repr(C)]
pub struct sockaddr_storage {
    pub ss_family: sa_family_t,
    pub __ss_padding: [c_char; 118],
    pub __ss_align: c_ulong,
}

#[repr(C)]
pub struct msghdr {
    pub msg_name: *mut c_void,
    pub msg_namelen: socklen_t,
    pub msg_iov: *mut iovec,
    pub msg_iovlen: usize,
    pub msg_control: *mut c_void,
    pub msg_controllen: usize,
    pub msg_flags: c_int,
}

#[repr(C)]
pub struct mmsghdr {
    pub msg_hdr: msghdr,
    pub msg_len: c_uint,
}

/// The data follows the header (glibc's flexible `__cmsg_data[]`); reach it
/// with `CMSG_DATA`.
#[repr(C)]
pub struct cmsghdr {
    pub cmsg_len: usize,
    pub cmsg_level: c_int,
    pub cmsg_type: c_int,
}

#[repr(C)]
pub struct linger {
    pub l_onoff: c_int,
    pub l_linger: c_int,
}

#[repr(C)]
pub struct ucred {
    pub pid: libc::pid_t,
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
}

pub const SOCK_STREAM: c_int = 1;
pub const SOCK_DGRAM: c_int = 2;
pub const SOCK_RAW: c_int = 3;
pub const SOCK_RDM: c_int = 4;
pub const SOCK_SEQPACKET: c_int = 5;
pub const SOCK_DCCP: c_int = 6;
pub const SOCK_PACKET: c_int = 10;
pub const SOCK_CLOEXEC: c_int = 0o2000000;
pub const SOCK_NONBLOCK: c_int = 0o4000;

pub const AF_UNSPEC: c_int = 0;
pub const AF_LOCAL: c_int = 1;
pub const AF_UNIX: c_int = 1;
pub const AF_FILE: c_int = 1;
pub const AF_INET: c_int = 2;
pub const AF_AX25: c_int = 3;
pub const AF_IPX: c_int = 4;
pub const AF_APPLETALK: c_int = 5;
pub const AF_NETROM: c_int = 6;
pub const AF_BRIDGE: c_int = 7;
pub const AF_ATMPVC: c_int = 8;
pub const AF_X25: c_int = 9;
pub const AF_INET6: c_int = 10;
pub const AF_ROSE: c_int = 11;
pub const AF_DECnet: c_int = 12;
pub const AF_NETBEUI: c_int = 13;
pub const AF_SECURITY: c_int = 14;
pub const AF_KEY: c_int = 15;
pub const AF_NETLINK: c_int = 16;
pub const AF_ROUTE: c_int = 16;
pub const AF_PACKET: c_int = 17;
pub const AF_ASH: c_int = 18;
pub const AF_ECONET: c_int = 19;
pub const AF_ATMSVC: c_int = 20;
pub const AF_RDS: c_int = 21;
pub const AF_SNA: c_int = 22;
pub const AF_IRDA: c_int = 23;
pub const AF_PPPOX: c_int = 24;
pub const AF_WANPIPE: c_int = 25;
pub const AF_LLC: c_int = 26;
pub const AF_IB: c_int = 27;
pub const AF_MPLS: c_int = 28;
pub const AF_CAN: c_int = 29;
pub const AF_TIPC: c_int = 30;
pub const AF_BLUETOOTH: c_int = 31;
pub const AF_IUCV: c_int = 32;
pub const AF_RXRPC: c_int = 33;
pub const AF_ISDN: c_int = 34;
pub const AF_PHONET: c_int = 35;
pub const AF_IEEE802154: c_int = 36;
pub const AF_CAIF: c_int = 37;
pub const AF_ALG: c_int = 38;
pub const AF_NFC: c_int = 39;
pub const AF_VSOCK: c_int = 40;
pub const AF_KCM: c_int = 41;
pub const AF_QIPCRTR: c_int = 42;
pub const AF_SMC: c_int = 43;
pub const AF_XDP: c_int = 44;
pub const AF_MCTP: c_int = 45;
pub const AF_MAX: c_int = 46;

pub const PF_UNSPEC: c_int = AF_UNSPEC;
pub const PF_LOCAL: c_int = AF_LOCAL;
pub const PF_UNIX: c_int = AF_UNIX;
pub const PF_FILE: c_int = AF_FILE;
pub const PF_INET: c_int = AF_INET;
pub const PF_AX25: c_int = AF_AX25;
pub const PF_IPX: c_int = AF_IPX;
pub const PF_APPLETALK: c_int = AF_APPLETALK;
pub const PF_NETROM: c_int = AF_NETROM;
pub const PF_BRIDGE: c_int = AF_BRIDGE;
pub const PF_ATMPVC: c_int = AF_ATMPVC;
pub const PF_X25: c_int = AF_X25;
pub const PF_INET6: c_int = AF_INET6;
pub const PF_ROSE: c_int = AF_ROSE;
pub const PF_DECnet: c_int = AF_DECnet;
pub const PF_NETBEUI: c_int = AF_NETBEUI;
pub const PF_SECURITY: c_int = AF_SECURITY;
pub const PF_KEY: c_int = AF_KEY;
pub const PF_NETLINK: c_int = AF_NETLINK;
pub const PF_ROUTE: c_int = AF_ROUTE;
pub const PF_PACKET: c_int = AF_PACKET;
pub const PF_ASH: c_int = AF_ASH;
pub const PF_ECONET: c_int = AF_ECONET;
pub const PF_ATMSVC: c_int = AF_ATMSVC;
pub const PF_RDS: c_int = AF_RDS;
pub const PF_SNA: c_int = AF_SNA;
pub const PF_IRDA: c_int = AF_IRDA;
pub const PF_PPPOX: c_int = AF_PPPOX;
pub const PF_WANPIPE: c_int = AF_WANPIPE;
pub const PF_LLC: c_int = AF_LLC;
pub const PF_IB: c_int = AF_IB;
pub const PF_MPLS: c_int = AF_MPLS;
pub const PF_CAN: c_int = AF_CAN;
pub const PF_TIPC: c_int = AF_TIPC;
pub const PF_BLUETOOTH: c_int = AF_BLUETOOTH;
pub const PF_IUCV: c_int = AF_IUCV;
pub const PF_RXRPC: c_int = AF_RXRPC;
pub const PF_ISDN: c_int = AF_ISDN;
pub const PF_PHONET: c_int = AF_PHONET;
pub const PF_IEEE802154: c_int = AF_IEEE802154;
pub const PF_CAIF: c_int = AF_CAIF;
pub const PF_ALG: c_int = AF_ALG;
pub const PF_NFC: c_int = AF_NFC;
pub const PF_VSOCK: c_int = AF_VSOCK;
pub const PF_KCM: c_int = AF_KCM;
pub const PF_QIPCRTR: c_int = AF_QIPCRTR;
pub const PF_SMC: c_int = AF_SMC;
pub const PF_XDP: c_int = AF_XDP;
pub const PF_MCTP: c_int = AF_MCTP;
pub const PF_MAX: c_int = AF_MAX;

pub const SOL_SOCKET: c_int = 1;
pub const SOL_RAW: c_int = 255;
pub const SOL_DECNET: c_int = 261;
pub const SOL_X25: c_int = 262;
pub const SOL_PACKET: c_int = 263;
pub const SOL_ATM: c_int = 264;
pub const SOL_AAL: c_int = 265;
pub const SOL_IRDA: c_int = 266;
pub const SOL_NETBEUI: c_int = 267;
pub const SOL_LLC: c_int = 268;
pub const SOL_DCCP: c_int = 269;
pub const SOL_NETLINK: c_int = 270;
pub const SOL_TIPC: c_int = 271;
pub const SOL_RXRPC: c_int = 272;
pub const SOL_PPPOL2TP: c_int = 273;
pub const SOL_BLUETOOTH: c_int = 274;
pub const SOL_PNPIPE: c_int = 275;
pub const SOL_RDS: c_int = 276;
pub const SOL_IUCV: c_int = 277;
pub const SOL_CAIF: c_int = 278;
pub const SOL_ALG: c_int = 279;
pub const SOL_NFC: c_int = 280;
pub const SOL_KCM: c_int = 281;
pub const SOL_TLS: c_int = 282;
pub const SOL_XDP: c_int = 283;

pub const SOMAXCONN: c_int = 4096;

pub const SO_DEBUG: c_int = 1;
pub const SO_REUSEADDR: c_int = 2;
pub const SO_TYPE: c_int = 3;
pub const SO_ERROR: c_int = 4;
pub const SO_DONTROUTE: c_int = 5;
pub const SO_BROADCAST: c_int = 6;
pub const SO_SNDBUF: c_int = 7;
pub const SO_RCVBUF: c_int = 8;
pub const SO_KEEPALIVE: c_int = 9;
pub const SO_OOBINLINE: c_int = 10;
pub const SO_NO_CHECK: c_int = 11;
pub const SO_PRIORITY: c_int = 12;
pub const SO_LINGER: c_int = 13;
pub const SO_BSDCOMPAT: c_int = 14;
pub const SO_REUSEPORT: c_int = 15;
pub const SO_PASSCRED: c_int = 16;
pub const SO_PEERCRED: c_int = 17;
pub const SO_RCVLOWAT: c_int = 18;
pub const SO_SNDLOWAT: c_int = 19;
pub const SO_RCVTIMEO: c_int = 20;
pub const SO_SNDTIMEO: c_int = 21;
pub const SO_BINDTODEVICE: c_int = 25;
pub const SO_ATTACH_FILTER: c_int = 26;
pub const SO_DETACH_FILTER: c_int = 27;
pub const SO_PEERNAME: c_int = 28;
pub const SO_TIMESTAMP: c_int = 29;
pub const SO_ACCEPTCONN: c_int = 30;
pub const SO_PEERSEC: c_int = 31;
pub const SO_SNDBUFFORCE: c_int = 32;
pub const SO_RCVBUFFORCE: c_int = 33;
pub const SO_PASSSEC: c_int = 34;
pub const SO_TIMESTAMPNS: c_int = 35;
pub const SO_MARK: c_int = 36;
pub const SO_TIMESTAMPING: c_int = 37;
pub const SO_PROTOCOL: c_int = 38;
pub const SO_DOMAIN: c_int = 39;
pub const SO_RXQ_OVFL: c_int = 40;
pub const SO_WIFI_STATUS: c_int = 41;
pub const SO_PEEK_OFF: c_int = 42;
pub const SO_NOFCS: c_int = 43;
pub const SO_LOCK_FILTER: c_int = 44;
pub const SO_SELECT_ERR_QUEUE: c_int = 45;
pub const SO_BUSY_POLL: c_int = 46;
pub const SO_MAX_PACING_RATE: c_int = 47;
pub const SO_BPF_EXTENSIONS: c_int = 48;
pub const SO_INCOMING_CPU: c_int = 49;
pub const SO_ATTACH_BPF: c_int = 50;
pub const SO_COOKIE: c_int = 57;
pub const SO_PEERGROUPS: c_int = 59;
pub const SO_ZEROCOPY: c_int = 60;
pub const SO_TXTIME: c_int = 61;
pub const SO_BINDTOIFINDEX: c_int = 62;

pub const SCM_RIGHTS: c_int = 1;
pub const SCM_CREDENTIALS: c_int = 2;

pub const MSG_OOB: c_int = 0x01;
pub const MSG_PEEK: c_int = 0x02;
pub const MSG_DONTROUTE: c_int = 0x04;
pub const MSG_CTRUNC: c_int = 0x08;
pub const MSG_PROXY: c_int = 0x10;
pub const MSG_TRUNC: c_int = 0x20;
pub const MSG_DONTWAIT: c_int = 0x40;
pub const MSG_EOR: c_int = 0x80;
pub const MSG_WAITALL: c_int = 0x100;
pub const MSG_FIN: c_int = 0x200;
pub const MSG_SYN: c_int = 0x400;
pub const MSG_CONFIRM: c_int = 0x800;
pub const MSG_RST: c_int = 0x1000;
pub const MSG_ERRQUEUE: c_int = 0x2000;
pub const MSG_NOSIGNAL: c_int = 0x4000;
pub const MSG_MORE: c_int = 0x8000;
pub const MSG_WAITFORONE: c_int = 0x10000;
pub const MSG_BATCH: c_int = 0x40000;
pub const MSG_ZEROCOPY: c_int = 0x4000000;
pub const MSG_FASTOPEN: c_int = 0x20000000;
pub const MSG_CMSG_CLOEXEC: c_int = 0x40000000;

pub const SHUT_RD: c_int = 0;
pub const SHUT_WR: c_int = 1;
pub const SHUT_RDWR: c_int = 2;

// The calls. Every pointer goes to the kernel unchanged; the kernel checks
// it and answers EFAULT for a bad one, exactly as under glibc. Each goes
// through `trace::call` (one relaxed load when tracing is off); the
// closures after the syscall capture, for a traced call, only memory the
// kernel accepted (see `header::trace`).

#[no_mangle]
pub extern "C" fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    ret(call!(
        Func::Socket,
        [domain as u64, ty as u64, protocol as u64, 0, 0, 0],
        |_| {},
        || sys::socket::socket(domain, ty, protocol),
        |_, r| capture::made_socket(r, || *r.as_ref().unwrap_or(&-1), domain, ty),
    ))
}

#[no_mangle]
pub unsafe extern "C" fn socketpair(domain: c_int, ty: c_int, protocol: c_int, sv: *mut c_int) -> c_int {
    ret(call!(
        Func::Socketpair,
        [domain as u64, ty as u64, protocol as u64, ptr_arg(sv), 0, 0],
        |_| {},
        // SAFETY: `sv` is the caller's int[2], checked by the kernel.
        || unsafe { sys::socket::socketpair(domain, ty, protocol, sv) },
        |cap, r| {
            if r.is_ok() {
                // SAFETY: the kernel just wrote both descriptors.
                let pair = unsafe { [sv.read(), sv.add(1).read()] };
                fdtable::set_socket(pair[0], domain, ty);
                fdtable::set_socket(pair[1], domain, ty);
                cap.aux(|w| Pair { fds: pair }.encode(w));
            }
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    ret(call!(
        Func::Bind,
        [fd as u64, ptr_arg(addr), u64::from(len), 0, 0, 0],
        |_| {},
        // SAFETY: the caller's address, checked by the kernel.
        || unsafe { sys::socket::bind(fd, addr.cast(), len) },
        |cap, r| {
            if r.is_ok() {
                fdtable::set_bound(fd);
            }
            capture::addr_in(cap, addr.cast(), len, r)
        },
    ))
}

#[no_mangle]
pub extern "C" fn listen(fd: c_int, backlog: c_int) -> c_int {
    ret(call!(
        Func::Listen,
        [fd as u64, backlog as u64, 0, 0, 0, 0],
        |_| {},
        || sys::socket::listen(fd, backlog),
        |_, _| {},
    ))
}

#[no_mangle]
pub extern "C" fn sockatmark(fd: c_int) -> c_int {
    ret(call!(
        Func::Sockatmark,
        [fd as u64, 0, 0, 0, 0, 0],
        |_| {},
        || sys::socket::sockatmark(fd),
        |_, _| {},
    ))
}

/// accept and accept4: the new descriptor is a socket like `fd`.
#[inline(always)]
unsafe fn accept_traced(func: Func, fd: c_int, addr: *mut sockaddr, len: *mut socklen_t, flags: c_int) -> c_int {
    ret(call!(
        func,
        [fd as u64, ptr_arg(addr), ptr_arg(len), flags as u64, 0, 0],
        |cap| capture::len_before(cap, len),
        || {
            if func == Func::Accept {
                // SAFETY: the caller's address buffer and length, checked by the kernel.
                unsafe { sys::socket::accept(fd, addr.cast(), len) }
            } else {
                // SAFETY: the caller's address buffer and length, checked by the kernel.
                unsafe { sys::socket::accept4(fd, addr.cast(), len, flags) }
            }
        },
        |cap, r| {
            if let Ok(new) = r {
                fdtable::copy(fd, *new);
                // SAFETY: the call succeeded: the kernel wrote `*len` and the address.
                unsafe { capture::addr_out(cap, addr.cast(), len) };
            }
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn accept(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    // SAFETY: forwarded.
    unsafe { accept_traced(Func::Accept, fd, addr, len, 0) }
}

#[no_mangle]
pub unsafe extern "C" fn accept4(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t, flags: c_int) -> c_int {
    // SAFETY: forwarded.
    unsafe { accept_traced(Func::Accept4, fd, addr, len, flags) }
}

#[no_mangle]
pub unsafe extern "C" fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    ret(call!(
        Func::Connect,
        [fd as u64, ptr_arg(addr), u64::from(len), 0, 0, 0],
        |_| {},
        // SAFETY: the caller's address, checked by the kernel.
        || unsafe { sys::socket::connect(fd, addr.cast(), len) },
        |cap, r| capture::addr_in(cap, addr.cast(), len, r),
    ))
}

#[no_mangle]
pub extern "C" fn shutdown(fd: c_int, how: c_int) -> c_int {
    ret(call!(
        Func::Shutdown,
        [fd as u64, how as u64, 0, 0, 0, 0],
        |_| {},
        || sys::socket::shutdown(fd, how),
        |_, _| {},
    ))
}

/// getsockname and getpeername.
#[inline(always)]
unsafe fn sockname_traced(func: Func, fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    ret(call!(
        func,
        [fd as u64, ptr_arg(addr), ptr_arg(len), 0, 0, 0],
        |cap| capture::len_before(cap, len),
        || {
            if func == Func::Getsockname {
                // SAFETY: the caller's buffer and length, checked by the kernel.
                unsafe { sys::socket::getsockname(fd, addr.cast(), len) }
            } else {
                // SAFETY: the caller's buffer and length, checked by the kernel.
                unsafe { sys::socket::getpeername(fd, addr.cast(), len) }
            }
        },
        |cap, r| {
            if r.is_ok() {
                // SAFETY: the call succeeded: the kernel wrote `*len` and the address.
                unsafe { capture::addr_out(cap, addr.cast(), len) };
            }
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    // SAFETY: forwarded.
    unsafe { sockname_traced(Func::Getsockname, fd, addr, len) }
}

#[no_mangle]
pub unsafe extern "C" fn getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    // SAFETY: forwarded.
    unsafe { sockname_traced(Func::Getpeername, fd, addr, len) }
}

#[no_mangle]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    ret(call!(
        Func::Getsockopt,
        [fd as u64, level as u64, name as u64, ptr_arg(val), ptr_arg(len), 0],
        |cap| capture::len_before(cap, len),
        // SAFETY: the caller's buffer and length; the kernel decides on level and name.
        || unsafe { sys::socket::getsockopt(fd, level, name, val.cast(), len) },
        |cap, r| {
            if r.is_ok() && !len.is_null() {
                // SAFETY: the call succeeded: the kernel wrote `*len` and that
                // many bytes (at most the length passed) at `val`.
                cap.len_out = unsafe { len.read_unaligned() };
                if cap.len_in != u32::MAX {
                    let n = (cap.len_in.min(cap.len_out) as usize).min(OPTVAL_MAX);
                    // SAFETY: the call succeeded: the kernel wrote `*len` bytes at
                    // `val`, at most the `len_in` passed; `n` is no more than either.
                    let b = unsafe { capture::accepted(val, n) };
                    cap.aux(|w| OptVal { bytes: b }.encode(w));
                }
            }
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn setsockopt(fd: c_int, level: c_int, name: c_int, val: *const c_void, len: socklen_t) -> c_int {
    ret(call!(
        Func::Setsockopt,
        [fd as u64, level as u64, name as u64, ptr_arg(val), u64::from(len), 0],
        |_| {},
        // SAFETY: the caller's buffer and length; the kernel decides on level and name.
        || unsafe { sys::socket::setsockopt(fd, level, name, val.cast(), len) },
        |cap, r| match r {
            Ok(_) => {
                // SAFETY: the call succeeded: the kernel read `len` bytes at `val`.
                let b = unsafe { capture::accepted(val, (len as usize).min(OPTVAL_MAX)) };
                cap.aux(|w| OptVal { bytes: b }.encode(w));
            }
            // strace still shows an `int` the program passed (`[1]`).
            Err(e) if cap.report && e.0 != libc::EFAULT && len == 4 => {
                let mut b = [0u8; 4];
                if capture::copy_untrusted(val, &mut b) == 4 {
                    cap.aux(|w| OptVal { bytes: &b }.encode(w));
                }
            }
            Err(_) => {}
        },
    ))
}

/// send and sendto.
#[inline(always)]
unsafe fn send_traced(
    func: Func,
    fd: c_int,
    buf: *const c_void,
    len: usize,
    flags: c_int,
    addr: *const sockaddr,
    alen: socklen_t,
) -> ssize_t {
    ret_size(call!(
        func,
        [
            fd as u64,
            ptr_arg(buf),
            len as u64,
            flags as u64,
            ptr_arg(addr),
            u64::from(alen)
        ],
        |_| {},
        // SAFETY: the caller's buffer and address, checked by the kernel.
        || unsafe { sys::socket::sendto(fd, buf.cast(), len, flags, addr.cast(), alen) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel read the `n` bytes it sent.
                unsafe { capture::payload(cap, buf, *n) };
            } else {
                capture::payload_refused(cap, buf, len, r);
            }
            if !addr.is_null() {
                capture::addr_in(cap, addr.cast(), alen, r);
            }
        },
        // SAFETY: as the call, on a prefix of the caller's buffer.
        |n: usize| (len > n).then(|| unsafe { sys::socket::sendto(fd, buf.cast(), n, flags, addr.cast(), alen) }),
    ))
}

#[no_mangle]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: usize, flags: c_int) -> ssize_t {
    // SAFETY: forwarded.
    unsafe { send_traced(Func::Send, fd, buf, len, flags, core::ptr::null(), 0) }
}

/// recv and recvfrom.
#[inline(always)]
unsafe fn recv_traced(
    func: Func,
    fd: c_int,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    ret_size(call!(
        func,
        [
            fd as u64,
            ptr_arg(buf),
            len as u64,
            flags as u64,
            ptr_arg(addr),
            ptr_arg(alen)
        ],
        |cap| {
            if !addr.is_null() {
                capture::len_before(cap, alen)
            }
        },
        // SAFETY: the caller's buffers, checked by the kernel.
        || unsafe { sys::socket::recvfrom(fd, buf.cast(), len, flags, addr.cast(), alen) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the kernel wrote `n` bytes (MSG_TRUNC can report
                // more than `len`: only what fits was written).
                unsafe { capture::payload(cap, buf, (*n).min(len)) };
                cap.data_total = *n as u64;
                if !addr.is_null() {
                    // SAFETY: the call succeeded: the kernel wrote `*alen` and the address.
                    unsafe { capture::addr_out(cap, addr.cast(), alen) };
                }
            }
        },
        // SAFETY: as the call, into a prefix of the caller's buffer.
        |n: usize| (len > n).then(|| unsafe { sys::socket::recvfrom(fd, buf.cast(), n, flags, addr.cast(), alen) }),
    ))
}

#[no_mangle]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: usize, flags: c_int) -> ssize_t {
    // SAFETY: forwarded.
    unsafe {
        recv_traced(
            Func::Recv,
            fd,
            buf,
            len,
            flags,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    }
}

#[no_mangle]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: usize,
    flags: c_int,
    addr: *const sockaddr,
    alen: socklen_t,
) -> ssize_t {
    // SAFETY: forwarded.
    unsafe { send_traced(Func::Sendto, fd, buf, len, flags, addr, alen) }
}

#[no_mangle]
pub unsafe extern "C" fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    // SAFETY: forwarded.
    unsafe { recv_traced(Func::Recvfrom, fd, buf, len, flags, addr, alen) }
}

#[no_mangle]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    ret_size(call!(
        Func::Sendmsg,
        [fd as u64, ptr_arg(msg), flags as u64, 0, 0, 0],
        |_| {},
        // SAFETY: the caller's message header, checked by the kernel.
        || unsafe { sys::socket::sendmsg(fd, msg.cast(), flags) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the call succeeded with `msg`, sending `n` bytes.
                unsafe { capture::msg_capture(cap, msg.cast(), *n, Way::Sent) };
            }
        },
        |n: usize| {
            let mut cut = None;
            let m = crate::header::inject::cut_msg(msg.cast(), n, &mut cut)?;
            // SAFETY: the caller's header with fewer of its bytes (`m` points
            // into `cut`, alive here); checked by the kernel.
            Some(unsafe { sys::socket::sendmsg(fd, (&m as *const libc::msghdr).cast(), flags) })
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    // `msg_namelen` as passed, when it could be read (see `capture::Way`).
    let room = Cell::new(ROOM_UNKNOWN);
    ret_size(call!(
        Func::Recvmsg,
        [fd as u64, ptr_arg(msg), flags as u64, 0, 0, 0],
        |_| room.set(capture::name_room(msg.cast())),
        // SAFETY: the caller's message header, checked by the kernel.
        || unsafe { sys::socket::recvmsg(fd, msg.cast(), flags) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the call succeeded with `msg`: the kernel used it
                // and its iovecs.
                let fits = unsafe { iov_total(msg) };
                // SAFETY: ... receiving `n` bytes (MSG_TRUNC can report
                // more: only what fits was written).
                unsafe { capture::msg_capture(cap, msg.cast(), (*n).min(fits), Way::Received(room.get())) };
                cap.data_total = *n as u64;
            }
        },
        |n: usize| {
            let mut cut = None;
            let mut m = crate::header::inject::cut_msg(msg.cast(), n, &mut cut)?;
            // SAFETY: the caller's header with room for fewer bytes (`m`
            // points into `cut`, alive here); checked by the kernel.
            let r = unsafe { sys::socket::recvmsg(fd, (&mut m as *mut libc::msghdr).cast(), flags) };
            crate::header::inject::copy_back_msg(msg.cast(), &m);
            Some(r)
        },
    ))
}

/// The total length of a message's iovecs.
///
/// # Safety
/// The kernel has just used `msg` and its iovecs.
unsafe fn iov_total(msg: *const msghdr) -> usize {
    // SAFETY: the caller's contract.
    let m = unsafe { msg.read_unaligned() };
    let mut t: usize = 0;
    for i in 0..m.msg_iovlen {
        // SAFETY: the kernel has just read the `msg_iovlen` iovecs of `msg`.
        t = t.saturating_add(unsafe { m.msg_iov.add(i).read_unaligned() }.iov_len);
    }
    t
}

#[no_mangle]
pub unsafe extern "C" fn sendmmsg(fd: c_int, vec: *mut mmsghdr, vlen: c_uint, flags: c_int) -> c_int {
    ret(call!(
        Func::Sendmmsg,
        [fd as u64, ptr_arg(vec), u64::from(vlen), flags as u64, 0, 0],
        |_| {},
        // SAFETY: the caller's message vector, checked by the kernel.
        || unsafe { sys::socket::sendmmsg(fd, vec.cast(), vlen, flags) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the call succeeded for `n` messages.
                unsafe { capture::mmsg_capture(cap, vec.cast(), *n as usize, None) };
            }
        },
    ))
}

#[no_mangle]
pub unsafe extern "C" fn recvmmsg(
    fd: c_int,
    vec: *mut mmsghdr,
    vlen: c_uint,
    flags: c_int,
    timeout: *mut libc::timespec,
) -> c_int {
    // Each kept message's `msg_namelen` as passed (see `capture::Way`).
    let rooms = Cell::new([ROOM_UNKNOWN; AUX_MMSG]);
    ret(call!(
        Func::Recvmmsg,
        [
            fd as u64,
            ptr_arg(vec),
            u64::from(vlen),
            flags as u64,
            ptr_arg(timeout),
            0
        ],
        |_| {
            let mut r = [ROOM_UNKNOWN; AUX_MMSG];
            for (i, room) in r.iter_mut().enumerate().take(vlen as usize) {
                let m = (vec as usize).wrapping_add(i * core::mem::size_of::<mmsghdr>()) as *const msghdr;
                *room = capture::name_room(m.cast());
            }
            rooms.set(r);
        },
        // SAFETY: the caller's message vector and timeout, checked by the kernel.
        || unsafe { sys::socket::recvmmsg(fd, vec.cast(), vlen, flags, timeout.cast()) },
        |cap, r| {
            if let Ok(n) = r {
                // SAFETY: the call succeeded for `n` messages.
                unsafe { capture::mmsg_capture(cap, vec.cast(), *n as usize, Some(&rooms.get())) };
            }
        },
    ))
}

/// Fortified `recv` (`-D_FORTIFY_SOURCE=2`): aborts when `len` exceeds the
/// buffer the compiler saw, like glibc.
#[no_mangle]
pub unsafe extern "C" fn __recv_chk(fd: c_int, buf: *mut c_void, len: usize, buflen: usize, flags: c_int) -> ssize_t {
    if len > buflen {
        // SAFETY: glibc's own failure path; it never returns.
        unsafe { __chk_fail() }
    }
    // SAFETY: forwarded to `recv` with the caller's pointers.
    unsafe { recv(fd, buf, len, flags) }
}

/// Fortified `recvfrom`.
#[no_mangle]
pub unsafe extern "C" fn __recvfrom_chk(
    fd: c_int,
    buf: *mut c_void,
    len: usize,
    buflen: usize,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    if len > buflen {
        // SAFETY: glibc's own failure path; it never returns.
        unsafe { __chk_fail() }
    }
    // SAFETY: forwarded to `recvfrom` with the caller's pointers.
    unsafe { recvfrom(fd, buf, len, flags, addr, alen) }
}
