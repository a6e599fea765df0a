//! `<sockshim.h>`'s own additions to the C API.

use core::ffi::c_char;

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library version ("0.1.0"), a static NUL-terminated string.
#[no_mangle]
pub extern "C" fn sockshim_version() -> *const c_char {
    VERSION.as_ptr().cast()
}
