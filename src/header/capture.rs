//! The capture of the traced program's memory for an event: socket
//! addresses, lengths, payloads, iovecs, messages, pollfds, epoll events,
//! fd_sets and timeouts, each into the call's `Cap`. The unsafe of the
//! tracer's skin lives here, with the two rules below.

use core::ffi::{c_int, c_void};

use super::trace::{Bytes, Cap, GATHER_MAX};
use crate::sys::{self, Errno, Result};
use crate::trace::aux::{
    EpollEvent, EpollEvents, FdSets, IovWriter, Iovs, Mmsg, Mmsgs, MsgHdr, MsgHead, PollFds, Ppoll, AUX_MMSG,
    AUX_RIGHTS, EPOLL_EVENT_LEN, FD_SET_MAX, POLLFDS_RAW_MAX, POLLFD_LEN,
};
use crate::trace::event::{AuxBuf, AuxWriter, ADDR_MAX};
use crate::trace::{fdtable, runtime};

// pollfd and epoll_event arrays go into the aux as they lie in memory
// (`trace::aux` reads them as little-endian entries of these sizes).
const _: () = assert!(cfg!(target_endian = "little"));
const _: () = assert!(core::mem::size_of::<libc::pollfd>() == POLLFD_LEN);
const _: () = assert!(core::mem::size_of::<libc::epoll_event>() == EPOLL_EVENT_LEN);

// Two rules keep these reads from faulting where glibc would not: memory
// the kernel has just read or written successfully for this call is read
// directly (bounded by the lengths the kernel used), and anything else is
// copied with `copy_from_self` (process_vm_readv), which answers EFAULT.

/// `n` bytes at `ptr` that the kernel accepted for this call (or none).
///
/// # Safety
/// `ptr` must be valid for `n` bytes: the kernel has just read or written
/// them successfully for this call.
pub(crate) unsafe fn accepted<'a>(ptr: *const c_void, n: usize) -> &'a [u8] {
    if ptr.is_null() || n == 0 {
        return &[];
    }
    // SAFETY: the caller's contract.
    unsafe { core::slice::from_raw_parts(ptr.cast(), n) }
}

/// Copies up to `buf.len()` bytes at `ptr` without trusting it (one
/// `process_vm_readv`: for failures and other uncommon paths only).
pub(crate) fn copy_untrusted(ptr: *const c_void, buf: &mut [u8]) -> usize {
    if ptr.is_null() {
        return 0;
    }
    sys::proc::copy_from_self(runtime::pid() as i32, ptr as usize, buf).unwrap_or(0)
}

/// Captures an input socket address (`bind connect sendto`).
pub(crate) fn addr_in<T>(cap: &mut Cap, addr: *const c_void, len: u32, r: &Result<T>) {
    let n = (len as usize).min(ADDR_MAX);
    match r {
        Err(Errno(libc::EFAULT)) => {}
        // SAFETY: on success the kernel read `len` bytes at `addr`.
        Ok(_) => cap.set_addr(unsafe { accepted(addr, n) }),
        Err(_) if cap.report => {
            let mut b = [0u8; ADDR_MAX];
            let got = copy_untrusted(addr, &mut b[..n]);
            cap.set_addr(&b[..got]);
        }
        Err(_) => {}
    }
}

/// Before a value-result call: `*len` as the program passed it, when that
/// can be read without a system call and without any risk of a fault
/// (the length lies on the calling thread's own stack, above the stack
/// pointer, as a local variable of a caller does). Otherwise it stays
/// unknown and the trace shows the length the kernel wrote back.
pub(crate) fn len_before(cap: &mut Cap, len: *const u32) {
    if let Some(v) = own_stack_u32(len as usize) {
        cap.len_in = v;
    }
}

/// The `u32` at `addr` when it lies on the calling thread's own stack
/// (`sys::proc::read_own_stack`: no system call, no risk of a fault).
fn own_stack_u32(addr: usize) -> Option<u32> {
    let mut b = [0u8; 4];
    sys::proc::read_own_stack(addr, &mut b).then(|| u32::from_ne_bytes(b))
}

/// After a successful value-result call: `*len`, and the address the
/// kernel wrote (`min(before, after)` bytes; `after` bytes, at most the
/// buffer the address type needs, when `before` is unknown).
///
/// # Safety
/// The call succeeded with these pointers (the kernel wrote `*len`, and the
/// address when `addr` is not NULL).
pub(crate) unsafe fn addr_out(cap: &mut Cap, addr: *const c_void, len: *const u32) {
    if len.is_null() {
        return;
    }
    // SAFETY: the kernel just wrote `*len` (caller's contract).
    cap.len_out = unsafe { len.read_unaligned() };
    if addr.is_null() || cap.len_in == u32::MAX {
        return;
    }
    let n = (cap.len_in.min(cap.len_out) as usize).min(ADDR_MAX);
    // SAFETY: the kernel wrote `min(len_in, len_out)` bytes at `addr`.
    cap.set_addr(unsafe { accepted(addr, n) });
}

/// The payload of a successful data call: the first bytes of the `n`
/// transferred.
///
/// # Safety
/// The kernel read or wrote `n` bytes at `buf` for this call.
pub(crate) unsafe fn payload<'a>(cap: &mut Cap<'a>, buf: *const c_void, n: usize) {
    cap.data_total = n as u64;
    // SAFETY: the caller's contract; only a prefix of those bytes is read.
    cap.data = unsafe { accepted(buf, n.min(runtime::payload_cap())) };
}

/// The payload of a call the kernel refused, read from the caller's buffer
/// without trusting it (strace shows what a failed `send` or `write` was
/// given); nothing after `EFAULT`. Only failures pay for this copy.
pub(crate) fn payload_refused<T>(cap: &mut Cap, buf: *const c_void, len: usize, r: &Result<T>) {
    if !cap.report || !matches!(r, Err(e) if e.0 != libc::EFAULT) {
        return;
    }
    let mut b = [0u8; GATHER_MAX];
    let n = len.min(runtime::payload_cap()).min(GATHER_MAX);
    let got = copy_untrusted(buf, &mut b[..n]);
    cap.gather.append(&b[..got]);
    cap.gathered = true;
    cap.data_total = len as u64;
}

/// The payload of a successful scatter/gather call, `n` bytes across the
/// iovecs, gathered into `gather` (at most `limit`); the iovec lengths go
/// to `lens` (as many as it keeps).
///
/// # Safety
/// The kernel used the `cnt` iovecs at `iov` and transferred `n` bytes
/// through them.
unsafe fn gather_into(
    gather: &mut dyn AuxBuf,
    iov: *const libc::iovec,
    cnt: usize,
    n: usize,
    limit: usize,
    lens: &mut IovWriter,
) {
    let limit = n.min(limit);
    let mut got = 0;
    let mut left = n;
    for i in 0..cnt {
        if got >= limit && !lens.wants() {
            break;
        }
        // SAFETY: the kernel read all `cnt` iovecs.
        let v = unsafe { iov.add(i).read_unaligned() };
        lens.push(v.iov_len as u64);
        if got < limit {
            let take = v.iov_len.min(limit - got).min(left);
            // SAFETY: these bytes are within the `n` the kernel transferred.
            let b = unsafe { accepted(v.iov_base, take) };
            gather.append(b);
            got += b.len();
            left -= b.len();
        }
    }
}

/// The `aux` of readv/writev after success.
///
/// # Safety
/// The kernel used the `cnt` iovecs at `iov` and transferred `n` bytes.
pub(crate) unsafe fn iov_aux(cap: &mut Cap, iov: *const libc::iovec, cnt: c_int, n: usize) {
    cap.data_total = n as u64;
    cap.gathered = true;
    let limit = runtime::payload_cap().min(GATHER_MAX);
    let cnt = cnt.max(0) as usize;
    let mut w = AuxWriter::new(&mut cap.aux);
    let mut lens = Iovs::encoder(&mut w, cnt);
    // SAFETY: forwarded contract.
    unsafe { gather_into(&mut cap.gather, iov, cnt, n, limit, &mut lens) };
}

/// Which way a message went, for what its name field holds after the call.
#[derive(Clone, Copy)]
pub(crate) enum Way {
    /// sendmsg/sendmmsg: the kernel read `msg_namelen` bytes of the name.
    Sent,
    /// recvmsg/recvmmsg: the kernel wrote `min(room, msg_namelen)` bytes,
    /// where `room` is `msg_namelen` as passed (`ROOM_UNKNOWN` when it could
    /// not be read before the call) and `msg_namelen` is now the address's
    /// whole length, which is more than the room when the name was cut.
    Received(u32),
}

/// `Way::Received` when the room is unknown.
pub(crate) const ROOM_UNKNOWN: u32 = u32::MAX;

/// Before recvmsg/recvmmsg: `msg_namelen` of the header at `msg`, when the
/// header lies on the caller's stack (no system call, no risk of a fault);
/// `ROOM_UNKNOWN` otherwise.
pub(crate) fn name_room(msg: *const libc::msghdr) -> u32 {
    let at = (msg as usize).wrapping_add(core::mem::offset_of!(libc::msghdr, msg_namelen));
    own_stack_u32(at).unwrap_or(ROOM_UNKNOWN)
}

/// The name of a successful message call, copied into `out`; its length.
/// A received name whose room is unknown is copied without trusting it
/// (only when `report`), so a cut name never makes the tracer read
/// past the program's buffer.
///
/// # Safety
/// The call succeeded with this header (`name`, `namelen` as it is now).
unsafe fn msg_name(report: bool, name: *const c_void, namelen: u32, way: Way, out: &mut [u8; ADDR_MAX]) -> usize {
    let n = (namelen as usize).min(ADDR_MAX);
    let sure = match way {
        Way::Sent => n,
        Way::Received(ROOM_UNKNOWN) => {
            return if report { copy_untrusted(name, &mut out[..n]) } else { 0 };
        }
        Way::Received(room) => n.min(room as usize),
    };
    // SAFETY: the kernel read (sent) or wrote (received) these bytes.
    let b = unsafe { accepted(name, sure) };
    out[..b.len()].copy_from_slice(b);
    b.len()
}

/// sendmsg/recvmsg after success: name, iovecs, payload and the
/// descriptors passed with `SCM_RIGHTS` (received ones are unknown to the
/// descriptor table until classified).
///
/// # Safety
/// The call succeeded with `msg`, transferring `n` bytes.
pub(crate) unsafe fn msg_capture(cap: &mut Cap, msg: *const libc::msghdr, n: usize, way: Way) {
    let received = matches!(way, Way::Received(_));
    // SAFETY: the kernel read (and for recvmsg updated) the msghdr.
    let m = unsafe { msg.read_unaligned() };
    let mut name = [0u8; ADDR_MAX];
    // SAFETY: the call succeeded with this header.
    let nl = unsafe { msg_name(cap.report, m.msg_name, m.msg_namelen, way, &mut name) };
    cap.set_addr(&name[..nl]);
    cap.data_total = n as u64;
    cap.gathered = true;
    let limit = runtime::payload_cap().min(GATHER_MAX);
    let mut w = AuxWriter::new(&mut cap.aux);
    let head = MsgHead {
        namelen: m.msg_namelen,
        flags: m.msg_flags,
        controllen: m.msg_controllen as u64,
    };
    let mut enc = MsgHdr::encoder(&mut w, head, m.msg_iovlen);
    // SAFETY: the kernel used the `msg_iovlen` iovecs and moved `n` bytes.
    unsafe { gather_into(&mut cap.gather, m.msg_iov, m.msg_iovlen, n, limit, enc.iovs()) };
    let mut fds = [0i32; AUX_RIGHTS];
    // SAFETY: the kernel read (sendmsg) or wrote (recvmsg) `msg_controllen` bytes.
    let control = unsafe { accepted(m.msg_control, m.msg_controllen) };
    let nfds = scm_rights(control, &mut fds);
    if received {
        for fd in &fds[..nfds] {
            fdtable::forget(*fd);
        }
    }
    enc.rights(&fds[..nfds]);
}

/// sendmmsg/recvmmsg after success: each of the first `n` messages (at
/// most `AUX_MMSG`, and as many as fit in the aux) with its header, name,
/// iovec lengths and payload prefix (layout in `trace::aux`).
///
/// `rooms`: for received messages, the room for each name (`name_room`),
/// `None` for sent ones.
///
/// # Safety
/// The call succeeded for the first `n` messages of `vec`: the kernel read
/// their headers, names and iovecs and moved `msg_len` bytes of each.
pub(crate) unsafe fn mmsg_capture(cap: &mut Cap, vec: *const libc::mmsghdr, n: usize, rooms: Option<&[u32; AUX_MMSG]>) {
    let received = rooms.is_some();
    let per_msg = runtime::payload_cap().min(GATHER_MAX);
    // The count comes first: measure what fits before writing.
    let shown = Mmsgs::fit(cap.aux.room(), n, |i| {
        // SAFETY: message `i` < n was used by the kernel.
        let mm = unsafe { vec.add(i).read_unaligned() };
        let m = &mm.msg_hdr;
        Mmsg::encoded_len(m.msg_namelen as usize, m.msg_iovlen, (mm.msg_len as usize).min(per_msg))
    });
    let mut w = AuxWriter::new(&mut cap.aux);
    Mmsgs::encode_count(&mut w, shown);
    for i in 0..shown {
        // SAFETY: `i` < shown <= n: the kernel read this message's header.
        let mm = unsafe { vec.add(i).read_unaligned() };
        let m = mm.msg_hdr;
        let len = mm.msg_len as usize;
        let fits = if received {
            // SAFETY: the kernel used these iovecs.
            len.min(unsafe { iov_sum(m.msg_iov, m.msg_iovlen) })
        } else {
            len
        };
        let head = MsgHead {
            namelen: m.msg_namelen,
            flags: m.msg_flags,
            controllen: m.msg_controllen as u64,
        };
        let way = rooms.map_or(Way::Sent, |r| Way::Received(r.get(i).copied().unwrap_or(ROOM_UNKNOWN)));
        let mut name = [0u8; ADDR_MAX];
        // SAFETY: the kernel used this message's header.
        let nl = unsafe { msg_name(cap.report, m.msg_name, m.msg_namelen, way, &mut name) };
        let mut enc = Mmsg::encoder(&mut w, mm.msg_len, head, &name[..nl], m.msg_iovlen);
        let mut data = Bytes::<GATHER_MAX>::new();
        // SAFETY: the kernel used the iovecs and moved `fits` bytes.
        unsafe { gather_into(&mut data, m.msg_iov, m.msg_iovlen, fits, per_msg, enc.iovs()) };
        enc.payload(len as u64, data.as_slice());
    }
}

/// The total length of `cnt` iovecs.
///
/// # Safety
/// The kernel has just used them.
unsafe fn iov_sum(iov: *const libc::iovec, cnt: usize) -> usize {
    let mut t: usize = 0;
    for i in 0..cnt {
        // SAFETY: the caller's contract.
        t = t.saturating_add(unsafe { iov.add(i).read_unaligned() }.iov_len);
    }
    t
}

/// The descriptors of the `SCM_RIGHTS` messages in a control buffer.
fn scm_rights(control: &[u8], out: &mut [i32; AUX_RIGHTS]) -> usize {
    const HDR: usize = 16; // cmsg_len (size_t), cmsg_level, cmsg_type
    let mut n = 0;
    let mut at = 0;
    while at + HDR <= control.len() {
        let word = |o: usize| {
            control
                .get(at + o..at + o + 4)
                .map_or(0, |s| i32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
        };
        let len = control.get(at..at + 8).map_or(0, |s| {
            u64::from_ne_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
        }) as usize;
        if len < HDR || at + len > control.len() {
            break;
        }
        if word(8) == libc::SOL_SOCKET && word(12) == libc::SCM_RIGHTS {
            let mut o = HDR;
            while o + 4 <= len && n < out.len() {
                out[n] = word(o);
                n += 1;
                o += 4;
            }
        }
        at += (len + 7) & !7;
    }
    n
}

/// poll/ppoll: the pollfd array (after a successful call directly, else
/// copied without trusting it).
///
/// # Safety
/// On success the kernel read and wrote the `nfds` entries at `fds`.
pub(crate) unsafe fn pollfds<T>(cap: &mut Cap, fds: *const libc::pollfd, nfds: u64, r: &Result<T>) {
    let n = PollFds::raw_len(nfds);
    let mut copy = [0u8; POLLFDS_RAW_MAX];
    let raw: &[u8] = match r {
        // SAFETY: the caller's contract.
        Ok(_) => unsafe { accepted(fds.cast(), n) },
        Err(_) if !cap.report => &[],
        Err(Errno(libc::EFAULT)) => &[],
        Err(_) => {
            let got = copy_untrusted(fds.cast(), &mut copy[..n]);
            &copy[..got]
        }
    };
    cap.aux(|w| PollFds::encode_raw(w, raw));
}

/// Appends a timeout to the aux (ppoll).
pub(crate) fn aux_time(cap: &mut Cap, t: Option<(i64, i64)>) {
    cap.aux(|w| Ppoll::encode_timeout(w, t));
}

/// epoll_wait/epoll_pwait: the `n` returned events.
///
/// # Safety
/// The kernel wrote `n` events at `evs`.
pub(crate) unsafe fn epoll_events(cap: &mut Cap, evs: *const c_void, n: usize) {
    // SAFETY: the caller's contract (packed events, the first of the `n`).
    let b = unsafe { accepted(evs, EpollEvents::raw_len(n)) };
    cap.aux(|w| EpollEvents::encode_raw(w, b));
}

/// epoll_ctl: the event passed (if the kernel read it).
pub(crate) fn epoll_ctl_event<T>(cap: &mut Cap, ev: *const c_void, r: &Result<T>) {
    let mut b = [0u8; EPOLL_EVENT_LEN];
    let got = match r {
        // For DEL the kernel ignores the event: it is copied without
        // trusting it (below).
        Ok(_) if cap.args[1] != libc::EPOLL_CTL_DEL as u64 => {
            // SAFETY: a successful ADD/MOD read the packed event.
            let s = unsafe { accepted(ev, EPOLL_EVENT_LEN) };
            b[..s.len()].copy_from_slice(s);
            s.len()
        }
        _ if cap.report => copy_untrusted(ev, &mut b),
        _ => 0,
    };
    if got == EPOLL_EVENT_LEN {
        cap.aux(|w| EpollEvent::encode_raw(w, &b));
    }
}

/// select/pselect before the call: which sets were passed and their bits.
pub(crate) fn fd_sets_before(cap: &mut Cap, nfds: c_int, sets: [*const c_void; 3]) -> usize {
    let nbytes = FdSets::bytes_for(nfds);
    let mut copies = [[0u8; FD_SET_MAX]; 3];
    let mut passed = [None; 3];
    for ((s, b), p) in sets.iter().zip(copies.iter_mut()).zip(passed.iter_mut()) {
        if !s.is_null() {
            copy_untrusted(*s, &mut b[..nbytes]);
            *p = Some(&b[..nbytes]);
        }
    }
    cap.aux(|w| FdSets::encode_before(w, nbytes, passed));
    nbytes
}

/// Bytes of every set a successful select/pselect has surely read and
/// written: Linux works on `min(nfds, max_fds)` bits in whole longs, where
/// `max_fds`, the size of the descriptor table, is never below
/// `BITS_PER_LONG` (`NR_OPEN_DEFAULT`) but may be below `nfds`
/// (fs/select.c, `core_sys_select`). So `select(65, set)` succeeds reading
/// only 8 bytes in a process with few descriptors, whatever follows them.
const FD_SET_SURE: usize = 8;

/// select/pselect after the call: the sets the kernel wrote (zeros on
/// failure), the timeout as passed and the time left (select).
///
/// # Safety
/// On success the kernel wrote the first `min(nbytes, FD_SET_SURE)` bytes
/// of each non-NULL set (the rest is copied without trusting it).
pub(crate) unsafe fn fd_sets_after<T>(
    cap: &mut Cap,
    nbytes: usize,
    sets: [*const c_void; 3],
    timeout: Option<(i64, i64)>,
    left: Option<(i64, i64)>,
    r: &Result<T>,
) {
    let nbytes = nbytes.min(FD_SET_MAX);
    let sure = nbytes.min(FD_SET_SURE);
    let mut copies = [[0u8; FD_SET_MAX]; 3];
    let mut got = [0usize; 3];
    for ((s, b), g) in sets.iter().zip(copies.iter_mut()).zip(got.iter_mut()) {
        if s.is_null() || r.is_err() {
            continue;
        }
        // SAFETY: the caller's contract, for the first `sure` bytes.
        let head = unsafe { accepted(*s, sure) };
        b[..head.len()].copy_from_slice(head);
        *g = head.len();
        if nbytes > sure {
            // Past `max_fds` bits the kernel touched nothing: the bytes may
            // not be mapped at all.
            *g += copy_untrusted(s.cast::<u8>().wrapping_add(sure).cast(), &mut b[sure..nbytes]);
        }
    }
    let mut after = [None; 3];
    for (((s, a), b), g) in sets.iter().zip(after.iter_mut()).zip(copies.iter()).zip(got) {
        if !s.is_null() {
            // Zeros on failure (`encode_after` completes a short set).
            *a = Some(&b[..g]);
        }
    }
    cap.aux(|w| FdSets::encode_after(w, nbytes, after, timeout, left));
}

/// A timespec/timeval argument, copied without trusting it.
pub(crate) fn time_arg(ptr: *const c_void) -> Option<(i64, i64)> {
    let mut b = [0u8; 16];
    if copy_untrusted(ptr, &mut b) != 16 {
        return None;
    }
    let (s, n) = b.split_at(8);
    Some((
        i64::from_ne_bytes(s.try_into().ok()?),
        i64::from_ne_bytes(n.try_into().ok()?),
    ))
}

// ---- descriptor-table upkeep that does not depend on reporting ----

/// A call that made socket `fd`.
pub(crate) fn made_socket<T>(r: &Result<T>, fd: impl FnOnce() -> c_int, domain: c_int, ty: c_int) {
    if r.is_ok() {
        fdtable::set_socket(fd(), domain, ty);
    }
}

/// Tests of the capture helpers.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scm_rights_parsing() {
        let mut c = [0u8; 48];
        c[..8].copy_from_slice(&24u64.to_ne_bytes());
        c[8..12].copy_from_slice(&1i32.to_ne_bytes());
        c[12..16].copy_from_slice(&1i32.to_ne_bytes());
        c[16..20].copy_from_slice(&7i32.to_ne_bytes());
        c[20..24].copy_from_slice(&9i32.to_ne_bytes());
        let mut out = [0i32; AUX_RIGHTS];
        assert_eq!(scm_rights(&c[..24], &mut out), 2);
        assert_eq!(&out[..2], &[7, 9]);
        assert_eq!(scm_rights(&c[..10], &mut out), 0);
    }
}
