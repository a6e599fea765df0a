//! The answer section as glibc reads it: records are taken in order, a CNAME
//! (whatever its owner, as glibc 2.36) moves the search to its target, and a
//! record of the wanted type (class IN, right size) counts only when its
//! owner is the current name. Anything else (other owners, types or
//! classes, sizes that do not fit the type) is skipped.

use super::name::{binary_hnok, WireName};
use super::wire::{Record, Reply, WireError, CLASS_IN, TYPE_A, TYPE_AAAA, TYPE_CNAME};
use crate::resolve::Addr;

/// What one walk over a reply's answers found.
#[derive(Clone, Copy, Debug)]
pub struct Walk {
    /// Records of the wanted type handed to the sink.
    pub found: usize,
    /// The name the wanted records belong to: the query name after CNAMEs
    /// (what AI_CANONNAME reports).
    pub canon: WireName,
    /// A record could not be parsed; the records before it were used.
    pub malformed: bool,
}

/// Walks `reply`'s answers for `qname`/`qtype`, calling `sink` with each
/// wanted record; the sink returns false to stop early.
pub fn walk(reply: &Reply<'_>, qname: &WireName, qtype: u16, sink: impl FnMut(&Record<'_>) -> bool) -> Walk {
    walk_chain(reply, qname, qtype, |_| {}, sink)
}

/// `walk`, also calling `on_cname` with the target of each CNAME it
/// follows, in order (the aliases glibc's gethostbyname reports).
pub fn walk_chain(
    reply: &Reply<'_>,
    qname: &WireName,
    qtype: u16,
    mut on_cname: impl FnMut(&WireName),
    mut sink: impl FnMut(&Record<'_>) -> bool,
) -> Walk {
    let mut current = *qname;
    // The canonical name reported: the last CNAME target that passes
    // glibc's host-name check (a bad one is followed, never reported).
    let mut canon = current;
    let mut out = Walk {
        found: 0,
        canon,
        malformed: false,
    };
    for rec in reply.answers() {
        let rec = match rec {
            Ok(r) => r,
            Err(_) => {
                out.malformed = true;
                break;
            }
        };
        if rec.class != CLASS_IN {
            continue;
        }
        // As glibc 2.36's nss_dns: a CNAME moves the search to its target
        // whatever its owner (dnscraft's "cnother" checks it), every CNAME
        // of the reply (one pass over the records: a loop ends with them).
        if rec.rtype == TYPE_CNAME && qtype != TYPE_CNAME {
            match rec.rdata_name(reply.message()) {
                Some(target) => {
                    current = target;
                    if binary_hnok(&target) {
                        canon = target;
                        on_cname(&target);
                    }
                }
                None => {
                    out.malformed = true;
                    break;
                }
            }
            continue;
        }
        if rec.rtype != qtype || rec.owner != current {
            continue;
        }
        if out.found == 0 {
            out.canon = canon;
        }
        out.found += 1;
        if !sink(&rec) {
            break;
        }
    }
    if out.found == 0 {
        out.canon = canon;
    }
    out
}

/// The address in an A or AAAA record, if its rdata has the right size.
pub fn record_addr(rec: &Record<'_>) -> Option<Addr> {
    match rec.rtype {
        TYPE_A => Some(Addr::V4(rec.rdata.try_into().ok()?)),
        TYPE_AAAA => Some(Addr::V6(rec.rdata.try_into().ok()?)),
        _ => None,
    }
}

/// Whether the reply was broken: as glibc's nss_dns, a counted answer that
/// cannot be read fails the whole lookup, whatever came before it.
pub fn walk_error(w: &Walk) -> Option<WireError> {
    w.malformed.then_some(WireError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::super::wire::tests::Msg;
    use super::super::wire::{EDNS_UDP_SIZE, TYPE_PTR};
    use super::*;
    use std::vec::Vec;

    fn q(name: &str) -> WireName {
        WireName::from_text(name.as_bytes()).unwrap()
    }

    fn addrs(m: &Msg, qname: &str, qtype: u16) -> (Vec<Addr>, Walk) {
        let r = Reply::parse(&m.0, 9, &q(qname), qtype).unwrap();
        let mut v = Vec::new();
        let w = walk(&r, &q(qname), qtype, |rec| {
            if let Some(a) = record_addr(rec) {
                v.push(a);
            }
            true
        });
        (v, w)
    }

    #[test]
    fn follows_cname_chain_in_order() {
        let mut m = Msg::reply(9, 0, "www.test", TYPE_A);
        m.cname("www.test", "a.test")
            .rr("other.test", TYPE_A, &[9, 9, 9, 9])
            .cname("A.test", "b.test")
            .rr("b.test", TYPE_A, &[1, 2, 3, 4])
            .rr("b.test", TYPE_AAAA, &[0; 16])
            .rr("b.test", TYPE_A, &[1, 2, 3])
            .rr("B.TEST", TYPE_A, &[5, 6, 7, 8]);
        let (v, w) = addrs(&m, "www.test", TYPE_A);
        assert_eq!(v, [Addr::V4([1, 2, 3, 4]), Addr::V4([5, 6, 7, 8])]);
        assert_eq!(w.canon, q("b.test"));
        assert_eq!(w.found, 3); // the 3-byte A is counted but has no address
        assert!(!w.malformed);
    }

    #[test]
    fn chain_reports_each_target_followed() {
        let mut m = Msg::reply(9, 0, "www.test", TYPE_A);
        m.cname("www.test", "a.test")
            .cname("other.test", "x.test")
            .cname("A.test", "b.test")
            .rr("b.test", TYPE_A, &[1, 2, 3, 4]);
        let r = Reply::parse(&m.0, 9, &q("www.test"), TYPE_A).unwrap();
        let mut chain = Vec::new();
        walk_chain(&r, &q("www.test"), TYPE_A, |t| chain.push(*t), |_| true);
        // other.test's CNAME is followed too: glibc checks no owner.
        assert_eq!(chain, [q("a.test"), q("x.test"), q("b.test")]);
    }

    #[test]
    fn cname_out_of_order_is_not_followed() {
        let mut m = Msg::reply(9, 0, "www.test", TYPE_A);
        m.rr("b.test", TYPE_A, &[1, 2, 3, 4]).cname("www.test", "b.test");
        let (v, w) = addrs(&m, "www.test", TYPE_A);
        assert!(v.is_empty());
        assert_eq!(w.canon, q("b.test"));
    }

    #[test]
    fn cname_loop_is_one_pass() {
        let mut m = Msg::reply(9, 0, "a.test", TYPE_A);
        for _ in 0..20 {
            m.cname("a.test", "b.test").cname("b.test", "a.test");
        }
        m.rr("a.test", TYPE_A, &[1, 1, 1, 1]);
        let (v, _) = addrs(&m, "a.test", TYPE_A);
        // Each of the 40 CNAMEs is followed once, in order: a.test again.
        assert_eq!(v, [Addr::V4([1, 1, 1, 1])]);
    }

    #[test]
    fn other_class_and_malformed_tail() {
        let mut m = Msg::reply(9, 0, "h", TYPE_AAAA);
        let o = q("h");
        m.rr_raw(o.as_bytes(), TYPE_AAAA, 3, &[1; 16]);
        m.rr("h", TYPE_AAAA, &[2; 16]);
        m.rr_raw(b"\xc0\xff", TYPE_AAAA, CLASS_IN, &[3; 16]);
        let (v, w) = addrs(&m, "h", TYPE_AAAA);
        assert_eq!(v, [Addr::V6([2; 16])]);
        assert!(w.malformed);
        assert_eq!(walk_error(&w), Some(WireError::Malformed));
    }

    #[test]
    fn bad_cname_target_is_followed_not_reported() {
        let mut m = Msg::reply(9, 0, "h.test", TYPE_A);
        m.cname("h.test", "bad\\032name.test")
            .rr("bad\\032name.test", TYPE_A, &[1, 2, 3, 4]);
        let r = Reply::parse(&m.0, 9, &q("h.test"), TYPE_A).unwrap();
        let mut chain = Vec::new();
        let mut v = Vec::new();
        let w = walk_chain(
            &r,
            &q("h.test"),
            TYPE_A,
            |t| chain.push(*t),
            |rec| {
                v.extend(record_addr(rec));
                true
            },
        );
        assert_eq!(v, [Addr::V4([1, 2, 3, 4])]);
        assert!(chain.is_empty());
        assert_eq!(w.canon, q("h.test"));
    }

    #[test]
    fn bad_cname_rdata_is_malformed() {
        let mut m = Msg::reply(9, 0, "h", TYPE_A);
        m.rr("h", TYPE_CNAME, b"\x05ab");
        let (v, w) = addrs(&m, "h", TYPE_A);
        assert!(v.is_empty());
        assert_eq!(walk_error(&w), Some(WireError::Malformed));
    }

    #[test]
    fn ptr_target() {
        let mut m = Msg::reply(9, 0, "4.3.2.1.in-addr.arpa", TYPE_PTR);
        m.cname("4.3.2.1.in-addr.arpa", "4.0/25.3.2.1.in-addr.arpa").rr(
            "4.0/25.3.2.1.in-addr.arpa",
            TYPE_PTR,
            q("host.test").as_bytes(),
        );
        let r = Reply::parse(&m.0, 9, &q("4.3.2.1.in-addr.arpa"), TYPE_PTR).unwrap();
        let mut target = None;
        walk(&r, &q("4.3.2.1.in-addr.arpa"), TYPE_PTR, |rec| {
            target = rec.rdata_name(r.message());
            false
        });
        assert_eq!(target, Some(q("host.test")));
    }

    /// Random mutations of a valid reply never panic (the fuzz target will do
    /// this at scale).
    #[test]
    fn mutations_never_panic() {
        let mut base = Msg::reply(9, 0, "www.test", TYPE_A);
        base.cname("www.test", "b.test").rr("b.test", TYPE_A, &[1, 2, 3, 4]);
        let mut seed = 0x1234_5678u32;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..20000 {
            let mut m = base.0.clone();
            for _ in 0..(rnd() % 4 + 1) {
                let i = rnd() as usize % m.len();
                m[i] = rnd() as u8;
            }
            m.truncate(rnd() as usize % (EDNS_UDP_SIZE + 1));
            if let Ok(r) = Reply::parse(&m, 9, &q("www.test"), TYPE_A) {
                let _ = walk(&r, &q("www.test"), TYPE_A, |rec| {
                    let _ = record_addr(rec);
                    true
                });
            }
        }
    }
}
