//! Name-resolution events (`getaddrinfo`, `getnameinfo`, `gethostbyname`,
//! `gethostbyname2`, `gethostbyaddr`): one event per call with its query
//! and its results.
//!
//! `Event::aux` layout (built with `ResolveAux`, read back here):
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
const H_ERRNO: Names = &Table {
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

fn read_str<'a>(r: &mut AuxReader<'a>) -> Option<&'a [u8]> {
    match r.u16() {
        NULL_STR => None,
        n => Some(r.bytes(usize::from(n))),
    }
}

fn put_str(s: &mut dyn Sink, v: Option<&[u8]>) {
    match v {
        None => s.null(),
        Some(b) => s.bytes(b, b.len() as u64),
    }
}

pub(crate) fn args(ev: &Event, s: &mut dyn Sink) {
    let mut r = AuxReader::new(ev.aux);
    match ev.func {
        Func::Getaddrinfo => {
            s.arg("node");
            put_str(s, read_str(&mut r));
            s.arg("service");
            put_str(s, read_str(&mut r));
            s.arg("hints");
            if r.u8() != 0 {
                let (f, fam, st, p) = (r.i32(), r.i32(), r.i32(), r.i32());
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
            let canon = read_str(&mut r);
            let n = r.u16();
            if ev.ret != 0 {
                s.ptr(ev.arg(3));
                return;
            }
            s.open_arr();
            for i in 0..usize::from(n).min(RESULTS_MAX) {
                let (fam, st, p) = (r.i32(), r.i32(), r.i32());
                let alen = usize::from(r.u8());
                let a = r.bytes(alen);
                s.elem();
                s.open_obj();
                s.member("ai_family");
                s.sym(names::AF, fam.into());
                s.member("ai_socktype");
                s.sock_type(st.into());
                s.member("ai_protocol");
                s.sym(names::IPPROTO, p.into());
                s.member("ai_addr");
                s.endpoint(a);
                if i == 0 {
                    if let Some(c) = canon {
                        s.field("ai_canonname");
                        s.bytes(c, c.len() as u64);
                    }
                }
                s.close_obj();
            }
            if usize::from(n) > RESULTS_MAX {
                s.ellipsis();
            }
            s.close_arr();
        }
        Func::Getnameinfo => {
            s.arg("sa");
            if ev.addr.is_empty() {
                s.ptr(ev.arg(0));
            } else {
                s.sockaddr(ev.addr);
            }
            s.arg("salen");
            s.int(i64::from(ev.arg(1) as u32));
            let host = read_str(&mut r);
            let serv = read_str(&mut r);
            s.arg("host");
            if ev.ret == 0 && ev.arg(2) != 0 {
                put_str(s, host);
            } else {
                s.ptr(ev.arg(2));
            }
            s.arg("hostlen");
            s.int(i64::from(ev.arg(3) as u32));
            s.arg("serv");
            if ev.ret == 0 && ev.arg(4) != 0 {
                put_str(s, serv);
            } else {
                s.ptr(ev.arg(4));
            }
            s.arg("servlen");
            s.int(i64::from(ev.arg(5) as u32));
            s.arg("flags");
            s.flags(NI_FLAGS, u64::from(ev.len_in));
        }
        Func::Getservbyname | Func::GetservbynameR | Func::Getservbyport | Func::GetservbyportR => {
            if matches!(ev.func, Func::Getservbyname | Func::GetservbynameR) {
                s.arg("name");
                put_str(s, read_str(&mut r));
            } else {
                s.arg("port");
                s.port(u16::from_be(ev.arg(0) as u16));
            }
            s.arg("proto");
            put_str(s, read_str(&mut r));
            buflen(ev, s, 1);
        }
        Func::Getprotobyname | Func::GetprotobynameR => {
            s.arg("name");
            put_str(s, read_str(&mut r));
            buflen(ev, s, 1);
        }
        Func::Getprotobynumber | Func::GetprotobynumberR => {
            s.arg("proto");
            s.int(ev.int(0).into());
            buflen(ev, s, 1);
        }
        _ => {
            let name = read_str(&mut r);
            if matches!(ev.func, Func::Gethostbyaddr | Func::GethostbyaddrR) {
                s.arg("addr");
                inet_addr(s, ev.addr);
                s.arg("len");
                s.int(i64::from(ev.arg(1) as u32));
                s.arg("type");
                s.sym(names::AF, ev.int(2).into());
            } else {
                s.arg("name");
                put_str(s, name);
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

fn aliases(r: &mut AuxReader, s: &mut dyn Sink) {
    s.open_arr();
    let n = r.u16();
    for _ in 0..usize::from(n).min(RESULTS_MAX) {
        s.elem();
        put_str(s, read_str(r));
    }
    if usize::from(n) > RESULTS_MAX {
        s.ellipsis();
    }
    s.close_arr();
}

fn hostent(r: &mut AuxReader, s: &mut dyn Sink) {
    let official = read_str(r);
    s.open_obj();
    s.field("h_name");
    put_str(s, official);
    s.field("h_aliases");
    aliases(r, s);
    s.field("h_addr_list");
    s.open_arr();
    let n = r.u16();
    for _ in 0..usize::from(n).min(RESULTS_MAX) {
        let len = usize::from(r.u8());
        let a = r.bytes(len);
        s.elem();
        inet_addr(s, a);
    }
    if usize::from(n) > RESULTS_MAX {
        s.ellipsis();
    }
    s.close_arr();
    s.close_obj();
}

/// A servent or protoent (after its `found` byte), or NULL.
fn entry(ev: &Event, r: &mut AuxReader, s: &mut dyn Sink) {
    if r.u8() == 0 {
        s.null();
        return;
    }
    let serv = matches!(
        ev.func,
        Func::Getservbyname | Func::Getservbyport | Func::GetservbynameR | Func::GetservbyportR
    );
    let name = read_str(r);
    s.open_obj();
    s.field(if serv { "s_name" } else { "p_name" });
    put_str(s, name);
    s.field(if serv { "s_aliases" } else { "p_aliases" });
    aliases(r, s);
    let number = r.i32();
    if serv {
        s.field("s_port");
        s.port(u16::from_be(number as u16));
        s.field("s_proto");
        put_str(s, read_str(r));
    } else {
        s.field("p_proto");
        s.int(number.into());
    }
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
            let mut r = AuxReader::new(ev.aux);
            let _query = read_str(&mut r);
            if ev.ret != 0 {
                s.sym(H_ERRNO, ev.ret);
                return true;
            }
            hostent(&mut r, s);
            true
        }
        Func::GethostbynameR | Func::Gethostbyname2R | Func::GethostbyaddrR => {
            let mut r = AuxReader::new(ev.aux);
            let _query = read_str(&mut r);
            let h = r.i32();
            s.open_result();
            s.label("result");
            if r.u8() == 0 {
                s.null();
            } else {
                hostent(&mut r, s);
            }
            if h != H_ERRNO_UNSET {
                s.label("h_errno");
                s.sym(H_ERRNO, h.into());
            }
            s.close_result();
            true
        }
        Func::Getservbyname | Func::GetservbynameR | Func::Getservbyport | Func::GetservbyportR => {
            let mut r = AuxReader::new(ev.aux);
            if matches!(ev.func, Func::Getservbyname | Func::GetservbynameR) {
                read_str(&mut r);
            }
            read_str(&mut r);
            entry(ev, &mut r, s);
            true
        }
        Func::Getprotobyname | Func::GetprotobynameR | Func::Getprotobynumber | Func::GetprotobynumberR => {
            let mut r = AuxReader::new(ev.aux);
            if matches!(ev.func, Func::Getprotobyname | Func::GetprotobynameR) {
                read_str(&mut r);
            }
            entry(ev, &mut r, s);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::AI_FLAGS;

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
