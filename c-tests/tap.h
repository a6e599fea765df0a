/* Minimal TAP producer for sockshim's C tests, plus the two things every
 * test needs: glibc's own functions (for differential comparison) and the
 * proof that a program's calls really bind to sockshim.
 *
 * Each test program includes only system headers and this file, so the same
 * source builds three ways: linked to libsockshim.so, linked to
 * libsockshim.a, and against glibc alone (then run with LD_PRELOAD). */
#ifndef SOCKSHIM_TAP_H
#define SOCKSHIM_TAP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_UNUSED __attribute__((unused))

static int tap_n, tap_failed;

/* ok(cond, fmt, ...): one TAP line; returns cond so callers can diagnose. */
static int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static TAP_UNUSED int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_n++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return cond;
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static TAP_UNUSED void diag(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* Prints the plan at the end ("done testing") and exits 0 only if all passed. */
static TAP_UNUSED int tap_done(void)
{
    printf("1..%d\n", tap_n);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

/* glibc's own definition of `name`, whatever the program itself binds to. */
static void *glibc_sym(const char *name)
{
    static void *libc;
    if (!libc)
        libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    if (!libc) {
        printf("Bail out! dlopen(libc.so.6): %s\n", dlerror());
        exit(2);
    }
    void *p = dlsym(libc, name);
    if (!p) {
        printf("Bail out! dlsym(libc.so.6, %s): %s\n", name, dlerror());
        exit(2);
    }
    return p;
}

/* GLIBC(fn) is glibc's `fn` with the program's own prototype of `fn`. */
#define GLIBC(fn) ((__typeof__(&fn))glibc_sym(#fn))

/* True when `addr` (the program's binding of `name`) is sockshim's: not
 * glibc's definition, and inside libsockshim.so (linked or preloaded) or
 * inside the program itself (linked statically with libsockshim.a). */
static TAP_UNUSED int bound_to_sockshim(const char *name, void *addr)
{
    Dl_info mine, prog;
    extern int main();
    if (addr == glibc_sym(name))
        return 0;
    if (!dladdr(addr, &mine) || !dladdr((void *)&main, &prog))
        return 0;
    return strstr(mine.dli_fname, "libsockshim") != NULL || mine.dli_fbase == prog.dli_fbase;
}

/* One TAP line proving each named function goes through sockshim. */
#define PROVE_SOCKSHIM(fn) ok(bound_to_sockshim(#fn, (void *)&fn), "%s binds to sockshim", #fn)

#endif
