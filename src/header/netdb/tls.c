/* Per-thread results of the non-_r resolver calls (gethostbyname,
 * gethostbyname2, gethostbyaddr): the struct hostent they return and its
 * data buffer, malloc'd at a thread's first call and grown when an entry
 * needs more (as glibc's own buffer is). Hidden; initial-exec, so no
 * __tls_get_addr on the path, and small, so a dlopen of the library still
 * finds static TLS room. */
#include <stddef.h>

#define HIDDEN __attribute__((visibility("hidden")))
#define TLS __thread __attribute__((tls_model("initial-exec")))

struct sockshim_hostent {
    char *h_name;
    char **h_aliases;
    int h_addrtype;
    int h_length;
    char **h_addr_list;
};

static TLS struct sockshim_hostent host;
static TLS char *host_buf;
static TLS size_t host_buf_len;

HIDDEN struct sockshim_hostent *sockshim_tls_hostent(void) { return &host; }

HIDDEN char **sockshim_tls_hostbuf(void) { return &host_buf; }

HIDDEN size_t *sockshim_tls_hostbuf_len(void) { return &host_buf_len; }
