//! Name resolution core: the steps of glibc's "files dns" resolution, each a
//! module, readable top to bottom.
//!
//! getaddrinfo, as musl's reads: `getaddrinfo` (flags, hints, numeric
//! hosts) → `service` (service names and ports) → `lookup_host` (the name
//! through the "hosts:" sources, walked by `walk`) → `sort` (RFC 6724, as
//! glibc sorts, with /etc/gai.conf from `files::gai_conf`). getnameinfo is
//! `getnameinfo` over `lookup_host`'s address lookup; gethostbyname2 and
//! gethostbyaddr are `hostent` over the same `walk`.
//!
//! - `files`: /etc/hosts, /etc/services, /etc/protocols, /etc/nsswitch.conf
//!   and /etc/gai.conf (parsers, and a snapshot cache keyed by inode, size
//!   and mtime);
//! - `dns`: /etc/resolv.conf, the DNS wire format, and the client (UDP with
//!   A and AAAA in parallel, retries, TCP on truncation, search list);
//! - `host`: a host entry (name, aliases, addresses), as big as the answer;
//! - `grow`: the list behind it, inline first and on the heap beyond;
//! - `sources`: the `Sources` trait, where lookups get their data;
//! - `walk`: the one walk over the "hosts:" sources, in nsswitch order with
//!   each source's actions, for every host lookup;
//! - `lookup_host`: a name or an address through the sources, with glibc's
//!   /etc/hosts semantics (getaddrinfo's and getnameinfo's lookups);
//! - `service`, `getaddrinfo`, `getnameinfo`: those calls but their C layout;
//! - `hostent`: gethostbyname2 and gethostbyaddr as glibc answers them,
//!   `_r` buffer sizes included;
//! - `sort`: RFC 6724 destination address selection, as glibc sorts;
//! - `system`: this machine as the resolver sees it: its `Sources` (files,
//!   then DNS) and its `sort::Kernel` (through `crate::sys::route`).
//!
//! This file holds what those steps share: the address and error types,
//! the limits, and the `h_errno` values. Everything here is safe Rust; the
//! C skin is `crate::header::netdb`.
#![forbid(unsafe_code)]

pub mod dns;
pub mod files;
pub mod getaddrinfo;
pub mod getnameinfo;
pub mod grow;
pub mod host;
pub mod hostent;
pub mod lookup_host;
pub mod service;
pub mod sort;
pub mod sources;
pub mod system;
pub mod walk;

use crate::inet::ipv4;

// ---- limits --------------------------------------------------------------

/// Longest host name kept (DNS names are at most 253 bytes of text).
pub(crate) const MAX_NAME: usize = 255;
/// Addresses kept inline (on the stack) before a list moves to the heap.
pub(crate) const MAX_ADDRS: usize = 48;
/// Names kept inline.
pub(crate) const MAX_ALIASES: usize = 35;
/// Inline room for the names' text.
pub(crate) const ALIAS_BYTES: usize = 1024;
/// Most service tuples (one per socket type / protocol pair glibc knows).
pub(crate) const MAX_TUPLES: usize = 7;
/// Room for a `sockaddr_in6`, the largest socket address the resolver makes.
pub(crate) const SOCKADDR_MAX: usize = crate::sys::dns_io::SOCKADDR_MAX;

// ---- h_errno values (glibc's <netdb.h>) ----------------------------------

pub(crate) const NETDB_INTERNAL: i32 = -1;
pub(crate) const NETDB_SUCCESS: i32 = 0;
pub(crate) const HOST_NOT_FOUND: i32 = 1;
pub(crate) const TRY_AGAIN: i32 = 2;
pub(crate) const NO_RECOVERY: i32 = 3;
pub(crate) const NO_DATA: i32 = 4;

// ---- shared types --------------------------------------------------------

/// An IPv4 or IPv6 address, in network byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addr {
    V4([u8; 4]),
    V6([u8; 16]),
}

/// Which address families a lookup wants (from `ai_family` / the call).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Any,
    V4,
    V6,
}

/// Why a lookup found nothing, in resolver terms (the skin maps these to
/// `EAI_*` and `h_errno`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// The name does not exist (NXDOMAIN, or in no source): HOST_NOT_FOUND.
    NotFound,
    /// The name exists but has no address of the wanted family: NO_DATA.
    NoData,
    /// DNS answered with records, none of them an address for the name (a
    /// CNAME only, other owners, a wrong RDATA size): nss_dns's TRYAGAIN
    /// with NO_RECOVERY, so `_r` returns an error and getaddrinfo's AF_INET
    /// shortcut EAI_NODATA (elsewhere EAI_NONAME).
    NoAddress,
    /// A temporary failure (timeout, SERVFAIL): TRY_AGAIN.
    TryAgain,
    /// TRY_AGAIN from a DNS server whose TCP stream ended mid-answer: nss_dns
    /// says NOTFOUND here, not UNAVAIL (res_send leaves errno neither
    /// ECONNREFUSED nor ETIMEDOUT), so `_r` returns 0 and getaddrinfo's
    /// AF_INET shortcut EAI_NONAME.
    TryAgainNotFound,
    /// A permanent failure (REFUSED, FORMERR, a name that fails the
    /// host-name check): NO_RECOVERY.
    NoRecovery,
    /// A reply whose answers cannot be read (a bad compression pointer, more
    /// records counted than present): NO_RECOVERY, and errno `EMSGSIZE`,
    /// which glibc's `_r` functions then return (nss_dns fails the lookup
    /// as `ns_rr_cursor_next` does).
    Malformed,
    /// A system error (errno), e.g. from reading a file.
    System(i32),
    /// No source could be asked (an empty or unusable "hosts:" list, or
    /// only modules sockshim does not have), as glibc's `getXXbyYY_r`
    /// reports it: with the errno of that moment (the caller's, or what
    /// reading nsswitch.conf left).
    NoService(i32),
}

/// `getaddrinfo`'s and `getnameinfo`'s errors (the skin maps them to
/// `EAI_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GaiError {
    BadFlags,
    NoName,
    Again,
    Fail,
    NoData,
    Family,
    SockType,
    Service,
    AddrFamily,
    Memory,
    System(i32),
}

/// One address of a `getaddrinfo` answer, with its IPv6 scope id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub addr: Addr,
    pub scope_id: u32,
}

/// A socket type, protocol and port (network order) of the results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tuple {
    pub socktype: i32,
    pub protocol: i32,
    pub port: u16,
}

/// One `addrinfo` of a `getaddrinfo` answer: an address and a tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrInfo {
    pub target: Target,
    pub tuple: Tuple,
}

impl Addr {
    /// The address as 16 bytes: IPv6 as is, IPv4 as `::ffff:a.b.c.d`.
    pub fn to_v6_bytes(&self) -> [u8; 16] {
        match *self {
            Addr::V6(a) => a,
            Addr::V4(a) => v4_mapped(a),
        }
    }

    /// Its family, as a socket address names it (`AF_INET`, `AF_INET6`).
    pub(crate) fn af(&self) -> i32 {
        match self {
            Addr::V4(_) => libc::AF_INET,
            Addr::V6(_) => libc::AF_INET6,
        }
    }
}

/// `::1`.
pub(crate) const LOOPBACK_V6: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// `::ffff:a.b.c.d`.
pub(crate) fn v4_mapped(a: [u8; 4]) -> [u8; 16] {
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a[0], a[1], a[2], a[3]]
}

/// The IPv4 address inside `::ffff:a.b.c.d`, if `a` is one.
pub(crate) fn unmap_v4(a: &[u8; 16]) -> Option<[u8; 4]> {
    if a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff {
        Some([a[12], a[13], a[14], a[15]])
    } else {
        None
    }
}

/// `inet_aton` accepting nothing after the address (glibc's
/// `__inet_aton_exact`).
pub fn aton_exact(s: &[u8]) -> Option<[u8; 4]> {
    if s.iter().any(|&c| c == b' ' || (b'\t'..=b'\r').contains(&c)) {
        return None;
    }
    ipv4::parse_aton(s).map(u32::to_be_bytes)
}

/// `addr` as the bytes of a `sockaddr_in` (16 bytes) or `sockaddr_in6`
/// (28 bytes, with `scope_id`), with `port` in network order; and its
/// length.
pub(crate) fn sockaddr_of(addr: &Addr, port: u16, scope_id: u32) -> ([u8; SOCKADDR_MAX], usize) {
    let mut sa = [0u8; SOCKADDR_MAX];
    sa[..2].copy_from_slice(&(addr.af() as u16).to_ne_bytes());
    sa[2..4].copy_from_slice(&port.to_ne_bytes());
    match addr {
        Addr::V4(a) => {
            sa[4..8].copy_from_slice(a);
            (sa, 16)
        }
        Addr::V6(a) => {
            sa[8..24].copy_from_slice(a);
            sa[24..28].copy_from_slice(&scope_id.to_ne_bytes());
            (sa, 28)
        }
    }
}

/// The address in the bytes of a `sockaddr_in` or `sockaddr_in6`; None for
/// another family.
pub(crate) fn addr_of_sockaddr(sa: &[u8; SOCKADDR_MAX]) -> Option<Addr> {
    match i32::from(u16::from_ne_bytes([sa[0], sa[1]])) {
        libc::AF_INET => Some(Addr::V4([sa[4], sa[5], sa[6], sa[7]])),
        libc::AF_INET6 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&sa[8..24]);
            Some(Addr::V6(a))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aton_exact_refuses_trailing_text() {
        assert_eq!(aton_exact(b"0x7f.1"), Some([127, 0, 0, 1]));
        assert_eq!(aton_exact(b"1.2.3.4 "), None);
        assert_eq!(aton_exact(b"1.2.3.4.5"), None);
    }

    #[test]
    fn sockaddr_round_trip() {
        let v4 = Addr::V4([192, 0, 2, 1]);
        let (sa, len) = sockaddr_of(&v4, 53u16.to_be(), 7);
        assert_eq!((len, &sa[..8]), (16, &[2, 0, 0, 53, 192, 0, 2, 1][..]));
        assert!(sa[8..].iter().all(|&b| b == 0));
        assert_eq!(addr_of_sockaddr(&sa), Some(v4));
        let v6 = Addr::V6(v4_mapped([10, 0, 0, 1]));
        let (sa, len) = sockaddr_of(&v6, 443u16.to_be(), 3);
        assert_eq!(
            (len, &sa[..4], &sa[24..]),
            (28, &[10, 0, 1, 187][..], &3u32.to_ne_bytes()[..])
        );
        assert_eq!(addr_of_sockaddr(&sa), Some(v6));
        assert_eq!(addr_of_sockaddr(&[0; SOCKADDR_MAX]), None);
    }
}
