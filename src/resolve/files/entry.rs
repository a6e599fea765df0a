//! The `_r` functions' result, laid out in the caller's buffer exactly as
//! glibc 2.36's nss_files does it, so that the same buffer sizes succeed
//! and fail with `ERANGE`:
//!
//! 1. each line is read into the buffer with `fgets`: it needs its length
//!    plus 2 bytes (a buffer under 3 bytes never works), comment and blank
//!    lines included, and whether or not it matches;
//! 2. leading white space is removed by moving the line left (the NUL is
//!    not moved: see `for_each_view` in mod.rs);
//! 3. a valid line's alias pointers (a NULL-terminated vector) go after the
//!    line's NUL, at the next 8-byte-aligned address; glibc checks room for
//!    one pointer more than it stores, for every valid line, matching or not;
//! 4. the first matching line is the entry; its fields point into the line.
//!
//! Pointers are written as integers into the byte buffer: safe code, and
//! the addresses are the buffer's own.

use core::ops::ControlFlow;

use super::cache::{for_each_line, Db};
use super::fields::c_str;
use super::{protocols, services, ProtocolLine, ServiceLine};
use crate::inet::is_c_space;
use crate::resolve::LookupError;

/// Where an entry lies in the caller's buffer (addresses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: usize,
    /// The protocol string (services only; 0 for protocols).
    pub proto: usize,
    /// The NULL-terminated alias vector.
    pub aliases: usize,
    /// The port (network byte order, zero-extended) or protocol number.
    pub number: i32,
}

/// How a `_r` lookup ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Found(Entry),
    NotFound,
    /// The buffer is too small (`ERANGE`).
    Range,
    /// The file cannot be read: glibc returns this errno.
    Unavail(i32),
}

const PTR: usize = core::mem::size_of::<usize>();

/// The first service for which `want` holds.
pub fn service_r(buf: &mut [u8], want: impl Fn(&ServiceLine<'_>) -> bool) -> Outcome {
    let n = match scan(Db::Services, buf, |line| {
        services::parse_line(line).map(|s| (s.aliases.count(), want(&s)))
    }) {
        Ok(n) => n,
        Err(o) => return o,
    };
    let base = buf.as_ptr() as usize;
    let (head, tail) = buf.split_at_mut(n + 1);
    let Some(s) = services::parse_line(&head[..n]) else {
        return Outcome::NotFound;
    };
    let vector = write_vector(tail, base, n, s.aliases.map(|a| offset(head, a)));
    let (name, proto, port) = (offset(head, s.name), offset(head, s.proto), i32::from(s.port.to_be()));
    finish(buf, n, name, proto, vector, port)
}

/// The first protocol for which `want` holds.
pub fn protocol_r(buf: &mut [u8], want: impl Fn(&ProtocolLine<'_>) -> bool) -> Outcome {
    let n = match scan(Db::Protocols, buf, |line| {
        protocols::parse_line(line).map(|p| (p.aliases.count(), want(&p)))
    }) {
        Ok(n) => n,
        Err(o) => return o,
    };
    let base = buf.as_ptr() as usize;
    let (head, tail) = buf.split_at_mut(n + 1);
    let Some(p) = protocols::parse_line(&head[..n]) else {
        return Outcome::NotFound;
    };
    let vector = write_vector(tail, base, n, p.aliases.map(|a| offset(head, a)));
    let (name, number) = (offset(head, p.name), p.number);
    match finish(buf, n, name, 0, vector, number) {
        Outcome::Found(e) => Outcome::Found(Entry { proto: 0, ..e }),
        o => o,
    }
}

/// `word`'s offset in the buffer `within` starts (a word of that buffer).
fn offset(within: &[u8], word: &[u8]) -> usize {
    (word.as_ptr() as usize).wrapping_sub(within.as_ptr() as usize)
}

/// Reads lines into `buf` as glibc does until `classify` (given the line
/// as its parser sees it: (alias count, matches) for a valid line) finds a
/// match; returns the matching line's C-string length.
fn scan(db: Db, buf: &mut [u8], mut classify: impl FnMut(&[u8]) -> Option<(usize, bool)>) -> Result<usize, Outcome> {
    let size = buf.len();
    let base = buf.as_ptr() as usize;
    let mut out = Err(Outcome::NotFound);
    let read = for_each_line(db, |line| {
        if size < 3 || line.len + 2 > size {
            out = Err(Outcome::Range);
            return ControlFlow::Break(());
        }
        if !line.is_complete() {
            return ControlFlow::Continue(()); // longer than sockshim reads
        }
        // What fgets leaves in the buffer: the line and a NUL; glibc's
        // parsers see its C string, leading white space moved away.
        let n = c_str(line.bytes).len();
        let k = line.bytes[..n].iter().take_while(|&&c| is_c_space(c)).count();
        if k == n || line.bytes[k] == b'#' {
            return ControlFlow::Continue(());
        }
        // Only a last line without newline or comment is changed by the
        // move (see `with_parser_view`); parse the others where they are.
        let moved = k > 0 && !line.bytes[k..n].iter().any(|&c| c == b'\n' || c == b'#');
        let view = if moved {
            place(buf, line.bytes, n, k);
            &buf[..n]
        } else {
            &line.bytes[k..n]
        };
        let Some((aliases, matched)) = classify(view) else {
            return ControlFlow::Continue(());
        };
        if vector_start(base, n) + (aliases + 2) * PTR > base + size {
            out = Err(Outcome::Range);
            return ControlFlow::Break(());
        }
        if matched {
            if !moved {
                place(buf, line.bytes, n, k);
            }
            out = Ok(n);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    match read {
        Err(LookupError::System(e)) => Err(Outcome::Unavail(e)),
        Err(_) => Err(Outcome::Unavail(libc::EIO)),
        Ok(()) if size < 3 => Err(Outcome::Range),
        Ok(()) => out,
    }
}

/// Puts a line in the buffer as glibc's reader leaves it: read with its
/// NUL, then its C string (length `n`) moved left over its `k` leading
/// white-space bytes, the NUL staying in place. `scan` checked the room.
fn place(buf: &mut [u8], line: &[u8], n: usize, k: usize) {
    buf[..line.len()].copy_from_slice(line);
    buf[line.len()] = 0;
    buf.copy_within(k..n, 0);
}

/// The address of the alias vector for a line of C-string length `n`.
fn vector_start(base: usize, n: usize) -> usize {
    (base + n + 1).next_multiple_of(PTR)
}

/// Writes the alias vector (alias offsets turned into addresses, then
/// NULL) into `tail`, the buffer after the line's NUL (`base` is the
/// buffer's address); returns the vector's offset in the buffer. `scan`
/// checked the room.
fn write_vector(tail: &mut [u8], base: usize, n: usize, aliases: impl Iterator<Item = usize>) -> usize {
    let start = vector_start(base, n) - base;
    let mut at = start - (n + 1);
    for a in aliases.map(|off| base + off).chain(core::iter::once(0)) {
        if let Some(slot) = tail.get_mut(at..at + PTR) {
            slot.copy_from_slice(&a.to_ne_bytes());
        }
        at += PTR;
    }
    start
}

/// Terminates every field of the line (white space, `#` and newline become
/// NUL; no field contains them) and returns the entry's addresses.
fn finish(buf: &mut [u8], n: usize, name: usize, proto: usize, vector: usize, number: i32) -> Outcome {
    for c in &mut buf[..n] {
        if is_c_space(*c) || *c == b'#' {
            *c = 0;
        }
    }
    let base = buf.as_ptr() as usize;
    Outcome::Found(Entry {
        name: base + name,
        proto: base + proto,
        aliases: base + vector,
        number,
    })
}
