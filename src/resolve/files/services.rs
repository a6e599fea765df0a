//! One line of /etc/services: `name port/protocol aliases...`.
//!
//! As glibc's nss_files reads it: the port is `strtoul(.., 0)` (so `0x50`
//! and `0120` are 80, a `+` is accepted), a line whose number exceeds
//! 2^32 - 1 (or is negative) is skipped, only the low 16 bits of the rest
//! are kept (`65616` is 80), any number of `/` may follow it, and a port
//! with nothing after it is valid with an empty protocol.

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
