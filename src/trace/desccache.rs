//! strace's cache of socket descriptions, by inode: the first time the
//! kernel's socket tables list a socket, its description is kept, and from
//! then on `-yy` shows that description (so a connection keeps its
//! `->peer` after a shutdown, when the kernel has forgotten the peer).
//! A fixed table of seqlocked slots: lock-free and async-signal-safe; a
//! writer that finds a slot busy just skips caching, and a reader that
//! races a writer sees a miss.

use core::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering::*};

use super::event::{FdDesc, ADDR_MAX};

const SLOTS: usize = 64;
const ADDR_WORDS: usize = ADDR_MAX / 8;
/// domain|type, protocol|lengths, peer inode, local, peer.
const WORDS: usize = 3 + 2 * ADDR_WORDS;

struct Slot {
    /// Odd while a writer fills the slot.
    seq: AtomicU32,
    inode: AtomicU64,
    words: [AtomicU64; WORDS],
}

static CACHE: [Slot; SLOTS] = [const {
    Slot {
        seq: AtomicU32::new(0),
        inode: AtomicU64::new(0),
        words: [const { AtomicU64::new(0) }; WORDS],
    }
}; SLOTS];

fn slot(inode: u64) -> &'static Slot {
    &CACHE[(inode % SLOTS as u64) as usize]
}

fn pack(b: &[u8; ADDR_MAX], out: &mut [u64]) {
    for (w, c) in out.iter_mut().zip(b.chunks_exact(8)) {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        *w = u64::from_le_bytes(a);
    }
}

fn unpack(words: &[u64], b: &mut [u8; ADDR_MAX]) {
    for (w, c) in words.iter().zip(b.chunks_exact_mut(8)) {
        c.copy_from_slice(&w.to_le_bytes());
    }
}

/// The cached description of the socket with inode `inode`.
pub fn get(inode: u64) -> Option<FdDesc> {
    if inode == 0 {
        return None;
    }
    let s = slot(inode);
    let seq = s.seq.load(Acquire);
    if seq & 1 != 0 || s.inode.load(Relaxed) != inode {
        return None;
    }
    let mut w = [0u64; WORDS];
    for (d, a) in w.iter_mut().zip(&s.words) {
        *d = a.load(Relaxed);
    }
    fence(Acquire);
    if s.seq.load(Relaxed) != seq || s.inode.load(Relaxed) != inode {
        return None;
    }
    let mut d = FdDesc::new(
        w[0] as u32 as i32,
        (w[0] >> 32) as u32 as i32,
        w[1] as u32 as i32,
        inode,
    );
    d.local_len = ((w[1] >> 32) as u16).min(ADDR_MAX as u16);
    d.peer_len = ((w[1] >> 48) as u16).min(ADDR_MAX as u16);
    d.peer_inode = w[2];
    unpack(&w[3..3 + ADDR_WORDS], &mut d.local);
    unpack(&w[3 + ADDR_WORDS..], &mut d.peer);
    Some(d)
}

/// Keeps `d` unless a description of its inode is cached already (strace
/// keeps the first) or another thread is writing the slot.
pub fn put(d: &FdDesc) {
    if d.inode == 0 {
        return;
    }
    let s = slot(d.inode);
    let seq = s.seq.load(Relaxed);
    if seq & 1 != 0 || s.inode.load(Relaxed) == d.inode {
        return;
    }
    if s.seq
        .compare_exchange(seq, seq.wrapping_add(1), Acquire, Relaxed)
        .is_err()
    {
        return;
    }
    fence(Release);
    let mut w = [0u64; WORDS];
    w[0] = u64::from(d.domain as u32) | u64::from(d.ty as u32) << 32;
    w[1] = u64::from(d.protocol as u32) | u64::from(d.local_len) << 32 | u64::from(d.peer_len) << 48;
    w[2] = d.peer_inode;
    pack(&d.local, &mut w[3..3 + ADDR_WORDS]);
    pack(&d.peer, &mut w[3 + ADDR_WORDS..]);
    s.inode.store(d.inode, Relaxed);
    for (a, v) in s.words.iter().zip(w) {
        a.store(v, Relaxed);
    }
    s.seq.store(seq.wrapping_add(2), Release);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_description_wins() {
        let mut d = FdDesc::new(2, 1, 6, 987_654_321);
        d.set_local(&[2, 0, 0, 80, 127, 0, 0, 1]);
        d.set_peer(&[2, 0, 1, 0, 127, 0, 0, 1]);
        assert!(get(d.inode).is_none());
        put(&d);
        let mut later = d;
        later.peer_len = 0;
        put(&later);
        let got = get(d.inode).unwrap();
        assert_eq!((got.domain, got.ty, got.protocol), (2, 1, 6));
        assert_eq!((got.local(), got.peer()), (d.local(), d.peer()));
        // Another inode in the same slot replaces it.
        let other = FdDesc::new(1, 2, 0, d.inode + SLOTS as u64);
        put(&other);
        assert!(get(d.inode).is_none());
        assert_eq!(get(other.inode).unwrap().ty, 2);
        assert!(get(0).is_none());
    }
}
