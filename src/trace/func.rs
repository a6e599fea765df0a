//! The traced functions and their classes (strace's `-e trace=SET`).

/// Every function the tracer can report. The number of a function
/// (`Func::code`) is part of the recording format: append only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    Socket,
    Socketpair,
    Bind,
    Listen,
    Accept,
    Accept4,
    Connect,
    Shutdown,
    Getsockname,
    Getpeername,
    Getsockopt,
    Setsockopt,
    Send,
    Recv,
    Sendto,
    Recvfrom,
    Sendmsg,
    Recvmsg,
    Sendmmsg,
    Recvmmsg,
    Read,
    Write,
    Readv,
    Writev,
    Close,
    Poll,
    Ppoll,
    Select,
    Pselect,
    EpollCreate,
    EpollCreate1,
    EpollCtl,
    EpollWait,
    EpollPwait,
    Dup,
    Dup2,
    Dup3,
    Fcntl,
    CloseRange,
    Closefrom,
    Getaddrinfo,
    Getnameinfo,
    Gethostbyname,
    Gethostbyname2,
    Gethostbyaddr,
    GethostbynameR,
    Gethostbyname2R,
    GethostbyaddrR,
    Getservbyname,
    Getservbyport,
    GetservbynameR,
    GetservbyportR,
    Getprotobyname,
    Getprotobynumber,
    GetprotobynameR,
    GetprotobynumberR,
}

/// A set of classes or functions: one bit per `Func::code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncSet(pub u64);

/// The classes a filter can name with `%`: `(name, members)`.
/// `network` is strace's class of the same name (setup and data).
pub(crate) const CLASSES: &[(&str, &[Func])] = &[
    ("setup", SETUP),
    ("data", DATA),
    ("ready", READY),
    ("resolve", RESOLVE),
    ("fd", FD),
];

const SETUP: &[Func] = &[
    Func::Socket,
    Func::Socketpair,
    Func::Bind,
    Func::Listen,
    Func::Accept,
    Func::Accept4,
    Func::Connect,
    Func::Shutdown,
    Func::Getsockname,
    Func::Getpeername,
    Func::Getsockopt,
    Func::Setsockopt,
];
const DATA: &[Func] = &[
    Func::Send,
    Func::Recv,
    Func::Sendto,
    Func::Recvfrom,
    Func::Sendmsg,
    Func::Recvmsg,
    Func::Sendmmsg,
    Func::Recvmmsg,
    Func::Read,
    Func::Write,
    Func::Readv,
    Func::Writev,
];
const READY: &[Func] = &[
    Func::Poll,
    Func::Ppoll,
    Func::Select,
    Func::Pselect,
    Func::EpollCreate,
    Func::EpollCreate1,
    Func::EpollCtl,
    Func::EpollWait,
    Func::EpollPwait,
];
const RESOLVE: &[Func] = &[
    Func::Getaddrinfo,
    Func::Getnameinfo,
    Func::Gethostbyname,
    Func::Gethostbyname2,
    Func::Gethostbyaddr,
    Func::GethostbynameR,
    Func::Gethostbyname2R,
    Func::GethostbyaddrR,
    Func::Getservbyname,
    Func::Getservbyport,
    Func::GetservbynameR,
    Func::GetservbyportR,
    Func::Getprotobyname,
    Func::Getprotobynumber,
    Func::GetprotobynameR,
    Func::GetprotobynumberR,
];
const FD: &[Func] = &[
    Func::Close,
    Func::Dup,
    Func::Dup2,
    Func::Dup3,
    Func::Fcntl,
    Func::CloseRange,
    Func::Closefrom,
];

/// Every function, in `code` order.
static ALL: [Func; 56] = [
    Func::Socket,
    Func::Socketpair,
    Func::Bind,
    Func::Listen,
    Func::Accept,
    Func::Accept4,
    Func::Connect,
    Func::Shutdown,
    Func::Getsockname,
    Func::Getpeername,
    Func::Getsockopt,
    Func::Setsockopt,
    Func::Send,
    Func::Recv,
    Func::Sendto,
    Func::Recvfrom,
    Func::Sendmsg,
    Func::Recvmsg,
    Func::Sendmmsg,
    Func::Recvmmsg,
    Func::Read,
    Func::Write,
    Func::Readv,
    Func::Writev,
    Func::Close,
    Func::Poll,
    Func::Ppoll,
    Func::Select,
    Func::Pselect,
    Func::EpollCreate,
    Func::EpollCreate1,
    Func::EpollCtl,
    Func::EpollWait,
    Func::EpollPwait,
    Func::Dup,
    Func::Dup2,
    Func::Dup3,
    Func::Fcntl,
    Func::CloseRange,
    Func::Closefrom,
    Func::Getaddrinfo,
    Func::Getnameinfo,
    Func::Gethostbyname,
    Func::Gethostbyname2,
    Func::Gethostbyaddr,
    Func::GethostbynameR,
    Func::Gethostbyname2R,
    Func::GethostbyaddrR,
    Func::Getservbyname,
    Func::Getservbyport,
    Func::GetservbynameR,
    Func::GetservbyportR,
    Func::Getprotobyname,
    Func::Getprotobynumber,
    Func::GetprotobynameR,
    Func::GetprotobynumberR,
];

impl Func {
    /// Every function, in `code` order.
    pub fn all() -> &'static [Func] {
        &ALL
    }

    /// The function's number in recordings.
    pub fn code(self) -> u16 {
        self as u16
    }

    pub fn from_code(c: u16) -> Option<Func> {
        ALL.get(usize::from(c)).copied()
    }

    /// The C name, as printed.
    pub fn name(self) -> &'static str {
        match self {
            Func::Socket => "socket",
            Func::Socketpair => "socketpair",
            Func::Bind => "bind",
            Func::Listen => "listen",
            Func::Accept => "accept",
            Func::Accept4 => "accept4",
            Func::Connect => "connect",
            Func::Shutdown => "shutdown",
            Func::Getsockname => "getsockname",
            Func::Getpeername => "getpeername",
            Func::Getsockopt => "getsockopt",
            Func::Setsockopt => "setsockopt",
            Func::Send => "send",
            Func::Recv => "recv",
            Func::Sendto => "sendto",
            Func::Recvfrom => "recvfrom",
            Func::Sendmsg => "sendmsg",
            Func::Recvmsg => "recvmsg",
            Func::Sendmmsg => "sendmmsg",
            Func::Recvmmsg => "recvmmsg",
            Func::Read => "read",
            Func::Write => "write",
            Func::Readv => "readv",
            Func::Writev => "writev",
            Func::Close => "close",
            Func::Poll => "poll",
            Func::Ppoll => "ppoll",
            Func::Select => "select",
            Func::Pselect => "pselect",
            Func::EpollCreate => "epoll_create",
            Func::EpollCreate1 => "epoll_create1",
            Func::EpollCtl => "epoll_ctl",
            Func::EpollWait => "epoll_wait",
            Func::EpollPwait => "epoll_pwait",
            Func::Dup => "dup",
            Func::Dup2 => "dup2",
            Func::Dup3 => "dup3",
            Func::Fcntl => "fcntl",
            Func::CloseRange => "close_range",
            Func::Closefrom => "closefrom",
            Func::Getaddrinfo => "getaddrinfo",
            Func::Getnameinfo => "getnameinfo",
            Func::Gethostbyname => "gethostbyname",
            Func::Gethostbyname2 => "gethostbyname2",
            Func::Gethostbyaddr => "gethostbyaddr",
            Func::GethostbynameR => "gethostbyname_r",
            Func::Gethostbyname2R => "gethostbyname2_r",
            Func::GethostbyaddrR => "gethostbyaddr_r",
            Func::Getservbyname => "getservbyname",
            Func::Getservbyport => "getservbyport",
            Func::GetservbynameR => "getservbyname_r",
            Func::GetservbyportR => "getservbyport_r",
            Func::Getprotobyname => "getprotobyname",
            Func::Getprotobynumber => "getprotobynumber",
            Func::GetprotobynameR => "getprotobyname_r",
            Func::GetprotobynumberR => "getprotobynumber_r",
        }
    }

    pub fn from_name(name: &[u8]) -> Option<Func> {
        ALL.iter().copied().find(|f| f.name().as_bytes() == name)
    }

    /// Functions traced only when their descriptor is a socket (they are
    /// exported for every kind of descriptor).
    pub fn only_on_sockets(self) -> bool {
        matches!(
            self,
            Func::Read
                | Func::Write
                | Func::Readv
                | Func::Writev
                | Func::Close
                | Func::Dup
                | Func::Dup2
                | Func::Dup3
                | Func::Fcntl
        )
    }

    /// The function's class name (without `%`).
    pub fn class(self) -> &'static str {
        CLASSES
            .iter()
            .find(|(_, members)| members.contains(&self))
            .map_or("", |(name, _)| name)
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
        let (_, members) = CLASSES.iter().find(|(n, _)| n.as_bytes() == name)?;
        let mut s = FuncSet::empty();
        for f in members.iter() {
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
            assert!(!f.class().is_empty(), "{f:?}");
        }
        assert_eq!(Func::from_code(ALL.len() as u16), None);
        let mut n = 0;
        for (name, _) in CLASSES {
            n += FuncSet::class(name.as_bytes()).unwrap().0.count_ones();
        }
        assert_eq!(n as usize, ALL.len());
    }
}
