//! The conversations of a recording as packets: which calls become which
//! synthesized TCP segments and UDP datagrams (`decode --pcap`).
//!
//! - Endpoints come from the recording's descriptor records (the local
//!   and peer address the tracer learnt at bind, connect, accept, or the
//!   first traced use of an inherited socket) and from the address
//!   arguments of `sendto`/`sendmsg`/`recvfrom`/`recvmsg`/`*mmsg`.
//! - Unix-domain sockets become IPv6 endpoints on their own interface:
//!   the address is `fd00::` followed by the socket's inode (64 bits), the
//!   port `0x8000 | (inode & 0x7fff)`; the peer's is its peer inode (both
//!   known from the descriptor record), so the two sides of a socket pair
//!   are one stream whichever process traced them. Stream and seqpacket
//!   sockets are TCP, datagram ones UDP. The path (or `@abstract` name) is
//!   in each packet's comment.
//! - TCP: a three-way handshake when connect (or an `EINPROGRESS` connect)
//!   or accept makes the connection known (or, for a socket traced only
//!   after it was connected, before its first traced data, the side with
//!   the higher port as the client); data segments whose sequence numbers
//!   advance by exactly the bytes moved, each acknowledging all the other
//!   side sent so far; FIN at `shutdown(SHUT_WR|SHUT_RDWR)`, at `close` of
//!   a connection still open that way, and, when only this side is traced,
//!   when a read returns 0; RST from the peer when a call fails with
//!   `ECONNRESET` or `EPIPE`.
//! - Both sides traced (two processes' recordings, fork children, a socket
//!   pair): a connection whose two ends both appear in descriptor records
//!   (local A peer B, and local B peer A) takes its data from the senders
//!   only: a receive on it makes no packet (the sender's call already
//!   did), so the stream is one copy. Otherwise receives make the packets
//!   of the untraced peer. For UDP a datagram received from an endpoint
//!   that is some traced socket's local address is likewise left to the
//!   sender's call.
//! - A call's packet has its start time, and a comment `FUNC pid P tid T`.
//! - A payload the recording cut (`SOCKSHIM_RECORD_PAYLOAD`) is a packet
//!   whose captured length is below its original length.

use std::collections::{HashMap, HashSet};

use sockshim::trace::aux::{Mmsgs, Pair};
use sockshim::trace::event::{Event, FdDesc};
use sockshim::trace::func::Func;
use sockshim::trace::record::Record;
use sockshim::trace::sockaddr::SockAddr;

use crate::packet::{self, Endpoint, Ip, Transport, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN};

const AF_UNIX: i32 = 1;
const AF_INET: i32 = 2;
const AF_INET6: i32 = 10;
const SOCK_STREAM: i32 = 1;
const SOCK_DGRAM: i32 = 2;
const SOCK_SEQPACKET: i32 = 5;
const IPPROTO_SCTP: i32 = 132;
const EPIPE: i32 = 32;
const ECONNRESET: i32 = 104;
const EINPROGRESS: i32 = 115;

/// How far from a call its descriptor records are looked for (other
/// threads' records can come in between; across files sorted by time the
/// descriptor record can come just before its call).
const NEAR: usize = 8;

/// The interface a packet belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Inet,
    Inet6,
    Unix,
}

/// One synthesized packet.
#[derive(Debug, Clone)]
pub struct Out {
    pub family: Family,
    pub ts_ns: u64,
    pub packet: packet::Packet,
    pub comment: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Proto {
    Tcp,
    Udp,
}

/// What the conversion knows of one socket.
#[derive(Clone, Debug)]
struct Sock {
    family: Family,
    proto: Proto,
    local: Option<Endpoint>,
    peer: Option<Endpoint>,
    /// A Unix socket's name, for the comments.
    name: String,
    /// The socket's inode (0 when not known).
    inode: u64,
}

fn endpoint(addr: &[u8]) -> Option<Endpoint> {
    match SockAddr::parse(addr) {
        SockAddr::Inet { port, addr } => Some(Endpoint { ip: Ip::V4(addr), port }),
        SockAddr::Inet6 { port, addr, .. } => Some(Endpoint { ip: Ip::V6(addr), port }),
        _ => None,
    }
}

/// The synthetic endpoint of the Unix socket with `inode`.
pub fn unix_endpoint(inode: u64) -> Endpoint {
    let mut a = [0u8; 16];
    a[0] = 0xfd;
    a[8..].copy_from_slice(&inode.to_be_bytes());
    Endpoint {
        ip: Ip::V6(a),
        port: 0x8000 | (inode & 0x7fff) as u16,
    }
}

/// A Unix socket address as text: the path, `@name` for an abstract one,
/// empty for an unnamed one.
fn unix_name(addr: &[u8]) -> String {
    match SockAddr::parse(addr) {
        SockAddr::Unix { path, abstract_: true } => format!("@{}", String::from_utf8_lossy(path)),
        SockAddr::Unix { path, .. } => String::from_utf8_lossy(path).into_owned(),
        _ => String::new(),
    }
}

impl Sock {
    /// The socket a descriptor record describes; `unix_peers` pairs Unix
    /// socket inodes as any record showed them.
    fn from_desc(d: &FdDesc, unix_peers: &HashMap<u64, u64>) -> Option<Sock> {
        let proto = match d.ty & 0xf {
            SOCK_STREAM | SOCK_SEQPACKET if d.protocol != IPPROTO_SCTP => Proto::Tcp,
            SOCK_DGRAM => Proto::Udp,
            _ => return None,
        };
        match d.domain {
            AF_INET | AF_INET6 => Some(Sock {
                family: if d.domain == AF_INET {
                    Family::Inet
                } else {
                    Family::Inet6
                },
                proto,
                // Port 0: not bound yet (the kernel binds at the first send).
                local: endpoint(d.local()).filter(|e| e.port != 0),
                peer: endpoint(d.peer()),
                name: String::new(),
                inode: d.inode,
            }),
            AF_UNIX if d.inode != 0 => Some(Sock {
                family: Family::Unix,
                proto,
                local: Some(unix_endpoint(d.inode)),
                peer: match d.peer_inode {
                    0 => unix_peers.get(&d.inode).map(|p| unix_endpoint(*p)),
                    p => Some(unix_endpoint(p)),
                },
                name: unix_name(d.local()),
                inode: d.inode,
            }),
            _ => None,
        }
    }
}

/// Which way a packet goes, on which interface.
#[derive(Clone, Copy, Debug)]
struct Route {
    family: Family,
    src: Endpoint,
    dst: Endpoint,
}

impl Route {
    fn new(family: Family, src: Endpoint, dst: Endpoint) -> Route {
        Route { family, src, dst }
    }
}

/// A payload: its first bytes, as recorded, and its length.
#[derive(Clone, Copy, Debug, Default)]
struct Bytes<'a> {
    kept: &'a [u8],
    total: usize,
}

/// One TCP connection, keyed by its two endpoints (in order).
#[derive(Debug)]
struct Conn {
    /// The next sequence number from the lower endpoint (0) and the higher (1).
    next: [u32; 2],
    fin: [bool; 2],
    rst: bool,
    both_traced: bool,
    name: String,
}

fn key(a: Endpoint, b: Endpoint) -> (Endpoint, Endpoint) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// A deterministic initial sequence number for the side `from` of `to`.
fn isn(from: Endpoint, to: Endpoint) -> u32 {
    // FNV-1a over the two endpoints.
    let mut h: u32 = 0x811c_9dc5;
    let text = format!("{from:?}{to:?}");
    for b in text.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h
}

/// The conversion's state.
pub struct Converter {
    /// Unix socket inode -> its peer's, from every descriptor record (a
    /// connecting socket's own record may not know its peer yet: the
    /// kernel names the peer once the server accepted).
    unix_peers: HashMap<u64, u64>,
    /// Socket inode -> the descriptors (pid, fd) any record gave it, less
    /// those closed so far.
    holders: HashMap<u64, HashSet<(u32, i32)>>,
    socks: HashMap<(u32, i32), Sock>,
    conns: HashMap<(Family, Endpoint, Endpoint), Conn>,
    /// (family, local, peer) of every traced connected stream socket.
    traced_pairs: HashSet<(Family, Endpoint, Endpoint)>,
    /// Local endpoints of traced UDP sockets.
    traced_udp: HashSet<(Family, Endpoint)>,
    ip_id: u16,
    pub out: Vec<Out>,
}

/// What a packet's comment says of the call that made it.
fn comment(ev: &Event<'_>, what: &str, name: &str) -> String {
    let mut c = format!("{} pid {} tid {}", ev.func.name(), ev.pid, ev.tid);
    if !what.is_empty() {
        c.push_str(": ");
        c.push_str(what);
    }
    if !name.is_empty() {
        c.push_str(" (unix ");
        c.push_str(name);
        c.push(')');
    }
    c
}

fn is_send(f: Func) -> bool {
    matches!(
        f,
        Func::Send | Func::Sendto | Func::Sendmsg | Func::Sendmmsg | Func::Write | Func::Writev
    )
}

fn is_recv(f: Func) -> bool {
    matches!(
        f,
        Func::Recv | Func::Recvfrom | Func::Recvmsg | Func::Recvmmsg | Func::Read | Func::Readv
    )
}

impl Converter {
    /// Converts `records` (in the order the calls started).
    pub fn run(records: &[Record<'_>]) -> Converter {
        let mut unix_peers = HashMap::new();
        let mut holders: HashMap<u64, HashSet<(u32, i32)>> = HashMap::new();
        for r in records {
            if let Record::Fd { desc: d, pid, fd, .. } = r {
                if d.inode != 0 {
                    holders.entry(d.inode).or_default().insert((*pid, *fd));
                }
                if d.domain == AF_UNIX && d.inode != 0 && d.peer_inode != 0 {
                    unix_peers.insert(d.inode, d.peer_inode);
                    unix_peers.insert(d.peer_inode, d.inode);
                }
            }
        }
        let mut c = Converter {
            unix_peers,
            holders,
            socks: HashMap::new(),
            conns: HashMap::new(),
            traced_pairs: HashSet::new(),
            traced_udp: HashSet::new(),
            ip_id: 0,
            out: Vec::new(),
        };
        for r in records {
            if let Record::Fd { desc, .. } = r {
                if let Some(s) = Sock::from_desc(desc, &c.unix_peers) {
                    match (s.proto, s.local, s.peer) {
                        (Proto::Tcp, Some(l), Some(p)) => {
                            c.traced_pairs.insert((s.family, l, p));
                        }
                        (Proto::Udp, Some(l), _) => {
                            c.traced_udp.insert((s.family, l));
                        }
                        _ => {}
                    }
                }
            }
        }
        for (i, r) in records.iter().enumerate() {
            match r {
                Record::Fd { pid, fd, desc, .. } => c.note(*pid, *fd, desc),
                Record::Call(ev) => c.call(records, i, ev),
            }
        }
        c
    }

    fn note(&mut self, pid: u32, fd: i32, desc: &FdDesc) {
        match Sock::from_desc(desc, &self.unix_peers) {
            Some(mut s) => {
                // A later record of the same socket may know less (no name,
                // no peer yet, or the same record seen again after the
                // call that learnt more from it): keep what was known.
                if let Some(old) = self.socks.get(&(pid, fd)).filter(|o| o.inode == s.inode) {
                    if s.name.is_empty() {
                        s.name = old.name.clone();
                    }
                    s.peer = s.peer.or(old.peer);
                    s.local = s.local.or(old.local);
                }
                self.socks.insert((pid, fd), s);
            }
            None => {
                self.socks.remove(&(pid, fd));
            }
        }
    }

    /// The socket `fd` of `pid` at call `i`: the descriptor records just
    /// after it (what the call itself learnt) first.
    fn sock(&mut self, records: &[Record<'_>], i: usize, pid: u32, fd: i32) -> Option<Sock> {
        let after = records.get(i + 1..).unwrap_or_default().iter().take(NEAR);
        for r in after {
            if let Record::Fd {
                pid: p, fd: f, desc, ..
            } = r
            {
                if *p == pid && *f == fd {
                    self.note(pid, fd, desc);
                }
            }
        }
        self.socks.get(&(pid, fd)).cloned()
    }

    fn emit(&mut self, r: Route, ts_ns: u64, t: Transport, b: Bytes<'_>, comment: String) {
        self.ip_id = self.ip_id.wrapping_add(1);
        let packet = packet::build(r.src, r.dst, t, b.kept, b.total, self.ip_id);
        self.out.push(Out {
            family: r.family,
            ts_ns,
            packet,
            comment,
        });
    }

    /// The connection of `s` (connected), opened with a handshake from
    /// `client` if new (or closed: a new connection on the same ports).
    fn open(&mut self, s: &Sock, client: Endpoint, ev: &Event<'_>, why: &str) {
        let (Some(l), Some(p)) = (s.local, s.peer) else { return };
        let k = key(l, p);
        if let Some(c) = self.conns.get(&(s.family, k.0, k.1)) {
            if !(c.rst || c.fin == [true, true]) {
                return;
            }
        }
        let server = if client == l { p } else { l };
        let both = self.traced_pairs.contains(&(s.family, l, p)) && self.traced_pairs.contains(&(s.family, p, l));
        let (ci, si) = (isn(client, server), isn(server, client));
        let name = s.name.clone();
        // An accept returns once the connection is there (it may have
        // waited long for it); the other calls make it as they start.
        let ts = if matches!(ev.func, Func::Accept | Func::Accept4) {
            ev.time_ns.saturating_add(ev.dur_ns)
        } else {
            ev.time_ns
        };
        let note = |what: &str| comment(ev, &format!("{what}, synthesized at {why}"), &name);
        let tcp = |seq, ack, flags| Transport::Tcp { seq, ack, flags };
        let out = Route::new(s.family, client, server);
        let back = Route::new(s.family, server, client);
        let none = Bytes::default();
        self.emit(out, ts, tcp(ci, 0, TCP_SYN), none, note("SYN"));
        let syn_ack = tcp(si, ci.wrapping_add(1), TCP_SYN | TCP_ACK);
        self.emit(back, ts, syn_ack, none, note("SYN-ACK"));
        let ack = tcp(ci.wrapping_add(1), si.wrapping_add(1), TCP_ACK);
        self.emit(out, ts, ack, none, note("ACK"));
        let mut next = [ci.wrapping_add(1), si.wrapping_add(1)];
        if client != k.0 {
            next.swap(0, 1);
        }
        self.conns.insert(
            (s.family, k.0, k.1),
            Conn {
                next,
                fin: [false; 2],
                rst: false,
                both_traced: both,
                name,
            },
        );
    }

    /// The connection of connected stream socket `s`, opened if unknown.
    fn conn(&mut self, s: &Sock, ev: &Event<'_>) -> Option<(Endpoint, Endpoint)> {
        let (l, p) = (s.local?, s.peer?);
        let k = key(l, p);
        if !self.conns.contains_key(&(s.family, k.0, k.1)) {
            // Connected before it was traced: the ephemeral (higher) port is the client's.
            let client = if l.port >= p.port { l } else { p };
            self.open(s, client, ev, "first traced use");
        }
        Some((l, p))
    }

    /// A TCP segment along `r` carrying `b` (split into packets of at most
    /// `SEGMENT_MAX` bytes), or flags alone.
    fn segment(&mut self, r: Route, flags: u8, b: Bytes<'_>, ev: &Event<'_>, what: &str) {
        let Bytes { kept, total } = b;
        let k = key(r.src, r.dst);
        let dir = usize::from(r.src != k.0);
        let mut off = 0;
        loop {
            let Some(c) = self.conns.get_mut(&(r.family, k.0, k.1)) else {
                return;
            };
            let len = (total - off).min(packet::SEGMENT_MAX);
            let seq = c.next[dir];
            let ack = c.next[1 - dir];
            c.next[dir] = seq
                .wrapping_add(len as u32)
                .wrapping_add(u32::from(flags & (TCP_FIN | TCP_SYN) != 0));
            if flags & TCP_FIN != 0 {
                c.fin[dir] = true;
            }
            if flags & TCP_RST != 0 {
                c.rst = true;
            }
            let name = c.name.clone();
            let part = kept
                .get(off.min(kept.len())..(off + len).min(kept.len()))
                .unwrap_or_default();
            let mut what = what.to_string();
            if part.len() < len {
                what = format!(
                    "{what}{}payload cut: {} of {len} bytes recorded",
                    if what.is_empty() { "" } else { ", " },
                    part.len()
                );
            }
            let f = if len > 0 { flags | TCP_PSH } else { flags };
            let b = Bytes { kept: part, total: len };
            self.emit(
                r,
                ev.time_ns,
                Transport::Tcp { seq, ack, flags: f },
                b,
                comment(ev, &what, &name),
            );
            off += len;
            if off >= total {
                return;
            }
        }
    }

    fn call(&mut self, records: &[Record<'_>], i: usize, ev: &Event<'_>) {
        let f = ev.func;
        match f {
            Func::Connect if !ev.failed() || ev.errno == EINPROGRESS => {
                if let Some(mut s) = self.sock(records, i, ev.pid, ev.int(0)) {
                    if s.family == Family::Unix {
                        s = self.unix_connect(ev, s);
                    }
                    if let (Proto::Tcp, Some(l)) = (s.proto, s.local) {
                        self.open(&s, l, ev, "connect");
                    }
                }
            }
            Func::Accept | Func::Accept4 if !ev.failed() => {
                if let Some(s) = self.sock(records, i, ev.pid, ev.ret as i32) {
                    if let (Proto::Tcp, Some(l), Some(p)) = (s.proto, s.local, s.peer) {
                        // With the client recorded too, its connect makes the
                        // handshake (a blocking accept starts before it).
                        let client_recorded = self.traced_pairs.contains(&(s.family, p, l));
                        if !client_recorded {
                            self.open(&s, p, ev, "accept");
                        }
                    }
                }
            }
            Func::Socketpair if !ev.failed() => {
                if let Some(pair) = Pair::decode(ev.aux) {
                    let s1 = self.sock(records, i, ev.pid, pair.fds[1]);
                    if let (Some(s), Some(_)) = (self.sock(records, i, ev.pid, pair.fds[0]), s1) {
                        if let (Proto::Tcp, Some(l)) = (s.proto, s.local) {
                            self.open(&s, l, ev, "socketpair");
                        }
                    }
                }
            }
            Func::Shutdown if !ev.failed() && matches!(ev.int(1), 1 | 2) => {
                if let Some(s) = self.sock(records, i, ev.pid, ev.int(0)) {
                    self.fin(&s, true, ev);
                }
            }
            Func::Close if !ev.failed() => {
                if let Some(s) = self.socks.remove(&(ev.pid, ev.int(0))) {
                    // The last descriptor of the socket (fork children and
                    // dup copies hold it too) closes the connection.
                    let left = self.holders.get_mut(&s.inode).map(|h| {
                        h.remove(&(ev.pid, ev.int(0)));
                        h.len()
                    });
                    if s.inode == 0 || left.unwrap_or(0) == 0 {
                        self.fin(&s, true, ev);
                    }
                }
            }
            _ if is_send(f) || is_recv(f) => self.data(records, i, ev),
            _ => {}
        }
    }

    /// A Unix socket connected to the name in `ev.addr`: the name for the
    /// comments, and, when no record knows the peer (the server was not
    /// traced), a peer endpoint made from the name: `fd00:0:0:1:` followed
    /// by a 64-bit FNV-1a hash of it, port 0x8000 | its low 15 bits.
    fn unix_connect(&mut self, ev: &Event<'_>, mut s: Sock) -> Sock {
        let name = unix_name(ev.addr);
        if s.name.is_empty() {
            s.name = name.clone();
        }
        if s.peer.is_none() && !name.is_empty() {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in name.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            let mut e = unix_endpoint(h);
            if let Ip::V6(a) = &mut e.ip {
                a[7] = 1;
            }
            s.peer = Some(e);
        }
        self.socks.insert((ev.pid, ev.int(0)), s.clone());
        s
    }

    /// A FIN from the local side (`local`) or the peer of `s`, once.
    fn fin(&mut self, s: &Sock, local: bool, ev: &Event<'_>) {
        let (Proto::Tcp, Some(l), Some(p)) = (s.proto, s.local, s.peer) else {
            return;
        };
        let k = key(l, p);
        let Some(c) = self.conns.get(&(s.family, k.0, k.1)) else {
            return;
        };
        let (src, dst) = if local { (l, p) } else { (p, l) };
        let dir = usize::from(src != k.0);
        if c.fin[dir] || c.rst {
            return;
        }
        let what = if local {
            "FIN"
        } else {
            "FIN, the peer's (end of file read)"
        };
        let r = Route::new(s.family, src, dst);
        self.segment(r, TCP_FIN | TCP_ACK, Bytes::default(), ev, what);
    }

    fn data(&mut self, records: &[Record<'_>], i: usize, ev: &Event<'_>) {
        let Some(s) = self.sock(records, i, ev.pid, ev.int(0)) else {
            return;
        };
        let sends = is_send(ev.func);
        if ev.failed() {
            if s.proto == Proto::Tcp && matches!(ev.errno, ECONNRESET | EPIPE) {
                if let Some((l, p)) = self.conn(&s, ev) {
                    let k = key(l, p);
                    if self.conns.get(&(s.family, k.0, k.1)).is_some_and(|c| !c.rst) {
                        let what = if ev.errno == EPIPE {
                            "RST, the peer's (EPIPE)"
                        } else {
                            "RST, the peer's (ECONNRESET)"
                        };
                        let r = Route::new(s.family, p, l);
                        self.segment(r, TCP_RST | TCP_ACK, Bytes::default(), ev, what);
                    }
                }
            }
            return;
        }
        // Each message: (peer address given or returned, kept bytes, total).
        let mut msgs: Vec<(&[u8], &[u8], usize)> = Vec::new();
        if matches!(ev.func, Func::Sendmmsg | Func::Recvmmsg) {
            let n = usize::try_from(ev.ret).unwrap_or(0);
            for m in Mmsgs::decode(ev.aux).iter().take(n) {
                let total = if sends { m.total } else { u64::from(m.msg_len) };
                msgs.push((m.name, m.data, total as usize));
            }
        } else {
            msgs.push((ev.addr, ev.data, ev.data_total as usize));
        }
        match s.proto {
            Proto::Tcp => {
                let Some((l, p)) = self.conn(&s, ev) else { return };
                let k = key(l, p);
                let both = self.conns.get(&(s.family, k.0, k.1)).is_some_and(|c| c.both_traced);
                for (_, kept, total) in msgs {
                    if sends {
                        let r = Route::new(s.family, l, p);
                        self.segment(r, TCP_ACK, Bytes { kept, total }, ev, "");
                    } else if both {
                        // The sender's call made this data's packets.
                    } else if total == 0 && ev.func != Func::Recvmmsg {
                        // End of file (a stream's 0 is the peer's FIN).
                        self.fin(&s, false, ev);
                    } else {
                        let r = Route::new(s.family, p, l);
                        self.segment(r, TCP_ACK, Bytes { kept, total }, ev, "");
                    }
                }
            }
            Proto::Udp => {
                for (addr, kept, total) in msgs {
                    let other = if s.family == Family::Unix { None } else { endpoint(addr) };
                    let Some(other) = other.or(s.peer) else { continue };
                    let local = s.local.unwrap_or(Endpoint {
                        ip: if other.ip.is_v6() {
                            Ip::V6([0; 16])
                        } else {
                            Ip::V4([0; 4])
                        },
                        port: 0,
                    });
                    let (src, dst) = if sends { (local, other) } else { (other, local) };
                    // One copy of a datagram both sides traced: the sender's,
                    // unless the recording does not know the sender's port
                    // (bound implicitly by this send), then the receiver's.
                    if !sends && self.udp_traced(s.family, src) {
                        continue;
                    }
                    if sends && s.local.is_none() && self.udp_traced(s.family, dst) {
                        continue;
                    }
                    let total = total.min(packet::DATAGRAM_MAX);
                    let kept = kept.get(..total).unwrap_or(kept);
                    let what = if kept.len() < total {
                        format!("payload cut: {} of {total} bytes recorded", kept.len())
                    } else {
                        String::new()
                    };
                    let c = comment(ev, &what, &s.name);
                    let r = Route::new(s.family, src, dst);
                    self.emit(r, ev.time_ns, Transport::Udp, Bytes { kept, total }, c);
                }
            }
        }
    }

    /// Whether UDP endpoint `e` is a traced socket's own (bound to it, or
    /// to the wildcard address on its port).
    fn udp_traced(&self, family: Family, e: Endpoint) -> bool {
        self.traced_udp.contains(&(family, e))
            || self
                .traced_udp
                .iter()
                .any(|(f, l)| *f == family && l.port == e.port && l.ip.is_unspecified())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sin(ip: [u8; 4], port: u16) -> Vec<u8> {
        let mut a = vec![2, 0];
        a.extend_from_slice(&port.to_be_bytes());
        a.extend_from_slice(&ip);
        a.extend_from_slice(&[0; 8]);
        a
    }

    fn tcp_desc(inode: u64, local: &[u8], peer: &[u8]) -> FdDesc {
        let mut d = FdDesc::new(AF_INET, SOCK_STREAM, 6, inode);
        d.set_local(local);
        d.set_peer(peer);
        d
    }

    fn call<'a>(func: Func, pid: u32, fd: i32, ret: i64, data: &'a [u8]) -> Record<'a> {
        let mut ev = Event::new(func);
        ev.pid = pid;
        ev.tid = pid;
        ev.args[0] = fd as u64;
        ev.ret = ret;
        ev.data = data;
        ev.data_total = if ret > 0 { ret as u64 } else { 0 };
        ev.time_ns = 1_000;
        Record::Call(ev)
    }

    fn fd_rec(pid: u32, fd: i32, desc: FdDesc) -> Record<'static> {
        Record::Fd {
            pid,
            fd,
            time_ns: 1_000,
            desc,
        }
    }

    /// (flags, seq, ack, payload) of a TCP/IPv4 packet.
    fn tcp(o: &Out) -> (u8, u32, u32, Vec<u8>) {
        let d = &o.packet.data;
        let be32 = |at: usize| u32::from_be_bytes(d[at..at + 4].try_into().unwrap());
        (d[33], be32(24), be32(28), d[40..].to_vec())
    }

    fn ports(o: &Out) -> (u16, u16) {
        let d = &o.packet.data;
        (u16::from_be_bytes([d[20], d[21]]), u16::from_be_bytes([d[22], d[23]]))
    }

    #[test]
    fn one_side_traced_client() {
        let (c, s) = (sin([127, 0, 0, 1], 40000), sin([127, 0, 0, 1], 80));
        let mut shut = Event::new(Func::Shutdown);
        shut.pid = 7;
        shut.args = [3, 1, 0, 0, 0, 0];
        shut.time_ns = 1_000;
        let records = vec![
            call(Func::Connect, 7, 3, 0, b""),
            fd_rec(7, 3, tcp_desc(9, &c, &s)),
            call(Func::Send, 7, 3, 5, b"hello"),
            call(Func::Recv, 7, 3, 3, b"abc"),
            Record::Call(shut),
            call(Func::Recv, 7, 3, 0, b""),
            call(Func::Close, 7, 3, 0, b""),
        ];
        let out = Converter::run(&records).out;
        let t: Vec<_> = out.iter().map(tcp).collect();
        assert_eq!(out.len(), 7, "{t:?}");
        let (ci, si) = (t[0].1, t[1].1);
        assert_eq!((t[0].0, t[0].2), (TCP_SYN, 0));
        assert_eq!((t[1].0, t[1].2), (TCP_SYN | TCP_ACK, ci + 1));
        assert_eq!(t[2], (TCP_ACK, ci + 1, si + 1, vec![]));
        assert_eq!(t[3], (TCP_PSH | TCP_ACK, ci + 1, si + 1, b"hello".to_vec()));
        assert_eq!(ports(&out[3]), (40000, 80));
        assert_eq!(t[4], (TCP_PSH | TCP_ACK, si + 1, ci + 6, b"abc".to_vec()));
        assert_eq!(ports(&out[4]), (80, 40000));
        assert_eq!(t[5], (TCP_FIN | TCP_ACK, ci + 6, si + 4, vec![]));
        // EOF read: the peer's FIN; close after both FINs adds nothing.
        assert_eq!(t[6], (TCP_FIN | TCP_ACK, si + 4, ci + 7, vec![]));
        assert_eq!(ports(&out[6]), (80, 40000));
        assert!(out[3].comment.starts_with("send pid 7 tid 7"), "{}", out[3].comment);
        assert!(out.iter().all(|o| o.family == Family::Inet && o.ts_ns == 1_000));
    }

    #[test]
    fn both_sides_make_one_stream() {
        let (c, s) = (sin([127, 0, 0, 1], 40000), sin([127, 0, 0, 1], 80));
        let records = vec![
            call(Func::Connect, 7, 3, 0, b""),
            fd_rec(7, 3, tcp_desc(9, &c, &s)),
            call(Func::Accept, 8, 5, 6, b""),
            fd_rec(8, 6, tcp_desc(10, &s, &c)),
            call(Func::Send, 7, 3, 5, b"hello"),
            call(Func::Read, 8, 6, 5, b"hello"),
            call(Func::Write, 8, 6, 2, b"ok"),
            call(Func::Recv, 7, 3, 2, b"ok"),
            call(Func::Close, 8, 6, 0, b""),
            call(Func::Recv, 7, 3, 0, b""),
            call(Func::Close, 7, 3, 0, b""),
        ];
        let out = Converter::run(&records).out;
        let t: Vec<_> = out.iter().map(tcp).collect();
        // Handshake once, each payload once, one FIN each way.
        assert_eq!(out.len(), 3 + 2 + 2, "{t:?}");
        assert_eq!(t[3].3, b"hello");
        assert_eq!(t[4].3, b"ok");
        assert_eq!(t[4].2, t[3].1 + 5);
        assert_eq!((t[5].0, ports(&out[5])), (TCP_FIN | TCP_ACK, (80, 40000)));
        assert_eq!((t[6].0, ports(&out[6])), (TCP_FIN | TCP_ACK, (40000, 80)));
    }

    #[test]
    fn a_blocking_accept_leaves_the_handshake_to_the_recorded_connect() {
        let (c, s) = (sin([127, 0, 0, 1], 40000), sin([127, 0, 0, 1], 80));
        let mut accept = call(Func::Accept, 8, 5, 6, b"");
        if let Record::Call(ev) = &mut accept {
            ev.time_ns = 10;
            ev.dur_ns = 5_000;
        }
        let mut connect = call(Func::Connect, 7, 3, 0, b"");
        if let Record::Call(ev) = &mut connect {
            ev.time_ns = 2_000;
        }
        let records = vec![
            accept,
            fd_rec(8, 6, tcp_desc(10, &s, &c)),
            connect,
            fd_rec(7, 3, tcp_desc(9, &c, &s)),
        ];
        let out = Converter::run(&records).out;
        assert_eq!(out.len(), 3);
        assert!(out
            .iter()
            .all(|o| o.ts_ns == 2_000 && o.comment.starts_with("connect pid 7")));
        assert_eq!(ports(&out[0]), (40000, 80));
        // The server alone: the handshake when its accept returned.
        let out = Converter::run(&records[..2]).out;
        assert_eq!(out.len(), 3);
        assert_eq!((out[0].ts_ns, ports(&out[0])), (5_010, (40000, 80)));
    }

    #[test]
    fn cut_payloads_resets_and_datagrams() {
        let (c, s) = (sin([127, 0, 0, 1], 40000), sin([127, 0, 0, 1], 80));
        let kept = [b'x'; 128];
        let mut big = call(Func::Send, 7, 3, 300, &kept);
        if let Record::Call(ev) = &mut big {
            ev.data_total = 300;
        }
        let mut reset = Event::new(Func::Recv);
        reset.pid = 7;
        reset.args[0] = 3;
        reset.ret = -1;
        reset.errno = ECONNRESET;
        let records = vec![
            call(Func::Connect, 7, 3, 0, b""),
            fd_rec(7, 3, tcp_desc(9, &c, &s)),
            big,
            Record::Call(reset),
            call(Func::Close, 7, 3, 0, b""),
        ];
        let out = Converter::run(&records).out;
        assert_eq!(out.len(), 5);
        assert_eq!(out[3].packet.data.len(), 40 + 128);
        assert_eq!(out[3].packet.orig_len, 40 + 300);
        assert!(out[3].comment.contains("payload cut: 128 of 300"), "{}", out[3].comment);
        let (flags, seq, _, _) = tcp(&out[4]);
        assert_eq!(flags, TCP_RST | TCP_ACK);
        assert_eq!(ports(&out[4]), (80, 40000));
        assert_eq!(seq, tcp(&out[1]).1 + 1);

        // A call moving more than a packet holds: split, the cut in the last.
        let kept = vec![b'y'; 65536];
        let mut huge = call(Func::Write, 7, 3, 70000, &kept);
        if let Record::Call(ev) = &mut huge {
            ev.data_total = 70000;
        }
        let records = vec![
            call(Func::Connect, 7, 3, 0, b""),
            fd_rec(7, 3, tcp_desc(9, &c, &s)),
            huge,
            call(Func::Send, 7, 3, 1, b"z"),
        ];
        let out = Converter::run(&records).out;
        assert_eq!(out.len(), 6);
        let (first, second) = (&out[3].packet, &out[4].packet);
        assert_eq!((first.data.len(), first.orig_len), (65535, 65535));
        assert_eq!(
            (second.data.len(), second.orig_len as usize),
            (40 + 65536 - 65495, 40 + 70000 - 65495)
        );
        let isn = tcp(&out[2]).1;
        assert_eq!(tcp(&out[4]).1, isn + 65495);
        assert_eq!(tcp(&out[5]).1, isn + 70000);
        assert!(out[3].comment == "write pid 7 tid 7", "{}", out[3].comment);

        // UDP: one datagram per call, with the sendto address.
        let mut d = FdDesc::new(AF_INET, SOCK_DGRAM, 17, 11);
        d.set_local(&sin([127, 0, 0, 1], 5000));
        let to = sin([127, 0, 0, 2], 53);
        let mut send = Event::new(Func::Sendto);
        send.pid = 9;
        send.args[0] = 4;
        send.ret = 3;
        send.data = b"abc";
        send.data_total = 3;
        send.addr = &to;
        let records = vec![fd_rec(9, 4, d), Record::Call(send), Record::Call(send)];
        let out = Converter::run(&records).out;
        assert_eq!(out.len(), 2);
        let p = &out[0].packet.data;
        assert_eq!(&p[12..20], &[127, 0, 0, 1, 127, 0, 0, 2]);
        assert_eq!(&p[20..28], &[0x13, 0x88, 0, 53, 0, 11, p[26], p[27]]);
        assert_eq!(&p[28..], b"abc");
    }

    #[test]
    fn unix_endpoints() {
        let e = unix_endpoint(0x1234);
        let mut a = [0u8; 16];
        a[0] = 0xfd;
        a[14] = 0x12;
        a[15] = 0x34;
        assert_eq!(
            e,
            Endpoint {
                ip: Ip::V6(a),
                port: 0x9234
            }
        );
        // A socket pair: one stream, the pair's two inodes.
        let mut d0 = FdDesc::new(AF_UNIX, SOCK_STREAM, 0, 0x1234);
        d0.peer_inode = 0x1235;
        let mut d1 = FdDesc::new(AF_UNIX, SOCK_STREAM, 0, 0x1235);
        d1.peer_inode = 0x1234;
        let mut pair = Event::new(Func::Socketpair);
        pair.pid = 5;
        let aux = [3i32.to_le_bytes(), 4i32.to_le_bytes()].concat();
        pair.aux = &aux;
        let records = vec![
            Record::Call(pair),
            fd_rec(5, 3, d0),
            fd_rec(5, 4, d1),
            call(Func::Write, 5, 3, 2, b"hi"),
            call(Func::Read, 5, 4, 2, b"hi"),
        ];
        let out = Converter::run(&records).out;
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(|o| o.family == Family::Unix));
        let p = &out[3].packet.data;
        assert_eq!(&p[8..24], &a);
        assert_eq!(&p[60..], b"hi");
    }
}
