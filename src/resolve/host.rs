//! A host entry: its name, aliases and addresses, what gethostbyname
//! returns and getaddrinfo uses. The name is at most `MAX_NAME` bytes (DNS
//! names are shorter); aliases and addresses are as many as the answer
//! has, the first `MAX_ALIASES` and `MAX_ADDRS` inline (`Grow`).

use super::grow::Grow;
use super::{Addr, ALIAS_BYTES, MAX_ADDRS, MAX_ALIASES, MAX_NAME};

/// A name in a fixed buffer.
#[derive(Clone, Copy)]
pub struct Name {
    buf: [u8; MAX_NAME],
    len: usize,
}

impl Name {
    pub(crate) const fn new() -> Self {
        Name {
            buf: [0; MAX_NAME],
            len: 0,
        }
    }

    pub fn from(s: &[u8]) -> Self {
        let mut n = Name::new();
        n.set(s);
        n
    }

    /// Keeps at most `MAX_NAME` bytes of `s`.
    pub fn set(&mut self, s: &[u8]) {
        let len = s.len().min(MAX_NAME);
        self.buf[..len].copy_from_slice(&s[..len]);
        self.len = len;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::new()
    }
}

/// A list of names (a host's aliases, the names of a DNS answer): the
/// first `MAX_ALIASES` names and `ALIAS_BYTES` bytes of text inline, more
/// on the heap (`Grow`); a name is dropped only when memory runs out.
#[derive(Clone)]
pub struct NameList {
    text: Grow<u8, ALIAS_BYTES>,
    /// Where each name's text ends.
    end: Grow<u32, MAX_ALIASES>,
}

impl Default for NameList {
    fn default() -> Self {
        NameList::new()
    }
}

impl NameList {
    pub(crate) const fn new() -> Self {
        NameList {
            text: Grow::new(0),
            end: Grow::new(0),
        }
    }

    /// Appends a name.
    pub fn push(&mut self, s: &[u8]) {
        let start = self.text.len();
        let Ok(end) = u32::try_from(start + s.len()) else {
            return;
        };
        if self.text.extend_from_slice(s) && !self.end.push(end) {
            // No memory for its end: take the text back.
            self.text.truncate(start);
        }
    }

    pub fn len(&self) -> usize {
        self.end.len()
    }

    pub fn is_empty(&self) -> bool {
        self.end.is_empty()
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let ends = self.end.as_slice();
        let start = i.checked_sub(1).and_then(|j| ends.get(j)).map_or(0, |&e| e as usize);
        let end = ends.get(i).map_or(start, |&e| e as usize);
        self.text.as_slice().get(start..end).unwrap_or(&[])
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).map(move |i| self.get(i))
    }
}

/// The addresses of an entry or of a DNS answer: the first `MAX_ADDRS`
/// inline, the rest (a TCP reply may hold thousands) on the heap.
pub type Addrs = Grow<Addr, MAX_ADDRS>;

const NO_ADDRS: Addrs = Grow::new(Addr::V4([0; 4]));

impl Default for Addrs {
    fn default() -> Self {
        NO_ADDRS
    }
}

/// A host entry: what gethostbyname returns, and what getaddrinfo uses.
#[derive(Clone)]
pub struct Host {
    /// The canonical name (`h_name`).
    pub name: Name,
    aliases: NameList,
    addrs: Addrs,
}

impl Default for Host {
    fn default() -> Self {
        Host::new()
    }
}

impl Host {
    pub(crate) const fn new() -> Self {
        Host {
            name: Name::new(),
            aliases: NameList::new(),
            addrs: NO_ADDRS,
        }
    }

    pub fn addrs(&self) -> &[Addr] {
        self.addrs.as_slice()
    }

    /// Appends an address (dropped only when memory runs out).
    pub fn push_addr(&mut self, a: Addr) {
        self.addrs.push(a);
    }

    /// Appends an alias.
    pub fn push_alias(&mut self, s: &[u8]) {
        self.aliases.push(s);
    }

    pub fn alias_count(&self) -> usize {
        self.aliases.len()
    }

    pub fn alias(&self, i: usize) -> &[u8] {
        self.aliases.get(i)
    }

    pub fn aliases(&self) -> impl Iterator<Item = &[u8]> {
        self.aliases.iter()
    }
}
