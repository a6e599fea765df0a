//! A host name or address through the sources nsswitch.conf orders, with
//! glibc's /etc/hosts semantics, and the plan of a `getaddrinfo` answer.
//!
//! The pipeline, top to bottom:
//! 1. numeric hosts (`numeric_host`): `inet_aton` text exactly, or IPv6 text
//!    with an optional `%scope`;
//! 2. the sources in nsswitch order (`by_name`, `by_addr`): files, then DNS,
//!    each status followed by its nsswitch action;
//! 3. for `getaddrinfo`, the service tuples (`service_tuples`) crossed with
//!    the addresses, sorted by `sort` (RFC 6724 as glibc sorts).
//!
//! /etc/hosts as glibc 2.36's nss_files reads it (verified on this machine):
//! - a name matches a line's canonical name or any alias, ignoring case;
//! - gethostbyname/gethostbyname2 (one family) merge every matching line of
//!   that family: the first line gives `h_name`; each later line appends its
//!   aliases, then its canonical name unless it equals `h_name` exactly;
//! - for IPv4, a line with `::ffff:a.b.c.d` counts as `a.b.c.d` and a line
//!   with `::1` as `127.0.0.1`; other IPv6 lines are skipped; for IPv6, IPv4
//!   lines are skipped (RES_USE_INET6 is not supported);
//! - getaddrinfo with AF_UNSPEC collects every matching line of both
//!   families in file order (mapped addresses stay IPv6); its canonical name
//!   is the first line's.

use core::ops::ControlFlow;

use super::files::nsswitch::{Action, Source, SourceItem, Sources as NssSources, Status};
use super::hostent::{NETDB_INTERNAL, NO_RECOVERY};
use super::sort::{self, Kernel};
use super::{unmap_v4, v4_mapped, Addr, Family, LookupError};
use crate::inet::{ipv4, ipv6};

/// Longest host name kept (DNS names are at most 253 bytes of text).
pub(crate) const MAX_NAME: usize = 255;
/// Most addresses one lookup gives.
pub(crate) const MAX_ADDRS: usize = 48;
/// Most aliases one lookup gives.
pub(crate) const MAX_ALIASES: usize = 35;
/// Room for the aliases' text.
pub(crate) const ALIAS_BYTES: usize = 1024;
/// Most `addrinfo` results one `getaddrinfo` gives.
pub(crate) const MAX_RESULTS: usize = 256;
/// Most service tuples (one per socket type / protocol pair glibc knows).
pub(crate) const MAX_TUPLES: usize = 7;

/// A name in a fixed buffer.
#[derive(Clone, Copy)]
pub struct Name {
    buf: [u8; MAX_NAME],
    len: usize,
}

impl Name {
    pub(crate) const fn new() -> Self {
        Name {
            buf: [0; MAX_NAME],
            len: 0,
        }
    }

    pub fn from(s: &[u8]) -> Self {
        let mut n = Name::new();
        n.set(s);
        n
    }

    /// Keeps at most `MAX_NAME` bytes of `s`.
    pub fn set(&mut self, s: &[u8]) {
        let len = s.len().min(MAX_NAME);
        self.buf[..len].copy_from_slice(&s[..len]);
        self.len = len;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::new()
    }
}

/// A list of names in one fixed buffer (a host's aliases, the names of a
/// DNS answer); beyond `MAX_ALIASES` names or `ALIAS_BYTES` bytes, names
/// are dropped.
#[derive(Clone, Copy)]
pub struct NameList {
    buf: [u8; ALIAS_BYTES],
    end: [u16; MAX_ALIASES],
    count: usize,
}

impl Default for NameList {
    fn default() -> Self {
        NameList::new()
    }
}

impl NameList {
    pub(crate) const fn new() -> Self {
        NameList {
            buf: [0; ALIAS_BYTES],
            end: [0; MAX_ALIASES],
            count: 0,
        }
    }

    /// Appends a name, unless the list is full.
    pub fn push(&mut self, s: &[u8]) {
        let start = self.text_len();
        let end = start + s.len();
        if self.count < MAX_ALIASES && end <= ALIAS_BYTES {
            self.buf[start..end].copy_from_slice(s);
            self.end[self.count] = end as u16;
            self.count += 1;
        }
    }

    fn text_len(&self) -> usize {
        match self.count {
            0 => 0,
            n => usize::from(self.end[n - 1]),
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.end.get(i - 1).map_or(0, |&e| usize::from(e))
        };
        let end = self.end.get(i).map_or(start, |&e| usize::from(e));
        self.buf.get(start..end).unwrap_or(&[])
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.count).map(move |i| self.get(i))
    }
}

/// A host entry: what gethostbyname returns, and what getaddrinfo uses.
#[derive(Clone, Copy)]
pub struct Host {
    /// The canonical name (`h_name`).
    pub name: Name,
    aliases: NameList,
    addrs: [Addr; MAX_ADDRS],
    addr_count: usize,
}

impl Default for Host {
    fn default() -> Self {
        Host::new()
    }
}

impl Host {
    pub(crate) const fn new() -> Self {
        Host {
            name: Name::new(),
            aliases: NameList::new(),
            addrs: [Addr::V4([0; 4]); MAX_ADDRS],
            addr_count: 0,
        }
    }

    pub fn addrs(&self) -> &[Addr] {
        &self.addrs[..self.addr_count]
    }

    /// Appends an address; beyond `MAX_ADDRS` addresses are dropped.
    pub fn push_addr(&mut self, a: Addr) {
        if let Some(slot) = self.addrs.get_mut(self.addr_count) {
            *slot = a;
            self.addr_count += 1;
        }
    }

    /// Appends an alias; beyond the limits aliases are dropped.
    pub fn push_alias(&mut self, s: &[u8]) {
        self.aliases.push(s);
    }

    pub fn alias_count(&self) -> usize {
        self.aliases.len()
    }

    pub fn alias(&self, i: usize) -> &[u8] {
        self.aliases.get(i)
    }

    pub fn aliases(&self) -> impl Iterator<Item = &[u8]> {
        self.aliases.iter()
    }
}

/// What a DNS address lookup gives (the adapter in `system` fills it).
pub struct DnsAddrs {
    pub addrs: [Addr; MAX_ADDRS],
    pub len: usize,
    pub canon: Name,
    /// The names glibc's gethostbyname stores from the answer, in reply
    /// order: the name as asked (search domain applied), then each CNAME
    /// target. The last one is `h_name`, the others are `h_aliases`.
    pub names: NameList,
    /// Set with `Err(NotFound)`: the reply had answers but no address of
    /// the wanted type (a CNAME only). glibc's getaddrinfo says EAI_NONAME;
    /// its gethostbyname2 says NO_RECOVERY (status TRYAGAIN, EAGAIN).
    pub no_address: bool,
    /// Set with `Err(TryAgain)`: the last query got no usable reply (every
    /// server timed out, refused or said SERVFAIL), so glibc's nss_dns
    /// says UNAVAIL and gethostbyname_r returns EAGAIN; otherwise (an
    /// earlier query failed, a later one was answered) it says NOTFOUND
    /// and returns 0.
    pub unavailable: bool,
}

impl Default for DnsAddrs {
    fn default() -> Self {
        DnsAddrs {
            addrs: [Addr::V4([0; 4]); MAX_ADDRS],
            len: 0,
            canon: Name::new(),
            names: NameList::new(),
            no_address: false,
            unavailable: false,
        }
    }
}

/// One line of /etc/hosts as glibc's nss_files reads it into the caller's
/// buffer (see `hostbuf`): every line, comments and invalid ones included.
pub struct FileLine<'a> {
    /// Its length in the file, newline included (what `fgets` reads).
    pub len: usize,
    /// The length of the C string the parser sees: up to the first NUL.
    pub c_len: usize,
    /// The address and the names (canonical first) of a valid line.
    pub entry: Option<(Addr, &'a [&'a [u8]])>,
}

/// The callback of `Sources::hosts_lines`.
pub type HostsLineFn<'a> = dyn FnMut(&FileLine<'_>) -> ControlFlow<()> + 'a;

/// How `walk_sources` asks one source (files or DNS) into a `Host`.
type AskFn<'a> = dyn FnMut(&mut dyn Sources, Source, &mut Host) -> Result<(), LookupError> + 'a;

/// Where lookups get their data: /etc/hosts, DNS, /etc/services and the
/// nsswitch order. `system::SystemSources` is the machine's; tests use
/// their own.
pub trait Sources {
    /// The "hosts:" sources in nsswitch.conf order, with their actions.
    fn host_sources(&mut self) -> NssSources;
    /// errno and h_errno as the caller left them: glibc's answers depend on
    /// them when no source can be asked.
    fn caller(&self) -> Caller {
        Caller::default()
    }
    /// Each /etc/hosts line in file order.
    fn hosts_lines(&mut self, f: &mut HostsLineFn<'_>) -> Result<(), LookupError>;
    /// A DNS lookup of the addresses of `name`.
    fn dns_addrs(&mut self, name: &[u8], family: Family, out: &mut DnsAddrs) -> Result<(), LookupError>;
    /// A DNS PTR lookup; the name's length in `out`.
    fn dns_ptr(&mut self, addr: &Addr, out: &mut [u8; 256]) -> Result<usize, LookupError>;
    /// `getservbyname_r(name, proto)`: the port in host order.
    fn service_port(&mut self, name: &[u8], proto: &[u8]) -> Option<u16>;
    /// `getservbyport_r(port, proto)`: the service name's length in `out`.
    fn service_name(&mut self, port: u16, proto: &[u8], out: &mut [u8; 256]) -> Option<usize>;
}

/// The calling thread's errno and h_errno when the call began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    pub errno: i32,
    pub h_errno: i32,
}

/// How glibc walks the "hosts:" sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    /// As `getXXbyYY_r` does (gethostby*, getnameinfo, and getaddrinfo's
    /// AF_INET shortcut): a module it does not have is passed over while its
    /// UNAVAIL action is to continue; with no module asked at all the call
    /// fails with `NoService`.
    Reentrant,
    /// As getaddrinfo's own loop does: every item is asked, and one without
    /// a module answers UNAVAIL with h_errno NETDB_INTERNAL and errno EBUSY.
    Gai,
}

/// The first source from `start` that sockshim can ask, and its index,
/// passing over others as glibc's `__nss_lookup` and `__nss_next2` do:
/// while their UNAVAIL action is to continue and a later item exists.
pub(crate) fn usable_from(items: &[SourceItem], start: usize) -> Option<(usize, SourceItem)> {
    let mut i = start;
    loop {
        let item = *items.get(i)?;
        if item.source != Source::Other {
            return Some((i, item));
        }
        if item.action(Status::Unavail) != Action::Continue || i + 1 >= items.len() {
            return None;
        }
        i += 1;
    }
}

/// What `getXXbyYY_r` gives when it could ask no source, errno being
/// `errno`: its return value, which it also leaves in errno (errno, but
/// EINVAL for ERANGE, which would mean "buffer too small"), and its h_errno
/// (NETDB_INTERNAL, NO_RECOVERY when errno is ENOENT).
pub(crate) fn no_service(errno: i32) -> (i32, i32) {
    let ret = if errno == libc::ERANGE { libc::EINVAL } else { errno };
    let h_errno = if errno == libc::ENOENT {
        NO_RECOVERY
    } else {
        NETDB_INTERNAL
    };
    (ret, h_errno)
}

/// What a lookup by name wants, after the caller's family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query {
    /// One family, as gethostbyname2 (merging lines).
    One(Family),
    /// Both families, as getaddrinfo's AF_UNSPEC lookup (gethostbyname4_r).
    Both,
}

/// A line's address as a lookup of `family` sees it, or None to skip it.
pub(crate) fn line_addr_for(addr: Addr, family: Family) -> Option<Addr> {
    match (family, addr) {
        (Family::V4, Addr::V4(_)) => Some(addr),
        (Family::V4, Addr::V6(a6)) => {
            if let Some(a4) = unmap_v4(&a6) {
                Some(Addr::V4(a4))
            } else if a6 == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] {
                Some(Addr::V4([127, 0, 0, 1]))
            } else {
                None
            }
        }
        (Family::V6, Addr::V6(_)) => Some(addr),
        (Family::V6, Addr::V4(_)) => None,
        (Family::Any, _) => Some(addr),
    }
}

/// /etc/hosts by name. Ok(true) when something matched.
pub fn files_by_name(src: &mut dyn Sources, name: &[u8], query: Query, out: &mut Host) -> Result<bool, LookupError> {
    let family = match query {
        Query::One(f) => f,
        Query::Both => Family::Any,
    };
    let mut found = false;
    src.hosts_lines(&mut |line| {
        let Some((addr, names)) = line.entry else {
            return ControlFlow::Continue(());
        };
        let Some(addr) = line_addr_for(addr, family) else {
            return ControlFlow::Continue(());
        };
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return ControlFlow::Continue(());
        }
        let canonical = names.first().copied().unwrap_or(&[]);
        if !found {
            found = true;
            out.name.set(canonical);
            for alias in names.iter().skip(1) {
                out.push_alias(alias);
            }
        } else if query != Query::Both {
            for alias in names.iter().skip(1) {
                out.push_alias(alias);
            }
            if canonical != out.name.as_bytes() {
                out.push_alias(canonical);
            }
        }
        out.push_addr(addr);
        ControlFlow::Continue(())
    })?;
    Ok(found)
}

/// /etc/hosts by address: the first line with that address.
pub fn files_by_addr(src: &mut dyn Sources, want: &Addr, out: &mut Host) -> Result<bool, LookupError> {
    let family = match want {
        Addr::V4(_) => Family::V4,
        Addr::V6(_) => Family::V6,
    };
    let mut found = false;
    src.hosts_lines(&mut |line| {
        let Some((addr, names)) = line.entry else {
            return ControlFlow::Continue(());
        };
        if line_addr_for(addr, family) != Some(*want) {
            return ControlFlow::Continue(());
        }
        found = true;
        out.name.set(names.first().copied().unwrap_or(&[]));
        for alias in names.iter().skip(1) {
            out.push_alias(alias);
        }
        out.push_addr(*want);
        ControlFlow::Break(())
    })?;
    Ok(found)
}

/// The error a failed source gives, as a status for nsswitch actions.
fn status_of(e: LookupError) -> Status {
    match e {
        LookupError::NotFound | LookupError::NoData => Status::NotFound,
        LookupError::TryAgain => Status::TryAgain,
        LookupError::NoRecovery | LookupError::System(_) | LookupError::NoService(_) => Status::Unavail,
    }
}

/// Asks the "hosts:" sources in order, applying each source's action to
/// its status: `ask` answers for files and DNS; other modules are not
/// installed, and `walk` says how glibc treats them. The error is the last
/// source's.
fn walk_sources(src: &mut dyn Sources, out: &mut Host, walk: Walk, ask: &mut AskFn<'_>) -> Result<(), LookupError> {
    let sources = src.host_sources();
    if let Some(errno) = sources.error {
        // glibc could not load nsswitch.conf: getXXbyYY_r fails with that
        // errno; getaddrinfo's loop asks nothing and ends on the h_errno the
        // caller left (EAI_SYSTEM only if it was NETDB_INTERNAL).
        return Err(match walk {
            Walk::Reentrant => LookupError::NoService(errno),
            Walk::Gai if src.caller().h_errno == NETDB_INTERNAL => LookupError::System(errno),
            Walk::Gai => LookupError::NotFound,
        });
    }
    let items = sources.items();
    let at = |i: usize| items.get(i).map(|&item| (i, item));
    let mut next = match walk {
        Walk::Reentrant => match usable_from(items, 0) {
            Some(first) => Some(first),
            None => return Err(LookupError::NoService(src.caller().errno)),
        },
        // getaddrinfo's loop runs once even over an empty list, on its end
        // marker, which has no module either.
        Walk::Gai if items.is_empty() => return Err(LookupError::System(libc::EBUSY)),
        Walk::Gai => at(0),
    };
    let mut last = LookupError::NotFound;
    while let Some((i, item)) = next {
        *out = Host::new();
        let r = match item.source {
            Source::Other => Err(LookupError::System(libc::EBUSY)),
            s => ask(src, s, out),
        };
        let status = match r {
            Ok(()) => Status::Success,
            Err(e) => {
                last = e;
                status_of(e)
            }
        };
        if item.action(status) == Action::Return {
            return r;
        }
        if status == Status::Success {
            // SUCCESS=continue: glibc moves on and the later source decides.
            last = LookupError::NotFound;
        }
        next = match walk {
            Walk::Reentrant => usable_from(items, i + 1),
            Walk::Gai => at(i + 1),
        };
    }
    *out = Host::new();
    Err(last)
}

/// A name through the nsswitch sources: the first source that finds it,
/// with nsswitch actions applied. The error is the last source's.
pub fn by_name(
    src: &mut dyn Sources,
    name: &[u8],
    query: Query,
    walk: Walk,
    out: &mut Host,
) -> Result<(), LookupError> {
    walk_sources(src, out, walk, &mut |src, source, out| match source {
        Source::Files => match files_by_name(src, name, query, out) {
            Ok(true) => Ok(()),
            Ok(false) => Err(LookupError::NotFound),
            Err(e) => Err(e),
        },
        _ => {
            let family = match query {
                Query::One(f) => f,
                Query::Both => Family::Any,
            };
            let mut answer = DnsAddrs::default();
            src.dns_addrs(name, family, &mut answer)?;
            if answer.len == 0 {
                return Err(LookupError::NoData);
            }
            out.name = answer.canon;
            for a in answer.addrs.iter().take(answer.len) {
                out.push_addr(*a);
            }
            Ok(())
        }
    })
}

/// An address through the nsswitch sources, as gethostbyaddr_r walks them
/// (getnameinfo calls it).
pub fn by_addr(src: &mut dyn Sources, addr: &Addr, out: &mut Host) -> Result<(), LookupError> {
    // glibc answers the unspecified IPv6 address without asking anyone.
    if *addr == Addr::V6([0; 16]) {
        return Err(LookupError::NotFound);
    }
    walk_sources(src, out, Walk::Reentrant, &mut |src, source, out| match source {
        Source::Files => match files_by_addr(src, addr, out) {
            Ok(true) => Ok(()),
            Ok(false) => Err(LookupError::NotFound),
            Err(e) => Err(e),
        },
        _ => {
            let mut buf = [0u8; 256];
            let n = src.dns_ptr(addr, &mut buf)?;
            out.name.set(buf.get(..n).unwrap_or(&[]));
            out.push_addr(*addr);
            Ok(())
        }
    })
}

// ---- getaddrinfo -------------------------------------------------------------

/// `getaddrinfo`'s errors (the skin maps them to `EAI_*`).
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

/// `ai_flags` bits (glibc's values).
pub mod flags {
    pub(crate) const PASSIVE: i32 = 0x1;
    pub(crate) const CANONNAME: i32 = 0x2;
    pub(crate) const NUMERICHOST: i32 = 0x4;
    pub(crate) const V4MAPPED: i32 = 0x8;
    pub(crate) const ALL: i32 = 0x10;
    pub(crate) const ADDRCONFIG: i32 = 0x20;
    pub(crate) const IDN: i32 = 0x40;
    pub(crate) const CANONIDN: i32 = 0x80;
    /// The former AI_IDN_ALLOW_UNASSIGNED and AI_IDN_USE_STD3_ASCII_RULES.
    pub(crate) const DEPRECATED_IDN: i32 = 0x300;
    pub(crate) const NUMERICSERV: i32 = 0x400;
    pub(crate) const KNOWN: i32 =
        PASSIVE | CANONNAME | NUMERICHOST | V4MAPPED | ALL | ADDRCONFIG | IDN | CANONIDN | DEPRECATED_IDN | NUMERICSERV;
}

const AF_UNSPEC: i32 = 0;
const AF_INET: i32 = 2;
const AF_INET6: i32 = 10;
const SOCK_STREAM: i32 = 1;
const SOCK_DGRAM: i32 = 2;
const SOCK_RAW: i32 = 3;
const SOCK_SEQPACKET: i32 = 5;
const SOCK_DCCP: i32 = 6;
const IPPROTO_TCP: i32 = 6;
const IPPROTO_UDP: i32 = 17;
const IPPROTO_DCCP: i32 = 33;
const IPPROTO_SCTP: i32 = 132;
const IPPROTO_UDPLITE: i32 = 136;

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
    flags: flags::V4MAPPED | flags::ADDRCONFIG,
    family: AF_UNSPEC,
    socktype: 0,
    protocol: 0,
};

/// One socket type / protocol pair glibc knows, and its services protocol.
struct TypeProto {
    socktype: i32,
    protocol: i32,
    /// The protocol is whatever the caller asked (raw sockets).
    any_protocol: bool,
    /// Services cannot be named for it (raw sockets).
    no_service: bool,
    /// Returned when the caller gives neither socket type nor protocol.
    default: bool,
    name: &'static [u8],
}

/// glibc's table, in glibc's order (the order of the results).
const TYPE_PROTOS: [TypeProto; MAX_TUPLES] = [
    TypeProto {
        socktype: SOCK_STREAM,
        protocol: IPPROTO_TCP,
        any_protocol: false,
        no_service: false,
        default: true,
        name: b"tcp",
    },
    TypeProto {
        socktype: SOCK_DGRAM,
        protocol: IPPROTO_UDP,
        any_protocol: false,
        no_service: false,
        default: true,
        name: b"udp",
    },
    TypeProto {
        socktype: SOCK_DCCP,
        protocol: IPPROTO_DCCP,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"dccp",
    },
    TypeProto {
        socktype: SOCK_DGRAM,
        protocol: IPPROTO_UDPLITE,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"udplite",
    },
    TypeProto {
        socktype: SOCK_STREAM,
        protocol: IPPROTO_SCTP,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"sctp",
    },
    TypeProto {
        socktype: SOCK_SEQPACKET,
        protocol: IPPROTO_SCTP,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"sctp",
    },
    TypeProto {
        socktype: SOCK_RAW,
        protocol: 0,
        any_protocol: true,
        no_service: true,
        default: true,
        name: b"raw",
    },
];

/// A socket type, protocol and port (network order) of the results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tuple {
    pub socktype: i32,
    pub protocol: i32,
    pub port: u16,
}

/// The service as glibc parses it: `strtoul(s, &end, 10)` and a number only
/// if the whole text was read; the number wraps to `int` as in glibc
/// (so "-1" and "4294967295" are names, and 65536 is port 0).
pub fn parse_service(s: &[u8]) -> Option<i32> {
    let mut i = 0;
    while s.get(i).is_some_and(|&c| c == b' ' || (b'\t'..=b'\r').contains(&c)) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = s.get(i..).unwrap_or(&[]);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .unwrap_or(u64::MAX);
    }
    if negative && v != u64::MAX {
        v = v.wrapping_neg();
    }
    Some(v as i32)
}

fn fits(tp: &TypeProto, h: &Hints) -> bool {
    (h.socktype == 0 || h.socktype == tp.socktype) && (h.protocol == 0 || tp.any_protocol || h.protocol == tp.protocol)
}

fn tuple_of(tp: &TypeProto, h: &Hints, port: u16) -> Tuple {
    Tuple {
        socktype: tp.socktype,
        protocol: if tp.any_protocol { h.protocol } else { tp.protocol },
        port,
    }
}

/// The service tuples of the answer, in glibc's order.
pub fn service_tuples(
    src: &mut dyn Sources,
    service: Option<&[u8]>,
    h: &Hints,
    out: &mut [Tuple; MAX_TUPLES],
) -> Result<usize, GaiError> {
    // With a socket type or protocol, the first entry that fits.
    let chosen = if h.socktype != 0 || h.protocol != 0 {
        match TYPE_PROTOS.iter().find(|tp| fits(tp, h)) {
            Some(tp) => Some(tp),
            None if h.socktype != 0 => return Err(GaiError::SockType),
            None => return Err(GaiError::Service),
        }
    } else {
        None
    };
    if service.is_some() && chosen.is_some_and(|tp| tp.no_service) {
        return Err(GaiError::Service);
    }
    let number = match service {
        None => Some(0),
        Some(s) => parse_service(s).filter(|&n| n >= 0),
    };
    if let Some(num) = number {
        let port = (num as u16).to_be();
        if let Some(tp) = chosen {
            out[0] = tuple_of(tp, h, port);
            return Ok(1);
        }
        let mut n = 0;
        for tp in TYPE_PROTOS.iter().filter(|tp| tp.default) {
            out[n] = Tuple {
                socktype: tp.socktype,
                protocol: tp.protocol,
                port,
            };
            n += 1;
        }
        return Ok(n);
    }
    let name = service.unwrap_or(&[]);
    if let Some(tp) = chosen {
        let port = src.service_port(name, tp.name).ok_or(GaiError::Service)?;
        out[0] = tuple_of(tp, h, port.to_be());
        return Ok(1);
    }
    let mut n = 0;
    for tp in TYPE_PROTOS.iter().filter(|tp| !tp.no_service && fits(tp, h)) {
        if let Some(port) = src.service_port(name, tp.name) {
            out[n] = tuple_of(tp, h, port.to_be());
            n += 1;
        }
    }
    if n == 0 {
        return Err(GaiError::Service);
    }
    Ok(n)
}

/// One address of the answer, with its IPv6 scope id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub addr: Addr,
    pub scope_id: u32,
}

/// `inet_aton` accepting nothing after the address (glibc's
/// `__inet_aton_exact`).
pub fn aton_exact(s: &[u8]) -> Option<[u8; 4]> {
    if s.iter().any(|&c| c == b' ' || (b'\t'..=b'\r').contains(&c)) {
        return None;
    }
    ipv4::parse_aton(s).map(u32::to_be_bytes)
}

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
            AF_UNSPEC | AF_INET => Addr::V4(a4),
            AF_INET6 if h.flags & flags::V4MAPPED != 0 => Addr::V6(v4_mapped(a4)),
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
            AF_UNSPEC | AF_INET6 => Addr::V6(a6),
            AF_INET => match unmap_v4(&a6) {
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
    if h.flags & flags::NUMERICHOST != 0 {
        return Err(GaiError::NoName);
    }
    Ok(None)
}

/// The answer of `getaddrinfo`, sorted, before the skin lays it out.
pub struct Answer {
    pub results: [Result1; MAX_RESULTS],
    pub len: usize,
    /// The canonical name, for the first result (AI_CANONNAME).
    pub canon: Option<Name>,
    /// `ai_flags` of every result.
    pub flags: i32,
}

/// One `addrinfo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Result1 {
    pub target: Target,
    pub tuple: Tuple,
}

impl Answer {
    pub fn new() -> Self {
        let zero = Result1 {
            target: Target {
                addr: Addr::V4([0; 4]),
                scope_id: 0,
            },
            tuple: Tuple::default(),
        };
        Answer {
            results: [zero; MAX_RESULTS],
            len: 0,
            canon: None,
            flags: 0,
        }
    }

    pub fn results(&self) -> &[Result1] {
        &self.results[..self.len]
    }
}

impl Default for Answer {
    fn default() -> Self {
        Answer::new()
    }
}

/// Maps a failed name lookup to getaddrinfo's error, as glibc's
/// `get_nss_addresses` and `try_simple_gethostbyname` do.
fn gai_error_of(e: LookupError) -> GaiError {
    match e {
        LookupError::NotFound | LookupError::NoRecovery => GaiError::NoName,
        LookupError::NoData => GaiError::NoData,
        LookupError::TryAgain => GaiError::Again,
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
    targets: &mut [Target; MAX_ADDRS],
    canon: &mut Name,
) -> Result<usize, GaiError> {
    let mut host = Host::new();
    let mut n = 0;
    // glibc takes the AF_INET shortcut through gethostbyname2_r unless the
    // canonical name is wanted.
    let walk = if h.family == AF_INET && h.flags & flags::CANONNAME == 0 {
        Walk::Reentrant
    } else {
        Walk::Gai
    };
    let mut push = |targets: &mut [Target; MAX_ADDRS], a: Addr| {
        if let Some(slot) = targets.get_mut(n) {
            *slot = Target { addr: a, scope_id: 0 };
            n += 1;
        }
    };
    match h.family {
        AF_INET6 => {
            // IPv6 first; IPv4 (mapped) if asked and needed.
            let six = by_name(src, name, Query::One(Family::V6), walk, &mut host);
            let got_ipv6 = six.is_ok() && !host.addrs().is_empty();
            if got_ipv6 {
                canon.set(host.name.as_bytes());
                for a in host.addrs() {
                    // A mapped address from an IPv6 lookup is dropped when
                    // AI_V4MAPPED without AI_ALL (glibc's got_ipv6 filter).
                    if let Addr::V6(a6) = a {
                        if h.flags & (flags::V4MAPPED | flags::ALL) == flags::V4MAPPED && unmap_v4(a6).is_some() {
                            continue;
                        }
                    }
                    push(targets, *a);
                }
            }
            let mut err = six.err();
            if h.flags & flags::V4MAPPED != 0 && (h.flags & flags::ALL != 0 || !got_ipv6) {
                let mut four = Host::new();
                match by_name(src, name, Query::One(Family::V4), walk, &mut four) {
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
        AF_INET => {
            by_name(src, name, Query::One(Family::V4), walk, &mut host).map_err(gai_error_of)?;
            canon.set(host.name.as_bytes());
            for a in host.addrs() {
                push(targets, *a);
            }
        }
        _ => {
            by_name(src, name, Query::Both, walk, &mut host).map_err(gai_error_of)?;
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
        (Some(LookupError::TryAgain), LookupError::TryAgain) => LookupError::TryAgain,
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
    if h.flags & !flags::KNOWN != 0 {
        return Err(GaiError::BadFlags);
    }
    if h.flags & flags::CANONNAME != 0 && name.is_none() {
        return Err(GaiError::BadFlags);
    }
    if !matches!(h.family, AF_UNSPEC | AF_INET | AF_INET6) {
        return Err(GaiError::Family);
    }
    let mut ifaddrs = sort::IfAddrs::new();
    let mut have_ifaddrs = false;
    if h.flags & flags::ADDRCONFIG != 0 {
        kernel.interface_addrs(&mut ifaddrs);
        have_ifaddrs = true;
        let (v4, v6) = (ifaddrs.seen_ipv4, ifaddrs.seen_ipv6);
        if h.family == AF_UNSPEC && (v4 || v6) {
            if v4 != v6 {
                h.family = if v4 { AF_INET } else { AF_INET6 };
            }
        } else if (h.family == AF_INET && !v4) || (h.family == AF_INET6 && !v6) {
            return Err(GaiError::NoName);
        }
    }
    if h.flags & flags::NUMERICSERV != 0 {
        if let Some(s) = service.filter(|s| !s.is_empty()) {
            if parse_service(s).is_none() {
                return Err(GaiError::NoName);
            }
        }
    }
    let service = service.filter(|s| !s.is_empty());

    let mut tuples = [Tuple::default(); MAX_TUPLES];
    let ntuples = service_tuples(src, service, &h, &mut tuples)?;
    let tuples = &tuples[..ntuples];

    let mut targets = [Target {
        addr: Addr::V4([0; 4]),
        scope_id: 0,
    }; MAX_ADDRS];
    let mut canon = Name::new();
    let ntargets = match name {
        None => {
            let passive = h.flags & flags::PASSIVE != 0;
            let mut n = 0;
            if h.family != AF_INET {
                let a = if passive {
                    [0; 16]
                } else {
                    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
                };
                targets[n] = Target {
                    addr: Addr::V6(a),
                    scope_id: 0,
                };
                n += 1;
            }
            if h.family != AF_INET6 {
                let a = if passive { [0; 4] } else { [127, 0, 0, 1] };
                targets[n] = Target {
                    addr: Addr::V4(a),
                    scope_id: 0,
                };
                n += 1;
            }
            n
        }
        Some(name) => match numeric_host(name, &h, kernel)? {
            Some(t) => {
                targets[0] = t;
                canon.set(name);
                1
            }
            None => lookup_targets(src, name, &h, &mut targets, &mut canon)?,
        },
    };

    out.len = 0;
    out.flags = h.flags;
    out.canon = (h.flags & flags::CANONNAME != 0).then(|| match name {
        // A looked-up name without a canonical name keeps the caller's text.
        Some(n) if canon.as_bytes().is_empty() => Name::from(n),
        _ => canon,
    });
    for t in &targets[..ntargets] {
        for tuple in tuples {
            if let Some(slot) = out.results.get_mut(out.len) {
                *slot = Result1 {
                    target: *t,
                    tuple: *tuple,
                };
                out.len += 1;
            }
        }
    }
    if ntargets > 1 {
        if !have_ifaddrs {
            kernel.interface_addrs(&mut ifaddrs);
        }
        let policy = kernel.policy();
        sort::sort_results(&mut out.results[..out.len], &ifaddrs, &policy, kernel);
    }
    Ok(())
}

// ---- getnameinfo -------------------------------------------------------------

/// `NI_*` flags (glibc's values).
pub mod ni {
    pub(crate) const NUMERICHOST: i32 = 1;
    pub(crate) const NUMERICSERV: i32 = 2;
    pub(crate) const NOFQDN: i32 = 4;
    pub(crate) const NAMEREQD: i32 = 8;
    pub(crate) const DGRAM: i32 = 16;
    pub(crate) const IDN: i32 = 32;
    /// The former NI_IDN_ALLOW_UNASSIGNED and NI_IDN_USE_STD3_ASCII_RULES.
    pub(crate) const DEPRECATED_IDN: i32 = 192;
    /// Every flag glibc 2.36 accepts (anything else is EAI_BADFLAGS).
    pub(crate) const KNOWN: i32 = NUMERICHOST | NUMERICSERV | NOFQDN | NAMEREQD | DGRAM | IDN | DEPRECATED_IDN;
}

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
    if flags & ni::NUMERICHOST == 0 {
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
            Err(LookupError::TryAgain) => return Err(GaiError::Again),
            _ => {}
        }
        if found.is_ok() {
            let mut name = host.name.as_bytes();
            if flags & ni::NOFQDN != 0 && !domain.is_empty() {
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
    if flags & ni::NAMEREQD != 0 {
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
    if flags & ni::NUMERICSERV == 0 {
        let mut buf = [0u8; 256];
        let proto: &[u8] = if flags & ni::DGRAM != 0 { b"udp" } else { b"tcp" };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed /etc/hosts and /etc/services, no DNS.
    struct Fake {
        hosts: &'static [(&'static str, &'static [&'static str])],
        sources: NssSources,
    }

    fn parse_addr(s: &str) -> Addr {
        if let Some(a) = ipv4::parse_pton(s.as_bytes()) {
            Addr::V4(a)
        } else {
            Addr::V6(ipv6::parse(s.as_bytes()).unwrap())
        }
    }

    impl Sources for Fake {
        fn host_sources(&mut self) -> NssSources {
            self.sources
        }
        fn hosts_lines(&mut self, f: &mut HostsLineFn<'_>) -> Result<(), LookupError> {
            for (a, names) in self.hosts {
                let mut v: [&[u8]; 8] = [&[]; 8];
                for (i, n) in names.iter().enumerate() {
                    v[i] = n.as_bytes();
                }
                let line = FileLine {
                    len: 1 + a.len() + names.iter().map(|n| n.len() + 1).sum::<usize>(),
                    c_len: 1 + a.len() + names.iter().map(|n| n.len() + 1).sum::<usize>(),
                    entry: Some((parse_addr(a), &v[..names.len()])),
                };
                if f(&line).is_break() {
                    break;
                }
            }
            Ok(())
        }
        fn dns_addrs(&mut self, _: &[u8], _: Family, _: &mut DnsAddrs) -> Result<(), LookupError> {
            Err(LookupError::TryAgain)
        }
        fn dns_ptr(&mut self, _: &Addr, _: &mut [u8; 256]) -> Result<usize, LookupError> {
            Err(LookupError::NotFound)
        }
        fn service_port(&mut self, name: &[u8], proto: &[u8]) -> Option<u16> {
            match (name, proto) {
                (b"http", b"tcp" | b"udp" | b"sctp") => Some(80),
                (b"domain", b"tcp" | b"udp") => Some(53),
                _ => None,
            }
        }
        fn service_name(&mut self, port: u16, proto: &[u8], out: &mut [u8; 256]) -> Option<usize> {
            (port == 80 && proto == b"tcp").then(|| {
                out[..4].copy_from_slice(b"http");
                4
            })
        }
    }

    const HOSTS: &[(&str, &[&str])] = &[
        ("1.2.3.4", &["foo"]),
        ("1.2.3.5", &["bar", "foo", "baz"]),
        ("::1", &["foo", "qux"]),
        ("1.2.3.6", &["FOO", "bar", "foo"]),
        ("2001:db8::7", &["foo", "v6a"]),
        ("::ffff:10.0.0.9", &["mapped"]),
    ];

    fn fake() -> Fake {
        Fake {
            hosts: HOSTS,
            sources: NssSources::default_hosts(),
        }
    }

    #[test]
    fn sources_sockshim_lacks_are_walked_as_glibc_does() {
        use crate::resolve::files::nsswitch::parse;
        let run = |conf: &str, name: &[u8], walk: Walk| {
            let mut f = Fake {
                hosts: HOSTS,
                sources: parse([conf.as_bytes()]),
            };
            by_name(&mut f, name, Query::One(Family::V4), walk, &mut Host::new())
        };
        // getXXbyYY_r passes over modules it cannot load while their
        // UNAVAIL action is to continue; with none asked, errno decides.
        assert_eq!(run("hosts: bogus files", b"foo", Walk::Reentrant), Ok(()));
        assert_eq!(
            run("hosts: files bogus", b"nope", Walk::Reentrant),
            Err(LookupError::NotFound)
        );
        assert_eq!(
            run("hosts: bogus", b"foo", Walk::Reentrant),
            Err(LookupError::NoService(0))
        );
        assert_eq!(run("hosts:", b"foo", Walk::Reentrant), Err(LookupError::NoService(0)));
        let stop = "hosts: bogus [UNAVAIL=return] files";
        assert_eq!(run(stop, b"foo", Walk::Reentrant), Err(LookupError::NoService(0)));
        // getaddrinfo's loop asks each one: UNAVAIL, errno EBUSY.
        let busy = Err(LookupError::System(libc::EBUSY));
        assert_eq!(run("hosts: files bogus", b"nope", Walk::Gai), busy);
        assert_eq!(
            run("hosts: bogus files", b"nope", Walk::Gai),
            Err(LookupError::NotFound)
        );
        assert_eq!(run("hosts:", b"foo", Walk::Gai), busy);
        assert_eq!(run(stop, b"foo", Walk::Gai), busy);
        // A file glibc cannot parse.
        let broken = "hosts: files [NOTFOUND=bogus]";
        assert_eq!(
            run(broken, b"foo", Walk::Reentrant),
            Err(LookupError::NoService(libc::EINVAL))
        );
        assert_eq!(run(broken, b"foo", Walk::Gai), Err(LookupError::NotFound));
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

    fn aliases(h: &Host) -> Vec<String> {
        h.aliases().map(|a| String::from_utf8(a.to_vec()).unwrap()).collect()
    }

    #[test]
    fn merge_of_ipv4_lines_matches_glibc() {
        // glibc 2.36: name=foo aliases=foo,baz,bar,qux,bar,foo,FOO
        // addrs=1.2.3.4,1.2.3.5,127.0.0.1,1.2.3.6
        let mut h = Host::new();
        by_name(&mut fake(), b"foo", Query::One(Family::V4), Walk::Reentrant, &mut h).unwrap();
        assert_eq!(h.name.as_bytes(), b"foo");
        assert_eq!(aliases(&h), ["foo", "baz", "bar", "qux", "bar", "foo", "FOO"]);
        assert_eq!(
            h.addrs(),
            [
                parse_addr("1.2.3.4"),
                parse_addr("1.2.3.5"),
                parse_addr("127.0.0.1"),
                parse_addr("1.2.3.6")
            ]
        );
    }

    #[test]
    fn merge_of_ipv6_lines_and_case() {
        let mut h = Host::new();
        by_name(&mut fake(), b"FOO", Query::One(Family::V6), Walk::Reentrant, &mut h).unwrap();
        assert_eq!(h.name.as_bytes(), b"foo");
        assert_eq!(aliases(&h), ["qux", "v6a"]);
        assert_eq!(h.addrs(), [parse_addr("::1"), parse_addr("2001:db8::7")]);
        let mut h = Host::new();
        by_name(&mut fake(), b"mapped", Query::One(Family::V4), Walk::Reentrant, &mut h).unwrap();
        assert_eq!(h.addrs(), [parse_addr("10.0.0.9")]);
    }

    #[test]
    fn both_families_keep_file_order() {
        let mut h = Host::new();
        by_name(&mut fake(), b"foo", Query::Both, Walk::Gai, &mut h).unwrap();
        assert_eq!(h.addrs().len(), 5);
        assert_eq!(h.addrs()[2], parse_addr("::1"));
        // Not found in files, DNS times out: the last source's error.
        assert_eq!(
            by_name(&mut fake(), b"nope", Query::Both, Walk::Gai, &mut h),
            Err(LookupError::TryAgain)
        );
    }

    #[test]
    fn by_addr_first_line() {
        let mut h = Host::new();
        by_addr(&mut fake(), &parse_addr("127.0.0.1"), &mut h).unwrap();
        assert_eq!(h.name.as_bytes(), b"foo");
        assert_eq!(aliases(&h), ["qux"]);
        assert_eq!(
            by_addr(&mut fake(), &Addr::V6([0; 16]), &mut h),
            Err(LookupError::NotFound)
        );
    }

    #[test]
    fn service_parsing_wraps_like_strtoul() {
        assert_eq!(parse_service(b"80"), Some(80));
        assert_eq!(parse_service(b" +80"), Some(80));
        assert_eq!(parse_service(b"-1"), Some(-1));
        assert_eq!(parse_service(b"4294967295"), Some(-1));
        assert_eq!(parse_service(b"65536"), Some(65536));
        assert_eq!(parse_service(b"80x"), None);
        assert_eq!(parse_service(b"http"), None);
        assert_eq!(parse_service(b" "), None);
    }

    #[test]
    fn tuples_follow_glibc_table() {
        let mut t = [Tuple::default(); MAX_TUPLES];
        let h = Hints::default();
        assert_eq!(service_tuples(&mut fake(), None, &h, &mut t), Ok(3));
        assert_eq!(
            (t[0].socktype, t[1].socktype, t[2].socktype),
            (SOCK_STREAM, SOCK_DGRAM, SOCK_RAW)
        );
        assert_eq!(service_tuples(&mut fake(), Some(b"http"), &h, &mut t), Ok(4));
        assert_eq!(
            (t[2].socktype, t[2].protocol, t[3].socktype),
            (SOCK_STREAM, IPPROTO_SCTP, SOCK_SEQPACKET)
        );
        let raw = Hints {
            socktype: SOCK_RAW,
            ..h
        };
        assert_eq!(
            service_tuples(&mut fake(), Some(b"80"), &raw, &mut t),
            Err(GaiError::Service)
        );
        let bad = Hints { socktype: 99, ..h };
        assert_eq!(service_tuples(&mut fake(), None, &bad, &mut t), Err(GaiError::SockType));
        let proto = Hints { protocol: 99, ..h };
        assert_eq!(service_tuples(&mut fake(), None, &proto, &mut t), Ok(1));
        assert_eq!((t[0].socktype, t[0].protocol), (SOCK_RAW, 99));
        assert_eq!(
            service_tuples(&mut fake(), Some(b"nope"), &h, &mut t),
            Err(GaiError::Service)
        );
    }

    #[test]
    fn aton_exact_refuses_trailing_text() {
        assert_eq!(aton_exact(b"0x7f.1"), Some([127, 0, 0, 1]));
        assert_eq!(aton_exact(b"1.2.3.4 "), None);
        assert_eq!(aton_exact(b"1.2.3.4.5"), None);
    }
}
