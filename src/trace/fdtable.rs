//! Which descriptors are sockets: a fixed lock-free table, indexed by
//! descriptor number, kept right through the calls that create, copy and
//! close descriptors (all of them ours), and filled lazily for descriptors
//! the tracer has not seen made (inherited across exec, received with
//! `SCM_RIGHTS`, made by glibc internally): `fstat`, then
//! `getsockopt(SO_DOMAIN/SO_TYPE)`, once.

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use crate::sys;

/// Descriptors beyond this are classified on every use instead of cached.
pub(crate) const TABLE_SIZE: usize = 65536;

const UNKNOWN: u32 = 0;
const NOT_SOCKET: u32 = 1;
const SOCKET: u32 = 1 << 31;
/// The endpoints of this socket have been written to the recording.
const RECORDED: u32 = 1 << 30;
/// The program bound this socket (a traced `bind` succeeded).
const BOUND: u32 = 1 << 29;

static TABLE: [AtomicU32; TABLE_SIZE] = [const { AtomicU32::new(UNKNOWN) }; TABLE_SIZE];
/// One past the highest descriptor ever marked recorded (`forget_recorded`
/// looks no further).
static RECORDED_END: AtomicU32 = AtomicU32::new(0);

/// What the table knows about a descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    NotSocket,
    Socket { domain: i32, ty: i32 },
}

fn slot(fd: i32) -> Option<&'static AtomicU32> {
    usize::try_from(fd).ok().and_then(|i| TABLE.get(i))
}

fn encode(k: Kind) -> u32 {
    match k {
        Kind::NotSocket => NOT_SOCKET,
        Kind::Socket { domain, ty } => SOCKET | ((domain as u32 & 0xff) << 8) | (ty as u32 & 0xff),
    }
}

fn decode(v: u32) -> Option<Kind> {
    match v {
        UNKNOWN => None,
        NOT_SOCKET => Some(Kind::NotSocket),
        v if v & SOCKET == 0 => None,
        v => Some(Kind::Socket {
            domain: ((v >> 8) & 0xff) as i32,
            ty: (v & 0xff) as i32,
        }),
    }
}

/// What `fd` is: from the table, or asked of the kernel (and remembered).
/// A descriptor that is not open is "not a socket" (and not remembered);
/// so is one first seen in a seccomp sandbox.
pub fn kind(fd: i32) -> Kind {
    if let Some(k) = slot(fd).and_then(|s| decode(s.load(Relaxed))) {
        return k;
    }
    if super::dest::sandboxed() {
        // No question to the kernel in a sandbox (a filter may kill for
        // fstat): a descriptor first seen there is not traced.
        return Kind::NotSocket;
    }
    let k = match sys::fd::fstat(fd) {
        Ok(st) if st.is_socket() => Kind::Socket {
            domain: sys::fd::sockopt_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN).unwrap_or(0),
            ty: sys::fd::sockopt_int(fd, libc::SOL_SOCKET, libc::SO_TYPE).unwrap_or(0),
        },
        Ok(_) => Kind::NotSocket,
        Err(_) => return Kind::NotSocket,
    };
    if let Some(s) = slot(fd) {
        let _ = s.compare_exchange(UNKNOWN, encode(k), Relaxed, Relaxed);
    }
    k
}

pub fn is_socket(fd: i32) -> bool {
    matches!(kind(fd), Kind::Socket { .. })
}

/// `fd` was just made as a socket (socket, accept, socketpair).
pub fn set_socket(fd: i32, domain: i32, ty: i32) {
    if let Some(s) = slot(fd) {
        s.store(encode(Kind::Socket { domain, ty: ty & 0xf }), Relaxed);
    }
}

/// `fd` was closed or replaced, or arrived unseen: classify it on next use.
pub fn forget(fd: i32) {
    if let Some(s) = slot(fd) {
        s.store(UNKNOWN, Relaxed);
    }
}

/// Every descriptor in `first..=last` was closed.
pub fn forget_range(first: u32, last: u32) {
    let end = (last as usize).min(TABLE_SIZE - 1);
    let mut i = first as usize;
    while i <= end {
        if let Some(s) = TABLE.get(i) {
            if s.load(Relaxed) != UNKNOWN {
                s.store(UNKNOWN, Relaxed);
            }
        }
        i += 1;
    }
}

/// `new` is now a copy of `old` (dup, dup2, dup3, F_DUPFD).
pub fn copy(old: i32, new: i32) {
    let v = slot(old).map_or(UNKNOWN, |s| s.load(Relaxed) & !RECORDED);
    if let Some(s) = slot(new) {
        s.store(v, Relaxed);
    }
}

/// Socket `fd` was bound by the program.
pub fn set_bound(fd: i32) {
    if let Some(s) = slot(fd) {
        let _ = s.fetch_update(Relaxed, Relaxed, |v| (v & SOCKET != 0).then_some(v | BOUND));
    }
}

/// Whether socket `fd` was bound by a traced `bind`.
pub fn bound(fd: i32) -> bool {
    slot(fd).is_some_and(|s| s.load(Relaxed) & BOUND != 0)
}

/// True when `fd` is a socket whose description the recording does not
/// have yet (one load for a socket already recorded: the common case).
pub fn unrecorded_socket(fd: i32) -> bool {
    match slot(fd).map(|s| s.load(Relaxed)) {
        Some(v) if v & RECORDED != 0 => false,
        Some(v) if v & SOCKET != 0 => true,
        Some(NOT_SOCKET) => false,
        _ => is_socket(fd),
    }
}

/// Marks `fd`'s endpoints as recorded; true if they were not before (so
/// the caller writes them now).
pub fn mark_recorded(fd: i32) -> bool {
    match slot(fd) {
        Some(s) => {
            let v = s.fetch_or(RECORDED, Relaxed);
            if v & RECORDED == 0 {
                RECORDED_END.fetch_max(fd as u32 + 1, Relaxed);
            }
            v & RECORDED == 0
        }
        None => true,
    }
}

/// Forgets which sockets' endpoints were recorded (a forked child: the
/// recording has them under the parent's pid, so the child describes each
/// inherited socket again at its first traced use). Only the entries that
/// have the mark are written, up to the highest descriptor ever marked.
pub fn forget_recorded() {
    let end = (RECORDED_END.load(Relaxed) as usize).min(TABLE_SIZE);
    for s in TABLE.iter().take(end) {
        if s.load(Relaxed) & RECORDED != 0 {
            s.fetch_and(!RECORDED, Relaxed);
        }
    }
}

/// Clears what the table knows (a child after fork keeps the parent's
/// descriptors, so the table stays; exec starts a fresh one anyway).
#[cfg(test)]
fn clear() {
    forget_range(0, TABLE_SIZE as u32);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_copy_forget() {
        clear();
        set_socket(60000, 2, 1 | 0o2000000);
        assert_eq!(kind(60000), Kind::Socket { domain: 2, ty: 1 });
        copy(60000, 60001);
        assert_eq!(kind(60001), Kind::Socket { domain: 2, ty: 1 });
        assert!(mark_recorded(60001));
        assert!(!mark_recorded(60001));
        forget_recorded();
        assert!(unrecorded_socket(60001));
        assert!(mark_recorded(60001));
        assert_eq!(kind(60001), Kind::Socket { domain: 2, ty: 1 });
        forget_range(59999, 60000);
        // 60000 is not open in the test process: not a socket, not cached.
        assert_eq!(kind(60000), Kind::NotSocket);
        assert!(is_socket(60001));
        forget(60001);
        assert!(!is_socket(60001));
        // Out of the table: still answered.
        assert_eq!(kind(-1), Kind::NotSocket);
        assert_eq!(kind(1 << 20), Kind::NotSocket);
    }
}
