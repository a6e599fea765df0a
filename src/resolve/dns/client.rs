//! The resolver: glibc's `res_search` (search list and ndots), `res_query`
//! (RCODE to error), `res_send` (attempts, servers, rotate, TCP fallback)
//! and the answer reading of its nss_dns module, for addresses (A and AAAA
//! asked together) and for reverse lookups (PTR).
//!
//! Nothing is allocated or locked; the sockets live only inside one call.

use core::sync::atomic::{AtomicUsize, Ordering};

use super::answer::{record_addr, walk, walk_chain};
use super::conf::ResolvConf;
use super::name::{binary_hnok, WireName};
use super::transport::{self, Outcome, Pairing, Query, Status};
use super::wire::{
    build_query, QueryOpts, Reply, QUERY_MAX, RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_SERVFAIL, TYPE_A, TYPE_AAAA,
    TYPE_PTR,
};
use crate::resolve::host::{Addrs, NameList};
use crate::resolve::{Addr, Family, LookupError};

/// Size of the canonical-name and PTR-name text buffers (a 253-character
/// name and its NUL fit; a name whose escaped text is longer is refused).
pub(crate) const NAME_BUF: usize = 256;

/// The names of a CNAME chain as text: the query name, then each target,
/// as many as the reply holds (glibc follows every CNAME of a reply).
#[derive(Clone, Default)]
pub struct Chain(NameList);

impl Chain {
    /// Appends `name` as text.
    fn push(&mut self, name: &WireName) {
        let mut text = [0u8; super::name::MAX_NAME_TEXT];
        if let Some(n) = name.to_text(&mut text) {
            self.0.push(text.get(..n).unwrap_or(&[]));
        }
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &[u8]> {
        self.0.iter()
    }

    /// The names as a list.
    pub fn into_list(self) -> NameList {
        self.0
    }
}

/// What `lookup_addrs` found: addresses in reply order (those of the A reply
/// first, then those of the AAAA reply, as glibc lists them before its RFC
/// 6724 sort) and the canonical name as text (no trailing dot, no NUL).
#[derive(Clone)]
pub struct AddrAnswers {
    pub addrs: Addrs,
    pub canon: [u8; NAME_BUF],
    pub canon_len: usize,
    /// The query name that was answered (search domain applied), then the
    /// target of each CNAME followed to the addresses, in reply order.
    pub chain: Chain,
    /// Set with `Err(TryAgain)` when the last query got no usable reply
    /// (timeout, ECONNREFUSED, SERVFAIL from every server): glibc's
    /// nss_dns then says UNAVAIL; after a reply (NXDOMAIN, no data) it says
    /// NOTFOUND.
    pub unavailable: bool,
}

impl Default for AddrAnswers {
    fn default() -> Self {
        AddrAnswers {
            addrs: Addrs::default(),
            canon: [0; NAME_BUF],
            canon_len: 0,
            chain: Chain::default(),
            unavailable: false,
        }
    }
}

impl AddrAnswers {
    /// The addresses found.
    pub fn addrs(&self) -> &[Addr] {
        self.addrs.as_slice()
    }
    /// The canonical name (empty if none was found or it did not fit).
    pub fn canon(&self) -> &[u8] {
        self.canon.get(..self.canon_len).unwrap_or(&[])
    }
}

/// The error a failed query leaves behind (glibc's h_errno), with the RCODE
/// of the last reply when the servers failed (SERVFAIL keeps the search
/// going; a timeout ends it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    Err(LookupError),
    /// TRY_AGAIN from a SERVFAIL reply.
    ServFail,
    /// No server could be reached at all (ECONNREFUSED): the search stops.
    Unreachable,
    /// The last server's TCP stream ended before its answer: TRY_AGAIN, but
    /// as NOTFOUND, not UNAVAIL (see `Outcome::Broken`).
    Broken,
    /// res_query succeeded (answers came) but they held no address: the
    /// search stops here with this error.
    Final(LookupError),
}

impl Failure {
    fn error(self) -> LookupError {
        match self {
            Failure::Err(e) | Failure::Final(e) => e,
            Failure::ServFail | Failure::Unreachable => LookupError::TryAgain,
            Failure::Broken => LookupError::TryAgainNotFound,
        }
    }
}

/// Looks `name` up in DNS for `family` (A, AAAA, or both: A and AAAA asked
/// in parallel), through the search list. `name` is text as given to
/// getaddrinfo (a numeric address should not get here).
pub fn lookup_addrs(conf: &ResolvConf, name: &[u8], family: Family, out: &mut AddrAnswers) -> Result<(), LookupError> {
    *out = AddrAnswers::default();
    let types: &[u16] = match family {
        Family::V4 => &[TYPE_A],
        // `no-aaaa`: glibc answers AAAA queries itself, with no data.
        Family::V6 if conf.no_aaaa => return search(conf, name, |_| Err(Failure::Err(LookupError::NoData))),
        Family::V6 => &[TYPE_AAAA],
        Family::Any if conf.no_aaaa => &[TYPE_A],
        Family::Any => &[TYPE_A, TYPE_AAAA],
    };
    let mut last = None;
    let r = search(conf, name, |qname| {
        let r = query_addrs(conf, qname, types, out);
        last = r.err();
        r
    });
    out.unavailable = matches!(
        last,
        Some(Failure::ServFail | Failure::Unreachable | Failure::Err(LookupError::TryAgain))
    );
    r
}

/// The name for `addr` (its PTR record, in-addr.arpa or ip6.arpa, asked as
/// is, without the search list), as text in `out`; its length. An IPv4-
/// mapped or -compatible IPv6 address is looked up as IPv4, as glibc does.
pub fn lookup_ptr(conf: &ResolvConf, addr: &Addr, out: &mut [u8; NAME_BUF]) -> Result<usize, LookupError> {
    let qname = reverse_name(addr).ok_or(LookupError::NoRecovery)?;
    let ids = transport::random_ids();
    let mut q = [make_query(&qname, TYPE_PTR, ids[0], conf).ok_or(LookupError::NoRecovery)?];
    let mut target: Option<WireName> = None;
    let mut rcode = RCODE_NOERROR;
    let mut answered = false;
    let mut broken = false;
    let mut on_reply = |_: usize, reply: &Reply<'_>| {
        answered = true;
        rcode = reply.header.rcode();
        let w = walk(reply, &qname, TYPE_PTR, |rec| {
            target = rec.rdata_name(reply.message());
            target.is_none()
        });
        broken = w.malformed || (w.found > 0 && target.is_none());
    };
    if let Err(f) = send(conf, &mut q, &mut on_reply) {
        return Err(f.error());
    }
    if broken {
        return Err(LookupError::Malformed);
    }
    if let Some(t) = target {
        // nss_dns takes a PTR target only if it passes the host-name check.
        if !binary_hnok(&t) {
            return Err(LookupError::NoRecovery);
        }
        let mut text = [0u8; super::name::MAX_NAME_TEXT];
        let n = t.to_text(&mut text).ok_or(LookupError::NoRecovery)?;
        let dst = out.get_mut(..n).ok_or(LookupError::NoRecovery)?;
        dst.copy_from_slice(text.get(..n).unwrap_or(&[]));
        return Ok(n);
    }
    if !answered {
        return Err(LookupError::NoRecovery);
    }
    Err(rcode_error(rcode).error())
}

/// `d.c.b.a.in-addr.arpa` or the 32 nibbles of `ip6.arpa`.
fn reverse_name(addr: &Addr) -> Option<WireName> {
    const V4MAPPED: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
    const V4COMPAT: [u8; 12] = [0; 12];
    let mut text = [0u8; 80];
    let mut w = 0usize;
    let mut put = |s: &[u8], w: &mut usize| -> Option<()> {
        text.get_mut(*w..*w + s.len())?.copy_from_slice(s);
        *w += s.len();
        Some(())
    };
    let v4 = match addr {
        Addr::V4(a) => Some(*a),
        Addr::V6(a) if a[..12] == V4MAPPED || (a[..12] == V4COMPAT && a[12..] != [0, 0, 0, 1]) => {
            Some([a[12], a[13], a[14], a[15]])
        }
        Addr::V6(_) => None,
    };
    match (v4, addr) {
        (Some(a), _) => {
            for &b in a.iter().rev() {
                let t = crate::inet::ipv4::format([0, 0, 0, b]);
                let digits = t.as_bytes().rsplit(|&c| c == b'.').next()?;
                put(digits, &mut w)?;
                put(b".", &mut w)?;
            }
            put(b"in-addr.arpa", &mut w)?;
        }
        (None, Addr::V6(a)) => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            for &b in a.iter().rev() {
                put(
                    &[HEX[usize::from(b & 0xf)], b'.', HEX[usize::from(b >> 4)], b'.'],
                    &mut w,
                )?;
            }
            put(b"ip6.arpa", &mut w)?;
        }
        (None, Addr::V4(_)) => return None,
    }
    WireName::from_text(text.get(..w)?)
}

/// glibc's `res_search`: which names to try, in which order, and which
/// error to report when none has an answer.
fn search(
    conf: &ResolvConf,
    name: &[u8],
    mut query: impl FnMut(&WireName) -> Result<(), Failure>,
) -> Result<(), LookupError> {
    let dots = name.iter().filter(|&&c| c == b'.').count();
    let trailing_dot = name.last() == Some(&b'.');
    // An impossible name (too long, bad escape) fails as glibc's
    // res_mkquery does: NO_RECOVERY. So does the empty name, whose length
    // wraps below zero in res_querydomain's check.
    let as_is_name = || WireName::from_text(name).filter(|_| !name.is_empty());
    let mut as_is = || match as_is_name() {
        Some(q) => query(&q),
        None => Err(Failure::Err(LookupError::NoRecovery)),
    };
    let mut saved: Option<Failure> = None;
    let mut last = Failure::Err(LookupError::NotFound);
    let mut tried_as_is = false;
    if dots >= usize::from(conf.ndots) || trailing_dot {
        match as_is() {
            Ok(()) => return Ok(()),
            Err(f @ Failure::Final(_)) => return Err(f.error()),
            Err(f) if trailing_dot => return Err(f.error()),
            Err(f) => {
                saved = Some(f);
                last = f;
                tried_as_is = true;
            }
        }
    }
    let (mut got_nodata, mut got_servfail, mut searched, mut root_on_list) = (false, false, false, false);
    for domain in conf.search() {
        searched = true;
        let domain = domain.strip_prefix(b".").unwrap_or(domain);
        root_on_list |= domain.is_empty();
        let r = match WireName::from_text_in(name, domain) {
            Some(q) => query(&q),
            None => Err(Failure::Err(LookupError::NoRecovery)),
        };
        let f = match r {
            Ok(()) => return Ok(()),
            Err(Failure::Unreachable) => return Err(LookupError::TryAgain),
            Err(f @ Failure::Final(_)) => return Err(f.error()),
            Err(f) => f,
        };
        last = f;
        match f {
            Failure::Err(LookupError::NoData) => got_nodata = true,
            Failure::Err(LookupError::NotFound) => {}
            Failure::ServFail => got_servfail = true,
            _ => break,
        }
    }
    // Last, the name as is, unless already tried (or the root was on the
    // list), or `no-tld-query` forbids it for a dotless name.
    let tld_forbidden = dots == 0 && searched && conf.no_tld_query;
    if !(tried_as_is || root_on_list || tld_forbidden) {
        match as_is_name() {
            Some(q) => match query(&q) {
                Ok(()) => return Ok(()),
                Err(f) => last = f,
            },
            None => last = Failure::Err(LookupError::NoRecovery),
        }
    }
    Err(if let Some(s) = saved {
        s.error()
    } else if got_nodata {
        LookupError::NoData
    } else if got_servfail {
        LookupError::TryAgain
    } else {
        last.error()
    })
}

fn make_query<'n>(name: &'n WireName, qtype: u16, id: u16, conf: &ResolvConf) -> Option<Query<'n>> {
    let mut q = Query {
        name,
        qtype,
        id,
        msg: [0; QUERY_MAX],
        len: 0,
    };
    let opts = QueryOpts {
        edns0: conf.edns0,
        ad: conf.trust_ad,
    };
    q.len = build_query(id, name, qtype, opts, &mut q.msg)?;
    Some(q)
}

/// What one reply of an address query gave.
#[derive(Clone, Default)]
struct Slot {
    answered: bool,
    rcode: u8,
    ancount: u16,
    addrs: Addrs,
    canon: Option<WireName>,
    malformed: bool,
    chain: Chain,
}

/// glibc's `res_query` for one name, then its nss_dns answer reading.
fn query_addrs(conf: &ResolvConf, qname: &WireName, types: &[u16], out: &mut AddrAnswers) -> Result<(), Failure> {
    let ids = transport::random_ids();
    let mut qs = [None, None];
    for (i, &t) in types.iter().enumerate().take(2) {
        qs[i] = Some(make_query(qname, t, ids[i], conf).ok_or(Failure::Err(LookupError::NoRecovery))?);
    }
    let mut queries: [Query<'_>; 2] = match qs {
        [Some(a), Some(b)] => [a, b],
        [Some(a), None] => {
            let mut one = [
                a,
                make_query(qname, TYPE_A, 0, conf).ok_or(Failure::Err(LookupError::NoRecovery))?,
            ];
            return send_and_read(conf, qname, &mut one[..1], out);
        }
        _ => return Err(Failure::Err(LookupError::NoRecovery)),
    };
    send_and_read(conf, qname, &mut queries, out)
}

fn send_and_read(
    conf: &ResolvConf,
    qname: &WireName,
    queries: &mut [Query<'_>],
    out: &mut AddrAnswers,
) -> Result<(), Failure> {
    let mut slots = [Slot::default(), Slot::default()];
    let qtypes = [
        queries.first().map_or(0, |q| q.qtype),
        queries.get(1).map_or(0, |q| q.qtype),
    ];
    let mut on_reply = |i: usize, reply: &Reply<'_>| {
        let Some(slot) = slots.get_mut(i) else { return };
        let qtype = qtypes[i];
        *slot = Slot::default();
        slot.answered = true;
        slot.rcode = reply.header.rcode();
        slot.ancount = reply.header.ancount;
        let (addrs, chain) = (&mut slot.addrs, &mut slot.chain);
        chain.push(qname);
        let w = walk_chain(
            reply,
            qname,
            qtype,
            |target| chain.push(target),
            |rec| {
                if let Some(a) = record_addr(rec) {
                    addrs.push(a);
                }
                true
            },
        );
        slot.canon = (!slot.addrs.is_empty()).then_some(w.canon);
        slot.malformed = w.malformed;
    };
    send(conf, queries, &mut on_reply)?;
    // nss_dns reads the first reply, and the second only when the first
    // did not fail: a broken first reply fails the lookup; a broken second
    // one does when the first gave no address, and is dropped otherwise.
    if slots[0].malformed || (slots[1].malformed && slots[0].addrs.is_empty()) {
        return Err(Failure::Final(LookupError::Malformed));
    }
    if slots[1].malformed {
        slots[1] = Slot::default();
    }
    // res_query: success when some reply is NOERROR with answers...
    let answered = slots.iter().filter(|s| s.answered);
    if !answered.clone().any(|s| s.rcode == RCODE_NOERROR && s.ancount > 0) {
        // ...else the error of the first reply, or of the second when the
        // first said NOERROR.
        let mut it = answered;
        let first = it.next().map_or(RCODE_NOERROR, |s| s.rcode);
        let rc = match it.next() {
            Some(second) if first == RCODE_NOERROR => second.rcode,
            _ => first,
        };
        return Err(rcode_error(rc));
    }
    // nss_dns: the addresses, A reply first.
    for slot in &slots {
        out.addrs.extend_from_slice(slot.addrs.as_slice());
    }
    if out.addrs.is_empty() {
        // Answers, but none of the wanted type for this name (a CNAME
        // only, other owners, a wrong size).
        return Err(Failure::Final(LookupError::NoAddress));
    }
    if let Some(slot) = slots.iter_mut().find(|s| s.canon.is_some()) {
        out.chain = core::mem::take(&mut slot.chain);
    }
    if let Some(canon) = slots.iter().find_map(|s| s.canon) {
        let mut text = [0u8; super::name::MAX_NAME_TEXT];
        if let Some(n) = canon.to_text(&mut text).filter(|&n| n < NAME_BUF) {
            out.canon[..n].copy_from_slice(&text[..n]);
            out.canon_len = n;
        }
    }
    Ok(())
}

/// res_query's RCODE mapping for a query without answers.
fn rcode_error(rcode: u8) -> Failure {
    match rcode {
        RCODE_NXDOMAIN => Failure::Err(LookupError::NotFound),
        RCODE_SERVFAIL => Failure::ServFail,
        RCODE_NOERROR => Failure::Err(LookupError::NoData),
        _ => Failure::Err(LookupError::NoRecovery),
    }
}

/// The rotation counter for `options rotate` (glibc keeps one per process).
static ROTATE: AtomicUsize = AtomicUsize::new(0);

/// glibc's `res_send`: `attempts` rounds over the servers, each server
/// given `timeout << index / nscount` seconds (at least 1, the first server
/// `timeout`), TCP for the rest of the round once a reply is truncated.
/// On failure, the error as res_query reports it.
fn send(conf: &ResolvConf, queries: &mut [Query<'_>], on_reply: &mut transport::OnReply<'_>) -> Result<(), Failure> {
    let servers = conf.nameservers();
    let nscount = servers.len();
    if nscount == 0 {
        return Err(Failure::Err(LookupError::TryAgain));
    }
    let offset = if conf.rotate {
        ROTATE.fetch_add(1, Ordering::Relaxed) % nscount
    } else {
        0
    };
    let pairing = if conf.single_request_reopen {
        Pairing::SingleReopen
    } else if conf.single_request {
        Pairing::Single
    } else {
        Pairing::Parallel
    };
    let mut status = [Status::Pending; 2];
    let mut use_tcp = conf.use_vc;
    let mut heard = false;
    let mut broken = false;
    let mut last_failed: Option<u8> = None;
    let mut attempt = 0;
    while attempt < conf.attempts {
        for shift in 0..nscount {
            let index = (shift + offset) % nscount;
            let Some(ns) = servers.get(index) else { continue };
            let scaled = i64::from(conf.timeout) << index;
            let seconds = if index > 0 { scaled / nscount as i64 } else { scaled };
            let seconds = seconds.clamp(1, i64::from(i32::MAX)) as i32;
            let mut outcome = if use_tcp {
                attempt = conf.attempts;
                transport::tcp(ns, queries, seconds, &mut status, on_reply)
            } else {
                transport::udp(ns, queries, seconds, pairing, &mut status, on_reply)
            }
            .map_err(|e| Failure::Err(LookupError::System(e.0)))?;
            if outcome == Outcome::Truncated {
                use_tcp = true;
                attempt = conf.attempts;
                outcome = transport::tcp(ns, queries, seconds, &mut status, on_reply)
                    .map_err(|e| Failure::Err(LookupError::System(e.0)))?;
            }
            broken = outcome == Outcome::Broken;
            match outcome {
                Outcome::Done => return Ok(()),
                Outcome::Next { heard: h } => heard |= h,
                Outcome::Truncated | Outcome::Broken => heard = true,
            }
            for s in status.iter_mut() {
                if let Status::Failed(rc) = *s {
                    last_failed = Some(rc);
                    *s = Status::Pending;
                }
            }
        }
        attempt = attempt.saturating_add(1);
    }
    if !heard && !use_tcp {
        return Err(Failure::Unreachable);
    }
    Err(if last_failed == Some(RCODE_SERVFAIL) {
        Failure::ServFail
    } else if broken {
        // res_send's errno is the last TCP failure's (send_vc's terrno).
        Failure::Broken
    } else {
        Failure::Err(LookupError::TryAgain)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::string::String;
    use std::vec::Vec;

    fn text(n: &WireName) -> String {
        let mut b = [0u8; 1100];
        let k = n.to_text(&mut b).unwrap();
        String::from_utf8(b[..k].to_vec()).unwrap()
    }

    /// Runs `search` with scripted per-name results; returns the names tried.
    fn run(
        conf: &[u8],
        name: &str,
        answer: impl Fn(&str) -> Result<(), Failure>,
    ) -> (Vec<String>, Result<(), LookupError>) {
        let c = super::super::conf::parse(conf, None, None);
        let tried = RefCell::new(Vec::new());
        let r = search(&c, name.as_bytes(), |q| {
            let t = text(q);
            tried.borrow_mut().push(t.clone());
            answer(&t)
        });
        (tried.into_inner(), r)
    }

    const NX: Result<(), Failure> = Err(Failure::Err(LookupError::NotFound));

    #[test]
    fn search_order() {
        let conf = b"search a.test b.test\n";
        assert_eq!(run(conf, "host", |_| NX).0, ["host.a.test", "host.b.test", "host"]);
        assert_eq!(
            run(conf, "host.x", |_| NX).0,
            ["host.x", "host.x.a.test", "host.x.b.test"]
        );
        assert_eq!(run(conf, "host.x.", |_| NX).0, ["host.x"]);
        let conf = b"search a.test b.test\noptions ndots:2\n";
        assert_eq!(
            run(conf, "host.x", |_| NX).0,
            ["host.x.a.test", "host.x.b.test", "host.x"]
        );
        let conf = b"search a.test .\noptions no-tld-query\n";
        assert_eq!(run(conf, "host", |_| NX).0, ["host.a.test", "host"]);
        let conf = b"search a.test\noptions no-tld-query\n";
        assert_eq!(run(conf, "host", |_| NX).0, ["host.a.test"]);
        assert_eq!(run(b"", "host", |_| NX).0, ["host"]);
    }

    #[test]
    fn search_errors_as_glibc() {
        let conf = b"search a.test b.test\n";
        // NODATA in a search domain keeps searching and is reported.
        let (tried, r) = run(conf, "h", |n| {
            if n == "h.a.test" {
                Err(Failure::Err(LookupError::NoData))
            } else {
                NX
            }
        });
        assert_eq!(tried.len(), 3);
        assert_eq!(r, Err(LookupError::NoData));
        // SERVFAIL keeps searching; a timeout (TRY_AGAIN) stops the list but
        // the name is still tried as is.
        let (tried, r) = run(conf, "h", |n| if n == "h.a.test" { Err(Failure::ServFail) } else { NX });
        assert_eq!((tried.len(), r), (3, Err(LookupError::TryAgain)));
        let (tried, r) = run(conf, "h", |n| {
            if n == "h.a.test" {
                Err(Failure::Err(LookupError::TryAgain))
            } else {
                NX
            }
        });
        assert_eq!(tried, ["h.a.test", "h"]);
        assert_eq!(r, Err(LookupError::NotFound));
        // Unreachable servers stop everything.
        let (tried, r) = run(conf, "h", |_| Err(Failure::Unreachable));
        assert_eq!((tried.len(), r), (1, Err(LookupError::TryAgain)));
        // The as-is error wins when the name was tried first.
        let (_, r) = run(conf, "h.x", |n| {
            if n == "h.x" {
                Err(Failure::Err(LookupError::NoData))
            } else {
                NX
            }
        });
        assert_eq!(r, Err(LookupError::NoData));
        let (_, r) = run(conf, "h.x", |n| {
            if n == "h.x" {
                NX
            } else {
                Err(Failure::Err(LookupError::NoData))
            }
        });
        assert_eq!(r, Err(LookupError::NotFound));
        // Answers without addresses end the search.
        let (tried, r) = run(conf, "h", |_| Err(Failure::Final(LookupError::NotFound)));
        assert_eq!((tried.len(), r), (1, Err(LookupError::NotFound)));
        // Success anywhere ends the search.
        let (tried, r) = run(conf, "h", |n| if n == "h.b.test" { Ok(()) } else { NX });
        assert_eq!((tried.len(), r), (2, Ok(())));
        // Impossible names.
        let long = "x".repeat(64);
        let (tried, r) = run(b"", &long, |_| Ok(()));
        assert_eq!((tried.len(), r), (0, Err(LookupError::NoRecovery)));
    }

    #[test]
    fn reverse_names() {
        let r = |a: Addr| text(&reverse_name(&a).unwrap());
        assert_eq!(r(Addr::V4([192, 0, 2, 10])), "10.2.0.192.in-addr.arpa");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 0x1f;
        assert_eq!(
            r(Addr::V6(v6)),
            "f.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
        let mut mapped = [0u8; 16];
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped[12..].copy_from_slice(&[10, 0, 0, 1]);
        assert_eq!(r(Addr::V6(mapped)), "1.0.0.10.in-addr.arpa");
        let mut lo = [0u8; 16];
        lo[15] = 1;
        assert!(r(Addr::V6(lo)).ends_with("ip6.arpa"));
        lo[15] = 2;
        assert_eq!(r(Addr::V6(lo)), "2.0.0.0.in-addr.arpa");
    }
}
