//! A list whose first `N` items live inline (on the caller's stack) and
//! which moves to the heap beyond them: the storage of an answer, which is
//! usually a few addresses and names but may be thousands (a 64 KiB TCP
//! reply holds 4,000 A records; glibc keeps them all). Small answers never
//! allocate. Growing is fallible: when the heap says no, `push` drops the
//! item and says so (an answer cut short, never an abort).

use alloc::vec::Vec;

#[derive(Clone)]
pub struct Grow<T: Copy, const N: usize> {
    inline: [T; N],
    /// Items in `inline`, while `heap` is empty.
    len: usize,
    /// Every item, once there were more than `N`.
    heap: Vec<T>,
}

impl<T: Copy, const N: usize> Grow<T, N> {
    /// An empty list; `fill` initializes the inline room.
    pub const fn new(fill: T) -> Self {
        Grow {
            inline: [fill; N],
            len: 0,
            heap: Vec::new(),
        }
    }

    /// Appends `v`; false (nothing appended) when memory ran out.
    pub fn push(&mut self, v: T) -> bool {
        self.extend_from_slice(core::slice::from_ref(&v))
    }

    /// Appends all of `items`, or nothing when memory ran out (false).
    pub fn extend_from_slice(&mut self, items: &[T]) -> bool {
        if self.heap.is_empty() {
            if let Some(room) = self.inline.get_mut(self.len..self.len + items.len()) {
                room.copy_from_slice(items);
                self.len += items.len();
                return true;
            }
            let want = (self.len + items.len()).max(2 * N);
            if self.heap.try_reserve(want).is_err() {
                return false;
            }
            self.heap.extend_from_slice(self.inline.get(..self.len).unwrap_or(&[]));
        }
        if self.heap.try_reserve(items.len()).is_err() {
            return false;
        }
        self.heap.extend_from_slice(items);
        true
    }

    pub fn as_slice(&self) -> &[T] {
        if self.heap.is_empty() {
            self.inline.get(..self.len).unwrap_or(&[])
        } else {
            &self.heap
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        if self.heap.is_empty() {
            self.inline.get_mut(..self.len).unwrap_or(&mut [])
        } else {
            &mut self.heap
        }
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps the first `n` items.
    pub fn truncate(&mut self, n: usize) {
        if self.heap.is_empty() {
            self.len = self.len.min(n);
        } else {
            self.heap.truncate(n);
            if self.heap.is_empty() {
                self.len = 0;
            }
        }
    }

    /// Empties the list (heap memory is kept for reuse).
    pub fn clear(&mut self) {
        self.heap.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_then_heap_in_order() {
        let mut g: Grow<u32, 4> = Grow::new(0);
        for i in 0..4 {
            assert!(g.push(i));
        }
        assert!(g.heap.is_empty());
        assert_eq!(g.as_slice(), [0, 1, 2, 3]);
        for i in 4..1000 {
            assert!(g.push(i));
        }
        assert_eq!(g.len(), 1000);
        assert!(g.as_slice().iter().copied().eq(0..1000));
        g.as_mut_slice()[999] = 7;
        assert_eq!(g.as_slice()[999], 7);
        g.truncate(3);
        assert_eq!(g.as_slice(), [0, 1, 2]);
        g.truncate(0);
        assert!(g.is_empty());
        assert!(g.push(5));
        assert_eq!(g.as_slice(), [5]);
        g.clear();
        assert!(g.is_empty());
        assert!(g.push(9));
        assert_eq!(g.as_slice(), [9]);
    }

    #[test]
    fn extend_across_the_edge() {
        let mut g: Grow<u8, 8> = Grow::new(0);
        assert!(g.extend_from_slice(b"abcde"));
        assert!(g.extend_from_slice(b"fghij"));
        assert_eq!(g.as_slice(), b"abcdefghij");
        assert!(g.extend_from_slice(b""));
        assert_eq!(g.len(), 10);
    }
}
