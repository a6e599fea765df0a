//! `Event::aux`, the part of a call that depends on its function: one type
//! per shape, each with the encoder the live capture writes through
//! (`header::capture`, `header::sys_socket`) and the decoder every reader
//! reads through (`trace::decode`, `sockshim-trace decode`). The bytes of
//! each shape are laid out here and nowhere else.
//!
//! Integers are little-endian. Decoding never fails: a read past the end
//! gives zeros and empty byte runs (as `AuxReader` does), so a short or
//! damaged aux still prints something. Recordings store the aux as written,
//! so these layouts are part of the recording format: they do not change.
//!
//! Layouts by function (a *time* is `u8 present`, then when present `i64
//! sec, i64 nsec-or-usec`; an *iovec summary* is `u32 iovcnt`, then `u64
//! iov_len` for the first entries, at most a shape-given number):
//! - `socketpair` ([`Pair`]): `i32 sv[0], i32 sv[1]` (success only).
//! - `getsockopt`/`setsockopt` ([`OptVal`]): the option value bytes (at
//!   most `OPTVAL_MAX`).
//! - `poll`/`ppoll` ([`PollFds`], [`Ppoll`]): `u32 count`, then per entry
//!   `i32 fd, i16 events, i16 revents` (at most `AUX_POLLFDS` entries: the
//!   program's `struct pollfd`s as they lie in memory); `ppoll` then its
//!   timeout, a time.
//! - `select`/`pselect` ([`FdSets`]): `u8 which` (bit 0 read, 1 write,
//!   2 except: the sets passed), `u16 nbytes`, then the sets before the
//!   call (`nbytes` each, for each passed), the sets after, then the
//!   timeout as passed (a time: usec for select, nsec for pselect), then the
//!   time left (a time: select after success, written back).
//! - `epoll_ctl` ([`EpollEvent`]): `u32 events, u64 data` when an event was
//!   passed (the packed `struct epoll_event` as in memory).
//! - `epoll_wait`/`epoll_pwait` ([`EpollEvents`]): `u32 count`, then `u32
//!   events, u64 data` per returned event (at most `AUX_EPOLL`).
//! - `readv`/`writev` ([`Iovs`]): an iovec summary (at most `AUX_IOV`
//!   lengths).
//! - `sendmsg`/`recvmsg` ([`MsgHdr`]): `u32 namelen, i32 msg_flags, u64
//!   controllen` ([`MsgHead`]), an iovec summary (at most `AUX_IOV`), then
//!   `u32 nfds, i32 fd...` ([`Rights`]: the `SCM_RIGHTS` descriptors, at
//!   most `AUX_RIGHTS`).
//! - `sendmmsg`/`recvmmsg` ([`Mmsgs`]): `u32 count`, then per message
//!   ([`Mmsg`]; at most `AUX_MMSG`, as many as fit in `AUX_MAX`): `u32
//!   msg_len`, a [`MsgHead`], `u16 name bytes, name`, an iovec summary (at
//!   most `AUX_MMSG_IOV`), `u64 payload length, u16 payload bytes kept,
//!   payload`.
//! - the resolution functions: laid out, written (`ResolveAux`) and read in
//!   `trace::netdb`, one file of its own.
//! - every other function: no aux.

use super::event::{AuxReader, AuxWriter, ADDR_MAX};

/// Most `pollfd` entries kept.
pub(crate) const AUX_POLLFDS: usize = 32;
/// Most returned epoll events kept.
pub(crate) const AUX_EPOLL: usize = 32;
/// Most iovec lengths kept (readv/writev, sendmsg/recvmsg).
pub(crate) const AUX_IOV: usize = 16;
/// Most messages of a `sendmmsg`/`recvmmsg` kept.
pub(crate) const AUX_MMSG: usize = 8;
/// Most iovec lengths kept per message of a `sendmmsg`/`recvmmsg`.
pub(crate) const AUX_MMSG_IOV: usize = 4;
/// Most `SCM_RIGHTS` descriptors kept.
pub(crate) const AUX_RIGHTS: usize = 16;
/// Most bytes of a socket option value kept.
pub(crate) const OPTVAL_MAX: usize = 64;
/// Most bytes of one fd_set kept (`FD_SETSIZE` bits).
pub(crate) const FD_SET_MAX: usize = 128;
/// Bytes of one `struct pollfd` entry.
pub(crate) const POLLFD_LEN: usize = 8;
/// Bytes of one (packed) `struct epoll_event`.
pub(crate) const EPOLL_EVENT_LEN: usize = 12;
/// Most bytes of `pollfd` entries kept.
pub(crate) const POLLFDS_RAW_MAX: usize = AUX_POLLFDS * POLLFD_LEN;

/// Bytes of a `u32` count or length field.
const COUNT_LEN: usize = 4;
/// Bytes of one kept iovec length.
const IOV_LEN_LEN: usize = 8;

const ZEROS: [u8; FD_SET_MAX] = [0; FD_SET_MAX];

/// A time (see the module notes): `None` when absent.
pub type Time = Option<(i64, i64)>;

fn put_time(w: &mut AuxWriter, t: Time) {
    match t {
        Some((sec, sub)) => {
            w.u8(1);
            w.i64(sec);
            w.i64(sub);
        }
        None => w.u8(0),
    }
}

fn get_time(r: &mut AuxReader) -> Time {
    if r.u8() != 0 {
        Some((r.i64(), r.i64()))
    } else {
        None
    }
}

// ---- socketpair ----

/// `socketpair`'s two new descriptors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pair {
    pub fds: [i32; 2],
}

impl Pair {
    pub fn encode(&self, w: &mut AuxWriter) {
        w.i32(self.fds[0]);
        w.i32(self.fds[1]);
    }

    /// The pair, when the aux holds it whole.
    pub fn decode(aux: &[u8]) -> Option<Pair> {
        if aux.len() < 8 {
            return None;
        }
        let mut r = AuxReader::new(aux);
        Some(Pair {
            fds: [r.i32(), r.i32()],
        })
    }
}

// ---- getsockopt/setsockopt ----

/// A socket option value as the call passed or returned it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptVal<'a> {
    pub bytes: &'a [u8],
}

/// What an option value shows as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptValue<'a> {
    /// `SO_LINGER`'s `struct linger`.
    Linger { onoff: i32, linger: i32 },
    /// A 4-byte value, an `int`.
    Int(i32),
    /// Anything else, as bytes.
    Bytes(&'a [u8]),
}

impl<'a> OptVal<'a> {
    /// Writes the value (its first `OPTVAL_MAX` bytes).
    pub fn encode(&self, w: &mut AuxWriter) {
        w.bytes(self.bytes.get(..OPTVAL_MAX).unwrap_or(self.bytes));
    }

    /// The value, or `None` when none was kept.
    pub fn decode(aux: &'a [u8]) -> Option<OptVal<'a>> {
        (!aux.is_empty()).then_some(OptVal { bytes: aux })
    }

    /// The value of option `name` at `level`, as it shows.
    pub fn value(&self, level: i64, name: i32) -> OptValue<'a> {
        let v = self.bytes;
        if level == i64::from(libc::SOL_SOCKET) && name == libc::SO_LINGER && v.len() >= 8 {
            let mut r = AuxReader::new(v);
            OptValue::Linger {
                onoff: r.i32(),
                linger: r.i32(),
            }
        } else if v.len() == 4 {
            OptValue::Int(AuxReader::new(v).i32())
        } else {
            OptValue::Bytes(v)
        }
    }
}

// ---- poll/ppoll ----

/// One `struct pollfd`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PollFd {
    pub fd: i32,
    pub events: i16,
    pub revents: i16,
}

impl PollFd {
    fn put(&self, w: &mut AuxWriter) {
        w.i32(self.fd);
        w.i16(self.events);
        w.i16(self.revents);
    }

    fn read(r: &mut AuxReader) -> PollFd {
        PollFd {
            fd: r.i32(),
            events: r.i16(),
            revents: r.i16(),
        }
    }
}

/// The pollfd entries of a `poll`/`ppoll` (the first `AUX_POLLFDS`; the
/// call's `nfds` argument says how many there were).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PollFds<'a> {
    /// Entries kept.
    pub count: u32,
    entries: &'a [u8],
}

impl<'a> PollFds<'a> {
    /// Bytes of the program's pollfd array to keep for `nfds` entries.
    pub(crate) fn raw_len(nfds: u64) -> usize {
        (nfds.min(AUX_POLLFDS as u64) as usize) * POLLFD_LEN
    }

    /// Writes the entries from `raw`, the first `struct pollfd`s of the
    /// program's array as they lie in memory (at most `POLLFDS_RAW_MAX`
    /// bytes); the count is of whole entries. A copy cut short inside an
    /// entry keeps its bytes, as the format always has.
    pub fn encode_raw(w: &mut AuxWriter, raw: &[u8]) {
        let raw = raw.get(..POLLFDS_RAW_MAX).unwrap_or(raw);
        w.u32((raw.len() / POLLFD_LEN) as u32);
        w.bytes(raw);
    }

    /// Writes `entries` (the first `AUX_POLLFDS`), field by field.
    pub fn encode_entries(w: &mut AuxWriter, entries: &[PollFd]) {
        let entries = entries.get(..AUX_POLLFDS).unwrap_or(entries);
        w.u32(entries.len() as u32);
        for e in entries {
            e.put(w);
        }
    }

    /// Writes this back as decoded.
    pub fn encode(&self, w: &mut AuxWriter) {
        w.u32(self.count);
        w.bytes(self.entries);
    }

    pub fn decode(aux: &'a [u8]) -> PollFds<'a> {
        Self::read(&mut AuxReader::new(aux))
    }

    fn read(r: &mut AuxReader<'a>) -> PollFds<'a> {
        let count = r.u32();
        let entries = r.bytes((count as usize).saturating_mul(POLLFD_LEN));
        PollFds { count, entries }
    }

    /// The `count` entries (zeros for any the aux lacks).
    pub fn iter(&self) -> impl Iterator<Item = PollFd> + 'a {
        let mut r = AuxReader::new(self.entries);
        (0..self.count).map(move |_| PollFd::read(&mut r))
    }
}

/// `ppoll`'s aux: the entries, then the timeout as passed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ppoll<'a> {
    pub fds: PollFds<'a>,
    /// `None`: NULL or unreadable.
    pub timeout: Time,
}

impl<'a> Ppoll<'a> {
    /// Writes the timeout, after the entries (`PollFds::encode_raw`).
    pub fn encode_timeout(w: &mut AuxWriter, timeout: Time) {
        put_time(w, timeout);
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        self.fds.encode(w);
        put_time(w, self.timeout);
    }

    pub fn decode(aux: &'a [u8]) -> Ppoll<'a> {
        let mut r = AuxReader::new(aux);
        let fds = PollFds::read(&mut r);
        Ppoll {
            fds,
            timeout: get_time(&mut r),
        }
    }
}

// ---- select/pselect ----

/// `select`/`pselect`'s sets, written in two halves around the call.
/// Index 0 is the read set, 1 the write set, 2 the except set; `None` for
/// a set not passed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FdSets<'a> {
    /// Bytes of each set kept.
    pub nbytes: usize,
    /// The sets as passed.
    pub before: [Option<&'a [u8]>; 3],
    /// The sets after the call (zeros after a failure).
    pub after: [Option<&'a [u8]>; 3],
    /// The timeout as passed (usec for select, nsec for pselect).
    pub timeout: Time,
    /// The time left written back (select after success).
    pub left: Time,
}

impl<'a> FdSets<'a> {
    /// Bytes of each set to keep for `nfds`: whole 64-bit words, at most
    /// `FD_SET_MAX`.
    pub(crate) fn bytes_for(nfds: i32) -> usize {
        (nfds.clamp(0, 8 * FD_SET_MAX as i32) as usize).div_ceil(64) * 8
    }

    /// Before the call: which sets are passed (`Some`) and their bits,
    /// `nbytes` of each (a shorter set is completed with zeros).
    pub fn encode_before(w: &mut AuxWriter, nbytes: usize, sets: [Option<&[u8]>; 3]) {
        let nbytes = nbytes.min(FD_SET_MAX);
        let mut which = 0u8;
        for (i, s) in sets.iter().enumerate() {
            if s.is_some() {
                which |= 1 << i;
            }
        }
        w.u8(which);
        w.u16(nbytes as u16);
        put_sets(w, nbytes, sets);
    }

    /// After the call: the same sets as before (`Some` for each passed:
    /// their bits, completed with zeros; `Some(&[])` after a failure), the
    /// timeout as passed and the time left.
    pub fn encode_after(w: &mut AuxWriter, nbytes: usize, sets: [Option<&[u8]>; 3], timeout: Time, left: Time) {
        put_sets(w, nbytes.min(FD_SET_MAX), sets);
        put_time(w, timeout);
        put_time(w, left);
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        Self::encode_before(w, self.nbytes, self.before);
        Self::encode_after(w, self.nbytes, self.after, self.timeout, self.left);
    }

    pub fn decode(aux: &'a [u8]) -> FdSets<'a> {
        let mut r = AuxReader::new(aux);
        let which = r.u8();
        let nbytes = usize::from(r.u16());
        let mut sets = || {
            let mut v = [None; 3];
            for (i, s) in v.iter_mut().enumerate() {
                if which & (1 << i) != 0 {
                    *s = Some(r.bytes(nbytes));
                }
            }
            v
        };
        let before = sets();
        let after = sets();
        let timeout = get_time(&mut r);
        let left = get_time(&mut r);
        FdSets {
            nbytes,
            before,
            after,
            timeout,
            left,
        }
    }

    /// The descriptors set in `set`, in order.
    pub fn members(set: &[u8]) -> impl Iterator<Item = i32> + '_ {
        set.iter().enumerate().flat_map(|(k, b)| {
            (0..8)
                .filter(move |bit| b & (1 << bit) != 0)
                .map(move |bit| (k * 8 + bit) as i32)
        })
    }
}

fn put_sets(w: &mut AuxWriter, nbytes: usize, sets: [Option<&[u8]>; 3]) {
    for s in sets.iter().flatten() {
        let s = s.get(..nbytes).unwrap_or(s);
        w.bytes(s);
        w.bytes(&ZEROS[..nbytes - s.len()]);
    }
}

// ---- epoll ----

/// One `struct epoll_event`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EpollEvent {
    pub events: u32,
    pub data: u64,
}

impl EpollEvent {
    fn read(r: &mut AuxReader) -> EpollEvent {
        EpollEvent {
            events: r.u32(),
            data: r.u64(),
        }
    }

    /// `epoll_ctl`'s aux from the event's bytes as in memory.
    pub fn encode_raw(w: &mut AuxWriter, raw: &[u8; EPOLL_EVENT_LEN]) {
        w.bytes(raw);
    }

    /// `epoll_ctl`'s aux, field by field.
    pub fn encode(&self, w: &mut AuxWriter) {
        w.u32(self.events);
        w.u64(self.data);
    }

    /// `epoll_ctl`'s event, when the aux holds one.
    pub fn decode(aux: &[u8]) -> Option<EpollEvent> {
        if aux.len() < EPOLL_EVENT_LEN {
            return None;
        }
        Some(Self::read(&mut AuxReader::new(aux)))
    }
}

/// The events an `epoll_wait`/`epoll_pwait` returned (the first
/// `AUX_EPOLL`; its return value says how many there were).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EpollEvents<'a> {
    /// Events kept.
    pub count: u32,
    entries: &'a [u8],
}

impl<'a> EpollEvents<'a> {
    /// Bytes of the returned events to keep when the call returned `n`.
    pub(crate) fn raw_len(n: usize) -> usize {
        n.min(AUX_EPOLL) * EPOLL_EVENT_LEN
    }

    /// Writes the events from `raw`, the returned packed `struct
    /// epoll_event`s as in memory (`raw_len` bytes).
    pub fn encode_raw(w: &mut AuxWriter, raw: &[u8]) {
        let raw = raw.get(..AUX_EPOLL * EPOLL_EVENT_LEN).unwrap_or(raw);
        w.u32((raw.len() / EPOLL_EVENT_LEN) as u32);
        w.bytes(raw);
    }

    /// Writes `events` (the first `AUX_EPOLL`), field by field.
    pub fn encode_entries(w: &mut AuxWriter, events: &[EpollEvent]) {
        let events = events.get(..AUX_EPOLL).unwrap_or(events);
        w.u32(events.len() as u32);
        for e in events {
            e.encode(w);
        }
    }

    /// Writes this back as decoded.
    pub fn encode(&self, w: &mut AuxWriter) {
        w.u32(self.count);
        w.bytes(self.entries);
    }

    pub fn decode(aux: &'a [u8]) -> EpollEvents<'a> {
        let mut r = AuxReader::new(aux);
        let count = r.u32();
        EpollEvents {
            count,
            entries: r.bytes((count as usize).saturating_mul(EPOLL_EVENT_LEN)),
        }
    }

    /// The `count` events (zeros for any the aux lacks).
    pub fn iter(&self) -> impl Iterator<Item = EpollEvent> + 'a {
        let mut r = AuxReader::new(self.entries);
        (0..self.count).map(move |_| EpollEvent::read(&mut r))
    }
}

// ---- iovecs ----

/// An iovec summary: the count, and the lengths of the first entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Iovs<'a> {
    pub iovcnt: u32,
    lens: &'a [u8],
}

impl<'a> Iovs<'a> {
    /// readv/writev's aux: write the count now, then each entry's length
    /// through the writer (the capture walks the program's iovecs once).
    pub fn encoder<'w, 'b>(w: &'w mut AuxWriter<'b>, iovcnt: usize) -> IovWriter<'w, 'b> {
        IovWriter::new(w, iovcnt, AUX_IOV)
    }

    /// readv/writev's aux, as decoded.
    pub fn encode(&self, w: &mut AuxWriter) {
        self.put(w, AUX_IOV);
    }

    fn put(&self, w: &mut AuxWriter, max: usize) {
        let mut e = IovWriter::new(w, self.iovcnt as usize, max);
        for i in 0..self.kept() {
            e.push(self.iov_len(i));
        }
    }

    /// readv/writev's aux.
    pub fn decode(aux: &'a [u8]) -> Iovs<'a> {
        Self::read(&mut AuxReader::new(aux), AUX_IOV)
    }

    fn read(r: &mut AuxReader<'a>, max: usize) -> Iovs<'a> {
        let iovcnt = r.u32();
        let lens = r.bytes((iovcnt as usize).min(max) * IOV_LEN_LEN);
        Iovs { iovcnt, lens }
    }

    /// How many lengths were kept.
    pub fn kept(&self) -> usize {
        self.lens.len() / IOV_LEN_LEN
    }

    /// Entry `i`'s length; 0 for one not kept.
    pub fn iov_len(&self, i: usize) -> u64 {
        AuxReader::new(self.lens.get(i * IOV_LEN_LEN..).unwrap_or(&[])).u64()
    }
}

/// Writes an iovec summary's lengths, one per entry in order, keeping the
/// first its shape allows (the count is already written).
pub struct IovWriter<'w, 'b> {
    w: &'w mut AuxWriter<'b>,
    left: usize,
}

impl<'w, 'b> IovWriter<'w, 'b> {
    fn new(w: &'w mut AuxWriter<'b>, iovcnt: usize, max: usize) -> IovWriter<'w, 'b> {
        w.u32(iovcnt as u32);
        IovWriter {
            w,
            left: iovcnt.min(max),
        }
    }

    /// Whether the next entry's length is kept.
    pub fn wants(&self) -> bool {
        self.left > 0
    }

    /// The next entry's length (dropped past what is kept).
    pub fn push(&mut self, len: u64) {
        if self.left > 0 {
            self.w.u64(len);
            self.left -= 1;
        }
    }
}

// ---- sendmsg/recvmsg ----

/// The scalar fields of a `struct msghdr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsgHead {
    pub namelen: u32,
    pub flags: i32,
    pub controllen: u64,
}

impl MsgHead {
    /// Bytes it takes.
    const LEN: usize = 4 + 4 + 8;

    fn put(&self, w: &mut AuxWriter) {
        w.u32(self.namelen);
        w.i32(self.flags);
        w.u64(self.controllen);
    }

    fn read(r: &mut AuxReader) -> MsgHead {
        MsgHead {
            namelen: r.u32(),
            flags: r.i32(),
            controllen: r.u64(),
        }
    }
}

/// The descriptors passed with `SCM_RIGHTS`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rights<'a> {
    pub count: u32,
    fds: &'a [u8],
}

impl<'a> Rights<'a> {
    fn put(w: &mut AuxWriter, fds: &[i32]) {
        let fds = fds.get(..AUX_RIGHTS).unwrap_or(fds);
        w.u32(fds.len() as u32);
        for fd in fds {
            w.i32(*fd);
        }
    }

    fn read(r: &mut AuxReader<'a>) -> Rights<'a> {
        let count = r.u32();
        Rights {
            count,
            fds: r.bytes((count as usize).saturating_mul(4)),
        }
    }

    /// The `count` descriptors (zeros for any the aux lacks).
    pub fn iter(&self) -> impl Iterator<Item = i32> + 'a {
        let mut r = AuxReader::new(self.fds);
        (0..self.count).map(move |_| r.i32())
    }
}

/// A `sendmsg`/`recvmsg` summary (the name itself is `Event::addr`, the
/// payload `Event::data`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsgHdr<'a> {
    pub head: MsgHead,
    pub iovs: Iovs<'a>,
    pub rights: Rights<'a>,
}

impl<'a> MsgHdr<'a> {
    /// Writes the header now; then the iovec lengths through
    /// `MsgHdrWriter::iovs`, then the descriptors (`MsgHdrWriter::rights`).
    pub fn encoder<'w, 'b>(w: &'w mut AuxWriter<'b>, head: MsgHead, iovcnt: usize) -> MsgHdrWriter<'w, 'b> {
        head.put(w);
        MsgHdrWriter {
            iovs: IovWriter::new(w, iovcnt, AUX_IOV),
        }
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        self.head.put(w);
        self.iovs.put(w, AUX_IOV);
        let mut fds = [0i32; AUX_RIGHTS];
        let mut n = 0;
        for (d, fd) in fds.iter_mut().zip(self.rights.iter()) {
            *d = fd;
            n += 1;
        }
        Rights::put(w, &fds[..n]);
    }

    /// The summary, or `None` when none was kept (the call failed).
    pub fn decode(aux: &'a [u8]) -> Option<MsgHdr<'a>> {
        if aux.is_empty() {
            return None;
        }
        let mut r = AuxReader::new(aux);
        let head = MsgHead::read(&mut r);
        let iovs = Iovs::read(&mut r, AUX_IOV);
        let rights = Rights::read(&mut r);
        Some(MsgHdr { head, iovs, rights })
    }
}

/// Writes a `sendmsg`/`recvmsg` summary after its header.
pub struct MsgHdrWriter<'w, 'b> {
    iovs: IovWriter<'w, 'b>,
}

impl<'w, 'b> MsgHdrWriter<'w, 'b> {
    /// The iovec lengths, one per entry in order.
    pub fn iovs(&mut self) -> &mut IovWriter<'w, 'b> {
        &mut self.iovs
    }

    /// Last, the `SCM_RIGHTS` descriptors (the first `AUX_RIGHTS`).
    pub fn rights(self, fds: &[i32]) {
        Rights::put(self.iovs.w, fds);
    }
}

// ---- sendmmsg/recvmmsg ----

/// One message of a `sendmmsg`/`recvmmsg`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mmsg<'a> {
    pub msg_len: u32,
    pub head: MsgHead,
    /// The name bytes kept (at most `ADDR_MAX`).
    pub name: &'a [u8],
    pub iovs: Iovs<'a>,
    /// The payload's length (`msg_len`).
    pub total: u64,
    /// The payload bytes kept.
    pub data: &'a [u8],
}

impl<'a> Mmsg<'a> {
    /// Aux bytes a message takes at most, with `name_len` name bytes,
    /// `iovlen` iovecs and `data_len` payload bytes kept.
    pub(crate) fn encoded_len(name_len: usize, iovlen: usize, data_len: usize) -> usize {
        let name = name_len.min(ADDR_MAX);
        let lens = iovlen.min(AUX_MMSG_IOV) * IOV_LEN_LEN;
        COUNT_LEN + MsgHead::LEN + 2 + name + COUNT_LEN + lens + 8 + 2 + data_len
    }

    /// Writes the message's fields before its iovecs now; then the iovec
    /// lengths through `MmsgWriter::iovs`, then the payload
    /// (`MmsgWriter::payload`).
    pub fn encoder<'w, 'b>(
        w: &'w mut AuxWriter<'b>,
        msg_len: u32,
        head: MsgHead,
        name: &[u8],
        iovlen: usize,
    ) -> MmsgWriter<'w, 'b> {
        w.u32(msg_len);
        head.put(w);
        let name = name.get(..ADDR_MAX).unwrap_or(name);
        w.u16(name.len() as u16);
        w.bytes(name);
        MmsgWriter {
            iovs: IovWriter::new(w, iovlen, AUX_MMSG_IOV),
        }
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        w.u32(self.msg_len);
        self.head.put(w);
        w.u16(self.name.len() as u16);
        w.bytes(self.name);
        self.iovs.put(w, AUX_MMSG_IOV);
        put_payload(w, self.total, self.data);
    }

    fn read(r: &mut AuxReader<'a>) -> Mmsg<'a> {
        let msg_len = r.u32();
        let head = MsgHead::read(r);
        let nl = usize::from(r.u16());
        let name = r.bytes(nl);
        let iovs = Iovs::read(r, AUX_MMSG_IOV);
        let total = r.u64();
        let dl = usize::from(r.u16());
        let data = r.bytes(dl);
        Mmsg {
            msg_len,
            head,
            name,
            iovs,
            total,
            data,
        }
    }
}

fn put_payload(w: &mut AuxWriter, total: u64, data: &[u8]) {
    let data = data.get(..usize::from(u16::MAX)).unwrap_or(data);
    w.u64(total);
    w.u16(data.len() as u16);
    w.bytes(data);
}

/// Writes one `sendmmsg`/`recvmmsg` message after its name.
pub struct MmsgWriter<'w, 'b> {
    iovs: IovWriter<'w, 'b>,
}

impl<'w, 'b> MmsgWriter<'w, 'b> {
    /// The iovec lengths, one per entry in order.
    pub fn iovs(&mut self) -> &mut IovWriter<'w, 'b> {
        &mut self.iovs
    }

    /// Last, the payload's length and the bytes kept.
    pub fn payload(self, total: u64, data: &[u8]) {
        put_payload(self.iovs.w, total, data);
    }
}

/// The messages of a `sendmmsg`/`recvmmsg` (the first ones; its return
/// value says how many there were).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mmsgs<'a> {
    /// Messages kept.
    pub count: u32,
    rest: &'a [u8],
}

impl<'a> Mmsgs<'a> {
    /// How many of `n` messages to keep in `room` bytes of aux: at most
    /// `AUX_MMSG`, each taking `len_of(i)` bytes (`Mmsg::encoded_len`).
    /// `len_of` is called for `i = 0, 1, ...`, each `i < n`.
    pub(crate) fn fit(room: usize, n: usize, mut len_of: impl FnMut(usize) -> usize) -> usize {
        let mut room = room.saturating_sub(COUNT_LEN);
        let mut shown = 0;
        while shown < n.min(AUX_MMSG) {
            let size = len_of(shown);
            if size > room {
                break;
            }
            room -= size;
            shown += 1;
        }
        shown
    }

    /// Writes the count; each message follows (`Mmsg::encoder`).
    pub fn encode_count(w: &mut AuxWriter, n: usize) {
        w.u32(n as u32);
    }

    pub fn encode(&self, w: &mut AuxWriter) {
        w.u32(self.count);
        for m in self.iter() {
            m.encode(w);
        }
    }

    pub fn decode(aux: &'a [u8]) -> Mmsgs<'a> {
        let mut r = AuxReader::new(aux);
        let count = r.u32();
        Mmsgs { count, rest: r.rest() }
    }

    /// The `count` messages (zeros for any the aux lacks).
    pub fn iter(&self) -> impl Iterator<Item = Mmsg<'a>> + 'a {
        let mut r = AuxReader::new(self.rest);
        (0..self.count).map(move |_| Mmsg::read(&mut r))
    }
}

/// `f`'s bytes, written into a fresh `AUX_MAX` buffer (for tests).
#[cfg(test)]
pub(crate) fn enc(f: impl FnOnce(&mut AuxWriter)) -> Vec<u8> {
    let mut a = super::event::AuxArray::<{ super::event::AUX_MAX }>::default();
    f(&mut AuxWriter::new(&mut a));
    a.as_bytes().to_vec()
}

/// Tests: a round trip per shape (every table row: `table_tests.rs`).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_round_trip() {
        let b = enc(|w| Pair { fds: [3, -1] }.encode(w));
        // The recording format, pinned.
        assert_eq!(b, [3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(Pair::decode(&b), Some(Pair { fds: [3, -1] }));
        assert_eq!(Pair::decode(&b[..7]), None);
        assert_eq!(Pair::decode(&[]), None);
    }

    #[test]
    fn optval_round_trip() {
        let b = enc(|w| {
            OptVal {
                bytes: &7i32.to_le_bytes(),
            }
            .encode(w)
        });
        let v = OptVal::decode(&b).unwrap();
        assert_eq!(v.value(6, 1), OptValue::Int(7));
        let mut linger = [0u8; 8];
        linger[..4].copy_from_slice(&1i32.to_le_bytes());
        linger[4..].copy_from_slice(&30i32.to_le_bytes());
        let b = enc(|w| OptVal { bytes: &linger }.encode(w));
        assert_eq!(b, linger);
        let v = OptVal::decode(&b).unwrap();
        assert_eq!(
            v.value(libc::SOL_SOCKET.into(), libc::SO_LINGER),
            OptValue::Linger { onoff: 1, linger: 30 }
        );
        // The same bytes as another option are bytes.
        assert_eq!(v.value(6, libc::SO_LINGER), OptValue::Bytes(&linger));
        let long = [9u8; 100];
        let b = enc(|w| OptVal { bytes: &long }.encode(w));
        assert_eq!(b.len(), OPTVAL_MAX);
        assert_eq!(OptVal::decode(&b).map(|v| v.bytes), Some(&long[..OPTVAL_MAX]));
        assert_eq!(OptVal::decode(&[]), None);
    }

    #[test]
    fn pollfds_round_trip() {
        let e = [
            PollFd {
                fd: 5,
                events: 1,
                revents: 0,
            },
            PollFd {
                fd: -1,
                events: 4,
                revents: 0x20,
            },
        ];
        let b = enc(|w| PollFds::encode_entries(w, &e));
        // The program's structs as in memory give the same bytes.
        let mut raw = Vec::new();
        for p in &e {
            raw.extend_from_slice(&p.fd.to_ne_bytes());
            raw.extend_from_slice(&p.events.to_ne_bytes());
            raw.extend_from_slice(&p.revents.to_ne_bytes());
        }
        assert_eq!(enc(|w| PollFds::encode_raw(w, &raw)), b);
        assert_eq!(&b[..4], &2u32.to_le_bytes());
        assert_eq!(&b[4..], &raw[..]);
        let d = PollFds::decode(&b);
        assert_eq!(d.count, 2);
        assert_eq!(d.iter().collect::<Vec<_>>(), e);
        assert_eq!(enc(|w| d.encode(w)), b);
        // A count the entries do not fill reads zeros.
        let short = PollFds::decode(&b[..4 + POLLFD_LEN]);
        assert_eq!(short.iter().collect::<Vec<_>>(), [e[0], PollFd::default()]);
        assert_eq!(PollFds::raw_len(100), POLLFDS_RAW_MAX);
        assert_eq!(PollFds::raw_len(3), 3 * POLLFD_LEN);

        for t in [None, Some((1, 500)), Some((-1, i64::MAX))] {
            let b = enc(|w| {
                PollFds::encode_entries(w, &e[..1]);
                Ppoll::encode_timeout(w, t);
            });
            let d = Ppoll::decode(&b);
            assert_eq!(d.timeout, t);
            assert_eq!(d.fds.iter().collect::<Vec<_>>(), &e[..1]);
            assert_eq!(enc(|w| d.encode(w)), b);
            // poll's decoder reads the entries only.
            assert_eq!(PollFds::decode(&b), d.fds);
        }
    }

    #[test]
    fn fd_sets_round_trip() {
        let mut rd = [0u8; 16];
        rd[0] = 0b1000_1000; // 3, 7
        rd[9] = 1; // 72
        let wr = [0u8; 3]; // shorter than nbytes: completed with zeros
        let nbytes = FdSets::bytes_for(73);
        assert_eq!(nbytes, 16);
        let b = enc(|w| {
            FdSets::encode_before(w, nbytes, [Some(&rd), None, Some(&wr)]);
            FdSets::encode_after(
                w,
                nbytes,
                [Some(&rd[..8]), None, Some(&[])],
                Some((5, 0)),
                Some((4, 999)),
            );
        });
        assert_eq!(b.len(), 3 + 4 * 16 + 17 + 17);
        assert_eq!(&b[..3], &[0b101, 16, 0]);
        let d = FdSets::decode(&b);
        assert_eq!(d.nbytes, 16);
        assert_eq!(d.before[0], Some(&rd[..]));
        assert_eq!(d.before[1], None);
        assert_eq!(d.before[2], Some(&[0u8; 16][..]));
        assert_eq!(d.after[0].map(|s| s[..8] == rd[..8] && s[8..] == [0; 8]), Some(true));
        assert_eq!(d.after[2], Some(&[0u8; 16][..]));
        assert_eq!((d.timeout, d.left), (Some((5, 0)), Some((4, 999))));
        assert_eq!(FdSets::members(&rd).collect::<Vec<_>>(), [3, 7, 72]);
        assert_eq!(enc(|w| d.encode(w)), b);
        // The before half alone (a failure's aux is never cut there, but
        // the decoder reads it anyway).
        let half = FdSets::decode(&b[..3 + 32]);
        assert_eq!(half.before, d.before);
        assert_eq!((half.after[0], half.timeout), (Some(&[][..]), None));
        assert_eq!(FdSets::bytes_for(-3), 0);
        assert_eq!(FdSets::bytes_for(1), 8);
        assert_eq!(FdSets::bytes_for(5000), FD_SET_MAX);
    }

    #[test]
    fn epoll_round_trip() {
        let ev = EpollEvent {
            events: 0x8001,
            data: 0x1_0000_0007,
        };
        let b = enc(|w| ev.encode(w));
        let mut raw = [0u8; EPOLL_EVENT_LEN];
        raw[..4].copy_from_slice(&ev.events.to_ne_bytes());
        raw[4..].copy_from_slice(&ev.data.to_ne_bytes());
        assert_eq!(b, raw);
        assert_eq!(enc(|w| EpollEvent::encode_raw(w, &raw)), b);
        assert_eq!(EpollEvent::decode(&b), Some(ev));
        assert_eq!(EpollEvent::decode(&b[..11]), None);

        let evs = [ev, EpollEvent { events: 4, data: 3 }];
        let b = enc(|w| EpollEvents::encode_entries(w, &evs));
        let mut raws = raw.to_vec();
        raws.extend_from_slice(&b[4 + EPOLL_EVENT_LEN..]);
        assert_eq!(enc(|w| EpollEvents::encode_raw(w, &raws)), b);
        let d = EpollEvents::decode(&b);
        assert_eq!(d.count, 2);
        assert_eq!(d.iter().collect::<Vec<_>>(), evs);
        assert_eq!(enc(|w| d.encode(w)), b);
        assert_eq!(
            EpollEvents::decode(&b[..4 + 12]).iter().nth(1),
            Some(EpollEvent::default())
        );
        assert_eq!(EpollEvents::raw_len(50), AUX_EPOLL * EPOLL_EVENT_LEN);
    }

    #[test]
    fn iovs_round_trip() {
        for cnt in [0usize, 1, 3, AUX_IOV, AUX_IOV + 4] {
            let b = enc(|w| {
                let mut e = Iovs::encoder(w, cnt);
                for i in 0..cnt {
                    assert_eq!(e.wants(), i < AUX_IOV);
                    e.push(10 * i as u64 + 1);
                }
                assert!(!e.wants());
            });
            assert_eq!(b.len(), 4 + 8 * cnt.min(AUX_IOV));
            let d = Iovs::decode(&b);
            assert_eq!((d.iovcnt as usize, d.kept()), (cnt, cnt.min(AUX_IOV)));
            for i in 0..cnt {
                let want = if i < AUX_IOV { 10 * i as u64 + 1 } else { 0 };
                assert_eq!(d.iov_len(i), want);
            }
            assert_eq!(enc(|w| d.encode(w)), b);
        }
    }

    #[test]
    fn msghdr_round_trip() {
        let head = MsgHead {
            namelen: 16,
            flags: 0x40,
            controllen: 24,
        };
        let b = enc(|w| {
            let mut e = MsgHdr::encoder(w, head, 2);
            e.iovs().push(3);
            e.iovs().push(5);
            e.rights(&[7, 9]);
        });
        assert_eq!(b.len(), MsgHead::LEN + 4 + 16 + 4 + 8);
        let d = MsgHdr::decode(&b).unwrap();
        assert_eq!(d.head, head);
        assert_eq!((d.iovs.iovcnt, d.iovs.kept(), d.iovs.iov_len(1)), (2, 2, 5));
        assert_eq!(d.rights.iter().collect::<Vec<_>>(), [7, 9]);
        assert_eq!(enc(|w| d.encode(w)), b);
        assert_eq!(MsgHdr::decode(&[]), None);
        // More descriptors than kept.
        let many: Vec<i32> = (0..40).collect();
        let b = enc(|w| MsgHdr::encoder(w, head, 0).rights(&many));
        let d = MsgHdr::decode(&b).unwrap();
        assert_eq!(d.rights.count as usize, AUX_RIGHTS);
        assert_eq!(d.rights.iter().collect::<Vec<_>>(), &many[..AUX_RIGHTS]);
    }

    #[test]
    fn mmsgs_round_trip() {
        let name = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let msgs: [(u32, &[u8], usize, &[u8]); 2] = [(5, &name, 6, b"hello"), (0, &[], 0, b"")];
        let mut lens = Vec::new();
        let b = enc(|w| {
            Mmsgs::encode_count(w, msgs.len());
            for (i, (len, name, iovlen, data)) in msgs.iter().enumerate() {
                let before = w.len();
                let head = MsgHead {
                    namelen: name.len() as u32,
                    flags: i as i32,
                    controllen: 0,
                };
                let mut e = Mmsg::encoder(w, *len, head, name, *iovlen);
                for k in 0..*iovlen {
                    e.iovs().push(k as u64);
                }
                e.payload(u64::from(*len), data);
                lens.push((w.len() - before, Mmsg::encoded_len(name.len(), *iovlen, data.len())));
            }
        });
        // `encoded_len` is what a message takes.
        for (got, want) in lens {
            assert_eq!(got, want);
        }
        let d = Mmsgs::decode(&b);
        assert_eq!(d.count, 2);
        let got: Vec<Mmsg> = d.iter().collect();
        assert_eq!(
            (got[0].msg_len, got[0].name, got[0].data, got[0].total),
            (5, &name[..], &b"hello"[..], 5)
        );
        assert_eq!(
            (got[0].iovs.iovcnt, got[0].iovs.kept(), got[0].iovs.iov_len(3)),
            (6, AUX_MMSG_IOV, 3)
        );
        assert_eq!(got[1].head.flags, 1);
        assert_eq!((got[1].name, got[1].iovs.kept()), (&[][..], 0));
        assert_eq!(enc(|w| d.encode(w)), b);
        // How many fit.
        assert_eq!(Mmsgs::fit(1024, 20, |_| 100), AUX_MMSG);
        assert_eq!(Mmsgs::fit(4 + 250, 20, |_| 100), 2);
        assert_eq!(Mmsgs::fit(1024, 3, |i| [10, 2000, 10][i]), 1);
        assert_eq!(Mmsgs::fit(3, 3, |_| 0), 3);
    }
}
