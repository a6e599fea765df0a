/* A program that sandboxes itself the way OpenSSH's sshd pre-authentication
 * child does (sandbox-seccomp-filter.c): it lowers RLIMIT_FSIZE (and
 * RLIMIT_NPROC) to 0, sets PR_SET_NO_NEW_PRIVS and installs a seccomp BPF
 * filter through glibc's prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)
 * that allows only the system calls this program itself makes from then on.
 * A tracer preloaded into it must neither write to a regular file (SIGXFSZ)
 * nor make any other system call (SIGSYS) in the traced calls after that.
 *
 * usage: sandbox [MODE [ROUNDS]]
 *   kill   (default) anything else kills the process: SECCOMP_RET_KILL_PROCESS
 *   errno  anything else fails with EPERM: SECCOMP_RET_ERRNO | EPERM
 *   trap   anything else raises SIGSYS (SECCOMP_RET_TRAP); the handler makes
 *          it fail with EPERM and notes its number; at exit the numbers are
 *          written to stderr, one "sandbox: trapped syscall NR (name)" line
 *          each (to find the system calls a tracer makes in the sandbox)
 *   none   the same program and limits, no filter
 * ROUNDS (default 0): that many more send/recv round trips of 100 bytes in
 * the sandbox, "after:bulk" (enough of them fill a recording's first chunk,
 * so that the recording has to grow inside the sandbox)
 *
 * Phases (stdout, a pipe: RLIMIT_FSIZE=0 would stop this program's own
 * writes to a regular file):
 *   before: socketpair, 3 round trips send/recv "before:I", one write/read
 *           "before:rw", one poll; each result printed
 *   the sandbox (setrlimit, prctl x2); "sandboxed MODE" printed
 *   after:  the same on the old pair ("after:I", "after:rw"), then a new
 *           socketpair, one round trip "after:new", both closed; ROUNDS
 *           round trips on the old pair, one line for all; then the old
 *           pair closed
 * Exit 0 if every call returned what it should, 1 if one did not (the line
 * says which), 2 for a usage or set-up error.
 *
 * The filter: the architecture must be AUDIT_ARCH_X86_64 (else the default
 * action), x32 numbers (bit 30) get the default action, then only these are
 * allowed: read write close poll sendto recvfrom socketpair rt_sigreturn
 * exit exit_group; everything else gets the default action. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

static int bad;

#define ALLOW(nr) \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* SIGSYS bookkeeping for trap mode: async-signal-safe, written by the
 * handler only */
#define MAXTRAPS 256
static volatile int traps[MAXTRAPS];
static volatile int ntraps;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    ucontext_t *uc = ctx;
    int i = ntraps;
    if (i < MAXTRAPS) {
        traps[i] = si->si_syscall;
        ntraps = i + 1;
    }
    uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
}

static const char *sysname(int nr)
{
    switch (nr) {
    case SYS_read: return "read";
    case SYS_write: return "write";
    case SYS_open: return "open";
    case SYS_close: return "close";
    case SYS_stat: return "stat";
    case SYS_fstat: return "fstat";
    case SYS_lstat: return "lstat";
    case SYS_poll: return "poll";
    case SYS_lseek: return "lseek";
    case SYS_mmap: return "mmap";
    case SYS_mprotect: return "mprotect";
    case SYS_munmap: return "munmap";
    case SYS_brk: return "brk";
    case SYS_rt_sigaction: return "rt_sigaction";
    case SYS_rt_sigprocmask: return "rt_sigprocmask";
    case SYS_ioctl: return "ioctl";
    case SYS_pread64: return "pread64";
    case SYS_pwrite64: return "pwrite64";
    case SYS_readv: return "readv";
    case SYS_writev: return "writev";
    case SYS_sched_yield: return "sched_yield";
    case SYS_mremap: return "mremap";
    case SYS_msync: return "msync";
    case SYS_madvise: return "madvise";
    case SYS_dup: return "dup";
    case SYS_dup2: return "dup2";
    case SYS_nanosleep: return "nanosleep";
    case SYS_getpid: return "getpid";
    case SYS_socket: return "socket";
    case SYS_connect: return "connect";
    case SYS_sendto: return "sendto";
    case SYS_recvfrom: return "recvfrom";
    case SYS_sendmsg: return "sendmsg";
    case SYS_recvmsg: return "recvmsg";
    case SYS_bind: return "bind";
    case SYS_getsockname: return "getsockname";
    case SYS_getpeername: return "getpeername";
    case SYS_socketpair: return "socketpair";
    case SYS_setsockopt: return "setsockopt";
    case SYS_getsockopt: return "getsockopt";
    case SYS_exit: return "exit";
    case SYS_kill: return "kill";
    case SYS_uname: return "uname";
    case SYS_fcntl: return "fcntl";
    case SYS_fsync: return "fsync";
    case SYS_fdatasync: return "fdatasync";
    case SYS_ftruncate: return "ftruncate";
    case SYS_getcwd: return "getcwd";
    case SYS_readlink: return "readlink";
    case SYS_gettimeofday: return "gettimeofday";
    case SYS_getrlimit: return "getrlimit";
    case SYS_getuid: return "getuid";
    case SYS_geteuid: return "geteuid";
    case SYS_getppid: return "getppid";
    case SYS_prctl: return "prctl";
    case SYS_setrlimit: return "setrlimit";
    case SYS_gettid: return "gettid";
    case SYS_tkill: return "tkill";
    case SYS_futex: return "futex";
    case SYS_clock_gettime: return "clock_gettime";
    case SYS_exit_group: return "exit_group";
    case SYS_tgkill: return "tgkill";
    case SYS_openat: return "openat";
    case SYS_newfstatat: return "newfstatat";
    case SYS_readlinkat: return "readlinkat";
    case SYS_ppoll: return "ppoll";
    case SYS_fallocate: return "fallocate";
    case SYS_dup3: return "dup3";
    case SYS_prlimit64: return "prlimit64";
    case SYS_getrandom: return "getrandom";
    case SYS_memfd_create: return "memfd_create";
    case SYS_statx: return "statx";
    case SYS_rseq: return "rseq";
    case SYS_close_range: return "close_range";
    case SYS_rt_sigreturn: return "rt_sigreturn";
    case SYS_sched_getaffinity: return "sched_getaffinity";
    case SYS_sigaltstack: return "sigaltstack";
    case SYS_clone: return "clone";
    case SYS_clone3: return "clone3";
    }
    return "?";
}

/* the trapped numbers to stderr, by raw write(2) system calls: a write()
 * through libc would be the preloaded tracer's to see (and trap again) */
static void report_traps(void)
{
    char line[96];
    int total = ntraps, kept = total < MAXTRAPS ? total : MAXTRAPS;
    for (int i = 0; i < kept; i++) {
        int len = snprintf(line, sizeof line, "sandbox: trapped syscall %d (%s)\n", traps[i],
                           sysname(traps[i]));
        if (len > 0 && syscall(SYS_write, 2, line, (size_t)len) < 0)
            return;
    }
    if (total > kept) {
        int len = snprintf(line, sizeof line, "sandbox: %d more not kept\n", total - kept);
        if (len > 0 && syscall(SYS_write, 2, line, (size_t)len) < 0)
            return;
    }
}

/* one send/recv round trip of TAG from a to b; prints the result */
static void round_trip(int a, int b, const char *tag)
{
    char buf[64];
    size_t n = strlen(tag);
    ssize_t s = send(a, tag, n, 0);
    int se = errno;
    ssize_t r = recv(b, buf, sizeof buf, 0);
    int re = errno;
    if (s != (ssize_t)n || r != (ssize_t)n || memcmp(buf, tag, n) != 0) {
        printf("%s: send %zd (%s) recv %zd (%s): FAILED\n", tag, s, s < 0 ? strerror(se) : "ok", r,
               r < 0 ? strerror(re) : "ok");
        bad = 1;
    } else {
        printf("%s: sent and received %zd bytes\n", tag, r);
    }
}

/* one write/read round trip (read/write on a socket are traced too) */
static void rw_trip(int a, int b, const char *tag)
{
    char buf[64];
    size_t n = strlen(tag);
    ssize_t w = write(a, tag, n);
    int we = errno;
    ssize_t r = read(b, buf, sizeof buf);
    int re = errno;
    if (w != (ssize_t)n || r != (ssize_t)n || memcmp(buf, tag, n) != 0) {
        printf("%s: write %zd (%s) read %zd (%s): FAILED\n", tag, w, w < 0 ? strerror(we) : "ok", r,
               r < 0 ? strerror(re) : "ok");
        bad = 1;
    } else {
        printf("%s: written and read %zd bytes\n", tag, r);
    }
}

/* poll for input on b after sending one byte from a (then drains it) */
static void poll_trip(int a, int b, const char *phase)
{
    struct pollfd p = {.fd = b, .events = POLLIN};
    char c = 'p';
    int rc = -1;
    if (send(a, &c, 1, 0) == 1)
        rc = poll(&p, 1, 5000);
    if (rc != 1 || !(p.revents & POLLIN) || recv(b, &c, 1, 0) != 1) {
        printf("%s:poll: %d revents %#x: FAILED\n", phase, rc, (unsigned)p.revents);
        bad = 1;
    } else {
        printf("%s:poll: readable\n", phase);
    }
}

static void phase(int a, int b, const char *name)
{
    char tag[32];
    for (int i = 0; i < 3; i++) {
        snprintf(tag, sizeof tag, "%s:%d", name, i);
        round_trip(a, b, tag);
    }
    snprintf(tag, sizeof tag, "%s:rw", name);
    rw_trip(a, b, tag);
    poll_trip(a, b, name);
}

/* ROUNDS round trips of 100 bytes, one line */
static void bulk(int a, int b, long rounds)
{
    char msg[100], buf[128];
    long okays = 0;
    memset(msg, 'b', sizeof msg);
    for (long i = 0; i < rounds; i++) {
        snprintf(msg, sizeof msg, "after:bulk:%ld", i);
        if (send(a, msg, sizeof msg, 0) == (ssize_t)sizeof msg &&
            recv(b, buf, sizeof buf, 0) == (ssize_t)sizeof msg && memcmp(buf, msg, sizeof msg) == 0)
            okays++;
    }
    if (okays != rounds) {
        printf("after:bulk: %ld of %ld round trips: FAILED\n", okays, rounds);
        bad = 1;
    } else {
        printf("after:bulk: %ld round trips\n", rounds);
    }
}

static int sandbox(const char *mode)
{
    unsigned int dflt;
    if (strcmp(mode, "kill") == 0)
        dflt = SECCOMP_RET_KILL_PROCESS;
    else if (strcmp(mode, "errno") == 0)
        dflt = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
    else if (strcmp(mode, "trap") == 0)
        dflt = SECCOMP_RET_TRAP;
    else
        dflt = SECCOMP_RET_ALLOW;

    if (dflt == SECCOMP_RET_TRAP) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigsys;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSYS, &sa, NULL) != 0) {
            perror("sandbox: sigaction(SIGSYS)");
            return -1;
        }
    }

    /* as sshd's ssh_sandbox_child: files cannot grow, no new processes */
    struct rlimit zero = {0, 0};
    if (setrlimit(RLIMIT_FSIZE, &zero) != 0) {
        perror("sandbox: setrlimit(RLIMIT_FSIZE)");
        return -1;
    }
    if (setrlimit(RLIMIT_NPROC, &zero) != 0) {
        perror("sandbox: setrlimit(RLIMIT_NPROC)");
        return -1;
    }
    if (dflt == SECCOMP_RET_ALLOW)
        return 0;

    struct sock_filter insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, dflt),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* x32 system calls (bit 30 set) are not this program's */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, dflt),
        ALLOW(__NR_read),
        ALLOW(__NR_write),
        ALLOW(__NR_close),
        ALLOW(__NR_poll),
        ALLOW(__NR_sendto),
        ALLOW(__NR_recvfrom),
        ALLOW(__NR_socketpair),
        ALLOW(__NR_rt_sigreturn),
        ALLOW(__NR_exit),
        ALLOW(__NR_exit_group),
        BPF_STMT(BPF_RET | BPF_K, dflt),
    };
    struct sock_fprog prog = {
        .len = (unsigned short)(sizeof insns / sizeof insns[0]),
        .filter = insns,
    };
    /* through glibc's prctl, as sshd does (not seccomp(2)) */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        perror("sandbox: prctl(PR_SET_NO_NEW_PRIVS)");
        return -1;
    }
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        perror("sandbox: prctl(PR_SET_SECCOMP)");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "kill";
    char *end = NULL;
    long rounds = argc > 2 ? strtol(argv[2], &end, 10) : 0;
    if (argc > 3 || (argc > 2 && (*end != '\0' || rounds < 0)) ||
        (strcmp(mode, "kill") != 0 && strcmp(mode, "errno") != 0 && strcmp(mode, "trap") != 0 &&
         strcmp(mode, "none") != 0)) {
        fprintf(stderr, "usage: sandbox [kill|errno|trap|none [ROUNDS]]\n");
        return 2;
    }
    struct stat st;
    if (fstat(1, &st) == 0 && S_ISREG(st.st_mode)) {
        fprintf(stderr, "sandbox: stdout is a regular file; after RLIMIT_FSIZE=0 this "
                        "program could not write to it: use a pipe (| cat >FILE)\n");
        return 2;
    }

    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0) {
        perror("sandbox: socketpair");
        return 2;
    }
    /* stdio sets its buffer up (fstat, malloc) on the first output: here,
     * before the sandbox; afterwards printf only fills it, fflush writes */
    printf("start %s\n", mode);
    phase(sp[0], sp[1], "before");
    fflush(stdout);

    if (sandbox(mode) != 0)
        return 2;
    printf("sandboxed %s\n", mode);
    fflush(stdout);

    phase(sp[0], sp[1], "after");
    int np[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, np) != 0) {
        printf("after:socketpair: %s: FAILED\n", strerror(errno));
        bad = 1;
    } else {
        round_trip(np[0], np[1], "after:new");
        if (close(np[0]) != 0 || close(np[1]) != 0) {
            printf("after:close new: %s: FAILED\n", strerror(errno));
            bad = 1;
        }
    }
    if (rounds > 0)
        bulk(sp[0], sp[1], rounds);
    if (close(sp[0]) != 0 || close(sp[1]) != 0) {
        printf("after:close: %s: FAILED\n", strerror(errno));
        bad = 1;
    }
    printf("done %d\n", bad);
    fflush(stdout);
    report_traps();
    exit(bad);
}
