//! Random bytes from the kernel (`getrandom`), for DNS query IDs.

use super::raw::syscall6;
use super::{check, Result};

/// `getrandom(buf, len, flags)`: fills up to `buf.len()` bytes. Not a
/// cancellation point here (glibc's resolver draws its query IDs without
/// one), and with `GRND_NONBLOCK` it never blocks.
pub fn getrandom(buf: &mut [u8], flags: u32) -> Result<usize> {
    // SAFETY: `buf` is a writable slice of `buf.len()` bytes.
    check(unsafe {
        syscall6(
            libc::SYS_getrandom,
            buf.as_mut_ptr() as usize,
            buf.len(),
            flags as usize,
            0,
            0,
            0,
        )
    })
}

/// Fills all of `buf` without blocking: retries on EINTR and short reads.
/// Fails with `EAGAIN` only while the kernel's pool is not yet initialised
/// (early boot); callers then use a weaker source of their own.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    let mut n = 0;
    while let Some(rest) = buf.get_mut(n..).filter(|r| !r.is_empty()) {
        match getrandom(rest, libc::GRND_NONBLOCK) {
            Ok(k) => n += k,
            Err(e) if e.0 == libc::EINTR => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
