//! Clocks (`clock_gettime`), for the resolver's timeouts.

use super::raw::syscall6;
use super::{check, Result};

/// A `struct timespec` value: seconds and nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Timespec {
    pub sec: i64,
    pub nsec: i64,
}

impl Timespec {
    /// Milliseconds since the clock's epoch (saturating).
    pub fn as_millis(&self) -> i64 {
        self.sec.saturating_mul(1000).saturating_add(self.nsec / 1_000_000)
    }
}

/// `clock_gettime(clock, &ts)` through the syscall (not the vDSO: one code
/// path, and the resolver reads the clock a few times per query only).
pub fn clock_gettime(clock: i32) -> Result<Timespec> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a writable `struct timespec` the kernel fills in.
    check(unsafe {
        syscall6(
            libc::SYS_clock_gettime,
            clock as usize,
            &mut ts as *mut libc::timespec as usize,
            0,
            0,
            0,
            0,
        )
    })?;
    Ok(Timespec {
        sec: ts.tv_sec,
        nsec: ts.tv_nsec,
    })
}

/// `CLOCK_MONOTONIC` in milliseconds. The clock always exists on Linux;
/// should the call fail anyway, 0 is returned (timeouts then count from 0).
pub fn monotonic_millis() -> i64 {
    clock_gettime(libc::CLOCK_MONOTONIC).map_or(0, |t| t.as_millis())
}
