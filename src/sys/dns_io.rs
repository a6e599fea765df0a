//! Safe, slice-based socket calls for the library's own sockets (the DNS
//! client in `crate::resolve::dns`, which is safe Rust). They wrap the raw
//! calls of `socket.rs` and `poll.rs`: the pointers are built here from
//! slices whose lengths the kernel is given, so nothing can go wrong for
//! the caller. Socket addresses travel as the bytes of a `sockaddr_in` or
//! `sockaddr_in6`.

use super::{poll, socket, Errno, Result};

/// Room for a `sockaddr_in6`, the largest address the resolver uses.
pub(crate) const SOCKADDR_MAX: usize = 28;

/// `connect(fd, addr, addr.len())`. A cancellation point, like glibc's.
pub fn connect(fd: i32, addr: &[u8]) -> Result<()> {
    let len = u32::try_from(addr.len()).map_err(|_| Errno(libc::EINVAL))?;
    // SAFETY: `addr` is readable for `len` bytes.
    unsafe { socket::connect(fd, addr.as_ptr(), len) }.map(drop)
}

/// `send(fd, buf, buf.len(), flags)` (sendto without an address).
pub fn send(fd: i32, buf: &[u8], flags: i32) -> Result<usize> {
    // SAFETY: `buf` is readable for its length; no address.
    unsafe { socket::sendto(fd, buf.as_ptr(), buf.len(), flags, core::ptr::null(), 0) }
}

/// `sendmmsg` of two datagrams on a connected socket (no addresses): how
/// many were sent (0, 1 or 2), as glibc sends a query pair.
pub fn send_pair(fd: i32, first: &[u8], second: &[u8], flags: i32) -> Result<usize> {
    let mut iov = [
        libc::iovec {
            iov_base: first.as_ptr() as *mut libc::c_void,
            iov_len: first.len(),
        },
        libc::iovec {
            iov_base: second.as_ptr() as *mut libc::c_void,
            iov_len: second.len(),
        },
    ];
    // SAFETY: `mmsghdr` is plain data for which all-zero bytes are valid
    // (no address, no control data, zero lengths).
    let mut msgs: [libc::mmsghdr; 2] = unsafe { core::mem::zeroed() };
    for (m, v) in msgs.iter_mut().zip(iov.iter_mut()) {
        m.msg_hdr.msg_iov = v;
        m.msg_hdr.msg_iovlen = 1;
    }
    // SAFETY: two valid `mmsghdr`s, each pointing at one `iovec` that
    // describes a readable slice; `iov`, `first` and `second` outlive the
    // call. The kernel writes only `msg_len`.
    let n = unsafe { socket::sendmmsg(fd, msgs.as_mut_ptr().cast(), 2, flags) }?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// `recvfrom(fd, buf, buf.len(), flags, from, &len)`: the byte count and
/// the length of the sender's address written into `from`.
pub fn recvfrom(fd: i32, buf: &mut [u8], flags: i32, from: &mut [u8; SOCKADDR_MAX]) -> Result<(usize, usize)> {
    let mut alen = SOCKADDR_MAX as u32;
    // SAFETY: `buf` is writable for its length, `from` for `alen` bytes,
    // `alen` is a valid in/out length.
    let n = unsafe { socket::recvfrom(fd, buf.as_mut_ptr(), buf.len(), flags, from.as_mut_ptr(), &mut alen) }?;
    Ok((n, (alen as usize).min(SOCKADDR_MAX)))
}

/// The pending error of a socket (`getsockopt(SO_ERROR)`), 0 if none.
pub fn pending_error(fd: i32) -> Result<i32> {
    let mut err: i32 = 0;
    let mut len = core::mem::size_of::<i32>() as u32;
    // SAFETY: `err` is a writable int and `len` its size.
    unsafe {
        socket::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut err as *mut i32).cast(),
            &mut len,
        )
    }?;
    Ok(err)
}

/// `struct pollfd`.
#[repr(C)]
struct PollFd {
    fd: i32,
    events: i16,
    revents: i16,
}

/// `poll` on one descriptor: the returned events (0 on timeout). A
/// cancellation point, like glibc's.
pub fn poll_one(fd: i32, events: i16, timeout_ms: i32) -> Result<i16> {
    let mut pfd = PollFd { fd, events, revents: 0 };
    // SAFETY: one valid `struct pollfd`.
    let n = unsafe { poll::poll((&mut pfd as *mut PollFd).cast(), 1, timeout_ms) }?;
    Ok(if n > 0 { pfd.revents } else { 0 })
}
