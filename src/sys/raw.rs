//! Raw `syscall` instructions for Linux x86_64.
//!
//! The kernel clobbers `rcx` and `r11`; arguments go in `rdi rsi rdx r10 r8 r9`
//! and the result comes back in `rax`.

use core::arch::asm;

pub use libc::{
    SYS_accept, SYS_accept4, SYS_bind, SYS_close, SYS_connect, SYS_epoll_create, SYS_epoll_create1, SYS_epoll_ctl,
    SYS_epoll_pwait, SYS_epoll_wait, SYS_getpeername, SYS_getsockname, SYS_getsockopt, SYS_listen, SYS_poll, SYS_ppoll,
    SYS_pselect6, SYS_read, SYS_readv, SYS_recvfrom, SYS_recvmmsg, SYS_recvmsg, SYS_sendmmsg, SYS_sendmsg, SYS_sendto,
    SYS_setsockopt, SYS_shutdown, SYS_socket, SYS_socketpair, SYS_write, SYS_writev,
};

/// Performs syscall `n` with up to six arguments.
///
/// # Safety
/// The arguments must be valid for syscall `n`: pointers the kernel writes
/// through must point at memory the caller owns (the kernel itself answers
/// `EFAULT` for unmapped ones, but cannot know about Rust aliasing).
#[inline(always)]
pub unsafe fn syscall6(n: i64, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, a6: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller guarantees the arguments suit syscall `n`; the asm
    // declares every register the kernel reads, writes or clobbers, and the
    // `syscall` instruction does not touch the stack.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") n as isize => ret,
            in("rdi") a1,
            in("rsi") a2,
            in("rdx") a3,
            in("r10") a4,
            in("r8") a5,
            in("r9") a6,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// `syscall6` with fewer arguments; the unused registers are passed as 0.
#[inline(always)]
pub unsafe fn syscall3(n: i64, a1: usize, a2: usize, a3: usize) -> isize {
    // SAFETY: forwarded contract of `syscall6`; the kernel ignores unused registers.
    unsafe { syscall6(n, a1, a2, a3, 0, 0, 0) }
}
