//! Shared file mappings for the tracer's recording: `mmap`, `munmap`,
//! `ftruncate`, `fallocate`, and a safe view of a mapping in which threads
//! write disjoint byte ranges they reserved atomically.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::raw::syscall6;
use super::{check, check_int, Errno, Result};

/// Grows the file to at least `off + len` bytes (never shrinks it).
pub fn fallocate(fd: i32, off: u64, len: u64) -> Result<()> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall6(libc::SYS_fallocate, fd as usize, 0, off as usize, len as usize, 0, 0) }).map(|_| ())
}

pub fn ftruncate(fd: i32, len: u64) -> Result<()> {
    // SAFETY: no pointers.
    check_int(unsafe { syscall6(libc::SYS_ftruncate, fd as usize, len as usize, 0, 0, 0, 0) }).map(|_| ())
}

/// A `MAP_SHARED` read-write mapping of part of a file, owned by whoever
/// holds the `Mapping` value (it is `Copy`: the tracer keeps its mappings for
/// the life of the process and unmaps them explicitly).
///
/// Writers use it without locks: each writes only a byte range it reserved
/// (an atomic fetch-add on a counter inside the mapping), so no two writers
/// touch the same bytes, and publishes it with a release store of a commit
/// word that readers load with acquire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    base: usize,
    len: usize,
}

impl Mapping {
    /// Maps `len` bytes of `fd` at file offset `off` (page-aligned), shared.
    pub fn map_shared(fd: i32, off: u64, len: usize) -> Result<Mapping> {
        // SAFETY: a fresh mapping chosen by the kernel (addr NULL) touches no
        // existing memory.
        let p = check(unsafe {
            syscall6(
                libc::SYS_mmap,
                0,
                len,
                (libc::PROT_READ | libc::PROT_WRITE) as usize,
                libc::MAP_SHARED as usize,
                fd as usize,
                off as usize,
            )
        })?;
        Ok(Mapping { base: p, len })
    }

    /// Asks the kernel to make the pages from `off` (`len` bytes) present
    /// and writable now (`MADV_POPULATE_WRITE`, Linux 5.14): the page
    /// faults of a first write are taken in one call instead of one trap
    /// per page. Older kernels answer EINVAL; nothing else changes.
    pub fn populate_write(&self, off: usize, len: usize) -> Result<()> {
        const MADV_POPULATE_WRITE: usize = 23;
        let p = self.check_range(off, len, 4096)?;
        // SAFETY: a range of this live mapping; the advice only faults its
        // pages in (shared file pages: no data changes).
        check(unsafe { syscall6(libc::SYS_madvise, p, len, MADV_POPULATE_WRITE, 0, 0, 0) }).map(|_| ())
    }

    /// Unmaps it. The caller guarantees that no thread uses it any more.
    pub fn unmap(self) {
        // SAFETY: the range is the mapping this value was created for.
        let _ = unsafe { syscall6(libc::SYS_munmap, self.base, self.len, 0, 0, 0, 0) };
    }

    /// The address, to keep a mapping in an atomic.
    pub fn addr(&self) -> usize {
        self.base
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Rebuilds a mapping from `addr()` and `len()`.
    pub fn from_raw(base: usize, len: usize) -> Mapping {
        Mapping { base, len }
    }

    fn check_range(&self, off: usize, n: usize, align: usize) -> Result<usize> {
        match off.checked_add(n) {
            Some(end) if end <= self.len && off.is_multiple_of(align) => Ok(self.base + off),
            _ => Err(Errno(libc::EINVAL)),
        }
    }

    /// Copies `bytes` to offset `off` of the mapping. The range must be one
    /// the caller reserved (no other thread writes it).
    pub fn write(&self, off: usize, bytes: &[u8]) -> Result<()> {
        let p = self.check_range(off, bytes.len(), 1)?;
        // SAFETY: the destination lies inside the live mapping (checked) and
        // belongs to this writer alone (the reservation); the source is a
        // valid slice, and shared file memory cannot overlap it.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), p as *mut u8, bytes.len()) };
        Ok(())
    }

    /// The aligned 32-bit word at `off`, as an atomic.
    pub fn u32_at(&self, off: usize) -> Result<&AtomicU32> {
        let p = self.check_range(off, 4, 4)?;
        // SAFETY: aligned, inside the mapping, which lives as long as the
        // tracer uses this value; all concurrent access to it is atomic.
        Ok(unsafe { AtomicU32::from_ptr(p as *mut u32) })
    }

    /// The aligned 64-bit word at `off`, as an atomic.
    pub fn u64_at(&self, off: usize) -> Result<&AtomicU64> {
        let p = self.check_range(off, 8, 8)?;
        // SAFETY: aligned, inside the mapping, which lives as long as the
        // tracer uses this value; all concurrent access to it is atomic.
        Ok(unsafe { AtomicU64::from_ptr(p as *mut u64) })
    }

    /// Stores `v` at `off` with release ordering: everything this thread
    /// wrote before is visible to a reader that acquires the word.
    pub fn publish_u32(&self, off: usize, v: u32) -> Result<()> {
        self.u32_at(off)?.store(v, Ordering::Release);
        Ok(())
    }
}
