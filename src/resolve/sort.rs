//! RFC 6724 (RFC 3484) destination address selection, as glibc 2.36's
//! getaddrinfo sorts: the same rules in the same order, with glibc's own
//! deviations, and the same merge sort, so the result order is glibc's.
//!
//! What the rules need from the kernel comes through [`Kernel`]
//! (`system::SystemKernel` asks this machine through `crate::sys::route`):
//! - each destination's source address: glibc connects a UDP socket to it
//!   and asks `getsockname` (`SystemKernel` does exactly that);
//! - the interface addresses (a NETLINK_ROUTE RTM_GETADDR dump): whether
//!   the host has IPv4 / IPv6 addresses other than loopback (AI_ADDRCONFIG),
//!   and each source address's flags, prefix length and interface;
//! - the policy table: glibc's default labels, precedences and IPv4 scopes,
//!   unless /etc/gai.conf has `label`, `precedence` or `scopev4` lines
//!   (`files::gai_conf`).
//!
//! glibc's deviations kept here: the default label table adds fec0::/10
//! (5), fc00::/7 (6) and 2001::/32 (7) and has no precedence for them; the
//! interface table (and so rules 3, 4, 7 and IPv4 prefix lengths) is only
//! used when some non-loopback IPv6 address exists; rule 9 for IPv4 counts
//! common leading bits only within the source's subnet.
//! Rule 7 (native transport) asks the kernel whether an interface is a
//! tunnel, as glibc does.

use super::files::gai_conf::{Policy, PrefixEntry};
use super::grow::Grow;
use super::{unmap_v4, v4_mapped, Addr, Target, LOOPBACK_V6, MAX_ADDRS};
use libc::{IFA_F_DEPRECATED, IFA_F_HOMEADDRESS, IFA_F_OPTIMISTIC};

/// Most interface addresses considered.
pub(crate) const MAX_IFADDRS: usize = 64;

/// An interface address from RTM_GETADDR.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IfAddr {
    /// IPv6, or IPv4 as `::ffff:a.b.c.d`.
    pub addr: [u8; 16],
    pub v4: bool,
    /// IFA_F_* flags.
    pub ifa_flags: u32,
    pub prefixlen: u8,
    pub index: u32,
}

/// glibc's `in6ai` flags.
const DEPRECATED: u8 = 1;
const HOMEADDRESS: u8 = 2;

/// The interface addresses, as glibc's `__check_pf` summarises them.
#[derive(Clone, Copy, Debug)]
pub struct IfAddrs {
    pub list: [IfAddr; MAX_IFADDRS],
    pub len: usize,
    /// An IPv4 address other than 127.0.0.1 exists.
    pub seen_ipv4: bool,
    /// An IPv6 address other than ::1 exists.
    pub seen_ipv6: bool,
}

impl IfAddrs {
    pub(crate) const fn new() -> Self {
        IfAddrs {
            list: [IfAddr {
                addr: [0; 16],
                v4: false,
                ifa_flags: 0,
                prefixlen: 0,
                index: 0,
            }; MAX_IFADDRS],
            len: 0,
            seen_ipv4: false,
            seen_ipv6: false,
        }
    }

    /// Adds one address from the dump, updating `seen_*`.
    pub fn push(&mut self, a: IfAddr) {
        if a.v4 {
            if a.addr[12..] != [127, 0, 0, 1] {
                self.seen_ipv4 = true;
            }
        } else if a.addr != LOOPBACK_V6 {
            self.seen_ipv6 = true;
        }
        if let Some(slot) = self.list.get_mut(self.len) {
            *slot = a;
            self.len += 1;
        }
    }

    /// The dump failed: glibc assumes both families ("be pessimistic").
    pub fn unknown(&mut self) {
        *self = IfAddrs::new();
        self.seen_ipv4 = true;
        self.seen_ipv6 = true;
    }

    /// glibc keeps the per-address table only when IPv6 was seen.
    fn table(&self) -> &[IfAddr] {
        if self.seen_ipv6 {
            &self.list[..self.len]
        } else {
            &[]
        }
    }
}

impl Default for IfAddrs {
    fn default() -> Self {
        IfAddrs::new()
    }
}

/// What sorting (and getaddrinfo) needs from the kernel.
pub trait Kernel {
    /// The interface addresses (RTM_GETADDR dump); `out.unknown()` if the
    /// dump fails.
    fn interface_addrs(&mut self, out: &mut IfAddrs);
    /// The source address for `dest`, found as glibc does (UDP socket,
    /// connect, getsockname; one socket reused for consecutive calls). An
    /// IPv4 destination reached through an IPv6 socket gives its source as
    /// `::ffff:a.b.c.d`. None when unreachable.
    fn source_for(&mut self, dest: &Target, port: u16) -> Option<Addr>;
    /// Ends a sequence of `source_for` calls (closes the socket).
    fn end_sources(&mut self);
    /// Whether interface `index` is native (not a tunnel); None if unknown.
    fn link_native(&mut self, index: u32) -> Option<bool>;
    /// `if_nametoindex`: 0 when there is no such interface.
    fn if_nametoindex(&mut self, name: &[u8]) -> u32;
    /// The policy table (/etc/gai.conf or glibc's defaults).
    fn policy(&mut self) -> Policy;
}

/// `match_prefix`: the value of the first entry whose prefix matches.
fn match_prefix(addr: &Addr, table: &[PrefixEntry], default: i32) -> i32 {
    let a = addr.to_v6_bytes();
    for e in table {
        let whole = usize::from(e.bits / 8).min(16);
        if a[..whole] != e.prefix[..whole] {
            continue;
        }
        let rest = e.bits % 8;
        if whole == 16 || rest == 0 {
            return e.val;
        }
        let mask = (0xff00u16 >> rest) as u8;
        if a[whole] & mask == e.prefix[whole] & mask {
            return e.val;
        }
    }
    default
}

fn label(a: &Addr, t: &Policy) -> i32 {
    match_prefix(a, &t.labels[..t.nlabels], i32::MAX)
}

fn precedence(a: &Addr, t: &Policy) -> i32 {
    match_prefix(a, &t.precedence[..t.nprecedence], 0)
}

/// glibc's `get_scope`.
fn scope(a: &Addr, t: &Policy) -> i32 {
    match a {
        Addr::V6(b) => {
            if b[0] == 0xff {
                i32::from(b[1] & 0xf)
            } else if (b[0] == 0xfe && b[1] & 0xc0 == 0x80) || *b == LOOPBACK_V6 {
                2
            } else if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 {
                5
            } else {
                14
            }
        }
        Addr::V4(b) => {
            let v = u32::from_ne_bytes(*b);
            t.scopes[..t.nscopes]
                .iter()
                .find(|e| v & e.netmask == e.addr)
                .map_or(14, |e| e.scope)
        }
    }
}

/// What glibc's `sort_result` knows of one result.
#[derive(Clone, Copy, Debug)]
struct Info {
    dest: Addr,
    source: Option<Addr>,
    flags: u8,
    prefixlen: u8,
    index: u32,
    native: Option<bool>,
}

/// glibc's `fls`: the number of leading zero bits (32 for 0).
fn leading_zeros(v: u32) -> i32 {
    v.leading_zeros() as i32
}

/// glibc's `rfc3484_sort` comparator: true when `i` goes before `j`
/// (`cmp <= 0` in glibc's merge; the comparator never returns 0).
fn before(i: usize, j: usize, info: &mut [Info], t: &Policy, kernel: &mut dyn Kernel) -> bool {
    use core::cmp::Ordering::{Greater, Less};
    let ord = compare(i, j, info, t, kernel);
    ord == Less || (ord != Greater && i < j)
}

fn compare(i: usize, j: usize, info: &mut [Info], t: &Policy, kernel: &mut dyn Kernel) -> core::cmp::Ordering {
    use core::cmp::Ordering::{Equal, Greater, Less};
    let (a1, a2) = (info[i], info[j]);
    // Rule 1: avoid unusable destinations.
    match (a1.source.is_some(), a2.source.is_some()) {
        (true, false) => return Less,
        (false, true) => return Greater,
        _ => {}
    }
    let got = a1.source.is_some();
    let (d1, d2) = (scope(&a1.dest, t), scope(&a2.dest, t));
    if let (Some(s1), Some(s2)) = (a1.source, a2.source) {
        // Rule 2: prefer matching scope.
        let (m1, m2) = (d1 == scope(&s1, t), d2 == scope(&s2, t));
        if m1 && !m2 {
            return Less;
        }
        if !m1 && m2 {
            return Greater;
        }
        // Rule 3: avoid deprecated addresses.
        let (dep1, dep2) = (a1.flags & DEPRECATED != 0, a2.flags & DEPRECATED != 0);
        if !dep1 && dep2 {
            return Less;
        }
        if dep1 && !dep2 {
            return Greater;
        }
        // Rule 4: prefer home addresses.
        let (home1, home2) = (a1.flags & HOMEADDRESS != 0, a2.flags & HOMEADDRESS != 0);
        if !home1 && home2 {
            return Greater;
        }
        if home1 && !home2 {
            return Less;
        }
        // Rule 5: prefer matching label.
        let (l1, l2) = (label(&a1.dest, t) == label(&s1, t), label(&a2.dest, t) == label(&s2, t));
        if l1 && !l2 {
            return Less;
        }
        if !l1 && l2 {
            return Greater;
        }
    }
    // Rule 6: prefer higher precedence.
    let (p1, p2) = (precedence(&a1.dest, t), precedence(&a2.dest, t));
    if p1 > p2 {
        return Less;
    }
    if p1 < p2 {
        return Greater;
    }
    // Rule 7: prefer native transport (only across interfaces).
    if got && a1.index != a2.index {
        let n1 = native(i, info, kernel);
        let n2 = native(j, info, kernel);
        if n1 && !n2 {
            return Less;
        }
        if !n1 && n2 {
            return Greater;
        }
    }
    // Rule 8: prefer smaller scope.
    if d1 < d2 {
        return Less;
    }
    if d1 > d2 {
        return Greater;
    }
    // Rule 9: longest matching prefix (same family only).
    if let (Some(s1), Some(s2)) = (a1.source, a2.source) {
        let (b1, b2) = match (a1.dest, a2.dest, s1, s2) {
            (Addr::V4(x1), Addr::V4(x2), Addr::V4(y1), Addr::V4(y2)) => {
                (v4_common(x1, y1, a1.prefixlen), v4_common(x2, y2, a2.prefixlen))
            }
            (Addr::V6(x1), Addr::V6(x2), Addr::V6(y1), Addr::V6(y2)) => v6_common(&x1, &y1, &x2, &y2),
            _ => (0, 0),
        };
        if b1 > b2 {
            return Less;
        }
        if b1 < b2 {
            return Greater;
        }
    }
    // Rule 10: keep the order.
    Equal
}

/// Rule 9 for IPv4: leading common bits, if source and destination are in
/// the source's subnet. glibc shifts a 32-bit mask by `32 - prefixlen`; for
/// a prefix length of 0 the x86 shift count wraps to 0 and the mask is all
/// ones, which is kept here.
fn v4_common(dst: [u8; 4], src: [u8; 4], prefixlen: u8) -> i32 {
    let (d, s) = (u32::from_be_bytes(dst), u32::from_be_bytes(src));
    let shift = (32u32.wrapping_sub(u32::from(prefixlen))) & 31;
    let mask = u32::MAX << shift;
    if d & mask == s & mask {
        leading_zeros(d ^ s)
    } else {
        0
    }
}

/// Rule 9 for IPv6, glibc's way: the first 32-bit word where either pair
/// differs, and each pair's leading common bits in that word.
fn v6_common(d1: &[u8; 16], s1: &[u8; 16], d2: &[u8; 16], s2: &[u8; 16]) -> (i32, i32) {
    let word = |a: &[u8; 16], k: usize| u32::from_be_bytes([a[4 * k], a[4 * k + 1], a[4 * k + 2], a[4 * k + 3]]);
    for k in 0..4 {
        if word(d1, k) != word(s1, k) || word(d2, k) != word(s2, k) {
            return (
                leading_zeros(word(d1, k) ^ word(s1, k)),
                leading_zeros(word(d2, k) ^ word(s2, k)),
            );
        }
    }
    (0, 0)
}

/// Whether result `i`'s interface is native; asked once per interface and
/// remembered for every result on it (glibc's `__check_native` caching).
fn native(i: usize, info: &mut [Info], kernel: &mut dyn Kernel) -> bool {
    if let Some(n) = info[i].native {
        return n;
    }
    let index = info[i].index;
    // Unknown interfaces count as native, as in glibc.
    let n = kernel.link_native(index).unwrap_or(true);
    for r in info.iter_mut().filter(|r| r.index == index) {
        r.native = Some(n);
    }
    n
}

/// glibc's merge sort (`msort_with_tmp`): halves of `n/2` and the rest,
/// merged taking from the left while `cmp <= 0`.
fn merge_sort(order: &mut [usize], tmp: &mut [usize], info: &mut [Info], t: &Policy, kernel: &mut dyn Kernel) {
    let n = order.len();
    if n <= 1 {
        return;
    }
    let n1 = n / 2;
    {
        let (left, right) = order.split_at_mut(n1);
        merge_sort(left, tmp, info, t, kernel);
        merge_sort(right, tmp, info, t, kernel);
    }
    let (mut i, mut j, mut k) = (0, n1, 0);
    while i < n1 && j < n {
        if before(order[i], order[j], info, t, kernel) {
            tmp[k] = order[i];
            i += 1;
        } else {
            tmp[k] = order[j];
            j += 1;
        }
        k += 1;
    }
    while i < n1 {
        tmp[k] = order[i];
        i += 1;
        k += 1;
    }
    // The rest of the right half is already in place.
    order[..k].copy_from_slice(&tmp[..k]);
}

/// Sorts the addresses of getaddrinfo's answer in place as glibc's
/// getaddrinfo sorts its results (stable: glibc's last rule keeps the list
/// order, so the results of one address stay together and in tuple order).
/// `port` is the first result's: the port glibc connects to when it asks
/// the kernel for each address's source.
pub fn sort_targets(targets: &mut [Target], port: u16, ifaddrs: &IfAddrs, t: &Policy, kernel: &mut dyn Kernel) {
    let n = targets.len();
    let Some(&first) = targets.first() else { return };
    let blank = Info {
        dest: Addr::V4([0; 4]),
        source: None,
        flags: 0,
        prefixlen: 0,
        index: u32::MAX,
        native: None,
    };
    // The scratch lists, inline for up to MAX_ADDRS addresses; without
    // memory for a bigger answer it stays in reply order.
    let mut info: Grow<Info, MAX_ADDRS> = Grow::new(blank);
    let mut order: Grow<usize, MAX_ADDRS> = Grow::new(0);
    let mut tmp: Grow<usize, MAX_ADDRS> = Grow::new(0);
    for i in 0..n {
        if !(info.push(blank) && order.push(i) && tmp.push(0)) {
            return;
        }
    }
    let info = info.as_mut_slice();
    let table = ifaddrs.table();
    for i in 0..n {
        let r = targets[i];
        // The same address again: reuse its answer.
        if i > 0 && targets[i - 1] == r {
            info[i] = Info {
                dest: r.addr,
                native: None,
                ..info[i - 1]
            };
            continue;
        }
        let mut inf = Info { dest: r.addr, ..blank };
        if let Some(src) = kernel.source_for(&r, port) {
            // The interface row of the source address (glibc looks IPv4
            // sources on an IPv4 socket up as 127.0.0.1 when in 127/8).
            let key = match src {
                Addr::V4(a) if a[0] == 127 => v4_mapped([127, 0, 0, 1]),
                Addr::V4(a) => v4_mapped(a),
                Addr::V6(a) => a,
            };
            if let Some(row) = table.iter().find(|row| row.addr == key) {
                inf.flags = if row.ifa_flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC) != 0 {
                    DEPRECATED
                } else {
                    0
                } | if row.ifa_flags & IFA_F_HOMEADDRESS != 0 {
                    HOMEADDRESS
                } else {
                    0
                };
                inf.prefixlen = row.prefixlen;
                inf.index = row.index;
            }
            inf.source = Some(match (r.addr, src) {
                (Addr::V4(_), Addr::V6(a)) => unmap_v4(&a).map_or(src, Addr::V4),
                _ => src,
            });
        }
        info[i] = inf;
    }
    kernel.end_sources();
    let order = order.as_mut_slice();
    merge_sort(order, tmp.as_mut_slice(), info, t, kernel);
    let mut sorted: Grow<Target, MAX_ADDRS> = Grow::new(first);
    for &o in order.iter() {
        if !sorted.push(targets[o]) {
            return;
        }
    }
    targets.copy_from_slice(sorted.as_slice());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::files::gai_conf;

    /// A kernel with a fixed routing answer per destination.
    struct Fake {
        sources: Vec<(Addr, Addr)>,
    }

    impl Kernel for Fake {
        fn interface_addrs(&mut self, _: &mut IfAddrs) {}
        fn source_for(&mut self, dest: &Target, _: u16) -> Option<Addr> {
            self.sources.iter().find(|(d, _)| *d == dest.addr).map(|(_, s)| *s)
        }
        fn end_sources(&mut self) {}
        fn link_native(&mut self, _: u32) -> Option<bool> {
            None
        }
        fn if_nametoindex(&mut self, _: &[u8]) -> u32 {
            0
        }
        fn policy(&mut self) -> Policy {
            Policy::glibc_default()
        }
    }

    fn v4(s: &str) -> Addr {
        Addr::V4(crate::inet::ipv4::parse_pton(s.as_bytes()).unwrap())
    }
    fn v6(s: &str) -> Addr {
        Addr::V6(crate::inet::ipv6::parse(s.as_bytes()).unwrap())
    }

    fn run(dests: &[Addr], kernel: &mut Fake, ifaddrs: &IfAddrs) -> Vec<Addr> {
        let mut ts: Vec<Target> = dests.iter().map(|a| Target { addr: *a, scope_id: 0 }).collect();
        sort_targets(&mut ts, 0, ifaddrs, &Policy::glibc_default(), kernel);
        ts.iter().map(|t| t.addr).collect()
    }

    #[test]
    fn loopback_only_prefers_ipv6_loopback() {
        // glibc on a host with only lo: localhost gives ::1 before 127.0.0.1.
        let mut k = Fake {
            sources: vec![(v4("127.0.0.1"), v4("127.0.0.1")), (v6("::1"), v6("::1"))],
        };
        assert_eq!(
            run(&[v4("127.0.0.1"), v6("::1")], &mut k, &IfAddrs::new()),
            [v6("::1"), v4("127.0.0.1")]
        );
    }

    #[test]
    fn unreachable_last_then_precedence() {
        // Nothing reachable: rule 6 puts fd00::5 (precedence 40, glibc has
        // no ULA row) before IPv4 (10).
        let mut k = Fake { sources: vec![] };
        let got = run(
            &[v4("10.0.0.1"), v4("10.0.0.2"), v6("fd00::5")],
            &mut k,
            &IfAddrs::new(),
        );
        assert_eq!(got, [v6("fd00::5"), v4("10.0.0.1"), v4("10.0.0.2")]);
        // A reachable destination goes first (rule 1).
        let mut k = Fake {
            sources: vec![(v4("10.0.0.2"), v4("10.0.0.100"))],
        };
        let got = run(
            &[v4("10.0.0.1"), v4("10.0.0.2"), v6("fd00::5")],
            &mut k,
            &IfAddrs::new(),
        );
        assert_eq!(got[0], v4("10.0.0.2"));
    }

    #[test]
    fn rule9_ipv4_uses_subnet() {
        let mut ifs = IfAddrs::new();
        ifs.push(IfAddr {
            addr: v4_mapped([10, 0, 0, 100]),
            v4: true,
            prefixlen: 24,
            index: 2,
            ifa_flags: 0,
        });
        ifs.push(IfAddr {
            addr: v6("2001:db8::100").to_v6_bytes(),
            v4: false,
            prefixlen: 64,
            index: 2,
            ifa_flags: 0,
        });
        let mut k = Fake {
            sources: vec![(v4("10.1.0.1"), v4("10.0.0.100")), (v4("10.0.0.99"), v4("10.0.0.100"))],
        };
        assert_eq!(
            run(&[v4("10.1.0.1"), v4("10.0.0.99")], &mut k, &ifs),
            [v4("10.0.0.99"), v4("10.1.0.1")]
        );
    }

    #[test]
    fn gai_conf_precedence_replaces_table() {
        let t = gai_conf::parse(b"# prefer IPv4\nprecedence ::ffff:0:0/96  100\n");
        assert_eq!(t.nprecedence, 2);
        assert_eq!(precedence(&v4("1.2.3.4"), &t), 100);
        assert_eq!(precedence(&v6("2001:db8::1"), &t), 40);
        assert_eq!(label(&v6("::1"), &t), 0);
        let t = gai_conf::parse(b"scopev4 ::ffff:10.0.0.0/104 5\n");
        assert_eq!(scope(&v4("10.2.3.4"), &t), 5);
        assert_eq!(scope(&v4("127.0.0.1"), &t), 14);
    }

    #[test]
    fn match_prefix_partial_byte() {
        assert_eq!(label(&v6("fc00::1"), &Policy::glibc_default()), 6);
        assert_eq!(label(&v6("fd00::1"), &Policy::glibc_default()), 6);
        assert_eq!(label(&v6("fe00::1"), &Policy::glibc_default()), 1);
        assert_eq!(label(&v6("fec0::1"), &Policy::glibc_default()), 5);
        assert_eq!(label(&v4("1.2.3.4"), &Policy::glibc_default()), 4);
    }
}
