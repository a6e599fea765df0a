//! One /etc/hosts line: `sockshim::resolve::files::hosts::parse_line`
//! against a reference reading of glibc's nss_files hosts parser (glibc does
//! not export that one) built on glibc's own `inet_pton`.
//!
//! The reference, as glibc 2.36's `files-hosts.c` reads a line: cut at the
//! first `#` or newline; the first white-space-delimited field is the
//! address, which must be what `inet_pton` accepts (AF_INET or AF_INET6),
//! else the line is skipped; the next field is the canonical name (empty
//! when there is none); the remaining fields are the aliases. The input is
//! cut after its first newline and at its first NUL (one line of a file, as
//! a C string). An accepted line must also print back as a line that parses
//! the same.
#![no_main]

#[path = "common/glibc_line.rs"]
mod glibc_line;

use std::ffi::{c_char, c_int, c_void, CString};

use glibc_line::is_c_space;
use libfuzzer_sys::fuzz_target;
use sockshim::inet::{ipv4, ipv6};
use sockshim::resolve::files::hosts::{parse_line, HostsLine};
use sockshim::resolve::Addr;

const AF_INET: c_int = 2;
const AF_INET6: c_int = 10;
const LOOPBACK6: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

extern "C" {
    fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int;
}

fn glibc_pton(text: &[u8]) -> Option<Addr> {
    let c = CString::new(text).ok()?;
    let mut v4 = [0u8; 4];
    let mut v6 = [0u8; 16];
    // SAFETY: `c` is NUL-terminated; each buffer fits its family's address.
    unsafe {
        if inet_pton(AF_INET, c.as_ptr(), v4.as_mut_ptr().cast()) == 1 {
            return Some(Addr::V4(v4));
        }
        if inet_pton(AF_INET6, c.as_ptr(), v6.as_mut_ptr().cast()) == 1 {
            return Some(Addr::V6(v6));
        }
    }
    None
}

type Parsed = (Addr, Vec<u8>, Vec<Vec<u8>>);

fn reference(line: &[u8]) -> Option<Parsed> {
    let end = line.iter().position(|&c| c == b'#' || c == b'\n').unwrap_or(line.len());
    let mut fields = line[..end].split(|&c| is_c_space(c)).filter(|f| !f.is_empty());
    let addr = glibc_pton(fields.next()?)?;
    let name = fields.next().unwrap_or(&[]).to_vec();
    Some((addr, name, fields.map(|f| f.to_vec()).collect()))
}

fn ours(l: &HostsLine<'_>) -> Parsed {
    (l.addr, l.name.to_vec(), l.aliases.map(|a| a.to_vec()).collect())
}

fuzz_target!(|data: &[u8]| {
    let line = glibc_line::one_line(data);
    let mine = parse_line(line);
    assert_eq!(
        mine.map(|l| ours(&l)),
        reference(line),
        "hosts line {:?}",
        String::from_utf8_lossy(line)
    );

    if let Some(l) = mine {
        // The AF_INET view: IPv4 as is, IPv4-mapped and ::1 as IPv4.
        let v4 = l.addr_v4();
        match l.addr {
            Addr::V4(a) => assert_eq!(v4, Some(a)),
            Addr::V6(a) if a[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] => {
                assert_eq!(v4, Some([a[12], a[13], a[14], a[15]]))
            }
            Addr::V6(LOOPBACK6) => assert_eq!(v4, Some([127, 0, 0, 1])),
            Addr::V6(_) => assert_eq!(v4, None),
        }
        assert_eq!(l.names().count(), 1 + l.aliases.count());

        // Printed in the plain form, the line reads back the same.
        let mut text = match l.addr {
            Addr::V4(a) => ipv4::format(a).as_bytes().to_vec(),
            Addr::V6(a) => ipv6::format(&a).as_bytes().to_vec(),
        };
        for n in l.names() {
            text.push(b'\t');
            text.extend_from_slice(n);
        }
        text.push(b'\n');
        let again = parse_line(&text).map(|a| ours(&a));
        assert_eq!(
            again,
            Some(ours(&l)),
            "printed line {:?}",
            String::from_utf8_lossy(&text)
        );
    }
});
