//! IPv6 text: `inet_pton(AF_INET6)`'s parser and `inet_ntop(AF_INET6)`'s
//! printer, both byte-exact with glibc.

use super::{hex_value, ipv4, Text};

/// Printed IPv6 text: `INET6_ADDRSTRLEN - 1` bytes of room.
pub type Ipv6Text = Text<{ super::IPV6_TEXT_MAX }>;

/// `inet_pton(AF_INET6)`'s grammar, as glibc reads it:
///
/// - groups of one to four hex digits (either case) separated by `:`;
/// - at most one `::`, standing for one or more zero groups (a `::` that
///   would stand for none, as in `1:2:3:4::5:6:7:8`, is refused);
/// - a leading `:` only as part of a leading `::`; a trailing `:` only as
///   part of a trailing `::`;
/// - the last 32 bits may be a dotted quad in `inet_pton(AF_INET)`'s strict
///   form (`::ffff:1.2.3.4`, `1:2:3:4:5:6:1.2.3.4`), with nothing after it;
/// - nothing else: no spaces, no `%scope`, no brackets.
pub fn parse(s: &[u8]) -> Option<[u8; 16]> {
    let mut words = [0u16; 8];
    let mut n = 0usize; // groups stored
    let mut gap: Option<usize> = None; // where `::` stands
    let mut i = 0usize;
    match s {
        [] => return None,
        [b':', b':', ..] => i = 1, // the second ':' opens the gap below
        [b':', ..] => return None,
        _ => {}
    }
    let mut group_start = i;
    let mut val = 0u32;
    let mut digits = 0u32;
    while let Some(&c) = s.get(i) {
        i += 1;
        if let Some(d) = hex_value(c) {
            if digits == 4 {
                return None;
            }
            val = val << 4 | d;
            digits += 1;
            continue;
        }
        match c {
            b':' => {
                group_start = i;
                if digits == 0 {
                    // Only after another ':' (or the leading one).
                    if gap.is_some() {
                        return None;
                    }
                    gap = Some(n);
                    continue;
                }
                if i == s.len() {
                    return None; // a lone trailing ':'
                }
                *words.get_mut(n)? = val as u16;
                n += 1;
                val = 0;
                digits = 0;
            }
            b'.' if n <= 6 => {
                let q = ipv4::parse_pton(s.get(group_start..)?)?;
                words[n] = u16::from_be_bytes([q[0], q[1]]);
                words[n + 1] = u16::from_be_bytes([q[2], q[3]]);
                n += 2;
                digits = 0;
                break;
            }
            _ => return None,
        }
    }
    if digits > 0 {
        *words.get_mut(n)? = val as u16;
        n += 1;
    }
    if let Some(g) = gap {
        if n == 8 {
            return None; // `::` would stand for no group at all
        }
        // Move the groups after the gap to the end; zeros fill the gap.
        let tail = n - g;
        words.copy_within(g..n, 8 - tail);
        words[g..8 - tail].fill(0);
    } else if n != 8 {
        return None;
    }
    let mut out = [0u8; 16];
    for (pair, w) in out.chunks_exact_mut(2).zip(words) {
        pair.copy_from_slice(&w.to_be_bytes());
    }
    Some(out)
}

/// `inet_ntop(AF_INET6)`'s text, as glibc prints it:
///
/// - groups in lowercase hex without leading zeros;
/// - the longest run of two or more zero groups (the first on ties) is
///   written `::`; a single zero group is written `0`;
/// - the last 32 bits are written as a dotted quad when the chosen zero run
///   starts at group 0 and is exactly 6 groups long (`::1.2.3.4`, but `::1`
///   and `::1:0:0`), or exactly 5 long followed by `ffff`
///   (`::ffff:0.0.0.0`); no other prefix gets the dotted form.
pub fn format(a: &[u8; 16]) -> Ipv6Text {
    let mut w = [0u16; 8];
    for (word, pair) in w.iter_mut().zip(a.chunks_exact(2)) {
        *word = u16::from_be_bytes([pair[0], pair[1]]);
    }
    // The first longest run of zero groups.
    let (mut best_at, mut best_len) = (0usize, 0usize);
    let mut k = 0usize;
    while k < 8 {
        if w[k] != 0 {
            k += 1;
            continue;
        }
        let start = k;
        while k < 8 && w[k] == 0 {
            k += 1;
        }
        if k - start > best_len {
            (best_at, best_len) = (start, k - start);
        }
    }
    let mut t = Ipv6Text::new();
    if best_len < 2 {
        push_groups(&mut t, &w);
        return t;
    }
    if best_at == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)) {
        t.push(b':');
        t.push(b':');
        if best_len == 5 {
            t.push_hex_u16(0xffff);
            t.push(b':');
        }
        ipv4::push_dotted(&mut t, [a[12], a[13], a[14], a[15]]);
        return t;
    }
    push_groups(&mut t, &w[..best_at]);
    t.push(b':');
    t.push(b':');
    push_groups(&mut t, &w[best_at + best_len..]);
    t
}

/// Appends `groups` in hex, separated by `:`.
#[inline(always)]
fn push_groups(t: &mut Ipv6Text, groups: &[u16]) {
    for (k, &g) in groups.iter().enumerate() {
        if k > 0 {
            t.push(b':');
        }
        t.push_hex_u16(g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(a: [u8; 16]) -> [u16; 8] {
        let mut w = [0u16; 8];
        for k in 0..8 {
            w[k] = u16::from_be_bytes([a[2 * k], a[2 * k + 1]]);
        }
        w
    }

    fn bytes(w: [u16; 8]) -> [u8; 16] {
        let mut a = [0u8; 16];
        for k in 0..8 {
            a[2 * k..2 * k + 2].copy_from_slice(&w[k].to_be_bytes());
        }
        a
    }

    fn p(s: &str) -> Option<[u16; 8]> {
        parse(s.as_bytes()).map(words)
    }

    fn f(w: [u16; 8]) -> String {
        String::from_utf8(format(&bytes(w)).as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn parse_full_and_compressed() {
        assert_eq!(p("::"), Some([0; 8]));
        assert_eq!(p("::1"), Some([0, 0, 0, 0, 0, 0, 0, 1]));
        assert_eq!(p("1::"), Some([1, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(p("1::8"), Some([1, 0, 0, 0, 0, 0, 0, 8]));
        assert_eq!(p("1:2:3:4:5:6:7:8"), Some([1, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(p("1:2:3:4:5:6:7::"), Some([1, 2, 3, 4, 5, 6, 7, 0]));
        assert_eq!(p("::2:3:4:5:6:7:8"), Some([0, 2, 3, 4, 5, 6, 7, 8]));
        assert_eq!(p("1:2::7:8"), Some([1, 2, 0, 0, 0, 0, 7, 8]));
        assert_eq!(p("ABCD::eF"), Some([0xabcd, 0, 0, 0, 0, 0, 0, 0xef]));
        assert_eq!(p("ffff:0000:000f::"), Some([0xffff, 0, 0xf, 0, 0, 0, 0, 0]));
        assert_eq!(p("::0:0:0:0:0:0:0"), Some([0; 8]));
    }

    #[test]
    fn parse_embedded_ipv4() {
        assert_eq!(p("::ffff:1.2.3.4"), Some([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]));
        assert_eq!(p("::1.2.3.4"), Some([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]));
        assert_eq!(p("1:2:3:4:5:6:1.2.3.4"), Some([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]));
        assert_eq!(p("1::255.255.255.255"), Some([1, 0, 0, 0, 0, 0, 0xffff, 0xffff]));
        assert_eq!(p("::0.0.0.0"), Some([0; 8]));
    }

    #[test]
    fn parse_rejects() {
        for s in [
            "",
            ":",
            ":::",
            "1:::2",
            "1::2::3",
            ":1::",
            ":1:2:3:4:5:6:7:8",
            "1:",
            "1::2:",
            "1:2:3:4:5:6:7:8:",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            "12345::",
            "::12345",
            "fe80::1%eth0",
            "[::1]",
            " ::1",
            "::1 ",
            "::g",
            "1.2.3.4",
            "::01.2.3.4",
            "::1.2.3",
            "::1.2.3.4.5",
            "::1234.1.2.3",
            "::256.1.2.3",
            "::a.1.2.3",
            "::1.2.3.4:1",
            "::ffff:1.2.3.4:1",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1:2:3:4:5:6:7:8::",
            "::0:0:0:0:0:0:0:0",
            "0:0:0:0:0:0:0:0::",
            "1:2:3:4::5:6:7:8",
            "::.1.2.3",
            "::1..2.3",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn format_compression() {
        assert_eq!(f([0; 8]), "::");
        assert_eq!(f([0, 0, 0, 0, 0, 0, 0, 1]), "::1");
        assert_eq!(f([1, 0, 0, 0, 0, 0, 0, 0]), "1::");
        assert_eq!(f([1, 2, 3, 4, 5, 6, 7, 8]), "1:2:3:4:5:6:7:8");
        assert_eq!(f([1, 0, 3, 4, 5, 6, 7, 8]), "1:0:3:4:5:6:7:8");
        assert_eq!(f([1, 0, 0, 4, 0, 0, 7, 8]), "1::4:0:0:7:8");
        assert_eq!(f([1, 0, 0, 1, 0, 0, 0, 1]), "1:0:0:1::1");
        assert_eq!(f([0, 0, 1, 0, 0, 1, 0, 0]), "::1:0:0:1:0:0");
        assert_eq!(f([0, 0, 0, 0, 0, 1, 0, 0]), "::1:0:0");
        assert_eq!(f([0xabcd, 0xef, 0, 0, 0, 0, 0, 0x1000]), "abcd:ef::1000");
    }

    #[test]
    fn format_embedded_ipv4() {
        assert_eq!(f([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]), "::ffff:1.2.3.4");
        assert_eq!(f([0, 0, 0, 0, 0, 0xffff, 0, 0]), "::ffff:0.0.0.0");
        assert_eq!(f([0, 0, 0, 0, 0, 0xffff, 0, 1]), "::ffff:0.0.0.1");
        assert_eq!(f([0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff]), "::ffff:255.255.255.255");
        assert_eq!(f([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]), "::1.2.3.4");
        assert_eq!(f([0, 0, 0, 0, 0, 0, 1, 2]), "::0.1.0.2");
        assert_eq!(f([0, 0, 0, 0, 0, 0, 1, 0]), "::0.1.0.0");
        assert_eq!(f([0, 0, 0, 0, 0, 0, 0, 2]), "::2");
        assert_eq!(f([0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304]), "::fffe:102:304");
        assert_eq!(f([1, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]), "1::ffff:102:304");
        assert_eq!(f([0, 0, 0, 0, 1, 0xffff, 0x0102, 0x0304]), "::1:ffff:102:304");
    }

    #[test]
    fn format_longest() {
        let w = [0xffffu16; 8];
        assert_eq!(f(w).len(), 39);
        let mut a = [0u8; 16];
        a[10] = 0xff;
        a[11] = 0xff;
        a[12..].fill(255);
        assert_eq!(format(&a).as_bytes(), b"::ffff:255.255.255.255");
    }

    #[test]
    fn round_trip_every_zero_pattern() {
        let mut x = 0x9e37_79b9u32;
        for mask in 0..256u32 {
            for _ in 0..8 {
                let mut w = [0u16; 8];
                for (k, g) in w.iter_mut().enumerate() {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    if mask >> k & 1 == 1 {
                        *g = (x as u16).max(1) >> (x >> 20 & 15);
                        *g = (*g).max(1);
                    }
                }
                let text = format(&bytes(w));
                assert_eq!(parse(text.as_bytes()).map(words), Some(w), "{:?}", f(w));
            }
        }
    }
}
