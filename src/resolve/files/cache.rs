//! The files, read through `crate::sys` and kept as snapshots.
//!
//! Each file has a static slot holding a copy of its bytes (up to
//! `SNAP_CAP`) and the identity (`FileId`: device, inode, size, mtime) of
//! what was read. A call `stat`s the path; when the identity matches the
//! slot, it copies the snapshot to its own stack buffer and parses that:
//! one syscall, where glibc opens, reads and closes the file every call.
//! Otherwise it reads the file, publishes it to the slot, and parses it. A
//! file larger than `SNAP_CAP` is read and parsed in pieces every call,
//! as glibc does.
//!
//! Why static slots and a sequence lock rather than allocated, reference
//! counted snapshots: the core is safe Rust without `alloc`, and the slots
//! are plain atomics, so there is no allocation to leak or free, and no
//! lock at all:
//! - a reader reads the sequence number, copies, and checks the number
//!   again; if a writer was busy it simply reads the file itself;
//! - a writer first takes the slot's `writer` flag with a compare-exchange
//!   (never waiting: if another thread holds it, this call just does not
//!   publish), and holds it only while copying bytes, never across a
//!   syscall.
//!
//! So nothing can deadlock, in a thread or in a forked child. (A child
//! forked while another thread was publishing inherits a slot marked busy
//! forever: it then reads the files every call, like glibc. Correct, only
//! slower.) The cost is a copy of the file per call (12 KiB for Debian's
//! /etc/services, a few hundred bytes for a typical /etc/hosts), cheap next
//! to the syscalls it saves.

use core::ffi::CStr;
use core::ops::ControlFlow;
use core::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};

use super::fields::find_byte;
use crate::resolve::LookupError;
use crate::sys::fs::{self, FileId};
use crate::sys::{io, Errno};

/// The largest file kept as a snapshot, and the longest line a file read
/// in pieces can have (a longer line is reported with no bytes).
pub(crate) const SNAP_CAP: usize = 16 * 1024;
/// The stack buffer used for files smaller than this (most /etc/hosts).
const SMALL_CAP: usize = 1024;
const WORDS: usize = SNAP_CAP / 8;

/// The files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Hosts,
    Services,
    Protocols,
    Nsswitch,
    /// /etc/resolv.conf, read whole by `read_whole`.
    ResolvConf,
    /// The host name, kept by `keyed` under /etc/resolv.conf's identity
    /// (glibc takes it when it reads resolv.conf, and keeps it as long).
    Hostname,
    /// /etc/gai.conf, read whole by `read_whole`.
    GaiConf,
    /// The hosts sources of /etc/nsswitch.conf, encoded, kept by `derived`
    /// under the file's identity (glibc re-reads the file only when it
    /// changed, too).
    HostsSources,
}

const DBS: usize = 8;

impl Db {
    pub(crate) fn path(self) -> &'static CStr {
        match self {
            Db::Hosts => c"/etc/hosts",
            Db::Services => c"/etc/services",
            Db::Protocols => c"/etc/protocols",
            Db::Nsswitch | Db::HostsSources => c"/etc/nsswitch.conf",
            Db::ResolvConf => c"/etc/resolv.conf",
            Db::Hostname => c"/proc/sys/kernel/hostname",
            Db::GaiConf => c"/etc/gai.conf",
        }
    }

    fn slot(self) -> &'static Slot {
        &SLOTS[self as usize]
    }
}

/// One physical line of a file: its bytes, including the newline (the last
/// line may have none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// Empty for a line longer than `SNAP_CAP` in a file read in pieces.
    pub bytes: &'a [u8],
    /// The line's length in the file, newline included.
    pub len: usize,
}

impl Line<'_> {
    /// Whether `bytes` holds the whole line.
    pub fn is_complete(&self) -> bool {
        self.bytes.len() == self.len
    }
}

/// Calls `f` with each line of `db` in file order, until it breaks.
/// `Err(LookupError::System(errno))` when the file cannot be read (glibc's
/// nss_files then answers UNAVAIL, or TRYAGAIN for `EAGAIN`).
pub fn for_each_line(db: Db, f: impl FnMut(Line<'_>) -> ControlFlow<()>) -> Result<(), LookupError> {
    let id = fs::stat(db.path()).map_err(system)?;
    lines_of(db, &id, f)
}

/// What a caller derives from the lines of `db` (`state` fed each line by
/// `line`, then made into bytes by `finish`), kept in `kept`'s slot under
/// the file's identity: one `stat` and a copy of those bytes while the
/// file is unchanged. `finish` also gets the error when the file cannot
/// be read; that outcome is not kept.
pub fn derived<S, const N: usize>(
    db: Db,
    kept: Db,
    mut state: S,
    mut line: impl FnMut(&mut S, Line<'_>) -> ControlFlow<()>,
    finish: impl FnOnce(S, Result<(), LookupError>) -> [u8; N],
) -> [u8; N] {
    let id = match fs::stat(db.path()) {
        Ok(id) => id,
        Err(e) => return finish(state, Err(system(e))),
    };
    let mut out = [0u8; N];
    if kept.slot().load(&id, &mut out) == Some(N) {
        return out;
    }
    let read = lines_of(db, &id, |l| line(&mut state, l));
    let ok = read.is_ok();
    out = finish(state, read);
    if ok {
        kept.slot().store(&id, &out);
    }
    out
}

/// The lines of `db`, whose path was found to have identity `id`.
fn lines_of(db: Db, id: &FileId, mut f: impl FnMut(Line<'_>) -> ControlFlow<()>) -> Result<(), LookupError> {
    if usize::try_from(id.size).is_ok_and(|n| n < SMALL_CAP) {
        if let Some(done) = with_buffer::<SMALL_CAP>(db, id, &mut f) {
            return done;
        }
    }
    with_buffer::<SNAP_CAP>(db, id, &mut f).unwrap_or(Ok(()))
}

/// The start of `db` in `buf`, for a file parsed as a whole: its identity
/// and the bytes read (`buf.len()` when the file is at least that long).
/// One `stat` while the file is unchanged; a file that fits is published.
pub fn read_whole(db: Db, buf: &mut [u8]) -> Result<(FileId, usize), Errno> {
    let id = fs::stat(db.path())?;
    if let Some(n) = db.slot().load(&id, buf) {
        return Ok((id, n));
    }
    let fd = fs::open_read(db.path())?;
    let read = fs::fstat(fd).and_then(|id| Ok((id, fs::read_full(fd, buf)?)));
    let _ = io::close(fd);
    let (id, n) = read?;
    if n < buf.len() && i64::try_from(n) == Ok(id.size) {
        db.slot().store(&id, buf.get(..n).unwrap_or(&[]));
    }
    Ok((id, n))
}

/// The bytes of `db` kept under `key` (the identity of the file they
/// derive from), copied into `buf`; else what `fill` writes there, then
/// kept. Returns their length.
pub fn keyed(db: Db, key: &FileId, buf: &mut [u8], fill: impl FnOnce(&mut [u8]) -> usize) -> usize {
    if let Some(n) = db.slot().load(key, buf) {
        return n;
    }
    let n = fill(buf).min(buf.len());
    db.slot().store(key, buf.get(..n).unwrap_or(&[]));
    n
}

fn system(e: Errno) -> LookupError {
    LookupError::System(e.0)
}

/// Reads `db` with an `N`-byte stack buffer. `None`: the file outgrew a
/// small buffer before anything was delivered; try again with a larger one.
fn with_buffer<const N: usize>(
    db: Db,
    id: &FileId,
    f: &mut impl FnMut(Line<'_>) -> ControlFlow<()>,
) -> Option<Result<(), LookupError>> {
    let mut buf = [0u8; N];
    if let Some(n) = db.slot().load(id, &mut buf) {
        deliver(&buf[..n], f);
        return Some(Ok(()));
    }
    let fd = match fs::open_read(db.path()) {
        Ok(fd) => fd,
        Err(e) => return Some(Err(system(e))),
    };
    let done = read_lines(db, fd, &mut buf, f);
    let _ = io::close(fd);
    done
}

/// Reads the open file: whole (then published) if it fits in `buf`, else
/// in pieces.
fn read_lines<const N: usize>(
    db: Db,
    fd: i32,
    buf: &mut [u8; N],
    f: &mut impl FnMut(Line<'_>) -> ControlFlow<()>,
) -> Option<Result<(), LookupError>> {
    let read = fs::fstat(fd).and_then(|id| Ok((id, fs::read_full(fd, buf)?)));
    let (id, n) = match read {
        Ok(r) => r,
        Err(e) => return Some(Err(system(e))),
    };
    if n < N {
        if i64::try_from(n) == Ok(id.size) {
            db.slot().store(&id, &buf[..n]);
        }
        deliver(&buf[..n], f);
        return Some(Ok(()));
    }
    if N < SNAP_CAP {
        return None;
    }
    Some(stream(fd, buf, n, f).map_err(system))
}

/// The lines of a whole file in memory.
fn deliver(mut bytes: &[u8], f: &mut impl FnMut(Line<'_>) -> ControlFlow<()>) {
    while !bytes.is_empty() {
        let end = find_byte(bytes, b'\n').map_or(bytes.len(), |p| p + 1);
        let (line, rest) = bytes.split_at(end);
        if f(Line { bytes: line, len: end }).is_break() {
            return;
        }
        bytes = rest;
    }
}

/// The lines of a file larger than `buf`, which holds its first `filled`
/// bytes: complete lines are delivered, the partial one moves to the
/// front, more is read.
fn stream(
    fd: i32,
    buf: &mut [u8],
    mut filled: usize,
    f: &mut impl FnMut(Line<'_>) -> ControlFlow<()>,
) -> Result<(), Errno> {
    let mut eof = false;
    // Bytes already passed of a line longer than the buffer.
    let mut overlong: Option<usize> = None;
    loop {
        let mut start = 0;
        while let Some(p) = find_byte(&buf[start..filled], b'\n') {
            let end = start + p + 1;
            let line = match overlong.take() {
                Some(k) => Line {
                    bytes: &[],
                    len: k + end,
                },
                None => Line {
                    bytes: &buf[start..end],
                    len: end - start,
                },
            };
            if f(line).is_break() {
                return Ok(());
            }
            start = end;
        }
        if eof {
            let line = match overlong {
                Some(k) => Line {
                    bytes: &[],
                    len: k + filled,
                },
                None => Line {
                    bytes: &buf[start..filled],
                    len: filled - start,
                },
            };
            if line.len > 0 {
                let _ = f(line);
            }
            return Ok(());
        }
        if start == 0 && filled == buf.len() {
            overlong = Some(overlong.unwrap_or(0) + filled);
            filled = 0;
        } else {
            buf.copy_within(start..filled, 0);
            filled -= start;
        }
        let room = buf.len() - filled;
        let n = fs::read_full(fd, &mut buf[filled..])?;
        eof = n < room;
        filled += n;
    }
}

/// A file's snapshot: its bytes in little-endian words, its identity, and
/// a sequence number that is odd while a writer is copying (0: empty).
struct Slot {
    writer: AtomicBool,
    seq: AtomicU64,
    id: [AtomicU64; 5],
    len: AtomicUsize,
    words: [AtomicU64; WORDS],
}

static SLOTS: [Slot; DBS] = [const { Slot::new() }; DBS];

fn id_words(id: &FileId) -> [u64; 5] {
    [
        id.dev,
        id.ino,
        id.size as u64,
        id.mtime_sec as u64,
        id.mtime_nsec as u64,
    ]
}

impl Slot {
    const fn new() -> Slot {
        #[allow(clippy::declare_interior_mutable_const)]
        const ZERO: AtomicU64 = AtomicU64::new(0);
        Slot {
            writer: AtomicBool::new(false),
            seq: AtomicU64::new(0),
            id: [ZERO; 5],
            len: AtomicUsize::new(0),
            words: [ZERO; WORDS],
        }
    }

    /// Copies the snapshot into `buf` if it is of the file `id` and fits;
    /// returns its length. `None` also when a writer got in the way.
    fn load(&self, id: &FileId, buf: &mut [u8]) -> Option<usize> {
        let seq = self.seq.load(Ordering::Acquire);
        if seq == 0 || seq & 1 == 1 {
            return None;
        }
        let len = self.len.load(Ordering::Relaxed);
        let same = self
            .id
            .iter()
            .zip(id_words(id))
            .all(|(a, b)| a.load(Ordering::Relaxed) == b);
        if !same || len > buf.len() {
            return None;
        }
        let mut words = self.words.iter();
        let mut chunks = buf[..len].chunks_exact_mut(8);
        for (chunk, word) in (&mut chunks).zip(&mut words) {
            chunk.copy_from_slice(&word.load(Ordering::Relaxed).to_le_bytes());
        }
        let tail = chunks.into_remainder();
        if let Some(word) = words.next() {
            let bytes = word.load(Ordering::Relaxed).to_le_bytes();
            tail.copy_from_slice(&bytes[..tail.len()]);
        }
        fence(Ordering::Acquire);
        (self.seq.load(Ordering::Relaxed) == seq).then_some(len)
    }

    /// Publishes `bytes` as the snapshot of file `id`, unless another
    /// thread is publishing (then this one leaves it to that one).
    fn store(&self, id: &FileId, bytes: &[u8]) {
        if bytes.len() > SNAP_CAP
            || self
                .writer
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        let mut words = self.words.iter();
        let mut chunks = bytes.chunks_exact(8);
        for (chunk, word) in (&mut chunks).zip(&mut words) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            word.store(u64::from_le_bytes(w), Ordering::Relaxed);
        }
        let tail = chunks.remainder();
        if let Some(word) = words.next() {
            let mut w = [0u8; 8];
            w[..tail.len()].copy_from_slice(tail);
            word.store(u64::from_le_bytes(w), Ordering::Relaxed);
        }
        self.len.store(bytes.len(), Ordering::Relaxed);
        for (a, b) in self.id.iter().zip(id_words(id)) {
            a.store(b, Ordering::Relaxed);
        }
        self.seq.store(seq + 2, Ordering::Release);
        self.writer.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> FileId {
        FileId {
            dev: 1,
            ino: n,
            size: 3,
            mtime_sec: 4,
            mtime_nsec: 5,
        }
    }

    #[test]
    fn slot_round_trip_and_identity() {
        let slot = Slot::new();
        let mut buf = [0u8; 64];
        assert_eq!(slot.load(&id(1), &mut buf), None);
        slot.store(&id(1), b"hello, snapshot!!");
        assert_eq!(slot.load(&id(1), &mut buf), Some(17));
        assert_eq!(&buf[..17], b"hello, snapshot!!");
        assert_eq!(slot.load(&id(2), &mut buf), None);
        let mut small = [0u8; 8];
        assert_eq!(slot.load(&id(1), &mut small), None);
        slot.store(&id(2), b"");
        assert_eq!(slot.load(&id(2), &mut buf), Some(0));
    }

    #[test]
    fn busy_writer_means_no_snapshot() {
        let slot = Slot::new();
        slot.store(&id(1), b"abc");
        slot.writer.store(true, Ordering::Relaxed);
        slot.store(&id(2), b"xyz");
        let mut buf = [0u8; 8];
        assert_eq!(slot.load(&id(2), &mut buf), None);
        assert_eq!(slot.load(&id(1), &mut buf), Some(3));
        slot.seq.fetch_add(1, Ordering::Relaxed); // a writer mid-copy
        assert_eq!(slot.load(&id(1), &mut buf), None);
    }

    #[test]
    fn concurrent_readers_never_see_a_torn_snapshot() {
        let slot: &'static Slot = Box::leak(Box::new(Slot::new()));
        let a = [b'a'; 4000];
        let b = [b'b'; 4000];
        std::thread::scope(|s| {
            s.spawn(|| {
                for i in 0..2000 {
                    slot.store(&id(i % 2), if i % 2 == 0 { &a } else { &b });
                }
            });
            for _ in 0..2 {
                s.spawn(|| {
                    let mut buf = [0u8; 4000];
                    for i in 0..20000u64 {
                        if let Some(n) = slot.load(&id(i % 2), &mut buf) {
                            let want = if i % 2 == 0 { b'a' } else { b'b' };
                            assert!(buf[..n].iter().all(|&c| c == want));
                        }
                    }
                });
            }
        });
    }

    #[test]
    fn keyed_fills_once_per_key() {
        let mut buf = [0u8; 16];
        let mut fills = 0;
        let fill = |b: &mut [u8], fills: &mut i32| {
            *fills += 1;
            b[..2].copy_from_slice(b"ab");
            2
        };
        assert_eq!(keyed(Db::Hostname, &id(90), &mut buf, |b| fill(b, &mut fills)), 2);
        assert_eq!(keyed(Db::Hostname, &id(90), &mut buf, |b| fill(b, &mut fills)), 2);
        assert_eq!((fills, &buf[..2]), (1, &b"ab"[..]));
        keyed(Db::Hostname, &id(91), &mut buf, |b| fill(b, &mut fills));
        assert_eq!(fills, 2);
    }

    fn lines_of(content: &[u8], buf_len: usize) -> Vec<(Vec<u8>, usize)> {
        let path = std::env::temp_dir().join(format!("sockshim-stream-{}-{buf_len}", std::process::id()));
        std::fs::write(&path, content).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
        let mut buf = vec![0u8; buf_len];
        let n = fs::read_full(fd, &mut buf).unwrap();
        let mut out = Vec::new();
        stream(fd, &mut buf, n, &mut |l: Line<'_>| {
            out.push((l.bytes.to_vec(), l.len));
            ControlFlow::Continue(())
        })
        .unwrap();
        std::fs::remove_file(&path).unwrap();
        out
    }

    #[test]
    fn streaming_delivers_every_line_and_measures_overlong_ones() {
        let content = b"ab\ncdefgh\n\nijklmnopqrstuvwxyz\nlast";
        let got = lines_of(content, 8);
        let want: Vec<(Vec<u8>, usize)> = vec![
            (b"ab\n".to_vec(), 3),
            (b"cdefgh\n".to_vec(), 7),
            (b"\n".to_vec(), 1),
            (vec![], 19),
            (b"last".to_vec(), 4),
        ];
        assert_eq!(got, want);
        // Every buffer size gives the same lines when they fit.
        for len in 21..40 {
            let got = lines_of(content, len);
            let whole: Vec<(Vec<u8>, usize)> = content
                .split_inclusive(|&c| c == b'\n')
                .map(|l| (l.to_vec(), l.len()))
                .collect();
            assert_eq!(got, whole, "buffer {len}");
        }
    }
}
