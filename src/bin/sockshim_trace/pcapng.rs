//! A pcapng writer: one Section Header Block, Interface Description Blocks
//! and Enhanced Packet Blocks, little-endian, as the pcapng specification
//! (draft-ietf-opsawg-pcapng) lays them out:
//!
//! ```text
//! every block: u32 type, u32 total length, body, options, u32 total length
//! option:      u16 code, u16 length, value padded with zeros to 32 bits;
//!              the list ends with opt_endofopt (code 0, length 0)
//! SHB 0x0A0D0D0A: u32 byte-order magic 0x1A2B3C4D, u16 major 1, u16 minor 0,
//!                 i64 section length (-1: not given), options
//! IDB 0x00000001: u16 link type, u16 reserved 0, u32 snaplen, options
//! EPB 0x00000006: u32 interface id, u32 timestamp high, u32 timestamp low,
//!                 u32 captured length, u32 original length, packet data
//!                 padded to 32 bits, options
//! ```
//!
//! Timestamps are nanoseconds since the epoch: every interface says so
//! with `if_tsresol` = 9.

use std::io::{self, Write};

pub const LINKTYPE_IPV4: u16 = 228;
pub const LINKTYPE_IPV6: u16 = 229;

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 1;
const EPB: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

const OPT_ENDOFOPT: u16 = 0;
const OPT_COMMENT: u16 = 1;
const SHB_USERAPPL: u16 = 4;
const IF_NAME: u16 = 2;
const IF_DESCRIPTION: u16 = 3;
const IF_TSRESOL: u16 = 9;

/// Longest option value (its length is a u16; longer text is cut).
const OPT_MAX: usize = 0xfff0;

fn pad4(n: usize) -> usize {
    (n + 3) & !3
}

/// Appends option `code` with `value` (cut to `OPT_MAX`), zero-padded.
fn option(body: &mut Vec<u8>, code: u16, value: &[u8]) {
    let value = value.get(..OPT_MAX).unwrap_or(value);
    body.extend_from_slice(&code.to_le_bytes());
    body.extend_from_slice(&(value.len() as u16).to_le_bytes());
    body.extend_from_slice(value);
    body.resize(pad4(body.len()), 0);
}

/// Ends an option list (only when there were options).
fn end_options(body: &mut Vec<u8>, had_options: bool) {
    if had_options {
        option(body, OPT_ENDOFOPT, &[]);
    }
}

/// One whole block: type, total length, `body` (a multiple of 4 bytes),
/// total length again.
fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let total = (12 + body.len()) as u32;
    let mut b = Vec::with_capacity(total as usize);
    b.extend_from_slice(&kind.to_le_bytes());
    b.extend_from_slice(&total.to_le_bytes());
    b.extend_from_slice(body);
    b.extend_from_slice(&total.to_le_bytes());
    b
}

/// The Section Header Block, naming the writing application.
pub fn section_header(userappl: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&(-1i64).to_le_bytes());
    option(&mut body, SHB_USERAPPL, userappl.as_bytes());
    end_options(&mut body, true);
    block(SHB, &body)
}

/// An Interface Description Block (snaplen 0: no limit), with a name, a
/// description and nanosecond timestamps.
pub fn interface(linktype: u16, name: &str, description: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&linktype.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes());
    option(&mut body, IF_NAME, name.as_bytes());
    option(&mut body, IF_DESCRIPTION, description.as_bytes());
    option(&mut body, IF_TSRESOL, &[9]);
    end_options(&mut body, true);
    block(IDB, &body)
}

/// An Enhanced Packet Block: `data` captured of `orig_len` bytes, at
/// `ts_ns` (ns since the epoch), with an optional comment.
pub fn packet(interface: u32, ts_ns: u64, data: &[u8], orig_len: u32, comment: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(20 + pad4(data.len()) + pad4(comment.len()) + 8);
    body.extend_from_slice(&interface.to_le_bytes());
    body.extend_from_slice(&((ts_ns >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(ts_ns as u32).to_le_bytes());
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(&orig_len.max(data.len() as u32).to_le_bytes());
    body.extend_from_slice(data);
    body.resize(pad4(body.len()), 0);
    if !comment.is_empty() {
        option(&mut body, OPT_COMMENT, comment.as_bytes());
    }
    end_options(&mut body, !comment.is_empty());
    block(EPB, &body)
}

/// Writes a section to `out`; interfaces are numbered in the order they
/// are added.
pub struct Writer<W: Write> {
    out: W,
    interfaces: u32,
}

impl<W: Write> Writer<W> {
    pub fn new(mut out: W, userappl: &str) -> io::Result<Writer<W>> {
        out.write_all(&section_header(userappl))?;
        Ok(Writer { out, interfaces: 0 })
    }

    /// Adds an interface; returns its id.
    pub fn interface(&mut self, linktype: u16, name: &str, description: &str) -> io::Result<u32> {
        self.out.write_all(&interface(linktype, name, description))?;
        self.interfaces += 1;
        Ok(self.interfaces - 1)
    }

    pub fn packet(&mut self, interface: u32, ts_ns: u64, data: &[u8], orig_len: u32, comment: &str) -> io::Result<()> {
        self.out.write_all(&packet(interface, ts_ns, data, orig_len, comment))
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32s(b: &[u8]) -> Vec<u32> {
        b.chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect()
    }

    #[test]
    fn section_header_layout() {
        let b = section_header("ab");
        assert_eq!(
            u32s(&b),
            vec![
                0x0A0D0D0A,
                40,
                0x1A2B3C4D,
                0x0000_0001, // major 1, minor 0
                0xffff_ffff, // section length -1
                0xffff_ffff,
                0x0002_0004, // shb_userappl, 2 bytes
                u32::from_le_bytes(*b"ab\0\0"),
                0, // opt_endofopt
                40,
            ]
        );
    }

    #[test]
    fn interface_layout() {
        let b = interface(LINKTYPE_IPV6, "inet6", "x");
        let w = u32s(&b);
        assert_eq!(w[0], 1);
        assert_eq!(w[1] as usize, b.len());
        assert_eq!(*w.last().unwrap() as usize, b.len());
        assert_eq!(w[2], 229); // link type, reserved 0
        assert_eq!(w[3], 0); // snaplen
        assert_eq!(&b[16..20], &[2, 0, 5, 0]); // if_name, 5 bytes
        assert_eq!(&b[20..28], b"inet6\0\0\0");
        assert_eq!(&b[28..36], &[3, 0, 1, 0, b'x', 0, 0, 0]); // if_description
        assert_eq!(&b[36..44], &[9, 0, 1, 0, 9, 0, 0, 0]); // if_tsresol = 9
        assert_eq!(&b[44..48], &[0, 0, 0, 0]); // opt_endofopt
        assert_eq!(b.len(), 52);
    }

    #[test]
    fn packet_layout() {
        let ts = 0x0000_0012_3456_789a_u64;
        let b = packet(2, ts, &[1, 2, 3, 4, 5], 9, "hi");
        let w = u32s(&b);
        assert_eq!(w[0], 6);
        assert_eq!(w[1] as usize, b.len());
        assert_eq!(&w[2..7], &[2, 0x12, 0x3456_789a, 5, 9]);
        assert_eq!(&b[28..36], &[1, 2, 3, 4, 5, 0, 0, 0]); // data padded
        assert_eq!(&b[36..44], &[1, 0, 2, 0, b'h', b'i', 0, 0]); // opt_comment
        assert_eq!(&b[44..48], &[0; 4]);
        assert_eq!(w[12] as usize, b.len());
        assert_eq!(b.len(), 52);
        // No comment: no options at all; an aligned packet has no padding.
        let b = packet(0, 0, &[7; 8], 8, "");
        assert_eq!(b.len(), 28 + 8 + 4);
        assert_eq!(u32s(&b)[1], 40);
        // The original length is never below the captured one.
        assert_eq!(u32s(&packet(0, 0, &[7; 8], 3, ""))[6], 8);
    }

    #[test]
    fn writer_numbers_interfaces() {
        let mut w = Writer::new(Vec::new(), "t").unwrap();
        assert_eq!(w.interface(LINKTYPE_IPV4, "a", "").unwrap(), 0);
        assert_eq!(w.interface(LINKTYPE_IPV6, "b", "").unwrap(), 1);
        w.packet(1, 5, &[0x60], 1, "").unwrap();
        let out = w.finish().unwrap();
        assert_eq!(&out[..4], &SHB.to_le_bytes());
    }
}
