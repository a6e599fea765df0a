/* The static results of the non-_r netdb functions, one per function per
 * process, as glibc's nss/getXXbyYY.c keeps them: gethostbyname,
 * gethostbyname2, gethostbyaddr, getservbyname, getservbyport,
 * getprotobyname and getprotobynumber each have their own result struct
 * and buffer, so a result of one survives calls of the others (the classic
 * walk of gethostbyname's h_addr_list calling gethostbyaddr on each
 * address).
 *
 * glibc holds each function's lock for the whole lookup; sockshim looks up
 * first (into the caller's stack or the thread's scratch buffer, no lock)
 * and holds the function's lock only to publish the answer here: growing
 * the buffer (realloc, as glibc's) and copying the entry in. No lock is
 * held across a blocking call. Two threads calling the same function
 * overwrite each other's result, as on glibc. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* The largest of struct hostent, servent, protoent (5 words), aligned. */
union sockshim_ent {
    void *words[5];
    long double align;
};

struct slot {
    pthread_mutex_t lock;
    union sockshim_ent ent;
    char *buf;
    size_t len;
};

/* The order of src/header/netdb/statics.rs's `Static`. */
enum { NSLOTS = 7 };

static struct slot slots[NSLOTS] = {
    [0 ... NSLOTS - 1] = {.lock = PTHREAD_MUTEX_INITIALIZER},
};

/* Locks function `which`'s result and makes its buffer at least `want`
 * bytes; *buf and *len are the buffer (NULL and 0 when out of memory: the
 * old buffer is freed, as glibc does). Returns the result struct, or NULL
 * for an unknown `which` (nothing locked). */
HIDDEN void *sockshim_static_enter(int which, size_t want, char **buf, size_t *len)
{
    if (which < 0 || which >= NSLOTS)
        return NULL;
    struct slot *s = &slots[which];
    pthread_mutex_lock(&s->lock);
    if (s->buf == NULL || s->len < want) {
        char *p = realloc(s->buf, want);
        if (p == NULL) {
            free(s->buf);
            s->len = 0;
        } else {
            s->len = want;
        }
        s->buf = p;
    }
    *buf = s->buf;
    *len = s->len;
    return &s->ent;
}

/* The size of function `which`'s buffer now (0 before its first result):
 * glibc's getXXbyYY.c keeps its buffer_size from call to call. */
HIDDEN size_t sockshim_static_len(int which)
{
    if (which < 0 || which >= NSLOTS)
        return 0;
    struct slot *s = &slots[which];
    pthread_mutex_lock(&s->lock);
    size_t len = s->len;
    pthread_mutex_unlock(&s->lock);
    return len;
}

/* Unlocks what sockshim_static_enter(which, ...) locked. */
HIDDEN void sockshim_static_leave(int which)
{
    if (which >= 0 && which < NSLOTS)
        pthread_mutex_unlock(&slots[which].lock);
}
