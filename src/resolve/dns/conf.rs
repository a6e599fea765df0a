//! /etc/resolv.conf, read as glibc 2.36 reads it (resolv.conf(5)).
//!
//! - A line is a keyword followed by a space or tab; lines starting with `;`
//!   or `#` are comments; unknown keywords and malformed values are ignored.
//! - `nameserver ADDR`: an IPv4 address in `inet_aton`'s grammar, or an IPv6
//!   address with an optional `%scope` (numeric; see `NameServer`). The first
//!   `MAXNS` are used; none at all means 127.0.0.1.
//! - `search D...` and `domain D` each replace the search list, the last line
//!   winning; `LOCALDOMAIN` replaces both (the file's lines are then
//!   ignored); with neither, the search list is the part of the host name
//!   after its first dot.
//! - `options`, then `RES_OPTIONS` on top: `ndots:N` (at most 15),
//!   `timeout:N` (at most 30), `attempts:N` (at most 5), `rotate`, `edns0`,
//!   `single-request-reopen`, `single-request`, `no-tld-query` /
//!   `no_tld_query`, `use-vc`, `trust-ad`, `no-aaaa` (and `inet6`,
//!   `no-reload`, accepted and without effect here). Like glibc, an option
//!   matches when the word *starts* with its name, and N is read by `atoi`.
//! - `sortlist` only affects gethostbyname's order in glibc and is ignored.

use crate::inet::{ipv4, ipv6, is_c_space};
use crate::resolve::files::{self, Db};
use crate::resolve::Addr;

/// Name servers used (glibc's `MAXNS`).
pub(crate) const MAXNS: usize = 3;
/// Search domains kept. glibc 2.36 keeps any number; beyond this many the
/// rest are dropped.
pub(crate) const MAXDNSRCH: usize = 16;
/// Bytes of search-domain text kept (all domains together); a domain that
/// does not fit is dropped with those after it.
pub(crate) const SEARCH_BYTES: usize = 1024;
/// glibc's caps: `RES_MAXNDOTS`, `RES_MAXRETRANS`, `RES_MAXRETRY`.
pub(crate) const MAX_NDOTS: i32 = 15;
pub(crate) const MAX_TIMEOUT: i32 = 30;
pub(crate) const MAX_ATTEMPTS: i32 = 5;
/// glibc's defaults: `RES_TIMEOUT`, `RES_DFLRETRY`, ndots 1.
pub(crate) const DEFAULT_TIMEOUT: i32 = 5;
pub(crate) const DEFAULT_ATTEMPTS: i32 = 2;
pub(crate) const DEFAULT_NDOTS: u8 = 1;
/// The DNS port (`NAMESERVER_PORT`).
pub(crate) const NAMESERVER_PORT: u16 = 53;

/// One name server. Its port is always 53, as in glibc. `scope_id` comes
/// from a numeric `%N` suffix; an interface name (`%eth0`) would need
/// `if_nametoindex` (a syscall) and is read as 0, which the kernel accepts
/// for global addresses only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameServer {
    pub addr: Addr,
    pub scope_id: u32,
}

/// The resolver configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResolvConf {
    nameservers: [NameServer; MAXNS],
    nscount: usize,
    search_text: [u8; SEARCH_BYTES],
    /// (start, end) of each search domain in `search_text`.
    search_spans: [(u16, u16); MAXDNSRCH],
    search_count: usize,
    /// A domain did not fit: those after it are dropped too.
    search_full: bool,
    /// Dots a name needs to be tried as-is first (0..=15).
    pub ndots: u8,
    /// Seconds per try, as written (glibc waits at least 1 second).
    pub timeout: i32,
    /// Rounds over the servers; 0 or less sends nothing.
    pub attempts: i32,
    pub rotate: bool,
    pub edns0: bool,
    pub single_request: bool,
    pub single_request_reopen: bool,
    pub no_tld_query: bool,
    pub use_vc: bool,
    pub trust_ad: bool,
    pub no_aaaa: bool,
}

const LOCALHOST: NameServer = NameServer {
    addr: Addr::V4([127, 0, 0, 1]),
    scope_id: 0,
};

impl Default for ResolvConf {
    /// glibc's configuration without a file, environment or host name.
    fn default() -> Self {
        ResolvConf {
            nameservers: [LOCALHOST; MAXNS],
            nscount: 0,
            search_text: [0; SEARCH_BYTES],
            search_spans: [(0, 0); MAXDNSRCH],
            search_count: 0,
            search_full: false,
            ndots: DEFAULT_NDOTS,
            timeout: DEFAULT_TIMEOUT,
            attempts: DEFAULT_ATTEMPTS,
            rotate: false,
            edns0: false,
            single_request: false,
            single_request_reopen: false,
            no_tld_query: false,
            use_vc: false,
            trust_ad: false,
            no_aaaa: false,
        }
    }
}

impl ResolvConf {
    /// The name servers, in file order (never empty after parsing).
    pub fn nameservers(&self) -> &[NameServer] {
        self.nameservers.get(..self.nscount).unwrap_or(&[])
    }

    /// The search domains, in order (a domain may be empty: the root).
    pub fn search(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.search_spans
            .iter()
            .take(self.search_count)
            .map(|&(a, b)| self.search_text.get(usize::from(a)..usize::from(b)).unwrap_or(&[]))
    }

    /// Number of search domains.
    pub fn search_len(&self) -> usize {
        self.search_count
    }

    fn clear_search(&mut self) {
        self.search_count = 0;
        self.search_full = false;
    }

    /// Appends a search domain; silently drops it when a limit is reached.
    fn add_search(&mut self, domain: &[u8]) {
        if self.search_count == MAXDNSRCH || self.search_full {
            return;
        }
        let start = match self.search_count.checked_sub(1) {
            Some(last) => usize::from(self.search_spans[last].1),
            None => 0,
        };
        let end = start + domain.len();
        let Some(dst) = self.search_text.get_mut(start..end) else {
            self.search_full = true;
            return;
        };
        dst.copy_from_slice(domain);
        self.search_spans[self.search_count] = (start as u16, end as u16);
        self.search_count += 1;
    }

    fn add_nameserver(&mut self, ns: NameServer) {
        if self.nscount < MAXNS {
            self.nameservers[self.nscount] = ns;
            self.nscount += 1;
        }
    }
}

/// Parses resolv.conf text plus the `LOCALDOMAIN` and `RES_OPTIONS` values
/// (without a host name: see `parse_with_hostname`). Never fails: glibc
/// ignores what it cannot read.
pub fn parse(text: &[u8], localdomain: Option<&[u8]>, res_options: Option<&[u8]>) -> ResolvConf {
    parse_with_hostname(text, localdomain, res_options, None)
}

/// `parse`, with the host name whose domain becomes the search list when
/// neither the file nor `LOCALDOMAIN` gives one.
pub fn parse_with_hostname(
    text: &[u8],
    localdomain: Option<&[u8]>,
    res_options: Option<&[u8]>,
    hostname: Option<&[u8]>,
) -> ResolvConf {
    let mut conf = ResolvConf::default();
    if let Some(env) = localdomain {
        // Blank-separated, up to a newline; a leading blank gives an empty
        // first domain, as in glibc.
        let env = env.split(|&c| c == b'\n').next().unwrap_or(&[]);
        add_words(&mut conf, env, true);
    }
    let have_env = localdomain.is_some();
    for line in text.split(|&c| c == b'\n') {
        // glibc works on C strings: a NUL ends the line.
        let line = line.split(|&c| c == 0).next().unwrap_or(&[]);
        if matches!(line.first(), Some(b';' | b'#')) {
            continue;
        }
        if let Some(rest) = keyword(line, b"domain") {
            let rest = skip_blanks(rest);
            if have_env || rest.is_empty() {
                continue;
            }
            let end = rest.iter().position(|&c| c == b' ' || c == b'\t').unwrap_or(rest.len());
            conf.clear_search();
            conf.add_search(&rest[..end]);
        } else if let Some(rest) = keyword(line, b"search") {
            let rest = skip_blanks(rest);
            if have_env || rest.is_empty() {
                continue;
            }
            conf.clear_search();
            add_words(&mut conf, rest, false);
        } else if let Some(rest) = keyword(line, b"nameserver") {
            if let Some(ns) = parse_nameserver(skip_blanks(rest)) {
                conf.add_nameserver(ns);
            }
        } else if let Some(rest) = keyword(line, b"options") {
            set_options(&mut conf, rest);
        }
    }
    if conf.nscount == 0 {
        conf.add_nameserver(LOCALHOST);
    }
    if conf.search_count == 0 {
        if let Some(dot) = hostname.and_then(|h| h.iter().position(|&c| c == b'.').map(|i| &h[i + 1..])) {
            conf.add_search(dot);
        }
    }
    if let Some(opts) = res_options {
        set_options(&mut conf, opts);
    }
    conf
}

/// The rest of `line` after `name` and one space or tab, if it starts so.
fn keyword<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(name)?;
    matches!(rest.first(), Some(b' ' | b'\t')).then_some(rest)
}

fn skip_blanks(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    &s[n..]
}

/// Adds the blank-separated words of `s` to the search list. With
/// `first_at_start` (LOCALDOMAIN), the first word starts at the first byte
/// even if that is a blank, so it may be empty.
fn add_words(conf: &mut ResolvConf, s: &[u8], first_at_start: bool) {
    let mut words = s.split(|&c| c == b' ' || c == b'\t');
    if first_at_start {
        if let Some(w) = words.next() {
            conf.add_search(w);
        }
    }
    for w in words.filter(|w| !w.is_empty()) {
        conf.add_search(w);
    }
}

/// `nameserver` value: `inet_aton` on the whole rest (which allows trailing
/// blanks and anything after them), else the first word as IPv6 with an
/// optional `%scope`.
fn parse_nameserver(rest: &[u8]) -> Option<NameServer> {
    if rest.is_empty() {
        return None;
    }
    if let Some(v4) = ipv4::parse_aton(rest) {
        return Some(NameServer {
            addr: Addr::V4(v4.to_be_bytes()),
            scope_id: 0,
        });
    }
    let word_end = rest.iter().position(|&c| c == b' ' || c == b'\t').unwrap_or(rest.len());
    let word = &rest[..word_end];
    let (addr, scope) = match word.iter().position(|&c| c == b'%') {
        Some(p) => (&word[..p], Some(&word[p + 1..])),
        None => (word, None),
    };
    let v6 = ipv6::parse(addr)?;
    // glibc ignores a scope it cannot read.
    let scope_id = scope.and_then(parse_u32_decimal).unwrap_or(0);
    Some(NameServer {
        addr: Addr::V6(v6),
        scope_id,
    })
}

/// A whole decimal number that fits in 32 bits.
fn parse_u32_decimal(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter()
        .try_fold(0u32, |v, &d| v.checked_mul(10)?.checked_add(u32::from(d - b'0')))
}

/// C's `atoi`: leading C spaces, an optional sign, decimal digits. glibc's
/// result for values outside `int` is the truncated `long`; saturating
/// gives the same capped settings for every realistic input.
fn atoi(s: &[u8]) -> i32 {
    let s = &s[s.iter().take_while(|&&c| is_c_space(c)).count()..];
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for &d in digits.iter().take_while(|c| c.is_ascii_digit()) {
        v = (v * 10 + i64::from(d - b'0')).min(i64::from(i32::MAX) + 1);
    }
    let v = if neg { -v } else { v };
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// What a boolean option does to the configuration.
type OptionSetter = fn(&mut ResolvConf);

/// The words of an `options` line or of `RES_OPTIONS`.
fn set_options(conf: &mut ResolvConf, s: &[u8]) {
    let mut i = 0usize;
    while i < s.len() {
        while matches!(s.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let word = &s[i..];
        if let Some(n) = word.strip_prefix(b"ndots:") {
            // glibc stores ndots in a 4-bit field: a negative value wraps.
            let v = atoi(n);
            conf.ndots = if v <= MAX_NDOTS {
                (v & 0xf) as u8
            } else {
                MAX_NDOTS as u8
            };
        } else if let Some(n) = word.strip_prefix(b"timeout:") {
            conf.timeout = atoi(n).min(MAX_TIMEOUT);
        } else if let Some(n) = word.strip_prefix(b"attempts:") {
            conf.attempts = atoi(n).min(MAX_ATTEMPTS);
        } else {
            // Prefix matches in glibc's table order ("single-request-reopen"
            // before "single-request").
            let flags: [(&[u8], OptionSetter); 11] = [
                (b"inet6", |_| {}),
                (b"rotate", |c| c.rotate = true),
                (b"edns0", |c| c.edns0 = true),
                (b"single-request-reopen", |c| c.single_request_reopen = true),
                (b"single-request", |c| c.single_request = true),
                (b"no_tld_query", |c| c.no_tld_query = true),
                (b"no-tld-query", |c| c.no_tld_query = true),
                (b"no-reload", |_| {}),
                (b"use-vc", |c| c.use_vc = true),
                (b"trust-ad", |c| c.trust_ad = true),
                (b"no-aaaa", |c| c.no_aaaa = true),
            ];
            if let Some((_, set)) = flags.iter().find(|(name, _)| word.starts_with(name)) {
                set(conf);
            }
        }
        while i < s.len() && s[i] != b' ' && s[i] != b'\t' {
            i += 1;
        }
    }
}

/// Most of resolv.conf that is read; a longer file is read up to its last
/// complete line within this size.
pub(crate) const RESOLV_CONF_MAX: usize = 8192;
/// Longest host name (`HOST_NAME_MAX` + 1).
const HOSTNAME_MAX: usize = 65;

/// The configuration now: /etc/resolv.conf (missing or unreadable: the
/// defaults, as glibc), `LOCALDOMAIN`, `RES_OPTIONS`, and the host name from
/// /proc/sys/kernel/hostname (what gethostname's uname reports). The file
/// and the host name are kept while the file's identity is unchanged (one
/// `stat` per call, as glibc); the environment is read every call.
pub fn load() -> ResolvConf {
    let mut buf = [0u8; RESOLV_CONF_MAX];
    // A missing file is kept under the zero identity.
    let (id, n) = files::read_whole(Db::ResolvConf, &mut buf).unwrap_or_default();
    let text = buf.get(..n).unwrap_or(&[]);
    // A file cut by the buffer keeps only its complete lines.
    let text = if text.len() == RESOLV_CONF_MAX {
        let end = text.iter().rposition(|&c| c == b'\n').unwrap_or(0);
        &text[..end]
    } else {
        text
    };
    let mut host = [0u8; HOSTNAME_MAX];
    let n = files::keyed(Db::Hostname, &id, &mut host, read_hostname);
    let hostname = host.get(..n).unwrap_or(&[]);
    let hostname = hostname.split(|&c| c == b'\n').next().unwrap_or(&[]);
    parse_with_hostname(
        text,
        crate::sys::env::var(c"LOCALDOMAIN"),
        crate::sys::env::var(c"RES_OPTIONS"),
        Some(hostname),
    )
}

/// The kernel's host name into `buf` (nothing if it cannot be read).
fn read_hostname(buf: &mut [u8]) -> usize {
    let Ok(fd) = crate::sys::fs::open_read(Db::Hostname.path()) else {
        return 0;
    };
    let n = crate::sys::fs::read_full(fd, buf).unwrap_or(0);
    let _ = crate::sys::io::close(fd);
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn search(c: &ResolvConf) -> Vec<&str> {
        c.search().map(|d| core::str::from_utf8(d).unwrap()).collect()
    }

    fn v4(a: [u8; 4]) -> NameServer {
        NameServer {
            addr: Addr::V4(a),
            scope_id: 0,
        }
    }

    #[test]
    fn defaults() {
        let c = parse(b"", None, None);
        assert_eq!(c.nameservers(), [v4([127, 0, 0, 1])]);
        assert_eq!(c.search_len(), 0);
        assert_eq!((c.ndots, c.timeout, c.attempts), (1, 5, 2));
        let c = parse_with_hostname(b"", None, None, Some(b"box.lab.example"));
        assert_eq!(search(&c), ["lab.example"]);
        let c = parse_with_hostname(b"", None, None, Some(b"box"));
        assert_eq!(c.search_len(), 0);
    }

    #[test]
    fn nameservers() {
        let c = parse(
            b"nameserver 10.0.0.1\nnameserver\t::1\nnameserver fe80::1%2 trailing\nnameserver 10.0.0.4\n",
            None,
            None,
        );
        let mut fe80 = [0u8; 16];
        fe80[0] = 0xfe;
        fe80[1] = 0x80;
        fe80[15] = 1;
        let mut lo6 = [0u8; 16];
        lo6[15] = 1;
        assert_eq!(
            c.nameservers(),
            [
                v4([10, 0, 0, 1]),
                NameServer {
                    addr: Addr::V6(lo6),
                    scope_id: 0
                },
                NameServer {
                    addr: Addr::V6(fe80),
                    scope_id: 2
                }
            ]
        );
        // inet_aton's grammar, trailing junk after a blank, bad lines skipped.
        let c = parse(
            b"nameserver 127.1 # local\nnameserver 1.2.3.4x\nnameserver\nnameserver  0x0a000001\n",
            None,
            None,
        );
        assert_eq!(c.nameservers(), [v4([127, 0, 0, 1]), v4([10, 0, 0, 1])]);
        // Keyword must be followed by a blank; comments; scope name ignored.
        let c = parse(
            b"nameserver:1.1.1.1\n#nameserver 2.2.2.2\n nameserver 3.3.3.3\nnameserver ::2%eth0\n",
            None,
            None,
        );
        let mut two = [0u8; 16];
        two[15] = 2;
        assert_eq!(
            c.nameservers(),
            [NameServer {
                addr: Addr::V6(two),
                scope_id: 0
            }]
        );
    }

    #[test]
    fn search_and_domain_last_wins() {
        let c = parse(b"search a.test  b.test\t c.test \ndomain d.test\n", None, None);
        assert_eq!(search(&c), ["d.test"]);
        let c = parse(b"domain d.test extra\nsearch a.test b.test\n", None, None);
        assert_eq!(search(&c), ["a.test", "b.test"]);
        let c = parse(b"search a.test\nsearch   \ndomain\t\n", None, None);
        assert_eq!(search(&c), ["a.test"]);
        let c = parse_with_hostname(b"search x.test\n", None, None, Some(b"h.host.test"));
        assert_eq!(search(&c), ["x.test"]);
    }

    #[test]
    fn localdomain_overrides() {
        let c = parse(
            b"search a.test\ndomain d.test\n",
            Some(b"e1.test e2.test\nignored"),
            None,
        );
        assert_eq!(search(&c), ["e1.test", "e2.test"]);
        let c = parse(b"search a.test\n", Some(b""), None);
        assert_eq!(search(&c), [""]);
        let c = parse(b"", Some(b" x.test"), None);
        assert_eq!(search(&c), ["", "x.test"]);
        let c = parse_with_hostname(b"", Some(b""), None, Some(b"h.host.test"));
        assert_eq!(search(&c), [""]);
    }

    #[test]
    fn search_limits() {
        let mut t = Vec::from(&b"search"[..]);
        for i in 0..(MAXDNSRCH + 5) {
            t.extend_from_slice(format!(" d{i}.test").as_bytes());
        }
        let c = parse(&t, None, None);
        assert_eq!(c.search_len(), MAXDNSRCH);
        assert_eq!(
            c.search().last().unwrap(),
            format!("d{}.test", MAXDNSRCH - 1).as_bytes()
        );
        let mut t = Vec::from(&b"search "[..]);
        t.extend_from_slice(&[b'x'; SEARCH_BYTES - 2]);
        t.extend_from_slice(b" abc de");
        let c = parse(&t, None, None);
        assert_eq!(c.search_len(), 1);
    }

    #[test]
    fn options() {
        let c = parse(
            b"options ndots:3 timeout:7 attempts:4 rotate edns0 single-request use-vc trust-ad no-aaaa\n",
            None,
            None,
        );
        assert_eq!((c.ndots, c.timeout, c.attempts), (3, 7, 4));
        assert!(c.rotate && c.edns0 && c.single_request && c.use_vc && c.trust_ad && c.no_aaaa);
        assert!(!c.single_request_reopen && !c.no_tld_query);
        let c = parse(
            b"options ndots:99 timeout:99 attempts:99 single-request-reopen no_tld_query\n",
            None,
            None,
        );
        assert_eq!((c.ndots, c.timeout, c.attempts), (15, 30, 5));
        assert!(c.single_request_reopen && !c.single_request && c.no_tld_query);
        // Prefix matching, atoi's leading space, negative values, junk.
        let c = parse(
            b"options rotatexyz ndots: 4 timeout:-3 attempts:x2 ndots:\n",
            None,
            None,
        );
        assert!(c.rotate);
        assert_eq!((c.ndots, c.timeout, c.attempts), (0, -3, 0));
        let c = parse(b"options ndots:-1\n", None, None);
        assert_eq!(c.ndots, 15);
        let c = parse(b"options ndots: 4\n", None, None);
        assert_eq!(c.ndots, 4);
        // RES_OPTIONS comes after the file.
        let c = parse(b"options ndots:3 timeout:2\n", None, Some(b"ndots:5 edns0"));
        assert_eq!((c.ndots, c.timeout), (5, 2));
        assert!(c.edns0);
        assert_eq!(atoi(b"99999999999999"), i32::MAX);
        assert_eq!(atoi(b"-99999999999999"), i32::MIN);
    }

    #[test]
    fn nul_and_garbage_never_panic() {
        let c = parse(b"nameserver 1.2.3.4\0junk\nsearch a\0b\n", None, None);
        assert_eq!(c.nameservers(), [v4([1, 2, 3, 4])]);
        assert_eq!(search(&c), ["a"]);
        let mut seed = 99u32;
        for _ in 0..2000 {
            let mut t = Vec::new();
            for _ in 0..(seed % 200) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let pick = b"nameserver search domain options ndots: 1.2.3.4 ::1 % \t\n#;x.y";
                t.push(pick[(seed >> 16) as usize % pick.len()]);
            }
            let c = parse(&t, Some(&t), Some(&t));
            assert!(!c.nameservers().is_empty() && c.search_len() <= MAXDNSRCH);
        }
    }
}
