//! DNS messages (RFC 1035 4.1): building a query, and walking a reply with
//! every bound checked. A reply is untrusted input from the network (glibc's
//! CVE-2015-7547 lived here): nothing below indexes unchecked, and a header
//! count that promises more than the message holds is an error, never a read
//! past the end.

use super::name::{read_name, WireName};

/// Size of the fixed header.
pub(crate) const HEADER_LEN: usize = 12;
/// The UDP payload size advertised with `options edns0`: glibc 2.36's
/// `RESOLV_EDNS_BUFFER_SIZE`.
pub(crate) const EDNS_UDP_SIZE: usize = 1200;
/// Longest query we build: header, a 255-byte name, type and class, and an
/// 11-byte OPT record.
pub(crate) const QUERY_MAX: usize = HEADER_LEN + 255 + 4 + 11;

pub(crate) const TYPE_A: u16 = 1;
pub(crate) const TYPE_CNAME: u16 = 5;
pub(crate) const TYPE_PTR: u16 = 12;
pub(crate) const TYPE_AAAA: u16 = 28;
pub(crate) const TYPE_OPT: u16 = 41;
pub(crate) const CLASS_IN: u16 = 1;

pub(crate) const RCODE_NOERROR: u8 = 0;
pub(crate) const RCODE_SERVFAIL: u8 = 2;
pub(crate) const RCODE_NXDOMAIN: u8 = 3;
pub(crate) const RCODE_NOTIMP: u8 = 4;
pub(crate) const RCODE_REFUSED: u8 = 5;

const FLAG_QR: u16 = 0x8000;
const FLAG_OPCODE: u16 = 0x7800;
const FLAG_TC: u16 = 0x0200;
const FLAG_RD: u16 = 0x0100;
const FLAG_AD: u16 = 0x0020;
const RCODE_MASK: u16 = 0x000f;

/// What a query carries besides its question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueryOpts {
    /// Append an EDNS0 OPT record advertising `EDNS_UDP_SIZE` (`options edns0`).
    pub edns0: bool,
    /// Set the AD bit (`options trust-ad`).
    pub ad: bool,
}

/// Writes a standard query (RD set) for `name`/`qtype`/IN into `buf`; the
/// message length, or `None` if `buf` is too small.
pub fn build_query(id: u16, name: &WireName, qtype: u16, opts: QueryOpts, buf: &mut [u8]) -> Option<usize> {
    let mut w = Writer { buf, len: 0 };
    let flags = FLAG_RD | if opts.ad { FLAG_AD } else { 0 };
    w.u16(id)?;
    w.u16(flags)?;
    w.u16(1)?; // qdcount
    w.u16(0)?;
    w.u16(0)?;
    w.u16(u16::from(opts.edns0))?; // arcount
    w.bytes(name.as_bytes())?;
    w.u16(qtype)?;
    w.u16(CLASS_IN)?;
    if opts.edns0 {
        // OPT: root owner, type 41, class = payload size, ttl 0, no rdata.
        w.bytes(&[0])?;
        w.u16(TYPE_OPT)?;
        w.u16(EDNS_UDP_SIZE as u16)?;
        w.u16(0)?;
        w.u16(0)?;
        w.u16(0)?;
    }
    Some(w.len)
}

struct Writer<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn bytes(&mut self, b: &[u8]) -> Option<()> {
        self.buf.get_mut(self.len..self.len + b.len())?.copy_from_slice(b);
        self.len += b.len();
        Some(())
    }
    fn u16(&mut self, v: u16) -> Option<()> {
        self.bytes(&v.to_be_bytes())
    }
}

fn be16(msg: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_be_bytes(msg.get(off..off + 2)?.try_into().ok()?))
}

fn be32(msg: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_be_bytes(msg.get(off..off + 4)?.try_into().ok()?))
}

/// The fixed header of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub id: u16,
    pub flags: u16,
    pub qdcount: u16,
    pub ancount: u16,
    pub nscount: u16,
    pub arcount: u16,
}

impl Header {
    /// The header, or `None` if `msg` is shorter than 12 bytes.
    pub fn parse(msg: &[u8]) -> Option<Header> {
        Some(Header {
            id: be16(msg, 0)?,
            flags: be16(msg, 2)?,
            qdcount: be16(msg, 4)?,
            ancount: be16(msg, 6)?,
            nscount: be16(msg, 8)?,
            arcount: be16(msg, 10)?,
        })
    }
    pub fn rcode(&self) -> u8 {
        (self.flags & RCODE_MASK) as u8
    }
    pub fn truncated(&self) -> bool {
        self.flags & FLAG_TC != 0
    }
    pub fn is_response(&self) -> bool {
        self.flags & FLAG_QR != 0
    }
    fn opcode(&self) -> u16 {
        (self.flags & FLAG_OPCODE) >> 11
    }
}

/// Why a reply was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// Shorter than a header, or a section runs past the end of the message.
    Truncated,
    /// Not a reply to our query: QR clear, another ID, opcode or question.
    NotOurs,
    /// A name, record or count that breaks the format.
    Malformed,
}

/// A reply to our query, its question checked: `id` equal, QR set, opcode
/// QUERY, one question equal to `qname`/`qtype`/IN (names compared case-
/// insensitively), as glibc's `res_queriesmatch` demands.
#[derive(Clone, Copy, Debug)]
pub struct Reply<'a> {
    msg: &'a [u8],
    pub header: Header,
    /// Offset of the answer section.
    answers_at: usize,
}

impl<'a> Reply<'a> {
    /// Checks `msg` as the reply to query `id` for `qname`/`qtype`.
    pub fn parse(msg: &'a [u8], id: u16, qname: &WireName, qtype: u16) -> Result<Reply<'a>, WireError> {
        let header = Header::parse(msg).ok_or(WireError::Truncated)?;
        if header.id != id || !header.is_response() || header.opcode() != 0 {
            return Err(WireError::NotOurs);
        }
        if header.qdcount != 1 {
            return Err(WireError::NotOurs);
        }
        let (name, end) = read_name(msg, HEADER_LEN).ok_or(WireError::Malformed)?;
        let qt = be16(msg, end).ok_or(WireError::Truncated)?;
        let qc = be16(msg, end + 2).ok_or(WireError::Truncated)?;
        if name != *qname || qt != qtype || qc != CLASS_IN {
            return Err(WireError::NotOurs);
        }
        Ok(Reply {
            msg,
            header,
            answers_at: end + 4,
        })
    }

    /// The whole message.
    pub fn message(&self) -> &'a [u8] {
        self.msg
    }

    /// The records of the answer section, in order.
    pub fn answers(&self) -> Records<'a> {
        Records {
            msg: self.msg,
            off: self.answers_at,
            left: self.header.ancount,
        }
    }
}

/// One resource record; `rdata` lies within the message, and `rdata_at` is
/// its offset (names in rdata may point back into the message).
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    pub owner: WireName,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub rdata: &'a [u8],
    pub rdata_at: usize,
}

/// Iterator over a section's records. After the first error it yields
/// nothing more: a broken record leaves no way to find the next one.
pub struct Records<'a> {
    msg: &'a [u8],
    off: usize,
    left: u16,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, WireError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let r = self.read();
        if r.is_err() {
            self.left = 0;
        }
        Some(r)
    }
}

impl<'a> Records<'a> {
    fn read(&mut self) -> Result<Record<'a>, WireError> {
        let msg = self.msg;
        if self.off >= msg.len() {
            return Err(WireError::Truncated);
        }
        let (owner, p) = read_name(msg, self.off).ok_or(WireError::Malformed)?;
        let rtype = be16(msg, p).ok_or(WireError::Truncated)?;
        let class = be16(msg, p + 2).ok_or(WireError::Truncated)?;
        let ttl = be32(msg, p + 4).ok_or(WireError::Truncated)?;
        let rdlen = usize::from(be16(msg, p + 8).ok_or(WireError::Truncated)?);
        let rdata_at = p + 10;
        let rdata = msg.get(rdata_at..rdata_at + rdlen).ok_or(WireError::Truncated)?;
        self.off = rdata_at + rdlen;
        Ok(Record {
            owner,
            rtype,
            class,
            ttl,
            rdata,
            rdata_at,
        })
    }
}

impl Record<'_> {
    /// The domain name at the start of the rdata (CNAME, PTR), read as
    /// glibc's nss_dns reads it: `ns_name_unpack` from the rdata's start
    /// with the whole message as its bounds, so bytes after the name in the
    /// rdata are ignored.
    pub fn rdata_name(&self, msg: &[u8]) -> Option<WireName> {
        read_name(msg, self.rdata_at).map(|(name, _)| name)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::vec::Vec;

    /// A test reply builder: question, then records given as raw pieces.
    pub(crate) struct Msg(pub Vec<u8>);

    impl Msg {
        pub(crate) fn reply(id: u16, rcode: u8, qname: &str, qtype: u16) -> Msg {
            let mut m = Vec::new();
            m.extend_from_slice(&id.to_be_bytes());
            m.extend_from_slice(&(0x8180u16 | u16::from(rcode)).to_be_bytes());
            m.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
            m.extend_from_slice(WireName::from_text(qname.as_bytes()).unwrap().as_bytes());
            m.extend_from_slice(&qtype.to_be_bytes());
            m.extend_from_slice(&CLASS_IN.to_be_bytes());
            Msg(m)
        }
        pub(crate) fn set_ancount(&mut self, n: u16) {
            self.0[6..8].copy_from_slice(&n.to_be_bytes());
        }
        fn bump_ancount(&mut self) {
            let n = u16::from_be_bytes([self.0[6], self.0[7]]) + 1;
            self.set_ancount(n);
        }
        /// Appends a record whose owner is given in raw wire bytes (may be a pointer).
        pub(crate) fn rr_raw(&mut self, owner: &[u8], rtype: u16, class: u16, rdata: &[u8]) -> &mut Self {
            self.0.extend_from_slice(owner);
            self.0.extend_from_slice(&rtype.to_be_bytes());
            self.0.extend_from_slice(&class.to_be_bytes());
            self.0.extend_from_slice(&300u32.to_be_bytes());
            self.0.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
            self.0.extend_from_slice(rdata);
            self.bump_ancount();
            self
        }
        pub(crate) fn rr(&mut self, owner: &str, rtype: u16, rdata: &[u8]) -> &mut Self {
            let o = WireName::from_text(owner.as_bytes()).unwrap();
            self.rr_raw(o.as_bytes(), rtype, CLASS_IN, rdata)
        }
        pub(crate) fn cname(&mut self, owner: &str, target: &str) -> &mut Self {
            let t = WireName::from_text(target.as_bytes()).unwrap();
            self.rr(owner, TYPE_CNAME, t.as_bytes())
        }
    }

    fn q(name: &str) -> WireName {
        WireName::from_text(name.as_bytes()).unwrap()
    }

    #[test]
    fn builds_query() {
        let mut buf = [0u8; QUERY_MAX];
        let n = build_query(0x1234, &q("a.bc"), TYPE_AAAA, QueryOpts::default(), &mut buf).unwrap();
        assert_eq!(
            &buf[..n],
            b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01a\x02bc\x00\x00\x1c\x00\x01"
        );
        let opts = QueryOpts { edns0: true, ad: true };
        let n = build_query(1, &q("a"), TYPE_A, opts, &mut buf).unwrap();
        assert_eq!(&buf[2..4], b"\x01\x20");
        assert_eq!(&buf[10..12], b"\x00\x01");
        assert_eq!(&buf[n - 11..n], b"\x00\x00\x29\x04\xb0\x00\x00\x00\x00\x00\x00");
        // Too small a buffer.
        assert!(build_query(1, &q("a"), TYPE_A, QueryOpts::default(), &mut buf[..16]).is_none());
        // The longest name with EDNS0 fits QUERY_MAX.
        let long = WireName::from_text(&[b'x'; 63]).unwrap();
        assert!(build_query(1, &long, TYPE_A, opts, &mut buf).is_some());
    }

    #[test]
    fn reply_question_must_match() {
        let m = Msg::reply(7, 0, "Host.Test", TYPE_A);
        assert!(Reply::parse(&m.0, 7, &q("host.test"), TYPE_A).is_ok());
        assert_eq!(
            Reply::parse(&m.0, 8, &q("host.test"), TYPE_A).unwrap_err(),
            WireError::NotOurs
        );
        assert_eq!(
            Reply::parse(&m.0, 7, &q("host.tes"), TYPE_A).unwrap_err(),
            WireError::NotOurs
        );
        assert_eq!(
            Reply::parse(&m.0, 7, &q("host.test"), TYPE_AAAA).unwrap_err(),
            WireError::NotOurs
        );
        let mut qr_clear = m.0.clone();
        qr_clear[2] &= 0x7f;
        assert_eq!(
            Reply::parse(&qr_clear, 7, &q("host.test"), TYPE_A).unwrap_err(),
            WireError::NotOurs
        );
        let mut two_q = m.0.clone();
        two_q[5] = 2;
        assert_eq!(
            Reply::parse(&two_q, 7, &q("host.test"), TYPE_A).unwrap_err(),
            WireError::NotOurs
        );
        // Cut anywhere inside the header or question: refused, never a panic.
        for cut in 0..m.0.len() {
            assert!(
                Reply::parse(&m.0[..cut], 7, &q("host.test"), TYPE_A).is_err(),
                "cut {cut}"
            );
        }
    }

    #[test]
    fn reply_without_question_is_not_ours() {
        let mut m = Msg::reply(7, RCODE_REFUSED, "h", TYPE_A).0;
        m.truncate(HEADER_LEN);
        m[5] = 0;
        assert_eq!(Reply::parse(&m, 7, &q("h"), TYPE_A).unwrap_err(), WireError::NotOurs);
    }

    #[test]
    fn records_and_lying_counts() {
        let mut m = Msg::reply(1, 0, "h.test", TYPE_A);
        m.rr_raw(b"\xc0\x0c", TYPE_A, CLASS_IN, &[10, 0, 0, 1]);
        let r = Reply::parse(&m.0, 1, &q("h.test"), TYPE_A).unwrap();
        let recs: Vec<_> = r.answers().collect();
        assert_eq!(recs.len(), 1);
        let rec = recs[0].unwrap();
        assert_eq!(rec.owner, q("h.test"));
        assert_eq!(rec.rdata, &[10, 0, 0, 1]);
        // ancount says 5, the message holds 1: the second read is an error, then nothing.
        m.set_ancount(5);
        let r = Reply::parse(&m.0, 1, &q("h.test"), TYPE_A).unwrap();
        let recs: Vec<_> = r.answers().collect();
        assert_eq!(recs.len(), 2);
        assert!(recs[0].is_ok());
        assert_eq!(recs[1].unwrap_err(), WireError::Truncated);
        // rdlength beyond the end of the message.
        let mut m = Msg::reply(1, 0, "h", TYPE_A);
        m.rr_raw(b"\xc0\x0c", TYPE_A, CLASS_IN, &[10, 0, 0, 1]);
        let len = m.0.len();
        m.0[len - 5] = 200;
        let r = Reply::parse(&m.0, 1, &q("h"), TYPE_A).unwrap();
        assert_eq!(r.answers().next().unwrap().unwrap_err(), WireError::Truncated);
        // Every truncation of a valid reply is refused cleanly.
        let mut m = Msg::reply(1, 0, "h", TYPE_A);
        m.cname("h", "x.y").rr("x.y", TYPE_A, &[1, 2, 3, 4]);
        for cut in 0..m.0.len() {
            if let Ok(r) = Reply::parse(&m.0[..cut], 1, &q("h"), TYPE_A) {
                assert!(r.answers().any(|x| x.is_err()), "cut {cut}");
            }
        }
    }

    #[test]
    fn rdata_name_bounds() {
        let mut m = Msg::reply(1, 0, "h", TYPE_PTR);
        m.rr_raw(b"\xc0\x0c", TYPE_PTR, CLASS_IN, b"\x03abc\xc0\x0c");
        let r = Reply::parse(&m.0, 1, &q("h"), TYPE_PTR).unwrap();
        let rec = r.answers().next().unwrap().unwrap();
        assert_eq!(rec.rdata_name(r.message()).unwrap(), q("abc.h"));
        // rdata shorter than the name in it: as glibc, the name is read
        // with the message's bounds (dnscraft's PTR 68 checks glibc).
        let mut m = Msg::reply(1, 0, "h", TYPE_PTR);
        m.rr_raw(b"\xc0\x0c", TYPE_PTR, CLASS_IN, b"\x03ab");
        m.0.extend_from_slice(b"c\x00");
        let r = Reply::parse(&m.0, 1, &q("h"), TYPE_PTR).unwrap();
        let rec = r.answers().next().unwrap().unwrap();
        assert_eq!(rec.rdata_name(r.message()).unwrap(), q("abc"));
        // ... but not past the message.
        let mut m = Msg::reply(1, 0, "h", TYPE_PTR);
        m.rr_raw(b"\xc0\x0c", TYPE_PTR, CLASS_IN, b"\x03ab");
        let r = Reply::parse(&m.0, 1, &q("h"), TYPE_PTR).unwrap();
        let rec = r.answers().next().unwrap().unwrap();
        assert!(rec.rdata_name(r.message()).is_none());
        // Trailing bytes after the name inside rdata are ignored (PTR 61).
        let mut m = Msg::reply(1, 0, "h", TYPE_PTR);
        m.rr_raw(b"\xc0\x0c", TYPE_PTR, CLASS_IN, b"\x01a\x00\x00");
        let r = Reply::parse(&m.0, 1, &q("h"), TYPE_PTR).unwrap();
        assert_eq!(
            r.answers().next().unwrap().unwrap().rdata_name(r.message()).unwrap(),
            q("a")
        );
    }
}
