//! One /etc/services line: `sockshim::resolve::files::services::parse_line`
//! against glibc's own line parser, `_nss_files_parse_servent` (exported by
//! libc.so.6 for its NSS modules; looked up with `dlsym`).
//!
//! The input, cut after its first newline and at its first NUL, is one line
//! as glibc's reader hands it out: glibc's reader skips leading white space
//! and comment lines before its parser runs, so the glibc side gets the line
//! without its leading white space (sockshim's `parse_line` skips it
//! itself). Both must accept the same lines with the same name, port,
//! protocol and aliases; an accepted line must also print back as a line
//! that parses the same.
#![no_main]

#[path = "common/glibc_line.rs"]
mod glibc_line;

use std::ffi::{c_char, c_int, CStr};
use std::sync::OnceLock;

use glibc_line::{glibc_view, strings, GlibcLine};
use libfuzzer_sys::fuzz_target;
use sockshim::resolve::files::services::{parse_line, ServiceLine};

type ParseServent = unsafe extern "C" fn(*mut c_char, *mut libc::servent, *mut c_char, usize, *mut c_int) -> c_int;

fn glibc_parser() -> ParseServent {
    static F: OnceLock<usize> = OnceLock::new();
    let f = *F.get_or_init(|| glibc_line::glibc_symbol(c"_nss_files_parse_servent"));
    // SAFETY: the symbol is glibc's servent line parser, whose C signature
    // (nss/nss_files/files-parse.c) is the one `ParseServent` spells out.
    unsafe { std::mem::transmute::<usize, ParseServent>(f) }
}

/// A parsed line: name, port (host order), protocol, aliases.
type Parsed = (Vec<u8>, u16, Vec<u8>, Vec<Vec<u8>>);

/// What glibc's parser makes of `line`; `None` when it refuses the line.
fn glibc_parse(line: &[u8]) -> Option<Parsed> {
    let mut buf = GlibcLine::new(line);
    // SAFETY: all-zero is a valid `servent` (null pointers, port 0).
    let mut ent: libc::servent = unsafe { std::mem::zeroed() };
    let mut err: c_int = 0;
    let (ptr, len) = buf.raw();
    // SAFETY: `ptr` is a NUL-terminated line at the start of a writable
    // buffer of `len` bytes, which the parser may also use for the alias
    // list, as glibc's own callers arrange it; `ent` and `err` are valid.
    let r = unsafe { glibc_parser()(ptr, &mut ent, ptr, len, &mut err) };
    assert!(r >= 0, "glibc's buffer was too small");
    if r == 0 {
        return None;
    }
    // SAFETY: on success the parser set every pointer of `ent` into `buf`,
    // which is still alive: NUL-terminated strings and a NULL-terminated
    // alias array.
    unsafe {
        Some((
            CStr::from_ptr(ent.s_name).to_bytes().to_vec(),
            u16::from_be(ent.s_port as u16),
            CStr::from_ptr(ent.s_proto).to_bytes().to_vec(),
            strings(ent.s_aliases),
        ))
    }
}

fn ours(l: &ServiceLine<'_>) -> Parsed {
    (
        l.name.to_vec(),
        l.port,
        l.proto.to_vec(),
        l.aliases.map(|a| a.to_vec()).collect(),
    )
}

fuzz_target!(|data: &[u8]| {
    let line = glibc_line::one_line(data);
    let mine = parse_line(line).map(|l| ours(&l));
    let theirs = glibc_view(line).and_then(glibc_parse);
    assert_eq!(mine, theirs, "services line {:?}", String::from_utf8_lossy(line));

    // An accepted line, printed in the plain form, reads back the same.
    if let Some((name, port, proto, aliases)) = mine {
        let mut text = name.clone();
        text.extend_from_slice(format!(" {port}/").as_bytes());
        text.extend_from_slice(&proto);
        for a in &aliases {
            text.push(b' ');
            text.extend_from_slice(a);
        }
        text.push(b'\n');
        let again = parse_line(&text).map(|l| ours(&l));
        assert_eq!(
            again,
            Some((name, port, proto, aliases)),
            "printed line {:?}",
            String::from_utf8_lossy(&text)
        );
    }
});
