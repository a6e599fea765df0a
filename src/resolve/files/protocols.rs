//! One line of /etc/protocols: `name number aliases...`.
//!
//! As glibc's nss_files reads it: the number is `strtoul(.., 10)` stored in
//! an `int` (`4294967295` reads as -1, `2147483648` as `INT_MIN`); a line
//! whose number exceeds 2^32 - 1 or is negative (but `-0`) is skipped; the
//! number is followed by white space or the end of the line.

use super::fields::{content, field, strtou32, Words};
use crate::inet::is_c_space;

/// A valid /etc/protocols line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolLine<'a> {
    pub name: &'a [u8],
    pub number: i32,
    pub aliases: Words<'a>,
}

impl<'a> ProtocolLine<'a> {
    /// Whether `name` is the line's name or one of its aliases (`strcmp`:
    /// case matters).
    pub fn is_named(&self, name: &[u8]) -> bool {
        self.name == name || self.aliases.into_iter().any(|a| a == name)
    }
}

/// Parses one line (with or without its newline); `None` for a comment,
/// blank or invalid line.
pub fn parse_line(line: &[u8]) -> Option<ProtocolLine<'_>> {
    let line = content(line);
    if line.is_empty() {
        return None;
    }
    let (name, rest) = field(line);
    let (number, used) = strtou32(rest, 10);
    if used == 0 {
        return None;
    }
    let after = &rest[used..];
    if after.first().is_some_and(|&c| !is_c_space(c)) {
        return None;
    }
    Some(ProtocolLine {
        name,
        number: number as i32,
        aliases: Words::new(after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typical_lines() {
        let l = parse_line(b"tcp\t6\tTCP\t\t# transmission control protocol\n").unwrap();
        assert_eq!((l.name, l.number), (&b"tcp"[..], 6));
        assert_eq!(l.aliases.collect::<Vec<_>>(), [&b"TCP"[..]]);
        assert!(l.is_named(b"TCP") && l.is_named(b"tcp") && !l.is_named(b"Tcp"));
        let l = parse_line(b"ip 0").unwrap();
        assert_eq!((l.number, l.aliases.count()), (0, 0));
    }

    #[test]
    fn number_quirks() {
        assert_eq!(parse_line(b"a -1"), None);
        assert_eq!(parse_line(b"a -0").unwrap().number, 0);
        assert_eq!(parse_line(b"a 4294967295").unwrap().number, -1);
        assert_eq!(parse_line(b"a 4294967296"), None);
        assert_eq!(parse_line(b"a 99999999999"), None);
        assert_eq!(parse_line(b"a 2147483648").unwrap().number, i32::MIN);
        assert_eq!(parse_line(b"a 010").unwrap().number, 10);
        assert_eq!(parse_line(b"a 0x10"), None);
        assert_eq!(parse_line(b"a +7 b").unwrap().number, 7);
        assert_eq!(parse_line(b"a 7#c").unwrap().number, 7);
    }

    #[test]
    fn invalid_lines() {
        for bad in [&b"a"[..], b"a b", b"a 6x", b"a 6/tcp", b"# a 6", b"", b"\t\n", b"a -"] {
            assert_eq!(parse_line(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn no_panic_on_malformed_lines() {
        let pieces: [&[u8]; 11] = [
            b"a",
            b"1",
            b"-",
            b"+",
            b" ",
            b"#",
            b"\n",
            b"\0",
            b"\xff",
            b"99999999999",
            b"x",
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
