//! Socket addresses as bytes (`struct sockaddr_*` images), decoded.

/// A decoded socket address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SockAddr<'a> {
    /// `AF_INET`: port (host order) and address.
    Inet { port: u16, addr: [u8; 4] },
    /// `AF_INET6`: port (host order), flow info and scope id (network
    /// order values as strace prints them), address.
    Inet6 {
        port: u16,
        flowinfo: u32,
        addr: [u8; 16],
        scope_id: u32,
    },
    /// `AF_UNIX`: the path bytes up to the first NUL (a pathname), the
    /// name after the leading NUL (`abstract`), or none (unnamed).
    Unix { path: &'a [u8], abstract_: bool },
    /// `AF_NETLINK`: port id and groups.
    Netlink { pid: u32, groups: u32 },
    /// Any other family, or an address too short for its family.
    Other { family: u16, data: &'a [u8] },
    /// Fewer than two bytes: no family.
    Short(&'a [u8]),
}

fn be16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(s) => u16::from_be_bytes([s[0], s[1]]),
        None => 0,
    }
}

fn ne32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_ne_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

impl<'a> SockAddr<'a> {
    pub fn parse(b: &'a [u8]) -> SockAddr<'a> {
        let Some(fam) = b.get(..2).map(|s| u16::from_ne_bytes([s[0], s[1]])) else {
            return SockAddr::Short(b);
        };
        let data = b.get(2..).unwrap_or(&[]);
        match fam {
            2 if b.len() >= 8 => {
                let mut addr = [0u8; 4];
                addr.copy_from_slice(&b[4..8]);
                SockAddr::Inet { port: be16(b, 2), addr }
            }
            10 if b.len() >= 24 => {
                let mut addr = [0u8; 16];
                addr.copy_from_slice(&b[8..24]);
                SockAddr::Inet6 {
                    port: be16(b, 2),
                    flowinfo: u32::from_be(ne32(b, 4)),
                    addr,
                    scope_id: ne32(b, 24),
                }
            }
            1 => {
                if data.first() == Some(&0) {
                    SockAddr::Unix {
                        path: &data[1..],
                        abstract_: true,
                    }
                } else {
                    let end = data.iter().position(|&c| c == 0).unwrap_or(data.len());
                    SockAddr::Unix {
                        path: &data[..end],
                        abstract_: false,
                    }
                }
            }
            16 if b.len() >= 12 => SockAddr::Netlink {
                pid: ne32(b, 4),
                groups: ne32(b, 8),
            },
            _ => SockAddr::Other { family: fam, data },
        }
    }

    /// The family number, if the address has one.
    pub fn family(&self) -> Option<u16> {
        Some(match self {
            SockAddr::Inet { .. } => 2,
            SockAddr::Inet6 { .. } => 10,
            SockAddr::Unix { .. } => 1,
            SockAddr::Netlink { .. } => 16,
            SockAddr::Other { family, .. } => *family,
            SockAddr::Short(_) => return None,
        })
    }

    /// True for an `AF_INET`/`AF_INET6` address with port 0 and the
    /// wildcard address (an unbound socket's `getsockname`).
    pub fn is_unspecified_inet(&self) -> bool {
        match self {
            SockAddr::Inet { port, addr } => *port == 0 && *addr == [0; 4],
            SockAddr::Inet6 { port, addr, .. } => *port == 0 && *addr == [0; 16],
            _ => false,
        }
    }
}

/// Writes `host:port` (`[v6]:port`) for an IP address, or the Unix path.
pub(crate) fn put_endpoint(o: &mut super::out::Out, a: &SockAddr) {
    match a {
        SockAddr::Inet { port, addr } => {
            o.bytes(crate::inet::ipv4::format(*addr).as_bytes());
            o.byte(b':');
            o.u64(u64::from(*port));
        }
        SockAddr::Inet6 { port, addr, .. } => {
            o.byte(b'[');
            o.bytes(crate::inet::ipv6::format(addr).as_bytes());
            o.str("]:");
            o.u64(u64::from(*port));
        }
        SockAddr::Unix { path, abstract_ } => {
            if *abstract_ {
                o.byte(b'@');
            }
            o.bytes(path);
        }
        SockAddr::Netlink { pid, .. } => o.u64(u64::from(*pid)),
        SockAddr::Other { .. } | SockAddr::Short(_) => o.byte(b'?'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        let v4 = [2u8, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            SockAddr::parse(&v4),
            SockAddr::Inet {
                port: 8080,
                addr: [127, 0, 0, 1]
            }
        );
        let mut un = [0u8; 12];
        un[0] = 1;
        un[2..7].copy_from_slice(b"/tmp/");
        assert_eq!(
            SockAddr::parse(&un),
            SockAddr::Unix {
                path: b"/tmp/",
                abstract_: false
            }
        );
        un[2] = 0;
        assert!(matches!(
            SockAddr::parse(&un[..7]),
            SockAddr::Unix {
                path: b"tmp/",
                abstract_: true
            }
        ));
        assert!(matches!(
            SockAddr::parse(&[1, 0]),
            SockAddr::Unix {
                path: b"",
                abstract_: false
            }
        ));
        assert!(matches!(SockAddr::parse(&[2, 0, 1]), SockAddr::Other { family: 2, .. }));
        assert!(matches!(SockAddr::parse(&[2]), SockAddr::Short(_)));
    }
}
