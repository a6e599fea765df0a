//! What each traced function's arguments and results mean, written once
//! for every output format: the decoder walks an `Event` and tells a `Sink`
//! (text or JSON) what to print.

use super::aux::{
    self, EpollEvent, EpollEvents, FdSets, Iovs, Mmsgs, MsgHdr, MsgHead, OptVal, OptValue, Pair, PollFds, Rights,
};
use super::event::{Event, FdDesc};
use super::func::Func;
use super::names;
use super::sink::Sink;

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
    match ev.func {
        Func::Poll | Func::Ppoll => PollFds::decode(ev.aux).iter().for_each(|p| add(p.fd)),
        Func::Select | Func::Pselect => {
            for set in FdSets::decode(ev.aux).before.iter().flatten() {
                FdSets::members(set).for_each(&mut add);
            }
        }
        Func::EpollCtl => add(ev.int(2)),
        Func::Sendmsg | Func::Recvmsg => {
            if let Some(m) = MsgHdr::decode(ev.aux) {
                m.rights.iter().for_each(&mut add);
            }
        }
        _ => {}
    }
    n
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
            match Pair::decode(ev.aux) {
                Some(p) if !ev.failed() => {
                    s.open_arr();
                    s.elem();
                    s.fd(p.fds[0].into(), d.pair[0]);
                    s.elem();
                    s.fd(p.fds[1].into(), d.pair[1]);
                    s.close_arr();
                }
                _ => s.ptr(ev.arg(3)),
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
        Sockatmark => fd(s),
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
            match OptVal::decode(ev.aux) {
                Some(v) => optval(s, v.value(level, ev.int(2))),
                None => s.ptr(ev.arg(3)),
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
            iovecs(s, ev, &Iovs::decode(ev.aux));
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
            let (fds, timeout) = match ev.func {
                Poll => (PollFds::decode(ev.aux), None),
                _ => {
                    let p = aux::Ppoll::decode(ev.aux);
                    (p.fds, p.timeout)
                }
            };
            if fds.count == 0 && ev.arg(1) != 0 {
                s.ptr(ev.arg(0));
            } else {
                s.open_arr();
                for pfd in fds.iter() {
                    s.elem();
                    s.open_obj();
                    s.field("fd");
                    s.fd(pfd.fd.into(), d.other(pfd.fd.into()));
                    s.field("events");
                    s.flags(names::POLL, u64::from(pfd.events as u16));
                    s.close_obj();
                }
                if u64::from(fds.count) < ev.arg(1) {
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
                match timeout {
                    Some((sec, nsec)) => s.time(sec, nsec, false),
                    None => s.ptr(ev.arg(2)),
                }
                s.arg("sigmask");
                s.ptr(ev.arg(3));
            }
        }
        Select | Pselect => {
            s.arg("nfds");
            s.int(ev.int(0).into());
            let sets = FdSets::decode(ev.aux);
            for (i, name) in ["readfds", "writefds", "exceptfds"].iter().enumerate() {
                s.arg(name);
                match sets.before[i] {
                    Some(set) => fd_set(s, set, Some(d)),
                    None => s.ptr(ev.arg(i + 1)),
                }
            }
            // The sets after the call are the result, printed by `result`.
            s.arg("timeout");
            match sets.timeout {
                Some((sec, sub)) => s.time(sec, sub, ev.func == Select),
                None => s.ptr(ev.arg(4)),
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
            match EpollEvent::decode(ev.aux) {
                Some(e) => epoll_event(s, e),
                None => s.ptr(ev.arg(3)),
            }
        }
        EpollWait | EpollPwait => {
            s.arg("epfd");
            s.fd(ev.int(0).into(), d.arg);
            s.arg("events");
            if ev.failed() {
                s.ptr(ev.arg(1));
            } else {
                let evs = EpollEvents::decode(ev.aux);
                s.open_arr();
                for e in evs.iter() {
                    s.elem();
                    epoll_event(s, e);
                }
                if ev.ret > i64::from(evs.count) {
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
            super::netdb::args(ev, s);
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
            s.open_arr();
            for pfd in PollFds::decode(ev.aux).iter().filter(|p| p.revents != 0) {
                s.elem();
                s.open_obj();
                s.field("fd");
                s.int(pfd.fd.into());
                s.field("revents");
                s.flags(names::POLL, u64::from(pfd.revents as u16));
                s.close_obj();
            }
            s.close_arr();
            true
        }
        Func::Select | Func::Pselect => {
            if ev.ret == 0 {
                return false;
            }
            let sets = FdSets::decode(ev.aux);
            s.open_result();
            for (i, name) in ["in", "out", "except"].iter().enumerate() {
                if let Some(set) = sets.after[i] {
                    if set.iter().any(|&b| b != 0) {
                        s.label(name);
                        fd_set(s, set, None);
                    }
                }
            }
            // The time left written back (select).
            if let Some((sec, usec)) = sets.left {
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
        f if f.class() == super::func::Class::Resolve => super::netdb::result(ev, s),
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

fn optval(s: &mut dyn Sink, v: OptValue) {
    match v {
        OptValue::Linger { onoff, linger } => {
            s.open_obj();
            s.field("l_onoff");
            s.int(onoff.into());
            s.field("l_linger");
            s.int(linger.into());
            s.close_obj();
        }
        OptValue::Int(i) => {
            s.open_arr();
            s.elem();
            s.int(i.into());
            s.close_arr();
        }
        OptValue::Bytes(v) => s.bytes(v, v.len() as u64),
    }
}

/// `[{iov_base="..", iov_len=N}, ...]` (readv/writev: every entry the
/// call had, those whose length was not kept as 0), splitting the captured
/// payload prefix across the entries.
fn iovecs(s: &mut dyn Sink, ev: &Event, iovs: &Iovs) {
    if ev.failed() || (iovs.iovcnt == 0 && ev.data_total > 0) {
        s.ptr(ev.arg(1));
        return;
    }
    s.open_arr();
    iov_elems(s, iovs, iovs.iovcnt as usize, ev.data, ev.data_total);
    s.close_arr();
}

/// The first `n` entries of `iovs` as `{iov_base="..", iov_len=N}`
/// elements, with `data` (the kept prefix of `total` bytes) split across
/// them.
fn iov_elems(s: &mut dyn Sink, iovs: &Iovs, n: usize, mut data: &[u8], mut left: u64) {
    for i in 0..n {
        let len = iovs.iov_len(i);
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
}

fn msghdr(s: &mut dyn Sink, ev: &Event, d: &Descs) {
    let Some(m) = MsgHdr::decode(ev.aux) else {
        s.ptr(ev.arg(1));
        return;
    };
    let msg = Msg {
        name: ev.addr,
        head: m.head,
        iovs: m.iovs,
        data: ev.data,
        total: ev.data_total,
    };
    msg.print(s, Some((&m.rights, d)));
}

/// One message header, as `msghdr` and the `mmsghdr` entries print it.
struct Msg<'a> {
    name: &'a [u8],
    head: MsgHead,
    iovs: Iovs<'a>,
    data: &'a [u8],
    total: u64,
}

impl Msg<'_> {
    /// `{msg_name=..., ..., msg_flags=...}`; `control`: the `SCM_RIGHTS`
    /// descriptors (sendmsg/recvmsg).
    fn print(&self, s: &mut dyn Sink, control: Option<(&Rights, &Descs)>) {
        s.open_obj();
        s.field("msg_name");
        if self.name.is_empty() {
            s.null();
        } else {
            s.sockaddr(self.name);
        }
        s.field("msg_namelen");
        s.int(self.head.namelen.into());
        s.field("msg_iov");
        let kept = self.iovs.kept();
        s.open_arr();
        iov_elems(s, &self.iovs, kept, self.data, self.total);
        if (kept as u64) < u64::from(self.iovs.iovcnt) {
            s.ellipsis();
        }
        s.close_arr();
        s.field("msg_iovlen");
        s.int(self.iovs.iovcnt.into());
        if let Some((rights, d)) = control {
            if rights.count > 0 {
                s.field("msg_control");
                s.open_arr();
                s.elem();
                s.open_obj();
                s.field("cmsg_len");
                s.int(16 + 4 * i64::from(rights.count));
                s.field("cmsg_level");
                s.sym(names::SOL, 1);
                s.field("cmsg_type");
                s.sym(names::SCM, 1);
                s.field("cmsg_data");
                s.open_arr();
                for fd in rights.iter() {
                    let fd = i64::from(fd);
                    s.elem();
                    s.fd(fd, d.other(fd));
                }
                s.close_arr();
                s.close_obj();
                s.close_arr();
            }
        }
        s.field("msg_controllen");
        s.int(self.head.controllen as i64);
        s.field("msg_flags");
        s.flags(names::MSG, u64::from(self.head.flags as u32));
        s.close_obj();
    }
}

/// sendmmsg/recvmmsg's vector: `[{msg_hdr={...}, msg_len=3}, ...]`.
fn mmsgs(s: &mut dyn Sink, ev: &Event) {
    let msgs = Mmsgs::decode(ev.aux);
    if ev.failed() || msgs.count == 0 {
        s.ptr(ev.arg(1));
        return;
    }
    s.open_arr();
    for m in msgs.iter() {
        let msg = Msg {
            name: m.name,
            head: m.head,
            iovs: m.iovs,
            data: m.data,
            total: m.total,
        };
        s.elem();
        s.open_obj();
        s.field("msg_hdr");
        msg.print(s, None);
        s.field("msg_len");
        s.int(m.msg_len.into());
        s.close_obj();
    }
    if ev.ret > i64::from(msgs.count) {
        s.ellipsis();
    }
    s.close_arr();
}

/// `[3 4]`-style members of an fd_set; annotated (`-yy`) in the arguments,
/// bare in the result, as strace prints them.
fn fd_set(s: &mut dyn Sink, set: &[u8], d: Option<&Descs>) {
    s.open_arr();
    for fd in FdSets::members(set).map(i64::from) {
        s.elem();
        match d {
            Some(d) => s.fd(fd, d.other(fd)),
            None => s.int(fd),
        }
    }
    s.close_arr();
}

fn epoll_event(s: &mut dyn Sink, e: EpollEvent) {
    s.open_obj();
    s.field("events");
    s.flags(names::EPOLL_EVENTS, u64::from(e.events));
    s.field("data");
    s.open_obj();
    s.field("u32");
    s.int(i64::from(e.data as u32));
    s.field("u64");
    s.int(e.data as i64);
    s.close_obj();
    s.close_obj();
}
