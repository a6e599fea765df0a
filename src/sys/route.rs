//! What the kernel's routing knows, as glibc's getaddrinfo asks it:
//! NETLINK_ROUTE dumps of the interface addresses (`__check_pf`) and of the
//! links (names, indexes, tunnel or not), and the source address the kernel
//! picks for a destination (a UDP socket connected to it, then
//! `getsockname`). Safe calls: every pointer given to the kernel is built
//! here from our own buffers and their lengths, and the replies are read
//! with every bound checked. `crate::resolve::system::SystemKernel` is the
//! caller.

use super::dns_io::SOCKADDR_MAX;
use super::{io, socket, Errno, Result};

/// Interface names are shorter than IFNAMSIZ (16).
pub(crate) const IFNAMSIZ: usize = libc::IFNAMSIZ;
/// glibc reads netlink replies a page at a time.
const NL_BUF: usize = 4096;
/// `struct sockaddr_nl`: family, pad, pid, groups.
const SOCKADDR_NL_LEN: usize = 12;
/// `struct nlmsghdr`: length, type, flags, sequence, pid.
const NLMSG_HDR_LEN: usize = 16;

const NLMSG_ERROR: u16 = libc::NLMSG_ERROR as u16;
const NLMSG_DONE: u16 = libc::NLMSG_DONE as u16;
const DUMP_FLAGS: u16 = (libc::NLM_F_ROOT | libc::NLM_F_MATCH | libc::NLM_F_REQUEST) as u16;

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
fn dump(msg_type: u16, f: &mut dyn FnMut(u16, &[u8])) -> bool {
    let Ok(fd) = socket::socket(
        libc::AF_NETLINK,
        libc::SOCK_RAW | libc::SOCK_CLOEXEC,
        libc::NETLINK_ROUTE,
    ) else {
        return false;
    };
    let ok = dump_on(fd, msg_type, f);
    let _ = io::close(fd);
    ok
}

fn dump_on(fd: i32, msg_type: u16, f: &mut dyn FnMut(u16, &[u8])) -> bool {
    let mut nladdr = [0u8; SOCKADDR_NL_LEN];
    nladdr[..2].copy_from_slice(&(libc::AF_NETLINK as u16).to_ne_bytes());
    let mut len = nladdr.len() as u32;
    // SAFETY: `nladdr` is a sockaddr_nl of `SOCKADDR_NL_LEN` bytes on our
    // stack, readable for the length given.
    if unsafe { socket::bind(fd, nladdr.as_ptr(), SOCKADDR_NL_LEN as u32) }.is_err()
        // SAFETY: `nladdr` is writable for `len` bytes, and `len` is a
        // valid in/out length on our stack.
        || unsafe { socket::getsockname(fd, nladdr.as_mut_ptr(), &mut len) }.is_err()
    {
        return false;
    }
    let pid = u32_at(&nladdr, 4).unwrap_or(0);
    let seq: u32 = 1;
    // nlmsghdr (len, type, flags, seq, pid) + rtgenmsg (family) + 3 pad.
    let mut req = [0u8; 20];
    req[0..4].copy_from_slice(&20u32.to_ne_bytes());
    req[4..6].copy_from_slice(&msg_type.to_ne_bytes());
    req[6..8].copy_from_slice(&DUMP_FLAGS.to_ne_bytes());
    req[8..12].copy_from_slice(&seq.to_ne_bytes());
    let mut kernel = [0u8; SOCKADDR_NL_LEN];
    kernel[..2].copy_from_slice(&(libc::AF_NETLINK as u16).to_ne_bytes());
    loop {
        // SAFETY: `req` is readable for its length and `kernel` is a
        // sockaddr_nl of `SOCKADDR_NL_LEN` bytes, both on our stack.
        match unsafe { socket::sendto(fd, req.as_ptr(), req.len(), 0, kernel.as_ptr(), SOCKADDR_NL_LEN as u32) } {
            Ok(_) => break,
            Err(Errno(libc::EINTR)) => continue,
            Err(_) => return false,
        }
    }
    let mut buf = [0u8; NL_BUF];
    loop {
        let mut from = [0u8; SOCKADDR_NL_LEN];
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        let mut msg = libc::msghdr {
            msg_name: from.as_mut_ptr().cast(),
            msg_namelen: SOCKADDR_NL_LEN as u32,
            msg_iov: &mut iov,
            msg_iovlen: 1,
            msg_control: core::ptr::null_mut(),
            msg_controllen: 0,
            msg_flags: 0,
        };
        // SAFETY: `msg` names `from` (`msg_namelen` bytes) and one iovec
        // describing `buf`, all on our stack and alive for the call; there
        // is no control buffer.
        let n = match unsafe { socket::recvmsg(fd, (&mut msg as *mut libc::msghdr).cast(), 0) } {
            Ok(n) => n,
            Err(Errno(libc::EINTR)) => continue,
            Err(_) => return false,
        };
        if msg.msg_flags & libc::MSG_TRUNC != 0 {
            return false;
        }
        let from_pid = u32_at(&from, 4).unwrap_or(1);
        let mut rest = buf.get(..n).unwrap_or(&[]);
        while let (Some(len), Some(ty)) = (u32_at(rest, 0), u16_at(rest, 4)) {
            let len = len as usize;
            if len < NLMSG_HDR_LEN || len > rest.len() {
                break;
            }
            let (mseq, mpid) = (u32_at(rest, 8).unwrap_or(0), u32_at(rest, 12).unwrap_or(0));
            if from_pid == 0 && mpid == pid && mseq == seq {
                match ty {
                    NLMSG_DONE => return true,
                    NLMSG_ERROR => return false,
                    _ => f(ty, &rest[NLMSG_HDR_LEN..len]),
                }
            }
            rest = rest.get((len + 3) & !3..).unwrap_or(&[]);
        }
    }
}

/// One address of an RTM_GETADDR dump: its `struct ifaddrmsg` and the
/// address attributes glibc reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceAddr<'a> {
    /// `AF_INET`, `AF_INET6`, ...
    pub family: u8,
    pub prefixlen: u8,
    /// The `IFA_F_*` flags of the message header.
    pub flags: u8,
    /// The interface index.
    pub index: u32,
    /// The first IFA_ADDRESS attribute.
    pub address: Option<&'a [u8]>,
    /// The last IFA_LOCAL attribute before it.
    pub local: Option<&'a [u8]>,
}

/// Each interface address (RTM_GETADDR). False if the dump failed.
pub fn for_each_interface_addr(f: &mut dyn FnMut(&InterfaceAddr<'_>)) -> bool {
    dump(libc::RTM_GETADDR, &mut |ty, payload| {
        if ty != libc::RTM_NEWADDR {
            return;
        }
        // ifaddrmsg: family, prefixlen, flags, scope, index(u32).
        let (Some(&family), Some(&prefixlen), Some(&flags), Some(index)) =
            (payload.first(), payload.get(1), payload.get(2), u32_at(payload, 4))
        else {
            return;
        };
        let (mut local, mut address): (Option<&[u8]>, Option<&[u8]>) = (None, None);
        attrs(payload.get(8..).unwrap_or(&[]), &mut |kind, value| match kind {
            libc::IFA_LOCAL if address.is_none() => local = Some(value),
            libc::IFA_ADDRESS if address.is_none() => address = Some(value),
            _ => {}
        });
        f(&InterfaceAddr {
            family,
            prefixlen,
            flags,
            index,
            address,
            local,
        });
    })
}

/// One link of an RTM_GETLINK dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link<'a> {
    /// The interface index.
    pub index: u32,
    /// Its `ARPHRD_*` type.
    pub kind: u16,
    /// Its name (IFLA_IFNAME), without the NUL.
    pub name: &'a [u8],
}

/// Each link (RTM_GETLINK) until `f` says true. Whether it did.
pub fn for_each_link(f: &mut dyn FnMut(&Link<'_>) -> bool) -> bool {
    let mut done = false;
    dump(libc::RTM_GETLINK, &mut |ty, payload| {
        if ty != libc::RTM_NEWLINK || done {
            return;
        }
        // ifinfomsg: family, pad, type(u16), index(i32), flags, change.
        let (Some(kind), Some(index)) = (u16_at(payload, 2), u32_at(payload, 4)) else {
            return;
        };
        let mut name: &[u8] = &[];
        attrs(payload.get(16..).unwrap_or(&[]), &mut |attr, value| {
            if attr == libc::IFLA_IFNAME {
                name = value.split(|&c| c == 0).next().unwrap_or(&[]);
            }
        });
        done = f(&Link { index, kind, name });
    });
    done
}

/// `if_nametoindex` through netlink (glibc asks SIOCGIFINDEX): 0 if none.
pub fn if_nametoindex(name: &[u8]) -> u32 {
    if name.is_empty() || name.len() >= IFNAMSIZ {
        return 0;
    }
    let mut found = 0;
    for_each_link(&mut |link| {
        if link.name == name {
            found = link.index;
        }
        found != 0
    });
    found
}

/// `if_indextoname` through netlink: the name's length in `out`.
pub fn if_indextoname(index: u32, out: &mut [u8; IFNAMSIZ]) -> Option<usize> {
    let mut len = None;
    for_each_link(&mut |link| {
        let n = link.name;
        if link.index == index && n.len() < IFNAMSIZ {
            out[..n.len()].copy_from_slice(n);
            len = Some(n.len());
        }
        len.is_some()
    });
    len
}

/// The source address the kernel picks for `dest` (the bytes of a
/// `sockaddr_in` or `sockaddr_in6`): connects datagram socket `fd` to it
/// and writes the socket's local address (`getsockname`) into `out`.
/// Returns the length the kernel gave.
pub fn source_addr(fd: i32, dest: &[u8], out: &mut [u8; SOCKADDR_MAX]) -> Result<usize> {
    let len = u32::try_from(dest.len()).map_err(|_| Errno(libc::EINVAL))?;
    // SAFETY: `dest` is readable for `len` bytes.
    unsafe { socket::connect(fd, dest.as_ptr(), len) }?;
    let mut out_len = SOCKADDR_MAX as u32;
    // SAFETY: `out` is writable for `out_len` bytes, and `out_len` is a
    // valid in/out length on our stack.
    unsafe { socket::getsockname(fd, out.as_mut_ptr(), &mut out_len) }?;
    Ok(out_len as usize)
}

/// Dissolves the association of datagram socket `fd` (a connect to
/// AF_UNSPEC).
pub fn disconnect(fd: i32) -> Result<()> {
    let unspec = [0u8; 16];
    // SAFETY: a 16-byte sockaddr with family AF_UNSPEC, on our stack.
    unsafe { socket::connect(fd, unspec.as_ptr(), unspec.len() as u32) }.map(drop)
}
