//! One line of /etc/services: `name port/protocol aliases...`.
//!
//! As glibc's nss_files reads it: the port is `strtoul(.., 0)` (so `0x50`
//! and `0120` are 80, a `+` is accepted), a line whose number exceeds
//! 2^32 - 1 (or is negative) is skipped, only the low 16 bits of the rest
//! are kept (`65616` is 80), any number of `/` may follow it, and a port
//! with nothing after it is valid with an empty protocol.

use super::cache::{Index, Kept, Line, Lookup, SNAP_CAP};
use super::fields::{content, field, strtou32, Words};

/// A valid /etc/services line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceLine<'a> {
    pub name: &'a [u8],
    /// In host byte order.
    pub port: u16,
    /// Possibly empty (`name 80` is a valid line).
    pub proto: &'a [u8],
    pub aliases: Words<'a>,
}

impl<'a> ServiceLine<'a> {
    /// Whether `name` is the line's name or one of its aliases (glibc
    /// compares with `strcmp`: case matters).
    pub fn is_named(&self, name: &[u8]) -> bool {
        self.name == name || self.aliases.into_iter().any(|a| a == name)
    }
}

/// Parses one line (with or without its newline); `None` for a comment,
/// blank or invalid line.
pub fn parse_line(line: &[u8]) -> Option<ServiceLine<'_>> {
    let line = content(line);
    if line.is_empty() {
        return None;
    }
    let (name, rest) = field(line);
    let (port, used) = strtou32(rest, 0);
    if used == 0 {
        return None;
    }
    let after = &rest[used..];
    let slashes = after.iter().take_while(|&&c| c == b'/').count();
    if slashes == 0 && !after.is_empty() {
        return None;
    }
    let (proto, rest) = field(&after[slashes..]);
    Some(ServiceLine {
        name,
        port: port as u16,
        proto,
        aliases: Words::new(rest),
    })
}

/// The port index of /etc/services, what getnameinfo asks ("the name of
/// the first line with this port and protocol") answered without reading
/// the file: built from every line (`Index`), kept by the files cache,
/// read in place by `port_name`. Its words, little-endian:
/// - word 0: the entry count (bits 0-23), the protocol count (24-31),
///   whether some line's protocol is not in the table (bit 32), the words
///   of names (40-63);
/// - words 1 to `PROTOS`: the protocols, each its bytes (up to 7) and its
///   length in the top byte;
/// - the names, packed;
/// - one word an entry, the last line's first: its port (bits 0-15), its
///   protocol's number (16-23, `OTHER` when not in the table), the name's
///   length (24-39) and its byte offset among the names (40-63).
pub struct PortIndex {
    buf: [u8; SNAP_CAP],
    /// The end of the names (a byte offset in `buf`).
    names_end: usize,
    count: usize,
    protos: [(u8, [u8; 7]); PROTOS],
    nprotos: usize,
    other: bool,
    full: bool,
}

const PROTOS: usize = 16;
const OTHER: u64 = 0xff;
const HEAD: usize = 8 * (1 + PROTOS);
/// The longest name kept (getnameinfo's buffer).
const NAME_MAX: usize = 256;

impl PortIndex {
    pub fn new() -> Self {
        PortIndex {
            buf: [0; SNAP_CAP],
            names_end: HEAD,
            count: 0,
            protos: [(0, [0; 7]); PROTOS],
            nprotos: 0,
            other: false,
            full: false,
        }
    }

    fn proto_id(&mut self, proto: &[u8]) -> u64 {
        let known = self.protos[..self.nprotos]
            .iter()
            .position(|(n, b)| usize::from(*n) == proto.len() && b.get(..proto.len()) == Some(proto));
        if let Some(i) = known {
            return i as u64;
        }
        if proto.len() > 7 || self.nprotos == PROTOS {
            self.other = true;
            return OTHER;
        }
        let mut b = [0; 7];
        b[..proto.len()].copy_from_slice(proto);
        self.protos[self.nprotos] = (proto.len() as u8, b);
        self.nprotos += 1;
        (self.nprotos - 1) as u64
    }

    fn push(&mut self, s: &ServiceLine<'_>) {
        let name = &s.name[..s.name.len().min(NAME_MAX)];
        let names_end = self.names_end + name.len();
        // Entries grow down from the end of the buffer.
        let entries_start = SNAP_CAP - 8 * (self.count + 1);
        if names_end.next_multiple_of(8) > entries_start {
            self.full = true;
            return;
        }
        let id = self.proto_id(s.proto);
        let off = (self.names_end - HEAD) as u64;
        self.buf[self.names_end..names_end].copy_from_slice(name);
        self.names_end = names_end;
        let entry = u64::from(s.port) | id << 16 | (name.len() as u64) << 24 | off << 40;
        self.buf[entries_start..entries_start + 8].copy_from_slice(&entry.to_le_bytes());
        self.count += 1;
    }
}

impl Default for PortIndex {
    fn default() -> Self {
        PortIndex::new()
    }
}

impl Index for PortIndex {
    fn add(&mut self, line: Line<'_>) {
        if self.full || !line.is_complete() {
            return;
        }
        super::with_parser_view(line.bytes, |text| {
            if let Some(s) = parse_line(text) {
                self.push(&s);
            }
        });
    }

    fn bytes(&mut self) -> Option<&[u8]> {
        if self.full {
            return None;
        }
        let names_words = (self.names_end - HEAD).div_ceil(8);
        let head =
            self.count as u64 | (self.nprotos as u64) << 24 | u64::from(self.other) << 32 | (names_words as u64) << 40;
        self.buf[..8].copy_from_slice(&head.to_le_bytes());
        for (i, (n, b)) in self.protos[..self.nprotos].iter().enumerate() {
            let mut w = [0u8; 8];
            w[..7].copy_from_slice(b);
            w[7] = *n;
            self.buf[8 * (1 + i)..8 * (2 + i)].copy_from_slice(&w);
        }
        let entries = HEAD + 8 * names_words;
        let end = entries + 8 * self.count;
        self.buf.copy_within(SNAP_CAP - 8 * self.count.., entries);
        Some(&self.buf[..end])
    }
}

/// The name of the first line with `port` and `proto`, from the index:
/// its length, the name in `out`; `Scan` when the index cannot tell.
pub fn port_name(k: &Kept<'_>, port: u16, proto: &[u8], out: &mut [u8; NAME_MAX]) -> Lookup<Option<usize>> {
    let head = k.word(0);
    let count = ((head & 0xff_ffff) as usize).min(SNAP_CAP / 8);
    let nprotos = ((head >> 24 & 0xff) as usize).min(PROTOS);
    let other = head >> 32 & 1 == 1;
    let names_words = ((head >> 40) as usize).min(SNAP_CAP / 8);
    let id = (0..nprotos).find(|&i| {
        let w = k.word(1 + i).to_le_bytes();
        usize::from(w[7]) == proto.len() && w.get(..proto.len()) == Some(proto)
    });
    let Some(id) = id else {
        return if other { Lookup::Scan } else { Lookup::Answered(None) };
    };
    let want = u64::from(port) | (id as u64) << 16;
    let entries = 1 + PROTOS + names_words;
    for j in (0..count).rev() {
        let e = k.word(entries + j);
        if e & 0xff_ffff == want {
            let n = ((e >> 24 & 0xffff) as usize).min(NAME_MAX);
            k.copy(HEAD + (e >> 40) as usize, &mut out[..n]);
            return Lookup::Answered(Some(n));
        }
    }
    Lookup::Answered(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &[u8]) -> (Vec<u8>, u16, Vec<u8>, Vec<Vec<u8>>) {
        let l = parse_line(s).unwrap();
        (
            l.name.to_vec(),
            l.port,
            l.proto.to_vec(),
            l.aliases.map(|a| a.to_vec()).collect(),
        )
    }

    #[test]
    fn typical_lines() {
        assert_eq!(
            line(b"http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"),
            (b"http".to_vec(), 80, b"tcp".to_vec(), vec![b"www".to_vec()])
        );
        assert_eq!(line(b"  ftp 21/tcp"), (b"ftp".to_vec(), 21, b"tcp".to_vec(), vec![]));
        let l = parse_line(b"a 1/udp b c").unwrap();
        assert!(l.is_named(b"a") && l.is_named(b"c") && !l.is_named(b"A") && !l.is_named(b"udp"));
    }

    #[test]
    fn strtoul_port_quirks() {
        assert_eq!(parse_line(b"a 0x50/tcp").unwrap().port, 80);
        assert_eq!(parse_line(b"a 0120/tcp").unwrap().port, 80);
        assert_eq!(parse_line(b"a 65616/tcp").unwrap().port, 80);
        assert_eq!(parse_line(b"a 4294967295/tcp").unwrap().port, 0xffff);
        assert_eq!(parse_line(b"a 65536/tcp").unwrap().port, 0);
        assert_eq!(parse_line(b"a -0/tcp").unwrap().port, 0);
        assert_eq!(parse_line(b"a +80/tcp").unwrap().port, 80);
        assert_eq!(parse_line(b"a -1/tcp"), None);
        assert_eq!(parse_line(b"a 4294967296/tcp"), None);
        assert_eq!(parse_line(b"a 0x100000000/tcp"), None);
        assert_eq!(
            line(b"a 80///tcp x"),
            (b"a".to_vec(), 80, b"tcp".to_vec(), vec![b"x".to_vec()])
        );
        assert_eq!(line(b"a 80"), (b"a".to_vec(), 80, b"".to_vec(), vec![]));
        assert_eq!(line(b"a 80/ x"), (b"a".to_vec(), 80, b"".to_vec(), vec![b"x".to_vec()]));
        assert_eq!(line(b"a 80/#tcp"), (b"a".to_vec(), 80, b"".to_vec(), vec![]));
    }

    #[test]
    fn invalid_lines() {
        for bad in [
            &b"a"[..],
            b"a tcp/80",
            b"a 80 tcp",
            b"a 80x/tcp",
            b"a 0x/tcp",
            b"a /tcp",
            b"a -/tcp",
            b"# a 1/tcp",
            b"",
            b" \n",
        ] {
            assert_eq!(parse_line(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn no_panic_on_malformed_lines() {
        let pieces: [&[u8]; 12] = [
            b"a",
            b"1",
            b"/",
            b"0x",
            b"-",
            b" ",
            b"#",
            b"\n",
            b"\0",
            b"tcp",
            b"\xff",
            b"99999999999",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let _ = parse_line(&[a, b, c, d].concat()).map(|l| l.aliases.count());
                    }
                }
            }
        }
    }
}
