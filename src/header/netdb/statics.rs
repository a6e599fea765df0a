//! The static results of the non-_r netdb functions (statics.c): one
//! result struct and buffer per function per process, as glibc keeps them
//! (nss/getXXbyYY.c), so that a result of one function survives calls of
//! the others.
//!
//! How threads see them: as on glibc, every thread shares a function's one
//! result, and a call by any thread replaces it. glibc holds the
//! function's lock for the whole lookup; here the lookup is done first,
//! without the lock (into the caller's stack, or the calling thread's
//! scratch buffer for the services and protocols), and the lock is held
//! only while the answer is copied in (`Published`), never across a
//! blocking call. Two threads calling one function at once each publish
//! whole, one after the other; each gets the same pointer, whose contents
//! are the later answer (glibc: the same pointer and race).

use core::ffi::{c_char, c_int, c_void, CStr};
use core::mem::size_of;
use core::ptr;

/// The non-_r function whose result it is (statics.c's slot index).
#[derive(Clone, Copy)]
pub(crate) enum Static {
    Gethostbyname = 0,
    Gethostbyname2 = 1,
    Gethostbyaddr = 2,
    Getservbyname = 3,
    Getservbyport = 4,
    Getprotobyname = 5,
    Getprotobynumber = 6,
}

/// The bytes statics.c keeps for a result struct.
const ENT_MAX: usize = 5 * size_of::<*mut c_void>();

extern "C" {
    fn sockshim_static_enter(which: c_int, want: usize, buf: *mut *mut c_char, len: *mut usize) -> *mut c_void;
    fn sockshim_static_leave(which: c_int);
    fn sockshim_static_len(which: c_int) -> usize;
}

/// The size of `which`'s buffer now: `STATIC_BUF` before its first result,
/// then what the last call left (glibc keeps it, and starts each call's
/// lookup with it).
pub(crate) fn static_len(which: Static) -> usize {
    // SAFETY: statics.c's accessor: locks the slot, reads, unlocks.
    match unsafe { sockshim_static_len(which as c_int) } {
        0 => STATIC_BUF,
        n => n,
    }
}

/// A function's result, locked for publishing: its struct, and its buffer
/// (`buf` NULL when out of memory). Unlocked when dropped.
pub(crate) struct Published<T> {
    which: Static,
    pub ent: *mut T,
    pub buf: *mut c_char,
    pub len: usize,
}

impl<T> Published<T> {
    /// Locks `which`'s result with a buffer of at least `want` bytes.
    /// `T` is the function's result struct.
    pub(crate) fn enter(which: Static, want: usize) -> Published<T> {
        const { assert!(size_of::<T>() <= ENT_MAX) };
        let (mut buf, mut len) = (ptr::null_mut(), 0);
        // SAFETY: `which` is a slot of statics.c; it writes `buf` and `len`
        // and returns the slot's struct, ENT_MAX bytes aligned for any of
        // the result types, or NULL (nothing locked) for no slot.
        let ent = unsafe { sockshim_static_enter(which as c_int, want, &mut buf, &mut len) };
        Published {
            which,
            ent: ent.cast::<T>(),
            buf: if ent.is_null() { ptr::null_mut() } else { buf },
            len,
        }
    }
}

impl<T> Drop for Published<T> {
    fn drop(&mut self) {
        if !self.ent.is_null() {
            // SAFETY: `enter` locked this slot and nothing unlocked it.
            unsafe { sockshim_static_leave(self.which as c_int) }
        }
    }
}

/// glibc's first size of a non-_r function's buffer (BUFLEN).
pub(crate) const STATIC_BUF: usize = 1024;
const PTR: usize = size_of::<*mut c_char>();

/// A result struct whose strings and lists can be copied into a static
/// result's buffer (servent, protoent).
///
/// # Safety
/// `size` and `copy` may be called only on a struct a lookup filled: every
/// string it holds is NULL or a C string and every list a NULL-terminated
/// array of them, all readable during the call. `size` is at least what
/// `copy` takes of an arena.
pub(crate) unsafe trait Publish: Sized {
    /// The bytes `copy` takes.
    fn size(&self) -> usize;
    /// The struct with its strings and lists copied into `to`.
    fn copy(&self, to: &mut Arena) -> Self;

    /// Copies the entry into function `into`'s static result, under its
    /// lock; its address (None when out of memory).
    fn publish(&self, into: Static) -> Option<*mut Self> {
        let size = self.size();
        let slot = Published::<Self>::enter(into, size.max(STATIC_BUF));
        if slot.buf.is_null() || slot.len < size {
            return None;
        }
        let mut arena = Arena {
            buf: slot.buf,
            len: slot.len,
            at: 0,
        };
        let e = self.copy(&mut arena);
        // SAFETY: `slot` is locked for us; its struct holds a `Self`
        // (`enter`'s size assertion) and is aligned for it.
        unsafe { slot.ent.write(e) };
        Some(slot.ent)
    }
}

/// A static result's buffer, filled from the front.
pub(crate) struct Arena {
    buf: *mut c_char,
    len: usize,
    at: usize,
}

impl Arena {
    /// The bytes of strings `s` (NULL or C strings) with their NULs.
    ///
    /// # Safety
    /// Each of `s` is NULL or a readable C string.
    pub(crate) unsafe fn strings_size(s: &[*const c_char]) -> usize {
        s.iter()
            .filter(|p| !p.is_null())
            // SAFETY: the caller's contract.
            .map(|&p| unsafe { CStr::from_ptr(p) }.to_bytes().len() + 1)
            .sum()
    }

    /// The bytes of a NULL-terminated list of C strings (NULL: none): the
    /// pointers, their alignment and the strings.
    ///
    /// # Safety
    /// `list` is NULL or a readable NULL-terminated array of C strings.
    pub(crate) unsafe fn list_size(list: *const *mut c_char) -> usize {
        let mut n = 0;
        let mut bytes = PTR - 1;
        // SAFETY: the caller's contract: every item up to the NULL.
        unsafe {
            while !list.is_null() && !(*list.add(n)).is_null() {
                bytes += Self::strings_size(&[*list.add(n)]);
                n += 1;
            }
        }
        bytes + (n + 1) * PTR
    }

    /// Room for `n` bytes aligned to `align` (None: no room).
    fn take(&mut self, n: usize, align: usize) -> Option<*mut c_char> {
        let start = (self.buf as usize + self.at).next_multiple_of(align) - self.buf as usize;
        let end = start.checked_add(n).filter(|&e| e <= self.len)?;
        self.at = end;
        // SAFETY: `start <= end <= len`: inside the buffer.
        Some(unsafe { self.buf.add(start) })
    }

    /// A copy of `s` (NULL or a C string); NULL for NULL or no room.
    ///
    /// # Safety
    /// `s` is NULL or a readable C string.
    pub(crate) unsafe fn string(&mut self, s: *const c_char) -> *mut c_char {
        if s.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: the caller's contract.
        let b = unsafe { CStr::from_ptr(s) }.to_bytes_with_nul();
        let Some(to) = self.take(b.len(), 1) else {
            return ptr::null_mut();
        };
        // SAFETY: `take` gave `b.len()` bytes of the buffer, which the
        // source (a lookup's scratch buffer) does not overlap.
        unsafe { ptr::copy_nonoverlapping(b.as_ptr(), to.cast::<u8>(), b.len()) };
        to
    }

    /// A copy of a NULL-terminated list of C strings (NULL for NULL or no
    /// room): the pointers first, then the strings.
    ///
    /// # Safety
    /// `list` is NULL or a readable NULL-terminated array of C strings.
    pub(crate) unsafe fn list(&mut self, list: *const *mut c_char) -> *mut *mut c_char {
        if list.is_null() {
            return ptr::null_mut();
        }
        let mut n = 0;
        // SAFETY: the caller's contract: every item up to the NULL.
        while !unsafe { *list.add(n) }.is_null() {
            n += 1;
        }
        let Some(to) = self.take((n + 1) * PTR, PTR) else {
            return ptr::null_mut();
        };
        let to = to.cast::<*mut c_char>();
        // SAFETY: `take` gave `n + 1` aligned pointers' room; items `0..n`
        // of `list` are C strings (the caller's contract).
        unsafe {
            for i in 0..n {
                to.add(i).write(self.string(*list.add(i)));
            }
            to.add(n).write(ptr::null_mut());
        }
        to
    }
}
