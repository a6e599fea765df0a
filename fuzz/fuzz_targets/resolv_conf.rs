//! /etc/resolv.conf with `LOCALDOMAIN`, `RES_OPTIONS` and the host name:
//! `sockshim::resolve::dns::conf::parse_with_hostname`.
//!
//! The input is up to four parts separated by 0xfe bytes: the file, then
//! (when present) LOCALDOMAIN, RES_OPTIONS and the host name. Properties:
//! nothing panics; one to three name servers; at most 16 search domains in
//! at most 1024 bytes; ndots, timeout and attempts within glibc's caps; every
//! search domain joins a name without panicking; and the configuration,
//! printed back as a plain resolv.conf, parses to the same configuration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockshim::inet::{ipv4, ipv6};
use sockshim::resolve::dns::conf::{parse, parse_with_hostname, ResolvConf};
use sockshim::resolve::dns::name::WireName;
use sockshim::resolve::Addr;

/// glibc's limits (resolv.h): MAXNS, MAXDNSRCH, the search buffer, and the
/// caps on ndots, timeout and attempts (RES_MAXNDOTS, RES_MAXRETRANS,
/// RES_MAXRETRY).
const MAXNS: usize = 3;
const MAXDNSRCH: usize = 16;
const SEARCH_BYTES: usize = 1024;
const MAX_NDOTS: u8 = 15;
const MAX_TIMEOUT: i32 = 30;
const MAX_ATTEMPTS: i32 = 5;

/// The configuration through its public view.
#[derive(Debug, PartialEq)]
struct View {
    nameservers: Vec<(Addr, u32)>,
    search: Vec<Vec<u8>>,
    numbers: (u8, i32, i32),
    flags: [bool; 8],
}

fn view(c: &ResolvConf) -> View {
    View {
        nameservers: c.nameservers().iter().map(|ns| (ns.addr, ns.scope_id)).collect(),
        search: c.search().map(|d| d.to_vec()).collect(),
        numbers: (c.ndots, c.timeout, c.attempts),
        flags: [
            c.rotate,
            c.edns0,
            c.single_request,
            c.single_request_reopen,
            c.no_tld_query,
            c.use_vc,
            c.trust_ad,
            c.no_aaaa,
        ],
    }
}

const FLAG_NAMES: [&str; 8] = [
    "rotate",
    "edns0",
    "single-request",
    "single-request-reopen",
    "no-tld-query",
    "use-vc",
    "trust-ad",
    "no-aaaa",
];

/// A plain resolv.conf that says `v`.
fn print(v: &View) -> Vec<u8> {
    let mut out = Vec::new();
    for &(addr, scope) in &v.nameservers {
        out.extend_from_slice(b"nameserver ");
        match addr {
            Addr::V4(a) => out.extend_from_slice(ipv4::format(a).as_bytes()),
            Addr::V6(a) => {
                out.extend_from_slice(ipv6::format(&a).as_bytes());
                if scope != 0 {
                    out.extend_from_slice(format!("%{scope}").as_bytes());
                }
            }
        }
        out.push(b'\n');
    }
    if !v.search.is_empty() {
        out.extend_from_slice(b"search");
        for d in &v.search {
            out.push(b' ');
            out.extend_from_slice(d);
        }
        out.push(b'\n');
    }
    let (ndots, timeout, attempts) = v.numbers;
    out.extend_from_slice(format!("options ndots:{ndots} timeout:{timeout} attempts:{attempts}").as_bytes());
    for (on, name) in v.flags.iter().zip(FLAG_NAMES) {
        if *on {
            out.push(b' ');
            out.extend_from_slice(name.as_bytes());
        }
    }
    out.push(b'\n');
    out
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xfe);
    let text = parts.next().unwrap_or(&[]);
    let localdomain = parts.next();
    let res_options = parts.next();
    let hostname = parts.next();

    let conf = parse_with_hostname(text, localdomain, res_options, hostname);
    let v = view(&conf);

    assert!((1..=MAXNS).contains(&v.nameservers.len()));
    assert_eq!(v.search.len(), conf.search_len());
    assert!(v.search.len() <= MAXDNSRCH);
    assert!(v.search.iter().map(Vec::len).sum::<usize>() <= SEARCH_BYTES);
    assert!(conf.ndots <= MAX_NDOTS);
    assert!(conf.timeout <= MAX_TIMEOUT);
    assert!(conf.attempts <= MAX_ATTEMPTS);
    for d in &v.search {
        let _ = WireName::from_text_in(b"host", d);
    }
    if hostname.is_none() {
        assert_eq!(view(&parse(text, localdomain, res_options)), v);
    }

    // Printed back, the configuration reads the same, as long as every
    // search domain can be written as a word of a search line.
    let printable = v
        .search
        .iter()
        .all(|d| !d.is_empty() && !d.iter().any(|&c| matches!(c, b' ' | b'\t' | b'\n' | 0)));
    if printable {
        let again = print(&v);
        assert_eq!(
            view(&parse(&again, None, None)),
            v,
            "printed as {:?}",
            String::from_utf8_lossy(&again)
        );
    }
});
