//! Where lookups get their data, as a trait: /etc/hosts line by line, DNS
//! questions, /etc/services, the nsswitch order and the caller's errno.
//! `system::SystemSources` is this machine's; the unit tests use fakes, so
//! the lookups above this trait never touch the machine.

use core::ops::ControlFlow;

use super::files::nsswitch::SourceList;
use super::host::{Addrs, Name, NameList};
use super::{Addr, Family, LookupError};

/// Where lookups get their data: /etc/hosts, DNS, /etc/services and the
/// nsswitch order. `system::SystemSources` is the machine's; tests use
/// their own.
pub trait Sources {
    /// The "hosts:" sources in nsswitch.conf order, with their actions.
    fn host_sources(&mut self) -> SourceList;
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

/// What a DNS address lookup gives (the adapter in `system` fills it).
#[derive(Default)]
pub struct DnsAddrs {
    /// The addresses, in reply order (as many as the replies hold).
    pub addrs: Addrs,
    pub canon: Name,
    /// The names glibc's gethostbyname stores from the answer, in reply
    /// order: the name as asked (search domain applied), then each CNAME
    /// target. The last one is `h_name`, the others are `h_aliases`.
    pub names: NameList,
    /// Set with `Err(TryAgain)`: the last query got no usable reply (every
    /// server timed out, refused or said SERVFAIL), so glibc's nss_dns
    /// says UNAVAIL and gethostbyname_r returns EAGAIN; otherwise (an
    /// earlier query failed, a later one was answered) it says NOTFOUND
    /// and returns 0.
    pub unavailable: bool,
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

/// A fake for the unit tests of the lookups above `Sources`.
#[cfg(test)]
pub(crate) mod fake {
    use super::*;
    use crate::inet::{ipv4, ipv6};

    /// A fixed /etc/hosts and /etc/services, no DNS.
    pub(crate) struct Fake {
        pub hosts: &'static [(&'static str, &'static [&'static str])],
        pub sources: SourceList,
    }

    pub(crate) fn parse_addr(s: &str) -> Addr {
        if let Some(a) = ipv4::parse_pton(s.as_bytes()) {
            Addr::V4(a)
        } else {
            Addr::V6(ipv6::parse(s.as_bytes()).unwrap())
        }
    }

    impl Sources for Fake {
        fn host_sources(&mut self) -> SourceList {
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

    pub(crate) const HOSTS: &[(&str, &[&str])] = &[
        ("1.2.3.4", &["foo"]),
        ("1.2.3.5", &["bar", "foo", "baz"]),
        ("::1", &["foo", "qux"]),
        ("1.2.3.6", &["FOO", "bar", "foo"]),
        ("2001:db8::7", &["foo", "v6a"]),
        ("::ffff:10.0.0.9", &["mapped"]),
    ];

    pub(crate) fn fake() -> Fake {
        Fake {
            hosts: HOSTS,
            sources: SourceList::default_hosts(),
        }
    }
}
