//! A host entry in fixed buffers: its name, aliases and addresses, what
//! gethostbyname returns and getaddrinfo uses. Beyond the limits of
//! `crate::resolve` (`MAX_NAME`, `MAX_ALIASES`, `ALIAS_BYTES`, `MAX_ADDRS`)
//! names and addresses are dropped, never an error.

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

/// A list of names in one fixed buffer (a host's aliases, the names of a
/// DNS answer); beyond `MAX_ALIASES` names or `ALIAS_BYTES` bytes, names
/// are dropped.
#[derive(Clone, Copy)]
pub struct NameList {
    buf: [u8; ALIAS_BYTES],
    end: [u16; MAX_ALIASES],
    count: usize,
}

impl Default for NameList {
    fn default() -> Self {
        NameList::new()
    }
}

impl NameList {
    pub(crate) const fn new() -> Self {
        NameList {
            buf: [0; ALIAS_BYTES],
            end: [0; MAX_ALIASES],
            count: 0,
        }
    }

    /// Appends a name, unless the list is full.
    pub fn push(&mut self, s: &[u8]) {
        let start = self.text_len();
        let end = start + s.len();
        if self.count < MAX_ALIASES && end <= ALIAS_BYTES {
            self.buf[start..end].copy_from_slice(s);
            self.end[self.count] = end as u16;
            self.count += 1;
        }
    }

    fn text_len(&self) -> usize {
        match self.count {
            0 => 0,
            n => usize::from(self.end[n - 1]),
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.end.get(i - 1).map_or(0, |&e| usize::from(e))
        };
        let end = self.end.get(i).map_or(start, |&e| usize::from(e));
        self.buf.get(start..end).unwrap_or(&[])
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.count).map(move |i| self.get(i))
    }
}

/// A host entry: what gethostbyname returns, and what getaddrinfo uses.
#[derive(Clone, Copy)]
pub struct Host {
    /// The canonical name (`h_name`).
    pub name: Name,
    aliases: NameList,
    addrs: [Addr; MAX_ADDRS],
    addr_count: usize,
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
            addrs: [Addr::V4([0; 4]); MAX_ADDRS],
            addr_count: 0,
        }
    }

    pub fn addrs(&self) -> &[Addr] {
        &self.addrs[..self.addr_count]
    }

    /// Appends an address; beyond `MAX_ADDRS` addresses are dropped.
    pub fn push_addr(&mut self, a: Addr) {
        if let Some(slot) = self.addrs.get_mut(self.addr_count) {
            *slot = a;
            self.addr_count += 1;
        }
    }

    /// Appends an alias; beyond the limits aliases are dropped.
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
