//! Files: what the resolver (configuration files) and the tracer (its output
//! files) need from the kernel.

use core::ffi::CStr;

use super::raw::syscall6;
use super::{check_int, Result};

/// What identifies a file's contents for caching: a parsed snapshot stays
/// valid while device, inode, size and modification time are unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
    pub size: i64,
    pub mtime_sec: i64,
    pub mtime_nsec: i64,
}

impl FileId {
    fn from_stat(st: &libc::stat) -> Self {
        FileId {
            dev: st.st_dev,
            ino: st.st_ino,
            size: st.st_size,
            mtime_sec: st.st_mtime,
            mtime_nsec: st.st_mtime_nsec,
        }
    }
}

/// `openat(AT_FDCWD, path, flags | O_CLOEXEC, mode)`.
pub fn open(path: &CStr, flags: i32, mode: u32) -> Result<i32> {
    // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
    check_int(unsafe {
        syscall6(
            libc::SYS_openat,
            libc::AT_FDCWD as usize,
            path.as_ptr() as usize,
            (flags | libc::O_CLOEXEC) as usize,
            mode as usize,
            0,
            0,
        )
    })
}

/// Opens `path` read-only (close-on-exec).
pub fn open_read(path: &CStr) -> Result<i32> {
    open(path, libc::O_RDONLY, 0)
}

/// The identity of an open file.
pub fn fstat(fd: i32) -> Result<FileId> {
    let mut st = core::mem::MaybeUninit::<libc::stat>::zeroed();
    // SAFETY: `st` is a writable `struct stat` the kernel fills in.
    check_int(unsafe { syscall6(libc::SYS_fstat, fd as usize, st.as_mut_ptr() as usize, 0, 0, 0, 0) })?;
    // SAFETY: zero-initialised and then filled by a successful fstat.
    Ok(FileId::from_stat(unsafe { st.assume_init_ref() }))
}

/// The identity of the file at `path` (following symlinks).
pub fn stat(path: &CStr) -> Result<FileId> {
    let mut st = core::mem::MaybeUninit::<libc::stat>::zeroed();
    // SAFETY: valid path string and a writable `struct stat`.
    check_int(unsafe {
        syscall6(
            libc::SYS_newfstatat,
            libc::AT_FDCWD as usize,
            path.as_ptr() as usize,
            st.as_mut_ptr() as usize,
            0,
            0,
            0,
        )
    })?;
    // SAFETY: zero-initialised and then filled by a successful stat.
    Ok(FileId::from_stat(unsafe { st.assume_init_ref() }))
}

/// Reads from `fd` into `buf` until it is full or the file ends; returns the
/// number of bytes read. Retries on EINTR.
pub fn read_full(fd: i32, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let rest = &mut buf[n..];
        // SAFETY: `rest` is a writable slice of `rest.len()` bytes.
        match unsafe { super::io::read(fd, rest.as_mut_ptr(), rest.len()) } {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.0 == libc::EINTR => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
