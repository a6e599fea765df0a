//! Name resolution core: the steps of glibc's "files dns" resolution, each a
//! module, readable top to bottom:
//!
//! - `files`: /etc/hosts, /etc/services, /etc/protocols, /etc/nsswitch.conf
//!   (parsers, and a snapshot cache keyed by inode, size and mtime);
//! - `dns`: /etc/resolv.conf, the DNS wire format, and the client (UDP with
//!   A and AAAA in parallel, retries, TCP on truncation, search list);
//! - `lookup`: a name or address through the sources nsswitch.conf orders,
//!   and the plan of a `getaddrinfo` answer (service tuples, numeric hosts);
//! - `hostent`: gethostbyname2 and gethostbyaddr as glibc answers them,
//!   `_r` buffer sizes included;
//! - `sort`: RFC 6724 destination address selection, as glibc sorts;
//! - `system`: the `lookup::Sources` of this machine (files, then DNS).
//!
//! Everything here is safe Rust; the C skin is `crate::header::netdb`.
#![forbid(unsafe_code)]

pub mod dns;
pub mod files;
pub mod hostent;
pub mod lookup;
pub mod sort;
pub mod system;

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
    /// A temporary failure (timeout, SERVFAIL): TRY_AGAIN.
    TryAgain,
    /// A permanent failure (REFUSED, FORMERR, malformed reply): NO_RECOVERY.
    NoRecovery,
    /// A system error (errno), e.g. from reading a file.
    System(i32),
    /// No source could be asked (an empty or unusable "hosts:" list, or
    /// only modules sockshim does not have), as glibc's `getXXbyYY_r`
    /// reports it: with the errno of that moment (the caller's, or what
    /// reading nsswitch.conf left).
    NoService(i32),
}

impl Addr {
    /// The address as 16 bytes: IPv6 as is, IPv4 as `::ffff:a.b.c.d`.
    pub fn to_v6_bytes(&self) -> [u8; 16] {
        match *self {
            Addr::V6(a) => a,
            Addr::V4(a) => v4_mapped(a),
        }
    }
}

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
