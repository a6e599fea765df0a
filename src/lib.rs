//! sockshim: the BSD socket API implemented in Rust, shipped as a C library
//! with glibc's exact ABI on Linux x86_64.
//!
//! - [`sys`] is the one boundary to the kernel (raw syscalls, typed results).
//! - [`header`] is the exported C skin, one module per C header.
//! - [`inet`] is the safe core for address text.
//! - [`resolve`] is the safe core of name resolution (files, DNS, sorting).
//! - [`trace`] is call tracing for preloaded programs.
//!
//! The library never calls glibc's socket or I/O functions: once linked or
//! preloaded those names are our own exports. It is `no_std` so that nothing
//! hidden in std can reach them either.
// The shipped C library (feature "ffi", panic = "abort") is no_std. `cargo
// test` builds the crate with panic = "unwind" and std, for the test harness;
// without "ffi" (fuzz targets, the sockshim-trace command) it is the safe
// core only, an ordinary std library.
#![cfg_attr(all(feature = "ffi", not(test), panic = "abort"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
// Every unsafe block says why it is sound, right above it.
#![deny(clippy::undocumented_unsafe_blocks)]
// Much of the core exists for the C skin; without "ffi" it is unused.
#![cfg_attr(not(feature = "ffi"), allow(dead_code))]
#![allow(non_camel_case_types, non_upper_case_globals)]
// The C contract of each exported function is its glibc man page.
#![allow(clippy::missing_safety_doc)]

// The resolver's lists that outgrow their inline room (glibc's malloc in
// the C library: `header::stdlib`).
extern crate alloc;

#[cfg(feature = "ffi")]
pub mod header;
pub mod inet;
pub mod resolve;
pub mod sys;
pub mod trace;

#[cfg(feature = "ffi")]
mod layout_check;

/// The ELF constructor (`.init_array`): reads the configuration when the
/// library is loaded and starts tracing if asked.
#[cfg(feature = "ffi")]
mod init;

/// Panics never cross the C boundary: the profiles set `panic = "abort"`,
/// and a panic (a bug of ours) stops the process at once.
#[cfg(all(feature = "ffi", not(test), panic = "abort"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        fn abort() -> !;
    }
    // SAFETY: glibc's abort takes no arguments and never returns.
    unsafe { abort() }
}
