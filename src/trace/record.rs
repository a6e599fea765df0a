//! The binary recording: format, encoding, and the reader
//! (`sockshim-trace decode` and the tests read recordings with it).
//!
//! A recording is one file, written through a shared memory mapping by
//! every thread (and every forked child, when the path has no `%p`) without
//! locks and without a syscall per call:
//!
//! ```text
//! header (64 bytes, little-endian):
//!   0  magic "SOCKSHIM"        8  u32 version (1)     12 u32 header size (64)
//!   16 u64 next free offset (the writers' atomic fetch-add counter)
//!   24 u32 chunk size          28 u32 pid of the creator
//!   32 u64 creation time (ns since the epoch)
//!   40 u64 bytes of the file reserved with fallocate: writers never store
//!      past it (0 in files written before the field existed: the file's
//!      size is taken instead)
//! records, from offset 64, each 8-byte aligned, never across a chunk boundary:
//!   0  u32 length (multiple of 8, header included)
//!   4  u32 commit word: COMMIT ^ length once the record is complete
//!      (written last, release), PAD ^ length for filler, 0 while in progress
//!   8  u16 kind: 1 call, 2 descriptor
//! call record (kind 1):
//!   10 u16 function (`Func::code`, bits 0..=13; bit 15: the result
//!      was injected, `Event::injected`; bit 14: an injected delay held the
//!      call back, `Event::delayed`)   12 u32 pid   16 u32 tid   20 i32 errno
//!   24 i64 return   32 u64 start (ns since the epoch)   40 u64 duration (ns)
//!   48 u64 args[6]  96 u32 len_in   100 u32 len_out  104 u16 addr bytes
//!   106 u16 aux bytes  108 u32 payload bytes kept   112 u64 payload length
//!   120 address, aux, payload
//! descriptor record (kind 2), written when a socket's endpoints become
//! known (bind, connect, accept, first traced use of an inherited socket):
//!   12 u32 pid  16 i32 fd  20 i32 domain  24 i32 type  28 i32 protocol
//!   32 u64 inode  40 u64 time  48 u16 local bytes  50 u16 peer bytes
//!   52 u32 flags (bit 0: a peer inode follows the addresses)
//!   56 local address, peer address, [u64 peer inode (Unix sockets)]
//! ```
//!
//! A process killed at any moment leaves every record it committed intact
//! (the mapping is the file's page cache); a record it was writing has a
//! zero commit word and is skipped (or, if its length was not written
//! either, the reader scans forward to the next committed record).

use super::event::{Event, FdDesc, ADDR_MAX};
use super::func::Func;

pub(crate) const MAGIC: [u8; 8] = *b"SOCKSHIM";
pub(crate) const VERSION: u32 = 1;
pub(crate) const HEADER_SIZE: usize = 64;
/// Offset of the writers' counter in the header.
pub(crate) const OFF_NEXT: usize = 16;
/// Offset of the reserved size in the header.
pub(crate) const OFF_SIZE: usize = 40;
/// The file is mapped in chunks of this size (it grows in smaller steps).
pub(crate) const CHUNK: usize = 8 << 20;
pub(crate) const COMMIT: u32 = 0x5ec0_c0de;
pub(crate) const PAD: u32 = 0xfadd_ed00;
pub(crate) const KIND_CALL: u16 = 1;
pub(crate) const KIND_FD: u16 = 2;
pub(crate) const CALL_FIXED: usize = 120;
pub(crate) const FD_FIXED: usize = 56;
/// In a call record's function field: the result was injected. Function
/// codes are below 64, so the bit was always 0 before it had a meaning:
/// older recordings read the same (the layout and version are unchanged).
pub(crate) const FUNC_INJECTED: u16 = 1 << 15;
/// In the same field: an injected delay held the call back (the same
/// reasoning: a bit that was always 0).
pub(crate) const FUNC_DELAYED: u16 = 1 << 14;

pub(crate) fn align8(n: usize) -> usize {
    (n + 7) & !7
}

/// The header of a new recording.
pub(crate) fn encode_header(pid: u32, time_ns: u64) -> [u8; HEADER_SIZE] {
    let mut h = [0u8; HEADER_SIZE];
    h[0..8].copy_from_slice(&MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h[12..16].copy_from_slice(&(HEADER_SIZE as u32).to_le_bytes());
    h[16..24].copy_from_slice(&(HEADER_SIZE as u64).to_le_bytes());
    h[24..28].copy_from_slice(&(CHUNK as u32).to_le_bytes());
    h[28..32].copy_from_slice(&pid.to_le_bytes());
    h[32..40].copy_from_slice(&time_ns.to_le_bytes());
    h[40..48].copy_from_slice(&(HEADER_SIZE as u64).to_le_bytes());
    h
}

fn put(b: &mut [u8], at: usize, v: &[u8]) {
    if let Some(d) = b.get_mut(at..at + v.len()) {
        d.copy_from_slice(v);
    }
}

/// The parts of a call record: its fixed part (commit word zero), then
/// the address, the aux and `data_len` payload bytes, which the writer
/// copies after it; returns `(fixed part, total record length)`.
pub(crate) fn encode_call(ev: &Event, data_len: usize) -> ([u8; CALL_FIXED], usize) {
    let addr = ev.addr.get(..ADDR_MAX).unwrap_or(ev.addr);
    let aux = ev.aux.get(..u16::MAX as usize).unwrap_or(ev.aux);
    let total = align8(CALL_FIXED + addr.len() + aux.len() + data_len);
    let mut buf = [0u8; CALL_FIXED];
    let b = &mut buf;
    put(b, 0, &(total as u32).to_le_bytes());
    put(b, 8, &KIND_CALL.to_le_bytes());
    let injected = if ev.injected { FUNC_INJECTED } else { 0 };
    let delayed = if ev.delayed { FUNC_DELAYED } else { 0 };
    put(b, 10, &(ev.func.code() | injected | delayed).to_le_bytes());
    put(b, 12, &ev.pid.to_le_bytes());
    put(b, 16, &ev.tid.to_le_bytes());
    put(b, 20, &ev.errno.to_le_bytes());
    put(b, 24, &ev.ret.to_le_bytes());
    put(b, 32, &ev.time_ns.to_le_bytes());
    put(b, 40, &ev.dur_ns.to_le_bytes());
    for (i, a) in ev.args.iter().enumerate() {
        put(b, 48 + 8 * i, &a.to_le_bytes());
    }
    put(b, 96, &ev.len_in.to_le_bytes());
    put(b, 100, &ev.len_out.to_le_bytes());
    put(b, 104, &(addr.len() as u16).to_le_bytes());
    put(b, 106, &(aux.len() as u16).to_le_bytes());
    put(b, 108, &(data_len as u32).to_le_bytes());
    put(b, 112, &ev.data_total.to_le_bytes());
    (buf, total)
}

/// Bytes `encode_fd` may need.
pub(crate) const FD_MAX: usize = FD_FIXED + 2 * ADDR_MAX + 8;
const FD_PEER_INODE: u32 = 1;

/// Encodes a descriptor record; returns its length (all of it is in `buf`,
/// which must hold `FD_MAX` bytes).
pub(crate) fn encode_fd(pid: u32, fd: i32, time_ns: u64, d: &FdDesc, buf: &mut [u8]) -> usize {
    let addrs = d.local().len() + d.peer().len();
    let extra = if d.peer_inode != 0 { 8 } else { 0 };
    let total = align8(FD_FIXED + addrs + extra);
    if let Some(b) = buf.get_mut(..total) {
        b.fill(0);
    }
    put(buf, 0, &(total as u32).to_le_bytes());
    put(buf, 8, &KIND_FD.to_le_bytes());
    put(buf, 12, &pid.to_le_bytes());
    put(buf, 16, &fd.to_le_bytes());
    put(buf, 20, &d.domain.to_le_bytes());
    put(buf, 24, &d.ty.to_le_bytes());
    put(buf, 28, &d.protocol.to_le_bytes());
    put(buf, 32, &d.inode.to_le_bytes());
    put(buf, 40, &time_ns.to_le_bytes());
    put(buf, 48, &d.local_len.to_le_bytes());
    put(buf, 50, &d.peer_len.to_le_bytes());
    put(buf, FD_FIXED, d.local());
    put(buf, FD_FIXED + d.local().len(), d.peer());
    if d.peer_inode != 0 {
        put(buf, 52, &FD_PEER_INODE.to_le_bytes());
        put(buf, FD_FIXED + addrs, &d.peer_inode.to_le_bytes());
    }
    total.min(buf.len())
}

/// Why a file is not a recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// A file of no bytes: a process stopped before its recording had a
    /// header (a valid recording with no calls).
    Empty,
    TooShort,
    BadMagic,
    UnsupportedVersion(u32),
}

impl core::fmt::Display for RecordError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RecordError::Empty => write!(f, "an empty recording (no calls)"),
            RecordError::TooShort => write!(f, "too short for a sockshim recording header"),
            RecordError::BadMagic => write!(f, "not a sockshim recording (bad magic)"),
            RecordError::UnsupportedVersion(v) => write!(f, "unsupported recording version {v}"),
        }
    }
}

/// The recording's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    /// The process that created the file.
    pub pid: u32,
    /// When it was created (ns since the epoch).
    pub created_ns: u64,
    /// How far writers had reserved space (records end at or before it).
    pub end: u64,
    pub chunk: u32,
}

/// One record of a recording.
#[derive(Clone, Copy, Debug)]
pub enum Record<'a> {
    Call(Event<'a>),
    /// A socket's endpoints, learnt at `time_ns` by process `pid`.
    Fd {
        pid: u32,
        fd: i32,
        time_ns: u64,
        desc: FdDesc,
    },
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2).map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

pub fn read_header(file: &[u8]) -> Result<Header, RecordError> {
    if file.is_empty() {
        return Err(RecordError::Empty);
    }
    if file.len() < HEADER_SIZE {
        return Err(RecordError::TooShort);
    }
    if file[..8] != MAGIC {
        return Err(RecordError::BadMagic);
    }
    let version = u32_at(file, 8);
    if version != VERSION {
        return Err(RecordError::UnsupportedVersion(version));
    }
    Ok(Header {
        version,
        pid: u32_at(file, 28),
        created_ns: u64_at(file, 32),
        end: u64_at(file, OFF_NEXT),
        chunk: u32_at(file, 24),
    })
}

/// Iterates over the records of a recording's bytes (the whole file,
/// e.g. read or mapped). Records being written when the file was read, or
/// torn by a crash, are skipped (`skipped` counts them).
pub struct Reader<'a> {
    file: &'a [u8],
    pos: usize,
    end: usize,
    chunk: usize,
    /// Incomplete records passed over so far.
    pub skipped: u64,
}

/// A reader over `file`, or why it is not a recording.
pub fn records(file: &[u8]) -> Result<Reader<'_>, RecordError> {
    if file.is_empty() {
        return Ok(Reader {
            file,
            pos: 0,
            end: 0,
            chunk: CHUNK,
            skipped: 0,
        });
    }
    let h = read_header(file)?;
    let end = (h.end as usize).min(file.len());
    let chunk = if h.chunk >= 4096 && h.chunk.is_multiple_of(8) {
        h.chunk as usize
    } else {
        CHUNK
    };
    Ok(Reader {
        file,
        pos: HEADER_SIZE,
        end,
        chunk,
        skipped: 0,
    })
}

impl<'a> Reader<'a> {
    /// The file offset just past the last record returned (or passed
    /// over): where a reader that stopped early stopped.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The next 8-byte position from which to look for a record after a
    /// damaged one.
    fn resync(&mut self) {
        self.pos += 8;
        while self.pos + 8 <= self.end {
            let len = u32_at(self.file, self.pos);
            let commit = u32_at(self.file, self.pos + 4);
            if len >= 16 && len.is_multiple_of(8) && (commit == COMMIT ^ len || commit == PAD ^ len) {
                return;
            }
            self.pos += 8;
        }
    }

    fn decode(&self, rec: &'a [u8]) -> Option<Record<'a>> {
        match u16_at(rec, 8) {
            KIND_CALL => {
                let code = u16_at(rec, 10);
                let func = Func::from_code(code & !(FUNC_INJECTED | FUNC_DELAYED))?;
                let addr_len = usize::from(u16_at(rec, 104));
                let aux_len = usize::from(u16_at(rec, 106));
                let data_len = u32_at(rec, 108) as usize;
                let a0 = CALL_FIXED;
                let addr = rec.get(a0..a0 + addr_len)?;
                let aux = rec.get(a0 + addr_len..a0 + addr_len + aux_len)?;
                let d0 = a0 + addr_len + aux_len;
                let data = rec.get(d0..d0 + data_len)?;
                let mut args = [0u64; 6];
                for (i, a) in args.iter_mut().enumerate() {
                    *a = u64_at(rec, 48 + 8 * i);
                }
                Some(Record::Call(Event {
                    func,
                    pid: u32_at(rec, 12),
                    tid: u32_at(rec, 16),
                    errno: u32_at(rec, 20) as i32,
                    ret: u64_at(rec, 24) as i64,
                    time_ns: u64_at(rec, 32),
                    dur_ns: u64_at(rec, 40),
                    args,
                    len_in: u32_at(rec, 96),
                    len_out: u32_at(rec, 100),
                    addr,
                    aux,
                    data,
                    data_total: u64_at(rec, 112),
                    injected: code & FUNC_INJECTED != 0,
                    delayed: code & FUNC_DELAYED != 0,
                }))
            }
            KIND_FD => {
                let ll = usize::from(u16_at(rec, 48)).min(ADDR_MAX);
                let pl = usize::from(u16_at(rec, 50)).min(ADDR_MAX);
                let mut d = FdDesc::new(
                    u32_at(rec, 20) as i32,
                    u32_at(rec, 24) as i32,
                    u32_at(rec, 28) as i32,
                    u64_at(rec, 32),
                );
                d.set_local(rec.get(FD_FIXED..FD_FIXED + ll)?);
                d.set_peer(rec.get(FD_FIXED + ll..FD_FIXED + ll + pl)?);
                if u32_at(rec, 52) & FD_PEER_INODE != 0 {
                    d.peer_inode = u64_at(rec, FD_FIXED + ll + pl);
                }
                Some(Record::Fd {
                    pid: u32_at(rec, 12),
                    fd: u32_at(rec, 16) as i32,
                    time_ns: u64_at(rec, 40),
                    desc: d,
                })
            }
            _ => None,
        }
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        while self.pos + 8 <= self.end {
            let len = u32_at(self.file, self.pos) as usize;
            let commit = u32_at(self.file, self.pos + 4);
            let chunk_end = (self.pos / self.chunk + 1) * self.chunk;
            let plausible = len >= 8 && len.is_multiple_of(8) && self.pos + len <= chunk_end.min(self.end);
            if !plausible {
                self.skipped += 1;
                self.resync();
                continue;
            }
            let at = self.pos;
            self.pos += len;
            if commit == PAD ^ len as u32 {
                continue;
            }
            if commit != COMMIT ^ len as u32 {
                self.skipped += 1;
                continue;
            }
            match self.file.get(at..at + len).and_then(|rec| self.decode(rec)) {
                Some(r) => return Some(r),
                None => self.skipped += 1,
            }
        }
        None
    }
}

/// The last known description of each (process, descriptor), built from
/// the descriptor records while reading (for `-yy` when decoding).
pub struct FdNotes {
    entries: [(u32, i32, Option<FdDesc>); FdNotes::CAPACITY],
    next: usize,
}

impl Default for FdNotes {
    fn default() -> Self {
        FdNotes {
            entries: [(0, -1, None); FdNotes::CAPACITY],
            next: 0,
        }
    }
}

impl FdNotes {
    const CAPACITY: usize = 256;

    /// Remembers `desc` for `(pid, fd)` (replacing the oldest when full).
    pub fn note(&mut self, pid: u32, fd: i32, desc: FdDesc) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.0 == pid && e.1 == fd) {
            e.2 = Some(desc);
            return;
        }
        let i = self.next % Self::CAPACITY;
        self.entries[i] = (pid, fd, Some(desc));
        self.next += 1;
    }

    pub fn forget(&mut self, pid: u32, fd: i32) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.0 == pid && e.1 == fd) {
            e.2 = None;
        }
    }

    pub fn get(&self, pid: u32, fd: i32) -> Option<&FdDesc> {
        self.entries
            .iter()
            .find(|e| e.0 == pid && e.1 == fd)
            .and_then(|e| e.2.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(file: &mut [u8], at: usize) {
        let len = u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
        file[at + 4..at + 8].copy_from_slice(&(COMMIT ^ len).to_le_bytes());
    }

    #[test]
    fn injected_flag_in_the_function_field() {
        let mut file = vec![0u8; 1024];
        file[..HEADER_SIZE].copy_from_slice(&encode_header(7, 99));
        let mut ev = Event::new(Func::Connect);
        ev.ret = -1;
        ev.errno = 111;
        let mut pos = HEADER_SIZE;
        let marks = [(true, false), (false, false), (false, true), (true, true)];
        for (injected, delayed) in marks {
            ev.injected = injected;
            ev.delayed = delayed;
            let (fixed, total) = encode_call(&ev, 0);
            file[pos..pos + CALL_FIXED].copy_from_slice(&fixed);
            // The flags are bits 15 and 14 of the function word; the code is intact.
            let word = u16::from_le_bytes([file[pos + 10], file[pos + 11]]);
            let flags = if injected { 0x8000 } else { 0 } | if delayed { 0x4000 } else { 0 };
            assert_eq!(word, Func::Connect.code() | flags);
            commit(&mut file, pos);
            pos += total;
        }
        file[OFF_NEXT..OFF_NEXT + 8].copy_from_slice(&(pos as u64).to_le_bytes());
        let got: Vec<(Func, bool, bool)> = records(&file)
            .unwrap()
            .filter_map(|r| match r {
                Record::Call(e) => Some((e.func, e.injected, e.delayed)),
                _ => None,
            })
            .collect();
        let want: Vec<(Func, bool, bool)> = marks.iter().map(|&(i, d)| (Func::Connect, i, d)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn round_trip_and_torn_records() {
        let mut file = vec![0u8; 4096];
        file[..HEADER_SIZE].copy_from_slice(&encode_header(7, 99));
        let addr = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut ev = Event::new(Func::Sendto);
        ev.pid = 7;
        ev.tid = 8;
        ev.ret = 5;
        ev.args = [3, 1, 5, 0, 2, 16];
        ev.addr = &addr;
        ev.aux = b"xy";
        ev.data_total = 5;
        let mut pos = HEADER_SIZE;
        let mut buf = [0u8; FD_MAX];
        let put_call = |file: &mut [u8], pos: usize, data: &[u8]| {
            let (fixed, total) = encode_call(&ev, data.len());
            let mut at = pos;
            for part in [&fixed[..], ev.addr, ev.aux, data] {
                file[at..at + part.len()].copy_from_slice(part);
                at += part.len();
            }
            total
        };
        // 1: complete.
        let total = put_call(&mut file, pos, b"hello");
        commit(&mut file, pos);
        pos += total;
        // 2: reserved, length written, never committed (a kill).
        pos += put_call(&mut file, pos, b"");
        // 3: reserved, nothing written at all (a kill right after fetch_add).
        pos += 136;
        // 4: a descriptor record.
        let mut d = FdDesc::new(2, 1, 6, 1234);
        d.set_local(&addr);
        d.peer_inode = 4321;
        let n = encode_fd(7, 3, 5, &d, &mut buf);
        file[pos..pos + n].copy_from_slice(&buf[..n]);
        commit(&mut file, pos);
        pos += n;
        file[OFF_NEXT..OFF_NEXT + 8].copy_from_slice(&(pos as u64).to_le_bytes());

        let mut r = records(&file).unwrap();
        match r.next() {
            Some(Record::Call(e)) => {
                assert_eq!((e.func, e.pid, e.tid, e.ret), (Func::Sendto, 7, 8, 5));
                assert_eq!(e.args, [3, 1, 5, 0, 2, 16]);
                assert_eq!(
                    (e.addr, e.aux, e.data, e.data_total),
                    (&addr[..], &b"xy"[..], &b"hello"[..], 5)
                );
            }
            other => panic!("{other:?}"),
        }
        match r.next() {
            Some(Record::Fd { pid, fd, desc, .. }) => {
                assert_eq!((pid, fd, desc.inode, desc.local()), (7, 3, 1234, &addr[..]));
                assert_eq!(desc.peer_inode, 4321);
            }
            other => panic!("{other:?}"),
        }
        assert!(r.next().is_none());
        assert!(r.skipped >= 2);
        assert_eq!(records(b"nope").err(), Some(RecordError::TooShort));
        assert_eq!(records(b"").map(|r| r.count()), Ok(0));
        assert_eq!(read_header(b"").err(), Some(RecordError::Empty));
        assert_eq!(records(&[0u8; 64]).err(), Some(RecordError::BadMagic));
    }
}
