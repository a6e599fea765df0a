//! One /etc/protocols line: `sockshim::resolve::files::protocols::parse_line`
//! against glibc's own line parser, `_nss_files_parse_protoent` (exported by
//! libc.so.6 for its NSS modules; looked up with `dlsym`).
//!
//! The input, cut after its first newline and at its first NUL, is one line
//! as glibc's reader hands it out (the glibc side without its leading white
//! space, which glibc's reader strips and sockshim's `parse_line` skips
//! itself). Both must accept the same lines with the same name, number and
//! aliases; an accepted line must also print back as a line that parses the
//! same.
#![no_main]

#[path = "common/glibc_line.rs"]
mod glibc_line;

use std::ffi::{c_char, c_int, CStr};
use std::sync::OnceLock;

use glibc_line::{glibc_view, strings, GlibcLine};
use libfuzzer_sys::fuzz_target;
use sockshim::resolve::files::protocols::{parse_line, ProtocolLine};

type ParseProtoent = unsafe extern "C" fn(*mut c_char, *mut libc::protoent, *mut c_char, usize, *mut c_int) -> c_int;

fn glibc_parser() -> ParseProtoent {
    static F: OnceLock<usize> = OnceLock::new();
    let f = *F.get_or_init(|| glibc_line::glibc_symbol(c"_nss_files_parse_protoent"));
    // SAFETY: the symbol is glibc's protoent line parser, whose C signature
    // (nss/nss_files/files-parse.c) is the one `ParseProtoent` spells out.
    unsafe { std::mem::transmute::<usize, ParseProtoent>(f) }
}

/// What glibc's parser makes of `line`: name, number, aliases; `None` when
/// it refuses the line.
fn glibc_parse(line: &[u8]) -> Option<(Vec<u8>, i32, Vec<Vec<u8>>)> {
    let mut buf = GlibcLine::new(line);
    // SAFETY: all-zero is a valid `protoent` (null pointers, number 0).
    let mut ent: libc::protoent = unsafe { std::mem::zeroed() };
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
            CStr::from_ptr(ent.p_name).to_bytes().to_vec(),
            ent.p_proto,
            strings(ent.p_aliases),
        ))
    }
}

fn ours(l: &ProtocolLine<'_>) -> (Vec<u8>, i32, Vec<Vec<u8>>) {
    (l.name.to_vec(), l.number, l.aliases.map(|a| a.to_vec()).collect())
}

fuzz_target!(|data: &[u8]| {
    let line = glibc_line::one_line(data);
    let mine = parse_line(line).map(|l| ours(&l));
    let theirs = glibc_view(line).and_then(glibc_parse);
    assert_eq!(mine, theirs, "protocols line {:?}", String::from_utf8_lossy(line));

    // An accepted line, printed in the plain form, reads back the same (the
    // number as glibc's unsigned reading gives it back: -1 is 4294967295).
    if let Some((name, number, aliases)) = mine {
        let mut text = name.clone();
        text.extend_from_slice(format!(" {}", number as u32).as_bytes());
        for a in &aliases {
            text.push(b' ');
            text.extend_from_slice(a);
        }
        text.push(b'\n');
        let again = parse_line(&text).map(|l| ours(&l));
        assert_eq!(
            again,
            Some((name, number, aliases)),
            "printed line {:?}",
            String::from_utf8_lossy(&text)
        );
    }
});
