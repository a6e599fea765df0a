//! Clocks: the tracer's timestamps and durations, the resolver's timeouts.
//! Read through glibc's `clock_gettime`: it answers from the vDSO without a
//! syscall, which the recording mode needs (no syscall per traced call). It
//! does no I/O, takes no lock and is async-signal-safe.

extern "C" {
    fn clock_gettime(clock: libc::clockid_t, ts: *mut libc::timespec) -> libc::c_int;
}

fn read(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a writable timespec; the clock ids used exist on Linux.
    // glibc sets errno only on failure, which cannot happen for them.
    let r = unsafe { clock_gettime(clock, &mut ts) };
    if r != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec as u64)
}

/// Nanoseconds since the Unix epoch (`CLOCK_REALTIME`).
pub fn realtime_ns() -> u64 {
    read(libc::CLOCK_REALTIME)
}

/// Nanoseconds of `CLOCK_MONOTONIC`, for durations.
pub fn monotonic_ns() -> u64 {
    read(libc::CLOCK_MONOTONIC)
}

/// `CLOCK_MONOTONIC` in milliseconds, for timeouts.
pub fn monotonic_millis() -> i64 {
    (monotonic_ns() / 1_000_000) as i64
}

/// Sleeps for `ms` milliseconds (`clock_nanosleep`, not a cancellation
/// point; an interruption ends the sleep early).
pub fn sleep_ms(ms: u64) {
    let ts = libc::timespec {
        tv_sec: (ms / 1000) as i64,
        tv_nsec: ((ms % 1000) * 1_000_000) as i64,
    };
    // SAFETY: a valid relative timespec; no remainder wanted.
    let _ = unsafe {
        super::raw::syscall6(
            libc::SYS_clock_nanosleep,
            libc::CLOCK_MONOTONIC as usize,
            0,
            &ts as *const libc::timespec as usize,
            0,
            0,
            0,
        )
    };
}

/// Sleeps `ns` nanoseconds of `CLOCK_MONOTONIC`, to the end: a signal
/// handler that interrupts the sleep runs, then the sleep goes on to the
/// same deadline (an injected delay is one slow call, as the program sees
/// it). Not a cancellation point. 0 returns at once, with no syscall.
pub fn sleep_ns_fully(ns: u64) {
    if ns == 0 {
        return;
    }
    let deadline = monotonic_ns().saturating_add(ns);
    let ts = libc::timespec {
        tv_sec: (deadline / 1_000_000_000) as i64,
        tv_nsec: (deadline % 1_000_000_000) as i64,
    };
    loop {
        // SAFETY: a valid absolute timespec; no remainder with TIMER_ABSTIME.
        let r = unsafe {
            super::raw::syscall6(
                libc::SYS_clock_nanosleep,
                libc::CLOCK_MONOTONIC as usize,
                libc::TIMER_ABSTIME as usize,
                &ts as *const libc::timespec as usize,
                0,
                0,
                0,
            )
        };
        if r != -(libc::EINTR as isize) {
            return;
        }
    }
}
