//! One traced call as plain data: what the live path captures and what a
//! recording decodes into. Nothing here is a pointer into the traced
//! program: addresses are numbers, memory contents are byte slices copied
//! (or borrowed from a recording).

use super::func::Func;

/// Most bytes of a socket address kept (`sizeof(struct sockaddr_storage)`).
pub(crate) const ADDR_MAX: usize = 128;
/// Most bytes of function-specific detail (`Event::aux`).
pub(crate) const AUX_MAX: usize = 1024;

/// One call.
///
/// `args` are the C arguments as integers (pointers as addresses), in the
/// order of the C signature. The byte fields hold what the tracer read
/// from the program's memory after the kernel had accepted it:
///
/// - `addr`: the socket address argument (`bind connect sendto`: the one
///   passed; `accept accept4 getsockname getpeername recvfrom recvmsg`: the
///   one returned), at most `ADDR_MAX` bytes; empty when there is none or
///   it could not be read (then the pointer in `args` is printed).
/// - `len_in`/`len_out`: value-result lengths (`*addrlen`, `*optlen`)
///   before and after the call; `u32::MAX` when unknown.
/// - `data`: the first bytes of the payload (sent, or received: only what
///   the call reports transferred); `data_total` its full length.
/// - `aux`: detail whose layout depends on `func` (see `trace::aux`).
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    pub func: Func,
    pub pid: u32,
    pub tid: u32,
    /// Nanoseconds since the Unix epoch when the call started.
    pub time_ns: u64,
    /// How long the call took (nanoseconds).
    pub dur_ns: u64,
    /// The C return value (`-1` on failure for most functions).
    pub ret: i64,
    /// errno after a failure, 0 after success.
    pub errno: i32,
    pub args: [u64; 6],
    pub len_in: u32,
    pub len_out: u32,
    pub addr: &'a [u8],
    pub data: &'a [u8],
    pub data_total: u64,
    pub aux: &'a [u8],
    /// The result is an injected fault's (`SOCKSHIM_INJECT`: `error=`,
    /// `retval=`, or a transfer cut by `short=`), not the call's own.
    pub injected: bool,
    /// An injected delay held the call back (`delay_enter=`, `delay_exit=`,
    /// a `rate=` pause): strace's `(DELAYED)`.
    pub delayed: bool,
}

impl<'a> Event<'a> {
    /// An event of `func` with everything else empty.
    pub fn new(func: Func) -> Event<'a> {
        Event {
            func,
            pid: 0,
            tid: 0,
            time_ns: 0,
            dur_ns: 0,
            ret: 0,
            errno: 0,
            args: [0; 6],
            len_in: u32::MAX,
            len_out: u32::MAX,
            addr: &[],
            data: &[],
            data_total: 0,
            aux: &[],
            injected: false,
            delayed: false,
        }
    }

    /// Argument `i` as a C `int`.
    pub fn int(&self, i: usize) -> i32 {
        self.args.get(i).copied().unwrap_or(0) as i32
    }

    pub fn arg(&self, i: usize) -> u64 {
        self.args.get(i).copied().unwrap_or(0)
    }

    pub fn failed(&self) -> bool {
        self.errno != 0
    }
}

/// What a descriptor is, for strace's `-yy` annotation and the recording's
/// endpoint records: socket domain/type/protocol, inode, and what strace
/// would show of it: for TCP/UDP the local and remote addresses (empty
/// when the kernel's socket tables do not list the socket: strace then
/// shows the inode), for Unix sockets the socket's own name (`local`) and
/// its peer's inode (`peer_inode`, 0 when none).
#[derive(Clone, Copy, Debug)]
pub struct FdDesc {
    pub domain: i32,
    pub ty: i32,
    pub protocol: i32,
    pub inode: u64,
    pub local: [u8; ADDR_MAX],
    pub local_len: u16,
    pub peer: [u8; ADDR_MAX],
    pub peer_len: u16,
    pub peer_inode: u64,
}

impl FdDesc {
    pub fn new(domain: i32, ty: i32, protocol: i32, inode: u64) -> FdDesc {
        FdDesc {
            domain,
            ty,
            protocol,
            inode,
            local: [0; ADDR_MAX],
            local_len: 0,
            peer: [0; ADDR_MAX],
            peer_len: 0,
            peer_inode: 0,
        }
    }

    pub fn local(&self) -> &[u8] {
        self.local.get(..usize::from(self.local_len)).unwrap_or(&[])
    }

    pub fn peer(&self) -> &[u8] {
        self.peer.get(..usize::from(self.peer_len)).unwrap_or(&[])
    }

    pub fn set_local(&mut self, a: &[u8]) {
        let n = a.len().min(ADDR_MAX);
        self.local[..n].copy_from_slice(&a[..n]);
        self.local_len = n as u16;
    }

    pub fn set_peer(&mut self, a: &[u8]) {
        let n = a.len().min(ADDR_MAX);
        self.peer[..n].copy_from_slice(&a[..n]);
        self.peer_len = n as u16;
    }
}

/// Builds `Event::aux` in a fixed buffer: little-endian integers and byte
/// runs, read back with `AuxReader`. The layout of each function's aux,
/// and the one encoder and decoder of each shape, are in `trace::aux`.
pub struct AuxWriter<'b> {
    out: &'b mut dyn AuxBuf,
}

/// Where an `AuxWriter` appends: a fixed buffer that keeps what fits (the
/// live tracer's is uninitialised stack memory, filled as it goes).
pub trait AuxBuf {
    /// Appends what fits of `b`.
    fn append(&mut self, b: &[u8]);
    /// Bytes held.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An `AuxBuf` in a plain byte array.
pub struct AuxArray<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Default for AuxArray<N> {
    fn default() -> Self {
        AuxArray { bytes: [0; N], len: 0 }
    }
}

impl<const N: usize> AuxArray<N> {
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl<const N: usize> AuxBuf for AuxArray<N> {
    fn append(&mut self, b: &[u8]) {
        let n = b.len().min(N - self.len);
        if let (Some(d), Some(s)) = (self.bytes.get_mut(self.len..self.len + n), b.get(..n)) {
            d.copy_from_slice(s);
            self.len += n;
        }
    }
    fn len(&self) -> usize {
        self.len
    }
}

impl<'b> AuxWriter<'b> {
    pub fn new(out: &'b mut dyn AuxBuf) -> AuxWriter<'b> {
        AuxWriter { out }
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.out.append(b);
    }

    pub fn u8(&mut self, v: u8) {
        self.bytes(&[v]);
    }
    pub fn u16(&mut self, v: u16) {
        self.bytes(&v.to_le_bytes());
    }
    pub fn i16(&mut self, v: i16) {
        self.bytes(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.bytes(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.bytes(&v.to_le_bytes());
    }

    /// Bytes in the buffer so far (what earlier writers put there too).
    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }
}

/// Reads `Event::aux` back; past the end every read gives zeros/empty.
pub struct AuxReader<'a> {
    b: &'a [u8],
}

impl<'a> AuxReader<'a> {
    pub fn new(b: &'a [u8]) -> AuxReader<'a> {
        AuxReader { b }
    }

    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.b.len());
        let (h, t) = self.b.split_at(n);
        self.b = t;
        h
    }

    fn arr<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0u8; N];
        let s = self.bytes(N);
        a[..s.len()].copy_from_slice(s);
        a
    }

    pub fn u8(&mut self) -> u8 {
        self.arr::<1>()[0]
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.arr())
    }
    pub fn i16(&mut self) -> i16 {
        i16::from_le_bytes(self.arr())
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.arr())
    }
    pub fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.arr())
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.arr())
    }
    pub fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.arr())
    }

    pub fn rest(&self) -> &'a [u8] {
        self.b
    }

    pub fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
}
