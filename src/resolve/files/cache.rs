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
    /// The lines of /etc/hosts, parsed (`records`), kept under its
    /// identity.
    HostsRecords,
    /// The port index of /etc/services (`indexed`), kept under its
    /// identity.
    ServicesIndex,
}

const DBS: usize = 10;

impl Db {
    pub(crate) fn path(self) -> &'static CStr {
        match self {
            Db::Hosts | Db::HostsRecords => c"/etc/hosts",
            Db::Services | Db::ServicesIndex => c"/etc/services",
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

/// The records kept for a small file are replayed from a stack buffer
/// this long or `SMALL_RECORDS` (larger ones from a `SNAP_CAP` one): the
/// buffer is zeroed every call.
const TINY_RECORDS: usize = 512;
const SMALL_RECORDS: usize = 2048;
/// Room for the records being built: a file's records can be a little
/// longer than the file (see `records`).
const BUILD_CAP: usize = SNAP_CAP + 256;

/// Calls `f` with one record per line of `db`, in file order, until it
/// breaks: the bytes `encode` makes of the line (at most `u16::MAX`;
/// `None`: they do not fit in the slice given). The records of the whole
/// file are kept in `kept`'s slot under the file's identity, so while the
/// file is unchanged a call costs one `stat` and a copy of the records,
/// and no line is parsed again. Errors as `for_each_line`.
pub fn records(
    db: Db,
    kept: Db,
    mut encode: impl FnMut(Line<'_>, &mut [u8]) -> Option<usize>,
    mut f: impl FnMut(&[u8]) -> ControlFlow<()>,
) -> Result<(), LookupError> {
    let id = fs::stat(db.path()).map_err(system)?;
    let replayed = match kept.slot().stored_len(&id) {
        Some(n) if n <= TINY_RECORDS => replay::<TINY_RECORDS>(kept, &id, &mut f),
        Some(n) if n <= SMALL_RECORDS => replay::<SMALL_RECORDS>(kept, &id, &mut f),
        Some(_) => replay::<SNAP_CAP>(kept, &id, &mut f),
        None => false,
    };
    if replayed {
        return Ok(());
    }
    let mut built = [0u8; BUILD_CAP];
    let mut at = 0;
    // Whether `built` holds every line's record (else it is not kept).
    let mut whole = true;
    let mut stopped = false;
    // A file read in pieces stops at the match, as before: its records
    // are not kept then.
    let pieces = usize::try_from(id.size).map_or(true, |n| n >= SNAP_CAP);
    let read = lines_of(db, &id, |line| {
        let n = loop {
            let room = built.get_mut(at + 2..).unwrap_or(&mut []);
            match encode(line, room) {
                Some(n) if n <= usize::from(u16::MAX) => break Some(n),
                _ if at > 0 => {
                    // Full: the records so far are dropped, this line's
                    // is made at the start.
                    at = 0;
                    whole = false;
                }
                _ => break None,
            }
        };
        let Some(n) = n else {
            whole = false;
            return ControlFlow::Continue(());
        };
        built[at..at + 2].copy_from_slice(&(n as u16).to_le_bytes());
        if !stopped {
            stopped = f(&built[at + 2..at + 2 + n]).is_break();
        }
        at += 2 + n;
        if stopped && pieces {
            whole = false;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if read.is_ok() && whole {
        kept.slot().store(&id, &built[..at]);
    }
    read
}

/// Calls `f` with the records kept in `kept`'s slot under `id`, copied to
/// an `N`-byte stack buffer; false when there are none that fit.
fn replay<const N: usize>(kept: Db, id: &FileId, f: &mut impl FnMut(&[u8]) -> ControlFlow<()>) -> bool {
    let mut buf = [0u8; N];
    let Some(n) = kept.slot().load(id, &mut buf) else {
        return false;
    };
    let mut rest = &buf[..n];
    while let [a, b, tail @ ..] = rest {
        let len = usize::from(u16::from_le_bytes([*a, *b])).min(tail.len());
        let (record, after) = tail.split_at(len);
        if f(record).is_break() {
            break;
        }
        rest = after;
    }
    true
}

/// What `indexed`'s lookup did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<R> {
    /// It answered (found or not) from the index.
    Answered(R),
    /// The index cannot answer this question: scan the lines.
    Scan,
}

/// An index of a file, built from its lines (`indexed`).
pub trait Index {
    fn add(&mut self, line: Line<'_>);
    /// Its bytes, to be kept; None when they do not fit.
    fn bytes(&mut self) -> Option<&[u8]>;
}

/// The words of a slot read in place, for `indexed`'s lookup. A read may
/// be torn while a writer is busy: its result is then discarded, so code
/// reading it must only stay in bounds (`word` gives 0 beyond the end).
pub struct Kept<'a> {
    words: &'a [AtomicU64],
    len: usize,
}

impl Kept<'_> {
    /// The `i`-th little-endian word of the kept bytes (0 beyond them).
    pub fn word(&self, i: usize) -> u64 {
        if i >= self.len.div_ceil(8) {
            return 0;
        }
        self.words.get(i).map_or(0, |w| w.load(Ordering::Relaxed))
    }

    /// Copies the kept bytes from byte `at` into `out` (zeros beyond them).
    pub fn copy(&self, at: usize, out: &mut [u8]) {
        for (k, c) in out.iter_mut().enumerate() {
            let i = at.saturating_add(k);
            *c = self.word(i / 8).to_le_bytes()[i % 8];
        }
    }
}

/// A question answered from an index of `db` kept in `kept`'s slot under
/// the file's identity and read in place: one `stat`, no copy of the
/// file. `look` answers (`Some`; it may write to `state`, whose contents
/// are not to be trusted but through its answer). Without an index for
/// this version of the file, or when `look` says `Scan`, each line goes
/// to `line` until it breaks, which answers into `state` itself (`None`);
/// without an index, one is also built from every line (`new_index`) and
/// kept.
pub fn indexed<S, R, I: Index>(
    db: Db,
    kept: Db,
    state: &mut S,
    look: impl FnOnce(&Kept<'_>, &mut S) -> Lookup<R>,
    mut line: impl FnMut(&mut S, Line<'_>) -> ControlFlow<()>,
    new_index: impl FnOnce() -> I,
) -> Result<Option<R>, LookupError> {
    let id = fs::stat(db.path()).map_err(system)?;
    match kept.slot().read_in_place(&id, |k| look(k, state)) {
        Some(Lookup::Answered(r)) => return Ok(Some(r)),
        Some(Lookup::Scan) => return lines_of(db, &id, |l| line(state, l)).map(|()| None),
        None => {}
    }
    // A file read in pieces is not indexed, and its scan stops at the
    // answer, as before.
    if usize::try_from(id.size).map_or(true, |n| n >= SNAP_CAP) {
        return lines_of(db, &id, |l| line(state, l)).map(|()| None);
    }
    let mut index = new_index();
    let mut stopped = false;
    let read = lines_of(db, &id, |l| {
        index.add(l);
        if !stopped {
            stopped = line(state, l).is_break();
        }
        ControlFlow::Continue(())
    });
    if read.is_ok() {
        if let Some(bytes) = index.bytes() {
            kept.slot().store(&id, bytes);
        }
    }
    read.map(|()| None)
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
        if !self.is_of(id) || len > buf.len() {
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

    /// The length of the snapshot if it is of the file `id` (a hint: it
    /// may change before it is loaded).
    fn stored_len(&self, id: &FileId) -> Option<usize> {
        let seq = self.seq.load(Ordering::Acquire);
        if seq == 0 || seq & 1 == 1 || !self.is_of(id) {
            return None;
        }
        Some(self.len.load(Ordering::Relaxed))
    }

    fn is_of(&self, id: &FileId) -> bool {
        self.id
            .iter()
            .zip(id_words(id))
            .all(|(a, b)| a.load(Ordering::Relaxed) == b)
    }

    /// `f`'s result over the snapshot read in place, if it is of the file
    /// `id` and no writer got in the way (then `f`'s result, made from a
    /// torn read, is dropped).
    fn read_in_place<R>(&self, id: &FileId, f: impl FnOnce(&Kept<'_>) -> R) -> Option<R> {
        let seq = self.seq.load(Ordering::Acquire);
        if seq == 0 || seq & 1 == 1 {
            return None;
        }
        let len = self.len.load(Ordering::Relaxed);
        if !self.is_of(id) {
            return None;
        }
        let r = f(&Kept {
            words: &self.words,
            len: len.min(SNAP_CAP),
        });
        fence(Ordering::Acquire);
        (self.seq.load(Ordering::Relaxed) == seq).then_some(r)
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

    #[test]
    fn kept_records_replay_in_order_and_stop() {
        let mut kept = Vec::new();
        for r in [&b"one"[..], b"", b"three"] {
            kept.extend_from_slice(&(r.len() as u16).to_le_bytes());
            kept.extend_from_slice(r);
        }
        Db::HostsRecords.slot().store(&id(95), &kept);
        let mut seen = Vec::new();
        assert!(replay::<SMALL_RECORDS>(Db::HostsRecords, &id(95), &mut |r: &[u8]| {
            seen.push(r.to_vec());
            ControlFlow::Continue(())
        }));
        assert_eq!(seen, [b"one".to_vec(), vec![], b"three".to_vec()]);
        let mut n = 0;
        assert!(replay::<SNAP_CAP>(Db::HostsRecords, &id(95), &mut |_: &[u8]| {
            n += 1;
            ControlFlow::Break(())
        }));
        assert_eq!(n, 1);
        assert!(!replay::<SMALL_RECORDS>(
            Db::HostsRecords,
            &id(96),
            &mut |_: &[u8]| ControlFlow::Continue(())
        ));
        assert_eq!(Db::HostsRecords.slot().stored_len(&id(95)), Some(kept.len()));
        assert_eq!(Db::HostsRecords.slot().stored_len(&id(96)), None);
    }

    /// The index answer for every port and protocol asked, against a scan
    /// of the same text as `for_each_service` does it.
    fn index_agrees_with_scan(text: &[u8], protos: &[(&[u8], bool)]) {
        use crate::resolve::files::services::{parse_line, port_name, PortIndex};
        let mut index = PortIndex::new();
        let mut bytes = text;
        while !bytes.is_empty() {
            let end = find_byte(bytes, b'\n').map_or(bytes.len(), |p| p + 1);
            index.add(Line {
                bytes: &bytes[..end],
                len: end,
            });
            bytes = &bytes[end..];
        }
        let slot = Slot::new();
        slot.store(&id(7), index.bytes().unwrap());
        let mut ports: Vec<u16> = (0..100).chain([8080, 65535, 4294967295u32 as u16]).collect();
        ports.sort();
        for &(proto, scans) in protos {
            for &port in &ports {
                let mut out = [0u8; 256];
                let look = slot
                    .read_in_place(&id(7), |k| port_name(k, port, proto, &mut out))
                    .unwrap();
                let mut want = None;
                let mut scan = false;
                let mut rest = text;
                while !rest.is_empty() {
                    let end = find_byte(rest, b'\n').map_or(rest.len(), |p| p + 1);
                    let hit = crate::resolve::files::with_parser_view(&rest[..end], |v| {
                        parse_line(v)
                            .filter(|s| s.port == port && s.proto == proto)
                            .map(|s| s.name.to_vec())
                    });
                    if hit.is_some() {
                        want = hit;
                        break;
                    }
                    rest = &rest[end..];
                }
                match look {
                    Lookup::Answered(n) => assert_eq!(n.map(|n| out[..n].to_vec()), want, "{port}/{proto:?}"),
                    Lookup::Scan => scan = true,
                }
                assert_eq!(scan, scans, "{port}/{proto:?}");
            }
        }
    }

    #[test]
    fn port_index_answers_as_the_scan_does() {
        let text = b"# services\n\
            tcpmux 1/tcp\n\
            echo 7/tcp\necho 7/udp\n\
            discard 9/tcp sink null\n\
            discard2 9/tcp\n\
            \tsp 10/tcp\n\
            hex 0x11/udp # seventeen\n\
            bad -1/tcp\n\
            noproto 12\n\
            long 13/averylongproto\n\
            http 80/tcp www\n\
            alt 80/tcp\n\
            wrap 65616/udp\n\
            nul 14/t\0cp\n\
            last 15/ddp";
        let asked: [(&[u8], bool); 7] = [
            (b"tcp", false),
            (b"udp", false),
            (b"", false),
            (b"ddp", false),
            (b"t", false),
            (b"averylongproto", true),
            (b"sctp", true),
        ];
        index_agrees_with_scan(text, &asked);
        let mut plain = text.to_vec();
        plain.truncate(
            plain.len()
                - b"long 13/averylongproto\nhttp 80/tcp www\nalt 80/tcp\nwrap 65616/udp\nnul 14/t\0cp\nlast 15/ddp"
                    .len(),
        );
        index_agrees_with_scan(&plain, &[(b"tcp", false), (b"sctp", false), (b"averylongproto", false)]);
        // More protocols than the table holds: the later ones are scanned.
        let mut many = Vec::new();
        for i in 0..20 {
            many.extend_from_slice(format!("s{i} {i}/p{i}\n").as_bytes());
        }
        many.extend_from_slice(b"  moved 5/tcp");
        let asked: [(&[u8], bool); 5] = [
            (b"p0", false),
            (b"p15", false),
            (b"p17", true),
            (b"tcp", true),
            (b"tcpcp", true),
        ];
        index_agrees_with_scan(&many, &asked);
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
