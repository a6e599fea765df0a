#![allow(dead_code)] // each target uses a part
//! Shared by the line-parser targets: one line of a file as glibc's reader
//! hands it to its parsers, and calling those parsers.

use std::ffi::{c_char, CStr};

/// Bytes after the line for the parser's alias pointers (glibc's callers
/// give it the rest of their buffer; this is far more than any input needs).
const ALIAS_ROOM: usize = 64 * 1024;

/// The input as one line of a file: cut at its first NUL (the parsers work
/// on C strings) and after its first newline (`fgets` stops there).
pub fn one_line(data: &[u8]) -> &[u8] {
    let data = data.split(|&c| c == 0).next().unwrap_or(&[]);
    match data.iter().position(|&c| c == b'\n') {
        Some(n) => &data[..=n],
        None => data,
    }
}

/// C's `isspace` in the "C" locale.
pub fn is_c_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// The line glibc's reader (`__nss_readline`) passes to the parser: leading
/// white space skipped; `None` for a line it skips (empty, or a comment).
pub fn glibc_view(line: &[u8]) -> Option<&[u8]> {
    let start = line.iter().position(|&c| !is_c_space(c))?;
    let rest = &line[start..];
    (rest.first() != Some(&b'#')).then_some(rest)
}

/// A writable copy of a line, NUL-terminated, with room after it.
pub struct GlibcLine(Vec<u8>);

impl GlibcLine {
    pub fn new(line: &[u8]) -> Self {
        let mut buf = Vec::with_capacity(line.len() + 1 + ALIAS_ROOM);
        buf.extend_from_slice(line);
        buf.resize(line.len() + 1 + ALIAS_ROOM, 0);
        GlibcLine(buf)
    }

    /// The buffer's start and size, for the parser.
    pub fn raw(&mut self) -> (*mut c_char, usize) {
        (self.0.as_mut_ptr().cast(), self.0.len())
    }
}

/// The address of one of glibc's functions (`dlsym(RTLD_DEFAULT)`); this
/// binary links libc.so.6 and not sockshim's C exports, so it is glibc's.
pub fn glibc_symbol(name: &CStr) -> usize {
    // SAFETY: `name` is NUL-terminated; RTLD_DEFAULT searches the loaded
    // objects.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    assert!(!p.is_null(), "glibc has no {name:?}");
    p as usize
}

/// The strings of a NULL-terminated `char **` array.
///
/// # Safety
/// `list` is a valid NULL-terminated array of NUL-terminated strings.
pub unsafe fn strings(list: *mut *mut c_char) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut p = list;
    // SAFETY: the caller's contract: every element up to the NULL one is a
    // valid C string.
    unsafe {
        while !(*p).is_null() {
            out.push(CStr::from_ptr(*p).to_bytes().to_vec());
            p = p.add(1);
        }
    }
    out
}
