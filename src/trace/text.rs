//! strace-compatible text lines:
//! `[pid N] HH:MM:SS.uuuuuu connect(3, {sa_family=AF_INET, ...}, 16) = -1 ECONNREFUSED (Connection refused) <0.000012>`

use super::decode::{self, Descs};
use super::event::{Event, FdDesc};
use super::names::{self, Names};
use super::out::Out;
use super::sink::Sink;
use super::sockaddr::{put_endpoint, SockAddr};

/// strace's `-t`, `-tt`, `-ttt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    None,
    /// `HH:MM:SS`
    Seconds,
    /// `HH:MM:SS.uuuuuu`
    Micros,
    /// `SSSSSSSSSS.uuuuuu` (seconds since the epoch)
    Epoch,
}

/// How lines look.
#[derive(Clone, Copy, Debug)]
pub struct TextOptions {
    /// Payload bytes shown (strace's `-s`).
    pub strsize: usize,
    pub time: TimeFormat,
    /// Seconds east of UTC for `Seconds`/`Micros` times.
    pub utc_offset: i32,
    /// Append ` <seconds>` (strace's `-T`).
    pub duration: bool,
    /// Prefix `[pid TID] ` (several threads or processes).
    pub pid_prefix: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            strsize: 32,
            time: TimeFormat::None,
            utc_offset: 0,
            duration: false,
            pid_prefix: false,
        }
    }
}

/// The column where strace aligns ` = `.
const RESULT_COLUMN: usize = 40;

/// Formats one event as a line ending in `\n`. A line that does not fit in
/// `o` is cut and still ends in `\n`.
pub fn format_line(ev: &Event, opts: &TextOptions, descs: &Descs, o: &mut Out) {
    let start = o.len();
    if opts.pid_prefix {
        o.str("[pid ");
        o.u64(u64::from(ev.tid));
        o.str("] ");
    }
    put_time(o, ev.time_ns, opts);
    o.str(ev.func.name());
    o.byte(b'(');
    {
        let mut s = TextSink::new(o, opts.strsize);
        decode::args(ev, descs, &mut s);
    }
    o.byte(b')');
    if !o.pad_to(start + RESULT_COLUMN) {
        o.byte(b' ');
    }
    o.str("= ");
    put_return(ev, opts, descs, o);
    // strace's marks for a tampered call, before the duration.
    if ev.injected {
        o.str(" (INJECTED)");
    }
    if ev.delayed {
        o.str(" (DELAYED)");
    }
    if opts.duration {
        o.str(" <");
        o.u64(ev.dur_ns / 1_000_000_000);
        o.byte(b'.');
        o.u64_width((ev.dur_ns % 1_000_000_000) / 1000, 6);
        o.byte(b'>');
    }
    if o.truncated() || o.room() == 0 {
        // Keep the newline: cut the line and mark it.
        let keep = o.len().saturating_sub(5).max(start);
        o.truncate(keep);
        o.str("...\n");
        return;
    }
    o.byte(b'\n');
}

fn put_time(o: &mut Out, t_ns: u64, opts: &TextOptions) {
    let sec = t_ns / 1_000_000_000;
    let usec = (t_ns % 1_000_000_000) / 1000;
    match opts.time {
        TimeFormat::None => return,
        TimeFormat::Epoch => {
            o.u64(sec);
            o.byte(b'.');
            o.u64_width(usec, 6);
        }
        TimeFormat::Seconds | TimeFormat::Micros => {
            let local = (sec as i64 + i64::from(opts.utc_offset)).rem_euclid(86_400) as u64;
            o.u64_width(local / 3600, 2);
            o.byte(b':');
            o.u64_width(local / 60 % 60, 2);
            o.byte(b':');
            o.u64_width(local % 60, 2);
            if opts.time == TimeFormat::Micros {
                o.byte(b'.');
                o.u64_width(usec, 6);
            }
        }
    }
    o.byte(b' ');
}

fn put_return(ev: &Event, opts: &TextOptions, descs: &Descs, o: &mut Out) {
    if super::netdb::returns_eai(ev.func) && ev.ret != 0 {
        // Like an errno: `= -2 EAI_NONAME (Name or service not known)`;
        // `EAI_SYSTEM` with its errno: `= -11 EAI_SYSTEM (EMFILE: Too many open files)`.
        o.i64(ev.ret);
        o.byte(b' ');
        match names::name_of(super::netdb::EAI, ev.ret) {
            Some(n) => o.str(n),
            None => o.str("EAI_?"),
        }
        o.str(" (");
        if ev.failed() {
            match names::errno_name(ev.errno) {
                Some(n) => o.str(n),
                None => o.i64(i64::from(ev.errno)),
            }
            if let Some(m) = names::errno_message(ev.errno) {
                o.str(": ");
                o.str(m);
            }
        } else {
            o.str(super::netdb::eai_message(ev.ret).unwrap_or("Unknown error"));
        }
        o.byte(b')');
        return;
    }
    if ev.failed() {
        o.i64(ev.ret);
        o.byte(b' ');
        match names::errno_name(ev.errno) {
            Some(n) => o.str(n),
            None => o.i64(i64::from(ev.errno)),
        }
        if let Some(m) = names::errno_message(ev.errno) {
            o.str(" (");
            o.str(m);
            o.byte(b')');
        }
        return;
    }
    if super::netdb::returns_entry(ev.func) {
        // `= {s_name="http", ...}` or `= NULL`: the pointer the call returned.
        let mut s = TextSink::new(o, opts.strsize);
        decode::result(ev, &mut s);
        return;
    }
    if ev.func.returns_fd() {
        put_fd(o, ev.ret, descs.ret);
    } else if decode::hex_return(ev) {
        // strace's `%#lx`: `0`, `0x2`.
        if ev.ret == 0 {
            o.byte(b'0');
        } else {
            o.hex(ev.ret as u64);
        }
    } else {
        o.i64(ev.ret);
    }
    let mark = o.len();
    o.str(" (");
    let inner = o.len();
    let shown = {
        let mut s = TextSink::new(o, opts.strsize);
        if matches!(ev.func, super::func::Func::Fcntl) {
            s.out.str("flags ");
        }
        decode::result(ev, &mut s)
    };
    if shown && o.len() > inner {
        o.byte(b')');
    } else if decode::timed_out(ev) {
        o.truncate(mark);
        o.str(" (Timeout)");
    } else {
        o.truncate(mark);
    }
}

/// `3` or, with a description, `3<TCP:[127.0.0.1:41234->127.0.0.1:8080]>`.
pub(crate) fn put_fd(o: &mut Out, fd: i64, desc: Option<&FdDesc>) {
    o.i64(fd);
    if let Some(d) = desc {
        o.byte(b'<');
        put_desc(o, d);
        o.byte(b'>');
    }
}

/// strace's `-yy` text for a socket: `TCP:[local->peer]`, `TCP:[local]`,
/// `TCP:[inode]` (a socket the kernel's tables do not list),
/// `UNIX-STREAM:[inode->peer inode,"path"]`.
pub fn put_desc(o: &mut Out, d: &FdDesc) {
    let proto = match (d.domain, d.ty) {
        (2, 1) => "TCP",
        (2, 2) => "UDP",
        (2, 3) => "RAW",
        (10, 1) => "TCPv6",
        (10, 2) => "UDPv6",
        (10, 3) => "RAWv6",
        // The kernel's protocol names (`system.sockprotoname`).
        (1, 1) => "UNIX-STREAM",
        (1, _) => "UNIX",
        (16, _) => "NETLINK",
        _ => "socket",
    };
    o.str(proto);
    o.str(":[");
    let inet = matches!(d.domain, 2 | 10);
    if inet && d.local_len > 0 {
        put_endpoint(o, &SockAddr::parse(d.local()));
        if d.peer_len > 0 {
            o.str("->");
            put_endpoint(o, &SockAddr::parse(d.peer()));
        }
    } else {
        o.u64(d.inode);
        if d.domain == 1 {
            if d.peer_inode != 0 {
                o.str("->");
                o.u64(d.peer_inode);
            }
            if let SockAddr::Unix { path, abstract_ } = SockAddr::parse(d.local()) {
                if abstract_ || !path.is_empty() {
                    o.str(",");
                    if abstract_ {
                        o.byte(b'@');
                    }
                    o.byte(b'"');
                    escape(o, path);
                    o.byte(b'"');
                }
            }
        }
    }
    o.byte(b']');
}

/// strace's string escaping: printable ASCII as is (with `\"` and `\\`),
/// `\t \n \v \f \r`, anything else in octal (three digits when a digit
/// follows).
pub(crate) fn escape(o: &mut Out, b: &[u8]) {
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => o.str("\\\""),
            b'\\' => o.str("\\\\"),
            b'\t' => o.str("\\t"),
            b'\n' => o.str("\\n"),
            0x0b => o.str("\\v"),
            0x0c => o.str("\\f"),
            b'\r' => o.str("\\r"),
            0x20..=0x7e => o.byte(c),
            _ => {
                let next_is_octal = matches!(b.get(i + 1), Some(b'0'..=b'7'));
                o.byte(b'\\');
                if next_is_octal || c >= 0o100 {
                    o.byte(b'0' + (c >> 6));
                }
                if next_is_octal || c >= 0o10 {
                    o.byte(b'0' + ((c >> 3) & 7));
                }
                o.byte(b'0' + (c & 7));
            }
        }
    }
}

/// The text `Sink`: positional arguments, `name=` struct members.
pub(crate) struct TextSink<'o, 'b> {
    pub(crate) out: &'o mut Out<'b>,
    strsize: usize,
    /// Per nesting level: nothing printed at this level yet.
    first: [bool; 16],
    depth: usize,
}

impl<'o, 'b> TextSink<'o, 'b> {
    pub(crate) fn new(out: &'o mut Out<'b>, strsize: usize) -> Self {
        TextSink {
            out,
            strsize,
            first: [true; 16],
            depth: 0,
        }
    }

    fn sep(&mut self) {
        let d = self.depth.min(15);
        if !self.first[d] {
            self.out.str(", ");
        }
        self.first[d] = false;
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
}

impl Sink for TextSink<'_, '_> {
    fn arg(&mut self, _name: &str) {
        self.sep();
    }
    fn field(&mut self, name: &str) {
        self.sep();
        self.out.str(name);
        self.out.byte(b'=');
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
        self.out.hex(v);
    }
    fn null(&mut self) {
        self.out.str("NULL");
    }
    fn sym(&mut self, t: Names, v: i64) {
        names::put_name(self.out, t, v);
    }
    fn port(&mut self, p: u16) {
        self.out.str("htons(");
        self.out.i64(p.into());
        self.out.byte(b')');
    }
    fn flags(&mut self, t: Names, v: u64) {
        names::put_flags(self.out, t, v);
    }
    fn sock_type(&mut self, v: i64) {
        names::put_sock_type(self.out, v);
    }
    fn open_flags(&mut self, v: u64) {
        names::put_open_flags(self.out, v);
    }
    fn bytes(&mut self, b: &[u8], total: u64) {
        let n = b.len().min(self.strsize);
        self.out.byte(b'"');
        escape(self.out, b.get(..n).unwrap_or(&[]));
        self.out.byte(b'"');
        if (n as u64) < total {
            self.out.str("...");
        }
    }
    fn member(&mut self, _name: &str) {
        self.sep();
    }
    fn endpoint(&mut self, a: &[u8]) {
        let parsed = SockAddr::parse(a);
        if !matches!(parsed, SockAddr::Inet { .. } | SockAddr::Inet6 { .. }) {
            return self.sockaddr(a);
        }
        self.out.byte(b'"');
        put_endpoint(self.out, &parsed);
        self.out.byte(b'"');
    }
    fn whole(&mut self, b: &[u8]) {
        self.out.byte(b'"');
        escape(self.out, b);
        self.out.byte(b'"');
    }
    fn sockaddr(&mut self, a: &[u8]) {
        let o = &mut *self.out;
        let parsed = SockAddr::parse(a);
        o.byte(b'{');
        match parsed {
            SockAddr::Short(b) => {
                o.str("sa_family=");
                o.hex(u64::from(b.first().copied().unwrap_or(0)));
            }
            _ => {
                o.str("sa_family=");
                names::put_name(o, names::AF, i64::from(parsed.family().unwrap_or(0)));
            }
        }
        match parsed {
            SockAddr::Inet { port, addr } => {
                o.str(", sin_port=htons(");
                o.u64(u64::from(port));
                o.str("), sin_addr=inet_addr(\"");
                o.bytes(crate::inet::ipv4::format(addr).as_bytes());
                o.str("\")");
            }
            SockAddr::Inet6 {
                port,
                flowinfo,
                addr,
                scope_id,
            } => {
                o.str(", sin6_port=htons(");
                o.u64(u64::from(port));
                o.str("), sin6_flowinfo=htonl(");
                o.u64(u64::from(flowinfo));
                o.str("), inet_pton(AF_INET6, \"");
                o.bytes(crate::inet::ipv6::format(&addr).as_bytes());
                o.str("\", &sin6_addr), sin6_scope_id=");
                o.u64(u64::from(scope_id));
            }
            SockAddr::Unix { path, abstract_ } => {
                if abstract_ || !path.is_empty() {
                    o.str(", sun_path=");
                    if abstract_ {
                        o.byte(b'@');
                    }
                    o.byte(b'"');
                    escape(o, path);
                    o.byte(b'"');
                }
            }
            SockAddr::Netlink { pid, groups } => {
                o.str(", nl_pid=");
                o.u64(u64::from(pid));
                o.str(", nl_groups=");
                o.hex_digits(u64::from(groups), 8);
            }
            SockAddr::Other { data, .. } => {
                o.str(", sa_data=\"");
                escape(o, data);
                o.byte(b'"');
            }
            SockAddr::Short(_) => {}
        }
        o.byte(b'}');
    }
    fn fd(&mut self, fd: i64, desc: Option<&FdDesc>) {
        put_fd(self.out, fd, desc);
    }
    fn len_pair(&mut self, before: u32, after: u32) {
        self.out.byte(b'[');
        self.out.u64(u64::from(before));
        if before != after {
            self.out.str(" => ");
            self.out.u64(u64::from(after));
        }
        self.out.byte(b']');
    }
    fn ellipsis(&mut self) {
        self.sep();
        self.out.str("...");
    }
    fn label(&mut self, name: &str) {
        self.sep();
        self.out.str(name);
        self.out.byte(b' ');
    }
    fn open_result(&mut self) {}
    fn close_result(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::super::func::Func;
    use super::*;

    fn line(ev: &Event, opts: &TextOptions, d: &Descs) -> String {
        let mut b = [0u8; 1024];
        let mut o = Out::new(&mut b);
        format_line(ev, opts, d, &mut o);
        String::from_utf8(o.as_bytes().to_vec()).unwrap()
    }

    fn sin(port: u16, a: [u8; 4]) -> [u8; 16] {
        let mut s = [0u8; 16];
        s[0] = 2;
        s[2..4].copy_from_slice(&port.to_be_bytes());
        s[4..8].copy_from_slice(&a);
        s
    }

    /// `connect(3, {127.0.0.1:8080}, 16)` refused.
    fn refused_connect(a: &[u8]) -> Event<'_> {
        let mut ev = Event::new(Func::Connect);
        ev.args = [3, 0x7ffd0000, 16, 0, 0, 0];
        ev.addr = a;
        ev.ret = -1;
        ev.errno = 111;
        ev
    }

    #[test]
    fn connect_refused_like_strace() {
        let a = sin(8080, [127, 0, 0, 1]);
        let ev = refused_connect(&a);
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused)\n"
        );
    }

    #[test]
    fn injected_calls_marked_like_strace() {
        let a = sin(8080, [127, 0, 0, 1]);
        let mut ev = refused_connect(&a);
        ev.injected = true;
        ev.dur_ns = 2_000;
        let opts = TextOptions {
            duration: true,
            ..TextOptions::default()
        };
        // strace -T -e inject=connect:error=ECONNREFUSED: the mark, then the time.
        assert_eq!(
            line(&ev, &opts, &Descs::default()),
            "connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused) (INJECTED) <0.000002>\n"
        );
        let mut ev = Event::new(Func::Listen);
        ev.args = [3, 5, 0, 0, 0, 0];
        ev.injected = true;
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "listen(3, 5)                            = 0 (INJECTED)\n"
        );
        // strace -e inject=close:retval=0:delay_enter=1000 prints
        // "= 0 (INJECTED) (DELAYED)"; a delay alone "= 0 (DELAYED)".
        ev.delayed = true;
        assert_eq!(
            line(&ev, &opts, &Descs::default()),
            "listen(3, 5)                            = 0 (INJECTED) (DELAYED) <0.000000>\n"
        );
        ev.injected = false;
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "listen(3, 5)                            = 0 (DELAYED)\n"
        );
    }

    #[test]
    fn getaddrinfo_results_compact_and_capped() {
        use super::super::event::{AuxArray, AuxWriter};
        use super::super::netdb::ResolveAux;
        let mut aux = AuxArray::<1024>::default();
        {
            let mut w = AuxWriter::new(&mut aux);
            let mut a = ResolveAux { w: &mut w };
            a.string(Some(b"localhost"));
            a.string(Some(b"80"));
            a.hints(Some([0x20, 0, 1, 0]));
            a.string(None);
            a.count(10);
            for i in 0..10u8 {
                let mut v6 = [0u8; 28];
                v6[0] = 10;
                v6[2..4].copy_from_slice(&80u16.to_be_bytes());
                v6[23] = i;
                a.addrinfo(10, 1, 6, &v6);
            }
        }
        let mut ev = Event::new(Func::Getaddrinfo);
        ev.args = [0x1000, 0x2000, 0x3000, 0x4000, 0, 0];
        ev.aux = aux.as_bytes();
        let l = line(&ev, &TextOptions::default(), &Descs::default());
        assert!(l.starts_with(
            "getaddrinfo(\"localhost\", \"80\", {ai_flags=AI_ADDRCONFIG, ai_family=AF_UNSPEC, ai_socktype=SOCK_STREAM, \
             ai_protocol=IPPROTO_IP}, [{AF_INET6, SOCK_STREAM, IPPROTO_TCP, \"[::]:80\"}, {AF_INET6, SOCK_STREAM, IPPROTO_TCP, \"[::1]:80\"}, "
        ));
        assert!(l.ends_with("\"[::7]:80\"}, ...]) = 0\n"), "{l}");
        assert!(!l.contains("[::8]"));

        let mut aux = AuxArray::<64>::default();
        {
            let mut w = AuxWriter::new(&mut aux);
            let mut a = ResolveAux { w: &mut w };
            a.string(Some(b"x"));
            a.string(None);
            a.hints(None);
            a.string(None);
            a.count(0);
        }
        ev.aux = aux.as_bytes();
        ev.ret = -2;
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "getaddrinfo(\"x\", NULL, NULL, 0x4000)    = -2 EAI_NONAME (Name or service not known)\n"
        );
    }

    #[test]
    fn hostent_addresses_as_text() {
        use super::super::event::{AuxArray, AuxWriter};
        use super::super::netdb::ResolveAux;
        let mut aux = AuxArray::<256>::default();
        {
            let mut w = AuxWriter::new(&mut aux);
            let mut a = ResolveAux { w: &mut w };
            a.string(Some(b"localhost"));
            a.string(Some(b"localhost"));
            a.count(1);
            a.string(Some(b"lh"));
            a.count(2);
            a.host_addr(&[127, 0, 0, 1]);
            a.host_addr(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        }
        let mut ev = Event::new(Func::Gethostbyname);
        ev.args = [0x1000, 0, 0, 0, 0, 0];
        ev.aux = aux.as_bytes();
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "gethostbyname(\"localhost\")              = 0 ({h_name=\"localhost\", h_aliases=[\"lh\"], h_addr_list=[\"127.0.0.1\", \"::1\"]})\n"
        );
    }

    #[test]
    fn servent_returned_as_the_value() {
        use super::super::event::{AuxArray, AuxWriter};
        use super::super::netdb::ResolveAux;
        let mut aux = AuxArray::<256>::default();
        {
            let mut w = AuxWriter::new(&mut aux);
            let mut a = ResolveAux { w: &mut w };
            a.string(Some(b"http"));
            a.string(Some(b"tcp"));
            a.flag(true);
            a.string(Some(b"http"));
            a.count(1);
            a.string(Some(b"www"));
            a.int(i32::from(80u16.to_be()));
            a.string(Some(b"tcp"));
        }
        let mut ev = Event::new(Func::Getservbyname);
        ev.args = [0x1000, 0x2000, 0, 0, 0, 0];
        ev.aux = aux.as_bytes();
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "getservbyname(\"http\", \"tcp\")            = {s_name=\"http\", s_aliases=[\"www\"], s_port=htons(80), s_proto=\"tcp\"}\n"
        );
        let mut aux = AuxArray::<64>::default();
        {
            let mut w = AuxWriter::new(&mut aux);
            let mut a = ResolveAux { w: &mut w };
            a.string(Some(b"x"));
            a.int(1);
            a.flag(false);
        }
        let mut ev = Event::new(Func::GethostbynameR);
        ev.args = [0x1000, 1024, 0, 0, 0, 0];
        ev.aux = aux.as_bytes();
        ev.ret = 2;
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "gethostbyname_r(\"x\", 1024)              = 2 (result NULL, h_errno HOST_NOT_FOUND)\n"
        );
        // A call that left *h_errnop alone: no h_errno shown.
        let mut aux = AuxArray::<64>::default();
        {
            let mut w = AuxWriter::new(&mut aux);
            let mut a = ResolveAux { w: &mut w };
            a.string(Some(b"x"));
            a.int(crate::trace::netdb::H_ERRNO_UNSET);
            a.flag(false);
        }
        ev.aux = aux.as_bytes();
        ev.ret = 34;
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "gethostbyname_r(\"x\", 1024)              = 34 (result NULL)\n"
        );
    }

    #[test]
    fn short_lines_align_the_result_at_column_40() {
        let mut ev = Event::new(Func::Listen);
        ev.args = [3, 5, 0, 0, 0, 0];
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "listen(3, 5)                            = 0\n"
        );
        let mut ev = Event::new(Func::Close);
        ev.args = [99, 0, 0, 0, 0, 0];
        ev.ret = -1;
        ev.errno = 9;
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "close(99)                               = -1 EBADF (Bad file descriptor)\n"
        );
    }

    #[test]
    fn payloads_are_escaped_and_cut() {
        let data = b"hello\n\x01\xff world this is a long payload exceeding 32";
        let mut ev = Event::new(Func::Sendto);
        ev.args = [4, 0x1000, 50, 0x4000, 0, 0];
        ev.data = data;
        ev.data_total = 50;
        ev.ret = 50;
        assert_eq!(
            line(&ev, &TextOptions::default(), &Descs::default()),
            "sendto(4, \"hello\\n\\1\\377 world this is a long pa\"..., 50, MSG_NOSIGNAL, NULL, 0) = 50\n"
        );
        let mut b = [0u8; 64];
        let mut o = Out::new(&mut b);
        escape(&mut o, b"\x001\x07");
        assert_eq!(o.as_bytes(), b"\\0001\\7");
    }

    #[test]
    fn socket_accept_and_annotations() {
        let mut ev = Event::new(Func::Socket);
        ev.args = [2, 1 | 0o2000000, 0, 0, 0, 0];
        ev.ret = 3;
        let opts = TextOptions {
            time: TimeFormat::Micros,
            duration: true,
            pid_prefix: true,
            ..TextOptions::default()
        };
        ev.tid = 77;
        ev.time_ns = 3600 * 1_000_000_000 + 5_123_456_789;
        ev.dur_ns = 12_345;
        assert_eq!(
            line(&ev, &opts, &Descs::default()),
            "[pid 77] 01:00:05.123456 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3 <0.000012>\n"
        );
        let peer = sin(42208, [127, 0, 0, 1]);
        let mut ev = Event::new(Func::Accept4);
        ev.args = [3, 0x10, 0x20, 0o2000000, 0, 0];
        ev.addr = &peer;
        ev.len_in = 128;
        ev.len_out = 16;
        ev.ret = 5;
        let mut d = FdDesc::new(2, 1, 6, 1);
        d.set_local(&sin(37325, [127, 0, 0, 1]));
        let mut r = d;
        r.set_peer(&peer);
        let descs = Descs {
            arg: Some(&d),
            ret: Some(&r),
            pair: [None, None],
            others: &[],
        };
        assert_eq!(
            line(&ev, &TextOptions::default(), &descs),
            "accept4(3<TCP:[127.0.0.1:37325]>, {sa_family=AF_INET, sin_port=htons(42208), sin_addr=inet_addr(\"127.0.0.1\")}, [128 => 16], SOCK_CLOEXEC) = 5<TCP:[127.0.0.1:37325->127.0.0.1:42208]>\n"
        );
    }

    /// Unix sockets as strace 6.1 shows them (`UNIX` for every type but
    /// stream), and the descriptors inside a poll array annotated.
    #[test]
    fn unix_descriptions_and_poll_members() {
        let mut un = [0u8; 9];
        un[0] = 1;
        un[2..8].copy_from_slice(b"u.sock");
        let mut d = FdDesc::new(1, 1, 0, 11);
        d.peer_inode = 12;
        d.set_local(&un);
        let mut dgram = FdDesc::new(1, 2, 0, 13);
        dgram.peer_inode = 14;
        let lone = FdDesc::new(1, 5, 0, 15);
        let mut b = [0u8; 128];
        for (desc, want) in [
            (&d, "UNIX-STREAM:[11->12,\"u.sock\"]"),
            (&dgram, "UNIX:[13->14]"),
            (&lone, "UNIX:[15]"),
        ] {
            let mut o = Out::new(&mut b);
            put_desc(&mut o, desc);
            assert_eq!(o.as_bytes(), want.as_bytes());
        }
        use super::super::aux::{PollFd, PollFds};
        use super::super::event::{AuxArray, AuxWriter};
        let mut ev = Event::new(Func::Poll);
        let mut aux = AuxArray::<64>::default();
        let pfd = PollFd {
            fd: 5,
            events: 1,
            revents: 0,
        };
        PollFds::encode_entries(&mut AuxWriter::new(&mut aux), &[pfd]);
        ev.aux = aux.as_bytes();
        ev.args = [0x10, 1, 0, 0, 0, 0];
        let others = [(5, dgram)];
        let descs = Descs {
            others: &others,
            ..Descs::default()
        };
        assert_eq!(
            line(&ev, &TextOptions::default(), &descs),
            "poll([{fd=5<UNIX:[13->14]>, events=POLLIN}], 1, 0) = 0 (Timeout)\n"
        );
        let mut fds = [0i32; 4];
        assert_eq!(crate::trace::decode::event_fds(&ev, &mut fds), 1);
        assert_eq!(fds[0], 5);
    }
}
