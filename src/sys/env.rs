//! The process environment, through glibc's `getenv`.
//!
//! `getenv` makes no syscall, allocates nothing and takes no lock: it scans
//! `environ`. Its one caveat is glibc's own: the returned string is valid
//! until the program changes that variable (`setenv`, `putenv`, `unsetenv`,
//! `clearenv`), and reading the environment while another thread changes it
//! is a race in glibc too (glibc's resolver reads `LOCALDOMAIN` and
//! `RES_OPTIONS` the same way). Callers use the bytes at once and keep nothing.

use core::ffi::{c_char, CStr};

extern "C" {
    fn getenv(name: *const c_char) -> *const c_char;
}

/// The value of environment variable `name`, without its NUL, or `None`.
pub fn var(name: &CStr) -> Option<&'static [u8]> {
    // SAFETY: `name` is NUL-terminated; getenv only reads it.
    let p = unsafe { getenv(name.as_ptr()) };
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-NULL result points at a NUL-terminated string inside
    // `environ`; 'static is the caveat documented above.
    Some(unsafe { CStr::from_ptr(p) }.to_bytes())
}
