//! Domain names: presentation text <-> uncompressed wire form, and reading a
//! (possibly compressed) name out of a DNS message with every bound checked.

/// Longest name in wire form, root label included (RFC 1035 3.1).
pub(crate) const MAX_NAME_WIRE: usize = 255;
/// Longest label (RFC 1035 2.3.4).
pub(crate) const MAX_LABEL: usize = 63;
/// Longest text form `to_text` can produce: 127 one-byte labels in which
/// every byte needs a `\DDD` escape, plus the dots.
pub(crate) const MAX_NAME_TEXT: usize = 1009;
/// A message offset is 14 bits (RFC 1035 4.1.4).
const POINTER_TAG: u8 = 0xc0;

/// A domain name in uncompressed wire form: length-prefixed labels ending
/// with the root label (a zero byte).
#[derive(Clone, Copy)]
pub struct WireName {
    bytes: [u8; MAX_NAME_WIRE],
    len: usize,
}

impl core::fmt::Debug for WireName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut text = [0u8; MAX_NAME_TEXT];
        let n = self.to_text(&mut text).unwrap_or(0);
        let shown = text.get(..n).unwrap_or(&[]);
        write!(f, "WireName({:?})", core::str::from_utf8(shown).unwrap_or("?"))
    }
}

impl PartialEq for WireName {
    /// DNS names compare ASCII case-insensitively (RFC 4343). Length bytes are
    /// at most 63, below `A`, so folding every byte is safe.
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes().eq_ignore_ascii_case(other.as_bytes())
    }
}
impl Eq for WireName {}

impl WireName {
    /// The root name.
    pub const fn root() -> Self {
        WireName {
            bytes: [0; MAX_NAME_WIRE],
            len: 1,
        }
    }

    /// The wire bytes, root label included.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Whether this is the root name.
    pub fn is_root(&self) -> bool {
        self.len == 1
    }

    /// Appends one label; false if it is empty, too long, or the name would
    /// exceed 255 bytes.
    fn push_label(&mut self, label: &[u8]) -> bool {
        if label.is_empty() || label.len() > MAX_LABEL || self.len + label.len() + 1 > MAX_NAME_WIRE {
            return false;
        }
        // The root byte at `len - 1` becomes the length; the new root follows.
        let start = self.len - 1;
        let Some(dst) = self.bytes.get_mut(start..start + label.len() + 2) else {
            return false;
        };
        dst[0] = label.len() as u8;
        dst[1..=label.len()].copy_from_slice(label);
        dst[label.len() + 1] = 0;
        self.len += label.len() + 1;
        true
    }

    /// Parses presentation text (as `ns_name_pton`): labels separated by
    /// dots, `\X` for a literal byte X and `\DDD` (decimal, at most 255) for
    /// any byte; one trailing dot is allowed; `""` and `"."` are the root.
    /// `None` for empty labels, labels over 63 bytes, names over 255 bytes or
    /// bad escapes.
    pub fn from_text(text: &[u8]) -> Option<Self> {
        let mut name = WireName::root();
        name.append_text(text)?;
        Some(name)
    }

    /// `name` followed by the labels of `domain` (the search-list join, as
    /// `"%s.%s"`); `domain` empty means the root.
    pub fn from_text_in(name: &[u8], domain: &[u8]) -> Option<Self> {
        let mut out = WireName::root();
        // The join is textual: "name." + "" is the absolute "name.".
        let name_abs = name.last() == Some(&b'.') && !ends_with_escaped_dot(name);
        // An empty name joins to ".domain", which starts with an empty label.
        if name_abs || name == b"." || name.is_empty() {
            return None;
        }
        out.append_text(name)?;
        out.append_text(domain)?;
        Some(out)
    }

    fn append_text(&mut self, text: &[u8]) -> Option<()> {
        if text == b"." || text.is_empty() {
            return Some(());
        }
        let mut label = [0u8; MAX_LABEL + 1];
        let mut llen = 0usize;
        let mut i = 0usize;
        while i < text.len() {
            let c = text[i];
            i += 1;
            let byte = match c {
                b'.' => {
                    if !self.push_label(label.get(..llen)?) {
                        return None;
                    }
                    llen = 0;
                    if i == text.len() {
                        return Some(());
                    }
                    continue;
                }
                b'\\' => {
                    let e = *text.get(i)?;
                    i += 1;
                    if e.is_ascii_digit() {
                        let d2 = *text.get(i).filter(|d| d.is_ascii_digit())?;
                        let d3 = *text.get(i + 1).filter(|d| d.is_ascii_digit())?;
                        i += 2;
                        let v = u32::from(e - b'0') * 100 + u32::from(d2 - b'0') * 10 + u32::from(d3 - b'0');
                        u8::try_from(v).ok()?
                    } else {
                        e
                    }
                }
                _ => c,
            };
            *label.get_mut(llen)? = byte;
            llen += 1;
            if llen > MAX_LABEL {
                return None;
            }
        }
        if self.push_label(label.get(..llen)?) {
            Some(())
        } else {
            None
        }
    }

    /// Writes the presentation form (as `ns_name_ntop`, without the trailing
    /// dot; the root is `"."`) into `out`; the length, or `None` if it does
    /// not fit.
    pub fn to_text(&self, out: &mut [u8]) -> Option<usize> {
        let mut w = 0usize;
        let mut put = |b: u8, w: &mut usize| -> Option<()> {
            *out.get_mut(*w)? = b;
            *w += 1;
            Some(())
        };
        if self.is_root() {
            put(b'.', &mut w)?;
            return Some(w);
        }
        for (n, label) in self.labels().enumerate() {
            if n > 0 {
                put(b'.', &mut w)?;
            }
            for &c in label {
                match c {
                    b'.' | b';' | b'\\' | b'(' | b')' | b'"' | b'@' | b'$' => {
                        put(b'\\', &mut w)?;
                        put(c, &mut w)?;
                    }
                    0x21..=0x7e => put(c, &mut w)?,
                    _ => {
                        put(b'\\', &mut w)?;
                        put(b'0' + c / 100, &mut w)?;
                        put(b'0' + c / 10 % 10, &mut w)?;
                        put(b'0' + c % 10, &mut w)?;
                    }
                }
            }
        }
        Some(w)
    }

    /// The labels, first to last (the root label excluded).
    pub fn labels(&self) -> Labels<'_> {
        Labels { rest: self.as_bytes() }
    }
}

/// Whether text ending in `.` ends in an escaped dot (`a\.`).
fn ends_with_escaped_dot(text: &[u8]) -> bool {
    let backslashes = text.iter().rev().skip(1).take_while(|&&c| c == b'\\').count();
    backslashes % 2 == 1
}

/// Iterator over the labels of a `WireName`.
pub struct Labels<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let (&len, tail) = self.rest.split_first()?;
        let label = tail.get(..usize::from(len))?;
        if label.is_empty() {
            return None;
        }
        self.rest = tail.get(usize::from(len)..)?;
        Some(label)
    }
}

/// Reads the name at `off` in `msg`, following compression pointers as
/// glibc's `ns_name_unpack` does: a pointer may point anywhere inside the
/// message (backwards, forwards, into the header); a loop is detected by
/// counting the bytes looked at, which cannot reach the message's length
/// without one. Label types other than plain lengths are refused, and the
/// expanded name must fit in 255 bytes. Returns the name and the offset just
/// after it in the message (after the first pointer, if any).
pub fn read_name(msg: &[u8], off: usize) -> Option<(WireName, usize)> {
    let mut name = WireName::root();
    let mut pos = off;
    let mut next: Option<usize> = None;
    let mut checked = 0usize;
    loop {
        let len = *msg.get(pos)?;
        match len & POINTER_TAG {
            0 => {}
            POINTER_TAG => {
                let low = *msg.get(pos + 1)?;
                let target = usize::from(len & !POINTER_TAG) << 8 | usize::from(low);
                checked += 2;
                if target >= msg.len() || checked >= msg.len() {
                    return None;
                }
                next.get_or_insert(pos + 2);
                pos = target;
                continue;
            }
            // 0x40 (extended label types, RFC 6891) and 0x80 (reserved).
            _ => return None,
        }
        if len == 0 {
            return Some((name, next.unwrap_or(pos + 1)));
        }
        let label = msg.get(pos + 1..pos + 1 + usize::from(len))?;
        if !name.push_label(label) {
            return None;
        }
        checked += 1 + usize::from(len);
        pos += 1 + usize::from(len);
    }
}

/// glibc's `__res_binary_hnok` on a wire name: every byte of every label a
/// letter, digit, `-` or `_`, and the name not starting with `-` (what
/// nss_dns demands of a PTR target and of a CNAME target it reports).
pub fn binary_hnok(name: &WireName) -> bool {
    let b = name.as_bytes();
    if b.first().is_some_and(|&l| l > 0) && b.get(1) == Some(&b'-') {
        return false;
    }
    name.labels()
        .all(|l| l.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: &WireName) -> std::string::String {
        let mut b = [0u8; MAX_NAME_TEXT];
        let k = n.to_text(&mut b).unwrap();
        std::string::String::from_utf8(b[..k].to_vec()).unwrap()
    }

    #[test]
    fn text_to_wire() {
        assert_eq!(
            WireName::from_text(b"www.Example.com").unwrap().as_bytes(),
            b"\x03www\x07Example\x03com\x00"
        );
        assert_eq!(WireName::from_text(b"a.b.").unwrap().as_bytes(), b"\x01a\x01b\x00");
        assert_eq!(WireName::from_text(b".").unwrap().as_bytes(), b"\x00");
        assert_eq!(WireName::from_text(b"").unwrap().as_bytes(), b"\x00");
        assert_eq!(WireName::from_text(br"a\.b.c").unwrap().as_bytes(), b"\x03a.b\x01c\x00");
        assert_eq!(
            WireName::from_text(br"\065\000b").unwrap().as_bytes(),
            b"\x03A\x00b\x00"
        );
        for bad in [
            &b"a..b"[..],
            b".a",
            b"..",
            br"a\",
            br"\25",
            br"\256",
            br"\2x5",
            b"a.b..",
        ] {
            assert!(WireName::from_text(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn limits() {
        let l63 = [b'x'; 63];
        assert!(WireName::from_text(&l63).is_some());
        assert!(WireName::from_text(&[b'x'; 64]).is_none());
        // 4 labels of 63 = 4*64 + 1 = 257 bytes: too long; 3 labels + 61 fits 255.
        let mut t = std::vec::Vec::new();
        for _ in 0..3 {
            t.extend_from_slice(&l63);
            t.push(b'.');
        }
        t.extend_from_slice(&[b'y'; 61]);
        assert_eq!(WireName::from_text(&t).unwrap().as_bytes().len(), 255);
        t.push(b'y');
        assert!(WireName::from_text(&t).is_none());
    }

    #[test]
    fn join_with_domain() {
        let n = WireName::from_text_in(b"host", b"example.org").unwrap();
        assert_eq!(n.as_bytes(), b"\x04host\x07example\x03org\x00");
        assert_eq!(
            WireName::from_text_in(b"host", b"").unwrap().as_bytes(),
            b"\x04host\x00"
        );
        assert!(WireName::from_text_in(b"host.", b"x").is_none());
        assert!(WireName::from_text_in(br"host\.", b"x").is_some());
    }

    #[test]
    fn wire_to_text_escapes() {
        let n = WireName::from_text(br"a\.b.c\(\;\032\255").unwrap();
        assert_eq!(text(&n), r"a\.b.c\(\;\032\255");
        assert_eq!(text(&WireName::root()), ".");
        let mut small = [0u8; 3];
        assert!(n.to_text(&mut small).is_none());
    }

    #[test]
    fn case_insensitive_eq() {
        assert_eq!(
            WireName::from_text(b"ExAmple.COM").unwrap(),
            WireName::from_text(b"example.com").unwrap()
        );
        assert_ne!(
            WireName::from_text(b"example.co").unwrap(),
            WireName::from_text(b"example.com").unwrap()
        );
    }

    fn msg_with(tail: &[u8]) -> std::vec::Vec<u8> {
        let mut m = std::vec![0u8; 12];
        m.extend_from_slice(tail);
        m
    }

    #[test]
    fn read_plain_and_compressed() {
        // 12: "\3foo\0"  18: "\3bar" + ptr->12
        let m = msg_with(b"\x03foo\x00\x03bar\xc0\x0c");
        let (n, end) = read_name(&m, 12).unwrap();
        assert_eq!(n.as_bytes(), b"\x03foo\x00");
        assert_eq!(end, 17);
        let (n, end) = read_name(&m, 17).unwrap();
        assert_eq!(n.as_bytes(), b"\x03bar\x03foo\x00");
        assert_eq!(end, 23);
    }

    #[test]
    fn read_refuses_malicious() {
        // Pointer to itself, loop of two, pointer past the end.
        assert!(read_name(&msg_with(b"\xc0\x0c"), 12).is_none());
        assert!(read_name(&msg_with(b"\x01a\xc0\x10\x01b\xc0\x0c"), 16).is_none());
        assert!(read_name(&msg_with(b"\x01a\xc0\x20"), 12).is_none());
        // Truncated label, truncated pointer, missing terminator, reserved label types.
        assert!(read_name(&msg_with(b"\x05ab"), 12).is_none());
        assert!(read_name(&msg_with(b"\x01a\xc0"), 12).is_none());
        assert!(read_name(&msg_with(b"\x01a"), 12).is_none());
        assert!(read_name(&msg_with(b"\x41a\x00"), 12).is_none());
        assert!(read_name(&msg_with(b"\x81a\x00"), 12).is_none());
        // Offset outside the message.
        assert!(read_name(&msg_with(b""), 12).is_none());
        assert!(read_name(&msg_with(b"\x00"), usize::MAX).is_none());
    }

    #[test]
    fn read_follows_forward_and_header_pointers_as_glibc() {
        // 12: ptr -> 14 (forward), 14: "\3fwd\0"
        let m = msg_with(b"\xc0\x0e\x03fwd\x00");
        let (n, end) = read_name(&m, 12).unwrap();
        assert_eq!(n.as_bytes(), b"\x03fwd\x00");
        assert_eq!(end, 14);
        // A pointer into the header reads the header's bytes as labels.
        let mut h = msg_with(b"\xc0\x00");
        h[0] = 1;
        h[1] = b'x';
        assert_eq!(read_name(&h, 12).unwrap().0.as_bytes(), b"\x01x\x00");
    }

    #[test]
    fn binary_hnok_as_glibc() {
        let ok = |t: &str| binary_hnok(&WireName::from_text(t.as_bytes()).unwrap());
        assert!(ok("a-b.c_d.test"));
        assert!(ok("MiXeD.Test"));
        assert!(!ok("-a.test"));
        assert!(ok("a.-b.test"));
        assert!(!ok("bad\\032name.test"));
        assert!(!ok("semi\\;colon.test"));
        assert!(!ok("ctl\\001.test"));
    }

    #[test]
    fn read_refuses_over_255_via_pointers() {
        // A chain of backward pointers, each adding a 63-byte label: the 4th
        // label makes the name exceed 255 bytes.
        let mut m = msg_with(b"\x00");
        let mut prev = 12usize;
        for _ in 0..4 {
            let here = m.len();
            m.push(63);
            m.extend_from_slice(&[b'z'; 63]);
            m.push(0xc0 | (prev >> 8) as u8);
            m.push(prev as u8);
            prev = here;
        }
        assert!(read_name(&m, prev).is_none());
        // Three labels (3*64 + 1 = 193 bytes) are fine.
        let third = 12 + 1 + 2 * 66;
        assert_eq!(read_name(&m, third).unwrap().0.as_bytes().len(), 193);
    }
}
