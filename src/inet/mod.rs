//! The safe core for address text: IPv4 and IPv6 text <-> bytes, with
//! glibc's exact acceptance rules and output.
//!
//! Everything here works on byte slices and fixed arrays, never allocates and
//! never panics on any input: the C skin (`crate::header::arpa_inet`) only
//! turns pointers into slices and copies results back.
//!
//! - [`ipv4`]: `inet_aton`/`inet_addr` (BSD shorthand and radix forms),
//!   `inet_pton(AF_INET)` (strict dotted quad), `inet_network`, and the
//!   dotted-quad printer shared by `inet_ntop(AF_INET)` and `inet_ntoa`.
//! - [`ipv6`]: `inet_pton(AF_INET6)` and `inet_ntop(AF_INET6)`.
//! - [`classful`]: `inet_makeaddr`, `inet_lnaof`, `inet_netof`.
#![forbid(unsafe_code)]

pub mod classful;
pub mod ipv4;
pub mod ipv6;

/// Room for the longest dotted quad, `255.255.255.255`, without its NUL.
pub(crate) const IPV4_TEXT_MAX: usize = 15;

/// Room for the longest IPv6 text the printer can produce, without its NUL
/// (`INET6_ADDRSTRLEN - 1`; the real maximum is 39 bytes).
pub(crate) const IPV6_TEXT_MAX: usize = 45;

/// A short text built on the stack: the printers' output, without a NUL.
///
/// Pushing past the end is ignored rather than a panic; the printers size
/// their buffers for their longest output, so that never happens.
#[derive(Clone, Copy)]
pub struct Text<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    #[inline(always)]
    pub(crate) const fn new() -> Self {
        Text { buf: [0; N], len: 0 }
    }

    /// The text written so far.
    #[inline(always)]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline(always)]
    pub(crate) fn push(&mut self, c: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = c;
            self.len += 1;
        }
    }

    /// Appends `v` in decimal (`%u` of one byte).
    #[inline(always)]
    pub(crate) fn push_dec_u8(&mut self, v: u8) {
        if v >= 100 {
            self.push(b'0' + v / 100);
            self.push(b'0' + v / 10 % 10);
        } else if v >= 10 {
            self.push(b'0' + v / 10);
        }
        self.push(b'0' + v % 10);
    }

    /// Appends `v` in lowercase hexadecimal without leading zeros (`%x`).
    #[inline(always)]
    pub(crate) fn push_hex_u16(&mut self, v: u16) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        // Significant nibbles, at least one (for zero).
        let nibbles = (16 - (v | 1).leading_zeros()).div_ceil(4);
        let mut shift = nibbles * 4;
        while shift > 0 {
            shift -= 4;
            self.push(DIGITS[usize::from((v >> shift) & 0xf)]);
        }
    }
}

/// C's `isspace` in the "C" locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
#[inline(always)]
pub(crate) fn is_c_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// The value of one hexadecimal digit (either case), or `None`.
#[inline(always)]
pub(crate) fn hex_value(c: u8) -> Option<u32> {
    match HEX_VALUE[usize::from(c)] {
        NOT_HEX => None,
        d => Some(u32::from(d)),
    }
}

const NOT_HEX: u8 = 0xff;

/// Each byte's hex digit value, or `NOT_HEX`.
static HEX_VALUE: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => NOT_HEX,
        };
        c += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_digits() {
        let mut t = Text::<64>::new();
        for v in [0u8, 7, 9, 10, 42, 99, 100, 199, 255] {
            t.push_dec_u8(v);
            t.push(b' ');
        }
        assert_eq!(t.as_bytes(), b"0 7 9 10 42 99 100 199 255 ");
        let mut t = Text::<64>::new();
        for v in [0u16, 1, 0xf, 0x10, 0xabc, 0xfff, 0x1000, 0xffff] {
            t.push_hex_u16(v);
            t.push(b' ');
        }
        assert_eq!(t.as_bytes(), b"0 1 f 10 abc fff 1000 ffff ");
    }

    #[test]
    fn text_overflow_is_ignored() {
        let mut t = Text::<2>::new();
        t.push_dec_u8(255);
        assert_eq!(t.as_bytes(), b"25");
        assert_eq!(t.len(), 2);
        assert!(!t.is_empty());
    }

    /// Every short string over the bytes the grammars care about: no parser
    /// panics (debug builds check arithmetic overflow), and whatever parses
    /// prints back to text that parses to the same address.
    #[test]
    fn parsers_never_panic() {
        const ALPHABET: &[u8] = b":.0189aAfFxXg \t-+\xff";
        let mut s = [0u8; 5];
        for len in 0..=s.len() {
            let mut idx = [0usize; 5];
            loop {
                for k in 0..len {
                    s[k] = ALPHABET[idx[k]];
                }
                let text = &s[..len];
                let _ = ipv4::parse_aton(text);
                let _ = ipv4::parse_network(text);
                if let Some(a) = ipv4::parse_pton(text) {
                    assert_eq!(ipv4::format(a).as_bytes(), text);
                }
                if let Some(a) = ipv6::parse(text) {
                    assert_eq!(ipv6::parse(ipv6::format(&a).as_bytes()), Some(a));
                }
                let mut k = len;
                while k > 0 {
                    k -= 1;
                    idx[k] += 1;
                    if idx[k] < ALPHABET.len() {
                        break;
                    }
                    idx[k] = 0;
                }
                if k == 0 && idx.iter().take(len).all(|&i| i == 0) {
                    break;
                }
            }
        }
    }

    #[test]
    fn c_space_is_the_c_locale_set() {
        for c in 0..=255u8 {
            let want = matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
            assert_eq!(is_c_space(c), want, "byte {c:#x}");
        }
    }

    #[test]
    fn hex_digits() {
        for c in 0..=255u8 {
            let want = (c as char).to_digit(16);
            assert_eq!(hex_value(c), want, "byte {c:#x}");
        }
    }
}
