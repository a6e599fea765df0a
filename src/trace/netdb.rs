//! Name-resolution events (`getaddrinfo`, `getnameinfo`, `gethostbyname`,
//! `gethostbyname2`, `gethostbyaddr`): one event per call with its query
//! and its results.
//!
//! `Event::aux` layout (written with `ResolveAux`; read back only by the
//! typed events [`AddrinfoEvent`], [`NameinfoEvent`], [`HostentEvent`],
//! [`ServentEvent`], [`ProtoentEvent`], any of them a [`ResolveEvent`],
//! which the printing here and `sockshim-trace-check` read through):
//! - strings are `u16 len` + bytes, `len == 0xffff` for a NULL pointer;
//! - `getaddrinfo`: node, service, `u8 has_hints` (+ `i32 flags, family,
//!   socktype, protocol`), canonical name, `u16 count`, then per result
//!   `i32 family, socktype, protocol, u8 addrlen` + the address bytes
//!   (the count is the list's length; at most `RESULTS_MAX` entries follow).
//!   `Event::ret` is the EAI code (0 or negative), `errno` is set only for
//!   `EAI_SYSTEM`.
//! - `getnameinfo`: the address in `Event::addr`; host, service (results).
//!   `args`: `[sa, salen, host, hostlen, serv, servlen]`+ flags in `len_in`.
//! - `gethostbyname`/`gethostbyname2`/`gethostbyaddr`: the query name (for
//!   `gethostbyaddr` the address in `Event::addr`), then the result: official
//!   name (only when found), `u16 count` + that many alias strings, `u16
//!   count` and per address `u8 len` + bytes (at most `RESULTS_MAX` of each
//!   list follow their count). `ret` 0 when found, else the `h_errno` value.
//! - `gethostbyname_r`/`gethostbyname2_r`/`gethostbyaddr_r`: the query as
//!   above, `i32 h_errno` (what the call stored in `*h_errnop`, or
//!   `H_ERRNO_UNSET` when it left it alone), `u8 found` (`*result`
//!   not NULL) and, when found, the entry as above. `ret` is the return code;
//!   `args` the query's then `buflen`.
//! - `getservbyname(_r)`: name, proto; `getservbyport(_r)`: proto (the port
//!   is `args[0]`); then `u8 found` and, when found, `s_name`, `u16 count` +
//!   aliases, `i32 s_port` (network order), `s_proto`.
//! - `getprotobyname(_r)`: name; `getprotobynumber(_r)`: nothing (the
//!   number is `args[0]`); then `u8 found` and, when found, `p_name`, the
//!   aliases, `i32 p_proto`.
//!   The non-_r forms return the entry (`ret` 0); the `_r` forms' `ret` is
//!   their return code, `args` the query's then `buflen`.

use super::event::{AuxReader, AuxWriter, Event};
use super::func::Func;
use super::names::{self, Names, Table};
use super::sink::Sink;

const NULL_STR: u16 = 0xffff;

/// The `h_errno` word of a `_r` hostent event when the call did not store
/// `*h_errnop` (no real `h_errno` value is this far from 0).
pub(crate) const H_ERRNO_UNSET: i32 = i32::MIN;

/// Most results (addrinfo entries, aliases, addresses) kept per event;
/// more are shown as `...`.
pub(crate) const RESULTS_MAX: usize = 8;

pub(crate) const AI_FLAGS: Names = &Table {
    unknown: "",
    entries: &[
        (0x1, "AI_PASSIVE"),
        (0x2, "AI_CANONNAME"),
        (0x4, "AI_NUMERICHOST"),
        (0x8, "AI_V4MAPPED"),
        (0x10, "AI_ALL"),
        (0x20, "AI_ADDRCONFIG"),
        (0x40, "AI_IDN"),
        (0x80, "AI_CANONIDN"),
        (0x400, "AI_NUMERICSERV"),
    ],
};

pub(crate) const NI_FLAGS: Names = &Table {
    unknown: "",
    entries: &[
        (1, "NI_NUMERICHOST"),
        (2, "NI_NUMERICSERV"),
        (4, "NI_NOFQDN"),
        (8, "NI_NAMEREQD"),
        (16, "NI_DGRAM"),
        (32, "NI_IDN"),
    ],
};

/// `h_errno` values.
pub(crate) const H_ERRNO: Names = &Table {
    unknown: "",
    entries: &[
        (-1, "NETDB_INTERNAL"),
        (0, "NETDB_SUCCESS"),
        (1, "HOST_NOT_FOUND"),
        (2, "TRY_AGAIN"),
        (3, "NO_RECOVERY"),
        (4, "NO_DATA"),
    ],
};

pub(crate) const EAI: Names = &Table {
    unknown: "",
    entries: &[
        (-1, "EAI_BADFLAGS"),
        (-2, "EAI_NONAME"),
        (-3, "EAI_AGAIN"),
        (-4, "EAI_FAIL"),
        (-6, "EAI_FAMILY"),
        (-7, "EAI_SOCKTYPE"),
        (-8, "EAI_SERVICE"),
        (-10, "EAI_MEMORY"),
        (-11, "EAI_SYSTEM"),
        (-12, "EAI_OVERFLOW"),
        (-5, "EAI_NODATA"),
        (-9, "EAI_ADDRFAMILY"),
    ],
};

/// `gai_strerror`'s text for glibc's codes.
pub(crate) fn eai_message(code: i64) -> Option<&'static str> {
    Some(match code {
        -1 => "Bad value for ai_flags",
        -2 => "Name or service not known",
        -3 => "Temporary failure in name resolution",
        -4 => "Non-recoverable failure in name resolution",
        -5 => "No address associated with hostname",
        -6 => "ai_family not supported",
        -7 => "ai_socktype not supported",
        -8 => "Servname not supported for ai_socktype",
        -9 => "Address family for hostname not supported",
        -10 => "Memory allocation failure",
        -11 => "System error",
        -12 => "Result too large for supplied buffer",
        _ => return None,
    })
}

/// Whether `f` reports an EAI code as its return value.
pub(crate) fn returns_eai(f: Func) -> bool {
    matches!(f, Func::Getaddrinfo | Func::Getnameinfo)
}

/// Whether `f` returns an entry pointer (`= {...}` / `= NULL` in text).
pub(crate) fn returns_entry(f: Func) -> bool {
    matches!(
        f,
        Func::Getservbyname | Func::Getservbyport | Func::Getprotobyname | Func::Getprotobynumber
    )
}

/// Writes a resolution event's `aux` (the layout above).
pub struct ResolveAux<'w, 'b> {
    pub w: &'w mut AuxWriter<'b>,
}

impl ResolveAux<'_, '_> {
    /// A C string argument or result (`None` for NULL), at most 255 bytes.
    pub fn string(&mut self, s: Option<&[u8]>) {
        match s {
            None => self.w.u16(NULL_STR),
            Some(s) => {
                let s = s.get(..255).unwrap_or(s);
                self.w.u16(s.len() as u16);
                self.w.bytes(s);
            }
        }
    }

    pub fn hints(&mut self, h: Option<[i32; 4]>) {
        match h {
            None => self.w.u8(0),
            Some(v) => {
                self.w.u8(1);
                for x in v {
                    self.w.i32(x);
                }
            }
        }
    }

    pub fn count(&mut self, n: u16) {
        self.w.u16(n);
    }

    /// One `addrinfo` result.
    pub fn addrinfo(&mut self, family: i32, socktype: i32, protocol: i32, addr: &[u8]) {
        self.w.i32(family);
        self.w.i32(socktype);
        self.w.i32(protocol);
        let a = addr.get(..128).unwrap_or(addr);
        self.w.u8(a.len() as u8);
        self.w.bytes(a);
    }

    pub fn flag(&mut self, v: bool) {
        self.w.u8(u8::from(v));
    }

    pub fn int(&mut self, v: i32) {
        self.w.i32(v);
    }

    /// One `hostent` address.
    pub fn host_addr(&mut self, a: &[u8]) {
        let a = a.get(..16).unwrap_or(a);
        self.w.u8(a.len() as u8);
        self.w.bytes(a);
    }
}

// ---- typed events: the layout above, read in one place ----

fn read_str<'a>(r: &mut AuxReader<'a>) -> Option<&'a [u8]> {
    match r.u16() {
        NULL_STR => None,
        n => Some(r.bytes(usize::from(n))),
    }
}

/// A list of which the aux keeps a count (`total`) and the first
/// `RESULTS_MAX` entries (read as zeros or empty past the end of the aux).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown<T> {
    /// The list's length.
    pub total: u16,
    items: [T; RESULTS_MAX],
}

impl<T: Copy + Default> Shown<T> {
    fn read<'a>(r: &mut AuxReader<'a>, mut item: impl FnMut(&mut AuxReader<'a>) -> T) -> Shown<T> {
        let total = r.u16();
        let mut items = [T::default(); RESULTS_MAX];
        for x in items.iter_mut().take(usize::from(total)) {
            *x = item(r);
        }
        Shown { total, items }
    }

    /// The entries kept (`min(total, RESULTS_MAX)` of them).
    pub fn shown(&self) -> &[T] {
        &self.items[..usize::from(self.total).min(RESULTS_MAX)]
    }

    /// Whether the list had more entries than were kept.
    pub fn cut(&self) -> bool {
        usize::from(self.total) > RESULTS_MAX
    }

    fn put(&self, a: &mut ResolveAux, mut item: impl FnMut(&mut ResolveAux, &T)) {
        a.count(self.total);
        for x in self.shown() {
            item(a, x);
        }
    }
}

/// One `getaddrinfo` result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AiEntry<'a> {
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
    /// `ai_addr` (a `struct sockaddr`, at most 128 bytes).
    pub addr: &'a [u8],
}

/// A `getaddrinfo` event's aux.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrinfoEvent<'a> {
    pub node: Option<&'a [u8]>,
    pub service: Option<&'a [u8]>,
    /// `ai_flags, ai_family, ai_socktype, ai_protocol` of the hints passed.
    pub hints: Option<[i32; 4]>,
    /// The first result's `ai_canonname`.
    pub canon: Option<&'a [u8]>,
    pub results: Shown<AiEntry<'a>>,
}

impl<'a> AddrinfoEvent<'a> {
    pub fn decode(aux: &'a [u8]) -> AddrinfoEvent<'a> {
        let mut r = AuxReader::new(aux);
        let node = read_str(&mut r);
        let service = read_str(&mut r);
        let hints = (r.u8() != 0).then(|| [r.i32(), r.i32(), r.i32(), r.i32()]);
        let canon = read_str(&mut r);
        let results = Shown::read(&mut r, |r| {
            let (family, socktype, protocol) = (r.i32(), r.i32(), r.i32());
            let len = usize::from(r.u8());
            AiEntry {
                family,
                socktype,
                protocol,
                addr: r.bytes(len),
            }
        });
        AddrinfoEvent {
            node,
            service,
            hints,
            canon,
            results,
        }
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        let mut a = ResolveAux { w };
        a.string(self.node);
        a.string(self.service);
        a.hints(self.hints);
        a.string(self.canon);
        self.results
            .put(&mut a, |a, e| a.addrinfo(e.family, e.socktype, e.protocol, e.addr));
    }
}

/// A `getnameinfo` event's aux (the address is `Event::addr`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NameinfoEvent<'a> {
    pub host: Option<&'a [u8]>,
    pub serv: Option<&'a [u8]>,
}

impl<'a> NameinfoEvent<'a> {
    pub fn decode(aux: &'a [u8]) -> NameinfoEvent<'a> {
        let mut r = AuxReader::new(aux);
        let host = read_str(&mut r);
        NameinfoEvent {
            host,
            serv: read_str(&mut r),
        }
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        let mut a = ResolveAux { w };
        a.string(self.host);
        a.string(self.serv);
    }
}

/// A `gethostbyname`/`gethostbyname2`/`gethostbyaddr` event's aux, or
/// (`reentrant`) one of their `_r` forms'. The entry's fields are read
/// whether or not it was found (zeros and empty then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostentEvent<'a> {
    /// A `_r` form (the aux has `h_errno` and `found`).
    pub reentrant: bool,
    /// The name asked for (`gethostbyaddr`'s address is `Event::addr`).
    pub query: Option<&'a [u8]>,
    /// What a `_r` call stored in `*h_errnop`, `H_ERRNO_UNSET` when it
    /// did not (and always for the non-_r forms: their `h_errno` is
    /// `Event::ret`).
    pub h_errno: i32,
    /// An entry was returned (non-_r: the aux goes on after the query).
    pub found: bool,
    pub name: Option<&'a [u8]>,
    pub aliases: Shown<Option<&'a [u8]>>,
    /// The addresses (`h_length` bytes each, at most 16).
    pub addrs: Shown<&'a [u8]>,
}

impl<'a> HostentEvent<'a> {
    /// `f` says which form (a `_r` one or not).
    pub fn decode(f: Func, aux: &'a [u8]) -> HostentEvent<'a> {
        let reentrant = matches!(f, Func::GethostbynameR | Func::Gethostbyname2R | Func::GethostbyaddrR);
        let mut r = AuxReader::new(aux);
        let query = read_str(&mut r);
        let (h_errno, found) = if reentrant {
            (r.i32(), r.u8() != 0)
        } else {
            (H_ERRNO_UNSET, !r.is_empty())
        };
        let name = read_str(&mut r);
        let aliases = Shown::read(&mut r, read_str);
        let addrs = Shown::read(&mut r, |r| {
            let len = usize::from(r.u8());
            r.bytes(len)
        });
        HostentEvent {
            reentrant,
            query,
            h_errno,
            found,
            name,
            aliases,
            addrs,
        }
    }

    /// What a `_r` call stored in `*h_errnop` (`None`: it did not, or a
    /// non-_r form).
    pub fn stored_h_errno(&self) -> Option<i32> {
        (self.h_errno != H_ERRNO_UNSET).then_some(self.h_errno)
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        let mut a = ResolveAux { w };
        a.string(self.query);
        if self.reentrant {
            a.int(self.h_errno);
            a.flag(self.found);
        }
        if self.found {
            a.string(self.name);
            self.aliases.put(&mut a, |a, s| a.string(*s));
            self.addrs.put(&mut a, |a, b| a.host_addr(b));
        }
    }
}

/// A `getservbyname`/`getservbyport` (or `_r`) event's aux. The entry's
/// fields are read whether or not it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServentEvent<'a> {
    /// `getservbyname(_r)` (the aux has the name; a port query's port is
    /// `Event::args[0]`).
    pub by_name: bool,
    /// The name asked for (`None` also for a port query).
    pub name: Option<&'a [u8]>,
    pub proto: Option<&'a [u8]>,
    pub found: bool,
    pub s_name: Option<&'a [u8]>,
    pub aliases: Shown<Option<&'a [u8]>>,
    /// `s_port` as stored (network order in its low 16 bits).
    pub s_port: i32,
    pub s_proto: Option<&'a [u8]>,
}

impl<'a> ServentEvent<'a> {
    /// `f` says which query (by name or by port).
    pub fn decode(f: Func, aux: &'a [u8]) -> ServentEvent<'a> {
        let by_name = matches!(f, Func::Getservbyname | Func::GetservbynameR);
        let mut r = AuxReader::new(aux);
        let name = if by_name { read_str(&mut r) } else { None };
        let proto = read_str(&mut r);
        let found = r.u8() != 0;
        let s_name = read_str(&mut r);
        let aliases = Shown::read(&mut r, read_str);
        let s_port = r.i32();
        ServentEvent {
            by_name,
            name,
            proto,
            found,
            s_name,
            aliases,
            s_port,
            s_proto: read_str(&mut r),
        }
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        let mut a = ResolveAux { w };
        if self.by_name {
            a.string(self.name);
        }
        a.string(self.proto);
        a.flag(self.found);
        if self.found {
            a.string(self.s_name);
            self.aliases.put(&mut a, |a, s| a.string(*s));
            a.int(self.s_port);
            a.string(self.s_proto);
        }
    }
}

/// A `getprotobyname`/`getprotobynumber` (or `_r`) event's aux. The
/// entry's fields are read whether or not it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtoentEvent<'a> {
    /// `getprotobyname(_r)` (the aux has the name; a number query's
    /// number is `Event::args[0]`).
    pub by_name: bool,
    /// The name asked for (`None` also for a number query).
    pub name: Option<&'a [u8]>,
    pub found: bool,
    pub p_name: Option<&'a [u8]>,
    pub aliases: Shown<Option<&'a [u8]>>,
    pub p_proto: i32,
}

impl<'a> ProtoentEvent<'a> {
    /// `f` says which query (by name or by number).
    pub fn decode(f: Func, aux: &'a [u8]) -> ProtoentEvent<'a> {
        let by_name = matches!(f, Func::Getprotobyname | Func::GetprotobynameR);
        let mut r = AuxReader::new(aux);
        let name = if by_name { read_str(&mut r) } else { None };
        let found = r.u8() != 0;
        let p_name = read_str(&mut r);
        let aliases = Shown::read(&mut r, read_str);
        ProtoentEvent {
            by_name,
            name,
            found,
            p_name,
            aliases,
            p_proto: r.i32(),
        }
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        let mut a = ResolveAux { w };
        if self.by_name {
            a.string(self.name);
        }
        a.flag(self.found);
        if self.found {
            a.string(self.p_name);
            self.aliases.put(&mut a, |a, s| a.string(*s));
            a.int(self.p_proto);
        }
    }
}

/// Any resolution event's aux, by its function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolveEvent<'a> {
    Addrinfo(AddrinfoEvent<'a>),
    Nameinfo(NameinfoEvent<'a>),
    Hostent(HostentEvent<'a>),
    Servent(ServentEvent<'a>),
    Protoent(ProtoentEvent<'a>),
}

impl<'a> ResolveEvent<'a> {
    /// `f`'s aux; `None` when `f` is not a resolution function.
    pub fn decode(f: Func, aux: &'a [u8]) -> Option<ResolveEvent<'a>> {
        use Func::*;
        Some(match f {
            Getaddrinfo => ResolveEvent::Addrinfo(AddrinfoEvent::decode(aux)),
            Getnameinfo => ResolveEvent::Nameinfo(NameinfoEvent::decode(aux)),
            Gethostbyname | Gethostbyname2 | Gethostbyaddr | GethostbynameR | Gethostbyname2R | GethostbyaddrR => {
                ResolveEvent::Hostent(HostentEvent::decode(f, aux))
            }
            Getservbyname | Getservbyport | GetservbynameR | GetservbyportR => {
                ResolveEvent::Servent(ServentEvent::decode(f, aux))
            }
            Getprotobyname | Getprotobynumber | GetprotobynameR | GetprotobynumberR => {
                ResolveEvent::Protoent(ProtoentEvent::decode(f, aux))
            }
            _ => return None,
        })
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        match self {
            ResolveEvent::Addrinfo(e) => e.encode(w),
            ResolveEvent::Nameinfo(e) => e.encode(w),
            ResolveEvent::Hostent(e) => e.encode(w),
            ResolveEvent::Servent(e) => e.encode(w),
            ResolveEvent::Protoent(e) => e.encode(w),
        }
    }
}

/// A hostent's address (4 or 16 bytes) as `"127.0.0.1"`, `"::1"`; other
/// lengths as bytes.
fn inet_addr(s: &mut dyn Sink, a: &[u8]) {
    if let Ok(v4) = <[u8; 4]>::try_from(a) {
        s.whole(crate::inet::ipv4::format(v4).as_bytes());
    } else if let Ok(v6) = <[u8; 16]>::try_from(a) {
        s.whole(crate::inet::ipv6::format(&v6).as_bytes());
    } else {
        s.bytes(a, a.len() as u64);
    }
}

fn put_str(s: &mut dyn Sink, v: Option<&[u8]>) {
    match v {
        None => s.null(),
        Some(b) => s.bytes(b, b.len() as u64),
    }
}

pub(crate) fn args(ev: &Event, s: &mut dyn Sink) {
    match ev.func {
        Func::Getaddrinfo => {
            let e = AddrinfoEvent::decode(ev.aux);
            s.arg("node");
            put_str(s, e.node);
            s.arg("service");
            put_str(s, e.service);
            s.arg("hints");
            if let Some([f, fam, st, p]) = e.hints {
                s.open_obj();
                s.field("ai_flags");
                s.flags(AI_FLAGS, u64::from(f as u32));
                s.field("ai_family");
                s.sym(names::AF, fam.into());
                s.field("ai_socktype");
                if st == 0 {
                    s.int(0);
                } else {
                    s.sock_type(st.into());
                }
                s.field("ai_protocol");
                s.sym(names::IPPROTO, p.into());
                s.close_obj();
            } else {
                s.null();
            }
            s.arg("res");
            if ev.ret != 0 {
                s.ptr(ev.arg(3));
                return;
            }
            s.open_arr();
            for (i, a) in e.results.shown().iter().enumerate() {
                s.elem();
                s.open_obj();
                s.member("ai_family");
                s.sym(names::AF, a.family.into());
                s.member("ai_socktype");
                s.sock_type(a.socktype.into());
                s.member("ai_protocol");
                s.sym(names::IPPROTO, a.protocol.into());
                s.member("ai_addr");
                s.endpoint(a.addr);
                if i == 0 {
                    if let Some(c) = e.canon {
                        s.field("ai_canonname");
                        s.bytes(c, c.len() as u64);
                    }
                }
                s.close_obj();
            }
            if e.results.cut() {
                s.ellipsis();
            }
            s.close_arr();
        }
        Func::Getnameinfo => {
            let e = NameinfoEvent::decode(ev.aux);
            s.arg("sa");
            if ev.addr.is_empty() {
                s.ptr(ev.arg(0));
            } else {
                s.sockaddr(ev.addr);
            }
            s.arg("salen");
            s.int(i64::from(ev.arg(1) as u32));
            s.arg("host");
            if ev.ret == 0 && ev.arg(2) != 0 {
                put_str(s, e.host);
            } else {
                s.ptr(ev.arg(2));
            }
            s.arg("hostlen");
            s.int(i64::from(ev.arg(3) as u32));
            s.arg("serv");
            if ev.ret == 0 && ev.arg(4) != 0 {
                put_str(s, e.serv);
            } else {
                s.ptr(ev.arg(4));
            }
            s.arg("servlen");
            s.int(i64::from(ev.arg(5) as u32));
            s.arg("flags");
            s.flags(NI_FLAGS, u64::from(ev.len_in));
        }
        Func::Getservbyname | Func::GetservbynameR | Func::Getservbyport | Func::GetservbyportR => {
            let e = ServentEvent::decode(ev.func, ev.aux);
            if e.by_name {
                s.arg("name");
                put_str(s, e.name);
            } else {
                s.arg("port");
                s.port(u16::from_be(ev.arg(0) as u16));
            }
            s.arg("proto");
            put_str(s, e.proto);
            buflen(ev, s, 1);
        }
        Func::Getprotobyname | Func::GetprotobynameR => {
            s.arg("name");
            put_str(s, ProtoentEvent::decode(ev.func, ev.aux).name);
            buflen(ev, s, 1);
        }
        Func::Getprotobynumber | Func::GetprotobynumberR => {
            s.arg("proto");
            s.int(ev.int(0).into());
            buflen(ev, s, 1);
        }
        _ => {
            if matches!(ev.func, Func::Gethostbyaddr | Func::GethostbyaddrR) {
                s.arg("addr");
                inet_addr(s, ev.addr);
                s.arg("len");
                s.int(i64::from(ev.arg(1) as u32));
                s.arg("type");
                s.sym(names::AF, ev.int(2).into());
            } else {
                s.arg("name");
                put_str(s, HostentEvent::decode(ev.func, ev.aux).query);
                if matches!(ev.func, Func::Gethostbyname2 | Func::Gethostbyname2R) {
                    s.arg("af");
                    s.sym(names::AF, ev.int(1).into());
                }
            }
            buflen(ev, s, 1);
        }
    }
}

/// A `_r` call's `buflen`, after the query's `n` argument slots.
fn buflen(ev: &Event, s: &mut dyn Sink, n: usize) {
    let at = match ev.func {
        Func::GethostbynameR | Func::GetprotobynameR | Func::GetprotobynumberR => n,
        Func::Gethostbyname2R | Func::GetservbynameR | Func::GetservbyportR => n + 1,
        Func::GethostbyaddrR => n + 2,
        _ => return,
    };
    s.arg("buflen");
    s.int(ev.arg(at) as i64);
}

fn aliases(list: &Shown<Option<&[u8]>>, s: &mut dyn Sink) {
    s.open_arr();
    for &a in list.shown() {
        s.elem();
        put_str(s, a);
    }
    if list.cut() {
        s.ellipsis();
    }
    s.close_arr();
}

fn hostent(e: &HostentEvent, s: &mut dyn Sink) {
    s.open_obj();
    s.field("h_name");
    put_str(s, e.name);
    s.field("h_aliases");
    aliases(&e.aliases, s);
    s.field("h_addr_list");
    s.open_arr();
    for a in e.addrs.shown() {
        s.elem();
        inet_addr(s, a);
    }
    if e.addrs.cut() {
        s.ellipsis();
    }
    s.close_arr();
    s.close_obj();
}

/// A servent, or NULL.
fn servent(e: &ServentEvent, s: &mut dyn Sink) {
    if !e.found {
        s.null();
        return;
    }
    s.open_obj();
    s.field("s_name");
    put_str(s, e.s_name);
    s.field("s_aliases");
    aliases(&e.aliases, s);
    s.field("s_port");
    s.port(u16::from_be(e.s_port as u16));
    s.field("s_proto");
    put_str(s, e.s_proto);
    s.close_obj();
}

/// A protoent, or NULL.
fn protoent(e: &ProtoentEvent, s: &mut dyn Sink) {
    if !e.found {
        s.null();
        return;
    }
    s.open_obj();
    s.field("p_name");
    put_str(s, e.p_name);
    s.field("p_aliases");
    aliases(&e.aliases, s);
    s.field("p_proto");
    s.int(e.p_proto.into());
    s.close_obj();
}

/// Detail after the return value: the EAI name, or a host's name and addresses.
pub(crate) fn result(ev: &Event, s: &mut dyn Sink) -> bool {
    match ev.func {
        Func::Getaddrinfo | Func::Getnameinfo => {
            if ev.ret == 0 {
                return false;
            }
            s.sym(EAI, ev.ret);
            true
        }
        Func::Gethostbyname | Func::Gethostbyname2 | Func::Gethostbyaddr => {
            if ev.ret != 0 {
                s.sym(H_ERRNO, ev.ret);
                return true;
            }
            hostent(&HostentEvent::decode(ev.func, ev.aux), s);
            true
        }
        Func::GethostbynameR | Func::Gethostbyname2R | Func::GethostbyaddrR => {
            let e = HostentEvent::decode(ev.func, ev.aux);
            s.open_result();
            s.label("result");
            if !e.found {
                s.null();
            } else {
                hostent(&e, s);
            }
            if let Some(h) = e.stored_h_errno() {
                s.label("h_errno");
                s.sym(H_ERRNO, h.into());
            }
            s.close_result();
            true
        }
        Func::Getservbyname | Func::GetservbynameR | Func::Getservbyport | Func::GetservbyportR => {
            servent(&ServentEvent::decode(ev.func, ev.aux), s);
            true
        }
        Func::Getprotobyname | Func::GetprotobynameR | Func::Getprotobynumber | Func::GetprotobynumberR => {
            protoent(&ProtoentEvent::decode(ev.func, ev.aux), s);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::aux::enc;
    use super::*;

    /// `aux` decoded as `f`'s event and encoded again.
    fn reencode(f: Func, aux: &[u8]) -> Vec<u8> {
        enc(|w| ResolveEvent::decode(f, aux).unwrap().encode(w))
    }

    #[test]
    fn addrinfo_round_trips() {
        let v4 = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(Some(b"localhost"));
            a.string(None);
            a.hints(Some([2, 0, 1, 6]));
            a.string(Some(b"canon"));
            a.count(10);
            for i in 0..RESULTS_MAX as i32 {
                a.addrinfo(2, 1 + i, 6, &v4);
            }
        });
        let e = AddrinfoEvent::decode(&aux);
        assert_eq!(e.node, Some(&b"localhost"[..]));
        assert_eq!(e.service, None);
        assert_eq!(e.hints, Some([2, 0, 1, 6]));
        assert_eq!(e.canon, Some(&b"canon"[..]));
        assert_eq!(
            (e.results.total, e.results.shown().len(), e.results.cut()),
            (10, RESULTS_MAX, true)
        );
        let last = e.results.shown()[RESULTS_MAX - 1];
        assert_eq!(
            (last.family, last.socktype, last.protocol, last.addr),
            (2, 8, 6, &v4[..])
        );
        assert_eq!(reencode(Func::Getaddrinfo, &aux), aux);

        // No hints, no results.
        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(Some(b"x"));
            a.string(Some(b"80"));
            a.hints(None);
            a.string(None);
            a.count(0);
        });
        let e = AddrinfoEvent::decode(&aux);
        assert_eq!((e.hints, e.canon, e.results.total), (None, None, 0));
        assert!(e.results.shown().is_empty() && !e.results.cut());
        assert_eq!(reencode(Func::Getaddrinfo, &aux), aux);
    }

    #[test]
    fn nameinfo_round_trips() {
        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(Some(b"localhost"));
            a.string(None);
        });
        let e = NameinfoEvent::decode(&aux);
        assert_eq!((e.host, e.serv), (Some(&b"localhost"[..]), None));
        assert_eq!(reencode(Func::Getnameinfo, &aux), aux);
    }

    #[test]
    fn hostent_round_trips() {
        let body = |a: &mut ResolveAux| {
            a.string(Some(b"localhost"));
            a.count(2);
            a.string(Some(b"lh"));
            a.string(None);
            a.count(2);
            a.host_addr(&[127, 0, 0, 1]);
            a.host_addr(&[0; 16]);
        };
        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(Some(b"localhost"));
            body(&mut a);
        });
        let e = HostentEvent::decode(Func::Gethostbyname, &aux);
        assert!(!e.reentrant && e.found);
        assert_eq!((e.query, e.h_errno), (Some(&b"localhost"[..]), H_ERRNO_UNSET));
        assert_eq!(e.name, Some(&b"localhost"[..]));
        assert_eq!(e.aliases.shown(), &[Some(&b"lh"[..]), None]);
        assert_eq!(e.addrs.shown(), &[&[127u8, 0, 0, 1][..], &[0; 16][..]]);
        assert_eq!(reencode(Func::Gethostbyname, &aux), aux);

        // Not found: the query only.
        let aux = enc(|w| ResolveAux { w }.string(Some(b"nowhere")));
        let e = HostentEvent::decode(Func::Gethostbyname2, &aux);
        assert!(!e.found && e.addrs.shown().is_empty());
        assert_eq!(reencode(Func::Gethostbyname2, &aux), aux);

        for (h, found) in [(0, true), (1, false), (H_ERRNO_UNSET, false), (H_ERRNO_UNSET, true)] {
            let aux = enc(|w| {
                let mut a = ResolveAux { w };
                a.string(None);
                a.int(h);
                a.flag(found);
                if found {
                    body(&mut a);
                }
            });
            let e = HostentEvent::decode(Func::GethostbyaddrR, &aux);
            assert!(e.reentrant);
            assert_eq!((e.query, e.h_errno, e.found), (None, h, found));
            assert_eq!(e.addrs.total, if found { 2 } else { 0 });
            assert_eq!(reencode(Func::GethostbyaddrR, &aux), aux);
        }
    }

    #[test]
    fn servent_round_trips() {
        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(Some(b"http"));
            a.string(Some(b"tcp"));
            a.flag(true);
            a.string(Some(b"http"));
            a.count(1);
            a.string(Some(b"www"));
            a.int(i32::from(80u16.to_be()));
            a.string(Some(b"tcp"));
        });
        let e = ServentEvent::decode(Func::GetservbynameR, &aux);
        assert!(e.by_name && e.found);
        assert_eq!((e.name, e.proto), (Some(&b"http"[..]), Some(&b"tcp"[..])));
        assert_eq!(
            (e.s_name, e.aliases.shown()),
            (Some(&b"http"[..]), &[Some(&b"www"[..])][..])
        );
        assert_eq!((u16::from_be(e.s_port as u16), e.s_proto), (80, Some(&b"tcp"[..])));
        assert_eq!(reencode(Func::GetservbynameR, &aux), aux);

        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(None);
            a.flag(false);
        });
        let e = ServentEvent::decode(Func::Getservbyport, &aux);
        assert!(!e.by_name && !e.found);
        assert_eq!((e.name, e.proto, e.s_name), (None, None, Some(&b""[..])));
        assert_eq!(reencode(Func::Getservbyport, &aux), aux);
    }

    #[test]
    fn protoent_round_trips() {
        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(Some(b"udp"));
            a.flag(true);
            a.string(Some(b"udp"));
            a.count(1);
            a.string(Some(b"UDP"));
            a.int(17);
        });
        let e = ProtoentEvent::decode(Func::Getprotobyname, &aux);
        assert!(e.by_name && e.found);
        assert_eq!(
            (e.name, e.p_name, e.p_proto),
            (Some(&b"udp"[..]), Some(&b"udp"[..]), 17)
        );
        assert_eq!(e.aliases.shown(), &[Some(&b"UDP"[..])]);
        assert_eq!(reencode(Func::Getprotobyname, &aux), aux);

        let aux = enc(|w| ResolveAux { w }.flag(false));
        let e = ProtoentEvent::decode(Func::GetprotobynumberR, &aux);
        assert!(!e.by_name && !e.found);
        assert_eq!(reencode(Func::GetprotobynumberR, &aux), aux);
    }

    /// Past the end of a short aux: zeros and empty strings, as AuxReader.
    #[test]
    fn short_aux_reads_zeros() {
        let e = AddrinfoEvent::decode(&[]);
        assert_eq!(
            (e.node, e.service, e.hints, e.canon),
            (Some(&b""[..]), Some(&b""[..]), None, Some(&b""[..]))
        );
        assert_eq!(e.results.total, 0);
        let aux = enc(|w| {
            let mut a = ResolveAux { w };
            a.string(None);
            a.int(0);
            a.flag(true);
            a.string(Some(b"h"));
            a.count(3);
        });
        let e = HostentEvent::decode(Func::GethostbynameR, &aux);
        assert_eq!(e.aliases.shown(), &[Some(&b""[..]); 3]);
        assert_eq!((e.addrs.total, e.addrs.shown()), (0, &[][..]));
        assert_eq!(ResolveEvent::decode(Func::Socket, &aux), None);
    }

    /// The AI_* names and values, as <netdb.h> of glibc 2.36 defines them
    /// (AI_IDN is 0x40, AI_CANONIDN 0x80); each value named once.
    #[test]
    fn ai_flag_names_match_glibc() {
        let want = [
            (0x1, "AI_PASSIVE"),
            (0x2, "AI_CANONNAME"),
            (0x4, "AI_NUMERICHOST"),
            (0x8, "AI_V4MAPPED"),
            (0x10, "AI_ALL"),
            (0x20, "AI_ADDRCONFIG"),
            (0x40, "AI_IDN"),
            (0x80, "AI_CANONIDN"),
            (0x400, "AI_NUMERICSERV"),
        ];
        assert_eq!(AI_FLAGS.entries, &want[..]);
    }
}
