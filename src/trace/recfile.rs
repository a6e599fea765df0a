//! The recording's file: created or joined, grown, mapped, and appended to
//! (the format is `record`'s).
//!
//! - **Set-up that a kill cannot tear.** The file is created with
//!   `O_EXCL` and its 64-byte header written with one `pwrite` before
//!   anything else, so at any moment it is empty (no calls) or a valid
//!   recording. An existing file is joined only if it is one (a non-empty
//!   file that is not is refused with one line and left as it is).
//! - **Growth in proportion.** It starts at `INITIAL` bytes and doubles
//!   (then grows a chunk at a time), each step reserved with `fallocate`
//!   and recorded in the header; writers never store past the reserved
//!   size, so no store can fault on a page without backing. When a step
//!   cannot be reserved (ENOSPC, EFBIG from `RLIMIT_FSIZE`, a sandbox) the
//!   recording stops; what it holds stays decodable. No sparse extension.
//! - **No descriptor kept.** The file is opened for set-up and for each
//!   growth step (by its path, checked to be the same file) and closed
//!   again, so a recording takes none of the program's descriptors.
//!
//! Appending stays one fetch-add, the copy and one release store while
//! the reserved size covers the record.

use core::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering::*};

use super::config::{PathTemplate, PATH_MAX};
use super::dest::{self, OpenError, PathCell};
use super::record;
use crate::sys::{self, mem::Mapping, Errno};

/// First size of a new recording's file.
const INITIAL: u64 = 16 << 10;
/// Most chunks of a recording (`record::CHUNK` each: 8 GiB).
const MAX_CHUNKS: usize = 1024;
const LIMIT: u64 = (MAX_CHUNKS * record::CHUNK) as u64;

static PATH: PathCell = PathCell::new();
static CHUNKS: [AtomicUsize; MAX_CHUNKS] = [const { AtomicUsize::new(0) }; MAX_CHUNKS];
/// Device and inode of this process's recording (growth reopens it by
/// path and checks them).
static DEV: AtomicU64 = AtomicU64::new(0);
static INO: AtomicU64 = AtomicU64::new(0);
/// The pid whose name the file has (`%p`).
static OWNER: AtomicU64 = AtomicU64::new(0);

static STATE: AtomicU8 = AtomicU8::new(OFF);
const OFF: u8 = 0;
const LIVE: u8 = 1;
/// A forked child of a per-process recording: opens its own at its first
/// record.
const REOPEN: u8 = 2;
const OPENING: u8 = 3;
const STOPPED: u8 = 4;

/// Creates or joins the recording at start; false (and one line said) when
/// there is none.
pub fn init(t: &PathTemplate, pid: u32) -> bool {
    PATH.set(t);
    match open(t, pid) {
        Ok(()) => true,
        Err(e) => {
            let mut buf = [0u8; PATH_MAX + 16];
            let p = t.path(pid, &mut buf).map_or(t.as_bytes(), |c| c.to_bytes());
            dest::warn_now(|o| {
                o.str("cannot record to ");
                o.bytes(p);
                o.str(": ");
                dest::put_open_error(o, e);
                o.str("; recording is off");
            });
            false
        }
    }
}

/// Opens this process's recording: creates it (header first), or joins an
/// existing one; maps its first chunk and reserves its first bytes.
fn open(t: &PathTemplate, pid: u32) -> Result<(), OpenError> {
    let mut buf = [0u8; PATH_MAX + 16];
    let path = t.path(pid, &mut buf).ok_or(OpenError::Sys(Errno(libc::ENAMETOOLONG)))?;
    let (fd, created, meta) = match dest::open(path, libc::O_RDWR | libc::O_CREAT | libc::O_EXCL, 0o644) {
        Ok((fd, m)) => (fd, true, m),
        Err(OpenError::Sys(Errno(libc::EEXIST))) => {
            // Exists (or is a link, which O_EXCL never follows: a link
            // we may follow to a file not there yet creates it).
            let (fd, m) = dest::open(path, libc::O_RDWR | libc::O_CREAT, 0o644)?;
            (fd, false, m)
        }
        Err(e) => return Err(e),
    };
    let r = set_up(fd, created, meta, pid);
    sys::fd::close_quiet(fd);
    r?;
    DEV.store(meta.dev, Relaxed);
    INO.store(meta.ino, Relaxed);
    OWNER.store(u64::from(pid), Relaxed);
    STATE.store(LIVE, SeqCst);
    Ok(())
}

fn set_up(fd: i32, created: bool, meta: sys::fs::Meta, pid: u32) -> Result<(), OpenError> {
    if !meta.is_regular() {
        return Err(OpenError::NotRegular);
    }
    let mut size = meta.size;
    if !created && size == 0 {
        // Another process is creating it: its header is one write away.
        for _ in 0..20 {
            sys::clock::sleep_ms(1);
            size = sys::fs::fstat_meta(fd)?.size;
            if size != 0 {
                break;
            }
        }
    }
    if size == 0 {
        // Ours (or its creator died before its first write).
        let h = record::encode_header(pid, sys::clock::realtime_ns());
        dest::guard_fsize(|| sys::fs::pwrite_all(fd, &h, 0))?;
        size = record::HEADER_SIZE as u64;
    } else {
        let mut h = [0u8; record::HEADER_SIZE];
        let n = sys::fs::pread(fd, &mut h, 0)?;
        match record::read_header(h.get(..n).unwrap_or(&[])) {
            Ok(hd) if hd.chunk as usize == record::CHUNK => {}
            Ok(_) => return Err(OpenError::NotRecording),
            Err(record::RecordError::UnsupportedVersion(v)) => return Err(OpenError::Version(v)),
            Err(_) => return Err(OpenError::NotRecording),
        }
    }
    let m = Mapping::map_shared(fd, 0, record::CHUNK)?;
    let Ok(reserved) = m.u64_at(record::OFF_SIZE) else {
        m.unmap();
        return Err(OpenError::Sys(Errno(libc::EINVAL)));
    };
    reserved.fetch_max(size & !7, SeqCst);
    if reserved.load(SeqCst) < INITIAL {
        // At least a page; less than INITIAL where RLIMIT_FSIZE is lower.
        if let Err(e) = grow(fd, &m, 4096, INITIAL) {
            m.unmap();
            return Err(e.into());
        }
    }
    // Chunk 0 is mapped only here: at start, or under OPENING in a child.
    if CHUNKS[0].compare_exchange(0, m.addr(), SeqCst, SeqCst).is_err() {
        m.unmap();
    }
    populate(0, reserved.load(SeqCst).min(INITIAL));
    Ok(())
}

/// Reserves the file up to at least `need` bytes: `want` or more (whole
/// pages, at least doubling, then a chunk at a time), as far as
/// `RLIMIT_FSIZE` allows; and makes the new pages present in the mappings
/// that cover them.
fn grow(fd: i32, first: &Mapping, need: u64, want: u64) -> sys::Result<()> {
    let reserved = first.u64_at(record::OFF_SIZE)?;
    let have = reserved.load(SeqCst);
    if need <= have {
        return Ok(());
    }
    let chunk = record::CHUNK as u64;
    let next_step = if have < chunk { 2 * have } else { have + chunk };
    let mut target = ((want.max(need).max(next_step) + 4095) & !4095).min(LIMIT);
    // The file-size limit as the kernel has it now (another process or a
    // raw syscall may have changed it).
    if let Ok((soft, _)) = sys::proc::rlimit(libc::RLIMIT_FSIZE as i32) {
        dest::note_fsize_limit(soft);
        target = target.min(soft & !4095);
    }
    if need > target {
        return Err(Errno(libc::EFBIG));
    }
    dest::guard_fsize(|| allocate(fd, have, target - have))?;
    reserved.fetch_max(target, SeqCst);
    populate(have & !4095, target);
    Ok(())
}

/// Backs `len` bytes from `off` with real blocks: `fallocate`, or where
/// the filesystem has none, zeros written (never a sparse extension).
fn allocate(fd: i32, off: u64, len: u64) -> sys::Result<()> {
    match sys::mem::fallocate(fd, off, len) {
        Err(Errno(libc::EOPNOTSUPP)) => {
            static ZEROS: [u8; 64 << 10] = [0; 64 << 10];
            let mut at = off;
            while at < off + len {
                let n = (off + len - at).min(ZEROS.len() as u64) as usize;
                sys::fs::pwrite_all(fd, ZEROS.get(..n).unwrap_or(&[]), at)?;
                at += n as u64;
            }
            Ok(())
        }
        r => r,
    }
}

/// Makes the pages of `[from, to)` present and writable in the chunks
/// already mapped (a first store otherwise traps once per page).
fn populate(from: u64, to: u64) {
    let chunk = record::CHUNK as u64;
    let mut at = from;
    while at < to {
        let ci = (at / chunk) as usize;
        let end = to.min((ci as u64 + 1) * chunk);
        if let Some(m) = mapped(ci) {
            let _ = m.populate_write((at - ci as u64 * chunk) as usize, (end - at) as usize);
        }
        at = end;
    }
}

fn mapped(i: usize) -> Option<Mapping> {
    let a = CHUNKS.get(i)?.load(Acquire);
    (a != 0).then(|| Mapping::from_raw(a, record::CHUNK))
}

/// The slow path of an append: the record ends at `end`, past the reserved
/// size or in a chunk this process has not mapped. Reopens the file (the
/// same one, by path), grows it and maps what is missing.
fn ensure(first: &Mapping, end: u64) -> sys::Result<()> {
    if STATE.load(Acquire) != LIVE {
        return Err(Errno(libc::EBADF));
    }
    if dest::sandboxed() {
        return Err(Errno(libc::EPERM));
    }
    let t = PATH.get().ok_or(Errno(libc::EINVAL))?;
    let mut buf = [0u8; PATH_MAX + 16];
    let path = t
        .path(OWNER.load(Relaxed) as u32, &mut buf)
        .ok_or(Errno(libc::ENAMETOOLONG))?;
    let (fd, m) = dest::open(path, libc::O_RDWR, 0).map_err(|e| match e {
        OpenError::Sys(e) => e,
        _ => Errno(libc::ESTALE),
    })?;
    let r = if m.dev != DEV.load(Relaxed) || m.ino != INO.load(Relaxed) {
        Err(Errno(libc::ESTALE))
    } else {
        grow_and_map(fd, first, end)
    };
    sys::fd::close_quiet(fd);
    r
}

fn grow_and_map(fd: i32, first: &Mapping, end: u64) -> sys::Result<()> {
    let last = ((end - 1) / record::CHUNK as u64) as usize;
    if last >= MAX_CHUNKS {
        return Err(Errno(libc::EFBIG));
    }
    for (ci, cell) in CHUNKS.iter().enumerate().take(last + 1).skip(1) {
        if cell.load(Acquire) != 0 {
            continue;
        }
        let m = Mapping::map_shared(fd, (ci * record::CHUNK) as u64, record::CHUNK)?;
        if cell.compare_exchange(0, m.addr(), AcqRel, Acquire).is_err() {
            m.unmap();
        }
    }
    grow(fd, first, end, end)
}

/// Chunk 0, opening this process's own recording first after a fork.
fn first_chunk(pid: u32) -> Option<Mapping> {
    if let Some(m) = mapped(0) {
        return Some(m);
    }
    if dest::sandboxed() || STATE.compare_exchange(REOPEN, OPENING, SeqCst, SeqCst).is_err() {
        return None;
    }
    match PATH.get().map(|t| open(&t, pid)) {
        Some(Ok(())) => mapped(0),
        Some(Err(e)) => {
            STATE.store(STOPPED, SeqCst);
            dest::notice(|o| {
                o.str("cannot record process ");
                o.u64(u64::from(pid));
                o.str(": ");
                dest::put_open_error(o, e);
                o.str("; recording is off in it");
            });
            None
        }
        None => {
            STATE.store(STOPPED, SeqCst);
            None
        }
    }
}

/// Appends a record made of `parts` (the first starts with the length and
/// a zero commit word), `total` bytes in all, reserved with one fetch-add
/// and published with one release store. An error means the recording
/// cannot go on: the caller stops it.
pub fn append(parts: &[&[u8]], total: usize, pid: u32) -> sys::Result<()> {
    let Some(first) = first_chunk(pid) else { return Ok(()) };
    let next = first.u64_at(record::OFF_NEXT)?;
    let reserved = first.u64_at(record::OFF_SIZE)?;
    let chunk = record::CHUNK as u64;
    for _ in 0..4 {
        let off = next.fetch_add(total as u64, Relaxed);
        let end = off + total as u64;
        let ci = (off / chunk) as usize;
        let last = ((end - 1) / chunk) as usize;
        if end > reserved.load(Acquire) || mapped(last).is_none() {
            if let Err(e) = ensure(&first, end) {
                // The part of this record inside the file becomes padding,
                // so the reader sees a clean end, not a torn record.
                let have = reserved.load(Acquire);
                if off + 8 <= have && mapped((off / chunk) as usize).is_some() {
                    pad(off, have.min(chunk_end_of(off)) - off);
                }
                return Err(e);
            }
        }
        let chunk_end = (ci as u64 + 1) * chunk;
        if end > chunk_end {
            // Never across a chunk: fill both sides with padding, retry.
            pad(off, chunk_end - off);
            pad(chunk_end, end - chunk_end);
            continue;
        }
        let Some(m) = mapped(ci) else {
            return Err(Errno(libc::EFAULT));
        };
        let at = (off - ci as u64 * chunk) as usize;
        let mut p = at;
        for part in parts.iter().filter(|p| !p.is_empty()) {
            let _ = m.write(p, part);
            p += part.len();
        }
        let _ = m.publish_u32(at + 4, record::COMMIT ^ total as u32);
        return Ok(());
    }
    Ok(())
}

/// The end of the chunk that holds offset `off`.
fn chunk_end_of(off: u64) -> u64 {
    (off / record::CHUNK as u64 + 1) * record::CHUNK as u64
}

fn pad(off: u64, len: u64) {
    let ci = (off / record::CHUNK as u64) as usize;
    if let Some(m) = mapped(ci) {
        let at = (off - ci as u64 * record::CHUNK as u64) as usize;
        let _ = m.write(at, &(len as u32).to_le_bytes());
        let _ = m.publish_u32(at + 4, record::PAD ^ len as u32);
    }
}

/// Stops the recording after `e` (once: true for the caller that did)
/// and says so. What it holds stays decodable.
pub fn stop(e: Errno) -> bool {
    if STATE.compare_exchange(LIVE, STOPPED, SeqCst, SeqCst).is_err() {
        return false;
    }
    let kept = mapped(0)
        .and_then(|m| m.u64_at(record::OFF_SIZE).ok().map(|r| r.load(Relaxed)))
        .unwrap_or(0);
    let mut buf = [0u8; PATH_MAX + 16];
    let t = PATH.get();
    let p = t
        .as_ref()
        .and_then(|t| t.path(OWNER.load(Relaxed) as u32, &mut buf))
        .map_or(&b"?"[..], |c| c.to_bytes());
    dest::notice(|o| {
        o.str("recording ");
        o.bytes(p);
        o.str(": ");
        if e.0 == libc::EPERM && dest::sandboxed() {
            o.str("the process is in a seccomp sandbox, the file cannot grow");
        } else if e.0 == libc::ESTALE {
            o.str("the file was moved or replaced");
        } else {
            dest::put_errno(o, e);
        }
        o.str("; recording stopped (");
        o.u64(kept);
        o.str(" bytes kept)");
    });
    true
}

/// After fork, in the child of a per-process recording: forget the
/// parent's file (its mappings go), open our own at the first record.
pub fn after_fork_child() {
    if !PATH.get().is_some_and(|t| t.per_process()) || STATE.load(SeqCst) != LIVE {
        return;
    }
    for c in CHUNKS.iter() {
        let a = c.swap(0, SeqCst);
        if a != 0 {
            Mapping::from_raw(a, record::CHUNK).unmap();
        }
    }
    STATE.store(REOPEN, SeqCst);
}
