//! DNS: /etc/resolv.conf, the wire format, and the client.
//!
//! - `conf`: resolv.conf, `LOCALDOMAIN` and `RES_OPTIONS`, as glibc reads them;
//! - `name`: domain names, text and wire form, and decompression;
//! - `wire`: building a query and walking a reply, every bound checked;
//! - `answer`: the answer section as glibc reads it (CNAME chains);
//! - `transport`: one exchange with one server over UDP or TCP;
//! - `client`: the resolver (servers, attempts, search list, errors).
//!
//! `conf::parse`, `name`, `wire` and `answer` are pure functions of their
//! input (no syscalls), for unit tests and fuzz targets.

pub mod answer;
pub mod client;
pub mod conf;
pub mod name;
pub mod transport;
pub mod wire;

pub use client::{lookup_addrs, lookup_ptr, AddrAnswers};
pub use conf::ResolvConf;
