//! Call tracing for preloaded programs: strace-style text, JSON lines and a
//! binary recording of every socket call of an unchanged program.
//!
//! - [`config`]: the `SOCKSHIM_*` environment contract.
//! - [`func`]: the table of traced functions (every per-function fact).
//! - [`event`]: one call as plain data, [`aux`] its function-specific
//!   bytes (one type per shape), [`netdb`] the name-resolution events';
//!   [`decode`] says what its arguments mean, once for every format,
//!   through [`sink`]; [`text`] and [`json`] print it.
//! - [`record`]: the recording's format, and its reader.
//! - [`fdtable`]: which descriptors are sockets.
//! - [`inject`]: fault injection (`SOCKSHIM_INJECT`): the rules and their counts.
//! - [`desccache`], [`diag`]: what `-yy` shows of a socket, as strace
//!   finds it (the kernel's socket diagnostics) and caches it.
//! - [`runtime`]: the live tracer's state and the emission of one call;
//!   [`emit`] adds what `-yy` and the recording learn around it.
//! - Its destinations: [`live`] (text/JSON lines), [`recfile`] (the
//!   recording's file); [`dest`] holds what they share (the open rule,
//!   `RLIMIT_FSIZE`, sandboxes, the one-line notices).
//!
//! Everything here is safe Rust; the capture of the program's memory and
//! the call wrappers live in the C skin (`header::capture`,
//! `header::trace`).
#![forbid(unsafe_code)]

pub mod aux;
pub mod config;
pub mod decode;
pub mod desccache;
pub mod dest;
pub mod diag;
pub mod emit;
pub mod event;
pub mod fdtable;
pub mod func;
pub mod inject;
pub mod json;
pub mod live;
pub mod names;
pub mod netdb;
pub mod out;
pub mod recfile;
pub mod record;
pub mod runtime;
pub mod sink;
pub mod sockaddr;
#[cfg(test)]
mod table_tests;
pub mod text;

pub use config::Config;
pub use decode::Descs;
pub use event::{Event, FdDesc};
pub use func::{Func, FuncSet};
pub use json::format_json;
pub use out::Out;
pub use record::{read_header, records, FdNotes, Header, Reader, Record, RecordError};
pub use text::{format_line, TextOptions, TimeFormat};
