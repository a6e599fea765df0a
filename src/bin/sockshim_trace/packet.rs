//! Synthesized IPv4/IPv6 packets carrying TCP segments or UDP datagrams,
//! as they would have crossed the loopback interface: no link-layer
//! header (pcapng link types `LINKTYPE_IPV4`/`LINKTYPE_IPV6`).
//!
//! Checksums: the IPv4 header checksum is always right (the header is
//! whole). The TCP and UDP checksums are computed over the pseudo-header,
//! the header and the payload when the whole payload is known; when the
//! recording cut the payload they cannot be, and the field holds 0 (TCP;
//! Wireshark cannot verify a cut segment and reports it "unverified"),
//! 0 for UDP over IPv4 (RFC 768: no checksum), 0xffff for UDP over IPv6
//! (where 0 is illegal; unverifiable like TCP's).

/// An IP address of either family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ip {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Ip {
    pub fn is_v6(self) -> bool {
        matches!(self, Ip::V6(_))
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Ip::V4(a) => a,
            Ip::V6(a) => a,
        }
    }

    pub fn is_unspecified(self) -> bool {
        self.bytes().iter().all(|&b| b == 0)
    }
}

/// An address and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub ip: Ip,
    pub port: u16,
}

pub const TCP_FIN: u8 = 0x01;
pub const TCP_SYN: u8 = 0x02;
pub const TCP_RST: u8 = 0x04;
pub const TCP_PSH: u8 = 0x08;
pub const TCP_ACK: u8 = 0x10;

const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;
const TCP_HEADER: usize = 20;
const UDP_HEADER: usize = 8;
const TTL: u8 = 64;
const WINDOW: u16 = 65535;

/// Most payload bytes one packet carries: what an IPv4 total length (and
/// so an IPv6 payload length too) allows after the TCP header.
pub const SEGMENT_MAX: usize = 65535 - 20 - TCP_HEADER;
/// Most bytes of a UDP datagram's payload over IPv4 (larger Unix datagrams
/// are cut to this, their original length too).
pub const DATAGRAM_MAX: usize = 65535 - 20 - UDP_HEADER;

/// What goes over IP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp { seq: u32, ack: u32, flags: u8 },
    Udp,
}

/// The one's-complement sum of `data` (as 16-bit big-endian words, an odd
/// last byte padded with zero) added to `sum`, not yet folded.
fn sum16(mut sum: u32, data: &[u8]) -> u32 {
    let mut words = data.chunks_exact(2);
    for w in words.by_ref() {
        sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
    }
    if let [last] = words.remainder() {
        sum += u32::from(*last) << 8;
    }
    // Keep it from overflowing on long inputs.
    (sum & 0xffff) + (sum >> 16)
}

/// The Internet checksum (RFC 1071) of what `sum16` summed.
fn fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The checksum of `data` alone.
pub fn checksum(data: &[u8]) -> u16 {
    fold(sum16(0, data))
}

/// A packet: the bytes captured and the length it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub data: Vec<u8>,
    pub orig_len: u32,
}

/// Builds the packet from `src` to `dst` (the same family) carrying
/// `kept`, the first bytes of a payload of `total` bytes (`total >=
/// kept.len()`, at most `SEGMENT_MAX`/`DATAGRAM_MAX`). `ip_id` numbers
/// IPv4 packets.
pub fn build(src: Endpoint, dst: Endpoint, t: Transport, kept: &[u8], total: usize, ip_id: u16) -> Packet {
    let total = total.max(kept.len());
    let whole = total == kept.len();
    let l4_header = match t {
        Transport::Tcp { .. } => TCP_HEADER,
        Transport::Udp => UDP_HEADER,
    };
    let l4_len = l4_header + total;
    let mut l4 = Vec::with_capacity(l4_header + kept.len());
    l4.extend_from_slice(&src.port.to_be_bytes());
    l4.extend_from_slice(&dst.port.to_be_bytes());
    let proto = match t {
        Transport::Tcp { seq, ack, flags } => {
            l4.extend_from_slice(&seq.to_be_bytes());
            l4.extend_from_slice(&ack.to_be_bytes());
            l4.push((TCP_HEADER as u8 / 4) << 4);
            l4.push(flags);
            l4.extend_from_slice(&WINDOW.to_be_bytes());
            l4.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
            PROTO_TCP
        }
        Transport::Udp => {
            l4.extend_from_slice(&(l4_len as u16).to_be_bytes());
            l4.extend_from_slice(&[0, 0]);
            PROTO_UDP
        }
    };
    l4.extend_from_slice(kept);
    let sum_at = if proto == PROTO_TCP { 16 } else { 6 };
    let l4_sum = if whole {
        let mut s = sum16(0, src.ip.bytes());
        s = sum16(s, dst.ip.bytes());
        s += u32::from(proto) + l4_len as u32;
        let c = fold(sum16(s, &l4));
        // A computed 0 is sent as 0xffff in UDP (0 means "none").
        if proto == PROTO_UDP && c == 0 {
            0xffff
        } else {
            c
        }
    } else if proto == PROTO_UDP && src.ip.is_v6() {
        0xffff
    } else {
        0
    };
    l4[sum_at..sum_at + 2].copy_from_slice(&l4_sum.to_be_bytes());

    let mut data = Vec::with_capacity(40 + l4.len());
    let orig_len;
    match (src.ip, dst.ip) {
        (Ip::V4(s), Ip::V4(d)) => {
            let len = 20 + l4_len;
            orig_len = len;
            data.extend_from_slice(&[0x45, 0]);
            data.extend_from_slice(&(len.min(0xffff) as u16).to_be_bytes());
            data.extend_from_slice(&ip_id.to_be_bytes());
            data.extend_from_slice(&[0x40, 0, TTL, proto, 0, 0]); // DF
            data.extend_from_slice(&s);
            data.extend_from_slice(&d);
            let c = checksum(&data);
            data[10..12].copy_from_slice(&c.to_be_bytes());
        }
        (s, d) => {
            let v6 = |ip: Ip| match ip {
                Ip::V6(a) => a,
                // A v4 endpoint talking to a v6 one: as a v4-mapped address.
                Ip::V4(a) => {
                    let mut m = [0u8; 16];
                    m[10] = 0xff;
                    m[11] = 0xff;
                    m[12..].copy_from_slice(&a);
                    m
                }
            };
            orig_len = 40 + l4_len;
            data.extend_from_slice(&[0x60, 0, 0, 0]);
            data.extend_from_slice(&(l4_len.min(0xffff) as u16).to_be_bytes());
            data.extend_from_slice(&[proto, TTL]);
            data.extend_from_slice(&v6(s));
            data.extend_from_slice(&v6(d));
        }
    }
    data.extend_from_slice(&l4);
    Packet {
        data,
        orig_len: orig_len as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: [u8; 4], port: u16) -> Endpoint {
        Endpoint { ip: Ip::V4(a), port }
    }

    #[test]
    fn rfc1071_and_ipv4_header_checksums() {
        // RFC 1071, 3: the sum of 0001 f203 f4f5 f6f7 is ddf2 (checksum 220d).
        assert_eq!(checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0x220d);
        // A classic IPv4 header (192.168.0.1 -> 192.168.0.199, UDP): b861.
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
            0x00, 0xc7,
        ];
        assert_eq!(checksum(&h), 0xb861);
        // An odd length pads with a zero byte.
        assert_eq!(checksum(&[0x12]), !0x1200);
    }

    /// Sums a built packet's pseudo-header and L4 part: 0 when its
    /// checksum is right (the receiver's check, RFC 1071).
    fn verify_l4(p: &[u8], v6: bool) -> u16 {
        let (hl, proto, src, dst) = if v6 {
            (40, p[6], &p[8..24], &p[24..40])
        } else {
            (20, p[9], &p[12..16], &p[16..20])
        };
        let l4 = &p[hl..];
        let mut s = sum16(0, src);
        s = sum16(s, dst);
        s += u32::from(proto) + l4.len() as u32;
        fold(sum16(s, l4))
    }

    #[test]
    fn tcp_over_ipv4() {
        let t = Transport::Tcp {
            seq: 0x01020304,
            ack: 0x0a0b0c0d,
            flags: TCP_PSH | TCP_ACK,
        };
        let p = build(v4([127, 0, 0, 1], 40000), v4([127, 0, 0, 2], 80), t, b"hello", 5, 7);
        assert_eq!(p.orig_len as usize, p.data.len());
        assert_eq!(p.data.len(), 20 + 20 + 5);
        assert_eq!(&p.data[..4], &[0x45, 0, 0, 45]);
        assert_eq!(&p.data[4..6], &[0, 7]);
        assert_eq!(p.data[9], 6);
        assert_eq!(checksum(&p.data[..20]), 0, "IPv4 header checksum");
        assert_eq!(&p.data[20..24], &[0x9c, 0x40, 0, 80]);
        assert_eq!(&p.data[24..32], &[1, 2, 3, 4, 10, 11, 12, 13]);
        assert_eq!(&p.data[32..34], &[0x50, 0x18]);
        assert_eq!(verify_l4(&p.data, false), 0, "TCP checksum");
        assert_eq!(&p.data[40..], b"hello");
    }

    #[test]
    fn udp_over_ipv6_and_cut_payloads() {
        let a = Endpoint {
            ip: Ip::V6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            port: 5353,
        };
        let p = build(a, a, Transport::Udp, b"abc", 3, 0);
        assert_eq!(p.data.len(), 40 + 8 + 3);
        assert_eq!(&p.data[..8], &[0x60, 0, 0, 0, 0, 11, 17, 64]);
        assert_eq!(&p.data[40..46], &[0x14, 0xe9, 0x14, 0xe9, 0, 11]);
        assert_eq!(verify_l4(&p.data, true), 0, "UDP checksum");
        // Cut: captured < original, no invented bytes, checksum not computed.
        let p = build(a, a, Transport::Udp, b"ab", 1000, 0);
        assert_eq!((p.data.len(), p.orig_len), (40 + 8 + 2, 40 + 8 + 1000));
        assert_eq!(&p.data[44..48], &[0x03, 0xf0, 0xff, 0xff]);
        let t = Transport::Tcp {
            seq: 1,
            ack: 2,
            flags: TCP_ACK,
        };
        let p = build(v4([1, 2, 3, 4], 1), v4([5, 6, 7, 8], 2), t, b"x", 300, 0);
        assert_eq!((p.data.len(), p.orig_len), (41, 340));
        assert_eq!(&p.data[2..4], &340u16.to_be_bytes());
        assert_eq!(checksum(&p.data[..20]), 0);
        assert_eq!(&p.data[36..38], &[0, 0]);
        let p = build(v4([1, 2, 3, 4], 1), v4([5, 6, 7, 8], 2), Transport::Udp, b"", 9, 0);
        assert_eq!(&p.data[26..28], &[0, 0]);
    }
}
