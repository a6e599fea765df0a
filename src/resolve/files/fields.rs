//! What the four files have in common: C-string lines, fields separated by
//! C-locale white space, `#` comments, and `strtoul`'s number syntax, all as
//! glibc's nss_files reads them.

use crate::inet::is_c_space;

/// The index of the first `byte` in `hay`: eight bytes at a time (the
/// files are scanned on every call, so this matters).
pub(crate) fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(byte);
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = u64::from_le_bytes(w) ^ pattern;
        if x.wrapping_sub(LO) & !x & HI != 0 {
            break;
        }
        at += 8;
    }
    hay[at..].iter().position(|&c| c == byte).map(|p| at + p)
}

/// The C string a line holds: its bytes up to the first NUL, since glibc
/// reads each line into a C buffer and parses it with string functions.
pub(crate) fn c_str(line: &[u8]) -> &[u8] {
    match find_byte(line, 0) {
        Some(n) => &line[..n],
        None => line,
    }
}

/// The part of a line its parser reads: leading white space skipped, cut at
/// the first `#` (a comment, even inside a word), newline or NUL.
pub(crate) fn content(line: &[u8]) -> &[u8] {
    let line = skip_space(line);
    match line.iter().position(|&c| c == b'#' || c == b'\n' || c == 0) {
        Some(n) => &line[..n],
        None => line,
    }
}

/// `s` without its leading white space.
pub(crate) fn skip_space(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| is_c_space(c)).count();
    &s[n..]
}

/// Splits `s` at the end of its first field (a run of non-space bytes):
/// the field, and the rest after the white space that follows it.
pub(crate) fn field(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|&&c| !is_c_space(c)).count();
    (&s[..n], skip_space(&s[n..]))
}

/// The white-space-separated words of a line's tail: the alias lists.
/// Empty words do not exist; there is no limit on their number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Words<'a> {
    rest: &'a [u8],
}

impl<'a> Words<'a> {
    pub(crate) fn new(rest: &'a [u8]) -> Self {
        Words { rest }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (word, rest) = field(skip_space(self.rest));
        self.rest = rest;
        if word.is_empty() {
            None
        } else {
            Some(word)
        }
    }
}

/// What `strtoul` skips before the digits: C-locale white space, then one
/// sign; returns whether it was `-` and where the digits start.
pub(crate) fn strtoul_prefix(s: &[u8]) -> (bool, usize) {
    let i = s.iter().take_while(|&&c| is_c_space(c)).count();
    match s.get(i) {
        Some(b'-') => (true, i + 1),
        Some(b'+') => (false, i + 1),
        _ => (false, i),
    }
}

/// glibc's `strtoul(s, &end, base)` for base 0 (`0x` hex, `0` octal, else
/// decimal) or 10, as nss_files 2.36 uses it: leading white space and one
/// sign are accepted, a negative value is negated modulo 2^64, and a value
/// above 2^32 - 1 (overflow, or any negative but `-0`) makes the field
/// invalid (verified: `-1/tcp` and `4294967296` lines are skipped). Returns
/// the value and how many bytes were used, 0 when there is no valid number.
pub(crate) fn strtou32(s: &[u8], base: u32) -> (u32, usize) {
    let (negative, mut i) = strtoul_prefix(s);
    let mut radix = base;
    if base == 0 {
        radix = 10;
        if s.get(i) == Some(&b'0') {
            let hex_digit = s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit());
            if matches!(s.get(i + 1), Some(b'x' | b'X')) && hex_digit {
                radix = 16;
                i += 2;
            } else {
                radix = 8;
            }
        }
    }
    let start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        match value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (0, 0);
    }
    let value = if negative { value.wrapping_neg() } else { value };
    match u32::try_from(value) {
        Ok(v) if !overflow => (v, i),
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_cuts_comments_and_leading_space() {
        assert_eq!(content(b"  a b # c\n"), b"a b ");
        assert_eq!(content(b"a#b"), b"a");
        assert_eq!(content(b"\t\x0b\x0c\r\n"), b"");
        assert_eq!(content(b"a\0b c"), b"a");
        assert_eq!(content(b""), b"");
    }

    #[test]
    fn find_byte_finds_the_first() {
        for len in 0..40 {
            for at in 0..=len {
                let mut hay = vec![b'a'; len];
                if at < len {
                    hay[at] = b'\n';
                    if at + 3 < len {
                        hay[at + 3] = b'\n';
                    }
                }
                let want = hay.iter().position(|&c| c == b'\n');
                assert_eq!(find_byte(&hay, b'\n'), want, "len {len} at {at}");
                assert_eq!(find_byte(&hay, 0x80 | b'\n'), None);
            }
        }
        assert_eq!(find_byte(b"\x80\x80\x80\x80\x80\x80\x80\x80\x00", 0), Some(8));
        assert_eq!(find_byte(b"\xff\x01\x00\x01\x01\x01\x01\x01", 0x01), Some(1));
    }

    #[test]
    fn words_split_on_c_space() {
        let w: Vec<&[u8]> = Words::new(b" a\tbb \x0bc\r ").collect();
        assert_eq!(w, [&b"a"[..], b"bb", b"c"]);
        assert_eq!(Words::new(b"   ").count(), 0);
        assert_eq!(Words::new(b"").count(), 0);
    }

    #[test]
    fn strtou32_matches_glibc_strtoul() {
        assert_eq!(strtou32(b"80/tcp", 0), (80, 2));
        assert_eq!(strtou32(b"0x50/", 0), (80, 4));
        assert_eq!(strtou32(b"0X1f", 0), (31, 4));
        assert_eq!(strtou32(b"010", 0), (8, 3));
        assert_eq!(strtou32(b"08", 0), (0, 1)); // octal stops at 8
        assert_eq!(strtou32(b"0x", 0), (0, 1)); // "0", then 'x'
        assert_eq!(strtou32(b"0xg", 0), (0, 1));
        assert_eq!(strtou32(b"010", 10), (10, 3));
        assert_eq!(strtou32(b"-1", 10), (0, 0));
        assert_eq!(strtou32(b"-4294967295", 10), (0, 0));
        assert_eq!(strtou32(b"-0", 10), (0, 2));
        assert_eq!(strtou32(b"+7x", 10), (7, 2));
        assert_eq!(strtou32(b" \t9", 10), (9, 3));
        assert_eq!(strtou32(b"4294967295", 10), (u32::MAX, 10));
        assert_eq!(strtou32(b"0xffffffff", 0), (u32::MAX, 10));
        assert_eq!(strtou32(b"4294967296", 10), (0, 0));
        assert_eq!(strtou32(b"18446744073709551615", 10), (0, 0));
        assert_eq!(strtou32(b"99999999999999999999999", 10), (0, 0));
        assert_eq!(strtou32(b"-", 10), (0, 0));
        assert_eq!(strtou32(b"+", 0), (0, 0));
        assert_eq!(strtou32(b"", 0), (0, 0));
        assert_eq!(strtou32(b"x1", 0), (0, 0));
    }

    #[test]
    fn no_panic_on_any_short_input() {
        let alphabet = [b'0', b'x', b'-', b'+', b' ', b'9', b'f', b'#', 0, b'\n', 0xff];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    let s = [a, b, c];
                    let (_, end) = strtou32(&s, 0);
                    assert!(end <= 3);
                    let (_, end) = strtou32(&s, 10);
                    assert!(end <= 3);
                    let _ = content(&s);
                    let _ = Words::new(&s).count();
                }
            }
        }
    }
}
