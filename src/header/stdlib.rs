//! `<stdlib.h>`'s allocator behind Rust's global allocator: the resolver's
//! lists that outgrow their inline room (a DNS answer of hundreds of
//! records, a long CNAME chain, a TCP reply over 8 KiB) take their memory
//! from glibc's `malloc`, as glibc's own resolver does. Nothing else in the
//! library allocates; the traced call path never does.
//!
//! Every request is fallible: the core reserves with `try_reserve`, so an
//! allocation that fails is an answer cut short, never an abort.

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;

extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn aligned_alloc(align: usize, size: usize) -> *mut c_void;
    fn realloc(p: *mut c_void, size: usize) -> *mut c_void;
    fn free(p: *mut c_void);
}

/// glibc's `malloc` alignment on x86_64 (`MALLOC_ALIGNMENT`).
const MALLOC_ALIGN: usize = 16;

struct Malloc;

// SAFETY: glibc's malloc family returns blocks of at least the size asked,
// aligned to 16 bytes (aligned_alloc: to `align`), or NULL; `free` and
// `realloc` take exactly the blocks they returned, which is all Rust hands
// back to `dealloc` and `realloc`.
unsafe impl GlobalAlloc for Malloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: plain malloc; see the impl's contract.
            unsafe { malloc(layout.size()) }.cast()
        } else {
            // SAFETY: `align` is a power of two (Layout's invariant).
            unsafe { aligned_alloc(layout.align(), layout.size()) }.cast()
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, _: Layout) {
        // SAFETY: `p` came from `alloc` or `realloc` above.
        unsafe { free(p.cast()) }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: `p` came from malloc (alignment 16 suffices).
            return unsafe { realloc(p.cast(), size) }.cast();
        }
        // SAFETY: `layout` with the new size is valid (GlobalAlloc's
        // contract); the old block holds `layout.size()` bytes.
        unsafe {
            let new = self.alloc(Layout::from_size_align_unchecked(size, layout.align()));
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(p, new, layout.size().min(size));
                self.dealloc(p, layout);
            }
            new
        }
    }
}

#[global_allocator]
static GLOBAL: Malloc = Malloc;
