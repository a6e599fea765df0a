//! What resolution needs from the kernel, as glibc gets it: a NETLINK_ROUTE
//! dump of the interface addresses (glibc's `__check_pf`) and links
//! (interface names and indexes, tunnel or not), the source address of a
//! destination (a UDP socket connected to it, then `getsockname`), and
//! /etc/gai.conf. Everything goes through `crate::sys`.
use crate::resolve::files;
use crate::resolve::lookup::Target;
use crate::resolve::sort::{IfAddr, IfAddrs, Kernel, Policy};
use crate::resolve::{v4_mapped, Addr};
use crate::sys;

const AF_INET: i32 = 2;
const AF_INET6: i32 = 10;
const AF_NETLINK: i32 = 16;
const SOCK_DGRAM: i32 = 2;
const SOCK_RAW: i32 = 3;
const SOCK_CLOEXEC: i32 = 0o2000000;
const NETLINK_ROUTE: i32 = 0;
const RTM_GETLINK: u16 = 18;
const RTM_NEWLINK: u16 = 16;
const RTM_GETADDR: u16 = 22;
const RTM_NEWADDR: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_ROOT: u16 = 0x100;
const NLM_F_MATCH: u16 = 0x200;
const MSG_TRUNC: i32 = 0x20;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFLA_IFNAME: u16 = 3;
const ARPHRD_TUNNEL: u16 = 768;
const ARPHRD_TUNNEL6: u16 = 769;
const ARPHRD_SIT: u16 = 776;
const EAFNOSUPPORT: i32 = 97;
const EINTR: i32 = 4;
/// Interface names are shorter than IFNAMSIZ (16).
pub(super) const IFNAMSIZ: usize = 16;
/// glibc reads netlink replies a page at a time.
const NL_BUF: usize = 4096;
/// /etc/gai.conf beyond this size is ignored.
const GAI_CONF_MAX: usize = 8192;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_ne_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_ne_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
        *b.get(i + 2)?,
        *b.get(i + 3)?,
    ]))
}

/// Each route attribute (type, payload) of `b`.
fn attrs<'a>(mut b: &'a [u8], f: &mut dyn FnMut(u16, &'a [u8])) {
    while let (Some(len), Some(ty)) = (u16_at(b, 0), u16_at(b, 2)) {
        let len = usize::from(len);
        if len < 4 || len > b.len() {
            return;
        }
        f(ty, &b[4..len]);
        b = b.get((len + 3) & !3..).unwrap_or(&[]);
    }
}

/// A NETLINK_ROUTE dump request of `msg_type`: `f` gets each reply
/// message's type and payload. False if the dump failed.
fn netlink_dump(msg_type: u16, f: &mut dyn FnMut(u16, &[u8])) -> bool {
    let Ok(fd) = sys::socket::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) else {
        return false;
    };
    let ok = dump_on(fd, msg_type, f);
    let _ = sys::io::close(fd);
    ok
}

fn dump_on(fd: i32, msg_type: u16, f: &mut dyn FnMut(u16, &[u8])) -> bool {
    // sockaddr_nl: family, pad, pid, groups.
    let mut nladdr = [0u8; 12];
    nladdr[..2].copy_from_slice(&(AF_NETLINK as u16).to_ne_bytes());
    let mut len = nladdr.len() as u32;
    // SAFETY: `nladdr` is a 12-byte sockaddr_nl we own.
    if unsafe { sys::socket::bind(fd, nladdr.as_ptr(), 12) }.is_err()
        // SAFETY: as above, writable, with its length.
        || unsafe { sys::socket::getsockname(fd, nladdr.as_mut_ptr(), &mut len) }.is_err()
    {
        return false;
    }
    let pid = u32_at(&nladdr, 4).unwrap_or(0);
    let seq: u32 = 1;
    // nlmsghdr (len, type, flags, seq, pid) + rtgenmsg (family) + 3 pad.
    let mut req = [0u8; 20];
    req[0..4].copy_from_slice(&20u32.to_ne_bytes());
    req[4..6].copy_from_slice(&msg_type.to_ne_bytes());
    req[6..8].copy_from_slice(&(NLM_F_ROOT | NLM_F_MATCH | NLM_F_REQUEST).to_ne_bytes());
    req[8..12].copy_from_slice(&seq.to_ne_bytes());
    let mut kernel = [0u8; 12];
    kernel[..2].copy_from_slice(&(AF_NETLINK as u16).to_ne_bytes());
    loop {
        // SAFETY: `req` and `kernel` are our own buffers with their lengths.
        match unsafe { sys::socket::sendto(fd, req.as_ptr(), req.len(), 0, kernel.as_ptr(), 12) } {
            Ok(_) => break,
            Err(e) if e.0 == EINTR => continue,
            Err(_) => return false,
        }
    }
    let mut buf = [0u8; NL_BUF];
    loop {
        let mut from = [0u8; 12];
        let mut iov = super::super::sys_uio::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        let mut msg = super::super::sys_socket::msghdr {
            msg_name: from.as_mut_ptr().cast(),
            msg_namelen: 12,
            msg_iov: &mut iov,
            msg_iovlen: 1,
            msg_control: core::ptr::null_mut(),
            msg_controllen: 0,
            msg_flags: 0,
        };
        // SAFETY: `msg` points at our own buffers, valid for the call.
        let n = match unsafe { sys::socket::recvmsg(fd, (&mut msg as *mut super::super::sys_socket::msghdr).cast(), 0) }
        {
            Ok(n) => n,
            Err(e) if e.0 == EINTR => continue,
            Err(_) => return false,
        };
        if msg.msg_flags & MSG_TRUNC != 0 {
            return false;
        }
        let from_pid = u32_at(&from, 4).unwrap_or(1);
        let mut rest = buf.get(..n).unwrap_or(&[]);
        while let (Some(len), Some(ty)) = (u32_at(rest, 0), u16_at(rest, 4)) {
            let len = len as usize;
            if len < 16 || len > rest.len() {
                break;
            }
            let (mseq, mpid) = (u32_at(rest, 8).unwrap_or(0), u32_at(rest, 12).unwrap_or(0));
            if from_pid == 0 && mpid == pid && mseq == seq {
                match ty {
                    NLMSG_DONE => return true,
                    NLMSG_ERROR => return false,
                    _ => f(ty, &rest[16..len]),
                }
            }
            rest = rest.get((len + 3) & !3..).unwrap_or(&[]);
        }
    }
}

/// Each link's index, type and name (RTM_GETLINK).
fn for_each_link(f: &mut dyn FnMut(u32, u16, &[u8]) -> bool) -> bool {
    let mut done = false;
    netlink_dump(RTM_GETLINK, &mut |ty, p| {
        if ty != RTM_NEWLINK || done {
            return;
        }
        // ifinfomsg: family, pad, type(u16), index(i32), flags, change.
        let (Some(kind), Some(index)) = (u16_at(p, 2), u32_at(p, 4)) else {
            return;
        };
        let mut name: &[u8] = &[];
        attrs(p.get(16..).unwrap_or(&[]), &mut |at, v| {
            if at == IFLA_IFNAME {
                name = v.split(|&c| c == 0).next().unwrap_or(&[]);
            }
        });
        done = f(index, kind, name);
    });
    done
}

/// `if_nametoindex` through netlink (glibc asks SIOCGIFINDEX): 0 if none.
pub(super) fn if_nametoindex(name: &[u8]) -> u32 {
    if name.is_empty() || name.len() >= IFNAMSIZ {
        return 0;
    }
    let mut found = 0;
    for_each_link(&mut |index, _, n| {
        if n == name {
            found = index;
        }
        found != 0
    });
    found
}

/// `if_indextoname` through netlink: the name's length in `out`.
pub(super) fn if_indextoname(index: u32, out: &mut [u8; IFNAMSIZ]) -> Option<usize> {
    let mut len = None;
    for_each_link(&mut |i, _, n| {
        if i == index && n.len() < IFNAMSIZ {
            out[..n.len()].copy_from_slice(n);
            len = Some(n.len());
        }
        len.is_some()
    });
    len
}

/// A socket address in C layout for `connect`.
fn sockaddr_of(t: &Target, port: u16, out: &mut [u8; 28]) -> u32 {
    *out = [0; 28];
    match t.addr {
        Addr::V4(a) => {
            out[..2].copy_from_slice(&(AF_INET as u16).to_ne_bytes());
            out[2..4].copy_from_slice(&port.to_ne_bytes());
            out[4..8].copy_from_slice(&a);
            16
        }
        Addr::V6(a) => {
            out[..2].copy_from_slice(&(AF_INET6 as u16).to_ne_bytes());
            out[2..4].copy_from_slice(&port.to_ne_bytes());
            out[8..24].copy_from_slice(&a);
            out[24..28].copy_from_slice(&t.scope_id.to_ne_bytes());
            28
        }
    }
}

/// The kernel, for one getaddrinfo call: the probing socket lives from the
/// first `source_for` to `end_sources` (called by the sort; no Drop, so
/// nothing is held across the blocking DNS exchange before it).
pub(super) struct SysKernel {
    fd: i32,
    af: i32,
}

impl SysKernel {
    pub(super) fn new() -> Self {
        SysKernel { fd: -1, af: 0 }
    }

    fn connect_and_ask(&self, sa: &[u8; 28], len: u32) -> Result<Option<Addr>, i32> {
        if self.fd < 0 {
            return Err(0);
        }
        // SAFETY: `sa` is a socket address of `len` bytes we own.
        if let Err(e) = unsafe { sys::socket::connect(self.fd, sa.as_ptr(), len) } {
            return Err(e.0);
        }
        let mut src = [0u8; 28];
        let mut slen = 28u32;
        // SAFETY: `src` is writable for `slen` bytes.
        if let Err(e) = unsafe { sys::socket::getsockname(self.fd, src.as_mut_ptr(), &mut slen) } {
            return Err(e.0);
        }
        Ok(match u16_at(&src, 0).map(i32::from) {
            Some(AF_INET) => Some(Addr::V4([src[4], src[5], src[6], src[7]])),
            Some(AF_INET6) => {
                let mut a = [0u8; 16];
                a.copy_from_slice(&src[8..24]);
                Some(Addr::V6(a))
            }
            _ => None,
        })
    }

    fn reopen(&mut self, af: i32) {
        if self.fd >= 0 {
            let _ = sys::io::close(self.fd);
        }
        self.af = af;
        self.fd = sys::socket::socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0).unwrap_or(-1);
    }
}

impl Kernel for SysKernel {
    fn interface_addrs(&mut self, out: &mut IfAddrs) {
        *out = IfAddrs::new();
        let ok = netlink_dump(RTM_GETADDR, &mut |ty, p| {
            if ty != RTM_NEWADDR {
                return;
            }
            // ifaddrmsg: family, prefixlen, flags, scope, index(u32).
            let (Some(&family), Some(&prefixlen), Some(&flags), Some(index)) =
                (p.first(), p.get(1), p.get(2), u32_at(p, 4))
            else {
                return;
            };
            if i32::from(family) != AF_INET && i32::from(family) != AF_INET6 {
                return;
            }
            let (mut local, mut address): (Option<&[u8]>, Option<&[u8]>) = (None, None);
            attrs(p.get(8..).unwrap_or(&[]), &mut |at, v| match at {
                IFA_LOCAL if address.is_none() => local = Some(v),
                IFA_ADDRESS if address.is_none() => address = Some(v),
                _ => {}
            });
            // glibc takes IFA_ADDRESS, else IFA_LOCAL.
            let Some(a) = address.or(local) else { return };
            let v4 = i32::from(family) == AF_INET;
            let addr = if v4 {
                let Some(b) = a.get(..4) else { return };
                v4_mapped([b[0], b[1], b[2], b[3]])
            } else {
                let Some(b) = a.get(..16) else { return };
                let mut x = [0u8; 16];
                x.copy_from_slice(b);
                x
            };
            out.push(IfAddr {
                addr,
                v4,
                ifa_flags: u32::from(flags),
                prefixlen,
                index,
            });
        });
        if !ok {
            out.unknown();
        }
    }

    fn source_for(&mut self, dest: &Target, port: u16) -> Option<Addr> {
        let dest_af = match dest.addr {
            Addr::V4(_) => AF_INET,
            Addr::V6(_) => AF_INET6,
        };
        if self.fd < 0 || (self.af == AF_INET && dest_af == AF_INET6) {
            self.reopen(dest_af);
        } else {
            // Dissolve the previous association: connect to AF_UNSPEC.
            let unspec = [0u8; 16];
            // SAFETY: a 16-byte sockaddr with family AF_UNSPEC.
            let _ = unsafe { sys::socket::connect(self.fd, unspec.as_ptr(), 16) };
        }
        let mut sa = [0u8; 28];
        let len = sockaddr_of(dest, port, &mut sa);
        loop {
            match self.connect_and_ask(&sa, len) {
                Ok(src) => return src,
                Err(EAFNOSUPPORT) if self.af == AF_INET6 && dest_af == AF_INET => self.reopen(AF_INET),
                Err(_) => return None,
            }
        }
    }

    fn end_sources(&mut self) {
        if self.fd >= 0 {
            let _ = sys::io::close(self.fd);
            self.fd = -1;
        }
    }

    fn link_native(&mut self, index: u32) -> Option<bool> {
        let mut native = None;
        for_each_link(&mut |i, kind, _| {
            if i == index {
                native = Some(!matches!(kind, ARPHRD_TUNNEL | ARPHRD_TUNNEL6 | ARPHRD_SIT));
            }
            native.is_some()
        });
        native
    }

    fn if_nametoindex(&mut self, name: &[u8]) -> u32 {
        if_nametoindex(name)
    }

    fn policy(&mut self) -> Policy {
        // One `stat` per call while the file is unchanged.
        let mut buf = [0u8; GAI_CONF_MAX];
        match files::read_whole(files::Db::GaiConf, &mut buf) {
            Ok((_, n)) => Policy::from_gai_conf(buf.get(..n).unwrap_or(&[])),
            Err(_) => Policy::glibc_default(),
        }
    }
}
