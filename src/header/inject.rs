//! The skin's part of fault injection (`trace::inject`): `short=N` for the
//! scatter/gather calls, which needs the caller's iovecs (and message
//! header) cut to `N` bytes. The caller's memory is read and written
//! through the kernel (`process_vm_readv`/`writev` on ourselves), so that a
//! bad pointer gives the plain call (and the kernel's EFAULT) rather than a
//! fault; these syscalls are made only for a call a `short=` rule hits.

use core::ffi::c_int;

use crate::sys;
use crate::trace::runtime;

/// Most iovecs a cut call passes on (the first bytes of a message lie in
/// its first iovecs; a cut to more than these hold sends less, still at
/// most N).
pub(crate) const CUT_IOVS: usize = 8;

const IOV_SIZE: usize = core::mem::size_of::<libc::iovec>();

const EMPTY: libc::iovec = libc::iovec {
    iov_base: core::ptr::null_mut(),
    iov_len: 0,
};

/// Iovecs cut to at most `n` bytes.
pub(crate) struct CutIov {
    pub iov: [libc::iovec; CUT_IOVS],
    pub cnt: c_int,
}

fn word(b: &[u8], at: usize) -> usize {
    let mut w = [0u8; 8];
    if let Some(s) = b.get(at..at + 8) {
        w.copy_from_slice(s);
    }
    usize::from_ne_bytes(w)
}

/// The first iovecs of the caller's `iov[..cnt]`, cut to `n` bytes in all;
/// `None` when they hold no more than `n` bytes (nothing to cut) or cannot
/// be read (the plain call then meets the kernel's own checks).
pub(crate) fn cut_iov(iov: *const libc::iovec, cnt: c_int, n: usize) -> Option<CutIov> {
    let want = usize::try_from(cnt).ok()?.min(CUT_IOVS);
    if want == 0 || n == 0 {
        return None;
    }
    let mut raw = [0u8; CUT_IOVS * IOV_SIZE];
    let got = sys::proc::copy_from_self(runtime::pid() as i32, iov as usize, raw.get_mut(..want * IOV_SIZE)?).ok()?;
    let entries = got / IOV_SIZE;
    let mut out = CutIov {
        iov: [EMPTY; CUT_IOVS],
        cnt: 0,
    };
    let mut left = n;
    for (i, slot) in out.iov.iter_mut().enumerate().take(entries) {
        let base = word(&raw, i * IOV_SIZE);
        let len = word(&raw, i * IOV_SIZE + 8);
        let take = len.min(left);
        *slot = libc::iovec {
            iov_base: base as *mut libc::c_void,
            iov_len: take,
        };
        out.cnt += 1;
        left -= take;
        if left == 0 {
            // Cut when the caller's iovecs hold more than `n` bytes.
            let more = take < len || usize::try_from(cnt).ok()? > i + 1;
            return more.then_some(out);
        }
    }
    // Fewer than `n` bytes in the iovecs read: cut only if some were not read.
    (usize::try_from(cnt).ok()? > entries && entries > 0).then_some(out)
}

/// The caller's message header, with its iovecs cut to `n` bytes: the header
/// to pass to the kernel (pointing into `cut`), or `None` as for `cut_iov`.
pub(crate) fn cut_msg(msg: *const libc::msghdr, n: usize, cut: &mut Option<CutIov>) -> Option<libc::msghdr> {
    let mut raw = [0u8; core::mem::size_of::<libc::msghdr>()];
    let got = sys::proc::copy_from_self(runtime::pid() as i32, msg as usize, &mut raw).ok()?;
    if got != raw.len() {
        return None;
    }
    let iov = word(&raw, core::mem::offset_of!(libc::msghdr, msg_iov)) as *const libc::iovec;
    let iovlen = word(&raw, core::mem::offset_of!(libc::msghdr, msg_iovlen));
    let c = cut.insert(cut_iov(iov, c_int::try_from(iovlen).ok()?, n)?);
    let namelen_at = core::mem::offset_of!(libc::msghdr, msg_namelen);
    let flags_at = core::mem::offset_of!(libc::msghdr, msg_flags);
    let u32_at = |at: usize| {
        raw.get(at..at + 4)
            .map_or(0, |s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
    };
    // SAFETY: msghdr is plain data; every field is set below.
    let mut m: libc::msghdr = unsafe { core::mem::zeroed() };
    m.msg_name = word(&raw, core::mem::offset_of!(libc::msghdr, msg_name)) as *mut libc::c_void;
    m.msg_namelen = u32_at(namelen_at);
    m.msg_iov = c.iov.as_mut_ptr();
    m.msg_iovlen = c.cnt as usize;
    m.msg_control = word(&raw, core::mem::offset_of!(libc::msghdr, msg_control)) as *mut libc::c_void;
    m.msg_controllen = word(&raw, core::mem::offset_of!(libc::msghdr, msg_controllen));
    m.msg_flags = u32_at(flags_at) as c_int;
    Some(m)
}

/// After a cut recvmsg: the lengths and flags the kernel wrote into our
/// copy of the header, written back into the caller's (as the kernel would
/// have); a header that cannot be written is left as it was.
pub(crate) fn copy_back_msg(msg: *mut libc::msghdr, m: &libc::msghdr) {
    let pid = runtime::pid() as i32;
    let at = |off: usize| (msg as usize).wrapping_add(off);
    let _ = sys::proc::copy_to_self(
        pid,
        at(core::mem::offset_of!(libc::msghdr, msg_namelen)),
        &m.msg_namelen.to_ne_bytes(),
    );
    let _ = sys::proc::copy_to_self(
        pid,
        at(core::mem::offset_of!(libc::msghdr, msg_controllen)),
        &m.msg_controllen.to_ne_bytes(),
    );
    let _ = sys::proc::copy_to_self(
        pid,
        at(core::mem::offset_of!(libc::msghdr, msg_flags)),
        &m.msg_flags.to_ne_bytes(),
    );
}
