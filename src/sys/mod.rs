//! The one boundary to the kernel.
//!
//! Every kernel call sockshim makes goes through this module: a raw `syscall`
//! instruction (never glibc's wrappers, which are our own exports once we are
//! linked or preloaded) and a typed result. Code above this layer never sees
//! `-1` or a raw negative return.

mod cancel;
mod raw;

pub mod clock;
pub mod dns_io;
pub mod env;
pub mod fd;
pub mod fs;
pub mod io;
pub mod mem;
pub mod poll;
pub mod proc;
pub mod random;
pub mod route;
pub mod signal;
pub mod socket;

pub use cancel::cancellable;

/// A kernel error number (`EBADF`, `EFAULT`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

/// What every call of this layer returns.
pub type Result<T> = core::result::Result<T, Errno>;

/// Turns the kernel's raw return into a typed result: values in
/// `-4095..=-1` are errors, as the x86_64 syscall ABI defines.
#[inline(always)]
fn check(ret: isize) -> Result<usize> {
    if (-4095..0).contains(&ret) {
        Err(Errno(-ret as i32))
    } else {
        Ok(ret as usize)
    }
}

/// `check` for calls whose success value is an `int` (a descriptor, 0, a count).
#[inline(always)]
fn check_int(ret: isize) -> Result<i32> {
    check(ret).map(|v| v as i32)
}
