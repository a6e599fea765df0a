//! The output side of decoding: `decode.rs` (and `netdb.rs`) say what
//! each argument is through this trait; `text.rs` and `json.rs` implement
//! it, each in its own syntax.

use super::event::FdDesc;
use super::names::Names;

/// An output format. `arg` starts a top-level argument, `field` a struct
/// member, `elem` an array element; the values follow.
pub(crate) trait Sink {
    fn arg(&mut self, name: &str);
    fn field(&mut self, name: &str);
    fn elem(&mut self);
    fn open_obj(&mut self);
    fn close_obj(&mut self);
    fn open_arr(&mut self);
    fn close_arr(&mut self);
    fn int(&mut self, v: i64);
    fn hex(&mut self, v: u64);
    fn null(&mut self);
    /// An address argument the tracer could not or need not decode.
    fn ptr(&mut self, v: u64) {
        if v == 0 {
            self.null()
        } else {
            self.hex(v)
        }
    }
    fn sym(&mut self, t: Names, v: i64);
    fn flags(&mut self, t: Names, v: u64);
    fn sock_type(&mut self, v: i64);
    fn open_flags(&mut self, v: u64);
    /// A payload: `b` is its captured prefix, `total` its full length.
    fn bytes(&mut self, b: &[u8], total: u64);
    fn sockaddr(&mut self, a: &[u8]);
    fn fd(&mut self, fd: i64, desc: Option<&FdDesc>);
    /// A value-result length (`[128 => 16]`).
    fn len_pair(&mut self, before: u32, after: u32);
    /// A `struct timespec`/`timeval` (`usec`: the second field is
    /// microseconds).
    fn time(&mut self, sec: i64, sub: i64, usec: bool) {
        self.open_obj();
        self.field("tv_sec");
        self.int(sec);
        self.field(if usec { "tv_usec" } else { "tv_nsec" });
        self.int(sub);
        self.close_obj();
    }
    /// A member of a compact struct: named in JSON, by position in text
    /// (`{AF_INET, SOCK_STREAM, IPPROTO_TCP, "127.0.0.1:80"}`).
    fn member(&mut self, name: &str) {
        self.field(name)
    }
    /// An IP endpoint: text `"[::1]:80"`, JSON the address object.
    fn endpoint(&mut self, a: &[u8]) {
        self.sockaddr(a)
    }
    /// A short string shown whole whatever `-s` says (an IP address).
    fn whole(&mut self, b: &[u8]);
    /// A port kept in network byte order (`s_port`), given in host order:
    /// text `htons(80)`, JSON the number.
    fn port(&mut self, p: u16) {
        self.int(p.into())
    }
    /// Text only (an abbreviation such as `...`); JSON ignores it.
    fn ellipsis(&mut self) {}
    /// A labelled part of a result (`in [3]` in text, a key in JSON),
    /// inside `open_result`/`close_result`.
    fn label(&mut self, name: &str) {
        self.field(name)
    }
    fn open_result(&mut self) {
        self.open_obj()
    }
    fn close_result(&mut self) {
        self.close_obj()
    }
}
