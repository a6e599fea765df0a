//! Fault injection in the process: `SOCKSHIM_INJECT`, strace's
//! `-e inject=`/`-e fault=` syntax applied at the call itself (no ptrace).
//!
//! ```text
//! SOCKSHIM_INJECT = RULE[;RULE]...
//! RULE = SET[:error=ERRNO|:retval=N|:reset][:delay_enter=DUR][:delay_exit=DUR][:short=N][:rate=BYTES/s][:to=ADDR[:PORT]][:fd=CLASS][:when=EXPR]
//! ```
//!
//! - `SET` is `-e trace=`'s set, read by the same parser
//!   (`config::parse_filter`): `connect`, `send,recv`, `%data`, `!%fd`, ...
//! - `error=` an errno name (`ECONNREFUSED`, any case) or number 1..=4095:
//!   the call is not performed; it returns -1 with errno set to it. For
//!   `getaddrinfo`/`getnameinfo` an `EAI_*` name: returned, the results and
//!   errno untouched. For the `gethostby*` functions an `h_errno` name
//!   (`TRY_AGAIN HOST_NOT_FOUND NO_DATA NO_RECOVERY`): the lookup is not
//!   made, and the call reports what glibc reports when its DNS source fails
//!   that way (`resolve::hostent::dns_failed`: TRY_AGAIN as a server that
//!   does not answer, `_r` returning EAGAIN with errno EAGAIN; the others
//!   as an answered NOTFOUND, `_r` returning 0; `*h_errnop`/`h_errno` the
//!   code). Other resolver functions take only delays.
//! - `retval=N` (0..=2^63-1): the call is not performed and returns `N`;
//!   errno is untouched.
//! - `reset` (beyond strace; calls on a descriptor only): the call is not
//!   performed; the socket is disconnected with `connect(AF_UNSPEC)`, on
//!   which Linux sends the peer a TCP RST (`tcp_disconnect`) and leaves the
//!   descriptor open and unconnected (the program still closes it; its
//!   later calls see ENOTCONN/EPIPE); the call fails with ECONNRESET.
//! - `delay_enter=`/`delay_exit=` sleep before / after the call: a number
//!   with `s`, `ms`, `us` or `ns` (strace's default unit, microseconds, when
//!   none), at most one day. An interrupting signal's handler runs and the
//!   sleep goes on to its end (the program sees one slow call).
//! - `short=N` (N >= 1): `send sendto sendmsg write writev` transmit at
//!   most N bytes and return that count; `recv recvfrom recvmsg read readv`
//!   read at most N bytes (the first N: the iovecs are cut, at most 8 of
//!   them passed on). A call asking for no more than N is not touched (nor
//!   marked); `sendmmsg`/`recvmmsg` and the other functions ignore `short=`.
//! - `rate=BYTES/s` (beyond strace; `N`, `Nk`, `Nm`, `/s` optional): a
//!   data call that moved n bytes then sleeps n/rate seconds, so that a
//!   transfer made of several calls goes at about that rate (per thread:
//!   each call paces itself). The call itself is whole and not marked.
//! - `to=ADDR[:PORT]` (beyond strace): only calls whose peer is that one:
//!   `connect`'s and `sendto`'s address argument, else the descriptor's peer
//!   (`getpeername`, asked only for a call the rule names); ADDR is dotted
//!   IPv4 (which also matches its IPv4-mapped IPv6 form), `[IPv6]`, or `*`
//!   (any, with a port). Calls with no peer never match; `when=` counts only
//!   the calls that match.
//! - `fd=CLASS[,CLASS]` (beyond strace): only calls on sockets of those
//!   classes: `tcp` `udp` (stream/datagram sockets of AF_INET/AF_INET6),
//!   `unix`, `inet`, `inet6`, `ip` (both); the kernel is asked
//!   (`SO_DOMAIN`, `SO_TYPE`) only for a call the rule names.
//! - `when=` exactly as strace: `F` (only the F-th matching call), `F+`
//!   (the F-th and every one after), `F+S` (the F-th and every S-th after),
//!   `F..L` (the F-th to the L-th), `F..L+S`; 1 <= F <= L < 65535, S >= 1.
//!   Without `when=` every matching call is injected.
//!
//! A rule needs at least one action (`error retval reset delay_enter
//! delay_exit short rate`). When several rules name one function, the last
//! one whose `to=`/`fd=` selectors the call meets applies to it (a rule
//! without selectors always does, so a later one hides the earlier ones,
//! as a later strace `-e inject=` option does); `when=` counts the calls
//! each rule applied to, per function.
//!
//! Counting, as strace: each function of a rule's set has its own count
//! (`%data:when=1` injects the first `send` and the first `recv`). strace
//! counts per tracee, i.e. per thread; here the count is per process (one
//! atomic counter per function, shared by the threads), because a rule such
//! as "the first two connects fail" is about the program, not about which
//! of its threads happens to connect. A forked child keeps the rules and
//! starts its own counts from zero (strace's new tracee starts with fresh
//! counts too); an exec'd program reads `SOCKSHIM_INJECT` again.
//!
//! `read write readv writev close dup* fcntl` are injected only on sockets
//! (as they are traced only there).
//!
//! The matching path is atomics only: no allocation, lock or syscall, and
//! async-signal-safe. A bad rule is reported in one line on stderr naming
//! the variable and the bad part; then no rule is installed.

use core::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, AtomicU8, Ordering::Relaxed};

use super::config::parse_filter;
use super::func::{Class, Func, FuncSet};
use super::names;

/// The variable.
pub(crate) const VARIABLE: &core::ffi::CStr = c"SOCKSHIM_INJECT";

/// Most rules one variable holds.
pub(crate) const MAX_RULES: usize = 16;
/// strace's `INJECT_LAST_INF`: no last call.
const LAST_INF: u16 = u16::MAX;
/// Longest delay: a day, in nanoseconds.
const DELAY_MAX_NS: u64 = 86_400 * 1_000_000_000;

/// What an injected call does instead of (or around) the real one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// The call is performed (delays, `short=` only).
    Perform,
    /// Fails with this errno.
    Errno(i32),
    /// Fails with this EAI code (getaddrinfo, getnameinfo).
    Eai(i32),
    /// Fails with this h_errno (the gethostby* functions).
    Herrno(i32),
    /// Returns this value.
    Retval(i64),
    /// Resets the connection, then fails with ECONNRESET.
    Reset,
}

/// strace's `when=first..last+step`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct When {
    pub first: u16,
    pub last: u16,
    pub step: u16,
}

impl When {
    /// No `when=`: every call (`1+`).
    pub(crate) const EVERY: When = When {
        first: 1,
        last: LAST_INF,
        step: 1,
    };

    /// True when the `n`-th matching call (from 1) is injected.
    pub fn hits(self, n: u64) -> bool {
        let first = u64::from(self.first);
        if n < first || (self.last != LAST_INF && n > u64::from(self.last)) {
            return false;
        }
        match self.step {
            0 => n == first,
            s => (n - first).is_multiple_of(u64::from(s)),
        }
    }

    fn pack(self) -> u64 {
        u64::from(self.first) | u64::from(self.last) << 16 | u64::from(self.step) << 32
    }

    fn unpack(v: u64) -> When {
        When {
            first: v as u16,
            last: (v >> 16) as u16,
            step: (v >> 32) as u16,
        }
    }
}

/// One rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rule {
    pub set: FuncSet,
    pub action: Action,
    pub delay_enter_ns: u64,
    pub delay_exit_ns: u64,
    /// `short=N`; 0 when not given.
    pub short: u32,
    /// `rate=BYTES/s`; 0 when not given.
    pub rate: u64,
    pub when: When,
    /// `to=`: only calls whose peer this is.
    pub to: Option<Peer>,
    /// `fd=`: only calls on sockets of these classes (`FD_*` bits; 0: any).
    pub fd: u8,
}

const FD_TCP: u8 = 1;
const FD_UDP: u8 = 2;
const FD_UNIX: u8 = 4;
const FD_INET: u8 = 8;
const FD_INET6: u8 = 16;

/// `fd=`'s class names.
const FD_CLASSES: [(&[u8], u8); 6] = [
    (b"tcp", FD_TCP),
    (b"udp", FD_UDP),
    (b"unix", FD_UNIX),
    (b"inet", FD_INET),
    (b"inet6", FD_INET6),
    (b"ip", FD_INET | FD_INET6),
];

/// The `fd=` classes a socket of `domain` and `ty` belongs to.
pub(crate) fn fd_classes(domain: i32, ty: i32) -> u8 {
    let ty = ty & 0xf;
    let transport = match ty {
        libc::SOCK_STREAM => FD_TCP,
        libc::SOCK_DGRAM => FD_UDP,
        _ => 0,
    };
    match domain {
        libc::AF_INET => FD_INET | transport,
        libc::AF_INET6 => FD_INET6 | transport,
        libc::AF_UNIX => FD_UNIX,
        _ => 0,
    }
}

/// `to=ADDR[:PORT]`: a peer address (`None`: any, written `*`) and port
/// (0: any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Peer {
    pub addr: Option<PeerAddr>,
    pub port: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PeerAddr {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Peer {
    /// True when socket address `sa` (a `struct sockaddr_*` image) is this
    /// peer; an IPv4 peer also matches its IPv4-mapped IPv6 form.
    pub fn matches(&self, sa: &[u8]) -> bool {
        let (port, v6) = match super::sockaddr::SockAddr::parse(sa) {
            super::sockaddr::SockAddr::Inet { port, addr } => {
                let mut m = [0u8; 16];
                m[10] = 0xff;
                m[11] = 0xff;
                m[12..].copy_from_slice(&addr);
                (port, m)
            }
            super::sockaddr::SockAddr::Inet6 { port, addr, .. } => (port, addr),
            _ => return false,
        };
        if self.port != 0 && self.port != port {
            return false;
        }
        match self.addr {
            None => true,
            Some(PeerAddr::V6(a)) => a == v6,
            Some(PeerAddr::V4(a)) => v6[..10] == [0; 10] && v6[10..12] == [0xff, 0xff] && v6[12..] == a,
        }
    }
}

/// `to=`'s address: `*` (any: `Some(None)`), dotted IPv4, `[IPv6]`.
fn parse_peer_addr(v: &[u8]) -> Option<Option<PeerAddr>> {
    match v {
        b"*" => Some(None),
        [b'[', inner @ .., b']'] => crate::inet::ipv6::parse(inner).map(|a| Some(PeerAddr::V6(a))),
        _ => crate::inet::ipv4::parse_pton(v).map(|a| Some(PeerAddr::V4(a))),
    }
}

/// A rule's tokens: split at `:`, except inside `[...]` (an IPv6 address).
struct Tokens<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Tokens<'a> {
    fn peek(&self) -> Option<&'a [u8]> {
        let r = self.rest?;
        Some(r.get(..Self::end(r)).unwrap_or(r))
    }

    fn end(r: &[u8]) -> usize {
        let mut depth = 0u32;
        for (i, &c) in r.iter().enumerate() {
            match c {
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b':' if depth == 0 => return i,
                _ => {}
            }
        }
        r.len()
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let r = self.rest?;
        let e = Self::end(r);
        self.rest = r.get(e + 1..).filter(|_| e < r.len());
        Some(r.get(..e).unwrap_or(r))
    }
}

/// What happens to one call that a rule hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fault {
    pub action: Action,
    pub delay_enter_ns: u64,
    pub delay_exit_ns: u64,
    pub short: u32,
    /// Bytes per second (0: none).
    pub rate: u64,
}

impl Fault {
    /// How long a call that moved `n` bytes sleeps after it for `rate=`.
    pub fn pace_ns(&self, n: u64) -> u64 {
        if self.rate == 0 {
            return 0;
        }
        let ns = u128::from(n) * 1_000_000_000 / u128::from(self.rate);
        (ns.min(u128::from(DELAY_MAX_NS))) as u64
    }
}

/// The rules of one variable.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rules {
    rules: [Option<Rule>; MAX_RULES],
}

impl Rules {
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().flatten()
    }
}

/// Why a value is not rules: the bad part (a rule or one of its tokens)
/// and what was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadRule<'a> {
    pub part: &'a [u8],
    pub why: &'static str,
}

fn bad<'a, T>(part: &'a [u8], why: &'static str) -> Result<T, BadRule<'a>> {
    Err(BadRule { part, why })
}

/// Parses `SOCKSHIM_INJECT`'s value: rules separated by `;`. `fault` is
/// strace's `-e fault=` syntax (only `error=` and `when=`; `ENOSYS` when
/// no `error=`).
pub(crate) fn parse_rules(v: &[u8], fault: bool) -> Result<Rules, BadRule<'_>> {
    let mut out = Rules {
        rules: [None; MAX_RULES],
    };
    for (i, text) in v.split(|&c| c == b';').enumerate() {
        let slot = match out.rules.get_mut(i) {
            Some(s) => s,
            None => return bad(text, "more than 16 rules"),
        };
        *slot = Some(parse_rule(text, fault)?);
    }
    Ok(out)
}

/// Checks one rule, for `sockshim-trace -e inject=`/`-e fault=`: the
/// library's own parser, so that the command refuses what the library would.
pub fn check_rule(text: &[u8], fault: bool) -> Result<(), BadRule<'_>> {
    parse_rule(text, fault).map(|_| ())
}

/// One rule: `SET[:TOKEN]...`.
pub(crate) fn parse_rule(text: &[u8], fault: bool) -> Result<Rule, BadRule<'_>> {
    let mut parts = Tokens { rest: Some(text) };
    let set_text = parts.next().unwrap_or(&[]);
    if set_text.is_empty() {
        return bad(text, "a rule starts with a function set (connect, %data, ...)");
    }
    let set = match parse_filter(set_text) {
        Some(s) if s != FuncSet::empty() => s,
        _ => return bad(set_text, "not a set of functions and %classes as -e trace= takes"),
    };
    let mut r = Rule {
        set,
        action: Action::Perform,
        delay_enter_ns: 0,
        delay_exit_ns: 0,
        short: 0,
        rate: 0,
        when: When::EVERY,
        to: None,
        fd: 0,
    };
    let mut acted = false;
    let mut seen_when = false;
    while let Some(tok) = parts.next() {
        if tok.is_empty() {
            return bad(text, "an empty token (one ':' too many)");
        }
        let (key, val) = match tok.iter().position(|&c| c == b'=') {
            Some(i) => (&tok[..i], &tok[i + 1..]),
            None => (tok, &[][..]),
        };
        let extended = !matches!(key, b"error" | b"when" | b"to" | b"fd");
        if fault && extended {
            return bad(tok, "fault= takes only error=, to=, fd= and when=");
        }
        match key {
            b"error" | b"retval" => {
                if r.action != Action::Perform {
                    return bad(tok, "one error=, retval= or reset per rule");
                }
                r.action = if key == b"error" {
                    parse_error(val, set).map_err(|why| BadRule { part: tok, why })?
                } else {
                    if names_resolver(set) {
                        return bad(tok, "retval= does not apply to resolver functions (use error=)");
                    }
                    match parse_u64(val) {
                        Some(n) if n <= i64::MAX as u64 => Action::Retval(n as i64),
                        _ => return bad(tok, "retval= wants a number 0..=9223372036854775807"),
                    }
                };
                acted = true;
            }
            b"delay_enter" | b"delay_exit" => {
                let Some(ns) = parse_duration(val) else {
                    return bad(
                        tok,
                        "a delay is a number with s, ms, us or ns (us when none), at most a day",
                    );
                };
                if key == b"delay_enter" {
                    r.delay_enter_ns = ns;
                } else {
                    r.delay_exit_ns = ns;
                }
                acted = true;
            }
            b"reset" if val.is_empty() && tok == b"reset" => {
                if r.action != Action::Perform {
                    return bad(tok, "one error=, retval= or reset per rule");
                }
                if Func::all().iter().any(|f| set.contains(*f) && !f.fd_first()) {
                    return bad(tok, "reset applies only to calls on a descriptor (send, recv, ...)");
                }
                r.action = Action::Reset;
                acted = true;
            }
            b"rate" => match parse_rate(val) {
                Some(n) => {
                    r.rate = n;
                    acted = true;
                }
                None => {
                    return bad(
                        tok,
                        "rate= wants bytes per second: 1 or more, k or m after (x1000), /s optional",
                    )
                }
            },
            b"short" => match parse_u64(val) {
                Some(n @ 1..=0xffff_ffff) => {
                    r.short = n as u32;
                    acted = true;
                }
                _ => return bad(tok, "short= wants a number of bytes, 1 or more"),
            },
            b"fd" => {
                if r.fd != 0 {
                    return bad(tok, "one fd= per rule");
                }
                for name in val.split(|&c| c == b',') {
                    match FD_CLASSES.iter().find(|(n, _)| *n == name) {
                        Some((_, bits)) => r.fd |= bits,
                        None => {
                            return bad(
                                tok,
                                "fd= wants socket classes tcp, udp, unix, inet, inet6, ip (commas between)",
                            )
                        }
                    }
                }
            }
            b"to" => {
                if r.to.is_some() {
                    return bad(tok, "one to= per rule");
                }
                // The port, if any, is the next token (all digits).
                let port = match parts.peek() {
                    Some(p) if !p.is_empty() && p.iter().all(u8::is_ascii_digit) => {
                        parts.next();
                        match parse_u64(p) {
                            Some(n @ 1..=65535) => n as u16,
                            _ => return bad(p, "a port is 1..=65535"),
                        }
                    }
                    _ => 0,
                };
                let addr = parse_peer_addr(val).ok_or(BadRule {
                    part: tok,
                    why: "to= wants an IPv4 address, [IPv6 address] or *, then optionally :PORT",
                })?;
                if addr.is_none() && port == 0 {
                    return bad(tok, "to=* needs a :PORT");
                }
                r.to = Some(Peer { addr, port });
            }
            b"when" => {
                if seen_when {
                    return bad(tok, "one when= per rule");
                }
                seen_when = true;
                r.when = parse_when(val).ok_or(BadRule {
                    part: tok,
                    why: "when= wants FIRST, FIRST+, FIRST+STEP, FIRST..LAST or FIRST..LAST+STEP (1..65534)",
                })?;
            }
            _ => {
                return bad(
                    tok,
                    "unknown token (error= retval= reset delay_enter= delay_exit= short= rate= to= fd= when=)",
                )
            }
        }
    }
    if !acted {
        if fault {
            r.action = Action::Errno(libc::ENOSYS);
        } else {
            return bad(
                text,
                "a rule needs error=, retval=, reset, delay_enter=, delay_exit=, short= or rate=",
            );
        }
    }
    Ok(r)
}

/// True when `set` names a resolver function (`%resolve`).
fn names_resolver(set: FuncSet) -> bool {
    Func::all()
        .iter()
        .any(|f| set.contains(*f) && f.class() == Class::Resolve)
}

/// True when every function of `set` is one of `funcs`.
fn only(set: FuncSet, funcs: &[Func]) -> bool {
    let mut allowed = FuncSet::empty();
    for f in funcs {
        allowed.insert(*f);
    }
    set.0 & !allowed.0 == 0
}

const EAI_FUNCS: [Func; 2] = [Func::Getaddrinfo, Func::Getnameinfo];
const HOST_FUNCS: [Func; 6] = [
    Func::Gethostbyname,
    Func::Gethostbyname2,
    Func::Gethostbyaddr,
    Func::GethostbynameR,
    Func::Gethostbyname2R,
    Func::GethostbyaddrR,
];

/// `error=`'s value for functions `set`.
fn parse_error(val: &[u8], set: FuncSet) -> Result<Action, &'static str> {
    let by_name = |table: names::Names| {
        table
            .entries
            .iter()
            .find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(val))
            .map(|(v, _)| *v as i32)
    };
    let resolves = names_resolver(set);
    if let Some(code) = by_name(super::netdb::EAI) {
        return if only(set, &EAI_FUNCS) {
            Ok(Action::Eai(code))
        } else {
            Err("EAI_* codes apply only to getaddrinfo and getnameinfo")
        };
    }
    if let Some(code) = by_name(super::netdb::H_ERRNO).filter(|&c| c > 0) {
        return if only(set, &HOST_FUNCS) {
            Ok(Action::Herrno(code))
        } else {
            Err("h_errno codes apply only to the gethostby* functions")
        };
    }
    let errno = match parse_u64(val) {
        Some(n @ 1..=4095) => Some(n as i32),
        Some(_) => None,
        None => names::errno_by_name(val),
    };
    match errno {
        Some(_) if resolves => Err("resolver functions take EAI_* (getaddrinfo) or h_errno (gethostby*) codes"),
        Some(e) => Ok(Action::Errno(e)),
        None => Err("error= wants an errno name (ECONNREFUSED) or number 1..=4095"),
    }
}

/// strace's `when=` (see `When`).
fn parse_when(v: &[u8]) -> Option<When> {
    let (range, step) = match v.iter().position(|&c| c == b'+') {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    let (first, last) = match range.windows(2).position(|w| w == b"..") {
        Some(i) => (&range[..i], Some(&range[i + 2..])),
        None => (range, None),
    };
    let num = |s: &[u8]| {
        parse_u64(s)
            .filter(|n| (1..u64::from(LAST_INF)).contains(n))
            .map(|n| n as u16)
    };
    let first = num(first)?;
    let last = match last {
        Some(l) => num(l).filter(|&l| l >= first)?,
        None => LAST_INF,
    };
    let step = match step {
        Some([]) => 1,
        Some(s) => num(s)?,
        None if last == LAST_INF => 0,
        None => 1,
    };
    Some(When { first, last, step })
}

/// `rate=`'s value: `N[k|m][/s]`, bytes per second, at least 1.
fn parse_rate(v: &[u8]) -> Option<u64> {
    let v = v.strip_suffix(b"/s").unwrap_or(v);
    let (num, scale) = match v.last().map(u8::to_ascii_lowercase) {
        Some(b'k') => (&v[..v.len() - 1], 1_000),
        Some(b'm') => (&v[..v.len() - 1], 1_000_000),
        _ => (v, 1),
    };
    parse_u64(num)?.checked_mul(scale).filter(|&n| n > 0)
}

/// A decimal number (no sign, at most 19 digits).
fn parse_u64(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 19 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')))
}

/// `DUR`: digits, an optional fraction, and a unit (`s ms us ns`; `us`
/// when none, as strace's delays); in nanoseconds.
fn parse_duration(v: &[u8]) -> Option<u64> {
    let end = v
        .iter()
        .position(|c| !c.is_ascii_digit() && *c != b'.')
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(end);
    let scale: u64 = match unit {
        b"s" => 1_000_000_000,
        b"ms" => 1_000_000,
        b"us" | b"" => 1_000,
        b"ns" => 1,
        _ => return None,
    };
    let (int, frac) = match num.iter().position(|&c| c == b'.') {
        Some(i) => (&num[..i], &num[i + 1..]),
        None => (num, &[][..]),
    };
    if int.is_empty() || frac.len() > 9 || (num.contains(&b'.') && frac.is_empty()) {
        return None;
    }
    let whole = parse_u64(int)?;
    let mut f = if frac.is_empty() { 0 } else { parse_u64(frac)? };
    // The fraction in units of 1e-9 of the unit, then scaled.
    for _ in frac.len()..9 {
        f *= 10;
    }
    let ns = whole.checked_mul(scale)?.checked_add(f * scale / 1_000_000_000)?;
    (ns <= DELAY_MAX_NS).then_some(ns)
}

// ---- the installed rules: atomics, one slot per rule ----------------------

const A_PERFORM: u8 = 0;
const A_ERRNO: u8 = 1;
const A_EAI: u8 = 2;
const A_HERRNO: u8 = 3;
const A_RETVAL: u8 = 4;
const A_RESET: u8 = 5;

const NFUNCS: usize = 64;

struct Slot {
    action: AtomicU8,
    value: AtomicI64,
    enter: AtomicU64,
    exit: AtomicU64,
    short: AtomicU32,
    rate: AtomicU64,
    when: AtomicU64,
    /// `to=`: 0 none, 1 any address, 4 IPv4, 6 IPv6; the port; the address.
    to_kind: AtomicU8,
    to_port: AtomicU32,
    to_addr: [AtomicU64; 2],
    /// `fd=`'s classes (0: any).
    fd: AtomicU8,
    /// The calls this rule matched, per function.
    counts: [AtomicU64; NFUNCS],
}

static SLOTS: [Slot; MAX_RULES] = [const {
    Slot {
        action: AtomicU8::new(A_PERFORM),
        value: AtomicI64::new(0),
        enter: AtomicU64::new(0),
        exit: AtomicU64::new(0),
        short: AtomicU32::new(0),
        rate: AtomicU64::new(0),
        when: AtomicU64::new(0),
        to_kind: AtomicU8::new(0),
        to_port: AtomicU32::new(0),
        to_addr: [AtomicU64::new(0), AtomicU64::new(0)],
        fd: AtomicU8::new(0),
        counts: [const { AtomicU64::new(0) }; NFUNCS],
    }
}; MAX_RULES];

/// Per function, the rules that name it (bit i: rule i).
static BY_FUNC: [AtomicU32; NFUNCS] = [const { AtomicU32::new(0) }; NFUNCS];

/// The functions some rule names.
static MASK: AtomicU64 = AtomicU64::new(0);

/// True when a rule names `f`: the one test on the path of a call when
/// only injection is on.
#[inline(always)]
pub(crate) fn wants(f: Func) -> bool {
    MASK.load(Relaxed) & (1u64 << f.code()) != 0
}

/// What a rule asks of a call before it applies: `to=` and `fd=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Selectors {
    pub to: Option<Peer>,
    /// `fd=`'s classes (`fd_classes` bits; 0: any).
    pub fd: u8,
}

impl Selectors {
    fn none(&self) -> bool {
        self.to.is_none() && self.fd == 0
    }
}

/// Installs `rules` (the constructor, once, single-threaded).
pub(crate) fn install(rules: &Rules) {
    for b in &BY_FUNC {
        b.store(0, Relaxed);
    }
    let mut mask = 0u64;
    for (i, r) in rules.rules.iter().enumerate() {
        let (Some(r), Some(s)) = (r, SLOTS.get(i)) else {
            continue;
        };
        let (action, value) = match r.action {
            Action::Perform => (A_PERFORM, 0),
            Action::Errno(e) => (A_ERRNO, i64::from(e)),
            Action::Eai(e) => (A_EAI, i64::from(e)),
            Action::Herrno(e) => (A_HERRNO, i64::from(e)),
            Action::Retval(v) => (A_RETVAL, v),
            Action::Reset => (A_RESET, 0),
        };
        s.action.store(action, Relaxed);
        s.value.store(value, Relaxed);
        s.enter.store(r.delay_enter_ns, Relaxed);
        s.exit.store(r.delay_exit_ns, Relaxed);
        s.short.store(r.short, Relaxed);
        s.rate.store(r.rate, Relaxed);
        s.when.store(r.when.pack(), Relaxed);
        let (kind, bytes) = match r.to.and_then(|p| p.addr) {
            None if r.to.is_none() => (0, [0u8; 16]),
            None => (1, [0u8; 16]),
            Some(PeerAddr::V4(a)) => {
                let mut b = [0u8; 16];
                b[..4].copy_from_slice(&a);
                (4, b)
            }
            Some(PeerAddr::V6(a)) => (6, a),
        };
        s.to_kind.store(kind, Relaxed);
        s.to_port.store(u32::from(r.to.map_or(0, |p| p.port)), Relaxed);
        let (lo, hi) = bytes.split_at(8);
        s.to_addr[0].store(u64::from_ne_bytes(lo.try_into().unwrap_or([0; 8])), Relaxed);
        s.to_addr[1].store(u64::from_ne_bytes(hi.try_into().unwrap_or([0; 8])), Relaxed);
        s.fd.store(r.fd, Relaxed);
        for c in &s.counts {
            c.store(0, Relaxed);
        }
        for f in Func::all().iter().filter(|f| r.set.contains(**f)) {
            if let Some(b) = BY_FUNC.get(usize::from(f.code())) {
                b.fetch_or(1 << i, Relaxed);
                mask |= 1u64 << f.code();
            }
        }
    }
    MASK.store(mask, Relaxed);
}

impl Slot {
    fn selectors(&self) -> Selectors {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.to_addr[0].load(Relaxed).to_ne_bytes());
        b[8..].copy_from_slice(&self.to_addr[1].load(Relaxed).to_ne_bytes());
        let addr = match self.to_kind.load(Relaxed) {
            4 => Some(PeerAddr::V4([b[0], b[1], b[2], b[3]])),
            6 => Some(PeerAddr::V6(b)),
            _ => None,
        };
        let to = (self.to_kind.load(Relaxed) != 0).then_some(Peer {
            addr,
            port: self.to_port.load(Relaxed) as u16,
        });
        Selectors {
            to,
            fd: self.fd.load(Relaxed),
        }
    }

    fn fault(&self) -> Fault {
        let value = self.value.load(Relaxed);
        let action = match self.action.load(Relaxed) {
            A_ERRNO => Action::Errno(value as i32),
            A_EAI => Action::Eai(value as i32),
            A_HERRNO => Action::Herrno(value as i32),
            A_RETVAL => Action::Retval(value),
            A_RESET => Action::Reset,
            _ => Action::Perform,
        };
        Fault {
            action,
            delay_enter_ns: self.enter.load(Relaxed),
            delay_exit_ns: self.exit.load(Relaxed),
            short: self.short.load(Relaxed),
            rate: self.rate.load(Relaxed),
        }
    }
}

/// The rule that applies to this call of `f` (a function `wants` says a
/// rule names): the last rule naming `f` whose selectors the call meets
/// (`selected` answers for `to=`/`fd=`; a rule without them always
/// applies, so it hides the rules before it, as a later strace `-e
/// inject=` does). That rule counts the call; its fault, if its `when=`
/// hits this call.
pub(crate) fn decide(f: Func, mut selected: impl FnMut(&Selectors) -> bool) -> Option<Fault> {
    let code = usize::from(f.code());
    let rules = BY_FUNC.get(code)?.load(Relaxed);
    for (i, s) in SLOTS.iter().enumerate().rev() {
        if rules & (1 << i) == 0 {
            continue;
        }
        let sel = s.selectors();
        if !sel.none() && !selected(&sel) {
            continue;
        }
        let n = s.counts.get(code)?.fetch_add(1, Relaxed).wrapping_add(1);
        return When::unpack(s.when.load(Relaxed)).hits(n).then(|| s.fault());
    }
    None
}

/// The child side of fork: its own counts, from zero.
pub(crate) fn after_fork_child() {
    for s in &SLOTS {
        for c in &s.counts {
            c.store(0, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> Rule {
        parse_rule(s.as_bytes(), false).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    fn bad_part(s: &str) -> String {
        let e = parse_rules(s.as_bytes(), false).expect_err(s);
        String::from_utf8(e.part.to_vec()).unwrap()
    }

    /// The calls (1..=20) `when` injects.
    fn hits(w: &str) -> Vec<u64> {
        let r = rule(&format!("connect:error=EIO:when={w}"));
        (1..=20).filter(|&n| r.when.hits(n)).collect()
    }

    #[test]
    fn when_as_strace() {
        // strace(1): "when=first..last+step"; F alone is only the F-th.
        assert_eq!(hits("2"), [2]);
        assert_eq!(hits("2..4"), [2, 3, 4]);
        assert_eq!(hits("3+"), (3..=20).collect::<Vec<_>>());
        assert_eq!(hits("1+2"), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
        assert_eq!(hits("2..9+3"), [2, 5, 8]);
        assert_eq!(hits("5..5"), [5]);
        assert_eq!(hits("4..6+"), [4, 5, 6]);
        // No when=: every call.
        let r = rule("connect:error=EIO");
        assert!((1..=20).all(|n| r.when.hits(n)));
        assert!(!When::EVERY.hits(0));
        // Past 65535 calls, steps go on.
        assert!(hits_at("1+2", 100_001) && !hits_at("1+2", 100_002));
        assert!(hits_at("7+", 1 << 40) && !hits_at("7", 1 << 40));
    }

    fn hits_at(w: &str, n: u64) -> bool {
        rule(&format!("send:short=1:when={w}")).when.hits(n)
    }

    #[test]
    fn actions_and_sets() {
        let r = rule("connect:error=ECONNREFUSED:when=1..2");
        assert_eq!(r.action, Action::Errno(libc::ECONNREFUSED));
        assert!(r.set.contains(Func::Connect) && !r.set.contains(Func::Send));
        assert_eq!(
            r.when,
            When {
                first: 1,
                last: 2,
                step: 1
            }
        );
        assert_eq!(rule("connect:error=econnrefused").action, Action::Errno(111));
        assert_eq!(rule("connect:error=111").action, Action::Errno(111));
        assert_eq!(rule("send:retval=0").action, Action::Retval(0));
        assert_eq!(rule("send:retval=42").action, Action::Retval(42));
        assert_eq!(rule("recv,send:reset:when=3").action, Action::Reset);
        assert_eq!(rule("send:rate=500").rate, 500);
        assert_eq!(rule("send:rate=64k/s").rate, 64_000);
        assert_eq!(rule("%data:rate=2M").rate, 2_000_000);
        for bad_rate in [
            "send:rate=0",
            "send:rate=",
            "send:rate=1g",
            "send:rate=k",
            "send:rate=1/m",
        ] {
            assert_eq!(bad_part(bad_rate), &bad_rate[5..], "{bad_rate}");
        }
        let f = Fault {
            action: Action::Perform,
            delay_enter_ns: 0,
            delay_exit_ns: 0,
            short: 0,
            rate: 1000,
        };
        assert_eq!(f.pace_ns(500), 500_000_000);
        assert_eq!(Fault { rate: 0, ..f }.pace_ns(500), 0);
        assert_eq!(f.pace_ns(u64::MAX), DELAY_MAX_NS);
        assert_eq!(bad_part("socket,recv:reset"), "reset");
        assert_eq!(bad_part("recv:reset:error=EIO"), "error=EIO");
        assert_eq!(bad_part("recv:reset=1"), "reset=1");
        let r = rule("%data:short=1");
        assert_eq!(r.short, 1);
        assert!(r.set.contains(Func::Recv) && r.set.contains(Func::Writev) && !r.set.contains(Func::Connect));
        assert_eq!(r.action, Action::Perform);
        let r = rule("connect,accept:delay_enter=200ms:delay_exit=1.5s");
        assert_eq!((r.delay_enter_ns, r.delay_exit_ns), (200_000_000, 1_500_000_000));
        assert!(r.set.contains(Func::Accept));
        assert_eq!(rule("send:delay_enter=7").delay_enter_ns, 7_000);
        assert_eq!(rule("send:delay_enter=7us").delay_enter_ns, 7_000);
        assert_eq!(rule("send:delay_enter=7ns").delay_enter_ns, 7);
        assert_eq!(rule("send:delay_enter=0.25ms").delay_enter_ns, 250_000);
        assert_eq!(rule("getaddrinfo:error=EAI_AGAIN").action, Action::Eai(-3));
        assert_eq!(
            rule("gethostbyname,gethostbyname_r:error=TRY_AGAIN").action,
            Action::Herrno(2)
        );
        assert_eq!(rule("getaddrinfo:delay_enter=2s").delay_enter_ns, 2_000_000_000);
        // fault=: error= and when= only; ENOSYS by default.
        let f = parse_rule(b"connect", true).unwrap();
        assert_eq!(f.action, Action::Errno(libc::ENOSYS));
        assert_eq!(parse_rule(b"connect:when=3", true).unwrap().when.first, 3);
        assert!(parse_rule(b"connect:retval=1", true).is_err());
        assert!(parse_rule(b"connect:delay_enter=1", true).is_err());
        // Several rules.
        let rs = parse_rules(b"connect:error=EIO;%data:short=1;getaddrinfo:error=EAI_FAIL", false).unwrap();
        assert_eq!(rs.iter().count(), 3);
    }

    #[test]
    fn every_bad_form_names_its_part() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            (":error=EIO", ":error=EIO"),
            ("nosuch:error=EIO", "nosuch"),
            ("%nosuch:error=EIO", "%nosuch"),
            ("none:error=EIO", "none"),
            ("connect", "connect"),
            ("connect:when=2", "connect:when=2"),
            ("connect:error=EBOGUS", "error=EBOGUS"),
            ("connect:error=", "error="),
            ("connect:error=0", "error=0"),
            ("connect:error=4096", "error=4096"),
            ("connect:error=EIO:error=EPERM", "error=EPERM"),
            ("connect:error=EIO:retval=1", "retval=1"),
            ("connect:retval=-1", "retval=-1"),
            ("connect:retval=x", "retval=x"),
            ("connect:retval=99999999999999999999", "retval=99999999999999999999"),
            ("connect:error=EIO:when=0", "when=0"),
            ("connect:error=EIO:when=", "when="),
            ("connect:error=EIO:when=x", "when=x"),
            ("connect:error=EIO:when=3..2", "when=3..2"),
            ("connect:error=EIO:when=2.3", "when=2.3"),
            ("connect:error=EIO:when=2..", "when=2.."),
            ("connect:error=EIO:when=1+0", "when=1+0"),
            ("connect:error=EIO:when=1+x", "when=1+x"),
            ("connect:error=EIO:when=65535", "when=65535"),
            ("connect:error=EIO:when=1:when=2", "when=2"),
            ("connect:error=EIO:when=-1", "when=-1"),
            ("connect:delay_enter=", "delay_enter="),
            ("connect:delay_enter=5m", "delay_enter=5m"),
            ("connect:delay_enter=1.s", "delay_enter=1.s"),
            ("connect:delay_enter=.5s", "delay_enter=.5s"),
            ("connect:delay_exit=90000s", "delay_exit=90000s"),
            ("connect:delay_exit=-1s", "delay_exit=-1s"),
            ("send:short=0", "short=0"),
            ("send:short=", "short="),
            ("send:short=x", "short=x"),
            ("connect:signal=SIGKILL", "signal=SIGKILL"),
            ("connect:error=EIO:", "connect:error=EIO:"),
            ("connect::error=EIO", "connect::error=EIO"),
            ("connect:bogus", "bogus"),
            ("connect:error=EAI_AGAIN", "error=EAI_AGAIN"),
            ("getaddrinfo:error=TRY_AGAIN", "error=TRY_AGAIN"),
            ("getaddrinfo:error=EIO", "error=EIO"),
            ("getaddrinfo:retval=0", "retval=0"),
            ("connect:error=EIO;", ""),
            ("connect:error=EIO;;send:short=1", ""),
            ("connect:error=EIO;send", "send"),
        ];
        for (text, part) in cases {
            assert_eq!(bad_part(text), *part, "{text}");
        }
        let many = ["send:short=1"; 17].join(";");
        assert_eq!(bad_part(&many), "send:short=1");
        assert!(parse_rules(["send:short=1"; 16].join(";").as_bytes(), false).is_ok());
    }

    #[test]
    fn to_selectors() {
        let r = rule("connect:error=ECONNREFUSED:to=127.0.0.1:6379:when=2");
        assert_eq!(
            r.to,
            Some(Peer {
                addr: Some(PeerAddr::V4([127, 0, 0, 1])),
                port: 6379
            })
        );
        assert_eq!(r.when.first, 2);
        assert_eq!(
            rule("connect:error=EIO:to=*:6379").to,
            Some(Peer { addr: None, port: 6379 })
        );
        let v6 = rule("connect:error=EIO:to=[::1]:80").to.unwrap();
        assert_eq!(v6.port, 80);
        assert_eq!(rule("connect:error=EIO:to=10.0.0.1").to.unwrap().port, 0);
        let sin = |port: u16, a: [u8; 4]| {
            let mut b = [0u8; 16];
            b[..2].copy_from_slice(&2u16.to_ne_bytes());
            b[2..4].copy_from_slice(&port.to_be_bytes());
            b[4..8].copy_from_slice(&a);
            b
        };
        let sin6 = |port: u16, a: [u8; 16]| {
            let mut b = [0u8; 28];
            b[..2].copy_from_slice(&10u16.to_ne_bytes());
            b[2..4].copy_from_slice(&port.to_be_bytes());
            b[8..24].copy_from_slice(&a);
            b
        };
        let p = r.to.unwrap();
        assert!(p.matches(&sin(6379, [127, 0, 0, 1])));
        assert!(!p.matches(&sin(6380, [127, 0, 0, 1])));
        assert!(!p.matches(&sin(6379, [127, 0, 0, 2])));
        let mut mapped = [0u8; 16];
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped[12..].copy_from_slice(&[127, 0, 0, 1]);
        assert!(p.matches(&sin6(6379, mapped)));
        let mut one = [0u8; 16];
        one[15] = 1;
        assert!(v6.matches(&sin6(80, one)) && !v6.matches(&sin(80, [0, 0, 0, 1])));
        let any = Peer { addr: None, port: 6379 };
        assert!(any.matches(&sin(6379, [10, 1, 2, 3])) && any.matches(&sin6(6379, one)));
        assert!(!any.matches(b"\x01\x00/tmp/sock") && !any.matches(&[]));
        for (text, part) in [
            ("connect:error=EIO:to=", "to="),
            ("connect:error=EIO:to=*", "to=*"),
            ("connect:error=EIO:to=host", "to=host"),
            ("connect:error=EIO:to=1.2.3.4:0", "0"),
            ("connect:error=EIO:to=1.2.3.4:70000", "70000"),
            ("connect:error=EIO:to=[::1", "to=[::1"),
            ("connect:error=EIO:to=1.1.1.1:to=2.2.2.2", "to=2.2.2.2"),
        ] {
            assert_eq!(bad_part(text), part, "{text}");
        }
    }

    #[test]
    fn fd_classes_select() {
        let r = rule("%data:short=1:fd=tcp,unix");
        assert_eq!(r.fd, FD_TCP | FD_UNIX);
        assert_eq!(rule("send:short=1:fd=ip").fd, FD_INET | FD_INET6);
        assert_eq!(fd_classes(libc::AF_INET, libc::SOCK_STREAM) & r.fd, FD_TCP);
        assert_eq!(
            fd_classes(libc::AF_INET6, libc::SOCK_STREAM | libc::SOCK_NONBLOCK) & r.fd,
            FD_TCP
        );
        assert_eq!(fd_classes(libc::AF_INET, libc::SOCK_DGRAM) & r.fd, 0);
        assert_eq!(fd_classes(libc::AF_UNIX, libc::SOCK_DGRAM) & r.fd, FD_UNIX);
        assert_eq!(fd_classes(libc::AF_NETLINK, libc::SOCK_RAW), 0);
        assert_eq!(bad_part("send:short=1:fd=sctp"), "fd=sctp");
        assert_eq!(bad_part("send:short=1:fd="), "fd=");
        assert_eq!(bad_part("send:short=1:fd=tcp:fd=udp"), "fd=udp");
    }

    #[test]
    fn installed_rules_count_per_function() {
        // The only test that installs (the statics are the process's).
        let rs = parse_rules(
            b"connect:error=EIO;send:error=EPIPE:when=2;send,recv:short=3:when=2..3",
            false,
        )
        .unwrap();
        install(&rs);
        assert!(wants(Func::Connect) && wants(Func::Send) && wants(Func::Recv) && !wants(Func::Accept));
        let any = |_: &Selectors| true;
        let c = decide(Func::Connect, any).unwrap();
        assert_eq!(c.action, Action::Errno(libc::EIO));
        // The last rule wins for send; send and recv count apart.
        assert_eq!(decide(Func::Send, any), None);
        assert_eq!(decide(Func::Recv, any), None);
        let s = decide(Func::Send, any).unwrap();
        assert_eq!((s.action, s.short), (Action::Perform, 3));
        assert!(decide(Func::Recv, any).is_some());
        assert!(decide(Func::Send, any).is_some());
        assert_eq!(decide(Func::Send, any), None);
        after_fork_child();
        assert_eq!(decide(Func::Send, any), None);
        assert!(decide(Func::Send, any).is_some());
        // Selectors: the last rule whose selectors the call meets applies.
        install(&parse_rules(b"connect:error=EIO:to=*:80;connect:error=EPERM:to=*:443:when=2", false).unwrap());
        let port = |p: u16| move |s: &Selectors| s.to.is_some_and(|t| t.port == p);
        assert_eq!(
            decide(Func::Connect, port(80)).map(|f| f.action),
            Some(Action::Errno(libc::EIO))
        );
        assert_eq!(decide(Func::Connect, port(443)), None);
        assert_eq!(decide(Func::Connect, port(22)), None);
        assert_eq!(
            decide(Func::Connect, port(443)).map(|f| f.action),
            Some(Action::Errno(libc::EPERM))
        );
        assert_eq!(
            decide(Func::Connect, port(80)).map(|f| f.action),
            Some(Action::Errno(libc::EIO))
        );
        // A later rule without selectors hides the earlier ones.
        install(&parse_rules(b"connect:error=EIO:to=*:80;connect:delay_enter=1ms", false).unwrap());
        assert_eq!(decide(Func::Connect, port(80)).map(|f| f.action), Some(Action::Perform));
        install(&parse_rules(b"accept:retval=0", false).unwrap());
        assert!(!wants(Func::Send) && wants(Func::Accept));
        install(&Rules {
            rules: [None; MAX_RULES],
        });
        assert!(Func::all().iter().all(|f| !wants(*f)));
    }
}
