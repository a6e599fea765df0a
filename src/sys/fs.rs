//! Files: what the resolver (configuration files) and the tracer (its output
//! files) need from the kernel.

use core::ffi::CStr;

use super::raw::syscall6;
use super::{check, check_int, Result};

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

/// What the tracer checks about a file it writes: its identity, type,
/// size and owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Meta {
    pub dev: u64,
    pub ino: u64,
    /// `st_mode & S_IFMT`.
    pub kind: u32,
    pub size: u64,
    pub uid: u32,
}

impl Meta {
    fn from_stat(st: &libc::stat) -> Self {
        Meta {
            dev: st.st_dev,
            ino: st.st_ino,
            kind: st.st_mode & libc::S_IFMT,
            size: st.st_size.max(0) as u64,
            uid: st.st_uid,
        }
    }

    pub fn is_regular(&self) -> bool {
        self.kind == libc::S_IFREG
    }

    /// Same file (device and inode).
    pub fn same_file(&self, other: &Meta) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }
}

fn stat_at(fd: i32, path: &CStr, flags: i32) -> Result<Meta> {
    let mut st = core::mem::MaybeUninit::<libc::stat>::zeroed();
    // SAFETY: valid path string and a writable `struct stat`.
    check_int(unsafe {
        syscall6(
            libc::SYS_newfstatat,
            fd as usize,
            path.as_ptr() as usize,
            st.as_mut_ptr() as usize,
            flags as usize,
            0,
            0,
        )
    })?;
    // SAFETY: zero-initialised and then filled by a successful fstatat.
    Ok(Meta::from_stat(unsafe { st.assume_init_ref() }))
}

/// `fstat(fd)` as `Meta`.
pub fn fstat_meta(fd: i32) -> Result<Meta> {
    stat_at(fd, c"", libc::AT_EMPTY_PATH)
}

/// `lstat(path)`: the link itself when `path` names a symbolic link.
pub fn lstat_meta(path: &CStr) -> Result<Meta> {
    stat_at(libc::AT_FDCWD, path, libc::AT_SYMLINK_NOFOLLOW)
}

/// `pread(fd, buf, off)` once (EINTR retried); the count read.
pub fn pread(fd: i32, buf: &mut [u8], off: u64) -> Result<usize> {
    loop {
        // SAFETY: `buf` is writable for its length.
        let r = check(unsafe {
            syscall6(
                libc::SYS_pread64,
                fd as usize,
                buf.as_mut_ptr() as usize,
                buf.len(),
                off as usize,
                0,
                0,
            )
        });
        match r {
            Err(e) if e.0 == libc::EINTR => continue,
            r => return r,
        }
    }
}

/// Writes all of `buf` at offset `off` (`pwrite`, retried on EINTR and
/// after a short write).
pub fn pwrite_all(fd: i32, buf: &[u8], off: u64) -> Result<()> {
    super::fd::write_fully(fd, buf.len(), false, |done| {
        let b = buf.get(done..).unwrap_or(&[]);
        // SAFETY: `b` is readable for its length.
        unsafe {
            syscall6(
                libc::SYS_pwrite64,
                fd as usize,
                b.as_ptr() as usize,
                b.len(),
                (off + done as u64) as usize,
                0,
                0,
            )
        }
    })
}

/// The working directory (`getcwd`) into `buf`; its length (no NUL).
pub fn getcwd(buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `buf` is writable for its length; the kernel writes at most
    // that many bytes, NUL included.
    let n = check(unsafe { syscall6(libc::SYS_getcwd, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0, 0) })?;
    Ok(n.saturating_sub(1).min(buf.len()))
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
