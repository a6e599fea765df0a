//! IPv4 text: the three glibc parsers (each with its own grammar) and the
//! dotted-quad printer.
//!
//! Parsers return the address as a host-order `u32` (`a.b.c.d` is
//! `a << 24 | b << 16 | c << 8 | d`) or as its four network-order bytes.

use super::{hex_value, is_c_space, Text};

/// Printed IPv4 text: at most `255.255.255.255`.
pub type Ipv4Text = Text<{ super::IPV4_TEXT_MAX }>;

/// `inet_aton`'s grammar (also `inet_addr`'s): one to four parts separated
/// by `.`, each a C integer constant as `strtoul(.., 0)` reads it (decimal,
/// `0`-prefixed octal, `0x`/`0X`-prefixed hex) starting with a digit. Every
/// part but the last is one byte; the last fills the remaining bytes (32,
/// 24, 16 or 8 bits). Any value above `0xffffffff` is refused. The address
/// may be followed by the end of the text or by a C-locale space, after
/// which anything at all is ignored (`"1.2.3.4 junk"` is accepted).
pub fn parse_aton(s: &[u8]) -> Option<u32> {
    // Largest last part, by the number of parts before it.
    const LAST_MAX: [u32; 4] = [0xffff_ffff, 0x00ff_ffff, 0xffff, 0xff];
    let mut acc = 0u32;
    let mut parts = 0usize;
    let mut i = 0usize;
    loop {
        let (val, end) = c_integer(s, i)?;
        i = end;
        if s.get(i) == Some(&b'.') {
            if parts == 3 || val > 0xff {
                return None;
            }
            acc |= val << (24 - 8 * parts);
            parts += 1;
            i += 1;
            continue;
        }
        if let Some(&c) = s.get(i) {
            if !is_c_space(c) {
                return None;
            }
        }
        let max = *LAST_MAX.get(parts)?;
        return if val > max { None } else { Some(acc | val) };
    }
}

/// One `strtoul(s + i, &end, 0)` number that must start with a digit at `i`
/// (no sign, no leading space). Gives its value and the index after it, or
/// `None` when there is no digit or the value does not fit in 32 bits.
/// `0x` not followed by a hex digit reads as the number `0` ending before
/// the `x`, as strtoul does.
fn c_integer(s: &[u8], i: usize) -> Option<(u32, usize)> {
    let first = *s.get(i)?;
    if !first.is_ascii_digit() {
        return None;
    }
    let (radix, mut j) = if first != b'0' {
        (10, i)
    } else if matches!(s.get(i + 1), Some(b'x' | b'X')) && s.get(i + 2).and_then(|&c| hex_value(c)).is_some() {
        (16, i + 2)
    } else {
        (8, i)
    };
    let mut val = 0u32;
    while let Some(d) = s.get(j).and_then(|&c| hex_value(c)).filter(|&d| d < radix) {
        val = val.checked_mul(radix)?.checked_add(d)?;
        j += 1;
    }
    Some((val, j))
}

/// `inet_pton(AF_INET)`'s grammar: exactly four decimal octets, each
/// `0`..=`255` written without leading zeros, separated by single dots,
/// nothing before or after.
pub fn parse_pton(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut i = 0usize;
    for (n, octet) in out.iter_mut().enumerate() {
        if n > 0 {
            if s.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v = 0u32;
        while let Some(&c) = s.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if i > start && v == 0 {
                return None; // a leading zero
            }
            v = v * 10 + u32::from(c - b'0');
            if v > 255 {
                return None;
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        *octet = v as u8;
    }
    if i == s.len() {
        Some(out)
    } else {
        None
    }
}

/// `inet_network`'s grammar, its own and older than `inet_aton`'s: one to
/// four parts separated by `.`, each one byte, put together as
/// `p0.p1.p2.p3` right-aligned (`"127.1"` is `0x7f01`). A part is decimal,
/// octal after a leading `0`, or hex after `x`/`X` (with or without the
/// `0`: `"x1f"` is accepted). Digits accumulate in wrapping 32-bit
/// arithmetic before the one-byte check (`"4294967296"` reads as `0`).
/// Trailing C-locale spaces are allowed, nothing after them.
pub fn parse_network(s: &[u8]) -> Option<u32> {
    let mut i = 0usize;
    let mut val = 0u32;
    let mut parts = 0usize;
    loop {
        let mut part = 0u32;
        let mut radix = 10u32;
        let mut digit = false;
        if s.get(i) == Some(&b'0') {
            digit = true;
            radix = 8;
            i += 1;
        }
        if matches!(s.get(i), Some(b'x' | b'X')) {
            digit = false;
            radix = 16;
            i += 1;
        }
        while let Some(&c) = s.get(i) {
            let d = match hex_value(c) {
                Some(d) if c.is_ascii_digit() => {
                    if radix == 8 && d >= 8 {
                        return None;
                    }
                    d
                }
                Some(d) if radix == 16 => d,
                _ => break,
            };
            part = part.wrapping_mul(radix).wrapping_add(d);
            digit = true;
            i += 1;
        }
        if !digit || parts >= 4 || part > 0xff {
            return None;
        }
        val = val << 8 | part;
        parts += 1;
        if s.get(i) == Some(&b'.') {
            i += 1;
            continue;
        }
        let rest = s.get(i..).unwrap_or(&[]);
        return if rest.iter().all(|&c| is_c_space(c)) {
            Some(val)
        } else {
            None
        };
    }
}

/// The dotted quad of four network-order bytes (`%u.%u.%u.%u`).
#[inline]
pub fn format(a: [u8; 4]) -> Ipv4Text {
    let mut t = Ipv4Text::new();
    push_dotted(&mut t, a);
    t
}

/// Appends the dotted quad of `a` to `t`.
#[inline(always)]
pub(crate) fn push_dotted<const N: usize>(t: &mut Text<N>, a: [u8; 4]) {
    t.push_dec_u8(a[0]);
    t.push(b'.');
    t.push_dec_u8(a[1]);
    t.push(b'.');
    t.push_dec_u8(a[2]);
    t.push(b'.');
    t.push_dec_u8(a[3]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aton(s: &str) -> Option<u32> {
        parse_aton(s.as_bytes())
    }

    #[test]
    fn aton_shorthand_forms() {
        assert_eq!(aton("1.2.3.4"), Some(0x0102_0304));
        assert_eq!(aton("127.1"), Some(0x7f00_0001));
        assert_eq!(aton("1.2.3"), Some(0x0102_0003));
        assert_eq!(aton("1.2.65535"), Some(0x0102_ffff));
        assert_eq!(aton("1.16777215"), Some(0x01ff_ffff));
        assert_eq!(aton("4294967295"), Some(0xffff_ffff));
        assert_eq!(aton("0"), Some(0));
        assert_eq!(aton("255.1"), Some(0xff00_0001));
    }

    #[test]
    fn aton_radix_forms() {
        assert_eq!(aton("0x7f.1"), Some(0x7f00_0001));
        assert_eq!(aton("0X7F.0.0.01"), Some(0x7f00_0001));
        assert_eq!(aton("0xffffffff"), Some(0xffff_ffff));
        assert_eq!(aton("0377.0377.0377.0377"), Some(0xffff_ffff));
        assert_eq!(aton("00000000000000000000000000001"), Some(1));
        assert_eq!(aton("0x00000000000000000000000000abc"), Some(0xabc));
        assert_eq!(aton("037777777777"), Some(0xffff_ffff));
        assert_eq!(aton("040000000000"), None);
        assert_eq!(aton("08"), None);
        assert_eq!(aton("0x"), None);
        assert_eq!(aton("0X"), None);
        assert_eq!(aton("0x.1"), None);
        assert_eq!(aton("0xg"), None);
        assert_eq!(aton("0.0x"), None);
        assert_eq!(aton("00x1"), None);
        assert_eq!(aton("0x1g"), None);
    }

    #[test]
    fn aton_limits_per_position() {
        assert_eq!(aton("4294967296"), None);
        assert_eq!(aton("99999999999999999999"), None);
        assert_eq!(aton("256.1"), None);
        assert_eq!(aton("1.16777216"), None);
        assert_eq!(aton("1.0x1000000"), None);
        assert_eq!(aton("1.2.65536"), None);
        assert_eq!(aton("1.2.0x10000"), None);
        assert_eq!(aton("1.2.3.256"), None);
        assert_eq!(aton("1.2.256.4"), None);
        assert_eq!(aton("4294967296.1"), None);
    }

    #[test]
    fn aton_trailing_text() {
        assert_eq!(aton("1.2.3.4 junk"), Some(0x0102_0304));
        assert_eq!(aton("1.2.3.4\tx"), Some(0x0102_0304));
        assert_eq!(aton("1.2.3.4\n"), Some(0x0102_0304));
        assert_eq!(aton("1.2.3.4\x0b"), Some(0x0102_0304));
        assert_eq!(aton("1.2.3 4"), Some(0x0102_0003));
        assert_eq!(aton("1.2.3.4x"), None);
        assert_eq!(aton("1.2.3.4."), None);
        assert_eq!(aton("1.2.3."), None);
        assert_eq!(aton("1.2.3.4.5"), None);
        assert_eq!(aton("1..2"), None);
        assert_eq!(aton("1.2.3.4 .5"), Some(0x0102_0304));
        assert_eq!(parse_aton(b"1.2.3.4\xa0"), None);
    }

    #[test]
    fn aton_leading_text() {
        for s in [
            "", " 1.2.3.4", "+1.2.3.4", "-1", "1.+2.3.4", "1.2.3.-4", "x1.2.3.4", ".1", "\t1",
        ] {
            assert_eq!(aton(s), None, "{s:?}");
        }
    }

    fn pton(s: &str) -> Option<[u8; 4]> {
        parse_pton(s.as_bytes())
    }

    #[test]
    fn pton_strict_dotted_quad() {
        assert_eq!(pton("1.2.3.4"), Some([1, 2, 3, 4]));
        assert_eq!(pton("0.0.0.0"), Some([0; 4]));
        assert_eq!(pton("255.255.255.255"), Some([255; 4]));
        assert_eq!(pton("10.200.0.99"), Some([10, 200, 0, 99]));
        for s in [
            "",
            "1.2.3",
            "1.2.3.4.",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.00",
            "1.2.3.04",
            "256.1.1.1",
            "1.2.3.2550",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1..2.3",
            ".1.2.3",
            "0x1.2.3.4",
            "127.1",
            "1.2.3.-4",
            "1.2.3.4x",
        ] {
            assert_eq!(pton(s), None, "{s:?}");
        }
    }

    fn net(s: &str) -> Option<u32> {
        parse_network(s.as_bytes())
    }

    #[test]
    fn network_forms() {
        assert_eq!(net("127.1"), Some(0x7f01));
        assert_eq!(net("1.2.3"), Some(0x0001_0203));
        assert_eq!(net("1.2.3.4"), Some(0x0102_0304));
        assert_eq!(net("0X7F.0.0.01"), Some(0x7f00_0001));
        assert_eq!(net("0x1.0x2.0x3.0x4"), Some(0x0102_0304));
        assert_eq!(net("x1.2.3.4"), Some(0x0102_0304));
        assert_eq!(net("X12"), Some(0x12));
        assert_eq!(net("0xFf"), Some(0xff));
        assert_eq!(net("0"), Some(0));
        assert_eq!(net("00"), Some(0));
        assert_eq!(net("255"), Some(0xff));
        assert_eq!(net("1.2.3.4\n"), Some(0x0102_0304));
        assert_eq!(net("1.2.3.4  \t"), Some(0x0102_0304));
    }

    #[test]
    fn network_wraps_before_checking() {
        assert_eq!(net("4294967296"), Some(0));
        assert_eq!(net("4294967296.1"), Some(1));
        assert_eq!(net("4294967551"), Some(0xff));
        assert_eq!(net("0x100000001"), Some(1));
        assert_eq!(net("18446744073709551617"), Some(1));
    }

    #[test]
    fn network_rejects() {
        for s in [
            "",
            "256",
            "0x100",
            "0400",
            "099",
            "08",
            "0x",
            "x",
            "X",
            "0.",
            "1.2.3.4.5",
            "1.2.3.4 5",
            "1.2.3.4 junk",
            " 1",
            "1 .2",
            "0xaB.0Cd",
            "1.2..3",
            "00x1",
            "0x0x1",
            "x0x1",
            "0x7f000001",
            "4294967295",
            "-1",
            "+1",
        ] {
            assert_eq!(net(s), None, "{s:?}");
        }
        assert_eq!(parse_network(b"1.2.3.4\xa0"), None);
    }

    #[test]
    fn dotted_quad() {
        assert_eq!(format([0, 0, 0, 0]).as_bytes(), b"0.0.0.0");
        assert_eq!(format([255; 4]).as_bytes(), b"255.255.255.255");
        assert_eq!(format([1, 22, 103, 9]).as_bytes(), b"1.22.103.9");
        assert_eq!(format([255; 4]).len(), crate::inet::IPV4_TEXT_MAX);
    }

    #[test]
    fn round_trips() {
        let mut x = 0x1234_5678u32;
        for _ in 0..20000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let t = format(x.to_be_bytes());
            assert_eq!(parse_pton(t.as_bytes()), Some(x.to_be_bytes()));
            assert_eq!(parse_aton(t.as_bytes()), Some(x));
            assert_eq!(parse_network(t.as_bytes()), Some(x));
        }
    }
}
