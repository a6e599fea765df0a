//! Name resolution core: the steps of glibc's "files dns" resolution, each a
//! module, readable top to bottom:
//!
//! - `files`: /etc/hosts, /etc/services, /etc/protocols, /etc/nsswitch.conf
//!   (parsers, and a snapshot cache keyed by inode, size and mtime);
//! - `dns`: /etc/resolv.conf, the DNS wire format, and the client (UDP with
//!   A and AAAA in parallel, retries, TCP on truncation, search list);
//! - `lookup`: a name or address through the sources nsswitch.conf orders;
//! - `sort`: RFC 6724 destination address selection, as glibc sorts.
//!
//! Everything here is safe Rust; the C skin is `crate::header::netdb`.
#![forbid(unsafe_code)]

pub mod dns;
pub mod files;

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
}
