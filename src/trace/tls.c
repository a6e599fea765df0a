/* Per-thread state of the tracer, which stable no_std Rust cannot declare.
 * initial-exec TLS: reaching it is one %fs-relative access, with no
 * __tls_get_addr call (no allocation, safe in a signal handler). Hidden:
 * nothing here is exported. */
#define HIDDEN __attribute__((visibility("hidden")))
#define TLS_IE __attribute__((tls_model("initial-exec")))

/* Nonzero while this thread runs tracer code: a traced call made from a
 * signal handler that interrupted the tracer is not traced (nothing the
 * tracer does, directly or through a handler, is traced). */
static __thread int in_tracer TLS_IE;

/* This thread's id as the kernel knows it, or 0 before the first traced
 * call of the thread (and after fork, which resets it). */
static __thread int cached_tid TLS_IE;

/* Enters the tracer: 1 if the thread was outside it (and now is inside),
 * 0 if it was already inside. A signal arriving between the test and the
 * store runs a handler that enters and leaves again, leaving 0 behind. */
HIDDEN int sockshim_trace_enter(void)
{
    if (in_tracer)
        return 0;
    in_tracer = 1;
    return 1;
}

HIDDEN void sockshim_trace_leave(void) { in_tracer = 0; }

HIDDEN int sockshim_trace_tid(void) { return cached_tid; }

HIDDEN void sockshim_trace_set_tid(int tid) { cached_tid = tid; }
