/* The two things sockshim needs that stable no_std Rust cannot declare. Both
 * are hidden: nothing here is exported from the library. */
#define HIDDEN __attribute__((visibility("hidden")))

/* Thread-local storage for the C API's "static buffer" results (inet_ntoa,
 * later the non-_r resolver calls). initial-exec: no __tls_get_addr call (and
 * so no allocation) on the call path. */
static __thread char ntoa_buf[18] __attribute__((tls_model("initial-exec")));

HIDDEN char *sockshim_tls_ntoa_buf(void) { return ntoa_buf; }

/* The precompiled `core` names Rust's personality routine in its unwind
 * tables. sockshim is built with panic=abort, so no Rust frame has cleanups
 * to run; the only unwinding that can pass through our frames is glibc's
 * forced unwind of a cancelled thread, and for that the answer is "continue"
 * (_URC_CONTINUE_UNWIND). Weak: a build with std (cargo test) has the real one. */
__attribute__((weak)) HIDDEN int rust_eh_personality(int version, int actions, unsigned long exception_class, void *exception,
                               void *context)
{
    (void)version;
    (void)actions;
    (void)exception_class;
    (void)exception;
    (void)context;
    return 8; /* _URC_CONTINUE_UNWIND */
}
