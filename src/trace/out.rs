//! A fixed-size output buffer the formatters write into: no allocation,
//! and a line that does not fit is cut (and marked) instead of failing.

/// Bytes written into a caller-provided slice. Writes past the end are
/// dropped and remembered (`truncated`).
pub struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
    truncated: bool,
}

impl<'a> Out<'a> {
    pub fn new(buf: &'a mut [u8]) -> Out<'a> {
        Out {
            buf,
            len: 0,
            truncated: false,
        }
    }

    /// What has been written.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when something did not fit.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Bytes still free.
    pub fn room(&self) -> usize {
        self.buf.len() - self.len
    }

    pub fn byte(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len += 1;
            }
            None => self.truncated = true,
        }
    }

    pub fn bytes(&mut self, s: &[u8]) {
        let n = s.len().min(self.room());
        if n < s.len() {
            self.truncated = true;
        }
        if let (Some(dst), Some(src)) = (self.buf.get_mut(self.len..self.len + n), s.get(..n)) {
            dst.copy_from_slice(src);
            self.len += n;
        }
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// Unsigned decimal.
    pub fn u64(&mut self, mut v: u64) {
        let mut d = [0u8; 20];
        let mut i = d.len();
        loop {
            i -= 1;
            d[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.bytes(&d[i..]);
    }

    /// Signed decimal.
    pub fn i64(&mut self, v: i64) {
        if v < 0 {
            self.byte(b'-');
        }
        self.u64(v.unsigned_abs());
    }

    /// Zero-padded decimal of `width` digits (timestamps).
    pub fn u64_width(&mut self, v: u64, width: usize) {
        let mut d = [b'0'; 20];
        let mut x = v;
        let mut i = d.len();
        while x > 0 && i > 0 {
            i -= 1;
            d[i] = b'0' + (x % 10) as u8;
            x /= 10;
        }
        let start = (d.len() - width.min(20)).min(i);
        self.bytes(&d[start..]);
    }

    /// `0x` and lowercase hexadecimal.
    pub fn hex(&mut self, v: u64) {
        self.str("0x");
        self.hex_digits(v, 1);
    }

    /// Lowercase hexadecimal digits, at least `min` of them.
    pub fn hex_digits(&mut self, v: u64, min: usize) {
        let mut d = [0u8; 16];
        let mut i = d.len();
        let mut x = v;
        loop {
            i -= 1;
            d[i] = HEX[(x & 15) as usize];
            x >>= 4;
            if x == 0 && d.len() - i >= min {
                break;
            }
            if i == 0 {
                break;
            }
        }
        self.bytes(&d[i..]);
    }

    /// Pads with spaces up to column `col` (strace's alignment of ` = `);
    /// returns whether any padding was written.
    pub fn pad_to(&mut self, col: usize) -> bool {
        let mut padded = false;
        while self.len < col && self.room() > 0 {
            self.byte(b' ');
            padded = true;
        }
        padded
    }

    /// Drops everything after byte `len` (for formatters that back up).
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
        }
    }
}

pub(crate) const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_truncation() {
        let mut b = [0u8; 64];
        let mut o = Out::new(&mut b);
        o.i64(-42);
        o.byte(b' ');
        o.u64(0);
        o.byte(b' ');
        o.u64(u64::MAX);
        o.byte(b' ');
        o.hex(0xbeef);
        o.byte(b' ');
        o.u64_width(7, 6);
        o.byte(b' ');
        o.i64(i64::MIN);
        assert_eq!(
            o.as_bytes(),
            b"-42 0 18446744073709551615 0xbeef 000007 -9223372036854775808"
        );
        assert!(!o.truncated());
        let mut small = [0u8; 4];
        let mut o = Out::new(&mut small);
        o.str("hello");
        assert_eq!(o.as_bytes(), b"hell");
        assert!(o.truncated());
    }
}
