//! Address text: `sockshim::inet` against glibc's own functions, and
//! round trips.
//!
//! The input, up to its first NUL, is the text a C caller would pass. Each
//! parser must accept exactly what glibc accepts, with the same value
//! (`inet_aton`, `inet_network`, `inet_pton` for both families); whatever
//! parses must print back (`inet_ntop`) to text that parses to the same bytes.
//! The input's first 16 bytes are also printed as an address and compared
//! with glibc's `inet_ntop`, and run through the classful helpers.
//!
//! This binary does not link sockshim's C exports (the crate is built
//! without "ffi"), so the C names below are glibc's.
#![no_main]

use std::ffi::{c_char, c_int, c_void, CString};

use libfuzzer_sys::fuzz_target;
use sockshim::inet::{classful, ipv4, ipv6};

const AF_INET: c_int = 2;
const AF_INET6: c_int = 10;
const INET6_ADDRSTRLEN: usize = 46;

extern "C" {
    fn inet_aton(cp: *const c_char, inp: *mut u32) -> c_int;
    fn inet_network(cp: *const c_char) -> u32;
    fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int;
    fn inet_ntop(af: c_int, src: *const c_void, dst: *mut c_char, size: u32) -> *const c_char;
}

fn glibc_aton(s: &CString) -> Option<u32> {
    let mut a = 0u32;
    // SAFETY: `s` is NUL-terminated; `a` is a valid `struct in_addr`.
    let ok = unsafe { inet_aton(s.as_ptr(), &mut a) };
    (ok != 0).then(|| u32::from_be(a))
}

fn glibc_network(s: &CString) -> u32 {
    // SAFETY: `s` is NUL-terminated.
    unsafe { inet_network(s.as_ptr()) }
}

fn glibc_pton<const N: usize>(af: c_int, s: &CString) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    // SAFETY: `s` is NUL-terminated; `out` has room for the family's address.
    let r = unsafe { inet_pton(af, s.as_ptr(), out.as_mut_ptr().cast()) };
    (r == 1).then_some(out)
}

fn glibc_ntop(af: c_int, a: &[u8]) -> Vec<u8> {
    let mut buf = [0 as c_char; INET6_ADDRSTRLEN];
    // SAFETY: `a` holds the family's address (4 or 16 bytes); `buf` is as
    // large as the size passed.
    let p = unsafe { inet_ntop(af, a.as_ptr().cast(), buf.as_mut_ptr(), buf.len() as u32) };
    assert!(!p.is_null(), "glibc inet_ntop failed");
    buf.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect()
}

fuzz_target!(|data: &[u8]| {
    let text = data.split(|&b| b == 0).next().unwrap_or(&[]);
    let c = CString::new(text).expect("no NUL before the first NUL");

    // inet_aton / inet_addr
    let aton = ipv4::parse_aton(text);
    assert_eq!(aton, glibc_aton(&c), "inet_aton differs from glibc");
    if let Some(a) = aton {
        let printed = ipv4::format(a.to_be_bytes());
        assert_eq!(ipv4::parse_aton(printed.as_bytes()), Some(a));
    }

    // inet_network: glibc says INADDR_NONE for an error (and for
    // 255.255.255.255).
    let network = ipv4::parse_network(text);
    assert_eq!(
        network.unwrap_or(u32::MAX),
        glibc_network(&c),
        "inet_network differs from glibc"
    );
    if let Some(n) = network {
        let printed = ipv4::format(n.to_be_bytes());
        assert_eq!(ipv4::parse_network(printed.as_bytes()), Some(n));
    }

    // inet_pton(AF_INET): the strict dotted quad is canonical text, and
    // the other two grammars read it the same way.
    let pton4 = ipv4::parse_pton(text);
    assert_eq!(
        pton4,
        glibc_pton::<4>(AF_INET, &c),
        "inet_pton(AF_INET) differs from glibc"
    );
    if let Some(a) = pton4 {
        assert_eq!(ipv4::format(a).as_bytes(), text);
        assert_eq!(aton, Some(u32::from_be_bytes(a)));
        assert_eq!(network, Some(u32::from_be_bytes(a)));
    }

    // inet_pton(AF_INET6), and inet_ntop of what it parsed.
    let pton6 = ipv6::parse(text);
    assert_eq!(
        pton6,
        glibc_pton::<16>(AF_INET6, &c),
        "inet_pton(AF_INET6) differs from glibc"
    );
    if let Some(a) = pton6 {
        let printed = ipv6::format(&a);
        assert_eq!(ipv6::parse(printed.as_bytes()), Some(a));
        assert_eq!(printed.as_bytes(), glibc_ntop(AF_INET6, &a).as_slice());
    }

    // The raw bytes as addresses: the printers against glibc's, and back.
    let mut raw = [0u8; 16];
    for (slot, &b) in raw.iter_mut().zip(data) {
        *slot = b;
    }
    let v6 = ipv6::format(&raw);
    assert_eq!(
        v6.as_bytes(),
        glibc_ntop(AF_INET6, &raw).as_slice(),
        "inet_ntop(AF_INET6) differs from glibc"
    );
    assert_eq!(ipv6::parse(v6.as_bytes()), Some(raw));
    let quad = [raw[0], raw[1], raw[2], raw[3]];
    let v4 = ipv4::format(quad);
    assert_eq!(
        v4.as_bytes(),
        glibc_ntop(AF_INET, &quad).as_slice(),
        "inet_ntop(AF_INET) differs from glibc"
    );
    assert_eq!(ipv4::parse_pton(v4.as_bytes()), Some(quad));

    // inet_makeaddr(inet_netof(a), inet_lnaof(a)) gives back a.
    let host_order = u32::from_be_bytes(quad);
    assert_eq!(
        classful::makeaddr(classful::netof(host_order), classful::lnaof(host_order)),
        host_order
    );
});
