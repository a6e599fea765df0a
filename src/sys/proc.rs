//! The calling process and thread: ids, the tracer's per-thread flag, and a
//! fault-proof read of the process's own memory.

use super::raw::syscall6;
use super::{check, Result};

extern "C" {
    // src/trace/tls.c: initial-exec thread-locals (no allocation, no lock).
    fn sockshim_trace_enter() -> i32;
    fn sockshim_trace_leave();
    fn sockshim_trace_tid() -> i32;
    fn sockshim_trace_set_tid(tid: i32);
}

/// `getpid()` (a raw syscall: glibc 2.36 caches nothing either).
pub fn getpid() -> i32 {
    // SAFETY: no arguments; getpid cannot fail.
    unsafe { syscall6(libc::SYS_getpid, 0, 0, 0, 0, 0, 0) as i32 }
}

/// `gettid()` of the calling thread.
pub fn gettid() -> i32 {
    // SAFETY: no arguments; gettid cannot fail.
    unsafe { syscall6(libc::SYS_gettid, 0, 0, 0, 0, 0, 0) as i32 }
}

/// The calling thread's id, cached in thread-local storage after the first
/// call (`forget_tid` clears the cache in a child after fork).
pub fn cached_tid() -> i32 {
    // SAFETY: plain accessors of an initial-exec thread-local int.
    let t = unsafe { sockshim_trace_tid() };
    if t != 0 {
        return t;
    }
    let t = gettid();
    // SAFETY: a plain setter of an initial-exec thread-local int.
    unsafe { sockshim_trace_set_tid(t) };
    t
}

/// The calling thread's cached id, if it has one (no syscall).
pub fn known_tid() -> Option<i32> {
    // SAFETY: plain accessor of an initial-exec thread-local int.
    let t = unsafe { sockshim_trace_tid() };
    (t != 0).then_some(t)
}

/// Clears this thread's cached id (the child side of fork: its one thread
/// has a new id but the parent thread's thread-locals).
pub fn forget_tid() {
    // SAFETY: plain accessor of an initial-exec thread-local int.
    unsafe { sockshim_trace_set_tid(0) }
}

/// Marks the calling thread as inside the tracer; false if it already was
/// (a signal handler interrupted the tracer and made a traced call).
pub fn enter_tracer() -> bool {
    // SAFETY: plain accessor of an initial-exec thread-local int.
    unsafe { sockshim_trace_enter() != 0 }
}

/// Leaves the tracer (after a successful `enter_tracer`).
pub fn leave_tracer() {
    // SAFETY: plain accessor of an initial-exec thread-local int.
    unsafe { sockshim_trace_leave() }
}

/// Copies `buf.len()` bytes of this process's memory at address `addr` into
/// `buf` with `process_vm_readv`: an unmapped address gives `EFAULT` instead
/// of a fault. `pid` is this process's id (the caller's cached value; 0:
/// asked of the kernel). Returns the number of bytes copied (short at an
/// unmapped page).
pub fn copy_from_self(pid: i32, addr: usize, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `buf` is writable for its length (the kernel writes it).
    unsafe { vm_copy(libc::SYS_process_vm_readv, pid, buf.as_mut_ptr(), buf.len(), addr) }
}

/// Copies `buf` to `addr` in this process's own memory through the kernel
/// (`process_vm_writev`), so that an unmapped or read-only destination is
/// an error instead of a fault. `pid` as for `copy_from_self`. Returns the
/// number of bytes copied.
pub fn copy_to_self(pid: i32, addr: usize, buf: &[u8]) -> Result<usize> {
    // SAFETY: `buf` is readable for its length (the kernel only reads it).
    unsafe {
        vm_copy(
            libc::SYS_process_vm_writev,
            pid,
            buf.as_ptr().cast_mut(),
            buf.len(),
            addr,
        )
    }
}

/// `process_vm_readv`/`writev` (`nr`) of `len` bytes between our `local`
/// buffer and our own address `addr`.
///
/// # Safety
/// `local` is valid for `len` bytes the way `nr` uses it (written by
/// readv, read by writev); `addr` is checked by the kernel.
unsafe fn vm_copy(nr: i64, pid: i32, local: *mut u8, len: usize, addr: usize) -> Result<usize> {
    if len == 0 {
        return Ok(0);
    }
    let local = libc::iovec {
        iov_base: local.cast(),
        iov_len: len,
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: the local iovec is the caller's contract; the remote one is
    // checked by the kernel against our own mappings.
    check(unsafe {
        syscall6(
            nr,
            if pid > 0 { pid } else { getpid() } as usize,
            &local as *const libc::iovec as usize,
            1,
            &remote as *const libc::iovec as usize,
            1,
            0,
        )
    })
}

/// Most bytes between the stack pointer and the top of the stack for which
/// `read_own_stack` trusts that the stack is one mapping.
const STACK_SPAN: usize = 8 << 20;

extern "C" {
    // The top of the main thread's stack (ld.so; static glibc defines it too).
    static __libc_stack_end: *const core::ffi::c_void;
}

/// Copies `buf.len()` bytes at `addr` when they lie on the calling thread's
/// stack between the stack pointer and the top of the stack, which is
/// mapped memory: a local variable of one of the callers. No system call.
/// The top is the thread pointer for threads glibc made (their TCB sits at
/// the top of their stack mapping) and `__libc_stack_end` for the main
/// thread; a stack pointer more than `STACK_SPAN` below it (an alternate
/// signal stack elsewhere) trusts nothing. False when not copied.
pub fn read_own_stack(addr: usize, buf: &mut [u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        let sp: usize;
        let tp: usize;
        // SAFETY: reads the stack pointer, and the thread pointer's
        // self-pointer at %fs:0 (x86_64 TLS ABI: always mapped).
        unsafe {
            core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags));
            core::arch::asm!("mov {}, qword ptr fs:[0]", out(reg) tp, options(nostack, readonly, preserves_flags));
        }
        // SAFETY: a plain read of ld.so's variable, set before any code runs.
        let main_top = unsafe { core::ptr::read_volatile(&raw const __libc_stack_end) } as usize;
        let top = if tp > sp { tp } else { main_top };
        let end = match addr.checked_add(buf.len()) {
            Some(e) => e,
            None => return false,
        };
        if addr < sp || end > top || top - sp > STACK_SPAN {
            return false;
        }
        // SAFETY: `[addr, end)` lies within `[sp, top)`, the mapped part of
        // this thread's stack (and, for threads, its TLS block below the TCB).
        unsafe { core::ptr::copy_nonoverlapping(addr as *const u8, buf.as_mut_ptr(), buf.len()) };
        true
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (addr, buf);
        false
    }
}

/// `prlimit64(0, resource, NULL, &old)`: the process's limit (soft, hard).
pub fn rlimit(resource: i32) -> Result<(u64, u64)> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a writable `struct rlimit`; no new limit is passed.
    check(unsafe {
        syscall6(
            libc::SYS_prlimit64,
            0,
            resource as usize,
            0,
            &mut lim as *mut libc::rlimit as usize,
            0,
            0,
        )
    })?;
    Ok((lim.rlim_cur, lim.rlim_max))
}

/// `prlimit64(pid, resource, new, old)` with the caller's pointers (the
/// kernel checks them): glibc's `setrlimit`, `prlimit` and friends.
///
/// # Safety
/// `new` is NULL or readable as a `struct rlimit`, `old` NULL or writable
/// as one (or invalid, and the kernel answers EFAULT).
pub unsafe fn prlimit(pid: i32, resource: i32, new: *const libc::rlimit, old: *mut libc::rlimit) -> Result<i32> {
    // SAFETY: forwarded contract.
    check(unsafe {
        syscall6(
            libc::SYS_prlimit64,
            pid as usize,
            resource as usize,
            new as usize,
            old as usize,
            0,
            0,
        )
    })
    .map(|v| v as i32)
}

/// The soft `RLIMIT_NOFILE`: one more than the highest descriptor number
/// the process may open.
pub fn nofile_limit() -> Result<u64> {
    rlimit(libc::RLIMIT_NOFILE as i32).map(|(soft, _)| soft)
}

/// `geteuid()`.
pub fn geteuid() -> u32 {
    // SAFETY: no arguments; geteuid cannot fail.
    unsafe { syscall6(libc::SYS_geteuid, 0, 0, 0, 0, 0, 0) as u32 }
}

/// `prctl(option, a2, a3, a4, a5)` with the caller's arguments (the kernel
/// checks any pointer among them).
///
/// # Safety
/// The arguments are valid for `option` as prctl(2) documents.
pub unsafe fn prctl(option: i32, a2: usize, a3: usize, a4: usize, a5: usize) -> Result<i32> {
    // SAFETY: forwarded contract.
    check(unsafe { syscall6(libc::SYS_prctl, option as usize, a2, a3, a4, a5, 0) }).map(|v| v as i32)
}

extern "C" {
    // Public since glibc 2.32 (<sys/single_threaded.h>).
    static __libc_single_threaded: core::ffi::c_char;
}

/// True until the process creates its first thread (glibc's own flag).
pub fn single_threaded() -> bool {
    // SAFETY: a byte read of a glibc variable that only changes from 1 to 0.
    unsafe { core::ptr::read_volatile(&raw const __libc_single_threaded) != 0 }
}
