//! /etc/gai.conf, as glibc 2.36's getaddrinfo reads it (`gaiconf_init`):
//! the `label`, `precedence` and `scopev4` lines that replace its built-in
//! RFC 3484 tables for the RFC 6724 sort (`crate::resolve::sort`);
//! `reload` is ignored (the file is read once per call).

use super::cache::{read_whole, Db};
use crate::inet::{ipv4, ipv6};
use crate::resolve::{unmap_v4, LOOPBACK_V6};

/// /etc/gai.conf beyond this size is ignored.
const GAI_CONF_MAX: usize = 8192;

/// A prefix table entry: prefix, length in bits, value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrefixEntry {
    pub prefix: [u8; 16],
    pub bits: u8,
    pub val: i32,
}

impl PrefixEntry {
    pub const fn new(prefix: [u8; 16], bits: u8, val: i32) -> Self {
        PrefixEntry { prefix, bits, val }
    }
}

/// An IPv4 scope entry (network order address and mask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeEntry {
    pub addr: u32,
    pub netmask: u32,
    pub scope: i32,
}

pub(crate) const MAX_POLICY: usize = 32;

/// The policy table: labels, precedences, IPv4 scopes, most specific first.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub labels: [PrefixEntry; MAX_POLICY],
    pub nlabels: usize,
    pub precedence: [PrefixEntry; MAX_POLICY],
    pub nprecedence: usize,
    pub scopes: [ScopeEntry; MAX_POLICY],
    pub nscopes: usize,
}

const ZERO16: [u8; 16] = [0; 16];
const MAPPED: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0];
const P2002: [u8; 16] = [0x20, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const PFEC0: [u8; 16] = [0xfe, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const PFC00: [u8; 16] = [0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const P2001: [u8; 16] = [0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/// glibc's built-in labels (RFC 3484 plus its site-local, ULA and Teredo rows).
const DEFAULT_LABELS: [PrefixEntry; 8] = [
    PrefixEntry::new(LOOPBACK_V6, 128, 0),
    PrefixEntry::new(P2002, 16, 2),
    PrefixEntry::new(ZERO16, 96, 3),
    PrefixEntry::new(MAPPED, 96, 4),
    PrefixEntry::new(PFEC0, 10, 5),
    PrefixEntry::new(PFC00, 7, 6),
    PrefixEntry::new(P2001, 32, 7),
    PrefixEntry::new(ZERO16, 0, 1),
];

/// glibc's built-in precedences (RFC 3484's table).
const DEFAULT_PRECEDENCE: [PrefixEntry; 5] = [
    PrefixEntry::new(LOOPBACK_V6, 128, 50),
    PrefixEntry::new(P2002, 16, 30),
    PrefixEntry::new(ZERO16, 96, 20),
    PrefixEntry::new(MAPPED, 96, 10),
    PrefixEntry::new(ZERO16, 0, 40),
];

/// glibc's built-in IPv4 scopes: 169.254/16 and 127/8 link-local, else global.
const DEFAULT_SCOPES: [ScopeEntry; 3] = [
    ScopeEntry {
        addr: u32::from_ne_bytes([169, 254, 0, 0]),
        netmask: u32::from_ne_bytes([255, 255, 0, 0]),
        scope: 2,
    },
    ScopeEntry {
        addr: u32::from_ne_bytes([127, 0, 0, 0]),
        netmask: u32::from_ne_bytes([255, 0, 0, 0]),
        scope: 2,
    },
    ScopeEntry {
        addr: 0,
        netmask: 0,
        scope: 14,
    },
];

impl Policy {
    pub fn glibc_default() -> Self {
        let mut t = Policy {
            labels: [PrefixEntry::new(ZERO16, 0, 0); MAX_POLICY],
            nlabels: DEFAULT_LABELS.len(),
            precedence: [PrefixEntry::new(ZERO16, 0, 0); MAX_POLICY],
            nprecedence: DEFAULT_PRECEDENCE.len(),
            scopes: [ScopeEntry {
                addr: 0,
                netmask: 0,
                scope: 0,
            }; MAX_POLICY],
            nscopes: DEFAULT_SCOPES.len(),
        };
        t.labels[..DEFAULT_LABELS.len()].copy_from_slice(&DEFAULT_LABELS);
        t.precedence[..DEFAULT_PRECEDENCE.len()].copy_from_slice(&DEFAULT_PRECEDENCE);
        t.scopes[..DEFAULT_SCOPES.len()].copy_from_slice(&DEFAULT_SCOPES);
        t
    }
}

/// The table from /etc/gai.conf's text, as glibc's `gaiconf_init` reads
/// it: tables the file names replace the defaults (with a catch-all row
/// added when the file has none: label 1, precedence 40, scope 14), and
/// are sorted most specific first (stable among equals).
pub fn parse(text: &[u8]) -> Policy {
    let mut t = Policy::glibc_default();
    let (mut labels, mut nl) = ([PrefixEntry::new(ZERO16, 0, 0); MAX_POLICY], 0usize);
    let (mut precs, mut np) = ([PrefixEntry::new(ZERO16, 0, 0); MAX_POLICY], 0usize);
    let (mut scopes, mut ns) = (
        [ScopeEntry {
            addr: 0,
            netmask: 0,
            scope: 0,
        }; MAX_POLICY],
        0usize,
    );
    for line in text.split(|&c| c == b'\n') {
        let line = line.split(|&c| c == b'#').next().unwrap_or(&[]);
        let mut words = line.split(|c| c.is_ascii_whitespace()).filter(|w| !w.is_empty());
        let (Some(cmd), Some(v1), v2) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let v2 = v2.unwrap_or(&[]);
        match cmd {
            b"label" | b"precedence" => {
                let Some(e) = prefix_entry(v1, v2) else { continue };
                // glibc prepends each entry and fills the table from the
                // end, so the file order is kept before sorting.
                if cmd == b"label" && nl < MAX_POLICY - 1 {
                    labels[nl] = e;
                    nl += 1;
                } else if cmd == b"precedence" && np < MAX_POLICY - 1 {
                    precs[np] = e;
                    np += 1;
                }
            }
            b"scopev4" => {
                if let Some(e) = scope_entry(v1, v2) {
                    if ns < MAX_POLICY - 1 {
                        scopes[ns] = e;
                        ns += 1;
                    }
                }
            }
            _ => {}
        }
    }
    if nl > 0 {
        if !labels[..nl].iter().any(|e| e.bits == 0) {
            labels[nl] = PrefixEntry::new(ZERO16, 0, 1);
            nl += 1;
        }
        stable_sort_by_key(&mut labels[..nl], |e| u32::from(128 - e.bits));
        t.labels = labels;
        t.nlabels = nl;
    }
    if np > 0 {
        if !precs[..np].iter().any(|e| e.bits == 0) {
            precs[np] = PrefixEntry::new(ZERO16, 0, 40);
            np += 1;
        }
        stable_sort_by_key(&mut precs[..np], |e| u32::from(128 - e.bits));
        t.precedence = precs;
        t.nprecedence = np;
    }
    if ns > 0 {
        if !scopes[..ns].iter().any(|e| e.netmask == 0) {
            scopes[ns] = ScopeEntry {
                addr: 0,
                netmask: 0,
                scope: 14,
            };
            ns += 1;
        }
        stable_sort_by_key(&mut scopes[..ns], |e| !u32::from_be(e.netmask));
        t.scopes = scopes;
        t.nscopes = ns;
    }
    t
}

/// Insertion sort: stable, no allocation (the tables are tiny).
fn stable_sort_by_key<T: Copy, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && key(&v[j - 1]) > key(&v[j]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// A decimal number as glibc's gai.conf parser accepts it (strtoul, whole text).
fn decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in s {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(v)
}

/// `label`/`precedence` values: `prefix[/bits] value`.
fn prefix_entry(v1: &[u8], v2: &[u8]) -> Option<PrefixEntry> {
    let mut parts = v1.splitn(2, |&c| c == b'/');
    let addr = ipv6::parse(parts.next()?)?;
    let bits = match parts.next() {
        Some(b) => decimal(b)?,
        None => 128,
    };
    let val = decimal(v2)?;
    (bits <= 128 && val <= i32::MAX as u64).then_some(PrefixEntry {
        prefix: addr,
        bits: bits as u8,
        val: val as i32,
    })
}

/// `scopev4` values: `::ffff:a.b.c.d/96..128 value` or `a.b.c.d[/0..32] value`.
fn scope_entry(v1: &[u8], v2: &[u8]) -> Option<ScopeEntry> {
    let mut parts = v1.splitn(2, |&c| c == b'/');
    let text = parts.next()?;
    let bits_text = parts.next();
    let (a4, bits) = if let Some(a6) = ipv6::parse(text) {
        let a4 = unmap_v4(&a6)?;
        let bits = match bits_text {
            Some(b) => decimal(b)?,
            None => 128,
        };
        if !(96..=128).contains(&bits) {
            return None;
        }
        (a4, bits)
    } else {
        let a4 = ipv4::parse_pton(text)?;
        let bits = match bits_text {
            Some(b) => decimal(b)?,
            None => 32,
        };
        if bits > 32 {
            return None;
        }
        (a4, bits + 96)
    };
    let val = decimal(v2)?;
    if val > i32::MAX as u64 {
        return None;
    }
    // glibc: a /96 (IPv4 /0) entry has mask 0; others `~0 << (128 - bits)`.
    let mask = if bits == 96 {
        0
    } else {
        u32::MAX.checked_shl(128 - bits as u32).unwrap_or(0)
    };
    let netmask = mask.to_be();
    Some(ScopeEntry {
        addr: u32::from_ne_bytes(a4) & netmask,
        netmask,
        scope: val as i32,
    })
}

/// The policy table of this machine: /etc/gai.conf's, or glibc's defaults
/// when it cannot be read. One `stat` per call while the file is unchanged.
pub fn load() -> Policy {
    let mut buf = [0u8; GAI_CONF_MAX];
    match read_whole(Db::GaiConf, &mut buf) {
        Ok((_, n)) => parse(buf.get(..n).unwrap_or(&[])),
        Err(_) => Policy::glibc_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_the_file_names_replaces_the_default() {
        let t = parse(b"# prefer IPv4\nprecedence ::ffff:0:0/96  100\n");
        assert_eq!(t.nprecedence, 2);
        assert_eq!(t.precedence[0], PrefixEntry::new(MAPPED, 96, 100));
        // The catch-all row glibc adds.
        assert_eq!(t.precedence[1], PrefixEntry::new(ZERO16, 0, 40));
        assert_eq!(t.labels[..t.nlabels], DEFAULT_LABELS);
        let t = parse(b"scopev4 ::ffff:10.0.0.0/104 5\nscopev4 192.0.2.0/24 7\nbogus 1 2\n");
        assert_eq!(t.nscopes, 3);
        assert_eq!(
            (t.scopes[0].addr, t.scopes[0].scope),
            (u32::from_ne_bytes([192, 0, 2, 0]), 7)
        );
        assert_eq!(
            (t.scopes[1].addr, t.scopes[1].scope),
            (u32::from_ne_bytes([10, 0, 0, 0]), 5)
        );
        assert_eq!(t.scopes[2].netmask, 0);
    }
}
