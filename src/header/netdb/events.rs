//! What the netdb calls' trace events share: reading a C string of the
//! caller's or of a result, the length limits, an alias list. Each call's
//! own event builder (what `trace::resolution!` records of its query and
//! results, in the layouts of `trace::netdb`) sits beside the call, at
//! the end of its file.

use crate::trace::netdb::{ResolveAux, RESULTS_MAX};

/// A C string the caller passed (or the library returned), NULL-safe,
/// read up to its NUL but at most `max` bytes.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string (or holds at least `max` bytes).
pub(crate) unsafe fn c_str<'a>(s: *const core::ffi::c_char, max: usize) -> Option<&'a [u8]> {
    if s.is_null() {
        return None;
    }
    let mut n = 0;
    // SAFETY: the caller's contract: every byte up to the NUL (or `max`) is readable.
    while n < max && unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    // SAFETY: the `n` bytes just read.
    Some(unsafe { core::slice::from_raw_parts(s.cast::<u8>(), n) })
}

/// Longest query or result string kept (the rest is cut: the aux must hold
/// every string and the shown results).
pub(crate) const NAME_MAX: usize = 160;
/// Longest alias kept.
pub(crate) const ALIAS_MAX: usize = 48;

/// A NULL-terminated alias list: its length, then the first
/// `RESULTS_MAX` aliases.
///
/// # Safety
/// `list` is NULL or a NULL-terminated array of C strings.
pub(crate) unsafe fn alias_list(a: &mut ResolveAux, list: *const *mut core::ffi::c_char) {
    let mut total = 0;
    // SAFETY: the caller's contract.
    while !list.is_null() && unsafe { !(*list.add(total)).is_null() } {
        total += 1;
    }
    a.count(total.min(usize::from(u16::MAX)) as u16);
    for i in 0..total.min(RESULTS_MAX) {
        // SAFETY: one of the `total` entries.
        a.string(unsafe { c_str(*list.add(i), ALIAS_MAX) });
    }
}
