//! The exported C skin: one module per C header, each holding that header's
//! types, constants and functions with glibc's layout and signatures.

pub mod arpa_inet;
/// The capture of the program's memory for a traced call's event.
pub(crate) mod capture;
pub mod fcntl;
/// `short=` for the scatter/gather calls (fault injection).
pub(crate) mod inject;
pub mod netdb;
pub mod netinet_in;
pub mod netinet_tcp;
pub mod poll;
pub mod sockshim;
/// glibc's malloc as Rust's global allocator (no_std builds only).
#[cfg(all(not(test), panic = "abort"))]
mod stdlib;
pub mod sys_epoll;
pub mod sys_prctl;
pub mod sys_resource;
pub mod sys_select;
pub mod sys_socket;
pub mod sys_uio;
pub mod sys_un;
pub mod unistd;

/// The tracing skin: the `call!` wrapper every exported function goes through.
pub(crate) mod trace;

pub(crate) mod errno;

/// `ssize_t` (declared by <sys/types.h>, which the header includes).
pub type ssize_t = isize;
