//! The traced functions, declared once: `funcs!` below is the table every
//! per-function fact comes from — the enum and its recording numbers, the
//! C name, the class (`-e trace=%CLASS`), and what the tracer, the decoder,
//! the summary (`-c`) and the recording's descriptor notes need to know.
//! Adding a traced function is one row here, its argument/aux codec in
//! `decode.rs` (and a shape in `aux.rs` if it keeps extra bytes), and its export in the
//! skin (`call!`); see CONTRIBUTING.md.

use Class::*;
use Learns::*;

/// A function's class: strace's `-e trace=%CLASS` sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Setup,
    Data,
    Ready,
    Resolve,
    Fd,
}

impl Class {
    pub(crate) const ALL: [Class; 5] = [Setup, Data, Ready, Resolve, Fd];

    /// The name after `%` (and in JSON's `class`).
    pub fn name(self) -> &'static str {
        match self {
            Setup => "setup",
            Data => "data",
            Ready => "ready",
            Resolve => "resolve",
            Fd => "fd",
        }
    }
}

/// Which way a call moves its payload (`-c`'s bytes columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    None,
    Sends,
    Receives,
}

/// What a successful call tells the recording about descriptors, so that
/// a decoder can describe them (`-yy`) without the live process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Learns {
    Nothing,
    /// The first argument's endpoints (bind, connect; also when connect
    /// answers EINPROGRESS).
    ArgEndpoints,
    /// The return value is a new descriptor.
    NewFd,
    /// ... when the command is `F_DUPFD`/`F_DUPFD_CLOEXEC` (fcntl).
    NewFdIfDupfd,
    /// The two descriptors of a socketpair (in the aux).
    Pair,
    /// Descriptors received with `SCM_RIGHTS` (in the aux).
    Rights,
}

/// Everything the tracer knows about one function.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub name: &'static str,
    pub class: Class,
    /// The first argument is a descriptor (described by `-yy`).
    pub fd_first: bool,
    /// A successful call returns a descriptor (described by `-yy`).
    pub returns_fd: bool,
    /// Exported for every kind of descriptor, traced only on sockets.
    pub only_on_sockets: bool,
    pub flow: Flow,
    pub learns: Learns,
}

impl Spec {
    const fn new(name: &'static str, class: Class) -> Spec {
        Spec {
            name,
            class,
            fd_first: false,
            returns_fd: false,
            only_on_sockets: false,
            flow: Flow::None,
            learns: Nothing,
        }
    }
    const fn fd_first(mut self) -> Spec {
        self.fd_first = true;
        self
    }
    const fn returns_fd(mut self) -> Spec {
        self.returns_fd = true;
        self
    }
    const fn only_on_sockets(mut self) -> Spec {
        self.only_on_sockets = true;
        self
    }
    const fn sends(mut self) -> Spec {
        self.flow = Flow::Sends;
        self
    }
    const fn receives(mut self) -> Spec {
        self.flow = Flow::Receives;
        self
    }
    const fn learns(mut self, l: Learns) -> Spec {
        self.learns = l;
        self
    }
}

/// The table: `Variant = spec`. The order is the recording's function
/// numbering (`Func::code`): append only.
macro_rules! funcs {
    ($($variant:ident = $spec:expr,)*) => {
        /// Every function the tracer can report.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Func {
            $($variant,)*
        }

        /// Every function, in `code` order.
        static ALL: &[Func] = &[$(Func::$variant,)*];

        /// Their specs, in the same order.
        static SPECS: &[Spec] = &[$($spec,)*];
    };
}

funcs! {
    Socket = Spec::new("socket", Setup).returns_fd().learns(NewFd),
    Socketpair = Spec::new("socketpair", Setup).learns(Pair),
    Bind = Spec::new("bind", Setup).fd_first().learns(ArgEndpoints),
    Listen = Spec::new("listen", Setup).fd_first(),
    Accept = Spec::new("accept", Setup).fd_first().returns_fd().learns(NewFd),
    Accept4 = Spec::new("accept4", Setup).fd_first().returns_fd().learns(NewFd),
    Connect = Spec::new("connect", Setup).fd_first().learns(ArgEndpoints),
    Shutdown = Spec::new("shutdown", Setup).fd_first(),
    Getsockname = Spec::new("getsockname", Setup).fd_first(),
    Getpeername = Spec::new("getpeername", Setup).fd_first(),
    Getsockopt = Spec::new("getsockopt", Setup).fd_first(),
    Setsockopt = Spec::new("setsockopt", Setup).fd_first(),
    Send = Spec::new("send", Data).fd_first().sends(),
    Recv = Spec::new("recv", Data).fd_first().receives(),
    Sendto = Spec::new("sendto", Data).fd_first().sends(),
    Recvfrom = Spec::new("recvfrom", Data).fd_first().receives(),
    Sendmsg = Spec::new("sendmsg", Data).fd_first().sends(),
    Recvmsg = Spec::new("recvmsg", Data).fd_first().receives().learns(Rights),
    Sendmmsg = Spec::new("sendmmsg", Data).fd_first().sends(),
    Recvmmsg = Spec::new("recvmmsg", Data).fd_first().receives(),
    Read = Spec::new("read", Data).fd_first().only_on_sockets().receives(),
    Write = Spec::new("write", Data).fd_first().only_on_sockets().sends(),
    Readv = Spec::new("readv", Data).fd_first().only_on_sockets().receives(),
    Writev = Spec::new("writev", Data).fd_first().only_on_sockets().sends(),
    Close = Spec::new("close", Fd).fd_first().only_on_sockets(),
    Poll = Spec::new("poll", Ready),
    Ppoll = Spec::new("ppoll", Ready),
    Select = Spec::new("select", Ready),
    Pselect = Spec::new("pselect", Ready),
    EpollCreate = Spec::new("epoll_create", Ready).returns_fd(),
    EpollCreate1 = Spec::new("epoll_create1", Ready).returns_fd(),
    EpollCtl = Spec::new("epoll_ctl", Ready).fd_first(),
    EpollWait = Spec::new("epoll_wait", Ready).fd_first(),
    EpollPwait = Spec::new("epoll_pwait", Ready).fd_first(),
    Dup = Spec::new("dup", Fd).fd_first().returns_fd().only_on_sockets().learns(NewFd),
    Dup2 = Spec::new("dup2", Fd).fd_first().returns_fd().only_on_sockets().learns(NewFd),
    Dup3 = Spec::new("dup3", Fd).fd_first().returns_fd().only_on_sockets().learns(NewFd),
    Fcntl = Spec::new("fcntl", Fd).fd_first().only_on_sockets().learns(NewFdIfDupfd),
    CloseRange = Spec::new("close_range", Fd),
    Closefrom = Spec::new("closefrom", Fd),
    Getaddrinfo = Spec::new("getaddrinfo", Resolve),
    Getnameinfo = Spec::new("getnameinfo", Resolve),
    Gethostbyname = Spec::new("gethostbyname", Resolve),
    Gethostbyname2 = Spec::new("gethostbyname2", Resolve),
    Gethostbyaddr = Spec::new("gethostbyaddr", Resolve),
    GethostbynameR = Spec::new("gethostbyname_r", Resolve),
    Gethostbyname2R = Spec::new("gethostbyname2_r", Resolve),
    GethostbyaddrR = Spec::new("gethostbyaddr_r", Resolve),
    Getservbyname = Spec::new("getservbyname", Resolve),
    Getservbyport = Spec::new("getservbyport", Resolve),
    GetservbynameR = Spec::new("getservbyname_r", Resolve),
    GetservbyportR = Spec::new("getservbyport_r", Resolve),
    Getprotobyname = Spec::new("getprotobyname", Resolve),
    Getprotobynumber = Spec::new("getprotobynumber", Resolve),
    GetprotobynameR = Spec::new("getprotobyname_r", Resolve),
    GetprotobynumberR = Spec::new("getprotobynumber_r", Resolve),
    Sockatmark = Spec::new("sockatmark", Setup).fd_first(),
}

// A `FuncSet` has one bit per function.
const _: () = assert!(SPECS.len() <= 64 && SPECS.len() == ALL.len());

/// A set of classes or functions: one bit per `Func::code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncSet(pub u64);

impl Func {
    /// Every function, in `code` order.
    pub fn all() -> &'static [Func] {
        ALL
    }

    /// The function's number in recordings.
    pub fn code(self) -> u16 {
        self as u16
    }

    pub fn from_code(c: u16) -> Option<Func> {
        ALL.get(usize::from(c)).copied()
    }

    /// Its row of the table.
    pub fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }

    /// The C name, as printed.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &[u8]) -> Option<Func> {
        ALL.iter().copied().find(|f| f.name().as_bytes() == name)
    }

    pub fn class(self) -> Class {
        self.spec().class
    }

    /// The first argument is a descriptor.
    pub fn fd_first(self) -> bool {
        self.spec().fd_first
    }

    /// A successful call returns a new descriptor.
    pub fn returns_fd(self) -> bool {
        self.spec().returns_fd
    }

    /// Traced only when its descriptor is a socket (exported for every
    /// kind of descriptor).
    pub fn only_on_sockets(self) -> bool {
        self.spec().only_on_sockets
    }

    /// Bytes a call that returned normally moved: `(sent, received)`.
    pub fn transferred(self, bytes: u64) -> (u64, u64) {
        match self.spec().flow {
            Flow::Sends => (bytes, 0),
            Flow::Receives => (0, bytes),
            Flow::None => (0, 0),
        }
    }
}

impl FuncSet {
    pub fn all() -> FuncSet {
        FuncSet((1u64 << ALL.len()) - 1)
    }

    pub fn empty() -> FuncSet {
        FuncSet(0)
    }

    pub fn contains(self, f: Func) -> bool {
        self.0 & (1u64 << f.code()) != 0
    }

    pub fn insert(&mut self, f: Func) {
        self.0 |= 1u64 << f.code();
    }

    /// The members of class `name` (`setup data ready resolve fd`, and
    /// `network` = setup + data, `all`), or `None`.
    pub fn class(name: &[u8]) -> Option<FuncSet> {
        match name {
            b"all" => return Some(FuncSet::all()),
            b"network" | b"net" => {
                let s = FuncSet::class(b"setup")?;
                return Some(FuncSet(s.0 | FuncSet::class(b"data")?.0));
            }
            _ => {}
        }
        let class = Class::ALL.into_iter().find(|c| c.name().as_bytes() == name)?;
        let mut s = FuncSet::empty();
        for f in ALL.iter().filter(|f| f.class() == class) {
            s.insert(*f);
        }
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_every_function_has_a_class() {
        for (i, f) in ALL.iter().enumerate() {
            assert_eq!(f.code() as usize, i);
            assert_eq!(Func::from_code(f.code()), Some(*f));
            assert_eq!(Func::from_name(f.name().as_bytes()), Some(*f));
        }
        assert_eq!(Func::from_code(ALL.len() as u16), None);
        let mut n = 0;
        for c in Class::ALL {
            n += FuncSet::class(c.name().as_bytes()).unwrap().0.count_ones();
        }
        assert_eq!(n as usize, ALL.len());
        // The recording's numbering is fixed: a few fixed points.
        assert_eq!(Func::Socket.code(), 0);
        assert_eq!(Func::Close.code(), 24);
        assert_eq!(Func::Closefrom.code(), 39);
        assert_eq!(Func::GetprotobynumberR.code(), 55);
    }

    #[test]
    fn table_facts() {
        assert!(Func::Connect.fd_first() && !Func::Socket.fd_first() && !Func::Getaddrinfo.fd_first());
        assert!(Func::Accept.returns_fd() && !Func::Fcntl.returns_fd());
        assert!(Func::Read.only_on_sockets() && !Func::Recv.only_on_sockets());
        assert_eq!(Func::Writev.transferred(7), (7, 0));
        assert_eq!(Func::Recvmmsg.transferred(7), (0, 7));
        assert_eq!(Func::Poll.transferred(7), (0, 0));
        assert_eq!(Func::Fcntl.spec().learns, Learns::NewFdIfDupfd);
        assert_eq!(FuncSet::class(b"network").map(|s| s.0.count_ones()), Some(25));
    }
}
