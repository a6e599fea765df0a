//! getaddrinfo's service step (musl's `lookup_serv`): the socket type,
//! protocol and port tuples of the answer, from the caller's service text
//! and hints, in glibc 2.36's table order.

use super::sources::Sources;
use super::{GaiError, Tuple, MAX_TUPLES};

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
        socktype: libc::SOCK_STREAM,
        protocol: libc::IPPROTO_TCP,
        any_protocol: false,
        no_service: false,
        default: true,
        name: b"tcp",
    },
    TypeProto {
        socktype: libc::SOCK_DGRAM,
        protocol: libc::IPPROTO_UDP,
        any_protocol: false,
        no_service: false,
        default: true,
        name: b"udp",
    },
    TypeProto {
        socktype: libc::SOCK_DCCP,
        protocol: libc::IPPROTO_DCCP,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"dccp",
    },
    TypeProto {
        socktype: libc::SOCK_DGRAM,
        protocol: libc::IPPROTO_UDPLITE,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"udplite",
    },
    TypeProto {
        socktype: libc::SOCK_STREAM,
        protocol: libc::IPPROTO_SCTP,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"sctp",
    },
    TypeProto {
        socktype: libc::SOCK_SEQPACKET,
        protocol: libc::IPPROTO_SCTP,
        any_protocol: false,
        no_service: false,
        default: false,
        name: b"sctp",
    },
    TypeProto {
        socktype: libc::SOCK_RAW,
        protocol: 0,
        any_protocol: true,
        no_service: true,
        default: true,
        name: b"raw",
    },
];

/// The service as glibc parses it: `strtoul(s, &end, 10)` and a number only
/// if the whole text was read; the number wraps to `int` as in glibc
/// (so "-1" and "4294967295" are names, and 65536 is port 0).
pub fn parse_service(s: &[u8]) -> Option<i32> {
    let (negative, i) = crate::resolve::files::strtoul_prefix(s);
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

fn fits(tp: &TypeProto, socktype: i32, protocol: i32) -> bool {
    (socktype == 0 || socktype == tp.socktype) && (protocol == 0 || tp.any_protocol || protocol == tp.protocol)
}

fn tuple_of(tp: &TypeProto, protocol: i32, port: u16) -> Tuple {
    Tuple {
        socktype: tp.socktype,
        protocol: if tp.any_protocol { protocol } else { tp.protocol },
        port,
    }
}

/// The service tuples of the answer, in glibc's order: `service` (None for
/// NULL) for the hints' `socktype` and `protocol` (0: any).
pub fn service_tuples(
    src: &mut dyn Sources,
    service: Option<&[u8]>,
    socktype: i32,
    protocol: i32,
    out: &mut [Tuple; MAX_TUPLES],
) -> Result<usize, GaiError> {
    // With a socket type or protocol, the first entry that fits.
    let chosen = if socktype != 0 || protocol != 0 {
        match TYPE_PROTOS.iter().find(|tp| fits(tp, socktype, protocol)) {
            Some(tp) => Some(tp),
            None if socktype != 0 => return Err(GaiError::SockType),
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
            out[0] = tuple_of(tp, protocol, port);
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
        out[0] = tuple_of(tp, protocol, port.to_be());
        return Ok(1);
    }
    let mut n = 0;
    for tp in TYPE_PROTOS
        .iter()
        .filter(|tp| !tp.no_service && fits(tp, socktype, protocol))
    {
        if let Some(port) = src.service_port(name, tp.name) {
            out[n] = tuple_of(tp, protocol, port.to_be());
            n += 1;
        }
    }
    if n == 0 {
        return Err(GaiError::Service);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::sources::fake::fake;

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
        use libc::{IPPROTO_SCTP, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_STREAM};
        let mut t = [Tuple::default(); MAX_TUPLES];
        assert_eq!(service_tuples(&mut fake(), None, 0, 0, &mut t), Ok(3));
        assert_eq!(
            (t[0].socktype, t[1].socktype, t[2].socktype),
            (SOCK_STREAM, SOCK_DGRAM, SOCK_RAW)
        );
        assert_eq!(service_tuples(&mut fake(), Some(b"http"), 0, 0, &mut t), Ok(4));
        assert_eq!(
            (t[2].socktype, t[2].protocol, t[3].socktype),
            (SOCK_STREAM, IPPROTO_SCTP, SOCK_SEQPACKET)
        );
        assert_eq!(
            service_tuples(&mut fake(), Some(b"80"), SOCK_RAW, 0, &mut t),
            Err(GaiError::Service)
        );
        assert_eq!(
            service_tuples(&mut fake(), None, 99, 0, &mut t),
            Err(GaiError::SockType)
        );
        assert_eq!(service_tuples(&mut fake(), None, 0, 99, &mut t), Ok(1));
        assert_eq!((t[0].socktype, t[0].protocol), (SOCK_RAW, 99));
        assert_eq!(
            service_tuples(&mut fake(), Some(b"nope"), 0, 0, &mut t),
            Err(GaiError::Service)
        );
    }
}
