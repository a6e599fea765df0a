//! getnameinfo but its C layout: the host part (a name through the
//! sources, `lookup_host::by_addr`, or the numeric address) and the service
//! part (/etc/services, or the port in decimal), with glibc 2.36's flags.

use super::host::Host;
use super::lookup_host::by_addr;
use super::sources::Sources;
use super::walk::no_service;
use super::{Addr, GaiError, LookupError, NETDB_INTERNAL};
use crate::inet::{ipv4, ipv6};

/// The former NI_IDN_ALLOW_UNASSIGNED and NI_IDN_USE_STD3_ASCII_RULES.
pub(crate) const NI_DEPRECATED_IDN: i32 = 192;
/// Every flag glibc 2.36 accepts (anything else is EAI_BADFLAGS).
pub(crate) const NI_KNOWN: i32 = libc::NI_NUMERICHOST
    | libc::NI_NUMERICSERV
    | libc::NI_NOFQDN
    | libc::NI_NAMEREQD
    | libc::NI_DGRAM
    | libc::NI_IDN
    | NI_DEPRECATED_IDN;

/// A short text on the stack (a host or service name for getnameinfo).
pub struct Text {
    pub buf: [u8; 1100],
    pub len: usize,
}

impl Text {
    pub(crate) const fn new() -> Self {
        Text { buf: [0; 1100], len: 0 }
    }

    pub fn push(&mut self, s: &[u8]) {
        let end = (self.len + s.len()).min(self.buf.len());
        let n = end - self.len;
        self.buf[self.len..end].copy_from_slice(&s[..n]);
        self.len = end;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new()
    }
}

/// getnameinfo's host part for an IPv4/IPv6 address: Ok(text), or
/// Err(NoName) when NI_NAMEREQD and nothing found (Again, System: the
/// lookup failed). `domain` is the local
/// domain for NI_NOFQDN. The text of a numeric IPv6 address carries its
/// scope suffix separately (the skin checks room as glibc does).
pub fn name_of_addr(
    src: &mut dyn Sources,
    addr: &Addr,
    flags: i32,
    domain: &[u8],
    out: &mut Text,
) -> Result<bool, GaiError> {
    if flags & libc::NI_NUMERICHOST == 0 {
        let mut host = Host::new();
        let found = by_addr(src, addr, &mut host);
        // glibc fails when gethostbyaddr_r leaves h_errno NETDB_INTERNAL
        // (here: no source asked, errno other than ENOENT) or TRY_AGAIN.
        match found {
            Err(LookupError::NoService(errno)) => {
                if let (ret, NETDB_INTERNAL) = no_service(errno) {
                    return Err(GaiError::System(ret));
                }
            }
            Err(LookupError::TryAgain | LookupError::TryAgainNotFound) => return Err(GaiError::Again),
            _ => {}
        }
        if found.is_ok() {
            let mut name = host.name.as_bytes();
            if flags & libc::NI_NOFQDN != 0 && !domain.is_empty() {
                // glibc: strip ".domain" where the domain first occurs after
                // a dot, not at the start.
                if let Some(pos) = find(name, domain) {
                    if pos > 0 && name[pos - 1] == b'.' {
                        name = &name[..pos - 1];
                    }
                }
            }
            out.push(name);
            return Ok(true);
        }
    }
    // No name: a numeric host is not acceptable with NI_NAMEREQD (even
    // with NI_NUMERICHOST, verified on glibc 2.36).
    if flags & libc::NI_NAMEREQD != 0 {
        return Err(GaiError::NoName);
    }
    match addr {
        Addr::V4(a) => out.push(ipv4::format(*a).as_bytes()),
        Addr::V6(a) => out.push(ipv6::format(a).as_bytes()),
    }
    Ok(false)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// getnameinfo's service part: the name from /etc/services unless
/// NI_NUMERICSERV (true), else the port in decimal (false).
pub fn service_of_port(src: &mut dyn Sources, port: u16, flags: i32, out: &mut Text) -> bool {
    if flags & libc::NI_NUMERICSERV == 0 {
        let mut buf = [0u8; 256];
        let proto: &[u8] = if flags & libc::NI_DGRAM != 0 { b"udp" } else { b"tcp" };
        if let Some(n) = src.service_name(port, proto, &mut buf) {
            out.push(buf.get(..n).unwrap_or(&[]));
            return true;
        }
    }
    push_decimal(out, u64::from(port));
    false
}

/// Appends `v` in decimal.
pub fn push_decimal(out: &mut Text, v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = v;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push(&digits[i..]);
}
