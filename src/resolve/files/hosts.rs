//! One line of /etc/hosts: `address canonical-name aliases...`.
//!
//! As glibc's nss_files reads it: the address is what `inet_pton` accepts,
//! IPv4 first, then IPv6 (so no `127.1`, no leading zeros, no `%scope`);
//! a line whose address does not parse is skipped; a line with only an
//! address is valid and names the empty string.

use super::cache::Line;
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

/// Most names of one line a record keeps (more are ignored, like glibc's
/// old 35-alias limit).
pub(crate) const MAX_NAMES: usize = 36;

/// One line of /etc/hosts as its record (`encode_record`) gives it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// The line's length in the file, newline included.
    pub len: usize,
    /// The length of the C string the parser sees: up to the first NUL.
    pub c_len: usize,
    /// For a valid line: its address and how many names `decode_record`
    /// wrote (canonical first).
    pub entry: Option<(Addr, usize)>,
}

/// The record of one line, what the files cache keeps of /etc/hosts so
/// that a call parses no line: its length, its C string's length, and for
/// a complete, valid line the address and names its parser sees
/// (`with_parser_view`, `parse_line`). Written into `out`; its length, or
/// None when `out` is too short.
pub fn encode_record(line: Line<'_>, out: &mut [u8]) -> Option<usize> {
    // glibc's fgets copies the whole line; its parser stops at the first
    // NUL.
    let c_len = line.bytes.iter().position(|&b| b == 0).unwrap_or(line.len);
    let mut w = Writer { out, at: 0 };
    w.put(&u32::try_from(line.len).ok()?.to_le_bytes())?;
    w.put(&u32::try_from(c_len).ok()?.to_le_bytes())?;
    if !line.is_complete() {
        w.put(&[0])?;
        return Some(w.at);
    }
    super::with_parser_view(line.bytes, |text| {
        let Some(h) = parse_line(text) else {
            w.put(&[0])?;
            return Some(w.at);
        };
        match h.addr {
            Addr::V4(a) => w.put(&[4]).and_then(|()| w.put(&a))?,
            Addr::V6(a) => w.put(&[6]).and_then(|()| w.put(&a))?,
        }
        let count = h.names().take(MAX_NAMES).count();
        w.put(&[count as u8])?;
        for name in h.names().take(MAX_NAMES) {
            w.put(&u16::try_from(name.len()).ok()?.to_le_bytes())?;
            w.put(name)?;
        }
        Some(w.at)
    })
}

struct Writer<'a> {
    out: &'a mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, b: &[u8]) -> Option<()> {
        let end = self.at.checked_add(b.len())?;
        self.out.get_mut(self.at..end)?.copy_from_slice(b);
        self.at = end;
        Some(())
    }
}

/// Reads a record `encode_record` wrote; the names go to `names`. None
/// for bytes that are not a record, or when the line has more names than
/// `names` holds (`MAX_NAMES` always suffices).
pub fn decode_record<'a>(rec: &'a [u8], names: &mut [&'a [u8]]) -> Option<Record> {
    let (len, rest) = rec.split_first_chunk::<4>()?;
    let (c_len, rest) = rest.split_first_chunk::<4>()?;
    let (&kind, mut rest) = rest.split_first()?;
    let len = u32::from_le_bytes(*len) as usize;
    let c_len = u32::from_le_bytes(*c_len) as usize;
    let addr = match kind {
        4 => {
            let (a, r) = rest.split_first_chunk::<4>()?;
            rest = r;
            Addr::V4(*a)
        }
        6 => {
            let (a, r) = rest.split_first_chunk::<16>()?;
            rest = r;
            Addr::V6(*a)
        }
        _ => {
            return Some(Record {
                len,
                c_len,
                entry: None,
            })
        }
    };
    let (&count, mut rest) = rest.split_first()?;
    let count = usize::from(count);
    for slot in names.get_mut(..count)? {
        let (n, r) = rest.split_first_chunk::<2>()?;
        let n = usize::from(u16::from_le_bytes(*n));
        if n > r.len() {
            return None;
        }
        let (name, r) = r.split_at(n);
        *slot = name;
        rest = r;
    }
    Some(Record {
        len,
        c_len,
        entry: Some((addr, count)),
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

    type Entry = Option<(Addr, Vec<Vec<u8>>)>;

    fn round_trip(bytes: &[u8], len: usize) -> (usize, usize, Entry) {
        let mut out = [0u8; 512];
        let n = encode_record(Line { bytes, len }, &mut out).unwrap();
        let mut names: [&[u8]; MAX_NAMES] = [&[]; MAX_NAMES];
        let r = decode_record(&out[..n], &mut names).unwrap();
        let entry = r
            .entry
            .map(|(a, k)| (a, names[..k].iter().map(|n| n.to_vec()).collect()));
        (r.len, r.c_len, entry)
    }

    #[test]
    fn records_give_back_what_the_parser_sees() {
        let v = |s: &[&str]| s.iter().map(|n| n.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            round_trip(b"127.0.0.1\tlocalhost  lh # x\n", 28),
            (28, 28, Some((Addr::V4([127, 0, 0, 1]), v(&["localhost", "lh"]))))
        );
        assert_eq!(round_trip(b"# comment\n", 10), (10, 10, None));
        assert_eq!(
            round_trip(b"1.2.3.4 a\0b\n", 12),
            (12, 9, Some((Addr::V4([1, 2, 3, 4]), v(&["a"]))))
        );
        // The moved last line (`with_parser_view`).
        assert_eq!(
            round_trip(b"  ::1 ab", 8),
            (8, 8, Some((Addr::V6(LOOPBACK_V6), v(&["abab"]))))
        );
        // A line longer than what was read: no bytes, no entry.
        assert_eq!(round_trip(b"", 40000), (40000, 40000, None));
        let many: String = (0..50).map(|i| format!(" n{i}")).collect();
        let line = format!("10.0.0.1{many}\n");
        let (_, _, e) = round_trip(line.as_bytes(), line.len());
        assert_eq!(e.unwrap().1.len(), MAX_NAMES);
        // Too little room, and bytes that are not a record.
        let mut small = [0u8; 12];
        assert_eq!(
            encode_record(
                Line {
                    bytes: b"1.2.3.4 a\n",
                    len: 10
                },
                &mut small
            ),
            None
        );
        let mut names: [&[u8]; MAX_NAMES] = [&[]; MAX_NAMES];
        assert_eq!(
            decode_record(&[1, 0, 0, 0, 1, 0, 0, 0, 4, 1, 2, 3, 4, 1, 9, 0], &mut names),
            None
        );
        assert_eq!(decode_record(&[1, 2, 3], &mut names), None);
        let mut out = [0u8; 64];
        let n = encode_record(
            Line {
                bytes: b"1.2.3.4 a b\n",
                len: 12,
            },
            &mut out,
        )
        .unwrap();
        assert_eq!(decode_record(&out[..n], &mut names[..1]), None);
        assert!(decode_record(&out[..n], &mut names[..2]).is_some());
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
