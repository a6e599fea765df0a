//! One line of /etc/hosts: `address canonical-name aliases...`.
//!
//! As glibc's nss_files reads it: the address is what `inet_pton` accepts,
//! IPv4 first, then IPv6 (so no `127.1`, no leading zeros, no `%scope`);
//! a line whose address does not parse is skipped; a line with only an
//! address is valid and names the empty string.

use super::fields::{content, field, Words};
use crate::inet::{ipv4, ipv6};
use crate::resolve::{unmap_v4, Addr, Family, LOOPBACK_V6};

/// A valid /etc/hosts line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostsLine<'a> {
    pub addr: Addr,
    /// The canonical name: the first name (empty when the line has none).
    pub name: &'a [u8],
    /// The other names, in order.
    pub aliases: Words<'a>,
}

impl<'a> HostsLine<'a> {
    /// Every name of the line, canonical first (glibc compares them with
    /// `strcasecmp` when looking a name up).
    pub fn names(&self) -> impl Iterator<Item = &'a [u8]> {
        core::iter::once(self.name).chain(self.aliases)
    }

    /// The address as glibc's `AF_INET` lookups (gethostbyname,
    /// gethostbyname2(AF_INET), gethostbyaddr of an IPv4 address) see the
    /// line (`addr_for_family`).
    pub fn addr_v4(&self) -> Option<[u8; 4]> {
        match addr_for_family(self.addr, Family::V4) {
            Some(Addr::V4(a)) => Some(a),
            _ => None,
        }
    }
}

/// A line's address as a lookup of `family` sees it, or None to skip the
/// line. For IPv4: an IPv4 address; an IPv4-mapped IPv6 address as its
/// IPv4 part; `::1` as 127.0.0.1; any other IPv6 line does not exist. For
/// IPv6, IPv4 lines do not exist (RES_USE_INET6 is not supported).
pub fn addr_for_family(addr: Addr, family: Family) -> Option<Addr> {
    match (family, addr) {
        (Family::V4, Addr::V4(_)) => Some(addr),
        (Family::V4, Addr::V6(a6)) => {
            if let Some(a4) = unmap_v4(&a6) {
                Some(Addr::V4(a4))
            } else if a6 == LOOPBACK_V6 {
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

/// Parses one line (with or without its newline); `None` for a comment,
/// blank or invalid line.
pub fn parse_line(line: &[u8]) -> Option<HostsLine<'_>> {
    let line = content(line);
    if line.is_empty() {
        return None;
    }
    let (addr, rest) = field(line);
    let addr = match ipv4::parse_pton(addr) {
        Some(a) => Addr::V4(a),
        None => Addr::V6(ipv6::parse(addr)?),
    };
    let (name, rest) = field(rest);
    Some(HostsLine {
        addr,
        name,
        aliases: Words::new(rest),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(l: &HostsLine<'_>) -> Vec<Vec<u8>> {
        l.names().map(|n| n.to_vec()).collect()
    }

    #[test]
    fn typical_lines() {
        let l = parse_line(b"127.0.0.1\tlocalhost  loopback # the machine\n").unwrap();
        assert_eq!(l.addr, Addr::V4([127, 0, 0, 1]));
        assert_eq!(names(&l), [b"localhost".to_vec(), b"loopback".to_vec()]);
        let l = parse_line(b"  ::1 ip6-localhost ip6-loopback\r\n").unwrap();
        assert_eq!(l.addr, Addr::V6(LOOPBACK_V6));
        assert_eq!(l.name, b"ip6-localhost");
        assert_eq!(l.aliases.collect::<Vec<_>>(), [&b"ip6-loopback"[..]]);
        assert_eq!(l.addr_v4(), Some([127, 0, 0, 1]));
    }

    #[test]
    fn comment_anywhere_and_glued() {
        let l = parse_line(b"10.0.0.2 ok2#glued more").unwrap();
        assert_eq!(names(&l), [b"ok2".to_vec()]);
        assert_eq!(parse_line(b"#10.0.0.1 x"), None);
        assert_eq!(parse_line(b"10.0.0.1#x").unwrap().name, b"");
    }

    #[test]
    fn address_forms_glibc_refuses() {
        for bad in [
            &b"127.1 a"[..],
            b"10.00.0.3 a",
            b"0x7f.0.0.1 a",
            b"1.2.3 a",
            b"1.2.3.4.5 a",
            b"fe80::1%eth0 a",
            b"[::1] a",
            b"256.0.0.1 a",
            b"localhost 127.0.0.1",
        ] {
            assert_eq!(parse_line(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn address_only_line_names_the_empty_string() {
        let l = parse_line(b"10.0.0.4\n").unwrap();
        assert_eq!(l.name, b"");
        assert_eq!(l.aliases.count(), 0);
    }

    #[test]
    fn v4_view_of_v6_lines() {
        let mapped = parse_line(b"::ffff:10.0.0.9 m").unwrap();
        assert_eq!(mapped.addr_v4(), Some([10, 0, 0, 9]));
        assert_eq!(parse_line(b"fe80::1 x").unwrap().addr_v4(), None);
    }

    #[test]
    fn blank_and_comment_lines() {
        for l in [&b""[..], b"\n", b"   \t\n", b"# x", b"  # x", b"\0 1.2.3.4 a"] {
            assert_eq!(parse_line(l), None);
        }
    }

    #[test]
    fn no_panic_on_malformed_lines() {
        let pieces: [&[u8]; 12] = [
            b"1.2.3.4",
            b"::",
            b" ",
            b"\t",
            b"#",
            b"\n",
            b"\0",
            b"a",
            b"::ffff:1.2.3.4",
            b":",
            b".",
            b"\xff",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let line = [a, b, c, d].concat();
                        if let Some(l) = parse_line(&line) {
                            for n in l.names() {
                                assert!(!n.iter().any(|&c| c == b'#' || c == 0 || crate::inet::is_c_space(c)));
                            }
                        }
                    }
                }
            }
        }
    }
}
