//! JSON lines: one object per call.
//!
//! `{"pid":1,"tid":1,"time":1700000000.123456789,"dur":0.000012345,
//!   "func":"connect","args":{"fd":3,"addr":{"family":"AF_INET","port":8080,
//!   "addr":"127.0.0.1"},"addrlen":16},"ret":-1,"errno":"ECONNREFUSED",
//!   "result":...}` (on one line; `result` only where strace prints detail
//! after the return value; payloads are strings of bytes, each byte as one
//! character: printable ASCII as is, others as `\u00XX`; a cut payload has
//! `"...":true` next to it in its object as `<name>_truncated`). A call
//! whose result was injected (`SOCKSHIM_INJECT`) has `"injected":true`, one
//! an injected delay held back `"delayed":true`; the fields are absent
//! otherwise.

use super::decode::{self, Descs};
use super::event::{Event, FdDesc};
use super::names::{self, Names};
use super::out::{Out, HEX};
use super::sink::Sink;
use super::sockaddr::SockAddr;

/// Formats one event as a JSON object followed by `\n`. Payloads are cut
/// at `strsize` bytes.
pub fn format_json(ev: &Event, strsize: usize, descs: &Descs, o: &mut Out) {
    o.str("{\"pid\":");
    o.u64(u64::from(ev.pid));
    o.str(",\"tid\":");
    o.u64(u64::from(ev.tid));
    o.str(",\"time\":");
    o.u64(ev.time_ns / 1_000_000_000);
    o.byte(b'.');
    o.u64_width(ev.time_ns % 1_000_000_000, 9);
    o.str(",\"dur\":");
    o.u64(ev.dur_ns / 1_000_000_000);
    o.byte(b'.');
    o.u64_width(ev.dur_ns % 1_000_000_000, 9);
    o.str(",\"func\":\"");
    o.str(ev.func.name());
    o.str("\",\"class\":\"");
    o.str(ev.func.class().name());
    o.str("\",\"args\":{");
    {
        let mut s = JsonSink::new(o, strsize);
        decode::args(ev, descs, &mut s);
    }
    o.str("},\"ret\":");
    o.i64(ev.ret);
    if ev.failed() {
        o.str(",\"errno\":\"");
        match names::errno_name(ev.errno) {
            Some(n) => o.str(n),
            None => o.i64(i64::from(ev.errno)),
        }
        o.byte(b'"');
    } else {
        if ev.func.returns_fd() {
            if let Some(d) = descs.ret {
                o.str(",\"ret_desc\":");
                put_desc_json(o, d);
            }
        }
        let mark = o.len();
        o.str(",\"result\":");
        let shown = {
            let mut s = JsonSink::new(o, strsize);
            decode::result(ev, &mut s)
        };
        if !shown {
            o.truncate(mark);
        }
    }
    if !ev.data.is_empty() || ev.data_total > 0 {
        o.str(",\"data_len\":");
        o.u64(ev.data_total);
    }
    if ev.injected {
        o.str(",\"injected\":true");
    }
    if ev.delayed {
        o.str(",\"delayed\":true");
    }
    if o.truncated() || o.room() < 2 {
        // Never emit broken JSON: replace the line by a minimal object.
        o.truncate(0);
        o.str("{\"pid\":");
        o.u64(u64::from(ev.pid));
        o.str(",\"tid\":");
        o.u64(u64::from(ev.tid));
        o.str(",\"func\":\"");
        o.str(ev.func.name());
        o.str("\",\"ret\":");
        o.i64(ev.ret);
        o.str(",\"truncated\":true}\n");
        return;
    }
    o.str("}\n");
}

/// `"text"` with JSON escapes; bytes outside printable ASCII as `\u00XX`.
pub(crate) fn json_string(o: &mut Out, b: &[u8]) {
    o.byte(b'"');
    for &c in b {
        match c {
            b'"' => o.str("\\\""),
            b'\\' => o.str("\\\\"),
            b'\n' => o.str("\\n"),
            b'\r' => o.str("\\r"),
            b'\t' => o.str("\\t"),
            0x20..=0x7e => o.byte(c),
            _ => {
                o.str("\\u00");
                o.byte(HEX[usize::from(c >> 4)]);
                o.byte(HEX[usize::from(c & 15)]);
            }
        }
    }
    o.byte(b'"');
}

fn put_addr_json(o: &mut Out, a: &[u8]) {
    let p = SockAddr::parse(a);
    o.str("{\"family\":");
    match p.family().and_then(|f| names::name_of(names::AF, i64::from(f))) {
        Some(n) => {
            o.byte(b'"');
            o.str(n);
            o.byte(b'"');
        }
        None => o.i64(p.family().map_or(-1, i64::from)),
    }
    match p {
        SockAddr::Inet { port, addr } => {
            o.str(",\"port\":");
            o.u64(u64::from(port));
            o.str(",\"addr\":\"");
            o.bytes(crate::inet::ipv4::format(addr).as_bytes());
            o.byte(b'"');
        }
        SockAddr::Inet6 {
            port,
            flowinfo,
            addr,
            scope_id,
        } => {
            o.str(",\"port\":");
            o.u64(u64::from(port));
            o.str(",\"addr\":\"");
            o.bytes(crate::inet::ipv6::format(&addr).as_bytes());
            o.str("\",\"flowinfo\":");
            o.u64(u64::from(flowinfo));
            o.str(",\"scope_id\":");
            o.u64(u64::from(scope_id));
        }
        SockAddr::Unix { path, abstract_ } => {
            o.str(",\"path\":");
            json_string(o, path);
            if abstract_ {
                o.str(",\"abstract\":true");
            }
        }
        SockAddr::Netlink { pid, groups } => {
            o.str(",\"nl_pid\":");
            o.u64(u64::from(pid));
            o.str(",\"nl_groups\":");
            o.u64(u64::from(groups));
        }
        SockAddr::Other { data, .. } | SockAddr::Short(data) => {
            o.str(",\"data\":");
            json_string(o, data);
        }
    }
    o.byte(b'}');
}

/// A descriptor description as JSON:
/// `{"proto":"TCP","inode":N,"local":{...},"peer":{...}}`.
pub fn put_desc_json(o: &mut Out, d: &FdDesc) {
    o.str("{\"text\":\"");
    super::text::put_desc(o, d);
    o.str("\",\"domain\":");
    names::put_name(o, names::NONE, i64::from(d.domain));
    o.str(",\"type\":");
    o.i64(i64::from(d.ty));
    o.str(",\"inode\":");
    o.u64(d.inode);
    if d.local_len > 0 {
        o.str(",\"local\":");
        put_addr_json(o, d.local());
    }
    if d.peer_len > 0 {
        o.str(",\"peer\":");
        put_addr_json(o, d.peer());
    }
    o.byte(b'}');
}

struct JsonSink<'o, 'b> {
    out: &'o mut Out<'b>,
    strsize: usize,
    first: [bool; 16],
    depth: usize,
}

impl<'o, 'b> JsonSink<'o, 'b> {
    fn new(out: &'o mut Out<'b>, strsize: usize) -> Self {
        JsonSink {
            out,
            strsize,
            first: [true; 16],
            depth: 0,
        }
    }

    fn sep(&mut self) {
        let d = self.depth.min(15);
        if !self.first[d] {
            self.out.byte(b',');
        }
        self.first[d] = false;
    }

    fn key(&mut self, name: &str) {
        self.sep();
        self.out.byte(b'"');
        self.out.str(name);
        self.out.str("\":");
    }

    fn open(&mut self, c: u8) {
        self.out.byte(c);
        self.depth += 1;
        if let Some(f) = self.first.get_mut(self.depth) {
            *f = true;
        }
    }

    fn close(&mut self, c: u8) {
        self.out.byte(c);
        self.depth = self.depth.saturating_sub(1);
    }

    fn quoted(&mut self, f: impl FnOnce(&mut Out)) {
        self.out.byte(b'"');
        f(self.out);
        self.out.byte(b'"');
    }
}

impl Sink for JsonSink<'_, '_> {
    fn arg(&mut self, name: &str) {
        self.key(name);
    }
    fn field(&mut self, name: &str) {
        self.key(name);
    }
    fn elem(&mut self) {
        self.sep();
    }
    fn open_obj(&mut self) {
        self.open(b'{');
    }
    fn close_obj(&mut self) {
        self.close(b'}');
    }
    fn open_arr(&mut self) {
        self.open(b'[');
    }
    fn close_arr(&mut self) {
        self.close(b']');
    }
    fn int(&mut self, v: i64) {
        self.out.i64(v);
    }
    fn hex(&mut self, v: u64) {
        self.quoted(|o| o.hex(v));
    }
    fn null(&mut self) {
        self.out.str("null");
    }
    fn sym(&mut self, t: Names, v: i64) {
        match names::name_of(t, v) {
            Some(n) => self.quoted(|o| o.str(n)),
            None => self.out.i64(v),
        }
    }
    fn flags(&mut self, t: Names, v: u64) {
        self.quoted(|o| names::put_flags(o, t, v));
    }
    fn sock_type(&mut self, v: i64) {
        self.quoted(|o| names::put_sock_type(o, v));
    }
    fn open_flags(&mut self, v: u64) {
        self.quoted(|o| names::put_open_flags(o, v));
    }
    fn bytes(&mut self, b: &[u8], _total: u64) {
        let n = b.len().min(self.strsize);
        json_string(self.out, b.get(..n).unwrap_or(&[]));
    }
    fn whole(&mut self, b: &[u8]) {
        json_string(self.out, b);
    }
    fn sockaddr(&mut self, a: &[u8]) {
        put_addr_json(self.out, a);
    }
    fn fd(&mut self, fd: i64, desc: Option<&FdDesc>) {
        match desc {
            None => self.out.i64(fd),
            Some(d) => {
                self.out.str("{\"fd\":");
                self.out.i64(fd);
                self.out.str(",\"desc\":");
                put_desc_json(self.out, d);
                self.out.byte(b'}');
            }
        }
    }
    fn len_pair(&mut self, before: u32, after: u32) {
        self.out.str("{\"in\":");
        self.out.u64(u64::from(before));
        self.out.str(",\"out\":");
        self.out.u64(u64::from(after));
        self.out.byte(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::super::func::Func;
    use super::*;

    #[test]
    fn connect_object() {
        let mut a = [0u8; 16];
        a[0] = 2;
        a[2..4].copy_from_slice(&8080u16.to_be_bytes());
        a[4..8].copy_from_slice(&[127, 0, 0, 1]);
        let mut ev = Event::new(Func::Connect);
        ev.args = [3, 0x10, 16, 0, 0, 0];
        ev.addr = &a;
        ev.ret = -1;
        ev.errno = 111;
        ev.pid = 5;
        ev.tid = 6;
        ev.time_ns = 1_700_000_000_123_456_789;
        ev.dur_ns = 12_345;
        let mut b = [0u8; 512];
        let mut o = Out::new(&mut b);
        format_json(&ev, 32, &Descs::default(), &mut o);
        assert_eq!(
            std::str::from_utf8(o.as_bytes()).unwrap(),
            "{\"pid\":5,\"tid\":6,\"time\":1700000000.123456789,\"dur\":0.000012345,\"func\":\"connect\",\"class\":\"setup\",\"args\":{\"fd\":3,\"addr\":{\"family\":\"AF_INET\",\"port\":8080,\"addr\":\"127.0.0.1\"},\"addrlen\":16},\"ret\":-1,\"errno\":\"ECONNREFUSED\"}\n"
        );
    }

    #[test]
    fn payload_bytes_escape() {
        let mut b = [0u8; 64];
        let mut o = Out::new(&mut b);
        json_string(&mut o, b"a\"\\\n\x01\xff");
        assert_eq!(o.as_bytes(), b"\"a\\\"\\\\\\n\\u0001\\u00ff\"");
    }
}
