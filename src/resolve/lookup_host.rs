//! A host name or address through the "hosts:" sources (`walk`), with
//! glibc's /etc/hosts semantics: the lookups of getaddrinfo and
//! getnameinfo (gethostby* have their own, with glibc's buffer accounting:
//! `hostent`).
//!
//! /etc/hosts as glibc 2.36's nss_files reads it (verified on this machine):
//! - a name matches a line's canonical name or any alias, ignoring case;
//! - gethostbyname/gethostbyname2 (one family) merge every matching line of
//!   that family: the first line gives `h_name`; each later line appends its
//!   aliases, then its canonical name unless it equals `h_name` exactly;
//! - for IPv4, a line with `::ffff:a.b.c.d` counts as `a.b.c.d` and a line
//!   with `::1` as `127.0.0.1`; other IPv6 lines are skipped; for IPv6, IPv4
//!   lines are skipped (RES_USE_INET6 is not supported)
//!   (`files::hosts::addr_for_family`);
//! - getaddrinfo with AF_UNSPEC collects every matching line of both
//!   families in file order (mapped addresses stay IPv6); its canonical name
//!   is the first line's.

use core::ops::ControlFlow;

use super::files::hosts::addr_for_family;
use super::files::nsswitch::{Source, Status};
use super::host::Host;
use super::hostent::dns_need;
use super::sources::{DnsAddrs, Sources};
use super::walk::{walk, Walk, Walked};
use super::{Addr, Family, LookupError, NETDB_INTERNAL};

/// What a lookup by name wants, after the caller's family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query {
    /// One family, as gethostbyname2 (merging lines).
    One(Family),
    /// Both families, as getaddrinfo's AF_UNSPEC lookup (gethostbyname4_r).
    Both,
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
        let Some(addr) = addr_for_family(addr, family) else {
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
        if addr_for_family(addr, family) != Some(*want) {
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

/// How `walk_host` asks one source (files or DNS) into a `Host`.
type AskFn<'a> = dyn FnMut(&mut dyn Sources, Source, &mut Host) -> Result<(), LookupError> + 'a;

/// The status of one source's answer, for its nsswitch action.
fn status_of(answer: &Result<(), LookupError>) -> Option<Status> {
    Some(match answer {
        Ok(()) => Status::Success,
        Err(LookupError::NotFound | LookupError::NoData | LookupError::TryAgainNotFound) => Status::NotFound,
        Err(LookupError::TryAgain | LookupError::NoAddress) => Status::TryAgain,
        Err(LookupError::NoRecovery | LookupError::Malformed | LookupError::System(_) | LookupError::NoService(_)) => {
            Status::Unavail
        }
    })
}

/// Asks the "hosts:" sources in order, applying each source's action to
/// its status: `ask` answers for files and DNS; other modules are not
/// installed, and `mode` says how glibc treats them. The error is the last
/// source's.
fn walk_host(src: &mut dyn Sources, out: &mut Host, mode: Walk, ask: &mut AskFn<'_>) -> Result<(), LookupError> {
    let walked = walk(src, mode, status_of, &mut |src, source| {
        // A fresh entry for each source; one with nothing in it already is
        // one (what lies beyond its lengths is never read).
        if !out.name.as_bytes().is_empty() || !out.addrs().is_empty() || out.alias_count() != 0 {
            *out = Host::new();
        }
        match source {
            Source::Other => Err(LookupError::System(libc::EBUSY)),
            s => ask(src, s, out),
        }
    });
    match walked {
        Walked::Returned(answer) => answer,
        // A last SUCCESS=continue ends as not found.
        Walked::RanOut(answer) => {
            *out = Host::new();
            Err(answer.err().unwrap_or(LookupError::NotFound))
        }
        // glibc could not load nsswitch.conf: getXXbyYY_r fails with that
        // errno; getaddrinfo's loop asks nothing and ends on the h_errno the
        // caller left (EAI_SYSTEM only if it was NETDB_INTERNAL).
        Walked::Unreadable(errno) => Err(match mode {
            Walk::Reentrant => LookupError::NoService(errno),
            Walk::Gai if src.caller().h_errno == NETDB_INTERNAL => LookupError::System(errno),
            Walk::Gai => LookupError::NotFound,
        }),
        Walked::NothingToAsk => Err(match mode {
            Walk::Reentrant => LookupError::NoService(src.caller().errno),
            // getaddrinfo's loop runs once even over an empty list, on its
            // end marker, which has no module either.
            Walk::Gai => LookupError::System(libc::EBUSY),
        }),
    }
}

/// The first size of getaddrinfo's scratch buffer (glibc's `struct
/// scratch_buffer`), which its host lookups share and which doubles each
/// time one says ERANGE.
pub(crate) const SCRATCH_START: usize = 1024;

/// What glibc's `gethostbyname4_r` (nss_dns, getaddrinfo's AF_UNSPEC
/// lookup) takes of its buffer for a DNS answer: a `struct gaih_addrtuple`
/// (40 bytes, 8-aligned) per address, and after the first one the
/// canonical name as text with its NUL.
pub fn tuples_need(answer: &DnsAddrs) -> usize {
    const TUPLE: usize = 40;
    let first = TUPLE + answer.canon.as_bytes().len() + 1;
    match answer.addrs.len() {
        0 => 0,
        1 => first,
        n => first.next_multiple_of(8) + (n - 1) * TUPLE,
    }
}

/// A name through the nsswitch sources: the first source that finds it,
/// with nsswitch actions applied. The error is the last source's.
///
/// `scratch` is getaddrinfo's scratch buffer size (`SCRATCH_START` at
/// first): as glibc, a DNS answer too big for it doubles it and the
/// lookup is asked again, queries and all (a round-robin server may then
/// answer differently; the last answer is the one used).
pub fn by_name(
    src: &mut dyn Sources,
    name: &[u8],
    query: Query,
    mode: Walk,
    scratch: &mut usize,
    out: &mut Host,
) -> Result<(), LookupError> {
    walk_host(src, out, mode, &mut |src, source, out| match source {
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
            let need = |answer: &DnsAddrs| match query {
                Query::Both => tuples_need(answer),
                // gethostbyname2_r or 3_r: nss_dns's hostent layout.
                Query::One(f) => dns_need(answer, if f == Family::V6 { 16 } else { 4 }).at(0),
            };
            let mut answer = DnsAddrs::default();
            loop {
                src.dns_addrs(name, family, &mut answer)?;
                if need(&answer) <= *scratch {
                    break;
                }
                *scratch = scratch.saturating_mul(2);
                answer = DnsAddrs::default();
            }
            if answer.addrs.is_empty() {
                return Err(LookupError::NoData);
            }
            out.name = answer.canon;
            for &a in answer.addrs.as_slice() {
                out.push_addr(a);
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
    walk_host(src, out, Walk::Reentrant, &mut |src, source, out| match source {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::files::nsswitch::parse;
    use crate::resolve::sources::fake::{fake, parse_addr, Fake, HOSTS};

    /// `by_name` over the fake files, with a fresh scratch size.
    fn ask(name: &[u8], query: Query, mode: Walk, out: &mut Host) -> Result<(), LookupError> {
        by_name(&mut fake(), name, query, mode, &mut SCRATCH_START.clone(), out)
    }

    #[test]
    fn sources_sockshim_lacks_are_walked_as_glibc_does() {
        let run = |conf: &str, name: &[u8], walk: Walk| {
            let mut f = Fake {
                hosts: HOSTS,
                sources: parse([conf.as_bytes()]),
            };
            by_name(
                &mut f,
                name,
                Query::One(Family::V4),
                walk,
                &mut SCRATCH_START.clone(),
                &mut Host::new(),
            )
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
    }

    fn aliases(h: &Host) -> Vec<String> {
        h.aliases().map(|a| String::from_utf8(a.to_vec()).unwrap()).collect()
    }

    #[test]
    fn merge_of_ipv4_lines_matches_glibc() {
        // glibc 2.36: name=foo aliases=foo,baz,bar,qux,bar,foo,FOO
        // addrs=1.2.3.4,1.2.3.5,127.0.0.1,1.2.3.6
        let mut h = Host::new();
        ask(b"foo", Query::One(Family::V4), Walk::Reentrant, &mut h).unwrap();
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
        ask(b"FOO", Query::One(Family::V6), Walk::Reentrant, &mut h).unwrap();
        assert_eq!(h.name.as_bytes(), b"foo");
        assert_eq!(aliases(&h), ["qux", "v6a"]);
        assert_eq!(h.addrs(), [parse_addr("::1"), parse_addr("2001:db8::7")]);
        let mut h = Host::new();
        ask(b"mapped", Query::One(Family::V4), Walk::Reentrant, &mut h).unwrap();
        assert_eq!(h.addrs(), [parse_addr("10.0.0.9")]);
    }

    #[test]
    fn both_families_keep_file_order() {
        let mut h = Host::new();
        ask(b"foo", Query::Both, Walk::Gai, &mut h).unwrap();
        assert_eq!(h.addrs().len(), 5);
        assert_eq!(h.addrs()[2], parse_addr("::1"));
        // Not found in files, DNS times out: the last source's error.
        assert_eq!(ask(b"nope", Query::Both, Walk::Gai, &mut h), Err(LookupError::TryAgain));
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

    /// DNS answers of `n` IPv4 addresses, counting the questions.
    struct Many {
        n: usize,
        asked: usize,
    }

    impl Sources for Many {
        fn host_sources(&mut self) -> crate::resolve::files::nsswitch::SourceList {
            parse([&b"hosts: dns"[..]])
        }
        fn hosts_lines(&mut self, _: &mut crate::resolve::sources::HostsLineFn<'_>) -> Result<(), LookupError> {
            Ok(())
        }
        fn dns_addrs(&mut self, name: &[u8], _: Family, out: &mut DnsAddrs) -> Result<(), LookupError> {
            self.asked += 1;
            out.canon = crate::resolve::host::Name::from(name);
            for k in 0..self.n {
                out.addrs.push(Addr::V4([198, 18, (k >> 8) as u8, k as u8]));
            }
            Ok(())
        }
        fn dns_ptr(&mut self, _: &Addr, _: &mut [u8; 256]) -> Result<usize, LookupError> {
            Err(LookupError::NotFound)
        }
        fn service_port(&mut self, _: &[u8], _: &[u8]) -> Option<u16> {
            None
        }
        fn service_name(&mut self, _: u16, _: &[u8], _: &mut [u8; 256]) -> Option<usize> {
            None
        }
    }

    #[test]
    fn big_answers_are_asked_again_as_the_scratch_buffer_doubles() {
        // a60.craft.test (14 bytes): 56 + 59 * 40 = 2,416 bytes of tuples:
        // asked at 1024, 2048 and 4096 bytes, as glibc's query log shows.
        let mut m = Many { n: 60, asked: 0 };
        let mut scratch = SCRATCH_START;
        let mut h = Host::new();
        by_name(&mut m, b"a60.craft.test", Query::Both, Walk::Gai, &mut scratch, &mut h).unwrap();
        assert_eq!((m.asked, scratch, h.addrs().len()), (3, 4096, 60));
        // The same through gethostbyname2_r's layout: 15 + 60 * 4 + 61 * 8
        // + 8 fits in 1024 bytes.
        let mut m = Many { n: 60, asked: 0 };
        let mut scratch = SCRATCH_START;
        by_name(
            &mut m,
            b"a60.craft.test",
            Query::One(Family::V4),
            Walk::Reentrant,
            &mut scratch,
            &mut h,
        )
        .unwrap();
        assert_eq!((m.asked, scratch), (1, 1024));
        // 4,000 addresses: every one kept.
        let mut m = Many { n: 4000, asked: 0 };
        let mut h = Host::new();
        by_name(
            &mut m,
            b"a4000.craft.test",
            Query::One(Family::V4),
            Walk::Reentrant,
            &mut scratch,
            &mut h,
        )
        .unwrap();
        assert_eq!(h.addrs().len(), 4000);
        assert_eq!(h.addrs()[3999], Addr::V4([198, 18, 15, 159]));
    }

    #[test]
    fn tuples_need_is_glibcs_layout() {
        let mut a = DnsAddrs::default();
        assert_eq!(tuples_need(&a), 0);
        a.canon = crate::resolve::host::Name::from(b"abc");
        a.addrs.push(Addr::V4([1, 2, 3, 4]));
        assert_eq!(tuples_need(&a), 44);
        a.addrs.push(Addr::V4([1, 2, 3, 5]));
        assert_eq!(tuples_need(&a), 48 + 40);
    }
}
