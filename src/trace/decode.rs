//! What each traced function's arguments and results mean, written once
//! for every output format: the decoder walks an `Event` and tells a `Sink`
//! (text or JSON) what to print.

use super::event::{AuxReader, Event, FdDesc};
use super::func::Func;
use super::names::{self, Names};

/// The descriptors of an event, described (strace's `-yy`): the first
/// descriptor argument, the returned descriptor, `socketpair`'s pair, and
/// the others (`event_fds`: poll arrays, select sets, `epoll_ctl`'s
/// descriptor, `SCM_RIGHTS` descriptors).
#[derive(Clone, Copy, Default)]
pub struct Descs<'d> {
    pub arg: Option<&'d FdDesc>,
    pub ret: Option<&'d FdDesc>,
    pub pair: [Option<&'d FdDesc>; 2],
    pub others: &'d [(i32, FdDesc)],
}

impl<'d> Descs<'d> {
    /// The description of descriptor `fd` among the others.
    pub fn other(&self, fd: i64) -> Option<&'d FdDesc> {
        self.others.iter().find(|(f, _)| i64::from(*f) == fd).map(|(_, d)| d)
    }
}

/// The descriptors an event refers to besides its first argument, its
/// return value and `socketpair`'s pair (those are in `Descs` already):
/// the entries of a poll array, the members of select's sets (as passed),
/// `epoll_ctl`'s descriptor, the `SCM_RIGHTS` descriptors of
/// `sendmsg`/`recvmsg`. Each once, as many as `out` holds; returns how
/// many were written to it.
pub fn event_fds(ev: &Event, out: &mut [i32]) -> usize {
    let mut n = 0;
    let mut add = |fd: i32| {
        if fd >= 0 && n < out.len() && !out[..n].contains(&fd) {
            out[n] = fd;
            n += 1;
        }
    };
    let mut r = AuxReader::new(ev.aux);
    match ev.func {
        Func::Poll | Func::Ppoll => {
            for _ in 0..r.u32() {
                let (fd, _, _) = (r.i32(), r.i16(), r.i16());
                add(fd);
            }
        }
        Func::Select | Func::Pselect => {
            let which = r.u8();
            let nbytes = usize::from(r.u16());
            for i in 0..3 {
                if which & (1 << i) != 0 {
                    for (k, b) in r.bytes(nbytes).iter().enumerate() {
                        for bit in 0..8 {
                            if b & (1 << bit) != 0 {
                                add((k * 8 + bit) as i32);
                            }
                        }
                    }
                }
            }
        }
        Func::EpollCtl => add(ev.int(2)),
        Func::Sendmsg | Func::Recvmsg if !ev.aux.is_empty() => {
            let _ = (r.u32(), r.i32(), r.u64());
            let iovcnt = r.u32();
            r.bytes(iovcnt.min(super::event::AUX_IOV as u32) as usize * 8);
            for _ in 0..r.u32() {
                add(r.i32());
            }
        }
        _ => {}
    }
    n
}

/// An output format. `arg` starts a top-level argument, `field` a struct
/// member, `elem` an array element; the values follow.
pub(crate) trait Sink {
    fn arg(&mut self, name: &str);
    fn field(&mut self, name: &str);
    fn elem(&mut self);
    fn open_obj(&mut self);
    fn close_obj(&mut self);
    fn open_arr(&mut self);
    fn close_arr(&mut self);
    fn int(&mut self, v: i64);
    fn hex(&mut self, v: u64);
    fn null(&mut self);
    /// An address argument the tracer could not or need not decode.
    fn ptr(&mut self, v: u64) {
        if v == 0 {
            self.null()
        } else {
            self.hex(v)
        }
    }
    fn sym(&mut self, t: Names, v: i64);
    fn flags(&mut self, t: Names, v: u64);
    fn sock_type(&mut self, v: i64);
    fn open_flags(&mut self, v: u64);
    /// A payload: `b` is its captured prefix, `total` its full length.
    fn bytes(&mut self, b: &[u8], total: u64);
    fn sockaddr(&mut self, a: &[u8]);
    fn fd(&mut self, fd: i64, desc: Option<&FdDesc>);
    /// A value-result length (`[128 => 16]`).
    fn len_pair(&mut self, before: u32, after: u32);
    /// A `struct timespec`/`timeval` (`usec`: the second field is
    /// microseconds).
    fn time(&mut self, sec: i64, sub: i64, usec: bool) {
        self.open_obj();
        self.field("tv_sec");
        self.int(sec);
        self.field(if usec { "tv_usec" } else { "tv_nsec" });
        self.int(sub);
        self.close_obj();
    }
    /// A member of a compact struct: named in JSON, by position in text
    /// (`{AF_INET, SOCK_STREAM, IPPROTO_TCP, "127.0.0.1:80"}`).
    fn member(&mut self, name: &str) {
        self.field(name)
    }
    /// An IP endpoint: text `"[::1]:80"`, JSON the address object.
    fn endpoint(&mut self, a: &[u8]) {
        self.sockaddr(a)
    }
    /// A short string shown whole whatever `-s` says (an IP address).
    fn whole(&mut self, b: &[u8]);
    /// A port kept in network byte order (`s_port`), given in host order:
    /// text `htons(80)`, JSON the number.
    fn port(&mut self, p: u16) {
        self.int(p.into())
    }
    /// Text only (an abbreviation such as `...`); JSON ignores it.
    fn ellipsis(&mut self) {}
    /// A labelled part of a result (`in [3]` in text, a key in JSON),
    /// inside `open_result`/`close_result`.
    fn label(&mut self, name: &str) {
        self.field(name)
    }
    fn open_result(&mut self) {
        self.open_obj()
    }
    fn close_result(&mut self) {
        self.close_obj()
    }
}

/// The arguments of `ev`, in C order.
pub(crate) fn args(ev: &Event, d: &Descs, s: &mut dyn Sink) {
    use Func::*;
    let fd = |s: &mut dyn Sink| {
        s.arg("fd");
        s.fd(ev.int(0).into(), d.arg);
    };
    match ev.func {
        Socket => {
            s.arg("domain");
            s.sym(names::AF, ev.int(0).into());
            s.arg("type");
            s.sock_type(ev.int(1).into());
            s.arg("protocol");
            protocol(s, ev.int(0), ev.int(2));
        }
        Socketpair => {
            s.arg("domain");
            s.sym(names::AF, ev.int(0).into());
            s.arg("type");
            s.sock_type(ev.int(1).into());
            s.arg("protocol");
            protocol(s, ev.int(0), ev.int(2));
            s.arg("sv");
            if ev.failed() || ev.aux.len() < 8 {
                s.ptr(ev.arg(3));
            } else {
                let mut r = AuxReader::new(ev.aux);
                s.open_arr();
                s.elem();
                s.fd(r.i32().into(), d.pair[0]);
                s.elem();
                s.fd(r.i32().into(), d.pair[1]);
                s.close_arr();
            }
        }
        Bind | Connect => {
            fd(s);
            s.arg("addr");
            addr(s, ev, 1);
            s.arg("addrlen");
            s.int(i64::from(ev.arg(2) as u32));
        }
        Listen => {
            fd(s);
            s.arg("backlog");
            s.int(ev.int(1).into());
        }
        Accept | Accept4 | Getsockname | Getpeername => {
            fd(s);
            s.arg("addr");
            addr(s, ev, 1);
            s.arg("addrlen");
            value_result_len(s, ev, 2);
            if ev.func == Accept4 {
                s.arg("flags");
                s.flags(names::SOCK_FLAGS, u64::from(ev.int(3) as u32));
            }
        }
        Shutdown => {
            fd(s);
            s.arg("how");
            s.sym(names::SHUT, ev.int(1).into());
        }
        Getsockopt | Setsockopt => {
            fd(s);
            let level = i64::from(ev.int(1));
            s.arg("level");
            s.sym(names::SOL, level);
            s.arg("optname");
            s.sym(names::sockopt_names(level), ev.int(2).into());
            s.arg("optval");
            if ev.aux.is_empty() {
                s.ptr(ev.arg(3));
            } else {
                optval(s, level, ev.int(2), ev.aux);
            }
            s.arg("optlen");
            if ev.func == Getsockopt {
                value_result_len(s, ev, 4);
            } else {
                s.int(i64::from(ev.arg(4) as u32));
            }
        }
        Send | Recv | Sendto | Recvfrom | Read | Write => {
            fd(s);
            s.arg("buf");
            payload(s, ev, 1);
            s.arg("len");
            s.int(ev.arg(2) as i64);
            if matches!(ev.func, Send | Recv | Sendto | Recvfrom) {
                s.arg("flags");
                s.flags(names::MSG, u64::from(ev.int(3) as u32));
            }
            if ev.func == Sendto {
                s.arg("addr");
                addr(s, ev, 4);
                s.arg("addrlen");
                s.int(i64::from(ev.arg(5) as u32));
            } else if ev.func == Recvfrom {
                s.arg("addr");
                addr(s, ev, 4);
                s.arg("addrlen");
                value_result_len(s, ev, 5);
            }
        }
        Readv | Writev => {
            fd(s);
            s.arg("iov");
            let mut r = AuxReader::new(ev.aux);
            let n = r.u32();
            iovecs(s, ev, &mut r, n);
            s.arg("iovcnt");
            s.int(ev.int(2).into());
        }
        Sendmsg | Recvmsg => {
            fd(s);
            s.arg("msg");
            msghdr(s, ev, d);
            s.arg("flags");
            s.flags(names::MSG, u64::from(ev.int(2) as u32));
        }
        Sendmmsg | Recvmmsg => {
            fd(s);
            s.arg("msgvec");
            mmsgs(s, ev);
            s.arg("vlen");
            s.int(i64::from(ev.arg(2) as u32));
            s.arg("flags");
            s.flags(names::MSG, u64::from(ev.int(3) as u32));
            if ev.func == Recvmmsg {
                s.arg("timeout");
                s.ptr(ev.arg(4));
            }
        }
        Close | Dup | EpollCreate => {
            if ev.func == EpollCreate {
                s.arg("size");
                s.int(ev.int(0).into());
            } else {
                fd(s);
            }
        }
        Dup2 | Dup3 => {
            s.arg("oldfd");
            s.fd(ev.int(0).into(), d.arg);
            s.arg("newfd");
            s.int(ev.int(1).into());
            if ev.func == Dup3 {
                s.arg("flags");
                s.flags(names::O_FLAGS, u64::from(ev.int(2) as u32));
            }
        }
        Fcntl => {
            fd(s);
            let cmd = ev.int(1);
            s.arg("cmd");
            s.sym(names::FCNTL_CMD, cmd.into());
            match cmd {
                0 | 1030 | 8 | 10 | 1024 | 1031 | 1033 | 1026 => {
                    s.arg("arg");
                    s.int(ev.int(2).into());
                }
                2 => {
                    s.arg("arg");
                    s.flags(names::FD_FLAGS, u64::from(ev.int(2) as u32));
                }
                4 => {
                    s.arg("arg");
                    s.open_flags(u64::from(ev.int(2) as u32));
                }
                1 | 3 | 9 | 11 | 1025 | 1032 | 1034 => {}
                _ => {
                    // strace's `%#lx`.
                    s.arg("arg");
                    match ev.arg(2) {
                        0 => s.int(0),
                        a => s.hex(a),
                    }
                }
            }
        }
        CloseRange => {
            s.arg("first");
            s.int(i64::from(ev.arg(0) as u32));
            s.arg("last");
            s.int(i64::from(ev.arg(1) as u32));
            s.arg("flags");
            s.flags(names::CLOSE_RANGE_FLAGS, u64::from(ev.int(2) as u32));
        }
        Closefrom => {
            s.arg("lowfd");
            s.int(ev.int(0).into());
        }
        Poll | Ppoll => {
            s.arg("fds");
            let mut r = AuxReader::new(ev.aux);
            let n = r.u32();
            if n == 0 && ev.arg(1) != 0 {
                s.ptr(ev.arg(0));
            } else {
                s.open_arr();
                for _ in 0..n {
                    let (pfd, events, _) = (r.i32(), r.i16(), r.i16());
                    s.elem();
                    s.open_obj();
                    s.field("fd");
                    s.fd(pfd.into(), d.other(pfd.into()));
                    s.field("events");
                    s.flags(names::POLL, u64::from(events as u16));
                    s.close_obj();
                }
                if u64::from(n) < ev.arg(1) {
                    s.ellipsis();
                }
                s.close_arr();
            }
            s.arg("nfds");
            s.int(ev.arg(1) as i64);
            s.arg("timeout");
            if ev.func == Poll {
                s.int(ev.int(2).into());
            } else {
                if r.u8() != 0 {
                    let (sec, nsec) = (r.i64(), r.i64());
                    s.time(sec, nsec, false);
                } else {
                    s.ptr(ev.arg(2));
                }
                s.arg("sigmask");
                s.ptr(ev.arg(3));
            }
        }
        Select | Pselect => {
            s.arg("nfds");
            s.int(ev.int(0).into());
            let mut r = AuxReader::new(ev.aux);
            let which = r.u8();
            let nbytes = usize::from(r.u16());
            let mut before = [&[][..]; 3];
            for (i, b) in before.iter_mut().enumerate() {
                if which & (1 << i) != 0 {
                    *b = r.bytes(nbytes);
                }
            }
            for (i, name) in ["readfds", "writefds", "exceptfds"].iter().enumerate() {
                s.arg(name);
                if which & (1 << i) != 0 {
                    fd_set(s, before[i], Some(d));
                } else {
                    s.ptr(ev.arg(i + 1));
                }
            }
            // The sets after the call are the result, printed by `result`.
            for i in 0..3 {
                if which & (1 << i) != 0 {
                    r.bytes(nbytes);
                }
            }
            s.arg("timeout");
            if r.u8() != 0 {
                let (sec, sub) = (r.i64(), r.i64());
                s.time(sec, sub, ev.func == Select);
            } else {
                s.ptr(ev.arg(4));
            }
            if ev.func == Pselect {
                s.arg("sigmask");
                s.ptr(ev.arg(5));
            }
        }
        EpollCreate1 => {
            s.arg("flags");
            s.flags(names::EPOLL_FLAGS, u64::from(ev.int(0) as u32));
        }
        EpollCtl => {
            s.arg("epfd");
            s.fd(ev.int(0).into(), d.arg);
            s.arg("op");
            s.sym(names::EPOLL_CTL, ev.int(1).into());
            s.arg("fd");
            s.fd(ev.int(2).into(), d.other(ev.int(2).into()));
            s.arg("event");
            if ev.aux.len() >= 12 {
                let mut r = AuxReader::new(ev.aux);
                epoll_event(s, r.u32(), r.u64());
            } else {
                s.ptr(ev.arg(3));
            }
        }
        EpollWait | EpollPwait => {
            s.arg("epfd");
            s.fd(ev.int(0).into(), d.arg);
            s.arg("events");
            let mut r = AuxReader::new(ev.aux);
            let n = r.u32();
            if ev.failed() {
                s.ptr(ev.arg(1));
            } else {
                s.open_arr();
                for _ in 0..n {
                    s.elem();
                    let (e, data) = (r.u32(), r.u64());
                    epoll_event(s, e, data);
                }
                if ev.ret > i64::from(n) {
                    s.ellipsis();
                }
                s.close_arr();
            }
            s.arg("maxevents");
            s.int(ev.int(2).into());
            s.arg("timeout");
            s.int(ev.int(3).into());
            if ev.func == EpollPwait {
                s.arg("sigmask");
                s.ptr(ev.arg(4));
            }
        }
        Getaddrinfo | Getnameinfo | Gethostbyname | Gethostbyname2 | Gethostbyaddr | GethostbynameR
        | Gethostbyname2R | GethostbyaddrR | Getservbyname | Getservbyport | GetservbynameR | GetservbyportR
        | Getprotobyname | Getprotobynumber | GetprotobynameR | GetprotobynumberR => {
            super::resolve::args(ev, s);
        }
    }
}

/// The detail strace prints after the return value (`(in [3])`,
/// `([{fd=5, revents=POLLIN}])`, `(flags O_RDWR)`), if any. Returns false
/// when there is none.
pub(crate) fn result(ev: &Event, s: &mut dyn Sink) -> bool {
    if ev.failed() {
        return false;
    }
    match ev.func {
        Func::Poll | Func::Ppoll => {
            if ev.ret == 0 {
                return false;
            }
            let mut r = AuxReader::new(ev.aux);
            let n = r.u32();
            s.open_arr();
            for _ in 0..n {
                let (pfd, _, revents) = (r.i32(), r.i16(), r.i16());
                if revents != 0 {
                    s.elem();
                    s.open_obj();
                    s.field("fd");
                    s.int(pfd.into());
                    s.field("revents");
                    s.flags(names::POLL, u64::from(revents as u16));
                    s.close_obj();
                }
            }
            s.close_arr();
            true
        }
        Func::Select | Func::Pselect => {
            if ev.ret == 0 {
                return false;
            }
            let mut r = AuxReader::new(ev.aux);
            let which = r.u8();
            let nbytes = usize::from(r.u16());
            for i in 0..3 {
                if which & (1 << i) != 0 {
                    r.bytes(nbytes);
                }
            }
            s.open_result();
            for (i, name) in ["in", "out", "except"].iter().enumerate() {
                if which & (1 << i) != 0 {
                    let set = r.bytes(nbytes);
                    if set.iter().any(|&b| b != 0) {
                        s.label(name);
                        fd_set(s, set, None);
                    }
                }
            }
            // The timeout passed, then (select) the time left written back.
            if r.u8() != 0 {
                r.bytes(16);
            }
            if r.u8() != 0 {
                let (sec, usec) = (r.i64(), r.i64());
                s.label("left");
                s.time(sec, usec, true);
            }
            s.close_result();
            true
        }
        Func::Fcntl => match ev.int(1) {
            // strace: `= 0` for no flags, `= 0x1 (flags FD_CLOEXEC)`.
            1 if ev.ret != 0 => {
                s.flags(names::FD_FLAGS, ev.ret as u64);
                true
            }
            3 => {
                s.open_flags(ev.ret as u64);
                true
            }
            _ => false,
        },
        f if f.class() == super::func::Class::Resolve => super::resolve::result(ev, s),
        _ => false,
    }
}

/// Whether the return value prints in hexadecimal (`fcntl`'s flag
/// queries; strace prints `F_GETFD`'s 0 as a plain `0`).
pub(crate) fn hex_return(ev: &Event) -> bool {
    ev.func == Func::Fcntl && !ev.failed() && (ev.int(1) == 3 || (ev.int(1) == 1 && ev.ret != 0))
}

/// A readiness call that returned 0: strace's ` (Timeout)`.
pub(crate) fn timed_out(ev: &Event) -> bool {
    matches!(ev.func, Func::Poll | Func::Ppoll | Func::Select | Func::Pselect) && !ev.failed() && ev.ret == 0
}

fn protocol(s: &mut dyn Sink, domain: i32, p: i32) {
    if domain == 2 || domain == 10 {
        s.sym(names::IPPROTO, p.into());
    } else {
        s.int(p.into());
    }
}

fn addr(s: &mut dyn Sink, ev: &Event, i: usize) {
    if ev.addr.is_empty() {
        s.ptr(ev.arg(i));
    } else {
        s.sockaddr(ev.addr);
    }
}

fn value_result_len(s: &mut dyn Sink, ev: &Event, i: usize) {
    if ev.arg(i) == 0 {
        s.null();
    } else if ev.len_in == u32::MAX && ev.len_out == u32::MAX {
        s.ptr(ev.arg(i));
    } else if ev.failed() || ev.len_out == u32::MAX {
        s.len_pair(ev.len_in, ev.len_in);
    } else if ev.len_in == u32::MAX {
        s.len_pair(ev.len_out, ev.len_out);
    } else {
        s.len_pair(ev.len_in, ev.len_out);
    }
}

/// A payload argument: its bytes when captured (what was sent or received;
/// for a refused send, what the program passed), else the pointer.
fn payload(s: &mut dyn Sink, ev: &Event, i: usize) {
    if ev.data.is_empty() && (ev.failed() || ev.data_total > 0) {
        s.ptr(ev.arg(i));
    } else {
        s.bytes(ev.data, ev.data_total);
    }
}

fn optval(s: &mut dyn Sink, level: i64, name: i32, v: &[u8]) {
    if level == 1 && name == 13 && v.len() >= 8 {
        // SO_LINGER
        let mut r = AuxReader::new(v);
        s.open_obj();
        s.field("l_onoff");
        s.int(r.i32().into());
        s.field("l_linger");
        s.int(r.i32().into());
        s.close_obj();
    } else if v.len() == 4 {
        s.open_arr();
        s.elem();
        s.int(AuxReader::new(v).i32().into());
        s.close_arr();
    } else {
        s.bytes(v, v.len() as u64);
    }
}

/// `[{iov_base="..", iov_len=N}, ...]`, splitting the captured payload
/// prefix across the entries.
fn iovecs(s: &mut dyn Sink, ev: &Event, r: &mut AuxReader, n: u32) {
    if ev.failed() || (n == 0 && ev.data_total > 0) {
        s.ptr(ev.arg(1));
        return;
    }
    let mut data = ev.data;
    let mut left = ev.data_total;
    s.open_arr();
    for _ in 0..n {
        let len = r.u64();
        let take = len.min(left);
        let here = (take as usize).min(data.len());
        let (h, t) = data.split_at(here);
        data = t;
        left -= take;
        s.elem();
        s.open_obj();
        s.field("iov_base");
        s.bytes(h, take);
        s.field("iov_len");
        s.int(len as i64);
        s.close_obj();
    }
    s.close_arr();
}

fn msghdr(s: &mut dyn Sink, ev: &Event, d: &Descs) {
    if ev.aux.is_empty() {
        s.ptr(ev.arg(1));
        return;
    }
    let mut r = AuxReader::new(ev.aux);
    let namelen = r.u32();
    let flags = r.i32();
    let controllen = r.u64();
    let iovcnt = r.u32();
    let shown = iovcnt.min(super::event::AUX_IOV as u32);
    let lens = r.bytes(shown as usize * 8);
    let m = Msg {
        name: ev.addr,
        namelen,
        flags,
        controllen,
        iovcnt,
        lens,
        data: ev.data,
        total: ev.data_total,
    };
    m.print(s, Some((&mut r, d)));
}

/// One message header, as `msghdr` and the `mmsghdr` entries print it.
struct Msg<'a> {
    name: &'a [u8],
    namelen: u32,
    flags: i32,
    controllen: u64,
    iovcnt: u32,
    /// The iovec lengths kept (`u64` each).
    lens: &'a [u8],
    data: &'a [u8],
    total: u64,
}

impl Msg<'_> {
    /// `{msg_name=..., ..., msg_flags=...}`; `control` reads the
    /// `SCM_RIGHTS` descriptors (sendmsg/recvmsg).
    fn print(&self, s: &mut dyn Sink, control: Option<(&mut AuxReader, &Descs)>) {
        s.open_obj();
        s.field("msg_name");
        if self.name.is_empty() {
            s.null();
        } else {
            s.sockaddr(self.name);
        }
        s.field("msg_namelen");
        s.int(self.namelen.into());
        s.field("msg_iov");
        let mut ir = AuxReader::new(self.lens);
        let shown = (self.lens.len() / 8) as u32;
        let mut data = self.data;
        let mut left = self.total;
        s.open_arr();
        for _ in 0..shown {
            let len = ir.u64();
            let take = len.min(left);
            let here = (take as usize).min(data.len());
            let (h, t) = data.split_at(here);
            data = t;
            left -= take;
            s.elem();
            s.open_obj();
            s.field("iov_base");
            s.bytes(h, take);
            s.field("iov_len");
            s.int(len as i64);
            s.close_obj();
        }
        if shown < self.iovcnt {
            s.ellipsis();
        }
        s.close_arr();
        s.field("msg_iovlen");
        s.int(self.iovcnt.into());
        if let Some((r, d)) = control {
            let nfds = r.u32();
            if nfds > 0 {
                s.field("msg_control");
                s.open_arr();
                s.elem();
                s.open_obj();
                s.field("cmsg_len");
                s.int(16 + 4 * i64::from(nfds));
                s.field("cmsg_level");
                s.sym(names::SOL, 1);
                s.field("cmsg_type");
                s.sym(names::SCM, 1);
                s.field("cmsg_data");
                s.open_arr();
                for _ in 0..nfds {
                    let fd = i64::from(r.i32());
                    s.elem();
                    s.fd(fd, d.other(fd));
                }
                s.close_arr();
                s.close_obj();
                s.close_arr();
            }
        }
        s.field("msg_controllen");
        s.int(self.controllen as i64);
        s.field("msg_flags");
        s.flags(names::MSG, u64::from(self.flags as u32));
        s.close_obj();
    }
}

/// sendmmsg/recvmmsg's vector: `[{msg_hdr={...}, msg_len=3}, ...]`, from
/// the aux layout of `trace::event`.
fn mmsgs(s: &mut dyn Sink, ev: &Event) {
    let mut r = AuxReader::new(ev.aux);
    let n = r.u32();
    if ev.failed() || n == 0 {
        s.ptr(ev.arg(1));
        return;
    }
    s.open_arr();
    for _ in 0..n {
        let msg_len = r.u32();
        let namelen = r.u32();
        let flags = r.i32();
        let controllen = r.u64();
        let nl = usize::from(r.u16());
        let name = r.bytes(nl);
        let iovcnt = r.u32();
        let lens = r.bytes(iovcnt.min(super::event::AUX_MMSG_IOV as u32) as usize * 8);
        let total = r.u64();
        let dl = usize::from(r.u16());
        let data = r.bytes(dl);
        let m = Msg {
            name,
            namelen,
            flags,
            controllen,
            iovcnt,
            lens,
            data,
            total,
        };
        s.elem();
        s.open_obj();
        s.field("msg_hdr");
        m.print(s, None);
        s.field("msg_len");
        s.int(msg_len.into());
        s.close_obj();
    }
    if ev.ret > i64::from(n) {
        s.ellipsis();
    }
    s.close_arr();
}

/// `[3 4]`-style members of an fd_set; annotated (`-yy`) in the arguments,
/// bare in the result, as strace prints them.
fn fd_set(s: &mut dyn Sink, set: &[u8], d: Option<&Descs>) {
    s.open_arr();
    for (i, b) in set.iter().enumerate() {
        for bit in 0..8 {
            if b & (1 << bit) != 0 {
                let fd = (i * 8 + bit) as i64;
                s.elem();
                match d {
                    Some(d) => s.fd(fd, d.other(fd)),
                    None => s.int(fd),
                }
            }
        }
    }
    s.close_arr();
}

fn epoll_event(s: &mut dyn Sink, events: u32, data: u64) {
    s.open_obj();
    s.field("events");
    s.flags(names::EPOLL_EVENTS, u64::from(events));
    s.field("data");
    s.open_obj();
    s.field("u32");
    s.int(i64::from(data as u32));
    s.field("u64");
    s.int(data as i64);
    s.close_obj();
    s.close_obj();
}
