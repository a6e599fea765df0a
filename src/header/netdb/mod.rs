//! `<netdb.h>`: name and service resolution.
//!
//! The resolution itself is the safe core, `crate::resolve`; these modules
//! only turn C pointers into slices, lay results out in C memory, and map
//! errors to glibc's codes.
//!
//! - `getaddrinfo`: getaddrinfo, freeaddrinfo (one malloc block per list);
//! - `getnameinfo`: getnameinfo;
//! - `gethostby`: gethostbyname/2/addr and their `_r` forms;
//! - `statics`: the non-_r functions' static results, one per function;
//! - `strings`: gai_strerror, hstrerror, herror.

use core::ffi::{c_char, c_int};

use super::sys_socket::{sockaddr, socklen_t};
use crate::resolve::sources::Caller;
use crate::resolve::system::SystemSources;

mod events;
mod getaddrinfo;
pub(crate) mod gethostby;
mod getnameinfo;
mod statics;
mod strings;

pub mod protocols;
pub mod services;

pub use protocols::protoent;
pub use services::servent;

#[repr(C)]
pub struct addrinfo {
    pub ai_flags: c_int,
    pub ai_family: c_int,
    pub ai_socktype: c_int,
    pub ai_protocol: c_int,
    pub ai_addrlen: socklen_t,
    pub ai_addr: *mut sockaddr,
    pub ai_canonname: *mut c_char,
    pub ai_next: *mut addrinfo,
}

#[repr(C)]
pub struct hostent {
    pub h_name: *mut c_char,
    pub h_aliases: *mut *mut c_char,
    pub h_addrtype: c_int,
    pub h_length: c_int,
    pub h_addr_list: *mut *mut c_char,
}

pub const AI_PASSIVE: c_int = 0x0001;
pub const AI_CANONNAME: c_int = 0x0002;
pub const AI_NUMERICHOST: c_int = 0x0004;
pub const AI_V4MAPPED: c_int = 0x0008;
pub const AI_ALL: c_int = 0x0010;
pub const AI_ADDRCONFIG: c_int = 0x0020;
pub const AI_IDN: c_int = 0x0040;
pub const AI_CANONIDN: c_int = 0x0080;
pub const AI_NUMERICSERV: c_int = 0x0400;

pub const EAI_BADFLAGS: c_int = -1;
pub const EAI_NONAME: c_int = -2;
pub const EAI_AGAIN: c_int = -3;
pub const EAI_FAIL: c_int = -4;
pub const EAI_NODATA: c_int = -5;
pub const EAI_FAMILY: c_int = -6;
pub const EAI_SOCKTYPE: c_int = -7;
pub const EAI_SERVICE: c_int = -8;
pub const EAI_ADDRFAMILY: c_int = -9;
pub const EAI_MEMORY: c_int = -10;
pub const EAI_SYSTEM: c_int = -11;
pub const EAI_OVERFLOW: c_int = -12;
pub const EAI_INPROGRESS: c_int = -100;
pub const EAI_CANCELED: c_int = -101;
pub const EAI_NOTCANCELED: c_int = -102;
pub const EAI_ALLDONE: c_int = -103;
pub const EAI_INTR: c_int = -104;
pub const EAI_IDN_ENCODE: c_int = -105;

pub const NI_MAXHOST: c_int = 1025;
pub const NI_MAXSERV: c_int = 32;

pub const NI_NUMERICHOST: c_int = 1;
pub const NI_NUMERICSERV: c_int = 2;
pub const NI_NOFQDN: c_int = 4;
pub const NI_NAMEREQD: c_int = 8;
pub const NI_DGRAM: c_int = 16;
pub const NI_IDN: c_int = 32;

pub const NETDB_INTERNAL: c_int = -1;
pub const NETDB_SUCCESS: c_int = 0;
pub const HOST_NOT_FOUND: c_int = 1;
pub const TRY_AGAIN: c_int = 2;
pub const NO_RECOVERY: c_int = 3;
pub const NO_DATA: c_int = 4;
pub const NO_ADDRESS: c_int = NO_DATA;

pub const IPPORT_RESERVED: c_int = 1024;

extern "C" {
    /// glibc's per-thread `h_errno` (imported, never exported by us).
    fn __h_errno_location() -> *mut c_int;
    fn malloc(size: usize) -> *mut core::ffi::c_void;
    fn free(p: *mut core::ffi::c_void);
}

/// The resolver's view of this machine for one call, which began with the
/// thread's errno and h_errno as they are now.
fn system_sources() -> SystemSources {
    SystemSources::new(Caller {
        errno: crate::header::errno::errno(),
        // SAFETY: glibc returns a valid pointer to the calling thread's h_errno.
        h_errno: unsafe { *__h_errno_location() },
    })
}

/// Sets the calling thread's glibc `h_errno`.
fn set_h_errno(v: c_int) {
    // SAFETY: glibc returns a valid pointer to the calling thread's h_errno.
    unsafe { *__h_errno_location() = v }
}

/// The bytes of a C string, without its NUL (None for NULL).
///
/// # Safety
/// `s` is NULL or a NUL-terminated string that stays unchanged for `'a`.
unsafe fn c_opt<'a>(s: *const c_char) -> Option<&'a [u8]> {
    if s.is_null() {
        None
    } else {
        // SAFETY: the caller's contract.
        Some(unsafe { core::ffi::CStr::from_ptr(s) }.to_bytes())
    }
}
