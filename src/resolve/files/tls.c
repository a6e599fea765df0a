/* Per-thread scratch storage for getservbyname, getservbyport,
 * getprotobyname and getprotobynumber: the struct and buffer (grown on
 * ERANGE as glibc's own static buffer is) a lookup is done into, without a
 * lock, before the entry found is published into the function's own
 * static result (src/header/netdb/statics.c), which all threads share as
 * glibc's. initial-exec TLS: no allocation to reach it. A thread's buffers are freed when it exits (a pthread key
 * destructor), so nothing is lost under valgrind. */
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>

#define HIDDEN __attribute__((visibility("hidden")))
#define TLS_IE __attribute__((tls_model("initial-exec")))

enum { SERVICES_BUF, PROTOCOLS_BUF, NBUFS };

struct grow_buf {
    char *p;
    size_t len;
};

static __thread struct grow_buf bufs[NBUFS] TLS_IE;
static __thread struct servent serv TLS_IE;
static __thread struct protoent proto TLS_IE;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static int key_ok;

static void free_bufs(void *arg)
{
    struct grow_buf *b = arg;
    for (int i = 0; i < NBUFS; i++) {
        free(b[i].p);
        b[i].p = NULL;
        b[i].len = 0;
    }
}

static void make_key(void) { key_ok = pthread_key_create(&key, free_bufs) == 0; }

HIDDEN struct servent *sockshim_tls_servent(void) { return &serv; }
HIDDEN struct protoent *sockshim_tls_protoent(void) { return &proto; }

/* The calling thread's buffer `which`, at least `want` bytes long; its
 * length goes to *len. NULL when out of memory (the old buffer is freed,
 * as glibc does, so the process can end normally). */
HIDDEN char *sockshim_tls_netdb_buf(int which, size_t want, size_t *len)
{
    struct grow_buf *b = &bufs[which == PROTOCOLS_BUF ? PROTOCOLS_BUF : SERVICES_BUF];
    if (b->p == NULL || b->len < want) {
        char *p = realloc(b->p, want);
        if (p == NULL) {
            free(b->p);
            b->p = NULL;
            b->len = 0;
            return NULL;
        }
        if (b->p == NULL) {
            pthread_once(&key_once, make_key);
            if (key_ok)
                pthread_setspecific(key, bufs);
        }
        b->p = p;
        b->len = want;
    }
    *len = b->len;
    return b->p;
}
