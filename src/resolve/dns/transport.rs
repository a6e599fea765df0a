//! One exchange with one name server: up to two queries (A and AAAA) over
//! UDP, as glibc's `send_dg`, or over TCP, as its `send_vc`. The sockets are
//! our own (through `crate::sys`), opened and closed within the exchange.

use super::conf::{NameServer, NAMESERVER_PORT};
use super::name::WireName;
use super::wire::{
    Reply, WireError, EDNS_UDP_SIZE, QUERY_MAX, RCODE_NOERROR, RCODE_NOTIMP, RCODE_REFUSED, RCODE_SERVFAIL,
};
use crate::resolve::{sockaddr_of, SOCKADDR_MAX};
use crate::sys::dns_io;
use crate::sys::{clock, io, random, Errno};
use alloc::vec::Vec;

/// Largest UDP reply read: what we advertise with EDNS0 (a plain server
/// sends at most 512). A longer datagram is treated as truncated.
pub(crate) const UDP_BUF: usize = EDNS_UDP_SIZE;
/// TCP replies up to this size are read on the stack; a longer one (up to
/// 65,535 bytes, as glibc's 64 KiB buffer takes) goes to the heap. Only
/// when the heap says no is the reply cut to these first bytes (the rest
/// read and dropped, the records that arrived whole used).
pub(crate) const TCP_BUF: usize = 8192;

const POLLIN: i16 = libc::POLLIN;
const FLAG_AA: u16 = 0x0400;
const FLAG_RA: u16 = 0x0080;
const POLLOUT: i16 = libc::POLLOUT;

/// One query of an exchange.
pub struct Query<'a> {
    pub name: &'a WireName,
    pub qtype: u16,
    pub id: u16,
    pub msg: [u8; QUERY_MAX],
    pub len: usize,
}

impl Query<'_> {
    fn bytes(&self) -> &[u8] {
        self.msg.get(..self.len).unwrap_or(&[])
    }
}

/// What became of one query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No acceptable reply yet.
    Pending,
    /// A UDP reply with SERVFAIL, NOTIMP or REFUSED: glibc asks the next
    /// server (unless the other query of the pair was answered).
    Failed(u8),
    /// A reply was handed to the caller.
    Answered,
}

/// How the exchange with this server ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every query is answered or failed, at least one answered: stop here.
    Done,
    /// A reply had TC set (or did not fit): redo the exchange over TCP.
    Truncated,
    /// Ask the next server. `heard` is true when this server replied or
    /// merely timed out (glibc's `gotsomewhere`), false when it could not be
    /// reached at all (ICMP unreachable: ECONNREFUSED).
    Next { heard: bool },
    /// Ask the next server: the TCP stream ended before the answer did (the
    /// server closed or reset it, mid-length or mid-message). glibc's
    /// `send_vc` then leaves errno as the failed read left it, neither
    /// ECONNREFUSED nor ETIMEDOUT, so nss_dns says NOTFOUND, not UNAVAIL.
    Broken,
}

/// How UDP sends the pair (`options single-request`, `single-request-reopen`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pairing {
    Parallel,
    Single,
    SingleReopen,
}

/// The caller's view of accepted replies: `(index of the query, reply)`.
pub type OnReply<'f> = dyn FnMut(usize, &Reply<'_>) + 'f;

/// The socket address of `ns` as bytes, and its length.
fn sockaddr(ns: &NameServer) -> ([u8; SOCKADDR_MAX], usize) {
    sockaddr_of(&ns.addr, NAMESERVER_PORT.to_be(), ns.scope_id)
}

/// Whether a datagram's source is the server asked: same family, port and
/// address (the connected socket already filters; this is the paranoia
/// check glibc makes too).
fn from_server(from: &[u8], server: &[u8]) -> bool {
    let same = |a: core::ops::Range<usize>| from.get(a.clone()).is_some() && from.get(a.clone()) == server.get(a);
    match server.len() {
        16 => from.len() >= 8 && same(0..8),
        _ => from.len() >= 24 && same(0..4) && same(8..24),
    }
}

/// Random query IDs from the kernel; should the pool not be ready, the clock.
pub fn random_ids() -> [u16; 2] {
    let mut b = [0u8; 4];
    if random::fill(&mut b).is_err() {
        let t = clock::monotonic_ns();
        let mix = (t as u32).wrapping_mul(0x9e37_79b9) ^ ((t >> 32) as u32).rotate_left(16);
        b = mix.to_ne_bytes();
    }
    let a = u16::from_ne_bytes([b[0], b[1]]);
    let mut c = u16::from_ne_bytes([b[2], b[3]]);
    // Two outstanding queries must be told apart by their IDs.
    if c == a {
        c = a.wrapping_add(1);
    }
    [a, c]
}

/// Closes a descriptor we opened (its errors change nothing for us).
fn close(fd: i32) {
    let _ = io::close(fd);
}

fn open_socket(ns: &NameServer, ty: i32) -> Result<i32, Errno> {
    crate::sys::socket::socket(ns.addr.af(), ty | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0)
}

/// Milliseconds left until `deadline` (monotonic ms), for poll.
fn remaining(deadline: i64) -> i32 {
    (deadline - clock::monotonic_millis()).clamp(0, i64::from(i32::MAX)) as i32
}

/// Waits for `events` on `fd` until `deadline`; `Ok(0)` on timeout. EINTR
/// is retried with the time left.
fn wait(fd: i32, events: i16, deadline: i64) -> Result<i16, Errno> {
    loop {
        match dns_io::poll_one(fd, events, remaining(deadline)) {
            Err(Errno(libc::EINTR)) => continue,
            r => return r,
        }
    }
}

/// A connected UDP socket to the server (port 0: the kernel picks a random
/// source port). `Err` is a system error that ends the lookup (EMFILE...);
/// `Ok(None)` means this server cannot be reached (no route...).
fn udp_socket(ns: &NameServer) -> Result<Option<i32>, Errno> {
    let fd = open_socket(ns, libc::SOCK_DGRAM)?;
    let (sa, len) = sockaddr(ns);
    if dns_io::connect(fd, sa.get(..len).unwrap_or(&[])).is_err() {
        close(fd);
        return Ok(None);
    }
    Ok(Some(fd))
}

/// One UDP exchange: sends the queries, collects matching replies until all
/// are in or `seconds` pass. On a timeout with one reply in and the other
/// missing, retries the missing one in single-request mode, then with a new
/// socket, as glibc does for servers that drop parallel queries.
pub fn udp(
    ns: &NameServer,
    queries: &[Query<'_>],
    seconds: i32,
    mut pairing: Pairing,
    status: &mut [Status; 2],
    on_reply: &mut OnReply<'_>,
) -> Result<Outcome, Errno> {
    let (server, slen) = sockaddr(ns);
    let server = server.get(..slen).unwrap_or(&[]);
    let Some(mut fd) = udp_socket(ns)? else {
        return Ok(Outcome::Next { heard: false });
    };
    let mut buf = [0u8; UDP_BUF];
    let mut sent = [false; 2];
    let mut deadline = clock::monotonic_millis() + i64::from(seconds) * 1000;
    let result = 'exchange: loop {
        // Send what is due: everything pending in parallel mode, else the
        // first pending query only.
        let mut due = [0usize; 2];
        let mut n_due = 0;
        for i in 0..queries.len().min(2) {
            if sent[i] || status[i] != Status::Pending {
                continue;
            }
            let waiting = sent
                .iter()
                .zip(status.iter())
                .any(|(&s, &st)| s && st == Status::Pending);
            if pairing != Pairing::Parallel && (waiting || n_due > 0) {
                break;
            }
            due[n_due] = i;
            n_due += 1;
        }
        if send_due(fd, queries, &due[..n_due], &mut sent).is_err() {
            break 'exchange Outcome::Next { heard: false };
        }
        if status.iter().take(queries.len()).all(|&s| s != Status::Pending) {
            break if status.contains(&Status::Answered) {
                Outcome::Done
            } else {
                Outcome::Next { heard: true }
            };
        }
        let ev = match wait(fd, POLLIN, deadline) {
            Ok(ev) => ev,
            Err(_) => break Outcome::Next { heard: false },
        };
        if ev == 0 {
            // Timeout.
            if !status.contains(&Status::Answered) {
                break Outcome::Next { heard: true };
            }
            let next = match pairing {
                Pairing::Parallel => Pairing::Single,
                Pairing::Single => Pairing::SingleReopen,
                Pairing::SingleReopen => break Outcome::Done,
            };
            if next == Pairing::SingleReopen {
                close(fd);
                match udp_socket(ns)? {
                    Some(f) => fd = f,
                    None => return Ok(Outcome::Done),
                }
            }
            pairing = next;
            sent = [false; 2];
            deadline = clock::monotonic_millis() + i64::from(seconds) * 1000;
            continue;
        }
        let mut from = [0u8; SOCKADDR_MAX];
        let (n, flen) = match dns_io::recvfrom(fd, &mut buf, libc::MSG_TRUNC, &mut from) {
            Ok(r) => r,
            Err(Errno(libc::EINTR | libc::EAGAIN)) => continue,
            // ECONNREFUSED (ICMP port unreachable) and the like.
            Err(_) => break Outcome::Next { heard: false },
        };
        if !from_server(from.get(..flen).unwrap_or(&[]), server) {
            continue;
        }
        let msg = buf.get(..n.min(UDP_BUF)).unwrap_or(&[]);
        let Some((i, reply)) = match_reply(msg, queries, status) else {
            continue;
        };
        if reply.header.truncated() || n > UDP_BUF {
            break Outcome::Truncated;
        }
        // A lame referral (NOERROR, nothing in it, neither AA nor RA) counts as
        // a failure, as in glibc.
        let h = reply.header;
        let lame = h.rcode() == RCODE_NOERROR && h.ancount == 0 && h.arcount == 0 && h.flags & (FLAG_AA | FLAG_RA) == 0;
        match h.rcode() {
            rc if lame => {
                if status.contains(&Status::Answered) {
                    status[i] = Status::Failed(rc);
                    break Outcome::Done;
                }
                status[i] = Status::Failed(rc);
            }
            rc @ (RCODE_SERVFAIL | RCODE_NOTIMP | RCODE_REFUSED) => {
                // glibc: if the other query was answered, take what we have.
                if status.contains(&Status::Answered) {
                    status[i] = Status::Failed(rc);
                    break Outcome::Done;
                }
                status[i] = Status::Failed(rc);
            }
            _ => {
                on_reply(i, &reply);
                status[i] = Status::Answered;
            }
        }
        if pairing == Pairing::SingleReopen && status.iter().take(queries.len()).any(|&s| s == Status::Pending) {
            close(fd);
            match udp_socket(ns)? {
                Some(f) => fd = f,
                None => break Outcome::Done,
            }
        }
    };
    close(fd);
    Ok(result)
}

/// Sends the queries `due` (indices into `queries`): a pair with one
/// `sendmmsg`, as glibc, the rest (or all, where the kernel lacks
/// `sendmmsg`) one by one. Marks each one sent.
fn send_due(fd: i32, queries: &[Query<'_>], due: &[usize], sent: &mut [bool; 2]) -> Result<(), Errno> {
    let query = |i: usize| queries.get(i).map_or(&[][..], Query::bytes);
    let mut done = 0;
    if let [a, b] = *due {
        match dns_io::send_pair(fd, query(a), query(b), libc::MSG_NOSIGNAL) {
            Ok(n) => done = n.min(2),
            Err(Errno(libc::ENOSYS)) => {}
            Err(e) => return Err(e),
        }
    }
    for (k, &i) in due.iter().enumerate() {
        if k >= done {
            dns_io::send(fd, query(i), libc::MSG_NOSIGNAL)?;
        }
        if let Some(s) = sent.get_mut(i) {
            *s = true;
        }
    }
    Ok(())
}

/// The pending query `msg` answers, with the parsed reply.
fn match_reply<'m>(msg: &'m [u8], queries: &[Query<'_>], status: &[Status; 2]) -> Option<(usize, Reply<'m>)> {
    queries.iter().enumerate().find_map(|(i, q)| {
        if status.get(i) != Some(&Status::Pending) {
            return None;
        }
        match Reply::parse(msg, q.id, q.name, q.qtype) {
            Ok(r) => Some((i, r)),
            Err(WireError::NotOurs | WireError::Truncated | WireError::Malformed) => None,
        }
    })
}

/// One TCP exchange (after a truncated UDP reply, or with `use-vc`): both
/// queries on one connection, each reply read whole (up to 65,535 bytes;
/// over `TCP_BUF` on the heap).
/// Every reply is handed over whatever its RCODE, as glibc's `send_vc`.
pub fn tcp(
    ns: &NameServer,
    queries: &[Query<'_>],
    seconds: i32,
    status: &mut [Status; 2],
    on_reply: &mut OnReply<'_>,
) -> Result<Outcome, Errno> {
    let fd = open_socket(ns, libc::SOCK_STREAM)?;
    let deadline = clock::monotonic_millis() + i64::from(seconds) * 1000;
    let result = tcp_exchange(fd, ns, queries, deadline, status, on_reply);
    close(fd);
    Ok(result)
}

fn tcp_exchange(
    fd: i32,
    ns: &NameServer,
    queries: &[Query<'_>],
    deadline: i64,
    status: &mut [Status; 2],
    on_reply: &mut OnReply<'_>,
) -> Outcome {
    let unreachable = Outcome::Next { heard: false };
    let heard = Outcome::Next { heard: true };
    let (sa, len) = sockaddr(ns);
    match dns_io::connect(fd, sa.get(..len).unwrap_or(&[])) {
        Ok(()) => {}
        Err(Errno(libc::EINPROGRESS | libc::EINTR)) => {
            if !matches!(wait(fd, POLLOUT, deadline), Ok(ev) if ev != 0) {
                return heard;
            }
            if dns_io::pending_error(fd) != Ok(0) {
                return unreachable;
            }
        }
        Err(_) => return unreachable,
    }
    for (i, q) in queries.iter().enumerate() {
        // After UDP, redo every query, an answered one too: glibc's send_dg
        // drops the reply it has when the other is truncated ("we could use
        // it and not repeat it over TCP"), and send_vc sends both.
        status[i] = Status::Pending;
        let mut framed = [0u8; QUERY_MAX + 2];
        let body = q.bytes();
        framed[..2].copy_from_slice(&(body.len() as u16).to_be_bytes());
        let Some(dst) = framed.get_mut(2..2 + body.len()) else {
            return unreachable;
        };
        dst.copy_from_slice(body);
        if !write_all(fd, framed.get(..2 + body.len()).unwrap_or(&[]), deadline) {
            return heard;
        }
    }
    let mut buf = [0u8; TCP_BUF];
    let ended = |r: Read| if r == Read::Ended { Outcome::Broken } else { heard };
    while status.iter().take(queries.len()).any(|&s| s == Status::Pending) {
        let mut lenb = [0u8; 2];
        let r = read_exact(fd, &mut lenb, deadline);
        if r != Read::Whole {
            return ended(r);
        }
        let full = usize::from(u16::from_be_bytes(lenb));
        let mut big: Vec<u8> = Vec::new();
        let room: &mut [u8] = if full > TCP_BUF && big.try_reserve_exact(full).is_ok() {
            big.resize(full, 0);
            &mut big
        } else {
            &mut buf
        };
        let keep = full.min(room.len());
        let mut r = read_exact(fd, &mut room[..keep], deadline);
        if r == Read::Whole {
            r = skip(fd, full - keep, deadline);
        }
        if r != Read::Whole {
            return ended(r);
        }
        if let Some((i, reply)) = match_reply(&room[..keep], queries, status) {
            on_reply(i, &reply);
            status[i] = Status::Answered;
        }
    }
    Outcome::Done
}

fn write_all(fd: i32, mut data: &[u8], deadline: i64) -> bool {
    while !data.is_empty() {
        match dns_io::send(fd, data, libc::MSG_NOSIGNAL) {
            Ok(n) => data = data.get(n..).unwrap_or(&[]),
            Err(Errno(libc::EINTR)) => {}
            Err(Errno(libc::EAGAIN)) => {
                if !matches!(wait(fd, POLLOUT, deadline), Ok(ev) if ev != 0) {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// How a TCP read ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Every byte asked for arrived.
    Whole,
    /// The stream ended first: end of file or an error (a reset).
    Ended,
    /// The deadline passed first.
    TimedOut,
}

fn read_exact(fd: i32, buf: &mut [u8], deadline: i64) -> Read {
    let mut got = 0usize;
    while got < buf.len() {
        let mut from = [0u8; SOCKADDR_MAX];
        match dns_io::recvfrom(fd, buf.get_mut(got..).unwrap_or(&mut []), 0, &mut from) {
            Ok((0, _)) => return Read::Ended,
            Ok((n, _)) => got += n,
            Err(Errno(libc::EINTR)) => {}
            Err(Errno(libc::EAGAIN)) => {
                if !matches!(wait(fd, POLLIN, deadline), Ok(ev) if ev != 0) {
                    return Read::TimedOut;
                }
            }
            Err(_) => return Read::Ended,
        }
    }
    Read::Whole
}

/// Reads and drops `n` bytes (the part of a reply with no room to keep).
fn skip(fd: i32, mut n: usize, deadline: i64) -> Read {
    let mut scratch = [0u8; 512];
    while n > 0 {
        let k = n.min(scratch.len());
        let r = read_exact(fd, &mut scratch[..k], deadline);
        if r != Read::Whole {
            return r;
        }
        n -= k;
    }
    Read::Whole
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::Addr;

    #[test]
    fn source_check() {
        let ns = NameServer {
            addr: Addr::V4([127, 0, 0, 1]),
            scope_id: 0,
        };
        let (sa, len) = sockaddr(&ns);
        assert_eq!(&sa[..8], &[2, 0, 0, 53, 127, 0, 0, 1]);
        assert!(from_server(&sa[..16], &sa[..len]));
        let mut other = sa;
        other[3] = 54;
        assert!(!from_server(&other[..16], &sa[..len]));
        other = sa;
        other[7] = 2;
        assert!(!from_server(&other[..16], &sa[..len]));
        assert!(!from_server(&sa[..4], &sa[..len]));
        let mut a6 = [0u8; 16];
        a6[15] = 1;
        let ns6 = NameServer {
            addr: Addr::V6(a6),
            scope_id: 3,
        };
        let (sa6, len6) = sockaddr(&ns6);
        assert_eq!(len6, 28);
        assert!(from_server(&sa6[..28], &sa6[..len6]));
        assert!(!from_server(&sa[..16], &sa6[..len6]));
    }

    #[test]
    fn ids_differ() {
        for _ in 0..100 {
            let [a, b] = random_ids();
            assert_ne!(a, b);
        }
    }
}
