//! getaddrinfo but its C layout (the skin lays the answer out in one
//! block): glibc 2.36's checks of flags and hints, AI_ADDRCONFIG, the
//! service tuples (`service`), a numeric host or the name through the
//! sources (`lookup_host`), every address crossed with every tuple, then
//! RFC 6724 order (`sort`).

use super::grow::Grow;
use super::host::{Host, Name};
use super::lookup_host::{by_name, Query, SCRATCH_START};
use super::service::{parse_service, service_tuples};
use super::sort::{sort_targets, IfAddrs, Kernel};
use super::sources::Sources;
use super::walk::{no_service, Walk};
use super::{
    aton_exact, unmap_v4, v4_mapped, Addr, AddrInfo, Family, GaiError, LookupError, Target, Tuple, LOOPBACK_V6,
    MAX_ADDRS, MAX_TUPLES, NETDB_INTERNAL,
};
use crate::inet::ipv6;

/// glibc's AI_IDN and AI_CANONIDN, which the libc crate lacks (the skin's
/// `<netdb.h>` constants are checked against glibc's by the layout proof).
pub(crate) const AI_IDN: i32 = 0x40;
pub(crate) const AI_CANONIDN: i32 = 0x80;
/// The former AI_IDN_ALLOW_UNASSIGNED and AI_IDN_USE_STD3_ASCII_RULES.
pub(crate) const AI_DEPRECATED_IDN: i32 = 0x300;
/// Every flag glibc 2.36 accepts (anything else is EAI_BADFLAGS).
pub(crate) const AI_KNOWN: i32 = libc::AI_PASSIVE
    | libc::AI_CANONNAME
    | libc::AI_NUMERICHOST
    | libc::AI_V4MAPPED
    | libc::AI_ALL
    | libc::AI_ADDRCONFIG
    | AI_IDN
    | AI_CANONIDN
    | AI_DEPRECATED_IDN
    | libc::AI_NUMERICSERV;

/// The caller's hints.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints {
    pub flags: i32,
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
}

/// glibc's hints when the caller gives none: AI_V4MAPPED | AI_ADDRCONFIG.
pub(crate) const DEFAULT_HINTS: Hints = Hints {
    flags: libc::AI_V4MAPPED | libc::AI_ADDRCONFIG,
    family: libc::AF_UNSPEC,
    socktype: 0,
    protocol: 0,
};

/// glibc's `__inet6_scopeid_pton`: for link-local unicast and link- or
/// node-local multicast an interface name first, then a decimal number.
fn scope_id(addr: &[u8; 16], scope: &[u8], kernel: &mut dyn Kernel) -> Option<u32> {
    let link_local = (addr[0] == 0xfe && addr[1] & 0xc0 == 0x80) || (addr[0] == 0xff && matches!(addr[1] & 0xf, 1 | 2));
    if link_local {
        let index = kernel.if_nametoindex(scope);
        if index != 0 {
            return Some(index);
        }
    }
    if !scope.first().is_some_and(u8::is_ascii_digit) || !scope.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in scope {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    u32::try_from(v).ok()
}

/// glibc's `text_to_binary_address`: Ok(Some) for numeric hosts, Ok(None)
/// for names to look up.
pub fn numeric_host(name: &[u8], h: &Hints, kernel: &mut dyn Kernel) -> Result<Option<Target>, GaiError> {
    if let Some(a4) = aton_exact(name) {
        let addr = match h.family {
            libc::AF_UNSPEC | libc::AF_INET => Addr::V4(a4),
            libc::AF_INET6 if h.flags & libc::AI_V4MAPPED != 0 => Addr::V6(v4_mapped(a4)),
            _ => return Err(GaiError::AddrFamily),
        };
        return Ok(Some(Target { addr, scope_id: 0 }));
    }
    let (text, scope) = match name.iter().position(|&c| c == b'%') {
        Some(i) => (&name[..i], Some(&name[i + 1..])),
        None => (name, None),
    };
    if let Some(a6) = ipv6::parse(text) {
        let addr = match h.family {
            libc::AF_UNSPEC | libc::AF_INET6 => Addr::V6(a6),
            libc::AF_INET => match unmap_v4(&a6) {
                Some(a4) => Addr::V4(a4),
                None => return Err(GaiError::AddrFamily),
            },
            _ => return Err(GaiError::AddrFamily),
        };
        let scope_id = match scope {
            Some(s) => scope_id(&a6, s, kernel).ok_or(GaiError::NoName)?,
            None => 0,
        };
        return Ok(Some(Target { addr, scope_id }));
    }
    if h.flags & libc::AI_NUMERICHOST != 0 {
        return Err(GaiError::NoName);
    }
    Ok(None)
}

/// The answer of `getaddrinfo`, sorted, before the skin lays it out: the
/// addresses in their RFC 6724 order, each with every service tuple (glibc's
/// sort is stable and sees only the addresses, so sorting the addresses and
/// then pairing them is the same list, without a table of every pair).
pub struct Answer {
    targets: Targets,
    tuples: [Tuple; MAX_TUPLES],
    ntuples: usize,
    /// The canonical name, for the first result (AI_CANONNAME).
    pub canon: Option<Name>,
    /// `ai_flags` of every result.
    pub flags: i32,
}

impl Answer {
    pub fn new() -> Self {
        Answer {
            targets: Grow::new(NO_TARGET),
            tuples: [Tuple::default(); MAX_TUPLES],
            ntuples: 0,
            canon: None,
            flags: 0,
        }
    }

    /// The number of results.
    pub fn len(&self) -> usize {
        self.targets.len() * self.ntuples
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The results in order: each address with each tuple.
    pub fn results(&self) -> impl Iterator<Item = AddrInfo> + Clone + '_ {
        let tuples = &self.tuples[..self.ntuples];
        self.targets
            .as_slice()
            .iter()
            .flat_map(move |t| tuples.iter().map(move |u| AddrInfo { target: *t, tuple: *u }))
    }
}

/// The addresses of an answer (as many as the lookup gave).
type Targets = Grow<Target, MAX_ADDRS>;

const NO_TARGET: Target = Target {
    addr: Addr::V4([0; 4]),
    scope_id: 0,
};

impl Default for Answer {
    fn default() -> Self {
        Answer::new()
    }
}

/// Maps a failed name lookup to getaddrinfo's error, as glibc's
/// `get_nss_addresses` and `try_simple_gethostbyname` do.
fn gai_error_of(e: LookupError) -> GaiError {
    match e {
        LookupError::NotFound | LookupError::NoRecovery | LookupError::Malformed | LookupError::NoAddress => {
            GaiError::NoName
        }
        LookupError::NoData => GaiError::NoData,
        LookupError::TryAgain | LookupError::TryAgainNotFound => GaiError::Again,
        LookupError::System(errno) => GaiError::System(errno),
        // Only from the AF_INET shortcut, glibc's try_simple_gethostbyname
        // reading gethostbyname2_r's answer.
        LookupError::NoService(errno) => match no_service(errno) {
            (0, _) => GaiError::NoName,
            (ret, NETDB_INTERNAL) => GaiError::System(ret),
            _ => GaiError::NoData,
        },
    }
}

/// The addresses for a name that is not numeric, with glibc's family
/// logic (AI_V4MAPPED, AI_ALL). Gives the targets and the canonical name.
fn lookup_targets(
    src: &mut dyn Sources,
    name: &[u8],
    h: &Hints,
    targets: &mut Targets,
    canon: &mut Name,
) -> Result<usize, GaiError> {
    let mut host = Host::new();
    let mut scratch = SCRATCH_START;
    let mut n = 0;
    // glibc takes the AF_INET shortcut through gethostbyname2_r unless the
    // canonical name is wanted.
    let mode = if h.family == libc::AF_INET && h.flags & libc::AI_CANONNAME == 0 {
        Walk::Reentrant
    } else {
        Walk::Gai
    };
    let mut push = |targets: &mut Targets, a: Addr| {
        if targets.push(Target { addr: a, scope_id: 0 }) {
            n += 1;
        }
    };
    match h.family {
        libc::AF_INET6 => {
            // IPv6 first; IPv4 (mapped) if asked and needed.
            let six = by_name(src, name, Query::One(Family::V6), mode, &mut scratch, &mut host);
            let got_ipv6 = six.is_ok() && !host.addrs().is_empty();
            if got_ipv6 {
                canon.set(host.name.as_bytes());
                for a in host.addrs() {
                    // A mapped address from an IPv6 lookup is dropped when
                    // AI_V4MAPPED without AI_ALL (glibc's got_ipv6 filter).
                    if let Addr::V6(a6) = a {
                        if h.flags & (libc::AI_V4MAPPED | libc::AI_ALL) == libc::AI_V4MAPPED && unmap_v4(a6).is_some() {
                            continue;
                        }
                    }
                    push(targets, *a);
                }
            }
            let mut err = six.err();
            if h.flags & libc::AI_V4MAPPED != 0 && (h.flags & libc::AI_ALL != 0 || !got_ipv6) {
                let mut four = Host::new();
                match by_name(src, name, Query::One(Family::V4), mode, &mut scratch, &mut four) {
                    Ok(()) => {
                        if !got_ipv6 {
                            canon.set(four.name.as_bytes());
                        }
                        for a in four.addrs() {
                            if let Addr::V4(a4) = a {
                                push(targets, Addr::V6(v4_mapped(*a4)));
                            }
                        }
                        err = None;
                    }
                    Err(e) => {
                        if !got_ipv6 {
                            err = Some(combine(err, e));
                        }
                    }
                }
            }
            if n == 0 {
                return Err(gai_error_of(err.unwrap_or(LookupError::NotFound)));
            }
        }
        libc::AF_INET => {
            by_name(src, name, Query::One(Family::V4), mode, &mut scratch, &mut host).map_err(|e| match e {
                // try_simple_gethostbyname: gethostbyname2_r returned 0
                // without a result and h_errno not NO_DATA: EAI_NONAME; it
                // returned an error (EMSGSIZE) with NO_RECOVERY: EAI_NODATA.
                LookupError::TryAgainNotFound if mode == Walk::Reentrant => GaiError::NoName,
                LookupError::Malformed | LookupError::NoAddress if mode == Walk::Reentrant => GaiError::NoData,
                e => gai_error_of(e),
            })?;
            canon.set(host.name.as_bytes());
            for a in host.addrs() {
                push(targets, *a);
            }
        }
        _ => {
            by_name(src, name, Query::Both, mode, &mut scratch, &mut host).map_err(gai_error_of)?;
            canon.set(host.name.as_bytes());
            for a in host.addrs() {
                push(targets, *a);
            }
        }
    }
    Ok(n)
}

/// Two failures of one lookup (IPv6, then IPv4): a timeout only if both
/// timed out, "no data" if the name exists, else not found.
fn combine(first: Option<LookupError>, second: LookupError) -> LookupError {
    match (first, second) {
        (
            Some(LookupError::TryAgain | LookupError::TryAgainNotFound),
            LookupError::TryAgain | LookupError::TryAgainNotFound,
        ) => LookupError::TryAgain,
        (Some(LookupError::NoData), _) | (_, LookupError::NoData) => LookupError::NoData,
        (_, e) => e,
    }
}

/// The whole of `getaddrinfo` but the C layout: validation, AI_ADDRCONFIG,
/// service, host, results and their RFC 6724 order. `name` and `service`
/// are the caller's strings (None for NULL).
pub fn getaddrinfo(
    src: &mut dyn Sources,
    kernel: &mut dyn Kernel,
    name: Option<&[u8]>,
    service: Option<&[u8]>,
    hints: Option<&Hints>,
    out: &mut Answer,
) -> Result<(), GaiError> {
    let name = name.filter(|n| *n != b"*");
    let service = service.filter(|s| *s != b"*");
    if name.is_none() && service.is_none() {
        return Err(GaiError::NoName);
    }
    let mut h = *hints.unwrap_or(&DEFAULT_HINTS);
    if h.flags & !AI_KNOWN != 0 {
        return Err(GaiError::BadFlags);
    }
    if h.flags & libc::AI_CANONNAME != 0 && name.is_none() {
        return Err(GaiError::BadFlags);
    }
    if !matches!(h.family, libc::AF_UNSPEC | libc::AF_INET | libc::AF_INET6) {
        return Err(GaiError::Family);
    }
    let mut ifaddrs = IfAddrs::new();
    let mut have_ifaddrs = false;
    if h.flags & libc::AI_ADDRCONFIG != 0 {
        kernel.interface_addrs(&mut ifaddrs);
        have_ifaddrs = true;
        let (v4, v6) = (ifaddrs.seen_ipv4, ifaddrs.seen_ipv6);
        if h.family == libc::AF_UNSPEC && (v4 || v6) {
            if v4 != v6 {
                h.family = if v4 { libc::AF_INET } else { libc::AF_INET6 };
            }
        } else if (h.family == libc::AF_INET && !v4) || (h.family == libc::AF_INET6 && !v6) {
            return Err(GaiError::NoName);
        }
    }
    if h.flags & libc::AI_NUMERICSERV != 0 {
        if let Some(s) = service.filter(|s| !s.is_empty()) {
            if parse_service(s).is_none() {
                return Err(GaiError::NoName);
            }
        }
    }
    let service = service.filter(|s| !s.is_empty());

    out.targets.clear();
    out.ntuples = service_tuples(src, service, h.socktype, h.protocol, &mut out.tuples)?;
    let targets = &mut out.targets;
    let mut canon = Name::new();
    let ntargets = match name {
        None => {
            let passive = h.flags & libc::AI_PASSIVE != 0;
            let mut n = 0;
            if h.family != libc::AF_INET {
                let a = if passive { [0; 16] } else { LOOPBACK_V6 };
                targets.push(Target {
                    addr: Addr::V6(a),
                    scope_id: 0,
                });
                n += 1;
            }
            if h.family != libc::AF_INET6 {
                let a = if passive { [0; 4] } else { [127, 0, 0, 1] };
                targets.push(Target {
                    addr: Addr::V4(a),
                    scope_id: 0,
                });
                n += 1;
            }
            n
        }
        Some(name) => match numeric_host(name, &h, kernel)? {
            Some(t) => {
                targets.push(t);
                canon.set(name);
                1
            }
            None => lookup_targets(src, name, &h, targets, &mut canon)?,
        },
    };
    out.flags = h.flags;
    out.canon = (h.flags & libc::AI_CANONNAME != 0).then(|| match name {
        // A looked-up name without a canonical name keeps the caller's text.
        Some(n) if canon.as_bytes().is_empty() => Name::from(n),
        _ => canon,
    });
    if ntargets > 1 && out.ntuples > 0 {
        if !have_ifaddrs {
            kernel.interface_addrs(&mut ifaddrs);
        }
        let policy = kernel.policy();
        let port = out.tuples[0].port;
        sort_targets(out.targets.as_mut_slice(), port, &ifaddrs, &policy, kernel);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_af_inet_shortcut_reads_gethostbyname2_r() {
        // getaddrinfo's AF_INET shortcut reads gethostbyname2_r's answer.
        assert_eq!(gai_error_of(LookupError::NoService(0)), GaiError::NoName);
        assert_eq!(gai_error_of(LookupError::NoService(libc::ENOENT)), GaiError::NoData);
        assert_eq!(
            gai_error_of(LookupError::NoService(libc::ERANGE)),
            GaiError::System(libc::EINVAL)
        );
        assert_eq!(
            gai_error_of(LookupError::NoService(libc::EIO)),
            GaiError::System(libc::EIO)
        );
    }
}
